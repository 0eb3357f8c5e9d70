"""``index_reduce``: combine slices of ``source`` into the slices of x that a 1-D ``index``
names along one dim, with ``prod``, ``mean``, ``amax`` or ``amin``, as ``torch.index_reduce``.

A composite of ``scatter_reduce``: the index, broadcast along the other dims of ``source``,
is the scatter index, so the values and the gradients (ties in amax/amin split evenly among
the tied entries, x's own included; zeros in prod handled exactly) are scatter_reduce's,
which are PyTorch's but for one deliberate difference: with ``include_self=False`` PyTorch
2.13 still counts x's own entry among amax/amin ties (a lone source entry equal to it gets
1/2); ours gives it the derivative, 1 (x's entry is not an input of the result there).
"""

from __future__ import annotations

from typing import Any

from autograd_core.device import to_device
from autograd_core.errors import DTypeError, IndexingError, ShapeError
from autograd_core.ops.common import lift, normalize_axis
from autograd_core.ops.indexing import index_array
from autograd_core.ops.scatter_reductions import scatter_reduce
from autograd_core.tensor import Tensor

__all__ = ["index_reduce"]

_REDUCTIONS = ("prod", "mean", "amax", "amin")


def index_reduce(
    input: Any,  # noqa: A002  (PyTorch's name)
    dim: int,
    index: Any,
    source: Any,
    reduce: str,
    *,
    include_self: bool = True,
) -> Tensor:
    """A copy of ``input`` whose slice ``index[i]`` along ``dim`` is combined with slice ``i``
    of ``source`` (``torch.index_reduce``): for dim 0, row ``index[i]`` takes ``source[i]``.

    ``reduce`` is ``"prod"``, ``"mean"`` (integer tensors divide with floor), ``"amax"`` or
    ``"amin"``; with ``include_self=False`` a slice that some index hits forgets its own
    entries; slices no index hits keep them. ``source`` has ``input``'s dtype and shape,
    except along ``dim``, where its length is ``index``'s.

    Raises:
        ValueError: an unknown ``reduce`` (PyTorch has no ``"sum"`` here: use index_add).
        DTypeError: source of another dtype than input, or a non-integer index.
        ShapeError: index not 1-D, or source's shape not input's with len(index) along dim.
        IndexingError: an index outside ``[0, input.shape[dim])`` (negative ones included).

    Example:
        >>> import autograd_core as ac
        >>> x = ac.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> x.index_reduce(0, ac.tensor([1, 1]), ac.tensor([[5.0, 0.0], [2.0, 9.0]]), "amax")
        tensor([[1., 2.],
                [5., 9.]])
    """
    x, src = lift(input), lift(source)
    if reduce not in _REDUCTIONS:
        raise ValueError(
            f"index_reduce: reduce must be one of {', '.join(map(repr, _REDUCTIONS))}, got "
            f"{reduce!r} (for a sum use index_add)."
        )
    if src.dtype != x.dtype:
        raise DTypeError(
            f"index_reduce: source has dtype {src.dtype} but input has {x.dtype}; they must "
            "match. Convert it: source.to(input.dtype)."
        )
    idx = index_array("index_reduce", index, x)
    idx = _checked_index(idx, x, src, int(dim))
    (d,) = normalize_axis("index_reduce", int(dim), x.shape, word="dim")
    view = [1] * x.ndim
    view[d] = idx.size
    spread = x.xp.broadcast_to(idx.reshape(view), src.shape)
    return scatter_reduce(x, d, spread, src, reduce, include_self=include_self)


def _checked_index(idx: Any, x: Tensor, src: Tensor, dim: int) -> Any:
    """``idx`` as a 1-D array after checking it and source's shape against x's."""
    if idx.ndim > 1:
        raise ShapeError(
            f"index_reduce: index must be 1-D (a vector of positions along dim), got shape "
            f"{tuple(idx.shape)}."
        )
    idx = idx.reshape(-1)
    if x.ndim == 0:
        raise ShapeError(
            "index_reduce: input is 0-d; it needs at least one dim to index. Reshape it: "
            "x.reshape(1)."
        )
    (d,) = normalize_axis("index_reduce", dim, x.shape, word="dim")
    want = x.shape[:d] + (idx.size,) + x.shape[d + 1 :]
    if src.shape != want:
        raise ShapeError(
            f"index_reduce: source has shape {tuple(src.shape)} but input of shape "
            f"{tuple(x.shape)} with {idx.size} indices along dim {dim} needs {want}: input's "
            "shape with len(index) along dim."
        )
    if idx.size and bool(to_device(((idx < 0) | (idx >= x.shape[d])).any(), "cpu")):
        raise IndexingError(
            f"index_reduce: index holds positions outside [0, {x.shape[d]}) along dim {dim} "
            f"of input (shape {tuple(x.shape)}); negative positions are refused too, as in "
            "PyTorch."
        )
    return idx
