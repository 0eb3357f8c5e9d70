"""The float16 paths of the elementwise activations: each computed in float32 and rounded once
to float16 (``ops/opmath.py``), with PyTorch's CPU formula, in its order of operations where
that decides the rounding, so that the results are PyTorch 2.13's bit for bit on (nearly)
every float16 value (tests/autograd_core/test_float16_activations.py).

The transcendental functions are taken in float64 and rounded to float32 (``via_float64``):
PyTorch's vectorised float32 ``exp``, ``log1p``, ``expm1`` and ``tanh`` are SLEEF's, within
one float32 ulp, and correctly rounded on all but a few arguments; NumPy's float32 functions
are off more often. Where SLEEF's last-ulp error is what decides the float16 rounding, which
NumPy cannot reproduce, a result is one float16 ulp off PyTorch's (mish: a few values).

Forwards take and return arrays; the VJP helpers take ȳ and the inputs as arrays or Tensors
alike (recorded casts and ops in a recorded backward, so the VJP stays differentiable), and
read masks from the input's data. float16 intermediates never overflow here (x³, e^x, x · 6
are float32), so no NumPy warning is issued for any finite, infinite or quiet-NaN input.
"""

from __future__ import annotations

from typing import Any

import numpy

from autograd_core.ops.binary import Where
from autograd_core.ops.opmath import narrow, via_float64, widen
from autograd_core.ops.rounding import Sign
from autograd_core.ops.shape import AsType
from autograd_core.ops.unary import Abs, Exp, Expm1, Log1p, Tanh
from autograd_core.tensor import Tensor

F32 = numpy.float32
F16 = numpy.float16
# the smallest float32 subnormal: SLEEF's log1pf returns 0 for it (PyTorch's logsigmoid(x)
# is then +0, not −0, for x ≥ 102.9)
_F32_TINIEST = numpy.nextafter(F32(0), F32(1))
_SLEEF_TANHF_SATURATED = 8.664339742  # |u| past which SLEEF's float32 tanh returns ±1


def tanh_float32(u: Any) -> Any:
    """tanh of float32 values (an array or a Tensor) as PyTorch's vectorised float32 tanh
    (SLEEF's ``tanhf``) gives it: ±1 where |u| > 8.664339742 (SLEEF's cut-off, one float32 ulp
    from the true value), else taken in float64 and rounded to float32, correctly rounded
    where NumPy's float32 tanh is off by an ulp more often. gelu's 1 + tanh u cancels for
    x < −2, and there these ulps decide the rounding to float16 (GELU's docstring)."""
    t = AsType.call(Tanh.call(AsType.call(u, dtype=numpy.float64)), dtype=numpy.float32)
    data = u.data if isinstance(u, Tensor) else u
    return Where.call(abs(data) > _SLEEF_TANHF_SATURATED, Sign.call(u), t)


def sigmoid_forward(x: Any) -> Any:
    """σ(x) = 1 / (1 + e⁻ˣ) in float32, rounded to float16 (PyTorch's order)."""
    x = x.astype(F32)
    return narrow(1 / (1 + via_float64(Exp, -x)), F16)


def logsigmoid_forward(x: Any) -> tuple[Any, Any]:
    """min(x, 0) − log1p(e^(−|x|)) in float32, rounded to float16."""
    x = x.astype(F32)
    b = via_float64(Exp, -abs(x))
    lp = via_float64(Log1p, b)
    lp[b <= _F32_TINIEST] = 0  # SLEEF's log1pf (module constant)
    return narrow(numpy.minimum(x, F32(0)) - lp, F16)


def logsigmoid_vjp(gy: Any, x: Any, x_data: Any) -> Any:
    """PyTorch's log_sigmoid_backward: with b = e^(−|x|) rounded to float16 (the buffer it
    keeps), x̄ = (m − s · b / (1 + b)) · ȳ, m = [x < 0], s = ±1 (+1 for x < 0), in float32."""
    gy, x = widen(gy, x)
    b = widen(narrow(via_float64(Exp, -Abs.call(x)), F16))[0]
    negative = x_data < 0
    sign = numpy.where(negative, F32(1), F32(-1))
    # (m − s · q) · ȳ with q = b / (1 + b), written with the Tensor first
    return narrow((-((b / (1 + b)) * sign) + negative.astype(F32)) * gy, F16)


def softplus_forward(x: Any, beta: float, threshold: float) -> Any:
    """x where βx > threshold, else log1p(e^(βx)) / β, in float32 with β and the threshold
    rounded to float32, rounded to float16."""
    x = x.astype(F32)
    z = x * F32(beta)
    y = via_float64(Log1p, via_float64(Exp, z))
    y /= F32(beta)
    return narrow(numpy.where(z > F32(threshold), x, y), F16)


def softplus_vjp(gy: Any, x: Any, x_data: Any, beta: float, threshold: float) -> Any:
    """x̄ = ȳ where βx > threshold, else ȳ · e / (e + 1) with e = e^(βx), in float32."""
    gy, x = widen(gy, x)
    linear = x_data.astype(F32) * F32(beta) > F32(threshold)
    with numpy.errstate(over="ignore", invalid="ignore"):  # where βx > 85: not selected
        e = via_float64(Exp, x * F32(beta))
        return narrow(Where.call(linear, gy, gy * e / (e + 1)), F16)


def silu_forward(x: Any) -> Any:
    """x / (1 + e⁻ˣ) in float32, rounded to float16."""
    x = x.astype(F32)
    with numpy.errstate(invalid="ignore"):  # −inf / inf is NaN, as in PyTorch
        return narrow(x / (1 + via_float64(Exp, -x)), F16)


def silu_vjp(gy: Any, x: Any) -> Any:
    """x̄ = ȳ · s · (1 + x (1 − s)), s = 1 / (1 + e⁻ˣ), in float32 (PyTorch's order)."""
    gy, x = widen(gy, x)
    with numpy.errstate(invalid="ignore"):  # x = −inf: 0 · inf is NaN, as in PyTorch
        s = 1 / (1 + via_float64(Exp, -x))
        return narrow(gy * s * (1 + x * (1 - s)), F16)


def elu_forward(x: Any, alpha: float, scale: float, input_scale: float) -> tuple[Any, Any]:
    """s x for x > 0, else expm1(c x) · s α (s α the float32 product of the float32 s and α),
    in float32, rounded to float16; and e^(c x) in float32, which the VJP needs."""
    x = x.astype(F32)
    xc = x * F32(input_scale)
    with numpy.errstate(over="ignore"):
        y = via_float64(Expm1, xc)
        y *= F32(alpha) * F32(scale)
        y = numpy.where(x > 0, x * F32(scale), y)
    return narrow(y, F16), via_float64(Exp, xc)


def elu_vjp(op: Any, gy: Any, e: Any, positive: Any) -> Any:
    """PyTorch's elu_backward from the input: x̄ = ȳ s for x > 0, else ((ȳ c) s α) e^(c x),
    in float32. e is e^(c x) from the forward; in a recorded backward it is made to carry its
    derivative c e^(c x) = y'(x) / (s α) through the output (adding (y − y) / (s α), which is
    0: the same bits)."""
    p = op.params
    scale, input_scale = F32(p.get("scale", 1.0)), F32(p.get("input_scale", 1.0))
    neg = F32(p["alpha"]) * scale
    (gy,) = widen(gy)
    with numpy.errstate(invalid="ignore", over="ignore"):  # inf − inf where x > 0: not taken
        if isinstance(gy, Tensor):
            e = widen((op.output_as(gy) - op.out) / float(neg))[0] + e
        gx = Where.call(positive, gy * scale, gy * input_scale * neg * e)
    return narrow(gx, F16)


def _tanh_softplus(x: Any) -> Any:
    """tanh(log1p(eˣ)) of float32 x, each function as PyTorch's float32 kernel gives it."""
    return tanh_float32(via_float64(Log1p, via_float64(Exp, x)))


def mish_forward(x: Any) -> Any:
    """x · tanh(log1p(eˣ)) in float32, rounded to float16."""
    x = x.astype(F32)
    with numpy.errstate(invalid="ignore"):  # −inf · 0 is NaN, as in PyTorch
        return narrow(x * _tanh_softplus(x), F16)


def mish_vjp(gy: Any, x: Any) -> Any:
    """x̄ = ȳ (t + x s (1 − t²)), t = tanh(log1p(eˣ)), s = 1 / (1 + e⁻ˣ), in float32."""
    gy, x = widen(gy, x)
    with numpy.errstate(invalid="ignore"):
        t = _tanh_softplus(x)
        s = 1 / (1 + via_float64(Exp, -x))
        return narrow(gy * (t + x * s * (1 - t * t)), F16)
