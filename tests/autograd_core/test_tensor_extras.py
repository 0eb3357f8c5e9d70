"""Tensor methods with PyTorch's names: mT, type(), new_*, is_contiguous, next_functions, and
the AttributeError that names what to use for a deliberately absent PyTorch attribute."""

from __future__ import annotations

import gc

import numpy as np
import pytest

import autograd_core as ac
from autograd_core.errors import DTypeError, ShapeError

# -- mT ---------------------------------------------------------------------------------------


def test_mT_matches_torch_and_carries_the_gradient(torch):
    a = np.arange(24.0).reshape(2, 3, 4)
    x = ac.tensor(a, requires_grad=True)
    np.testing.assert_array_equal(x.mT.numpy(), torch.tensor(a).mT.numpy())
    (x.mT * ac.tensor(np.arange(24.0).reshape(2, 4, 3))).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.arange(24.0).reshape(2, 4, 3).swapaxes(1, 2))


def test_mT_needs_two_axes():
    with pytest.raises(ShapeError, match=r"mT: needs a matrix or a batch of matrices.*\(3,\)"):
        _ = ac.zeros(3).mT


# -- type() -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dtype", "name"),
    [
        ("float32", "FloatTensor"),
        ("float64", "DoubleTensor"),
        ("float16", "HalfTensor"),
        ("int64", "LongTensor"),
        ("int32", "IntTensor"),
        ("int16", "ShortTensor"),
        ("int8", "CharTensor"),
        ("uint8", "ByteTensor"),
        ("bool", "BoolTensor"),
    ],
)
def test_type_names_follow_torch_with_this_package(torch, dtype, name):
    ours = ac.zeros(1, dtype=dtype).type()
    theirs = torch.zeros(1, dtype=getattr(torch, dtype)).type()
    assert ours == "autograd_core." + name == theirs.replace("torch.", "autograd_core.")


def test_type_with_a_dtype_or_a_name_casts():
    x = ac.tensor([1.7, -2.2], requires_grad=True)
    y = x.type(ac.float64)
    assert y.dtype == np.float64 and y.requires_grad
    y.sum().backward()
    assert x.grad.tolist() == [1.0, 1.0]
    assert x.type("torch.LongTensor").tolist() == [1, -2]
    assert x.type("autograd_core.DoubleTensor").dtype == np.float64


def test_type_refuses_an_unknown_name():
    with pytest.raises(DTypeError, match="type: unknown tensor type 'torch.ComplexTensor'"):
        ac.zeros(1).type("torch.ComplexTensor")


# -- new_* ---------------------------------------------------------------------------------------


def test_new_creators_follow_self_like_torch(torch):
    ours, theirs = ac.zeros(2, dtype=ac.float64), torch.zeros(2, dtype=torch.float64)
    for fn, args in [
        ("new_zeros", (2, 3)),
        ("new_ones", ((2, 3),)),
        ("new_full", ((2,), 7)),
        ("new_tensor", ([1, 2],)),
    ]:
        a, b = getattr(ours, fn)(*args), getattr(theirs, fn)(*args)
        assert a.shape == tuple(b.shape), fn
        assert str(a.dtype) == str(b.dtype).removeprefix("torch."), fn
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert ours.new_empty(4).shape == (4,) and ours.new_empty(4).dtype == np.float64


def test_new_creators_take_dtype_and_requires_grad():
    x = ac.arange(3)
    y = x.new_ones(2, dtype=ac.float32, requires_grad=True)
    assert y.dtype == np.float32 and y.requires_grad and y.is_leaf
    assert x.new_zeros(2).dtype == np.int64


def test_new_tensor_copies_its_data():
    a = np.array([1.0, 2.0])
    t = ac.zeros(1, dtype=ac.float64).new_tensor(a)
    a[0] = 9.0
    assert t.tolist() == [1.0, 2.0]


# -- grad_fn.next_functions -------------------------------------------------------------------


def _shape_of(fn):
    """The structure of next_functions, by kind: 'acc' for a leaf, 'None', or the op."""
    out = []
    for node, nr in fn.next_functions:
        kind = None if node is None else type(node).__name__
        out.append(("acc" if kind == "AccumulateGrad" else kind and "op", nr))
    return out


def test_next_functions_has_torchs_structure(torch):
    w = ac.ones(2, requires_grad=True)
    x = ac.ones(2)
    y = (w * x + w).sum()
    tw = torch.ones(2, requires_grad=True)
    ty = (tw * torch.ones(2) + tw).sum()
    add, _ = y.grad_fn.next_functions[0]
    tadd, _ = ty.grad_fn.next_functions[0]
    mul = add.next_functions[0][0]
    tmul = tadd.next_functions[0][0]

    def torch_kind(fn):
        return [
            (None if n is None else "acc" if type(n).__name__ == "AccumulateGrad" else "op", nr)
            for n, nr in fn.next_functions
        ]

    assert _shape_of(y.grad_fn) == torch_kind(ty.grad_fn) == [("op", 0)]
    assert _shape_of(add) == torch_kind(tadd) == [("op", 0), ("acc", 0)]
    assert _shape_of(mul) == torch_kind(tmul) == [("acc", 0), (None, 0)]
    assert mul.next_functions[0][0].variable is w
    assert mul.next_functions[0][0].next_functions == ()


def test_next_functions_survive_a_plain_backward_as_in_torch(torch):
    w = ac.ones(2, requires_grad=True)
    y = (w * ac.ones(2) + w).sum()
    tw = torch.ones(2, requires_grad=True)
    ty = (tw * torch.ones(2) + tw).sum()
    before = _shape_of(y.grad_fn.next_functions[0][0])
    y.backward()
    ty.backward()
    add = y.grad_fn.next_functions[0][0]
    tadd = ty.grad_fn.next_functions[0][0]
    assert _shape_of(add) == before == [("op", 0), ("acc", 0)]
    assert [type(n).__name__ for n, _ in tadd.next_functions] == ["MulBackward0", "AccumulateGrad"]
    assert add.next_functions[1][0].variable is w
    assert _shape_of(add.next_functions[0][0]) == [("acc", 0), (None, 0)]
    with pytest.raises(ac.GraphFreedError, match="retain_graph=True"):
        y.backward()  # the arrays are gone: a second backward still says so


def test_next_functions_gives_the_output_number_of_a_multi_output_op():
    x = ac.arange(6.0).requires_grad_()
    a, b, c = ac.split(x, 2)
    y = b * c
    assert [nr for _, nr in y.grad_fn.next_functions] == [1, 2]
    assert y.grad_fn.next_functions[0][0] is b.grad_fn is c.grad_fn


def test_a_leaf_has_one_accumulate_grad_node_while_it_lives():
    w = ac.ones(2, requires_grad=True)
    first = (w * 2).grad_fn.next_functions[0][0]
    second = (w * 3).grad_fn.next_functions[0][0]
    assert first is second
    del w
    gc.collect()
    assert first.variable is None and "freed" in repr(first)


def test_walking_the_graph_after_backward_with_retain_graph():
    w = ac.ones(2, requires_grad=True)
    y = (w * w).sum()
    y.backward(retain_graph=True)
    assert y.grad_fn.next_functions[0][0].name == "mul"


# -- deliberately absent names --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("storage", "Use t.data"),
        ("data_ptr", "t.data.ctypes.data"),
        ("stride", "t.data.strides"),
        ("is_cuda", "t.device.type == 'cuda'"),
        ("pin_memory", "t.to\\('cuda'\\)"),
        ("bfloat16", "NumPy has no bfloat16"),
    ],
)
def test_absent_pytorch_names_say_what_to_use(torch, name, hint):
    assert hasattr(torch.zeros(1), name)  # a name PyTorch users do meet
    with pytest.raises(
        AttributeError, match=rf"Tensor.{name}: not provided by autograd-core.*{hint}"
    ):
        getattr(ac.zeros(1), name)


def test_other_missing_names_keep_pythons_message():
    t = ac.zeros(1)
    with pytest.raises(AttributeError, match="^'Tensor' object has no attribute 'no_such_thing'$"):
        _ = t.no_such_thing
    assert not hasattr(t, "__array_interface__")
    assert getattr(t, "storage", None) is None


def test_tensor_has_no_getattr_hook():
    # A Tensor.__getattr__ would route every attribute read through CPython's slower hook
    # (t.data 38 -> 75 ns measured); the absent names are properties instead.
    assert "__getattr__" not in vars(ac.Tensor)
    assert isinstance(vars(ac.Tensor)["storage"], property)


def test_absent_names_do_not_replace_real_attributes():
    from autograd_core.tensor_extras import ABSENT

    assert not set(ABSENT) & {"data", "grad", "shape", "dtype", "device", "numpy", "size"}


def test_to_takes_a_numpy_scalar_type_as_a_dtype():
    """np.float32 (the class) has .dtype, .device and .data attributes on NumPy 2, like a
    tensor; .to must read it as the dtype it names."""
    x = ac.ones(2, requires_grad=True)
    y = x.to(np.float16)
    assert y.dtype == np.float16 and x.to(np.float64).dtype == np.float64
    y.sum().backward()
    assert x.grad.dtype == np.float32
