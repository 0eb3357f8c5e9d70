"""Shape ops: views and rearrangements whose VJPs move gradients back into place."""

from __future__ import annotations

import math
from typing import Any

import numpy

from autograd_core.device import Device, device_of, to_device
from autograd_core.errors import ShapeError
from autograd_core.op import Op
from autograd_core.ops._common import lift
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = [
    "reshape", "view", "permute", "transpose", "swapaxes", "broadcast_to", "expand",
    "getitem", "astype", "to_device",
]


@register_op("reshape")
class Reshape(Op):
    r"""y = x with a new shape (same elements in C order). VJP: x̄ = ȳ reshaped to x's shape.
    Saves only the input shape."""

    def forward(self, x: Any, shape: tuple[int, ...]) -> Any:
        self.in_shape = x.shape
        return x.reshape(shape)

    def vjp(self, gy: Tensor) -> tuple[Tensor | None, ...]:
        return (reshape(gy, self.in_shape),)


@register_op("permute")
class Permute(Op):
    r"""y = x with its axes reordered by ``dims`` (a view). VJP: x̄ = ȳ permuted by the inverse
    permutation. Saves nothing."""

    def forward(self, x: Any, dims: tuple[int, ...]) -> Any:
        return x.transpose(dims)

    def vjp(self, gy: Tensor) -> tuple[Tensor | None, ...]:
        inverse = tuple(numpy.argsort(self.params["dims"]))
        return (permute(gy, inverse),)


@register_op("broadcast_to")
class BroadcastTo(Op):
    r"""y = x broadcast to ``shape`` (a read-only view). VJP: x̄ = sum_to(ȳ, x.shape).
    Saves only the input shape."""

    def forward(self, x: Any, shape: tuple[int, ...]) -> Any:
        self.in_shape = x.shape
        return self.xp.broadcast_to(x, shape)

    def vjp(self, gy: Tensor) -> tuple[Tensor | None, ...]:
        from autograd_core.ops.reduce import sum_to

        return (sum_to(gy, self.in_shape),)


def _has_advanced(index: tuple[Any, ...]) -> bool:
    return any(not isinstance(i, (int, slice, type(None), type(Ellipsis))) for i in index)


@register_op("getitem")
class GetItem(Op):
    r"""y = x[index] with NumPy semantics (ints, slices, None, ..., bool masks, int arrays).
    VJP: x̄ = zeros like x with ȳ scattered into x[index]; repeated integer indices accumulate.
    Saves only the input shape."""

    def forward(self, x: Any, index: Any) -> Any:
        self.in_shape = x.shape
        return x[index]

    def vjp(self, gy: Tensor) -> tuple[Tensor | None, ...]:
        return (GetItemGrad.apply(gy, index=self.params["index"], shape=self.in_shape),)


@register_op("getitem_grad")
class GetItemGrad(Op):
    r"""The adjoint of ``getitem``: y = zeros(shape) with g added at ``index`` (``np.add.at``, so
    repeated indices accumulate). VJP: ḡ = ȳ[index]. Saves nothing."""

    def forward(self, g: Any, index: Any, shape: tuple[int, ...]) -> Any:
        out = self.xp.zeros(shape, g.dtype)
        if _has_advanced(index):
            self.xp.add.at(out, index, g)
        else:
            out[index] = g  # basic indexing never repeats an element
        return out

    def vjp(self, gy: Tensor) -> tuple[Tensor | None, ...]:
        return (getitem(gy, self.params["index"]),)


@register_op("astype")
class AsType(Op):
    r"""y = x cast to ``dtype``. VJP: x̄ = ȳ cast back to x's dtype (only float inputs receive a
    gradient). Saves only the input dtype."""

    def forward(self, x: Any, dtype: Any) -> Any:
        self.in_dtype = x.dtype
        return x.astype(dtype)

    def vjp(self, gy: Tensor) -> tuple[Tensor | None, ...]:
        return (astype(gy, self.in_dtype),)


@register_op("to_device")
class ToDevice(Op):
    r"""y = x copied to ``device``. VJP: x̄ = ȳ copied back to x's device. Saves the device."""

    def forward(self, x: Any, device: Device) -> Any:
        self.in_device = device_of(x)
        return to_device(x, device)

    def vjp(self, gy: Tensor) -> tuple[Tensor | None, ...]:
        return (to_device_op(gy, self.in_device),)


def reshape(x: Tensor, *shape: Any) -> Tensor:
    """x with a new shape; one dimension may be -1. ``reshape(x, 2, 3)`` or ``reshape(x, (2, 3))``.

    Example:
        >>> import autograd_core as ac
        >>> ac.arange(6).reshape(2, -1).shape
        (2, 3)
    """
    x = lift(x)
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    shape = tuple(int(s) for s in shape)
    known = math.prod(s for s in shape if s != -1)
    if shape.count(-1) > 1 or (
        -1 not in shape and known != x.numel()
    ) or (-1 in shape and (known == 0 or x.numel() % known)):
        raise ShapeError(
            f"reshape: cannot reshape a tensor of shape {tuple(x.shape)} ({x.numel()} elements) "
            f"into {shape}. The new shape must have the same number of elements, with at most "
            "one -1."
        )
    if -1 in shape:
        shape = tuple(x.numel() // known if s == -1 else s for s in shape)
    if shape == x.shape:
        return x
    return Reshape.apply(x, shape=shape)


def view(x: Tensor, *shape: Any) -> Tensor:
    """PyTorch's name for ``reshape`` (the result may or may not share memory)."""
    return reshape(x, *shape)


def permute(x: Tensor, *dims: Any) -> Tensor:
    """Reorder the axes: ``permute(x, 2, 0, 1)``.

    Example:
        >>> import autograd_core as ac
        >>> ac.zeros(2, 3, 4).permute(2, 0, 1).shape
        (4, 2, 3)
    """
    x = lift(x)
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        dims = tuple(dims[0])
    nd = x.ndim
    norm = tuple(int(d) % nd if -nd <= int(d) < nd else -1 for d in dims) if nd else ()
    if sorted(norm) != list(range(nd)):
        raise ShapeError(
            f"permute: {tuple(dims)} is not a permutation of the {nd} axes of a tensor of shape "
            f"{tuple(x.shape)}."
        )
    if norm == tuple(range(nd)):
        return x
    return Permute.apply(x, dims=norm)


def transpose(x: Tensor, dim0: int = -2, dim1: int = -1) -> Tensor:
    """Swap two axes (PyTorch's ``transpose(dim0, dim1)``)."""
    x = lift(x)
    nd = x.ndim
    for d in (dim0, dim1):
        if not -nd <= d < nd:
            raise ShapeError(
                f"transpose: axis {d} is out of range for a tensor of shape {tuple(x.shape)}."
            )
    dims = list(range(nd))
    dims[dim0], dims[dim1] = dims[dim1], dims[dim0]
    return permute(x, tuple(dims))


def swapaxes(x: Tensor, axis1: int, axis2: int) -> Tensor:
    """NumPy's name for ``transpose(x, axis1, axis2)``."""
    return transpose(x, axis1, axis2)


def broadcast_to(x: Tensor, *shape: Any) -> Tensor:
    """x broadcast to ``shape`` without copying (NumPy rules).

    Example:
        >>> import autograd_core as ac
        >>> ac.ones(3, 1).broadcast_to(2, 3, 4).shape
        (2, 3, 4)
    """
    from autograd_core.broadcast import broadcast_shapes

    x = lift(x)
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    shape = tuple(int(s) for s in shape)
    if len(shape) < x.ndim or broadcast_shapes(x.shape, shape, op="broadcast_to") != shape:
        raise ShapeError(
            f"broadcast_to: a tensor of shape {tuple(x.shape)} cannot be broadcast to {shape}; "
            "each dimension must be equal or 1 in the source."
        )
    if shape == x.shape:
        return x
    return BroadcastTo.apply(x, shape=shape)


def expand(x: Tensor, *sizes: Any) -> Tensor:
    """PyTorch's ``expand``: like ``broadcast_to``, where -1 keeps a dimension's size."""
    x = lift(x)
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = tuple(sizes[0])
    lead = len(sizes) - x.ndim
    shape = tuple(x.shape[i - lead] if s == -1 and i >= lead else s for i, s in enumerate(sizes))
    return broadcast_to(x, shape)


def _normalize_index(index: Any) -> tuple[Any, ...]:
    if not isinstance(index, tuple):
        index = (index,)
    out = []
    for i in index:
        if isinstance(i, Tensor):
            i = i.data
        elif isinstance(i, list):
            i = numpy.asarray(i)
        out.append(i)
    return tuple(out)


def getitem(x: Tensor, index: Any) -> Tensor:
    """``x[index]`` with NumPy's indexing rules; integer-array and mask indices are supported
    and repeated indices accumulate in the gradient.

    Example:
        >>> import autograd_core as ac
        >>> x = ac.arange(6.0).reshape(2, 3)
        >>> x[1], x[:, ::2].shape, x[x > 2]
        (tensor([3., 4., 5.]), (2, 2), tensor([3., 4., 5.]))
    """
    x = lift(x)
    index = _normalize_index(index)
    try:
        return GetItem.apply(x, index=index)
    except IndexError as e:
        raise ShapeError(
            f"getitem: index {index!r} does not fit a tensor of shape {tuple(x.shape)}: {e}."
        ) from e


def astype(x: Tensor, dtype: Any) -> Tensor:
    """x cast to ``dtype``; gradients are cast back."""
    x = lift(x)
    dtype = numpy.dtype(dtype)
    if dtype == x.dtype:
        return x
    return AsType.apply(x, dtype=dtype)


def to_device_op(x: Tensor, device: Any) -> Tensor:
    """x copied to ``device``; gradients are copied back."""
    device = Device(device)
    if x.device == device:
        return x
    return ToDevice.apply(x, device=device)


to_device = to_device_op
