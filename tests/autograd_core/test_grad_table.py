"""The grad table: its accumulation rules, and the inspectable report against the delta rule
for a 2-layer MLP (Rumelhart, Hinton & Williams, 1986; Goodfellow, Bengio & Courville, *Deep
Learning*, 2016, §6.5)."""

from __future__ import annotations

import numpy as np

import autograd_core as ac
from autograd_core.grad_table import GradTable, RecordingGradTable


def test_grad_table_of_two_layer_mlp_equals_delta_rule():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((5, 3))
    y = rng.standard_normal((5, 2))
    W1, b1 = rng.standard_normal((3, 4)), rng.standard_normal(4)
    W2, b2 = rng.standard_normal((4, 2)), rng.standard_normal(2)
    tw1, tb1, tw2, tb2 = (ac.tensor(a, requires_grad=True) for a in (W1, b1, W2, b2))
    a1 = ac.tensor(x) @ tw1 + tb1
    h1 = a1.tanh()
    a2 = h1 @ tw2 + tb2
    loss = ((a2 - ac.tensor(y)) ** 2).sum() * 0.5
    table = ac.grad_table(loss)

    # the delta rule, by hand: δ2 = ŷ − y, ∂L/∂W2 = h1ᵀ δ2, δ1 = (δ2 W2ᵀ) ⊙ (1 − h1²)
    h = np.tanh(x @ W1 + b1)
    d2 = h @ W2 + b2 - y
    d1 = (d2 @ W2.T) * (1 - h**2)
    np.testing.assert_allclose(table[a2].grad, d2, rtol=1e-12)
    np.testing.assert_allclose(table[tw2].grad, h.T @ d2, rtol=1e-12)
    np.testing.assert_allclose(table[tb2].grad, d2.sum(0), rtol=1e-12)
    np.testing.assert_allclose(table[a1].grad, d1, rtol=1e-12)
    np.testing.assert_allclose(table[tw1].grad, x.T @ d1, rtol=1e-12)
    np.testing.assert_allclose(table[tb1].grad, d1.sum(0), rtol=1e-12)
    # the table starts at the loss with gradient 1 and leaves .grad untouched
    assert table[0].grad == 1.0 and table[0].contributions[0][0] == "output"
    assert tw1.grad is None
    # the graph is kept: an ordinary backward still works afterwards
    loss.backward()
    np.testing.assert_allclose(tw1.grad.data, x.T @ d1, rtol=1e-12)


def test_contributions_sum_to_the_entry():
    x = ac.tensor(2.0, dtype=ac.float64, requires_grad=True)
    y = x * x + x.exp()
    entry = ac.grad_table(y)[x]
    labels = sorted(label for label, _ in entry.contributions)
    assert labels == ["exp", "mul", "mul"]
    total = sum(c for _, c in entry.contributions)
    np.testing.assert_allclose(total, entry.grad)
    np.testing.assert_allclose(entry.grad, 4 + np.exp(2.0))


def test_grad_table_adds_on_arrival_and_pops_once():
    t = RecordingGradTable()
    assert t.add("u", np.array([1.0]), child="a")  # the first edge to reach u
    assert not t.add("u", np.array([2.0]), child="b")
    assert "u" in t and len(t) == 1
    assert t.pop("u").tolist() == [3.0]
    t.assert_empty()
    assert [c for c, _ in t.contributions["u"]] == ["a", "b"]


def test_grad_table_adds_in_place_only_into_what_it_owns():
    t = GradTable(in_place=True)
    shared = np.array([1.0, 1.0])  # someone else holds this one
    t.add("u", shared, owned=False)
    t.add("u", np.array([2.0, 2.0]), owned=True)
    g, owned = t.take("u")
    assert shared.tolist() == [1.0, 1.0] and g.tolist() == [3.0, 3.0] and owned
    mine = np.array([1.0, 1.0])
    t.add("v", mine, owned=True)
    t.add("v", np.array([5.0, 5.0]), owned=False)
    g, owned = t.take("v")
    assert g is mine and mine.tolist() == [6.0, 6.0] and owned
    t.add("w", mine)  # untracked (an op node): sums are new arrays, nothing is owned
    t.add("w", np.array([1.0, 1.0]))
    assert t.pop("w") is not mine and mine.tolist() == [6.0, 6.0] and not t.owned
    t.assert_empty()


def test_grad_table_keeps_one_entry_per_output_of_a_multi_output_node():
    class Node:
        n_outputs = 3

    node, t = Node(), GradTable()
    assert t.add_output(node, 2, np.array(1.0))
    assert not t.add_output(node, 0, np.array(4.0))
    assert not t.add_output(node, 2, np.array(2.0))
    g = t.pop(node)
    assert [None if x is None else float(x) for x in g] == [4.0, None, 3.0]


def test_report_prints_the_algorithm_lines():
    x = ac.tensor(1.0, requires_grad=True)
    text = str(ac.grad_table((x * 3).exp()))
    assert text.splitlines()[0].startswith("grad_table[u3] exp")
    assert "leaf" in text.splitlines()[-1]


def test_a_0d_leaf_with_three_contributions_keeps_them_all():
    # found by tests/autograd_core/test_property_graphs.py: two 0-d arrays add up to a NumPy
    # scalar, and a third contribution added "in place" into that scalar was lost
    x = ac.tensor(-1.0, dtype=ac.float64, requires_grad=True)
    a0, a1 = -x, -x
    (a1 * 3.0 + (x + a0)).backward()  # ∂/∂x: -3 + 1 - 1
    assert x.grad.item() == -3.0
    assert isinstance(x.grad.data, np.ndarray)
