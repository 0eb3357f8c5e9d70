"""Differences and integrals along an axis: diff (n-th forward differences), trapezoid and
cumulative_trapezoid (the trapezoidal rule), with PyTorch's names and arguments.

Composites of recorded ops (slices, ``sub``, ``mul``, ``sum``, ``cumsum``, ``cat``), so their
gradients, second order included, are those ops'; they hold what those ops hold (nothing
beyond slices' shapes and the operands of the products with ``x``'s spacings).
"""

from __future__ import annotations

import builtins
from typing import Any

from autograd_core.errors import ShapeError
from autograd_core.ops.common import lift, normalize_axis
from autograd_core.ops.join import cat
from autograd_core.ops.reduce import sum as _sum
from autograd_core.ops.scan import cumsum
from autograd_core.tensor import Tensor

__all__ = ["diff", "trapezoid", "cumulative_trapezoid"]


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
