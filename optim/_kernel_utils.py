"""Steps shared by the optimizer kernels: the effective gradient and in-place running means.

Each helper is a line or two of an algorithm's maths, written once so that every kernel that
uses it computes the same bits in the same order. A kernel still reads as its algorithm:
``m ← β₁ m + (1 − β₁) g`` is ``ema_(exp_avg, grad, beta1)``.
"""

from __future__ import annotations

from typing import Any

from autograd_core.device import get_array_module

__all__ = ["effective_grad", "ema_", "ema_square_"]


def effective_grad(param: Any, grad: Any, weight_decay: float, maximize: bool) -> Any:
    """Return the gradient that a kernel steps along: g ← −g if maximize, then g ← g + λθ.

    The L2 penalty λθ is folded into the gradient (PyTorch's ``weight_decay``); decoupled weight
    decay (AdamW) shrinks θ instead and is not done here. ``grad`` itself is never modified:
    a new array is returned when anything changes.

    Example:
        >>> import numpy as np
        >>> effective_grad(np.array([2.0]), np.array([1.0]), weight_decay=0.5, maximize=True)
        array([0.])
    """
    if maximize:
        grad = -grad
    if weight_decay != 0:
        grad = grad + weight_decay * param
    return grad


def ema_(avg: Any, x: Any, decay: float, out: Any | None = None) -> Any:
    """avg ← decay·avg + (1 − decay)·x in place, as PyTorch's ``avg.lerp_(x, w)``, w = 1 − decay.

    lerp has two formulas (ATen/native/Lerp.h): avg + w·(x − avg) when |w| < 0.5, and
    x + (w − 1)·(x − avg) otherwise, which gives exactly x at w = 1 (β = 0) where the first
    formula is off by the rounding of avg + (x − avg). Both are used here, on the same rule.

    Returns the scratch array (its contents are unspecified): ``out`` if given, else a new one.

    Example:
        >>> import numpy as np
        >>> m = np.array([1.0])
        >>> _ = ema_(m, np.array([3.0]), 0.75)
        >>> m
        array([1.5])
        >>> m = np.array([1e20])
        >>> _ = ema_(m, np.array([3.0]), 0.0)
        >>> m
        array([3.])
    """
    weight = 1 - decay
    if out is None:
        out = x - avg
    else:
        get_array_module(x).subtract(x, avg, out=out)
    if abs(weight) < 0.5:
        out *= weight
        avg += out
    else:
        out *= weight - 1
        out += x
        avg[...] = out
    return out


def ema_square_(avg: Any, x: Any, decay: float, out: Any | None = None) -> Any:
    """avg ← decay·avg + (1 − decay)·x² in place.

    Returns the scratch array holding (1 − decay)·x²: ``out`` if given, else a new one.

    Example:
        >>> import numpy as np
        >>> v = np.array([1.0])
        >>> _ = ema_square_(v, np.array([2.0]), 0.75)
        >>> v
        array([1.75])
    """
    avg *= decay
    if out is None:
        out = x * (1 - decay)
    else:
        get_array_module(x).multiply(x, 1 - decay, out=out)
    out *= x
    avg += out
    return out
