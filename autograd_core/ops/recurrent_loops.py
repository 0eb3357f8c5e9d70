"""The array loops of the fused recurrent ops (recurrent.py): each cell's forward over a whole
sequence, saving its gates, and the reverse loop of back-propagation through time that reuses
them (the LSTM's and the GRU's are in recurrent_lstm_loops.py and recurrent_gru_loops.py).

Layout shared by every loop. ``xw`` is the input projection x(t) W_ihᵀ + b_ih of all steps,
(T, B, G·H) with the G gate blocks in PyTorch's order. The states live in one array ``S`` of
T + 1 rows indexed by time: step t reads ``prev[t]`` and writes ``new[t]``, where
``prev, new = S[:-1], S[1:]`` running forward and ``S[1:], S[:-1]`` running in reverse (the
initial state sits in row 0, or row T in reverse). So the gates, the states and the gradients
all line up by t, ``new`` is already the output sequence, and the weight gradients are one GEMM
over all steps at the end (Σ_t ā(t)ᵀ h(t−1) = Āᵀ H_prev with the steps stacked as rows).

Variable lengths come as ``batch_sizes``: at step t only the first ``batch_sizes[t]`` rows (the
sequences longer than t, sorted longest first) are updated; the others keep their state, so a
sequence's final state is the one at its true end, and in reverse its state starts at its own
last element. In backward those rows pass their gradient through unchanged.

Memory. Every array a loop saves or uses as scratch comes from the op's ``Workspace``
(workspace.py), so a training step reuses the last step's blocks instead of faulting fresh pages
in, and every block starts on a cache line (NumPy's own large arrays do not, which makes each
elementwise call up to twice as slow); the op gives its saved arrays back when it is released.
The running h̄ and c̄ of a reverse loop are workspace blocks too (``seed_grad``), copied out at
the end (``handed_out``). What leaves the op (x̄w, the outputs, the gradients) is new. The
backward does its gate math per step on one (B, G·H) block, which stays in the cache,
instead of whole-sequence passes that would need (T, B, G·H) temporaries.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import Any

from autograd_core.ops.recurrent_gates import column_parts, columns, stacked
from autograd_core.ops.workspace import Workspace

__all__ = [
    "rnn_forward",
    "rnn_backward",
    "state_views",
    "new_states",
    "take",
    "grad_block",
    "row_counts",
    "per_step",
    "seed_grad",
    "handed_out",
]


def state_views(S: Any, reverse: bool) -> tuple[Any, Any]:
    """(prev, new): the states before and after each step t, both indexed by t."""
    return (S[1:], S[:-1]) if reverse else (S[:-1], S[1:])


def row_counts(batch_sizes: tuple[int, ...] | None, T: int, B: int, reverse: bool) -> Iterable:
    """How many rows (sequences) each step updates, in the order a loop visits the steps:
    the first ``batch_sizes[t]`` rows at step t (the sequences longer than t, longest first),
    or all ``B``."""
    if batch_sizes is None:
        return itertools.repeat(B, T)
    return reversed(batch_sizes) if reverse else iter(batch_sizes)


def per_step(reverse: bool, *arrays: Any) -> Iterator[tuple[Any, ...]]:
    """The views ``a[t]`` of each array (indexed by t on its first axis; None gives None) step
    by step, in the order a loop visits t. Iterating an array makes each view in C; a loop
    body that indexed ``a[t, :n]`` itself paid ~0.3 µs a view (bench_rnn's RNN forward loop:
    0.85 ms that way, 0.77 ms this way, 2026-12)."""
    its = [itertools.repeat(None) if a is None else (a[::-1] if reverse else a) for a in arrays]
    return zip(*its)


def take(xp: Any, ws: Workspace, shape: tuple[int, ...], dtype: Any, masked: bool) -> Any:
    """A (T, B, ·) block from the workspace. Rows past a sequence's end are never written:
    zeros keep them finite for the whole-sequence GEMMs."""
    return ws.take(xp, shape, dtype, zero=masked)


def grad_block(xp: Any, ws: Workspace | None, shape: tuple[int, ...], dtype: Any) -> Any:
    """The x̄w array a backward returns, not zeroed (the caller writes every row): from ``ws``
    when the op keeps it (it projects x itself and gives the block back), else new (it leaves
    the op)."""
    return xp.empty(shape, dtype) if ws is None else ws.take(xp, shape, dtype)


def seed_grad(xp: Any, ws: Workspace, g: Any, shape: tuple[int, ...], dtype: Any) -> Any:
    """A gradient buffer from ``ws`` holding ``g`` (zeros when no gradient arrived): the
    reverse loop's running h̄ (or c̄). It is a workspace block (aligned, reused); ``handed_out``
    turns it into the array the op returns."""
    out = ws.take(xp, shape, dtype, zero=g is None)
    if g is not None:
        out[...] = g
    return out


def handed_out(ws: Workspace, g: Any) -> Any:
    """A new copy of the workspace block ``g``, which goes back to ``ws``: what leaves the op is
    never a workspace block."""
    out = g.copy()
    ws.give(g)
    return out


def new_states(xp: Any, ws: Workspace, h0: Any, T: int, reverse: bool, masked: bool) -> Any:
    """The (T + 1, B, ·) state array with the initial state in its first row (last in
    reverse)."""
    S = take(xp, ws, (T + 1, *h0.shape), h0.dtype, masked)
    S[T if reverse else 0] = h0
    return S


# -- Elman RNN: h(t) = φ(xw(t) + h(t−1) W_hhᵀ + b_hh) ----------------------------------------


def rnn_forward(xp, ws: Workspace, xw, h0, w_hh, b_hh, relu: bool, bs, rev: bool) -> Any:
    """Returns the states S (from ``ws``), see the module's layout. ``b_hh`` may be None
    when the caller has added it to ``xw`` already."""
    T, B, H = xw.shape
    S = new_states(xp, ws, h0, T, rev, bs is not None)
    prev, new = state_views(S, rev)
    parts = column_parts(xp, B, H, H)
    w_t = stacked(xp, ws, w_hh, (0,), 0, True, parts)  # W_hhᵀ (1, parts, H, H / parts)
    w, steps = w_t[0], per_step(rev, prev, new, columns(new, parts), xw)
    for n, (hp, h, out, x) in zip(row_counts(bs, T, B, rev), steps):
        if n < B:  # the rows past their sequence's end keep its state
            h[n:] = hp[n:]
            hp, h, out, x = hp[:n], h[:n], out[:, :n], x[:n]
        xp.matmul(hp, w, out=out)
        h += x
        if b_hh is not None:
            h += b_hh
        if relu:
            xp.maximum(h, 0, out=h)
        else:
            xp.tanh(h, out=h)
    ws.give(w_t)
    return S


def rnn_backward(xp, ws, keep: bool, S, w_hh, bias: bool, gys, gh, relu: bool, bs, rev: bool):
    """Returns (x̄w, h̄0, W̄_hh, b̄_hh): the seeds' BPTT equations, see ``RNN`` (b̄_hh None
    unless ``bias``); x̄w is a block of ``ws`` with ``keep``, else new (``grad_block``). The
    scratch comes from ``ws`` and goes back to it."""
    prev, new = state_views(S, rev)
    T, B, H = new.shape
    da = grad_block(xp, ws if keep else None, new.shape, new.dtype)
    # φ'(a(t)) for every step at once, into da until ā(t) replaces it: 1[h > 0] or 1 − h²
    if relu:
        xp.greater(new, 0, out=da)
    else:
        xp.multiply(new, new, out=da)
        xp.subtract(1.0, da, out=da)
    gh = seed_grad(xp, ws, gh, (B, H), new.dtype)
    parts = column_parts(xp, B, H, H)
    w_g = stacked(xp, ws, w_hh, (0,), 0, False, parts)  # W_hh (1, parts, H, H / parts)
    w, cols = w_g[0], columns(gh, parts)
    for n, (a, gy) in zip(row_counts(bs, T, B, not rev), per_step(not rev, da, gys)):
        g, out = gh, cols
        if n < B:  # rows past their sequence's end: ā = 0 (they held φ')
            a[n:] = 0
            g, out, a, gy = g[:n], out[:, :n], a[:n], None if gy is None else gy[:n]
        if gy is not None:
            g += gy  # ∇_h(t) L gathers the output's gradient and the next step's
        a *= g  # ā(t) = diag(φ'(a(t))) ∇_h(t) L: 1[h(t) > 0] or 1 − h(t)²
        xp.matmul(a, w, out=out)  # ∇_h(t−1) L = W_hhᵀ ā(t)
    flat = da.reshape(T * B, H)
    gw = flat.T @ prev.reshape(T * B, H)  # ∇_W L = Σ_t ā(t) h(t−1)ᵀ
    ws.give(w_g)
    # ∇_U L flows through x̄w = ā; ∇_b L = Σ_t ā(t)
    return da, handed_out(ws, gh), gw, flat.sum(axis=0) if bias else None
