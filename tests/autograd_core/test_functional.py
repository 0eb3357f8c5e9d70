"""ac.functional against closed forms and torch.autograd.functional."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
from autograd_core import functional as F


def f_cubic(x):
    return (x**3).sum()


def test_vjp_jvp_closed_form():
    x = ac.tensor([1.0, -2.0, 0.5], dtype=ac.float64)
    v = ac.tensor([1.0, 2.0, 3.0], dtype=ac.float64)
    out, g = F.vjp(lambda t: t * t * t, x, v)
    np.testing.assert_allclose(g.data, 3 * x.data**2 * v.data)
    out, jv = F.jvp(lambda t: t.exp() * t, x, v)
    np.testing.assert_allclose(jv.data, np.exp(x.data) * (1 + x.data) * v.data, rtol=1e-12)
    assert not g.requires_grad and not jv.requires_grad


def test_jacobian_and_hessian_closed_form():
    x = ac.tensor([1.0, 2.0], dtype=ac.float64)
    J = F.jacobian(lambda t: t.exp() * t[0], x)
    e = np.exp(x.data)
    expected = np.diag(e * x.data[0])
    expected[:, 0] += e
    np.testing.assert_allclose(J.data, expected, rtol=1e-12)
    H = F.hessian(f_cubic, x)
    np.testing.assert_allclose(H.data, np.diag(6 * x.data))


def test_jacobian_of_tuple_inputs_and_outputs():
    a = ac.tensor([1.0, 2.0], dtype=ac.float64)
    b = ac.tensor([3.0], dtype=ac.float64)
    J = F.jacobian(lambda p, q: (p * q, (p * p).sum()), (a, b))
    assert J[0][0].shape == (2, 2) and J[0][1].shape == (2, 1) and J[1][0].shape == (2,)
    np.testing.assert_allclose(J[0][1].data, a.data[:, None])
    np.testing.assert_allclose(J[1][0].data, 2 * a.data)


def test_hvp_equals_hessian_times_v():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((3, 3))
    x = ac.tensor(rng.standard_normal(3))
    v = ac.tensor(rng.standard_normal(3))

    def f(t):
        return ((ac.tensor(A) @ t).tanh() ** 2).sum()

    H = F.hessian(f, x).data
    _, hv = F.hvp(f, x, v)
    _, vh = F.vhp(f, x, v)
    np.testing.assert_allclose(hv.data, H @ v.data, rtol=1e-10)
    np.testing.assert_allclose(vh.data, v.data @ H, rtol=1e-10)


def test_strict_raises_for_independent_input():
    x, z = ac.ones(2, dtype=ac.float64), ac.ones(2, dtype=ac.float64)
    with pytest.raises(ac.BackwardError, match="does not depend on input 1"):
        F.vjp(lambda a, b: a * 2, (x, z), ac.ones(2, dtype=ac.float64), strict=True)
    _, (ga, gb) = F.vjp(lambda a, b: a * 2, (x, z), ac.ones(2, dtype=ac.float64))
    assert gb.data.tolist() == [0.0, 0.0]


def test_against_torch():
    torch = pytest.importorskip("torch")
    tF = torch.autograd.functional
    rng = np.random.default_rng(1)
    x0, v0 = rng.standard_normal(4), rng.standard_normal(4)

    def ours(t):
        return (t.tanh() * t).sum() + (t**2).sum() * t[0]

    def theirs(t):
        return (t.tanh() * t).sum() + (t**2).sum() * t[0]

    x, v = ac.tensor(x0), ac.tensor(v0)
    tx, tv = torch.tensor(x0), torch.tensor(v0)
    np.testing.assert_allclose(F.hessian(ours, x).data, tF.hessian(theirs, tx).numpy(), rtol=1e-10)
    np.testing.assert_allclose(
        F.hvp(ours, x, v)[1].data, tF.hvp(theirs, tx, tv)[1].numpy(), rtol=1e-10
    )
    np.testing.assert_allclose(
        F.jvp(lambda t: t.tanh() * t, x, v)[1].data,
        tF.jvp(lambda t: t.tanh() * t, tx, tv)[1].numpy(),
        rtol=1e-10,
    )
