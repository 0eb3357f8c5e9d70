"""Rounding and sign: sign, floor, ceil and round, elementwise and piecewise constant.

Each is differentiable with a zero gradient, as in PyTorch, so that it can sit inside a
back-propagated computation: ``(x * x.floor()).sum().backward()`` runs, and ``floor(x)``
requires grad when x does (its gradient is 0 everywhere, the jumps included).
"""

from __future__ import annotations

from typing import Any

from autograd_core.op import Op
from autograd_core.ops.binary import zero_grad
from autograd_core.ops.common import lift
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = ["sign", "floor", "ceil", "round"]


class PiecewiseConstant(Op):
    r"""An elementwise op that is constant between its jumps. VJP: x̄ = 0 everywhere, at the
    jumps too (PyTorch's ``zeros_like(grad)``), in a recorded backward a constant zero. Saves
    nothing."""

    fresh_grads = True

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        return (zero_grad(self.xp, gy),)


@register_op("sign", array_vjp=True, saves_inputs=False)
class Sign(PiecewiseConstant):
    r"""y = sign x ∈ {−1, 0, 1} (0 at x = 0); a bool x is its own sign (a copy, bool, as in
    PyTorch). Zero gradient."""

    def forward(self, x: Any) -> Any:
        if x.dtype.kind == "b":  # NumPy has no sign for bool; False → False, True → True
            return x.copy()
        return self.xp.sign(x)


@register_op("floor", array_vjp=True, saves_inputs=False)
class Floor(PiecewiseConstant):
    r"""y = ⌊x⌋. Zero gradient."""

    def forward(self, x: Any) -> Any:
        return self.xp.floor(x)


@register_op("ceil", array_vjp=True, saves_inputs=False)
class Ceil(PiecewiseConstant):
    r"""y = ⌈x⌉. Zero gradient."""

    def forward(self, x: Any) -> Any:
        return self.xp.ceil(x)


@register_op("round", array_vjp=True, saves_inputs=False)
class Round(PiecewiseConstant):
    r"""y = x rounded to ``decimals`` places, halves to even (NumPy's and PyTorch's rule).
    Zero gradient."""

    def forward(self, x: Any, decimals: int) -> Any:
        return self.xp.round(x, decimals)


def sign(x: Tensor) -> Tensor:
    """sign(x) ∈ {−1, 0, 1} elementwise, in x's dtype (a bool x gives itself, as
    ``torch.sign``); a zero gradient.

    Example:
        >>> import autograd_core as ac
        >>> ac.sign(ac.tensor([-2.0, 0.0, 3.0]))
        tensor([-1.,  0.,  1.])
    """
    return Sign.apply(lift(x))


def floor(x: Tensor) -> Tensor:
    """⌊x⌋ elementwise; a zero gradient."""
    return Floor.apply(lift(x))


def ceil(x: Tensor) -> Tensor:
    """⌈x⌉ elementwise; a zero gradient."""
    return Ceil.apply(lift(x))


def round(x: Tensor, decimals: int = 0) -> Tensor:  # noqa: A001  (the NumPy/PyTorch name)
    """Round to ``decimals`` places, halves to even (``round(2.5) = 2``); a zero
    gradient.

    Example:
        >>> import autograd_core as ac
        >>> ac.round(ac.tensor([0.5, 1.5, 2.25]))
        tensor([0., 2., 2.])
    """
    return Round.apply(lift(x), decimals=int(decimals))
