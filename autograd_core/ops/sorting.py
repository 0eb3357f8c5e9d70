"""Sorting along one axis: sort and topk, each one op with two outputs (values, indices).

Both use a stable sort, so equal values keep their original order in either direction: the
first of several tied elements comes first, ascending or descending. PyTorch only promises that
with ``sort(stable=True)``; here it always holds, and ``topk`` returns the first k of that
order (on ties, the lower indices).
"""

from __future__ import annotations

import builtins
from typing import Any

from autograd_core.errors import ShapeError
from autograd_core.op import Op
from autograd_core.ops.common import lift, normalize_axis, refuse_bool
from autograd_core.ops.extrema import ValuesIndices
from autograd_core.ops.indexing import ScatterAdd
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = ["sort", "topk"]


def stable_order(xp: Any, x: Any, axis: int, descending: bool) -> Any:
    """The int64 indices that sort x along ``axis``, ties in their original order. NaN counts
    as larger than every number (last ascending, first descending), as in PyTorch."""
    kind = {"kind": "stable"} if xp.__name__ == "numpy" else {}  # CuPy's sort is stable
    if not descending:
        return xp.argsort(x, axis=axis, **kind).astype(xp.int64, copy=False)
    # Sort the reversed axis ascending, then read that order backwards: largest first, and
    # among equals the one that came first in x comes first.
    order = xp.argsort(xp.flip(x, axis), axis=axis, **kind)
    return xp.flip(x.shape[axis] - 1 - order, axis).astype(xp.int64, copy=False)


class _SortAlongAxis(Op):
    r"""(values, indices) along ``axis``: values = take_along_axis(x, indices), with indices
    from a stable sort (ties keep their original order).

    VJP: x̄ = scatter_add(zeros like x, axis, indices, ȳ_values): each value's gradient goes
    back to the element it came from (elements that ``topk`` did not pick receive 0). The
    indices are integers and have no gradient. The placement is linear in ȳ, so it is recorded
    again under ``create_graph`` (the second derivative is 0). Saves both outputs (the indices
    place the gradient) and never reads x's values, so x may be written in place before backward
    (``saves_inputs=False``). Does not broadcast.
    """

    fresh_grads = True

    def sorted_along(self, x: Any, index: Any, axis: int) -> tuple[Any, Any]:
        """(values, index) for the forward; a 0-d x is its own single entry."""
        xp = self.xp
        if x.ndim == 0:
            return x.copy(), xp.zeros((), xp.int64)
        return xp.take_along_axis(x, index, axis), index

    def vjp(self, g_values: Any, g_indices: Any = None) -> tuple[Any, ...]:
        x = self.inputs[0].data
        if x.ndim == 0:  # the one element is its own value: gradient 1
            return (g_values * self.xp.ones((), x.dtype),)
        zeros = self.xp.zeros(x.shape, x.dtype)
        index = self.out[1]
        return (ScatterAdd.call(zeros, g_values, dim=self.params["axis"], index=index),)


@register_op("sort", save_output=True, array_vjp=True, saves_inputs=False)
class Sort(_SortAlongAxis):
    __doc__ = _SortAlongAxis.__doc__

    def forward(self, x: Any, axis: int, descending: bool) -> tuple[Any, Any]:
        index = stable_order(self.xp, x, axis, descending) if x.ndim else None
        return self.sorted_along(x, index, axis)


@register_op("topk", save_output=True, array_vjp=True, saves_inputs=False)
class TopK(_SortAlongAxis):
    __doc__ = _SortAlongAxis.__doc__

    def forward(self, x: Any, axis: int, k: int, largest: bool) -> tuple[Any, Any]:
        index = None
        if x.ndim:
            index = stable_order(self.xp, x, axis, largest)[(slice(None),) * axis + (slice(0, k),)]
        return self.sorted_along(x, index, axis)


def sort(
    x: Tensor,
    dim: int = -1,
    descending: bool = False,
    stable: bool = False,
    *,
    axis: int | None = None,
) -> ValuesIndices:
    """Sort along ``dim`` (alias ``axis``; default the last): a named tuple ``(values,
    indices)`` like ``torch.sort``, from one op with two outputs.

    The sort is always stable (``stable`` is accepted for PyTorch's signature and changes
    nothing): tied values keep their original order, ascending or descending. NaN sorts as the
    largest value. ``values`` is differentiable (each gradient goes back to where the value came
    from); ``indices`` is int64 and has none.

    Raises:
        ShapeError: ``dim`` out of range.

    Example:
        >>> import autograd_core as ac
        >>> ac.tensor([3.0, 1.0, 3.0, 2.0]).sort(descending=True)
        ValuesIndices(values=tensor([3., 3., 2., 1.]), indices=tensor([0, 2, 3, 1]))
    """
    x = lift(x)
    d = dim if axis is None else axis
    (a,) = normalize_axis("sort", int(d), x.shape, word="dim")
    values, indices = Sort.apply(x, axis=a, descending=bool(descending))
    return ValuesIndices(values, indices)


def topk(
    x: Tensor,
    k: int,
    dim: int = -1,
    largest: bool = True,
    sorted: bool = True,  # noqa: A002  (PyTorch's name)
    *,
    axis: int | None = None,
) -> ValuesIndices:
    """The k largest (``largest=False``: smallest) entries along ``dim``, as a named tuple
    ``(values, indices)`` like ``torch.topk``, from one op with two outputs.

    Values come in sorted order (largest first, or smallest first with ``largest=False``)
    whatever ``sorted`` says; PyTorch leaves the order unspecified when it is False. On ties the
    lower indices are picked first. ``values`` is differentiable (the unpicked entries get a
    zero gradient); ``indices`` is int64.

    Raises:
        TypeError: ``k`` is not an integer.
        ShapeError: ``k`` is negative or larger than the size of ``dim``, or ``dim`` is out of
            range.
        DTypeError: a bool input (PyTorch refuses it too).

    Example:
        >>> import autograd_core as ac
        >>> ac.tensor([1.0, 5.0, 3.0, 5.0]).topk(2)
        ValuesIndices(values=tensor([5., 5.]), indices=tensor([1, 3]))
    """
    x = refuse_bool("topk", lift(x))
    if isinstance(k, builtins.bool) or not isinstance(k, int):
        raise TypeError(f"topk: k must be an int, got {k!r}. Pass k=int(k).")
    d = dim if axis is None else axis
    (a,) = normalize_axis("topk", int(d), x.shape, word="dim")
    size = x.shape[a] if x.ndim else 1
    if not 0 <= k <= size:
        raise ShapeError(
            f"topk: k={k} is out of range for dim {d} of size {size} (tensor of shape "
            f"{tuple(x.shape)}). Pass k from 0 to {size}."
        )
    values, indices = TopK.apply(x, axis=a, k=k, largest=bool(largest))
    return ValuesIndices(values, indices)
