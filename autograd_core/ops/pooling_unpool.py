r"""Max unpooling: the scatter that undoes max pooling (max_unpool1d/2d/3d) and carries its
gradient.

``max_pool`` keeps, for every window, the flat position of its maximum in the input plane;
scattering values back to those positions (zeros elsewhere) is PyTorch's ``max_unpool`` and is
exactly the VJP of max pooling. Its own VJP is a ``gather`` by the same positions, so max
pooling is differentiable to any order.
"""

from __future__ import annotations

import math
from typing import Any

from autograd_core.device import to_device
from autograd_core.errors import DTypeError, ShapeError
from autograd_core.op import Op
from autograd_core.ops.array_methods import add_at
from autograd_core.ops.common import lift
from autograd_core.ops.indexing import Gather
from autograd_core.ops.pool_geometry import as_tuple, batched
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = ["max_unpool1d", "max_unpool2d", "max_unpool3d"]


@register_op("max_unpool", array_vjp=True, saves_inputs=False)
class MaxUnpool(Op):
    r"""y = zeros of shape (*lead, *size); then, for each plane (the leading N, C axes) and each
    position o of x's trailing axes, y[lead, flat ``index[lead, o]``] += x[lead, o] (or = with
    ``unique``, below): the values of x sent back to the flat positions max pooling chose.

    VJP: x̄ = gather(ȳ, index) on the (planes, positions) layout, a new array. ``index`` is a
    constant parameter; the op is linear, so the second derivative is a scatter again. Saves
    nothing. Does not broadcast.

    With ``unique=True`` the scatter is one fancy assignment: exact where no position repeats
    (non-overlapping pooling windows, as max pooling's VJP passes it), and where one does, one
    of the values written there stays (NumPy: the last). That is what ``max_unpool1d/2d/3d``
    use: PyTorch's partial inverse, which writes each value to its position (and documents
    repeats as nondeterministic); for indices from max pooling every repeat of a position
    carries the same value, so the result is the same either way. Its VJP, the gather, then
    gives each repeat the whole ȳ of its position, as PyTorch's does. With ``unique=False``
    repeats accumulate, which max pooling's VJP needs for overlapping windows: ``add.at``: NumPy 2's
    ``add.at`` takes a fast path for a 1-D float target and measured ~4x faster than a weighted
    ``bincount`` (which also round-trips through float64) on the 3x3-stride-2 backward of
    ``bench/bench_pool.py`` (32x64x28x28 float32: 0.7 ms against 2.9 ms).
    """

    fresh_grads = True

    def forward(self, x: Any, index: Any, size: tuple[int, ...], unique: bool) -> Any:
        xp = self.xp
        lead = tuple(x.shape[: x.ndim - len(size)])
        rows, length = math.prod(lead), math.prod(size)
        offsets = xp.arange(rows, dtype=xp.int64) * length
        per_row = math.prod(index.shape[index.ndim - len(size) :])
        flat = (index.reshape(rows, per_row) + offsets[:, None]).reshape(-1)
        if unique:
            out = xp.zeros(rows * length, x.dtype)
            out[flat] = x.reshape(-1)
        else:
            out = xp.zeros(rows * length, x.dtype)
            add_at(xp, out, flat, x.reshape(-1))
        return out.reshape(lead + tuple(size))

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        index, size = self.params["index"], self.params["size"]
        n = len(size)
        rows = math.prod(index.shape[: index.ndim - n])
        per_row = math.prod(index.shape[index.ndim - n :])
        g = gy.reshape((rows, math.prod(size)))
        gx = Gather.call(g, dim=1, index=index.reshape(rows, per_row))
        return (gx.reshape(tuple(index.shape)),)


def _max_unpool(
    op: str,
    n: int,
    x: Any,
    indices: Any,
    kernel_size: Any,
    stride: Any,
    padding: Any,
    output_size: Any,
) -> Tensor:
    x = lift(x)
    xb, unbatched = batched(op, x, n)
    idx = indices.data if isinstance(indices, Tensor) else x.xp.asarray(indices)
    if idx.dtype.kind not in "iu":
        raise DTypeError(
            f"{op}: indices must be integers, got dtype {idx.dtype}. Pass the indices that "
            "max_pool returned with return_indices=True."
        )
    if tuple(idx.shape) != tuple(x.shape):
        raise ShapeError(
            f"{op}: indices of shape {tuple(idx.shape)} do not match the input of shape "
            f"{tuple(x.shape)}. Pass the indices returned together with this input."
        )
    kernel = as_tuple(op, "kernel_size", kernel_size, n, minimum=1)
    strides = kernel if stride is None else as_tuple(op, "stride", stride, n, minimum=1)
    pads = as_tuple(op, "padding", padding, n, minimum=0)
    if output_size is None:
        size = tuple(
            (i - 1) * s - 2 * p + k for i, s, p, k in zip(xb.shape[-n:], strides, pads, kernel)
        )
    else:
        size = tuple(int(v) for v in tuple(output_size)[-n:])
    length = math.prod(size)
    # (device indices: an explicit copy of two numbers, one sync)
    lo, hi = (int(to_device(v, "cpu")) for v in (idx.min(), idx.max())) if idx.size else (0, 0)
    if idx.size and (lo < 0 or hi >= length):
        raise ShapeError(
            f"{op}: indices range from {lo} to {hi}, outside an output "
            f"plane of size {size} ({length} positions). Pass output_size equal to the shape "
            "of the input that max_pool saw."
        )
    # written, not summed: a position named twice holds its value once, as PyTorch's
    y = MaxUnpool.apply(xb, index=idx.reshape(xb.shape), size=size, unique=True)
    return y.reshape(y.shape[1:]) if unbatched else y


def max_unpool1d(
    input: Tensor,
    indices: Any,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    output_size: Any = None,
) -> Tensor:
    """Partial inverse of ``max_pool1d``: each value goes back to its saved index, zeros
    elsewhere, as ``F.max_unpool1d``. The default output length is (L−1)·stride − 2·padding +
    kernel_size. Indices named twice accumulate.

    Example:
        >>> import autograd_core as ac
        >>> from autograd_core.ops.pooling import max_pool1d
        >>> from autograd_core.ops.pooling_unpool import max_unpool1d
        >>> y, i = max_pool1d(ac.tensor([[1.0, 3.0, 2.0, 0.0]]), 2, return_indices=True)
        >>> max_unpool1d(y, i, 2)
        tensor([[0., 3., 2., 0.]])
    """
    return _max_unpool("max_unpool1d", 1, input, indices, kernel_size, stride, padding, output_size)


def max_unpool2d(
    input: Tensor,
    indices: Any,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    output_size: Any = None,
) -> Tensor:
    """Partial inverse of ``max_pool2d``, as ``F.max_unpool2d`` (see ``max_unpool1d``).

    Example:
        >>> import autograd_core as ac
        >>> from autograd_core.ops.pooling import max_pool2d
        >>> from autograd_core.ops.pooling_unpool import max_unpool2d
        >>> y, i = max_pool2d(ac.arange(4.0).reshape(1, 2, 2), 2, return_indices=True)
        >>> max_unpool2d(y, i, 2).tolist()
        [[[0.0, 0.0], [0.0, 3.0]]]
    """
    return _max_unpool("max_unpool2d", 2, input, indices, kernel_size, stride, padding, output_size)


def max_unpool3d(
    input: Tensor,
    indices: Any,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    output_size: Any = None,
) -> Tensor:
    """Partial inverse of ``max_pool3d``, as ``F.max_unpool3d`` (see ``max_unpool1d``).

    Example:
        >>> import autograd_core as ac
        >>> from autograd_core.ops.pooling import max_pool3d
        >>> from autograd_core.ops.pooling_unpool import max_unpool3d
        >>> y, i = max_pool3d(ac.arange(8.0).reshape(1, 2, 2, 2), 2, return_indices=True)
        >>> max_unpool3d(y, i, 2).sum().item()
        7.0
    """
    return _max_unpool("max_unpool3d", 3, input, indices, kernel_size, stride, padding, output_size)
