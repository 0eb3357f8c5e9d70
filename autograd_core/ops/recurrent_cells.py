"""Recurrent cells built from ordinary ops (one graph node per gate per step), and the
back-propagation through time of the fused recurrent ops written with them, which the fused
ops use when their backward is recorded (``create_graph=True``), so that it can be
differentiated again.

The cells take the input projection ``xw = x Wᵢₕᵀ + bᵢₕ`` of one step (nn's cells compute it
with ``linear``); their gate order and formulas are PyTorch's.
"""

from __future__ import annotations

from typing import Any

from autograd_core.ops.activation import sigmoid
from autograd_core.ops.join import cat, chunk, stack, unbind
from autograd_core.ops.unary import relu, tanh
from autograd_core.tensor import Tensor

__all__ = ["rnn_cell", "lstm_cell", "gru_cell", "rnn_unrolled_vjp", "lstm_unrolled_vjp"]
__all__ += ["gru_unrolled_vjp"]


def _recurrent(h: Tensor, w_hh: Tensor, b_hh: Tensor | None) -> Tensor:
    hh = h @ w_hh.T
    return hh if b_hh is None else hh + b_hh


def rnn_cell(
    xw: Tensor, h: Tensor, w_hh: Tensor, b_hh: Tensor | None = None, nonlinearity: str = "tanh"
) -> Tensor:
    """h' = φ(xw + h W_hhᵀ + b_hh), φ = tanh or relu (``torch.nn.RNNCell``).

    Example:
        >>> import autograd_core as ac
        >>> from autograd_core.ops.recurrent_cells import rnn_cell
        >>> rnn_cell(ac.zeros(2, 3), ac.ones(2, 3), ac.eye(3)).shape
        (2, 3)
    """
    a = xw + _recurrent(h, w_hh, b_hh)
    return relu(a) if nonlinearity == "relu" else tanh(a)


def lstm_cell(
    xw: Tensor,
    h: Tensor,
    c: Tensor,
    w_hh: Tensor,
    b_hh: Tensor | None = None,
    w_hr: Tensor | None = None,
) -> tuple[Tensor, Tensor]:
    """(h', c'): i, f, g, o = σ, σ, tanh, σ of xw + h W_hhᵀ + b_hh (in that order);
    c' = f ⊙ c + i ⊙ g; h' = o ⊙ tanh c', times W_hrᵀ with a projection (``torch.nn.LSTM``).

    Example:
        >>> import autograd_core as ac
        >>> from autograd_core.ops.recurrent_cells import lstm_cell
        >>> h, c = lstm_cell(ac.zeros(2, 8), ac.ones(2, 2), ac.ones(2, 2), ac.ones(8, 2))
        >>> h.shape, c.shape
        ((2, 2), (2, 2))
    """
    i, f, g, o = chunk(xw + _recurrent(h, w_hh, b_hh), 4, dim=-1)
    c = sigmoid(f) * c + sigmoid(i) * tanh(g)
    h = sigmoid(o) * tanh(c)
    return (h if w_hr is None else h @ w_hr.T), c


def gru_cell(xw: Tensor, h: Tensor, w_hh: Tensor, b_hh: Tensor | None = None) -> Tensor:
    """h' = (1 − z) ⊙ n + z ⊙ h with r, z = σ(xw_{r,z} + (h W_hhᵀ + b_hh)_{r,z}) and
    n = tanh(xw_n + r ⊙ (h W_hnᵀ + b_hn)): PyTorch's form, where r multiplies the recurrent
    term after its bias.

    Example:
        >>> import autograd_core as ac
        >>> from autograd_core.ops.recurrent_cells import gru_cell
        >>> gru_cell(ac.zeros(2, 9), ac.ones(2, 3), ac.ones(9, 3)).shape
        (2, 3)
    """
    xr, xz, xn = chunk(xw, 3, dim=-1)
    hr, hz, hn = chunk(_recurrent(h, w_hh, b_hh), 3, dim=-1)
    r = sigmoid(xr + hr)
    z = sigmoid(xz + hz)
    n = tanh(xn + r * hn)
    return n + z * (h - n)


# -- recorded BPTT: the unrolled cells forward, then the reverse loop on Tensors ------------
# ``masks[t]`` is None (every row active) or a (B, 1) constant: 1 on the rows whose sequence
# is longer than t. An inactive row keeps its state and passes its gradient through.


def _steps(T: int, reverse: bool) -> range:
    return range(T - 1, -1, -1) if reverse else range(T)


def _keep(m: Any, new: Tensor, old: Tensor) -> Tensor:
    return new if m is None else m * new + (1 - m) * old


def _masked(m: Any, g: Any) -> Any:
    return g if m is None or g is None else g * m


def _add(a: Any, b: Any) -> Any:
    return b if a is None else a if b is None else a + b


def _seed_like(g: Any, like: Tensor) -> Tensor:
    return like * 0 if g is None else g


def rnn_unrolled_vjp(inputs, gys, gh, relu_: bool, masks, reverse: bool):
    """(x̄w, h̄0, W̄_hh[, b̄_hh]) on Tensors: ``RNN``'s BPTT over the unrolled cells."""
    xw, h0, w_hh = inputs[:3]
    b_hh = inputs[3] if len(inputs) > 3 else None
    steps, xs = _steps(xw.shape[0], reverse), unbind(xw, 0)
    prev, new, h = {}, {}, h0
    for t in steps:
        prev[t] = h
        h = new[t] = _keep(masks[t], rnn_cell(xs[t], h, w_hh, b_hh, "relu" if relu_ else ""), h)
    gys_t = [None] * len(xs) if gys is None else unbind(gys, 0)
    gh, gw, gb, gx = _seed_like(gh, h0), None, None, {}
    for t in reversed(steps):
        m, h = masks[t], new[t]
        g = _masked(m, gh if gys_t[t] is None else gh + _masked(m, gys_t[t]))
        fac = (h.data > 0).astype(h.dtype) if relu_ else 1 - h * h
        da = gx[t] = g * fac
        gw, gb = _add(gw, da.T @ prev[t]), _add(gb, da.sum(axis=0))
        gh = da @ w_hh if m is None else da @ w_hh + (1 - m) * gh
    out = (stack([gx[t] for t in range(len(xs))], axis=0), gh, gw)
    return out if b_hh is None else (*out, gb)


def lstm_unrolled_vjp(inputs, gys, gh, gc, has_bias: bool, masks, reverse: bool):
    """(x̄w, h̄0, c̄0, W̄_hh[, b̄_hh][, W̄_hr]) on Tensors: ``LSTM``'s BPTT over the cells."""
    xw, h0, c0, w_hh = inputs[:4]
    b_hh = inputs[4] if has_bias else None
    w_hr = inputs[-1] if len(inputs) > 4 + has_bias else None
    steps, xs = _steps(xw.shape[0], reverse), unbind(xw, 0)
    saved, h, c = {}, h0, c0
    for t in steps:
        i, f, g, o = chunk(xs[t] + _recurrent(h, w_hh, b_hh), 4, dim=-1)
        i, f, g, o = sigmoid(i), sigmoid(f), tanh(g), sigmoid(o)
        c_new = f * c + i * g
        tc = tanh(c_new)
        h_new = o * tc if w_hr is None else (o * tc) @ w_hr.T
        saved[t] = (h, c, i, f, g, o, tc)
        h, c = _keep(masks[t], h_new, h), _keep(masks[t], c_new, c)
    gys_t = [None] * len(xs) if gys is None else unbind(gys, 0)
    gh, gc = _seed_like(gh, h0), _seed_like(gc, c0)
    gw = gb = gw_hr = None
    gx = {}
    for t in reversed(steps):
        m = masks[t]
        h_prev, c_prev, i, f, g, o, tc = saved[t]
        gh_t = _masked(m, gh if gys_t[t] is None else gh + _masked(m, gys_t[t]))
        gc_t = _masked(m, gc)
        gm = gh_t
        if w_hr is not None:
            gw_hr = _add(gw_hr, gh_t.T @ (o * tc))
            gm = gh_t @ w_hr
        gc_t = gc_t + gm * o * (1 - tc * tc)
        da = gx[t] = cat(
            [gc_t * g * i * (1 - i), gc_t * c_prev * f * (1 - f), gc_t * i * (1 - g * g)]
            + [gm * tc * o * (1 - o)],
            dim=-1,
        )
        gw, gb = _add(gw, da.T @ h_prev), _add(gb, da.sum(axis=0))
        gh = _keep(m, da @ w_hh, gh)
        gc = _keep(m, gc_t * f, gc)
    out = [stack([gx[t] for t in range(len(xs))], axis=0), gh, gc, gw]
    out += [gb] if b_hh is not None else []
    return tuple(out + ([gw_hr] if w_hr is not None else []))


def gru_unrolled_vjp(inputs, gys, gh, masks, reverse: bool):
    """(x̄w, h̄0, W̄_hh[, b̄_hh]) on Tensors: ``GRU``'s BPTT over the unrolled cells."""
    xw, h0, w_hh = inputs[:3]
    b_hh = inputs[3] if len(inputs) > 3 else None
    steps, xs = _steps(xw.shape[0], reverse), unbind(xw, 0)
    saved, h = {}, h0
    for t in steps:
        xr, xz, xn = chunk(xs[t], 3, dim=-1)
        hr, hz, hn = chunk(_recurrent(h, w_hh, b_hh), 3, dim=-1)
        r, z = sigmoid(xr + hr), sigmoid(xz + hz)
        n = tanh(xn + r * hn)
        saved[t] = (h, r, z, n, hn)
        h = _keep(masks[t], n + z * (h - n), h)
    gys_t = [None] * len(xs) if gys is None else unbind(gys, 0)
    gh, gw, gb, gx = _seed_like(gh, h0), None, None, {}
    for t in reversed(steps):
        m = masks[t]
        h_prev, r, z, n, hn = saved[t]
        g = _masked(m, gh if gys_t[t] is None else gh + _masked(m, gys_t[t]))
        da_z = g * (h_prev - n) * z * (1 - z)
        da_n = g * (1 - z) * (1 - n * n)
        da_r = da_n * hn * r * (1 - r)
        gx[t] = cat([da_r, da_z, da_n], dim=-1)
        dh = cat([da_r, da_z, da_n * r], dim=-1)
        gw, gb = _add(gw, dh.T @ h_prev), _add(gb, dh.sum(axis=0))
        gh = g * z + dh @ w_hh if m is None else g * z + dh @ w_hh + (1 - m) * gh
    out = (stack([gx[t] for t in range(len(xs))], axis=0), gh, gw)
    return out if b_hh is None else (*out, gb)
