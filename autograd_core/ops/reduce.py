"""Sums and products over axes: sum, mean, prod and ``sum_to`` (the broadcast reduction the
engine uses), with the axis helpers that the extrema and statistics families share."""

from __future__ import annotations

import math
from typing import Any

from autograd_core.broadcast import sum_to_array
from autograd_core.op import Op
from autograd_core.ops._common import dim_arg, keep_arg, lift, normalize_axis
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = ["sum", "mean", "sum_to", "prod"]


def kept_shape(shape: tuple[int, ...], axes: tuple[int, ...] | None) -> tuple[int, ...]:
    """``shape`` with the reduced ``axes`` set to 1 (all of them when axes is None)."""
    if axes is None:
        return (1,) * len(shape)
    return tuple(1 if i in axes else d for i, d in enumerate(shape))


def expand_reduced(gy: Any, in_shape: tuple[int, ...], axes: tuple[int, ...] | None) -> Any:
    """Broadcast the gradient of a reduction back over the reduced axes.

    ``gy`` has the reduced shape, with or without the kept axes; it is an array in a plain
    backward (the result is then a reshape or a read-only broadcast view of it, never a new
    array) or a Tensor in a recorded one (the result is recorded). The shapes fit by
    construction, so the reshape and broadcast ops are applied directly, without the argument
    checks of their public functions (this runs in the backward pass of every sum and mean).
    """
    from autograd_core.ops.shape import BroadcastTo, Reshape

    nd = gy.ndim
    if nd and nd != len(in_shape):  # reduced without keepdims: put the reduced axes back
        gy = Reshape.call(gy, shape=kept_shape(in_shape, axes))
    if gy.shape == in_shape:
        return gy
    return BroadcastTo.call(gy, shape=in_shape)  # a 0-d gy broadcasts as it is


@register_op("sum", array_vjp=True)
class Sum(Op):
    r"""y = Σ over ``axis`` of x. VJP: x̄ = ȳ broadcast back over the summed axes (a view of ȳ
    in a plain backward). Saves only the input shape."""

    def forward(self, x: Any, axis: tuple[int, ...] | None, keepdims: bool) -> Any:
        self.in_shape = x.shape
        return x.sum(axis=axis, keepdims=keepdims)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        return (expand_reduced(gy, self.in_shape, self.params["axis"]),)


@register_op("mean", array_vjp=True)
class Mean(Op):
    r"""y = (1/N) Σ over ``axis`` of x, N the number of reduced elements.
    VJP: x̄ = ȳ / N broadcast back (a view of ȳ / N). Saves only the input shape."""

    def forward(self, x: Any, axis: tuple[int, ...] | None, keepdims: bool) -> Any:
        self.in_shape = x.shape
        self.count = x.size if axis is None else math.prod(x.shape[a] for a in axis)
        if x.dtype.kind == "f" and x.dtype.itemsize >= 4 and self.count:
            # NumPy's mean of float32/64 is exactly this sum divided by the count; calling the
            # two directly skips its Python-level wrapper (~2 µs, on every loss). float16,
            # integers and empty reductions keep NumPy's own rules (wider sums, NaN).
            return x.sum(axis=axis, keepdims=keepdims) / self.count
        return x.mean(axis=axis, keepdims=keepdims)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        n = max(self.count, 1)
        return (expand_reduced(gy / n, self.in_shape, self.params["axis"]),)


@register_op("sum_to", array_vjp=True)
class SumTo(Op):
    r"""Sum x over the axes along which ``shape`` was broadcast to x's shape (the adjoint of
    ``broadcast_to``). VJP: x̄ = broadcast_to(ȳ, x.shape) (a view of ȳ in a plain backward).
    Saves only the input shape."""

    def forward(self, x: Any, shape: tuple[int, ...]) -> Any:
        self.in_shape = x.shape
        return sum_to_array(x, shape)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        from autograd_core.ops.shape import BroadcastTo

        if gy.shape == self.in_shape:
            return (gy,)
        return (BroadcastTo.call(gy, shape=self.in_shape),)


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
    axes = _axes("sum", x, dim, axis)
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
    axes = _axes("mean", x, dim, axis)
    return Mean.apply(x, axis=axes, keepdims=keep_arg("mean", keepdim, keepdims))


def sum_to(x: Tensor, shape: tuple[int, ...]) -> Tensor:
    """Sum ``x`` down to ``shape``, a shape that broadcasts to ``x.shape``."""
    return SumTo.apply(lift(x), shape=tuple(shape))


# -- helpers shared by the reductions (here, in extrema.py and in statistics.py) -----------


def _axes(op: str, x: Tensor, dim: Any, axis: Any) -> tuple[int, ...] | None:
    """``dim``/``axis`` as a sorted tuple of axes, None for all (also for dim 0 or -1 of a 0-d
    tensor, as PyTorch allows)."""
    axes = normalize_axis(op, dim_arg(op, dim, axis), x.shape)
    return None if x.ndim == 0 else axes


def _count(shape: tuple[int, ...], axes: tuple[int, ...] | None) -> int:
    """How many input elements each output element reduces over."""
    return math.prod(shape) if axes is None else math.prod(shape[a] for a in axes)


# -- prod ----------------------------------------------------------------------------------


@register_op("prod", save_output=True, array_vjp=True)
class Prod(Op):
    r"""y = Π over ``axis`` of x. VJP: x̄ᵢ = ȳ · Π_{j≠i} xⱼ (the product of the other elements).

    Without zeros this is x̄ = ȳ · y / x, using the saved output. A slice with zeros cannot divide
    by x, so the VJP counts the zeros per slice (nz) and writes the product of the others
    with P, the product of the non-zero elements, and S, the sum of the zero elements (0 in
    value, but it carries their derivative):

    - nz = 1: x̄ = ȳ · P at the zero, ȳ · S · P / x elsewhere (0 in value);
    - nz = 2: x̄ = ȳ · (S − x) · P at each zero (the other zero times P), 0 elsewhere;
    - nz ≥ 3: x̄ = 0.

    Every case is built from ops (``where``, ``prod``, ``sum``) that a recorded backward records,
    so the VJP is differentiable and its derivative (the second derivative of prod) is exact for
    any number of zeros; the zero masks are constants. Third and higher derivatives at a slice
    with three or more zeros are taken as 0, which is not exact. Saves the output. Does not
    broadcast.
    """

    fresh_grads = True

    def forward(self, x: Any, axis: tuple[int, ...] | None, keepdims: bool) -> Any:
        return x.prod(axis=axis, keepdims=keepdims)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        (x,) = self.inputs_as(gy)
        axes = self.params["axis"]
        shape = self.inputs[0].shape
        g = expand_reduced(gy, shape, axes)
        zero = self.inputs[0].data == 0
        if not zero.any():
            return (g * self.output_as(gy).reshape(kept_shape(shape, axes)) / x,)
        return (g * _product_of_others(x, zero, axes),)


def _product_of_others(x: Any, zero: Any, axes: tuple[int, ...] | None) -> Any:
    """Π_{j≠i} xⱼ for every i, for an x (array or Tensor) with zeros (see ``Prod``); ``zero``
    is the constant mask x = 0."""
    from autograd_core.ops.binary import Where

    nz = zero.sum(axis=axes, keepdims=True)
    x_safe = Where.call(zero, 1.0, x)
    p = Prod.call(x_safe, axis=axes, keepdims=True)
    s = Sum.call(x * zero, axis=axes, keepdims=True)
    no_zero = p / x_safe
    one_zero = Where.call(zero, p, s * p / x_safe)
    two_zeros = Where.call(zero, (s - x) * p, 0.0)
    return Where.call(
        nz == 0,
        no_zero,
        Where.call(nz == 1, one_zero, Where.call(nz == 2, two_zeros, 0.0)),
    )


def prod(
    x: Tensor,
    dim: Any = None,
    keepdim: bool | None = None,
    *,
    axis: Any = None,
    keepdims: bool | None = None,
) -> Tensor:
    """Product over ``dim`` (alias ``axis``): an int, a tuple, or None for all axes; 1 for an
    empty reduction. The gradient is exact with zeros in the input (see ``Prod``).

    Example:
        >>> import autograd_core as ac
        >>> x = ac.tensor([2.0, 0.0, 3.0], requires_grad=True)
        >>> x.prod().backward()
        >>> x.grad
        tensor([0., 6., 0.])
    """
    x = lift(x)
    axes = _axes("prod", x, dim, axis)
    return Prod.apply(x, axis=axes, keepdims=keep_arg("prod", keepdim, keepdims))
