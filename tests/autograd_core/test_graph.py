"""Back-propagation semantics: fan-out, diamonds, accumulation, retain_graph, hooks, no_grad,
long chains, memory, threads."""

from __future__ import annotations

import gc
import threading
import tracemalloc

import numpy as np
import pytest

import autograd_core as ac


def leaf(values, dtype=ac.float64):
    return ac.tensor(np.asarray(values, dtype=float), dtype=dtype, requires_grad=True)


def test_fan_out_sums_contributions():
    x = leaf([1.0, -2.0, 3.0])
    (x * x + x).sum().backward()
    np.testing.assert_allclose(x.grad.data, 2 * x.data + 1)


def test_diamond_graph():
    x = leaf(0.7)
    a = x.exp()
    b = a * 2.0
    c = a.tanh()
    (b * c).backward()
    e = np.exp(0.7)
    expected = 2 * e * np.tanh(e) + 2 * e * (1 - np.tanh(e) ** 2) * e
    np.testing.assert_allclose(x.grad.data, expected, rtol=1e-12)


@pytest.mark.parametrize("p_first", [True, False])
def test_a_node_reached_while_the_heap_is_empty_waits_for_later_children(p_first):
    # r's inputs are p and q = p + 1 (q made after p). The sweep's fast loop visits a node
    # reached while nothing else waits without a heap push; when p is reached first and q
    # after it, p must still wait for q's contribution (x.grad would miss it otherwise).
    x = leaf([0.5, -1.5])
    p = x * 3.0
    q = p + 1.0
    r = p * q if p_first else q * p
    r.sum().backward()
    np.testing.assert_allclose(x.grad.data, 3.0 * (2 * p.data + 1.0), rtol=1e-12)


@pytest.mark.parametrize("written_after", [False, True])
def test_a_chain_node_reached_twice_by_one_op_sums_both_gradients(written_after):
    # The fast loop keeps the gradient of the node it visits next (a chain's) outside the grad
    # table: y * y sends it two contributions, and a write in place after the graph was
    # recorded sends every node through visit, which must find that gradient in the table.
    x, w = leaf([0.5, -1.5, 2.0]), ac.tensor([0.25, 0.5, -1.0], dtype=ac.float64)
    y1 = x + w
    y3 = y1 * y1 + w
    loss = (y3 * y3).sum()
    if written_after:
        unrelated = ac.zeros(2)
        unrelated.add_(1.0)
    loss.backward()
    y1v = x.data + w.data
    y3v = y1v * y1v + w.data
    np.testing.assert_allclose(x.grad.data, 2 * y3v * 2 * y1v, rtol=1e-12)


def test_shared_subexpression_visited_once():
    x = leaf([1.0, 2.0])
    s = x * 3.0
    calls = []
    s.register_hook(lambda g: calls.append(g.data.copy()))
    (s + s * s).sum().backward()
    assert len(calls) == 1  # the node's total gradient is formed once, then its VJP runs once
    np.testing.assert_allclose(x.grad.data, 3 * (1 + 2 * s.data))


def test_grad_accumulates_across_backward_calls():
    x = leaf([1.0, 2.0])
    (x * x).sum().backward()
    (x * 3.0).sum().backward()
    np.testing.assert_allclose(x.grad.data, 2 * x.data + 3)


def test_first_grad_never_aliases_another_tensor_or_the_seed():
    a, b = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    seed = ac.tensor([1.0, 1.0], dtype=ac.float64)
    (a + b).backward(seed)
    a.grad.data[0] = 100.0
    assert b.grad.data[0] == 1.0 and seed.data[0] == 1.0


def test_second_backward_without_retain_raises():
    x = leaf([1.0, 2.0])
    y = (x.exp() * x).sum()
    y.backward()
    with pytest.raises(ac.GraphFreedError, match="retain_graph=True"):
        y.backward()


def test_retain_graph_allows_second_backward():
    x = leaf([1.0, 2.0])
    y = (x.exp() * x).sum()
    y.backward(retain_graph=True)
    first = x.grad.data.copy()
    y.backward()
    np.testing.assert_allclose(x.grad.data, 2 * first)


def test_saved_arrays_released_after_backward():
    x = leaf([1.0, 2.0])
    y = x.exp()
    node = y.node
    y.sum().backward()
    assert node.inputs is None and node.out is None and node.saved is None


def test_no_grad_records_nothing_and_is_a_decorator():
    x = leaf([1.0])
    with ac.no_grad():
        y = x * 2
        with ac.enable_grad():
            z = x * 2
    assert not y.requires_grad and y.node is None
    assert z.requires_grad

    @ac.no_grad()
    def f(t):
        return t * 2

    assert not f(x).requires_grad
    assert ac.is_grad_enabled()


def test_set_grad_enabled_call_and_context():
    x = leaf([1.0])
    with ac.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert ac.is_grad_enabled()
    ac.set_grad_enabled(False)
    try:
        assert not (x * 2).requires_grad
    finally:
        ac.set_grad_enabled(True)


def test_grad_mode_is_per_thread():
    x = leaf([1.0])
    seen = {}

    def worker():
        seen["other"] = (x * 2).requires_grad

    with ac.no_grad():
        t = threading.Thread(target=worker)
        t.start()
        t.join()
        seen["here"] = (x * 2).requires_grad
    assert seen == {"other": True, "here": False}


def test_grad_mode_reads_a_plain_attribute_again_once_every_thread_records():
    # every op reads MODE.enabled; while no thread has recording off it must not be a
    # thread-local read (grad_mode._PerThreadFlag)
    from autograd_core.grad_mode import MODE

    with ac.no_grad():
        assert isinstance(type(MODE).__dict__["enabled"], property)
    assert type(MODE).__dict__["enabled"] is True and MODE.enabled


def test_long_chain_has_no_recursion_limit():
    x = leaf(1.0)
    y = x
    for _ in range(200_000):
        y = y * 1.0
    y.backward()
    assert x.grad.item() == 1.0


def test_memory_does_not_grow_over_many_iterations():
    w = ac.randn(64, 64, requires_grad=True)
    x = ac.randn(32, 64)

    def step():
        loss = (x @ w).tanh().sum()
        loss.backward()
        w.grad = None

    for _ in range(20):
        step()
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    for _ in range(1000):
        step()
    grown = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    assert grown < 200_000, f"memory grew by {grown} bytes over 1000 iterations"


def test_hooks_on_leaf_and_nonleaf_can_replace_gradients():
    x = leaf([1.0, 2.0])
    h = x.register_hook(lambda g: g * 10)
    y = x * 2
    y.register_hook(lambda g: g + 1)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, [40.0, 40.0])
    h.remove()
    x.grad = None
    (x * 2).sum().backward()
    np.testing.assert_allclose(x.grad.data, [2.0, 2.0])


def test_retain_grad_on_nonleaf():
    x = leaf([1.0, 2.0])
    y = x * 3
    y.retain_grad()
    (y * y).sum().backward()
    np.testing.assert_allclose(y.grad.data, 2 * y.data)
    z = x * 3
    (z * z).sum().backward()
    assert z.grad is None  # not retained


def test_backward_with_explicit_gradient():
    x = leaf([1.0, 2.0, 3.0])
    y = x * x
    y.backward(ac.tensor([1.0, 0.0, 2.0], dtype=ac.float64))
    np.testing.assert_allclose(x.grad.data, [2.0, 0.0, 12.0])


def test_grad_does_not_touch_dot_grad_and_handles_nonleaf_inputs():
    x = leaf([1.0, 2.0])
    h = x * 2
    y = (h * h).sum()
    gx, gh = ac.grad(y, [x, h])
    np.testing.assert_allclose(gh.data, 2 * h.data)
    np.testing.assert_allclose(gx.data, 8 * x.data)
    assert x.grad is None


def test_grad_allow_unused():
    x, z = leaf([1.0]), leaf([2.0])
    y = (x * 3).sum()
    with pytest.raises(ac.BackwardError, match="allow_unused=True"):
        ac.grad(y, [x, z])
    gx, gz = ac.grad(y, [x, z], allow_unused=True)
    assert gz is None and gx.item() == 3.0


def test_grad_with_no_inputs_is_refused():
    # torch: "`inputs` argument to `grad()` cannot be empty"; ours returned ()
    y = (leaf([1.0]) * 3).sum()
    for empty in ([], ()):
        with pytest.raises(ac.BackwardError, match="`inputs` is empty"):
            ac.grad(y, empty, allow_unused=True)


def test_higher_order_derivatives_of_a_polynomial():
    x = leaf(2.0)
    y = x**4
    (d1,) = ac.grad(y, x, create_graph=True)
    (d2,) = ac.grad(d1, x, create_graph=True)
    (d3,) = ac.grad(d2, x, create_graph=True)
    (d4,) = ac.grad(d3, x)
    assert [d.item() for d in (d1, d2, d3, d4)] == [32.0, 48.0, 48.0, 24.0]


def test_create_graph_backward_gives_differentiable_grad():
    x = leaf([0.3, -0.4])
    y = x.tanh().sum()
    y.backward(create_graph=True)
    g = x.grad
    assert g.requires_grad
    (gg,) = ac.grad(g.sum(), x)
    t = np.tanh(x.data)
    np.testing.assert_allclose(gg.data, -2 * t * (1 - t**2), rtol=1e-12)


def test_output_and_saved_output_meet_at_one_node_in_double_backward():
    # y and the y inside tanh's VJP are different Tensor objects for the same node
    x = leaf([0.5])
    y = x.tanh()
    (g,) = ac.grad(y.sum(), x, create_graph=True)
    (y + g).sum().backward()
    t = np.tanh(0.5)
    np.testing.assert_allclose(x.grad.data, (1 - t**2) - 2 * t * (1 - t**2), rtol=1e-12)


def test_float32_gradients_stay_float32():
    x = ac.randn(3, 4, requires_grad=True)
    w = ac.randn(4, 2, requires_grad=True)
    ((x @ w).tanh() * 2.0 + 1).sum().backward()
    assert x.grad.dtype == np.float32 and w.grad.dtype == np.float32


def test_mixed_dtype_gradient_is_cast_to_the_input_dtype():
    a = ac.randn(3, requires_grad=True)
    b = ac.randn(3, dtype=ac.float64, requires_grad=True)
    (a * b).sum().backward()
    assert a.grad.dtype == np.float32 and b.grad.dtype == np.float64


def test_toposort_visits_outputs_first():
    from autograd_core.graph import toposort

    x = leaf(1.0)
    y = (x * 2).exp()
    order = toposort(y)
    assert order[0] is y.node and order[-1] is x


def test_backward_visits_nodes_in_reverse_creation_order_and_toposort_agrees():
    """The sweep is back-propagation's "for j = n − 1 down to 1" (*Deep Learning* §6.5): op
    nodes from the last created to the first, then the leaves; toposort (used by viz) lists the
    very same order."""
    from autograd_core.graph import toposort

    x, w = leaf([1.0, 2.0]), leaf([0.5, -1.0])
    a = x * w  # created first
    b = a.exp()
    c = (a * 3.0).sin()  # a fans out to two branches, created after b
    loss = (b + c * x).sum()  # x is also used late: a leaf reached twice
    visited = [entry.vertex for entry in ac.grad_table(loss)]
    assert visited == toposort(loss)
    ops = [v for v in visited if not isinstance(v, ac.Tensor)]
    assert [op.seq for op in ops] == sorted((op.seq for op in ops), reverse=True)
    assert len(ops) == 7 and visited[len(ops) :] == [x, w]
    loss.backward()
    np.testing.assert_allclose(
        x.grad.data,
        w.data * np.exp(a.data) + np.sin(3 * a.data) + x.data * np.cos(3 * a.data) * 3 * w.data,
    )


def test_bare_decorators_work_like_torch():
    x = leaf([1.0])

    @ac.no_grad
    def f(t):
        return t * 2

    @ac.enable_grad
    def g(t):
        return t * 2

    assert not f(x).requires_grad and f.__name__ == "f"
    with ac.no_grad():
        assert g(x).requires_grad
