"""GELU, x · Φ(x) and its tanh approximation: the op and ``gelu`` (re-exported by
activation.py, with the other elementwise activations)."""

from __future__ import annotations

import math
from typing import Any

import numpy  # float16 and errstate only: the maths use self.xp

from autograd_core.op import Op
from autograd_core.ops import activation_half as half16
from autograd_core.ops.common import lift
from autograd_core.ops.opmath import is_half, narrow, widen
from autograd_core.ops.special import erfc_array
from autograd_core.ops.unary import Erfc, Exp, Tanh
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = ["gelu"]

_SQRT1_2 = 1 / math.sqrt(2)
_INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)
_SQRT_2_OVER_PI = math.sqrt(2 / math.pi)
_GELU_KAPPA = 0.044715
_GELU_SATURATED = 40.0  # gelu(x) is x or −0, gelu'(x) 1 or 0, past ±40 (GELU's docstring)


@register_op("gelu", array_vjp=True)
class GELU(Op):
    r"""y = x · Φ(x), Φ the standard normal CDF; or, with ``approximate="tanh"``,
    y = ½ x (1 + tanh(√(2/π) (x + 0.044715 x³))).

    Exact: Φ(x) = ½ erfc(−x/√2) with Cody's erfc (float64 relative error < 1e-15, also in the
    negative tail where 1 + erf(x/√2) would cancel). VJP: x̄ = ȳ · (Φ(x) + x φ(x)),
    φ(x) = e^(−x²/2) / √(2π).

    Tanh: with u = √(2/π) (x + 0.044715 x³) and t = tanh u,
    x̄ = ȳ · (½ (1 + t) + ½ x (1 − t²) √(2/π) (1 + 3 · 0.044715 x²)).

    Saves the input (as the parent); Φ or t is recomputed in the VJP (with recorded ops in a
    recorded backward, so that it is differentiable again).

    Infinities: gelu(+inf) = +inf and gelu(−inf) = −0 (the limits; −0 as at x = −1e4), with
    derivatives 1 and 0, and no NumPy warning. Both forms saturate by |x| = 40 in every float
    dtype: Φ(−40) ≈ 4e-350 and φ(40) ≈ 1e-348 round to 0, and tanh u is ±1 from |x| ≈ 10 on. So
    the forward evaluates the formula at max(x, −40) (which changes only −inf, where x · Φ(x)
    would be −inf · 0 = NaN), and the VJP at clip(x, −40, 40) (which changes no finite result
    and keeps x² from overflowing: the float16 tanh VJP was NaN from |x| = 256 on). PyTorch 2.13
    gives NaN at −inf, and NaN for both derivatives (pytorch/pytorch#185770, #187293).

    float16 is computed in float32 and rounded once, forward and VJP (``ops/opmath.py``), as
    PyTorch's CPU kernels do; the tanh form takes its tanh as SLEEF's float32 ``tanhf``,
    PyTorch's, rounds it (``activation_half.tanh_float32``), so its forward is PyTorch's bit for
    bit on every finite float16 value, and its VJP off by one ulp for a few values in
    −4 < x < −3, where the two terms cancel and SLEEF's last-ulp errors decide. The exact form is
    correctly rounded but for a few ties; PyTorch's float16 kernel takes erf from a fast float32
    approximation and is up to two ulps off it (tests/autograd_core/test_float16_gelu.py).
    """

    fresh_grads = True

    def forward(self, x: Any, approximate: str) -> Any:
        xp = self.xp
        half = is_half(x)
        if half:  # computed in float32, rounded once (class docstring)
            x = x.astype(xp.float32)
        # Only −inf changes (class docstring). With both bounds NumPy's clip beats maximum(x,
        # −40) on float32 (python -m timeit -s "import numpy as np; x = np.ones(10**6,
        # np.float32)" "x.clip(-40.0, np.inf)", then "np.maximum(x, -40.0)").
        x = x.clip(-_GELU_SATURATED, math.inf)
        if approximate == "tanh":
            # the same operations in the same order as 0.5 x (1 + tanh((x + κ x³) √(2/π))),
            # in place on the clipped copy and u, so that the clip costs no extra temporary.
            # x³ overflows from x ≈ 5.6e102 on (float32: 7e12), harmlessly: u = inf, t = 1
            with numpy.errstate(over="ignore"):
                u = x * x
                u *= x
                u *= _GELU_KAPPA
                u += x
                u *= _SQRT_2_OVER_PI
            t = half16.tanh_float32(u) if half else xp.tanh(u)
            t += 1
            x *= 0.5
            x *= t
        else:
            x = x * (0.5 * erfc_array(xp, x * -_SQRT1_2))
        return x.astype(numpy.float16) if half else x

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        half = is_half(self.inputs[0])
        gy, x = widen(gy, *self.inputs_as(gy))  # float16: in float32, rounded once
        # no finite result changes (class docstring); its gradient, 0 past ±40, is exact there
        x = x.clip(-_GELU_SATURATED, _GELU_SATURATED)  # (arrays and Tensors alike)
        if self.params["approximate"] == "tanh":
            x2 = x * x  # (once for both terms, which pays for the clip's pass)
            u = (x + _GELU_KAPPA * (x2 * x)) * _SQRT_2_OVER_PI
            t = half16.tanh_float32(u) if half else Tanh.call(u)
            dt = (1 - t * t) * (_SQRT_2_OVER_PI * (1 + 3 * _GELU_KAPPA * x2))
            gx = gy * (0.5 * (1 + t) + 0.5 * x * dt)
        else:
            cdf = 0.5 * Erfc.call(x * -_SQRT1_2)
            pdf = Exp.call(x * x * -0.5) * _INV_SQRT_2PI
            gx = gy * (cdf + x * pdf)
        return (narrow(gx, self.inputs[0].dtype),)


def gelu(x: Tensor, approximate: str = "none") -> Tensor:
    """Gaussian error linear unit x · Φ(x) elementwise.

    At the infinities it takes its limits, gelu(+inf) = +inf and gelu(−inf) = −0, with
    derivatives 1 and 0; PyTorch 2.13 returns NaN there (pytorch/pytorch#185770).

    Args:
        x: the input.
        approximate: ``"none"`` for the exact form (Φ through erfc, float64 relative error
            below 1e-15) or ``"tanh"`` for ½ x (1 + tanh(√(2/π)(x + 0.044715 x³))).

    Raises:
        ValueError: for any other ``approximate``.

    Example:
        >>> import autograd_core as ac
        >>> ac.gelu(ac.tensor([0.0, 1.0]))
        tensor([0.       , 0.8413447])
    """
    if approximate not in ("none", "tanh"):
        raise ValueError(
            f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}. "
            "Use approximate='tanh' for the tanh approximation."
        )
    return GELU.apply(lift(x), approximate=approximate)
