"""PyTorch's view functions that are compositions of the shape ops: ``narrow``, ``movedim``
(alias ``moveaxis``), ``unflatten``, ``t``, ``swapdims``, ``ravel``, ``select``, ``rot90``,
``fliplr`` and ``flipud``. Each returns a view of its input wherever ``reshape``, ``permute``,
``flip`` and basic slicing do (a write into it under ``no_grad`` reaches the input, as in
PyTorch), and is differentiable through those ops, so it needs no VJP of its own."""

from __future__ import annotations

import math
from typing import Any

from autograd_core.errors import ShapeError
from autograd_core.ops.common import lift, normalize_axis
from autograd_core.ops.layout import flip
from autograd_core.ops.shape import permute, reshape, transpose
from autograd_core.tensor import Tensor

__all__ = [
    "narrow",
    "movedim",
    "moveaxis",
    "unflatten",
    "t",
    "swapdims",
    "ravel",
    "select",
    "rot90",
    "fliplr",
    "flipud",
]


def narrow(x: Tensor, dim: int, start: int, length: int) -> Tensor:
    """Entries ``start`` … ``start + length − 1`` along ``dim`` (a view), as ``torch.narrow``;
    a negative ``start`` counts from the end.

    Example:
        >>> import autograd_core as ac
        >>> ac.arange(6).reshape(2, 3).narrow(1, 1, 2)
        tensor([[1, 2],
                [4, 5]])
    """
    x = lift(x)
    (d,) = normalize_axis("narrow", int(dim), x.shape, word="dim")
    size, start, length = x.shape[d], int(start), int(length)
    if start < 0:
        start += size
    if not 0 <= start <= size or length < 0 or start + length > size:
        raise ShapeError(
            f"narrow: start {start} and length {length} do not fit dim {dim} of size {size} "
            f"(shape {tuple(x.shape)}). Pass 0 <= start and start + length <= {size}."
        )
    return x[(slice(None),) * d + (slice(start, start + length),)]


def movedim(x: Tensor, source: Any, destination: Any) -> Tensor:
    """Move the axes ``source`` to the positions ``destination`` (ints or sequences of the same
    length), keeping the others in order: a ``permute``, as ``torch.movedim``.

    Example:
        >>> import autograd_core as ac
        >>> ac.zeros(2, 3, 4).movedim(0, -1).shape
        (3, 4, 2)
    """
    x = lift(x)
    src = (source,) if isinstance(source, int) else tuple(source)
    dst = (destination,) if isinstance(destination, int) else tuple(destination)
    if len(src) != len(dst):
        raise ShapeError(
            f"movedim: {len(src)} source dims {src} but {len(dst)} destination dims {dst}; "
            "pass as many of each."
        )
    # (one by one: normalize_axis returns a tuple in increasing order)
    src = tuple(normalize_axis("movedim", int(d), x.shape, word="dim")[0] for d in src)
    dst = tuple(normalize_axis("movedim", int(d), x.shape, word="dim")[0] for d in dst)
    if len(set(src)) != len(src) or len(set(dst)) != len(dst):
        raise ShapeError(
            f"movedim: repeated dims in source {src} or destination {dst} for a tensor of shape "
            f"{tuple(x.shape)}; name each dim once on each side."
        )
    rest = iter(d for d in range(x.ndim) if d not in src)
    where = dict(zip(dst, src))
    return permute(x, tuple(where[p] if p in where else next(rest) for p in range(x.ndim)))


def unflatten(x: Tensor, dim: int, sizes: Any) -> Tensor:
    """Split axis ``dim`` into ``sizes`` (one entry may be −1), the inverse of ``flatten``, as
    ``torch.unflatten``.

    Example:
        >>> import autograd_core as ac
        >>> ac.zeros(2, 12).unflatten(1, (3, -1)).shape
        (2, 3, 4)
    """
    x = lift(x)
    (d,) = normalize_axis("unflatten", int(dim), x.shape, word="dim")
    sizes = tuple(int(s) for s in sizes)
    known = math.prod(s for s in sizes if s != -1)
    n = x.shape[d]
    bad_fill = -1 in sizes and (known == 0 or n % known)
    if sizes.count(-1) > 1 or (-1 not in sizes and known != n) or bad_fill:
        raise ShapeError(
            f"unflatten: sizes {sizes} do not multiply to dim {dim}'s size {n} (shape "
            f"{tuple(x.shape)}); at most one size may be -1."
        )
    if -1 in sizes:
        sizes = tuple(n // known if s == -1 else s for s in sizes)
    return reshape(x, x.shape[:d] + sizes + x.shape[d + 1 :])


def moveaxis(x: Tensor, source: Any, destination: Any) -> Tensor:
    """An alias of ``movedim``, as ``torch.moveaxis`` (NumPy's name).

    Example:
        >>> import autograd_core as ac
        >>> ac.zeros(2, 3, 4).moveaxis([0, 1], [2, 0]).shape
        (3, 4, 2)
    """
    return movedim(x, source, destination)


def t(x: Tensor) -> Tensor:
    """The transpose of a matrix, as ``torch.t``: a 0-d or 1-D x is returned as is, a 2-D x
    has its two axes swapped (a view).

    Raises:
        ShapeError: x has more than 2 dims (use ``transpose`` or ``mT``).

    Example:
        >>> import autograd_core as ac
        >>> ac.zeros(2, 3).t().shape, ac.zeros(3).t().shape
        ((3, 2), (3,))
    """
    x = lift(x)
    if x.ndim > 2:
        raise ShapeError(
            f"t: expects a tensor with <= 2 dimensions, got shape {tuple(x.shape)}. Use "
            "x.transpose(dim0, dim1) or x.mT for batches of matrices."
        )
    return transpose(x, 0, 1) if x.ndim == 2 else permute(x, tuple(range(x.ndim)))  # a view


def swapdims(x: Tensor, dim0: int, dim1: int) -> Tensor:
    """An alias of ``transpose(x, dim0, dim1)``, as ``torch.swapdims``.

    Example:
        >>> import autograd_core as ac
        >>> ac.zeros(2, 3, 4).swapdims(0, -1).shape
        (4, 3, 2)
    """
    return transpose(x, dim0, dim1)


def ravel(x: Tensor) -> Tensor:
    """x flattened to 1-D in row-major order, as ``torch.ravel`` (a view where a reshape
    gives one, else a copy).

    Example:
        >>> import autograd_core as ac
        >>> ac.arange(6).reshape(2, 3).t().ravel()
        tensor([0, 3, 1, 4, 2, 5])
    """
    x = lift(x)
    return reshape(x, (x.numel(),))


def select(x: Tensor, dim: int, index: int) -> Tensor:
    """The slice of x at ``index`` along ``dim``, that dim removed (a view), as
    ``torch.select``: ``x.select(1, i)`` is ``x[:, i]``; a negative index counts from the end.

    Raises:
        ShapeError: a 0-d x, or an index out of range for that dim.

    Example:
        >>> import autograd_core as ac
        >>> ac.arange(6).reshape(2, 3).select(1, -1)
        tensor([2, 5])
    """
    x = lift(x)
    if x.ndim == 0:
        raise ShapeError("select: cannot select from a 0-d tensor. Reshape it to (1,) first.")
    (d,) = normalize_axis("select", int(dim), x.shape, word="dim")
    size, i = x.shape[d], int(index)
    if not -size <= i < size:
        raise ShapeError(
            f"select: index {i} is out of range for dim {d} of size {size} (shape "
            f"{tuple(x.shape)}). Pass an index in [-{size}, {size})."
        )
    return x[(slice(None),) * d + (i,)]


def rot90(x: Tensor, k: int = 1, dims: Any = (0, 1)) -> Tensor:
    """x rotated by k · 90° in the plane of ``dims``, from the first axis towards the second,
    as ``torch.rot90`` (k may be negative; k mod 4 counts). A ``flip`` and a ``transpose``.

    Raises:
        ShapeError: ``dims`` not two distinct dims, or x with fewer than 2 dims.

    Example:
        >>> import autograd_core as ac
        >>> ac.tensor([[1, 2], [3, 4]]).rot90()
        tensor([[2, 4],
                [1, 3]])
    """
    x = lift(x)
    dims = tuple(int(d) for d in dims)
    if len(dims) != 2:
        raise ShapeError(f"rot90: dims must name exactly 2 dims, got {dims}.")
    if x.ndim < 2:
        raise ShapeError(
            f"rot90: needs a tensor with at least 2 dims, got shape {tuple(x.shape)}. Reshape "
            "it first."
        )
    d0 = normalize_axis("rot90", dims[0], x.shape, word="dim")[0]
    d1 = normalize_axis("rot90", dims[1], x.shape, word="dim")[0]
    if d0 == d1:
        raise ShapeError(f"rot90: the two dims must differ, got {dims} (both dim {d0}).")
    k = int(k) % 4
    if k == 1:
        return transpose(flip(x, d1), d0, d1)
    if k == 2:
        return flip(x, (d0, d1))
    if k == 3:
        return transpose(flip(x, d0), d0, d1)
    return x


def fliplr(x: Tensor) -> Tensor:
    """x with the order of dim 1 reversed (left/right), as ``torch.fliplr``; x needs >= 2 dims.

    Example:
        >>> import autograd_core as ac
        >>> ac.tensor([[1, 2, 3]]).fliplr()
        tensor([[3, 2, 1]])
    """
    x = lift(x)
    if x.ndim < 2:
        raise ShapeError(f"fliplr: input must be >= 2-D, got shape {tuple(x.shape)}.")
    return flip(x, 1)


def flipud(x: Tensor) -> Tensor:
    """x with the order of dim 0 reversed (up/down), as ``torch.flipud``; x needs >= 1 dim.

    Example:
        >>> import autograd_core as ac
        >>> ac.tensor([1, 2, 3]).flipud()
        tensor([3, 2, 1])
    """
    x = lift(x)
    if x.ndim < 1:
        raise ShapeError("flipud: input must be >= 1-D, got a 0-d tensor.")
    return flip(x, 0)
