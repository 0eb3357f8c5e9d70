r"""Connectionist temporal classification: ``nn.functional.ctc_loss`` and ``nn.CTCLoss``, with
PyTorch's arguments and numbers.

A network emits, at each of T frames, log-probabilities over C classes, one of which is the
*blank*. An alignment π (one class per frame) *collapses* to a label sequence by merging runs of
equal classes and then dropping blanks (``a a - b b`` → ``a b``, ``a - a`` → ``a a``). The loss
of a target sequence z is minus the log of the total probability of the alignments that collapse
to it (Graves, Fernández, Gomez & Schmidhuber, "Connectionist temporal classification: labelling
unsegmented sequence data with recurrent neural networks", ICML 2006, §3–4):

.. math:: \ell = -\log \sum_{\pi \in \mathcal{B}^{-1}(z)} \prod_{t=1}^{T} y^t_{\pi_t}

computed by the forward (α) recursion over the extended sequence z' = (−, z₁, −, z₂, …, z_S, −)
of length 2S + 1 (blanks around every label), in log space:

.. math::
    \alpha_t(s) = \log y^t_{z'_s} + \operatorname{logsumexp}\big(\alpha_{t-1}(s),\
    \alpha_{t-1}(s-1),\ \alpha_{t-1}(s-2)\big)

where the skip term α_{t−1}(s−2) is there only when z'_s is a label different from z'_{s−2} (a
repeated label needs a blank between its copies), α₁ starts in z'₁ or z'₂, and
ℓ = −logsumexp(α_T(2S+1), α_T(2S)).

The recursions run in one registered op, ``ctc_nll`` (autograd_core/ops/ctc.py): the α
recursion on arrays in its forward, the β recursion and the gradient of Graves et al.'s eqs.
14–16 in its VJP, each a loop over the frames vectorised over the batch and the 2S + 1 states,
on NumPy and CuPy alike. The gradient is the exact derivative. A recorded backward
(``create_graph=True``) differentiates the composite of engine ops that this loss was before
(``ctc_log_likelihood_composite`` there), so second derivatives still work. States that no
alignment reaches hold a large finite number (−1e30) rather than −inf, which keeps every sum in
log space finite; a sequence without any alignment gets ℓ = inf.

Why an op: as a composite (one gather, ``where``, ``logsumexp`` and add per frame over an
(N, 2S + 1) array, differentiable twice for free) forward plus backward measured 9–18× the time
of PyTorch's fused C++ kernel at T = 50, N = 16, C = 20, S = 10 (``python -m bench.bench_ctc``),
its backward being the engine's sweep over some 6T graph nodes; the op measured 2–4× there, with
the same command on the same machine (the current numbers are in BENCHMARKS.md).
"""

from __future__ import annotations

from typing import Any

import autograd_core as ac
from autograd_core.errors import DTypeError, ShapeError
from autograd_core.ops.ctc import ctc_nll
from autograd_core.tensor import Tensor
from nn.losses_common import LossModule, check_reduction

__all__ = ["ctc_loss", "CTCLoss"]


def ctc_loss(
    log_probs: Tensor,
    targets: Any,
    input_lengths: Any,
    target_lengths: Any,
    blank: int = 0,
    reduction: str = "mean",
    zero_infinity: bool = False,
) -> Tensor:
    r"""The CTC loss ℓₙ = −log p(zₙ | xₙ) of each target sequence, summed over all alignments
    (Graves et al. 2006; see the module docstring for the recursion).

    Semantics are PyTorch's: ``log_probs`` should be ``log_softmax`` outputs over the class axis;
    sequence n uses the first ``input_lengths[n]`` frames and the first ``target_lengths[n]``
    labels (of its row of padded targets, or of its slice of concatenated targets). An
    impossible target (too long for its frames, counting the blanks its repeated labels need)
    has ℓ = inf, or 0 with ``zero_infinity`` (then with zero gradient). ``'mean'`` divides each
    ℓₙ by max(target_lengths[n], 1) and then averages over the batch; ``'sum'`` adds the ℓₙ;
    ``'none'`` returns them, shape (N,) (0-d for an unbatched input).

    Gradient: the exact derivative ∂ℓ/∂log_probs, which passes ``gradcheck``. PyTorch's backward
    returns that plus exp(log_probs) on the frames each sequence uses, the gradient it would
    have through a ``log_softmax`` it assumes; the two agree on the logits fed to
    ``log_softmax``, and so train identically. An impossible target's inf loss gets gradient 0
    here (PyTorch: NaN unless ``zero_infinity``). Targets and lengths are read on the host.

    Args:
        log_probs: (T, N, C) or unbatched (T, C), float32 or float64.
        targets: padded (N, S) with S ≥ max(target_lengths), or concatenated 1-D of length
            sum(target_lengths) (unbatched: 1-D of exactly target_lengths labels, or padded
            (1, S), as in PyTorch). Integers in [0, C), never
            ``blank`` (padding beyond a sequence's length is not read).
        input_lengths: N frame counts in [0, T] (a tensor, list or tuple; an int or 0-d tensor
            when unbatched).
        target_lengths: N label counts ≥ 0, likewise.
        blank: the blank class, in [0, C).
        reduction: 'mean' | 'sum' | 'none'.
        zero_infinity: give impossible targets loss 0 and gradient 0 instead of inf.

    Raises:
        ShapeError: wrong numbers of axes, an empty log_probs, lengths or targets that do not
            match the batch.
        DTypeError: non-float log_probs (or float16), non-integer targets or lengths.
        ValueError: a length out of range, a label equal to ``blank``, blank outside [0, C),
            or an unknown reduction.
        IndexError: a label outside [0, C) (as the other class-index losses).

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> log_probs = ac.log_softmax(ac.zeros(3, 1, 2), dim=-1)  # 3 frames, {blank, 'a'}
        >>> loss = F.ctc_loss(log_probs, ac.tensor([[1]]), [3], [1], reduction="sum")
        >>> round(loss.item(), 6)  # 6 of the 8 alignments give 'a': −log(6/8)
        0.287682
    """
    name = "ctc_loss"
    check_reduction(reduction, name)
    lp, unbatched = _check_log_probs(name, log_probs)
    n_frames, n_batch, n_classes = lp.shape
    if isinstance(blank, bool) or not isinstance(blank, int) or not 0 <= blank < n_classes:
        raise ValueError(
            f"{name}: blank must be a class index in [0, {n_classes}) for log_probs of shape "
            f"{tuple(log_probs.shape)}, got {blank!r}."
        )
    in_lens = _lengths(name, "input_lengths", input_lengths, n_batch, unbatched)
    tg_lens = _lengths(name, "target_lengths", target_lengths, n_batch, unbatched)
    for n, length in enumerate(in_lens):
        if not 0 <= length <= n_frames:
            raise ValueError(
                f"{name}: input_lengths must lie in [0, T] = [0, {n_frames}] for log_probs of "
                f"shape {tuple(log_probs.shape)}; sequence {n} has {length}. Give each "
                "sequence's number of frames."
            )
    for n, length in enumerate(tg_lens):
        if length < 0:
            raise ValueError(
                f"{name}: target_lengths must be ≥ 0; sequence {n} has {length}. Give each "
                "sequence's number of labels."
            )
    labels = _labels(name, targets, tg_lens, blank, n_classes)
    loss = ctc_nll(lp, labels, in_lens, blank)  # inf where no alignment exists
    xp = lp.xp
    if zero_infinity:  # masked on the device: no host read of the loss
        loss = ac.where(xp.isinf(loss.data), 0.0, loss)
    if reduction == "mean":
        counts = xp.asarray([max(length, 1) for length in tg_lens], dtype=loss.dtype)
        return (loss / ac.as_tensor(counts)).mean()
    if reduction == "sum":
        return loss.sum()
    return loss.reshape(()) if unbatched else loss


def _check_log_probs(name: str, log_probs: Any) -> tuple[Tensor, bool]:
    """``log_probs`` as a (T, N, C) Tensor, and whether it was unbatched (T, C)."""
    if not isinstance(log_probs, Tensor):
        log_probs = ac.tensor(log_probs)
    if log_probs.ndim not in (2, 3):
        raise ShapeError(
            f"{name}: log_probs must be (T, N, C), or (T, C) for one sequence, got shape "
            f"{tuple(log_probs.shape)}. Put time first: x.permute(1, 0, 2) turns (N, T, C) "
            "into (T, N, C)."
        )
    if log_probs.dtype not in (ac.float32, ac.float64):
        raise DTypeError(
            f"{name}: log_probs must be float32 or float64, got {log_probs.dtype}. Cast it, "
            "e.g. log_probs.float() (PyTorch has no float16 CTC on the CPU either)."
        )
    if log_probs.numel() == 0:
        raise ShapeError(
            f"{name}: log_probs must not be empty, got shape {tuple(log_probs.shape)} (as in "
            "PyTorch). Give at least one frame, one sequence and one class."
        )
    unbatched = log_probs.ndim == 2
    return (log_probs.unsqueeze(1) if unbatched else log_probs), unbatched


def _host_ints(name: str, what: str, value: Any) -> tuple[list[int], tuple[int, ...]]:
    """An integer tensor, array, list, tuple or int as a flat list of ints and its shape."""
    if isinstance(value, (list, tuple)) and not value:
        return [], (0,)
    t = value if isinstance(value, Tensor) else ac.tensor(value)
    if t.dtype.kind not in "iu":
        raise DTypeError(
            f"{name}: {what} must hold integers, got dtype {t.dtype}. Pass e.g. "
            f"ac.tensor(..., dtype=ac.int64) or a list of ints."
        )
    return [int(v) for v in t.data.reshape(-1).tolist()], tuple(t.shape)


def _lengths(name: str, what: str, value: Any, n_batch: int, unbatched: bool) -> list[int]:
    values, shape = _host_ints(name, what, value)
    fits = shape in ((), (1,)) if unbatched else shape == (n_batch,)
    if not fits:
        want = "an int (or a 0-d tensor)" if unbatched else f"N = {n_batch} values, shape (N,)"
        raise ShapeError(
            f"{name}: {what} must be {want}, one per sequence of log_probs; got shape {shape}."
        )
    return values


def _labels(
    name: str, targets: Any, lengths: list[int], blank: int, n_classes: int
) -> list[list[int]]:
    """Each sequence's labels, checked: from padded (N, S) rows or concatenated 1-D targets."""
    values, shape = _host_ints(name, "targets", targets)
    if len(shape) == 2:
        if shape[0] != len(lengths) or shape[1] < max(lengths):
            raise ShapeError(
                f"{name}: padded targets of shape {shape} must be (N, S) with N = "
                f"{len(lengths)} sequences and S ≥ max(target_lengths) = {max(lengths)}."
            )
        labels = [values[n * shape[1] : n * shape[1] + k] for n, k in enumerate(lengths)]
    elif len(shape) == 1:
        if shape[0] != sum(lengths):
            raise ShapeError(
                f"{name}: concatenated 1-D targets must have sum(target_lengths) = "
                f"{sum(lengths)} labels, got {shape[0]}. Pass padded (N, S) targets instead, "
                "or make the lengths add up."
            )
        starts = [sum(lengths[:n]) for n in range(len(lengths))]
        labels = [values[a : a + k] for a, k in zip(starts, lengths)]
    else:
        raise ShapeError(
            f"{name}: targets must be padded (N, S) or concatenated 1-D, got shape {shape}."
        )
    for n, row in enumerate(labels):
        if blank in row:
            raise ValueError(
                f"{name}: the labels of sequence {n} contain the blank class {blank}; a target "
                "lists real labels only (CTC inserts the blanks). Shift the labels past the "
                "blank, or pass the blank index your labels leave free."
            )
        outside = [v for v in row if not 0 <= v < n_classes]
        if outside:
            raise IndexError(
                f"{name}: the labels of sequence {n} must lie in [0, {n_classes}) (C = "
                f"{n_classes} classes in log_probs); got {outside[0]}. Check the label "
                "encoding against log_probs' last axis."
            )
    return labels


class CTCLoss(LossModule):
    """Module form of :func:`ctc_loss` (torch's defaults: blank=0, reduction='mean',
    zero_infinity=False); ``forward(log_probs, targets, input_lengths, target_lengths)``.

    Example:
        >>> import nn
        >>> nn.CTCLoss(blank=3, zero_infinity=True)
        CTCLoss(blank=3, zero_infinity=True)
    """

    repr_defaults = {"blank": 0, "reduction": "mean", "zero_infinity": False}

    def __init__(self, blank: int = 0, reduction: str = "mean", zero_infinity: bool = False):
        super().__init__(reduction=reduction)
        self.blank = blank
        self.zero_infinity = zero_infinity

    def forward(
        self, log_probs: Tensor, targets: Any, input_lengths: Any, target_lengths: Any
    ) -> Tensor:
        return ctc_loss(
            log_probs,
            targets,
            input_lengths,
            target_lengths,
            self.blank,
            self.reduction,
            self.zero_infinity,
        )
