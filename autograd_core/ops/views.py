"""PyTorch's view functions that are compositions of the shape ops: ``narrow``, ``movedim``
and ``unflatten``. Each returns a view of its input wherever ``reshape``, ``permute`` and basic
slicing do (a write into it under ``no_grad`` reaches the input, as in PyTorch), and is
differentiable through those ops, so it needs no VJP of its own."""

from __future__ import annotations

import math
from typing import Any

from autograd_core.errors import ShapeError
from autograd_core.ops.common import lift, normalize_axis
from autograd_core.ops.shape import permute, reshape
from autograd_core.tensor import Tensor

__all__ = ["narrow", "movedim", "unflatten"]


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
