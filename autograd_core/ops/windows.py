r"""Sliding windows along one axis (``Tensor.unfold``) as a view, with its adjoint, and the
scatter forms of two views (``diagonal_scatter``, ``as_strided_scatter``).

``x.unfold(d, k, s)`` has x's shape with axis d replaced by the number of windows
w = (n − k) // s + 1, and a new last axis of length k: entry [..., i, ..., j] is
x[..., i·s + j, ...]. Windows overlap when s < k, so an element of x is read by several
entries and its gradient is the sum of theirs.
"""

from __future__ import annotations

from typing import Any

from autograd_core.errors import ShapeError
from autograd_core.op import Op
from autograd_core.ops.common import lift, normalize_axis
from autograd_core.ops.diagonals import diagonal
from autograd_core.ops.scattering import scatter
from autograd_core.ops.strided import as_strided
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = ["diagonal_scatter", "as_strided_scatter"]


@register_op("unfold_windows", array_vjp=True, saves_inputs=False)
class UnfoldWindows(Op):
    r"""y[..., i, ..., j] = x[..., i·step + j, ...] (windows of ``size`` along ``axis``, a new
    last axis; a view of x, also when x is not contiguous). VJP: x̄ = unfold_windows_grad(ȳ):
    each window's gradient added back at the positions it read (a sum where windows
    overlap). Saves only x's shape. Does not broadcast."""

    fresh_grads = True

    def forward(self, x: Any, axis: int, size: int, step: int) -> Any:
        self.in_shape = x.shape
        if x.ndim == 0:  # (one element: a window of it, or an empty one, as PyTorch)
            return x.reshape(1)[:size]
        count = (x.shape[axis] - size) // step + 1
        shape = x.shape[:axis] + (count,) + x.shape[axis + 1 :] + (size,)
        st = x.strides
        strides = st[:axis] + (st[axis] * step,) + st[axis + 1 :] + (st[axis],)
        return self.xp.lib.stride_tricks.as_strided(x, shape=shape, strides=strides)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        return (UnfoldWindowsGrad.call(gy, shape=self.in_shape, **self.params),)


@register_op("unfold_windows_grad", array_vjp=True, saves_inputs=False)
class UnfoldWindowsGrad(Op):
    r"""The adjoint of ``unfold_windows``: zeros of ``shape`` with g[..., i, ..., j] added at
    [..., i·step + j, ...] (one strided slice per window position j). VJP: ḡ =
    unfold_windows(ȳ), a view of ȳ. Saves nothing."""

    def forward(self, g: Any, shape: Any, axis: int, size: int, step: int) -> Any:
        if not shape:
            return self.xp.asarray(g.sum(), dtype=g.dtype)
        out = self.xp.zeros(shape, dtype=g.dtype)
        count = g.shape[axis]
        lead = (slice(None),) * axis
        for j in range(size if count else 0):
            out[lead + (slice(j, j + step * (count - 1) + 1, step),)] += g[..., j]
        return out

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        p = self.params
        return (UnfoldWindows.call(gy, axis=p["axis"], size=p["size"], step=p["step"]),)


def unfold_windows(x: Tensor, dimension: int, size: int, step: int) -> Tensor:
    """The windows of ``size`` elements, ``step`` apart, along ``dimension``, as a view
    (``torch.Tensor.unfold``): that axis becomes the window index, a new last axis of length
    ``size`` runs along each window; a 0-d x gives one window of its element (shape
    ``(size,)``). The gradient of an element is the sum over the windows that hold it.

    Raises:
        ShapeError: a dimension out of range, a size below 0 or above the axis's length, or a
            step below 1.

    Example:
        >>> import autograd_core as ac
        >>> ac.arange(7.0).unfold(0, 3, 2)
        tensor([[0., 1., 2.],
                [2., 3., 4.],
                [4., 5., 6.]])
    """
    x = lift(x)
    shape = x.shape or (1,)
    (d,) = normalize_axis("unfold", int(dimension), shape, word="dim")
    size, step = int(size), int(step)
    if step < 1:
        raise ShapeError(f"unfold: step is {step} but must be at least 1.")
    if not 0 <= size <= shape[d]:
        raise ShapeError(
            f"unfold: size {size} does not fit dimension {d} of length {shape[d]} (tensor "
            f"of shape {tuple(x.shape)}); the window size must lie in [0, {shape[d]}]."
        )
    return UnfoldWindows.apply(x, axis=d, size=size, step=step)


def diagonal_scatter(x: Tensor, src: Any, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """x with ``x.diagonal(offset, dim1, dim2)`` replaced by ``src`` (cast to x's dtype; its
    shape is that diagonal's), as ``torch.diagonal_scatter``. Gradients: x̄ = ȳ off the
    diagonal, 0 on it; src̄ = ȳ.diagonal(offset, dim1, dim2).

    Example:
        >>> import autograd_core as ac
        >>> ac.zeros(2, 3).diagonal_scatter(ac.ones(2), 1)
        tensor([[0., 1., 0.],
                [0., 0., 1.]])
    """
    x = lift(x)
    cells = Tensor._make(x.xp.arange(x.numel()).reshape(x.shape), False, None)
    where = diagonal(cells, offset, dim1, dim2)  # (checks the dims as diagonal does)
    return _placed("diagonal_scatter", x, src, where, f"offset {offset}, dims {dim1}, {dim2}")


def as_strided_scatter(
    x: Tensor, src: Any, size: Any, stride: Any, storage_offset: int | None = None
) -> Tensor:
    """x with the entries ``x.as_strided(size, stride, storage_offset)`` reads replaced by
    ``src`` (cast to x's dtype; of shape ``size``), as ``torch.as_strided_scatter``, reading
    x's elements in row-major order as ``as_strided`` does (ops/strided.py: PyTorch's result
    for a contiguous x). Gradients: x̄ = ȳ where nothing was written, 0 where src was;
    src̄ = ȳ.as_strided(size, stride, storage_offset). (PyTorch 2.13 gives x the opposite
    gradient, ȳ where src was written and 0 elsewhere; its own gradcheck fails there.)

    Raises:
        ShapeError: what ``as_strided`` refuses, src not of shape ``size``, or entries that
            overlap (two values for one element; PyTorch keeps one of them, unspecified).

    Example:
        >>> import autograd_core as ac
        >>> ac.zeros(2, 3).as_strided_scatter(ac.ones(2), (2,), (4,))
        tensor([[1., 0., 0.],
                [0., 1., 0.]])
    """
    x = lift(x)
    cells = Tensor._make(x.xp.arange(x.numel()).reshape(x.shape), False, None)
    where = as_strided(cells, size, stride, storage_offset)
    if int(x.xp.unique(where.data).size) < where.numel():
        raise ShapeError(
            f"as_strided_scatter: size {tuple(where.shape)} with stride {tuple(stride)} reads "
            "some elements more than once, so src would give them several values. Pass a "
            "size and stride whose entries do not overlap."
        )
    return _placed("as_strided_scatter", x, src, where, f"size {size}, stride {stride}")


def _placed(name: str, x: Tensor, src: Any, where: Tensor, what: str) -> Tensor:
    """x with the elements at the row-major positions ``where`` replaced by src."""
    src = lift(src, x)
    if src.shape != where.shape:
        raise ShapeError(
            f"{name}: src has shape {tuple(src.shape)} but the part of x (shape "
            f"{tuple(x.shape)}) it replaces ({what}) has shape {tuple(where.shape)}."
        )
    flat = scatter(x.reshape(-1), 0, where.data.reshape(-1), src.to(x.dtype).reshape(-1))
    return flat.reshape(x.shape)
