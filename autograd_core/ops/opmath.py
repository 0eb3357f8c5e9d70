"""The computation type of elementwise kernels: float16 operands are computed in float32 and
the result is rounded once to float16, as PyTorch's CPU kernels do (its "opmath" type).

Rounding every intermediate to float16 instead leaves results one or more float16 ulps off
PyTorch's, and makes intermediates such as x³ or eˣ overflow (65,504 is float16's largest
value) where the result is finite. Forwards use ``is_half`` and ``astype`` on arrays; VJPs
use ``widen`` and ``narrow``, which take arrays and Tensors alike (recorded casts in a recorded
backward, so the VJP stays differentiable), so that a VJP's formula is written once.
"""

from __future__ import annotations

from typing import Any

import numpy

from autograd_core.ops.shape import AsType
from autograd_core.ops.special import is_half

__all__ = ["is_half", "widen", "narrow", "via_float64"]


def widen(*xs: Any) -> tuple[Any, ...]:
    """The operands (arrays or Tensors) with float16 ones cast to float32; others unchanged."""
    return tuple(AsType.call(x, dtype=numpy.float32) if is_half(x) else x for x in xs)


def narrow(y: Any, dtype: Any) -> Any:
    """y (an array or a Tensor) rounded to ``dtype`` where that is float16 (the one rounding
    of a result computed in float32); y itself otherwise."""
    dtype = numpy.dtype(dtype)
    if dtype.kind != "f" or dtype.itemsize >= 4:
        return y
    with numpy.errstate(over="ignore"):  # past 65,504 the rounding gives ±inf, as PyTorch's
        return AsType.call(y, dtype=dtype)


def via_float64(op: Any, x: Any) -> Any:
    """``op`` (a unary Op class: Exp, Log1p, Expm1, Tanh) of float32 x (an array or a Tensor),
    taken in float64 and rounded to float32: correctly rounded but for rare ties, where
    NumPy's float32 functions are off by an ulp more often. PyTorch's float32 kernels (SLEEF's
    1-ulp functions) are correctly rounded on all but a few arguments, so this reproduces
    them far more often. Overflows give ±inf without a warning, as float32 would."""
    with numpy.errstate(over="ignore"):
        return AsType.call(op.call(AsType.call(x, dtype=numpy.float64)), dtype=numpy.float32)
