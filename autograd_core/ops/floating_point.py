r"""The floating-point representation, elementwise: ``frexp`` (mantissa and binary exponent)
and ``nextafter`` (the neighbouring representable number), with PyTorch's names, dtypes and
gradients.

Both are exact NumPy/CuPy kernels. ``frexp``'s mantissa m = x · 2^(−e) is linear in x between
powers of two, so its gradient is the constant 2^(−e); ``nextafter`` moves x by at most one
unit in the last place, so its gradient is 1 to x and 0 to the direction, as PyTorch's.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from autograd_core.errors import DTypeError
from autograd_core.op import Op
from autograd_core.ops.binary import zero_grad
from autograd_core.ops.common import lift, lift_pair
from autograd_core.ops.trigonometric import quiet
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = ["frexp", "nextafter"]


class Frexp(NamedTuple):
    """What ``frexp`` returns (PyTorch's ``torch.return_types.frexp``)."""

    mantissa: Tensor
    exponent: Tensor


@register_op("frexp", array_vjp=True, saves_inputs=False)
class FrexpOp(Op):
    r"""(m, e) with x = m · 2^e and 0.5 ≤ |m| < 1; m = x and e = 0 for ±0, ±inf and NaN. m has
    x's dtype, e is int32 (as PyTorch).

    VJP: x̄ = m̄ · 2^(−e), the slope of m = x · 2^(−e) between powers of two (at a power of two,
    where m jumps, the slope above it, as PyTorch). 2^(−e) is made exactly by ``ldexp`` and is
    inf where it overflows (subnormal x in float64, whose true slope exceeds the largest float;
    PyTorch gives inf there too). It is a constant: the second derivative is 0. The exponent is
    an integer output without gradient. Saves the exponent.
    """

    fresh_grads = True

    def forward(self, x: Any) -> tuple[Any, Any]:
        mantissa, exponent = self.xp.frexp(x)
        exponent = exponent.astype(self.xp.int32, copy=False)
        self.saved = exponent
        return mantissa, exponent

    def vjp(self, g_mantissa: Any, g_exponent: Any = None) -> tuple[Any, ...]:
        xp = self.xp
        one = xp.ones((), g_mantissa.dtype)
        with quiet():  # 2^(−e) overflows to inf for subnormal x, as in PyTorch
            slope = xp.ldexp(one, -self.saved)
        return (g_mantissa * slope,)


@register_op("nextafter", broadcasts=True, array_vjp=True, saves_inputs=False)
class Nextafter(Op):
    r"""z = the representable number next to a in the direction of b (a itself where a = b),
    with broadcasting.

    VJP (PyTorch's): ā = z̄, b̄ = 0 (z moves a by at most one unit in the last place, and is
    piecewise constant in b). Both are constants in the inputs: the second derivative is 0.
    Saves nothing.
    """

    def forward(self, a: Any, b: Any) -> Any:
        return self.xp.nextafter(a, b)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        need_a, need_b = self.needs_input_grad
        return (gy if need_a else None), (zero_grad(self.xp, gy) if need_b else None)


def _check_floating(name: str, *tensors: Tensor) -> None:
    if any(t.dtype.kind != "f" for t in tensors):
        seen = " and ".join(str(t.dtype) for t in tensors)
        raise DTypeError(
            f"{name}: only floating-point dtypes are supported (as in PyTorch); got {seen}. "
            "Convert first, e.g. x.double()."
        )


def frexp(input: Any) -> Frexp:  # noqa: A002  (PyTorch's argument name)
    """The decomposition x = mantissa · 2^exponent, 0.5 ≤ |mantissa| < 1 (``torch.frexp``):
    a named pair (mantissa, exponent), the mantissa in x's dtype with a gradient, the exponent
    int32 without one. ±0, ±inf and NaN give themselves and exponent 0.

    Raises:
        DTypeError: a bool or integer input (PyTorch refuses them too).

    Example:
        >>> import autograd_core as ac
        >>> ac.frexp(ac.tensor([8.0, -0.75, 0.0]))
        Frexp(mantissa=tensor([ 0.5 , -0.75,  0.  ]), exponent=tensor([4, 0, 0], dtype=int32))
    """
    x = lift(input)
    _check_floating("frexp", x)
    mantissa, exponent = FrexpOp.apply(x)
    return Frexp(mantissa, exponent)


def nextafter(input: Any, other: Any) -> Tensor:  # noqa: A002
    """The next floating-point number after ``input`` in the direction of ``other``,
    elementwise with broadcasting (``torch.nextafter``); ``input`` itself where they are
    equal, NaN where either is NaN. The gradient is 1 to input and 0 to other, as PyTorch's.
    ``other`` may also be a Python number (PyTorch wants a tensor).

    Raises:
        DTypeError: a bool or integer operand (after promotion), as PyTorch.

    Example:
        >>> import autograd_core as ac
        >>> ac.nextafter(ac.tensor([1.0], dtype=ac.float64), 2.0) - 1
        tensor([2.22044605e-16], dtype=float64)
    """
    a, b = lift_pair(input, other)
    _check_floating("nextafter", a, b)
    return Nextafter.apply_pair(a, b)
