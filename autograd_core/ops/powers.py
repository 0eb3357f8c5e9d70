"""Fixed powers and roots, elementwise: sqrt, rsqrt, square and reciprocal (x^½, x^−½, x², 1/x).

The general power a**b with a gradient to both operands is ``pow`` in ``ops/binary.py``.
"""

from __future__ import annotations

from typing import Any

from autograd_core.op import Op
from autograd_core.ops.common import const, lift, lift_float, scalar_dtype
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = ["sqrt", "rsqrt", "square", "reciprocal"]


@register_op("sqrt", save_output=True, array_vjp=True, saves_inputs=False)
class Sqrt(Op):
    r"""y = √x (differentiable for x > 0). VJP: x̄ = ȳ / (2y).

    At x = 0 the derivative is +∞ (as in NumPy and PyTorch: the gradient there is inf).
    Saves the output (cheaper than recomputing √x).
    """

    fresh_grads = True

    def forward(self, x: Any) -> Any:
        return self.xp.sqrt(x)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        return (gy * 0.5 / self.output_as(gy),)


@register_op("rsqrt", save_output=True, array_vjp=True, saves_inputs=False)
class Rsqrt(Op):
    r"""y = 1/√x (domain x > 0). VJP: x̄ = −½ ȳ · y³. Saves the output."""

    fresh_grads = True

    def forward(self, x: Any) -> Any:
        return 1 / self.xp.sqrt(x)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        y = self.output_as(gy)
        return (gy * -0.5 * (y * y * y),)


@register_op("square", array_vjp=True)
class Square(Op):
    r"""y = x². VJP: x̄ = 2 ȳ · x. Saves the input (as the parent)."""

    fresh_grads = True

    def forward(self, x: Any) -> Any:
        return x * x

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        (x,) = self.inputs_as(gy)
        return (gy * 2 * x,)


@register_op("reciprocal", save_output=True, array_vjp=True, saves_inputs=False)
class Reciprocal(Op):
    r"""y = 1/x (x ≠ 0). VJP: x̄ = −ȳ · y². Saves the output."""

    fresh_grads = True

    def forward(self, x: Any) -> Any:
        return 1 / x

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        y = self.output_as(gy)
        return (-gy * (y * y),)


def sqrt(x: Tensor) -> Tensor:
    """√x elementwise; the gradient is infinite at 0.

    Example:
        >>> import autograd_core as ac
        >>> ac.sqrt(ac.tensor([4.0, 9.0]))
        tensor([2., 3.])
    """
    return Sqrt.apply(lift_float(x))


def rsqrt(x: Tensor) -> Tensor:
    """1/√x elementwise; domain x > 0."""
    return Rsqrt.apply(lift_float(x))


def square(x: Tensor) -> Tensor:
    """x² elementwise, in the dtype of ``x ** 2`` (PyTorch's square is pow(x, 2)): a bool
    input gives int64, the dtype of a bool tensor next to the integer 2; other dtypes are
    kept.

    Example:
        >>> import autograd_core as ac
        >>> ac.square(ac.tensor([True, False]))
        tensor([1, 0])
    """
    x = lift(x)
    dtype = scalar_dtype(x.data.dtype, 2)
    if dtype != x.data.dtype:  # bool: a constant (it never requires grad)
        x = const(x.data.astype(dtype))
    return Square.apply(x)


def reciprocal(x: Tensor) -> Tensor:
    """1/x elementwise."""
    return Reciprocal.apply(lift_float(x))
