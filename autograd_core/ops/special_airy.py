r"""``torch.special.airy_ai``: Ai(x), the Airy function of the first kind (the solution of
y″ = x·y that decays as x → +inf), for any array module.

Methods (whole-array arithmetic in float64; the result is cast to the input's float dtype):

- −3 ≤ x ≤ 1: the Maclaurin series Ai(x) = Ai(0)·f(x) + Ai′(0)·g(x), with
  f = Σ 3ᵏ (1/3)ₖ x³ᵏ / (3k)! and g = Σ 3ᵏ (2/3)ₖ x³ᵏ⁺¹ / (3k+1)! (DLMF 9.4.1). Past these
  bounds the two terms cancel (for x > 0 they grow like e^ζ while Ai falls like e^(−ζ)).
- Elsewhere, with ζ = (2/3)|x|^(3/2), the Laplace integral of DLMF 9.5.9 (valid for
  |ph z| < 2π/3):

      Ai(z) = e^(−ζ) ζ^(−1/6) / (√π 48^(1/6) Γ(5/6)) · ∫₀^∞ e^(−t) t^(−1/6) (2 + t/ζ)^(−1/6) dt,

  by generalized Gauss–Laguerre quadrature (weight t^(−1/6) e^(−t), 80 nodes from the
  eigenvalues of the Jacobi matrix, Golub–Welsch). The integrand is analytic on t ≥ 0 (its
  singularity is at t = −2ζ), so the rule converges fast once ζ is not small: 80 nodes reach
  rounding from ζ = 2/3 (x = 1) on. The integral is
  also the Borel sum of the asymptotic series of Ai: no terms to truncate at large |x|.
  For x < 0, the connection formula Ai(−x) = 2 Re[e^(iπ/3) Ai(x e^(iπ/3))] (DLMF 9.2.11)
  puts z on the ray ph z = π/3, where ζ = i·ζᵣ is imaginary, and gives

      Ai(−x) = 2 C ζᵣ^(−1/6) [cos(ζᵣ − π/4) Re I + sin(ζᵣ − π/4) Im I],

  with C = 1 / (√π 48^(1/6) Γ(5/6)) and I the integral above at ζ = iζᵣ: a modulus–phase
  form whose phase ζᵣ − π/4 is exact and whose slowly varying part comes from I.
- ζ is formed in double-double (error-free products, Dekker's splitting), so e^(−ζ) and the
  phase ζᵣ − π/4 keep full relative accuracy even where ζ is large (ζ ≈ 1900 at x = −200):
  cos and sin of ζ's leading double use the array module's full argument reduction, and its
  trailing double enters by the angle-sum formulas.

Accuracy in float64, against mpmath: relative error about 1e-15 on x ∈ [−200, 200] where Ai
is not near one of its zeros (x < 0), absolute error about 1e-15 × |x|^(−1/4) near the zeros;
the same holds further out on x < 0, up to |x| ≈ 1e10 (beyond, the double-double ζ, good to
about 1e-31 relative, no longer pins the phase to 1e-16: ζ ≈ 7e14 at x = −1e10). Ai(x)
underflows to subnormals past x ≈ 103.9 and to 0 past x ≈ 107.4.

Semantics as in PyTorch: bool and integer inputs give the default float dtype; Ai(±inf) and
Ai(NaN) are NaN (the limits would be 0: PyTorch's choice is kept); no gradient (PyTorch marks
airy_ai non-differentiable: the result does not require grad). Deliberate differences: float16
inputs are computed in float64 and rounded (PyTorch's CPU kernel refuses float16); where
PyTorch flushes to 0 (float64 x > 103.892, float32 x > 25.77), the true value is returned,
subnormal, rounded to the dtype; float32 inputs are computed in float64, so they give finite
values where PyTorch's float32 kernel overflows to NaN (x < −4e25). For x < −4.2e205, ζ
overflows and the result is NaN; PyTorch's is NaN from about −2.0e205 on (there is no phase
left to compute at such x, only the envelope 1e-52).
"""

from __future__ import annotations

import functools
import math
from fractions import Fraction
from typing import Any

import numpy  # errstate and the host-side quadrature table only: the maths use xp

from autograd_core.ops.common import const, lift_float, write_out
from autograd_core.tensor import Tensor

__all__ = ["airy_ai"]

# Ai(0) = 1 / (3^(2/3) Γ(2/3)) and −Ai′(0) = 1 / (3^(1/3) Γ(1/3)) (DLMF 9.2.3-4)
_AI0 = 0.35502805388781723926
_MINUS_AI0_PRIME = 0.25881940379280679840
_SERIES_LOW = -3.0
_SERIES_HIGH = 1.0
_SERIES_TERMS = 24  # |x|³ᵏ / (3k)! at |x| = 3, k = 24: below 1e-40

_ALPHA = -1.0 / 6.0
_NODES = 80
_C = 1.0 / (math.sqrt(math.pi) * 48.0 ** (1.0 / 6.0) * math.gamma(5.0 / 6.0))
_CHUNK = 8192
_GAMMA_5_6 = math.gamma(5.0 / 6.0)  # ∫₀^∞ e^(−t) t^(−1/6) dt

_TWO_THIRDS = 2.0 / 3.0
_TWO_THIRDS_LOW = float(Fraction(2, 3) - Fraction(_TWO_THIRDS))
_SPLITTER = 134217729.0  # 2^27 + 1 (Dekker)
_DOUBLE_DOUBLE_MAX = 1e100  # (the splitting overflows far beyond; no phase is left there)


@functools.lru_cache(maxsize=1)
def _laguerre_rule() -> tuple[Any, Any]:
    """Nodes and weights of the Gauss rule for ∫₀^∞ t^(−1/6) e^(−t) f(t) dt (host arrays)."""
    k = numpy.arange(_NODES, dtype=numpy.float64)
    off = numpy.sqrt(k[1:] * (k[1:] + _ALPHA))
    jacobi = numpy.diag(2 * k + _ALPHA + 1) + numpy.diag(off, 1) + numpy.diag(off, -1)
    nodes, vectors = numpy.linalg.eigh(jacobi)
    return nodes, math.gamma(1 + _ALPHA) * vectors[0] ** 2


def _split(a: Any) -> tuple[Any, Any]:
    c = _SPLITTER * a
    hi = c - (c - a)
    return hi, a - hi


def _two_product(a: Any, b: Any) -> tuple[Any, Any]:
    """(p, e) with p = fl(a·b) and p + e = a·b exactly (Dekker)."""
    p = a * b
    ah, al = _split(a)
    bh, bl = _split(b)
    return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl


def _zeta(xp: Any, x: Any) -> tuple[Any, Any]:
    """ζ = (2/3) x^(3/2) for x > 0 as a double-double (hi, lo), |lo| ≤ ulp(hi)."""
    s = xp.sqrt(x)
    p, e = _two_product(s, s)
    s_lo = ((x - p) - e) / (2 * s)  # √x = s + s_lo to second order (x − p is exact)
    m, m_e = _two_product(x, s)
    m_lo = m_e + x * s_lo
    z, z_e = _two_product(xp.full_like(x, _TWO_THIRDS), m)
    z_lo = z_e + _TWO_THIRDS * m_lo + _TWO_THIRDS_LOW * m
    hi = z + z_lo
    return hi, z_lo - (hi - z)


def _series(xp: Any, x: Any) -> Any:
    """Ai(x) by its Maclaurin series (for −3 ≤ x ≤ 1)."""
    cube = x * x * x
    f_term = xp.ones_like(x)
    g_term = x
    f, g = f_term, g_term
    for k in range(1, _SERIES_TERMS):
        f_term = f_term * cube / ((3 * k - 1) * (3 * k))
        g_term = g_term * cube / ((3 * k) * (3 * k + 1))
        f = f + f_term
        g = g + g_term
    return _AI0 * f - _MINUS_AI0_PRIME * g


def _laplace(xp: Any, zeta: Any) -> Any:
    """∫₀^∞ e^(−t) t^(−1/6) (2 + t/ζ)^(−1/6) dt for a flat complex array ζ (Re ζ ≥ 0, ζ ≠ 0):
    the exact value 2^(−1/6) Γ(5/6) at ζ = inf plus the quadrature of the difference, O(1/ζ)
    (so the rounding of the weights' sum does not enter the leading term)."""
    nodes, weights = _laguerre_rule()
    half_nodes = xp.asarray(nodes / 2)
    w = xp.asarray(weights, dtype=xp.complex128)
    parts = []
    for start in range(0, zeta.size, _CHUNK):  # (bounds the (points, nodes) temporaries)
        u = half_nodes[None, :] / zeta[start : start + _CHUNK, None]
        parts.append(((1 + u) ** _ALPHA - 1) @ w)
    total = xp.concatenate(parts) if parts else xp.zeros(0, xp.complex128)
    return 2.0**_ALPHA * (_GAMMA_5_6 + total)


def _far(xp: Any, ax: Any, negative: Any) -> Any:
    """Ai(x) for |x| = ax beyond the series' range (flat float64, ax > 0)."""
    hi, lo = _zeta(xp, xp.where(ax <= _DOUBLE_DOUBLE_MAX, ax, 1.0))
    plain = _TWO_THIRDS * ax * xp.sqrt(ax)  # (inf past ax ≈ 4.2e205: NaN for x < 0)
    hi = xp.where(ax <= _DOUBLE_DOUBLE_MAX, hi, plain)
    lo = xp.where(ax <= _DOUBLE_DOUBLE_MAX, lo, 0.0)
    zeta = xp.where(negative, 1j * hi, hi + 0j)
    laplace = _laplace(xp, zeta)
    scale = _C * hi**_ALPHA
    # x > 0: Ai = C ζ^(−1/6) e^(−ζ) I(ζ), with e^(−ζ) = e^(−hi) e^(−lo)
    decaying = scale * xp.exp(-hi) * xp.exp(-lo) * laplace.real
    # x < 0: cos and sin of ζ = hi + lo by the angle sum, then the shift by π/4
    c, s = xp.cos(hi), xp.sin(hi)
    c_lo, s_lo = xp.cos(lo), xp.sin(lo)
    c, s = c * c_lo - s * s_lo, s * c_lo + c * s_lo
    cos_phase = (c + s) * math.sqrt(0.5)  # cos(ζ − π/4)
    sin_phase = (s - c) * math.sqrt(0.5)  # sin(ζ − π/4)
    oscillating = 2 * scale * (cos_phase * laplace.real + sin_phase * laplace.imag)
    return xp.where(negative, oscillating, decaying)


def airy_ai_array(xp: Any, x: Any) -> Any:
    """Ai(x) elementwise for a float64 array ``x`` of any shape (NaN at ±inf and NaN)."""
    flat = xp.ravel(x)
    with numpy.errstate(all="ignore"):
        near = (flat >= _SERIES_LOW) & (flat <= _SERIES_HIGH)
        out = _series(xp, xp.where(near, flat, 0.0))
        far = xp.isfinite(flat) & ~near
        far_x = flat[far]  # (only these go through the quadrature)
        out[far] = _far(xp, xp.abs(far_x), far_x < 0)
        out[~xp.isfinite(flat)] = math.nan
    return out.reshape(x.shape)


def airy_ai(x: Any, *, out: Tensor | None = None) -> Tensor:
    """Ai(x), the Airy function of the first kind (``torch.special.airy_ai``), elementwise.

    Series near 0, a Laplace integral by Gauss–Laguerre quadrature elsewhere (module
    docstring); relative error about 1e-15 in float64 away from the zeros of Ai (x < 0),
    absolute near them. NaN at ±inf and NaN, as in PyTorch; bool and integer inputs give the
    default float dtype. No gradient, as in PyTorch: the result does not require grad. The
    argument is named ``x``, the keyword PyTorch accepts (its docs write ``input``).

    Example:
        >>> import autograd_core as ac
        >>> y = ac.special.airy_ai(ac.tensor([0.0, 1.0, -2.0], dtype=ac.float64))
        >>> [round(v, 12) for v in y.tolist()]
        [0.355028053888, 0.135292416313, 0.227407428202]
    """
    t = lift_float(x)
    xp = t.xp
    result = airy_ai_array(xp, t.data.astype(xp.float64))
    return write_out("special.airy_ai", const(result.astype(t.dtype, copy=False)), out)
