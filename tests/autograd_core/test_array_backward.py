"""A plain backward runs every VJP on raw arrays, and the grad table knows which arrays it alone
holds ("owned"): only those are added into in place or moved into a leaf's ``.grad``. These pin
the plain backward against a recorded one (``create_graph=True``, the same VJP texts on Tensors)
and check that no gradient stored in ``.grad`` ever shares memory with an array that someone
else can see: the user's seed, a hook's result, a retained gradient, another leaf's gradient."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac


def _mlp(seed=0):
    rng = np.random.default_rng(seed)
    x = ac.tensor(rng.standard_normal((5, 4)), dtype=ac.float64)
    w1 = ac.tensor(rng.standard_normal((4, 6)), dtype=ac.float64, requires_grad=True)
    w2 = ac.tensor(rng.standard_normal((6, 3)), dtype=ac.float64, requires_grad=True)
    w3 = ac.tensor(rng.standard_normal((6, 2)), dtype=ac.float64, requires_grad=True)
    return x, w1, w2, w3


def _recorded_grads(loss_fn, wrt):
    return [g.data for g in ac.grad(loss_fn(), wrt, create_graph=True)]


def test_plain_backward_equals_recorded_backward_on_an_mlp_with_fan_in():
    x, w1, w2, w3 = _mlp()

    def loss():
        r = ac.relu(x @ w1)
        return (r @ w2).tanh().sum() + (r @ w3).square().mean()

    expected = _recorded_grads(loss, [w1, w2, w3])
    loss().backward()
    for w, e in zip((w1, w2, w3), expected, strict=True):
        np.testing.assert_allclose(w.grad.data, e, rtol=1e-13)


def test_the_seed_gradient_is_never_stored_as_a_grad():
    x = ac.tensor([1.0, 2.0], requires_grad=True)
    seed = ac.tensor([10.0, 20.0])
    x.backward(seed)
    x.backward(seed)
    np.testing.assert_array_equal(seed.data, [10.0, 20.0])
    np.testing.assert_array_equal(x.grad.data, [20.0, 40.0])


def test_a_hook_returning_a_user_tensor_never_aliases_grad():
    c = ac.tensor([10.0, 10.0])
    x = ac.tensor([1.0, 2.0], requires_grad=True)
    x.register_hook(lambda g: c)
    x.sum().backward()
    x.sum().backward()
    np.testing.assert_array_equal(c.data, [10.0, 10.0])
    np.testing.assert_array_equal(x.grad.data, [20.0, 20.0])
    assert not np.shares_memory(x.grad.data, c.data)


def test_a_non_leaf_hook_result_passed_on_by_add_never_aliases_grad():
    c = ac.tensor([10.0, 10.0])
    x = ac.tensor([1.0, 2.0], requires_grad=True)
    for _ in range(2):
        y = x * 2
        y.register_hook(lambda g: c)
        (y + 0).sum().backward()
    np.testing.assert_array_equal(c.data, [10.0, 10.0])
    np.testing.assert_array_equal(x.grad.data, [40.0, 40.0])


def test_a_retained_gradient_is_never_written_by_accumulation():
    x, w1, w2, _ = _mlp()
    r = ac.relu(x @ w1)
    r.retain_grad()
    (r @ w2).sum().backward()
    kept = r.grad.data.copy()
    np.testing.assert_allclose(kept, np.ones((5, 3)) @ w2.data.T, rtol=1e-14)
    assert not np.shares_memory(r.grad.data, w1.grad.data)


def test_one_gradient_handed_to_two_leaves_is_copied_for_each():
    a = ac.tensor([1.0, 2.0], requires_grad=True)
    b = ac.tensor([3.0, 4.0], requires_grad=True)
    (a + b).sum().backward()  # add gives the same (broadcast, read-only) ȳ to both
    assert not np.shares_memory(a.grad.data, b.grad.data)
    (a + b).sum().backward()  # a second pass adds in place into each
    np.testing.assert_array_equal(a.grad.data, [2.0, 2.0])
    np.testing.assert_array_equal(b.grad.data, [2.0, 2.0])


def test_a_second_backward_adds_into_the_same_grad_array():
    x, w1, w2, _ = _mlp()
    (ac.relu(x @ w1) @ w2).sum().backward()
    first = w1.grad.data
    once = first.copy()
    (ac.relu(x @ w1) @ w2).sum().backward()
    assert w1.grad.data is first  # accumulated in place, as PyTorch does
    np.testing.assert_allclose(first, 2 * once, rtol=1e-14)


def test_gradients_returned_by_grad_are_independent_of_each_other():
    x = ac.tensor([1.0, 2.0], requires_grad=True)
    y = ac.tensor([3.0, 4.0], requires_grad=True)
    gx, gy = ac.grad((x + y).sum(), [x, y])
    np.testing.assert_array_equal(gx.data, [1.0, 1.0])
    np.testing.assert_array_equal(gy.data, [1.0, 1.0])
    assert not gx.requires_grad and not gy.requires_grad


def test_fan_in_adds_in_place_only_into_an_array_the_table_owns():
    # r feeds two matmuls: their VJPs make new arrays; the first is owned by the table, the
    # second is added into it. The result must equal the recorded backward's.
    x, w1, w2, w3 = _mlp()

    def loss():
        r = ac.relu(x @ w1)
        return (r @ w2).sum() + (r @ w3).square().sum()

    expected = _recorded_grads(loss, [w1, w2, w3])
    loss().backward()
    for w, e in zip((w1, w2, w3), expected, strict=True):
        np.testing.assert_allclose(w.grad.data, e, rtol=1e-13)


def test_reductions_to_a_0d_leaf_accumulate_as_arrays():
    # a broadcast gradient reduced to shape () is a NumPy scalar, which += would only rebind
    a = ac.tensor(2.0, dtype=ac.float64, requires_grad=True)
    x = ac.tensor(np.arange(6.0).reshape(2, 3))
    ((a * x).sum() + (a * x).sum() + (a * a)).backward()
    assert type(a.grad.data) is np.ndarray
    np.testing.assert_allclose(a.grad.data, 2 * 15.0 + 4.0)


# -- relu writes its gradient into ȳ when only the sweep holds ȳ (ReLU.reuses_gy) ----------


@pytest.fixture
def free_calls(monkeypatch):
    """The shapes of ȳ each relu VJP was allowed to write into."""
    from autograd_core.ops.unary import ReLU

    calls = []
    original = ReLU.vjp

    def spy(self, gy):
        if self.gy_is_free:
            calls.append(gy.shape)
        return original(self, gy)

    monkeypatch.setattr(ReLU, "vjp", spy)
    return calls


def test_relu_writes_into_the_gradient_a_matmul_made(free_calls):
    if ac.device.cupy_loaded():
        pytest.skip("with CuPy loaded every VJP goes through call_vjp (sweep.py: direct)")
    x, w1, w2, _ = _mlp()

    def loss():
        return (ac.relu(x @ w1) @ w2).sum()

    expected = _recorded_grads(loss, [w1, w2])
    free_calls.clear()
    loss().backward()
    assert free_calls == [(5, 6)]
    np.testing.assert_allclose(w1.grad.data, expected[0], rtol=1e-14)


def test_relu_never_writes_into_a_gradient_someone_else_can_see(free_calls):
    x, w1, w2, _ = _mlp()
    seen = []
    r = ac.relu(x @ w1)
    r.retain_grad()
    (r @ w2).sum().backward()
    r2 = ac.relu(x @ w1)
    r2.register_hook(lambda g: seen.append(g))
    (r2 @ w2).sum().backward()
    r3 = ac.relu(x @ w1)
    ac.grad((r3 @ w2).sum(), [r3, w1])
    shared = ac.relu(x @ w1) + ac.relu(x @ w1)  # add hands one ȳ to both relus
    (shared @ w2).sum().backward()
    (ac.relu(x @ w1)).sum().backward()  # sum's ȳ is a read-only broadcast view
    assert not free_calls
    np.testing.assert_allclose(r.grad.data, np.ones((5, 3)) @ w2.data.T, rtol=1e-14)
    np.testing.assert_allclose(seen[0].data, np.ones((5, 3)) @ w2.data.T, rtol=1e-14)
