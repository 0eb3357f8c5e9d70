"""ac.func.jacrev / jacfwd / hessian against torch.func, against ac.functional, and nested."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
from autograd_core import functional as AF
from autograd_core.func import hessian, jacfwd, jacrev


def f(x, w):
    return (x @ w).tanh() * x.sum(), (w**2).sum(dim=0)


@pytest.fixture
def xw(rng):
    return rng.standard_normal((2, 3)), rng.standard_normal((3, 4))


@pytest.mark.parametrize("ours_name", ["jacrev", "jacfwd"])
def test_jacobians_match_torch_func(torch, xw, ours_name):
    x0, w0 = xw
    ours = {"jacrev": jacrev, "jacfwd": jacfwd}[ours_name]
    theirs = getattr(torch.func, ours_name)
    got = ours(f, argnums=(0, 1))(ac.tensor(x0), ac.tensor(w0))
    want = theirs(f, argnums=(0, 1))(torch.tensor(x0), torch.tensor(w0))
    for i in range(2):
        for j in range(2):
            assert got[i][j].shape == tuple(want[i][j].shape)
            np.testing.assert_allclose(got[i][j].numpy(), want[i][j].numpy(), atol=1e-12)
            assert not got[i][j].requires_grad
    one = ours(lambda x: f(x, ac.tensor(w0))[0])(ac.tensor(x0))
    np.testing.assert_allclose(one.numpy(), want[0][0].numpy(), atol=1e-12)


def test_jacrev_and_jacfwd_agree_with_autograd_functional(xw):
    x0, w0 = xw
    x, w = ac.tensor(x0), ac.tensor(w0)
    reference = AF.jacobian(f, (x, w))
    for transform in (jacrev, jacfwd):
        got = transform(f, argnums=(0, 1))(x, w)
        for i in range(2):
            for j in range(2):
                np.testing.assert_allclose(got[i][j].numpy(), reference[i][j].numpy(), atol=1e-12)


def test_jacobian_of_pytrees_and_aux(torch, rng):
    a0, b0 = rng.standard_normal(3), rng.standard_normal(2)

    def g(p):
        return {"o": p["a"].sin() * p["b"].sum(), "t": (p["a"][:2] * p["b"],)}, p["a"] + 1

    got, aux = jacrev(g, has_aux=True)({"a": ac.tensor(a0), "b": ac.tensor(b0)})
    want, taux = torch.func.jacrev(g, has_aux=True)({"a": torch.tensor(a0), "b": torch.tensor(b0)})
    got_f, _ = jacfwd(g, has_aux=True)({"a": ac.tensor(a0), "b": ac.tensor(b0)})
    np.testing.assert_allclose(aux.numpy(), taux.numpy())
    for out_key in (("o",), ("t", 0)):
        gj, fj, wj = got, got_f, want
        for k in out_key:
            gj, fj, wj = gj[k], fj[k], wj[k]
        assert set(gj) == {"a", "b"}
        for k in ("a", "b"):
            np.testing.assert_allclose(gj[k].numpy(), wj[k].numpy(), atol=1e-12)
            np.testing.assert_allclose(fj[k].numpy(), wj[k].numpy(), atol=1e-12)


def test_hessian_matches_torch_func_and_autograd_functional(torch, rng):
    x0, w0 = rng.standard_normal(4), rng.standard_normal((4, 4))

    def energy(x, w):
        return ((w @ x).tanh() ** 2).sum() + (x**4).sum() * w[0, 1]

    H = hessian(energy)(ac.tensor(x0), ac.tensor(w0))
    tH = torch.func.hessian(energy)(torch.tensor(x0), torch.tensor(w0))
    np.testing.assert_allclose(H.numpy(), tH.numpy(), rtol=1e-10, atol=1e-12)
    ref = AF.hessian(lambda x: energy(x, ac.tensor(w0)), ac.tensor(x0))
    np.testing.assert_allclose(H.numpy(), ref.numpy(), rtol=1e-12, atol=1e-12)
    both = hessian(energy, argnums=(0, 1))(ac.tensor(x0), ac.tensor(w0))
    tboth = torch.func.hessian(energy, argnums=(0, 1))(torch.tensor(x0), torch.tensor(w0))
    for i in range(2):
        for j in range(2):
            assert both[i][j].shape == tuple(tboth[i][j].shape)
            np.testing.assert_allclose(both[i][j].numpy(), tboth[i][j].numpy(), atol=1e-10)


def test_nested_jacrev_and_mixed_nesting(rng):
    x = ac.tensor(rng.standard_normal(3))

    def g(t):
        return t.sin() * t.sum()

    third = jacrev(jacrev(jacrev(g)))(x)
    mixed = jacfwd(jacrev(jacfwd(g)))(x)
    assert third.shape == (3, 3, 3, 3)
    np.testing.assert_allclose(third.numpy(), mixed.numpy(), atol=1e-12)
    # compared with a central difference of the analytic second derivative tensor
    h = 1e-5

    def second(t0):
        return AF.hessian(lambda t: g(t)[0], ac.tensor(t0)).numpy()

    col = (second(x.numpy() + h * np.eye(3)[1]) - second(x.numpy() - h * np.eye(3)[1])) / (2 * h)
    np.testing.assert_allclose(third.numpy()[0, :, :, 1], col, rtol=1e-6, atol=1e-8)


def test_jacobian_composites_pass_gradcheck(rng):
    x = ac.tensor(rng.standard_normal(3), requires_grad=True)

    def g(t):
        return t.exp() * t.sum()

    assert ac.gradcheck(jacrev(g), (x,))
    assert ac.gradcheck(jacfwd(g), (x,))
    assert ac.gradgradcheck(jacrev(g), (x,))


def test_jacobian_of_an_independent_output_is_zero_and_empty_inputs_work():
    J = jacrev(lambda a, b: a * 2, argnums=1)(ac.ones(2), ac.ones(3))
    assert J.shape == (2, 3) and not J.numpy().any()
    assert jacfwd(lambda a: a.sum() * ac.ones(2))(ac.ones(0)).shape == (2, 0)
    assert jacrev(lambda a: a * 2)(ac.ones(0)).shape == (0, 0)


def test_jacobian_errors():
    with pytest.raises(ValueError, match="chunk_size must be None or greater than 0"):
        jacrev(lambda a: a, chunk_size=0)
    with pytest.raises(TypeError, match="must return only Tensors"):
        jacrev(lambda a: 3)(ac.ones(2))
    with pytest.raises(TypeError, match=r"has_aux=True .* tuple \(output, aux\)"):
        jacfwd(lambda a: a, has_aux=True)(ac.ones(2))
    with pytest.raises(RuntimeError, match="jacfwd: the function drew random numbers"):
        jacfwd(lambda a: a * ac.rand(2))(ac.ones(2))
    J = jacfwd(lambda a: a * ac.rand(2, dtype=ac.float64), randomness="same")(ac.ones(2))
    assert J.shape == (2, 2) and J.numpy()[0, 1] == 0.0
    with pytest.raises(ValueError, match="randomness must be 'error', 'different' or 'same'"):
        jacfwd(lambda a: a, randomness="sometimes")
