"""Dtype names, the default float dtype, and how Python data is given a dtype."""

from __future__ import annotations

from typing import Any

import numpy

__all__ = [
    "float16",
    "float32",
    "float64",
    "complex64",
    "complex128",
    "cfloat",
    "cdouble",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "bool_",
    "float",
    "double",
    "half",
    "long",
    "int",
    "short",
    "bool",
    "set_default_dtype",
    "get_default_dtype",
    "is_floating",
]

float16 = numpy.dtype("float16")
float32 = numpy.dtype("float32")
float64 = numpy.dtype("float64")
# complex tensors are stored and computed (no gradients: is_floating); PyTorch's complex32
# has no NumPy counterpart, and bfloat16 and uint16/32/64 are not supported
complex64 = numpy.dtype("complex64")
complex128 = numpy.dtype("complex128")
int8 = numpy.dtype("int8")
int16 = numpy.dtype("int16")
int32 = numpy.dtype("int32")
int64 = numpy.dtype("int64")
uint8 = numpy.dtype("uint8")
bool_ = numpy.dtype("bool")

_default_float = float32


def set_default_dtype(dtype: Any) -> None:
    """Set the dtype given to tensors made from Python floats (float32 unless changed).

    Example:
        >>> import autograd_core as ac
        >>> ac.set_default_dtype(ac.float64); ac.tensor([1.0]).dtype
        dtype('float64')
        >>> ac.set_default_dtype(ac.float32)
    """
    global _default_float
    dt = numpy.dtype(dtype)
    if dt.kind != "f":
        raise TypeError(f"set_default_dtype: expected a floating dtype, got {dt}.")
    _default_float = dt


def get_default_dtype() -> numpy.dtype:
    """Return the default floating dtype."""
    return _default_float


def is_floating(dtype: Any) -> bool:
    """True for the floating dtypes, the ones that can carry gradients (not complex: as
    ``torch.is_floating_point``, and autograd-core differentiates real functions only)."""
    return numpy.dtype(dtype).kind == "f"


def names_a_dtype(value: Any) -> bool:
    """Whether NumPy reads ``value`` (a dtype, a type or a name such as ``"float32"``) as a
    dtype: how a call tells ``x.to("float64")`` or ``x.view(ac.int32)`` from other arguments."""
    try:
        numpy.dtype(value)
    except TypeError:
        return False
    return True


# PyTorch's short dtype names (``torch.float`` is float32, ``torch.long`` int64, ...), so that a
# script written for PyTorch runs unchanged. They shadow Python builtins inside this module only
# from here on, which is why they come last.
float = float32  # noqa: A001
double = float64
half = float16
cfloat = complex64
cdouble = complex128
long = int64
int = int32  # noqa: A001
short = int16
bool = bool_  # noqa: A001
