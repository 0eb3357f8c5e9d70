"""Elementwise activations: sigmoid, the ReLU family, GELU, SiLU, softplus (softmax and
log_softmax, which normalise along an axis, are in softmax.py).

None of them broadcasts. Forwards avoid overflow (no ``exp`` of a large positive number), so
inputs of ±1e4 give finite values and gradients in float32 and float64, and Python-number
constants keep float32 inputs float32.

GELU has a module of its own (``ops/activation_gelu.py``, re-exported here).

float16 is computed in float32 and rounded once, forward and VJP, in PyTorch's formula order,
bit for bit PyTorch 2.13's on every finite float16 value (``ops/activation_half.py``; gelu's
own path in its module); sigmoid's VJP, as PyTorch's, rounds each of its operations to float16.
hardtanh's gradient outside the bounds is +0 for any ȳ, as PyTorch's.
"""

from __future__ import annotations

from typing import Any

import numpy  # errstate, float32 constants, dtypes: the maths use self.xp

from autograd_core.op import Op
from autograd_core.ops import activation_half as half16
from autograd_core.ops.activation_gelu import gelu
from autograd_core.ops.binary import Where
from autograd_core.ops.common import lift, lift_float
from autograd_core.ops.opmath import is_half, narrow, widen
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
        with numpy.errstate(over="ignore"):  # βx overflows only where the result is exact
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
    bounds, as ``torch.clamp`` does), and 0 at NaN, as clamp. (torch 2.13's float64
    hardtanh_backward gives ȳ at NaN in tensors of fewer than 8 elements and 0 in longer ones,
    its scalar and vectorised loops disagreeing; ours is 0 at any length.) Saves that mask as
    a constant.
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
