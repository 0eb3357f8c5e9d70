"""PyTorch's indexing shorthands built from the gather/scatter and subscript ops: ``take``,
``masked_select``, ``masked_scatter``, ``index_fill``, ``index_copy``, ``select_scatter``,
``slice_scatter``, ``repeat_interleave`` and ``unravel_index``.

The index arithmetic (which positions, which order) is done once on the index arrays, which
are constants; the values move through ``index_select``, ``getitem``, its adjoint
``getitem_grad`` (zeros with ``src`` placed at an index) and ``where``, so every gradient,
second order included, is those ops'.
"""

from __future__ import annotations

from typing import Any

import numpy

from autograd_core.broadcast import broadcast_shapes
from autograd_core.device import to_device
from autograd_core.errors import DTypeError, ShapeError
from autograd_core.ops.binary import where
from autograd_core.ops.common import const, lift, normalize_axis
from autograd_core.ops.copying import clone, masked_fill
from autograd_core.ops.indexing import check_index_bounds, index_array, index_select
from autograd_core.ops.shape import astype, broadcast_to, flatten, reshape
from autograd_core.ops.subscript import GetItemGrad, getitem
from autograd_core.tensor import Tensor

__all__ = [
    "take",
    "masked_select",
    "masked_scatter",
    "index_fill",
    "index_copy",
    "select_scatter",
    "slice_scatter",
    "repeat_interleave",
    "unravel_index",
]


def _placed(src: Tensor, index: tuple[Any, ...], x: Tensor) -> Tensor:
    """``src`` written into x at ``index``: where(mask, zeros with src at index, x)."""
    src = astype(src, x.dtype) if src.dtype != x.dtype else src
    mask = x.xp.zeros(x.shape, bool)
    mask[index] = True
    return where(const(mask), GetItemGrad.apply(src, index=index, shape=tuple(x.shape)), x)


def _check_bool_mask(api: str, mask: Tensor) -> None:
    if mask.dtype.kind != "b":
        raise DTypeError(
            f"{api}: the mask must be boolean, got dtype {mask.dtype} (shape "
            f"{tuple(mask.shape)}). Pass a comparison such as x > 0, or mask.bool()."
        )


def take(x: Tensor, index: Any) -> Tensor:
    """The entries of x at ``index`` into x flattened (row-major), as ``torch.take``; the
    result has ``index``'s shape, negative indices count from the end, and repeated indices
    accumulate in the gradient.

    Example:
        >>> import autograd_core as ac
        >>> ac.tensor([[4.0, 5.0], [6.0, 7.0]]).take(ac.tensor([[0, -1]]))
        tensor([[4., 7.]])
    """
    x = lift(x)
    idx = index_array("take", index, x)
    flat = flatten(x)
    check_index_bounds("take", idx, flat.shape[0], 0, x)
    return reshape(index_select(flat, 0, idx.reshape(-1)), idx.shape)


def masked_select(x: Tensor, mask: Any) -> Tensor:
    """The entries of x where the boolean ``mask`` is true, as a 1-D tensor in row-major
    order, as ``torch.masked_select``; x and ``mask`` broadcast against each other.

    Example:
        >>> import autograd_core as ac
        >>> ac.arange(6.0).reshape(2, 3).masked_select(ac.tensor([True, False, True]))
        tensor([0., 2., 3., 5.])
    """
    x, mask = lift(x), lift(mask)
    _check_bool_mask("masked_select", mask)
    shape = broadcast_shapes(tuple(x.shape), tuple(mask.shape), op="masked_select")
    xb = x if x.shape == shape else broadcast_to(x, shape)
    return getitem(xb, x.xp.broadcast_to(mask.data, shape))


def masked_scatter(x: Tensor, mask: Any, source: Any) -> Tensor:
    """x with the entries where ``mask`` is true replaced, in row-major order, by the first
    entries of ``source`` (read row-major), as ``torch.masked_scatter``; x and ``mask``
    broadcast. Gradients: x̄ = ȳ where the mask is false; sourcē[k] = ȳ at the k-th true
    position, 0 for the unread entries.

    Raises:
        DTypeError: a non-bool mask, or source of another dtype than x.
        ShapeError: fewer entries in ``source`` than true entries in the mask.

    Example:
        >>> import autograd_core as ac
        >>> ac.zeros(2, 2).masked_scatter(ac.tensor([True, False]), ac.tensor([1.0, 2.0]))
        tensor([[1., 0.],
                [2., 0.]])
    """
    x, mask, source = lift(x), lift(mask), lift(source)
    _check_bool_mask("masked_scatter", mask)
    if source.dtype != x.dtype:
        raise DTypeError(
            f"masked_scatter: source has dtype {source.dtype} but x has {x.dtype}; they must "
            "match. Convert it: source.to(x.dtype)."
        )
    shape = broadcast_shapes(tuple(x.shape), tuple(mask.shape), op="masked_scatter")
    xp = x.xp
    m = xp.broadcast_to(mask.data, shape)
    count = int(m.sum())
    if count > source.numel():
        raise ShapeError(
            f"masked_scatter: the mask (shape {tuple(mask.shape)}) has {count} true entries but "
            f"source of shape {tuple(source.shape)} has only {source.numel()}. Pass a source "
            "with at least as many entries."
        )
    xb = x if x.shape == shape else broadcast_to(x, shape)
    read = getitem(flatten(source), slice(0, count))
    return _placed(read, (m,), xb)


def _vector_index(api: str, index: Any, x: Tensor, d: int, negatives: bool) -> Any:
    """A 0-d or 1-D integer index into dim ``d`` of x, as a 1-D array of non-negative ints."""
    idx = index_array(api, index, x)
    if idx.ndim > 1:
        raise ShapeError(
            f"{api}: index must be 0-d or 1-D, got shape {tuple(idx.shape)} (x of shape "
            f"{tuple(x.shape)}). Flatten the index."
        )
    idx = idx.reshape(-1)
    size = x.shape[d] if x.ndim else 1
    if negatives:
        check_index_bounds(api, idx, size, d, x)
    elif idx.size and (int(idx.min()) < 0 or int(idx.max()) >= size):
        raise ShapeError(
            f"{api}: index values from {int(idx.min())} to {int(idx.max())} are out of range "
            f"for dim {d} of size {size} (shape {tuple(x.shape)}); {api} takes indices in "
            f"[0, {size})."
        )
    return idx % size if idx.size else idx.astype(x.xp.int64)


def index_fill(x: Tensor, dim: int, index: Any, value: Any) -> Tensor:
    """x with every slice ``index[i]`` along ``dim`` set to ``value`` (a number or a 0-d
    tensor, cast to x's dtype), as ``torch.index_fill``; negative indices count from the end.
    Gradients: x̄ = ȳ outside the filled slices; for a tensor value, value̅ = Σ ȳ over them.

    Example:
        >>> import autograd_core as ac
        >>> ac.zeros(2, 3).index_fill(1, ac.tensor([0, 2]), 5.0)
        tensor([[5., 0., 5.],
                [5., 0., 5.]])
    """
    x = lift(x)
    (d,) = normalize_axis("index_fill", int(dim), x.shape, word="dim")
    idx = _vector_index("index_fill", index, x, d, negatives=True)
    line = x.xp.zeros(x.shape[d] if x.ndim else 1, bool)
    line[idx] = True
    mask = line.reshape((-1,) + (1,) * (x.ndim - d - 1)) if x.ndim else line.reshape(())
    if isinstance(value, Tensor) and value.ndim:
        raise ShapeError(
            f"index_fill: value must be a number or a 0-d tensor, got shape {tuple(value.shape)}."
        )
    return masked_fill(x, const(mask), value)


def index_copy(x: Tensor, dim: int, index: Any, source: Any) -> Tensor:
    """x with slice ``index[i]`` along ``dim`` replaced by ``source``'s slice i, as
    ``torch.index_copy``; ``source`` has x's shape with ``len(index)`` along ``dim``, and its
    dtype. Where an index repeats, the last of its slices is kept (PyTorch leaves it
    unspecified). Gradients: x̄ = ȳ outside the copied slices; sourcē = the kept slices of ȳ.

    Raises:
        DTypeError: source of another dtype.
        ShapeError: an index not 0-d/1-D or out of [0, size), or a source of the wrong shape.

    Example:
        >>> import autograd_core as ac
        >>> ac.zeros(2, 3).index_copy(1, ac.tensor([2, 0]), ac.tensor([[1.0, 2.0], [3.0, 4.0]]))
        tensor([[2., 0., 1.],
                [4., 0., 3.]])
    """
    x, source = lift(x), lift(source)
    (d,) = normalize_axis("index_copy", int(dim), x.shape, word="dim")
    idx = _vector_index("index_copy", index, x, d, negatives=False)
    if source.dtype != x.dtype:
        raise DTypeError(
            f"index_copy: source has dtype {source.dtype} but x has {x.dtype}; they must match. "
            "Convert it: source.to(x.dtype)."
        )
    want = x.shape[:d] + (idx.size,) + x.shape[d + 1 :] if x.ndim else source.shape
    if source.shape != want or (x.ndim == 0 and source.numel() != idx.size):
        raise ShapeError(
            f"index_copy: source has shape {tuple(source.shape)}, but x of shape "
            f"{tuple(x.shape)} with {idx.size} indices along dim {d} needs {tuple(want)}."
        )
    if x.ndim == 0:  # PyTorch treats a 0-d tensor as one entry along dim 0
        return clone(x) if idx.size == 0 else reshape(source, ())
    xp = x.xp
    # keep the last slice written to each target: first occurrences in the reversed index
    targets, first = xp.unique(idx[::-1], return_index=True)
    kept = idx.size - 1 - first
    in_order = kept.size == idx.size and bool((kept == xp.arange(idx.size)).all())
    picked = source if in_order else index_select(source, d, kept)
    return _placed(picked, (slice(None),) * d + (targets,), x)


def select_scatter(x: Tensor, src: Any, dim: int, index: int) -> Tensor:
    """x with ``x.select(dim, index)`` replaced by ``src`` (cast to x's dtype; its shape is
    that slice's), as ``torch.select_scatter``. Gradients: x̄ = ȳ outside the slice;
    src̄ = ȳ.select(dim, index).

    Example:
        >>> import autograd_core as ac
        >>> ac.zeros(2, 2).select_scatter(ac.ones(2), 0, -1)
        tensor([[0., 0.],
                [1., 1.]])
    """
    from autograd_core.ops.views import select

    x, src = lift(x), lift(src)
    target = select(x, dim, index)  # checks dim and index as select does
    if src.shape != target.shape:
        raise ShapeError(
            f"select_scatter: src has shape {tuple(src.shape)} but the slice of x (shape "
            f"{tuple(x.shape)}) at dim {dim}, index {index} has shape {tuple(target.shape)}."
        )
    (d,) = normalize_axis("select_scatter", int(dim), x.shape, word="dim")
    return _placed(src, (slice(None),) * d + (int(index) % x.shape[d],), x)


def slice_scatter(
    x: Tensor,
    src: Any,
    dim: int = 0,
    start: int | None = None,
    end: int | None = None,
    step: int = 1,
) -> Tensor:
    """x with ``x[..., start:end:step, ...]`` (along ``dim``) replaced by ``src`` (cast to
    x's dtype; its shape is that slice's), as ``torch.slice_scatter``. Gradients: x̄ = ȳ
    outside the slice; src̄ = that slice of ȳ.

    Raises:
        ShapeError: a step below 1, or src not of the slice's shape.

    Example:
        >>> import autograd_core as ac
        >>> ac.zeros(2, 4).slice_scatter(ac.ones(2, 2), dim=1, start=0, step=2)
        tensor([[1., 0., 1., 0.],
                [1., 0., 1., 0.]])
    """
    x, src = lift(x), lift(src)
    if int(step) < 1:
        raise ShapeError(f"slice_scatter: the slice step must be positive, got {step}.")
    (d,) = normalize_axis("slice_scatter", int(dim), x.shape, word="dim")
    index = (slice(None),) * d + (slice(start, end, int(step)),)
    want = x.data[index].shape
    if src.shape != want:
        raise ShapeError(
            f"slice_scatter: src has shape {tuple(src.shape)} but the slice "
            f"[{start}:{end}:{step}] of dim {d} of x (shape {tuple(x.shape)}) has shape {want}."
        )
    return _placed(src, index, x)


def repeat_interleave(
    x: Tensor,
    repeats: Any = None,
    dim: int | None = None,
    *,
    output_size: int | None = None,
) -> Tensor:
    """Repeat each entry of x along ``dim`` (of x flattened when ``dim`` is None) the
    number of times ``repeats`` says, as ``torch.repeat_interleave``: an int or 0-d/one-entry
    tensor repeats every entry alike, a 1-D integer tensor gives one count per entry.
    ``output_size``, if given, must be the total length. ``repeat_interleave(repeats)`` with
    one integer tensor gives each position i repeated repeats[i] times, in that tensor's
    dtype (as PyTorch). An ``index_select``,
    so the gradient of an entry is the sum of ȳ over its copies.

    Raises:
        ShapeError: negative repeats, repeats of the wrong length or rank, or a wrong
            output_size.
        DTypeError: a non-integer repeats tensor.

    Example:
        >>> import autograd_core as ac
        >>> ac.tensor([[1, 2], [3, 4]]).repeat_interleave(ac.tensor([1, 2]), dim=0)
        tensor([[1, 2],
                [3, 4],
                [3, 4]])
    """
    x = lift(x)
    xp = x.xp
    if repeats is None:  # repeat_interleave(repeats): positions repeated
        counts = _counts(x, None)
        positions = numpy.repeat(numpy.arange(counts.size, dtype=x.dtype), counts)
        return const(xp.asarray(positions))
    if dim is None:
        x, d = flatten(x), 0
    else:
        (d,) = normalize_axis("repeat_interleave", int(dim), x.shape, word="dim")
        if x.ndim == 0:
            x = reshape(x, (1,))
    n = x.shape[d]
    counts = _counts(repeats, n) if isinstance(repeats, Tensor) else int(repeats)
    if isinstance(counts, int):
        if counts < 0:
            raise ShapeError(f"repeat_interleave: repeats must be non-negative, got {counts}.")
        counts = numpy.full(n, counts, dtype=numpy.int64)
    total = int(counts.sum())
    if output_size is not None and int(output_size) != total:
        raise ShapeError(
            f"repeat_interleave: output_size={output_size} but the repeats sum to {total}. "
            "Pass the sum of the repeats, or leave output_size out."
        )
    # the positions are worked out on the host (the counts decide the output's size anyway)
    return index_select(x, d, xp.asarray(numpy.repeat(numpy.arange(n), counts)))


def _counts(repeats: Tensor, n: int | None) -> Any:
    """A repeats tensor as a host (NumPy) array of n non-negative counts (n None: any
    length, 1-D only)."""
    r = lift(repeats)
    if r.dtype.kind not in "iu":
        raise DTypeError(
            f"repeat_interleave: repeats must hold integers, got dtype {r.dtype}. Pass "
            "repeats.long()."
        )
    if r.ndim > 1 or (n is None and r.ndim != 1):
        raise ShapeError(
            f"repeat_interleave: repeats must be {'1-D' if n is None else '0-d or 1-D'}, got "
            f"shape {tuple(r.shape)}."
        )
    counts = numpy.asarray(to_device(r.data, "cpu")).reshape(-1).astype(numpy.int64)
    if n is not None and counts.size == 1:
        counts = numpy.full(n, int(counts[0]), dtype=numpy.int64)
    if n is not None and counts.size != n:
        raise ShapeError(
            f"repeat_interleave: {counts.size} repeats for a dim of size {n}; pass one count "
            "per entry, or a single count."
        )
    if counts.size and int(counts.min()) < 0:
        raise ShapeError(f"repeat_interleave: repeats must be non-negative, got {counts}.")
    return counts


def unravel_index(indices: Any, shape: Any) -> tuple[Tensor, ...]:
    """The coordinates, one int64 tensor per dim of ``shape``, of flat (row-major) positions
    ``indices``, as ``torch.unravel_index``. As in PyTorch, indices are not bounds-checked:
    each coordinate is taken modulo its dim (floor division), so −1 gives the last position.

    Raises:
        DTypeError: indices not integers.
        ShapeError: a negative size in ``shape``.

    Example:
        >>> import autograd_core as ac
        >>> [t.tolist() for t in ac.unravel_index(ac.tensor([4, 1]), (2, 3))]
        [[1, 0], [1, 1]]
    """
    idx = lift(indices)
    if idx.dtype.kind not in "iu":
        raise DTypeError(
            f"unravel_index: indices must be an integer tensor, got dtype {idx.dtype}."
        )
    dims = (int(shape),) if not isinstance(shape, (tuple, list)) else tuple(int(s) for s in shape)
    if any(s < 0 for s in dims):
        raise ShapeError(f"unravel_index: shape cannot have negative sizes, got {dims}.")
    rest, out = idx.data.astype(idx.xp.int64), []
    for size in reversed(dims):
        out.append(const(rest % size) if size else const(rest * 0))
        rest = rest // size if size else rest * 0
    return tuple(reversed(out))
