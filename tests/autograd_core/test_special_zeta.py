"""``ac.special.zeta`` (Hurwitz ζ) against ``torch.special.zeta`` and closed forms: values,
domain edges, dtypes, the gradient in q (and the refusal in x), the CuPy stand-in."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd_core as ac
from autograd_core.errors import BackwardError

INF, NAN = math.inf, math.nan


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_values_match_torch(torch, rng, dtype):
    x = np.concatenate([rng.uniform(1.001, 60, 2000), rng.uniform(1.0, 1.2, 100)])
    q = np.concatenate([rng.uniform(0.01, 100, 2000), 10.0 ** rng.uniform(-3, 6, 100)])
    x, q = x.astype(dtype), q.astype(dtype)
    got = ac.special.zeta(ac.tensor(x), ac.tensor(q)).numpy()
    want = torch.special.zeta(torch.tensor(x), torch.tensor(q)).numpy()
    assert got.dtype == np.dtype(dtype)
    # float32 values below ~1e-30 are subnormal or flushed in torch's float32 arithmetic
    keep = np.abs(want) > (1e-300 if dtype == "float64" else 1e-30)
    rtol = 1e-13 if dtype == "float64" else 2e-5
    np.testing.assert_allclose(got[keep], want[keep], rtol=rtol)


def test_domain_edges_match_torch(torch):
    x = [2.0, 3.0, 1.0, 0.5, 2.0, 2.0, 2.0, 2.0, 3.0, 2.0, 2.5, NAN, 2.0]
    q = [1.0, 2.0, 1.0, 1.0, 0.0, -1.0, -1.5, -2.5, -0.5, 1e10, -1.5, 1.0, NAN]
    got = ac.special.zeta(ac.tensor(x, dtype=ac.float64), ac.tensor(q, dtype=ac.float64))
    want = torch.special.zeta(torch.tensor(x).double(), torch.tensor(q).double())
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-13, equal_nan=True)


def test_far_negative_q_sums_the_negative_terms_exactly(torch):
    # ζ(4, −30.3) = Σₖ₌₀³⁰ (k − 30.3)⁻⁴ + ζ(4, 0.7): 128.170140986470513 (mpmath, 30 digits);
    # torch's Cephes loop is off by 1e-5 relative there
    got = ac.special.zeta(ac.tensor([4.0], dtype=ac.float64), -30.3).item()
    assert math.isclose(got, 128.170140986470513, rel_tol=1e-14)
    want = torch.special.zeta(torch.tensor([4.0], dtype=torch.float64), -30.3).item()
    assert math.isclose(got, want, rel_tol=2e-5)
    big = ac.special.zeta(ac.tensor([2.0, 3.0], dtype=ac.float64), -1e6 - 0.5).numpy()
    near = ac.special.zeta(ac.tensor([2.0, 3.0], dtype=ac.float64), 0.5).numpy()
    np.testing.assert_allclose(big, [2 * near[0], 0.0], atol=1e-5)  # the terms pair up


def test_closed_forms():
    x = ac.tensor([2.0, 4.0, 2.0], dtype=ac.float64)
    q = ac.tensor([1.0, 1.0, 0.5], dtype=ac.float64)
    want = [math.pi**2 / 6, math.pi**4 / 90, math.pi**2 / 2]  # ζ(2, ½) = (2² − 1) ζ(2)
    np.testing.assert_allclose(ac.special.zeta(x, q).numpy(), want, rtol=1e-15)
    # ζ(x, q) − ζ(x, q + 1) = q^(−x)
    rng = np.random.default_rng(3)
    xs, qs = rng.uniform(1.1, 8, 20), rng.uniform(0.1, 10, 20)
    a = ac.special.zeta(ac.tensor(xs), ac.tensor(qs, dtype=ac.float64)).numpy()
    b = ac.special.zeta(ac.tensor(xs), ac.tensor(qs + 1, dtype=ac.float64)).numpy()
    np.testing.assert_allclose(a - b, qs**-xs, rtol=1e-12)


def test_dtypes_and_numbers(torch):
    assert ac.special.zeta(ac.tensor([2, 3]), ac.tensor([1, 2])).dtype == np.float32
    assert torch.special.zeta(torch.tensor([2, 3]), torch.tensor([1, 2])).dtype == torch.float32
    assert ac.special.zeta(2.0, ac.tensor([1.0], dtype=ac.float64)).dtype == np.float64
    assert ac.special.zeta(ac.tensor([[2.0], [3.0]]), ac.tensor([1.0, 2.0, 3.0])).shape == (2, 3)


def test_gradient_in_q_matches_torch_and_x_refuses(torch, rng):
    x = rng.uniform(1.5, 5, 30)
    q = rng.uniform(0.2, 10, 30)
    tq = ac.tensor(q, dtype=ac.float64, requires_grad=True)
    (g,) = ac.grad(ac.special.zeta(ac.tensor(x, dtype=ac.float64), tq).sum(), tq)
    pq = torch.tensor(q, requires_grad=True)
    (want,) = torch.autograd.grad(torch.special.zeta(torch.tensor(x), pq).sum(), pq)
    np.testing.assert_allclose(g.numpy(), want.numpy(), rtol=1e-12)
    tx = ac.tensor(x, dtype=ac.float64, requires_grad=True)
    out = ac.special.zeta(tx, ac.tensor(q, dtype=ac.float64))
    with pytest.raises(BackwardError, match=r"zeta: the derivative with respect to x"):
        out.sum().backward()


def test_cupy_path_on_the_stand_in(fake_cuda):
    x = ac.tensor([2.0, 3.0, 2.0], dtype=ac.float64, device="cuda")
    q = ac.tensor([1.0, 0.5, -1.5], dtype=ac.float64, device="cuda", requires_grad=True)
    out = ac.special.zeta(x, q)
    assert isinstance(out.data, fake_cuda.ndarray)
    (g,) = ac.grad(out.sum(), q)
    host_q = ac.tensor([1.0, 0.5, -1.5], dtype=ac.float64, requires_grad=True)
    host = ac.special.zeta(x.cpu(), host_q)
    (gh,) = ac.grad(host.sum(), host_q)
    np.testing.assert_allclose(out.cpu().numpy(), host.numpy(), rtol=1e-15)
    np.testing.assert_allclose(g.cpu().numpy(), gh.numpy(), rtol=1e-15)
