"""The array loops of the fused GRU (recurrent.py's ``GRU``): the forward over a whole sequence,
saving its gates, and the reverse loop of back-propagation through time that reuses them.
Layout, variable lengths and the workspace as in recurrent_loops.py; the gates gate-major,
(3, T, B, H) in PyTorch's order r, z, n (recurrent_gates.py), with r and z's pre-activations
halved (σ(a) = ½ tanh(a/2) + ½) in the input block, W_hh and b_hh. The candidate's recurrent
term h W_hnᵀ + b_hn is not halved: r multiplies it after its bias, as in PyTorch.
"""

from __future__ import annotations

from typing import Any

from autograd_core.ops.recurrent_gates import (
    column_parts,
    columns,
    gate_input,
    stacked,
    to_rows,
    weight_grads,
)
from autograd_core.ops.recurrent_loops import (
    handed_out,
    new_states,
    per_step,
    row_counts,
    seed_grad,
    state_views,
    take,
)
from autograd_core.ops.workspace import Workspace

__all__ = ["gru_input", "gru_forward", "gru_backward", "ORDER"]

ORDER = (0, 1, 2)  # r, z, n: PyTorch's order, the σ gates first


def gru_input(xp: Any, ws: Workspace, first: Any, w_ih: Any, b_ih: Any, b_hh: Any) -> Any:
    """The gate block G (3, T, B, H) from ``ws`` with the input part of every step and the
    r and z blocks of both biases (r and z halved), from xw = ``first`` or, with ``w_ih``,
    projected from x (``gate_input``). b_hn stays out: r multiplies it (``gru_forward``)."""
    b_rz = None
    if b_hh is not None:
        H = b_hh.shape[0] // 3
        b_rz = xp.concatenate([b_hh[: 2 * H], xp.zeros(H, b_hh.dtype)])
    return gate_input(xp, ws, first, w_ih, (b_ih, b_rz), ORDER, 2)


def gru_forward(xp: Any, ws: Workspace, G: Any, h0: Any, w_hh: Any, b_hh: Any, bs, rev: bool):
    """The forward over the gate block ``G`` from ``gru_input``, which it completes in place
    with the gates r, z, n. Returns the saved arrays (S, G, HN), from ``ws``: states, gates,
    and h W_hnᵀ + b_hn (of ``b_hh`` only its n block is read here)."""
    _, T, B, H = G.shape
    masked, dtype = bs is not None, G.dtype
    parts = column_parts(xp, B, H, H)  # (recurrent_gates.py)
    w3 = stacked(xp, ws, w_hh, ORDER, 2, True, parts)  # (3, parts, H, H / parts), r, z halved
    b_hn = None if b_hh is None else b_hh[2 * H :]
    S = new_states(xp, ws, h0, T, rev, masked)
    HN = take(xp, ws, (T, B, H), dtype, masked)
    rec, rn = ws.take(xp, (3, B, H), dtype), ws.take(xp, (B, H), dtype)
    cols = columns(rec, parts)
    prev, new = state_views(S, rev)
    steps = per_step(rev, G.swapaxes(0, 1), HN, prev, new)  # gates (3, B, H), h W_hnᵀ + b_hn
    for n, (g, hn, hp, h) in zip(row_counts(bs, T, B, rev), steps):
        hh, out, r = rec, cols, rn
        if n < B:  # the rows past their sequence's end keep their state
            h[n:] = hp[n:]
            g, hn, hp, h = g[:, :n], hn[:n], hp[:n], h[:n]
            hh, out, r = hh[:, :n], out[:, :, :n], r[:n]
        xp.matmul(hp, w3, out=out)
        rz = g[:2]
        rz += hh[:2]
        xp.tanh(rz, out=rz)
        rz *= 0.5
        rz += 0.5  # r, z = σ(a)
        if b_hn is None:
            hn[...] = hh[2]
        else:
            xp.add(hh[2], b_hn, out=hn)
        g[2] += xp.multiply(g[0], hn, out=r)
        cand = xp.tanh(g[2], out=g[2])  # n = tanh(x_n + r ⊙ (h W_hnᵀ + b_hn))
        xp.subtract(hp, cand, out=h)
        h *= g[1]
        h += cand  # h(t) = n + z ⊙ (h(t−1) − n)
    ws.give(rec, rn, w3)
    return S, G, HN


def _step_grads(xp: Any, dx: Any, dh: Any, q: Any, g: Any, gates: Any, h_prev: Any, hn: Any):
    """x̄w(t) into ``dx`` and the recurrent term's gradient d(t) into ``dh`` (both (3, n, H)),
    from h̄ = ``g`` and the step's gates (r, z, n): ā_n = h̄ ⊙ (1 − z) ⊙ (1 − n²),
    ā_z = h̄ ⊙ (h(t−1) − n) ⊙ σ'(z), ā_r = ā_n ⊙ n̂ ⊙ σ'(r); d(t) = (ā_r, ā_z, r ⊙ ā_n).
    ``q`` is (2, n, H) scratch."""
    a_n = xp.multiply(gates[2], gates[2], out=dx[2])
    xp.subtract(1.0, a_n, out=a_n)
    xp.subtract(1.0, gates[:2], out=q)  # (1 − r, 1 − z)
    a_n *= q[1]
    a_n *= g
    q *= gates[:2]  # (σ'(r), σ'(z))
    xp.multiply(hn, a_n, out=dx[0])
    a_z = xp.subtract(h_prev, gates[2], out=dx[1])
    a_z *= g
    dx[:2] *= q
    dh[:2] = dx[:2]
    xp.multiply(a_n, gates[0], out=dh[2])


def gru_backward(xp, ws: Workspace, keep: bool, saved, w_hh, bias: bool, grads, bs, rev: bool):
    """Returns (x̄w, h̄0, W̄_hh, b̄_hh), the BPTT of ``GRU``'s docstring, from the gradients
    (ȳ, h̄_n) (b̄_hh None unless ``bias``). With ``keep`` x̄w is a (3, T, B, H) block of
    ``ws`` (the op turns it into x̄, W̄_ih, b̄_ih and gives it back); else a new (T, B, 3H)
    array. The scratch comes from ``ws`` and goes back to it."""
    S, G, HN = saved
    gys, gh = grads
    prev, _ = state_views(S, rev)
    _, T, B, H = G.shape
    dtype, masked = G.dtype, bs is not None
    dx = take(xp, ws, G.shape, dtype, masked)
    dh = take(xp, ws, G.shape, dtype, masked)  # the gradient of h W_hhᵀ + b_hh
    q, part = ws.take(xp, (2, B, H), dtype), ws.take(xp, (3, B, H), dtype)
    tmp = ws.take(xp, (B, H), dtype)
    gh = seed_grad(xp, ws, gh, (B, H), dtype)
    parts = column_parts(xp, B, H, H)
    w3 = stacked(xp, ws, w_hh, ORDER, 0, False, parts)  # (3, parts, H, H / parts)
    cols = columns(part, parts)
    # per step: x̄w and d (3, B, H), ȳ, the gates, h(t−1), h W_hnᵀ + b_hn
    steps = per_step(not rev, dx.swapaxes(0, 1), dh.swapaxes(0, 1), gys, G.swapaxes(0, 1), prev, HN)
    for n, (dxt, dht, gy, gates, hp, hn) in zip(row_counts(bs, T, B, not rev), steps):
        g, qn, out, p, sums = gh, q, cols, part, tmp
        if n < B:
            g, qn, out, p, sums = g[:n], qn[:, :n], out[:, :, :n], p[:, :n], sums[:n]
            dxt, dht, gates, hp, hn = dxt[:, :n], dht[:, :n], gates[:, :n], hp[:n], hn[:n]
            gy = None if gy is None else gy[:n]
        if gy is not None:
            g += gy
        _step_grads(xp, dxt, dht, qn, g, gates, hp, hn)
        g *= gates[1]  # h̄(t−1) = h̄(t) ⊙ z + Σ_k d_k(t) W_k
        xp.matmul(dht[:, None], w3, out=out)
        g += p.sum(axis=0, out=sums)
    gw, gb = weight_grads(xp, dh, prev.reshape(T * B, H), bias, ORDER)
    ws.give(q, part, tmp, dh, w3)
    if not keep:
        dx = to_rows(xp, ws, dx, ORDER)
    return dx, handed_out(ws, gh), gw, gb
