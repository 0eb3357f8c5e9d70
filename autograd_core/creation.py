"""Functions that create tensors: from data, filled, ranges, and random."""

from __future__ import annotations

from typing import Any

import numpy

from autograd_core import dtypes
from autograd_core.creation_args import (
    NUMERIC_KINDS,
    check_numeric,
    floating_dtype,
    is_row,
    ragged_description,
    shape_from_size,
)
from autograd_core.default_device import DEFAULT
from autograd_core.device import Device, get_array_module, to_device
from autograd_core.errors import DTypeError, ShapeError
from autograd_core.random import Generator, rng_of
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
    return _finish(
        numpy.zeros(shape_from_size(size, "zeros"), _float(dtype)), device, requires_grad
    )


def ones(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones."""
    return _finish(numpy.ones(shape_from_size(size, "ones"), _float(dtype)), device, requires_grad)


def empty(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """An uninitialised tensor (its values are arbitrary)."""
    return _finish(
        numpy.empty(shape_from_size(size, "empty"), _float(dtype)), device, requires_grad
    )


def full(
    size: Any, fill_value: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    """A tensor filled with ``fill_value``; the dtype follows the value when not given."""
    if dtype is None:
        dtype = as_array(fill_value).dtype
    return _finish(
        numpy.full(shape_from_size((size,), "full"), fill_value, dtype), device, requires_grad
    )


def arange(
    start: float,
    end: float | None = None,
    step: float = 1,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Values from ``start`` up to (not including) ``end`` by ``step``.

    Example:
        >>> import autograd_core as ac
        >>> ac.arange(3)
        tensor([0, 1, 2])
    """
    if end is None:
        start, end = 0, start
    if step == 0:
        raise ValueError(
            f"arange: step must not be zero; got arange({start}, {end}, step=0). Pass a "
            "positive step to count up or a negative one to count down."
        )
    if dtype is None:
        ints = all(isinstance(v, (int, numpy.integer)) for v in (start, end, step))
        dtype = numpy.int64 if ints else dtypes.get_default_dtype()
    return _finish(numpy.arange(start, end, step, dtype=dtype), device, requires_grad)


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
    return _finish(numpy.linspace(start, end, steps, dtype=_float(dtype)), device, requires_grad)


def eye(
    n: int, m: int | None = None, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    """The identity matrix (n × m)."""
    n, m = shape_from_size((n, n if m is None else m), "eye")
    return _finish(numpy.eye(n, m, dtype=_float(dtype)), device, requires_grad)


def rand(
    *size: Any,
    generator: Generator | None = None,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Uniform samples on [0, 1)."""
    dt = floating_dtype(dtype, "rand")
    arr = rng_of(generator).random(shape_from_size(size, "rand")).astype(dt, copy=False)
    return _finish(arr, device, requires_grad)


def randn(
    *size: Any,
    generator: Generator | None = None,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Standard normal samples."""
    dt = floating_dtype(dtype, "randn")
    arr = rng_of(generator).standard_normal(shape_from_size(size, "randn")).astype(dt, copy=False)
    return _finish(arr, device, requires_grad)


def randint(
    low: int,
    high: int | None = None,
    size: Any = (),
    generator: Generator | None = None,
    dtype: Any = numpy.int64,
    device: Any = None,
) -> Tensor:
    """Integers uniformly from [low, high); ``randint(high, size=...)`` starts at 0.

    Example:
        >>> import autograd_core as ac
        >>> ac.randint(3, size=(2, 4)).shape
        (2, 4)
    """
    if high is None:
        low, high = 0, low
    if not low < high:
        raise ValueError(
            f"randint: low must be less than high (the range [low, high) excludes high); got "
            f"low={low!r}, high={high!r}. Swap them, or call randint(high, size=...) to start "
            "at 0."
        )
    arr = rng_of(generator).integers(
        low, high, size=shape_from_size((size,), "randint"), dtype=dtype
    )
    return _finish(arr, device, False)


def _like(t: Tensor, dtype: Any, device: Any) -> tuple[tuple[int, ...], Any, Any]:
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
    shape, dt, dev = _like(t, dtype, device)
    return _finish(numpy.zeros(shape, dt), dev, requires_grad)


def ones_like(
    t: Tensor, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    """Ones with the shape of ``t``, and its dtype and device unless given."""
    shape, dt, dev = _like(t, dtype, device)
    return _finish(numpy.ones(shape, dt), dev, requires_grad)


def empty_like(
    t: Tensor, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    """An uninitialised tensor with the shape of ``t``, and its dtype and device unless given."""
    shape, dt, dev = _like(t, dtype, device)
    return _finish(numpy.empty(shape, dt), dev, requires_grad)


def full_like(
    t: Tensor,
    fill_value: Any,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """``fill_value`` everywhere, with the shape of ``t``, and its dtype and device unless
    given."""
    shape, dt, dev = _like(t, dtype, device)
    return _finish(numpy.full(shape, fill_value, dt), dev, requires_grad)


def rand_like(
    t: Tensor,
    generator: Generator | None = None,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Uniform samples on [0, 1) with the shape of ``t``, and its dtype and device unless
    given (the dtype must be floating)."""
    shape, dt, dev = _like(t, dtype, device)
    return rand(*shape, generator=generator, dtype=dt, device=dev, requires_grad=requires_grad)


def randn_like(
    t: Tensor,
    generator: Generator | None = None,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Standard normal samples with the shape of ``t``, and its dtype and device unless given
    (the dtype must be floating)."""
    shape, dt, dev = _like(t, dtype, device)
    return randn(*shape, generator=generator, dtype=dt, device=dev, requires_grad=requires_grad)


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
