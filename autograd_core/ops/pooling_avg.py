r"""Average pooling: avg_pool1d/2d/3d and its transpose ``avg_pool_backward`` (power-average
pooling, built on it, is in ``pooling_lp.py``; adaptive averaging in ``pooling_adaptive.py``).

The pooling section of *Deep Learning* (Goodfellow, Bengio & Courville, §9.3) lists "the
average of a rectangular neighbourhood" and "the L² norm of a rectangular neighbourhood" next
to max pooling; the third architecture of its fig. 9.11 ends with no dense layer, averaging a
feature map down to a single value for the softmax: ``global_avg_pool``.

Average pooling is linear, y = A x, so its VJP is the transpose Aᵀȳ (``avg_pool_backward``),
whose own VJP is ``avg_pool`` again: both are registered ops, both loop over kernel offsets only
(one strided view per offset), and the pair is differentiable to any order. The adaptive form
is separable (an average over a box is the product of averages along each axis), so it is a
matrix product per axis with constant averaging matrices.
"""

from __future__ import annotations

from typing import Any

from autograd_core.op import Op
from autograd_core.ops.common import lift
from autograd_core.ops.pool_geometry import (
    Window,
    as_tuple,
    batched,
    window_geometry,
)
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = [
    "avg_pool1d",
    "avg_pool2d",
    "avg_pool3d",
    "avg_pool_nd",
]


def _divisor(
    xp: Any, win: Window, count_include_pad: bool, override: int | None, dtype: Any
) -> Any:
    """The divisor of each output entry (an array of the output's spatial shape, or a number):
    PyTorch's rule, the window clipped to the padded input (``count_include_pad``) or to the
    input itself, or ``divisor_override``."""
    if override:
        return float(override)
    total: Any = 1
    d = len(win.kernel)
    for i, (o, s, p, k, n) in enumerate(
        zip(win.out, win.stride, win.padding, win.kernel, win.size)
    ):
        start = xp.arange(o, dtype=xp.int64) * s - p
        end = xp.minimum(start + k, n + p)
        if count_include_pad:
            count = end - start
        else:
            count = xp.minimum(end, n) - xp.maximum(start, 0)
        total = total * count.reshape((-1,) + (1,) * (d - 1 - i))
    return total.astype(dtype)


def _geometry(
    x_shape: tuple[int, ...], kernel: Any, stride: Any, padding: Any, ceil: bool
) -> Window:
    return window_geometry("avg_pool", x_shape, kernel, stride, padding, (1,) * len(kernel), ceil)


@register_op("avg_pool", array_vjp=True, saves_inputs=False)
class AvgPool(Op):
    r"""y = the mean of every pooling window of x over its last ``len(kernel)`` axes, as
    PyTorch's ``avg_pool{1,2,3}d``: the window sum divided by its size clipped to the padded
    input (``count_include_pad``), by the number of real entries, or by ``divisor_override``.

    .. math:: y_o = \frac{1}{c_o} \sum_{j \in W(o)} x_j, \qquad
              \bar{x}_j = \sum_{o:\, j \in W(o)} \frac{\bar{y}_o}{c_o}

    VJP: x̄ = avg_pool_backward(ȳ) (the transpose; overlapping windows add up). Linear, so no
    kinks and the second derivative is this op again. Saves nothing but the input shape (the
    divisors are recomputed from the geometry). Does not broadcast.
    """

    fresh_grads = True

    def forward(
        self,
        x: Any,
        kernel: tuple[int, ...],
        stride: tuple[int, ...],
        padding: tuple[int, ...],
        ceil_mode: bool,
        count_include_pad: bool,
        divisor_override: int | None,
    ) -> Any:
        xp = self.xp
        win = _geometry(x.shape, kernel, stride, padding, ceil_mode)
        self.in_shape = tuple(x.shape)
        src = x
        if win.padded:
            src = xp.zeros(win.padded_shape(tuple(x.shape[: x.ndim - len(kernel)])), x.dtype)
            src[(Ellipsis, *win.interior())] = x
        acc = None
        for offset in win.offsets():
            tap = src[(Ellipsis, *win.taps(offset))]
            if acc is None:
                acc = tap.copy()
            else:
                acc += tap
        acc /= _divisor(xp, win, count_include_pad, divisor_override, x.dtype)
        return acc

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        return (AvgPoolBackward.call(gy, in_shape=self.in_shape, **self.params),)


@register_op("avg_pool_backward", array_vjp=True, saves_inputs=False)
class AvgPoolBackward(Op):
    r"""x̄ = Aᵀ ȳ for the average pooling y = A x over an input of shape ``in_shape``: each ȳ_o
    divided by its window's divisor and added to every entry of the window (PyTorch's
    ``avg_pool2d_backward``). The VJP of ``avg_pool``; one strided add per kernel offset.

    VJP: avg_pool(ḡ) with the same geometry (the transpose of the transpose). Linear; saves
    nothing. Does not broadcast.
    """

    fresh_grads = True

    def forward(
        self,
        gy: Any,
        in_shape: tuple[int, ...],
        kernel: tuple[int, ...],
        stride: tuple[int, ...],
        padding: tuple[int, ...],
        ceil_mode: bool,
        count_include_pad: bool,
        divisor_override: int | None,
    ) -> Any:
        xp = self.xp
        win = _geometry(in_shape, kernel, stride, padding, ceil_mode)
        g = gy / _divisor(xp, win, count_include_pad, divisor_override, gy.dtype)
        gx = xp.zeros(win.padded_shape(tuple(in_shape[: len(in_shape) - len(kernel)])), gy.dtype)
        for offset in win.offsets():
            gx[(Ellipsis, *win.taps(offset))] += g
        return gx[(Ellipsis, *win.interior())] if win.padded else gx

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        params = {k: v for k, v in self.params.items() if k != "in_shape"}
        return (AvgPool.call(gy, **params),)


# -- public functions --------------------------------------------------------------------------


def avg_pool_nd(
    op: str,
    n: int,
    x: Any,
    kernel_size: Any,
    stride: Any,
    padding: Any,
    ceil_mode: bool,
    count_include_pad: bool,
    divisor_override: int | None,
) -> Tensor:
    """``avg_pool{n}d`` under the name ``op`` (for its errors): the shared body of
    avg_pool1d/2d/3d and lp_pool1d/2d/3d."""
    x = lift(x)
    xb, unbatched = batched(op, x, n)
    kernel = as_tuple(op, "kernel_size", kernel_size, n, minimum=1)
    strides = kernel if stride is None else as_tuple(op, "stride", stride, n, minimum=1)
    pads = as_tuple(op, "padding", padding, n, minimum=0)
    if divisor_override is not None and int(divisor_override) == 0:
        raise ValueError(f"{op}: divisor_override must be non-zero, got 0. Pass None or a count.")
    window_geometry(op, tuple(xb.shape), kernel, strides, pads, (1,) * n, bool(ceil_mode))
    y = AvgPool.apply(
        xb,
        kernel=kernel,
        stride=strides,
        padding=pads,
        ceil_mode=bool(ceil_mode),
        count_include_pad=bool(count_include_pad),
        divisor_override=None if divisor_override is None else int(divisor_override),
    )
    return y.reshape(y.shape[1:]) if unbatched else y


def avg_pool1d(
    input: Tensor,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> Tensor:
    """Mean over windows of the last axis of (N, C, L) or (C, L) inputs, as ``F.avg_pool1d``.

    ``stride`` defaults to ``kernel_size``; ``padding`` (zeros, at most half the kernel) counts
    in the divisor when ``count_include_pad``; ``ceil_mode`` keeps a last, shorter window;
    ``divisor_override`` replaces the divisor.

    Example:
        >>> import autograd_core as ac
        >>> from autograd_core.ops.pooling_avg import avg_pool1d
        >>> avg_pool1d(ac.tensor([[1.0, 3.0, 2.0, 6.0]]), 2)
        tensor([[2., 4.]])
    """
    return avg_pool_nd(
        "avg_pool1d",
        1,
        input,
        kernel_size,
        stride,
        padding,
        ceil_mode,
        count_include_pad,
        divisor_override,
    )


def avg_pool2d(
    input: Tensor,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> Tensor:
    """Mean over windows of the last two axes of (N, C, H, W) or (C, H, W) inputs, as
    ``F.avg_pool2d`` (arguments as ``avg_pool1d``).

    Example:
        >>> import autograd_core as ac
        >>> from autograd_core.ops.pooling_avg import avg_pool2d
        >>> avg_pool2d(ac.arange(16.0).reshape(1, 4, 4), 2)
        tensor([[[ 2.5,  4.5],
                 [10.5, 12.5]]])
    """
    return avg_pool_nd(
        "avg_pool2d",
        2,
        input,
        kernel_size,
        stride,
        padding,
        ceil_mode,
        count_include_pad,
        divisor_override,
    )


def avg_pool3d(
    input: Tensor,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> Tensor:
    """Mean over windows of the last three axes of (N, C, D, H, W) or (C, D, H, W) inputs, as
    ``F.avg_pool3d`` (arguments as ``avg_pool1d``).

    Example:
        >>> import autograd_core as ac
        >>> from autograd_core.ops.pooling_avg import avg_pool3d
        >>> avg_pool3d(ac.arange(8.0).reshape(1, 2, 2, 2), 2).tolist()
        [[[[3.5]]]]
    """
    return avg_pool_nd(
        "avg_pool3d",
        3,
        input,
        kernel_size,
        stride,
        padding,
        ceil_mode,
        count_include_pad,
        divisor_override,
    )
