"""In-place shape methods (t_, transpose_, swapaxes_, swapdims_, squeeze_, unsqueeze_,
as_strided_) against torch: the layout they give, the gradients through a non-leaf, the
refusals, and the kept differences (autograd_core/inplace_shape.py)."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
from autograd_core.errors import GraphError, ShapeError

CALLS = [
    ((2, 3), "t_", ()),
    ((3,), "t_", ()),
    ((), "t_", ()),
    ((2, 3, 4), "transpose_", (0, 2)),
    ((2, 3, 4), "transpose_", (-1, 1)),
    ((2, 3), "transpose_", (0, 0)),
    ((2, 3, 4), "swapaxes_", (1, 2)),
    ((2, 3, 4), "swapdims_", (0, -1)),
    ((1, 3, 1, 2), "squeeze_", ()),
    ((1, 3, 1, 2), "squeeze_", (2,)),
    ((1, 3, 1, 2), "squeeze_", (1,)),
    ((1, 3, 1, 2), "squeeze_", ((0, 2),)),
    ((1, 3, 1, 2), "squeeze_", ((-1, 0),)),
    ((2, 3), "unsqueeze_", (0,)),
    ((2, 3), "unsqueeze_", (-1,)),
    ((2, 3), "unsqueeze_", (1,)),
    ((6,), "as_strided_", ((2, 2), (1, 2), 1)),
    ((3, 4), "as_strided_", ((3, 3), (1, 1))),
    ((2, 3), "as_strided_", ((2, 2), (3, 1), None)),
]


def _strides(t):
    return tuple(s // t.dtype.itemsize for s in t.data.strides)


@pytest.mark.parametrize(("shape", "name", "args"), CALLS)
def test_the_layout_is_torchs_and_the_memory_is_shared(torch, shape, name, args):
    values = np.arange(float(np.prod(shape))).reshape(shape)
    x, tx = ac.tensor(values), torch.tensor(values)
    old = x.data
    before = x.view(-1) if x.ndim else None  # (a view taken before keeps its layout)
    assert getattr(x, name)(*args) is x
    assert getattr(tx, name)(*args) is tx
    assert x.shape == tuple(tx.shape)
    assert _strides(x) == tx.stride()
    assert x.storage_offset() == tx.storage_offset()
    np.testing.assert_array_equal(x.numpy(), tx.numpy())
    assert np.shares_memory(x.data, old)
    if before is not None:
        assert before.shape == (old.size,)
        x.data[...] = -1.0 if x.numel() else 0.0
        assert (before.numpy()[np.unique(_read(x))] == -1).all()


def _read(x):
    """The row-major positions (in the tensor's memory) of x's elements."""
    start, strides = x.storage_offset(), _strides(x)
    grid = np.indices(x.shape).reshape(x.ndim, -1) if x.ndim else np.zeros((0, 1), int)
    return start + np.tensordot(np.array(strides, dtype=int), grid, 1)


@pytest.mark.parametrize(("shape", "name", "args"), CALLS)
def test_the_gradient_through_a_non_leaf_is_torchs(torch, shape, name, args):
    rng = np.random.default_rng(0)
    values = rng.standard_normal(shape)
    x = ac.tensor(values, requires_grad=True)
    tx = torch.tensor(values, requires_grad=True)
    a, ta = x * 2, tx * 2
    getattr(a, name)(*args)
    getattr(ta, name)(*args)
    assert a.grad_fn is not None and a.shape == tuple(ta.shape)
    w = rng.standard_normal(a.shape)
    (a * ac.tensor(w)).sum().backward()
    (ta * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-12)


def test_a_write_through_the_reshaped_view_reaches_its_base(torch):
    rng = np.random.default_rng(1)
    values, w = rng.standard_normal((3, 4)), rng.standard_normal((4, 2))
    grads = []
    for lib, make in ((ac, ac.tensor), (torch, torch.tensor)):
        x = make(values, requires_grad=True)
        base = x * 1
        v = base[1:]
        v.t_()
        assert v.shape == (4, 2) or tuple(v.shape) == (4, 2)
        assert v.storage_offset() == 4
        v.mul_(make(w))
        (base * base).sum().backward()
        grads.append(x.grad.numpy())
        assert lib is torch or base.grad_fn is not None
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-12)


def test_a_reshaped_tensor_written_in_place_later_gives_torchs_gradient(torch):
    rng = np.random.default_rng(2)
    values, w = rng.standard_normal((2, 1, 3)), rng.standard_normal((3, 2))
    grads = []
    for make in (ac.tensor, torch.tensor):
        x = make(values, requires_grad=True)
        a = x.exp()
        a = a * 1
        a.squeeze_(1).t_()
        a.mul_(make(w))
        a.unsqueeze_(0)
        a.sum().backward()
        grads.append(x.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-12)


@pytest.mark.parametrize(("name", "args"), [("t_", ()), ("unsqueeze_", (0,)), ("squeeze_", ())])
def test_a_leaf_that_requires_grad_is_refused_as_torch_refuses_it(torch, name, args):
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        getattr(torch.zeros(2, 1, requires_grad=True), name)(*args)
    x = ac.zeros(2, 1, requires_grad=True)
    with pytest.raises(GraphError, match=rf"{name}: a leaf tensor that requires grad"):
        getattr(x, name)(*args)
    assert x.shape == (2, 1)
    with ac.no_grad():
        getattr(x, name)(*args)
    tx = torch.zeros(2, 1, requires_grad=True)
    with torch.no_grad():
        getattr(tx, name)(*args)
    assert x.shape == tuple(tx.shape) and x.is_leaf and x.requires_grad


def test_the_views_torch_refuses_to_change_in_place_are_refused(torch):
    for make, error in ((torch.ones, RuntimeError), (ac.ones, GraphError)):
        leaf = make(2, 3, requires_grad=True)
        with pytest.raises(error, match="view of a leaf"):
            leaf[1:].t_()
        with pytest.raises(error, match="(multiple|several) views"):
            (leaf * 1).split(1)[0].t_()
        with pytest.raises(error, match="(multiple|several) views"):
            (leaf * 1).unbind(0)[0].unsqueeze_(0)
        with ac.no_grad(), torch.no_grad():
            view = leaf[0:1]
        with pytest.raises(error, match="no_grad|no-grad"):
            view.t_()


def test_a_saved_buffer_makes_backward_raise_as_in_torch(torch):
    for make, error in ((torch.randn, RuntimeError), (ac.randn, GraphError)):
        x = make(2, 3, requires_grad=True)
        a = x.exp()
        a.t_()
        with pytest.raises(error, match="modified by an inplace|modified by an in-place"):
            a.sum().backward()
        b = x * 2
        s = b.sin()
        b.t_()
        with pytest.raises(error, match="modified by an inplace|modified by an in-place"):
            s.sum().backward()


def test_retain_grad_before_the_call_keeps_the_old_values_gradient(torch):
    w = np.arange(6.0).reshape(3, 2)
    for make in (ac.tensor, torch.tensor):
        x = make(np.ones((2, 3)), requires_grad=True)
        a = x * 2
        a.retain_grad()
        a.t_()
        (a * make(w)).sum().backward()
        np.testing.assert_array_equal(a.grad.numpy(), w.T)  # (old shape, as torch)
        x = make(np.ones((2, 3)), requires_grad=True)
        a = x * 2
        a.t_()
        a.retain_grad()
        (a * make(w)).sum().backward()
        np.testing.assert_array_equal(a.grad.numpy(), w)


def test_a_tensor_without_grad_is_reshaped_under_any_mode():
    x = ac.arange(6.0).reshape(2, 3)
    x.t_()
    with ac.no_grad():
        x.unsqueeze_(0)
    assert x.shape == (1, 3, 2) and x.is_leaf and not x.requires_grad
    np.testing.assert_array_equal(x.numpy()[0], np.arange(6.0).reshape(2, 3).T)


def test_a_node_recorded_before_with_the_tensor_as_input_back_propagates_as_torch(torch):
    # b = 3·(2x) was recorded before a.t_(): its gradient reaches a's old value (version.py's
    # mark_rebound), so b.backward() gives x.grad = 6, as torch
    for m in (torch, ac):
        x = m.ones(2, 3, requires_grad=True)
        a = x * 2
        b = a * 3
        a.t_()
        b.sum().backward(retain_graph=True)
        np.testing.assert_array_equal(x.grad.numpy(), np.full((2, 3), 6.0))
        (a * 1).sum().backward()  # (the new value's graph: d(2x)/dx = 2 more)
        np.testing.assert_array_equal(x.grad.numpy(), np.full((2, 3), 8.0))


def test_a_node_that_reads_the_tensor_refuses_after_it_is_reshaped_in_place(torch):
    x = ac.ones(2, 3, requires_grad=True)
    a = x * 2
    b = a * a  # reads a
    a.t_()
    with pytest.raises(GraphError, match="mul: input 0 .* reads to compute its gradient"):
        b.sum().backward()
    t = torch.ones(2, 3, requires_grad=True) * 2
    u = t * t
    t.t_()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        u.sum().backward()


def test_a_non_leaf_under_no_grad_is_refused():
    # Deliberate difference: torch reshapes it and keeps its grad_fn (MulBackward), then fails
    # at backward ("returned an invalid gradient ... got [3, 2] but expected [2, 3]").
    a = ac.ones(2, 3, requires_grad=True) * 2
    with ac.no_grad(), pytest.raises(GraphError, match="t_: under no_grad"):
        a.t_()
    assert a.shape == (2, 3)


def test_bad_arguments_name_the_method(torch):
    with pytest.raises(RuntimeError):
        torch.zeros(2, 2, 2).t_()
    with pytest.raises(ShapeError, match="t_: expects a tensor with <= 2"):
        ac.zeros(2, 2, 2).t_()
    with pytest.raises(IndexError):
        torch.zeros(2).transpose_(0, 1)
    with pytest.raises(ShapeError, match="out of range"):
        ac.zeros(2).transpose_(0, 1)
    with pytest.raises(IndexError):
        torch.zeros(2).unsqueeze_(2)
    with pytest.raises(ShapeError):
        ac.zeros(2).unsqueeze_(2)
    with pytest.raises(RuntimeError, match="out of bounds"):
        torch.zeros(4).as_strided_((3,), (2,))
    with pytest.raises(ShapeError, match="past the end"):
        ac.zeros(4).as_strided_((3,), (2,))
    x = ac.zeros(3, 2).t()
    with pytest.raises(ShapeError, match="as_strided_: the tensor .* is not contiguous"):
        x.as_strided_((2,), (1,))
    with pytest.raises(ShapeError, match="lies before the tensor's first element"):
        ac.zeros(4, 2)[1:].as_strided_((2,), (1,), 0)


def test_as_strided_storage_offset_counts_from_the_viewed_memory(torch):
    values = np.arange(12.0)
    x, tx = ac.tensor(values)[2:], torch.tensor(values)[2:]
    x.as_strided_((2, 3), (3, 1), 4)
    tx.as_strided_((2, 3), (3, 1), 4)
    np.testing.assert_array_equal(x.numpy(), tx.numpy())
    assert x.storage_offset() == tx.storage_offset() == 4


def test_a_reshaped_view_without_a_graph_still_writes_into_its_base(torch):
    # (ours keeps the tensor a plain view was made of, PyTorch's _base: a recorded write
    # through the view after t_ rebinds that base, as PyTorch's CopySlices)
    values, w = np.arange(12.0).reshape(3, 4), np.arange(8.0).reshape(4, 2)
    grads = []
    for make in (ac.tensor, torch.tensor):
        base = make(values)
        v = base[1:]
        v.t_()
        y = make(w, requires_grad=True)
        v.mul_(y)
        assert base.requires_grad and not base.is_leaf
        (base * base).sum().backward()
        grads.append((y.grad.numpy(), base.detach().numpy()))
    np.testing.assert_allclose(grads[0][0], grads[1][0])
    np.testing.assert_array_equal(grads[0][1], grads[1][1])
