"""Elementwise float-class predicates (isnan, isinf, isfinite, isposinf, isneginf, signbit,
isreal).

Each returns a bool tensor of the input's shape and has no gradient, as in PyTorch. Integer and
bool inputs are accepted: they are never NaN or infinite, and their sign bit is their sign.
"""

from __future__ import annotations

from typing import Any

from autograd_core.op import Op
from autograd_core.ops.common import lift
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = ["isfinite", "isinf", "isnan", "isneginf", "isposinf", "signbit", "isreal"]


@register_op("isnan", differentiable=False)
class IsNan(Op):
    """True where x is NaN; a bool tensor, no gradient, saves nothing."""

    def forward(self, x: Any) -> Any:
        return self.xp.isnan(x)


@register_op("isinf", differentiable=False)
class IsInf(Op):
    """True where x is +inf or -inf; a bool tensor, no gradient, saves nothing."""

    def forward(self, x: Any) -> Any:
        return self.xp.isinf(x)


@register_op("isfinite", differentiable=False)
class IsFinite(Op):
    """True where x is neither NaN nor infinite; a bool tensor, no gradient, saves nothing."""

    def forward(self, x: Any) -> Any:
        return self.xp.isfinite(x)


@register_op("isposinf", differentiable=False)
class IsPosInf(Op):
    """True where x is +inf; a bool tensor, no gradient, saves nothing."""

    def forward(self, x: Any) -> Any:
        # isinf & (x > 0) rather than xp.isposinf, which older CuPy releases lack
        return self.xp.isinf(x) & (x > 0)


@register_op("isneginf", differentiable=False)
class IsNegInf(Op):
    """True where x is -inf; a bool tensor, no gradient, saves nothing."""

    def forward(self, x: Any) -> Any:
        return self.xp.isinf(x) & (x < 0)


@register_op("signbit", differentiable=False)
class SignBit(Op):
    """True where x's sign bit is set (x < 0, and also -0.0 and NaNs with the bit set, as in
    PyTorch); a bool tensor, no gradient, saves nothing."""

    def forward(self, x: Any) -> Any:
        return self.xp.signbit(x)


@register_op("isreal", differentiable=False)
class IsReal(Op):
    """True where x has no imaginary part (every element of a real dtype; imag x = 0 for a
    complex one); a bool tensor, no gradient, saves nothing."""

    def forward(self, x: Any) -> Any:
        return self.xp.isreal(x)


def isnan(input: Any) -> Tensor:  # noqa: A002  (PyTorch's argument name)
    """Whether each element is NaN.

    Example:
        >>> import autograd_core as ac
        >>> ac.isnan(ac.tensor([1.0, float("nan"), float("inf")]))
        tensor([False,  True, False])
    """
    return IsNan.apply(lift(input))


def isinf(input: Any) -> Tensor:  # noqa: A002
    """Whether each element is +inf or -inf.

    Example:
        >>> import autograd_core as ac
        >>> ac.isinf(ac.tensor([1.0, float("-inf"), float("nan")]))
        tensor([False,  True, False])
    """
    return IsInf.apply(lift(input))


def isfinite(input: Any) -> Tensor:  # noqa: A002
    """Whether each element is finite (neither NaN nor infinite).

    Example:
        >>> import autograd_core as ac
        >>> ac.isfinite(ac.tensor([1.0, float("nan"), float("inf")]))
        tensor([ True, False, False])
    """
    return IsFinite.apply(lift(input))


def isposinf(input: Any) -> Tensor:  # noqa: A002
    """Whether each element is +inf.

    Example:
        >>> import autograd_core as ac
        >>> ac.isposinf(ac.tensor([float("inf"), float("-inf"), 1.0]))
        tensor([ True, False, False])
    """
    return IsPosInf.apply(lift(input))


def isneginf(input: Any) -> Tensor:  # noqa: A002
    """Whether each element is -inf.

    Example:
        >>> import autograd_core as ac
        >>> ac.isneginf(ac.tensor([float("inf"), float("-inf"), 1.0]))
        tensor([False,  True, False])
    """
    return IsNegInf.apply(lift(input))


def signbit(input: Any) -> Tensor:  # noqa: A002
    """Whether each element's sign bit is set (true for -0.0).

    Example:
        >>> import autograd_core as ac
        >>> ac.signbit(ac.tensor([-1.0, -0.0, 0.0, 2.0]))
        tensor([ True,  True, False, False])
    """
    return SignBit.apply(lift(input))


def isreal(input: Any) -> Tensor:  # noqa: A002
    """Whether each element is real (``torch.isreal``): True everywhere for bool, integer and
    floating tensors, NaN and inf included; for a complex tensor, where the imaginary part is 0.

    Example:
        >>> import autograd_core as ac
        >>> ac.isreal(ac.tensor([1.0, float("nan")]))
        tensor([ True,  True])
    """
    return IsReal.apply(lift(input))
