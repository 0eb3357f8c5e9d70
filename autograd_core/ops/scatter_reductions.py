"""``scatter_reduce``: combine the entries of ``src`` into x at the positions ``index`` names
along one dim, with ``sum``, ``prod``, ``mean``, ``amax`` or ``amin``, as
``torch.scatter_reduce``.

A composite, so that each reduction's gradient (ties in amax/amin split evenly, zeros in prod
handled exactly) and its second order are those of existing ops. ``sum`` and ``mean`` are one
``scatter_add``. ``prod``, ``amax`` and ``amin`` gather, for each position of x that some
index hits, its own entry (with ``include_self``) and the src entries sent to it into one row
of a (positions hit) × (1 + most entries sent to one position) table, padded with the
reduction's identity, then reduce each row with ``prod``/``amax``/``amin`` and write the rows
back; that table is the memory cost (positions hit × largest multiplicity).
"""

from __future__ import annotations

from typing import Any

from autograd_core.errors import DTypeError, ShapeError
from autograd_core.ops.binary import where
from autograd_core.ops.common import const, lift, normalize_axis
from autograd_core.ops.copying import clone
from autograd_core.ops.extrema import amax, amin
from autograd_core.ops.indexing import along_dim, index_array, scatter_add, scatter_source
from autograd_core.ops.join import cat
from autograd_core.ops.reduce import prod
from autograd_core.ops.shape import flatten, reshape
from autograd_core.ops.subscript import GetItemGrad
from autograd_core.tensor import Tensor

__all__ = ["scatter_reduce"]

_REDUCTIONS = ("sum", "prod", "mean", "amax", "amin")


def _identity(xp: Any, dtype: Any, reduce: str) -> Any:
    """The value that leaves ``reduce`` unchanged, in ``dtype``."""
    if reduce == "prod":
        return 1
    info = xp.finfo(dtype) if dtype.kind == "f" else xp.iinfo(dtype)
    big = xp.inf if dtype.kind == "f" else info.max
    return -big if reduce == "amax" else big


def _by_table(x: Tensor, src: Tensor, flat: Any, reduce: str, include_self: bool) -> Tensor:
    """prod/amax/amin: each hit position's entries in one row, reduced (see the module doc)."""
    xp = x.xp
    order = xp.argsort(flat, kind="stable")
    hit, row_of_sorted, counts = xp.unique(flat[order], return_inverse=True, return_counts=True)
    starts = xp.cumsum(counts) - counts
    rank = xp.arange(flat.size) - starts[row_of_sorted]
    rows, cols = xp.empty_like(flat), xp.empty_like(flat)
    rows[order], cols[order] = row_of_sorted, rank
    shape = (hit.size, int(counts.max()))
    filled = xp.zeros(shape, bool)
    filled[rows, cols] = True
    placed = GetItemGrad.apply(flatten(src), index=(rows, cols), shape=shape)
    pad = const(xp.full(shape, _identity(xp, x.dtype, reduce), dtype=x.dtype))
    table = where(const(filled), placed, pad)
    x_flat = flatten(x)
    if include_self:
        table = cat([reshape(x_flat[hit], (hit.size, 1)), table], 1)
    reduced = {"prod": prod, "amax": amax, "amin": amin}[reduce](table, 1)
    mask = xp.zeros(x_flat.shape, bool)
    mask[hit] = True
    out = where(const(mask), GetItemGrad.apply(reduced, index=(hit,), shape=x_flat.shape), x_flat)
    return reshape(out, x.shape)


def scatter_reduce(
    input: Tensor,  # noqa: A002  (PyTorch's name)
    dim: int,
    index: Any,
    src: Any,
    reduce: str,
    *,
    include_self: bool = True,
) -> Tensor:
    """A copy of ``input`` where each position that ``index`` hits along ``dim`` becomes the
    reduction of the ``src`` entries sent to it (and of its own entry, with ``include_self``),
    as ``torch.scatter_reduce``: for dim 0, ``src[i][j]`` goes to ``[index[i][j]][j]``.

    ``reduce`` is ``"sum"``, ``"prod"``, ``"mean"`` (the sum over the count of entries
    combined; integer tensors divide with floor), ``"amax"`` or ``"amin"``. Positions no index
    hits keep ``input``'s entry. ``index`` and ``src`` are as in ``scatter_add`` (only the
    leading ``index.shape`` block of ``src`` is read); ``src`` has ``input``'s dtype.

    Gradients, as PyTorch's: sum and mean pass ȳ (divided by the count) back to every entry
    combined; prod gives each entry the product of the others times ȳ (exact with zeros);
    amax/amin give ȳ to the entries equal to the result, split evenly among ties.

    Raises:
        ValueError: an unknown ``reduce``.
        DTypeError: src of another dtype than input, or a non-integer index.
        ShapeError: the shape rules of ``scatter_add``, or indices out of range.

    Example:
        >>> import autograd_core as ac
        >>> x = ac.tensor([1.0, 2.0, 3.0])
        >>> x.scatter_reduce(0, ac.tensor([0, 0, 2]), ac.tensor([5.0, 4.0, 1.0]), "amax")
        tensor([5., 2., 3.])
    """
    x, src = lift(input), lift(src)
    if reduce not in _REDUCTIONS:
        raise ValueError(
            f"scatter_reduce: reduce must be one of {', '.join(map(repr, _REDUCTIONS))}, got "
            f"{reduce!r}."
        )
    if src.dtype != x.dtype:
        raise DTypeError(
            f"scatter_reduce: src has dtype {src.dtype} but input has {x.dtype}; they must "
            "match. Convert it: src.to(input.dtype)."
        )
    idx = index_array("scatter_reduce", index, x)
    (d,) = normalize_axis("scatter_reduce", int(dim), x.shape, word="dim")
    if x.ndim == 0:  # PyTorch treats a 0-d tensor as one entry along dim 0
        if idx.ndim or src.ndim:
            raise ShapeError(
                f"scatter_reduce: a 0-d input needs a 0-d index and src, got shapes "
                f"{tuple(idx.shape)} and {tuple(src.shape)}."
            )
        one = scatter_reduce(
            reshape(x, (1,)), 0, idx.reshape(1), reshape(src, (1,)), reduce,
            include_self=include_self,
        )  # fmt: skip
        return reshape(one, ())
    src = scatter_source("scatter_reduce", x, idx, src, d, "input")
    xp = x.xp
    coords = xp.broadcast_arrays(*along_dim(xp, idx % x.shape[d] if idx.size else idx, d))
    flat = xp.ravel_multi_index(coords, x.shape).reshape(-1) if idx.size else idx.reshape(-1)
    if flat.size == 0:
        return clone(x)
    if reduce in ("prod", "amax", "amin"):
        return _by_table(x, src, flat, reduce, include_self)
    hits = xp.bincount(flat, minlength=x.numel()).reshape(x.shape)
    base = x if include_self else where(const(hits > 0), const(xp.zeros((), x.dtype)), x)
    total = scatter_add(base, d, idx, src)
    if reduce == "sum":
        return total
    count = xp.maximum(hits + (1 if include_self else 0), 1).astype(x.dtype)
    if x.dtype.kind in "iub":
        return const(total.data // count)
    return total / const(count)
