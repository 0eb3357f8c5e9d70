"""Reductions over axes: sum, mean, and ``sum_to`` (the broadcast reduction the engine uses)."""

from __future__ import annotations

import math
from typing import Any

from autograd_core.broadcast import sum_to_axes
from autograd_core.op import Op
from autograd_core.ops._common import dim_arg, keep_arg, lift, normalize_axis
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = ["sum", "mean", "sum_to"]


def kept_shape(shape: tuple[int, ...], axes: tuple[int, ...] | None) -> tuple[int, ...]:
    """``shape`` with the reduced ``axes`` set to 1 (all of them when axes is None)."""
    if axes is None:
        return (1,) * len(shape)
    return tuple(1 if i in axes else d for i, d in enumerate(shape))


def expand_reduced(gy: Tensor, in_shape: tuple[int, ...], axes: tuple[int, ...] | None) -> Tensor:
    """Broadcast the gradient of a reduction back over the reduced axes."""
    from autograd_core.ops.shape import broadcast_to

    return broadcast_to(gy.reshape(kept_shape(in_shape, axes)), in_shape)


@register_op("sum")
class Sum(Op):
    r"""y = Σ over ``axis`` of x. VJP: x̄ = ȳ broadcast back over the summed axes.
    Saves only the input shape."""

    def forward(self, x: Any, axis: tuple[int, ...] | None, keepdims: bool) -> Any:
        self.in_shape = x.shape
        return x.sum(axis=axis, keepdims=keepdims)

    def vjp(self, gy: Tensor) -> tuple[Tensor | None, ...]:
        return (expand_reduced(gy, self.in_shape, self.params["axis"]),)


@register_op("mean")
class Mean(Op):
    r"""y = (1/N) Σ over ``axis`` of x, N the number of reduced elements.
    VJP: x̄ = ȳ / N broadcast back. Saves only the input shape."""

    def forward(self, x: Any, axis: tuple[int, ...] | None, keepdims: bool) -> Any:
        self.in_shape = x.shape
        self.count = x.size if axis is None else math.prod(x.shape[a] for a in axis)
        return x.mean(axis=axis, keepdims=keepdims)

    def vjp(self, gy: Tensor) -> tuple[Tensor | None, ...]:
        return (expand_reduced(gy / max(self.count, 1), self.in_shape, self.params["axis"]),)


@register_op("sum_to")
class SumTo(Op):
    r"""Sum x over the axes along which ``shape`` was broadcast to x's shape (the adjoint of
    ``broadcast_to``). VJP: x̄ = broadcast_to(ȳ, x.shape). Saves only the input shape."""

    def forward(self, x: Any, shape: tuple[int, ...]) -> Any:
        self.in_shape = x.shape
        axes = sum_to_axes(x.shape, shape)
        y = x.sum(axis=axes, keepdims=True) if axes else x
        return y.reshape(shape)

    def vjp(self, gy: Tensor) -> tuple[Tensor | None, ...]:
        from autograd_core.ops.shape import broadcast_to

        return (broadcast_to(gy, self.in_shape),)


def sum(  # noqa: A001  (the NumPy/PyTorch name)
    x: Tensor,
    dim: Any = None,
    keepdim: bool | None = None,
    *,
    axis: Any = None,
    keepdims: bool | None = None,
    dtype: Any = None,
) -> Tensor:
    """Sum over ``dim`` (alias ``axis``): an int, a tuple, or None for all axes.

    Example:
        >>> import autograd_core as ac
        >>> x = ac.ones(2, 3)
        >>> x.sum(), x.sum(dim=0), x.sum(axis=-1, keepdims=True).shape
        (tensor(6.), tensor([2., 2., 2.]), (2, 1))
    """
    x = lift(x)
    axes = normalize_axis(dim_arg("sum", dim, axis), x.ndim, "sum")
    out = Sum.apply(x, axis=axes, keepdims=keep_arg("sum", keepdim, keepdims))
    return out if dtype is None else out.to(dtype=dtype)


def mean(
    x: Tensor,
    dim: Any = None,
    keepdim: bool | None = None,
    *,
    axis: Any = None,
    keepdims: bool | None = None,
) -> Tensor:
    """Arithmetic mean over ``dim`` (alias ``axis``); NaN for an empty reduction, as NumPy."""
    x = lift(x)
    axes = normalize_axis(dim_arg("mean", dim, axis), x.ndim, "mean")
    return Mean.apply(x, axis=axes, keepdims=keep_arg("mean", keepdim, keepdims))


def sum_to(x: Tensor, shape: tuple[int, ...]) -> Tensor:
    """Sum ``x`` down to ``shape``, a shape that broadcasts to ``x.shape``."""
    return SumTo.apply(lift(x), shape=tuple(shape))
