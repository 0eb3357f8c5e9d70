r"""Hyperbolic functions and their inverses, elementwise: sinh, cosh, asinh, acosh, atanh (tanh
is in ``ops/unary.py``).

Values at the edges follow PyTorch: acosh is NaN below 1, atanh is ±inf at ±1 and NaN beyond,
and the derivatives of acosh and atanh are inf at the ends of their domains. Integer inputs give
float64, as every unary op of this package.
"""

from __future__ import annotations

from typing import Any

from autograd_core.op import Op
from autograd_core.ops.common import lift_float
from autograd_core.ops.powers import Sqrt
from autograd_core.ops.trigonometric import quiet
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = ["sinh", "cosh", "asinh", "arcsinh", "acosh", "arccosh", "atanh", "arctanh"]


@register_op("sinh", array_vjp=True)
class Sinh(Op):
    r"""y = sinh x = (eˣ − e⁻ˣ) / 2. VJP: x̄ = ȳ · cosh x. Saves the input (as the parent)."""

    fresh_grads = True

    def forward(self, x: Any) -> Any:
        with quiet():  # overflows to ±inf beyond |x| ≈ 710, as in PyTorch
            return self.xp.sinh(x)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        (x,) = self.inputs_as(gy)
        return (gy * Cosh.call(x),)


@register_op("cosh", array_vjp=True)
class Cosh(Op):
    r"""y = cosh x = (eˣ + e⁻ˣ) / 2. VJP: x̄ = ȳ · sinh x. Saves the input (as the parent)."""

    fresh_grads = True

    def forward(self, x: Any) -> Any:
        with quiet():
            return self.xp.cosh(x)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        (x,) = self.inputs_as(gy)
        return (gy * Sinh.call(x),)


@register_op("asinh", array_vjp=True)
class Asinh(Op):
    r"""y = arsinh x = ln(x + √(x² + 1)). VJP: x̄ = ȳ / √(x² + 1). Saves the input (as the
    parent)."""

    fresh_grads = True

    def forward(self, x: Any) -> Any:
        return self.xp.arcsinh(x)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        (x,) = self.inputs_as(gy)
        with quiet():  # x² overflows for |x| > 1e154: the gradient is then 0, as in PyTorch
            return (gy / Sqrt.call(x * x + 1),)


@register_op("acosh", array_vjp=True)
class Acosh(Op):
    r"""y = arcosh x = ln(x + √(x² − 1)) ≥ 0 (domain x ≥ 1, NaN below). VJP: x̄ = ȳ / √(x² − 1),
    inf at x = 1. Saves the input (as the parent)."""

    fresh_grads = True

    def forward(self, x: Any) -> Any:
        with quiet():
            return self.xp.arccosh(x)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        (x,) = self.inputs_as(gy)
        with quiet():
            return (gy / Sqrt.call(x * x - 1),)


@register_op("atanh", array_vjp=True)
class Atanh(Op):
    r"""y = artanh x = ½ ln((1 + x) / (1 − x)) (domain [−1, 1]: ±inf at ±1, NaN beyond).
    VJP: x̄ = ȳ / (1 − x²), inf at ±1. Saves the input (as the parent)."""

    fresh_grads = True

    def forward(self, x: Any) -> Any:
        with quiet():
            return self.xp.arctanh(x)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        (x,) = self.inputs_as(gy)
        with quiet():
            return (gy / (1 - x * x),)


def sinh(input: Any) -> Tensor:  # noqa: A002  (PyTorch's argument name)
    """sinh x elementwise.

    Example:
        >>> import autograd_core as ac
        >>> ac.sinh(ac.tensor([0.0, 1.0], dtype=ac.float64)).tolist()
        [0.0, 1.1752011936438014]
    """
    return Sinh.apply(lift_float(input))


def cosh(input: Any) -> Tensor:  # noqa: A002
    """cosh x elementwise.

    Example:
        >>> import autograd_core as ac
        >>> ac.cosh(ac.tensor([0.0, 1.0], dtype=ac.float64)).tolist()
        [1.0, 1.5430806348152437]
    """
    return Cosh.apply(lift_float(input))


def asinh(input: Any) -> Tensor:  # noqa: A002
    """arsinh x elementwise (alias ``arcsinh``).

    Example:
        >>> import autograd_core as ac
        >>> ac.asinh(ac.tensor([0.0, 1.0], dtype=ac.float64)).tolist()
        [0.0, 0.881373587019543]
    """
    return Asinh.apply(lift_float(input))


def acosh(input: Any) -> Tensor:  # noqa: A002
    """arcosh x elementwise, NaN below 1 (alias ``arccosh``).

    Example:
        >>> import autograd_core as ac
        >>> ac.acosh(ac.tensor([1.0, 0.5]))
        tensor([ 0., nan])
    """
    return Acosh.apply(lift_float(input))


def atanh(input: Any) -> Tensor:  # noqa: A002
    """artanh x elementwise: ±inf at ±1, NaN beyond (alias ``arctanh``).

    Example:
        >>> import autograd_core as ac
        >>> ac.atanh(ac.tensor([0.0, 1.0, -1.0, 2.0]))
        tensor([  0.,  inf, -inf,  nan])
    """
    return Atanh.apply(lift_float(input))


arcsinh = asinh  # NumPy's names, which PyTorch also accepts
arccosh = acosh
arctanh = atanh
