"""A node whose VJP reads no input value (``saves_inputs=False``) keeps a large input made by
another op as a stand-in (op_forward.without_values), so the array is freed early. Checked
here: what is freed and what is not, gradients against closed forms and against the same
engine with the stand-ins switched off, second order, in-place rebinding, and the tools that
walk the graph (draw_graph, backprop_steps, grad_table)."""

from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest

import autograd_core as ac
import autograd_core.op as op_module
import autograd_core.op_forward as op_forward
import nn.functional as F
from autograd_core.op_forward import DROP_BYTES
from autograd_core.version import WRITES

ROWS = DROP_BYTES // (4 * 128)  # a float32 (ROWS, 128) array is exactly DROP_BYTES


@pytest.fixture
def drop_everything(monkeypatch):
    """Stand-ins for every floating-point input made by an op, whatever its size: small float64
    graphs then run the dropping path under gradcheck."""
    monkeypatch.setattr(op_module, "DROP_BYTES", 0)
    monkeypatch.setattr(op_forward, "DROP_BYTES", 0)


@pytest.fixture
def drop_nothing(monkeypatch):
    monkeypatch.setattr(op_module, "DROP_BYTES", 1 << 62)
    monkeypatch.setattr(op_forward, "DROP_BYTES", 1 << 62)


def test_a_large_product_is_freed_once_the_add_after_it_ran(device):
    rng = np.random.default_rng(0)
    x = ac.tensor(rng.standard_normal((ROWS, 64)).astype(np.float32), device=device)
    w = ac.tensor(
        rng.standard_normal((64, 128)).astype(np.float32), requires_grad=True, device=device
    )
    b = ac.tensor(np.zeros(128, np.float32), requires_grad=True, device=device)
    p = x @ w
    freed = weakref.ref(p.data)
    h = ac.relu(p + b)
    del p
    assert freed() is None  # neither add nor relu kept it
    add = h.node.inputs[0].node
    stand_in = add.inputs[0]  # add's input 0, the product
    assert stand_in.node is not None and stand_in.node is not add
    assert stand_in.shape == (ROWS, 128) and stand_in.dtype == np.float32
    assert stand_in.device == x.device and stand_in.data.strides == (0, 0)
    assert np.isnan(stand_in.numpy()).all()
    if device == "cpu":
        assert not stand_in.data.flags.writeable
    h.sum().backward()
    expected = (x.numpy() @ w.numpy() > 0).astype(np.float32)
    np.testing.assert_allclose(w.grad.numpy(), x.numpy().T @ expected, rtol=1e-5)
    np.testing.assert_array_equal(b.grad.numpy(), expected.sum(0))


def test_small_inputs_and_inputs_an_op_reads_are_kept():
    rng = np.random.default_rng(0)
    w = ac.tensor(rng.standard_normal((ROWS // 2, 128)).astype(np.float32), requires_grad=True)
    p = w * 2
    small = weakref.ref(p.data)
    y = p + 1  # half of DROP_BYTES: kept
    del p
    assert small() is not None and y.node.inputs[0].data is small()
    big = ac.tensor(rng.standard_normal((ROWS, 128)).astype(np.float32), requires_grad=True)
    q = big * 2
    read = weakref.ref(q.data)
    z = q * q  # mul reads its inputs
    del q
    assert read() is not None and z.node.inputs[0].data is read()


def test_leaves_are_never_replaced():
    w = ac.tensor(np.ones((ROWS, 128), np.float32), requires_grad=True)
    y = ac.relu(w)
    assert y.node.inputs[0] is w
    y.sum().backward()
    np.testing.assert_array_equal(w.grad.data, np.ones((ROWS, 128), np.float32))


def test_mlp_gradients_match_the_closed_form_with_large_arrays():
    rng = np.random.default_rng(1)
    n, d, k = 256, 128, 10
    x = rng.standard_normal((n, d))
    w1, b1 = rng.standard_normal((d, d)) / np.sqrt(d), rng.standard_normal(d)
    w2 = rng.standard_normal((d, k)) / np.sqrt(d)
    y = rng.integers(0, k, n)
    params = [ac.tensor(a, requires_grad=True) for a in (w1, b1, w2)]
    h = ac.tanh(ac.tensor(x) @ params[0] + params[1])
    z = h @ params[2]
    loss = -ac.log_softmax(z, dim=1)[ac.arange(n), ac.tensor(y)].mean()
    assert h.node.inputs[0].data.strides == (0, 0)  # tanh holds its input as a stand-in
    loss.backward()
    # closed form
    a = x @ w1 + b1
    hn = np.tanh(a)
    zn = hn @ w2
    p = np.exp(zn - zn.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    gz = p.copy()
    gz[np.arange(n), y] -= 1
    gz /= n
    ga = (gz @ w2.T) * (1 - hn**2)
    np.testing.assert_allclose(params[2].grad.data, hn.T @ gz, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(params[0].grad.data, x.T @ ga, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(params[1].grad.data, ga.sum(0), rtol=1e-12, atol=1e-14)


def _composite(x, w):
    h = ac.relu(x @ w + 0.5)
    h = ac.cat([ac.tanh(h), ac.sigmoid(-h)], dim=1)
    h = F.max_pool2d(h.reshape(1, 1, 4, 4), 2).reshape(2, 2)
    return (ac.softmax(h.exp(), dim=1)[0] * ac.sqrt(h.abs() + 1.0).sum()).sum()


def test_first_and_second_order_gradcheck_with_every_input_dropped(drop_everything):
    rng = np.random.default_rng(2)
    x = ac.tensor(rng.standard_normal((4, 3)), requires_grad=True)
    w = ac.tensor(rng.standard_normal((3, 2)), requires_grad=True)
    out = _composite(x, w)
    stand_ins = [t for t in out.node.inputs if t.node is not None]
    assert stand_ins and all(t.data.strides == (0,) * t.ndim for t in stand_ins)
    assert ac.gradcheck(_composite, (x, w))
    assert ac.gradgradcheck(_composite, (x, w))


def _grads(x, w):
    gx, gw = ac.grad(_composite(x, w), (x, w), create_graph=True)
    ggx, ggw = ac.grad((gx**2).sum() + (gw**2).sum(), (x, w))
    return [g.numpy() for g in (gx, gw, ggx, ggw)]


def test_dropping_changes_no_gradient_of_either_order(monkeypatch):
    rng = np.random.default_rng(3)
    x = ac.tensor(rng.standard_normal((4, 3)), requires_grad=True)
    w = ac.tensor(rng.standard_normal((3, 2)), requires_grad=True)
    monkeypatch.setattr(op_module, "DROP_BYTES", 0)
    monkeypatch.setattr(op_forward, "DROP_BYTES", 0)
    dropped = _grads(x, w)
    monkeypatch.setattr(op_module, "DROP_BYTES", 1 << 62)
    monkeypatch.setattr(op_forward, "DROP_BYTES", 1 << 62)
    kept = _grads(x, w)
    for d, k in zip(dropped, kept, strict=True):
        np.testing.assert_array_equal(d, k)


def test_retain_graph_backpropagates_twice_through_stand_ins(drop_everything):
    w = ac.tensor([[1.0, -2.0], [3.0, 0.5]], requires_grad=True)
    y = ac.tanh(w * 2 + 1).sum()
    y.backward(retain_graph=True)
    first = w.grad.numpy().copy()
    y.backward()
    np.testing.assert_allclose(w.grad.numpy(), 2 * first, rtol=1e-15)
    np.testing.assert_allclose(first, 2 * (1 - np.tanh(w.numpy() * 2 + 1) ** 2), rtol=1e-14)


def test_an_input_rebound_in_place_after_a_non_reading_op_used_it(drop_everything):
    """The stand-in keeps the node the input had when add used it, so the later ``z *= 2``
    does not change add's gradient (PyTorch gives the same)."""
    w = ac.tensor([1.0, 2.0], requires_grad=True)
    z = w * 2
    y = z + 3  # uses the old z
    z *= 2
    (y + z).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), [2.0 + 4.0, 2.0 + 4.0])


def test_an_input_rebound_in_place_where_it_is_kept_gives_the_same_gradient(drop_nothing):
    """A kept input rebound later is replaced, at backward, by the stand-in of the value add
    saw (version.mark_rebound), so the gradient is the same as with the stand-in made at once;
    an op that reads the input refuses (test_inplace.py)."""
    w = ac.tensor([1.0, 2.0], requires_grad=True)
    z = w * 2
    y = z + 3
    z *= 2
    (y + z).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), [2.0 + 4.0, 2.0 + 4.0])


def test_graph_tools_walk_stand_ins(drop_everything):
    from autograd_core.steps import format_steps

    w = ac.tensor([[1.0, -2.0], [3.0, 0.5]], requires_grad=True)
    h = w * 2
    h.name = "h"
    loss = ac.relu(h + 1).sum()
    add = loss.node.inputs[0].node.inputs[0].node
    assert add.inputs[0].name == "h" and add.inputs[0].data.strides == (0, 0)
    source = ac.draw_graph(loss).source
    assert "add" in source and "relu" in source and "h" in source
    text = format_steps(loss)
    assert "u(3) = add(u(2), const())" in text and "u(4) = relu(u(3))" in text
    steps = list(ac.backprop_steps(loss))
    assert [s.label for s in steps] == ["sum", "relu", "add", "mul", "leaf"]
    add_step = steps[2]
    np.testing.assert_array_equal(add_step.upstream, [[1.0, 0.0], [1.0, 1.0]])
    report = ac.grad_table(loss)
    assert "add" in str(report)
    loss.backward()
    np.testing.assert_array_equal(w.grad.numpy(), [[2.0, 0.0], [2.0, 2.0]])


def test_hooks_and_retained_gradients_of_a_dropped_tensor_still_fire():
    rng = np.random.default_rng(4)
    w = ac.tensor(rng.standard_normal((ROWS, 128)).astype(np.float32), requires_grad=True)
    h = w * 3
    h.retain_grad()
    seen = []
    h.register_hook(lambda g: seen.append(g.numpy().copy()))
    y = ac.relu(h + 1)  # add keeps h as a stand-in
    assert y.node.inputs[0].node.inputs[0] is not h
    y.sum().backward()
    expected = ((w.numpy() * 3 + 1) > 0).astype(np.float32)
    np.testing.assert_array_equal(h.grad.numpy(), expected)
    np.testing.assert_array_equal(seen[0], expected)
    np.testing.assert_array_equal(w.grad.numpy(), 3 * expected)


# views through which an in-place write must reach the base (PyTorch's CopySlices): the view
# op keeps its input, whose memory the view holds anyway
VIEW_WRITES = {
    "slice": lambda b: b[1:].mul_(2),
    "transpose": lambda b: b.t().add_(1),
    "reshape": lambda b: b.reshape(-1).mul_(3),
    "diagonal": lambda b: b.diagonal().mul_(-1),
    "select": lambda b: b[2].add_(5),
    "narrow of a slice": lambda b: b[:, 1:].narrow(0, 2, 3).mul_(0.5),
    "unfold": lambda b: b[0].unfold(0, 4, 4).mul_(2),
}


@pytest.mark.parametrize("size", [(ROWS, 128), (6, 8)], ids=["large", "small"])
@pytest.mark.parametrize("name", list(VIEW_WRITES))
def test_a_write_through_a_view_of_a_dropped_size_reaches_its_base_as_torch(
    torch, drop_everything, name, size
):
    """Found by an in-place shape helper: for a view of at least DROP_BYTES the view op kept a
    stand-in of its input, so the write could not find its base and backward refused."""
    gc.collect()  # (buffers written in place by earlier tests, kept by cycles, stop dropping)
    assert not WRITES.recorded
    values = np.random.default_rng(1).standard_normal(size)
    weights = np.random.default_rng(2).standard_normal(size)
    x = ac.tensor(values, requires_grad=True)
    t = torch.tensor(values, requires_grad=True)
    b, c = x * 1.5, t * 1.5
    VIEW_WRITES[name](b)
    VIEW_WRITES[name](c)
    (b * b * ac.tensor(weights)).sum().backward()
    (c * c * torch.tensor(weights)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-12)


def test_a_view_op_keeps_its_large_input_and_a_non_view_op_drops_it():
    x = ac.tensor(np.ones((ROWS, 128), np.float32), requires_grad=True)
    b = x * 2
    assert (b[1:]).node.inputs[0] is b  # a view: kept
    assert np.isnan((b + 1).node.inputs[0].numpy()).all()  # add: a stand-in
