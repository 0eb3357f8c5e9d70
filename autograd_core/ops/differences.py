"""Differences and integrals along an axis: diff (n-th forward differences), gradient (central
differences, ``torch.gradient``), trapezoid and cumulative_trapezoid (the trapezoidal rule),
with PyTorch's names and arguments.

Composites of recorded ops (slices, ``sub``, ``mul``, ``sum``, ``cumsum``, ``cat``), so their
gradients, second order included, are those ops'; they hold what those ops hold (nothing
beyond slices' shapes and the operands of the products with ``x``'s spacings).
"""

from __future__ import annotations

import builtins
from typing import Any

from autograd_core.errors import ShapeError
from autograd_core.ops.common import lift, lift_float, normalize_axis
from autograd_core.ops.join import cat
from autograd_core.ops.reduce import sum as _sum
from autograd_core.ops.scan import cumsum
from autograd_core.tensor import Tensor

__all__ = ["diff", "gradient", "trapezoid", "cumulative_trapezoid"]


def _along(d: int, part: slice) -> tuple[slice, ...]:
    return (slice(None),) * d + (part,)


def _at_least_1d(op: str, y: Tensor, dim: Any) -> int:
    if y.ndim == 0:
        raise ShapeError(
            f"{op}: expects a tensor of at least 1 dimension; got a 0-d tensor. Reshape it "
            "first, e.g. y.reshape(1)."
        )
    (d,) = normalize_axis(op, int(dim), y.shape, word="dim")
    return d


def _edge(name: str, extra: Any, x: Tensor, d: int) -> Tensor:
    """``prepend``/``append`` as a Tensor of x's rank that matches x off ``dim``."""
    t = lift(extra, x)
    if t.ndim != x.ndim or any(t.shape[k] != x.shape[k] for k in range(x.ndim) if k != d):
        raise ShapeError(
            f"diff: {name} of shape {tuple(t.shape)} does not match input of shape "
            f"{tuple(x.shape)} off dim {d}; it needs the same number of dimensions and the same "
            f"sizes except along dim {d}. Reshape it, e.g. {name}.reshape(...)."
        )
    return t


def diff(
    input: Tensor,  # noqa: A002  (PyTorch's name)
    n: int = 1,
    dim: int = -1,
    prepend: Any = None,
    append: Any = None,
) -> Tensor:
    """The n-th forward difference along ``dim``, as ``torch.diff``: out_i = x_{i+1} − x_i,
    applied ``n`` times, after concatenating ``prepend`` and ``append`` along ``dim``. Bool
    input gives x_{i+1} != x_i (PyTorch's logical xor). Each step is one element shorter; past
    the length the result is empty. n = 0 returns the input.

    Raises:
        TypeError: ``n`` is not an int.
        ValueError: ``n`` is negative.
        ShapeError: a 0-d input, ``dim`` out of range, or ``prepend``/``append`` not matching
            the input off ``dim``.

    Example:
        >>> import autograd_core as ac
        >>> ac.tensor([1.0, 2.0, 4.0, 7.0]).diff(), ac.tensor([1.0, 2.0, 4.0]).diff(n=2)
        (tensor([1., 2., 3.]), tensor([1.]))
    """
    x = lift(input)
    if isinstance(n, builtins.bool) or not isinstance(n, int):
        raise TypeError(f"diff: n must be an int, got {n!r}. Pass n=int(n).")
    if n < 0:
        raise ValueError(f"diff: order n must be non-negative, got {n}. Pass n >= 0.")
    d = _at_least_1d("diff", x, dim)
    parts = [_edge("prepend", prepend, x, d)] if prepend is not None else []
    parts.append(x)
    if append is not None:
        parts.append(_edge("append", append, x, d))
    if len(parts) > 1:
        x = cat(parts, dim=d)
    for _ in range(n):
        hi, lo = x[_along(d, slice(1, None))], x[_along(d, slice(None, -1))]
        x = hi != lo if x.dtype.kind == "b" else hi - lo
    return x


def _trapezoids(op: str, y: Any, x: Any, dx: Any, dim: int) -> tuple[Tensor, int]:
    """The areas (y_i + y_{i+1}) · Δ_i / 2 of each interval along ``dim``, and the axis."""
    y = lift(y)
    d = _at_least_1d(op, y, dim)
    if x is not None and dx is not None:
        raise TypeError(f"{op}: pass x or dx, not both.")
    pair_sums = y[_along(d, slice(1, None))] + y[_along(d, slice(None, -1))]
    if x is None:
        return pair_sums * ((1.0 if dx is None else float(dx)) / 2.0), d
    x = lift(x, y)
    if x.ndim == 1:
        if x.shape[0] != y.shape[d]:
            raise ShapeError(
                f"{op}: a 1-D x needs one point per entry of y along dim {d}; got x of shape "
                f"{tuple(x.shape)} and y of shape {tuple(y.shape)}. Pass x of length "
                f"{y.shape[d]}."
            )
        steps = diff(x).reshape((-1,) + (1,) * (y.ndim - 1 - d))
    else:
        if x.ndim != y.ndim:
            raise ShapeError(
                f"{op}: x of shape {tuple(x.shape)} must be 1-D or have y's number of "
                f"dimensions ({tuple(y.shape)}), broadcasting against it. Reshape x."
            )
        steps = diff(x, dim=d)
    return pair_sums * steps / 2.0, d


def trapezoid(y: Tensor, x: Any = None, *, dx: float | None = None, dim: int = -1) -> Tensor:
    """∫ y along ``dim`` by the trapezoidal rule, as ``torch.trapezoid``: Σ_i (y_i + y_{i+1})
    · Δ_i / 2, with Δ_i = x_{i+1} − x_i for sample points ``x`` (1-D of y's length along
    ``dim``, or broadcasting with y), else the constant spacing ``dx`` (default 1). Fewer than
    two points give 0. Differentiable in y and x.

    Raises:
        TypeError: both ``x`` and ``dx``.
        ShapeError: a 0-d y, ``dim`` out of range, or x of the wrong length or rank.

    Example:
        >>> import autograd_core as ac
        >>> ac.trapezoid(ac.tensor([1.0, 2.0, 3.0])), ac.trapezoid(ac.tensor([1.0, 3.0]), dx=0.5)
        (tensor(4.), tensor(1.))
    """
    areas, d = _trapezoids("trapezoid", y, x, dx, dim)
    return _sum(areas, d)


def cumulative_trapezoid(
    y: Tensor, x: Any = None, *, dx: float | None = None, dim: int = -1
) -> Tensor:
    """The running trapezoidal integral along ``dim``, as ``torch.cumulative_trapezoid``: entry
    i is the integral from the first point to point i + 1 (one fewer entry than y along
    ``dim``); ``x`` and ``dx`` as in ``trapezoid``.

    Raises:
        TypeError: both ``x`` and ``dx``.
        ShapeError: as ``trapezoid``.

    Example:
        >>> import autograd_core as ac
        >>> ac.cumulative_trapezoid(ac.tensor([1.0, 2.0, 3.0]))
        tensor([1.5, 4. ])
    """
    areas, d = _trapezoids("cumulative_trapezoid", y, x, dx, dim)
    return cumsum(areas, d)


def _spacings(spacing: Any, dims: tuple[int, ...], x: Tensor) -> list[Any]:
    """One spacing per differentiated dim: a number / 0-d tensor (uniform), or a 1-D tensor
    of coordinates along that dim."""
    if not isinstance(spacing, (list, tuple)):
        if isinstance(spacing, Tensor) and spacing.ndim:
            raise ShapeError(
                f"gradient: spacing must be a number, a list of numbers or a list of 1-D "
                f"tensors (one per dim); got a tensor of shape {tuple(spacing.shape)}. Wrap "
                "coordinates in a list: spacing=[coords]."
            )
        return [spacing] * len(dims)
    if len(spacing) != len(dims):
        raise ShapeError(
            f"gradient: spacing has {len(spacing)} entries but {len(dims)} dims are "
            f"differentiated (input of shape {tuple(x.shape)}); give one per dim."
        )
    out = []
    for s, d in zip(spacing, dims, strict=True):
        if isinstance(s, Tensor) and s.ndim:
            if s.ndim != 1 or s.shape[0] != x.shape[d]:
                raise ShapeError(
                    f"gradient: the coordinates for dim {d} must be 1-D of length "
                    f"{x.shape[d]}; got shape {tuple(s.shape)}."
                )
        out.append(s)
    return out


def _gradient_along(f: Tensor, d: int, h: Any, edge_order: int) -> Tensor:
    """Second-order central differences inside, one-sided differences of ``edge_order`` at
    the two ends, along dim ``d``; ``h`` a uniform step or 1-D coordinates."""
    at = lambda part: f[_along(d, part)]  # noqa: E731
    first, second, third = at(slice(0, 1)), at(slice(1, 2)), at(slice(2, 3))
    last, before, third_last = at(slice(-1, None)), at(slice(-2, -1)), at(slice(-3, -2))
    if not (isinstance(h, Tensor) and h.ndim):
        inner = (at(slice(2, None)) - at(slice(None, -2))) / (2 * h)
        if edge_order == 1:
            return cat([(second - first) / h, inner, (last - before) / h], d)
        start = (-1.5 * first + 2 * second - 0.5 * third) / h
        end = (0.5 * third_last - 2 * before + 1.5 * last) / h
        return cat([start, inner, end], d)
    dx = h[1:] - h[:-1]
    shape = lambda n: tuple(n if k == d else 1 for k in range(f.ndim))  # noqa: E731
    a1, a2 = (dx[:-1]).reshape(shape(-1)), (dx[1:]).reshape(shape(-1))
    inner = (
        -a2 / (a1 * (a1 + a2)) * at(slice(None, -2))
        + (a2 - a1) / (a1 * a2) * at(slice(1, -1))
        + a1 / (a2 * (a1 + a2)) * at(slice(2, None))
    )
    if edge_order == 1:
        start = (second - first) / dx[0].reshape(shape(1))
        return cat([start, inner, (last - before) / dx[-1].reshape(shape(1))], d)
    h1, h2 = dx[0].reshape(shape(1)), dx[1].reshape(shape(1))
    start = (
        -(2 * h1 + h2) / (h1 * (h1 + h2)) * first
        + (h1 + h2) / (h1 * h2) * second
        - h1 / (h2 * (h1 + h2)) * third
    )
    h1, h2 = dx[-2].reshape(shape(1)), dx[-1].reshape(shape(1))
    end = (
        h2 / (h1 * (h1 + h2)) * third_last
        - (h1 + h2) / (h1 * h2) * before
        + (2 * h2 + h1) / (h2 * (h1 + h2)) * last
    )
    return cat([start, inner, end], d)


def gradient(
    input: Any,  # noqa: A002  (PyTorch's name)
    *,
    spacing: Any = 1,
    dim: Any = None,
    edge_order: int = 1,
) -> tuple[Tensor, ...]:
    """The derivative of the sampled function ``input`` along each of ``dim`` (all dims when
    None), estimated by finite differences, as ``torch.gradient`` (and ``numpy.gradient``):
    a tuple of tensors of ``input``'s shape, one per dim.

    Inside, second-order central differences (for uneven coordinates, the exact derivative of
    the parabola through three neighbours); at the two ends, one-sided differences of
    ``edge_order`` 1 or 2. ``spacing`` is a number (the step of every dim), or a list with one
    entry per dim: numbers, or 1-D tensors of the sample coordinates. Integer input gives the
    default float dtype. A composite of slices, products and ``cat``: differentiable in
    ``input`` and in coordinate tensors, to any order.

    Raises:
        ShapeError: a 0-d input, a dim shorter than edge_order + 1, or spacing of the wrong
            length or shape.
        ValueError: edge_order other than 1 or 2.

    Example:
        >>> import autograd_core as ac
        >>> ac.gradient(ac.tensor([1.0, 2.0, 4.0, 7.0]), spacing=2.0)
        (tensor([0.5 , 0.75, 1.25, 1.5 ]),)
    """
    x = lift_float(input)
    if edge_order not in (1, 2):
        raise ValueError(f"gradient: edge_order must be 1 or 2, got {edge_order!r}.")
    if x.ndim == 0:
        raise ShapeError("gradient: expects a tensor of at least 1 dimension; got a 0-d tensor.")
    if dim is None:
        dims = tuple(range(x.ndim))
    else:  # in the order given (normalize_axis sorts a tuple): spacing[i] goes with dim[i]
        given = dim if isinstance(dim, (list, tuple)) else (dim,)
        dims = tuple(normalize_axis("gradient", int(k), x.shape, word="dim")[0] for k in given)
        if len(set(dims)) != len(dims):
            raise ShapeError(f"gradient: dim {tuple(given)} repeats a dim of input {x.shape}.")
    for d in dims:
        if x.shape[d] < edge_order + 1:
            raise ShapeError(
                f"gradient: each differentiated dim needs at least edge_order + 1 = "
                f"{edge_order + 1} samples; dim {d} of input {tuple(x.shape)} has {x.shape[d]}."
            )
    steps = _spacings(spacing, dims, x)
    return tuple(_gradient_along(x, d, h, edge_order) for d, h in zip(dims, steps, strict=True))
