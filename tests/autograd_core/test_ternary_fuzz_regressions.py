"""Fixed cases for what the ternary fuzz test (test_ternary_fuzz.py) found, and pins of ours
where torch 2.13 is wrong, against closed forms. Each fix's case failed on the code before it."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import autograd_core as ac
from autograd_core.errors import DTypeError

INF, NAN = float("inf"), float("nan")


def _leaf(v):
    return ac.tensor(v, dtype=ac.float64, requires_grad=True)


@pytest.mark.parametrize("op", [ac.addcmul, ac.addcdiv])
def test_empty_result_gives_zero_gradients_to_infinite_factors(op):
    """An empty result: every gradient is an empty sum, 0. The 0-d factors used to receive
    0 · inf = NaN (torch: 0)."""
    t1, t2 = _leaf(INF), _leaf(INF)
    y = op(ac.zeros(0, dtype=ac.float64), t1, t2, value=0.5)
    y.backward(ac.zeros(0, dtype=ac.float64))
    assert tuple(y.shape) == (0,)
    assert t1.grad.item() == 0.0 and t2.grad.item() == 0.0


def test_lerp_of_infinities_with_an_empty_weight_is_quiet():
    """inf − inf was computed (and warned) although the result is empty."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        y = ac.lerp(_leaf(INF), _leaf(INF), ac.zeros(0, dtype=ac.float64))
    assert tuple(y.shape) == (0,)


def test_clamp_with_a_nan_max_sends_nothing_to_min():
    """clamp(1, min=inf, max=NaN) is NaN whatever min is: min's gradient is 0 (as torch),
    it was 1."""
    x, lo, hi = _leaf(1.0), _leaf(INF), _leaf(NAN)
    y = ac.clamp(x, min=lo, max=hi)
    y.backward()
    assert np.isnan(y.item())
    assert (x.grad.item(), lo.grad.item(), hi.grad.item()) == (0.0, 0.0, 0.0)


@pytest.mark.parametrize(("x", "grads"), [(1.0, (0.0, 1.0, 0.0)), (3.0, (0.0, 0.0, 1.0))])
def test_clamp_tied_bounds(x, grads):
    """min = max = 2: y = 2 moves with the tied bound, dy/d(bound) = 1. Below it ours gives the
    gradient to min (torch 2.13 to neither input), above it to max (as torch)."""
    t = [_leaf(v) for v in (x, 2.0, 2.0)]
    y = ac.clamp(t[0], min=t[1], max=t[2])
    y.backward()
    assert y.item() == 2.0
    assert tuple(v.grad.item() for v in t) == grads
    assert t[1].grad.item() + t[2].grad.item() == 1.0


def test_addcdiv_gradient_at_a_subnormal_divisor():
    """d/dt2 of value · t1 / t2 is −value · t1 / t2²: 0 for t1 = 0, −1e100 · value for t1 =
    1e-300, t2 = 1e-200 (finite). torch squares t2 first (0 for these t2): NaN and −inf."""
    t1 = _leaf([0.0, 1e-300])
    t2 = _leaf([5e-324, 1e-200])
    ac.addcdiv(ac.zeros(2, dtype=ac.float64), t1, t2, value=0.5).sum().backward()
    assert t2.grad[0].item() == 0.0
    np.testing.assert_allclose(t2.grad[1].item(), -0.5 * 1e-300 / 1e-200 / 1e-200, rtol=1e-15)


@pytest.mark.parametrize("cond", [[1, 0], [1.0, 0.0], np.array([1, 0], dtype=np.uint8)])
def test_where_refuses_a_non_bool_condition(cond):
    """As torch ("where expected condition to be a boolean tensor"); it was cast silently."""
    with pytest.raises(DTypeError, match="must be a bool tensor"):
        ac.where(ac.tensor(cond), ac.ones(2), ac.zeros(2))
    assert ac.where(ac.tensor(cond).bool(), ac.ones(2), 0.0).tolist() == [1.0, 0.0]


def test_infinite_broadcast_factor_gradient():
    """addcmul(0, t1, t2) with an infinite 0-d t2 broadcast over ȳ = (1, −0.5): t1's gradient
    is value · t2 · Σ ȳ = 0.5 · inf · 0.5 = +inf, t2's value · t1 · Σ ȳ = 0.5. torch sums
    value · ȳᵢ · inf term by term for t1, inf − inf: NaN."""
    t1, t2 = _leaf(2.0), _leaf(INF)
    y = ac.addcmul(ac.zeros(2, dtype=ac.float64), t1, t2, value=0.5)
    y.backward(ac.tensor([1.0, -0.5], dtype=ac.float64))
    assert (t1.grad.item(), t2.grad.item()) == (INF, 0.5)


def test_lerp_of_infinities_with_a_nan_weight_is_quiet():
    """The result is NaN from the NaN weight, not from lerp's own arithmetic: no warning (the
    project's rule; torch never warns)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        y = ac.lerp(_leaf(INF), _leaf(INF), _leaf(NAN))
    assert np.isnan(y.item())
