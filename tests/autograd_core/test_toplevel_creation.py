"""torch's top-level shape/creation helpers (atleast_*d, concat, asarray, scalar_tensor, detach,
fill, empty_strided, empty_permuted) against torch: values, dtypes, memory sharing, gradients."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
from autograd_core.errors import ShapeError


@pytest.mark.parametrize("name", ["atleast_1d", "atleast_2d", "atleast_3d"])
@pytest.mark.parametrize("shape", [(), (3,), (2, 3), (2, 3, 4), (1, 2, 3, 4)])
def test_atleast_shapes_match_torch(torch, name, shape):
    x = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    ours = getattr(ac, name)(ac.tensor(x))
    theirs = getattr(torch, name)(torch.tensor(x))
    assert ours.shape == tuple(theirs.shape)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@pytest.mark.parametrize("name", ["atleast_1d", "atleast_2d", "atleast_3d"])
def test_atleast_sequences_give_tuples_as_torch(torch, name):
    a, b = np.array(1.0), np.ones((2,))
    for args_ours, args_torch in [
        ((ac.tensor(a), ac.tensor(b)), (torch.tensor(a), torch.tensor(b))),
        (([ac.tensor(a), ac.tensor(b)],), ([torch.tensor(a), torch.tensor(b)],)),
    ]:
        ours = getattr(ac, name)(*args_ours)
        theirs = getattr(torch, name)(*args_torch)
        assert isinstance(ours, tuple) and isinstance(theirs, tuple)
        assert [o.shape for o in ours] == [tuple(t.shape) for t in theirs]
    assert getattr(ac, name)() == getattr(torch, name)() == ()


def test_atleast_returns_the_tensor_itself_when_it_has_enough_dims(torch):
    x = ac.ones(2, 2)
    assert ac.atleast_2d(x) is x
    tx = torch.ones(2, 2)
    assert torch.atleast_2d(tx) is tx


def test_atleast_gradient_flows_back():
    x = ac.tensor([1.0, 2.0], requires_grad=True)
    (ac.atleast_3d(x) * ac.tensor([[[3.0], [4.0]]])).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 4.0])


def test_atleast_refuses_non_tensors(torch):
    with pytest.raises(TypeError):
        torch.atleast_1d(1.0)
    with pytest.raises(TypeError, match="atleast_1d: expected a tensor"):
        ac.atleast_1d(1.0)
    with pytest.raises(TypeError, match="position 1"):
        ac.atleast_2d([ac.ones(1), [1.0]])


def test_concat_is_cat(torch):
    a, b = np.ones((2, 1)), np.zeros((2, 2))
    ours = ac.concat([ac.tensor(a), ac.tensor(b)], dim=1)
    np.testing.assert_array_equal(ours.numpy(), torch.concat([torch.tensor(a), torch.tensor(b)], 1))
    np.testing.assert_array_equal(
        ac.concatenate([ac.tensor(a), ac.tensor(b)], 1).numpy(),
        torch.concatenate([torch.tensor(a), torch.tensor(b)], 1),
    )


# -- asarray -------------------------------------------------------------------------------


def test_asarray_shares_memory_with_numpy_when_dtype_matches(torch):
    a = np.arange(3.0)
    ours, theirs = ac.asarray(a), torch.asarray(a)
    a[0] = 9.0
    assert ours.dtype == np.float64 and str(theirs.dtype) == "torch.float64"
    assert ours.tolist() == theirs.tolist() == [9.0, 1.0, 2.0]


def test_asarray_copies_for_another_dtype_or_copy_true(torch):
    a = np.arange(3.0)
    ours, theirs = ac.asarray(a, dtype=ac.float32), torch.asarray(a, dtype=torch.float32)
    ours_c, theirs_c = ac.asarray(a, copy=True), torch.asarray(a, copy=True)
    a[0] = 9.0
    assert ours.tolist() == theirs.tolist() == [0.0, 1.0, 2.0]
    assert ours_c.tolist() == theirs_c.tolist() == [0.0, 1.0, 2.0]
    assert ours.dtype == np.float32


def test_asarray_copy_false_refuses_a_needed_copy(torch):
    a = np.arange(3.0)
    with pytest.raises(ValueError):
        torch.asarray(a, dtype=torch.float32, copy=False)
    with pytest.raises(ValueError, match="asarray: copy=False"):
        ac.asarray(a, dtype=ac.float32, copy=False)
    with pytest.raises(ValueError):
        torch.asarray([1, 2], copy=False)
    with pytest.raises(ValueError, match="cannot alias a list"):
        ac.asarray([1, 2], copy=False)
    x = ac.ones(2, dtype=ac.float64)
    with pytest.raises(ValueError, match="copy=False but the tensor"):
        ac.asarray(x, dtype=ac.float32, copy=False)


@pytest.mark.parametrize("data", [[1, 2], [1.0, 2.0], 3.5, True, [[1.5], [2.0]]])
def test_asarray_from_python_data_has_torchs_dtype(torch, data):
    ours, theirs = ac.asarray(data), torch.asarray(data)
    assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch.")
    assert ours.tolist() == theirs.tolist()


def test_asarray_numpy_scalar_keeps_its_dtype(torch):
    assert ac.asarray(np.float64(2.5)).dtype == np.float64
    assert str(torch.asarray(np.float64(2.5)).dtype) == "torch.float64"


@pytest.mark.filterwarnings("ignore:torch.asarray. unspecified requires_grad")
def test_asarray_of_a_tensor_returns_it_or_a_copy_with_history(torch):
    x = ac.ones(2, requires_grad=True)
    y = x * 2
    assert ac.asarray(y) is y
    c = ac.asarray(y, copy=True)
    assert c is not y and c.grad_fn is not None
    d = ac.asarray(y, dtype=ac.float64)
    assert d.dtype == np.float64 and d.requires_grad
    d.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0])
    tx = torch.ones(2, requires_grad=True)
    assert torch.asarray(tx * 2, dtype=torch.float64).grad_fn is not None


def test_asarray_requires_grad_false_detaches_and_true_makes_a_leaf():
    x = ac.ones(2, requires_grad=True)
    y = ac.asarray(x * 2, requires_grad=False)
    assert not y.requires_grad and y.grad_fn is None
    # differs from torch, which switches the leaf's own flag off: ours leaves x alone
    assert not ac.asarray(x, requires_grad=False).requires_grad and x.requires_grad
    plain = ac.ones(2)
    leaf = ac.asarray(plain, requires_grad=True)
    assert leaf.requires_grad and leaf.is_leaf and not plain.requires_grad
    assert np.shares_memory(leaf.data, plain.data)


def test_asarray_requires_grad_on_integers_raises(torch):
    with pytest.raises(RuntimeError):
        torch.asarray([1, 2], requires_grad=True)
    with pytest.raises(TypeError, match="int64"):
        ac.asarray([1, 2], requires_grad=True)


# -- scalar_tensor, detach, fill ----------------------------------------------------------


@pytest.mark.parametrize("s", [2, 2.5, True, -3])
@pytest.mark.parametrize("dtype", [None, "float64", "int64"])
def test_scalar_tensor_matches_torch(torch, s, dtype):
    ours = ac.scalar_tensor(s, dtype=None if dtype is None else np.dtype(dtype))
    theirs = torch.scalar_tensor(s, dtype=None if dtype is None else getattr(torch, dtype))
    assert ours.shape == () and str(ours.dtype) == str(theirs.dtype).removeprefix("torch.")
    assert ours.item() == theirs.item()


def test_scalar_tensor_refuses_sequences():
    with pytest.raises(TypeError, match="scalar_tensor: expected a number"):
        ac.scalar_tensor([1.0])


def test_detach_shares_data_and_cuts_the_graph():
    x = ac.ones(2, requires_grad=True)
    d = ac.detach(x)
    assert not d.requires_grad and np.shares_memory(d.data, x.data)


@pytest.mark.parametrize(
    ("dtype", "value"), [("float32", 3.0), ("int64", 2.7), ("int64", -2.7), ("float64", True)]
)
def test_fill_matches_torch(torch, dtype, value):
    ours = ac.fill(ac.zeros(2, 3, dtype=np.dtype(dtype)), value)
    theirs = torch.fill(torch.zeros(2, 3, dtype=getattr(torch, dtype)), value)
    assert ours.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_fill_gradients_match_torch(torch):
    x = ac.tensor([1.0, 2.0, 3.0], requires_grad=True)
    v = ac.tensor(2.0, requires_grad=True)
    (ac.fill(x * 1, v) * ac.tensor([1.0, 2.0, 3.0])).sum().backward()
    tx = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    tv = torch.tensor(2.0, requires_grad=True)
    (torch.fill(tx * 1, tv) * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), tx.grad.numpy())
    assert v.grad.item() == tv.grad.item() == 6.0


def test_fill_with_a_vector_value_raises(torch):
    with pytest.raises(RuntimeError):
        torch.fill(torch.ones(2), torch.ones(2))
    with pytest.raises(ShapeError, match="fill: value must be a number or a 0-d tensor"):
        ac.fill(ac.ones(2), ac.ones(2))


# -- empty_strided / empty_permuted -------------------------------------------------------


@pytest.mark.parametrize(("size", "stride"), [((2, 3), (1, 2)), ((2, 3), (3, 1)), ((0, 2), (2, 1))])
def test_empty_strided_has_torchs_shape_and_strides(torch, size, stride):
    ours = ac.empty_strided(size, stride, dtype=ac.float64)
    theirs = torch.empty_strided(size, stride, dtype=torch.float64)
    assert ours.shape == tuple(theirs.shape)
    if 0 not in size:
        assert tuple(s // 8 for s in ours.numpy().strides) == theirs.stride()


@pytest.mark.parametrize("layout", [(0, 1, 2), (0, 2, 1), (2, 1, 0), (1, 0, 2)])
def test_empty_permuted_has_torchs_strides(torch, layout):
    ours = ac.empty_permuted((2, 3, 4), layout)
    theirs = torch.empty_permuted((2, 3, 4), layout)
    assert ours.shape == tuple(theirs.shape) and ours.dtype == np.float32
    assert tuple(s // 4 for s in ours.numpy().strides) == theirs.stride()


def test_empty_strided_and_permuted_errors():
    with pytest.raises(ShapeError, match="empty_strided: size"):
        ac.empty_strided((2, 3), (1,))
    with pytest.raises(ShapeError, match="non-negative"):
        ac.empty_strided((2,), (-1,))
    with pytest.raises(ShapeError, match="not a permutation"):
        ac.empty_permuted((2, 3), (0, 0))


@pytest.mark.parametrize(
    ("data", "size", "fill"), [([0, 1, 0, 2], 3, -1), ([[0, 1], [3, 2]], 2, 9), ([0, 0], 2, 5)]
)
def test_nonzero_static_matches_torch(torch, data, size, fill):
    ours = ac.nonzero_static(ac.tensor(data), size=size, fill_value=fill)
    theirs = torch.nonzero_static(torch.tensor(data), size=size, fill_value=fill)
    assert ours.dtype == np.int64 and ours.tolist() == theirs.tolist()
    with pytest.raises(ValueError, match="nonzero_static: size must be non-negative"):
        ac.nonzero_static(ac.tensor(data), size=-1)
