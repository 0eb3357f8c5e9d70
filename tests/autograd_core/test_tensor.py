"""Tensor creation, properties, operators and dtype rules."""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest

import autograd_core as ac


def test_dtype_inference_follows_torch_for_python_data():
    assert ac.tensor([1.0, 2.0]).dtype == np.float32
    assert ac.tensor([1, 2]).dtype == np.int64
    assert ac.tensor([True]).dtype == np.bool_
    assert ac.tensor(np.zeros(2)).dtype == np.float64  # arrays keep their dtype
    ac.set_default_dtype(ac.float64)
    assert ac.tensor([1.0]).dtype == np.float64 and ac.zeros(2).dtype == np.float64


def test_tensor_copies_its_data():
    a = np.ones(3)
    t = ac.tensor(a)
    a[0] = 5
    assert t.data[0] == 1


def test_creation_functions():
    assert ac.zeros(2, 3).shape == (2, 3) and ac.ones((2,)).data.tolist() == [1, 1]
    assert ac.full((2, 2), 7.0).data.sum() == 28
    assert ac.arange(1, 7, 2).tolist() == [1, 3, 5] and ac.arange(3.0).dtype == np.float32
    assert ac.linspace(0, 1, 5).data[-1] == 1.0
    assert ac.eye(3).data.trace() == 3
    x = ac.randn(3, 4)
    assert ac.zeros_like(x).shape == (3, 4) and ac.ones_like(x).dtype == x.dtype
    assert ac.randint(0, 5, (100,)).data.max() < 5


def test_manual_seed_and_generators_reproduce():
    ac.manual_seed(3)
    a = ac.randn(5)
    ac.manual_seed(3)
    b = ac.randn(5)
    assert np.array_equal(a.data, b.data)
    g1, g2 = ac.Generator().manual_seed(1), ac.Generator().manual_seed(1)
    assert np.array_equal(ac.rand(4, generator=g1).data, ac.rand(4, generator=g2).data)
    state = g1.get_state()
    first = ac.rand(3, generator=g1).data
    g1.set_state(state)
    assert np.array_equal(ac.rand(3, generator=g1).data, first)


def test_properties():
    x = ac.randn(2, 3, requires_grad=True)
    assert x.shape == (2, 3) and x.ndim == 2 and x.size() == (2, 3) and x.size(1) == 3
    assert x.numel() == 6 and x.is_leaf and x.device == "cpu" and x.grad_fn is None
    y = x * 2
    assert not y.is_leaf and y.grad_fn.label == "mul"
    assert x.T.shape == (3, 2) and ac.tensor(3.5).item() == 3.5
    assert y.detach().requires_grad is False and y.detach().data is y.data
    assert x.numpy() is x.data and ac.tensor([[1, 2]]).tolist() == [[1, 2]]


def test_repr_is_readable():
    assert repr(ac.tensor([1.0, 2.0])) == "tensor([1., 2.])"
    assert repr(ac.tensor([1.0], requires_grad=True)) == "tensor([1.], requires_grad=True)"
    assert "grad_fn=<mul>" in repr(ac.tensor([1.0], requires_grad=True) * 2)
    assert "dtype=float64" in repr(ac.tensor([1.0], dtype=ac.float64))


def test_operators_and_reflected_operators():
    x = ac.tensor([1.0, 2.0])
    assert (2 - x).tolist() == [1.0, 0.0] and (2 / x).tolist() == [2.0, 1.0]
    assert (2**x).tolist() == [2.0, 4.0] and (-x).tolist() == [-1.0, -2.0]
    assert (x == 1.0).tolist() == [True, False] and (x >= 2).tolist() == [False, True]
    assert (np.ones(2) + x).tolist() == [2.0, 3.0]  # NumPy defers to Tensor
    assert ((x > 1) & (x < 3)).tolist() == [False, True] and (~(x > 1)).tolist() == [True, False]
    assert abs(ac.tensor([-1.0])).tolist() == [1.0]


@pytest.mark.parametrize("op", ["__add__", "__sub__", "__mul__", "__truediv__"])
def test_operators_on_two_tensors_record_as_apply_does(op):
    # Two Tensors go through Op.apply_pair, apply's shorter path: the same node, the same
    # output forms (a 0-d array, not a NumPy scalar) and the same errors.
    a = ac.tensor(2.0, dtype=ac.float64, requires_grad=True)
    b = ac.tensor(4.0, dtype=ac.float64)
    y = getattr(a, op)(b)
    assert type(y.data) is np.ndarray and y.shape == ()
    assert y.node.needs_input_grad == (True, False) and y.node.inputs == (a, b)
    assert dict(y.node.params) == {} and y.node.params == {}
    with pytest.raises(TypeError):
        y.node.params["axis"] = 0  # shared by every node recorded without keywords
    for copied in (copy.deepcopy(y), pickle.loads(pickle.dumps(y))):  # as before apply_pair
        assert dict(copied.node.params) == {} and copied.tolist() == y.tolist()
    with ac.no_grad():
        assert getattr(a, op)(b).node is None
    with pytest.raises(ac.ShapeError, match=op.strip("_").replace("truediv", "div")):
        getattr(ac.ones(2), op)(ac.ones(3))


def test_python_scalars_keep_float32():
    x = ac.ones(2)
    for y in (x * 2.5, x + 1, 3.0 / x, x**2, x - 1e-3):
        assert y.dtype == np.float32


def test_getitem_repeated_indices_accumulate():
    x = ac.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x[[0, 0, 2]].sum().backward()
    assert x.grad.tolist() == [2.0, 0.0, 1.0]
    m = ac.tensor([True, False, True])
    y = ac.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (y[m] * 2).sum().backward()
    assert y.grad.tolist() == [2.0, 0.0, 2.0]


def test_to_and_astype_are_differentiable():
    x = ac.tensor([1.0, 2.0], requires_grad=True)
    y = x.to(ac.float64) * 3
    assert y.dtype == np.float64
    y.sum().backward()
    assert x.grad.dtype == np.float32 and x.grad.tolist() == [3.0, 3.0]
    assert x.to("cpu") is x and x.double().dtype == np.float64 and x.long().dtype == np.int64


def test_bool_len_iter():
    assert bool(ac.tensor([1.0])) and len(ac.zeros(4, 2)) == 4
    assert [t.tolist() for t in ac.tensor([[1, 2], [3, 4]])] == [[1, 2], [3, 4]]
    with pytest.raises(ValueError, match="ambiguous"):
        bool(ac.ones(2))


def test_device_objects():
    assert ac.Device("cpu") == "cpu" and str(ac.Device("cuda:1")) == "cuda:1"
    assert repr(ac.Device("cpu")) == "device('cpu')" and ac.Device("cuda").index == 0
