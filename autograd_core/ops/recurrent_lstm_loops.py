"""The array loops of the fused LSTM (recurrent.py's ``LSTM``): the forward over a whole
sequence, saving its gates, and the reverse loop of back-propagation through time that reuses
them. Layout, variable lengths and the workspace as in recurrent_loops.py.

The four gates i, f, g, o sit in one (B, 4H) block. σ(a) = ½ tanh(a/2) + ½, so with the i, f,
o pre-activations halved (exact: a power of two) one tanh over the whole block, one multiply
and one add give all four nonlinearities. The backward works on one step's (B, 4H) block at a
time (it stays in the cache), and writes x̄w(t) = ā(t) straight into the returned array.
"""

from __future__ import annotations

from typing import Any

from autograd_core.ops.recurrent_loops import (
    _order,
    _rows,
    _seed,
    grad_block,
    new_states,
    state_views,
    take,
)
from autograd_core.ops.workspace import Workspace

__all__ = ["lstm_forward", "lstm_backward", "lstm_affine"]


def lstm_affine(xp: Any, H: int, dtype: Any) -> tuple[Any, Any]:
    """(half, shift): ½ and ½ on the σ blocks i, f, o, 1 and 0 on the tanh block g."""
    half = xp.full((4, H), 0.5, dtype)
    half[2] = 1.0
    shift = xp.full((4, H), 0.5, dtype)
    shift[2] = 0.0
    return half.reshape(-1), shift.reshape(-1)


def lstm_forward(
    xp: Any, ws: Workspace, xh: Any, h0: Any, c0: Any, w_hh: Any, b_hh: Any, w_hr: Any, bs, rev
):
    """The forward over ``xh`` = xw ⊙ half (``lstm_affine``: the σ gates' pre-activations
    halved, which the op folds into the input projection). Returns the saved arrays
    (S, C, G, TC, FI, M), all taken from ``ws``: states h, cells c,
    gates (after their nonlinearities), tanh c(t), the two terms f ⊙ c(t−1) and i ⊙ g of c(t)
    (the backward's gate derivatives reuse them), and o ⊙ tanh c(t) before the projection
    (None without ``w_hr``)."""
    T, B, G4 = xh.shape
    H, masked, dtype = G4 // 4, bs is not None, xh.dtype
    half, shift = lstm_affine(xp, H, dtype)
    # halved like xh; contiguous, as a transposed view makes every step's GEMM slower
    w_t = xp.ascontiguousarray((w_hh * half[:, None]).T)
    b_h = None if b_hh is None else b_hh * half
    S = new_states(xp, ws, h0, T, rev, masked)
    C = new_states(xp, ws, c0, T, rev, masked)
    G = take(xp, ws, (T, B, G4), dtype, masked)
    TC = take(xp, ws, (T, B, H), dtype, masked)
    FI = take(xp, ws, (T, B, 2, H), dtype, masked)
    M = None if w_hr is None else take(xp, ws, (T, B, H), dtype, masked)
    w_hr_t = None if w_hr is None else xp.ascontiguousarray(w_hr.T)
    h_prev, h_new = state_views(S, rev)
    c_prev, c_new = state_views(C, rev)
    for t in _order(T, rev):
        n = _rows(bs, t, B)
        g, fi = G[t, :n], FI[t, :n]
        xp.matmul(h_prev[t, :n], w_t, out=g)
        g += xh[t, :n]
        if b_h is not None:
            g += b_h
        xp.tanh(g, out=g)
        g *= half
        g += shift  # i, f, o = σ(a), g = tanh(a)
        xp.multiply(g[:, H : 2 * H], c_prev[t, :n], out=fi[:, 0])
        xp.multiply(g[:, :H], g[:, 2 * H : 3 * H], out=fi[:, 1])
        c = xp.add(fi[:, 0], fi[:, 1], out=c_new[t, :n])  # c(t) = f ⊙ c(t−1) + i ⊙ g
        tc = xp.tanh(c, out=TC[t, :n])
        if M is None:
            xp.multiply(g[:, 3 * H :], tc, out=h_new[t, :n])  # h(t) = o ⊙ tanh c(t)
        else:
            m = xp.multiply(g[:, 3 * H :], tc, out=M[t, :n])
            xp.matmul(m, w_hr_t, out=h_new[t, :n])  # h(t) = (o ⊙ tanh c(t)) W_hrᵀ
        if n < B:
            h_new[t, n:] = h_prev[t, n:]
            c_new[t, n:] = c_prev[t, n:]
    return S, C, G, TC, FI, M


def _gate_grads(xp: Any, a: Any, g: Any, fi: Any, ot: Any, gc: Any, gm: Any) -> None:
    """ā(t) into ``a`` (n, 4, H) from the step's gates ``g`` (n, 4, H), its terms
    ``fi`` = (f ⊙ c(t−1), i ⊙ g) and ``ot`` = o ⊙ tanh c(t): with σ' = σ(1 − σ) and
    tanh' = 1 − g², ā_i = c̄ ⊙ (i ⊙ g)(1 − i), ā_f = c̄ ⊙ (f ⊙ c(t−1))(1 − f),
    ā_g = c̄ ⊙ (i − (i ⊙ g) ⊙ g), ā_o = m̄ ⊙ (o ⊙ tanh c)(1 − o)."""
    xp.subtract(1.0, g, out=a)
    a[:, 0] *= fi[:, 1]
    a[:, 1] *= fi[:, 0]
    xp.multiply(fi[:, 1], g[:, 2], out=a[:, 2])
    xp.subtract(g[:, 0], a[:, 2], out=a[:, 2])
    a[:, :3] *= gc[:, None, :]
    a[:, 3] *= ot
    a[:, 3] *= gm


def lstm_backward(
    xp: Any, ws: Workspace, keep: bool, saved, w_hh, w_hr, bias: bool, grads, bs, rev
):
    """Returns (x̄w, h̄0, c̄0, W̄_hh, b̄_hh, W̄_hr), the BPTT of ``LSTM``'s docstring, from the
    gradients (ȳ, h̄_n, c̄_n) (b̄_hh and W̄_hr None without ``b_hh``, ``w_hr``); x̄w comes from
    ``ws`` when ``keep``, else it is new; the scratch comes from ``ws`` and goes back to it."""
    S, C, G, TC, FI, M = saved
    gys, gh, gc = grads
    h_prev, h_new = state_views(S, rev)
    OT = h_new if M is None else M
    T, B, G4 = G.shape
    H, P, dtype = G4 // 4, S.shape[-1], G.dtype
    Gr = G.reshape(T, B, 4, H)
    da = grad_block(xp, ws if keep else None, G.shape, dtype, bs is not None)
    dar = da.reshape(T, B, 4, H)
    gh = _seed(xp, gh, (B, P), dtype)
    gc = _seed(xp, gc, (B, H), dtype)
    GH = None if w_hr is None else take(xp, ws, (T, B, P), dtype, bs is not None)
    tmp = ws.take(xp, (B, H), dtype)
    w = xp.ascontiguousarray(w_hh)
    for t in _order(T, not rev):
        n = _rows(bs, t, B)
        g = gh[:n]
        if gys is not None:
            g += gys[t, :n]
        if GH is not None:
            GH[t, :n] = g
            g = g @ w_hr  # m̄(t) = h̄(t) W_hr
        ot, c = OT[t, :n], gc[:n]
        s = xp.multiply(ot, TC[t, :n], out=tmp[:n])
        xp.subtract(Gr[t, :n, 3], s, out=s)
        s *= g
        c += s  # c̄(t) += m̄ ⊙ o ⊙ (1 − tanh² c(t)) = m̄ ⊙ (o − (o ⊙ tanh c) ⊙ tanh c)
        _gate_grads(xp, dar[t, :n], Gr[t, :n], FI[t, :n], ot, c, g)
        c *= Gr[t, :n, 1]  # c̄(t−1) = c̄(t) ⊙ f
        xp.matmul(da[t, :n], w, out=gh[:n])  # h̄(t−1) = ā(t) W_hh
    ws.give(tmp)
    flat = da.reshape(T * B, G4)
    gw = flat.T @ h_prev.reshape(T * B, P)
    gw_hr = None if GH is None else GH.reshape(T * B, P).T @ M.reshape(T * B, H)
    ws.give(GH)
    return da, gh, gc, gw, flat.sum(axis=0) if bias else None, gw_hr
