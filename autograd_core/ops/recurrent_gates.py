"""Gate-major blocks shared by the LSTM and GRU loops (recurrent_lstm_loops.py,
recurrent_gru_loops.py).

A cell with G gates keeps its per-step gate values gate-major, (G, T, B, H): one contiguous
(T, B, H) array per gate, in an ``order`` of PyTorch's gate blocks that the cell picks (gate k
of the loops is PyTorch's block ``order[k]``). Every elementwise call of a step then works on
whole contiguous (B, H) blocks, which NumPy runs as one flat loop; in a (B, G·H) row-major
block each gate is a strided view that NumPy iterates row by row, 2-3x slower at B = 32,
H = 128. The recurrent product of a step is G GEMMs (B, P) @ (P, H), one stacked ``matmul``
(faster here than one (B, P) @ (P, G·H) GEMM with OpenBLAS), written straight into that form.

The σ gates come first in a cell's order and their pre-activations are halved (``halve``
leading gates): σ(a) = ½ tanh(a/2) + ½, and scaling by ½ is exact, so the halving is folded
into the weights and biases.
"""

from __future__ import annotations

from typing import Any

from autograd_core.ops.workspace import Workspace

__all__ = ["blocks", "stacked", "gate_input", "to_rows", "weight_grads", "input_grads"]


def blocks(a: Any, order: tuple[int, ...], halve: int = 0) -> list[Any]:
    """The H-row blocks of ``a`` (G·H, …) in the loops' order, the first ``halve`` times ½
    (views, or new arrays where scaled)."""
    H = a.shape[0] // len(order)
    out = [a[k * H : (k + 1) * H] for k in order]
    return [b * 0.5 for b in out[:halve]] + out[halve:]


def stacked(xp: Any, a: Any, order: tuple[int, ...], halve: int, transpose: bool) -> Any:
    """(G, H, ·) contiguous: the blocks of a weight (G·H, ·), transposed to (G, ·, H) when
    ``transpose``, for the per-gate stacked GEMMs."""
    bs = blocks(a, order, halve)
    return xp.ascontiguousarray(xp.stack([b.T if transpose else b for b in bs]))


def gate_input(xp: Any, ws: Workspace, first, w_ih, b_ih, order: tuple[int, ...], halve: int):
    """The gate block (G, T, B, H) from ``ws`` holding the input part of every step's
    pre-activations (the first ``halve`` gates halved), from xw = ``first`` (T, B, G·H) or,
    with ``w_ih``, projected from x = ``first`` (one GEMM per gate)."""
    T, B, n, G = first.shape[0], first.shape[1], first.shape[2], len(order)
    H = (n if w_ih is None else w_ih.shape[0]) // G
    out = ws.take(xp, (G, T, B, H), first.dtype)  # every row is written: no zeros needed
    if w_ih is None:
        for k, src in enumerate(order):
            xp.multiply(first[:, :, src * H : (src + 1) * H], 0.5 if k < halve else 1.0, out=out[k])
        return out
    x2 = first.reshape(T * B, n)
    bias = [None] * G if b_ih is None else blocks(b_ih, order, halve)
    for k, (w, b) in enumerate(zip(blocks(w_ih, order, halve), bias)):
        g = xp.matmul(x2, w.T, out=out[k].reshape(T * B, H))
        if b is not None:
            g += b
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


def input_grads(xp: Any, da: Any, x: Any, w_ih: Any, need, order: tuple[int, ...]):
    """(x̄, W̄_ih, b̄_ih) of the projection xw = x W_ihᵀ + b_ih from its gradient ``da`` in
    the gate-major layout: x̄ = Σ_k ā_k W_k; None where ``need`` (three bools) says so."""
    G, T, B, H = da.shape
    x2 = x.reshape(T * B, x.shape[2])
    gx = None
    if need[0]:
        gx = xp.zeros((T * B, x.shape[2]), da.dtype)
        for k, w in enumerate(blocks(w_ih, order)):
            gx += da[k].reshape(T * B, H) @ w
        gx = gx.reshape(x.shape)
    gw, gb = weight_grads(xp, da, x2, need[2], order) if need[1] or need[2] else (None, None)
    return gx, gw if need[1] else None, gb
