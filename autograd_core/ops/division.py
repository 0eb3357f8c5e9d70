"""Integer-style division with broadcasting: floor_divide (``//``), remainder (``%``) and fmod.

They follow PyTorch: ``floor_divide`` rounds the quotient down (Python's ``//``), ``remainder``
takes the sign of the divisor (Python's ``%``), ``fmod`` the sign of the dividend (C's
``fmod``), so that a = b · floor_divide(a, b) + remainder(a, b). Integer and float dtypes are
accepted and promoted as in the other binary ops; bool operands are refused, as in PyTorch. A
float divided by zero gives ±inf or NaN as in NumPy and PyTorch (no warning), an integer divided
by zero raises ``ZeroDivisionError`` as in PyTorch.
"""

from __future__ import annotations

from typing import Any

import numpy  # errstate only: the maths use self.xp

from autograd_core.errors import DTypeError
from autograd_core.op import Op
from autograd_core.ops.common import lift_pair
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = ["floor_divide", "remainder", "fmod"]


@register_op("floor_divide", differentiable=False)
class FloorDivide(Op):
    r"""z = ⌊a / b⌋ elementwise. Piecewise constant: no gradient, saves nothing.

    PyTorch 2.13 records a node for it and raises "derivative for aten::floor_divide is not
    implemented" on backward; here, as for floor and round, the result does not require grad.
    """

    def forward(self, a: Any, b: Any) -> Any:
        with numpy.errstate(divide="ignore", invalid="ignore"):  # x / 0 is ±inf or NaN
            return self.xp.floor_divide(a, b)


@register_op("remainder", broadcasts=True, array_vjp=True)
class Remainder(Op):
    r"""z = a − b · ⌊a / b⌋, the remainder with the sign of b (Python's ``%``).

    VJP: ā = z̄, b̄ = −z̄ · ⌊a / b⌋ (PyTorch's formula). ⌊a / b⌋ is piecewise constant, so it
    enters the VJP as a constant: where it jumps (a an integer multiple of b) z is
    discontinuous and the formula of the piece on the right is used. Saves both inputs (as the
    parents) to recompute ⌊a / b⌋.
    """

    def forward(self, a: Any, b: Any) -> Any:
        with numpy.errstate(divide="ignore", invalid="ignore"):  # x % 0 is NaN
            return self.xp.remainder(a, b)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        return _quotient_vjp(self, gy, "floor_divide")


@register_op("fmod", broadcasts=True, array_vjp=True)
class Fmod(Op):
    r"""z = a − b · trunc(a / b), the remainder with the sign of a (C's ``fmod``).

    VJP: ā = z̄, b̄ = −z̄ · trunc(a / b) (PyTorch's formula), trunc(a / b) entering as a
    constant as in ``remainder``. Saves both inputs (as the parents).
    """

    def forward(self, a: Any, b: Any) -> Any:
        with numpy.errstate(divide="ignore", invalid="ignore"):
            return self.xp.fmod(a, b)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        return _quotient_vjp(self, gy, "trunc_divide")


def _quotient_vjp(op: Op, gy: Any, rounding: str) -> tuple[Any, ...]:
    """ā = z̄, b̄ = −z̄ · q with the constant rounded quotient q of the saved inputs."""
    need_a, need_b = op.needs_input_grad
    gb = None
    if need_b:
        inputs = op.inputs
        if inputs is None:
            raise op.freed_error()
        a, b = inputs[0].data, inputs[1].data
        xp = op.xp
        with numpy.errstate(divide="ignore", invalid="ignore"):
            q = xp.floor_divide(a, b) if rounding == "floor_divide" else xp.trunc(a / b)
        gb = -gy * q.astype(gy.dtype, copy=False)
    return (gy if need_a else None), gb


def _operands(api: str, a: Any, b: Any) -> tuple[Tensor, Tensor]:
    """Both operands as Tensors; refuse bools and an integer division by zero (PyTorch)."""
    a, b = lift_pair(a, b)
    if a.dtype.kind == "b" and b.dtype.kind == "b":
        raise DTypeError(
            f"{api}: not defined for two bool tensors (dtypes {a.dtype} and {b.dtype}), as in "
            "PyTorch. Convert one to an integer first, e.g. a.long()."
        )
    integral = a.dtype.kind in "iub" and b.dtype.kind in "iub"
    # (an empty dividend gives an empty result: nothing is divided, as in PyTorch)
    if integral and a.numel() and b.numel() and bool((b.data == 0).any()):
        raise ZeroDivisionError(
            f"{api}: integer division by zero (divisor dtype {b.dtype}, shape "
            f"{tuple(b.shape)}); PyTorch raises here too. Convert to floating point to get "
            "inf/NaN instead, e.g. a.double()."
        )
    return a, b


def floor_divide(input: Any, other: Any) -> Tensor:  # noqa: A002  (PyTorch's argument name)
    """⌊input / other⌋ elementwise with broadcasting (``input // other``); no gradient.

    Rounds towards −∞ as PyTorch (since 1.13) and Python do, for integers and floats alike.

    Raises:
        DTypeError: both operands are bool.
        ZeroDivisionError: integer operands with a zero divisor.

    Example:
        >>> import autograd_core as ac
        >>> ac.floor_divide(ac.tensor([7, -7]), 2)
        tensor([ 3, -4])
    """
    return FloorDivide.apply_pair(*_operands("floor_divide", input, other))


def remainder(input: Any, other: Any) -> Tensor:  # noqa: A002
    """input − other · ⌊input / other⌋ elementwise with broadcasting (``input % other``): the
    result has the sign of ``other``, as Python's ``%``.

    Gradients (PyTorch's): ∂/∂input = 1, ∂/∂other = −⌊input / other⌋.

    Raises:
        DTypeError: both operands are bool.
        ZeroDivisionError: integer operands with a zero divisor.

    Example:
        >>> import autograd_core as ac
        >>> ac.remainder(ac.tensor([5.0, -5.0]), 3)
        tensor([2., 1.])
    """
    return Remainder.apply_pair(*_operands("remainder", input, other))


def fmod(input: Any, other: Any) -> Tensor:  # noqa: A002
    """input − other · trunc(input / other) elementwise with broadcasting: the result has the
    sign of ``input``, as C's ``fmod``.

    Gradients (PyTorch's): ∂/∂input = 1, ∂/∂other = −trunc(input / other).

    Raises:
        DTypeError: both operands are bool.
        ZeroDivisionError: integer operands with a zero divisor.

    Example:
        >>> import autograd_core as ac
        >>> ac.fmod(ac.tensor([5.0, -5.0]), 3)
        tensor([ 2., -2.])
    """
    return Fmod.apply_pair(*_operands("fmod", input, other))
