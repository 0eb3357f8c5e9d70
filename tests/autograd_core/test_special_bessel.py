"""``ac.special``'s Bessel functions J₀, J₁, Y₀, Y₁, K₀, K₁ (and the scaled K's) against
``torch.special``, their Wronskians (identities that pin every digit), known zeros, edge
values, dtypes, and the CuPy stand-in.

PyTorch's (Cephes') float64 J and Y are less accurate than these near x ≈ 5 and 10 (errors up
to 5e-7 there, measured against mpmath), so the comparison with torch is at 1e-6 and the exact
checks are the Wronskians, at 1e-14.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd_core as ac

INF, NAN = math.inf, math.nan
SP = ac.special
JY = ["bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1"]
K = [
    "modified_bessel_k0",
    "modified_bessel_k1",
    "scaled_modified_bessel_k0",
    "scaled_modified_bessel_k1",
]


def _f64(x):
    return ac.tensor(np.asarray(x, dtype=np.float64))


@pytest.mark.parametrize("name", JY + K)
def test_values_match_torch(torch, name):
    x = np.concatenate([np.linspace(-80, 80, 16001), 10.0 ** np.linspace(-300, 5, 300)])
    got = getattr(SP, name)(_f64(x)).numpy()
    want = getattr(torch.special, name)(torch.tensor(x)).numpy()
    assert got.dtype == np.float64
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    finite = np.isfinite(want)
    np.testing.assert_array_equal(got[~finite], want[~finite])
    # relative where the values are large (K near 0, Y near 0), absolute (1e-6) elsewhere
    np.testing.assert_allclose(got[finite], want[finite], rtol=1e-6, atol=1e-6)
    if name.startswith("modified") or name.startswith("scaled"):  # Cephes' K is tight
        np.testing.assert_allclose(got[finite], want[finite], rtol=1e-14, atol=1e-300)


def test_wronskians_hold_to_rounding():
    x = np.concatenate([10.0 ** np.linspace(-3, 3, 400), np.linspace(24, 26, 41)])
    t = _f64(x)
    j0, j1 = SP.bessel_j0(t).numpy(), SP.bessel_j1(t).numpy()
    y0, y1 = SP.bessel_y0(t).numpy(), SP.bessel_y1(t).numpy()
    scale = np.abs(j1 * y0) + np.abs(j0 * y1)
    np.testing.assert_array_less(np.abs(j1 * y0 - j0 * y1 - 2 / (np.pi * x)), 1e-14 * scale)
    xs = x[x < 500]  # (I overflows beyond ~700, K underflows)
    ts = _f64(xs)
    i0, i1 = ac.i0(ts).numpy(), SP.i1(ts).numpy()
    k0, k1 = SP.modified_bessel_k0(ts).numpy(), SP.modified_bessel_k1(ts).numpy()
    np.testing.assert_allclose(i0 * k1 + i1 * k0, 1 / xs, rtol=1e-14)
    e0 = SP.scaled_modified_bessel_k0(ts).numpy()
    np.testing.assert_allclose(e0, np.exp(xs) * k0, rtol=1e-13)


def test_known_zeros_and_values():
    zeros_j0 = [2.404825557695773, 5.520078110286311, 8.653727912911013, 30.634606468431976]
    assert np.abs(SP.bessel_j0(_f64(zeros_j0)).numpy()).max() < 5e-16
    zeros_y0 = [0.8935769662791675, 3.957678419314858, 7.086051060301773]
    assert np.abs(SP.bessel_y0(_f64(zeros_y0)).numpy()).max() < 5e-16
    # symmetry: J₀ even, J₁ odd; small x: J₁(x) ≈ x/2, Y₀ ≈ (2/π)(ln(x/2) + γ), K₀ ≈ −ln(x/2) − γ
    x = np.linspace(0.5, 40, 50)
    np.testing.assert_array_equal(SP.bessel_j0(_f64(-x)).numpy(), SP.bessel_j0(_f64(x)).numpy())
    np.testing.assert_array_equal(SP.bessel_j1(_f64(-x)).numpy(), -SP.bessel_j1(_f64(x)).numpy())
    tiny = _f64([1e-12])
    gamma = 0.5772156649015329
    assert math.isclose(SP.bessel_j1(tiny).item(), 5e-13, rel_tol=1e-15)
    assert math.isclose(SP.bessel_y0(tiny).item(), 2 / math.pi * (math.log(5e-13) + gamma))
    assert math.isclose(SP.modified_bessel_k0(tiny).item(), -math.log(5e-13) - gamma)


def test_edges():
    x = [0.0, -1.0, INF, -INF, NAN]
    j0 = SP.bessel_j0(_f64(x)).tolist()
    assert j0[0] == 1.0 and j0[2:4] == [0.0, 0.0] and math.isnan(j0[4])
    assert math.isclose(j0[1], 0.76519768655796655, rel_tol=2e-16)  # J₀(1), to 17 digits
    y0 = SP.bessel_y0(_f64(x)).tolist()
    assert y0[0] == -INF and math.isnan(y0[1]) and y0[2] == 0.0 and math.isnan(y0[4])
    k1 = SP.modified_bessel_k1(_f64(x)).tolist()
    assert k1[0] == INF and math.isnan(k1[1]) and k1[2] == 0.0
    # a large argument keeps its phase: J₀(x) ~ √(2/(πx)) cos(x − π/4)
    big = 1e15
    want = math.sqrt(2 / (math.pi * big)) * (math.cos(big) + math.sin(big)) / math.sqrt(2)
    assert math.isclose(SP.bessel_j0(_f64([big])).item(), want, rel_tol=1e-12)


@pytest.mark.parametrize("name", JY + K)
def test_dtypes_and_no_gradient(torch, name):
    fn = getattr(SP, name)
    assert fn(ac.tensor([0.5, 3.0], dtype=ac.float32)).dtype == np.float32
    assert fn(ac.tensor([1, 3])).dtype == np.float32
    assert getattr(torch.special, name)(torch.tensor([1, 3])).dtype == torch.float32
    x = ac.tensor([0.5, 3.0], requires_grad=True)
    assert not fn(x).requires_grad  # (PyTorch: not implemented)
    assert fn(ac.ones(2, 0, 3)).shape == (2, 0, 3)


def test_cupy_path_on_the_stand_in(fake_cuda):
    x = np.array([0.3, 2.0, 7.5, 30.0, 100.0])
    for name in JY + K:
        fn = getattr(SP, name)
        out = fn(ac.tensor(x, dtype=ac.float64, device="cuda"))
        assert isinstance(out.data, fake_cuda.ndarray)
        np.testing.assert_allclose(out.cpu().numpy(), fn(_f64(x)).numpy(), rtol=1e-15)
