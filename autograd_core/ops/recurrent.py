r"""Fused recurrent sequence ops: a whole Elman RNN, LSTM or GRU layer over T steps as one op
(one graph node), whose backward is back-propagation through time run as a loop on arrays.

Each op takes the input projection of every step, ``xw = x Wᵢₕᵀ + bᵢₕ`` of shape (T, B, G·H)
(one GEMM over all steps, done with ``linear`` before the op), the initial state(s) and the
recurrent weights, and returns the hidden state of every step, (T, B, H), and the final
state(s). The forward loop (recurrent_loops.py) saves the gates; the VJP runs the reverse
loop on arrays reusing them. When the backward is recorded (``create_graph=True``) the VJP
instead unrolls the cells into ordinary ops (recurrent_cells.py), so these ops can be
differentiated twice.

``lengths`` (longest first, as ``pack_padded_sequence`` sorts them) gives each sequence of the
batch its own length: a sequence's steps past its end leave its state unchanged and output 0,
so the final state is the one at its true end; ``reverse=True`` runs from each sequence's own
last step back to t = 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from autograd_core.errors import DTypeError, ShapeError
from autograd_core.op import Op
from autograd_core.ops.common import lift
from autograd_core.ops.recurrent_cells import gru_unrolled_vjp, lstm_unrolled_vjp, rnn_unrolled_vjp
from autograd_core.ops.recurrent_loops import (
    gru_backward,
    gru_forward,
    lstm_backward,
    lstm_forward,
    rnn_backward,
    rnn_forward,
    state_views,
)
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = ["rnn", "lstm", "gru"]


def _outputs(xp: Any, S: Any, batch_sizes: Any, reverse: bool) -> tuple[Any, Any]:
    """(all hidden states with zeros past each sequence's end, final state), new arrays."""
    _, new = state_views(S, reverse)
    final = S[0 if reverse else -1].copy()
    if batch_sizes is None:
        return new.copy(), final
    T, B = new.shape[:2]
    active = xp.arange(B)[None, :] < xp.asarray(batch_sizes)[:, None]
    return new * active[:, :, None].astype(new.dtype), final


def _recorded(gys: tuple[Any, ...]) -> bool:
    return any(isinstance(g, Tensor) for g in gys)


def _masks(op: Op) -> list[Any]:
    """Per step None (every row active) or a (B, 1) constant 1 on the active rows."""
    xw, batch_sizes = op.inputs[0], op.params["batch_sizes"]
    if batch_sizes is None:
        return [None] * xw.shape[0]
    rows = op.xp.arange(xw.shape[1])[:, None]
    return [Tensor._make((rows < n).astype(xw.dtype), False, None) for n in batch_sizes]


def _pick(grads: tuple[Any, ...], needs: tuple[bool, ...]) -> tuple[Any, ...]:
    return tuple(g if need else None for g, need in zip(grads, needs))


@register_op("rnn", array_vjp=True)
class RNN(Op):
    r"""(y, h_n) = an Elman RNN over T steps: h(t) = φ(xw(t) + h(t−1) W_hhᵀ + b_hh) with
    φ = tanh (or relu), h(0) = h0 (``reverse``: t runs from T down to 1); y stacks every h(t).

    VJP: back-propagation through time, the seeds' equations (Goodfellow et al., *Deep
    Learning* §10.2.2, in ``seeds/002``) in the row-vector form of a batch, with ā(t) the
    gradient of the pre-activation, ā(t) = diag(1 − h(t)²) ∇_{h(t)}L for tanh:

    .. math::
        ∇_{h(t)}L = ȳ(t) + W_hhᵀ ā(t+1),\qquad
        ∇_{W_hh}L = Σ_t ā(t) h(t−1)ᵀ,\qquad ∇_{b}L = Σ_t ā(t),\qquad \bar{xw}(t) = ā(t)

    (``rnn_backward`` in recurrent_loops.py computes them line by line; ∇_U L of the seeds is
    then Σ_t ā(t) x(t)ᵀ, the VJP of the ``linear`` that made xw). The seeds write the first
    as Wᵀ ∇_{h(t+1)}L diag(1 − h(t+1)²); the diagonal factor belongs between the two, as here.
    relu's derivative at 0 is 0 (``relu``'s convention). Saves the states h(0…T). Does not
    broadcast.
    """

    fresh_grads = True

    def forward(self, xw: Any, h0: Any, w_hh: Any, *b_hh: Any, relu: bool, batch_sizes, reverse):
        S = rnn_forward(
            self.xp, xw, h0, w_hh, b_hh[0] if b_hh else None, relu, batch_sizes, reverse
        )
        self.saved = S
        return _outputs(self.xp, S, batch_sizes, reverse)

    def vjp(self, gys: Any, gh: Any) -> tuple[Any, ...]:
        p = self.params
        if _recorded((gys, gh)):
            masks = _masks(self)
            grads = rnn_unrolled_vjp(self.inputs, gys, gh, p["relu"], masks, p["reverse"])
        else:
            w_hh = self.inputs[2].data
            S = self.saved
            grads = rnn_backward(
                self.xp, S, w_hh, gys, gh, p["relu"], p["batch_sizes"], p["reverse"]
            )
            grads = grads[: len(self.inputs)]
        return _pick(grads, self.needs_input_grad)


@register_op("lstm", array_vjp=True)
class LSTM(Op):
    r"""(y, h_n, c_n) = an LSTM over T steps, PyTorch's cell: with a(t) = xw(t) + h(t−1) W_hhᵀ
    + b_hh split into the blocks i, f, g, o,

    .. math::
        c(t) = σ(f) ⊙ c(t−1) + σ(i) ⊙ \tanh g,\qquad h(t) = (σ(o) ⊙ \tanh c(t))\,W_hrᵀ

    (W_hr only with a projection, ``proj_size``). σ(a) is computed as ½ tanh(a/2) + ½: one
    tanh over the four gate blocks.

    VJP (BPTT, line by line in ``lstm_backward``): with m̄ = h̄(t) W_hr (or h̄(t)),
    c̄(t) += m̄ ⊙ σ(o) ⊙ (1 − tanh² c(t)); the gate gradients are ā_i = c̄ ⊙ g ⊙ σ'(i),
    ā_f = c̄ ⊙ c(t−1) ⊙ σ'(f), ā_g = c̄ ⊙ σ(i) ⊙ (1 − tanh² g), ā_o = m̄ ⊙ tanh c(t) ⊙ σ'(o);
    then h̄(t−1) = ā(t) W_hh + ȳ(t−1), c̄(t−1) = c̄(t) ⊙ σ(f), and over all steps
    W̄_hh = Σ_t ā(t)ᵀ h(t−1), b̄_hh = Σ_t ā(t), W̄_hr = Σ_t h̄(t)ᵀ (σ(o) ⊙ tanh c(t)),
    x̄w(t) = ā(t). Saves the states h and c, the gates and tanh c(t). Does not broadcast.
    """

    fresh_grads = True

    def forward(self, xw, h0, c0, w_hh, *rest, has_bias: bool, batch_sizes, reverse):
        b_hh = rest[0] if has_bias else None
        w_hr = rest[-1] if len(rest) > has_bias else None
        saved = lstm_forward(self.xp, xw, h0, c0, w_hh, b_hh, w_hr, batch_sizes, reverse)
        self.saved = saved
        ys, h_n = _outputs(self.xp, saved[0], batch_sizes, reverse)
        return ys, h_n, saved[1][0 if reverse else -1].copy()

    def vjp(self, gys: Any, gh: Any, gc: Any) -> tuple[Any, ...]:
        p, inputs = self.params, self.inputs
        if _recorded((gys, gh, gc)):
            masks = _masks(self)
            grads = lstm_unrolled_vjp(inputs, gys, gh, gc, p["has_bias"], masks, p["reverse"])
        else:
            w_hr = inputs[-1].data if len(inputs) > 4 + p["has_bias"] else None
            out = lstm_backward(
                self.xp,
                self.saved,
                inputs[3].data,
                w_hr,
                gys,
                gh,
                gc,
                p["batch_sizes"],
                p["reverse"],
            )
            grads = (
                out[:4] + ((out[4],) if p["has_bias"] else ()) + (() if w_hr is None else out[5:])
            )
        return _pick(grads, self.needs_input_grad)


@register_op("gru", array_vjp=True)
class GRU(Op):
    r"""(y, h_n) = a GRU over T steps, PyTorch's cell: with (r̃, z̃, ñ) = xw(t) and
    (r̂, ẑ, n̂) = h(t−1) W_hhᵀ + b_hh split into three blocks,

    .. math::
        r = σ(r̃ + r̂),\quad z = σ(z̃ + ẑ),\quad n = \tanh(ñ + r ⊙ n̂),\quad
        h(t) = (1 − z) ⊙ n + z ⊙ h(t−1)

    (r multiplies the recurrent term *after* its bias b_hn, as in PyTorch and cuDNN).

    VJP (BPTT, line by line in ``gru_backward``): ā_z = h̄ ⊙ (h(t−1) − n) ⊙ σ'(z),
    ā_n = h̄ ⊙ (1 − z) ⊙ (1 − n²), ā_r = ā_n ⊙ n̂ ⊙ σ'(r); x̄w(t) = (ā_r, ā_z, ā_n), the
    recurrent term's gradient is d(t) = (ā_r, ā_z, r ⊙ ā_n), h̄(t−1) = h̄ ⊙ z + d(t) W_hh,
    W̄_hh = Σ_t d(t)ᵀ h(t−1), b̄_hh = Σ_t d(t). Saves the states, the gates and n̂. Does not
    broadcast.
    """

    fresh_grads = True

    def forward(self, xw: Any, h0: Any, w_hh: Any, *b_hh: Any, batch_sizes, reverse):
        saved = gru_forward(self.xp, xw, h0, w_hh, b_hh[0] if b_hh else None, batch_sizes, reverse)
        self.saved = saved
        return _outputs(self.xp, saved[0], batch_sizes, reverse)

    def vjp(self, gys: Any, gh: Any) -> tuple[Any, ...]:
        p = self.params
        if _recorded((gys, gh)):
            masks = _masks(self)
            grads = gru_unrolled_vjp(self.inputs, gys, gh, masks, p["reverse"])
        else:
            w_hh = self.inputs[2].data
            grads = gru_backward(self.xp, self.saved, w_hh, gys, gh, p["batch_sizes"], p["reverse"])
            grads = grads[: len(self.inputs)]
        return _pick(grads, self.needs_input_grad)


# -- public functions ------------------------------------------------------------------------


def _check(name: str, xw: Tensor, gates: int, states: list[tuple[str, Tensor, int]], weights):
    """Validate shapes and dtypes; returns (T, B, H)."""
    if xw.ndim != 3 or xw.shape[2] % gates:
        raise ShapeError(
            f"{name}: xw must have shape (T, B, {gates}·hidden_size), the input projection of "
            f"every step; got {tuple(xw.shape)}. Compute it as linear(x, w_ih, b_ih) on x of "
            "shape (T, B, input_size)."
        )
    T, B, H = xw.shape[0], xw.shape[1], xw.shape[2] // gates
    for label, t, size in states:
        if tuple(t.shape) != (B, size):
            raise ShapeError(
                f"{name}: {label} must have shape (B, {size}) = ({B}, {size}) to match xw of "
                f"shape {tuple(xw.shape)}; got {tuple(t.shape)}. Pass one state row per sequence."
            )
    for label, t, shape in weights:
        if t is not None and tuple(t.shape) != shape:
            raise ShapeError(
                f"{name}: {label} must have shape {shape} for xw of shape {tuple(xw.shape)}; got "
                f"{tuple(t.shape)}. Check hidden_size (and proj_size) against the weights."
            )
    tensors = [xw] + [t for _, t, _ in states] + [t for _, t, _ in weights if t is not None]
    if xw.dtype.kind != "f" or any(t.dtype != xw.dtype for t in tensors):
        shown = ", ".join(str(t.dtype) for t in tensors)
        raise DTypeError(
            f"{name}: every input must have the same floating dtype; got {shown}. Cast them "
            "with .to(dtype) (the weights' dtype, usually)."
        )
    return T, B, H


def _batch_sizes(name: str, lengths: Any, T: int, B: int) -> tuple[int, ...] | None:
    """How many sequences are longer than t, for each t; None when all have length T."""
    if lengths is None:
        return None
    values = lengths.tolist() if hasattr(lengths, "tolist") else list(lengths)
    ok = len(values) == B and all(isinstance(v, int) and 1 <= v <= T for v in values)
    if not ok or any(a < b for a, b in zip(values, values[1:])):
        raise ShapeError(
            f"{name}: lengths must be {B} integers between 1 and T = {T}, longest first; got "
            f"{values}. Sort the batch by decreasing length (pack_padded_sequence with "
            "enforce_sorted=False does it and undoes it)."
        )
    if all(v == T for v in values):
        return None
    return tuple(sum(1 for v in values if v > t) for t in range(T))


def rnn(
    xw: Tensor,
    h0: Tensor,
    w_hh: Tensor,
    b_hh: Tensor | None = None,
    *,
    nonlinearity: str = "tanh",
    lengths: Sequence[int] | None = None,
    reverse: bool = False,
) -> tuple[Tensor, Tensor]:
    """An Elman RNN over a whole sequence as one op: returns (y, h_n), see ``RNN``.

    Args:
        xw: (T, B, H) input projection x(t) W_ihᵀ + b_ih of every step.
        h0: (B, H) initial state.
        w_hh, b_hh: (H, H) recurrent weight and optional (H,) bias.
        nonlinearity: ``"tanh"`` or ``"relu"``.
        lengths: per-sequence lengths, longest first (None: all T).
        reverse: run from the last step to the first (the backward half of a bidirectional
            layer).

    Example:
        >>> import autograd_core as ac
        >>> y, h = ac.rnn(ac.zeros(5, 2, 3), ac.ones(2, 3), ac.eye(3) * 0.5)
        >>> y.shape, h.shape
        ((5, 2, 3), (2, 3))
    """
    xw, h0, w_hh = lift(xw), lift(h0), lift(w_hh)
    b_hh = None if b_hh is None else lift(b_hh)
    if nonlinearity not in ("tanh", "relu"):
        raise ValueError(
            f"rnn: nonlinearity must be 'tanh' or 'relu'; got {nonlinearity!r}. Pick one of them."
        )
    H = xw.shape[2] if xw.ndim == 3 else 0
    T, B, _ = _check("rnn", xw, 1, [("h0", h0, H)], [("w_hh", w_hh, (H, H)), ("b_hh", b_hh, (H,))])
    bs = _batch_sizes("rnn", lengths, T, B)
    args = (xw, h0, w_hh) if b_hh is None else (xw, h0, w_hh, b_hh)
    return RNN.apply(*args, relu=nonlinearity == "relu", batch_sizes=bs, reverse=bool(reverse))


def lstm(
    xw: Tensor,
    h0: Tensor,
    c0: Tensor,
    w_hh: Tensor,
    b_hh: Tensor | None = None,
    w_hr: Tensor | None = None,
    *,
    lengths: Sequence[int] | None = None,
    reverse: bool = False,
) -> tuple[Tensor, Tensor, Tensor]:
    """An LSTM over a whole sequence as one op: returns (y, h_n, c_n), see ``LSTM``.

    Args:
        xw: (T, B, 4H) input projection of every step, gates in PyTorch's order i, f, g, o.
        h0, c0: (B, P) and (B, H) initial states (P = proj_size, or H without projection).
        w_hh, b_hh: (4H, P) recurrent weight and optional (4H,) bias.
        w_hr: optional (P, H) projection weight (PyTorch's ``proj_size``).
        lengths, reverse: as in ``rnn``.

    Example:
        >>> import autograd_core as ac
        >>> y, h, c = ac.lstm(ac.zeros(5, 2, 8), ac.zeros(2, 2), ac.zeros(2, 2), ac.ones(8, 2))
        >>> y.shape, h.shape, c.shape
        ((5, 2, 2), (2, 2), (2, 2))
    """
    xw, h0, c0, w_hh = lift(xw), lift(h0), lift(c0), lift(w_hh)
    b_hh = None if b_hh is None else lift(b_hh)
    w_hr = None if w_hr is None else lift(w_hr)
    H = xw.shape[2] // 4 if xw.ndim == 3 else 0
    P = H if w_hr is None else w_hr.shape[0]
    weights = [("w_hh", w_hh, (4 * H, P)), ("b_hh", b_hh, (4 * H,)), ("w_hr", w_hr, (P, H))]
    T, B, _ = _check("lstm", xw, 4, [("h0", h0, P), ("c0", c0, H)], weights)
    bs = _batch_sizes("lstm", lengths, T, B)
    args = [xw, h0, c0, w_hh] + [t for t in (b_hh, w_hr) if t is not None]
    return LSTM.apply(*args, has_bias=b_hh is not None, batch_sizes=bs, reverse=bool(reverse))


def gru(
    xw: Tensor,
    h0: Tensor,
    w_hh: Tensor,
    b_hh: Tensor | None = None,
    *,
    lengths: Sequence[int] | None = None,
    reverse: bool = False,
) -> tuple[Tensor, Tensor]:
    """A GRU over a whole sequence as one op: returns (y, h_n), see ``GRU``.

    Args:
        xw: (T, B, 3H) input projection of every step, blocks in PyTorch's order r, z, n.
        h0: (B, H) initial state.
        w_hh, b_hh: (3H, H) recurrent weight and optional (3H,) bias.
        lengths, reverse: as in ``rnn``.

    Example:
        >>> import autograd_core as ac
        >>> y, h = ac.gru(ac.zeros(5, 2, 6), ac.zeros(2, 2), ac.ones(6, 2))
        >>> y.shape, h.shape
        ((5, 2, 2), (2, 2))
    """
    xw, h0, w_hh = lift(xw), lift(h0), lift(w_hh)
    b_hh = None if b_hh is None else lift(b_hh)
    H = xw.shape[2] // 3 if xw.ndim == 3 else 0
    weights = [("w_hh", w_hh, (3 * H, H)), ("b_hh", b_hh, (3 * H,))]
    T, B, _ = _check("gru", xw, 3, [("h0", h0, H)], weights)
    bs = _batch_sizes("gru", lengths, T, B)
    args = (xw, h0, w_hh) if b_hh is None else (xw, h0, w_hh, b_hh)
    return GRU.apply(*args, batch_sizes=bs, reverse=bool(reverse))
