"""Shape ops: views and rearrangements whose VJPs move gradients back into place."""

from __future__ import annotations

import math
from typing import Any

import numpy

from autograd_core.device import Device, device_of
from autograd_core.device import to_device as move_array
from autograd_core.errors import ShapeError
from autograd_core.op import Op
from autograd_core.ops._common import lift, normalize_axis
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = [
    "reshape",
    "view",
    "permute",
    "transpose",
    "swapaxes",
    "broadcast_to",
    "expand",
    "getitem",
    "astype",
    "to_device",
    "flatten",
    "squeeze",
    "unsqueeze",
    "pad",
    "flip",
    "repeat",
    "tile",
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
        return move_array(x, device)  # the array function: the module's to_device is the op

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


# -- flatten, squeeze, unsqueeze (aliases of reshape); pad, flip, repeat/tile ---------------


def _axis_in_range(op: str, d: Any, n: int, x: Tensor) -> int:
    """``d`` as a non-negative axis among ``n`` positions, or a ShapeError naming ``op``."""
    d = int(d)
    if not -n <= d < n:
        raise ShapeError(
            f"{op}: dim {d} is out of range for a tensor of shape {tuple(x.shape)}; valid dims "
            f"are {-n} to {n - 1}. Pass a dim in that range."
        )
    return d % n


def flatten(x: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge the axes ``start_dim`` … ``end_dim`` (inclusive) into one, as ``torch.flatten``.

    An alias of ``reshape``; a 0-d tensor becomes shape ``(1,)``.

    Example:
        >>> import autograd_core as ac
        >>> ac.zeros(2, 3, 4).flatten().shape, ac.zeros(2, 3, 4).flatten(1).shape
        ((24,), (2, 12))
    """
    x = lift(x)
    if x.ndim == 0:
        _axis_in_range("flatten", start_dim, 1, x)
        _axis_in_range("flatten", end_dim, 1, x)
        return reshape(x, (1,))
    start = _axis_in_range("flatten", start_dim, x.ndim, x)
    end = _axis_in_range("flatten", end_dim, x.ndim, x)
    if start > end:
        raise ShapeError(
            f"flatten: start_dim {start_dim} comes after end_dim {end_dim} for a tensor of shape "
            f"{tuple(x.shape)}. Pass start_dim <= end_dim."
        )
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
        axes = tuple(_axis_in_range("squeeze", d, max(x.ndim, 1), x) for d in dims)
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
    d = _axis_in_range("unsqueeze", dim, x.ndim + 1, x)
    return reshape(x, x.shape[:d] + (1,) + x.shape[d:])


@register_op("pad")
class Pad(Op):
    r"""Constant padding: y = x with ``before`` and ``after`` entries equal to ``value`` added on
    each axis (``widths`` holds one (before, after) pair per axis); a negative width crops.

    VJP: x̄ = pad(ȳ, −widths, value=0), i.e. ȳ with the padding sliced off (and cropped parts
    given a zero gradient). The padded entries do not depend on x, and ``value`` is a constant
    with no gradient. Saves nothing. Does not broadcast.
    """

    def forward(self, x: Any, widths: tuple[tuple[int, int], ...], value: float) -> Any:
        crop = tuple(slice(max(-b, 0), n - max(-a, 0)) for (b, a), n in zip(widths, x.shape))
        grow = [(max(b, 0), max(a, 0)) for b, a in widths]
        return self.xp.pad(x[crop], grow, mode="constant", constant_values=value)

    def vjp(self, gy: Tensor) -> tuple[Tensor | None, ...]:
        negated = tuple((-b, -a) for b, a in self.params["widths"])
        return (Pad.apply(gy, widths=negated, value=0.0),)


def pad(x: Tensor, pad: Any, value: float = 0.0) -> Tensor:
    """Constant padding with PyTorch's ``F.pad`` width order: last axis first.

    ``pad = (left, right)`` pads the last axis, ``(left, right, top, bottom)`` the last two, and
    so on; negative widths crop, as in PyTorch.

    Example:
        >>> import autograd_core as ac
        >>> ac.ones(2, 3).pad((1, 2)).shape, ac.ones(2, 3).pad((0, 0, 1, 0), value=5.0)[0]
        ((2, 6), tensor([5., 5., 5.]))
    """
    x = lift(x)
    widths_in = tuple(int(p) for p in pad)
    if len(widths_in) % 2 or len(widths_in) > 2 * x.ndim:
        raise ShapeError(
            f"pad: got {len(widths_in)} widths {widths_in} for a tensor of shape "
            f"{tuple(x.shape)}; pass an even number of widths, at most 2 * {x.ndim}, ordered "
            "(last-axis left, last-axis right, second-to-last left, ...)."
        )
    widths = [(0, 0)] * x.ndim
    for k in range(len(widths_in) // 2):
        widths[x.ndim - 1 - k] = (widths_in[2 * k], widths_in[2 * k + 1])
    for axis, ((b, a), n) in enumerate(zip(widths, x.shape)):
        if n + b + a < 0:
            raise ShapeError(
                f"pad: widths ({b}, {a}) on axis {axis} of a tensor of shape {tuple(x.shape)} "
                f"would give size {n + b + a}. Crop at most {n} entries from that axis."
            )
    if all(w == (0, 0) for w in widths):
        return x
    return Pad.apply(x, widths=tuple(widths), value=float(value))


@register_op("flip")
class Flip(Op):
    r"""y = x reversed along the axes ``dims``. VJP: x̄ = flip(ȳ, dims) (a flip is its own
    inverse). Saves nothing. Does not broadcast."""

    def forward(self, x: Any, dims: tuple[int, ...]) -> Any:
        return self.xp.flip(x, axis=dims)

    def vjp(self, gy: Tensor) -> tuple[Tensor | None, ...]:
        return (Flip.apply(gy, dims=self.params["dims"]),)


def flip(x: Tensor, dims: Any) -> Tensor:
    """Reverse the order of the entries along ``dims`` (an int or a tuple), as ``torch.flip``.

    Example:
        >>> import autograd_core as ac
        >>> ac.arange(3.0).flip(0)
        tensor([2., 1., 0.])
    """
    x = lift(x)
    axes = normalize_axis(dims, x.ndim, "flip")
    if x.ndim == 0 or not axes:
        return x
    return Flip.apply(x, dims=axes)


@register_op("repeat")
class Repeat(Op):
    r"""y = x tiled ``reps[i]`` times along axis i (PyTorch's ``repeat``, NumPy's ``tile``); x
    is first viewed with leading 1-axes up to ``len(reps)`` axes, shape s.

    VJP: x̄ = the sum of ȳ over the copies: ȳ reshaped to (r₀, s₀, r₁, s₁, …), summed over the
    r axes, and reshaped to x's shape. Saves only the input shape. Does not broadcast.
    """

    def forward(self, x: Any, reps: tuple[int, ...]) -> Any:
        self.in_shape = x.shape
        return self.xp.tile(x, reps)

    def vjp(self, gy: Tensor) -> tuple[Tensor | None, ...]:
        from autograd_core.ops.reduce import sum as sum_over

        reps = self.params["reps"]
        s = (1,) * (len(reps) - len(self.in_shape)) + tuple(self.in_shape)
        interleaved = tuple(n for pair in zip(reps, s) for n in pair)
        copies = tuple(range(0, 2 * len(reps), 2))
        return (reshape(sum_over(reshape(gy, interleaved), dim=copies), self.in_shape),)


def _int_sizes(op: str, sizes: tuple[Any, ...], x: Tensor) -> tuple[int, ...]:
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = tuple(sizes[0])
    out = tuple(int(s) for s in sizes)
    if any(s < 0 for s in out):
        raise ShapeError(
            f"{op}: repetitions {out} for a tensor of shape {tuple(x.shape)} include a negative "
            "count. Pass counts >= 0."
        )
    return out


def repeat(x: Tensor, *sizes: Any) -> Tensor:
    """Tile x ``sizes[i]`` times along axis i, as ``torch.Tensor.repeat``: ``len(sizes)`` must
    be at least ``x.ndim``, and extra leading sizes add new leading axes.

    Example:
        >>> import autograd_core as ac
        >>> ac.tensor([1.0, 2.0]).repeat(2), ac.tensor([1.0, 2.0]).repeat(3, 1).shape
        (tensor([1., 2., 1., 2.]), (3, 2))
    """
    x = lift(x)
    reps = _int_sizes("repeat", sizes, x)
    if len(reps) < x.ndim:
        raise ShapeError(
            f"repeat: got {len(reps)} repetition counts {reps} for a tensor of shape "
            f"{tuple(x.shape)}; pass at least {x.ndim} (one per axis, 1 to keep an axis), or use "
            "tile, which pads the counts with leading 1s."
        )
    if reps == (1,) * x.ndim:
        return x
    return Repeat.apply(x, reps=reps)


def tile(x: Tensor, reps: Any) -> Tensor:
    """Tile x ``reps`` times, as ``numpy.tile``/``torch.tile``: fewer counts than axes are padded
    with leading 1s. The same op as ``repeat``.

    Example:
        >>> import autograd_core as ac
        >>> ac.ones(2, 3).tile(2).shape, ac.ones(3).tile((2, 2)).shape
        ((2, 6), (2, 6))
    """
    x = lift(x)
    counts = _int_sizes("tile", (reps,) if isinstance(reps, int) else (tuple(reps),), x)
    return repeat(x, (1,) * (x.ndim - len(counts)) + counts)
