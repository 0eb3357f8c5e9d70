"""Order statistics built on the stable sort of ops/sorting.py: argsort, msort, median,
nanmedian, kthvalue, mode and aminmax.

All are composites. ``argsort``/``msort`` are ``sort``'s outputs. The selections along a dim
(median, nanmedian, kthvalue, mode) find their int64 indices on arrays, then take
``values = gather(x, dim, indices)``: the gradient goes to the returned index (PyTorch's rule
for these) and the graph holds the indices. The global ``median()``/``nanmedian()`` and
``aminmax`` split the gradient equally among tied elements, as PyTorch does, through ``amax``
/``amin``: the graph holds a boolean mask of x's size.
"""

from __future__ import annotations

import builtins
import math
from typing import Any, NamedTuple

from autograd_core.errors import ShapeError
from autograd_core.ops.array_methods import accumulate
from autograd_core.ops.binary import where
from autograd_core.ops.common import const, lift, normalize_axis, refuse_bool
from autograd_core.ops.extrema import Amax, Amin, ValuesIndices
from autograd_core.ops.indexing import Gather
from autograd_core.ops.reduce import reduction_args
from autograd_core.ops.sorting import sort, stable_order
from autograd_core.tensor import Tensor

__all__ = ["argsort", "msort", "median", "nanmedian", "kthvalue", "mode", "aminmax"]


class MinMax(NamedTuple):
    """What ``aminmax`` returns (PyTorch's ``torch.return_types.aminmax``)."""

    min: Tensor
    max: Tensor


def argsort(x: Tensor, dim: int = -1, descending: bool = False, stable: bool = False) -> Tensor:
    """The int64 indices that sort ``x`` along ``dim``, as ``torch.argsort``: ``sort(x, dim,
    descending).indices``. No gradient.

    The order is always stable (ties keep their original order, either direction), which
    ``stable=True`` asks of PyTorch; with ``stable=False`` PyTorch may order ties differently.
    NaN sorts as the largest value. The sorted values are computed too and dropped at once: a
    transient array of x's size.

    Raises:
        ShapeError: ``dim`` out of range.

    Example:
        >>> import autograd_core as ac
        >>> ac.tensor([3.0, 1.0, 3.0, 2.0]).argsort(descending=True)
        tensor([0, 2, 3, 1])
    """
    x = lift(x)
    (axis,) = normalize_axis("argsort", int(dim), x.shape, word="dim")  # errors name argsort
    return sort(x, axis, descending, stable).indices


def msort(x: Tensor) -> Tensor:
    """``sort(x, dim=0).values``, as ``torch.msort``: each column sorted ascending (NaN last).

    Example:
        >>> import autograd_core as ac
        >>> ac.tensor([[3.0, 1.0], [2.0, 4.0]]).msort()
        tensor([[2., 1.],
                [3., 4.]])
    """
    return sort(lift(x), 0).values


# -- selections along one dim: (values, indices) -------------------------------------------


def _take(a: Any, axis: int, index: Any) -> Any:
    return a[(slice(None),) * axis + (slice(index, index + 1),)]


def _median_index(xp: Any, a: Any, axis: int) -> Any:
    """The lower middle of the stable ascending order; the first NaN of a slice that has one."""
    index = _take(stable_order(xp, a, axis, False), axis, (a.shape[axis] - 1) // 2)
    if a.dtype.kind != "f":
        return index
    nan = xp.isnan(a)
    return xp.where(nan.any(axis=axis, keepdims=True), nan.argmax(axis=axis, keepdims=True), index)


def _nanmedian_index(xp: Any, a: Any, axis: int) -> Any:
    """The lower middle of each slice's non-NaN entries (NaN sorts last); 0 when all are NaN
    (PyTorch's index there depends on its partial sort)."""
    order = stable_order(xp, a, axis, False)
    if a.dtype.kind != "f":
        return _take(order, axis, (a.shape[axis] - 1) // 2)
    count = (~xp.isnan(a)).sum(axis=axis, keepdims=True)
    return xp.take_along_axis(order, xp.maximum((count - 1) // 2, 0), axis)


def _mode_index(xp: Any, a: Any, axis: int) -> Any:
    """The last position of the most frequent value (the smallest such value on a tie)."""
    order = stable_order(xp, a, axis, False)
    s = xp.take_along_axis(a, order, axis)
    n = a.shape[axis]
    new = s[_cut(axis, 1, None)] != s[_cut(axis, None, -1)]  # a run of equal values ends
    starts, ends = xp.ones(s.shape, bool), xp.ones(s.shape, bool)
    starts[_cut(axis, 1, None)] = new
    ends[_cut(axis, None, -1)] = new
    pos = xp.arange(n).reshape((-1,) + (1,) * (a.ndim - axis - 1))
    first = accumulate(xp, "maximum", xp.where(starts, pos, 0), axis)
    counts = xp.where(ends, pos - first + 1, 0)
    # stable order: the last entry of a run is the value's last position in x
    return xp.take_along_axis(order, counts.argmax(axis=axis, keepdims=True), axis)


def _cut(axis: int, start: Any, stop: Any) -> tuple[slice, ...]:
    return (slice(None),) * axis + (slice(start, stop),)


def _select(name: str, x: Any, dim: Any, keepdim: bool, pick: Any) -> ValuesIndices:
    """(values, indices) of the entry that ``pick(xp, array, axis)`` chooses in each slice."""
    x = lift(x)
    (d,) = normalize_axis(name, int(dim), x.shape, word="dim")
    if x.ndim == 0:
        index = x.xp.zeros((1,), x.xp.int64)
        values = Gather.apply(x.reshape(1), dim=0, index=index).reshape(())
        return ValuesIndices(values, const(index.reshape(())))
    if x.shape[d] == 0:
        raise ShapeError(
            f"{name}: cannot select from dim {d} of size 0 (input shape {tuple(x.shape)}). "
            "Pass a dim with at least one entry."
        )
    index = pick(x.xp, x.data, d).astype(x.xp.int64, copy=False)
    values = Gather.apply(x, dim=d, index=index)
    if not keepdim:
        values, index = values.squeeze(d), index.squeeze(d)
    return ValuesIndices(values, const(index))


def _global_middle(x: Tensor, pick: Any) -> Tensor:
    """The middle value over all entries, its gradient split among the entries equal to it."""
    flat = x.reshape(-1)
    if flat.numel() == 0:
        return (flat.sum() * math.nan) if x.dtype.kind == "f" else flat.sum()
    if x.dtype.kind != "f":
        return Gather.apply(flat, dim=0, index=pick(x.xp, flat.data, 0)).reshape(())
    xp = x.xp
    v = flat.data[pick(xp, flat.data, 0)]
    hit = (flat.data == v) | (xp.isnan(flat.data) & xp.isnan(v))
    # The entries off the mask are filled with a value that cannot tie with v: -∞ under the
    # max, except where v is -∞ itself (then +∞ under the min), or the fill would share ȳ.
    if bool(v == -math.inf):
        return Amin.apply(where(const(hit), flat, math.inf), axis=None, keepdims=False)
    return Amax.apply(where(const(hit), flat, -math.inf), axis=None, keepdims=False)


def median(x: Tensor, dim: int | None = None, keepdim: bool = False) -> Any:
    """The median, as ``torch.median``: for an even count the lower of the two middle values.

    Without ``dim``: a 0-d Tensor over all entries (NaN if any is NaN; an empty input gives
    NaN), whose gradient is split equally among the entries equal to it. With ``dim``: a named
    tuple ``(values, indices)``; the gradient goes to the returned index. On ties PyTorch leaves
    which index unspecified; here it is the one in the middle of the stable sort. A slice with a
    NaN gives NaN and the index of its first NaN, as PyTorch.

    Raises:
        ShapeError: ``dim`` out of range, or a dim of size 0.
        DTypeError: a bool input (PyTorch refuses it too).

    Example:
        >>> import autograd_core as ac
        >>> x = ac.tensor([[4.0, 1.0, 3.0, 2.0], [0.0, 5.0, 6.0, 7.0]])
        >>> x.median(), x.median(dim=1).indices
        (tensor(3.), tensor([3, 1]))
    """
    x = refuse_bool("median", lift(x))
    if dim is None:
        return _global_middle(x, _median_index)
    return _select("median", x, dim, keepdim, _median_index)


def nanmedian(x: Tensor, dim: int | None = None, keepdim: bool = False) -> Any:
    """``median`` of the non-NaN entries, as ``torch.nanmedian``: NaN only where a slice (or the
    whole input, without ``dim``) is all NaN, with index 0 then (PyTorch's varies there).
    Same gradient rules as ``median``.

    Raises:
        ShapeError: ``dim`` out of range, or a dim of size 0.
        DTypeError: a bool input (PyTorch refuses it too).

    Example:
        >>> import autograd_core as ac
        >>> ac.tensor([1.0, float("nan"), 3.0, 2.0]).nanmedian(0)
        ValuesIndices(values=tensor(2.), indices=tensor(3))
    """
    x = refuse_bool("nanmedian", lift(x))
    if dim is None:
        return _global_middle(x, _nanmedian_index)
    return _select("nanmedian", x, dim, keepdim, _nanmedian_index)


def kthvalue(x: Tensor, k: int, dim: int = -1, keepdim: bool = False) -> ValuesIndices:
    """The k-th smallest entry along ``dim`` (k from 1), as ``torch.kthvalue``: a named tuple
    ``(values, indices)``. NaN counts as the largest value. The gradient goes to the returned
    index; on ties the stable sort's order decides which (PyTorch leaves it unspecified).

    Raises:
        TypeError: ``k`` is not an int.
        ShapeError: ``k`` outside 1..size of ``dim``, or ``dim`` out of range.
        DTypeError: a bool input (PyTorch refuses it too).

    Example:
        >>> import autograd_core as ac
        >>> ac.tensor([[3.0, 1.0, 2.0], [6.0, 5.0, 4.0]]).kthvalue(2, dim=1)
        ValuesIndices(values=tensor([2., 5.]), indices=tensor([2, 1]))
    """
    if isinstance(k, builtins.bool) or not isinstance(k, int):
        raise TypeError(f"kthvalue: k must be an int, got {k!r}. Pass k=int(k).")
    x = refuse_bool("kthvalue", lift(x))
    (d,) = normalize_axis("kthvalue", int(dim), x.shape, word="dim")
    size = x.shape[d] if x.ndim else 1
    if not 1 <= k <= size:
        raise ShapeError(
            f"kthvalue: k={k} is out of range for dim {dim} of size {size} (input shape "
            f"{tuple(x.shape)}). Pass k from 1 to {size}."
        )
    pick = lambda xp, a, axis: _take(stable_order(xp, a, axis, False), axis, k - 1)  # noqa: E731
    return _select("kthvalue", x, dim, keepdim, pick)


def mode(x: Tensor, dim: int = -1, keepdim: bool = False) -> ValuesIndices:
    """The most frequent value along ``dim``, as ``torch.mode``: a named tuple ``(values,
    indices)``; among equally frequent values the smallest, and its last position in the slice.
    The gradient goes to that position. NaNs are never equal (each occurs once) and count as
    the largest values, so a slice of NaNs only gives its first NaN. PyTorch's answer with
    NaN depends on where they stand (its sort compares with ``<``, which NaN leaves undefined).

    Raises:
        ShapeError: ``dim`` out of range, or a dim of size 0.

    Example:
        >>> import autograd_core as ac
        >>> ac.tensor([1.0, 2.0, 2.0, 1.0, 3.0]).mode()
        ValuesIndices(values=tensor(1.), indices=tensor(3))
    """
    return _select("mode", x, dim, keepdim, _mode_index)


def aminmax(x: Tensor, *, dim: int | None = None, keepdim: bool = False) -> MinMax:
    """``(amin(x, dim, keepdim), amax(x, dim, keepdim))`` as a named tuple ``(min, max)``, like
    ``torch.aminmax``; each splits its gradient equally among tied extrema, and at a NaN
    extremum among the slice's NaNs, where ``torch.aminmax`` gives NaN (see ``amax``).

    Raises:
        ShapeError: ``dim`` out of range, or an empty reduction.

    Example:
        >>> import autograd_core as ac
        >>> ac.tensor([[1.0, 5.0], [4.0, 2.0]]).aminmax(dim=1)
        MinMax(min=tensor([1., 2.]), max=tensor([5., 4.]))
    """
    if dim is not None and (isinstance(dim, builtins.bool) or not isinstance(dim, int)):
        raise TypeError(f"aminmax: dim must be an int or None, got {dim!r}. Use amin and amax.")
    x, axes, keep = reduction_args("aminmax", x, dim, keepdim, None, None, nonempty=True)
    return MinMax(Amin.apply(x, axis=axes, keepdims=keep), Amax.apply(x, axis=axes, keepdims=keep))
