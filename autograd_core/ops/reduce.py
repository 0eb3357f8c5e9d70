"""Sums and products over axes: sum, mean, prod and ``sum_to`` (the broadcast reduction the
engine uses), with the axis helpers that the extrema and statistics families share."""

from __future__ import annotations

import math
from typing import Any

from autograd_core.broadcast import sum_to_array
from autograd_core.errors import ShapeError
from autograd_core.op import Op
from autograd_core.ops._common import const, dim_arg, keep_arg, lift, normalize_axis
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = ["sum", "mean", "sum_to", "prod"]


def kept_shape(shape: tuple[int, ...], axes: tuple[int, ...] | None) -> tuple[int, ...]:
    """``shape`` with the reduced ``axes`` set to 1 (all of them when axes is None)."""
    if axes is None:
        return (1,) * len(shape)
    return tuple(1 if i in axes else d for i, d in enumerate(shape))


def expand_reduced(gy: Tensor, in_shape: tuple[int, ...], axes: tuple[int, ...] | None) -> Tensor:
    """Broadcast the gradient of a reduction back over the reduced axes.

    ``gy`` has the reduced shape, with or without the kept axes. The shapes fit by construction,
    so the reshape and broadcast ops are applied directly, without the argument checks of their
    public functions (this runs in the backward pass of every sum and mean).
    """
    from autograd_core.ops.shape import BroadcastTo, Reshape

    nd = gy.data.ndim
    if nd and nd != len(in_shape):  # reduced without keepdims: put the reduced axes back
        gy = Reshape.apply(gy, shape=kept_shape(in_shape, axes))
    if gy.data.shape == in_shape:
        return gy
    return BroadcastTo.apply(gy, shape=in_shape)  # a 0-d gy broadcasts as it is


def _expand_reduced_array(
    xp: Any, gy: Any, in_shape: tuple[int, ...], axes: tuple[int, ...] | None
) -> Any:
    """``expand_reduced`` on arrays (for ``vjp_arrays``): a read-only broadcast view."""
    if gy.ndim and gy.ndim != len(in_shape):
        gy = gy.reshape(kept_shape(in_shape, axes))
    return gy if gy.shape == in_shape else xp.broadcast_to(gy, in_shape)


@register_op("sum")
class Sum(Op):
    r"""y = Σ over ``axis`` of x. VJP: x̄ = ȳ broadcast back over the summed axes.
    Saves only the input shape."""

    def forward(self, x: Any, axis: tuple[int, ...] | None, keepdims: bool) -> Any:
        self.in_shape = x.shape
        return x.sum(axis=axis, keepdims=keepdims)

    def vjp(self, gy: Tensor) -> tuple[Tensor | None, ...]:
        return (expand_reduced(gy, self.in_shape, self.params["axis"]),)

    def vjp_arrays(self, gy: Any) -> tuple[Any, ...]:
        return (_expand_reduced_array(self.xp, gy, self.in_shape, self.params["axis"]),)


@register_op("mean")
class Mean(Op):
    r"""y = (1/N) Σ over ``axis`` of x, N the number of reduced elements.
    VJP: x̄ = ȳ / N broadcast back. Saves only the input shape."""

    def forward(self, x: Any, axis: tuple[int, ...] | None, keepdims: bool) -> Any:
        self.in_shape = x.shape
        self.count = x.size if axis is None else math.prod(x.shape[a] for a in axis)
        if x.dtype.kind == "f" and x.dtype.itemsize >= 4 and self.count:
            # NumPy's mean of float32/64 is exactly this sum divided by the count; calling the
            # two directly skips its Python-level wrapper (~2 µs, on every loss). float16,
            # integers and empty reductions keep NumPy's own rules (wider sums, NaN).
            return x.sum(axis=axis, keepdims=keepdims) / self.count
        return x.mean(axis=axis, keepdims=keepdims)

    def vjp(self, gy: Tensor) -> tuple[Tensor | None, ...]:
        n = max(self.count, 1)
        return (expand_reduced(gy / n, self.in_shape, self.params["axis"]),)

    def vjp_arrays(self, gy: Any) -> tuple[Any, ...]:
        n = max(self.count, 1)
        return (_expand_reduced_array(self.xp, gy / n, self.in_shape, self.params["axis"]),)


@register_op("sum_to")
class SumTo(Op):
    r"""Sum x over the axes along which ``shape`` was broadcast to x's shape (the adjoint of
    ``broadcast_to``). VJP: x̄ = broadcast_to(ȳ, x.shape). Saves only the input shape."""

    def forward(self, x: Any, shape: tuple[int, ...]) -> Any:
        self.in_shape = x.shape
        return sum_to_array(x, shape)

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
    tensor, as PyTorch allows); a range error also shows the input shape."""
    try:
        axes = normalize_axis(dim_arg(op, dim, axis), x.ndim, op)
    except ShapeError as e:
        raise ShapeError(f"{e} Input shape: {tuple(x.shape)}.") from None
    return None if x.ndim == 0 else axes


def _count(shape: tuple[int, ...], axes: tuple[int, ...] | None) -> int:
    """How many input elements each output element reduces over."""
    return math.prod(shape) if axes is None else math.prod(shape[a] for a in axes)


# -- prod ----------------------------------------------------------------------------------


@register_op("prod", save_output=True)
class Prod(Op):
    r"""y = Π over ``axis`` of x. VJP: x̄ᵢ = ȳ · Π_{j≠i} xⱼ (the product of the other elements).

    Without zeros this is x̄ = ȳ · y / x, using the saved output. A slice with zeros cannot divide
    by x, so the VJP counts the zeros per slice (nz) and writes the product of the others
    with P, the product of the non-zero elements, and S, the sum of the zero elements (0 in
    value, but it carries their derivative):

    - nz = 1: x̄ = ȳ · P at the zero, ȳ · S · P / x elsewhere (0 in value);
    - nz = 2: x̄ = ȳ · (S − x) · P at each zero (the other zero times P), 0 elsewhere;
    - nz ≥ 3: x̄ = 0.

    Every case is built from Tensor ops, so the VJP is differentiable and its derivative (the
    second derivative of prod) is exact for any number of zeros. Third and higher derivatives
    at a slice with three or more zeros are taken as 0, which is not exact. Saves the output.
    Does not broadcast.
    """

    def forward(self, x: Any, axis: tuple[int, ...] | None, keepdims: bool) -> Any:
        return x.prod(axis=axis, keepdims=keepdims)

    def vjp(self, gy: Tensor) -> tuple[Tensor | None, ...]:
        (x,) = self.inputs
        axes = self.params["axis"]
        g = expand_reduced(gy, x.shape, axes)
        zero = x.data == 0
        if not zero.any():
            return (g * self.output().reshape(kept_shape(x.shape, axes)) / x,)
        return (g * _product_of_others(x, zero, axes),)


def _product_of_others(x: Tensor, zero: Any, axes: tuple[int, ...] | None) -> Tensor:
    """Π_{j≠i} xⱼ for every i, for an x with zeros (see ``Prod``)."""
    from autograd_core.ops.binary import where

    nz = zero.sum(axis=axes, keepdims=True)
    is_zero = const(zero)
    x_safe = where(is_zero, 1.0, x)
    p = Prod.apply(x_safe, axis=axes, keepdims=True)
    s = Sum.apply(x * is_zero, axis=axes, keepdims=True)
    no_zero = p / x_safe
    one_zero = where(is_zero, p, s * p / x_safe)
    two_zeros = where(is_zero, (s - x) * p, 0.0)
    return where(
        const(nz == 0),
        no_zero,
        where(const(nz == 1), one_zero, where(const(nz == 2), two_zeros, 0.0)),
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
