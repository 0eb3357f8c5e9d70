"""Piecewise activations of ``nn.functional`` that get an op of their own because composing
them from ``where`` and friends is several times slower: hardswish, hardsigmoid, the scaled ELU
behind selu and celu, threshold, hardshrink and softshrink.

Each forward builds its branches with masks multiplied in (NumPy's ``where`` with a random
mask costs about ten times a multiply), and each VJP is written once for arrays and Tensors.
The gradient at every kink is PyTorch's. None of them broadcasts. The functions here are
``nn.functional``'s (``F.selu``), not ``ac.*`` names or Tensor methods, as in PyTorch.
"""

from __future__ import annotations

import math
from typing import Any

import numpy  # errstate only: the maths use self.xp

from autograd_core.op import Op
from autograd_core.ops import activation_half as half16
from autograd_core.ops.activation import Sigmoid, Softplus
from autograd_core.ops.binary import Where
from autograd_core.ops.common import lift
from autograd_core.ops.opmath import is_half, narrow, widen
from autograd_core.ops.unary import Tanh
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = [
    "mish",
    "hardswish",
    "hardsigmoid",
    "scaled_elu",
    "threshold",
    "hardshrink",
    "softshrink",
]


@register_op("mish", array_vjp=True)
class Mish(Op):
    r"""y = x · tanh(softplus(x)) (Misra, 2019), softplus(x) = log(1 + eˣ).

    VJP: x̄ = ȳ · (t + x σ(x) (1 − t²)), t = tanh(softplus(x)) (PyTorch's mish_backward), with
    recorded sigmoid, softplus and tanh in a recorded backward. Saves the input (as the parent).

    ``F.mish`` calls it in every dtype (the bracket is computed before ȳ multiplies it, so
    ȳ · x cannot overflow where 1 − t² is 0). float16 is computed in float32 and rounded once
    in PyTorch's order (``ops/activation_half.py``): its forward and its VJP are PyTorch's bit
    for bit on all finite float16 values but one each, one ulp off (x = −9.29 and −1.191),
    where SLEEF's last-ulp errors in expf, log1pf and tanhf decide the rounding.
    """

    fresh_grads = True

    def forward(self, x: Any) -> Any:
        if is_half(x):
            return half16.mish_forward(x)
        xp = self.xp
        return x * xp.tanh(xp.maximum(x, 0) + xp.log1p(xp.exp(-xp.abs(x))))

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        (x,) = self.inputs_as(gy)
        if is_half(x):
            return (half16.mish_vjp(gy, x),)
        t = Tanh.call(Softplus.call(x, beta=1.0, threshold=math.inf))
        return (gy * (t + x * Sigmoid.call(x) * (1 - t * t)),)


@register_op("hardswish", array_vjp=True)
class Hardswish(Op):
    r"""y = x · min(max(x + 3, 0), 6) / 6.

    VJP: x̄ = ȳ · (x/3 + ½) for −3 < x < 3, ȳ for x ≥ 3 and 0 for x ≤ −3: at the kinks −3
    and 3 the outer sides' slopes 0 and 1 (PyTorch's convention). NaN at NaN (PyTorch passes
    ȳ there). Saves the input (as the
    parent); the masks are recomputed from it in the VJP (constants).
    """

    fresh_grads = True

    def forward(self, x: Any) -> Any:
        half = is_half(x)
        if half:  # computed in float32, rounded once (ops/opmath.py)
            x = x.astype(numpy.float32)
        y = self.xp.clip(x + 3, 0, 6)
        with numpy.errstate(invalid="ignore"):  # −inf · 0 is NaN, as in PyTorch
            y *= x
        y /= 6
        return narrow(y, numpy.float16) if half else y

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        (x,) = self.inputs_as(gy)
        xd = self.inputs[0].data
        if is_half(xd):  # PyTorch's order: 0 for x ≤ −3, ȳ (x/3 + ½) below 3, ȳ from 3 on
            gy, x = widen(gy, x)
            with numpy.errstate(invalid="ignore"):  # inf · 0 in a branch not taken
                gx = Where.call(xd < 3, gy * (x / 3 + 0.5), gy)
            return (narrow(Where.call(xd <= -3, 0.0, gx), numpy.float16),)
        # selects, not x · mask (±inf · 0 would be NaN); NaN in, NaN out
        return (gy * Where.call(xd >= 3, 1.0, Where.call(xd <= -3, 0.0, x / 3 + 0.5)),)


@register_op("hardsigmoid", array_vjp=True, saves_inputs=False)
class Hardsigmoid(Op):
    r"""y = min(max(x + 3, 0), 6) / 6.

    VJP: x̄ = ȳ / 6 for −3 < x < 3 and 0 at and beyond ±3 (PyTorch's convention; PyTorch
    multiplies by 1/6 rounded to float32 also in float64, we by 1/6). Saves [−3 < x < 3] / 6
    (a constant): the second derivative is 0.
    """

    fresh_grads = True

    def forward(self, x: Any) -> Any:
        if is_half(x):  # in float32, rounded once; the VJP's mask kept as bools
            self.saved = (x > -3) & (x < 3)
            return narrow(self.xp.clip(x.astype(numpy.float32) + 3, 0, 6) / 6, x.dtype)
        self.saved = ((x > -3) & (x < 3)).astype(x.dtype) / 6
        y = self.xp.clip(x + 3, 0, 6)
        y /= 6
        return y

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        if is_half(gy):  # ȳ · (1/6 in float32) inside, +0 outside (PyTorch's)
            g = Where.call(self.saved, widen(gy)[0] * numpy.float32(1 / 6), 0.0)
            return (narrow(g, gy.dtype),)
        return (gy * self.saved,)


@register_op("scaled_elu", save_output=True, array_vjp=True, saves_inputs=False)
class ScaledELU(Op):
    r"""y = s · x for x > 0 and s α (exp(c x) − 1) for x ≤ 0 (s = ``scale``, c =
    ``input_scale``): SELU is (α, s, c) = (1.6733, 1.0507, 1), CELU is (α, 1, 1/α).

    VJP: x̄ = ȳ · s for x > 0 and x̄ = ȳ · c (y + s α) for x ≤ 0 (= ȳ s α c e^{cx}); at 0 the
    left derivative s α c (PyTorch's). Saves the output and the mask x > 0 (a constant).
    """

    fresh_grads = True

    def forward(self, x: Any, alpha: float, scale: float, input_scale: float) -> Any:
        xp = self.xp
        if is_half(x):
            y, e = half16.elu_forward(x, alpha, scale, input_scale)
            self.saved = x > 0, e
            return y
        self.saved = x > 0
        with numpy.errstate(over="ignore"):  # α < 0 (CELU): overflows to inf, as PyTorch
            y = xp.expm1(xp.minimum(x, 0) * input_scale)  # 0 where x > 0
        y *= scale * alpha
        y += xp.maximum(x, 0) * scale  # not x · mask: −inf · 0 would be NaN
        return y

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        if type(self.saved) is tuple:  # float16
            return (half16.elu_vjp(self, gy, self.saved[1], self.saved[0]),)
        y = self.output_as(gy)
        p = self.params
        # a select, not a mask product: y = inf where x > 0 would make inf · 0 = NaN
        left = (y + p["scale"] * p["alpha"]) * p["input_scale"]
        return (gy * Where.call(self.saved, p["scale"], left),)


@register_op("threshold", array_vjp=True, saves_inputs=False)
class Threshold(Op):
    r"""y = x where x > ``threshold``, else ``value``.

    VJP: x̄ = ȳ · [x > threshold] (0 at the threshold, as PyTorch). Saves that mask (a
    constant): the second derivative is 0.
    """

    fresh_grads = True

    def forward(self, x: Any, threshold: float, value: float) -> Any:
        keep = (x > threshold).astype(x.dtype)
        self.saved = keep
        # max(x, threshold) is finite where x = −inf, so the dropped branch gives 0, not NaN
        return self.xp.maximum(x, threshold) * keep + (1 - keep) * value

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        return (gy * self.saved,)


@register_op("hardshrink", array_vjp=True, saves_inputs=False)
class Hardshrink(Op):
    r"""y = x where |x| > λ, else 0 (λ = ``lambd``).

    VJP: x̄ = ȳ · [|x| > λ] (0 at ±λ, as PyTorch). Saves that mask (a constant).
    """

    fresh_grads = True

    def forward(self, x: Any, lambd: float) -> Any:
        keep = ((x > lambd) | (x < -lambd)).astype(x.dtype)
        self.saved = keep
        y = x * keep
        y += 0.0  # −x · 0 is −0; PyTorch returns +0 there
        return y

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        return (gy * self.saved,)


@register_op("softshrink", array_vjp=True, saves_inputs=False)
class Softshrink(Op):
    r"""y = x − clip(x, −λ, λ): x − λ above λ, x + λ below −λ, 0 between (λ = ``lambd``).

    VJP: x̄ = ȳ · [|x| > λ] (0 at ±λ, as PyTorch). Saves that mask (a constant).
    """

    fresh_grads = True

    def forward(self, x: Any, lambd: float) -> Any:
        self.saved = ((x > lambd) | (x < -lambd)).astype(x.dtype)
        return x - self.xp.clip(x, -lambd, lambd)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        return (gy * self.saved,)


def mish(x: Tensor) -> Tensor:
    """x · tanh(softplus(x)) elementwise, one op (``F.mish`` uses it for float16).

    Example:
        >>> import autograd_core as ac
        >>> from autograd_core.ops.activation_more import mish
        >>> mish(ac.tensor([0.0, 30.0]))
        tensor([ 0., 30.])
    """
    return Mish.apply(lift(x))


def hardswish(x: Tensor) -> Tensor:
    """x · min(max(x + 3, 0), 6) / 6 elementwise (``F.hardswish``).

    Example:
        >>> import autograd_core as ac
        >>> from autograd_core.ops.activation_more import hardswish
        >>> hardswish(ac.tensor([-4.0, 1.5, 4.0]))
        tensor([-0.   ,  1.125,  4.   ])
    """
    return Hardswish.apply(lift(x))


def hardsigmoid(x: Tensor) -> Tensor:
    """min(max(x + 3, 0), 6) / 6 elementwise (``F.hardsigmoid``).

    Example:
        >>> import autograd_core as ac
        >>> from autograd_core.ops.activation_more import hardsigmoid
        >>> hardsigmoid(ac.tensor([-4.0, 1.5, 4.0]))
        tensor([0.  , 0.75, 1.  ])
    """
    return Hardsigmoid.apply(lift(x))


def scaled_elu(x: Tensor, alpha: float, scale: float = 1.0, input_scale: float = 1.0) -> Tensor:
    """s · x for x > 0, s α (exp(c x) − 1) otherwise (``F.selu`` and ``F.celu`` use it).

    Example:
        >>> import autograd_core as ac
        >>> from autograd_core.ops.activation_more import scaled_elu
        >>> scaled_elu(ac.tensor([2.0, 0.0]), 1.0, scale=2.0)
        tensor([4., 0.])
    """
    return ScaledELU.apply(
        lift(x), alpha=float(alpha), scale=float(scale), input_scale=float(input_scale)
    )


def threshold(x: Tensor, threshold: float, value: float) -> Tensor:
    """x where x > threshold, else value, elementwise (``F.threshold``).

    Example:
        >>> import autograd_core as ac
        >>> from autograd_core.ops.activation_more import threshold
        >>> threshold(ac.tensor([0.5, 2.0]), 1.0, -1.0)
        tensor([-1.,  2.])
    """
    return Threshold.apply(lift(x), threshold=float(threshold), value=float(value))


def hardshrink(x: Tensor, lambd: float = 0.5) -> Tensor:
    """x where |x| > lambd, else 0, elementwise (``F.hardshrink``).

    Example:
        >>> import autograd_core as ac
        >>> from autograd_core.ops.activation_more import hardshrink
        >>> hardshrink(ac.tensor([0.25, -2.0]))
        tensor([ 0., -2.])
    """
    return Hardshrink.apply(lift(x), lambd=float(lambd))


def softshrink(x: Tensor, lambd: float = 0.5) -> Tensor:
    """x − clip(x, −lambd, lambd) elementwise (``F.softshrink``).

    Example:
        >>> import autograd_core as ac
        >>> from autograd_core.ops.activation_more import softshrink
        >>> softshrink(ac.tensor([0.25, -2.0]))
        tensor([ 0. , -1.5])
    """
    return Softshrink.apply(lift(x), lambd=float(lambd))
