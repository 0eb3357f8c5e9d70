"""Running extrema along an axis: cummax and cummin, each a named tuple (values, indices).

Composites: the indices are found on arrays (no gradient), then ``values = gather(x, dim,
indices)``, a recorded op. So the gradient is ``gather``'s, PyTorch's rule for these ops: each
ȳ_i goes to the element at indices_i (a scatter-add; an element that stays the running extreme
for several steps receives the sum), and the second derivative is 0. The graph holds the int64
indices (``gather``'s parameter).
"""

from __future__ import annotations

from typing import Any

from autograd_core.ops.array_methods import accumulate
from autograd_core.ops.common import const, lift, normalize_axis
from autograd_core.ops.extrema import ValuesIndices
from autograd_core.ops.indexing import Gather
from autograd_core.tensor import Tensor

__all__ = ["cummax", "cummin"]


def running_extreme_index(xp: Any, x: Any, axis: int, largest: bool) -> Any:
    """For each i along ``axis``, the last k ≤ i where x_k equals the running max (min) of
    x_0..x_i, as int64; after a NaN the running value is NaN and k is the last NaN so far (as in
    PyTorch)."""
    running = accumulate(xp, "maximum" if largest else "minimum", x, axis)
    hit = x == running  # x_k is itself the running extreme at k
    if x.dtype.kind == "f":
        hit |= xp.isnan(x)
    # The running extreme only changes where a hit occurs, so the last hit so far is the index.
    where = xp.arange(x.shape[axis], dtype=xp.int64).reshape((-1,) + (1,) * (x.ndim - axis - 1))
    return accumulate(xp, "maximum", xp.where(hit, where, 0), axis)


def _running(name: str, x: Any, dim: int, largest: bool) -> ValuesIndices:
    x = lift(x)
    (d,) = normalize_axis(name, int(dim), x.shape, word="dim")
    flat = x.reshape(1) if x.ndim == 0 else x
    index = running_extreme_index(x.xp, flat.data, 0 if x.ndim == 0 else d, largest)
    values = Gather.apply(flat, dim=0 if x.ndim == 0 else d, index=index)
    if x.ndim == 0:
        return ValuesIndices(values.reshape(()), const(index.reshape(())))
    return ValuesIndices(values, const(index))


def cummax(x: Tensor, dim: int) -> ValuesIndices:
    """Running maximum along ``dim``: a named tuple ``(values, indices)`` like ``torch.cummax``,
    values_i = max(x_0..x_i) and indices_i the last position where that maximum occurs (on a
    tie the later element, as PyTorch). NaN propagates: from the first NaN on, the value is NaN
    and the index is the last NaN so far. The gradient of values_i goes to x[indices_i].

    Raises:
        ShapeError: ``dim`` out of range.

    Example:
        >>> import autograd_core as ac
        >>> ac.tensor([1.0, 3.0, 2.0, 3.0]).cummax(0)
        ValuesIndices(values=tensor([1., 3., 3., 3.]), indices=tensor([0, 1, 1, 3]))
    """
    return _running("cummax", x, dim, largest=True)


def cummin(x: Tensor, dim: int) -> ValuesIndices:
    """Running minimum along ``dim``: ``(values, indices)`` like ``torch.cummin``, with
    ``cummax``'s conventions (the later element on a tie; NaN propagates).

    Raises:
        ShapeError: ``dim`` out of range.

    Example:
        >>> import autograd_core as ac
        >>> ac.tensor([3.0, 1.0, 2.0, 1.0]).cummin(0)
        ValuesIndices(values=tensor([3., 1., 1., 1.]), indices=tensor([0, 1, 1, 3]))
    """
    return _running("cummin", x, dim, largest=False)
