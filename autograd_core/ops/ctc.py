r"""Connectionist temporal classification as one op: ``ctc_nll``, the negative log-likelihood
ℓₙ = −log p(zₙ | xₙ) of each target sequence, summed over all its alignments (Graves,
Fernández, Gomez & Schmidhuber, "Connectionist temporal classification: labelling unsegmented
sequence data with recurrent neural networks", ICML 2006, §3–4). ``nn.functional.ctc_loss``
(nn/losses_ctc.py) checks its arguments and reduces ℓ; this module computes it.

Over the extended sequence z' = (−, z₁, −, z₂, …, z_S, −) of 2S + 1 states (blanks around every
label), the forward variables in log space are (Graves et al. eqs. 5–8)

.. math::
    \alpha_t(s) = \log y^t_{z'_s} + \operatorname{logsumexp}\big(\alpha_{t-1}(s),\
    \alpha_{t-1}(s-1),\ \alpha_{t-1}(s-2)\big)

where the skip term α_{t−1}(s−2) is there only when z'_s is a label different from z'_{s−2} (a
repeated label needs a blank between its copies), α₁ starts in z'₁ or z'₂, and
log p = logsumexp(α_T(2S+1), α_T(2S)).

Two forms compute it. ``CTCNegLogLikelihood`` runs the recursion on arrays, vectorised over the
batch and the states, with a loop over the frames only, and its VJP runs the backward (β)
recursion the same way. ``ctc_log_likelihood_composite`` builds the same recursion from engine
ops (a gather, ``where``, ``logsumexp`` and add per frame), so its gradient is the engine's and
can be differentiated again; the op's recorded VJP (``create_graph=True``) differentiates it,
which gives the op a second derivative. A plain backward never builds it.

States that no alignment reaches hold a large finite number (``NEG`` = −1e30) rather than −inf,
which keeps every log-sum finite and exact (exp(NEG − x) is 0 next to any real log-likelihood);
a log-likelihood below ``IMPOSSIBLE`` means no alignment exists, and ``ctc_nll`` is then inf.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy  # errstate only: the maths use self.xp

from autograd_core.errors import DTypeError, ShapeError
from autograd_core.graph import as_leaves, grad
from autograd_core.op import Op
from autograd_core.ops.binary import where
from autograd_core.ops.common import lift
from autograd_core.ops.copying import clone
from autograd_core.ops.indexing import take_along_axis
from autograd_core.ops.join import stack, unbind
from autograd_core.ops.statistics import logsumexp
from autograd_core.ops.unary import clamp
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = ["ctc_nll", "ctc_log_likelihood_composite", "NEG", "IMPOSSIBLE"]

NEG = -1e30  # log of "unreachable": exp(NEG − x) is exactly 0 next to any real log-likelihood
IMPOSSIBLE = NEG / 2  # a log-likelihood below this has no alignment behind it

Labels = Sequence[Sequence[int]]


def _extended(xp: Any, labels: Labels, blank: int) -> tuple[Any, Any]:
    """(z' of every sequence, (N, 2S + 1) int64, padded with blanks past its own 2Sₙ + 1
    states; where the skip from s − 2 to s is allowed, (N, 2S + 1) bool)."""
    n_batch = len(labels)
    n_labels = max(len(row) for row in labels)
    padded = [list(row) + [blank] * (n_labels - len(row)) for row in labels]
    ext = xp.full((n_batch, 2 * n_labels + 1), blank, dtype=xp.int64)
    ext[:, 1::2] = xp.asarray(padded, dtype=xp.int64).reshape(n_batch, n_labels)
    skip = xp.zeros(ext.shape, dtype=bool)
    skip[:, 2:] = (ext[:, 2:] != blank) & (ext[:, 2:] != ext[:, :-2])
    return ext, skip


def _ends(labels: Labels, in_lens: Sequence[int]) -> tuple[list[int], list[int], list[bool]]:
    """Per sequence (host ints): its last frame, its final blank's state 2Sₙ, and whether the
    state 2Sₙ − 1 of its last label is a second place to end (Sₙ > 0)."""
    last = [max(k - 1, 0) for k in in_lens]
    return last, [2 * len(row) for row in labels], [len(row) > 0 for row in labels]


def ctc_log_likelihood_composite(
    lp: Tensor, labels: Labels, in_lens: Sequence[int], blank: int
) -> Tensor:
    """log p(zₙ | xₙ) of each sequence, shape (N,), as a composite of engine ops (the α
    recursion of the module docstring, one gather / where / logsumexp / add per frame). Below
    ``IMPOSSIBLE`` where no alignment exists. Differentiable to any order; the recorded VJP of
    ``ctc_nll`` differentiates it."""
    xp = lp.xp
    n_batch = lp.shape[1]
    ext, skip = _extended(xp, labels, blank)
    n_states = ext.shape[1]
    s = xp.arange(n_states)
    # predecessors of state s: s, s−1, s−2 (clipped at 0 where absent, then masked out)
    prev = xp.stack([s, xp.maximum(s - 1, 0), xp.maximum(s - 2, 0)], axis=1).reshape(1, -1)
    allowed = xp.stack([xp.ones_like(skip), xp.broadcast_to(s >= 1, skip.shape), skip], axis=2)

    emit = take_along_axis(lp, ext[None], axis=2)  # (T, N, 2S + 1): log y^t_{z'_s}
    emit = clamp(emit, min=NEG)  # a −inf log-probability is unreachable, not NaN
    steps = max(max(in_lens), 1)  # one frame even when no sequence uses any: keeps the graph
    alphas = []
    for t, emit_t in enumerate(unbind(emit[:steps], 0)):
        if t == 0:
            alpha = where(s < 2, emit_t, NEG)
        else:
            cand = take_along_axis(alpha, prev, axis=1).reshape(n_batch, n_states, 3)
            alpha = logsumexp(where(allowed, cand, NEG), -1) + emit_t
        alphas.append(alpha)

    # end in the last label or the blank after it, at each sequence's last frame
    last, final, both = _ends(labels, in_lens)
    ends = [[e, max(e - 1, 0)] for e in final]
    batch = xp.arange(n_batch)[:, None]
    picked = stack(alphas)[xp.asarray(last)[:, None], batch, xp.asarray(ends)]  # (N, 2)
    both_mask = xp.asarray([[True, b] for b in both])
    ll = logsumexp(where(both_mask, picked, NEG), -1)
    # a sequence with no frames has probability 1 for the empty target, 0 otherwise
    if 0 in in_lens:
        no_frames = xp.asarray([k == 0 for k in in_lens])
        empty = xp.asarray([0.0 if not row else NEG for row in labels], lp.dtype)
        ll = where(no_frames, empty, ll)
    return ll


@register_op("ctc_nll", array_vjp=True)
class CTCNegLogLikelihood(Op):
    r"""ℓ = ctc_nll(log_probs): ℓₙ = −log p(zₙ | xₙ) for log_probs (T, N, C), shape (N,),
    summed over the alignments of labels[n] within the first input_lengths[n] frames (module
    docstring); inf where none exists. Params: ``labels`` (N tuples of class indices, none
    equal to ``blank``), ``input_lengths`` (N frame counts in [0, T]), ``blank``.

    Forward: the α recursion on arrays, one step per frame over all (N, 2S + 1) states at once
    (``logaddexp`` of the three predecessors; a disallowed skip adds NEG).

    VJP (Graves et al. 2006, eqs. 14–16): with β̂_t(s) = log Σ over the alignment suffixes that
    go from state s after frame t to a final state (the β of eqs. 10–12 without frame t's own
    emission, β_t(s) = y^t_{z'_s} β̂_t(s)), eq. 14 gives p = Σ_s α_t(s) β_t(s) / y^t_{z'_s} for
    every t, and eq. 15's ∂p/∂y^t_k = (y^t_k)⁻² Σ_{s: z'_s = k} α_t(s) β_t(s) becomes, for the
    log-probabilities,

    .. math::
        \frac{\partial \ell}{\partial \log y^t_k}
        = -\sum_{s:\, z'_s = k} \exp\big(\alpha_t(s) + \hat\beta_t(s) - \log p\big)

    the exact derivative (eq. 16 adds y^t_k for logits through a softmax; PyTorch's backward
    returns that sum, this op the derivative alone). β̂ runs backwards from β̂(2S) =
    β̂(2S − 1) = 0 at each sequence's last frame; frames past it get 0, and so does a sequence
    without alignments (ℓ = inf). The sum over s with z'_s = k is one ``bincount``.

    Recorded VJP (``create_graph=True``): the derivative of ``ctc_log_likelihood_composite``,
    which is differentiable again. Saves α (T', N, 2S + 3: two NEG columns in front), the
    gathered log-probabilities (T', N, 2S + 1), z', the skip penalties, log p and which
    sequences have alignments; T' = max(input_lengths). Does not broadcast.
    """

    fresh_grads = True

    def forward(self, lp: Any, *, labels: Labels, input_lengths: Sequence[int], blank: int):
        xp, dtype = self.xp, lp.dtype
        steps = max(max(input_lengths), 1)
        ext, skip = _extended(xp, labels, blank)
        n_batch, n_states = ext.shape
        emit = xp.maximum(xp.take_along_axis(lp[:steps], ext[None], axis=2), NEG)
        pen = (~skip).astype(dtype) * NEG  # 0 where the skip s − 2 → s is allowed, else NEG
        A = xp.full((steps, n_batch, n_states + 2), NEG, dtype=dtype)
        A[0, :, 2:4] = emit[0, :, :2]
        both, skipped = (xp.empty((n_batch, n_states), dtype) for _ in range(2))
        with numpy.errstate(invalid="ignore"):  # a NaN log-probability propagates, silently
            for t in range(1, steps):
                prev = A[t - 1]
                xp.logaddexp(prev[:, 2:], prev[:, 1:-1], out=both)
                xp.add(prev[:, :-2], pen, out=skipped)
                xp.logaddexp(both, skipped, out=both)
                xp.add(both, emit[t], out=A[t, :, 2:])

        # end in the blank after the last label (state 2Sₙ) or on that label (2Sₙ − 1; for
        # Sₙ = 0 that is the NEG column in front), at each sequence's last frame
        last, final, _ = _ends(labels, input_lengths)
        rows, col = xp.arange(n_batch), xp.asarray(final) + 2
        at_last = A[xp.asarray(last), rows]  # (N, 2S + 3)
        with numpy.errstate(invalid="ignore"):
            ll = xp.logaddexp(at_last[rows, col], at_last[rows, col - 1])
        if 0 in input_lengths:  # no frames: probability 1 for the empty target, 0 otherwise
            no_frames = xp.asarray([k == 0 for k in input_lengths])
            empty = xp.asarray([NEG if row else 0.0 for row in labels], dtype)
            ll = xp.where(no_frames, empty, ll)
        possible = ~(ll < IMPOSSIBLE)  # (a NaN is possible: it propagates)
        self.saved = (A, emit, ext, pen, xp.where(possible, ll, 0), possible)
        return xp.where(possible, -ll, xp.full((), float("inf"), dtype))

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        if isinstance(gy, Tensor):
            return (self._composite_vjp(gy),)
        xp = self.xp
        A, emit, ext, pen, ll, possible = self.saved
        T, n_batch, n_classes = self.inputs[0].shape
        steps = emit.shape[0]
        B = self._betas()
        scale = xp.where(possible, -gy, 0).astype(A.dtype)  # ∂ℓ/∂log p = −1
        W = xp.exp(A[:, :, 2:] + B - ll[:, None]) * scale[:, None]
        cells = xp.arange(steps * n_batch).reshape(steps, n_batch, 1) * n_classes + ext[None]
        g = xp.bincount(cells.reshape(-1), weights=W.reshape(-1), minlength=T * n_batch * n_classes)
        return (g.astype(A.dtype).reshape(T, n_batch, n_classes),)

    def _betas(self) -> Any:
        """β̂ of every used frame, (T', N, 2S + 1); NEG-like past each sequence's last frame."""
        xp, p = self.xp, self.params
        _, emit, _, pen, _, _ = self.saved
        steps, n_batch, n_states = emit.shape
        dtype = emit.dtype
        last, final, two = _ends(p["labels"], p["input_lengths"])
        start = xp.full((n_batch, n_states), NEG, dtype)  # β̂ at each sequence's last frame
        start[xp.arange(n_batch), xp.asarray(final)] = 0
        start[xp.arange(n_batch), xp.asarray([f - 1 if b else f for f, b in zip(final, two)])] = 0
        starts: dict[int, list[int]] = {}
        for n, (t, k) in enumerate(zip(last, p["input_lengths"])):
            if k:
                starts.setdefault(t, []).append(n)
        B = xp.full((steps, n_batch, n_states), NEG, dtype)
        G = xp.full((n_batch, n_states + 2), NEG, dtype)  # emit + β̂ of the next frame, 2 NEG after
        skip_pen = xp.zeros_like(pen)  # the penalty of the skip s → s + 2
        skip_pen[:, :-2] = pen[:, 2:]
        skipped = xp.empty((n_batch, n_states), dtype)
        with numpy.errstate(invalid="ignore"):  # (NaN, as in the forward)
            for t in range(steps - 1, -1, -1):
                if t < steps - 1:
                    xp.add(emit[t + 1], B[t + 1], out=G[:, :n_states])
                    xp.logaddexp(G[:, :n_states], G[:, 1:-1], out=B[t])
                    xp.add(G[:, 2:], skip_pen, out=skipped)
                    xp.logaddexp(B[t], skipped, out=B[t])
                if t in starts:
                    rows = xp.asarray(starts[t])
                    B[t, rows] = start[rows]
        return B

    def _composite_vjp(self, gy: Tensor) -> Tensor:
        """ℓ̄ pulled back through ``ctc_log_likelihood_composite``, recorded. The nested sweep
        starts at the composite's result and stops at a private copy of log_probs that stands as
        a leaf meanwhile (``as_leaves``, as checkpoint's recomputation), so it neither
        walks log_probs' history nor runs its hooks; the graph it records holds the copy, whose
        node leads back to log_probs once restored."""
        p = self.params
        lp = clone(self.inputs[0])
        with as_leaves([lp]):
            ll = ctc_log_likelihood_composite(lp, p["labels"], p["input_lengths"], p["blank"])
            seed = where(ll.data < IMPOSSIBLE, 0.0, -gy)  # ∂ℓ/∂log p = −1; 0 if impossible
            (g,) = grad(ll, lp, seed, create_graph=True)
        return g


def ctc_nll(log_probs: Any, labels: Labels, input_lengths: Sequence[int], blank: int = 0) -> Tensor:
    """−log p(labels[n] | log_probs[:input_lengths[n], n]) for each sequence n, shape (N,): the
    CTC loss of ``nn.functional.ctc_loss(..., reduction='none')`` for checked host arguments
    (that function accepts PyTorch's forms of targets and lengths and reduces). inf where no
    alignment exists; the gradient is the exact ∂ℓ/∂log_probs, 0 for such a sequence.

    Args:
        log_probs: (T, N, C) float32 or float64, usually ``log_softmax`` outputs.
        labels: N sequences of class indices in [0, C), none equal to ``blank``.
        input_lengths: N frame counts in [0, T].
        blank: the blank class, in [0, C).

    Example:
        >>> import autograd_core as ac
        >>> from autograd_core.ops.ctc import ctc_nll
        >>> lp = ac.log_softmax(ac.zeros(3, 1, 2), dim=-1)  # 3 frames, {blank, 'a'}
        >>> round(ctc_nll(lp, [[1]], [3]).item(), 6)  # 6 of the 8 alignments give 'a'
        0.287682
    """
    lp = lift(log_probs)
    if lp.ndim != 3 or lp.numel() == 0:
        raise ShapeError(
            f"ctc_nll: log_probs must be a non-empty (T, N, C) tensor, got shape "
            f"{tuple(lp.shape)}. Put time first: x.permute(1, 0, 2) turns (N, T, C) into (T, N, C)."
        )
    if lp.dtype.name not in ("float32", "float64"):
        raise DTypeError(
            f"ctc_nll: log_probs must be float32 or float64, got {lp.dtype}. Cast it, e.g. "
            "log_probs.double()."
        )
    T, N, C = lp.shape
    rows = tuple(tuple(int(v) for v in row) for row in labels)
    lengths = tuple(int(k) for k in input_lengths)
    if len(rows) != N or len(lengths) != N:
        raise ShapeError(
            f"ctc_nll: log_probs of shape {tuple(lp.shape)} holds N = {N} sequences; got "
            f"{len(rows)} label sequences and {len(lengths)} input lengths. Give one of each "
            "per sequence."
        )
    bad = [k for k in lengths if not 0 <= k <= T]
    if bad or not 0 <= blank < C:
        raise ValueError(
            f"ctc_nll: input lengths must lie in [0, T] = [0, {T}] and blank in [0, {C}); "
            f"got lengths {list(lengths)} and blank {blank}."
        )
    for n, row in enumerate(rows):
        if any(not 0 <= v < C or v == blank for v in row):
            raise ValueError(
                f"ctc_nll: the labels of sequence {n}, {list(row)}, must lie in [0, {C}) and "
                f"differ from the blank {blank}."
            )
    return CTCNegLogLikelihood.apply(lp, labels=rows, input_lengths=lengths, blank=int(blank))
