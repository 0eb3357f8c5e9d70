"""Ops with several outputs: each output its own Tensor, one gradient per output in the VJP,
grad-table entries per (node, output), and hooks, retain_grad and grad() per output."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
from autograd_core.op import Op
from autograd_core.registry import OP_REGISTRY, register_op


def _x(shape=(4, 3), seed=0):
    rng = np.random.default_rng(seed)
    return ac.tensor(rng.standard_normal(shape), dtype=ac.float64, requires_grad=True)


def test_split_is_one_node_with_one_output_per_piece():
    x = _x((5, 3))
    pieces = x.split([1, 2, 2])
    assert len({id(p.node) for p in pieces}) == 1
    assert [p.output_nr for p in pieces] == [0, 1, 2]
    assert pieces[0].node.n_outputs == 3


def test_vjp_gets_none_for_outputs_without_gradient():
    x = _x((5, 3))
    a, b, c = x.split([1, 2, 2])
    (b * 3.0).sum().backward()
    expected = np.zeros((5, 3))
    expected[1:3] = 3.0
    np.testing.assert_array_equal(x.grad.data, expected)


def test_fan_in_into_one_output_is_summed():
    x = _x((4,))
    a, b = x.split(2)
    (a * 2 + a * 3 + b).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [5.0, 5.0, 1.0, 1.0])


def test_grad_with_respect_to_one_output_of_a_multi_output_op():
    x = _x((4, 3))
    rows = x.unbind(0)
    y = (rows[1] * rows[2]).sum()
    g1, g2 = ac.grad(y, [rows[1], rows[2]])
    np.testing.assert_array_equal(g1.data, rows[2].data)
    np.testing.assert_array_equal(g2.data, rows[1].data)


def test_hooks_and_retain_grad_are_per_output():
    x = _x((3, 2))
    r0, r1, r2 = x.unbind(0)
    seen = []
    r1.register_hook(lambda g: seen.append(g.data.copy()) or g * 10)
    r2.retain_grad()
    (r0 + 2 * r1 + 3 * r2).sum().backward()
    np.testing.assert_array_equal(seen[0], [2.0, 2.0])
    np.testing.assert_array_equal(r2.grad.data, [3.0, 3.0])
    np.testing.assert_array_equal(x.grad.data, [[1, 1], [20, 20], [3, 3]])


def test_second_order_through_split():
    x = _x((4,))
    a, b = x.split(2)
    y = (a**3).sum() + (b**2).sum()
    (g,) = ac.grad(y, x, create_graph=True)
    (h,) = ac.grad(g.sum(), x)
    xd = x.data
    np.testing.assert_allclose(h.data, np.concatenate([6 * xd[:2], [2.0, 2.0]]))


def test_max_with_dim_is_one_op_with_values_and_integer_indices():
    x = _x((3, 4))
    values, indices = ac.max(x, dim=1)
    assert values.node is not None and values.node.n_outputs == 2
    assert indices.node is None and not indices.requires_grad
    assert indices.dtype == np.int64


@pytest.mark.parametrize("name", ["max", "min"])
def test_max_min_with_dim_send_tied_gradients_to_the_returned_index(name):
    x = ac.tensor([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]], requires_grad=True)
    if name == "min":
        x = ac.tensor(-x.data, requires_grad=True)
    values, indices = getattr(ac, name)(x, dim=1)
    values.sum().backward()
    np.testing.assert_array_equal(indices.data, [1, 0])
    np.testing.assert_array_equal(x.grad.data, [[0, 1, 0], [1, 0, 0]])
    torch = pytest.importorskip("torch")
    tx = torch.tensor(x.data, requires_grad=True)
    getattr(tx, name)(1).values.sum().backward()
    np.testing.assert_array_equal(x.grad.data, tx.grad.numpy())


def test_max_over_all_axes_still_splits_ties():
    x = ac.tensor([1.0, 3.0, 3.0], requires_grad=True)
    x.max().backward()
    np.testing.assert_array_equal(x.grad.data, [0.0, 0.5, 0.5])


def test_iterating_a_tensor_is_one_unbind():
    x = _x((6, 2))
    rows = list(x)
    assert len({id(r.node) for r in rows}) == 1
    sum(r.sum() for r in rows).backward()
    np.testing.assert_array_equal(x.grad.data, np.ones((6, 2)))


def test_a_user_op_with_two_outputs():
    """The Op protocol for several outputs, as a user writes it (Tensor-form VJP)."""
    name = "test_sincos_pair"
    if name in OP_REGISTRY:
        del OP_REGISTRY[name]

    @register_op(name)
    class SinCos(Op):
        def forward(self, x):
            return self.xp.sin(x), self.xp.cos(x)

        def vjp(self, g_sin, g_cos):
            (x,) = self.inputs
            gx = 0
            if g_sin is not None:
                gx = gx + g_sin * x.cos()
            if g_cos is not None:
                gx = gx - g_cos * x.sin()
            return (gx,)

    try:
        x = _x((5,))
        s, c = SinCos.apply(x)
        (s * c).sum().backward()
        np.testing.assert_allclose(x.grad.data, np.cos(2 * x.data), rtol=1e-12)
        x.grad = None
        SinCos.apply(x)[1].sum().backward()  # only the second output used
        np.testing.assert_allclose(x.grad.data, -np.sin(x.data), rtol=1e-12)
    finally:
        del OP_REGISTRY[name]
