r"""1×1 convolutions (every kernel length 1, stride 1, no padding) as plain GEMMs over the
channels, with no im2col and no copy of the operands: y = W x at every position.

A 1×1 conv's im2col matrix is its input, so ``conv_gemm``'s batch-last route would only add
copies. Here the GEMMs run in the layout the operands already have: on a batch-last input
(the output of another conv) one GEMM per group, (C'/G, C/G) @ (C/G, ∏L·N); on a contiguous
(N, C, L…) input one GEMM per sample and group, (C'/G, C/G) @ (C/G, ∏L), and the result comes
back in the same layout. Any other layout is copied to (N, C, L…) first. The weight gradient
Σₙ ȳₙ xₙᵀ is one GEMM in the batch-last layout, and in (N, C, L…) one GEMM per sample added
into the (C', C/G) result (no (N, C', C/G) array of per-sample products).

Every function takes raw arrays and the array module ``xp`` (NumPy or CuPy).
"""

from __future__ import annotations

import math
from typing import Any

from autograd_core.ops.conv_gemm import batch_last, from_batch_last

__all__ = ["is_pointwise", "pointwise_forward", "pointwise_input_grad", "pointwise_weight_grad"]


def is_pointwise(kernel: Any, stride: Any, pads: Any) -> bool:
    """A 1×1 kernel at stride 1 with no padding: a GEMM over channels at each position."""
    return (
        all(k == 1 for k in kernel)
        and all(s == 1 for s in stride)
        and not any(lo or hi for lo, hi in pads)
    )


def _is_batch_last(x: Any) -> bool:
    return x.transpose((*range(1, x.ndim), 0)).flags.c_contiguous


def _operand(xp: Any, x: Any, groups: int, last: bool) -> Any:
    """x as (G, C/G, ∏L·N) (``last``: x is batch-last) or (N, G, C/G, ∏L), no copy when it
    has that layout."""
    n, c = x.shape[:2]
    size = math.prod(x.shape[2:])  # (explicit sizes: a -1 cannot be solved for an empty x)
    if last:
        return batch_last(xp, x).reshape(groups, c // groups, size * n)
    return xp.ascontiguousarray(x).reshape(n, groups, c // groups, size)


def _result(xp: Any, y: Any, n: int, spatial: tuple[int, ...], last: bool) -> Any:
    """A GEMM result back as (N, C, L…): a view of the batch-last or (N, C, L…) array."""
    if last:  # y: (G, C'/G, ∏L·N)
        return from_batch_last(xp, y.reshape(y.shape[0] * y.shape[1], *spatial, n))
    return y.reshape(n, y.shape[1] * y.shape[2], *spatial)  # y: (N, G, C'/G, ∏L)


def _apply(xp: Any, w: Any, x: Any, groups: int) -> Any:
    """Wᵢ applied over channels, W given as (G, rows, C/G): (N, C_out, L…) from (N, C, L…),
    in x's layout (batch-last when x is)."""
    last = _is_batch_last(x)
    y = w @ _operand(xp, x, groups, last)
    return _result(xp, y, x.shape[0], x.shape[2:], last)


def pointwise_forward(xp: Any, x: Any, w: Any, b: Any, groups: int) -> Any:
    """y = W x + b over channels, in x's layout; holds nothing but the result."""
    c_out = w.shape[0]
    y = _apply(xp, w.reshape(groups, c_out // groups, -1), x, groups)
    if b is not None:
        y += b.reshape((c_out,) + (1,) * (x.ndim - 2))
    return y


def pointwise_input_grad(xp: Any, g: Any, w: Any, b: Any, groups: int) -> Any:
    """z = Wᵀ g + b over channels (the adjoint of ``pointwise_forward`` in x), in g's
    layout."""
    c_out = w.shape[0]
    wt = w.reshape(groups, c_out // groups, -1).swapaxes(1, 2)  # (G, C/G, C'/G)
    z = _apply(xp, wt, g, groups)
    if b is not None:
        z += b.reshape((z.shape[1],) + (1,) * (g.ndim - 2))
    return z


def pointwise_weight_grad(xp: Any, x: Any, g: Any, groups: int) -> Any:
    """Ŵ = Σ_{n, l} g[n, :, l] x[n, :, l]ᵀ per group, shaped (C', C/G, 1…): one GEMM when
    both operands are batch-last (the other one is copied when only one is), else one GEMM
    per sample accumulated into the result."""
    n, c, c_out = x.shape[0], x.shape[1], g.shape[1]
    shape = (c_out, c // groups) + (1,) * (x.ndim - 2)
    if _is_batch_last(x) or _is_batch_last(g):
        xc = batch_last(xp, x).reshape(groups, c // groups, x.size // c if c else 0)
        gc = batch_last(xp, g).reshape(groups, c_out // groups, g.size // c_out if c_out else 0)
        return (gc @ xc.swapaxes(1, 2)).reshape(shape)
    xs, gs = _operand(xp, x, groups, False), _operand(xp, g, groups, False)
    gw = xp.zeros((groups, c_out // groups, c // groups), x.dtype)
    for i in range(n):
        gw += gs[i] @ xs[i].swapaxes(1, 2)
    return gw.reshape(shape)
