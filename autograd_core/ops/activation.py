"""Elementwise activations: sigmoid, the ReLU family, GELU, SiLU, softplus (softmax and
log_softmax, which normalise along an axis, are in softmax.py).

None of them broadcasts. Forwards avoid overflow (no ``exp`` of a large positive number), so
inputs of ±1e4 give finite values and gradients in float32 and float64, and Python-number
constants keep float32 inputs float32.

float16 is computed in float32 and rounded once, forward and VJP, in PyTorch's formula order,
bit for bit PyTorch 2.13's on every finite float16 value (``ops/activation_half.py``; gelu's
own path below); sigmoid's VJP, as PyTorch's, rounds each of its operations to float16.
hardtanh's gradient outside the bounds is +0 for any ȳ, as PyTorch's.
"""

from __future__ import annotations

import math
from typing import Any

import numpy  # errstate only: the maths use self.xp

from autograd_core.op import Op
from autograd_core.ops import activation_half as half16
from autograd_core.ops.binary import Where
from autograd_core.ops.common import lift, lift_float
from autograd_core.ops.opmath import is_half, narrow, widen
from autograd_core.ops.special import erfc_array
from autograd_core.ops.unary import Erfc, Exp, Tanh
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = [
    "sigmoid",
    "logsigmoid",
    "softplus",
    "silu",
    "gelu",
    "elu",
    "leaky_relu",
    "hardtanh",
]

_SQRT1_2 = 1 / math.sqrt(2)
_INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)
_SQRT_2_OVER_PI = math.sqrt(2 / math.pi)
_GELU_KAPPA = 0.044715
_GELU_SATURATED = 40.0  # gelu(x) is x or −0, gelu'(x) 1 or 0, past ±40 (GELU's docstring)


def _sigmoid_pair(xp: Any, x: Any) -> tuple[Any, Any]:
    """σ(x) and σ(−x) for any x, new arrays (also for a 0-d x), see ``Sigmoid``."""
    # Expected: eˣ overflows for x > 88.7 (float32) or 709.8 (float64), and inf / inf is NaN
    # there until σ(x) is set to 1. CuPy issues no such warnings.
    with numpy.errstate(over="ignore", invalid="ignore"):
        e = xp.exp(x)
        d = e + 1.0
        c = xp.asarray(1.0 / d)
        y = xp.asarray(e / d)  # not e · c: one rounding fewer, so σ(20) is 1.0 in float32
    y[xp.isinf(e)] = 1.0
    return y, c


@register_op("sigmoid", save_output=True, array_vjp=True)
class Sigmoid(Op):
    r"""y = σ(x) = 1 / (1 + e⁻ˣ), computed with E = eˣ as σ(x) = E / (1 + E) and
    σ(−x) = 1 / (1 + E). Neither cancels (an error in E enters with the weight 1 / (1 + E)), so
    both are accurate to a few ulps relative over the whole range: σ(−20) = 2.06e-9 in float32
    and σ(−700) = 9.86e-305 in float64, where ½ tanh(x/2) + ½ gives 0. Where E overflows,
    σ(−x) is 0 (below the smallest normal number) and σ(x) is 1.

    VJP: x̄ = ȳ · y · σ(−x), with the σ(−x) of the forward (1 − y cancels where y ≈ 1: it is 0
    in float32 for x > 16.6, while σ'(x) ≈ e⁻ˣ there). A recorded backward computes σ(−x) as a
    recorded sigmoid (same values to rounding), so that the VJP is differentiable again.
    Saves the output and σ(−x).
    """

    fresh_grads = True

    def forward(self, x: Any) -> Any:
        if is_half(x):
            return half16.sigmoid_forward(x)
        y, self.saved = _sigmoid_pair(self.xp, x)
        return y

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        y = self.output_as(gy)
        if is_half(y):  # PyTorch's sigmoid_backward, one float16 rounding per operation
            return (gy * (1 - y) * y,)
        # σ(−x) in gy's form: the saved array (plain), a recorded op (recorded backward)
        c = Sigmoid.call(-self.inputs_as(gy)[0]) if isinstance(gy, Tensor) else self.saved
        return (gy * (y * c),)


@register_op("logsigmoid", array_vjp=True)
class LogSigmoid(Op):
    r"""y = log σ(x) = min(x, 0) − log(1 + e^(−|x|)) (stable for any x).

    VJP: x̄ = ȳ · σ(−x) (= ȳ (1 − σ(x))). Saves the input (as the parent).
    """

    fresh_grads = True

    def forward(self, x: Any) -> Any:
        if is_half(x):
            return half16.logsigmoid_forward(x)
        xp = self.xp
        return xp.minimum(x, 0) - xp.log1p(xp.exp(-xp.abs(x)))

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        (x,) = self.inputs_as(gy)
        if is_half(x):
            return (half16.logsigmoid_vjp(gy, x, self.inputs[0].data),)
        return (gy * Sigmoid.call(-x),)


@register_op("softplus", array_vjp=True)
class Softplus(Op):
    r"""y = (1/β) log(1 + e^(βx)), and y = x where βx > ``threshold`` (PyTorch's rule).

    Computed as (max(βx, 0) + log(1 + e^(−|βx|))) / β, which never overflows.
    VJP: x̄ = ȳ · σ(βx), and x̄ = ȳ where βx > threshold (the linear branch). Saves the input
    (as the parent); the threshold mask is recomputed in the VJP (a constant).
    """

    fresh_grads = True

    def forward(self, x: Any, beta: float, threshold: float) -> Any:
        if is_half(x):
            return half16.softplus_forward(x, beta, threshold)
        xp = self.xp
        z = x * beta if beta != 1 else x
        y = xp.maximum(z, 0) + xp.log1p(xp.exp(-xp.abs(z)))
        if beta != 1:
            y /= beta
        return xp.where(z > threshold, x, y)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        (x,) = self.inputs_as(gy)
        beta, threshold = self.params["beta"], self.params["threshold"]
        x_data = self.inputs[0].data
        if is_half(x_data):
            return (half16.softplus_vjp(gy, x, x_data, beta, threshold),)
        linear = (x_data * beta if beta != 1 else x_data) > threshold
        z = x * beta if beta != 1 else x
        return (gy * Where.call(linear, 1.0, Sigmoid.call(z)),)


@register_op("silu", array_vjp=True)
class SiLU(Op):
    r"""y = x · σ(x) (also called swish).

    VJP: x̄ = ȳ · σ(x) (1 + x (1 − σ(x))). Saves the input (as the parent); σ(x) is recomputed
    in the VJP (a recorded op in a recorded backward, so it can be differentiated again).
    """

    fresh_grads = True

    def forward(self, x: Any) -> Any:
        if is_half(x):
            return half16.silu_forward(x)
        return x * _sigmoid_pair(self.xp, x)[0]

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        (x,) = self.inputs_as(gy)
        if is_half(x):
            return (half16.silu_vjp(gy, x),)
        s = Sigmoid.call(x)
        return (gy * (s * (1 + x * (1 - s))),)


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
            # in place on the clipped copy and u, so that the clip costs no extra temporary
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


@register_op("elu", save_output=True, array_vjp=True, saves_inputs=False)
class ELU(Op):
    r"""y = x for x > 0, α (eˣ − 1) for x ≤ 0.

    VJP: x̄ = ȳ for x > 0 and x̄ = ȳ · α eˣ = ȳ (y + α) for x ≤ 0. At x = 0 the left derivative
    α is used (PyTorch's convention; for α = 1 both sides agree). Saves the output (the
    derivative for x ≤ 0 is y + α) and the mask x > 0 (a constant).
    """

    fresh_grads = True

    def forward(self, x: Any, alpha: float) -> Any:
        xp = self.xp
        mask = x > 0
        if is_half(x):
            y, e = half16.elu_forward(x, alpha, 1.0, 1.0)
            self.saved = mask, e
            return y
        self.saved = mask
        return xp.where(mask, x, alpha * xp.expm1(xp.minimum(x, 0)))

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        if type(self.saved) is tuple:  # float16
            return (half16.elu_vjp(self, gy, self.saved[1], self.saved[0]),)
        y = self.output_as(gy)
        return (gy * Where.call(self.saved, 1.0, y + self.params["alpha"]),)


@register_op("leaky_relu", array_vjp=True, saves_inputs=False)
class LeakyReLU(Op):
    r"""y = x for x > 0, s · x for x ≤ 0 (s = ``negative_slope``).

    VJP: x̄ = ȳ · w with w = 1 for x > 0 and s for x ≤ 0; at x = 0 the slope s is used
    (PyTorch's convention). Saves w as a constant: the second derivative is 0 almost everywhere.
    """

    fresh_grads = True

    def forward(self, x: Any, negative_slope: float) -> Any:
        if is_half(x):  # w = 1 or s in float32, x · w rounded once
            self.saved = self.xp.where(x > 0, numpy.float32(1), numpy.float32(negative_slope))
            return narrow(x.astype(numpy.float32) * self.saved, x.dtype)
        w = (x > 0).astype(x.dtype)
        w *= 1 - negative_slope
        w += negative_slope
        self.saved = w
        return x * w  # a multiply by w: several times cheaper than where(x > 0, x, s·x)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        if is_half(gy):
            return (narrow(widen(gy)[0] * self.saved, gy.dtype),)
        return (gy * self.saved,)


@register_op("hardtanh", array_vjp=True, saves_inputs=False)
class Hardtanh(Op):
    r"""y = clip(x, min_val, max_val).

    VJP: x̄ = ȳ · [min_val < x < max_val]: 1 strictly inside, **0 at the bounds** and outside
    (PyTorch's ``hardtanh`` convention, unlike ``clip``, which passes the gradient at the
    bounds, as ``torch.clamp`` does). Saves that mask as a constant.
    """

    fresh_grads = True

    def forward(self, x: Any, min_val: float, max_val: float) -> Any:
        self.saved = (x > min_val) & (x < max_val)
        return self.xp.clip(x, min_val, max_val)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        # ȳ inside (−0 and NaN too), +0 outside for any ȳ, as PyTorch (ȳ · mask gave −0 for
        # ȳ < 0). Arrays: ȳ's bits AND all-ones or zeros, about 2x a multiply where where()
        # with a random mask was 13x (python -m timeit, 10⁶ float32)
        if isinstance(gy, Tensor):
            return (Where.call(self.saved, gy, 0.0),)
        xp = self.xp
        gy = xp.asarray(gy)  # (0-d: a NumPy scalar would not view)
        bits = numpy.dtype(f"i{gy.dtype.itemsize}")
        ones = xp.negative(xp.asarray(self.saved, dtype=bits))  # 1 → −1: all bits set
        return ((gy.view(bits) & ones).view(gy.dtype),)


def sigmoid(x: Tensor) -> Tensor:
    """The logistic function σ(x) = 1 / (1 + e⁻ˣ) elementwise; finite for any input.

    Example:
        >>> import autograd_core as ac
        >>> ac.sigmoid(ac.tensor([-1e4, 0.0, 1e4]))
        tensor([0. , 0.5, 1. ])
    """
    return Sigmoid.apply(lift_float(x))


def logsigmoid(x: Tensor) -> Tensor:
    """log σ(x) elementwise, stable for large |x| (log σ(−1e4) = −1e4, not −inf).

    Example:
        >>> import autograd_core as ac
        >>> ac.logsigmoid(ac.tensor([-1e4, 0.0]))
        tensor([-1.000000e+04, -6.931472e-01])
    """
    return LogSigmoid.apply(lift(x))


def softplus(x: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """(1/β) log(1 + e^(βx)) elementwise; the identity where βx > threshold (as PyTorch).

    Args:
        x: the input.
        beta: the sharpness β.
        threshold: above this value of βx the op returns x (and gradient 1).

    Example:
        >>> import autograd_core as ac
        >>> ac.softplus(ac.tensor([0.0, 1e4]))
        tensor([6.931472e-01, 1.000000e+04])
    """
    return Softplus.apply(lift(x), beta=float(beta), threshold=float(threshold))


def silu(x: Tensor) -> Tensor:
    """x · σ(x) elementwise (swish)."""
    return SiLU.apply(lift(x))


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


def elu(x: Tensor, alpha: float = 1.0) -> Tensor:
    """x for x > 0, α(eˣ − 1) otherwise, elementwise; gradient α at 0."""
    return ELU.apply(lift(x), alpha=float(alpha))


def leaky_relu(x: Tensor, negative_slope: float = 0.01) -> Tensor:
    """x for x > 0, ``negative_slope`` · x otherwise; gradient ``negative_slope`` at 0.

    Example:
        >>> import autograd_core as ac
        >>> ac.leaky_relu(ac.tensor([-2.0, 3.0]), 0.1)
        tensor([-0.2,  3. ])
    """
    return LeakyReLU.apply(lift(x), negative_slope=float(negative_slope))


def hardtanh(x: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    """clip(x, min_val, max_val) elementwise; gradient 0 at and outside the bounds.

    Raises:
        ValueError: if min_val > max_val.
    """
    if min_val > max_val:
        raise ValueError(
            f"hardtanh: min_val must not exceed max_val, got min_val={min_val!r} "
            f"and max_val={max_val!r}. Swap them."
        )
    return Hardtanh.apply(lift(x), min_val=float(min_val), max_val=float(max_val))
