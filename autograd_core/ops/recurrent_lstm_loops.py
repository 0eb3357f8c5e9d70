"""The array loops of the fused LSTM (recurrent.py's ``LSTM``): the forward over a whole
sequence, saving its gates, and the reverse loop of back-propagation through time that reuses
them. Layout, variable lengths and the workspace as in recurrent_loops.py.

Layout. The gates live gate-major: ``G`` is (4, T, B, H), one contiguous (T, B, H) array per
gate, in the order o, i, f, g (``ORDER``; PyTorch's is i, f, g, o). So every elementwise call
of a step works on whole contiguous (B, H) blocks (NumPy's fast path: a (B, 4H) row-major
block would make each gate a strided view, iterated row by row, 2-3x slower), the σ gates
o, i, f are one contiguous run and the gates c̄ flows into, i, f, g, another. σ(a) =
½ tanh(a/2) + ½: with the σ gates' pre-activations halved (exact), one tanh over the four
gates and one multiply and one add over the first three give every nonlinearity. Each step's
recurrent product is four (B, P) @ (P, H) GEMMs, one per gate, in one stacked ``matmul``
(faster here than one (B, P) @ (P, 4H) GEMM), written straight into gate-major form; the
backward's h̄(t−1) = Σ_k ā_k(t) W_k likewise (each GEMM cut into column blocks where OpenBLAS
would thread it, recurrent_gates.py). ``lstm_input`` fills ``G`` with the halved input
projection and both biases (four GEMMs, the halving and the order folded into W_ih, b_ih and
b_hh: b_hh is added once, not at every step), and each step adds its recurrent part to it in
place.
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

__all__ = ["lstm_forward", "lstm_backward", "lstm_input", "ORDER"]

ORDER = (3, 0, 1, 2)  # gate k of the loops is PyTorch's block ORDER[k]: o, i, f, g


def lstm_input(xp: Any, ws: Workspace, first: Any, w_ih: Any, b_ih: Any, b_hh: Any) -> Any:
    """The gate block G (4, T, B, H) from ``ws``: the halved input part of every step's
    pre-activations and both biases, from xw = ``first`` (T, B, 4H) or, with ``w_ih``,
    projected from x = ``first`` (``gate_input``)."""
    return gate_input(xp, ws, first, w_ih, (b_ih, b_hh), ORDER, 3)


def lstm_forward(xp: Any, ws: Workspace, G: Any, h0: Any, c0: Any, w_hh: Any, w_hr: Any, bs, rev):
    """The forward over the gate block ``G`` from ``lstm_input``, which it completes in place
    (pre-activations, then the gates). Returns the saved arrays (S, C, G, TC, FI, M), all
    from ``ws``: states h, cells c, the gates, tanh c(t), the two terms (i ⊙ g, f ⊙ c(t−1))
    of c(t) (2, T, B, H) (the backward's gate derivatives reuse them), and o ⊙ tanh c(t)
    before the projection (None without ``w_hr``)."""
    _, T, B, H = G.shape
    P, masked, dtype = h0.shape[-1], bs is not None, G.dtype
    S = new_states(xp, ws, h0, T, rev, masked)
    C = new_states(xp, ws, c0, T, rev, masked)
    TC = take(xp, ws, (T, B, H), dtype, masked)
    FI = take(xp, ws, (2, T, B, H), dtype, masked)
    M = None if w_hr is None else take(xp, ws, (T, B, H), dtype, masked)
    parts = column_parts(xp, B, P, H)  # (recurrent_gates.py)
    w4 = stacked(xp, ws, w_hh, ORDER, 3, True, parts)  # (4, parts, P, H / parts), σ halved
    rec = ws.take(xp, (4, B, H), dtype)
    cols = columns(rec, parts)
    if w_hr is not None:
        proj_parts = column_parts(xp, B, H, P)
        w_hr_t = stacked(xp, ws, w_hr, (0,), 0, True, proj_parts)  # (1, parts, H, P / parts)
    h_prev, h_new = state_views(S, rev)
    c_prev, c_new = state_views(C, rev)
    # per step: the gates (4, B, H), i ⊙ g and f ⊙ c(t−1) (2, B, H), h and c before and after
    steps = per_step(rev, G.swapaxes(0, 1), FI.swapaxes(0, 1), h_prev, h_new, c_prev, c_new, TC, M)
    for n, (g, fi, hp, h, cp, c, tc, m) in zip(row_counts(bs, T, B, rev), steps):
        r, out = rec, cols
        if n < B:  # the rows past their sequence's end keep their states
            h[n:], c[n:] = hp[n:], cp[n:]
            g, fi, r, out = g[:, :n], fi[:, :n], r[:, :n], out[:, :, :n]
            hp, h, cp, c, tc = hp[:n], h[:n], cp[:n], c[:n], tc[:n]
            m = None if m is None else m[:n]
        xp.matmul(hp, w4, out=out)
        g += r
        xp.tanh(g, out=g)
        s = g[:3]
        s *= 0.5
        s += 0.5  # o, i, f = σ(a), g = tanh(a)
        xp.multiply(g[1], g[3], out=fi[0])
        xp.multiply(g[2], cp, out=fi[1])
        xp.add(fi[0], fi[1], out=c)  # c(t) = i ⊙ g + f ⊙ c(t−1)
        xp.tanh(c, out=tc)
        if m is None:
            xp.multiply(g[0], tc, out=h)  # h(t) = o ⊙ tanh c(t)
        else:
            xp.multiply(g[0], tc, out=m)
            xp.matmul(m, w_hr_t[0], out=columns(h, proj_parts))  # h(t) = (o ⊙ tanh c(t)) W_hrᵀ
    ws.give(rec, w4, None if w_hr is None else w_hr_t)
    return S, C, G, TC, FI, M


# The reverse loop forms the forward-only factors of ā for this many steps at a time, so
# that D_c needs a block of this many steps, not of T (the 1,000-step LSTM's peak: 232 MiB
# against 247 for all steps at once, which took as long in bench_rnn's step).
FACTOR_STEPS = 8


def _gate_factors(xp: Any, D: Any, DC: Any, G: Any, FI: Any, OT: Any, TC: Any) -> None:
    """The factors of the gate derivatives that depend on the forward alone, for a run of
    steps at once: into ``D`` (4, k, B, H), ā_k(t) = D_k(t) ⊙ m̄(t) (o) or c̄(t) (i, f, g),
    with σ' = σ(1 − σ) and tanh' = 1 − g²: D_o = (o ⊙ tanh c)(1 − o), D_i = (i ⊙ g)(1 − i),
    D_f = (f ⊙ c(t−1))(1 − f), D_g = i − (i ⊙ g) ⊙ g; into ``DC`` (k, B, H),
    D_c = o − (o ⊙ tanh c) ⊙ tanh c, the factor of m̄ in c̄. Seven calls per run of steps
    instead of seven per step in the reverse loop; each product is rounded as the per-step
    form rounded it."""
    xp.subtract(1.0, G[:3], out=D[:3])
    D[0] *= OT
    D[1:3] *= FI
    xp.multiply(FI[0], G[3], out=D[3])
    xp.subtract(G[1], D[3], out=D[3])
    xp.multiply(OT, TC, out=DC)
    xp.subtract(G[0], DC, out=DC)


def _runs(T: int, k: int, descending: bool) -> list[tuple[int, int]]:
    """[(lo, hi)…]: the steps 0…T−1 in runs of ``k``, in the order a loop visits them."""
    if descending:
        return [(max(hi - k, 0), hi) for hi in range(T, 0, -k)]
    return [(lo, min(lo + k, T)) for lo in range(0, T, k)]


def lstm_backward(
    xp: Any, ws: Workspace, keep: bool, saved, w_hh, w_hr, bias: bool, grads, bs, rev
):
    """Returns (x̄w, h̄0, c̄0, W̄_hh, b̄_hh, W̄_hr), the BPTT of ``LSTM``'s docstring, from the
    gradients (ȳ, h̄_n, c̄_n) (b̄_hh and W̄_hr None without ``b_hh``, ``w_hr``). With ``keep``
    x̄w is a (4, T, B, H) block of ``ws`` in the loops' layout (``lstm_input_grads`` turns it
    into x̄, W̄_ih, b̄_ih and gives it back); else a new (T, B, 4H) array in PyTorch's order.
    The scratch comes from ``ws`` and goes back to it.

    The factors of ā(t) that the forward alone decides (``_gate_factors``) are formed
    ``FACTOR_STEPS`` steps at a time ahead of the loop, in x̄w's block; the loop then
    multiplies them by m̄(t) and c̄(t): six elementwise calls a step instead of thirteen, and
    bitwise the same results. bench_rnn's LSTM step, one process per tree, rounds
    alternated, eight runs at 1 and 2 threads: 0.88-1.02 of the per-step form's time
    (median 0.96; 2026-12, AMD EPYC). All the steps' factors at once took as long and held
    one more T·B·H block (the 1,000-step LSTM's peak: 247 MiB against 232)."""
    S, C, G, TC, FI, M = saved
    gys, gh, gc = grads
    h_prev, h_new = state_views(S, rev)
    OT = h_new if M is None else M
    _, T, B, H = G.shape
    P, dtype = S.shape[-1], G.dtype
    da = ws.take(xp, G.shape, dtype)  # every row is written (D, then ā or 0)
    gh = seed_grad(xp, ws, gh, (B, P), dtype)
    gc = seed_grad(xp, ws, gc, (B, H), dtype)
    GH = None if w_hr is None else take(xp, ws, (T, B, P), dtype, bs is not None)
    tmp, part = ws.take(xp, (B, H), dtype), ws.take(xp, (4, B, P), dtype)
    parts = column_parts(xp, B, H, P)  # (recurrent_gates.py)
    w4 = stacked(xp, ws, w_hh, ORDER, 0, False, parts)  # (4, parts, H, P / parts)
    cols = columns(part, parts)
    DC = ws.take(xp, (min(T, FACTOR_STEPS), B, H), dtype)
    counts = row_counts(bs, T, B, not rev)
    for lo, hi in _runs(T, FACTOR_STEPS, not rev):
        # da holds D(t) until ā(t) replaces it
        _gate_factors(xp, da[:, lo:hi], DC[: hi - lo], G[:, lo:hi], FI[:, lo:hi], OT[lo:hi],
                      TC[lo:hi])  # fmt: skip
        # per step: D(t) then ā(t) (4, B, H), the forget gate, D_c, ȳ, h̄ saved
        gy_run = None if gys is None else gys[lo:hi]
        gh_run = None if GH is None else GH[lo:hi]
        steps = per_step(not rev, da[:, lo:hi].swapaxes(0, 1), G[2, lo:hi], DC[: hi - lo],
                         gy_run, gh_run)  # fmt: skip
        # steps first: zip stops on it without taking a count from the next run
        for (a, f, dc, gy, gh_t), n in zip(steps, counts):
            g = rows = gh  # rows: where this step's h̄(t−1) goes
            c, s, out, p = gc, tmp, cols, part
            if n < B:  # rows past their sequence's end: ā = 0 (they held D)
                a[:, n:] = 0
                g = rows = gh[:n]
                c, s, out, p = c[:n], s[:n], out[:, :, :n], p[:, :n]
                a, f, dc = a[:, :n], f[:n], dc[:n]
                gy = None if gy is None else gy[:n]
                gh_t = None if gh_t is None else gh_t[:n]
            if gy is not None:
                g += gy
            if gh_t is not None:
                gh_t[...] = g
                g = g @ w_hr  # m̄(t) = h̄(t) W_hr
            xp.multiply(g, dc, out=s)
            c += s  # c̄(t) += m̄ ⊙ o ⊙ (1 − tanh² c(t))
            a[0] *= g  # ā_o = m̄ ⊙ D_o
            a[1:] *= c  # ā_i, ā_f, ā_g = c̄ ⊙ D_i, D_f, D_g
            c *= f  # c̄(t−1) = c̄(t) ⊙ f
            # h̄(t−1) = ā(t) W_hh = Σ_k ā_k(t) W_k, one stacked GEMM per gate
            xp.matmul(a[:, None], w4, out=out)
            p.sum(axis=0, out=rows)
    ws.give(tmp, part, w4, DC)
    gw, gb = weight_grads(xp, da, h_prev.reshape(T * B, P), bias, ORDER)
    gw_hr = None if GH is None else GH.reshape(T * B, P).T @ M.reshape(T * B, H)
    ws.give(GH)
    if not keep:
        da = to_rows(xp, ws, da, ORDER)
    return da, handed_out(ws, gh), handed_out(ws, gc), gw, gb, gw_hr
