"""Sums and products over axes: sum, mean, prod and ``sum_to`` (the broadcast reduction the
engine uses), with the axis helpers that the extrema and statistics families share."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograd_core.broadcast import sum_to_array
from autograd_core.device import on_host
from autograd_core.dtypes import float32, int64
from autograd_core.errors import DTypeError, ShapeError
from autograd_core.op import Op
from autograd_core.ops.common import dim_arg, keep_arg, lift, normalize_axis
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


def wide_dtype(dtype: Any) -> Any:
    """The dtype a reduction counts and accumulates in: float32 for float16, whose largest
    value (65,504) a count or a sum of that many elements overflows; ``dtype`` otherwise."""
    return float32 if dtype.kind == "f" and dtype.itemsize < 4 else dtype


def int_dtype(dtype: Any) -> Any:
    """The dtype sum, prod, cumsum and cumprod accumulate bool and unsigned inputs in: int64,
    as PyTorch (NumPy takes uint64 for unsigned); None (the input's own) for every other."""
    return int64 if dtype.kind in "bu" else None


def divide_wide(g: Any, n: float) -> Any:
    """g / n for a gradient g (an array, or a Tensor in a recorded backward) and a positive
    count or divisor n, computed in ``wide_dtype`` and returned in g's dtype.

    In float16, n above 65,504 is inf and g / n is 0 (the mean of 70,000 elements had a zero
    gradient), and n above 2,048 is already rounded; here g is cast to float32, divided by n
    there and rounded once to float16 (what PyTorch's float16 kernels do). float32 and float64
    divide directly, as before.
    """
    wide = wide_dtype(g.dtype)
    if wide == g.dtype:
        return g / n
    from autograd_core.ops.shape import AsType

    return AsType.call(AsType.call(g, dtype=wide) / n, dtype=g.dtype)


def sum_wide(g: Any, axis: tuple[int, ...] | None) -> Any:
    """Σ g over ``axis`` (kept) in ``wide_dtype``: float32 for a float16 g (array or Tensor),
    whose sum over more than 65,504 terms of size 1 would be inf. Cast the result back with
    ``cast_like`` once it is small again."""
    wide = wide_dtype(g.dtype)
    if wide != g.dtype:
        from autograd_core.ops.shape import AsType

        g = AsType.call(g, dtype=wide)
    return g.sum(axis=axis, keepdims=True)


def cast_like(v: Any, like: Any) -> Any:
    """v (array or Tensor) in ``like``'s dtype: a recorded cast only where they differ."""
    if v.dtype == like.dtype:
        return v
    from autograd_core.ops.shape import AsType

    return AsType.call(v, dtype=like.dtype)


@register_op("sum", array_vjp=True, saves_inputs=False)
class Sum(Op):
    r"""y = Σ over ``axis`` of x. VJP: x̄ = ȳ broadcast back over the summed axes (a view of ȳ
    in a plain backward). Saves only the input shape."""

    def forward(self, x: Any, axis: tuple[int, ...] | None, keepdims: bool) -> Any:
        self.in_shape = x.shape
        return x.sum(axis=axis, keepdims=keepdims, dtype=int_dtype(x.dtype))

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        return (expand_reduced(gy, self.in_shape, self.params["axis"]),)


@register_op("mean", array_vjp=True, saves_inputs=False)
class Mean(Op):
    r"""y = (1/N) Σ over ``axis`` of x, N the number of reduced elements.
    VJP: x̄ = ȳ / N broadcast back (a view of ȳ / N), divided in float32 for float16 (N may
    exceed 65,504; see ``divide_wide``). Saves only the input shape."""

    def forward(self, x: Any, axis: tuple[int, ...] | None, keepdims: bool) -> Any:
        self.in_shape = x.shape
        self.count = x.size if axis is None else math.prod(x.shape[a] for a in axis)
        if x.dtype.kind == "f" and x.dtype.itemsize >= 4 and self.count:
            # NumPy's mean of float32/64 is exactly this sum divided by the count; calling the
            # two directly skips its Python-level wrapper (~2 µs, on every loss). float16,
            # integers and empty reductions keep NumPy's own rules (wider sums, NaN).
            return x.sum(axis=axis, keepdims=keepdims) / self.count
        if not self.count:  # NaN, as NumPy's mean, without its "Mean of empty slice" warning
            return x.sum(axis=axis, keepdims=keepdims) * self.xp.nan
        return x.mean(axis=axis, keepdims=keepdims)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        n = max(self.count, 1)
        return (expand_reduced(divide_wide(gy, n), self.in_shape, self.params["axis"]),)


@register_op("sum_to", array_vjp=True, saves_inputs=False)
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
    """Sum over ``dim`` (alias ``axis``): an int, a tuple, or None for all axes. bool and
    integer inputs sum in int64; ``dtype`` casts the input before summing, as in PyTorch (a
    float32 input with ``dtype=float64`` sums in float64).

    Example:
        >>> import autograd_core as ac
        >>> x = ac.ones(2, 3)
        >>> x.sum(), x.sum(dim=0), x.sum(axis=-1, keepdims=True).shape
        (tensor(6.), tensor([2., 2., 2.]), (2, 1))
    """
    x, axes, keep = reduction_args("sum", x, dim, keepdim, axis, keepdims)
    return Sum.apply(cast_first(x, dtype), axis=axes, keepdims=keep)


def mean(
    x: Tensor,
    dim: Any = None,
    keepdim: bool | None = None,
    *,
    axis: Any = None,
    keepdims: bool | None = None,
    dtype: Any = None,
) -> Tensor:
    """Arithmetic mean over ``dim`` (alias ``axis``); NaN for an empty reduction, as NumPy.

    As in PyTorch, the input (after the cast to ``dtype``, when given, which comes first) must
    be floating point: the mean of an integer or bool tensor raises ``DTypeError`` (NumPy's
    would be float64); pass ``dtype=ac.float64`` or convert first.
    """
    x, axes, keep = reduction_args("mean", x, dim, keepdim, axis, keepdims)
    if dtype is not None and np.dtype(dtype).kind != "f":
        raise DTypeError(
            f"mean: dtype must be a floating-point dtype, got {dtype}. Input dtype: {x.dtype}."
        )
    x = require_float("mean", cast_first(x, dtype), "Pass dtype=ac.float64 or convert first")
    return Mean.apply(x, axis=axes, keepdims=keep)


def require_float(op: str, x: Tensor, fix: str = "Convert first") -> Tensor:
    """x, when floating point; else the DTypeError of PyTorch's mean, var and std, which
    refuse integer and bool inputs (NumPy's would give float64, or truncate into them)."""
    if x.dtype.kind != "f":
        raise DTypeError(
            f"{op}: input must be floating point, got dtype {x.dtype} (shape "
            f"{tuple(x.shape)}). {fix}, e.g. x.double()."
        )
    return x


def cast_first(x: Tensor, dtype: Any) -> Tensor:
    """x cast to ``dtype`` (a recorded cast; x itself for None or x's dtype): the ``dtype=``
    argument of PyTorch's reductions, which converts the input before reducing."""
    if dtype is None or np.dtype(dtype) == x.dtype:
        return x
    return x.to(dtype=dtype)


def widening_cast(op: str, x: Tensor, dtype: Any) -> Tensor:
    """The ``dtype=`` argument of PyTorch's norms: x cast to ``dtype`` before the norm, which
    must be a floating dtype that holds x's values without narrowing (float32 to float64, not
    back)."""
    if dtype is None:
        return x
    want = np.dtype(dtype)
    if want.kind != "f" or np.promote_types(x.dtype, want) != want:
        raise DTypeError(
            f"{op}: dtype={want} would narrow the input's dtype {x.dtype}; dtype may only "
            "widen a floating-point input (e.g. float32 with dtype=float64). Cast the input "
            "first to get a narrower result."
        )
    return x if want == x.dtype else x.to(dtype=want)


def sum_to(x: Tensor, shape: tuple[int, ...]) -> Tensor:
    """Sum ``x`` down to ``shape``, a shape that broadcasts to ``x.shape``."""
    return SumTo.apply(lift(x), shape=tuple(shape))


# -- helpers shared by the reductions (here, in extrema.py and in statistics.py) -----------


def reduction_args(
    op: str,
    x: Any,
    dim: Any,
    keepdim: Any,
    axis: Any,
    keepdims: Any,
    *,
    one_axis: str | None = None,
    nonempty: bool = False,
    empty_dim_is_all: bool = True,
) -> tuple[Tensor, tuple[int, ...] | None, bool]:
    """The argument handling that the public functions of every reduction share.

    Returns x as a Tensor, ``dim`` (alias ``axis``) as a sorted tuple of axes (None for all of
    them, also for dim 0 or -1 of a 0-d tensor, as PyTorch allows) and ``keepdim`` (alias
    ``keepdims``) as a bool. An empty ``dim`` (``()`` or ``[]``) means every axis, as in
    PyTorch's sum, mean, var, amax, norm …, where NumPy would reduce none; ``all`` and ``any``
    pass ``empty_dim_is_all=False``: PyTorch reduces nothing there.

    Args:
        op: the op label that error messages start with.
        one_axis: for a reduction over one axis or all of them (max with dim, argmax): the fix
            that the TypeError for a tuple ``dim`` suggests.
        nonempty: reject an empty reduction, as NumPy does for max and argmax, which have no
            identity.
    """
    x = lift(x)
    d = dim_arg(op, dim, axis)
    if one_axis is not None and d is not None and not isinstance(d, int):
        raise TypeError(
            f"{op}: dim must be an int or None, got {d!r}. Input shape: {tuple(x.shape)}. "
            f"{one_axis}"
        )
    axes = normalize_axis(op, d, x.shape)
    if x.ndim == 0 or (axes == () and empty_dim_is_all):
        axes = None  # the 0-d tensor's one element (after checking that dim is 0 or -1)
    if nonempty:
        _require_nonempty(op, x, axes)
    return x, axes, keep_arg(op, keepdim, keepdims)


def _require_nonempty(op: str, x: Tensor, axes: tuple[int, ...] | None) -> None:
    if reduced_count(x.shape, axes) == 0:
        over = "all axes" if axes is None else f"axis {axes[0] if len(axes) == 1 else axes}"
        raise ShapeError(
            f"{op}: cannot reduce over {over} of a tensor of shape {tuple(x.shape)}: the slice "
            "is empty and the reduction has no identity. Reduce over a non-empty axis."
        )


def reduced_count(shape: tuple[int, ...], axes: tuple[int, ...] | None) -> int:
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
        return x.prod(axis=axis, keepdims=keepdims, dtype=int_dtype(x.dtype))

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        (x,) = self.inputs_as(gy)
        axes = self.params["axis"]
        shape = self.inputs[0].shape
        g = expand_reduced(gy, shape, axes)
        zero = self.inputs[0].data == 0
        if on_host(zero) and not zero.any():  # (on a device: the general form, no sync)
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
    dtype: Any = None,
) -> Tensor:
    """Product over ``dim`` (alias ``axis``): an int, a tuple, or None for all axes; 1 for an
    empty reduction. The gradient is exact with zeros in the input (see ``Prod``). bool and
    integer inputs multiply in int64; ``dtype`` casts the input first, as in PyTorch.

    Example:
        >>> import autograd_core as ac
        >>> x = ac.tensor([2.0, 0.0, 3.0], requires_grad=True)
        >>> x.prod().backward()
        >>> x.grad
        tensor([0., 6., 0.])
    """
    x, axes, keep = reduction_args("prod", x, dim, keepdim, axis, keepdims)
    return Prod.apply(cast_first(x, dtype), axis=axes, keepdims=keep)
