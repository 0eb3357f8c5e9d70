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


def test_mish_gradient_does_not_overflow_at_huge_inputs():
    # mish'(x) → 1 as x → ∞ and → 0 as x → −∞; composed, (ȳ · x) · (1 − t²) was −inf · 0 = NaN
    g = _grad(F.mish, [1e308, -1e308, 800.0], gy=[-2.3, 5.0, 1.5])
    np.testing.assert_array_equal(g, [-2.3, 0.0, 1.5])


def test_pow_warns_only_for_an_overflow_of_its_own():
    a = ac.tensor([2.0, 1e308, 0.5], dtype=ac.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        y = ac.pow(a, ac.tensor(INF, dtype=ac.float64))  # an input is already infinite
    np.testing.assert_array_equal(y.numpy(), [INF, INF, 0.0])
    with pytest.warns(RuntimeWarning, match="overflow encountered in power"):
        y = ac.pow(
            ac.tensor([1e308, 10.0], dtype=ac.float64), ac.tensor([INF, 400.0], dtype=ac.float64)
        )
    np.testing.assert_array_equal(y.numpy(), [INF, INF])


def test_tanh_gelu_is_quiet_and_saturated_at_huge_inputs():
    # x³ overflows from 5.6e102 on; tanh u = ±1 there, so y = x (or −0) and y′ = 1 (or 0)
    # (torch 2.13: the same y, and NaN for y′ from |x| ≈ 1.3e154 on; the fuzz avoids it)
    x = [1e155, 1e308, -1e155, -1e308]
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        y = F.gelu(ac.tensor(x, dtype=ac.float64), approximate="tanh").numpy()
        g = _grad(lambda t: F.gelu(t, approximate="tanh"), x)
    np.testing.assert_array_equal(y, [1e155, 1e308, -0.0, -0.0])
    np.testing.assert_array_equal(g, [1.0, 1.0, 0.0, 0.0])


def test_pinned_near_overflow_where_torch_gives_inf():
    mpmath = pytest.importorskip("mpmath")
    # sinh and cosh are finite up to |x| = ln(2 · max float) = 710.4758; torch 2.13's
    # vectorised float64 kernels (16 elements and more) give inf from 709.78 on
    x = [710.0, 710.47, -710.0] + [0.0] * 13
    for fn, d in ((ac.sinh, ac.cosh), (ac.cosh, ac.sinh)):
        want = [float(getattr(mpmath, fn.__name__)(v)) for v in x[:3]]
        np.testing.assert_allclose(fn(ac.tensor(x, dtype=ac.float64)).numpy()[:3], want, 1e-15)
        dwant = [float(getattr(mpmath, d.__name__)(v)) for v in x[:3]]
        np.testing.assert_allclose(_grad(fn, x)[:3], dwant, rtol=1e-15)
    # exp2′ = y ln 2: ȳ · (y ln 2) is finite where torch's (ȳ · y) · ln 2 overflows
    want = float(mpmath.mpf(1.3) * mpmath.mpf(2) ** mpmath.mpf(1023.9) * mpmath.log(2))
    np.testing.assert_allclose(_grad(ac.exp2, [1023.9], gy=[1.3]), [want], rtol=1e-13)


def test_logaddexp2_of_equal_inputs_is_exact():
    # log₂(2ᵃ + 2ᵃ) = a + 1 exactly (torch 2.13: −4.8e-17 at a = −1)
    a = np.array([-1.0, -0.5, 0.5, -3.0, 1023.0, -1074.0])
    y = ac.logaddexp2(ac.tensor(a), ac.tensor(a)).numpy()
    np.testing.assert_array_equal(y, a + 1)


def test_fmod_and_remainder_are_exact_where_the_quotient_overflows():
    # C's fmod and Python's % are exact (the oracles); torch 2.13's vectorised float64 fmod
    # and remainder (8 elements and more) compute a − b · trunc(a / b) (floor), NaN where a / b
    # overflows
    pairs = [(1e308, 0.55), (1.03675258, 5e-324), (-1e308, 0.5), (7.5, 1e-310), (1e308, -0.3)]
    pairs += [(-1e308, -5e-324)]
    a = np.array([p[0] for p in pairs] * 4)
    b = np.array([p[1] for p in pairs] * 4)
    for fn, oracle in ((ac.fmod, math.fmod), (ac.remainder, lambda x, y: x % y)):
        got = fn(ac.tensor(a), ac.tensor(b)).numpy()
        want = np.array([oracle(x, y) for x, y in zip(a, b)])
        np.testing.assert_array_equal(got, want)
        np.testing.assert_array_equal(np.signbit(got), np.signbit(want))  # the signs of 0
