"""Shape ops: views and rearrangements whose VJPs move gradients back into place."""

from __future__ import annotations

import math
from typing import Any

import numpy

from autograd_core.device import Device, device_of, get_array_module
from autograd_core.device import to_device as move_array
from autograd_core.dtypes import names_a_dtype
from autograd_core.errors import ShapeError
from autograd_core.op import Op
from autograd_core.ops.common import lift, normalize_axis
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor
from autograd_core.version import mark_owner, root_of

__all__ = [
    "reshape",
    "view",
    "permute",
    "transpose",
    "swapaxes",
    "broadcast_to",
    "expand",
    "astype",
    "to_device",
    "flatten",
    "squeeze",
    "unsqueeze",
]


@register_op("reshape", array_vjp=True, saves_inputs=False)
class Reshape(Op):
    r"""y = x with a new shape (same elements in C order). VJP: x̄ = ȳ reshaped to x's shape
    (a view of ȳ where the layout allows). Saves only the input shape."""

    def forward(self, x: Any, shape: tuple[int, ...]) -> Any:
        self.in_shape = x.shape
        y = x.reshape(shape)
        if type(y) is numpy.ndarray and y.base is not None and root_of(y) is not root_of(x):
            mark_owner(y)  # (a copy, made as a view of a temporary: no view of x)
        return y

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        return (gy.reshape(self.in_shape),)


@register_op("permute", array_vjp=True, saves_inputs=False)
class Permute(Op):
    r"""y = x with its axes reordered by ``dims`` (a view). VJP: x̄ = ȳ permuted by the inverse
    permutation (a view of ȳ). Saves nothing."""

    def forward(self, x: Any, dims: tuple[int, ...]) -> Any:
        return x.transpose(dims)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        dims = self.params["dims"]
        if dims == (1, 0):  # a matrix's .T (every matmul VJP): its own inverse
            return (gy.T,)
        inverse = tuple(sorted(range(len(dims)), key=dims.__getitem__))
        return (Permute.call(gy, dims=inverse),)


@register_op("broadcast_to", array_vjp=True, saves_inputs=False)
class BroadcastTo(Op):
    r"""y = x broadcast to ``shape`` (a read-only view). VJP: x̄ = sum_to(ȳ, x.shape).
    Saves only the input shape.

    The gradient is a new array: ``shape`` differs from x's shape (``broadcast_to`` returns x
    itself otherwise), so sum_to sums over at least one axis. A node built directly with
    ``shape == x.shape`` would only reshape ȳ, and clears ``fresh_grads`` for itself.
    """

    fresh_grads = True

    def forward(self, x: Any, shape: tuple[int, ...]) -> Any:
        self.in_shape = x.shape
        if x.shape == shape:
            self.fresh_grads = False
            return x[...]  # a writable view, as torch's expand to the same shape
        return self.xp.broadcast_to(x, shape)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        from autograd_core.ops.reduce import SumTo  # reduce.py imports this module

        return (SumTo.call(gy, shape=self.in_shape),)


@register_op("astype", array_vjp=True, saves_inputs=False)
class AsType(Op):
    r"""y = x cast to ``dtype``. VJP: x̄ = ȳ cast back to x's dtype (a new array; only float
    inputs receive a gradient). Saves only the input dtype."""

    fresh_grads = True

    def forward(self, x: Any, dtype: Any) -> Any:
        self.in_dtype = x.dtype
        return x.astype(dtype)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        return (gy.astype(self.in_dtype),)


@register_op("to_device", array_vjp=True, saves_inputs=False)
class ToDevice(Op):
    r"""y = x copied to ``device``. VJP: x̄ = ȳ copied back to x's device. Saves the device.

    Not ``fresh_grads`` (the safe choice): the device layer hands back an array already on the
    target device as it is, not a copy; only a move between two devices makes a new array.
    """

    def forward(self, x: Any, device: Device) -> Any:
        self.in_device = device_of(x)
        return move_array(x, device)  # the array function: the module's to_device is the op

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        return (ToDevice.call(gy, device=self.in_device),)


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
    if (
        shape.count(-1) > 1
        or (-1 not in shape and known != x.numel())
        or (-1 in shape and (known == 0 or x.numel() % known))
    ):
        raise ShapeError(
            f"reshape: cannot reshape a tensor of shape {tuple(x.shape)} ({x.numel()} elements) "
            f"into {shape}. The new shape must have the same number of elements, with at most "
            "one -1."
        )
    if -1 in shape:
        shape = tuple(x.numel() // known if s == -1 else s for s in shape)
    # (a new view even when nothing moves, as PyTorch: in-place ops on it are the view's)
    return Reshape.apply(x, shape=shape)


def view(x: Tensor, *shape: Any) -> Tensor:
    """``reshape`` that always shares memory with ``x``, as PyTorch's ``view``: a write into
    the result (under ``no_grad``) is a write into ``x``. Where the strides of ``x`` do not
    allow that (after ``.T``, ``permute`` or slicing), it raises instead of copying; use
    ``reshape``, which copies when it must.

    Example:
        >>> import autograd_core as ac
        >>> ac.zeros(2, 3).view(3, 2).shape
        (3, 2)
        >>> ac.zeros(2, 3).T.view(6)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        autograd_core.errors.ShapeError: view: ... cannot be viewed as (6,) without copying ...
    """
    x = lift(x)
    if len(shape) == 1 and not isinstance(shape[0], (int, tuple, list)) and names_a_dtype(shape[0]):
        raise TypeError(
            f"view: view({shape[0]}) reinterprets the bytes of a tensor as another dtype, which "
            "autograd-core does not do. Use .to(dtype) to convert the values, or "
            "x.numpy().view(dtype) for the raw bytes."
        )
    y = reshape(x, *shape)
    if y is x or y.data.size == 0:
        return y
    xp = get_array_module(x.data)
    if not xp.may_share_memory(y.data, x.data):
        want = tuple(y.shape)
        text = str(want[0]) if len(want) == 1 else ", ".join(map(str, want))
        raise ShapeError(
            f"view: a tensor of shape {tuple(x.shape)} with strides {tuple(x.data.strides)} "
            f"(bytes) cannot be viewed as {want} without copying its data (it is not "
            "contiguous, as after .T, permute or slicing). Use "
            f".reshape({text}) (copies when needed) or .contiguous().view({text})."
        )
    return y


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
    # (a new view even when nothing moves, as PyTorch: in-place ops on it are the view's)
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
    # (a new view even when nothing moves, as PyTorch: in-place ops on it are the view's)
    return BroadcastTo.apply(x, shape=shape)


def expand(x: Tensor, *sizes: Any) -> Tensor:
    """PyTorch's ``expand``: like ``broadcast_to``, where -1 keeps a dimension's size."""
    x = lift(x)
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = tuple(sizes[0])
    lead = len(sizes) - x.ndim
    shape = tuple(x.shape[i - lead] if s == -1 and i >= lead else s for i, s in enumerate(sizes))
    return broadcast_to(x, shape)


def astype(x: Tensor, dtype: Any) -> Tensor:
    """x cast to ``dtype``; gradients are cast back. A cast to an integer or bool dtype is not
    differentiable: its result never requires grad."""
    x = lift(x)
    dtype = numpy.dtype(dtype)
    if dtype == x.dtype:
        return x
    if dtype.kind not in "fc":  # integer and bool results never require grad (PyTorch)
        x = x.detach()
    return AsType.apply(x, dtype=dtype)


def to_device_op(x: Tensor, device: Any) -> Tensor:
    """x copied to ``device``; gradients are copied back."""
    device = Device(device)
    if x.device == device:
        return x
    return ToDevice.apply(x, device=device)


to_device = to_device_op


# -- flatten, squeeze, unsqueeze (aliases of reshape) --------------------------------------


def flatten(x: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge the axes ``start_dim`` … ``end_dim`` (inclusive) into one, as ``torch.flatten``.

    An alias of ``reshape``; a 0-d tensor becomes shape ``(1,)``.

    Example:
        >>> import autograd_core as ac
        >>> ac.zeros(2, 3, 4).flatten().shape, ac.zeros(2, 3, 4).flatten(1).shape
        ((24,), (2, 12))
    """
    x = lift(x)
    (start,) = normalize_axis("flatten", int(start_dim), x.shape, word="dim")
    (end,) = normalize_axis("flatten", int(end_dim), x.shape, word="dim")
    if x.ndim == 0:
        return reshape(x, (1,))
    if start > end:
        raise ShapeError(
            f"flatten: start_dim {start_dim} comes after end_dim {end_dim} for a tensor of shape "
            f"{tuple(x.shape)}. Pass start_dim <= end_dim."
        )
    if start == end:  # nothing to merge: x itself, as PyTorch
        return x
    shape = x.shape[:start] + (math.prod(x.shape[start : end + 1]),) + x.shape[end + 1 :]
    return reshape(x, shape)


def squeeze(x: Tensor, dim: Any = None) -> Tensor:
    """Remove axes of size 1: all of them (``dim=None``), or those among ``dim`` (an int or a
    tuple) that have size 1; squeezing an axis of another size is a no-op, as in PyTorch.

    An alias of ``reshape``.

    Example:
        >>> import autograd_core as ac
        >>> x = ac.zeros(1, 3, 1)
        >>> x.squeeze().shape, x.squeeze(-1).shape, x.squeeze(1).shape
        ((3,), (1, 3), (1, 3, 1))
    """
    x = lift(x)
    if dim is None:
        axes = tuple(range(x.ndim))
    else:
        dims = tuple(dim) if isinstance(dim, (tuple, list)) else (dim,)
        axes = tuple(normalize_axis("squeeze", int(d), x.shape, word="dim")[0] for d in dims)
        if len(set(axes)) != len(axes):
            raise ShapeError(f"squeeze: dim {dim!r} names an axis twice. Pass each axis once.")
    shape = tuple(n for i, n in enumerate(x.shape) if not (i in axes and n == 1))
    return reshape(x, shape)


def unsqueeze(x: Tensor, dim: int) -> Tensor:
    """Insert an axis of size 1 at position ``dim`` (−ndim−1 ≤ dim ≤ ndim), as PyTorch.

    An alias of ``reshape``.

    Example:
        >>> import autograd_core as ac
        >>> ac.zeros(2, 3).unsqueeze(0).shape, ac.zeros(2, 3).unsqueeze(-1).shape
        ((1, 2, 3), (2, 3, 1))
    """
    x = lift(x)
    (d,) = normalize_axis("unsqueeze", int(dim), x.shape, positions=x.ndim + 1, word="dim")
    return reshape(x, x.shape[:d] + (1,) + x.shape[d:])
