"""In-place ops and the engine's write clock, as a PyTorch user meets them (issue 13, items 1-3, 6):
the manual SGD loop trains, a leaf that requires grad refuses in-place changes outside no_grad,
recorded in-place ops on non-leaves give PyTorch's gradients, a tensor changed after the
forward pass makes backward raise instead of using the new values, and casts to integers or
bools are not differentiable."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
import nn
import optim


def _net(seed=0):
    ac.manual_seed(seed)
    return nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 1))


def test_the_manual_sgd_loop_of_every_tutorial_trains():
    model = _net()
    rng = np.random.default_rng(0)
    x = ac.tensor(rng.standard_normal((64, 3)))
    y = ac.tensor(rng.standard_normal((64, 1)))
    before = [p.data.copy() for p in model.parameters()]
    losses = []
    for _ in range(20):
        loss = ((model(x) - y) ** 2).mean()
        for p in model.parameters():
            p.grad = None
        loss.backward()
        losses.append(loss.item())
        with ac.no_grad():
            for p in model.parameters():
                p -= 0.1 * p.grad
    assert losses[-1] < 0.9 * losses[0]
    assert all(not np.array_equal(b, p.data) for b, p in zip(before, model.parameters()))
    assert all(p.is_leaf and p.requires_grad for p in model.parameters())


@pytest.mark.parametrize("name", ["add_", "sub_", "mul_", "div_"])
def test_in_place_arithmetic_under_no_grad_writes_the_array(name):
    x = ac.tensor([1.0, 2.0, 4.0], requires_grad=True)
    view = x.data
    with ac.no_grad():
        out = getattr(x, name)(ac.tensor([2.0, 2.0, 2.0]))
    expected = {"add_": [3, 4, 6], "sub_": [-1, 0, 2], "mul_": [2, 4, 8], "div_": [0.5, 1, 2]}
    assert out is x and x.data is view and x.is_leaf and x.requires_grad
    np.testing.assert_array_equal(view, expected[name])


def test_augmented_assignment_is_in_place():
    x = ac.ones(3)
    alias = x
    x += 1
    x *= ac.tensor([1.0, 2.0, 3.0])
    x -= 0.5
    x /= 2
    assert alias is x
    np.testing.assert_allclose(x.data, [0.75, 1.75, 2.75])


def test_a_leaf_that_requires_grad_refuses_in_place_changes_outside_no_grad():
    w = ac.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ac.GraphError, match="a leaf tensor that requires grad .* in-place"):
        w -= 1
    with pytest.raises(ac.GraphError, match="add_: a leaf tensor that requires grad"):
        w.add_(1)
    assert w.is_leaf and w.data.tolist() == [1.0, 2.0]


def test_recorded_in_place_ops_on_non_leaves_match_torch(torch):
    def ours():
        w = ac.tensor([0.5, -1.0, 2.0], dtype=ac.float64, requires_grad=True)
        z = w * 3
        z += w
        z.mul_(w)
        z.clamp_(-1.0, 5.0)
        z.masked_fill_(ac.tensor([False, True, False]), 0.25)
        z.sum().backward()
        return z.data, w.grad.data

    def theirs():
        w = torch.tensor([0.5, -1.0, 2.0], dtype=torch.float64, requires_grad=True)
        z = w * 3
        z += w
        z.mul_(w)
        z.clamp_(-1.0, 5.0)
        z.masked_fill_(torch.tensor([False, True, False]), 0.25)
        z.sum().backward()
        return z.detach().numpy(), w.grad.numpy()

    for a, b in zip(ours(), theirs(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_fill_and_copy_on_a_non_leaf_send_zero_gradient_to_the_old_value():
    w = ac.tensor([1.0, 2.0], requires_grad=True)
    z = w * 2
    z.fill_(7.0)
    z.sum().backward()
    np.testing.assert_array_equal(z.data, [7.0, 7.0])
    np.testing.assert_array_equal(w.grad.data, [0.0, 0.0])
    w.grad = None
    c = ac.zeros(2)
    c.copy_(w)  # a constant that takes a value requiring grad joins the graph
    (c * c).sum().backward()
    np.testing.assert_array_equal(w.grad.data, [2.0, 4.0])


def test_grad_zero_and_the_fill_family():
    x = ac.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    g = x.grad
    x.grad.zero_()
    assert x.grad is g and g.data.tolist() == [0.0, 0.0]
    t = ac.zeros(2, 3)
    t.fill_(2.5)
    np.testing.assert_array_equal(t.data, np.full((2, 3), 2.5))
    t.normal_(generator=ac.Generator().manual_seed(0))
    u = ac.zeros(2, 3).normal_(generator=ac.Generator().manual_seed(0))
    np.testing.assert_array_equal(t.data, u.data)
    t.uniform_(-1, 1)
    assert t.data.min() >= -1 and t.data.max() < 1


def test_in_place_keeps_dtype_and_shape_and_refuses_what_would_lose_values():
    i = ac.tensor([1, 2])
    with pytest.raises(ac.DTypeError, match="add_: the result has dtype float.*int64"):
        i += 0.5
    i += 1
    assert i.dtype == np.int64 and i.data.tolist() == [2, 3]
    x = ac.zeros(3)
    with pytest.raises(ac.ShapeError, match="cannot change its tensor's shape"):
        x += ac.ones(2, 3)
    f32 = ac.zeros(2, dtype=ac.float32)
    f32 += ac.tensor([1.0, 2.0], dtype=ac.float64)
    assert f32.dtype == np.float32


# -- the write clock: a saved input changed before backward raises ---------------------------


def test_setitem_after_forward_makes_backward_raise_not_use_the_new_value():
    w = ac.tensor([1.0, 2.0], requires_grad=True)
    x = ac.tensor([3.0, 4.0])
    y = (w * x).sum()
    x[0] = 100
    with pytest.raises(ac.GraphError, match=r"mul: input 1 \(shape \(2,\).*modified by an in-pl"):
        y.backward()


def test_an_optimizer_step_between_forward_and_backward_raises():
    model = _net()
    opt = optim.SGD(model.parameters(), lr=0.1)
    x = ac.randn(4, 3)
    loss = model(x).sum()
    (model(x).sum()).backward()
    opt.step()  # writes the weights the first graph saved
    with pytest.raises(ac.GraphError, match="linear: input 1 .* modified by an in-place"):
        loss.backward()


def test_writes_through_a_view_or_a_detached_tensor_are_seen():
    w = ac.tensor([1.0, 2.0], requires_grad=True)
    x = ac.tensor([3.0, 4.0, 5.0])
    y = (w * x[:2]).sum()
    with ac.no_grad():
        x.detach()[2:].fill_(0.0)  # shares x's buffer, as PyTorch's shared version counter
    with pytest.raises(ac.GraphError, match="modified by an in-place"):
        y.backward()


def test_ops_that_do_not_read_their_inputs_allow_later_writes():
    w = ac.tensor([1.0, 2.0], requires_grad=True)
    b = ac.tensor([3.0, 4.0])
    y = (w + b).sum()  # add's VJP never reads b
    b[0] = 100
    y.backward()
    np.testing.assert_array_equal(w.grad.data, [1.0, 1.0])


def test_a_consumer_of_a_tensor_rebound_in_place_reaches_the_old_value_or_refuses():
    # y = z * 3 does not read z: its gradient reaches the value z had (as torch's saved edge)
    w = ac.tensor([1.0, 2.0], requires_grad=True)
    z = w * 2
    y = z * 3  # uses the old z
    z *= 2
    (y + z).sum().backward()
    np.testing.assert_array_equal(w.grad.data, [2 * 3 + 4, 2 * 3 + 4])
    # y = z * v with v requiring grad reads z for v's gradient: refused (as torch)
    v = ac.tensor([1.0, 1.0], requires_grad=True)
    z = w * 2
    y = z * v
    z *= 2
    with pytest.raises(ac.GraphError, match="mul: input 0 .* reads to compute its gradient"):
        (y + z).sum().backward()


def test_no_write_no_check_and_writes_before_forward_are_fine():
    x = ac.tensor([3.0, 4.0])
    x[0] = 5.0  # before the forward pass: the graph sees 5
    w = ac.tensor([1.0, 2.0], requires_grad=True)
    (w * x).sum().backward()
    np.testing.assert_array_equal(w.grad.data, [5.0, 4.0])


# -- item 3 (.grad never shares memory with a user's tensor, e.g. a hook's result) is pinned in
# test_array_backward.py, next to the grad table's ownership rules that guarantee it.


# -- item 6: integer and bool casts are not differentiable -------------------------------------


@pytest.mark.parametrize("cast", ["long", "int", "bool"])
def test_integer_and_bool_casts_never_require_grad(cast):
    x = ac.tensor([1.5, -2.5], requires_grad=True)
    y = getattr(x, cast)()
    assert not y.requires_grad and y.node is None and y.is_leaf
    z = (x * y.float()).sum()  # the cast's value is a constant: the gradient is y
    z.backward()
    np.testing.assert_array_equal(x.grad.data, y.float().data)


def test_float_casts_stay_differentiable():
    x = ac.tensor([1.5, -2.5], dtype=ac.float64, requires_grad=True)
    (x.float() * 2).sum().backward()
    assert x.grad.dtype == np.float64 and x.grad.data.tolist() == [2.0, 2.0]


# -- item 20: out= on the arithmetic functions -------------------------------------------------


@pytest.mark.parametrize(
    ("fn", "expected"), [("add", 5.0), ("sub", -1.0), ("mul", 6.0), ("div", 2 / 3)]
)
def test_out_stores_the_result_in_an_existing_tensor(fn, expected):
    out = ac.zeros(2)
    buffer = out.data
    result = getattr(ac, fn)(ac.tensor([2.0, 2.0]), ac.tensor([3.0, 3.0]), out=out)
    assert result is out and out.data is buffer
    np.testing.assert_allclose(buffer, [expected, expected], rtol=1e-6)


def test_out_is_refused_while_recording_and_checks_shape_and_dtype():
    w = ac.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ac.GraphError, match="add: out= cannot be used when the result requires"):
        ac.add(w, 1.0, out=ac.zeros(2))
    with ac.no_grad():
        ac.add(w, 1.0, out=ac.zeros(2))  # allowed: nothing is recorded
    with pytest.raises(ac.ShapeError, match="mul: out has shape \\(3,\\) but the result has"):
        ac.mul(ac.ones(2), 2.0, out=ac.zeros(3))
    with pytest.raises(
        ac.DTypeError, match="div: the result has dtype float32.*out of dtype int64"
    ):
        ac.div(ac.ones(2), 2.0, out=ac.tensor([0, 0]))


def test_out_and_in_place_share_one_rule_for_values_that_would_be_lost():
    flags = ac.tensor([False, False])
    with pytest.raises(ac.DTypeError, match="add: the result has dtype int64.*out of dtype bool"):
        ac.add(ac.tensor([1, 2]), 1, out=flags)  # 2 and 3 are not booleans
    with pytest.raises(ac.DTypeError, match="add_: the result has dtype int64.*dtype bool"):
        flags.add_(ac.tensor([1, 2]))
    assert flags.data.tolist() == [False, False]


def test_writing_into_an_expanded_tensor_says_to_clone():
    e = ac.zeros(3, 1).expand(3, 4)
    with pytest.raises(ac.GraphError, match=r"setitem: .*\(shape \(3, 4\)\) .* x = x.clone\(\)"):
        e[0, 0] = 1.0
    with pytest.raises(ac.GraphError, match=r"add_: .* x = x.clone\(\)"):
        e.add_(1.0)
    c = e.clone()
    c[0, 0] = 1.0
    assert c[0, 0].item() == 1.0 and c[1, 0].item() == 0.0
