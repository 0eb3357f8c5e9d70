"""PyTorch's top-level shape and creation helpers that are thin over ours: ``atleast_1d/2d/3d``,
``concat``, ``asarray``, ``scalar_tensor``, ``detach``, ``fill``, ``empty_strided`` and
``empty_permuted``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy

from autograd_core import dtypes
from autograd_core.creation import empty, tensor
from autograd_core.device import Device, get_array_module, to_device
from autograd_core.errors import ShapeError
from autograd_core.ops.binary import where
from autograd_core.ops.copying import clone
from autograd_core.ops.join import cat
from autograd_core.ops.searching import nonzero
from autograd_core.ops.shape import reshape
from autograd_core.tensor import Tensor

__all__ = [
    "atleast_1d",
    "atleast_2d",
    "atleast_3d",
    "concat",
    "asarray",
    "scalar_tensor",
    "detach",
    "fill",
    "empty_strided",
    "empty_permuted",
    "nonzero_static",
]


def _atleast(name: str, tensors: tuple[Any, ...], shape_of: Any) -> Any:
    """Apply ``shape_of`` (ndim-indexed new shape) to one tensor or to each of a sequence."""
    if len(tensors) == 1 and isinstance(tensors[0], Tensor):
        t = tensors[0]
        new = shape_of(t.shape)
        return t if new == t.shape else reshape(t, new)
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(
                f"{name}: expected a tensor or a sequence of tensors, got {type(t).__name__} "
                f"at position {i}. Wrap the value with ac.tensor(...) first."
            )
    return tuple(_atleast(name, (t,), shape_of) for t in tensors)


def atleast_1d(*tensors: Any) -> Any:
    """``tensors`` viewed with at least one dimension (a 0-d tensor becomes shape (1,)).

    One tensor gives one tensor (itself when already 1-d or more); several tensors, or one
    list/tuple of them, give a tuple, as ``torch.atleast_1d``.

    Example:
        >>> import autograd_core as ac
        >>> ac.atleast_1d(ac.tensor(2.0))
        tensor([2.])
    """
    return _atleast("atleast_1d", tensors, lambda s: s if len(s) >= 1 else (1,))


def atleast_2d(*tensors: Any) -> Any:
    """``tensors`` with at least two dimensions: () → (1, 1), (n,) → (1, n), as
    ``torch.atleast_2d``.

    Example:
        >>> import autograd_core as ac
        >>> ac.atleast_2d(ac.ones(3)).shape
        (1, 3)
    """
    return _atleast("atleast_2d", tensors, lambda s: s if len(s) >= 2 else (1,) * (2 - len(s)) + s)


def _three(s: tuple[int, ...]) -> tuple[int, ...]:
    if len(s) == 0:
        return (1, 1, 1)
    if len(s) == 1:
        return (1, s[0], 1)
    return s + (1,) if len(s) == 2 else s


def atleast_3d(*tensors: Any) -> Any:
    """``tensors`` with at least three dimensions: () → (1, 1, 1), (n,) → (1, n, 1) and
    (m, n) → (m, n, 1), as ``torch.atleast_3d`` (and NumPy).

    Example:
        >>> import autograd_core as ac
        >>> ac.atleast_3d(ac.ones(2, 3)).shape
        (2, 3, 1)
    """
    return _atleast("atleast_3d", tensors, _three)


def concat(tensors: Sequence[Any], dim: int = 0) -> Tensor:
    """``torch.concat``: an alias of ``cat``.

    Example:
        >>> import autograd_core as ac
        >>> ac.concat([ac.ones(1), ac.zeros(2)])
        tensor([1., 0., 0.])
    """
    return cat(tensors, dim)


def _asarray_tensor(obj: Tensor, dtype: Any, device: Any, copy: bool | None, grad: Any) -> Tensor:
    same_dtype = dtype is None or numpy.dtype(dtype) == obj.dtype
    same_device = device is None or Device(device) == obj.device
    if copy is False and not (same_dtype and same_device):
        raise ValueError(
            f"asarray: copy=False but the tensor ({obj.dtype}, {obj.device}) must be converted "
            f"to dtype={dtype}, device={device}, which copies. Pass copy=None to allow the copy."
        )
    out = obj if same_dtype else obj.to(dtype)
    out = out if same_device else out.to(device)
    if copy and out is obj:
        out = clone(obj)
    if grad is None:
        return out
    if grad and not out.requires_grad:
        return out.detach().requires_grad_(True)
    return out if grad else out.detach()


def asarray(
    obj: Any,
    *,
    dtype: Any = None,
    device: Any = None,
    copy: bool | None = None,
    requires_grad: bool | None = None,
) -> Tensor:
    """``obj`` (a tensor, NumPy array or scalar, Python scalar or nested sequence) as a tensor,
    sharing memory with a tensor or array whenever dtype and device allow it.

    ``copy=None`` copies only when needed, ``copy=True`` always, and ``copy=False`` never (a
    needed copy raises ValueError, as does any sequence or Python scalar). ``requires_grad=None``
    keeps a tensor's own flag and its history; True or False asks for that flag.

    Differs from PyTorch: ``asarray(t, requires_grad=False)`` on a leaf that requires grad
    returns a detached alias; PyTorch returns ``t`` itself with its flag switched off. Likewise
    ``requires_grad=True`` on a tensor without it gives a new leaf sharing its memory.

    Example:
        >>> import numpy as np
        >>> import autograd_core as ac
        >>> a = np.zeros(2)
        >>> t = ac.asarray(a)
        >>> a[0] = 5.0
        >>> t
        tensor([5., 0.], dtype=float64)
    """
    if isinstance(obj, Tensor):
        return _asarray_tensor(obj, dtype, device, copy, requires_grad)
    xp = get_array_module(obj)
    if isinstance(obj, xp.ndarray):
        arr = obj if dtype is None else obj.astype(dtype, copy=bool(copy))
        if copy is False and arr is not obj:
            raise ValueError(
                f"asarray: copy=False but the {obj.dtype} array must be converted to "
                f"{numpy.dtype(dtype)}, which copies. Pass copy=None to allow the copy."
            )
        arr = arr.copy() if copy and arr is obj else arr
        if device is not None:
            arr = to_device(arr, Device(device))
        return Tensor(arr, requires_grad=bool(requires_grad))
    if copy is False:
        raise ValueError(
            f"asarray: copy=False cannot alias a {type(obj).__name__} (only tensors and arrays "
            "share memory). Pass copy=None."
        )
    return tensor(obj, dtype=dtype, device=device, requires_grad=bool(requires_grad))


def scalar_tensor(
    s: Any, *, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    """A 0-d tensor holding the number ``s``, of the default float dtype unless ``dtype`` is
    given, whatever the type of ``s`` (``torch.scalar_tensor``: ints and bools too).

    Example:
        >>> import autograd_core as ac
        >>> ac.scalar_tensor(2)
        tensor(2.)
    """
    if isinstance(s, Tensor):
        s = s.item()
    if not isinstance(s, (int, float, bool, numpy.generic)):
        raise TypeError(
            f"scalar_tensor: expected a number, got {type(s).__name__}. Use ac.tensor(data) "
            "for sequences."
        )
    dt = dtypes.get_default_dtype() if dtype is None else dtype
    return tensor(s, dtype=dt, device=device, requires_grad=requires_grad)


def detach(input: Tensor) -> Tensor:  # noqa: A002  (PyTorch's name)
    """``input.detach()``: a tensor sharing ``input``'s data, cut from the graph.

    Example:
        >>> import autograd_core as ac
        >>> ac.detach(ac.ones(2, requires_grad=True)).requires_grad
        False
    """
    return input.detach()


def fill(input: Tensor, value: Any) -> Tensor:  # noqa: A002
    """A new tensor of ``input``'s shape and dtype with every entry ``value``
    (``torch.fill``; the out-of-place ``Tensor.fill_``). A float value is cast to an integer
    tensor's dtype by truncation. The gradient is zero for ``input`` and the sum of the
    upstream gradient for a 0-d tensor ``value``.

    Raises:
        ShapeError: ``value`` is a tensor with dimensions (PyTorch takes 0-d values only).

    Example:
        >>> import autograd_core as ac
        >>> ac.fill(ac.zeros(3), 2.5)
        tensor([2.5, 2.5, 2.5])
    """
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise ShapeError(
                f"fill: value must be a number or a 0-d tensor, got a tensor of shape "
                f"{tuple(value.shape)}. Pass value.item() or a single element."
            )
        v = value if value.dtype == input.dtype else value.to(input.dtype)
    else:
        v = Tensor(numpy.asarray(value).astype(input.dtype)).to(input.device)
    everywhere = Tensor(input.xp.ones(input.shape, dtype=bool))
    return where(everywhere, v, input)


def _check_size(name: str, size: Sequence[int], other: Sequence[int], what: str) -> None:
    if len(size) != len(other):
        raise ShapeError(
            f"{name}: size {tuple(size)} and {what} {tuple(other)} have different lengths. "
            "Give one entry per dimension."
        )


def empty_strided(
    size: Sequence[int],
    stride: Sequence[int],
    *,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """An uninitialised tensor of shape ``size`` whose array has the element strides
    ``stride`` (``torch.empty_strided``). Ours has no ``Tensor.stride()``; the layout shows in
    ``t.numpy().strides`` (in bytes).

    Example:
        >>> import autograd_core as ac
        >>> ac.empty_strided((2, 3), (1, 2)).numpy().strides
        (4, 8)
    """
    _check_size("empty_strided", size, stride, "stride")
    size, stride = tuple(int(n) for n in size), tuple(int(s) for s in stride)
    if any(s < 0 for s in stride) or any(n < 0 for n in size):
        raise ShapeError(
            f"empty_strided: sizes and strides must be non-negative, got size {size} and "
            f"stride {stride}."
        )
    extent = 0 if 0 in size else 1 + sum((n - 1) * s for n, s in zip(size, stride, strict=True))
    buf = empty(extent, dtype=dtype, device=device)  # (on the device: strides kept)
    arr = buf.xp.lib.stride_tricks.as_strided(
        buf.data, shape=size, strides=tuple(s * buf.data.itemsize for s in stride)
    )
    return Tensor(arr, requires_grad=requires_grad)


def empty_permuted(
    size: Sequence[int],
    physical_layout: Sequence[int],
    *,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """An uninitialised tensor of shape ``size`` laid out in memory in the dimension order
    ``physical_layout`` (outermost first), as ``torch.empty_permuted``: ``(2, 3, 4)`` with
    layout ``(0, 2, 1)`` is channels-last-like, element strides (12, 1, 3).

    Example:
        >>> import autograd_core as ac
        >>> ac.empty_permuted((2, 3, 4), (0, 2, 1)).numpy().strides
        (48, 4, 12)
    """
    _check_size("empty_permuted", size, physical_layout, "physical_layout")
    if sorted(physical_layout) != list(range(len(size))):
        raise ShapeError(
            f"empty_permuted: physical_layout {tuple(physical_layout)} is not a permutation of "
            f"the {len(size)} dimensions. Give each of 0..{len(size) - 1} once."
        )
    physical = empty(
        *(size[d] for d in physical_layout),
        dtype=dtype,
        device=device,
    )
    inverse = tuple(int(i) for i in numpy.argsort(physical_layout))
    arr = physical.data.transpose(inverse)
    return Tensor(arr, requires_grad=requires_grad)


def nonzero_static(input: Tensor, *, size: int, fill_value: int = -1) -> Tensor:  # noqa: A002
    """``nonzero(input)`` with exactly ``size`` rows (``torch.nonzero_static``): the first
    ``size`` index rows, padded with ``fill_value`` rows when there are fewer.

    Example:
        >>> import autograd_core as ac
        >>> ac.nonzero_static(ac.tensor([0, 1, 0, 2]), size=3).tolist()
        [[1], [3], [-1]]
    """
    if size < 0:
        raise ValueError(f"nonzero_static: size must be non-negative, got {size}.")
    found = nonzero(input).data[:size]
    pad = input.xp.full((size - found.shape[0], input.ndim), fill_value, dtype=found.dtype)
    return Tensor._make(input.xp.concatenate([found, pad]), False, None)
