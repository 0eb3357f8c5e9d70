"""Diagonals and triangles: ``diagonal`` (a writable view, as PyTorch's), its adjoint
``diagonal_grad``, ``trace``, ``tril``, ``triu`` and ``outer`` (the last three compositions of
recorded ops, with a constant mask for the triangles)."""

from __future__ import annotations

from typing import Any

from autograd_core.device import get_array_module
from autograd_core.errors import ShapeError
from autograd_core.op import Op
from autograd_core.ops.binary import where
from autograd_core.ops.common import lift, normalize_axis, zero_of
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = ["diagonal", "trace", "tril", "triu", "outer"]


def _diagonal_view(xp: Any, x: Any, offset: int, dim1: int, dim2: int) -> Any:
    """The view of ``x`` whose last axis runs along the diagonal ``offset`` of the axes
    ``dim1``, ``dim2`` (both dropped from their places): entry [..., k] is
    x[..., k, k + offset, ...] (offset ≥ 0) or x[..., k − offset, k, ...] (offset < 0). One
    stride, the sum of the two axes' strides, walks it; writes into it reach ``x``."""
    n1, n2 = x.shape[dim1], x.shape[dim2]
    first1, first2 = (0, offset) if offset >= 0 else (-offset, 0)
    length = max(0, min(n1 - first1, n2 - first2))
    if length:  # start at the diagonal's first element (an empty diagonal keeps x's start)
        index = [slice(None)] * x.ndim
        index[dim1], index[dim2] = slice(first1, None), slice(first2, None)
        x = x[tuple(index)]
    keep = [d for d in range(x.ndim) if d not in (dim1, dim2)]
    shape = tuple(x.shape[d] for d in keep) + (length,)
    strides = tuple(x.strides[d] for d in keep) + (x.strides[dim1] + x.strides[dim2],)
    return xp.lib.stride_tricks.as_strided(x, shape=shape, strides=strides)


@register_op("diagonal", array_vjp=True, saves_inputs=False)
class Diagonal(Op):
    r"""y = the diagonal ``offset`` of the axes ``dim1``, ``dim2`` of x, appended as the last
    axis (``torch.diagonal``): a view of x, so a write into y under ``no_grad`` reaches x.

    VJP: x̄ = diagonal_grad(ȳ): zeros like x with ȳ on that diagonal (a new array). Saves only
    the input shape. Does not broadcast.
    """

    fresh_grads = True

    def forward(self, x: Any, offset: int, dim1: int, dim2: int) -> Any:
        self.in_shape = x.shape
        return _diagonal_view(self.xp, x, offset, dim1, dim2)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        return (DiagonalGrad.call(gy, shape=self.in_shape, **self.params),)


@register_op("diagonal_grad", array_vjp=True, saves_inputs=False)
class DiagonalGrad(Op):
    r"""The adjoint of ``diagonal``: y = zeros(shape) with g written on the diagonal ``offset``
    of the axes ``dim1``, ``dim2``. VJP: ḡ = diagonal(ȳ). Saves nothing."""

    def forward(self, g: Any, shape: tuple[int, ...], offset: int, dim1: int, dim2: int) -> Any:
        out = self.xp.zeros(shape, g.dtype)
        _diagonal_view(self.xp, out, offset, dim1, dim2)[...] = g
        return out

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        p = self.params
        return (Diagonal.call(gy, offset=p["offset"], dim1=p["dim1"], dim2=p["dim2"]),)


def diagonal(x: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """The diagonal ``offset`` (above the main one when positive) of the axes ``dim1`` and
    ``dim2``, as the last axis of a view of ``x`` (``torch.diagonal``).

    Example:
        >>> import autograd_core as ac
        >>> x = ac.arange(9.0).reshape(3, 3)
        >>> x.diagonal(), x.diagonal(1), x.diagonal(-1)
        (tensor([0., 4., 8.]), tensor([1., 5.]), tensor([3., 7.]))
    """
    x = lift(x)
    if x.ndim < 2:
        raise ShapeError(
            f"diagonal: needs a tensor of at least 2 dimensions; got shape {tuple(x.shape)}."
        )
    (d1,) = normalize_axis("diagonal", int(dim1), x.shape, word="dim")
    (d2,) = normalize_axis("diagonal", int(dim2), x.shape, word="dim")
    if d1 == d2:
        raise ShapeError(
            f"diagonal: dim1 and dim2 are both {d1} for a tensor of shape {tuple(x.shape)}; pass "
            "two different dims."
        )
    return Diagonal.apply(x, offset=int(offset), dim1=d1, dim2=d2)


def trace(x: Tensor) -> Tensor:
    """The sum of the main diagonal of a matrix (``torch.trace``).

    Example:
        >>> import autograd_core as ac
        >>> ac.trace(ac.arange(9.0).reshape(3, 3))
        tensor(12.)
    """
    x = lift(x)
    if x.ndim != 2:
        raise ShapeError(f"trace: needs a matrix (2-D); got shape {tuple(x.shape)}.")
    return diagonal(x).sum()


def _triangle(name: str, x: Tensor, diagonal: int, lower: bool) -> Tensor:
    x = lift(x)
    if x.ndim < 2:
        raise ShapeError(f"{name}: needs at least 2 dimensions; got shape {tuple(x.shape)}.")
    n, m = x.shape[-2:]
    xp = get_array_module(x.data)
    k = int(diagonal)
    # on and below the diagonal k; the upper triangle is what lies below k − 1 left out
    keep = xp.tri(n, m, k=k, dtype=bool) if lower else ~xp.tri(n, m, k=k - 1, dtype=bool)
    return where(keep, x, zero_of(x))  # (x's dtype: a bool x stays bool, as PyTorch)


def tril(x: Tensor, diagonal: int = 0) -> Tensor:
    """The lower triangle of the last two axes (entries with column − row ≤ ``diagonal``), the
    rest zero, as ``torch.tril``; the gradient flows to the kept entries only.

    Example:
        >>> import autograd_core as ac
        >>> ac.ones(2, 3).tril()
        tensor([[1., 0., 0.],
                [1., 1., 0.]])
    """
    return _triangle("tril", x, diagonal, True)


def triu(x: Tensor, diagonal: int = 0) -> Tensor:
    """The upper triangle of the last two axes (entries with column − row ≥ ``diagonal``), the
    rest zero, as ``torch.triu``.

    Example:
        >>> import autograd_core as ac
        >>> ac.ones(2, 3).triu(1)
        tensor([[0., 1., 1.],
                [0., 0., 1.]])
    """
    return _triangle("triu", x, diagonal, False)


def outer(a: Tensor, b: Tensor) -> Tensor:
    """The outer product of two vectors, aᵢ bⱼ (``torch.outer``).

    Example:
        >>> import autograd_core as ac
        >>> ac.outer(ac.tensor([1.0, 2.0]), ac.tensor([1.0, 10.0, 100.0]))
        tensor([[  1.,  10., 100.],
                [  2.,  20., 200.]])
    """
    a, b = lift(a), lift(b)
    if a.ndim != 1 or b.ndim != 1:
        raise ShapeError(
            f"outer: needs two vectors (1-D); got shapes {tuple(a.shape)} and {tuple(b.shape)}."
        )
    return a.reshape(-1, 1) * b.reshape(1, -1)
