r"""Fused recurrent sequence ops: a whole Elman RNN, LSTM or GRU layer over T steps as one op
(one graph node), whose backward is back-propagation through time run as a loop on arrays.

Each op takes the input projection of every step, ``xw = x Wᵢₕᵀ + bᵢₕ`` of shape (T, B, G·H),
the initial state(s) and the recurrent weights, and returns the hidden state of every step,
(T, B, H), and the final state(s). With the input weights ``w_ih`` (and ``b_ih``) as extra
trailing inputs it takes x (T, B, I) instead and computes the projection itself, one GEMM per
gate over all steps; x̄w then never leaves the op, which returns x̄ = x̄w W_ih,
W̄_ih = Σ x̄wᵀ x and b̄_ih = Σ x̄w. That is how the nn layers call them.

The forward loops (recurrent_loops.py, recurrent_lstm_loops.py, recurrent_gru_loops.py) save
the states and gates; the VJP runs the reverse loop on arrays reusing them. Those arrays, and
the VJP's scratch, come from a host workspace per op class (workspace.py) and go back to it
when the node is released, so a training step reuses the last step's memory instead of
faulting fresh pages in. When the backward is recorded (``create_graph=True``) the VJP instead
unrolls the cells into ordinary ops (recurrent_cells.py), so these ops can be differentiated
twice.

``lengths`` (longest first, as ``pack_padded_sequence`` sorts them) gives each sequence of the
batch its own length: a sequence's steps past its end leave its state unchanged and output 0,
so the final state is the one at its true end; ``reverse=True`` runs from each sequence's own
last step back to t = 0.
"""

from __future__ import annotations

from typing import Any

from autograd_core.op import Op
from autograd_core.ops.nn_ops import linear
from autograd_core.ops.recurrent_cells import gru_unrolled_vjp, lstm_unrolled_vjp, rnn_unrolled_vjp
from autograd_core.ops.recurrent_gates import gate_input, input_grads
from autograd_core.ops.recurrent_gru_loops import ORDER as GRU_ORDER
from autograd_core.ops.recurrent_gru_loops import gru_backward, gru_forward, gru_input
from autograd_core.ops.recurrent_loops import rnn_backward, rnn_forward, state_views
from autograd_core.ops.recurrent_lstm_loops import ORDER as LSTM_ORDER
from autograd_core.ops.recurrent_lstm_loops import lstm_backward, lstm_forward, lstm_input
from autograd_core.ops.workspace import Workspace
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = ["rnn", "lstm", "gru"]  # defined in recurrent_functions.py


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


class _Recurrent(Op):
    """What the fused recurrent ops share: a host ``Workspace`` per op class, from which the
    forward takes its saved arrays and the backward its scratch, and to which ``release`` gives
    the saved arrays back. They never leave the op (the outputs are copies, the VJP's results
    new arrays), so once the node is released nobody else holds them. With ``retain_graph``
    the node is not released and keeps them; the workspace then makes new ones.

    The param ``project`` (0, 1 or 2) counts the trailing inputs w_ih[, b_ih]: with them the
    first input is x and the op computes xw itself (``gate_input``) and differentiates it
    (``_projection_grads``, ``_unrolled``)."""

    fresh_grads = True
    workspace: Workspace
    order: tuple[int, ...]  # PyTorch's gate block of each gate of the loops' layout

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.workspace = Workspace()

    def release(self, gy: Any = None) -> None:
        saved = self.saved
        super().release(gy)
        if saved is not None:
            self.workspace.give(*(saved if type(saved) is tuple else (saved,)))

    def _projection_grads(self, grads: tuple[Any, ...], gb: Any = None) -> tuple[Any, ...]:
        """The op's gradients with x̄w = grads[0] (a workspace block, given back here) turned
        into (x̄, …, W̄_ih[, b̄_ih]): x̄ = x̄w W_ih, W̄_ih = Σ_t x̄w(t)ᵀ x(t), b̄_ih = Σ_t x̄w(t).
        x̄w is in the loops' gate-major layout (G, T, B, H) in the op's ``order``; the RNN's
        (T, B, H) is its one-gate case. ``gb``: b̄_hh where it equals Σ_t x̄w(t) (RNN, LSTM),
        which b̄_ih then copies."""
        k = self.params["project"]
        if not k:
            return grads
        da, need = grads[0], self.needs_input_grad
        x, w_ih = self.inputs[0].data, self.inputs[-k].data
        needs = (need[0], need[-k], k == 2 and need[-1])
        gate_major = da if da.ndim == 4 else da[None]
        gx, gw, gb = input_grads(self.xp, gate_major, x, w_ih, needs, self.order, gb)
        self.workspace.give(da)
        return (gx, *grads[1:], gw, gb)[: len(grads) + k]

    def _unrolled(self, vjp: Any, *args: Any) -> tuple[Any, ...]:
        """The recorded VJP: ``vjp(inputs, *args)`` over the unrolled cells, with xw recorded as
        ``linear(x, w_ih, b_ih)`` when the op projects, and x̄w carried to x, w_ih, b_ih."""
        k, inputs = self.params["project"], self.inputs
        if not k:
            return vjp(inputs, *args)
        x, proj = inputs[0], inputs[-k:]
        grads = vjp((linear(x, *proj), *inputs[1:-k]), *args)
        gxw = grads[0]
        T, B, n_in = x.shape
        flat = gxw.reshape(T * B, gxw.shape[2])
        gw = flat.T @ x.reshape(T * B, n_in)
        gb = (flat.sum(axis=0),) if k == 2 else ()
        return (gxw @ proj[0], *grads[1:], gw, *gb)


def _split(arrays: tuple[Any, ...], project: int) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """(the inputs of the xw form, the trailing projection weights)."""
    return arrays[: len(arrays) - project], arrays[len(arrays) - project :]


@register_op("rnn", array_vjp=True)
class RNN(_Recurrent):
    r"""(y, h_n) = an Elman RNN over T steps: h(t) = φ(xw(t) + h(t−1) W_hhᵀ + b_hh) with
    φ = tanh (or relu), h(0) = h0 (``reverse``: t runs from T down to 1); y stacks every h(t).

    VJP: back-propagation through time, the equations of Goodfellow et al., *Deep Learning*
    §10.2.2 (eqs. 10.16-10.28), in the row-vector form of a batch, with ā(t) the
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

    order = (0,)  # one gate

    def forward(self, *arrays: Any, relu: bool, batch_sizes, reverse, project: int = 0):
        (xw, h0, w_hh, *b_hh), proj = _split(arrays, project)
        xp, ws, b = self.xp, self.workspace, b_hh[0] if b_hh else None
        if proj:  # xw of every step into a workspace block, (1, T, B, H): the one gate
            w_ih, b_ih = (*proj, None, None)[:2]
            block = gate_input(xp, ws, xw, w_ih, (b_ih, b), self.order, 0)  # b_hh too
            S = rnn_forward(xp, ws, block[0], h0, w_hh, None, relu, batch_sizes, reverse)
            ws.give(block)
        else:
            S = rnn_forward(xp, ws, xw, h0, w_hh, b, relu, batch_sizes, reverse)
        self.saved = S
        return _outputs(self.xp, S, batch_sizes, reverse)

    def vjp(self, gys: Any, gh: Any) -> tuple[Any, ...]:
        p = self.params
        if _recorded((gys, gh)):
            masks = _masks(self)
            grads = self._unrolled(rnn_unrolled_vjp, gys, gh, p["relu"], masks, p["reverse"])
        else:
            core, _ = _split(self.inputs, p["project"])
            grads = rnn_backward(
                self.xp,
                self.workspace,
                bool(p["project"]),
                self.saved,
                core[2].data,
                len(core) > 3,
                gys,
                gh,
                p["relu"],
                p["batch_sizes"],
                p["reverse"],
            )
            grads = self._projection_grads(grads[: len(core)], grads[3])
        return _pick(grads, self.needs_input_grad)


@register_op("lstm", array_vjp=True)
class LSTM(_Recurrent):
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
    x̄w(t) = ā(t). Saves, in workspace blocks, the states h and c, the gates, tanh c(t) and
    the terms i ⊙ g and f ⊙ c(t−1) of c(t) (with a projection also o ⊙ tanh c(t)): about
    9·T·B·H numbers, which the backward reads instead of recomputing. The backward forms
    the factors of ā that depend on the forward alone a few steps at a time ahead of its loop
    (in x̄w's block), so the loop makes six elementwise calls a step instead of thirteen.
    Does not broadcast.
    """

    order = LSTM_ORDER

    def forward(self, *arrays, has_bias: bool, batch_sizes, reverse, project: int = 0):
        (xw, h0, c0, w_hh, *rest), proj = _split(arrays, project)
        b_hh = rest[0] if has_bias else None
        w_hr = rest[-1] if len(rest) > has_bias else None
        xp, ws = self.xp, self.workspace
        w_ih, b_ih = (*proj, None, None)[:2]
        G = lstm_input(xp, ws, xw, w_ih, b_ih, b_hh)
        saved = lstm_forward(xp, ws, G, h0, c0, w_hh, w_hr, batch_sizes, reverse)
        self.saved = saved
        ys, h_n = _outputs(xp, saved[0], batch_sizes, reverse)
        return ys, h_n, saved[1][0 if reverse else -1].copy()

    def vjp(self, gys: Any, gh: Any, gc: Any) -> tuple[Any, ...]:
        p = self.params
        if _recorded((gys, gh, gc)):
            masks = _masks(self)
            grads = self._unrolled(
                lstm_unrolled_vjp, gys, gh, gc, p["has_bias"], masks, p["reverse"]
            )
        else:
            core, _ = _split(self.inputs, p["project"])
            w_hr = core[-1].data if len(core) > 4 + p["has_bias"] else None
            out = lstm_backward(
                self.xp,
                self.workspace,
                bool(p["project"]),
                self.saved,
                core[3].data,
                w_hr,
                p["has_bias"],
                (gys, gh, gc),
                p["batch_sizes"],
                p["reverse"],
            )
            grads = (
                out[:4] + ((out[4],) if p["has_bias"] else ()) + (() if w_hr is None else out[5:])
            )
            grads = self._projection_grads(grads, out[4])
        return _pick(grads, self.needs_input_grad)


@register_op("gru", array_vjp=True)
class GRU(_Recurrent):
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

    order = GRU_ORDER

    def forward(self, *arrays: Any, batch_sizes, reverse, project: int = 0):
        (xw, h0, w_hh, *b_hh), proj = _split(arrays, project)
        xp, ws, b = self.xp, self.workspace, b_hh[0] if b_hh else None
        w_ih, b_ih = (*proj, None, None)[:2]
        G = gru_input(xp, ws, xw, w_ih, b_ih, b)
        saved = gru_forward(xp, ws, G, h0, w_hh, b, batch_sizes, reverse)
        self.saved = saved
        return _outputs(self.xp, saved[0], batch_sizes, reverse)

    def vjp(self, gys: Any, gh: Any) -> tuple[Any, ...]:
        p = self.params
        if _recorded((gys, gh)):
            masks = _masks(self)
            grads = self._unrolled(gru_unrolled_vjp, gys, gh, masks, p["reverse"])
        else:
            core, _ = _split(self.inputs, p["project"])
            grads = gru_backward(
                self.xp,
                self.workspace,
                bool(p["project"]),
                self.saved,
                core[2].data,
                len(core) > 3,
                (gys, gh),
                p["batch_sizes"],
                p["reverse"],
            )
            grads = self._projection_grads(grads[: len(core)])
        return _pick(grads, self.needs_input_grad)


from autograd_core.ops.recurrent_functions import gru, lstm, rnn  # noqa: E402  (they use the ops)
