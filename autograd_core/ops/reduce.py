"""Reductions over axes: sum, mean, ``sum_to`` (the broadcast reduction the engine uses), max/min,
amax/amin, argmax/argmin, prod, var/std, logsumexp and the vector norms."""

from __future__ import annotations

import builtins
import math
from typing import Any, NamedTuple

from autograd_core.broadcast import sum_to_axes
from autograd_core.errors import ShapeError
from autograd_core.op import Op
from autograd_core.ops._common import const, dim_arg, keep_arg, lift, normalize_axis
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = [
    "sum",
    "mean",
    "sum_to",
    "max",
    "min",
    "amax",
    "amin",
    "argmax",
    "argmin",
    "prod",
    "var",
    "std",
    "logsumexp",
    "norm",
]


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
        n = builtins.max(self.count, 1)  # builtins: this module defines its own max
        return (expand_reduced(gy / n, self.in_shape, self.params["axis"]),)


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


# -- helpers shared by the reductions below ------------------------------------------------


class ValuesIndices(NamedTuple):
    """What ``max(x, dim)`` and ``min(x, dim)`` return (PyTorch's ``torch.return_types.max``)."""

    values: Tensor
    indices: Tensor


def _axes(op: str, x: Tensor, dim: Any, axis: Any) -> tuple[int, ...] | None:
    """``dim``/``axis`` as a sorted tuple of axes, None for all (also for dim 0 or -1 of a 0-d
    tensor, as PyTorch allows); a range error also shows the input shape."""
    try:
        axes = normalize_axis(dim_arg(op, dim, axis), x.ndim, op)
    except ShapeError as e:
        raise ShapeError(f"{e} Input shape: {tuple(x.shape)}.") from None
    return None if x.ndim == 0 else axes


def _one_axis(op: str, x: Tensor, dim: Any, axis: Any, fix: str) -> tuple[int, ...] | None:
    """Like ``_axes`` for ops that reduce one axis or all of them (max with dim, argmax)."""
    d = dim_arg(op, dim, axis)
    if d is not None and not isinstance(d, int):
        raise TypeError(
            f"{op}: dim must be an int or None, got {d!r}. Input shape: {tuple(x.shape)}. {fix}"
        )
    return _axes(op, x, d, None)


def _count(shape: tuple[int, ...], axes: tuple[int, ...] | None) -> int:
    """How many input elements each output element reduces over."""
    return math.prod(shape) if axes is None else math.prod(shape[a] for a in axes)


def _out_shape(shape: tuple[int, ...], axes: tuple[int, ...] | None, keepdims: bool) -> tuple:
    if keepdims:
        return kept_shape(shape, axes)
    return () if axes is None else tuple(d for i, d in enumerate(shape) if i not in axes)


def _require_nonempty(op: str, x: Tensor, axes: tuple[int, ...] | None) -> None:
    """Reductions without an identity (max, argmax) reject an empty reduction, as NumPy does."""
    if _count(x.shape, axes) == 0:
        over = "all axes" if axes is None else f"axis {axes[0] if len(axes) == 1 else axes}"
        raise ShapeError(
            f"{op}: cannot reduce over {over} of a tensor of shape {tuple(x.shape)}: the slice "
            "is empty and the reduction has no identity. Reduce over a non-empty axis."
        )


def _tie_weights(xp: Any, x: Any, y_kept: Any, axes: tuple[int, ...] | None) -> Any:
    """1/k on each of the k elements of a slice equal to its reduced value, 0 elsewhere. NaN
    counts as equal to a NaN result (NaN propagates through max)."""
    hit = x == y_kept
    if x.dtype.kind == "f":
        hit |= xp.isnan(x) & xp.isnan(y_kept)
    return hit / hit.sum(axis=axes, keepdims=True).astype(x.dtype)


# -- max, min, amax, amin ------------------------------------------------------------------


class _Extremum(Op):
    r"""y = max (or min) of x over ``axis``. VJP: x̄ = ȳ · w, where w spreads ȳ equally over the
    elements that attain the extremum of their slice (w = 1/k on each of k tied elements).

    Ties: the gradient is split equally among all tied elements, so max([1, 3, 3]) gives
    x̄ = [0, ½, ½]. This is PyTorch's rule for ``amax``/``amin`` and for ``max()`` without
    ``dim``; PyTorch's ``max(x, dim)`` instead sends everything to the returned index. One rule
    for all four ops keeps max(x, dim).values and amax(x, dim) the same function. The weights
    are constants: the second derivative is 0 away from ties. Saves the output (to find the
    maximal elements again in the VJP). Does not broadcast.
    """

    reduce: str = "max"

    def forward(self, x: Any, axis: tuple[int, ...] | None, keepdims: bool) -> Any:
        return getattr(x, self.reduce)(axis=axis, keepdims=keepdims)

    def vjp(self, gy: Tensor) -> tuple[Tensor | None, ...]:
        (x,) = self.inputs
        axes = self.params["axis"]
        y_kept = self.out.reshape(kept_shape(x.shape, axes))
        w = _tie_weights(self.xp, x.data, y_kept, axes).astype(gy.dtype, copy=False)
        return (expand_reduced(gy, x.shape, axes) * const(w),)


@register_op("max", save_output=True)
class Max(_Extremum):
    __doc__ = _Extremum.__doc__
    reduce = "max"


@register_op("min", save_output=True)
class Min(_Extremum):
    __doc__ = _Extremum.__doc__
    reduce = "min"


@register_op("amax", save_output=True)
class Amax(_Extremum):
    __doc__ = _Extremum.__doc__
    reduce = "max"


@register_op("amin", save_output=True)
class Amin(_Extremum):
    __doc__ = _Extremum.__doc__
    reduce = "min"


@register_op("argmax", differentiable=False)
class Argmax(Op):
    """Index of the largest element over one axis (flat index over all axes); the first one on a
    tie, as NumPy and PyTorch. Integer output, no gradient."""

    def forward(self, x: Any, axis: int | None, keepdims: bool) -> Any:
        return x.argmax(axis=axis, keepdims=keepdims)


@register_op("argmin", differentiable=False)
class Argmin(Op):
    """Index of the smallest element over one axis (flat index over all axes); the first one on a
    tie. Integer output, no gradient."""

    def forward(self, x: Any, axis: int | None, keepdims: bool) -> Any:
        return x.argmin(axis=axis, keepdims=keepdims)


def _max_or_min(name: str, x: Any, dim: Any, keepdim: Any, axis: Any, keepdims: Any) -> Any:
    x = lift(x)
    if isinstance(dim, Tensor):  # torch.max(a, b) is the elementwise maximum
        from autograd_core.ops.binary import maximum, minimum

        return (maximum if name == "max" else minimum)(x, dim)
    fix = f"Use a{name}(x, dim=(...)) to reduce several axes."
    axes = _one_axis(name, x, dim, axis, fix)
    _require_nonempty(name, x, axes)
    keep = keep_arg(name, keepdim, keepdims)
    op, arg = (Max, Argmax) if name == "max" else (Min, Argmin)
    values = op.apply(x, axis=axes, keepdims=keep)
    if dim is None and axis is None:
        return values
    indices = arg.apply(x, axis=None if axes is None else axes[0], keepdims=keep)
    return ValuesIndices(values, indices)


def max(  # noqa: A001  (the NumPy/PyTorch name)
    x: Tensor,
    dim: Any = None,
    keepdim: bool | None = None,
    *,
    axis: Any = None,
    keepdims: bool | None = None,
) -> Any:
    """Largest element: over all axes a Tensor; with ``dim`` (alias ``axis``, one int) a named
    tuple ``(values, indices)`` like ``torch.max``. ``max(a, b)`` with a Tensor ``b`` is
    ``maximum(a, b)``.

    Gradient: split equally among tied maxima (``max([1, 3, 3])`` gives ``[0, ½, ½]``); this
    differs from PyTorch's ``max(x, dim)``, which gives it all to the returned index. The
    indices are the first maximum on a tie.

    Raises:
        ShapeError: dim out of range, or reducing over an empty axis.
        TypeError: a tuple dim (use ``amax``).

    Example:
        >>> import autograd_core as ac
        >>> x = ac.tensor([[1.0, 5.0], [4.0, 2.0]])
        >>> x.max(), x.max(dim=1).indices
        (tensor(5.), tensor([1, 0]))
    """
    return _max_or_min("max", x, dim, keepdim, axis, keepdims)


def min(  # noqa: A001  (the NumPy/PyTorch name)
    x: Tensor,
    dim: Any = None,
    keepdim: bool | None = None,
    *,
    axis: Any = None,
    keepdims: bool | None = None,
) -> Any:
    """Smallest element: over all axes a Tensor; with ``dim`` a named tuple ``(values, indices)``.

    Same conventions as ``max``: ties split the gradient equally; indices are the first minimum.

    Example:
        >>> import autograd_core as ac
        >>> ac.tensor([3.0, 1.0, 2.0]).min(dim=0)
        ValuesIndices(values=tensor(1.), indices=tensor(1))
    """
    return _max_or_min("min", x, dim, keepdim, axis, keepdims)


def _amax_or_amin(name: str, x: Any, dim: Any, keepdim: Any, axis: Any, keepdims: Any) -> Tensor:
    x = lift(x)
    axes = _axes(name, x, dim, axis)
    _require_nonempty(name, x, axes)
    op = Amax if name == "amax" else Amin
    return op.apply(x, axis=axes, keepdims=keep_arg(name, keepdim, keepdims))


def amax(
    x: Tensor,
    dim: Any = None,
    keepdim: bool | None = None,
    *,
    axis: Any = None,
    keepdims: bool | None = None,
) -> Tensor:
    """Largest value over ``dim`` (int, tuple or None for all); values only. Ties split the
    gradient equally (``torch.amax``'s rule).

    Example:
        >>> import autograd_core as ac
        >>> ac.tensor([[1.0, 5.0], [4.0, 2.0]]).amax(dim=(0, 1))
        tensor(5.)
    """
    return _amax_or_amin("amax", x, dim, keepdim, axis, keepdims)


def amin(
    x: Tensor,
    dim: Any = None,
    keepdim: bool | None = None,
    *,
    axis: Any = None,
    keepdims: bool | None = None,
) -> Tensor:
    """Smallest value over ``dim`` (int, tuple or None for all); values only; ties split equally.

    Example:
        >>> import autograd_core as ac
        >>> ac.tensor([[1.0, 5.0], [4.0, 2.0]]).amin(dim=1)
        tensor([1., 2.])
    """
    return _amax_or_amin("amin", x, dim, keepdim, axis, keepdims)


def _arg(name: str, x: Any, dim: Any, keepdim: Any, axis: Any, keepdims: Any) -> Tensor:
    x = lift(x)
    axes = _one_axis(name, x, dim, axis, "Reshape the axes into one first.")
    _require_nonempty(name, x, axes)
    op = Argmax if name == "argmax" else Argmin
    return op.apply(
        x, axis=None if axes is None else axes[0], keepdims=keep_arg(name, keepdim, keepdims)
    )


def argmax(
    x: Tensor,
    dim: int | None = None,
    keepdim: bool | None = None,
    *,
    axis: int | None = None,
    keepdims: bool | None = None,
) -> Tensor:
    """Index of the largest element along ``dim`` (the flat index when None); the first on a tie.
    No gradient.

    Example:
        >>> import autograd_core as ac
        >>> ac.tensor([1.0, 3.0, 3.0]).argmax()
        tensor(1)
    """
    return _arg("argmax", x, dim, keepdim, axis, keepdims)


def argmin(
    x: Tensor,
    dim: int | None = None,
    keepdim: bool | None = None,
    *,
    axis: int | None = None,
    keepdims: bool | None = None,
) -> Tensor:
    """Index of the smallest element along ``dim`` (the flat index when None); the first on a tie.
    No gradient.

    Example:
        >>> import autograd_core as ac
        >>> ac.tensor([[2.0, 1.0], [0.0, 0.0]]).argmin(dim=1)
        tensor([1, 0])
    """
    return _arg("argmin", x, dim, keepdim, axis, keepdims)


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


# -- var, std ------------------------------------------------------------------------------


def _variance(xp: Any, x: Any, axes: tuple[int, ...] | None, d: int, keepdims: bool) -> Any:
    """Σ(x − x̄)² / d over ``axes``. Like NumPy and PyTorch, d ≤ 0 divides by 0 (inf, or NaN for
    a zero sum) and an empty slice gives NaN, here without a RuntimeWarning."""
    if _count(x.shape, axes) == 0:
        return xp.full(_out_shape(x.shape, axes, keepdims), xp.nan, dtype=x.dtype)
    dev = x - x.mean(axis=axes, keepdims=True)
    ss = (dev * dev).sum(axis=axes, keepdims=keepdims)
    if d <= 0:
        return xp.where(ss > 0, xp.inf, xp.nan).astype(ss.dtype)
    return ss / ss.dtype.type(d)


def _variance_vjp(op: Op, gv: Tensor) -> Tensor:
    """x̄ = ḡ · 2 (x − mean x) / d, with ḡ the adjoint of the variance; NaN when d ≤ 0."""
    (x,) = op.inputs
    axes = op.params["axis"]
    if x.numel() == 0:
        return const(op.xp.zeros(x.shape, x.dtype))
    d = _count(x.shape, axes) - op.params["correction"]
    scale = 2.0 / d if d > 0 else math.nan
    centred = x - Mean.apply(x, axis=axes, keepdims=True)
    return expand_reduced(gv, x.shape, axes) * centred * scale


@register_op("var")
class Var(Op):
    r"""y = Σ (x − x̄)² / (N − c) over ``axis``: N elements per slice, c = ``correction``
    (1: the unbiased estimator, 0: the population variance; NumPy's ``ddof``).

    VJP: x̄ = ȳ · 2 (x − x̄) / (N − c), written with Tensor ops (the mean is recomputed as a
    recorded op), so it is differentiable. N ≤ c gives inf (NaN for a constant slice) as in
    NumPy and PyTorch, and a NaN gradient. Saves nothing but the input (the parent). Does not
    broadcast.
    """

    def forward(self, x: Any, axis: tuple[int, ...] | None, correction: int, keepdims: bool) -> Any:
        return _variance(self.xp, x, axis, _count(x.shape, axis) - correction, keepdims)

    def vjp(self, gy: Tensor) -> tuple[Tensor | None, ...]:
        return (_variance_vjp(self, gy),)


@register_op("std", save_output=True)
class Std(Op):
    r"""y = √var(x), with ``var`` as in ``Var`` (same ``correction``).

    VJP: x̄ = (ȳ / 2y) · 2 (x − x̄) / (N − c) = ȳ (x − x̄) / ((N − c) y). Where y = 0 (a constant
    slice) the derivative does not exist; the subgradient 0 is used (PyTorch's convention).
    Saves the output y. Does not broadcast.
    """

    def forward(self, x: Any, axis: tuple[int, ...] | None, correction: int, keepdims: bool) -> Any:
        v = _variance(self.xp, x, axis, _count(x.shape, axis) - correction, keepdims)
        return self.xp.sqrt(v)

    def vjp(self, gy: Tensor) -> tuple[Tensor | None, ...]:
        from autograd_core.ops.binary import where

        y = self.output()
        flat = const(self.out == 0)
        gv = where(flat, 0.0, gy / (2.0 * where(flat, 1.0, y)))
        return (_variance_vjp(self, gv),)


def _correction(op: str, correction: Any, unbiased: Any, ddof: Any) -> int:
    given = [
        n
        for n, v in (("correction", correction), ("unbiased", unbiased), ("ddof", ddof))
        if v is not None
    ]
    if len(given) > 1:
        raise TypeError(f"{op}: pass only one of correction, unbiased, ddof; got {given}.")
    if unbiased is not None:
        return 1 if unbiased else 0
    c = ddof if ddof is not None else (1 if correction is None else correction)
    if isinstance(c, bool) or not isinstance(c, int) or c < 0:
        raise ValueError(
            f"{op}: correction must be a non-negative int, got {c!r}. Use 1 for the unbiased "
            "estimate or 0 for the population value."
        )
    return c


def var(
    x: Tensor,
    dim: Any = None,
    *,
    correction: int | None = None,
    keepdim: bool | None = None,
    unbiased: bool | None = None,
    axis: Any = None,
    keepdims: bool | None = None,
    ddof: int | None = None,
) -> Tensor:
    """Variance over ``dim`` (alias ``axis``), dividing by N − ``correction`` (default 1, like
    PyTorch; ``ddof`` is NumPy's name, ``unbiased=False`` means correction 0).

    Example:
        >>> import autograd_core as ac
        >>> x = ac.tensor([1.0, 2.0, 3.0, 4.0])
        >>> x.var(), x.var(correction=0)
        (tensor(1.6666666), tensor(1.25))
    """
    x = lift(x)
    axes = _axes("var", x, dim, axis)
    return Var.apply(
        x,
        axis=axes,
        correction=_correction("var", correction, unbiased, ddof),
        keepdims=keep_arg("var", keepdim, keepdims),
    )


def std(
    x: Tensor,
    dim: Any = None,
    *,
    correction: int | None = None,
    keepdim: bool | None = None,
    unbiased: bool | None = None,
    axis: Any = None,
    keepdims: bool | None = None,
    ddof: int | None = None,
) -> Tensor:
    """Standard deviation √var over ``dim``, with ``var``'s ``correction`` (default 1). The
    gradient at a constant slice (std = 0) is taken as 0.

    Example:
        >>> import autograd_core as ac
        >>> ac.tensor([[1.0, 3.0], [2.0, 2.0]]).std(dim=1, correction=0)
        tensor([1., 0.])
    """
    x = lift(x)
    axes = _axes("std", x, dim, axis)
    return Std.apply(
        x,
        axis=axes,
        correction=_correction("std", correction, unbiased, ddof),
        keepdims=keep_arg("std", keepdim, keepdims),
    )


# -- logsumexp -----------------------------------------------------------------------------


@register_op("logsumexp", save_output=True)
class LogSumExp(Op):
    r"""y = log Σ exp(x) over ``axis``, computed as m + log Σ exp(x − m) with m the slice maximum
    (a constant), so logits of ±1e4 neither overflow nor underflow to -inf.

    VJP: x̄ = ȳ · exp(x − y) (the softmax of the slice), with the saved output y; written with
    Tensor ops, so it is differentiable again (its derivative is the softmax Jacobian).
    An empty slice gives −inf. Saves the output. Does not broadcast.
    """

    def forward(self, x: Any, axis: tuple[int, ...] | None, keepdims: bool) -> Any:
        xp = self.xp
        kept = kept_shape(x.shape, axis)
        if _count(x.shape, axis) == 0:
            return xp.full(_out_shape(x.shape, axis, keepdims), -xp.inf, dtype=x.dtype)
        m = x.max(axis=axis, keepdims=True)
        m = xp.where(xp.isfinite(m), m, 0).astype(x.dtype, copy=False)  # a row of ±inf
        y = xp.log(xp.exp(x - m).sum(axis=axis, keepdims=True)) + m
        return y.reshape(_out_shape(x.shape, axis, keepdims)) if not keepdims else y.reshape(kept)

    def vjp(self, gy: Tensor) -> tuple[Tensor | None, ...]:
        from autograd_core.ops.unary import exp

        (x,) = self.inputs
        axes = self.params["axis"]
        y = self.output().reshape(kept_shape(x.shape, axes))
        return (expand_reduced(gy, x.shape, axes) * exp(x - y),)


def logsumexp(
    x: Tensor,
    dim: Any = None,
    keepdim: bool | None = None,
    *,
    axis: Any = None,
    keepdims: bool | None = None,
) -> Tensor:
    """log Σ exp(x) over ``dim`` (alias ``axis``; int, tuple or None for all), computed stably.

    Example:
        >>> import autograd_core as ac
        >>> ac.tensor([1e4, 1e4]).logsumexp()
        tensor(10000.693)
    """
    x = lift(x)
    axes = _axes("logsumexp", x, dim, axis)
    return LogSumExp.apply(x, axis=axes, keepdims=keep_arg("logsumexp", keepdim, keepdims))


# -- norm ----------------------------------------------------------------------------------


@register_op("norm", save_output=True)
class Norm(Op):
    r"""Vector p-norm over ``axis`` (all axes: the Frobenius norm for p = 2):
    y = (Σ |x|ᵖ)^(1/p); p = ∞ gives max |x|.

    The forward scales each slice by s = max |x| before raising to the power p, so large and
    tiny inputs (1e200, 1e-200) neither overflow nor underflow. VJP:

    - p = 2: x̄ = ȳ · x / y; at y = 0 (x = 0) the subgradient 0 is used.
    - p = 1: x̄ = ȳ · sign x, with sign 0 = 0.
    - p = ∞: x̄ = ȳ · sign x on the elements with |x| = y, split equally among ties (as ``amax``).
    - other p > 0: x̄ = ȳ · sign x · (|x| / y)^(p−1); 0 where x = 0 (the true derivative for
      p > 1; for p < 1 it is unbounded there and 0 is used).

    The p = 2 and general cases are written with Tensor ops on the saved output and are
    differentiable again; the p = 1 and p = ∞ weights are constants (second derivative 0).
    Saves the output. Does not broadcast.
    """

    def forward(self, x: Any, p: float, axis: tuple[int, ...] | None, keepdims: bool) -> Any:
        xp = self.xp
        out_shape = _out_shape(x.shape, axis, keepdims)
        a = xp.abs(x)
        if _count(x.shape, axis) == 0:
            return xp.zeros(out_shape, dtype=x.dtype)
        if p == 1:
            return a.sum(axis=axis, keepdims=keepdims)
        s = a.max(axis=axis, keepdims=True)
        if p == math.inf:
            return s.reshape(out_shape)
        s = xp.where((s > 0) & xp.isfinite(s), s, 1).astype(x.dtype, copy=False)
        y = s * ((a / s) ** p).sum(axis=axis, keepdims=True) ** (1.0 / p)
        return y.reshape(out_shape)

    def vjp(self, gy: Tensor) -> tuple[Tensor | None, ...]:
        from autograd_core.ops.binary import where
        from autograd_core.ops.unary import abs as abs_

        (x,) = self.inputs
        p, axes = self.params["p"], self.params["axis"]
        xp = self.xp
        g = expand_reduced(gy, x.shape, axes)
        kept = kept_shape(x.shape, axes)
        sign = xp.sign(x.data)
        if p == 1:
            return (g * const(sign),)
        if p == math.inf:
            w = _tie_weights(xp, xp.abs(x.data), self.out.reshape(kept), axes)
            return (g * const(sign * w),)
        y = self.output().reshape(kept)
        y_zero = const(self.out.reshape(kept) == 0)
        y_safe = where(y_zero, 1.0, y)
        if p == 2:
            return (g * where(y_zero, 0.0, x / y_safe),)
        x_zero = const(x.data == 0)
        ratio = where(x_zero, 1.0, abs_(x)) / y_safe
        return (g * const(sign) * where(x_zero, 0.0, ratio ** (p - 1)),)


def _norm_order(p: Any, ord: Any) -> float:
    if p is not None and ord is not None:
        raise TypeError("norm: pass p or ord, not both.")
    p = ord if p is None else p
    if p is None or p == "fro":
        return 2.0
    if isinstance(p, str) or isinstance(p, bool) or not p > 0:
        raise ValueError(
            f"norm: p must be a number > 0, inf or 'fro', got {p!r}. Use p=2 (the default) for "
            "the Euclidean/Frobenius norm, p=1 or p=float('inf')."
        )
    return float(p)


def norm(
    x: Tensor,
    p: float | str | None = None,
    dim: Any = None,
    keepdim: bool | None = None,
    *,
    ord: float | str | None = None,  # noqa: A002  (NumPy's and torch.linalg's name)
    axis: Any = None,
    keepdims: bool | None = None,
) -> Tensor:
    """Vector p-norm over ``dim`` (alias ``axis``; int, tuple or None for all axes), like
    ``torch.linalg.vector_norm``: p (alias ``ord``) = 2 by default, 1, inf, 'fro' (= 2) or
    any p > 0. The gradient at x = 0 is taken as 0 (see ``Norm``).

    Example:
        >>> import autograd_core as ac
        >>> x = ac.tensor([[3.0, -4.0]])
        >>> x.norm(), x.norm(1, dim=1), x.norm(ord=float("inf"))
        (tensor(5.), tensor([7.]), tensor(4.))
    """
    x = lift(x)
    order = _norm_order(p, ord)
    axes = _axes("norm", x, dim, axis)
    return Norm.apply(x, p=order, axis=axes, keepdims=keep_arg("norm", keepdim, keepdims))
