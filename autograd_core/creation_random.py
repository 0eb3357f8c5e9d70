"""Functions that create random tensors, drawn on the device they are made on."""

from __future__ import annotations

from typing import Any

import numpy

from autograd_core.creation import like, made, target_device
from autograd_core.creation_args import floating_dtype, shape_from_size
from autograd_core.device import on_device
from autograd_core.random import Generator, device_rng, rng_of
from autograd_core.tensor import Tensor

__all__ = ["rand", "randn", "randint", "rand_like", "randn_like"]


def _drawn(dtype: Any) -> Any:
    """The dtype CuPy's generator draws for ``dtype``: float64 or float32 (then rounded)."""
    return dtype if dtype in (numpy.float32, numpy.float64) else numpy.float32


def rand(
    *size: Any,
    generator: Generator | None = None,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Uniform samples on [0, 1)."""
    dt = floating_dtype(dtype, "rand")
    shape = shape_from_size(size, "rand")
    dev = target_device(device)
    if dev is None:
        arr = rng_of(generator).random(shape).astype(dt, copy=False)
    else:  # drawn on the device (CuPy draws float32 or float64; float16 is rounded after)
        with on_device(dev):
            arr = device_rng(generator, dev).random(shape, dtype=_drawn(dt)).astype(dt, copy=False)
    return made(arr, dev, requires_grad)


def randn(
    *size: Any,
    generator: Generator | None = None,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Standard normal samples."""
    dt = floating_dtype(dtype, "randn")
    shape = shape_from_size(size, "randn")
    dev = target_device(device)
    if dev is None:
        arr = rng_of(generator).standard_normal(shape).astype(dt, copy=False)
    else:
        with on_device(dev):
            g = device_rng(generator, dev)
            arr = g.standard_normal(shape, dtype=_drawn(dt)).astype(dt, copy=False)
    return made(arr, dev, requires_grad)


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
    shape = shape_from_size((size,), "randint")
    dev = target_device(device)
    if dev is None:
        arr = rng_of(generator).integers(low, high, size=shape, dtype=dtype)
    else:
        with on_device(dev):
            arr = device_rng(generator, dev).integers(low, high, size=shape, dtype=dtype)
    return made(arr, dev, False)


def rand_like(
    t: Tensor,
    generator: Generator | None = None,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Uniform samples on [0, 1) with the shape of ``t``, and its dtype and device unless
    given (the dtype must be floating)."""
    shape, dt, dev = like(t, dtype, device)
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
    shape, dt, dev = like(t, dtype, device)
    return randn(*shape, generator=generator, dtype=dt, device=dev, requires_grad=requires_grad)
