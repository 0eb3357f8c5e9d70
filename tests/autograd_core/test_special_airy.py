"""``ac.special.airy_ai`` against mpmath (the exact values of Ai at the float64 inputs) over
[−200, 200], far out on x < 0, near 0, at the zeros of Ai and where Ai underflows; against
``torch.special.airy_ai`` (values, edges, dtypes, no gradient, ``out=``); and the CuPy path on
the strict stand-in.

PyTorch's float64 Ai is off by up to 6e-6 of the amplitude on −5 < x < −2.09 (its asymptotic
expansion, used below −2.09, has too few terms there: errors of 4e-7 at −3, 2e-10 at −4, 2e-12
at −5) and flushes to 0 past x = 103.892 (float32: 25.77); the mpmath test pins those points,
and the torch comparisons leave them to it.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd_core as ac
from autograd_core.errors import DTypeError

INF, NAN = math.inf, math.nan
AIRY = ac.special.airy_ai


def _f64(x):
    return ac.tensor(np.asarray(x, dtype=np.float64))


def _amplitude(x):
    """The envelope π^(−1/2) |x|^(−1/4) of Ai on x < 0 (0 for x ≥ 0): the scale of the
    absolute error near the zeros, where a relative error means nothing."""
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(divide="ignore"):
        return np.where(x < 0, 1 / (math.sqrt(math.pi) * np.abs(x) ** 0.25), 0.0)


def _mpmath_ai(x):
    mpmath = pytest.importorskip("mpmath")
    with mpmath.workdps(40):
        return np.array([float(mpmath.airyai(mpmath.mpf(float(v)))) for v in x])


def test_float64_matches_mpmath_to_rounding():
    x = np.concatenate(
        [
            np.linspace(-200.0, 200.0, 2001),
            np.linspace(-3.5, 1.5, 201),  # both sides of the series' bounds −3 and 1
            -(10.0 ** np.linspace(2.3, 10, 80)),  # far out on the oscillating side
            10.0 ** np.linspace(-300, 0, 31),
            -(10.0 ** np.linspace(-300, 0, 31)),
            [0.0, 103.8, 103.9, 104.5, 105.0, 106.0, 107.0, 107.3, 107.5, 110.0],  # subnormals
        ]
    )
    got = AIRY(_f64(x)).numpy()
    want = _mpmath_ai(x)
    assert got.dtype == np.float64
    # relative 2e-15, or 1.5e-15 of the envelope on x < 0 (near the zeros), or one subnormal
    bound = 2e-15 * np.abs(want) + 1.5e-15 * _amplitude(x) + 5e-324
    worst = np.argmax(np.abs(got - want) / bound)
    assert np.all(np.abs(got - want) <= bound), (x[worst], got[worst], want[worst])
    assert want[-1] == 0.0 == got[-1] and 0 < got[-3] < 1e-320  # underflow past x ≈ 107.4


def test_zeros_of_ai_are_zeros_to_the_rounding_of_x():
    mpmath = pytest.importorskip("mpmath")
    ks = list(range(1, 11)) + [50, 200, 1000]
    zeros = np.array([float(mpmath.airyaizero(k)) for k in ks])
    slopes = np.array([abs(float(mpmath.airyai(mpmath.airyaizero(k), 1))) for k in ks])
    got = AIRY(_f64(zeros)).numpy()
    # Ai(a + δ) ≈ Ai′(a) δ with |δ| ≤ half an ulp of the zero a; and the rounding of Ai itself
    bound = slopes * np.spacing(np.abs(zeros)) / 2 + 1.5e-15 * _amplitude(zeros)
    np.testing.assert_array_less(np.abs(got), bound)
    np.testing.assert_array_less(np.abs(got - _mpmath_ai(zeros)), 1.5e-15 * _amplitude(zeros))


def test_values_at_and_near_zero_are_the_closed_forms():
    ai0 = 1 / (3 ** (2 / 3) * math.gamma(2 / 3))  # DLMF 9.2.3
    ai0_prime = -1 / (3 ** (1 / 3) * math.gamma(1 / 3))  # DLMF 9.2.4
    tiny = np.array([0.0, -0.0, 1e-310, -1e-200, 1e-9, -1e-9])
    got = AIRY(_f64(tiny)).numpy()
    np.testing.assert_allclose(got, ai0 + ai0_prime * tiny, rtol=3e-16)


def test_large_x_follows_the_asymptotic_expansions():
    # DLMF 9.7.9 to two terms (the next are below 1e-10 of the leading one here; ζ rounded to
    # a double puts up to 1e-10 into the phase) and 9.7.5 to three (the next: 2e-7 at x = 20)
    x = np.array([2e3, 5e3, 1e4])
    zeta = 2 / 3 * x**1.5
    u1 = 5 / 72
    got = AIRY(_f64(-x)).numpy()
    phase = zeta - math.pi / 4
    want = (np.cos(phase) + np.sin(phase) * u1 / zeta) / (math.sqrt(math.pi) * x**0.25)
    np.testing.assert_array_less(np.abs(got - want), 3e-10 * _amplitude(-x))
    x = np.array([20.0, 50.0, 90.0])
    zeta = 2 / 3 * x**1.5
    u2 = 385 / 10368
    want = np.exp(-zeta) / (2 * math.sqrt(math.pi) * x**0.25) * (1 - u1 / zeta + u2 / zeta**2)
    np.testing.assert_allclose(AIRY(_f64(x)).numpy(), want, rtol=1e-6)


def test_float64_matches_torch(torch):
    x = np.linspace(-200.0, 200.0, 40001)
    got = AIRY(_f64(x)).numpy()
    want = torch.special.airy_ai(torch.tensor(x)).numpy()
    scale = np.abs(want) + _amplitude(x)
    short = (x > -5.0) & (x < -2.09)  # torch's error reaches 6e-6 there (see above)
    flushed = x > 103.892  # torch: 0; here the subnormal value
    rest = ~short & ~flushed
    np.testing.assert_array_less(np.abs(got - want)[rest], 5e-13 * scale[rest])
    np.testing.assert_array_less(np.abs(got - want)[short], 1e-5 * scale[short])
    assert np.all(want[flushed] == 0) and np.all(np.abs(got[flushed]) < 2.1e-308)


EDGES = [0.0, -0.0, 1.0, -1.0, 0.5, 1e-310, 30.0, -30.0, 1e300, -1e300, INF, -INF, NAN]


def test_edge_values_match_torch(torch):
    got = AIRY(_f64(EDGES)).numpy()
    want = torch.special.airy_ai(torch.tensor(EDGES, dtype=torch.float64)).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-13, atol=0, equal_nan=True)
    assert np.isnan(got[-3:]).all() and np.isnan(got[-4])  # ±inf, NaN, and −1e300 (ζ = inf)
    assert got[-5] == 0.0


def test_float32_float16_and_integers(torch):
    x = np.linspace(-80.0, 25.0, 4001).astype(np.float32)
    got = AIRY(ac.tensor(x)).numpy()
    exact = torch.special.airy_ai(torch.tensor(x).double())  # at the same float32 inputs
    assert got.dtype == np.float32
    away = (x <= -5.0) | (x >= -2.09)  # (torch's float64 error on −5 < x < −2.09: see above)
    scale = exact.abs().numpy() + _amplitude(x)
    np.testing.assert_array_less(
        np.abs(got - exact.float().numpy())[away], 6e-8 * scale[away] + 1e-44
    )
    # float32 past 25.77: the rounded subnormal value, where torch's float32 kernel gives 0
    tail = np.array([26.0, 27.0], np.float32)
    assert torch.special.airy_ai(torch.tensor(tail)).eq(0).all()
    np.testing.assert_allclose(
        AIRY(ac.tensor(tail)).numpy(), _mpmath_ai(tail).astype(np.float32), rtol=0, atol=2e-45
    )
    # float16 (torch's CPU kernel refuses it): the float64 value, rounded
    h = np.linspace(-10, 5, 301).astype(np.float16)
    got16 = AIRY(ac.tensor(h)).numpy()
    assert got16.dtype == np.float16
    np.testing.assert_array_equal(got16, AIRY(_f64(h)).numpy().astype(np.float16))
    # bool and integer inputs: the default float dtype, as in torch
    ints = torch.tensor([-3, 0, 1, 2])
    got_int = AIRY(ac.tensor(ints.numpy()))
    want_int = torch.special.airy_ai(ints)
    assert got_int.dtype == np.float32 and want_int.dtype == torch.float32
    np.testing.assert_allclose(got_int.numpy(), want_int.numpy(), rtol=1e-6)
    assert AIRY(ac.tensor([True, False])).dtype == np.float32
    assert AIRY(ac.ones(2, 0, 3)).shape == (2, 0, 3)
    assert AIRY(ac.tensor(2.0)).shape == ()


def test_no_gradient_as_in_torch(torch):
    x = ac.tensor([0.5, -3.0], dtype=ac.float64, requires_grad=True)
    t = torch.tensor([0.5, -3.0], dtype=torch.float64, requires_grad=True)
    assert not AIRY(x).requires_grad and not torch.special.airy_ai(t).requires_grad
    # beside a differentiable term, Ai adds nothing to the gradient (torch: the same)
    (g,) = ac.grad((AIRY(x) + 2 * x).sum(), x)
    (tg,) = torch.autograd.grad((torch.special.airy_ai(t) + 2 * t).sum(), t)
    np.testing.assert_array_equal(g.numpy(), tg.numpy())


def test_out_argument(torch):
    x = np.array([1.0, 2.0, -3.0])
    out = ac.empty(3, dtype=ac.float64)
    assert AIRY(_f64(x), out=out) is out
    np.testing.assert_array_equal(out.numpy(), AIRY(_f64(x)).numpy())
    out32 = ac.empty(3, dtype=ac.float32)
    AIRY(_f64(x), out=out32)  # rounded into float32, as torch allows
    want = torch.special.airy_ai(torch.tensor(x), out=torch.empty(3))
    np.testing.assert_allclose(out32.numpy(), want.numpy(), rtol=1e-7)
    with pytest.raises(DTypeError, match=r"airy_ai.*int64"):
        AIRY(_f64(x), out=ac.empty(3, dtype=ac.int64))
    with pytest.raises(RuntimeError, match="can't be cast"):
        torch.special.airy_ai(torch.tensor(x), out=torch.empty(3, dtype=torch.int64))


def test_cupy_path_on_the_stand_in(fake_cuda):
    x = np.array([-150.0, -30.0, -4.0, -2.5, 0.0, 0.7, 3.0, 50.0, 105.0, INF, NAN])
    out = AIRY(ac.tensor(x, dtype=ac.float64, device="cuda"))
    assert isinstance(out.data, fake_cuda.ndarray)
    np.testing.assert_allclose(out.cpu().numpy(), AIRY(_f64(x)).numpy(), rtol=1e-15, equal_nan=True)
