"""Counting values: unique (distinct values or slices), unique_consecutive (runs of equal
values), bincount (occurrences of small integers), histc (a histogram of equal-width bins) and
count_nonzero.

The results are counts, positions and picked values, so none of these ops has a gradient
(``differentiable=False``, like ``argmax``): the outputs never require grad.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

from autograd_core.device import to_device
from autograd_core.errors import DTypeError, ShapeError
from autograd_core.op import Op
from autograd_core.ops.common import const, lift, normalize_axis
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = ["unique", "unique_consecutive", "bincount", "histc", "histogram", "count_nonzero"]


@register_op("unique", differentiable=False)
class Unique(Op):
    """(values, inverse, counts): the distinct entries of x (or distinct slices along
    ``dim``) in ascending (lexicographic) order, the position in ``values`` of each entry (or
    slice) of x, and how often each value occurs. Every NaN is distinct. No gradient."""

    def forward(self, x: Any, dim: int | None) -> tuple[Any, Any, Any]:
        xp = self.xp
        values, inverse, counts = xp.unique(
            x, return_inverse=True, return_counts=True, axis=dim, equal_nan=False
        )
        shape = x.shape if dim is None else (x.shape[dim],)
        return values, inverse.reshape(shape).astype(xp.int64), counts.astype(xp.int64)


@register_op("bincount", differentiable=False)
class BinCount(Op):
    """out[k] = the number of entries equal to k (with weights: the sum of their weights),
    for k < max(max(x) + 1, minlength). No gradient."""

    def forward(self, x: Any, *weights: Any, minlength: int, dtype: Any) -> Any:
        w = weights[0] if weights else None
        return self.xp.bincount(x, weights=w, minlength=minlength).astype(dtype, copy=False)


@register_op("histc", differentiable=False)
class Histc(Op):
    """Counts of the entries of x in ``bins`` equal-width bins over [lo, hi] (the last bin
    closed; entries outside and NaN ignored), in x's dtype. No gradient."""

    def forward(self, x: Any, bins: int, lo: float, hi: float) -> Any:
        xp = self.xp
        v = x.reshape(-1)
        v = v[(v >= lo) & (v <= hi)]
        lo_, hi_ = xp.asarray(lo, x.dtype), xp.asarray(hi, x.dtype)
        idx = ((v - lo_) / (hi_ - lo_) * bins).astype(xp.int64)  # in x's dtype, as PyTorch
        idx = xp.minimum(idx, bins - 1)  # x == hi falls in the last bin
        return xp.bincount(idx, minlength=bins).astype(x.dtype)


def _slices_comparable(name: str, shape: tuple[int, ...], d: int) -> None:
    """Refuse, as PyTorch, slices along ``d`` that are empty because another axis is."""
    empty = [k for k, n in enumerate(shape) if n == 0 and k != d]
    if empty:
        raise ShapeError(
            f"{name}: the tensor of shape {tuple(shape)} is empty along dim {empty[0]}, which is "
            f"not dim={d}, so its slices along dim {d} cannot be compared. Pick an empty dim or "
            "drop the empty axis."
        )


def unique(
    input: Any,  # noqa: A002  (PyTorch's name)
    sorted: bool = True,  # noqa: A002
    return_inverse: bool = False,
    return_counts: bool = False,
    dim: int | None = None,
) -> Any:
    """The distinct entries of ``input``, as ``torch.unique``.

    Without ``dim``: a 1-D tensor of the distinct values, ascending (a 0-d input gives one
    value). With ``dim``: the distinct slices along ``dim``, in lexicographic order. Every NaN
    counts as distinct. ``sorted`` is accepted for PyTorch's signature; the result is always
    sorted (as PyTorch's CPU result is). With ``return_inverse``, also the int64 position in
    the result of each entry (shape of ``input``; with ``dim``, of each slice: shape
    ``(input.shape[dim],)``), so that ``values[inverse]`` rebuilds ``input``; with
    ``return_counts``, the int64 number of occurrences of each value. Returns the values, or
    a tuple ``(values[, inverse][, counts])``. No gradient.

    Raises:
        ShapeError: ``dim`` out of range, or an empty axis other than ``dim``.

    Example:
        >>> import autograd_core as ac
        >>> ac.tensor([3, 1, 3, 2]).unique(return_counts=True)
        (tensor([1, 2, 3]), tensor([1, 1, 2]))
    """
    x = lift(input)
    d = None
    if dim is not None:
        if x.ndim == 0:
            raise ShapeError(
                f"unique: dim={dim} given for a 0-d tensor, which has no dims. Leave dim out."
            )
        (d,) = normalize_axis("unique", int(dim), x.shape, word="dim")
        _slices_comparable("unique", x.shape, d)
    values, inverse, counts = Unique.apply(x, dim=d)
    out = (values,) + ((inverse,) if return_inverse else ()) + ((counts,) if return_counts else ())
    return out[0] if len(out) == 1 else out


def unique_consecutive(
    input: Any,  # noqa: A002  (PyTorch's name)
    return_inverse: bool = False,
    return_counts: bool = False,
    dim: int | None = None,
) -> Any:
    """Collapse each run of equal consecutive entries (or, with ``dim``, of equal
    consecutive slices along ``dim``) to one, as ``torch.unique_consecutive``; unlike
    ``unique`` nothing is sorted, and equal values in different runs stay apart. NaNs are
    never equal. With ``return_inverse``, the int64 run number of each entry (shape of
    ``input``; with ``dim``, of each slice); with ``return_counts``, the int64 length of each
    run. Returns the values, or a tuple ``(values[, inverse][, counts])``. No gradient.

    Raises:
        ShapeError: ``dim`` out of range or given for a 0-d tensor, or an empty axis other
            than ``dim`` (as PyTorch).

    Example:
        >>> import autograd_core as ac
        >>> ac.tensor([1, 1, 2, 2, 3, 1]).unique_consecutive(return_counts=True)
        (tensor([1, 2, 3, 1]), tensor([2, 2, 1, 1]))
    """
    x = lift(input)
    xp = x.xp
    if dim is None:
        rows, d = x.data.reshape(-1, 1), None
    else:
        if x.ndim == 0:
            raise ShapeError(f"unique_consecutive: dim={dim} given for a 0-d tensor.")
        (d,) = normalize_axis("unique_consecutive", int(dim), x.shape, word="dim")
        _slices_comparable("unique_consecutive", x.shape, d)
        moved = xp.moveaxis(x.data, d, 0)
        rows = moved.reshape(moved.shape[0], math.prod(moved.shape[1:]))
    n = rows.shape[0]
    starts = xp.ones(n, bool)
    if n > 1:
        starts[1:] = (rows[1:] != rows[:-1]).any(axis=1) if rows.shape[1] else False
    first = xp.flatnonzero(starts)
    if d is None:
        values = x.data.reshape(-1)[first]
    else:
        values = xp.moveaxis(xp.moveaxis(x.data, d, 0)[first], 0, d)
    out = [const(values)]
    if return_inverse:
        inverse = xp.cumsum(starts).astype(xp.int64) - 1
        out.append(const(inverse.reshape(x.shape if d is None else (n,))))
    if return_counts:
        ends = xp.concatenate([first[1:], xp.full(1, n, first.dtype)])
        out.append(const((ends - first).astype(xp.int64)))
    return out[0] if len(out) == 1 else tuple(out)


def _host_bool(a: Any) -> bool:
    return bool(to_device(a, "cpu"))


def bincount(input: Any, weights: Any = None, minlength: int = 0) -> Tensor:  # noqa: A002
    """How often each non-negative integer occurs in the 1-D ``input``, as ``torch.bincount``:
    ``out[k] = #{i : input[i] = k}``, or ``sum of weights[i] over input[i] = k`` with
    ``weights`` (1-D, one per entry). The length is ``max(max(input) + 1, minlength)``
    (``minlength`` for an empty input). int64 counts; with weights, float32 for float32
    weights and float64 for any other dtype. No gradient.

    Raises:
        DTypeError: ``input`` not of an integer dtype.
        ShapeError: ``input`` not 1-D, or ``weights`` not of its shape.
        ValueError: a negative entry, or a negative ``minlength``.

    Example:
        >>> import autograd_core as ac
        >>> ac.tensor([1, 1, 3]).bincount(minlength=5)
        tensor([0, 2, 0, 1, 0])
    """
    x = lift(input)
    if x.dtype.kind not in "iu":
        raise DTypeError(
            f"bincount: input must hold integers, got dtype {x.dtype} (shape {tuple(x.shape)}). "
            "Convert with input.long()."
        )
    if x.ndim != 1:
        raise ShapeError(
            f"bincount: input must be 1-D, got shape {tuple(x.shape)}. Flatten it first."
        )
    if x.data.size and _host_bool((x.data < 0).any()):
        raise ValueError(
            "bincount: input holds negative values; it counts non-negative integers only. "
            "Shift the values (input - input.min()) first."
        )
    if minlength < 0:
        raise ValueError(f"bincount: minlength must be >= 0, got {minlength}.")
    if weights is None:
        return BinCount.apply(x, minlength=int(minlength), dtype=x.xp.int64)
    w = lift(weights, x)
    if tuple(w.shape) != tuple(x.shape):
        raise ShapeError(
            f"bincount: weights has shape {tuple(w.shape)} but input has shape "
            f"{tuple(x.shape)}; pass one weight per entry (a 1-D tensor of the same length)."
        )
    dtype = x.xp.float32 if w.dtype == x.xp.float32 else x.xp.float64
    return BinCount.apply(x, w.astype(x.xp.float64), minlength=int(minlength), dtype=dtype)


def histc(input: Any, bins: int = 100, min: float = 0, max: float = 0) -> Tensor:  # noqa: A002
    """A histogram of ``input`` with ``bins`` equal-width bins over [min, max], as
    ``torch.histc``: a 1-D tensor of ``bins`` counts in ``input``'s (floating) dtype.

    Bin k holds min + k·w ≤ x < min + (k+1)·w with w = (max − min)/bins, the last bin also
    x = max; entries outside [min, max] and NaN are ignored. If ``min == max`` (both 0 by
    default) the range is the data's minimum and maximum, widened to [v − 1, v + 1] when these
    are equal (or the input is empty). No gradient.

    Raises:
        DTypeError: ``input`` not floating.
        ValueError: ``bins`` < 1, ``min`` > ``max``, or a range that is not finite.

    Example:
        >>> import autograd_core as ac
        >>> ac.tensor([1.0, 2.0, 1.0]).histc(bins=4, min=0, max=3)
        tensor([0., 2., 1., 0.])
    """
    x = lift(input)
    if x.dtype.kind != "f":
        raise DTypeError(
            f"histc: input must be floating, got dtype {x.dtype} (shape {tuple(x.shape)}). "
            "Convert with input.float()."
        )
    if bins < 1:
        raise ValueError(f"histc: bins must be >= 1, got {bins}.")
    lo, hi = float(min), float(max)
    if lo > hi:
        raise ValueError(
            f"histc: min={lo} is larger than max={hi}. Pass min <= max (equal values use the "
            "data's range)."
        )
    if lo == hi and x.data.size:
        lo = float(to_device(x.data.min(), "cpu"))
        hi = float(to_device(x.data.max(), "cpu"))
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if not (abs(lo) < float("inf") and abs(hi) < float("inf")):
        raise ValueError(
            f"histc: the range [{lo}, {hi}] is not finite (an inf or NaN in the data, or in min "
            "or max). Pass a finite min and max, or remove the non-finite entries."
        )
    return Histc.apply(x, bins=int(bins), lo=lo, hi=hi)


class Histogram(NamedTuple):
    """``histogram``'s result: the bin counts (or densities) and the bins' edges."""

    hist: Tensor
    bin_edges: Tensor


def _bin_edges(x: Tensor, bins: Any, range: Any) -> Any:  # noqa: A002
    """The edges of ``bins`` (an int: equal bins over ``range`` or the data's range; a 1-D
    tensor: the edges as given) as an array of x's dtype."""
    xp = x.xp
    if isinstance(bins, Tensor) or hasattr(bins, "shape"):
        edges = bins.data if isinstance(bins, Tensor) else xp.asarray(bins)
        if edges.ndim != 1 or edges.shape[0] < 2:
            raise ShapeError(
                f"histogram: bins as edges must be 1-D with at least 2 entries, got shape "
                f"{tuple(edges.shape)}."
            )
        if edges.dtype != x.dtype:
            raise DTypeError(
                f"histogram: the bin edges have dtype {edges.dtype} but input has {x.dtype}; "
                "they must match. Convert with bins.to(input.dtype)."
            )
        if _host_bool(xp.any(edges[1:] < edges[:-1])):
            raise ValueError("histogram: the bin edges must be non-decreasing.")
        return edges
    if isinstance(bins, bool) or int(bins) != bins or bins < 1:
        raise ValueError(f"histogram: bins must be a positive integer or a tensor, got {bins!r}.")
    if range is not None:
        lo, hi = (float(v) for v in range)
        if lo > hi:
            raise ValueError(f"histogram: range {tuple(range)} has min > max.")
    elif x.data.size:
        lo = float(to_device(x.data.min(), "cpu"))
        hi = float(to_device(x.data.max(), "cpu"))
    else:
        lo = hi = 0.0
    if lo == hi:
        lo, hi = lo - 0.5, hi + 0.5
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ValueError(
            f"histogram: the range [{lo}, {hi}] is not finite (an inf or NaN in the data or in "
            "range). Pass a finite range, or remove the non-finite entries."
        )
    return xp.linspace(lo, hi, int(bins) + 1, dtype=x.dtype)


def histogram(
    input: Any,  # noqa: A002  (PyTorch's name)
    bins: Any,
    *,
    range: Any = None,  # noqa: A002
    weight: Any = None,
    density: bool = False,
) -> Histogram:
    """A histogram of ``input``'s entries, as ``torch.histogram``: returns ``(hist,
    bin_edges)``, both in ``input``'s (floating) dtype.

    ``bins`` is a number of equal-width bins over ``range`` (min, max) — by default the data's
    minimum and maximum, widened to v ± 0.5 when these are equal — or a 1-D tensor of edges
    (non-decreasing; ``range`` is then ignored). Bin k holds edgeₖ ≤ v < edgeₖ₊₁, the last bin
    also v = its right edge; other entries and NaN are left out. ``weight`` (input's shape and
    dtype) counts each entry with its weight; ``density`` divides by the total and by each bin's
    width, so the histogram integrates to 1. No gradient (the counts are step functions).

    Example:
        >>> import autograd_core as ac
        >>> hist, edges = ac.histogram(ac.tensor([1.0, 2.0, 1.0, 4.0]), bins=3, range=(0, 3))
        >>> hist, edges
        (tensor([0., 2., 1.]), tensor([0., 1., 2., 3.]))
    """
    x = lift(input)
    if x.dtype.kind != "f":
        raise DTypeError(
            f"histogram: input must be floating, got dtype {x.dtype} (shape {tuple(x.shape)}). "
            "Convert with input.float()."
        )
    xp = x.xp
    edges = _bin_edges(x, bins, range)
    values = x.data.reshape(-1)
    w = None
    if weight is not None:
        wt = lift(weight, x)
        if tuple(wt.shape) != tuple(x.shape) or wt.dtype != x.dtype:
            raise ShapeError(
                f"histogram: weight must have input's shape {tuple(x.shape)} and dtype "
                f"{x.dtype}; got shape {tuple(wt.shape)}, dtype {wt.dtype}."
            )
        w = wt.data.reshape(-1)
    inside = (values >= edges[0]) & (values <= edges[-1])
    nbins = edges.shape[0] - 1
    index = xp.minimum(xp.searchsorted(edges, values[inside], side="right") - 1, nbins - 1)
    weights = None if w is None else w[inside]
    hist = xp.bincount(index, weights=weights, minlength=nbins).astype(x.dtype)
    if density:
        hist = hist / (hist.sum() * (edges[1:] - edges[:-1]))
    return Histogram(const(hist.astype(x.dtype)), const(edges.copy()))


def count_nonzero(input: Any, dim: Any = None) -> Tensor:  # noqa: A002  (PyTorch's name)
    """How many entries are not zero over ``dim`` (an int, a tuple, or None for all), as
    ``torch.count_nonzero``: an int64 Tensor, no gradient. NaN counts as non-zero.

    Raises:
        ShapeError: ``dim`` out of range or repeated.

    Example:
        >>> import autograd_core as ac
        >>> ac.tensor([[0.0, 1.0], [2.0, 3.0]]).count_nonzero(dim=1)
        tensor([1, 2])
    """
    from autograd_core.ops.reduce import sum as _sum

    x = lift(input)
    axes = normalize_axis("count_nonzero", dim, x.shape, word="dim")
    return _sum(x != 0, None if x.ndim == 0 or axes == () else axes, dtype="int64")
