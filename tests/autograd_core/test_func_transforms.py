"""ac.func.grad / grad_and_value / vjp / jvp against torch.func, finite differences and
gradcheck, and the rule that results keep a graph only when something outside needs it."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
from autograd_core.func import grad, grad_and_value, jvp, vjp


def f_ours(x, w):
    return ((x @ w).tanh() ** 2).sum() + (x * x).sum() * w[0, 0]


def f_torch(x, w):
    return ((x @ w).tanh() ** 2).sum() + (x * x).sum() * w[0, 0]


@pytest.fixture
def xw(rng):
    return rng.standard_normal((3, 4)), rng.standard_normal((4, 2))


def test_grad_argnums_tuple_matches_torch(torch, xw):
    x0, w0 = xw
    gx, gw = grad(f_ours, argnums=(0, 1))(ac.tensor(x0), ac.tensor(w0))
    tx, tw = torch.func.grad(f_torch, argnums=(0, 1))(torch.tensor(x0), torch.tensor(w0))
    np.testing.assert_allclose(gx.numpy(), tx.numpy(), rtol=1e-12)
    np.testing.assert_allclose(gw.numpy(), tw.numpy(), rtol=1e-12)
    (gw_only,) = (grad(f_ours, argnums=-1)(ac.tensor(x0), ac.tensor(w0)),)
    np.testing.assert_allclose(gw_only.numpy(), tw.numpy(), rtol=1e-12)


def test_grad_of_a_dict_argument_has_its_structure(torch, xw):
    x0, w0 = xw

    def loss(p, x):
        return ((x @ p["w"]).sin() + p["b"]).pow(2).sum()

    ours = grad(loss)({"w": ac.tensor(w0), "b": ac.tensor(w0[0])}, ac.tensor(x0))
    theirs = torch.func.grad(loss)(
        {"w": torch.tensor(w0), "b": torch.tensor(w0[0])}, torch.tensor(x0)
    )
    assert list(ours) == ["w", "b"]
    for k in ours:
        np.testing.assert_allclose(ours[k].numpy(), theirs[k].numpy(), rtol=1e-12)


def test_grad_and_value_with_aux_matches_torch(torch, xw):
    x0, w0 = xw

    def with_aux(x, w):
        y = x @ w
        return (y**2).sum(), {"y": y}

    (g, (value, aux)) = grad_and_value(with_aux, has_aux=True)(ac.tensor(x0), ac.tensor(w0))
    tg, (tv, taux) = torch.func.grad_and_value(with_aux, has_aux=True)(
        torch.tensor(x0), torch.tensor(w0)
    )
    np.testing.assert_allclose(g.numpy(), tg.numpy(), rtol=1e-12)
    np.testing.assert_allclose(value.item(), tv.item(), rtol=1e-12)
    np.testing.assert_allclose(aux["y"].numpy(), taux["y"].numpy(), rtol=1e-12)
    assert not (g.requires_grad or value.requires_grad or aux["y"].requires_grad)
    # aux may also hold non-tensors here (PyTorch refuses them); they pass through unchanged
    g2, aux2 = grad(lambda x, w: (with_aux(x, w)[0], (3, None)), has_aux=True)(
        ac.tensor(x0), ac.tensor(w0)
    )
    np.testing.assert_allclose(g2.numpy(), tg.numpy(), rtol=1e-12)
    assert aux2 == (3, None)


def test_results_do_not_require_grad_and_the_callers_tensors_are_untouched(xw):
    x0, w0 = xw
    x, w = ac.tensor(x0), ac.tensor(w0)
    g = grad(f_ours)(x, w)
    assert not g.requires_grad and g.grad_fn is None
    assert not x.requires_grad and x.grad is None and x.is_leaf
    np.testing.assert_array_equal(x.numpy(), x0)


def test_grad_of_an_input_that_requires_grad_stays_differentiable(torch, xw):
    x0, w0 = xw
    x = ac.tensor(x0, requires_grad=True)
    g = grad(f_ours)(x, ac.tensor(w0))
    assert g.requires_grad and x.grad is None
    (gg,) = ac.grad(g.sum(), x)
    tx = torch.tensor(x0, requires_grad=True)
    (tgg,) = torch.autograd.grad(torch.func.grad(f_torch)(tx, torch.tensor(w0)).sum(), tx)
    np.testing.assert_allclose(gg.numpy(), tgg.numpy(), rtol=1e-10)


def test_grad_keeps_the_graph_to_a_closed_over_parameter(torch, xw):
    x0, w0 = xw
    w = ac.tensor(w0, requires_grad=True)
    g = grad(lambda x: f_ours(x, w))(ac.tensor(x0))
    assert g.requires_grad
    (gw,) = ac.grad(g.sum(), w)
    tw = torch.tensor(w0, requires_grad=True)
    tg = torch.func.grad(lambda x: f_torch(x, tw))(torch.tensor(x0))
    (tgw,) = torch.autograd.grad(tg.sum(), tw)
    np.testing.assert_allclose(gw.numpy(), tgw.numpy(), rtol=1e-10)
    # a gradient that does not depend on the parameter is still returned detached
    assert not grad(lambda x: (x * x).sum() + w.sum())(ac.tensor(x0)).requires_grad


def test_nested_grad_gives_higher_derivatives():
    x = ac.tensor(0.7, dtype=ac.float64)
    d1 = grad(lambda t: t.sin() * t)
    d2 = grad(d1)
    d3 = grad(d2)
    c, s = np.cos(0.7), np.sin(0.7)
    np.testing.assert_allclose(d1(x).item(), c * 0.7 + s, rtol=1e-12)
    np.testing.assert_allclose(d2(x).item(), 2 * c - 0.7 * s, rtol=1e-12)
    np.testing.assert_allclose(d3(x).item(), -3 * s - 0.7 * c, rtol=1e-12)
    assert not d3(x).requires_grad


def test_grad_ignores_an_enclosing_no_grad(xw):
    x0, w0 = xw
    with ac.no_grad():
        g = grad(f_ours)(ac.tensor(x0, requires_grad=True), ac.tensor(w0))
    assert not g.requires_grad
    np.testing.assert_allclose(g.numpy(), grad(f_ours)(ac.tensor(x0), ac.tensor(w0)).numpy())


def test_independent_input_gets_zeros():
    g = grad(lambda a, b: (a * 2).sum(), argnums=(0, 1))(ac.ones(2), ac.ones(3))
    assert g[1].tolist() == [0.0, 0.0, 0.0] and g[0].tolist() == [2.0, 2.0]


def test_composites_pass_gradcheck_and_gradgradcheck(rng):
    x = ac.tensor(rng.standard_normal(4), requires_grad=True)
    w = ac.tensor(rng.standard_normal((4, 3)), requires_grad=True)

    def f(a, b):
        return ((a @ b).tanh() ** 2).sum() + (a**3).sum()

    assert ac.gradcheck(lambda a, b: grad(f, argnums=(0, 1))(a, b), (x, w))
    assert ac.gradgradcheck(lambda a, b: grad(f, argnums=(0, 1))(a, b), (x, w))
    v = ac.tensor(rng.standard_normal(4))
    assert ac.gradcheck(lambda a, t: jvp(lambda u: u.exp() * u[0], (a,), (t,))[1], (x, v))

    def vjp_out(a, b):
        _, fn = vjp(lambda p, q: (p @ q).sin(), a, b)
        return fn(ac.ones(3, dtype=ac.float64))

    assert ac.gradcheck(vjp_out, (x, w))
    assert ac.gradgradcheck(vjp_out, (x, w))


def test_vjp_matches_torch_and_can_be_called_twice(torch, xw):
    x0, w0 = xw

    def f(x, w):
        return {"y": (x @ w).sin(), "s": (x**2).sum()}

    out, fn = vjp(f, ac.tensor(x0), ac.tensor(w0))
    tout, tfn = torch.func.vjp(f, torch.tensor(x0), torch.tensor(w0))
    np.testing.assert_allclose(out["y"].numpy(), tout["y"].numpy(), rtol=1e-12)
    for scale in (1.0, -2.0):
        ct = {"y": ac.full((3, 2), scale, dtype=ac.float64), "s": ac.tensor(scale)}
        tct = {"y": torch.full((3, 2), scale, dtype=torch.float64), "s": torch.tensor(scale)}
        got, want = fn(ct), tfn(tct)
        assert isinstance(got, tuple) and len(got) == 2
        for a, b in zip(got, want):
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-12)
            assert not a.requires_grad
    assert not out["y"].requires_grad


def test_vjp_with_aux(torch):
    x0 = np.array([0.5, -1.0, 2.0])
    out, fn, aux = vjp(lambda x: (x.exp(), x.sum()), ac.tensor(x0), has_aux=True)
    (g,) = fn(ac.ones(3, dtype=ac.float64))
    np.testing.assert_allclose(g.numpy(), np.exp(x0), rtol=1e-12)
    assert aux.item() == pytest.approx(x0.sum()) and not aux.requires_grad


def test_jvp_matches_central_differences_and_torch(torch, rng):
    x0, v0 = rng.standard_normal(5), rng.standard_normal(5)

    def f(x):
        return (x.sin() * x.cumsum(0), x.exp().sum())

    out, jv = jvp(f, (ac.tensor(x0),), (ac.tensor(v0),))
    h = 1e-6

    def f_np(x):
        return np.sin(x) * np.cumsum(x), np.exp(x).sum()

    plus, minus = f_np(x0 + h * v0), f_np(x0 - h * v0)
    for k in range(2):
        np.testing.assert_allclose(jv[k].numpy(), (plus[k] - minus[k]) / (2 * h), rtol=1e-7)
    tout, tjv = torch.func.jvp(f, (torch.tensor(x0),), (torch.tensor(v0),))
    for a, b in zip(jv, tjv):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-12)
    assert not jv[0].requires_grad and not out[0].requires_grad


def test_jvp_with_aux_and_pytree_primals():
    x = ac.tensor([1.0, 2.0], dtype=ac.float64)
    out, jv, aux = jvp(
        lambda p: ((p["a"] * p["b"]).sum(), p["a"] + 1),
        ({"a": x, "b": x * 3},),
        ({"a": ac.ones(2, dtype=ac.float64), "b": ac.zeros(2, dtype=ac.float64)},),
        has_aux=True,
    )
    assert jv.item() == pytest.approx(9.0)  # d/da of sum(a * b) along ones = sum(b)
    assert aux.tolist() == [2.0, 3.0]


@pytest.mark.parametrize(
    ("argnums", "error", "match"),
    [
        (1.0, TypeError, "argnums must be an int or a tuple of ints"),
        ((), ValueError, "argnums must be non-empty"),
        ((0, 0), ValueError, "must be unique"),
        (2, ValueError, r"argnums=2, but only 2 positional inputs"),
        ((0, -3), ValueError, r"Use positions in \[-2, 2\)"),
    ],
)
def test_grad_argnums_errors(argnums, error, match):
    with pytest.raises(error, match=match):
        grad(lambda a, b: a.sum(), argnums=argnums)(ac.ones(2), ac.ones(2))


def test_grad_errors():
    x = ac.ones(2)
    with pytest.raises(ac.ShapeError, match=r"0-d \(scalar\) Tensor, got one of shape \(2,\)"):
        grad(lambda t: t * 2)(x)
    with pytest.raises(TypeError, match="must return a Tensor, got float"):
        grad(lambda t: 3.0)(x)
    with pytest.raises(TypeError, match=r"has_aux=True .* tuple \(output, aux\)"):
        grad(lambda t: t.sum(), has_aux=True)(x)
    with pytest.raises(TypeError, match="differentiated argument 0 holds a int"):
        grad(lambda t, s: t.sum(), argnums=1)(x, 3)
    with pytest.raises(ac.DTypeError, match="only floating-point tensors"):
        grad(lambda t: t.sum())(ac.tensor([1, 2]))


def test_jvp_and_vjp_errors():
    x = ac.ones(2)
    with pytest.raises(TypeError, match="expected primals to be a tuple"):
        jvp(lambda t: t, [x], [x])
    with pytest.raises(ValueError, match="same structure"):
        jvp(lambda t: t, (x,), (x, x))
    with pytest.raises(ac.ShapeError, match=r"tangent 0 is a shape \(3,\) .* shape \(2,\)"):
        jvp(lambda t: t, (x,), (ac.ones(3),))
    with pytest.raises(TypeError, match="must return only Tensors"):
        jvp(lambda t: (t, 3), (x,), (x,))
    with pytest.raises(TypeError, match="must return only Tensors"):
        vjp(lambda t: 3, x)
    _, fn = vjp(lambda t: (t * t, t.sum()), x)
    with pytest.raises(ValueError, match="structure of the function's output"):
        fn(ac.ones(2))
    with pytest.raises(ac.ShapeError, match=r"cotangent 0 has shape \(3,\) but output 0"):
        fn((ac.ones(3), ac.tensor(1.0)))
    with pytest.raises(TypeError, match="cotangent 1 is a float, not a Tensor"):
        fn((ac.ones(2), 1.0))
