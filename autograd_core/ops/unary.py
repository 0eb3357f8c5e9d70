"""Elementwise unary ops: forward formula, VJP and public function side by side."""

from __future__ import annotations

import math
from typing import Any

from autograd_core.op import Op
from autograd_core.ops.common import lift, lift_float, lift_pair, refuse_complex
from autograd_core.ops.opmath import is_half, narrow, widen
from autograd_core.ops.special import erf_array, erfc_array
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = [
    "neg",
    "exp",
    "log",
    "tanh",
    "relu",
    "abs",
    "log1p",
    "expm1",
    "sin",
    "cos",
    "erf",
    "erfc",
    "clip",
    "clamp",
]


@register_op("neg", array_vjp=True, saves_inputs=False)
class Neg(Op):
    r"""y = −x. VJP: x̄ = −ȳ. Saves nothing."""

    fresh_grads = True

    def forward(self, x: Any) -> Any:
        return -x

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        return (-gy,)


@register_op("exp", save_output=True, array_vjp=True, saves_inputs=False)
class Exp(Op):
    r"""y = eˣ. VJP: x̄ = ȳ · y. Saves the output (cheaper than recomputing eˣ)."""

    fresh_grads = True

    def forward(self, x: Any) -> Any:
        return self.xp.exp(x)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        return (gy * self.output_as(gy),)


@register_op("log", array_vjp=True)
class Log(Op):
    r"""y = ln x (domain x > 0). VJP: x̄ = ȳ / x. Saves the input."""

    fresh_grads = True

    def forward(self, x: Any) -> Any:
        return self.xp.log(x)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        (x,) = self.inputs_as(gy)
        return (gy / x,)


@register_op("tanh", save_output=True, array_vjp=True, saves_inputs=False)
class Tanh(Op):
    r"""y = tanh x. VJP: x̄ = ȳ · (1 − y²). Saves the output (cheaper than recomputing tanh).

    .. math:: \bar{x} = \bar{y} \odot (1 - y^2)
    """

    fresh_grads = True

    def forward(self, x: Any) -> Any:
        return self.xp.tanh(x)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        y = self.output_as(gy)
        if is_half(y):  # in float32, rounded once (ops/opmath.py), as PyTorch
            gy32, y32 = widen(gy, y)
            return (narrow(gy32 * (1 - y32 * y32), y.dtype),)
        return (gy * (1 - y * y),)


@register_op("relu", save_output=True, array_vjp=True, saves_inputs=False)
class ReLU(Op):
    r"""y = max(x, 0). VJP: x̄ = ȳ · [not y ≤ 0] (the same mask as [not x ≤ 0]).

    At x = 0 the subgradient 0 is used (PyTorch's and tinygrad's convention); at x = NaN the
    gradient passes (PyTorch's threshold_backward, which zeroes only where x ≤ 0). Saves y, as
    PyTorch (the next layer holds it anyway); the mask is a constant (relu'' = 0 a.e.).
    """

    def forward(self, x: Any) -> Any:
        if x.dtype.kind == "f":
            # one SIMD pass in NumPy 2 (and never −0.0): 88 µs against 173 for x · mask then
            # + 0.0, on LeNet's (64, 6, 28, 28) activations; 70 against 135 on (256, 1024)
            return self.xp.maximum(x, 0)
        return x * ~(x <= 0)  # integers and bools (maximum would widen a bool)

    fresh_grads = True
    reuses_gy = True

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        mask = ~(self.out <= 0)
        if self.gy_is_free:  # an array only the sweep holds (a matmul's fresh product)
            gy *= mask
            return (gy,)
        return (gy * mask,)


@register_op("abs", array_vjp=True)
class Abs(Op):
    r"""y = |x|. VJP: x̄ = ȳ · sign(x); at x = 0 the subgradient 0 is used (sign(0) = 0).
    Saves x (as PyTorch: x written in place afterwards refuses the backward; a saved sign of
    the same size would hold as much memory)."""

    fresh_grads = True

    def forward(self, x: Any) -> Any:
        return self.xp.abs(x)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        x = self.inputs[0].data
        return (gy * self.xp.sign(x),)


def neg(x: Tensor) -> Tensor:
    """−x."""
    return Neg.apply(lift(x))


def exp(x: Tensor) -> Tensor:
    """eˣ elementwise.

    Example:
        >>> import autograd_core as ac
        >>> ac.exp(ac.tensor([0.0]))
        tensor([1.])
    """
    return Exp.apply(lift_float(x))


def log(x: Tensor) -> Tensor:
    """Natural logarithm elementwise."""
    return Log.apply(lift_float(x))


def tanh(x: Tensor) -> Tensor:
    """Hyperbolic tangent elementwise."""
    return Tanh.apply(lift_float(x))


def relu(x: Tensor) -> Tensor:
    """max(x, 0) elementwise; gradient 0 at x = 0.

    Example:
        >>> import autograd_core as ac
        >>> ac.relu(ac.tensor([-1.0, 0.0, 2.0])).tolist() == [0.0, 0.0, 2.0]
        True
    """
    return ReLU.apply(lift(x))


def abs(x: Tensor) -> Tensor:  # noqa: A001  (the NumPy/PyTorch name)
    """|x| elementwise; gradient 0 at x = 0."""
    return Abs.apply(lift(x))


# -- smooth elementwise functions ---------------------------------------------------------


@register_op("log1p", array_vjp=True)
class Log1p(Op):
    r"""y = ln(1 + x) (domain x > −1), accurate for small |x|. VJP: x̄ = ȳ / (1 + x).
    Saves the input (as the parent)."""

    def forward(self, x: Any) -> Any:
        return self.xp.log1p(x)

    fresh_grads = True

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        (x,) = self.inputs_as(gy)
        return (gy / (1 + x),)


@register_op("expm1", save_output=True, array_vjp=True, saves_inputs=False)
class Expm1(Op):
    r"""y = eˣ − 1, accurate for small |x|. VJP: x̄ = ȳ · (y + 1). Saves the output."""

    def forward(self, x: Any) -> Any:
        return self.xp.expm1(x)

    fresh_grads = True

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        return (gy * (self.output_as(gy) + 1),)


@register_op("sin", array_vjp=True)
class Sin(Op):
    r"""y = sin x. VJP: x̄ = ȳ · cos x. Saves the input (as the parent)."""

    def forward(self, x: Any) -> Any:
        return self.xp.sin(x)

    fresh_grads = True

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        (x,) = self.inputs_as(gy)
        return (gy * Cos.call(x),)


@register_op("cos", array_vjp=True)
class Cos(Op):
    r"""y = cos x. VJP: x̄ = −ȳ · sin x. Saves the input (as the parent)."""

    def forward(self, x: Any) -> Any:
        return self.xp.cos(x)

    fresh_grads = True

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        (x,) = self.inputs_as(gy)
        return (-gy * Sin.call(x),)


_TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)


@register_op("erf", array_vjp=True)
class Erf(Op):
    r"""y = erf x = (2/√π) ∫₀ˣ e^(−t²) dt. VJP: x̄ = ȳ · (2/√π) e^(−x²).

    Forward by Cody's rational approximations (``ops/special.py``; float64 relative error
    below 1e-15). Saves the input (as the parent).
    """

    def forward(self, x: Any) -> Any:
        return erf_array(self.xp, x)

    fresh_grads = True

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        (x,) = self.inputs_as(gy)
        return (gy * _TWO_OVER_SQRT_PI * Exp.call(-(x * x)),)


@register_op("erfc", array_vjp=True)
class Erfc(Op):
    r"""y = erfc x = 1 − erf x, accurate where it is tiny (x ≫ 1). VJP: x̄ = −ȳ · (2/√π) e^(−x²).
    Saves the input (as the parent)."""

    def forward(self, x: Any) -> Any:
        return erfc_array(self.xp, x)

    fresh_grads = True

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        (x,) = self.inputs_as(gy)
        return (gy * -_TWO_OVER_SQRT_PI * Exp.call(-(x * x)),)


@register_op("clip", broadcasts=True, array_vjp=True)
class Clip(Op):
    r"""y = min(max(x, lo), hi) elementwise, with either bound optional (PyTorch's ``clamp``).

    Bounds are inputs (constants for Python numbers, so Tensor bounds get gradients too) and
    broadcast against x. VJP:

    - x̄ = ȳ · [lo ≤ x ≤ hi]: 1 strictly inside, 0 outside, and **1 at a bound** (the
      subgradient convention of ``torch.clamp``); 0 where x or a bound is NaN (the
      comparison is false there, as in PyTorch);
    - lō = ȳ · [x < lo], hī = ȳ · [x > hi]: the bound that is returned receives the gradient.

    When lo > hi the output is hi everywhere (NumPy and PyTorch) and all of the gradient goes
    to hi, as in PyTorch. Where x < lo = hi the gradient goes to lo (PyTorch gives it to no
    input there). Where hi is NaN lo receives nothing (the output is NaN whatever lo is), as
    in PyTorch. Saves nothing beyond the parents; the masks are recomputed in the VJP (they are
    constants: the second derivative is 0 almost everywhere).
    """

    def forward(self, x: Any, *bounds: Any, has_min: bool, has_max: bool) -> Any:
        lo = bounds[0] if has_min else None
        hi = bounds[-1] if has_max else None
        if lo is None:
            return self.xp.minimum(x, hi)
        if hi is None:
            return self.xp.maximum(x, lo)
        return self.xp.clip(x, lo, hi)

    fresh_grads = True

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        has_min, has_max = self.params["has_min"], self.params["has_max"]
        x = self.inputs[0].data
        lo = self.inputs[1].data if has_min else None
        hi = self.inputs[-1].data if has_max else None
        above = (x > hi) if has_max else None
        below = (x < lo) if has_min else None
        if has_min and has_max:
            above = above | (lo > hi)
            below = below & ~above & (hi == hi)  # (a NaN max: the output is NaN whatever lo)
        inside = (x <= hi) if has_max else None  # false at NaN (a bound's too), as PyTorch
        if has_min:
            inside = (x >= lo) if inside is None else inside & (x >= lo)
        grads: list[Any] = [gy * inside if self.needs_input_grad[0] else None]
        if has_min:
            grads.append(gy * below if self.needs_input_grad[1] else None)
        if has_max:
            grads.append(gy * above if self.needs_input_grad[-1] else None)
        return tuple(grads)


def log1p(x: Tensor) -> Tensor:
    """ln(1 + x) elementwise, accurate for small |x|; domain x > −1."""
    return Log1p.apply(lift_float(x))


def expm1(x: Tensor) -> Tensor:
    """eˣ − 1 elementwise, accurate for small |x|."""
    return Expm1.apply(lift_float(x))


def sin(x: Tensor) -> Tensor:
    """Sine elementwise (radians)."""
    return Sin.apply(lift_float(x))


def cos(x: Tensor) -> Tensor:
    """Cosine elementwise (radians)."""
    return Cos.apply(lift_float(x))


def erf(x: Tensor) -> Tensor:
    """The error function elementwise (float64 relative error < 1e-15).

    Example:
        >>> import autograd_core as ac
        >>> ac.erf(ac.tensor([0.0, 1.0]))
        tensor([0.        , 0.84270084])
    """
    return Erf.apply(lift_float(x))


def erfc(x: Tensor) -> Tensor:
    """The complementary error function 1 − erf(x), accurate where it is tiny."""
    return Erfc.apply(lift_float(x))


def clip(x: Tensor, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002
    """Clamp ``x`` to [min, max] elementwise (alias ``clamp``); either bound may be None.

    Bounds may be Python numbers or Tensors broadcasting against ``x``; Tensor bounds receive
    gradients. The gradient to ``x`` is 1 for min ≤ x ≤ max (bounds included, as
    ``torch.clamp``) and 0 outside.

    Args:
        x: the input.
        min: the lower bound, or None for no lower bound.
        max: the upper bound, or None for no upper bound.

    Returns:
        A Tensor of the broadcast shape of ``x`` and the bounds.

    Raises:
        TypeError: if both bounds are None.

    Example:
        >>> import autograd_core as ac
        >>> ac.clip(ac.tensor([-2.0, 0.5, 3.0]), -1, 1)
        tensor([-1. ,  0.5,  1. ])
    """
    if min is None and max is None:
        raise TypeError(
            "clip: at least one of min and max must be given, got both None. "
            "Pass min=..., max=... or both."
        )
    x = lift(x)
    bounds = []
    for bound in (min, max):
        if bound is not None:  # PyTorch's promotion: clamp(int64 x, 0.5) is float32
            x, bound = lift_pair(x, bound)
            bounds.append(bound)
    refuse_complex("clamp", x, *bounds)  # (as PyTorch: complex numbers have no order)
    return Clip.apply(x, *bounds, has_min=min is not None, has_max=max is not None)


def clamp(x: Tensor, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002
    """Alias of :func:`clip` (PyTorch's name)."""
    return clip(x, min, max)
