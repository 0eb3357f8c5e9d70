"""``ac.special``'s orthogonal polynomials against ``torch.special`` and closed forms: values
over degrees 0…60 inside and outside [−1, 1], negative and non-integer degrees, broadcasting,
result dtypes, no gradient, and the CuPy path on the strict stand-in."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd_core as ac

NAMES = [
    "chebyshev_polynomial_t",
    "chebyshev_polynomial_u",
    "chebyshev_polynomial_v",
    "chebyshev_polynomial_w",
    "shifted_chebyshev_polynomial_t",
    "shifted_chebyshev_polynomial_u",
    "shifted_chebyshev_polynomial_v",
    "shifted_chebyshev_polynomial_w",
    "hermite_polynomial_h",
    "hermite_polynomial_he",
    "laguerre_polynomial_l",
    "legendre_polynomial_p",
]


def _inputs(rng):
    x = np.concatenate([rng.uniform(-1.5, 1.5, 300), [1.0, -1.0, 0.0, 0.5, 2.0, -3.0]])
    n = rng.integers(-2, 45, x.size).astype(np.float64)
    n[-6:] = [0, 1, 2, 60, 7, 5]
    return x, n


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_values_match_torch(torch, rng, name, dtype):
    x, n = _inputs(rng)
    x, n = x.astype(dtype), n.astype(dtype)
    got = getattr(ac.special, name)(ac.tensor(x), ac.tensor(n)).numpy()
    want = getattr(torch.special, name)(torch.tensor(x), torch.tensor(n)).numpy()
    assert got.dtype == np.dtype(dtype)
    finite = np.isfinite(want)
    np.testing.assert_array_equal(got[~finite], want[~finite])
    # PyTorch's trigonometric forms for large n on |x| < 1 agree with the recurrence to rounding
    tol = 1e-12 if dtype == "float64" else 2e-4  # (float32: ~n roundings of 6e-8 each)
    scale = np.maximum(np.abs(want[finite]), 1.0)
    assert np.max(np.abs(got[finite] - want[finite]) / scale) < tol


@pytest.mark.parametrize("name", NAMES)
def test_degree_rules_dtypes_and_broadcasting_match_torch(torch, name):
    ours, theirs = getattr(ac.special, name), getattr(torch.special, name)
    x = np.array([[0.3], [-0.7], [1.2]])
    n = np.array([-1.0, 0.0, 2.5, 3.9])  # negative: 0; non-integer: its integer part
    got = ours(ac.tensor(x), ac.tensor(n))
    want = theirs(torch.tensor(x), torch.tensor(n))
    assert got.shape == tuple(want.shape) == (3, 4)
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(
        ours(ac.tensor(x), 3).numpy(), theirs(torch.tensor(x), 3).numpy(), rtol=1e-13
    )
    assert ours(ac.tensor([1, 2]), 3).dtype == np.float32  # integers: the default float dtype
    assert theirs(torch.tensor([1, 2]), 3).dtype == torch.float32
    assert ours(ac.tensor([0.5]), ac.tensor([3], dtype=ac.int32)).dtype == np.float32
    assert ours(ac.tensor([0.5], dtype=ac.float64), ac.tensor(2)).dtype == np.float64
    assert ours(ac.tensor(np.zeros((0, 2))), 4).shape == (0, 2)


def test_closed_forms(rng):
    x = rng.uniform(-0.99, 0.99, 50)
    t = ac.tensor(x, dtype=ac.float64)
    theta = np.arccos(x)
    sp = ac.special
    np.testing.assert_allclose(sp.chebyshev_polynomial_t(t, 9).numpy(), np.cos(9 * theta))
    np.testing.assert_allclose(
        sp.chebyshev_polynomial_u(t, 9).numpy(), np.sin(10 * theta) / np.sin(theta)
    )
    np.testing.assert_allclose(
        sp.chebyshev_polynomial_v(t, 4).numpy(), np.cos(4.5 * theta) / np.cos(theta / 2)
    )
    np.testing.assert_allclose(
        sp.chebyshev_polynomial_w(t, 4).numpy(), np.sin(4.5 * theta) / np.sin(theta / 2)
    )
    np.testing.assert_allclose(sp.hermite_polynomial_h(t, 4).numpy(), 16 * x**4 - 48 * x**2 + 12)
    np.testing.assert_allclose(sp.hermite_polynomial_he(t, 4).numpy(), x**4 - 6 * x**2 + 3)
    np.testing.assert_allclose(
        sp.laguerre_polynomial_l(t, 3).numpy(), (-(x**3) + 9 * x**2 - 18 * x + 6) / 6
    )
    np.testing.assert_allclose(sp.legendre_polynomial_p(t, 3).numpy(), (5 * x**3 - 3 * x) / 2)
    u = (x + 1) / 2
    np.testing.assert_allclose(
        sp.shifted_chebyshev_polynomial_t(ac.tensor(u, dtype=ac.float64), 5).numpy(),
        np.cos(5 * np.arccos(2 * u - 1)),
        atol=1e-14,
    )
    assert sp.legendre_polynomial_p(ac.tensor([1.0, -1.0], dtype=ac.float64), 7).tolist() == [
        1.0,
        -1.0,
    ]
    assert math.isclose(sp.chebyshev_polynomial_t(ac.tensor(2.0), 0).item(), 1.0)


def test_polynomials_have_no_gradient():
    x = ac.tensor([0.5], requires_grad=True)
    out = ac.special.legendre_polynomial_p(x, 3)
    assert not out.requires_grad


def test_cupy_path_on_the_stand_in(fake_cuda):
    x = ac.tensor([0.3, -0.5, 1.5], dtype=ac.float64, device="cuda")
    n = ac.tensor([2.0, 5.0, 3.0], dtype=ac.float64, device="cuda")
    for name in NAMES:
        fn = getattr(ac.special, name)
        out = fn(x, n)
        assert isinstance(out.data, fake_cuda.ndarray)
        np.testing.assert_allclose(out.cpu().numpy(), fn(x.cpu(), n.cpu()).numpy(), rtol=1e-15)
