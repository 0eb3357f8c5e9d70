r"""Power-average pooling: lp_pool1d/2d/3d, y = (Σ_window x^p)^{1/p}.

The pooling section of *Deep Learning* (Goodfellow, Bengio & Courville, §9.3) lists "the L²
norm of a rectangular neighbourhood" next to max and average pooling; p = 1 is sum pooling and
p → ∞ max pooling of |x|.

Composed as PyTorch's ``F.lp_pool{1,2,3}d`` (torch 2.13) composes it: ``avg_pool(x^p)`` times
the kernel volume, then the 1/p power, and ``max_pool(|x|)`` for p = ∞ (−max_pool(−|x|) for
p = −∞). The powers are taken so that NumPy never warns (``_power``): where PyTorch gives NaN
(a negative window sum under an odd p, a negative entry under a fractional p) ours gives NaN
too, forward and backward, silently; where a window sums to 0 the gradient is 0, PyTorch's
``sign(s)·relu(|s|)`` rule. No new op: where, mul, pow, avg_pool and max_pool carry gradients of
every order.
"""

from __future__ import annotations

import math
from typing import Any

from autograd_core.device import get_array_module
from autograd_core.ops.binary import where
from autograd_core.ops.common import const, lift
from autograd_core.ops.pool_geometry import as_tuple
from autograd_core.ops.pooling import max_pool1d, max_pool2d, max_pool3d
from autograd_core.ops.pooling_avg import avg_pool_nd
from autograd_core.ops.unary import abs as _abs
from autograd_core.tensor import Tensor

__all__ = ["lp_pool1d", "lp_pool2d", "lp_pool3d"]

_MAX_POOLS = {1: max_pool1d, 2: max_pool2d, 3: max_pool3d}


def _power(s: Tensor, a: float) -> Tensor:
    r"""s^a elementwise without NumPy's warnings, with PyTorch's values.

    A positive integer a is a plain ``s ** a`` (defined for every s). Otherwise the power is
    taken of the entries s > 0 only (the others replaced by 1), and the rest filled from
    ``s · c`` with the constant c = 0 where s = 0 and NaN where s < 0 or s is NaN: so s = 0
    gives 0 (∞ for a < 0) with gradient 0, and s < 0 gives NaN with a NaN gradient, as
    ``torch.pow`` and PyTorch's lp_pool backward do, but without "invalid value" warnings.
    (A deliberate difference: for 0 < a < 1 PyTorch's gradient of x^a at x = 0 is ∞, ours 0.)
    """
    if a > 0 and float(a).is_integer():
        return s ** int(a)
    xp = get_array_module(s.data)
    data = s.data
    positive = data > 0  # NaN compares False (no warning)
    c = xp.where(data >= 0, 0.0, math.nan).astype(data.dtype)
    other = s * const(c)
    if a < 0:  # 0 to a negative power is +∞
        other = other + const(xp.where(data == 0, math.inf, 0.0).astype(data.dtype))
    return where(const(positive), where(const(positive), s, 1.0) ** a, other)


def _lp_pool(
    op: str, n: int, x: Any, norm_type: float, kernel_size: Any, stride: Any, ceil_mode: bool
) -> Tensor:
    x = lift(x)
    kernel = as_tuple(op, "kernel_size", kernel_size, n, minimum=1)
    p = float(norm_type)
    if p == 0 or math.isnan(p):
        raise ValueError(
            f"{op}: norm_type must be non-zero and not NaN, got {norm_type!r}. Pass e.g. 2 "
            "(L² pooling) or math.inf (max pooling of |x|)."
        )
    if math.isinf(p):  # PyTorch: max pooling of |x| (of −|x|, negated, for −∞)
        mag = _abs(x)
        if p < 0:
            return -_MAX_POOLS[n](-mag, kernel, stride, 0, 1, ceil_mode)
        return _MAX_POOLS[n](mag, kernel, stride, 0, 1, ceil_mode)
    pooled = avg_pool_nd(op, n, _power(x, p), kernel, stride, 0, ceil_mode, True, None)
    return _power(pooled * math.prod(kernel), 1.0 / p)


def lp_pool1d(
    input: Tensor, norm_type: float, kernel_size: Any, stride: Any = None, ceil_mode: bool = False
) -> Tensor:
    r"""Power-average pooling, y = (Σ_window x^p)^{1/p}, as ``F.lp_pool1d``: p = 1 is sum
    pooling, p = 2 the seeds' L² pooling, p = ∞ max pooling of |x|.

    Computed as PyTorch does: ``(avg_pool(x^p) · kernel_size)^{1/p}`` (so in ceil mode a short
    last window is scaled by kernel_size over its length, as in PyTorch). A window whose sum
    is 0 gets gradient 0; a negative sum (odd p) gives NaN, silently, as in PyTorch. Unlike
    torch 2.13's lp_pool1d, a one-element tuple kernel_size is accepted.

    Example:
        >>> import autograd_core as ac
        >>> from autograd_core.ops.pooling_lp import lp_pool1d
        >>> lp_pool1d(ac.tensor([[3.0, 4.0]]), 2, 2)
        tensor([[5.]])
    """
    return _lp_pool("lp_pool1d", 1, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool2d(
    input: Tensor, norm_type: float, kernel_size: Any, stride: Any = None, ceil_mode: bool = False
) -> Tensor:
    r"""Power-average pooling over the last two axes, as ``F.lp_pool2d`` (see ``lp_pool1d``).

    Example:
        >>> import autograd_core as ac
        >>> from autograd_core.ops.pooling_lp import lp_pool2d
        >>> lp_pool2d(ac.ones(1, 2, 2), 2, 2)
        tensor([[[2.]]])
    """
    return _lp_pool("lp_pool2d", 2, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool3d(
    input: Tensor, norm_type: float, kernel_size: Any, stride: Any = None, ceil_mode: bool = False
) -> Tensor:
    r"""Power-average pooling over the last three axes of (N, C, D, H, W) or (C, D, H, W)
    inputs, as ``F.lp_pool3d`` (see ``lp_pool1d``; kernel_size and stride an int or a triple).

    Example:
        >>> import autograd_core as ac
        >>> from autograd_core.ops.pooling_lp import lp_pool3d
        >>> lp_pool3d(ac.ones(1, 2, 2, 2), 1, 2).tolist()
        [[[[8.0]]]]
    """
    return _lp_pool("lp_pool3d", 3, input, norm_type, kernel_size, stride, ceil_mode)
