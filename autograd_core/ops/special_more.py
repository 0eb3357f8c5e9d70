r"""More of ``torch.special``: the registered ops erfcx, ndtri, i0e, i1e and xlog1py, and the
composites entr, ndtr, log_ndtr and spherical_bessel_j0 (built from registered ops, so their
derivatives of every order come from those).

The forwards are array kernels without SciPy (``ops/special.py``: Cody's rational functions
for erfcx; ``ops/special_kernels.py``: ndtri by Halley steps on erfc, i0e and i1e by series and
asymptotic expansions). Each VJP is written with registered ops through ``Op.call`` and is
therefore differentiable again. Bool and integer inputs give the default float dtype, as in
PyTorch.
"""

from __future__ import annotations

import math
from typing import Any

from autograd_core.op import Op
from autograd_core.ops.binary import Where, where
from autograd_core.ops.common import const, float_pair, lift_float
from autograd_core.ops.exp_log import XLog
from autograd_core.ops.special import erfcx_array
from autograd_core.ops.special_kernels import i0e_array, i1e_array, ndtri_array
from autograd_core.ops.trigonometric import quiet
from autograd_core.ops.unary import Exp, erfc, log, log1p, sin
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = [
    "erfcx",
    "ndtri",
    "i0e",
    "i1e",
    "xlog1py",
    "entr",
    "ndtr",
    "log_ndtr",
    "spherical_bessel_j0",
]

_TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)
_SQRT_2PI = math.sqrt(2 * math.pi)
_SQRT_HALF = math.sqrt(0.5)


@register_op("erfcx", save_output=True, array_vjp=True)
class Erfcx(Op):
    r"""y = erfcx(x) = e^(x²) erfc(x), the scaled complementary error function (finite for
    x → +inf, ~1/(x√π); +inf once e^(x²) overflows for x ≪ 0).

    VJP: x̄ = ȳ · (2x·y − 2/√π). Saves the input (as the parent) and the output.
    """

    fresh_grads = True

    def forward(self, x: Any) -> Any:
        return erfcx_array(self.xp, x)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        (x,) = self.inputs_as(gy)
        y = self.output_as(gy)
        with quiet():
            return (gy * (2 * x * y - _TWO_OVER_SQRT_PI),)


@register_op("ndtri", save_output=True, array_vjp=True, saves_inputs=False)
class Ndtri(Op):
    r"""y = Φ⁻¹(p), the standard normal quantile (−inf at 0, inf at 1, NaN outside [0, 1]).

    VJP: p̄ = ȳ · √(2π) e^(y²/2) (1 / Φ′(y)). Saves the output only.
    """

    fresh_grads = True

    def forward(self, p: Any) -> Any:
        return ndtri_array(self.xp, p)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        y = self.output_as(gy)
        with quiet():
            return (gy * (_SQRT_2PI * Exp.call(0.5 * y * y)),)


@register_op("i0e", array_vjp=True)
class I0e(Op):
    r"""y = e^(−|x|) I₀(x), the exponentially scaled modified Bessel function of order 0.

    VJP: x̄ = ȳ · (i1e(x) − sgn(x) · i0e(x)); at x = 0 the two one-sided slopes are ∓1 and the
    convention sgn(0) = 0 gives 0 (PyTorch's value). Saves the input (as the parent).
    """

    fresh_grads = True

    def forward(self, x: Any) -> Any:
        return i0e_array(self.xp, x)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        (x,) = self.inputs_as(gy)
        sign = self.xp.sign(self.inputs[0].data)  # a constant
        return (gy * (I1e.call(x) - I0e.call(x) * sign),)


@register_op("i1e", array_vjp=True)
class I1e(Op):
    r"""y = e^(−|x|) I₁(x), the exponentially scaled modified Bessel function of order 1.

    VJP: x̄ = ȳ · (i0e(x) − i1e(x) · (sgn(x) + 1/x)), and ȳ / 2 at x = 0 (the limit). Saves
    the input (as the parent).
    """

    fresh_grads = True

    def forward(self, x: Any) -> Any:
        return i1e_array(self.xp, x)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        (x,) = self.inputs_as(gy)
        raw = self.inputs[0].data
        at_zero = raw == 0  # a constant mask
        sign = self.xp.sign(raw)
        safe = Where.call(at_zero, 1.0, x)
        with quiet():
            slope = I0e.call(x) - I1e.call(safe) * sign - I1e.call(safe) / safe
        return (gy * Where.call(at_zero, 0.5, slope),)


@register_op("xlog1py", broadcasts=True, array_vjp=True)
class Xlog1py(XLog):
    r"""z = x · ln(1 + y), and 0 where x = 0 (also for y = −1), NaN where y is NaN.

    VJP: x̄ = z̄ · ln(1 + y) (itself an xlog1py), taken as 0 where x = 0 and y ≤ −1;
    ȳ = z̄ · x / (1 + y) (PyTorch's formulas; ``XLog``). Saves both inputs (as the parents).
    """

    shift = 1


def erfcx(input: Any) -> Tensor:  # noqa: A002
    """exp(x²) · erfc(x) elementwise, without overflow for large x (``torch.special.erfcx``).

    Example:
        >>> import autograd_core as ac
        >>> ac.special.erfcx(ac.tensor([0.0, 1e10], dtype=ac.float64)).tolist()
        [1.0, 5.641895835477563e-11]
    """
    return Erfcx.apply(lift_float(input))


def ndtri(input: Any) -> Tensor:  # noqa: A002
    """Φ⁻¹(p), the inverse of ``ndtr`` (the standard normal quantile), elementwise; accurate for
    tiny p too (``torch.special.ndtri``).

    Example:
        >>> import autograd_core as ac
        >>> ac.special.ndtri(ac.tensor([0.0, 0.5, 1.0]))
        tensor([-inf,   0.,  inf])
    """
    return Ndtri.apply(lift_float(input))


def i0e(input: Any) -> Tensor:  # noqa: A002
    """e^(−|x|) I₀(x) elementwise, finite for any x (``torch.special.i0e``).

    Example:
        >>> import autograd_core as ac
        >>> ac.special.i0e(ac.tensor([0.0, float("inf")])).tolist()
        [1.0, 0.0]
    """
    return I0e.apply(lift_float(input))


def i1e(input: Any) -> Tensor:  # noqa: A002
    """e^(−|x|) I₁(x) elementwise, finite for any x (``torch.special.i1e``).

    Example:
        >>> import autograd_core as ac
        >>> round(ac.special.i1e(ac.tensor([1.0], dtype=ac.float64)).item(), 12)
        0.20791041535
    """
    return I1e.apply(lift_float(input))


def xlog1py(input: Any, other: Any) -> Tensor:  # noqa: A002
    """input · ln(1 + other) with broadcasting, and 0 where input is 0 (even at other = −1);
    NaN where other is NaN. Either operand may be a Python number (``torch.special.xlog1py``).

    Example:
        >>> import autograd_core as ac
        >>> ac.special.xlog1py(ac.tensor([0.0, 2.0]), ac.tensor([-1.0, 0.0]))
        tensor([0., 0.])
    """
    return Xlog1py.apply_pair(*float_pair(input, other))


def entr(input: Any) -> Tensor:  # noqa: A002
    """The entropy term −x ln x elementwise: 0 at x = 0, −inf for x < 0 (``torch.special.entr``).

    A composite of ``log`` and ``where``: the gradient −(1 + ln x) for x > 0 and every higher
    one come from those. Deliberate difference: at x = 0 and x < 0 the gradient is 0 here
    (the constant branches), where PyTorch's formula gives inf and NaN.

    Example:
        >>> import autograd_core as ac
        >>> ac.special.entr(ac.tensor([0.0, 1.0, -1.0]))
        tensor([  0.,  -0., -inf])
    """
    x = lift_float(input)
    positive = x.data > 0
    safe = where(const(positive), x, 1.0)
    edge = x.xp.where(x.data == 0, 0.0, -math.inf).astype(x.dtype)
    with quiet():
        edge = x.xp.where(x.xp.isnan(x.data), math.nan, edge).astype(x.dtype)
        return where(const(positive), -safe * log(safe), const(edge))


def ndtr(input: Any) -> Tensor:  # noqa: A002
    """Φ(x), the standard normal distribution function, as erfc(−x/√2) / 2 (accurate in the
    lower tail, where 1 + erf would cancel) (``torch.special.ndtr``).

    Deliberate difference: PyTorch 2.13's float64 ``ndtr`` returns 0 below x ≈ −10 (for
    example Φ(−10) ≈ 7.6e-24 there is 0, though its own ``exp(log_ndtr(x))`` is right); here
    the value is kept until it underflows (x ≈ −38.5).

    Example:
        >>> import autograd_core as ac
        >>> ac.special.ndtr(ac.tensor([0.0, float("-inf")])).tolist()
        [0.5, 0.0]
    """
    x = lift_float(input)
    return 0.5 * erfc(x * -_SQRT_HALF)


def log_ndtr(input: Any) -> Tensor:  # noqa: A002
    """ln Φ(x), accurate in both tails (``torch.special.log_ndtr``).

    For x ≥ −1: log1p(−erfc(x/√2) / 2) (keeps the tiny 1 − Φ(x) of x ≫ 1); below:
    ln(erfcx(−x/√2) / 2) − x²/2 (no underflow of Φ, ≈ −x²/2 far out). A composite of ``erfc``,
    ``erfcx``, ``log``, ``log1p`` and ``where``, each branch fed a clamped argument so that the
    unused one stays finite in the gradient.

    Example:
        >>> import autograd_core as ac
        >>> round(ac.special.log_ndtr(ac.tensor([-40.0], dtype=ac.float64)).item(), 6)
        -804.608442
    """
    x = lift_float(input)
    upper = x.data >= -1
    xu = where(const(upper), x, -1.0)
    xl = where(const(upper), -1.0, x)
    with quiet():
        high = log1p(-0.5 * erfc(xu * _SQRT_HALF))
        low = log(0.5 * erfcx(xl * -_SQRT_HALF)) - 0.5 * xl * xl
    return where(const(upper), high, low)


def spherical_bessel_j0(input: Any) -> Tensor:  # noqa: A002
    """j₀(x) = sin(x) / x, 1 at x = 0 and 0 at ±inf (``torch.special.spherical_bessel_j0``).

    A composite of ``sin`` and ``where``. PyTorch gives no gradient for it; here the gradient
    (cos x − j₀(x)) / x comes from the composite, exact but for x = 0, where the constant branch
    gives 0 (the true value; its second derivative there is −1/3, but 0 here).

    Example:
        >>> import autograd_core as ac
        >>> ac.special.spherical_bessel_j0(ac.tensor([0.0, 1.0], dtype=ac.float64)).tolist()
        [1.0, 0.8414709848078965]
    """
    x = lift_float(input)
    at_zero = x.data == 0
    infinite = x.xp.isinf(x.data)  # the limit 0, where sin(±inf) would be NaN
    safe = where(const(at_zero | infinite), 1.0, x)
    with quiet():
        out = where(const(at_zero), 1.0, sin(safe) / safe)
    return where(const(infinite), 0.0, out)
