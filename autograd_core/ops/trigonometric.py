r"""Trigonometric functions and their inverses, elementwise: tan, asin, acos, atan, atan2, sinc,
and the degree/radian conversions (sin and cos are in ``ops/unary.py``).

Values follow PyTorch (and C's libm) at the edges: asin and acos are NaN outside [−1, 1], their
derivatives are inf at ±1, atan2 takes the sign of zeros into account. No warning is raised for
an argument outside a domain: the result is NaN, as in PyTorch. Integer inputs give float64
(NumPy's rule, shared by every unary op of this package; PyTorch gives float32).
"""

from __future__ import annotations

import math
from typing import Any

import numpy  # errstate only: the maths use self.xp

from autograd_core.op import Op
from autograd_core.ops.binary import Where, mul
from autograd_core.ops.common import float_pair, lift_float
from autograd_core.ops.powers import Sqrt
from autograd_core.ops.special import is_half
from autograd_core.ops.unary import Cos
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = [
    "tan",
    "asin",
    "arcsin",
    "acos",
    "arccos",
    "atan",
    "arctan",
    "atan2",
    "arctan2",
    "sinc",
    "deg2rad",
    "rad2deg",
]


def quiet() -> Any:
    """NumPy's floating-point warnings off: a value outside the domain is NaN or inf, as in
    PyTorch, not a RuntimeWarning (a no-op for CuPy, which never warns)."""
    return numpy.errstate(all="ignore")


@register_op("tan", save_output=True, array_vjp=True, saves_inputs=False)
class Tan(Op):
    r"""y = tan x. VJP: x̄ = ȳ · (1 + y²). Saves the output (cheaper than 1/cos²x)."""

    fresh_grads = True

    def forward(self, x: Any) -> Any:
        with quiet():
            return self.xp.tan(x)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        y = self.output_as(gy)
        return (gy * (1 + y * y),)


@register_op("asin", array_vjp=True)
class Asin(Op):
    r"""y = arcsin x ∈ [−π/2, π/2] (domain [−1, 1], NaN outside). VJP: x̄ = ȳ / √(1 − x²),
    inf at x = ±1 (as PyTorch). Saves the input (as the parent)."""

    fresh_grads = True

    def forward(self, x: Any) -> Any:
        with quiet():
            return self.xp.arcsin(x)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        (x,) = self.inputs_as(gy)
        with quiet():
            return (gy / Sqrt.call(1 - x * x),)


@register_op("acos", array_vjp=True)
class Acos(Op):
    r"""y = arccos x ∈ [0, π] (domain [−1, 1], NaN outside). VJP: x̄ = −ȳ / √(1 − x²), −inf at
    x = ±1. Saves the input (as the parent)."""

    fresh_grads = True

    def forward(self, x: Any) -> Any:
        with quiet():
            return self.xp.arccos(x)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        (x,) = self.inputs_as(gy)
        with quiet():
            return (-gy / Sqrt.call(1 - x * x),)


@register_op("atan", array_vjp=True)
class Atan(Op):
    r"""y = arctan x ∈ (−π/2, π/2). VJP: x̄ = ȳ / (1 + x²). Saves the input (as the parent)."""

    fresh_grads = True

    def forward(self, x: Any) -> Any:
        return self.xp.arctan(x)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        (x,) = self.inputs_as(gy)
        return (gy / (1 + x * x),)


@register_op("atan2", broadcasts=True, array_vjp=True)
class Atan2(Op):
    r"""z = atan2(a, b) ∈ [−π, π], the angle of the point (b, a), with broadcasting.

    VJP: ā = z̄ · b / (a² + b²), b̄ = −z̄ · a / (a² + b²), computed on a and b scaled by
    max(|a|, |b|) so that tiny inputs do not underflow (PyTorch gives 0 where a² + b²
    underflows, a deliberate difference). At the origin both are 0 (PyTorch's values there);
    across the branch cut (a = 0, b < 0) z jumps by 2π. Saves both inputs (as the parents).
    """

    fresh_grads = True

    def forward(self, a: Any, b: Any) -> Any:
        return self.xp.arctan2(a, b)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        a, b = self.inputs_as(gy)
        ad, bd = self.inputs[0].data, self.inputs[1].data
        xp = self.xp
        at_origin = (ad == 0) & (bd == 0)  # a constant
        # b / (a² + b²) = (b/s) / ((a/s)² + (b/s)²) / s for any constant s: s = max(|a|, |b|)
        # keeps a² + b² from underflowing (torch's 0 at a = b = 1e-200, where it is 5e199)
        s = xp.maximum(xp.abs(ad), xp.abs(bd))
        s = xp.where(at_origin | ~xp.isfinite(s), 1.0, s)
        a, b = a / s, b / s
        # a and b are 0 at the origin, so ȳ · 0 / 1 gives the 0 (and −0) that PyTorch returns
        r2 = Where.call(at_origin, 1.0, a * a + b * b) * s
        need_a, need_b = self.needs_input_grad
        return (gy * b / r2 if need_a else None), (-gy * a / r2 if need_b else None)


# sinc′(x) = π² x Σₖ cₖ (πx)^(2k−2), cₖ = (−1)ᵏ 2k / (2k + 1)!, for |x| < _SINC_SERIES, where
# (cos πx − sinc x) / x would cancel; six terms reach float64 precision there.
_SINC_SERIES = 0.05
_SINC_COEFS = tuple((-1) ** k * 2 * k / math.factorial(2 * k + 1) for k in range(1, 7))


@register_op("sinc", array_vjp=True)
class Sinc(Op):
    r"""y = sin(πx) / (πx), the normalized sinc, with y(0) = 1.

    VJP: x̄ = ȳ · (cos(πx) − sinc x) / x, and its Taylor series π²x Σ cₖ (πx)^(2k−2) for
    |x| < 0.05, where that difference cancels; so x̄ = 0 at x = 0 and the second derivative
    there is −π²/3 (PyTorch gives NaN for it). float16 is computed in float32 and rounded once,
    as PyTorch does: in float16, π·1 is rounded and sinc(1) came out 3e-4 instead of (−)0.
    Saves the input (as the parent).
    """

    fresh_grads = True

    def forward(self, x: Any) -> Any:
        with quiet():
            if is_half(x):
                return self.xp.sinc(x.astype(self.xp.float32)).astype(x.dtype)
            return self.xp.sinc(x)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        (x,) = self.inputs_as(gy)
        small = self.xp.abs(self.inputs[0].data) < _SINC_SERIES  # a constant mask
        safe = Where.call(small, 1.0, x)
        with quiet():
            direct = (Cos.call(math.pi * safe) - Sinc.call(safe)) / safe
        u = (math.pi * math.pi) * (x * x)
        series = _SINC_COEFS[-1]
        for c in reversed(_SINC_COEFS[:-1]):
            series = series * u + c
        return (gy * Where.call(small, (math.pi * math.pi) * x * series, direct),)


def tan(input: Any) -> Tensor:  # noqa: A002  (PyTorch's argument name)
    """tan x elementwise (radians).

    Example:
        >>> import autograd_core as ac
        >>> ac.tan(ac.tensor([0.0, 0.7853981633974483], dtype=ac.float64))
        tensor([0., 1.], dtype=float64)
    """
    return Tan.apply(lift_float(input))


def asin(input: Any) -> Tensor:  # noqa: A002
    """arcsin x elementwise, in [−π/2, π/2]; NaN outside [−1, 1] (alias ``arcsin``).

    Example:
        >>> import autograd_core as ac
        >>> ac.asin(ac.tensor([0.0, 1.0, 2.0]))
        tensor([0.       , 1.5707964,       nan])
    """
    return Asin.apply(lift_float(input))


def acos(input: Any) -> Tensor:  # noqa: A002
    """arccos x elementwise, in [0, π]; NaN outside [−1, 1] (alias ``arccos``).

    Example:
        >>> import autograd_core as ac
        >>> ac.acos(ac.tensor([1.0, -1.0]))
        tensor([0.       , 3.1415927])
    """
    return Acos.apply(lift_float(input))


def atan(input: Any) -> Tensor:  # noqa: A002
    """arctan x elementwise, in (−π/2, π/2) (alias ``arctan``).

    Example:
        >>> import autograd_core as ac
        >>> ac.atan(ac.tensor([0.0, float("inf")]))
        tensor([0.       , 1.5707964])
    """
    return Atan.apply(lift_float(input))


def atan2(input: Any, other: Any) -> Tensor:  # noqa: A002
    """atan2(input, other): the angle in [−π, π] of the point (other, input), with broadcasting
    (alias ``arctan2``); either operand may be a Python number. Two bool or integer operands
    give the default float dtype (as PyTorch; NumPy's rule would give float16 for bools).

    The gradients are other / r² and −input / r² with r² = input² + other², and 0 at the origin
    (as PyTorch).

    Example:
        >>> import autograd_core as ac
        >>> ac.atan2(ac.tensor([1.0, -0.0], dtype=ac.float64), ac.tensor([-1.0, -1.0])).tolist()
        [2.356194490192345, -3.141592653589793]
    """
    return Atan2.apply_pair(*float_pair(input, other))  # (ints: the default dtype, as torch)


def sinc(input: Any) -> Tensor:  # noqa: A002
    """The normalized sinc, sin(πx) / (πx), with sinc(0) = 1.

    Example:
        >>> import autograd_core as ac
        >>> ac.sinc(ac.tensor([0.0, 0.5, 1.0], dtype=ac.float64)).tolist()[:2]
        [1.0, 0.6366197723675814]
    """
    return Sinc.apply(lift_float(input))


def deg2rad(input: Any) -> Tensor:  # noqa: A002
    """Degrees to radians, x · π / 180 (a product: its gradient is π / 180).

    Example:
        >>> import autograd_core as ac
        >>> ac.deg2rad(ac.tensor([180.0, 90.0]))
        tensor([3.1415927, 1.5707964])
    """
    return mul(lift_float(input), math.pi / 180)


def rad2deg(input: Any) -> Tensor:  # noqa: A002
    """Radians to degrees, x · 180 / π (a product: its gradient is 180 / π).

    Example:
        >>> import autograd_core as ac
        >>> ac.rad2deg(ac.tensor([3.141592653589793], dtype=ac.float64))
        tensor([180.], dtype=float64)
    """
    return mul(lift_float(input), 180 / math.pi)


arcsin = asin  # NumPy's names, which PyTorch also accepts
arccos = acos
arctan = atan
arctan2 = atan2
