r"""Array kernels for the gamma family, erfinv and the Bessel functions I₀, I₁, for any array
module (NumPy or CuPy): whole-array arithmetic only, so SciPy is never needed.

Methods (each accurate to a few units in the last place of float64 on the tested domains,
measured against mpmath at 50 digits while writing them; the tests check them against PyTorch
and against closed forms):

- ``lgamma`` and ``polygamma(n, ·)`` (``digamma`` is n = 0): shift the argument up by the
  recurrences Γ(z + 1) = z Γ(z) and ψ⁽ⁿ⁾(z + 1) = ψ⁽ⁿ⁾(z) + (−1)ⁿ n! / z⁽ⁿ⁺¹⁾ until it is at
  least ``SERIES_SHIFT``, then sum the Stirling / Euler–Maclaurin asymptotic series with the
  Bernoulli numbers B₂ … B₂₄ (DLMF 5.11.1, 5.15.8). Negative arguments use the reflection formulas
  Γ(x) Γ(1 − x) = π / sin(πx) and its derivatives, with dⁿ/dxⁿ cot(πx) = πⁿ Pₙ(cot πx) for the
  polynomials P₀(c) = c, Pₖ₊₁(c) = −(1 + c²) Pₖ′(c). Near the zeros of lgamma and digamma the
  error is absolute (about 1e-14 for lgamma, 1e-15 for digamma), not relative; lgamma(1) and
  lgamma(2) are set to their exact 0.
- ``erfinv``: a first guess (the Maclaurin series for |y| ≤ ½, Winitzki's closed form above,
  relative error below 2e-3) refined by four Halley steps on erf(x) − |y| (on erfc for
  |y| > ½, so that 1 − |y| keeps its digits near ±1), using ``special.erf_array``.
- ``i0``, ``i1``: the power series Σ (x²/4)ᵏ / (k! (k + ν)!) (all terms positive: no
  cancellation) for |x| ≤ ``_BESSEL_SWITCH``, the large-argument expansion e^x / √(2πx) ·
  Σ cₖ / xᵏ (DLMF 10.40.1) above.

The arithmetic runs in float64 and the result is cast back to a float16 or float32 input's
dtype; integers and bools give float64, as the other unary ops of this package do.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy  # errstate only: the maths use xp

from autograd_core.ops.special import erf_array, erfc_array

__all__ = [
    "lgamma_array",
    "polygamma_array",
    "erfinv_array",
    "ndtri_array",
    "i0_array",
    "i1_array",
    "i0e_array",
    "i1e_array",
    "BERNOULLI_2K",
    "SERIES_SHIFT",
]

# B₂, B₄, …, B₂₄
BERNOULLI_2K = (
    Fraction(1, 6),
    Fraction(-1, 30),
    Fraction(1, 42),
    Fraction(-1, 30),
    Fraction(5, 66),
    Fraction(-691, 2730),
    Fraction(7, 6),
    Fraction(-3617, 510),
    Fraction(43867, 798),
    Fraction(-174611, 330),
    Fraction(854513, 138),
    Fraction(-236364091, 2730),
)
SERIES_SHIFT = 12  # the asymptotic series are summed at z ≥ 12: its next term is below 1e-18 there
_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)


def _float(xp: Any, x: Any) -> tuple[Any, Any]:
    """``x`` as float64, the dtype the kernels compute in, and the dtype to return: float16
    and float32 are computed in float64 (their results are then correctly rounded but for
    rare ties; the shifted sums would lose several float32 digits), integers give float64."""
    x = xp.asarray(x)
    if x.dtype.kind != "f":
        return x.astype(xp.float64), xp.float64
    return x.astype(xp.float64, copy=False), x.dtype


def _tan_pi(xp: Any, x: Any) -> Any:
    """tan(πx) with x reduced to [−½, ½] first (exactly), so large |x| loses no digits."""
    return xp.tan(math.pi * (x - xp.round(x)))


def lgamma_array(xp: Any, x: Any) -> Any:
    """ln |Γ(x)| elementwise: +inf at 0, the negative integers and ±inf; NaN stays NaN."""
    x, out_dtype = _float(xp, x)
    with numpy.errstate(all="ignore"):
        negative = x < 0
        z = xp.where(negative, 1 - x, x)  # reflected: z ≥ 0 everywhere
        small = z < SERIES_SHIFT
        zs = xp.where(small, z, 1.0)
        product = zs
        for k in range(1, SERIES_SHIFT):
            product = product * (zs + k)
        w = xp.where(small, z + SERIES_SHIFT, z)
        out = _stirling_lgamma(xp, w) - xp.where(small, xp.log(product), 0.0)
        # Γ(x) Γ(1 − x) = π / sin(πx), with sin(πx) of the reduced argument
        sin_pi = xp.abs(xp.sin(math.pi * (x - xp.round(x))))
        out = xp.where(negative, math.log(math.pi) - xp.log(sin_pi) - out, out)
        pole = (x <= 0) & (x == xp.floor(x))
        out = xp.where(pole | xp.isinf(x), math.inf, out)
        out = xp.where((x == 1) | (x == 2), 0.0, out)  # the exact zeros (the series: ~4e-15)
        # |x| < 2⁻⁶⁰: ln|Γ(x)| = −ln|x| − γx + O(x²) to the last bit; sin(πx) above would
        # lose digits on subnormal x (−5e-324 gave 744.486 for 744.440)
        tiny = xp.abs(x) < 2.0**-60
        out = xp.where(tiny & ~pole, -xp.log(xp.where(tiny, xp.abs(x), 1.0)), out)
    return out.astype(out_dtype, copy=False)


def _stirling_lgamma(xp: Any, w: Any) -> Any:
    """ln Γ(w) for w ≥ 12 (or w = 0 lanes that are replaced later): Stirling's series."""
    r = 1 / w
    r2 = r * r
    series = 0.0
    for j in range(len(BERNOULLI_2K), 0, -1):
        series = series * r2 + float(BERNOULLI_2K[j - 1] / (2 * j * (2 * j - 1)))
    return (w - 0.5) * xp.log(w) - w + _HALF_LOG_2PI + series * r


def polygamma_array(xp: Any, n: int, x: Any) -> Any:
    """ψ⁽ⁿ⁾(x), the n-th derivative of the digamma function ψ = Γ′/Γ, elementwise (n ≥ 0).

    At the poles (0 and the negative integers) n = 0 gives −inf at +0, +inf at −0 and NaN at the
    negative integers; n ≥ 1 gives (−1)ⁿ⁺¹ · inf, the limit from the right (PyTorch's values).
    """
    x, out_dtype = _float(xp, x)
    with numpy.errstate(all="ignore"):
        negative = x < 0
        z = xp.where(negative, 1 - x, x)
        out = _polygamma_nonnegative(xp, n, z)
        if n == 0:
            reflected = out - math.pi / _tan_pi(xp, x)
        else:
            reflected = (-1) ** n * out - math.pi ** (n + 1) * _cot_derivative(
                1 / _tan_pi(xp, x), n
            )
        out = xp.where(negative, reflected, out)
        # −2⁻⁶⁰ < x < 0: the pole's term (−1)ⁿ⁺¹ n! / xⁿ⁺¹ (− γ for n = 0) to the last bit,
        # where the reflection's cot(πx) is inf − inf on subnormal x (ψ′(−5e-324) was NaN)
        tiny = negative & (x > -(2.0**-60))
        near = (-1) ** (n + 1) * math.factorial(n) / xp.where(tiny, x, -1.0) ** (n + 1)
        out = xp.where(tiny, near - (0.5772156649015329 if n == 0 else 0.0), out)
        pole = (negative if n == 0 else x <= 0) & (x == xp.floor(x))
        out = xp.where(pole, math.nan if n == 0 else (-1) ** (n + 1) * math.inf, out)
        if n == 0:
            out = xp.where(x == -math.inf, math.nan, out)
        else:
            out = xp.where(xp.isinf(x), xp.where(x > 0, 0.0, math.nan), out)
    return out.astype(out_dtype, copy=False)


def _polygamma_nonnegative(xp: Any, n: int, z: Any) -> Any:
    """ψ⁽ⁿ⁾(z) for z ≥ 0 (z = 0 gives the pole's signed inf, through 1/±0)."""
    shift = SERIES_SHIFT + 2 * n  # the terms of the series grow with n: start it further out
    w = z + shift
    r = 1 / w
    r2 = r * r
    if n == 0:
        head = -sum(1 / (z + k if k else z) for k in range(shift))  # 1/−0 = −inf
        series = 0.0
        for j in range(len(BERNOULLI_2K), 0, -1):
            series = series * r2 + float(BERNOULLI_2K[j - 1] / (2 * j))
        return head + xp.log(w) - 0.5 * r - series * r2
    # (−1)ⁿ⁺¹ n! [Σₖ (z + k)^−(n+1) + ζ(n + 1, w)], ζ by Euler–Maclaurin
    head = sum((1 / (z + k)) ** (n + 1) for k in range(shift))
    s = n + 1
    series = 0.0
    for j in range(len(BERNOULLI_2K), 0, -1):
        rising = math.prod(range(s, s + 2 * j - 1))  # s (s + 1) … (s + 2j − 2)
        coef = BERNOULLI_2K[j - 1] * rising / math.factorial(2 * j)
        series = series * r2 + float(coef)
    tail = r**n / n + 0.5 * r**s + series * r**s * r
    return (-1) ** (n + 1) * math.factorial(n) * (head + tail)


def _cot_derivative(c: Any, n: int) -> Any:
    """Pₙ(c), with dⁿ/duⁿ cot u = Pₙ(cot u): P₀ = c, Pₖ₊₁ = −(1 + c²) Pₖ′ (Horner in c)."""
    coefs = [0, 1]  # P₀(c) = c, lowest degree first
    for _ in range(n):
        deriv = [i * a for i, a in enumerate(coefs)][1:] or [0]
        nxt = [0] * (len(deriv) + 2)
        for i, a in enumerate(deriv):
            nxt[i] -= a
            nxt[i + 2] -= a
        coefs = nxt
    out = 0.0
    for a in reversed(coefs):
        out = out * c + a
    return out


_TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)
_WINITZKI_A = 0.147


def erfinv_array(xp: Any, y: Any) -> Any:
    """erf⁻¹(y) elementwise: ±inf at ±1, NaN outside [−1, 1] and for NaN, −0 at −0."""
    y, out_dtype = _float(xp, y)
    with numpy.errstate(all="ignore"):
        a = xp.abs(y)
        x = _erfinv_nonnegative(xp, a, 1 - a)  # 1 − a is exact for a > ½ (Sterbenz)
        out = xp.where(xp.isnan(a), math.nan, xp.copysign(x, y))
    return out.astype(out_dtype, copy=False)


def _erfinv_nonnegative(xp: Any, a: Any, q: Any) -> Any:
    """erf⁻¹(a) = erfc⁻¹(q) for a ≥ 0 given with q = 1 − a, both exact (q carries the digits
    near a = 1); inf at a = 1, NaN above. Errors ignored by the caller."""
    tail = a > 0.5
    # first guess: the Maclaurin series near 0, Winitzki's formula in the tails
    w = (math.sqrt(math.pi) / 2) * a
    w2 = w * w
    near = w * (1 + w2 * (1 / 3 + w2 * (7 / 30 + w2 * (127 / 630 + w2 * 4369 / 22680))))
    log_term = xp.log(q) + xp.log(2 - q)  # ln(1 − a²) without cancelling 1 − a
    t = 2 / (math.pi * _WINITZKI_A) + 0.5 * log_term
    far = xp.sqrt(xp.sqrt(t * t - log_term / _WINITZKI_A) - t)
    x = xp.where(tail, far, near)
    # the tests use q, not a: 1 − q rounds to 1 for q below 1e-16
    x = xp.where(q > 0, x, 0.0)  # keep the lanes replaced below finite
    for _ in range(4):  # Halley: x ← x − d / (1 + x d), d = f / f′ for f = erf(x) − a
        residual = xp.where(tail, q - erfc_array(xp, x), erf_array(xp, x) - a)
        slope = _TWO_OVER_SQRT_PI * xp.exp(-x * x)
        d = xp.where(slope > 0, residual / slope, 0.0)  # (slope underflows below q ≈ 1e-308)
        x = x - d / (1 + x * d)
    x = xp.where(q == 0, math.inf, x)
    return xp.where(q < 0, math.nan, x)  # (NaN compares false everywhere and stays NaN)


def ndtri_array(xp: Any, p: Any) -> Any:
    """Φ⁻¹(p), the quantile of the standard normal distribution, elementwise: −inf at 0, inf at
    1, NaN outside [0, 1]. Computed as ∓√2 erfc⁻¹(2 min(p, 1 − p)), so that tiny p keep their
    digits (√2 erf⁻¹(2p − 1) would round 2p − 1 to −1 below p ≈ 1e-17)."""
    p, out_dtype = _float(xp, p)
    with numpy.errstate(all="ignore"):
        lower = p < 0.5
        q = 2 * xp.where(lower, p, 1 - p)  # 1 − p is exact for p ≥ ½
        x = math.sqrt(2) * _erfinv_nonnegative(xp, 1 - q, q)
        out = xp.where(lower, -x, x)
        out = xp.where((p < 0) | (p > 1) | xp.isnan(p), math.nan, out)
    return out.astype(out_dtype, copy=False)


_BESSEL_SWITCH = 30.0
_SERIES_TERMS = 70  # (x²/4)ᵏ / (k!)² at |x| = 30, k = 70: below 1e-17 of the sum
_ASYMPTOTIC_TERMS = 20


def _bessel_i(xp: Any, nu: int, x: Any, scaled: bool = False) -> Any:
    """I_ν(|x|) for ν ∈ {0, 1}: power series below ``_BESSEL_SWITCH``, expansion above; with
    ``scaled``, e^(−|x|) I_ν(|x|) (the expansion then needs no exponential: finite at inf)."""
    ax = xp.abs(x)
    with numpy.errstate(all="ignore"):
        xs = xp.minimum(ax, _BESSEL_SWITCH)
        q = 0.25 * xs * xs
        term = 0.5 * xs if nu else xp.ones_like(xs)
        series = term
        for k in range(1, _SERIES_TERMS):
            term = term * q / (k * (k + nu))
            series = series + term
        xl = xp.maximum(ax, _BESSEL_SWITCH)
        mu = 4 * nu * nu
        c = xp.ones_like(xl)
        expansion = c
        for k in range(1, _ASYMPTOTIC_TERMS):
            c = c * ((2 * k - 1) ** 2 - mu) / (8 * k * xl)
            expansion = expansion + c
        if scaled:
            series = series * xp.exp(-xs)
            large = expansion / xp.sqrt(2 * math.pi * xl)
            return xp.where(ax <= _BESSEL_SWITCH, series, large)
        # e^x / √(2πx) as e^(x/2) · (e^(x/2) / √(2πx)): finite wherever the result is
        half = xp.exp(0.5 * xl)
        large = half * (half / xp.sqrt(2 * math.pi * xl)) * expansion
        large = xp.where(xl == math.inf, math.inf, large)  # (inf / inf above)
        return xp.where(ax <= _BESSEL_SWITCH, series, large)


def i0_array(xp: Any, x: Any) -> Any:
    """I₀(x), the modified Bessel function of the first kind of order 0 (even; inf at ±inf)."""
    x, out_dtype = _float(xp, x)
    return _bessel_i(xp, 0, x).astype(out_dtype, copy=False)


def i1_array(xp: Any, x: Any) -> Any:
    """I₁(x), of order 1 (odd; ±inf at ±inf; +0 at −0, as PyTorch)."""
    x, out_dtype = _float(xp, x)
    with numpy.errstate(invalid="ignore"):
        out = xp.where(x == 0, 0.0, xp.copysign(_bessel_i(xp, 1, x), x))
    return out.astype(out_dtype, copy=False)


def i0e_array(xp: Any, x: Any) -> Any:
    """e^(−|x|) I₀(x), the exponentially scaled I₀ (even; 0 at ±inf, ~1/√(2π|x|) far out)."""
    x, out_dtype = _float(xp, x)
    return _bessel_i(xp, 0, x, scaled=True).astype(out_dtype, copy=False)


def i1e_array(xp: Any, x: Any) -> Any:
    """e^(−|x|) I₁(x), the exponentially scaled I₁ (odd; ±0 at ±inf; +0 at −0, as PyTorch)."""
    x, out_dtype = _float(xp, x)
    with numpy.errstate(invalid="ignore"):
        out = xp.where(x == 0, 0.0, xp.copysign(_bessel_i(xp, 1, x, scaled=True), x))
    return out.astype(out_dtype, copy=False)
