r"""The regularized incomplete gamma functions P(a, x) = γ(a, x) / Γ(a) (``gammainc``) and
Q(a, x) = 1 − P(a, x) (``gammaincc``), their array kernel and their ops (differentiable in x
only, as in PyTorch).

The kernel takes the series P = xᵃ e⁻ˣ / Γ(a + 1) · Σₙ xⁿ / ((a + 1) ⋯ (a + n)) where
x < a + 1, and the continued fraction of Q (modified Lentz, DLMF 8.9.2) elsewhere, each the
side on which it converges fast and is not a difference of nearly equal numbers; the other one
is 1 minus it. Both iterate in whole-array steps until every lane has converged (a host check
every 32 steps: a device-to-host copy of one flag on a GPU), at most 20,000 steps. The
prefactor exp(a ln x − x − ln Γ(a)) loses relative accuracy like a·ε for large a (PyTorch's
Cephes switches to Temme's uniform expansion there): about 1e-13 at a = 1e3.

Edges as PyTorch: NaN for a < 0 or x < 0 (and at a = x = 0), P(0, x > 0) = 1, P(a, 0) = 0,
P(a, inf) = 1, P(inf, x) = 0. Deliberate difference: integer inputs give the default float
dtype (PyTorch 2.13 refuses them).
"""

from __future__ import annotations

import math
from typing import Any

import numpy  # errstate only: the maths use xp

from autograd_core.errors import BackwardError
from autograd_core.op import Op
from autograd_core.ops.common import float_pair
from autograd_core.ops.special_functions import Lgamma
from autograd_core.ops.special_kernels import lgamma_array
from autograd_core.ops.unary import Exp, Log
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = ["gammainc", "gammaincc"]

_EPS = 4e-16  # two units in the last place of 1: |δ − 1| is 0, 1.1e-16, 2.2e-16, …
_CHECK_EVERY = 32
_MAX_STEPS = 20000
_TINY = 1e-300


def _converged(xp: Any, done: Any) -> bool:
    return bool(xp.all(done))  # (one flag copied to the host)


def _series_p(xp: Any, a: Any, x: Any) -> Any:
    """Σₙ xⁿ / ((a + 1) ⋯ (a + n)), for x < a + 1."""
    term = xp.ones_like(x)
    total = xp.ones_like(x)
    n = 0
    while n < _MAX_STEPS:
        for _ in range(_CHECK_EVERY):
            n += 1
            term = term * x / (a + n)
            total = total + term
        if _converged(xp, term <= _EPS * total):
            break
    return total


def _fraction_q(xp: Any, a: Any, x: Any) -> Any:
    """The continued fraction 1/(x + 1 − a − 1(1 − a)/(x + 3 − a − …)), for x ≥ a + 1."""
    b = x + 1 - a
    c = xp.full_like(x, 1 / _TINY)
    d = 1 / b
    h = d
    i = 0
    while i < _MAX_STEPS:
        for _ in range(_CHECK_EVERY):
            i += 1
            an = -i * (i - a)
            b = b + 2
            d = an * d + b
            d = xp.where(xp.abs(d) < _TINY, _TINY, d)
            c = b + an / c
            c = xp.where(xp.abs(c) < _TINY, _TINY, c)
            d = 1 / d
            delta = d * c
            h = h * delta
        if _converged(xp, xp.abs(delta - 1) <= _EPS):
            break
    return h


def gamma_inc_arrays(xp: Any, a: Any, x: Any) -> tuple[Any, Any]:
    """(P(a, x), Q(a, x)) elementwise (broadcast), computed in float64 and returned in the
    promoted dtype of ``a`` and ``x``."""
    out_dtype = xp.result_type(a, x)
    a, x = xp.broadcast_arrays(a.astype(xp.float64), x.astype(xp.float64))
    with numpy.errstate(all="ignore"):
        regular = (a > 0) & (x > 0) & xp.isfinite(a) & xp.isfinite(x)
        use_series = regular & (x < a + 1)
        use_fraction = regular & ~use_series
        if a.size:
            a_s = xp.where(use_series, a, 1.0)
            x_s = xp.where(use_series, x, 1.0)
            log_front = a_s * xp.log(x_s) - x_s - lgamma_array(xp, a_s + 1)
            p_series = xp.exp(log_front) * _series_p(xp, a_s, x_s)
            a_f = xp.where(use_fraction, a, 1.0)
            x_f = xp.where(use_fraction, x, 2.0)
            log_front = a_f * xp.log(x_f) - x_f - lgamma_array(xp, a_f)
            q_fraction = xp.exp(log_front) * _fraction_q(xp, a_f, x_f)
            p = xp.where(use_series, p_series, 1 - q_fraction)
            q = xp.where(use_series, 1 - p_series, q_fraction)
        else:
            p = q = xp.zeros_like(x)
        edge_p = xp.where((x == 0) | (a == math.inf), 0.0, 1.0)  # a = 0 or x = inf: 1
        bad = (a < 0) | (x < 0) | ((a == 0) & (x == 0)) | xp.isnan(a) | xp.isnan(x)
        bad = bad | ((a == math.inf) & (x == math.inf))
        p = xp.where(bad, math.nan, xp.where(regular, p, edge_p))
        q = xp.where(bad, math.nan, xp.where(regular, q, 1 - edge_p))
    return p.astype(out_dtype, copy=False), q.astype(out_dtype, copy=False)


def _x_slope(a: Any, x: Any) -> Any:
    """∂P/∂x = x^(a−1) e⁻ˣ / Γ(a), through recorded ops (so it is differentiable in x)."""
    return Exp.call((a - 1) * Log.call(x) - x - Lgamma.call(a))


class _GammaIncBase(Op):
    fresh_grads = True
    sign = 1.0

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        if self.needs_input_grad[0]:
            raise BackwardError(
                f"{type(self).__name__.lower()}: the derivative with respect to a (the first "
                "argument) is not implemented, as in PyTorch; only x has a gradient. Detach a "
                "first."
            )
        a, x = self.inputs_as(gy)
        with numpy.errstate(all="ignore"):
            return None, gy * (self.sign * _x_slope(a, x))


@register_op("gammainc", broadcasts=True, array_vjp=True)
class Gammainc(_GammaIncBase):
    r"""y = P(a, x), the regularized lower incomplete gamma function.

    VJP: x̄ = ȳ · x^(a−1) e⁻ˣ / Γ(a); no gradient in a (PyTorch's: not implemented; asking
    raises). Saves both inputs (as the parents).
    """

    def forward(self, a: Any, x: Any) -> Any:
        return gamma_inc_arrays(self.xp, a, x)[0]


@register_op("gammaincc", broadcasts=True, array_vjp=True)
class Gammaincc(_GammaIncBase):
    r"""y = Q(a, x) = 1 − P(a, x), the regularized upper incomplete gamma function.

    VJP: x̄ = −ȳ · x^(a−1) e⁻ˣ / Γ(a); no gradient in a (as ``gammainc``). Saves both inputs.
    """

    sign = -1.0

    def forward(self, a: Any, x: Any) -> Any:
        return gamma_inc_arrays(self.xp, a, x)[1]


def gammainc(input: Any, other: Any) -> Tensor:  # noqa: A002
    """P(a, x) = γ(a, x) / Γ(a) with a = ``input``, x = ``other``, broadcast
    (``torch.special.gammainc``); differentiable in x only.

    Example:
        >>> import autograd_core as ac
        >>> x = ac.tensor([0.5, 2.0], dtype=ac.float64)
        >>> [round(v, 12) for v in ac.special.gammainc(1.0, x).tolist()]  # P(1, x) = 1 − e⁻ˣ
        [0.393469340287, 0.864664716763]
    """
    return Gammainc.apply_pair(*float_pair(input, other))


def gammaincc(input: Any, other: Any) -> Tensor:  # noqa: A002
    """Q(a, x) = 1 − P(a, x), accurate where it is tiny (``torch.special.gammaincc``);
    differentiable in x only.

    Example:
        >>> import autograd_core as ac
        >>> round(ac.special.gammaincc(1.0, ac.tensor([50.0], dtype=ac.float64)).item() * 1e22, 6)
        1.92875
    """
    return Gammaincc.apply_pair(*float_pair(input, other))
