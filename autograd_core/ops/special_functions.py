r"""Special functions, elementwise: lgamma, digamma, polygamma, erfinv and i0 (with I₁, the
derivative of I₀, as an internal op), and the composite mvlgamma (a sum of lgammas).

The forwards are the array kernels of ``ops/special_kernels.py`` (series and asymptotic
expansions in whole-array arithmetic, so NumPy and CuPy share them and SciPy is not needed;
float64 relative error of a few 1e-16 away from the functions' zeros, see there). Each VJP is
the next function of the family (lgamma′ = ψ, ψ⁽ⁿ⁾′ = ψ⁽ⁿ⁺¹⁾, I₀′ = I₁), recorded through
``Op.call``, so derivatives of any order work. Bool and integer inputs give the default float
dtype (``lift_float``).
"""

from __future__ import annotations

import math
from typing import Any

from autograd_core.errors import DTypeError
from autograd_core.op import Op
from autograd_core.ops.binary import Where
from autograd_core.ops.common import lift, lift_float
from autograd_core.ops.special_kernels import (
    erfinv_array,
    i0_array,
    i1_array,
    lgamma_array,
    polygamma_array,
)
from autograd_core.ops.trigonometric import quiet
from autograd_core.ops.unary import Exp
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = ["lgamma", "digamma", "polygamma", "erfinv", "i0", "mvlgamma"]


@register_op("lgamma", array_vjp=True)
class Lgamma(Op):
    r"""y = ln |Γ(x)| (+inf at 0, the negative integers and ±inf). VJP: x̄ = ȳ · ψ(x), the
    digamma function. Saves the input (as the parent)."""

    fresh_grads = True

    def forward(self, x: Any) -> Any:
        return lgamma_array(self.xp, x)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        (x,) = self.inputs_as(gy)
        return (gy * Digamma.call(x),)


@register_op("digamma", array_vjp=True)
class Digamma(Op):
    r"""y = ψ(x) = Γ′(x) / Γ(x) (−inf at +0, +inf at −0, NaN at the negative integers).
    VJP: x̄ = ȳ · ψ′(x), the trigamma function. Saves the input (as the parent)."""

    fresh_grads = True

    def forward(self, x: Any) -> Any:
        return polygamma_array(self.xp, 0, x)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        (x,) = self.inputs_as(gy)
        with quiet():
            return (gy * Polygamma.call(x, n=1),)


@register_op("polygamma", array_vjp=True)
class Polygamma(Op):
    r"""y = ψ⁽ⁿ⁾(x), the n-th derivative of the digamma function (n ≥ 0 a parameter, not
    differentiated). VJP: x̄ = ȳ · ψ⁽ⁿ⁺¹⁾(x). At the poles (x = 0, −1, −2, …) n ≥ 1 gives
    (−1)ⁿ⁺¹ · inf, PyTorch's values. Saves the input (as the parent)."""

    fresh_grads = True

    def forward(self, x: Any, n: int) -> Any:
        return polygamma_array(self.xp, n, x)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        (x,) = self.inputs_as(gy)
        with quiet():
            return (gy * Polygamma.call(x, n=self.params["n"] + 1),)


_HALF_SQRT_PI = math.sqrt(math.pi) / 2


@register_op("erfinv", save_output=True, array_vjp=True, saves_inputs=False)
class Erfinv(Op):
    r"""y = erf⁻¹(x) (domain [−1, 1]: ±inf at ±1, NaN beyond). VJP: x̄ = ȳ · (√π / 2) e^(y²),
    inf at ±1. Saves the output (the derivative needs y, not x)."""

    fresh_grads = True

    def forward(self, x: Any) -> Any:
        return erfinv_array(self.xp, x)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        y = self.output_as(gy)
        with quiet():
            return (gy * (_HALF_SQRT_PI * Exp.call(y * y)),)


@register_op("i0", array_vjp=True)
class I0(Op):
    r"""y = I₀(x) = Σₖ (x²/4)ᵏ / (k!)², the modified Bessel function of the first kind of order
    0 (even, ≥ 1, inf at ±inf). VJP: x̄ = ȳ · I₁(x). Saves the input (as the parent)."""

    fresh_grads = True

    def forward(self, x: Any) -> Any:
        return i0_array(self.xp, x)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        (x,) = self.inputs_as(gy)
        with quiet():
            return (gy * I1.call(x),)


@register_op("i1", array_vjp=True)
class I1(Op):
    r"""y = I₁(x) = (x/2) Σₖ (x²/4)ᵏ / (k! (k + 1)!), of order 1 (odd), the derivative of I₀.

    VJP: x̄ = ȳ · (I₀(x) − I₁(x) / x), and ȳ / 2 at x = 0 (the limit). Saves the input (as the
    parent). Internal: ``i0``'s gradient (``torch.special.i1`` is not a ``torch.*`` name).
    """

    fresh_grads = True

    def forward(self, x: Any) -> Any:
        return i1_array(self.xp, x)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        (x,) = self.inputs_as(gy)
        at_zero = self.inputs[0].data == 0  # a constant mask
        safe = Where.call(at_zero, 1.0, x)
        with quiet():
            slope = I0.call(x) - I1.call(safe) / safe
        return (gy * Where.call(at_zero, 0.5, slope),)


def lgamma(input: Any) -> Tensor:  # noqa: A002  (PyTorch's argument name)
    """ln |Γ(x)| elementwise; +inf at 0 and the negative integers.

    Example:
        >>> import autograd_core as ac
        >>> ac.lgamma(ac.tensor([1.0, 5.0, 0.0]))
        tensor([0.       , 3.1780539,       inf])
    """
    return Lgamma.apply(lift_float(input))


def digamma(input: Any) -> Tensor:  # noqa: A002
    """ψ(x) = d/dx ln Γ(x) elementwise; −inf at 0, NaN at the negative integers.

    Example:
        >>> import autograd_core as ac
        >>> round(ac.digamma(ac.tensor([1.0], dtype=ac.float64)).item(), 12)  # −γ (Euler)
        -0.577215664902
    """
    return Digamma.apply(lift_float(input))


def polygamma(n: int, input: Any) -> Tensor:  # noqa: A002
    """ψ⁽ⁿ⁾(x), the n-th derivative of the digamma function, elementwise (``x.polygamma(n)``).

    Args:
        n: the order, an int ≥ 0 (0 is digamma, 1 trigamma).
        input: the points x.

    Raises:
        TypeError: ``n`` is not an int.
        ValueError: ``n`` is negative.

    Example:
        >>> import autograd_core as ac
        >>> ac.polygamma(1, ac.tensor([1.0], dtype=ac.float64)).item()  # π²/6
        1.6449340668482264
    """
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(
            f"polygamma: n must be an int (the order of the derivative), got "
            f"{type(n).__name__} {n!r}. Pass e.g. ac.polygamma(1, x)."
        )
    if n < 0:
        raise ValueError(f"polygamma: n must be >= 0 (0 is digamma), got {n}.")
    return Polygamma.apply(lift_float(input), n=n)


def mvlgamma(input: Any, p: int) -> Tensor:  # noqa: A002
    r"""The multivariate log-gamma function of dimension p, elementwise (``torch.mvlgamma``,
    alias ``torch.special.multigammaln``):

    .. math:: \ln \Gamma_p(x) = \tfrac{p(p-1)}{4} \ln \pi + \sum_{i=0}^{p-1} \ln \Gamma(x - i/2)

    A composite of ``lgamma`` (one call on x − (0, ½, …, (p−1)/2) along a new last axis, then
    a sum), so its gradient Σ ψ(x − i/2) and every higher one come from lgamma's. Integer
    inputs give the default float dtype.

    The function is defined for x > (p − 1)/2. PyTorch 2.13's documentation calls the result
    undefined elsewhere and its code checks nothing (no error, no host synchronisation); so
    here too other x are not refused: the sum is computed as it stands, +inf at the poles of a
    term and finite values between them, PyTorch's values.

    Raises:
        DTypeError: a bool input (PyTorch refuses it too).
        ValueError: p < 1.

    Example:
        >>> import autograd_core as ac
        >>> ac.mvlgamma(ac.tensor([2.5, 10.0], dtype=ac.float64), p=3)
        tensor([ 1.88099546, 36.81285863], dtype=float64)
    """
    x = lift(input)
    if x.dtype.kind == "b":
        raise DTypeError(
            f"mvlgamma: the input may not be a bool tensor (as in PyTorch); got shape "
            f"{tuple(x.shape)}. Convert it first, e.g. x.float()."
        )
    p = int(p)
    if p < 1:
        raise ValueError(f"mvlgamma: p has to be greater than or equal to 1, got p={p}.")
    x = lift_float(x)
    halves = x.xp.arange(p, dtype=x.dtype) * 0.5  # 0, ½, …, (p − 1)/2
    terms = lgamma(x.reshape((*x.shape, 1)) - halves)
    return terms.sum(-1) + p * (p - 1) / 4 * math.log(math.pi)


def erfinv(input: Any) -> Tensor:  # noqa: A002
    """erf⁻¹(x) elementwise: ±inf at ±1, NaN outside [−1, 1].

    Example:
        >>> import autograd_core as ac
        >>> ac.erfinv(ac.tensor([0.0, 1.0, -1.0, 2.0]))
        tensor([  0.,  inf, -inf,  nan])
    """
    return Erfinv.apply(lift_float(input))


def i0(input: Any) -> Tensor:  # noqa: A002
    """I₀(x), the modified Bessel function of the first kind of order 0, elementwise.

    Example:
        >>> import autograd_core as ac
        >>> ac.i0(ac.tensor([0.0, 1.0], dtype=ac.float64)).tolist()
        [1.0, 1.2660658777520082]
    """
    return I0.apply(lift_float(input))


def i1(input: Any) -> Tensor:  # noqa: A002
    """I₁(x), of order 1, elementwise (internal: the gradient of ``i0``; not exported)."""
    return I1.apply(lift_float(input))
