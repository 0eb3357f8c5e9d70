"""Type promotion across categories follows PyTorch, not NumPy: a bool or integer operand next
to a floating one takes the floating dtype (int64 ⊗ float32 is float32), a Python float next to
an integer tensor takes the default dtype, and integer true division gives the default dtype.
Checked against a table written from PyTorch's documented rules and against torch itself."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import autograd_core as ac

DTYPES = ["bool", "uint8", "int32", "int64", "float16", "float32", "float64"]
OPS = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "maximum": lambda m, a, b: m.maximum(a, b),
    "where": lambda m, a, b: m.where(m.ones(2) > 0, a, b),
}


def _expected(d1: str, d2: str, op: str) -> str:
    """PyTorch's rule for two dimensioned tensors, written out."""
    cat = {"b": 0, "u": 1, "i": 1, "f": 2}
    k1, k2 = np.dtype(d1).kind, np.dtype(d2).kind
    if op == "div" and cat[k1] <= 1 and cat[k2] <= 1:
        return "float32"  # the default float dtype
    if cat[k1] != cat[k2]:
        return d1 if cat[k1] > cat[k2] else d2
    return str(np.result_type(d1, d2))  # within a category NumPy's rule is PyTorch's


def _pair(d1, d2):
    a = ac.tensor(np.array([1, 2]).astype(d1))
    b = ac.tensor(np.array([3, 1]).astype(d2))
    return a, b


@pytest.mark.parametrize(("d1", "d2"), list(itertools.product(DTYPES, DTYPES)))
@pytest.mark.parametrize("op", ["add", "mul", "div"])
def test_tensor_pairs_promote_by_category(d1, d2, op):
    if op in ("add", "mul") and d1 == d2 == "bool":
        pytest.skip("bool + bool is logical or in both libraries' own way")
    a, b = _pair(d1, d2)
    assert str(OPS[op](a, b).dtype) == _expected(d1, d2, op)
    assert str(getattr(ac, op)(a, b).dtype) == _expected(d1, d2, op)  # the function form too


@pytest.mark.parametrize(("d1", "d2"), list(itertools.product(DTYPES, DTYPES)))
@pytest.mark.parametrize("op", ["add", "sub", "mul", "div", "maximum", "where"])
def test_tensor_pairs_match_torch(d1, d2, op, torch):
    if "bool" in (d1, d2) and op == "sub":
        pytest.skip("torch refuses subtraction of bools")
    if d1 == d2 == "bool" and op in ("add", "mul"):
        pytest.skip("bool + bool: torch gives bool, NumPy's logical or")
    a, b = _pair(d1, d2)
    ta, tb = torch.tensor(a.numpy()), torch.tensor(b.numpy())
    fn = OPS[op]
    if op in ("maximum", "where"):
        ours, theirs = fn(ac, a, b), fn(torch, ta, tb)
    else:
        ours, theirs = fn(a, b), fn(ta, tb)
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
    np.testing.assert_allclose(ours.numpy().astype(float), theirs.numpy().astype(float))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("value", [2, 2.5, True])
def test_python_numbers_match_torch(dtype, value, torch):
    x = ac.tensor(np.array([1, 0]).astype(dtype))
    t = torch.tensor(x.numpy())
    for ours, theirs in [(x * value, t * value), (value * x, value * t), (x / 2, t / 2)]:
        assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")


def test_a_float_number_next_to_integers_takes_the_default_dtype():
    x = ac.tensor([1, 2])
    assert (x + 1.5).dtype == ac.float32 and (x / 2).dtype == ac.float32
    ac.set_default_dtype(ac.float64)
    try:
        assert (x + 1.5).dtype == ac.float64 and (x / 2).dtype == ac.float64
    finally:
        ac.set_default_dtype(ac.float32)


def test_gradients_keep_the_floating_operands_dtype():
    w = ac.ones(3, requires_grad=True)
    labels = ac.tensor([1, 0, 2])
    loss = ((w * labels - labels) ** 2).sum() / labels.sum()
    assert loss.dtype == ac.float32  # NumPy's rule would have made it float64
    loss.backward()
    assert w.grad.dtype == ac.float32
    np.testing.assert_allclose(w.grad.numpy(), 2 * (np.ones(3) - 1) * [1, 0, 2] / 3)


ZERO_D = [
    ("float32", (2,), "float64", ()),
    ("float64", (2,), "float32", ()),
    ("int32", (2,), "int64", ()),
    ("float16", (2,), "float64", ()),
    ("int32", (2,), "float64", ()),
    ("float32", (), "float64", ()),
    ("uint8", (2,), "int64", ()),
]


@pytest.mark.parametrize(("d1", "s1", "d2", "s2"), ZERO_D)
@pytest.mark.parametrize("swap", [False, True])
def test_zero_d_tensors_are_weak_within_their_category_as_torch(d1, s1, d2, s2, swap, torch):
    a = np.full(s1, 3).astype(d1)
    b = np.full(s2, 2).astype(d2)
    if swap:
        a, b = b, a
    ours = ac.tensor(a) * ac.tensor(b)
    theirs = torch.tensor(a) * torch.tensor(b)
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")


def test_a_zero_d_operand_cast_down_still_receives_its_gradient():
    w = ac.tensor(2.0, dtype=ac.float64, requires_grad=True)
    y = (ac.ones(3) * w).sum()
    assert y.dtype == ac.float32  # the dimensioned operand's dtype, as torch
    y.backward()
    assert w.grad.dtype == ac.float64 and w.grad.item() == 3.0


@pytest.mark.parametrize("dtype", ["bool", "uint8", "int8", "int32", "int64"])
@pytest.mark.parametrize("fn", ["sum", "prod", "cumsum"])
def test_integer_sums_and_products_are_int64_as_torch(dtype, fn, torch):
    a = np.array([[1, 2, 0], [3, 1, 1]]).astype(dtype)
    args = (0,) if fn == "cumsum" else ()
    ours = getattr(ac.tensor(a), fn)(*args)
    theirs = getattr(torch.tensor(a), fn)(*args)
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "") == "int64"
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_unsigned_sums_do_not_wrap_into_uint64():
    assert ac.tensor(np.array([200, 100], dtype=np.uint8)).sum().dtype == ac.int64
    assert ac.tensor(np.array([True, True])).cumsum(0).tolist() == [1, 2]


@pytest.mark.parametrize("d1", ["float32", "float64", "complex64", "complex128"])
@pytest.mark.parametrize("d2", ["float32", "float64", "complex64", "complex128"])
@pytest.mark.parametrize("n1,n2", [(0, 0), (0, 1), (1, 0), (1, 1)])
def test_floating_and_complex_with_0d_operands_match_torch(d1, d2, n1, n2):
    # a 0-d operand of a lower category does not widen a dimensioned complex (complex64 x ⊗
    # float64 0-d is complex64), and a 0-d complex next to a float32 x gives complex64
    torch = pytest.importorskip("torch")
    a, b = np.ones((2,) * n1, d1), np.ones((2,) * n2, d2)
    want = str(torch.result_type(torch.tensor(a), torch.tensor(b))).replace("torch.", "")
    x, y = ac.tensor(a), ac.tensor(b)
    assert str(ac.result_type(x, y)) == want
    for op in (ac.add, ac.mul, ac.div):
        assert str(op(x, y).dtype) == want
        assert str(op(y, x).dtype) == want
