"""sort and topk as a user meets them: the tie rule, NaN order, gradients (also at ties, where
PyTorch's stable sort is the oracle), double backward, and the argument errors."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
from autograd_core.errors import ShapeError


def test_sort_ties_keep_their_order_in_both_directions():
    x = ac.tensor([2.0, 1.0, 2.0, 1.0, 2.0])
    up, down = x.sort(), x.sort(descending=True)
    assert up.values.tolist() == [1, 1, 2, 2, 2] and up.indices.tolist() == [1, 3, 0, 2, 4]
    assert down.values.tolist() == [2, 2, 2, 1, 1] and down.indices.tolist() == [0, 2, 4, 1, 3]


def test_sort_ties_match_torch_stable_sort(torch):
    rng = np.random.default_rng(0)
    a = rng.integers(0, 3, (4, 9)).astype(np.float64)  # many ties
    for dim in (0, 1):
        for descending in (False, True):
            ours = ac.sort(ac.tensor(a), dim=dim, descending=descending)
            theirs = torch.sort(torch.tensor(a), dim=dim, descending=descending, stable=True)
            np.testing.assert_array_equal(ours.indices.numpy(), theirs.indices.numpy())
            np.testing.assert_array_equal(ours.values.numpy(), theirs.values.numpy())


def test_sort_puts_nan_where_torch_does(torch):
    a = np.array([1.0, np.nan, -1.0, 3.0])
    for descending in (False, True):
        ours = ac.tensor(a).sort(descending=descending)
        theirs = torch.tensor(a).sort(descending=descending, stable=True)
        np.testing.assert_array_equal(ours.indices.numpy(), theirs.indices.numpy())


def test_topk_ties_pick_the_lower_indices():
    x = ac.tensor([1.0, 5.0, 3.0, 5.0, 5.0])
    assert x.topk(2).indices.tolist() == [1, 3]
    assert x.topk(2, largest=False).indices.tolist() == [0, 2]
    assert x.topk(4).indices.tolist() == [1, 3, 4, 2]


def test_values_are_differentiable_and_indices_are_int64():
    x = ac.tensor([[3.0, 1.0, 2.0]], requires_grad=True)
    for out in (x.sort(dim=1), x.topk(2, dim=1)):
        assert out.values.requires_grad and out.values.grad_fn is not None
        assert out.indices.dtype == np.int64 and not out.indices.requires_grad
        assert out.values.grad_fn is out.values.grad_fn  # one op for both outputs


def test_gradient_at_ties_matches_torch(torch):
    a = np.array([[2.0, 1.0, 2.0, 2.0], [0.0, 0.0, 1.0, 0.0]])
    w = np.arange(1.0, 9.0).reshape(2, 4)[:, :3]
    x = ac.tensor(a, requires_grad=True)
    tx = torch.tensor(a, requires_grad=True)
    (x.topk(3, dim=1).values * ac.tensor(w)).sum().backward()
    (tx.topk(3, dim=1).values * torch.tensor(w)).sum().backward()
    # torch's topk may pick any of the tied entries; its sort(stable=True) pins the same
    # choice as ours, and topk's gradient is placed at the indices it returned.
    theirs = np.zeros_like(a)
    idx = torch.sort(tx.detach(), dim=1, descending=True, stable=True).indices[:, :3].numpy()
    np.put_along_axis(theirs, idx, w, 1)
    np.testing.assert_array_equal(x.grad.numpy(), theirs)
    np.testing.assert_array_equal(np.sort(tx.grad.numpy(), 1), np.sort(theirs, 1))


def test_gradient_goes_back_to_where_each_value_came_from():
    x = ac.tensor([3.0, 1.0, 2.0], requires_grad=True)
    (x.sort().values * ac.tensor([10.0, 20.0, 30.0])).sum().backward()
    assert x.grad.tolist() == [30.0, 10.0, 20.0]


def test_sort_and_topk_pass_gradcheck_and_gradgradcheck():
    rng = np.random.default_rng(3)
    x = ac.tensor(rng.permutation(12).reshape(3, 4) + rng.uniform(0, 0.1, (3, 4)))
    x.requires_grad_()
    assert ac.gradcheck(lambda t: ac.sort(t, dim=0, descending=True).values * t, (x,))
    assert ac.gradgradcheck(lambda t: ac.topk(t, 2).values ** 2, (x,))


def test_sort_of_a_0d_tensor_is_itself(torch):
    ours = ac.tensor(2.0).sort()
    theirs = torch.tensor(2.0).sort()
    assert ours.values.item() == theirs.values.item() and ours.indices.item() == 0
    assert ac.tensor(2.0).topk(1).values.shape == ()


def test_sort_accepts_numpy_axis():
    x = ac.tensor([[2.0, 1.0], [0.0, 3.0]])
    assert x.sort(axis=0).values.tolist() == [[0.0, 1.0], [2.0, 3.0]]


@pytest.mark.parametrize("k", [-1, 4])
def test_topk_k_out_of_range(k):
    with pytest.raises(ShapeError, match=rf"topk: k={k} is out of range for dim -1 of size 3"):
        ac.zeros(3).topk(k)


def test_topk_k_must_be_an_int():
    with pytest.raises(TypeError, match="topk: k must be an int, got 1.5"):
        ac.zeros(3).topk(1.5)


@pytest.mark.parametrize("fn", [lambda x: x.sort(dim=2), lambda x: x.topk(1, dim=-3)])
def test_dim_out_of_range(fn):
    with pytest.raises(ShapeError, match="out of range for a tensor of shape"):
        fn(ac.zeros(2, 3))


def test_writing_the_input_after_sort_keeps_the_gradient_right():
    # sort and topk place the gradient with their saved indices and never read x's values
    # (registered with saves_inputs=False), so an in-place write to x in between is allowed.
    x = ac.tensor([3.0, 1.0, 2.0], requires_grad=True)
    v = x.sort().values
    k = x.topk(1).values
    with ac.no_grad():
        x[0] = -5.0
    ((v * ac.tensor([1.0, 2.0, 3.0])).sum() + k.sum()).backward()
    assert x.grad.tolist() == [3.0 + 1.0, 1.0, 2.0]
