"""The backward that records nothing runs VJPs on raw arrays and lets relu reuse the gradient
array the layer above produced (graph._run's ``owned`` set). Reuse must never touch an array
anyone else can see: these pin the gradients against the Tensor-form backward
(``create_graph=True``, which takes no shortcut) wherever the gradient escapes the sweep."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
from autograd_core.ops.unary import ReLU


def _mlp(seed=0):
    rng = np.random.default_rng(seed)
    x = ac.tensor(rng.standard_normal((5, 4)), dtype=ac.float64)
    w1 = ac.tensor(rng.standard_normal((4, 6)), dtype=ac.float64, requires_grad=True)
    w2 = ac.tensor(rng.standard_normal((6, 3)), dtype=ac.float64, requires_grad=True)
    w3 = ac.tensor(rng.standard_normal((6, 2)), dtype=ac.float64, requires_grad=True)
    return x, w1, w2, w3


def _tensor_form_grads(loss_fn, wrt):
    """Gradients through the Tensor-form VJPs only (a recorded backward)."""
    return [g.data for g in ac.grad(loss_fn(), wrt, create_graph=True)]


@pytest.fixture
def in_place_calls(monkeypatch):
    calls = []
    original = ReLU.vjp_arrays_in_place

    def counting(self, gy):
        calls.append(gy.shape)
        return original(self, gy)

    monkeypatch.setattr(ReLU, "vjp_arrays_in_place", counting)
    return calls


def test_relu_reuses_the_gradient_of_the_layer_above(in_place_calls):
    x, w1, w2, _ = _mlp()

    def loss():
        return (ac.relu(x @ w1) @ w2).sum()

    expected = _tensor_form_grads(loss, [w1, w2])
    in_place_calls.clear()
    loss().backward()
    assert in_place_calls == [(5, 6)]  # matmul's VJP made it: nobody else holds it
    np.testing.assert_allclose(w1.grad.data, expected[0], rtol=1e-14)
    np.testing.assert_allclose(w2.grad.data, expected[1], rtol=1e-14)


def test_a_retained_gradient_is_never_overwritten(in_place_calls):
    x, w1, w2, _ = _mlp()
    r = ac.relu(x @ w1)
    r.retain_grad()
    (r @ w2).sum().backward()
    assert not in_place_calls
    np.testing.assert_allclose(r.grad.data, np.ones((5, 3)) @ w2.data.T, rtol=1e-14)


def test_a_hooked_gradient_is_never_overwritten(in_place_calls):
    x, w1, w2, _ = _mlp()
    seen = []
    r = ac.relu(x @ w1)
    r.register_hook(lambda g: seen.append(g))
    (r @ w2).sum().backward()
    assert not in_place_calls
    np.testing.assert_allclose(seen[0].data, np.ones((5, 3)) @ w2.data.T, rtol=1e-14)


def test_a_gradient_returned_by_grad_is_never_overwritten(in_place_calls):
    x, w1, w2, _ = _mlp()
    r = ac.relu(x @ w1)
    g_r, g_w1 = ac.grad((r @ w2).sum(), [r, w1])
    assert not in_place_calls
    np.testing.assert_allclose(g_r.data, np.ones((5, 3)) @ w2.data.T, rtol=1e-14)
    mask = (x.data @ w1.data > 0).astype(float)
    np.testing.assert_allclose(g_w1.data, x.data.T @ (g_r.data * mask), rtol=1e-14)


def test_fan_in_sums_into_a_new_array_that_relu_may_reuse(in_place_calls):
    x, w1, w2, w3 = _mlp()

    def loss():
        r = ac.relu(x @ w1)
        return (r @ w2).sum() + (r @ w3).square().sum()

    expected = _tensor_form_grads(loss, [w1, w2, w3])
    in_place_calls.clear()
    loss().backward()
    assert in_place_calls == [(5, 6)]
    for w, e in zip((w1, w2, w3), expected, strict=True):
        np.testing.assert_allclose(w.grad.data, e, rtol=1e-13)


def test_a_gradient_that_is_a_view_of_another_is_not_reused(in_place_calls):
    # sum's VJP broadcasts ȳ (a view): relu must not write into it
    x, w1, _, _ = _mlp()
    (ac.relu(x @ w1)).sum().backward()
    assert not in_place_calls
    mask = (x.data @ w1.data > 0).astype(float)
    np.testing.assert_allclose(w1.grad.data, x.data.T @ mask, rtol=1e-14)


def test_one_gradient_passed_to_two_parents_is_reused_by_neither(in_place_calls):
    # add hands the same ȳ to both summands: a relu writing into it would corrupt the other's
    x, w1, w2, _ = _mlp()
    w1b = ac.tensor(np.random.default_rng(1).standard_normal((4, 6)), requires_grad=True)

    def loss():
        return ((ac.relu(x @ w1) + ac.relu(x @ w1b.double())) @ w2).sum()

    expected = _tensor_form_grads(loss, [w1, w1b])
    in_place_calls.clear()
    loss().backward()
    assert not in_place_calls
    np.testing.assert_allclose(w1.grad.data, expected[0], rtol=1e-13)
    np.testing.assert_allclose(w1b.grad.data, expected[1], rtol=1e-6)
