"""``ac.special.gammainc`` / ``gammaincc`` (regularized incomplete gamma P and Q) against
``torch.special`` and closed forms: values over a from 1e-3 to 1e3, edges, dtypes, the
gradient in x (and the refusal in a), the CuPy stand-in.

PyTorch's float64 values are off by up to ~2e-9 relative for a ≳ 20 near x ≈ a (Temme's
expansion; measured against mpmath), so the comparison with torch is at 1e-8 and the exact
checks are the closed forms."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd_core as ac
from autograd_core.errors import BackwardError

INF, NAN = math.inf, math.nan
SP = ac.special


def _f64(v):
    return ac.tensor(np.asarray(v, dtype=np.float64))


@pytest.mark.parametrize("name", ["gammainc", "gammaincc"])
def test_values_match_torch(torch, rng, name):
    a = 10.0 ** rng.uniform(-3, 3, 3000)
    x = a * 10.0 ** rng.uniform(-1.5, 0.6, 3000)
    got = getattr(SP, name)(_f64(a), _f64(x)).numpy()
    want = getattr(torch.special, name)(torch.tensor(a), torch.tensor(x)).numpy()
    keep = want > 1e-290
    np.testing.assert_allclose(got[keep], want[keep], rtol=1e-8)
    np.testing.assert_allclose(got[~keep], want[~keep], atol=1e-290)
    got32 = getattr(SP, name)(ac.tensor(a, dtype=ac.float32), ac.tensor(x, dtype=ac.float32))
    assert got32.dtype == np.float32
    want32 = getattr(torch.special, name)(torch.tensor(a).float(), torch.tensor(x).float())
    keep = want32.numpy() > 1e-20  # (torch's float32 tails below lose digits)
    np.testing.assert_allclose(got32.numpy()[keep], want32.numpy()[keep], rtol=2e-4)


def test_edges_match_torch(torch):
    a = [0.0, 0.0, 1.0, 1.0, -1.0, 2.0, INF, 2.0, 2.0, NAN, 3.0, 2.0]
    x = [1.0, 0.0, 0.0, -1.0, 1.0, INF, 1.0, 1e-300, 1e300, 1.0, NAN, 1e3]
    for name in ("gammainc", "gammaincc"):
        got = getattr(SP, name)(_f64(a), _f64(x)).numpy()
        ta, tx = torch.tensor(a, dtype=torch.float64), torch.tensor(x, dtype=torch.float64)
        want = getattr(torch.special, name)(ta, tx).numpy()
        np.testing.assert_allclose(got, want, rtol=1e-15, atol=0, equal_nan=True)
    # a → 0: Q(a, x) ≈ a E₁(x), E₁(1) = 0.21938393439552029; torch gives P(1e-300, 1) =
    # 1 + 2.4e-14 and Q(1e-300, 1) = 8.0e-301 there
    q = SP.gammaincc(_f64([1e-300]), _f64([1.0])).item()
    assert math.isclose(q, 1e-300 * 0.21938393439552029, rel_tol=1e-12)
    assert SP.gammainc(_f64([1e-300]), _f64([1.0])).item() == 1.0


def test_closed_forms(rng):
    x = 10.0 ** rng.uniform(-3, 2.5, 200)
    t = _f64(x)
    np.testing.assert_allclose(SP.gammainc(1.0, t).numpy(), -np.expm1(-x), rtol=1e-14)
    np.testing.assert_allclose(SP.gammaincc(1.0, t).numpy(), np.exp(-x), rtol=1e-13)
    np.testing.assert_allclose(SP.gammainc(0.5, t).numpy(), ac.erf(_f64(np.sqrt(x))).numpy())
    np.testing.assert_allclose(
        SP.gammaincc(0.5, t).numpy(), ac.erfc(_f64(np.sqrt(x))).numpy(), rtol=1e-13
    )
    # Q(n, x) = e⁻ˣ Σₖ₍<ₙ₎ xᵏ / k! for an integer n
    small = x[x < 60]
    q5 = np.exp(-small) * sum(small**k / math.factorial(k) for k in range(5))
    np.testing.assert_allclose(SP.gammaincc(5.0, _f64(small)).numpy(), q5, rtol=1e-13)
    a = 10.0 ** rng.uniform(-2, 3, 200)
    total = SP.gammainc(_f64(a), t).numpy() + SP.gammaincc(_f64(a), t).numpy()
    np.testing.assert_allclose(total, 1.0, rtol=1e-14)


def test_gradient_in_x_matches_torch_and_a_refuses(torch, rng):
    a = rng.uniform(0.3, 30, 40)
    x = rng.uniform(0.1, 40, 40)
    for name in ("gammainc", "gammaincc"):
        tx = _f64(x).requires_grad_()
        (g,) = ac.grad(getattr(SP, name)(_f64(a), tx).sum(), tx)
        px = torch.tensor(x, requires_grad=True)
        (want,) = torch.autograd.grad(getattr(torch.special, name)(torch.tensor(a), px).sum(), px)
        np.testing.assert_allclose(g.numpy(), want.numpy(), rtol=1e-12)
        ta = _f64(a).requires_grad_()
        with pytest.raises(BackwardError, match=rf"{name}: the derivative with respect to a"):
            getattr(SP, name)(ta, _f64(x)).sum().backward()


def test_dtypes(torch):
    # integers give the default float dtype here; PyTorch 2.13 refuses them (not implemented)
    assert SP.gammainc(ac.tensor([1, 2]), ac.tensor([1, 2])).dtype == np.float32
    with pytest.raises(NotImplementedError):
        torch.special.gammainc(torch.tensor([1, 2]), torch.tensor([1, 2]))
    assert SP.gammaincc(2.0, _f64([1.0])).dtype == np.float64
    assert SP.gammainc(_f64([[1.0], [2.0]]), _f64([0.5, 1.0, 2.0])).shape == (2, 3)
    assert SP.gammainc(_f64(np.zeros((0, 2))), 1.0).shape == (0, 2)


def test_cupy_path_on_the_stand_in(fake_cuda):
    a = ac.tensor([0.5, 2.0, 30.0], dtype=ac.float64, device="cuda")
    x = ac.tensor([0.2, 5.0, 25.0], dtype=ac.float64, device="cuda", requires_grad=True)
    out = SP.gammainc(a, x)
    assert isinstance(out.data, fake_cuda.ndarray)
    (g,) = ac.grad(out.sum(), x)
    hx = ac.tensor([0.2, 5.0, 25.0], dtype=ac.float64, requires_grad=True)
    host = SP.gammainc(a.cpu(), hx)
    (gh,) = ac.grad(host.sum(), hx)
    np.testing.assert_allclose(out.cpu().numpy(), host.numpy(), rtol=1e-15)
    np.testing.assert_allclose(g.cpu().numpy(), gh.numpy(), rtol=1e-15)
