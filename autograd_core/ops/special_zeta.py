r"""The Hurwitz zeta function ζ(x, q) = Σₖ₌₀^∞ (q + k)^(−x) (``torch.special.zeta``), its array
kernel and its op (differentiable in q only, as in PyTorch).

The kernel sums the first S terms directly and the rest by the Euler–Maclaurin formula
(DLMF 25.11.5 with the Bernoulli numbers B₂ … B₂₄, the method of ``special_kernels``'s
polygamma): with w = q + S,

.. math:: \zeta(x, w) \approx \frac{w^{1-x}}{x-1} + \frac{w^{-x}}{2}
          + \sum_{j=1}^{12} \frac{B_{2j}}{(2j)!}\, x (x+1) \cdots (x+2j-2)\, w^{-x-2j+1}

with S = 12. A negative q (x an integer) is brought back to positive ones by ζ(x, q) =
ζ(x, q + m) + (−1)^x [ζ(x, r) − ζ(x, r + m)], m = ⌈−q⌉, r = 1 − (q + m): the m negative terms
summed in closed form, so no loop grows with |q|.

PyTorch's (Cephes') domain: +inf at x = 1 and at q = 0, −1, −2, …; NaN for x < 1 and for
a negative q with a non-integer x (a negative base to a fractional power).
"""

from __future__ import annotations

import math
from typing import Any

import numpy  # errstate only: the maths use xp

from autograd_core.errors import BackwardError
from autograd_core.op import Op
from autograd_core.ops.common import float_pair
from autograd_core.ops.special_kernels import BERNOULLI_2K, SERIES_SHIFT
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = ["zeta"]


def zeta_array(xp: Any, x: Any, q: Any) -> Any:
    """ζ(x, q) elementwise for float arrays ``x`` and ``q`` (broadcast), computed in float64
    and returned in their promoted dtype."""
    out_dtype = xp.result_type(x, q)
    x, q = xp.broadcast_arrays(x.astype(xp.float64), q.astype(xp.float64))
    with numpy.errstate(all="ignore"):
        # q < 0 (x an integer): the m = ⌈−q⌉ negative terms (q + k)^(−x) are (−1)^x (r + j)^(−x)
        # with r = 1 − (q + m) in (0, 1), j = 0 … m − 1, which sum to ζ(x, r) − ζ(x, r + m)
        negative = q < 0
        m = xp.where(negative, xp.ceil(-q), 0.0)
        qm = q + m  # in (0, 1] for negative q
        r = xp.where(negative, 1 - qm, 1.0)
        sign = xp.where(xp.fmod(x, 2) == 0, 1.0, -1.0)
        reflected = sign * (_zeta_positive(xp, x, r) - _zeta_positive(xp, x, r + m))
        out = _zeta_positive(xp, x, qm) + xp.where(negative, reflected, 0.0)
        out = xp.where(negative & (x != xp.floor(x)), math.nan, out)
        out = xp.where(x == 1, math.inf, out)
        out = xp.where(x < 1, math.nan, out)
        pole = (q <= 0) & (q == xp.floor(q))
        out = xp.where(pole & (x >= 1), math.inf, out)
        return out.astype(out_dtype, copy=False)


def _zeta_positive(xp: Any, x: Any, q: Any) -> Any:
    """ζ(x, q) for q > 0: SERIES_SHIFT terms, then Euler–Maclaurin at w = q + SERIES_SHIFT."""
    head = xp.zeros_like(x)
    for k in range(SERIES_SHIFT):
        head = head + xp.power(q + k, -x)
    w = q + SERIES_SHIFT
    wx = xp.power(w, -x)
    tail = w * wx / (x - 1) + 0.5 * wx
    rising = x
    wpow = wx / w
    w2 = w * w
    for j in range(1, len(BERNOULLI_2K) + 1):
        if j > 1:
            rising = rising * (x + 2 * j - 3) * (x + 2 * j - 2)
            wpow = wpow / w2
        tail = tail + float(BERNOULLI_2K[j - 1] / math.factorial(2 * j)) * rising * wpow
    return head + tail


@register_op("zeta", broadcasts=True, array_vjp=True)
class Zeta(Op):
    r"""y = ζ(x, q), the Hurwitz zeta function (x the exponent, q the shift).

    VJP: q̄ = −ȳ · x ζ(x + 1, q); x has no gradient (PyTorch: not implemented), and asking
    for one raises. Saves both inputs (as the parents).
    """

    fresh_grads = True

    def forward(self, x: Any, q: Any) -> Any:
        return zeta_array(self.xp, x, q)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        if self.needs_input_grad[0]:
            raise BackwardError(
                "zeta: the derivative with respect to x (the exponent) is not implemented, as "
                "in PyTorch; only q has a gradient. Detach x (x.detach()) before calling zeta."
            )
        x, q = self.inputs_as(gy)
        return None, gy * -x * Zeta.call(x + 1, q)


def zeta(input: Any, other: Any) -> Tensor:  # noqa: A002
    """ζ(x, q) = Σₖ (q + k)^(−x), the Hurwitz zeta function, with broadcasting
    (``torch.special.zeta(input=x, other=q)``); ζ(x, 1) is Riemann's ζ(x).

    Differentiable in ``other`` (q) only, as in PyTorch. Either operand may be a number.

    Example:
        >>> import autograd_core as ac
        >>> round(ac.special.zeta(ac.tensor([2.0], dtype=ac.float64), 1.0).item(), 12)  # π²/6
        1.644934066848
    """
    return Zeta.apply_pair(*float_pair(input, other))
