"""Tests for autograd_core.steps: the grad-table sweep, one step per node, in the order of
back-propagation's "for j = n − 1 down to 1" (*Deep Learning* §6.5)."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
from autograd_core.steps import BackpropStep, backprop_steps, format_steps


def f64(value, name=None, requires_grad=True):
    t = ac.tensor(np.asarray(value, dtype=np.float64), requires_grad=requires_grad)
    t.name = name
    return t


def test_fanout_steps_follow_the_algorithm():
    x = f64(2.0, "x")
    steps = list(backprop_steps(x * x + x))
    assert [type(s) for s in steps] == [BackpropStep] * 3
    assert [(s.index, s.j, s.label, s.kind) for s in steps] == [
        (1, 3, "add", "output"),
        (2, 2, "mul", "op"),
        (3, 1, "x", "leaf"),
    ]
    add, mul, leaf = steps
    assert float(add.upstream) == 1.0  # grad_table[u(n)] <- 1
    assert [(e.input_index, e.parent_j) for e in add.edges] == [(0, 2), (1, 1)]
    assert [float(e.vjp) for e in mul.edges] == [2.0, 2.0]  # d(x*x)/dx, once per edge
    # What was added to grad_table[u(1)], and the running sum after each addition.
    terms = [e for s in steps for e in s.edges if e.parent is x]
    assert [float(e.vjp) for e in terms] == [1.0, 2.0, 2.0]
    assert [float(e.entry) for e in terms] == [1.0, 3.0, 5.0]
    assert float(leaf.upstream) == 5.0 and leaf.edges == ()


def test_steps_agree_with_grad_table_and_leave_grads_untouched(rng):
    w = f64(rng.standard_normal((3, 4)), "w")
    b = f64(np.zeros(4), "b")
    x = f64(rng.standard_normal((2, 3)), requires_grad=False)
    loss = (x @ w + b).tanh().sum(axis=1).mean()
    steps = list(backprop_steps(loss))
    table = ac.grad_table(loss)
    assert [s.label for s in steps] == [e.label for e in table]
    for s, e in zip(steps, table, strict=True):
        np.testing.assert_allclose(s.upstream, e.grad)
    assert w.grad is None and b.grad is None
    loss.backward()  # the graph was kept
    w_step = next(s for s in steps if s.vertex is w)
    np.testing.assert_allclose(w_step.upstream, w.grad.numpy())


def test_steps_visit_every_edge_once(rng):
    a = f64(rng.standard_normal(3), "a")
    c = (a.exp() * a + a.tanh()).sum()
    steps = list(backprop_steps(c))
    n_edges = sum(len(s.edges) for s in steps)
    expected = 0
    for s in steps:
        if not isinstance(s.vertex, ac.Tensor):
            expected += sum(s.vertex.needs_input_grad)
    assert n_edges == expected == 7
    assert [s.j for s in steps] == list(range(len(steps), 0, -1))


def test_backprop_steps_errors():
    with pytest.raises(ac.BackwardError, match="backprop_steps: .*does not require grad"):
        list(backprop_steps(f64(1.0, requires_grad=False)))
    x = f64([1.0, 2.0])
    with pytest.raises(ac.BackwardError, match="backprop_steps: needs a scalar output"):
        list(backprop_steps(x * 2.0))
    y = (x * 2.0).sum()
    y.backward()
    with pytest.raises(ac.GraphFreedError, match="retain_graph=True"):
        list(backprop_steps(y))


def test_backprop_steps_with_explicit_gradient():
    x = f64([1.0, 2.0], "x")
    steps = list(backprop_steps(x * 3.0, gradient=np.array([1.0, 10.0])))
    np.testing.assert_allclose(steps[-1].upstream, [3.0, 30.0])


def test_format_steps_prints_numbered_algorithm():
    x = f64(2.0, "x")
    text = format_steps(x * x + x)
    assert "u(1) = x" in text and "u(2) = mul(u(1), u(1))" in text
    assert "u(3) = add(u(2), u(1))" in text
    assert "  1. j = 3: u(3) = add   grad_table[u(3)] <- 1 = 1" in text
    assert "grad_table[u(1)] += that  ->  5" in text
    assert "  3. j = 1: u(1) = x   (input) grad_table[u(1)] = 5" in text
    assert text.rstrip().endswith("return {grad_table[u(1)] (x)}")


def test_format_steps_names_parameters_and_summarises_big_arrays(rng):
    w = f64(rng.standard_normal((5, 5)))
    text = format_steps((w * w).sum(), params={"layer.weight": w})
    assert "layer.weight" in text and "<(5, 5) array, norm" in text


def test_step_summary():
    x = f64(2.0, "x")
    steps = list(backprop_steps((x * x).tanh()))
    assert steps[0].summary() == "u(3) tanh: grad_table[u(3)] popped, VJPs sent to u(2)"
    assert steps[-1].summary() == "u(1) x: leaf, grad_table[u(1)] is final"
