"""Gate-major blocks shared by the LSTM and GRU loops (recurrent_lstm_loops.py,
recurrent_gru_loops.py).

A cell with G gates keeps its per-step gate values gate-major, (G, T, B, H): one contiguous
(T, B, H) array per gate, in an ``order`` of PyTorch's gate blocks that the cell picks (gate k
of the loops is PyTorch's block ``order[k]``). Every elementwise call of a step then works on
whole contiguous (B, H) blocks, which NumPy runs as one flat loop; in a (B, G·H) row-major
block each gate is a strided view that NumPy iterates row by row, 2-3x slower at B = 32,
H = 128. The recurrent product of a step is G GEMMs (B, P) @ (P, H), one stacked ``matmul``
(faster here than one (B, P) @ (P, G·H) GEMM with OpenBLAS), written straight into that form;
where OpenBLAS would thread such a small GEMM, to its loss, each is cut into two column blocks
(``column_parts``, ``stacked``, ``columns``). The stacked weights are workspace blocks, aligned
to a cache line (a misaligned B operand costs a third more, workspace.py).

The σ gates come first in a cell's order and their pre-activations are halved (``halve``
leading gates): σ(a) = ½ tanh(a/2) + ½, and scaling by ½ is exact, so the halving is folded
into the weights and biases.
"""

from __future__ import annotations

from typing import Any

import numpy

from autograd_core.ops.workspace import Workspace

__all__ = [
    "blocks",
    "stacked",
    "columns",
    "column_parts",
    "gate_input",
    "to_rows",
    "weight_grads",
    "input_grads",
]


def blocks(a: Any, order: tuple[int, ...], halve: int = 0) -> list[Any]:
    """The H-row blocks of ``a`` (G·H, …) in the loops' order, the first ``halve`` times ½
    (views, or new arrays where scaled)."""
    H = a.shape[0] // len(order)
    out = [a[k * H : (k + 1) * H] for k in order]
    return [b * 0.5 for b in out[:halve]] + out[halve:]


# OpenBLAS (0.3.x interface/gemm.c) runs a GEMM with M·N·K above 65536 · 4 on several threads.
# A recurrent step's (32, 128) @ (128, 128) is 2¹⁹, just above: two threads make it slower
# (6.8 µs against 6.0 µs, 2026-12, SkylakeX), and the step's elementwise work cannot overlap it.
ONE_THREAD_MNK = 65536 * 4


def column_parts(xp: Any, rows: int, k: int, n: int) -> int:
    """How many column blocks a step GEMM (rows, k) @ (k, n) is cut into: 2 when that puts
    each half at or under ``ONE_THREAD_MNK`` (so OpenBLAS runs it on one thread, and the
    halves of 16-float multiples stay SIMD-friendly), else 1. Larger GEMMs gain from threads
    (32 × 128 × 512: 30.6 µs on one, 24.6 µs on two); a device has no such threshold."""
    mnk = rows * k * n
    fits = ONE_THREAD_MNK < mnk <= 2 * ONE_THREAD_MNK and n % 32 == 0
    return 2 if fits and xp is numpy else 1


def stacked(xp: Any, ws: Workspace, a: Any, order, halve: int, transpose: bool, parts: int = 1):
    """The B operands of the per-gate step GEMMs, a block of ``ws`` (aligned: a misaligned B
    is slower, see workspace.py) that the caller gives back: the H-row blocks b of a weight
    (G·H, ·) in ``order``, each as b.T (``transpose``) or b, shape (k, n), cut into ``parts``
    column blocks: (G, parts, k, n / parts). ``columns`` is the matching view of the output."""
    bs = blocks(a, order, halve)
    k, n = bs[0].shape[::-1] if transpose else bs[0].shape
    out = ws.take(xp, (len(bs), parts, k, n // parts), a.dtype)
    for g, b in enumerate(bs):
        src = (b.T if transpose else b).reshape(k, parts, n // parts)
        out[g] = src.transpose(1, 0, 2)
    return out


def columns(a: Any, parts: int) -> Any:
    """The view of ``a`` (…, rows, n) cut into ``parts`` column blocks, (…, parts, rows,
    n / parts): where a stacked GEMM with ``stacked(…, parts)`` writes its products."""
    *lead, rows, n = a.shape
    return a.reshape(*lead, rows, parts, n // parts).swapaxes(-3, -2)


def gate_input(xp: Any, ws: Workspace, first, w_ih, biases, order: tuple[int, ...], halve: int):
    """The gate block (G, T, B, H) from ``ws`` holding the input part of every step's
    pre-activations plus the bias vectors (G·H) in ``biases`` that are not None (b_ih, and the
    part of b_hh a cell adds outside its recurrent product: once here, not at every step),
    the first ``halve`` gates halved; from xw = ``first`` (T, B, G·H) or, with ``w_ih``,
    projected from x = ``first`` (``_project``)."""
    T, B, n, G = first.shape[0], first.shape[1], first.shape[2], len(order)
    bias = [blocks(b, order, halve) for b in biases if b is not None]
    if w_ih is not None:
        return _project(xp, ws, first.reshape(T * B, n), w_ih, bias, order, halve, (T, B))
    H = n // G
    out = ws.take(xp, (G, T, B, H), first.dtype)  # every row is written: no zeros needed
    for k, src in enumerate(order):
        xp.multiply(first[:, :, src * H : (src + 1) * H], 0.5 if k < halve else 1.0, out=out[k])
        for b in bias:  # one at a time, as the cells add them
            out[k] += b[k]
    return out


def _project(xp: Any, ws: Workspace, x2, w_ih, bias: list, order, halve: int, steps: tuple):
    """The gate block (G, T, B, H) from ``ws``: x W_kᵀ + Σ biases for each gate k, one
    stacked GEMM over all steps and gates. The biases ride in it as extra columns of ones in
    x and extra rows of W_kᵀ: no pass over the block per bias (~30 µs per gate and bias at
    T·B = 1600, H = 128). OpenBLAS's kernels sum each output's K terms in order, so the
    result is bitwise (x W_kᵀ + b_ih) + b_hh, as the cells compute it (recurrent_cells.py;
    checked in float32 and float64 up to K = 300); other BLAS agree to rounding."""
    rows, n = x2.shape
    G, nb = len(order), len(bias)
    w = blocks(w_ih, order, halve)
    H = w[0].shape[0]
    xa = x2
    if nb:
        xa = ws.take(xp, (rows, n + nb), x2.dtype)
        xa[:, :n] = x2
        xa[:, n:] = 1.0
    wa = ws.take(xp, (G, n + nb, H), x2.dtype)
    for k in range(G):
        wa[k, :n] = w[k].T
        for j, b in enumerate(bias):
            wa[k, n + j] = b[k]
    out = ws.take(xp, (G, *steps, H), x2.dtype)  # every row is written: no zeros needed
    xp.matmul(xa, wa, out=out.reshape(G, rows, H))
    ws.give(wa, xa if nb else None)
    return out


def to_rows(xp: Any, ws: Workspace, da: Any, order: tuple[int, ...]) -> Any:
    """A new (T, B, G·H) array in PyTorch's block order from ``da`` (G, T, B, H), a block of
    ``ws`` that is given back (the x̄w a backward returns when the op does not keep it)."""
    G, T, B, H = da.shape
    out = xp.empty((T, B, G * H), da.dtype)
    for k, src in enumerate(order):
        out[:, :, src * H : (src + 1) * H] = da[k]
    ws.give(da)
    return out


def weight_grads(xp: Any, da: Any, rows: Any, bias: bool, order: tuple[int, ...]):
    """(Σ_t ā(t)ᵀ r(t), Σ_t ā(t)) in PyTorch's row order for ā = ``da`` (G, T, B, H) and the
    matching rows ``rows`` (T·B, ·): one GEMM per gate (and one sum) over all steps; the sum
    is None unless ``bias``."""
    G, T, B, H = da.shape
    gw = xp.empty((G * H, rows.shape[1]), da.dtype)
    gb = xp.empty(G * H, da.dtype) if bias else None
    for k, src in enumerate(order):
        a = da[k].reshape(T * B, H)
        xp.matmul(a.T, rows, out=gw[src * H : (src + 1) * H])
        if bias:
            a.sum(axis=0, out=gb[src * H : (src + 1) * H])
    return gw, gb


def input_grads(xp: Any, da: Any, x: Any, w_ih: Any, need, order: tuple[int, ...], gb=None):
    """(x̄, W̄_ih, b̄_ih) of the projection xw = x W_ihᵀ + b_ih from its gradient ``da`` in
    the gate-major layout: x̄ = Σ_k ā_k W_k; None where ``need`` (three bools) says so.
    ``gb``, when given, is Σ_t ā(t) already summed (b̄_hh of a cell whose biases both add to
    the pre-activation): b̄_ih is a copy of it instead of the same sums again."""
    G, T, B, H = da.shape
    x2 = x.reshape(T * B, x.shape[2])
    gx = None
    if need[0]:
        gx = xp.zeros((T * B, x.shape[2]), da.dtype)
        for k, w in enumerate(blocks(w_ih, order)):
            gx += da[k].reshape(T * B, H) @ w
        gx = gx.reshape(x.shape)
    sums = need[2] and gb is None
    gw, gb_ih = weight_grads(xp, da, x2, sums, order) if need[1] or sums else (None, None)
    if need[2] and gb is not None:
        gb_ih = gb.copy()
    return gx, gw if need[1] else None, gb_ih
