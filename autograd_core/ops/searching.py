"""Where values are: nonzero/argwhere (positions of the nonzero entries) and
searchsorted/bucketize (insertion points in a sorted sequence).

Every result is an integer tensor of positions, so none of these ops has a gradient
(``differentiable=False``, like ``argmax``): the outputs never require grad.
"""

from __future__ import annotations

import math
from typing import Any

from autograd_core.device import to_device
from autograd_core.errors import DTypeError, ShapeError
from autograd_core.op import Op
from autograd_core.ops.common import lift
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = ["nonzero", "argwhere", "searchsorted", "bucketize"]


@register_op("nonzero", differentiable=False)
class Nonzero(Op):
    """The (n, x.ndim) int64 indices of the n nonzero entries of x, in row-major order
    (NaN counts as nonzero); no gradient."""

    def forward(self, x: Any) -> Any:
        return self.xp.argwhere(x).astype(self.xp.int64, copy=False)


@register_op("searchsorted", differentiable=False)
class SearchSorted(Op):
    """For each value, the index at which it would be inserted into the sorted last axis of
    ``sorted_sequence`` (the row with the same leading indices) to keep it sorted: the first
    such index (``side="left"``) or the last (``"right"``); no gradient."""

    def forward(self, seq: Any, values: Any, side: str, sorter: Any, dtype: Any) -> Any:
        xp = self.xp
        if sorter is not None:
            seq = xp.take_along_axis(seq, sorter, axis=-1)
        if seq.ndim == 1:
            return xp.searchsorted(seq, values, side=side).astype(dtype, copy=False)
        n_rows = math.prod(seq.shape[:-1])
        rows_s = seq.reshape(n_rows, seq.shape[-1])
        rows_v = values.reshape(n_rows, values.shape[-1])
        out = xp.empty(rows_v.shape, dtype)
        for k in range(rows_s.shape[0]):  # one binary search per row of the sequence
            out[k] = xp.searchsorted(rows_s[k], rows_v[k], side=side)
        return out.reshape(values.shape)


def nonzero(input: Any, *, as_tuple: bool = False) -> Any:  # noqa: A002  (PyTorch's name)
    """The indices of the nonzero entries of ``input``, as ``torch.nonzero``.

    Returns an int64 tensor of shape (n, input.ndim), one row per nonzero entry in row-major
    order (a 0-d input gives shape (1, 0) or (0, 0)). With ``as_tuple=True``, a tuple of
    ``input.ndim`` 1-D int64 tensors, one per axis (a 0-d input counts as 1-D), usable as an
    index: ``x[x.nonzero(as_tuple=True)]``. NaN is nonzero. No gradient.

    Example:
        >>> import autograd_core as ac
        >>> ac.tensor([[0.0, 1.0], [2.0, 0.0]]).nonzero()
        tensor([[0, 1],
                [1, 0]])
    """
    x = lift(input)
    if not as_tuple:
        return Nonzero.apply(x)
    flat = x.reshape(1) if x.ndim == 0 else x
    rows = Nonzero.apply(flat)
    return tuple(rows[:, k] for k in range(flat.ndim))


def argwhere(input: Any) -> Tensor:  # noqa: A002
    """``nonzero(input)``: the (n, input.ndim) int64 indices of the nonzero entries, as
    ``torch.argwhere``. No gradient.

    Example:
        >>> import autograd_core as ac
        >>> ac.argwhere(ac.tensor([0, 3, 0, 5]))
        tensor([[1],
                [3]])
    """
    return Nonzero.apply(lift(input))


def _side(side: str | None, right: bool) -> str:
    if side is None:
        return "right" if right else "left"
    if side not in ("left", "right"):
        raise ValueError(
            f"searchsorted: side must be 'left' or 'right', got {side!r}. Pass side='left' (the "
            "first insertion point) or side='right' (the last)."
        )
    if right and side == "left":
        raise ValueError(
            "searchsorted: side='left' and right=True ask for opposite insertion points. Pass "
            "only one of them."
        )
    return side


def _sorter(sorter: Any, seq: Tensor) -> Any:
    """``sorter`` checked: int64 indices of seq's shape, each in range of the last axis."""
    arr = sorter.data if isinstance(sorter, Tensor) else seq.xp.asarray(sorter)
    if arr.dtype != seq.xp.int64:
        raise DTypeError(
            f"searchsorted: sorter must hold int64 indices, got dtype {arr.dtype}. Pass the "
            "result of argsort, or sorter.long()."
        )
    if tuple(arr.shape) != tuple(seq.shape):
        raise ShapeError(
            f"searchsorted: sorter has shape {tuple(arr.shape)} but sorted_sequence has shape "
            f"{tuple(seq.shape)}; they must match (sorter is the argsort of sorted_sequence)."
        )
    n = seq.shape[-1]
    if arr.size and bool(to_device(((arr < 0) | (arr >= n)).any(), "cpu")):
        raise ShapeError(
            f"searchsorted: sorter holds indices outside [0, {n}) for a last axis of size {n}. "
            "Pass a permutation of that axis (sorted_sequence.argsort())."
        )
    return arr


def searchsorted(
    sorted_sequence: Tensor,
    values: Any,
    *,
    out_int32: bool = False,
    right: bool = False,
    side: str | None = None,
    sorter: Any = None,
) -> Tensor:
    """Insertion points of ``values`` in ``sorted_sequence``, as ``torch.searchsorted``.

    For a 1-D ``sorted_sequence`` s, ``out[i] = k`` such that ``s[k-1] < v[i] <= s[k]``
    (``side="left"``, the default) or ``s[k-1] <= v[i] < s[k]`` (``side="right"`` or
    ``right=True``). An N-D ``sorted_sequence`` is a batch of sorted rows along its last axis:
    ``values`` must then have the same leading dims, and each row of values searches the
    matching row. ``values`` may be a number (the result is then 0-d). ``sorter`` (int64, the
    argsort of ``sorted_sequence``) lets an unsorted sequence be searched in sorted order.
    Returns int64 indices (int32 with ``out_int32``) of ``values``' shape; no gradient.

    Example:
        >>> import autograd_core as ac
        >>> s = ac.tensor([1.0, 3.0, 3.0, 5.0])
        >>> ac.searchsorted(s, ac.tensor([3.0, 6.0])), ac.searchsorted(s, 3.0, right=True)
        (tensor([1, 4]), tensor(3))
    """
    seq = lift(sorted_sequence)
    vals = lift(values, seq)
    where = _side(side, right)
    if seq.ndim == 0:
        raise ShapeError(
            "searchsorted: sorted_sequence must have at least one dimension, got a 0-d tensor. "
            "Pass a 1-D tensor of boundaries."
        )
    if seq.ndim > 1 and tuple(seq.shape[:-1]) != tuple(vals.shape[:-1]):
        raise ShapeError(
            f"searchsorted: sorted_sequence of shape {tuple(seq.shape)} is a batch of rows, so "
            f"values needs the same leading dims {tuple(seq.shape[:-1])}; got values of shape "
            f"{tuple(vals.shape)}. Pass a 1-D sorted_sequence, or values of shape "
            f"{tuple(seq.shape[:-1])} + (m,)."
        )
    order = None if sorter is None else _sorter(sorter, seq)
    dtype = seq.xp.int32 if out_int32 else seq.xp.int64
    return SearchSorted.apply(seq, vals, side=where, sorter=order, dtype=dtype)


def bucketize(
    input: Any,  # noqa: A002  (PyTorch's name)
    boundaries: Tensor,
    *,
    out_int32: bool = False,
    right: bool = False,
) -> Tensor:
    """The bucket of each entry of ``input`` between 1-D sorted ``boundaries``, as
    ``torch.bucketize``: ``boundaries[i-1] < x <= boundaries[i]`` gives i (``right=True``:
    ``boundaries[i-1] <= x < boundaries[i]``). The same as ``searchsorted(boundaries, input,
    right=right)``. Returns int64 (int32 with ``out_int32``) of ``input``'s shape; no
    gradient.

    Example:
        >>> import autograd_core as ac
        >>> ac.bucketize(ac.tensor([0.5, 1.0, 7.0]), ac.tensor([1.0, 5.0]))
        tensor([0, 0, 2])
    """
    bounds = lift(boundaries)
    if bounds.ndim != 1:
        raise ShapeError(
            f"bucketize: boundaries must be 1-D, got shape {tuple(bounds.shape)}. Flatten them, "
            "or use searchsorted for a batch of sorted rows."
        )
    return searchsorted(bounds, input, out_int32=out_int32, right=right)
