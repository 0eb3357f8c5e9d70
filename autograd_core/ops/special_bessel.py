r"""``torch.special``'s Bessel functions of the first and second kind J₀, J₁, Y₀, Y₁ and the
modified ones of the second kind K₀, K₁ (plain and scaled by eˣ), for any array module.

Methods (whole-array arithmetic in float64; the result is cast to the input's float dtype):

- J for |x| ≤ 1: the power series (so J₁ keeps relative accuracy as x → 0).
- J and Y for |x| ≤ 25: the Jacobi–Anger expansion e^(ix sin θ) = Σₘ Jₘ(x) e^(imθ) makes
  Jₘ(x) the m-th Fourier coefficient of a smooth periodic function, so the trapezoidal rule on
  256 points gives J₀ … J₇₁ at once (two real matrix products; aliasing error below J₁₈₄(25),
  negligible). Y₀ is then Neumann's series Y₀ = (2/π)(ln(x/2) + γ) J₀ − (4/π) Σₖ (−1)ᵏ J₂ₖ / k
  (DLMF 10.23.E2 with 10.8.2: terms bounded, no cancellation), and Y₁ = −Y₀′ term by term
  with Jₘ′ = (Jₘ₋₁ − Jₘ₊₁)/2.
- J and Y for |x| > 25: Hankel's asymptotic expansions (DLMF 10.17.3–4) with 40 terms (the
  smallest term there is below 1e-20 of the leading one), with cos and sin of x − (2n+1)π/4
  formed from cos x and sin x, so no digits of a large x are lost to the shift.
- K for 0 < x ≤ 2: the power series around 0 (DLMF 10.31.1-2; all terms of one sign, or
  dominated by 1/x); for x > 2: eˣ Kᵥ(x) = ∫₀^∞ e^(−x(cosh t − 1)) cosh(νt) dt (DLMF 10.32.9)
  by the trapezoidal rule in u = t√x (the integrand decays like a Gaussian: the error falls
  exponentially with the step) on 400 points.

As in PyTorch: J₀ even, J₁ odd, both 0 at ±inf; Y and K are NaN for x < 0, −inf (Y) or +inf
(K) at 0, and 0 at +inf. PyTorch gives these functions no gradient: the results here are
constants. Near the zeros of J and Y the error is absolute (about 1e-16), not relative.
"""

from __future__ import annotations

import math
from typing import Any

import numpy  # errstate and the host-side node tables only: the maths use xp

from autograd_core.ops.common import const, lift_float
from autograd_core.tensor import Tensor

__all__ = [
    "bessel_j0",
    "bessel_j1",
    "bessel_y0",
    "bessel_y1",
    "modified_bessel_k0",
    "modified_bessel_k1",
    "scaled_modified_bessel_k0",
    "scaled_modified_bessel_k1",
]

_EULER_GAMMA = 0.57721566490153286061
_SWITCH = 25.0
_NODES = 256
_ORDERS = 72  # J₀ … J₇₁: J₇₀(25) < 1e-21
_HANKEL_TERMS = 40


def _fourier_tables(xp: Any) -> tuple[Any, Any, Any]:
    theta = 2 * math.pi * numpy.arange(_NODES) / _NODES
    m = numpy.arange(_ORDERS)
    cos_m = numpy.cos(numpy.outer(theta, m)) / _NODES
    sin_m = numpy.sin(numpy.outer(theta, m)) / _NODES
    return xp.asarray(numpy.sin(theta)), xp.asarray(cos_m), xp.asarray(sin_m)


def _j_orders(xp: Any, x: Any) -> Any:
    """J₀(x) … J₇₁(x) for a flat float64 array x with |x| ≤ 25: shape (x.size, 72)."""
    sin_theta, cos_m, sin_m = _fourier_tables(xp)
    phase = x[:, None] * sin_theta[None, :]
    return xp.cos(phase) @ cos_m + xp.sin(phase) @ sin_m


def _small_jy(xp: Any, x: Any) -> tuple[Any, Any, Any, Any]:
    """(J₀, J₁, Y₀, Y₁) at x ∈ (0, 25] (flat float64), from the Fourier coefficients."""
    j = _j_orders(xp, x)
    log_term = xp.log(x / 2) + _EULER_GAMMA
    k = numpy.arange(1, _ORDERS // 2)
    signs = (-1.0) ** k
    neumann = j[:, 2 * k] @ xp.asarray(signs / k)
    y0 = (2 / math.pi) * log_term * j[:, 0] - (4 / math.pi) * neumann
    k = k[2 * k + 1 < _ORDERS]
    derivs = (j[:, 2 * k - 1] - j[:, 2 * k + 1]) @ xp.asarray(((-1.0) ** k) / (2 * k))
    y1 = -(2 / math.pi) * (j[:, 0] / x - log_term * j[:, 1]) + (4 / math.pi) * derivs
    return j[:, 0], j[:, 1], y0, y1


_SERIES_SWITCH = 1.0
_SERIES_TERMS = 16  # (x/2)^(2k) / (k! (k+n)!) at x = 1, k = 16: below 1e-36


def _j_series(xp: Any, n: int, x: Any) -> Any:
    """Jₙ(x) = Σ (−1)ᵏ (x/2)^(2k+n) / (k! (k+n)!) for |x| ≤ 1 (terms fall fast, no cancellation)."""
    q = -0.25 * x * x
    term = 0.5 * x if n else xp.ones_like(x)
    total = term
    for k in range(1, _SERIES_TERMS):
        term = term * q / (k * (k + n))
        total = total + term
    return total


def _hankel(xp: Any, n: int, x: Any) -> tuple[Any, Any]:
    """(Jₙ, Yₙ) for x ≥ 25 by Hankel's expansions."""
    mu = 4.0 * n * n
    p = xp.ones_like(x)
    q = xp.zeros_like(x)
    a = xp.ones_like(x)
    for k in range(1, _HANKEL_TERMS):
        a = a * ((mu - (2 * k - 1) ** 2) / (8 * k)) / x
        sign = (-1.0) ** (k // 2)
        if k % 2:
            q = q + sign * a
        else:
            p = p + sign * a
    phi = (2 * n + 1) * math.pi / 4
    cx, sx = xp.cos(x), xp.sin(x)
    cos_chi = cx * math.cos(phi) + sx * math.sin(phi)
    sin_chi = sx * math.cos(phi) - cx * math.sin(phi)
    amp = xp.sqrt(2 / (math.pi * x))
    return amp * (p * cos_chi - q * sin_chi), amp * (p * sin_chi + q * cos_chi)


def _jy_array(xp: Any, x: Any, which: str) -> Any:
    """One of J₀, J₁, Y₀, Y₁ at float64 x (any shape), with the edge values."""
    shape = x.shape
    flat = xp.ravel(x)
    ax = xp.abs(flat)
    with numpy.errstate(all="ignore"):
        small = xp.where((ax <= _SWITCH) & (ax > 0), ax, 1.0)
        j0s, j1s, y0s, y1s = _small_jy(xp, small)
        large = xp.where(ax > _SWITCH, ax, _SWITCH + 1)
        n = 0 if which in ("j0", "y0") else 1
        jl, yl = _hankel(xp, n, large)
        use_small = ax <= _SWITCH
        if which[0] == "j":
            out = xp.where(use_small, j0s if n == 0 else j1s, jl)
            near = xp.minimum(ax, _SERIES_SWITCH)  # relative accuracy as x → 0 (J₁ ≈ x/2)
            out = xp.where(ax <= _SERIES_SWITCH, _j_series(xp, n, near), out)
            out = xp.where(xp.isinf(ax), 0.0, out)
            out = xp.where(ax == 0, 1.0 if n == 0 else 0.0, out)
            if n == 1:
                out = xp.where(flat < 0, -out, out)
        else:
            out = xp.where(use_small, y0s if n == 0 else y1s, yl)
            out = xp.where(flat == math.inf, 0.0, out)
            out = xp.where(flat == 0, -math.inf, out)
            out = xp.where(flat < 0, math.nan, out)
        out = xp.where(xp.isnan(flat), math.nan, out)
    return out.reshape(shape)


_K_SWITCH = 2.0
_K_STEP = 0.1
_K_POINTS = 400
_K_SERIES_TERMS = 30


def _k_array(xp: Any, x: Any, nu: int, scaled: bool) -> Any:
    """Kᵥ(x) (ν ∈ {0, 1}), or eˣ Kᵥ(x) with ``scaled``, at float64 x (any shape)."""
    with numpy.errstate(all="ignore"):
        xs = xp.where((x > 0) & (x <= _K_SWITCH), x, 1.0)
        series = _k_series(xp, xs, nu)
        if scaled:
            series = series * xp.exp(xs)
        xl = xp.where(x > _K_SWITCH, x, _K_SWITCH + 1)
        integral = _k_scaled_integral(xp, xl, nu)
        if not scaled:
            integral = integral * xp.exp(-xl)
        out = xp.where(x <= _K_SWITCH, series, integral)
        out = xp.where(x == math.inf, 0.0, out)
        out = xp.where(x == 0, math.inf, out)
        out = xp.where((x < 0) | xp.isnan(x), math.nan, out)
    return out


def _k_series(xp: Any, x: Any, nu: int) -> Any:
    """Kᵥ(x) for 0 < x ≤ 2 by the series around 0 (with I₀, I₁ summed alongside)."""
    q = 0.25 * x * x
    log_term = xp.log(x / 2) + _EULER_GAMMA
    if nu == 0:  # K₀ = −(ln(x/2) + γ) I₀ + Σ Hₖ qᵏ / (k!)²
        term = xp.ones_like(x)
        i0 = term
        rest = xp.zeros_like(x)
        harmonic = 0.0
        for k in range(1, _K_SERIES_TERMS):
            term = term * q / (k * k)
            harmonic += 1 / k
            i0 = i0 + term
            rest = rest + harmonic * term
        return -log_term * i0 + rest
    # K₁ = 1/x + (ln(x/2) + γ) I₁ − (x/4) Σ (Hₖ + Hₖ₊₁) qᵏ / (k! (k+1)!), with ψ(k+1) = Hₖ − γ
    term = xp.ones_like(x)  # qᵏ / (k! (k+1)!)
    i1 = term
    rest = term * (0.0 + 1.0)  # Hₖ + Hₖ₊₁ at k = 0
    harmonic = 0.0
    for k in range(1, _K_SERIES_TERMS):
        term = term * q / (k * (k + 1))
        harmonic += 1 / k
        i1 = i1 + term
        rest = rest + (2 * harmonic + 1 / (k + 1)) * term
    return 1 / x + log_term * (x / 2) * i1 - (x / 4) * rest


def _k_scaled_integral(xp: Any, x: Any, nu: int) -> Any:
    """eˣ Kᵥ(x) = ∫₀^∞ e^(−2x sinh²(t/2)) cosh(νt) dt for x > 2, trapezoidal in u = t√x."""
    w = 1 / xp.sqrt(x)
    u = xp.asarray(numpy.arange(_K_POINTS) * _K_STEP)
    t = w[..., None] * u
    half = xp.sinh(0.5 * t)
    f = xp.exp(-2 * x[..., None] * half * half)
    if nu:
        f = f * xp.cosh(nu * t)
    total = f.sum(axis=-1) - 0.5 * f[..., 0]
    return w * _K_STEP * total


def _apply(input: Any, kernel: Any) -> Tensor:  # noqa: A002
    x = lift_float(input)
    xp = x.xp
    out = kernel(xp, x.data.astype(xp.float64))
    return const(out.astype(x.dtype, copy=False))


def bessel_j0(input: Any) -> Tensor:  # noqa: A002
    """J₀(x), the Bessel function of the first kind of order 0 (no gradient, as in PyTorch).

    Example:
        >>> import autograd_core as ac
        >>> round(ac.special.bessel_j0(ac.tensor([1.0], dtype=ac.float64)).item(), 12)
        0.765197686558
    """
    return _apply(input, lambda xp, x: _jy_array(xp, x, "j0"))


def bessel_j1(input: Any) -> Tensor:  # noqa: A002
    """J₁(x), of the first kind of order 1 (odd; no gradient).

    Example:
        >>> import autograd_core as ac
        >>> round(ac.special.bessel_j1(ac.tensor([1.0], dtype=ac.float64)).item(), 12)
        0.440050585745
    """
    return _apply(input, lambda xp, x: _jy_array(xp, x, "j1"))


def bessel_y0(input: Any) -> Tensor:  # noqa: A002
    """Y₀(x), of the second kind of order 0 (−inf at 0, NaN for x < 0; no gradient).

    Example:
        >>> import autograd_core as ac
        >>> round(ac.special.bessel_y0(ac.tensor([1.0], dtype=ac.float64)).item(), 12)
        0.088256964216
    """
    return _apply(input, lambda xp, x: _jy_array(xp, x, "y0"))


def bessel_y1(input: Any) -> Tensor:  # noqa: A002
    """Y₁(x), of the second kind of order 1 (−inf at 0, NaN for x < 0; no gradient).

    Example:
        >>> import autograd_core as ac
        >>> round(ac.special.bessel_y1(ac.tensor([1.0], dtype=ac.float64)).item(), 12)
        -0.7812128213
    """
    return _apply(input, lambda xp, x: _jy_array(xp, x, "y1"))


def modified_bessel_k0(input: Any) -> Tensor:  # noqa: A002
    """K₀(x), the modified Bessel function of the second kind of order 0 (no gradient).

    Example:
        >>> import autograd_core as ac
        >>> round(ac.special.modified_bessel_k0(ac.tensor([1.0], dtype=ac.float64)).item(), 12)
        0.421024438241
    """
    return _apply(input, lambda xp, x: _k_array(xp, x, 0, False))


def modified_bessel_k1(input: Any) -> Tensor:  # noqa: A002
    """K₁(x), of order 1 (no gradient).

    Example:
        >>> import autograd_core as ac
        >>> round(ac.special.modified_bessel_k1(ac.tensor([1.0], dtype=ac.float64)).item(), 12)
        0.601907230197
    """
    return _apply(input, lambda xp, x: _k_array(xp, x, 1, False))


def scaled_modified_bessel_k0(input: Any) -> Tensor:  # noqa: A002
    """eˣ K₀(x), finite for large x where K₀ underflows (no gradient).

    Example:
        >>> import autograd_core as ac
        >>> ac.special.scaled_modified_bessel_k0(ac.tensor([1e4], dtype=ac.float64)).item() > 0
        True
    """
    return _apply(input, lambda xp, x: _k_array(xp, x, 0, True))


def scaled_modified_bessel_k1(input: Any) -> Tensor:  # noqa: A002
    """eˣ K₁(x) (no gradient).

    Example:
        >>> import autograd_core as ac
        >>> x = ac.tensor([1.0], dtype=ac.float64)
        >>> round(ac.special.scaled_modified_bessel_k1(x).item(), 6)
        1.636153
    """
    return _apply(input, lambda xp, x: _k_array(xp, x, 1, True))
