"""Functions that create tensors: from data, filled, ranges, and random."""

from __future__ import annotations

from typing import Any

import numpy

from autograd_core import dtypes
from autograd_core.device import Device, get_array_module, to_device
from autograd_core.random import Generator, rng_of
from autograd_core.tensor import Tensor

__all__ = [
    "tensor",
    "as_tensor",
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
    """Turn data into an array: Python floats get the default dtype, arrays keep theirs."""
    if isinstance(data, Tensor):
        data = data.data
    xp = get_array_module(data)
    if isinstance(data, xp.ndarray):
        return data if dtype is None else data.astype(dtype, copy=False)
    arr = numpy.asarray(data, dtype=dtype)
    if dtype is None and arr.dtype.kind == "f" and not isinstance(data, numpy.generic):
        arr = arr.astype(dtypes.get_default_dtype(), copy=False)
    if arr.dtype == object:
        raise TypeError(
            f"tensor: could not make a numeric array from {type(data).__name__} data; nested "
            "lists must be rectangular and hold numbers."
        )
    return arr


def _finish(arr: Any, device: Any, requires_grad: bool) -> Tensor:
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
    if type(data) is numpy.ndarray and dtype is None and device is None:
        # nn wraps a constant mask or weight this way on every loss call; skip as_array's checks.
        return Tensor._make(data, False, None)
    if isinstance(data, Tensor) and (dtype is None or data.dtype == numpy.dtype(dtype)):
        return data if device is None or data.device == Device(device) else data.to(device)
    return _finish(as_array(data, dtype), device, False)


def _shape(size: tuple[Any, ...]) -> tuple[int, ...]:
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    return tuple(int(s) for s in size)


def _float(dtype: Any) -> Any:
    return dtypes.get_default_dtype() if dtype is None else numpy.dtype(dtype)


def zeros(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros; ``zeros(2, 3)`` or ``zeros((2, 3))``."""
    return _finish(numpy.zeros(_shape(size), _float(dtype)), device, requires_grad)


def ones(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones."""
    return _finish(numpy.ones(_shape(size), _float(dtype)), device, requires_grad)


def empty(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """An uninitialised tensor (its values are arbitrary)."""
    return _finish(numpy.empty(_shape(size), _float(dtype)), device, requires_grad)


def full(
    size: Any, fill_value: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    """A tensor filled with ``fill_value``; the dtype follows the value when not given."""
    if dtype is None:
        dtype = as_array(fill_value).dtype
    return _finish(numpy.full(_shape((size,)), fill_value, dtype), device, requires_grad)


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
    return _finish(numpy.linspace(start, end, steps, dtype=_float(dtype)), device, requires_grad)


def eye(
    n: int, m: int | None = None, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    """The identity matrix (n × m)."""
    return _finish(numpy.eye(n, m, dtype=_float(dtype)), device, requires_grad)


def rand(
    *size: Any,
    generator: Generator | None = None,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Uniform samples on [0, 1)."""
    arr = rng_of(generator).random(_shape(size)).astype(_float(dtype), copy=False)
    return _finish(arr, device, requires_grad)


def randn(
    *size: Any,
    generator: Generator | None = None,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Standard normal samples."""
    arr = rng_of(generator).standard_normal(_shape(size)).astype(_float(dtype), copy=False)
    return _finish(arr, device, requires_grad)


def randint(
    low: int,
    high: int | None = None,
    size: Any = (),
    generator: Generator | None = None,
    dtype: Any = numpy.int64,
    device: Any = None,
) -> Tensor:
    """Integers uniformly from [low, high); ``randint(high, size=...)`` starts at 0."""
    if high is None:
        low, high = 0, low
    arr = rng_of(generator).integers(low, high, size=_shape((size,)), dtype=dtype)
    return _finish(arr, device, False)


def _like(t: Tensor, dtype: Any) -> tuple[tuple[int, ...], Any, Any]:
    return t.shape, (t.dtype if dtype is None else dtype), t.device


def zeros_like(t: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Zeros with the shape, dtype and device of ``t``."""
    shape, dt, dev = _like(t, dtype)
    return _finish(numpy.zeros(shape, dt), dev, requires_grad)


def ones_like(t: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Ones with the shape, dtype and device of ``t``."""
    shape, dt, dev = _like(t, dtype)
    return _finish(numpy.ones(shape, dt), dev, requires_grad)


def empty_like(t: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """An uninitialised tensor like ``t``."""
    shape, dt, dev = _like(t, dtype)
    return _finish(numpy.empty(shape, dt), dev, requires_grad)


def full_like(t: Tensor, fill_value: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """``fill_value`` everywhere, with the shape, dtype and device of ``t``."""
    shape, dt, dev = _like(t, dtype)
    return _finish(numpy.full(shape, fill_value, dt), dev, requires_grad)


def rand_like(t: Tensor, generator: Generator | None = None, requires_grad: bool = False) -> Tensor:
    """Uniform samples on [0, 1) like ``t``."""
    return rand(
        *t.shape, generator=generator, dtype=t.dtype, device=t.device, requires_grad=requires_grad
    )


def randn_like(
    t: Tensor, generator: Generator | None = None, requires_grad: bool = False
) -> Tensor:
    """Standard normal samples like ``t``."""
    return randn(
        *t.shape, generator=generator, dtype=t.dtype, device=t.device, requires_grad=requires_grad
    )
