"""PyTorch's reading of a subscript ``x[key]``, turned into NumPy indices that give the same
result: ``split_key`` returns a *basic* index (ints, slices, None; a view) to apply first and,
when the key has advanced parts, an *advanced* index (full slices and index arrays) to apply to
that view.

Where NumPy and PyTorch read a key differently (both documented in their indexing pages):

- An int (or a 0-d integer tensor) is a basic index in PyTorch, a ``select`` done before the
  advanced indexing; NumPy counts it as an advanced index when the key has arrays, which moves
  the broadcast dims: for x of shape (2, 3, 4), ``x[0, :, [0, 1]]`` has shape (3, 2) in
  PyTorch and (2, 3) in NumPy. Applying the ints in the basic step gives PyTorch's.
- A Python bool (or a 0-d bool tensor) inserts an axis of size 1 and indexes it with ``[0]``
  (True) or ``[]`` (False), an advanced index that broadcasts with the others.
- A slice step must be positive (PyTorch has no negative strides; use ``flip``).
- Index tensors must hold integers or booleans; a k-d bool mask must have exactly the shape of
  the k axes it covers; an integer index must lie in [-size, size).

In the second step the key holds only full slices and arrays, where NumPy and PyTorch agree:
advanced indices next to each other put their broadcast shape in their place, separated ones
(by a slice) put it first. Integer index tensors of other widths than PyTorch's (int8, int16,
unsigned) are refused as PyTorch refuses them; NumPy arrays of those widths are taken as
integers, as PyTorch takes them. A uint8 index is refused: PyTorch reads it as a mask (a
deprecated rule) and NumPy as integers, so neither reading would be safe to guess.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy

from autograd_core.device import on_host, to_device
from autograd_core.errors import IndexingError
from autograd_core.tensor import Tensor

__all__ = ["split_key"]


def _item(i: Any) -> Any:
    """One entry of a key, normalised: an int, a bool, a slice, None, Ellipsis or an array."""
    if isinstance(i, Tensor):
        i = i.data
    elif isinstance(i, list):
        i = numpy.asarray(i)
        if i.size == 0 and i.dtype.kind not in "iub":
            i = i.astype(numpy.int64)  # an empty list arrives as float64
    if isinstance(i, (bool, numpy.bool_)):
        return bool(i)
    if isinstance(i, (int, numpy.integer)):
        return int(i)
    if getattr(i, "ndim", None) == 0 and i.dtype.kind in "biu":
        value = to_device(i, "cpu")
        return bool(value) if i.dtype.kind == "b" else int(value)
    return i


def _check_index_dtype(where: Callable[[], str], i: Any) -> None:
    """PyTorch's index dtypes: a tensor of int8, int16 or a wide unsigned type is refused; a
    uint8 tensor or array (a mask to PyTorch, deprecated; integers to NumPy) too."""
    dtype = getattr(i, "dtype", None)
    if dtype is None or isinstance(i, numpy.generic):
        return
    if dtype == numpy.uint8:
        raise IndexingError(
            f"{where()}: a uint8 index is ambiguous (PyTorch reads it as a mask, a deprecated "
            "rule; NumPy as integers); say which with index.bool() or index.long()."
        )
    narrow_or_unsigned = dtype.kind == "u" or (dtype.kind == "i" and dtype.itemsize < 4)
    if isinstance(i, Tensor) and i.ndim > 0 and narrow_or_unsigned:
        raise IndexingError(
            f"{where()}: an index tensor of dtype {dtype} (PyTorch takes int64, int32 and "
            "bool index tensors); use index.long()."
        )


def _describe(key: Any) -> str:
    return repr(key) if len(repr(key)) < 200 else repr(key)[:200] + "..."


def split_key(shape: tuple[int, ...], key: Any, xp: Any, op: str = "getitem") -> tuple:
    """``(basic, advanced)``: ``x[basic]`` then, when ``advanced`` is not None,
    ``x[basic][advanced]`` (NumPy semantics) is PyTorch's ``x[key]``.

    Raises:
        IndexingError: too many indices, an index out of range, a non-positive slice step, a
            bool mask of the wrong shape, or an index that is not an int, slice, None,
            Ellipsis, bool, or integer/bool array.
    """

    def where() -> str:  # only on error: the repr of a device index copies it to the host
        return f"{op}: index {_describe(key)} into a tensor of shape {tuple(shape)}"

    items = list(key) if isinstance(key, tuple) else [key]
    for i in items:
        _check_index_dtype(where, i)
    items = [_item(i) for i in items]

    def consumed(i: Any) -> int:
        if i is None or i is Ellipsis or isinstance(i, bool):
            return 0
        if isinstance(i, (int, slice)):
            return 1
        if hasattr(i, "dtype") and i.dtype.kind == "b":
            return i.ndim
        if hasattr(i, "dtype") and i.dtype.kind in "iu":
            return 1
        raise IndexingError(
            f"{where()}: {type(i).__name__} {_describe(i)}"
            + (f" of dtype {i.dtype}" if hasattr(i, "dtype") else "")
            + " is not a valid index; use ints, slices, None, ..., or integer or "
            "bool tensors (e.g. index.long())."
        )

    used = sum(consumed(i) for i in items)
    if sum(i is Ellipsis for i in items) > 1:
        raise IndexingError(f"{where()}: an index can hold only one ellipsis (...).")
    if used > len(shape):
        raise IndexingError(
            f"{where()}: too many indices: they cover {used} dims but the tensor has {len(shape)}."
        )
    basic: list[Any] = []
    advanced: list[Any] = []
    has_advanced = False
    d = 0  # the dim of x the next entry indexes
    for i in items:
        if i is Ellipsis:
            n = len(shape) - used
            basic += [slice(None)] * n
            advanced += [slice(None)] * n
            d += n
        elif i is None or isinstance(i, bool):
            basic.append(None)
            if i is None:
                advanced.append(slice(None))
            else:
                advanced.append(xp.zeros(1 if i else 0, xp.int64))
                has_advanced = True
        elif isinstance(i, int):
            if not -shape[d] <= i < shape[d]:
                raise IndexingError(
                    f"{where()}: index {i} is out of range for dim {d} of size {shape[d]}."
                )
            basic.append(i)
            d += 1
        elif isinstance(i, slice):
            if i.step is not None and int(i.step) <= 0:
                raise IndexingError(
                    f"{where()}: slice step {i.step} at dim {d}: the step must be positive "
                    "(PyTorch has no negative strides; use flip)."
                )
            basic.append(i)
            advanced.append(slice(None))
            d += 1
        elif i.dtype.kind == "b":
            k = i.ndim
            if tuple(i.shape) != tuple(shape[d : d + k]):
                raise IndexingError(
                    f"{where()}: the bool mask of shape {tuple(i.shape)} does not match the "
                    f"shape {tuple(shape[d : d + k])} of the "
                    + (f"dims {d} to {d + k - 1}" if k > 1 else f"dim {d}")
                    + " it covers."
                )
            basic += [slice(None)] * k
            advanced.append(i)
            has_advanced = True
            d += k
        else:
            _check_range(where, i, shape[d], d)
            basic.append(slice(None))
            advanced.append(i)
            has_advanced = True
            d += 1
    if not has_advanced:
        return tuple(basic), None
    _check_broadcast(where, advanced, xp)
    return tuple(basic), tuple(advanced)


def _check_broadcast(where: Callable[[], str], advanced: list[Any], xp: Any) -> None:
    """The index arrays (a k-d mask counts as its number of true entries) must broadcast."""
    shapes = [
        (_count(a, xp),) if a.dtype.kind == "b" else tuple(a.shape)
        for a in advanced
        if not isinstance(a, slice)
    ]
    try:
        numpy.broadcast_shapes(*shapes)
    except ValueError:
        raise IndexingError(
            f"{where()}: the index arrays of shapes {shapes} (a bool mask counted as its number "
            "of true entries, a bool as 1 or 0 entries) do not broadcast together."
        ) from None


def _count(mask: Any, xp: Any) -> int:
    """The number of true entries of a host or device mask (a device one is copied: its
    indexing needs the count anyway)."""
    if on_host(mask):
        return int(numpy.count_nonzero(mask))
    return int(to_device(xp.count_nonzero(mask), "cpu"))


def _check_range(where: Callable[[], str], index: Any, size: int, d: int) -> None:
    """Refuse entries of a host index array outside [-size, size). A device index array is
    not checked: that would copy a flag to the host on every subscript (a sync); its indexing
    follows the device library (CuPy wraps out-of-range indices), as ``nn.functional.embedding``
    and the losses leave device indices to the device (``nn/index_checks.py``)."""
    if not index.size or not on_host(index):
        return
    bad = (index < -size) | (index >= size)
    if bad.any():
        raise IndexingError(
            f"{where()}: index {int(index[bad].reshape(-1)[0])} (in the index array of shape "
            f"{tuple(index.shape)}) is out of range for dim {d} of size {size}; use "
            f"[-{size}, {size})."
        )


def is_trivial(index: tuple[Any, ...]) -> bool:
    """Whether a basic index leaves the array as it is (full slices only)."""
    return all(isinstance(i, slice) and i == slice(None) for i in index)
