"""PyTorch's (and NumPy's) joining and splitting shorthands: ``hstack``, ``vstack``,
``row_stack``, ``dstack``, ``column_stack``, ``tensor_split``, ``hsplit``, ``vsplit``,
``dsplit`` and ``broadcast_tensors``.

Each is a composition of ``reshape``, ``cat``, ``split``, basic slicing and ``broadcast_to``,
so the pieces are views where those ops give views, and gradients of every order are theirs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from autograd_core.broadcast import broadcast_shapes
from autograd_core.errors import ShapeError
from autograd_core.ops.common import lift, normalize_axis
from autograd_core.ops.join import Split, cat, lift_all
from autograd_core.ops.shape import broadcast_to, reshape
from autograd_core.ops.subscript import getitem
from autograd_core.tensor import Tensor

__all__ = [
    "hstack",
    "vstack",
    "row_stack",
    "dstack",
    "column_stack",
    "tensor_split",
    "hsplit",
    "vsplit",
    "dsplit",
    "broadcast_tensors",
]


def _at_least(x: Tensor, n: int) -> Tensor:
    """x with leading (and, for 3-D, trailing) size-1 axes as ``torch.atleast_{n}d``: a 0-d
    tensor becomes (1,) * n, (k,) becomes (1, k) or (1, k, 1), and (m, k) becomes (m, k, 1)."""
    if x.ndim >= n:
        return x
    if n == 3 and x.ndim >= 1:
        shape = (1,) + tuple(x.shape) + (1,) if x.ndim == 1 else tuple(x.shape) + (1,)
        return reshape(x, shape)
    return reshape(x, (1,) * (n - x.ndim) + tuple(x.shape))


def hstack(tensors: Sequence[Any]) -> Tensor:
    """Join horizontally, as ``torch.hstack``: along dim 0 for 1-D inputs, else along dim 1
    (0-d inputs count as 1-D). A ``cat``, so the gradient is the matching slices of ȳ.

    Example:
        >>> import autograd_core as ac
        >>> ac.hstack([ac.ones(2, 1), ac.zeros(2, 2)]).shape, ac.hstack([ac.ones(2), 3.0]).shape
        ((2, 3), (3,))
    """
    xs = [_at_least(x, 1) for x in lift_all("hstack", tensors)]
    return cat(xs, 0 if xs[0].ndim == 1 else 1)


def vstack(tensors: Sequence[Any]) -> Tensor:
    """Join vertically (along dim 0) after making every input at least 2-D (a (k,) vector
    becomes a (1, k) row), as ``torch.vstack``.

    Example:
        >>> import autograd_core as ac
        >>> ac.vstack([ac.ones(3), ac.zeros(2, 3)]).shape
        (3, 3)
    """
    return cat([_at_least(x, 2) for x in lift_all("vstack", tensors)], 0)


def row_stack(tensors: Sequence[Any]) -> Tensor:
    """An alias of ``vstack``, as ``torch.row_stack``.

    Example:
        >>> import autograd_core as ac
        >>> ac.row_stack([ac.ones(2), ac.ones(2)]).shape
        (2, 2)
    """
    return cat([_at_least(x, 2) for x in lift_all("row_stack", tensors)], 0)


def dstack(tensors: Sequence[Any]) -> Tensor:
    """Join depth-wise (along dim 2) after making every input at least 3-D ((k,) becomes
    (1, k, 1) and (m, k) becomes (m, k, 1)), as ``torch.dstack``.

    Example:
        >>> import autograd_core as ac
        >>> ac.dstack([ac.ones(2, 3), ac.zeros(2, 3)]).shape
        (2, 3, 2)
    """
    return cat([_at_least(x, 3) for x in lift_all("dstack", tensors)], 2)


def column_stack(tensors: Sequence[Any]) -> Tensor:
    """Join as columns, as ``torch.column_stack``: 0-d and 1-D inputs become (n, 1) columns,
    then everything is joined along dim 1.

    Example:
        >>> import autograd_core as ac
        >>> ac.column_stack([ac.ones(3), ac.zeros(3, 2)]).shape
        (3, 3)
    """
    xs = lift_all("column_stack", tensors)
    return cat([reshape(x, (x.numel(), 1)) if x.ndim <= 1 else x for x in xs], 1)


def _sections_or_indices(api: str, value: Any) -> int | list[int]:
    """``indices_or_sections`` as an int (a number of sections) or a list of split indices;
    a tensor is a 0-d count or 1-D indices (integers), as in PyTorch."""
    if isinstance(value, Tensor):
        if value.dtype.kind not in "iu" or value.ndim > 1:
            raise TypeError(
                f"{api}: a tensor indices_or_sections must be a 0-d or 1-D integer tensor, got "
                f"dtype {value.dtype} and shape {tuple(value.shape)}."
            )
        return int(value.item()) if value.ndim == 0 else [int(v) for v in value.tolist()]
    if isinstance(value, (list, tuple)):
        if any(isinstance(v, bool) or not hasattr(v, "__index__") for v in value):
            raise TypeError(f"{api}: split indices must be ints, got {list(value)!r}.")
        return [int(v) for v in value]
    if isinstance(value, bool) or not hasattr(value, "__index__"):
        raise TypeError(
            f"{api}: indices_or_sections must be an int, a list of ints or an integer tensor, "
            f"got {value!r}."
        )
    return int(value)


def tensor_split(x: Tensor, indices_or_sections: Any, dim: int = 0) -> tuple[Tensor, ...]:
    """Split x along ``dim`` into views, as ``torch.tensor_split`` (NumPy's ``array_split``).

    An int n gives n pieces: the first size % n have size ⌈size / n⌉, the rest ⌊size / n⌋
    (some may be empty). A list of indices [i₀, i₁, …] gives x[:i₀], x[i₀:i₁], …, x[iₖ:], with
    Python's slice rules (negative indices count from the end, indices past the end clamp, a
    decreasing pair gives an empty piece). A tensor is a 0-d count or 1-D indices.

    Raises:
        ShapeError: a 0-d x, or a number of sections below 1.
        TypeError: indices that are not integers.

    Example:
        >>> import autograd_core as ac
        >>> [p.tolist() for p in ac.arange(5).tensor_split(3)]
        [[0, 1], [2, 3], [4]]
        >>> [p.tolist() for p in ac.arange(5).tensor_split([1, 4])]
        [[0], [1, 2, 3], [4]]
    """
    x = lift(x)
    if x.ndim == 0:
        raise ShapeError(
            "tensor_split: expected at least a 1-D tensor, but got a 0-d tensor. Reshape it to "
            "(1,) first."
        )
    spec = _sections_or_indices("tensor_split", indices_or_sections)
    (d,) = normalize_axis("tensor_split", int(dim), x.shape, word="dim")
    size = x.shape[d]
    if isinstance(spec, int):
        if spec < 1:
            raise ShapeError(
                f"tensor_split: the number of sections must be at least 1, got {spec} (shape "
                f"{tuple(x.shape)}). Pass a positive count or a list of split indices."
            )
        small, extra = divmod(size, spec)
        sizes = [small + 1] * extra + [small] * (spec - extra)
        return Split.apply(x, sizes=tuple(sizes), axis=d)
    bounds = [None, *spec, None]
    lead = (slice(None),) * d
    return tuple(getitem(x, lead + (slice(a, b),)) for a, b in zip(bounds, bounds[1:]))


def _split_along(api: str, x: Any, indices_or_sections: Any, d: int, need: int) -> tuple:
    """hsplit/vsplit/dsplit: ``tensor_split`` along ``d``, where an int must divide the size."""
    x = lift(x)
    if x.ndim < need:
        raise ShapeError(
            f"{api}: needs a tensor with at least {need} dimension(s), got shape "
            f"{tuple(x.shape)}. Reshape it, or use tensor_split with a dim."
        )
    spec = _sections_or_indices(api, indices_or_sections)
    if isinstance(spec, int) and (spec < 1 or x.shape[d] % spec):
        raise ShapeError(
            f"{api}: cannot split dim {d} of size {x.shape[d]} (shape {tuple(x.shape)}) into "
            f"{spec} equal sections. Pass a count that divides {x.shape[d]}, or a list of split "
            "indices (or use tensor_split for unequal pieces)."
        )
    return tensor_split(x, spec, d)


def hsplit(x: Tensor, indices_or_sections: Any) -> tuple[Tensor, ...]:
    """Split horizontally, as ``torch.hsplit``: ``tensor_split`` along dim 1 (dim 0 for a 1-D
    x); an int must divide that dim's size.

    Example:
        >>> import autograd_core as ac
        >>> [p.shape for p in ac.ones(2, 4).hsplit(2)]
        [(2, 2), (2, 2)]
    """
    x = lift(x)
    return _split_along("hsplit", x, indices_or_sections, 0 if x.ndim == 1 else 1, 1)


def vsplit(x: Tensor, indices_or_sections: Any) -> tuple[Tensor, ...]:
    """Split vertically, as ``torch.vsplit``: ``tensor_split`` along dim 0 of an x with at
    least 2 dims; an int must divide the size.

    Example:
        >>> import autograd_core as ac
        >>> [p.shape for p in ac.ones(4, 2).vsplit([1])]
        [(1, 2), (3, 2)]
    """
    return _split_along("vsplit", x, indices_or_sections, 0, 2)


def dsplit(x: Tensor, indices_or_sections: Any) -> tuple[Tensor, ...]:
    """Split depth-wise, as ``torch.dsplit``: ``tensor_split`` along dim 2 of an x with at
    least 3 dims; an int must divide the size.

    Example:
        >>> import autograd_core as ac
        >>> [p.shape for p in ac.ones(1, 2, 4).dsplit(2)]
        [(1, 2, 2), (1, 2, 2)]
    """
    return _split_along("dsplit", x, indices_or_sections, 2, 3)


def broadcast_tensors(*tensors: Any) -> tuple[Tensor, ...]:
    """The inputs broadcast to their common shape (views), as ``torch.broadcast_tensors``;
    each gradient is ȳ summed back to its input's shape.

    Example:
        >>> import autograd_core as ac
        >>> [t.shape for t in ac.broadcast_tensors(ac.ones(2, 1), ac.ones(3))]
        [(2, 3), (2, 3)]
    """
    xs = [lift(t) for t in tensors]
    shape = broadcast_shapes(*(tuple(x.shape) for x in xs), op="broadcast_tensors")
    return tuple(x if x.shape == shape else broadcast_to(x, shape) for x in xs)
