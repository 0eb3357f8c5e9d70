"""Fixed cases for what the elementwise fuzz (test_elementwise_fuzz_*.py) found: each fails on
the code before its fix, or pins our value where torch 2.13 is wrong and the fuzz avoids the
input (oracles: closed forms, NumPy, mpmath-checked constants)."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import autograd_core as ac
import nn.functional as F

NAN, INF = math.nan, math.inf


def _grad(fn, values, gy=None):
    x = ac.tensor(np.array(values, dtype=np.float64), requires_grad=True)
    y = fn(x)
    y.backward(ac.tensor(np.ones(y.shape) if gy is None else np.array(gy)))
    return x.grad.numpy()


def test_relu_passes_the_gradient_at_nan_and_clamp_and_hardtanh_do_not():
    # torch's threshold_backward zeroes only where x ≤ 0; clamp_backward keeps only
    # min ≤ x ≤ max, false at NaN. hardtanh: 0 at NaN, as clamp, at any length (torch's is
    # ȳ below 8 elements and 0 from 8 on: the fuzz avoids NaN for hardtanh and relu6)
    np.testing.assert_array_equal(_grad(ac.relu, [NAN, 0.0, 2.0]), [1.0, 0.0, 1.0])
    np.testing.assert_array_equal(_grad(lambda x: ac.clamp(x, -1, 1), [NAN, 1.0]), [0.0, 1.0])
    for n in (3, 9):
        x = [NAN, 1.0, 0.5] + [0.0] * (n - 3)
        np.testing.assert_array_equal(_grad(F.hardtanh, x)[:3], [0.0, 0.0, 1.0])
        x = [NAN, 6.0, 3.0] + [1.0] * (n - 3)
        np.testing.assert_array_equal(_grad(F.relu6, x)[:3], [0.0, 0.0, 1.0])


def test_piecewise_gradients_are_finite_at_infinity():
    np.testing.assert_array_equal(_grad(F.hardswish, [INF, -INF]), [1.0, 0.0])
    np.testing.assert_allclose(_grad(F.selu, [INF]), [1.0507009873554805])
    np.testing.assert_array_equal(_grad(F.celu, [INF]), [1.0])


def test_logit_gradient_is_nan_outside_the_unit_interval_without_eps():
    g = _grad(ac.logit, [-0.5, 1.5, 0.25])
    assert np.isnan(g[:2]).all()
    assert g[2] == pytest.approx(1 / (0.25 * 0.75))


def test_lgamma_and_polygamma_on_tiny_negative_inputs():
    x = ac.tensor([-5e-324, -1e-300], dtype=ac.float64)
    # ln|Γ(x)| = −ln|x| − γx + ...: 744.4400719213812 at −5e-324 (was 744.486)
    np.testing.assert_allclose(ac.lgamma(x).numpy(), -np.log([5e-324, 1e-300]), rtol=1e-15)
    # ψ′(x) ≈ 1/x²: +inf at −5e-324 (was NaN)
    assert ac.polygamma(1, x).numpy()[0] == INF


def test_softplus_of_a_huge_negative_input_with_beta_is_quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        y = F.softplus(ac.tensor([-1e308], dtype=ac.float64), beta=2.0)
    assert y.numpy()[0] == 0.0


def test_maximum_and_minimum_send_the_gradient_to_both_inputs_at_nan():
    for op in (ac.maximum, ac.minimum):
        a = ac.tensor([1.0, NAN, 2.0], dtype=ac.float64, requires_grad=True)
        b = ac.tensor([NAN, 1.0, 2.0], dtype=ac.float64, requires_grad=True)
        op(a, b).sum().backward()
        np.testing.assert_array_equal(a.grad.numpy(), [1.0, 1.0, 0.5])
        np.testing.assert_array_equal(b.grad.numpy(), [1.0, 1.0, 0.5])


def test_atan2_gradient_does_not_underflow():
    # ∂/∂a atan2(a, b) = b / (a² + b²) = 1 / (2 · 1e-200) at a = b = 1e-200 (torch: 0)
    a = ac.tensor([1e-200, 3.0, 0.0], dtype=ac.float64, requires_grad=True)
    b = ac.tensor([1e-200, 4.0, 0.0], dtype=ac.float64, requires_grad=True)
    ac.atan2(a, b).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), [5e199, 4 / 25, 0.0], rtol=1e-15)
    np.testing.assert_allclose(b.grad.numpy(), [-5e199, -3 / 25, 0.0], rtol=1e-15)


def test_pinned_where_torch_differs():
    # sign and sgn of NaN: NaN, as NumPy (torch 2.13 gives 0)
    x = ac.tensor([NAN, -2.0], dtype=ac.float64)
    np.testing.assert_array_equal(ac.sign(x).numpy(), np.sign(x.numpy()))
    np.testing.assert_array_equal(ac.sgn(x).numpy(), np.sign(x.numpy()))
    # gelu's limits at ±inf (torch: NaN from inf · 0 at −inf, and for tanh's gradient at +inf)
    for approximate in ("none", "tanh"):
        y = F.gelu(ac.tensor([-INF, INF], dtype=ac.float64), approximate=approximate).numpy()
        np.testing.assert_array_equal(y, [0.0, INF])
        g = _grad(lambda t, a=approximate: F.gelu(t, approximate=a), [INF])
        np.testing.assert_array_equal(g, [1.0])
    # hardsigmoid's slope is 1/6 in float64 (torch multiplies by 1/6 rounded to float32)
    assert _grad(F.hardsigmoid, [0.5])[0] == 1 / 6
