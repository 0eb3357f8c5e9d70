r"""Exponentials and logarithms beyond exp and log, elementwise: log2, log10, exp2, logaddexp,
logaddexp2, logit, xlogy, hypot, and the compositions ldexp, float_power and true_divide.

Edge values follow PyTorch: log2(0) = −inf, log of a negative number is NaN, xlogy(0, y) = 0
for every y but NaN, logaddexp(inf, inf) = inf. No warning is raised for them. Integer inputs
give float64 (NumPy's rule, shared by every op of this package).
"""

from __future__ import annotations

import math
from typing import Any

import numpy

from autograd_core.op import Op
from autograd_core.ops.arithmetic import div
from autograd_core.ops.binary import Where, mul, pow
from autograd_core.ops.common import float_pair, lift_float, lift_pair
from autograd_core.ops.trigonometric import quiet
from autograd_core.ops.unary import Exp
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = [
    "log2",
    "log10",
    "exp2",
    "logaddexp",
    "logaddexp2",
    "logit",
    "xlogy",
    "hypot",
    "ldexp",
    "float_power",
    "true_divide",
]

_LN2 = math.log(2)
_LN10 = math.log(10)


@register_op("log2", array_vjp=True)
class Log2(Op):
    r"""y = log₂ x (domain x > 0). VJP: x̄ = ȳ / (x ln 2). Saves the input (as the parent)."""

    fresh_grads = True

    def forward(self, x: Any) -> Any:
        with quiet():
            return self.xp.log2(x)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        (x,) = self.inputs_as(gy)
        with quiet():
            return (gy / (x * _LN2),)


@register_op("log10", array_vjp=True)
class Log10(Op):
    r"""y = log₁₀ x (domain x > 0). VJP: x̄ = ȳ / (x ln 10). Saves the input (as the parent)."""

    fresh_grads = True

    def forward(self, x: Any) -> Any:
        with quiet():
            return self.xp.log10(x)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        (x,) = self.inputs_as(gy)
        with quiet():
            return (gy / (x * _LN10),)


@register_op("exp2", save_output=True, array_vjp=True, saves_inputs=False)
class Exp2(Op):
    r"""y = 2ˣ. VJP: x̄ = ȳ · y ln 2. Saves the output."""

    fresh_grads = True

    def forward(self, x: Any) -> Any:
        with quiet():
            return self.xp.exp2(x)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        return (gy * (self.output_as(gy) * _LN2),)


@register_op("logaddexp", broadcasts=True, array_vjp=True)
class LogAddExp(Op):
    r"""z = ln(eᵃ + eᵇ), computed without overflow, with broadcasting.

    VJP: ā = z̄ / (1 + e^(b − a)), b̄ = z̄ / (1 + e^(a − b)) (the softmax weights of a and b,
    PyTorch's form: 1 and 0 where one of them is −inf, NaN where both are the same infinity).
    Saves both inputs (as the parents).
    """

    fresh_grads = True

    def forward(self, a: Any, b: Any) -> Any:
        with quiet():
            return self.xp.logaddexp(a, b)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        a, b = self.inputs_as(gy)
        need_a, need_b = self.needs_input_grad
        with quiet():
            return (
                gy / (1 + Exp.call(b - a)) if need_a else None,
                gy / (1 + Exp.call(a - b)) if need_b else None,
            )


@register_op("logaddexp2", broadcasts=True, array_vjp=True)
class LogAddExp2(Op):
    r"""z = log₂(2ᵃ + 2ᵇ), with broadcasting. VJP: ā = z̄ / (1 + 2^(b − a)),
    b̄ = z̄ / (1 + 2^(a − b)). Saves both inputs (as the parents)."""

    fresh_grads = True

    def forward(self, a: Any, b: Any) -> Any:
        with quiet():
            return self.xp.logaddexp2(a, b)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        a, b = self.inputs_as(gy)
        need_a, need_b = self.needs_input_grad
        with quiet():
            return (
                gy / (1 + Exp.call((b - a) * _LN2)) if need_a else None,
                gy / (1 + Exp.call((a - b) * _LN2)) if need_b else None,
            )


@register_op("logit", array_vjp=True)
class Logit(Op):
    r"""y = ln(x / (1 − x)), with x first clamped to [ε, 1 − ε] when ``eps`` is given.

    VJP: x̄ = ȳ / (x (1 − x)), and 0 where the clamp is active (x < ε or x > 1 − ε; at the
    bounds themselves the formula is used, as in PyTorch). Without ``eps`` the result is ∓inf at
    0 and 1 and NaN outside [0, 1], and x̄ is inf at 0 and 1 and NaN outside [0, 1] (PyTorch's
    logit_backward). Saves the input (as the parent).
    """

    fresh_grads = True

    def forward(self, x: Any, eps: float | None) -> Any:
        if eps is not None:
            x = self.xp.clip(x, eps, 1 - eps)
        with quiet():
            return self.xp.log(x / (1 - x))

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        (x,) = self.inputs_as(gy)
        eps = self.params["eps"]
        if eps is None:  # NaN outside [0, 1], where y is NaN (PyTorch's logit_backward)
            raw = self.inputs[0].data
            with quiet():
                return (Where.call((raw < 0) | (raw > 1), math.nan, gy / (x * (1 - x))),)
        raw = self.inputs[0].data
        clamped = (raw < eps) | (raw > 1 - eps)  # a constant mask (NaN is not clamped)
        safe = Where.call(clamped, 0.5, x)
        return (Where.call(clamped, 0.0, gy / (safe * (1 - safe))),)


class XLog(Op):
    r"""z = x · ln(y + shift), and 0 where x = 0, NaN where y is NaN: xlogy (``shift`` 0) and
    xlog1py (``shift`` 1, ln(1 + y) by ``log1p``, accurate for small y).

    VJP: x̄ = z̄ · ln(y + shift) (the same op, so 0 where z̄ = 0), taken as 0 where x = 0 and
    y + shift ≤ 0; ȳ = z̄ · x / (y + shift) (PyTorch's formulas). Saves both inputs (as the
    parents)."""

    fresh_grads = True
    shift = 0

    def forward(self, x: Any, y: Any) -> Any:
        xp = self.xp
        with quiet():
            out = xp.where(x == 0, 0.0, x * (xp.log1p(y) if self.shift else xp.log(y)))
        return xp.where(xp.isnan(y), math.nan, out).astype(out.dtype, copy=False)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        x, y = self.inputs_as(gy)
        need_x, need_y = self.needs_input_grad
        gx = gyy = None
        with quiet():
            if need_x:
                raw_x, raw_y = self.inputs[0].data, self.inputs[1].data
                masked = (raw_x == 0) & (raw_y <= -self.shift)  # a constant mask
                gx = Where.call(masked, 0.0, type(self).call(gy, y))
            if need_y:
                gyy = gy * x / ((1 + y) if self.shift else y)
        return gx, gyy


@register_op("xlogy", broadcasts=True, array_vjp=True)
class Xlogy(XLog):
    r"""z = x · ln y, and 0 where x = 0 (also for y = 0 and y = inf), NaN where y is NaN.

    VJP: x̄ = z̄ · ln y (itself an xlogy, so 0 where z̄ = 0), taken as 0 where x = 0 and y ≤ 0;
    ȳ = z̄ · x / y (PyTorch's formulas; ``XLog``). Saves both inputs (as the parents).
    """


@register_op("hypot", broadcasts=True, save_output=True, array_vjp=True)
class Hypot(Op):
    r"""z = √(a² + b²), without overflow, with broadcasting. VJP: ā = z̄ · a / z, b̄ = z̄ · b / z
    (NaN at the origin, as in PyTorch). Saves both inputs (as the parents) and the output."""

    fresh_grads = True

    def forward(self, a: Any, b: Any) -> Any:
        return self.xp.hypot(a, b)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        a, b = self.inputs_as(gy)
        z = self.output_as(gy)
        need_a, need_b = self.needs_input_grad
        with quiet():
            return (gy * a / z if need_a else None), (gy * b / z if need_b else None)


def log2(input: Any) -> Tensor:  # noqa: A002  (PyTorch's argument name)
    """log₂ x elementwise: −inf at 0, NaN below.

    Example:
        >>> import autograd_core as ac
        >>> ac.log2(ac.tensor([1.0, 8.0, 0.0]))
        tensor([  0.,   3., -inf])
    """
    return Log2.apply(lift_float(input))


def log10(input: Any) -> Tensor:  # noqa: A002
    """log₁₀ x elementwise: −inf at 0, NaN below.

    Example:
        >>> import autograd_core as ac
        >>> ac.log10(ac.tensor([1.0, 100.0], dtype=ac.float64)).tolist()
        [0.0, 2.0]
    """
    return Log10.apply(lift_float(input))


def exp2(input: Any) -> Tensor:  # noqa: A002
    """2ˣ elementwise.

    Example:
        >>> import autograd_core as ac
        >>> ac.exp2(ac.tensor([0.0, 3.0, -1.0]))
        tensor([1. , 8. , 0.5])
    """
    return Exp2.apply(lift_float(input))


def logaddexp(input: Any, other: Any) -> Tensor:  # noqa: A002
    """ln(e^input + e^other) with broadcasting, exact where the exponentials would overflow.

    Example:
        >>> import autograd_core as ac
        >>> ac.logaddexp(ac.tensor([1000.0, 0.0], dtype=ac.float64), 0.0).tolist()
        [1000.0, 0.6931471805599453]
    """
    return LogAddExp.apply_pair(*lift_pair(input, other))


def logaddexp2(input: Any, other: Any) -> Tensor:  # noqa: A002
    """log₂(2^input + 2^other) with broadcasting.

    Example:
        >>> import autograd_core as ac
        >>> ac.logaddexp2(ac.tensor([1.0, 3.0]), ac.tensor([1.0, 3.0]))
        tensor([2., 4.])
    """
    return LogAddExp2.apply_pair(*lift_pair(input, other))


def logit(input: Any, eps: float | None = None) -> Tensor:  # noqa: A002
    """ln(x / (1 − x)), the inverse of the sigmoid; with ``eps``, x is first clamped to
    [eps, 1 − eps] (and the gradient is 0 where the clamp acts), as ``torch.logit``.

    Args:
        input: probabilities (NaN outside [0, 1] without ``eps``).
        eps: the clamp margin, in [0, 0.5], or None for no clamp.

    Raises:
        ValueError: ``eps`` outside [0, 0.5].

    Example:
        >>> import autograd_core as ac
        >>> ac.logit(ac.tensor([0.5, 0.0, 1.0]))
        tensor([  0., -inf,  inf])
    """
    if eps is not None:
        eps = float(eps)
        if not 0 <= eps <= 0.5:
            raise ValueError(
                f"logit: eps must lie in [0, 0.5] (the input is clamped to [eps, 1 - eps]), "
                f"got {eps}. Pass eps=None for no clamp, or e.g. eps=1e-6."
            )
    return Logit.apply(lift_float(input), eps=eps)


def xlogy(input: Any, other: Any) -> Tensor:  # noqa: A002
    """input · ln(other) with broadcasting, and 0 where input is 0 (even for other = 0 or inf);
    NaN where other is NaN. Either operand may be a Python number.

    Example:
        >>> import autograd_core as ac
        >>> ac.xlogy(ac.tensor([0.0, 0.0, 2.0]), ac.tensor([0.0, float("inf"), 1.0]))
        tensor([0., 0., 0.])
    """
    return Xlogy.apply_pair(*float_pair(input, other))


def hypot(input: Any, other: Any) -> Tensor:  # noqa: A002
    """√(input² + other²) with broadcasting, without intermediate overflow. Two bool or
    integer operands give the default float dtype (PyTorch refuses them; NumPy's rule would
    give float16 for bools).

    Example:
        >>> import autograd_core as ac
        >>> ac.hypot(ac.tensor([3.0, 1e200], dtype=ac.float64), 4.0).tolist()
        [5.0, 1e+200]
    """
    return Hypot.apply_pair(*float_pair(input, other))


def ldexp(input: Any, other: Any) -> Tensor:  # noqa: A002
    """input · 2^other with broadcasting (a product of ``exp2``: differentiable in both).

    An integer ``other`` keeps a floating ``input``'s dtype (float32 stays float32, as in
    PyTorch); a floating ``other`` is promoted with it as in ``mul``.

    Example:
        >>> import autograd_core as ac
        >>> ac.ldexp(ac.tensor([1.0, 3.0]), ac.tensor([3, -1]))
        tensor([8. , 1.5])
    """
    x, e = lift_pair(input, other)
    scale = exp2(e)
    if x.dtype.kind == "f" and e.dtype.kind in "iub":
        scale = scale.to(dtype=x.dtype)
    with quiet():  # 0 · inf is NaN, as in PyTorch
        return mul(x, scale)


def float_power(input: Any, exponent: Any) -> Tensor:  # noqa: A002
    """input ** exponent computed in float64, whatever the operands' dtypes, or in complex128
    when either is complex (as PyTorch; the gradients are cast back to each input's dtype).
    Either operand may be a Python number.

    Example:
        >>> import autograd_core as ac
        >>> ac.float_power(ac.tensor([2, 4]), 0.5).dtype
        dtype('float64')
    """
    a, b = lift_pair(input, exponent)
    wide = numpy.complex128 if "c" in (a.dtype.kind, b.dtype.kind) else numpy.float64
    # each tensor from its own values (uint8 x, int8 0-d −1: −1.0, not the wrapped 255),
    # a number next to the widened tensor
    a = input.to(dtype=wide) if isinstance(input, Tensor) else input
    b = exponent.to(dtype=wide) if isinstance(exponent, Tensor) else exponent
    with quiet():  # 0 ** −1 is inf, (−1) ** 0.5 NaN, as in PyTorch
        return pow(a, b)


def true_divide(input: Any, other: Any, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """Alias of :func:`div` (true division with broadcasting), PyTorch's older name.

    Example:
        >>> import autograd_core as ac
        >>> ac.true_divide(ac.tensor([1.0, 3.0]), 2)
        tensor([0.5, 1.5])
    """
    return div(input, other, out=out)
