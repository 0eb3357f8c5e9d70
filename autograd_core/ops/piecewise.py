r"""Piecewise elementwise ops: trunc (alias fix), frac, sgn, heaviside, copysign, fmax, fmin.

They follow PyTorch's conventions: trunc, like floor and round, has a zero gradient (so do sgn,
which is sign, and copysign's gradient to the sign source); heaviside has none, as in PyTorch,
whose backward raises for it. frac, copysign's magnitude, fmax and fmin have the slopes of their
pieces, PyTorch's formulas at the jumps and ties.
"""

from __future__ import annotations

from typing import Any

from autograd_core.op import Op
from autograd_core.ops.binary import Where, zero_grad
from autograd_core.ops.common import float_pair, lift, lift_pair, refuse_complex
from autograd_core.ops.rounding import PiecewiseConstant, sign
from autograd_core.ops.trigonometric import quiet
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = ["trunc", "fix", "frac", "sgn", "heaviside", "copysign", "fmax", "fmin"]


@register_op("trunc", array_vjp=True, saves_inputs=False)
class Trunc(PiecewiseConstant):
    r"""y = trunc x, x rounded towards 0. Zero gradient (as floor)."""

    def forward(self, x: Any) -> Any:
        return self.xp.trunc(x)


@register_op("frac", array_vjp=True, saves_inputs=False)
class Frac(Op):
    r"""y = x − trunc x, the fractional part with the sign of x (NaN at ±inf).

    VJP: x̄ = ȳ (the slope of every piece; at the jumps, the integers, 1 is used as well, as in
    PyTorch). Saves nothing.
    """

    def forward(self, x: Any) -> Any:
        with quiet():  # inf − inf is NaN, as in PyTorch
            return x - self.xp.trunc(x)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        return (gy,)


@register_op("heaviside", differentiable=False)
class Heaviside(Op):
    r"""y = 0 for x < 0, ``values`` for x = 0, 1 for x > 0, with broadcasting (0 for NaN, as
    PyTorch). Piecewise constant: no gradient (PyTorch has none either), saves nothing."""

    def forward(self, x: Any, values: Any) -> Any:
        xp = self.xp
        dtype = xp.result_type(x, values)
        return xp.where(x == 0, values, x > 0).astype(dtype, copy=False)


@register_op("copysign", broadcasts=True, array_vjp=True)
class Copysign(Op):
    r"""z = |a| with the sign (bit) of b, with broadcasting.

    VJP: ā = z̄ · z / a (±1; 0 at a = 0, PyTorch's value at the kink), b̄ = 0 (z is piecewise
    constant in b; the jump at b = ±0 gets 0 too). Both factors are constants: the second
    derivative is 0. Saves both inputs (as the parents).
    """

    fresh_grads = True

    def forward(self, a: Any, b: Any) -> Any:
        return self.xp.copysign(a, b)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        xp = self.xp
        need_a, need_b = self.needs_input_grad
        ga = gb = None
        if need_a:
            a, b = self.inputs[0].data, self.inputs[1].data
            with quiet():
                ratio = xp.where(a == 0, 0.0, xp.copysign(a, b) / a)
            ga = gy * ratio.astype(gy.dtype, copy=False)
        if need_b:
            gb = zero_grad(xp, gy)
        return ga, gb


@register_op("fmax", broadcasts=True, array_vjp=True)
class Fmax(Op):
    r"""z = max(a, b) elementwise ignoring NaN (NaN only where both are NaN), with broadcasting.

    VJP (PyTorch's): ā = z̄ where a ≥ b or b is NaN, else b̄ = z̄; a tie gives all of it to a
    (unlike ``maximum``, which splits it). The masks are constants. Saves both inputs (as the
    parents).
    """

    fresh_grads = True

    def forward(self, a: Any, b: Any) -> Any:
        return self.xp.fmax(a, b)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        a, b = self.inputs[0].data, self.inputs[1].data
        return _nan_ignoring_grads(self, gy, (a >= b) | self.xp.isnan(b))


@register_op("fmin", broadcasts=True, array_vjp=True)
class Fmin(Op):
    r"""z = min(a, b) elementwise ignoring NaN, with broadcasting. VJP: ā = z̄ where a ≤ b or b
    is NaN, else b̄ = z̄ (a tie goes to a). Saves both inputs (as the parents)."""

    fresh_grads = True

    def forward(self, a: Any, b: Any) -> Any:
        return self.xp.fmin(a, b)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        a, b = self.inputs[0].data, self.inputs[1].data
        return _nan_ignoring_grads(self, gy, (a <= b) | self.xp.isnan(b))


def _nan_ignoring_grads(op: Op, gy: Any, a_wins: Any) -> tuple[Any, ...]:
    """ā = z̄ where ``a_wins``, b̄ = z̄ elsewhere (the mask is a constant)."""
    zero = op.xp.zeros((), gy.dtype)
    need_a, need_b = op.needs_input_grad
    ga = Where.call(a_wins, gy, zero) if need_a else None
    gb = Where.call(a_wins, zero, gy) if need_b else None
    return ga, gb


def trunc(input: Any) -> Tensor:  # noqa: A002  (PyTorch's argument name)
    """x rounded towards zero elementwise (alias ``fix``); a zero gradient, as floor.

    Example:
        >>> import autograd_core as ac
        >>> ac.trunc(ac.tensor([-1.7, 1.7, 2.0]))
        tensor([-1.,  1.,  2.])
    """
    return Trunc.apply(lift(input))


def fix(input: Any) -> Tensor:  # noqa: A002
    """Alias of :func:`trunc` (NumPy's name, which PyTorch also accepts)."""
    return trunc(input)


def frac(input: Any) -> Tensor:  # noqa: A002
    """x − trunc(x) elementwise: the fractional part, with the sign of x; gradient 1.

    Example:
        >>> import autograd_core as ac
        >>> ac.frac(ac.tensor([-1.5, 2.25]))
        tensor([-0.5 ,  0.25])
    """
    return Frac.apply(lift(input))


def sgn(input: Any) -> Tensor:  # noqa: A002
    """PyTorch's sgn: for real tensors it is :func:`sign` (−1, 0 or 1; zero gradient).

    Example:
        >>> import autograd_core as ac
        >>> ac.sgn(ac.tensor([-2.0, 0.0, 3.0]))
        tensor([-1.,  0.,  1.])
    """
    return sign(input)


def heaviside(input: Any, values: Any) -> Tensor:  # noqa: A002
    """The Heaviside step: 0 where input < 0, ``values`` where input == 0, 1 where input > 0,
    with broadcasting; no gradient (as PyTorch). ``values`` may be a Python number.

    Example:
        >>> import autograd_core as ac
        >>> ac.heaviside(ac.tensor([-1.0, 0.0, 2.0]), 0.5)
        tensor([0. , 0.5, 1. ])
    """
    return Heaviside.apply_pair(*lift_pair(input, values))


def copysign(input: Any, other: Any) -> Tensor:  # noqa: A002
    """|input| with the sign of ``other`` (its sign bit: −0.0 counts as negative), with
    broadcasting. The gradient is ±1 to input (0 at input = 0) and 0 to other. Two bool or
    integer operands give the default float dtype (as PyTorch).

    Example:
        >>> import autograd_core as ac
        >>> ac.copysign(ac.tensor([1.0, -2.0, 3.0]), ac.tensor([-1.0, 1.0, -0.0]))
        tensor([-1.,  2., -3.])
    """
    return Copysign.apply_pair(*float_pair(input, other))


def fmax(input: Any, other: Any) -> Tensor:  # noqa: A002
    """The elementwise maximum ignoring NaN (NaN only where both are), with broadcasting.

    Example:
        >>> import autograd_core as ac
        >>> ac.fmax(ac.tensor([1.0, float("nan"), 3.0]), ac.tensor([2.0, 0.0, float("nan")]))
        tensor([2., 0., 3.])
    """
    a, b = lift_pair(input, other)
    refuse_complex("fmax", a, b)  # (as PyTorch: complex numbers have no order)
    return Fmax.apply_pair(a, b)


def fmin(input: Any, other: Any) -> Tensor:  # noqa: A002
    """The elementwise minimum ignoring NaN (NaN only where both are), with broadcasting.

    Example:
        >>> import autograd_core as ac
        >>> ac.fmin(ac.tensor([1.0, float("nan"), 3.0]), ac.tensor([2.0, 0.0, float("nan")]))
        tensor([1., 0., 3.])
    """
    a, b = lift_pair(input, other)
    refuse_complex("fmin", a, b)  # (as PyTorch: complex numbers have no order)
    return Fmin.apply_pair(a, b)
