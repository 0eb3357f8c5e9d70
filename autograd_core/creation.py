"""Functions that create tensors: from data, filled, ranges, and random."""

from __future__ import annotations

from typing import Any

import numpy

from autograd_core import dtypes
from autograd_core.creation_args import (
    NUMERIC_KINDS,
    check_numeric,
    is_row,
    ragged_description,
    shape_from_size,
)
from autograd_core.default_device import DEFAULT
from autograd_core.device import CPU, Device, get_array_module, on_device, to_device
from autograd_core.errors import DTypeError, ShapeError
from autograd_core.tensor import Tensor

__all__ = [
    "tensor",
    "as_tensor",
    "from_numpy",
    "zeros",
    "ones",
    "full",
    "empty",
    "arange",
    "linspace",
    "logspace",
    "eye",
    "rand",
    "randn",
    "randint",
    "zeros_like",
    "ones_like",
    "full_like",
    "empty_like",
    "rand_like",
    "randn_like",
]


def as_array(data: Any, dtype: Any = None) -> Any:
    """Turn data into an array: Python floats get the default dtype, arrays keep theirs.
    Ragged nested lists raise ShapeError (NumPy ≥ 1.24 refuses them with a ValueError, which
    is caught here to say where); strings, objects and other non-numbers raise DTypeError."""
    if isinstance(data, Tensor):
        data = data.data
    xp = get_array_module(data)
    if isinstance(data, xp.ndarray):
        arr = data if dtype is None else data.astype(dtype, copy=False)
        check_numeric(arr, data)
        return arr
    try:
        arr = numpy.asarray(data, dtype=dtype)
    except ValueError as e:
        where = ragged_description(data) if is_row(data) else None
        if where is None:
            target = "a numeric array" if dtype is None else f"a {numpy.dtype(dtype)} array"
            raise DTypeError(
                f"tensor: could not make {target} from {type(data).__name__} data ({e}). "
                "Convert the values to numbers first."
            ) from e
        raise ShapeError(
            f"tensor: nested sequences must be rectangular (every row of a level the same "
            f"length); {where}. Pad the rows to one length, or keep ragged data as a list of "
            "tensors."
        ) from None
    if dtype is None and arr.dtype.kind == "f" and not isinstance(data, numpy.generic):
        arr = arr.astype(dtypes.get_default_dtype(), copy=False)
    check_numeric(arr, data)
    return arr


def _finish(arr: Any, device: Any, requires_grad: bool) -> Tensor:
    if requires_grad and arr.dtype.kind == "c":
        raise DTypeError(
            f"tensor: complex tensors cannot require gradients (autograd-core differentiates "
            f"real functions only); got dtype {arr.dtype} and shape {tuple(arr.shape)}. Keep "
            "the real and imaginary parts as two float tensors, or pass requires_grad=False."
        )
    if device is None:
        device = DEFAULT.device  # ac.set_default_device; None for the CPU
    if device is not None:
        arr = to_device(arr, Device(device))
    if not requires_grad:  # a fresh array: nothing for Tensor() to convert or check
        return Tensor._make(arr, False, None)
    return Tensor(arr, requires_grad=True)  # checks that the dtype can require grad


def target_device(device: Any) -> Device | None:
    """The device a creation function makes its array on: ``device``, else the default one;
    None for the CPU (the common case, which then takes NumPy's path unchanged)."""
    if device is None:
        device = DEFAULT.device
    if device is None:
        return None
    device = Device(device)
    return None if device == CPU else device


def _build(device: Any, name: str, *args: Any, **kwargs: Any) -> tuple[Any, Device | None]:
    """``xp.<name>(*args, **kwargs)`` made directly on the target device (no host copy), and
    that device (None for the CPU)."""
    dev = target_device(device)
    if dev is None:
        return getattr(numpy, name)(*args, **kwargs), None
    with on_device(dev):
        return getattr(dev.xp, name)(*args, **kwargs), dev


def made(arr: Any, dev: Device | None, requires_grad: bool) -> Tensor:
    """A tensor of ``arr``, already made on ``dev`` (None for the CPU) by the caller."""
    return _finish(arr, CPU if dev is None else dev, requires_grad)


def tensor(data: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """Make a leaf tensor holding a copy of ``data``.

    Python floats get the default dtype (float32), Python ints int64, bools bool; NumPy arrays
    keep their dtype unless ``dtype`` is given.

    Example:
        >>> import autograd_core as ac
        >>> ac.tensor([[1, 2], [3, 4]]).dtype
        dtype('int64')
        >>> ac.tensor([0.5], requires_grad=True)
        tensor([0.5], requires_grad=True)
    """
    arr = as_array(data, dtype)
    arr = arr.copy() if arr is data or (isinstance(data, Tensor) and arr is data.data) else arr
    return _finish(arr, device, requires_grad)


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Tensor:
    """Like ``tensor`` but returns ``data`` itself when it already is a matching Tensor, and
    wraps an array of the right dtype and device without copying it.

    Example:
        >>> import numpy as np
        >>> import autograd_core as ac
        >>> a = np.zeros(3)
        >>> t = ac.as_tensor(a)
        >>> t.data is a, t.requires_grad
        (True, False)
    """
    if (
        type(data) is numpy.ndarray
        and dtype is None
        and device is None
        and DEFAULT.device is None
        and data.dtype.kind in NUMERIC_KINDS
    ):
        # nn wraps a constant mask or weight this way on every loss call; skip as_array's checks.
        return Tensor._make(data, False, None)
    if isinstance(data, Tensor) and (dtype is None or data.dtype == numpy.dtype(dtype)):
        return data if device is None or data.device == Device(device) else data.to(device)
    return _finish(as_array(data, dtype), device, False)


def _float(dtype: Any) -> Any:
    return dtypes.get_default_dtype() if dtype is None else numpy.dtype(dtype)


def zeros(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros; ``zeros(2, 3)`` or ``zeros((2, 3))``.

    Example:
        >>> import autograd_core as ac
        >>> ac.zeros(2, 3).shape, ac.zeros((2,)).dtype
        ((2, 3), dtype('float32'))
    """
    shape = shape_from_size(size, "zeros")
    return made(*_build(device, "zeros", shape, _float(dtype)), requires_grad)


def ones(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones."""
    shape = shape_from_size(size, "ones")
    return made(*_build(device, "ones", shape, _float(dtype)), requires_grad)


def empty(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """An uninitialised tensor (its values are arbitrary)."""
    shape = shape_from_size(size, "empty")
    return made(*_build(device, "empty", shape, _float(dtype)), requires_grad)


def full(
    size: Any, fill_value: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    """A tensor filled with ``fill_value``; the dtype follows the value when not given."""
    if dtype is None:
        dtype = as_array(fill_value).dtype
    shape = shape_from_size((size,), "full")
    return made(*_build(device, "full", shape, fill_value, dtype), requires_grad)


def _range_bound(name: str, value: Any) -> Any:
    """An ``arange`` bound as PyTorch reads it: a 0-d tensor stands for its Python number (an
    integer or bool tensor for an int, a floating one for a float, whatever its width); any
    other value is returned as it is."""
    if not isinstance(value, Tensor):
        return value
    if value.ndim != 0:
        raise TypeError(
            f"arange: {name} must be a number or a 0-d tensor; got a tensor of shape "
            f"{tuple(value.shape)}. Pass one element, e.g. {name}=t[0] or t.item()."
        )
    return value.item()


def arange(
    start: float,
    end: float | None = None,
    step: float = 1,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Values from ``start`` up to (not including) ``end`` by ``step``.

    Without ``dtype``, the result is int64 when all of start, end and step are integers (Python
    ints, NumPy integers, or 0-d integer or bool tensors) and the default float dtype otherwise,
    as in PyTorch. 0-d tensors count as their numbers (PyTorch refuses one that requires grad;
    here it is accepted, and nothing is recorded).

    Example:
        >>> import autograd_core as ac
        >>> ac.arange(3)
        tensor([0, 1, 2])
    """
    if end is None:
        start, end = 0, start
    start, end, step = (
        _range_bound(n, v) for n, v in zip(("start", "end", "step"), (start, end, step))
    )
    if step == 0:
        raise ValueError(
            f"arange: step must not be zero; got arange({start}, {end}, step=0). Pass a "
            "positive step to count up or a negative one to count down."
        )
    if dtype is None:
        ints = all(isinstance(v, (int, numpy.integer)) for v in (start, end, step))
        dtype = numpy.int64 if ints else dtypes.get_default_dtype()
    return made(*_build(device, "arange", start, end, step, dtype=dtype), requires_grad)


def linspace(
    start: float,
    end: float,
    steps: int,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive."""
    (steps,) = shape_from_size((steps,), "linspace")
    arr = _build(device, "linspace", start, end, steps, dtype=_float(dtype))
    return made(*arr, requires_grad)


def logspace(
    start: float,
    end: float,
    steps: int,
    base: float = 10.0,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """``steps`` values base^t for t evenly spaced from ``start`` to ``end`` inclusive, as
    ``torch.logspace``: computed in float64, then cast to ``dtype`` (the default float when
    not given; an integer dtype truncates, as PyTorch).

    Example:
        >>> import autograd_core as ac
        >>> ac.logspace(0, 2, 3), ac.logspace(0, 3, 4, base=2, dtype=ac.int64)
        (tensor([  1.,  10., 100.]), tensor([1, 2, 4, 8]))
    """
    (steps,) = shape_from_size((steps,), "logspace")
    arr, dev = _build(device, "logspace", float(start), float(end), steps, base=float(base))
    return made(arr.astype(_float(dtype), copy=False), dev, requires_grad)


def eye(
    n: int, m: int | None = None, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    """The identity matrix (n × m)."""
    n, m = shape_from_size((n, n if m is None else m), "eye")
    return made(*_build(device, "eye", n, m, dtype=_float(dtype)), requires_grad)


def like(t: Tensor, dtype: Any, device: Any) -> tuple[tuple[int, ...], Any, Any]:
    """The shape of ``t``, and its dtype and device unless given (``*_like`` functions)."""
    return (
        t.shape,
        t.dtype if dtype is None else numpy.dtype(dtype),
        t.device if device is None else device,
    )


def zeros_like(
    t: Tensor, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    """Zeros with the shape of ``t``, and its dtype and device unless given.

    Example:
        >>> import autograd_core as ac
        >>> ac.zeros_like(ac.ones(2, 3), dtype=ac.int64)
        tensor([[0, 0, 0],
                [0, 0, 0]])
    """
    shape, dt, dev = like(t, dtype, device)
    return made(*_build(dev, "zeros", shape, dt), requires_grad)


def ones_like(
    t: Tensor, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    """Ones with the shape of ``t``, and its dtype and device unless given."""
    shape, dt, dev = like(t, dtype, device)
    return made(*_build(dev, "ones", shape, dt), requires_grad)


def empty_like(
    t: Tensor, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    """An uninitialised tensor with the shape of ``t``, and its dtype and device unless given."""
    shape, dt, dev = like(t, dtype, device)
    return made(*_build(dev, "empty", shape, dt), requires_grad)


def full_like(
    t: Tensor,
    fill_value: Any,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """``fill_value`` everywhere, with the shape of ``t``, and its dtype and device unless
    given."""
    shape, dt, dev = like(t, dtype, device)
    return made(*_build(dev, "full", shape, fill_value, dt), requires_grad)


def from_numpy(array: numpy.ndarray) -> Tensor:
    """A tensor that shares memory with the NumPy ``array`` (PyTorch's NumPy bridge): a write
    to either shows in the other, and the dtype is kept. ``Tensor.numpy()`` goes the other way
    and also shares memory on the CPU. Use ``ac.tensor(array)`` for a copy.

    Example:
        >>> import numpy as np
        >>> import autograd_core as ac
        >>> a = np.zeros(3)
        >>> t = ac.from_numpy(a)
        >>> a[0] = 7.0
        >>> t
        tensor([7., 0., 0.], dtype=float64)
    """
    if not isinstance(array, numpy.ndarray):
        raise TypeError(
            f"from_numpy: expected a NumPy ndarray, got {type(array).__name__}. Use "
            "ac.tensor(data) for lists, scalars and other data."
        )
    check_numeric(array, array)
    return Tensor._make(array, False, None)


# The random creators live in creation_random.py; imported last, as it builds on this module.
from autograd_core.creation_random import rand, rand_like, randint, randn, randn_like  # noqa: E402
