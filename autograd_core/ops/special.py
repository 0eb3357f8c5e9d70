"""Array kernels for special functions NumPy lacks (erf, erfc), written for any array module.

The error function uses W. J. Cody's rational Chebyshev approximations ("Rational Chebyshev
approximations for the error function", Math. Comp. 23 (1969) 631–638; the coefficients of
Netlib SPECFUN ``CALERF``, also used by SciPy's and Cephes' ancestors). In float64 they are
accurate to a few units in the last place on the whole real line (measured against
``math.erf``/``math.erfc``: max relative error below 1e-15, see
``tests/autograd_core/test_activation_values.py``). The arithmetic runs in the input's dtype, so
float32 stays float32; float16 runs in float32 and is rounded once to float16 (as PyTorch's float16
kernels do): in float16 the rational functions' powers of x overflow already at |x| ≈ 2.
"""

from __future__ import annotations

import math
from typing import Any

import numpy  # errstate only: the maths use xp

from autograd_core.device import on_host

__all__ = ["erf_array", "erfc_array", "erfcx_array", "exp_square", "is_half"]

# erf(x) = x · A(x²) / B(x²) for |x| ≤ 0.46875
_A = (
    3.16112374387056560e00,
    1.13864154151050156e02,
    3.77485237685302021e02,
    3.20937758913846947e03,
    1.85777706184603153e-1,
)
_B = (
    2.36012909523441209e01,
    2.44024637934444173e02,
    1.28261652607737228e03,
    2.84423683343917062e03,
)
# erfc(x) = exp(−x²) · C(x) / D(x) for 0.46875 < x ≤ 4
_C = (
    5.64188496988670089e-1,
    8.88314979438837594e00,
    6.61191906371416295e01,
    2.98635138197400131e02,
    8.81952221241769090e02,
    1.71204761263407058e03,
    2.05107837782607147e03,
    1.23033935479799725e03,
    2.15311535474403846e-8,
)
_D = (
    1.57449261107098347e01,
    1.17693950891312499e02,
    5.37181101862009858e02,
    1.62138957456669019e03,
    3.29079923573345963e03,
    4.36261909014324716e03,
    3.43936767414372164e03,
    1.23033935480374942e03,
)
# erfc(x) = exp(−x²) / x · (1/√π − z P(z) / Q(z)), z = 1/x², for x > 4
_P = (
    3.05326634961232344e-1,
    3.60344899949804439e-1,
    1.25781726111229246e-1,
    1.60837851487422766e-2,
    6.58749161529837803e-4,
    1.63153871373020978e-2,
)
_Q = (
    2.56852019228982242e00,
    1.87295284992346047e00,
    5.27905102951428412e-1,
    6.05183413124413191e-2,
    2.33520497626869185e-3,
)
_SQRPI = 5.6418958354775628695e-1  # 1/√π
_SMALL = 0.46875


def _erf_small(xp: Any, x: Any) -> Any:
    """erf(x) for |x| ≤ 0.46875; x is clipped there so that other lanes stay finite."""
    x = xp.clip(x, -_SMALL, _SMALL)
    z = x * x
    num = _A[4] * z
    den = z
    for i in range(3):
        num = (num + _A[i]) * z
        den = (den + _B[i]) * z
    return x * (num + _A[3]) / (den + _B[3])


def _erfc_ratio(xp: Any, y: Any) -> Any:
    """erfc(y) · exp(y²) (the scaled complementary error function) for y ≥ 0.46875, from
    Cody's rational functions; finite (and unused) below, 0 at +inf. Whole-array arithmetic
    selected with ``where``: boolean gathers and scatters cost more than evaluating a branch
    everywhere."""
    yn = xp.minimum(y, 40.0)  # the near branch's powers of y stay finite (used up to 4 only)
    num = _C[8] * yn
    den = yn
    for i in range(7):
        num = (num + _C[i]) * yn
        den = (den + _D[i]) * yn
    r = (num + _C[7]) / (den + _D[7])
    far = y > 4.0
    if not on_host(far) or far.any():  # on a device: no sync, the branch runs everywhere
        yf = xp.maximum(y, 4.0)
        with numpy.errstate(over="ignore"):
            z = 1.0 / (yf * yf)  # 0 once y² overflows: the expansion's leading term remains
        num = _P[5] * z
        den = z
        for i in range(4):
            num = (num + _P[i]) * z
            den = (den + _Q[i]) * z
        r = xp.where(far, (_SQRPI - z * (num + _P[4]) / (den + _Q[4])) / yf, r)
    return r


def exp_square(xp: Any, y: Any, sign: float) -> Any:
    """exp(sign · y²) with y split as s + (y − s), s = y rounded toward 0 to 1/16: s² is exact,
    which keeps the relative error small where the result is tiny or huge."""
    s = xp.trunc(y * 16.0) / 16.0
    return xp.exp(sign * s * s) * xp.exp(sign * (y - s) * (y + s))


def _erfc_nonnegative(xp: Any, y: Any) -> Any:
    """erfc(y) for y ≥ 0.46875; finite (and unused) below."""
    y = xp.minimum(y, 40.0)  # erfc(40) underflows to 0 in float64; also keeps inf − inf out
    return exp_square(xp, y, -1.0) * _erfc_ratio(xp, y)


def is_half(x: Any) -> bool:
    """Whether ``x``'s dtype is a float narrower than float32 (float16), which the kernels
    compute in float32: x⁸ overflows float16 (largest 65,504) from |x| ≈ 4, and the
    coefficients lose digits."""
    return x.dtype.kind == "f" and x.dtype.itemsize < 4


def erf_array(xp: Any, x: Any) -> Any:
    """erf(x) elementwise for a float array of module ``xp`` (same shape and dtype; float16 is
    computed in float32 and rounded once)."""
    x = xp.asarray(x)
    if is_half(x):
        return erf_array(xp, x.astype(xp.float32)).astype(x.dtype)
    y = xp.abs(x)
    out = xp.copysign(1.0 - _erfc_nonnegative(xp, y), x)
    small = y <= _SMALL
    if not on_host(small) or small.any():
        out = xp.where(small, _erf_small(xp, x), out)
    return xp.asarray(out)


def erfc_array(xp: Any, x: Any) -> Any:
    """erfc(x) = 1 − erf(x) elementwise, accurate also where it is tiny (x ≫ 1); float16 is
    computed in float32 and rounded once."""
    x = xp.asarray(x)
    if is_half(x):
        return erfc_array(xp, x.astype(xp.float32)).astype(x.dtype)
    y = xp.abs(x)
    r = _erfc_nonnegative(xp, y)
    out = xp.where(x < 0, 2.0 - r, r)
    small = y <= _SMALL
    if not on_host(small) or small.any():
        out = xp.where(small, 1.0 - _erf_small(xp, x), out)
    return xp.asarray(out)


def erfcx_array(xp: Any, x: Any) -> Any:
    """erfcx(x) = exp(x²) · erfc(x) elementwise: Cody's rational function itself for
    x ≥ 0.46875 (so no exp(x²) overflows: ~1/(x√π) far out, 0 at +inf), exp(x²)(1 − erf x)
    near 0, and 2 exp(x²) − erfcx(−x) below (+inf once exp(x²) overflows, x < −26.6); float16
    is computed in float32 and rounded once."""
    x = xp.asarray(x)
    if is_half(x):
        return erfcx_array(xp, x.astype(xp.float32)).astype(x.dtype)
    y = xp.abs(x)
    r = _erfc_ratio(xp, y)
    with numpy.errstate(over="ignore"):
        grow = exp_square(xp, xp.minimum(y, 30.0), 1.0)  # exp(x²): inf in float64 past 26.6
        grow = xp.where(y > 30.0, math.inf, grow)
        out = xp.where(x < 0, 2.0 * grow - r, r)
        small = y <= _SMALL
        if not on_host(small) or small.any():
            out = xp.where(small, grow * (1.0 - _erf_small(xp, x)), out)
    return xp.asarray(out).astype(x.dtype, copy=False)
