"""Order statistics built on the stable sort of ops/sorting.py: argsort.

Composites of ``sort``: they hold what it holds (its int64 indices, while a graph needs them).
"""

from __future__ import annotations

from autograd_core.ops.common import lift, normalize_axis
from autograd_core.ops.sorting import sort
from autograd_core.tensor import Tensor

__all__ = ["argsort"]


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
