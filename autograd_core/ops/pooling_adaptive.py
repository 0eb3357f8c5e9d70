r"""Adaptive pooling: adaptive_max_pool1d/2d/3d, adaptive_avg_pool1d/2d/3d and global average
pooling.

Adaptive windows scale with the input: window i of an axis of length L covers
[⌊iL/O⌋, ⌈(i+1)L/O⌉), so the output has the fixed size O whatever L is. This is the seeds'
answer of Goodfellow, Bengio & Courville, *Deep Learning* §9.3 and §9.7 for variable-size
inputs (pooling regions that scale in proportion to the input size, so as to keep a fixed
number of pooled outputs), and the third classifier of fig. 9.11, with no dense layer, averages
each class map down to one value: ``global_avg_pool``.

The adaptive max is one op (values, indices) whose VJP is ``max_unpool``; the adaptive mean is
separable (a box average is the product of the averages along each axis), so it is a reshape
and ``mean`` when the windows tile the input, and otherwise one matrix product per axis with a
constant averaging matrix: no new op, differentiable to any order.
"""

from __future__ import annotations

from typing import Any

from autograd_core.device import on_host
from autograd_core.errors import ShapeError
from autograd_core.op import Op
from autograd_core.ops.common import const, lift
from autograd_core.ops.linalg import matmul
from autograd_core.ops.pool_geometry import (
    adaptive_bounds,
    adaptive_size,
    batched,
    grid,
    plane_strides,
)
from autograd_core.ops.pooling_unpool import MaxUnpool
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = [
    "adaptive_max_pool1d",
    "adaptive_max_pool2d",
    "adaptive_max_pool3d",
    "adaptive_avg_pool1d",
    "adaptive_avg_pool2d",
    "adaptive_avg_pool3d",
    "global_avg_pool",
    "matmul_along",
]


def matmul_along(x: Tensor, axis: int, a: Any) -> Tensor:
    """y = x with axis ``axis`` (length L) mapped through the constant (M, L) matrix ``a``:
    y[…, m, …] = Σ_l a[m, l] x[…, l, …] (a linear map per axis: adaptive averaging, linear
    interpolation). Recorded matmuls, so differentiable to any order.

    Example:
        >>> import autograd_core as ac
        >>> from autograd_core.ops.pooling_adaptive import matmul_along
        >>> matmul_along(ac.ones(2, 3), 1, ac.ones(1, 3).data)
        tensor([[3.],
                [3.]])
    """
    last = axis == x.ndim - 1
    y = x if last else x.swapaxes(axis, -1)
    y = matmul(y, const(a.T))
    return y if last else y.swapaxes(axis, -1)


@register_op("adaptive_max_pool", array_vjp=True, saves_inputs=False)
class AdaptiveMaxPool(Op):
    r"""(y, indices) = the maximum of each adaptive window of x over its last
    ``len(output_size)`` axes: window i of an axis of length L covers
    [⌊iL/O⌋, ⌈(i+1)L/O⌉), so the output has a fixed size O whatever L is (PyTorch's
    ``adaptive_max_pool{1,2,3}d``). Two outputs; the int64 indices carry no gradient.

    VJP: x̄ = max_unpool(ȳ, indices) (windows may overlap: shared entries sum). Ties go to the
    first maximum in row-major window order and a NaN wins (the last NaN), as PyTorch. Saves the
    indices and the input shape.

    The forward is separable (the maximum over a box is the maximum over rows of the maxima
    along each row): one axis at a time, from the last, a loop over the K offsets of the longest
    window, each a ``take`` of one entry per window (short windows repeat their last entry,
    which changes neither a maximum nor its first position), carrying the winner's flat position
    along. Scanning the last axis first and keeping the first strict maximum of each stage
    gives the row-major first maximum of the box. Does not broadcast.
    """

    fresh_grads = True

    def forward(self, x: Any, output_size: tuple[int, ...]) -> tuple[Any, Any]:
        xp = self.xp
        n = len(output_size)
        size = tuple(x.shape[-n:])
        lead = len(x.shape) - n
        self.in_shape = tuple(x.shape)
        if 0 in output_size:  # an empty output (PyTorch's too): no window to take a max of
            empty = tuple(x.shape[:lead]) + tuple(output_size)
            self.unique, self.saved = True, xp.zeros(empty, xp.int64)
            return xp.zeros(empty, x.dtype), xp.zeros(empty, xp.int64)
        nan_aware = x.dtype.kind == "f" and (not on_host(x) or bool(xp.isnan(x).any()))
        strides = plane_strides(size)
        # the flat plane position of every entry (spatial axes only; broadcasts over N, C)
        flat = grid(xp, [xp.arange(m, dtype=xp.int64) * st for m, st in zip(size, strides)])
        values = x
        self.unique = True
        for i in reversed(range(n)):
            starts, ends = adaptive_bounds(size[i], output_size[i])
            self.unique &= all(s >= e for s, e in zip(starts[1:], ends[:-1]))
            # adaptive_bounds' windows, made with arange (a list would be copied from the host)
            i_out = xp.arange(output_size[i], dtype=xp.int64)
            lo = (i_out * size[i]) // output_size[i]
            hi = -(-((i_out + 1) * size[i]) // output_size[i]) - 1
            axis = lead + i
            flat_axis = axis - (values.ndim - flat.ndim)
            best = best_flat = None
            for j in range(max(e - s for s, e in zip(starts, ends))):
                pick = xp.minimum(lo + j, hi)
                tap = xp.take(values, pick, axis=axis)
                tap_flat = xp.take(flat, pick, axis=flat_axis)
                if best is None:
                    best, best_flat = tap, xp.broadcast_to(tap_flat, tap.shape).copy()
                    continue
                hit = tap > best  # strict: the first maximum keeps a tie
                if nan_aware:
                    hit |= xp.isnan(tap)
                xp.maximum(best, tap, out=best)
                best_flat += hit * (tap_flat - best_flat)
            values, flat = best, best_flat
        self.saved = flat
        return values, flat

    def vjp(self, g_values: Any, g_indices: Any = None) -> tuple[Any, ...]:
        if self.saved is None:
            raise self.freed_error()
        size = self.in_shape[len(self.in_shape) - len(self.params["output_size"]) :]
        return (MaxUnpool.call(g_values, index=self.saved, size=size, unique=self.unique),)


def _adaptive_max(op: str, n: int, x: Any, output_size: Any, return_indices: bool) -> Any:
    x = lift(x)
    xb, unbatched = batched(op, x, n)
    out = adaptive_size(op, output_size, tuple(xb.shape[-n:]))
    values, index = AdaptiveMaxPool.apply(xb, output_size=out)
    if unbatched:
        values, index = values.reshape(values.shape[1:]), index.reshape(index.shape[1:])
    return (values, index) if return_indices else values


def adaptive_max_pool1d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """Max over ``output_size`` windows that scale with the input length, as
    ``F.adaptive_max_pool1d``: window i covers [⌊iL/O⌋, ⌈(i+1)L/O⌉).

    Example:
        >>> import autograd_core as ac
        >>> from autograd_core.ops.pooling_adaptive import adaptive_max_pool1d
        >>> adaptive_max_pool1d(ac.tensor([[1.0, 4.0, 2.0, 0.0, 3.0]]), 2)
        tensor([[4., 3.]])
    """
    return _adaptive_max("adaptive_max_pool1d", 1, input, output_size, return_indices)


def adaptive_max_pool2d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """Max over an ``output_size`` grid of windows that scale with the input, as
    ``F.adaptive_max_pool2d`` (an int, or a pair whose None entries keep that input size).

    Example:
        >>> import autograd_core as ac
        >>> from autograd_core.ops.pooling_adaptive import adaptive_max_pool2d
        >>> adaptive_max_pool2d(ac.arange(12.0).reshape(1, 3, 4), (1, 2))
        tensor([[[ 9., 11.]]])
    """
    return _adaptive_max("adaptive_max_pool2d", 2, input, output_size, return_indices)


def adaptive_max_pool3d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """Max over an ``output_size`` grid of windows that scale with the input, over the last
    three axes of (N, C, D, H, W) or (C, D, H, W) inputs, as ``F.adaptive_max_pool3d`` (an int,
    or a triple whose None entries keep that input size; the indices are flat positions in the
    D·H·W plane, as PyTorch's).

    Example:
        >>> import autograd_core as ac
        >>> from autograd_core.ops.pooling_adaptive import adaptive_max_pool3d
        >>> adaptive_max_pool3d(ac.arange(8.0).reshape(1, 2, 2, 2), (1, None, 1)).tolist()
        [[[[5.0], [7.0]]]]
    """
    return _adaptive_max("adaptive_max_pool3d", 3, input, output_size, return_indices)


def _averaging_matrix(xp: Any, n_in: int, n_out: int, dtype: Any) -> Any:
    """(n_out, n_in) matrix whose row i averages the adaptive window i."""
    starts, ends = adaptive_bounds(n_in, n_out)
    lo = xp.asarray(starts)[:, None]
    hi = xp.asarray(ends)[:, None]
    j = xp.arange(n_in)
    return (((j >= lo) & (j < hi)) / (hi - lo)).astype(dtype)


def _adaptive_avg(op: str, n: int, x: Any, output_size: Any) -> Tensor:
    x = lift(x)
    xb, unbatched = batched(op, x, n)
    size = tuple(xb.shape[-n:])
    out = adaptive_size(op, output_size, size)
    lead = tuple(xb.shape[:-n])
    if 0 not in out and all(s % o == 0 for s, o in zip(size, out)):  # a reshape and one mean
        split = sum(((o, s // o) for s, o in zip(size, out)), ())
        axes = tuple(len(lead) + 2 * i + 1 for i in range(n))
        y = xb.reshape(lead + split).mean(axis=axes)
    else:  # separable: one constant averaging matrix per axis
        y = xb
        for i in range(n):
            y = matmul_along(y, len(lead) + i, _averaging_matrix(x.xp, size[i], out[i], x.dtype))
    return y.reshape(y.shape[1:]) if unbatched else y


def adaptive_avg_pool1d(input: Tensor, output_size: Any) -> Tensor:
    """Mean over ``output_size`` windows that scale with the input length, as
    ``F.adaptive_avg_pool1d``: window i covers [⌊iL/O⌋, ⌈(i+1)L/O⌉).

    Example:
        >>> import autograd_core as ac
        >>> from autograd_core.ops.pooling_adaptive import adaptive_avg_pool1d
        >>> adaptive_avg_pool1d(ac.tensor([[1.0, 2.0, 3.0, 4.0, 5.0]]), 2)
        tensor([[2., 4.]])
    """
    return _adaptive_avg("adaptive_avg_pool1d", 1, input, output_size)


def adaptive_avg_pool2d(input: Tensor, output_size: Any) -> Tensor:
    """Mean over an ``output_size`` grid of windows that scale with the input, as
    ``F.adaptive_avg_pool2d`` (an int, or a pair whose None entries keep that size).
    ``output_size=1`` is global average pooling.

    Example:
        >>> import autograd_core as ac
        >>> from autograd_core.ops.pooling_adaptive import adaptive_avg_pool2d
        >>> adaptive_avg_pool2d(ac.arange(6.0).reshape(1, 2, 3), 1)
        tensor([[[2.5]]])
    """
    return _adaptive_avg("adaptive_avg_pool2d", 2, input, output_size)


def adaptive_avg_pool3d(input: Tensor, output_size: Any) -> Tensor:
    """Mean over an ``output_size`` grid of windows that scale with the input, over the last
    three axes of (N, C, D, H, W) or (C, D, H, W) inputs, as ``F.adaptive_avg_pool3d`` (an int,
    or a triple whose None entries keep that size).

    Example:
        >>> import autograd_core as ac
        >>> from autograd_core.ops.pooling_adaptive import adaptive_avg_pool3d
        >>> adaptive_avg_pool3d(ac.arange(8.0).reshape(1, 2, 2, 2), (None, 1, 1)).tolist()
        [[[[1.5]], [[5.5]]]]
    """
    return _adaptive_avg("adaptive_avg_pool3d", 3, input, output_size)


def global_avg_pool(x: Tensor, keepdim: bool = False) -> Tensor:
    """The mean of each channel over all spatial axes of an (N, C, *spatial) input: (N, C), or
    (N, C, 1, …) with ``keepdim`` (``adaptive_avg_pool(x, 1)``). The seeds' fully convolutional
    classifier averages each class map down to one value this way.

    Example:
        >>> import autograd_core as ac
        >>> from autograd_core.ops.pooling_adaptive import global_avg_pool
        >>> global_avg_pool(ac.arange(8.0).reshape(1, 2, 2, 2))
        tensor([[1.5, 5.5]])
    """
    x = lift(x)
    if x.ndim < 3:
        raise ShapeError(
            f"global_avg_pool: expected an (N, C, *spatial) input with at least one spatial "
            f"axis, got shape {tuple(x.shape)}. Add a spatial axis or call x.mean(axis=...)."
        )
    return x.mean(axis=tuple(range(2, x.ndim)), keepdims=keepdim)
