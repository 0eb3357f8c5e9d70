"""PyTorch's ``*_copy`` functions (``view_copy``, ``t_copy``, ``select_copy`` …): each is the
view op followed by a copy, so the result owns its memory; gradients flow through both, as
through the view alone. Also the top-level forms of the split family's Tensor methods
``split_with_sizes``, ``unsafe_split``, ``unsafe_split_with_sizes`` and ``unsafe_chunk``
(``tensor_more.py``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from autograd_core import tensor_more
from autograd_core.errors import ShapeError
from autograd_core.ops.common import normalize_axis
from autograd_core.ops.copying import clone
from autograd_core.ops.diagonals import diagonal
from autograd_core.ops.join import split, unbind
from autograd_core.ops.shape import expand, permute, squeeze, transpose, unsqueeze, view
from autograd_core.ops.strided import as_strided
from autograd_core.ops.views import select, t
from autograd_core.tensor import Tensor

__all__ = [
    "view_copy",
    "t_copy",
    "transpose_copy",
    "permute_copy",
    "expand_copy",
    "squeeze_copy",
    "unsqueeze_copy",
    "diagonal_copy",
    "select_copy",
    "slice_copy",
    "narrow_copy",
    "split_copy",
    "split_with_sizes_copy",
    "unbind_copy",
    "alias_copy",
    "detach_copy",
    "as_strided_copy",
    "unfold_copy",
    "split_with_sizes",
    "unsafe_split",
    "unsafe_split_with_sizes",
    "unsafe_chunk",
]


def view_copy(input: Tensor, size: Any) -> Tensor:  # noqa: A002  (PyTorch's names)
    """``input.view(size).clone()`` (``torch.view_copy``; a dtype reinterpretation raises, as
    ``view`` does in ours).

    Example:
        >>> import autograd_core as ac
        >>> ac.view_copy(ac.arange(6.0), (2, 3)).shape
        (2, 3)
    """
    return clone(view(input, size))


def t_copy(input: Tensor) -> Tensor:  # noqa: A002
    """``input.t().clone()``: a copy of the transpose of a tensor of at most 2 dimensions."""
    return clone(t(input))


def transpose_copy(input: Tensor, dim0: int, dim1: int) -> Tensor:  # noqa: A002
    """``input.transpose(dim0, dim1).clone()``."""
    return clone(transpose(input, dim0, dim1))


def permute_copy(input: Tensor, dims: Sequence[int]) -> Tensor:  # noqa: A002
    """``input.permute(dims).clone()``."""
    return clone(permute(input, tuple(dims)))


def expand_copy(input: Tensor, size: Sequence[int], *, implicit: bool = False) -> Tensor:  # noqa: A002
    """``input.expand(size).clone()``: the broadcast values written out (``implicit`` is
    accepted and ignored, as in PyTorch's eager mode).

    Example:
        >>> import autograd_core as ac
        >>> ac.expand_copy(ac.tensor([[1.0], [2.0]]), (2, 3))
        tensor([[1., 1., 1.],
                [2., 2., 2.]])
    """
    return clone(expand(input, tuple(size)))


def squeeze_copy(input: Tensor, dim: Any = None) -> Tensor:  # noqa: A002
    """``input.squeeze(dim).clone()``; ``dim`` may be None (all size-1 dims), an int or a
    sequence of ints."""
    return clone(squeeze(input, tuple(dim) if isinstance(dim, list) else dim))


def unsqueeze_copy(input: Tensor, dim: int) -> Tensor:  # noqa: A002
    """``input.unsqueeze(dim).clone()``."""
    return clone(unsqueeze(input, dim))


def diagonal_copy(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:  # noqa: A002
    """``input.diagonal(offset, dim1, dim2).clone()``."""
    return clone(diagonal(input, offset, dim1, dim2))


def select_copy(input: Tensor, dim: int, index: int) -> Tensor:  # noqa: A002
    """``input.select(dim, index).clone()``."""
    return clone(select(input, dim, index))


def slice_copy(
    input: Tensor,  # noqa: A002
    dim: int = 0,
    start: int | None = None,
    end: int | None = None,
    step: int = 1,
) -> Tensor:
    """``input[..., start:end:step, ...]`` along ``dim``, copied (``torch.slice_copy``):
    bounds are clamped as Python slices are; the step must be positive.

    Raises:
        ShapeError: a step below 1, or a 0-d input.

    Example:
        >>> import autograd_core as ac
        >>> ac.slice_copy(ac.arange(6.0), 0, 1, None, 2)
        tensor([1., 3., 5.])
    """
    if step < 1:
        raise ShapeError(
            f"slice_copy: slice step must be positive, got {step}. Flip the tensor with "
            "ac.flip first for a reversed slice."
        )
    if input.ndim == 0:
        raise ShapeError("slice_copy: cannot slice a 0-d tensor (shape ()). Reshape it first.")
    (d,) = normalize_axis("slice_copy", int(dim), input.shape, word="dim", subject="inputs")
    key = (slice(None),) * d + (slice(start, end, step),)
    return clone(input[key])


def narrow_copy(input: Tensor, dim: int, start: int, length: int) -> Tensor:  # noqa: A002
    """``input.narrow(dim, start, length).clone()``."""
    return tensor_more.narrow_copy(input, dim, start, length)


def split_copy(input: Tensor, split_size: int, dim: int = 0) -> tuple[Tensor, ...]:  # noqa: A002
    """``split(input, split_size, dim)`` with each piece copied."""
    return tuple(clone(p) for p in split(input, split_size, dim))


def split_with_sizes_copy(
    input: Tensor,  # noqa: A002
    split_sizes: Sequence[int],
    dim: int = 0,
) -> tuple[Tensor, ...]:
    """``split_with_sizes(input, split_sizes, dim)`` with each piece copied."""
    return tuple(clone(p) for p in split_with_sizes(input, split_sizes, dim))


def unbind_copy(input: Tensor, dim: int = 0) -> tuple[Tensor, ...]:  # noqa: A002
    """``unbind(input, dim)`` with each slice copied."""
    return tuple(clone(p) for p in unbind(input, dim))


def alias_copy(input: Tensor) -> Tensor:  # noqa: A002
    """A copy of ``input`` (``torch.alias_copy``: the alias, copied), with gradient."""
    return clone(input)


def detach_copy(input: Tensor) -> Tensor:  # noqa: A002
    """``input.detach().clone()``: a copy outside the graph.

    Differs from PyTorch 2.13, whose ``detach_copy`` of a tensor that requires grad returns one
    that still requires grad with a ``NotImplemented`` grad_fn (backward through it raises).
    """
    return clone(input.detach())


def as_strided_copy(
    input: Tensor,  # noqa: A002
    size: Sequence[int],
    stride: Sequence[int],
    storage_offset: int | None = None,
) -> Tensor:
    """``as_strided(input, size, stride, storage_offset).clone()`` (see ``ac.as_strided`` for
    where ours differs from PyTorch on non-contiguous inputs)."""
    return clone(as_strided(input, size, stride, storage_offset))


def unfold_copy(input: Tensor, dimension: int, size: int, step: int) -> Tensor:  # noqa: A002
    """``input.unfold(dimension, size, step).clone()``: the sliding windows, copied."""
    return clone(tensor_more.unfold(input, dimension, size, step))


def split_with_sizes(
    input: Tensor,  # noqa: A002
    split_sizes: Sequence[int],
    dim: int = 0,
) -> tuple[Tensor, ...]:
    """``split`` with a list of piece sizes, which must sum to the size of ``dim``
    (``torch.split_with_sizes``; ``x.split_with_sizes`` in ``tensor_more.py``).

    Example:
        >>> import autograd_core as ac
        >>> [p.shape for p in ac.split_with_sizes(ac.ones(5), [2, 3])]
        [(2,), (3,)]
    """
    return tensor_more.split_with_sizes(input, split_sizes, dim)


def unsafe_split(input: Tensor, split_size: int, dim: int = 0) -> tuple[Tensor, ...]:  # noqa: A002
    """``split`` into ``narrow`` views that may be written in place (``x.unsafe_split``, whose
    docstring says where ours differs from PyTorch)."""
    return tensor_more.unsafe_split(input, split_size, dim)


def unsafe_split_with_sizes(
    input: Tensor,  # noqa: A002
    split_sizes: Sequence[int],
    dim: int = 0,
) -> tuple[Tensor, ...]:
    """``split_with_sizes`` into ``narrow`` views (see ``unsafe_split``)."""
    return tensor_more.unsafe_split_with_sizes(input, split_sizes, dim)


def unsafe_chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:  # noqa: A002
    """``chunk`` into ``narrow`` views (see ``unsafe_split``)."""
    return tensor_more.unsafe_chunk(input, chunks, dim)
