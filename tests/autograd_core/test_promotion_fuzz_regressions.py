"""Fixed cases for what the type-promotion fuzz test (test_promotion_fuzz.py) found: each failed
on the code before its fix. Values are checked against NumPy or closed forms, refusals against
torch's (where torch is installed) as well as by our error's text."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
from autograd_core.errors import DTypeError

C = np.array([1 + 2j, -1 + 0.5j], dtype=np.complex64)
R = np.array([0.5, 2.0], dtype=np.float32)


@pytest.mark.parametrize(
    "call",
    [
        lambda m, a, b: m.maximum(a, b),
        lambda m, a, b: m.minimum(a, b),
        lambda m, a, b: m.fmax(a, b),
        lambda m, a, b: m.fmin(a, b),
        lambda m, a, b: m.lt(a, b),
        lambda m, a, b: a <= b,
        lambda m, a, b: m.gt(b, a),
        lambda m, a, b: b >= a,
        lambda m, a, b: m.clamp(b, min=a),
        lambda m, a, b: m.clamp(a, max=1.0),
    ],
)
def test_ordering_ops_refuse_complex_operands(call):
    """NumPy orders complex numbers lexicographically; PyTorch refuses (no order exists)."""
    with pytest.raises(DTypeError, match="complex numbers have no order"):
        call(ac, ac.tensor(C), ac.tensor(R))
    torch = pytest.importorskip("torch")
    with pytest.raises((RuntimeError, NotImplementedError)):
        call(torch, torch.tensor(C), torch.tensor(R))


def test_equality_of_complex_still_works():
    assert (ac.tensor(C) == ac.tensor(C)).tolist() == [True, True]


def test_in_place_refuses_a_complex_result_in_a_real_tensor():
    x = ac.tensor(R)
    with pytest.raises(DTypeError, match="cannot be stored in place"):
        x.add_(ac.tensor(C))
    with pytest.raises(DTypeError, match="cannot be stored in place"):
        x *= 1j
    np.testing.assert_array_equal(x.numpy(), R)  # untouched


def test_recorded_in_place_refuses_a_float_result_in_an_integer_tensor():
    """int_tensor.add_(w) with w requiring grad: the recorded path used to cast the float
    result to int64 silently (torch: "result type Float can't be cast to ... Long")."""
    x = ac.tensor([1, 2])
    w = ac.tensor([0.5, 0.25], requires_grad=True)
    with pytest.raises(DTypeError, match="cannot be stored in place"):
        x.add_(w)
    assert x.tolist() == [1, 2]


@pytest.mark.parametrize("name", ["atan2", "copysign", "hypot"])
@pytest.mark.parametrize("dtype", ["bool", "uint8", "int32"])
def test_integer_operands_give_the_default_float_dtype(name, dtype):
    """NumPy's rule gave float16 for bool/uint8 (float64 for int32); PyTorch's atan2 and copysign
    give the default dtype (its hypot refuses integers; ours gives the default dtype)."""
    a = np.array([1, 0, 2]).astype(dtype)
    b = np.array([2, 1, 1]).astype(dtype)
    fn = {"atan2": np.arctan2, "copysign": np.copysign, "hypot": np.hypot}[name]
    want = fn(a.astype(np.float64), b.astype(np.float64))
    got = getattr(ac, name)(ac.tensor(a), ac.tensor(b))
    assert got.dtype == ac.float32
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-6)
    ac.set_default_dtype(ac.float64)
    try:
        assert getattr(ac, name)(ac.tensor(a), ac.tensor(b)).dtype == ac.float64
    finally:
        ac.set_default_dtype(ac.float32)


def test_float_power_with_a_complex_operand_is_complex128():
    """The imaginary part used to be dropped (a float64 result)."""
    got = ac.float_power(ac.tensor([2.0, -1.0]), ac.tensor(C))
    want = np.array([2.0, -1.0], dtype=np.complex128) ** C.astype(np.complex128)
    assert got.dtype == ac.complex128
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-12)
    assert ac.float_power(ac.tensor(C), 2).dtype == ac.complex128


@pytest.mark.parametrize(
    "call",
    [
        lambda x, m: x - m,
        lambda x, m: m - x,
        lambda x, m: ac.sub(x, m),
        lambda x, m: ac.rsub(x, m),
        lambda x, m: x - True,
        lambda x, m: True - x,
        lambda x, m: ac.sub(m, 1),
        lambda x, m: x.clone().sub_(m),
        lambda x, m: x.clone().__isub__(True),
    ],
)
def test_subtraction_with_a_bool_operand_is_refused(call):
    """As PyTorch: ``mask - 1`` is almost always a mistaken ``~mask``; it used to compute."""
    x, m = ac.tensor([3, 1]), ac.tensor([True, False])
    with pytest.raises(DTypeError, match="bool operand"):
        call(x, m)


@pytest.mark.parametrize("op", [lambda a, b: a & b, lambda a, b: a | b, lambda a, b: 1 | b])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_bitwise_operators_refuse_floats(op, dtype):
    """``a & b`` on floats used to give the logical op (a bool tensor); PyTorch refuses."""
    a = ac.tensor([True, False])
    b = ac.tensor(np.array([1.0, 0.0], dtype=dtype))
    with pytest.raises(DTypeError, match="logical_"):
        op(a, b)


def test_bool_powers():
    x = ac.tensor([True, False])
    assert (x**True).dtype == ac.bool and (x**True).tolist() == [True, False]
    assert (x**False).tolist() == [True, True]  # x ** 0 = 1 (0 ** 0 too)
    with pytest.raises(DTypeError, match="two bool tensors"):
        x ** ac.tensor([True, True])
    assert (x ** ac.tensor(np.array([2], dtype=np.int8))).dtype == ac.int8


def test_addcmul_promotes_only_the_tensors():
    """value takes no part: uint8 input with bool factors stays uint8 (was int64)."""
    x = ac.tensor(np.array([1, 2], dtype=np.uint8))
    m = ac.tensor([True, False])
    y = ac.addcmul(x, m, m, value=3)
    assert y.dtype == ac.uint8 and y.tolist() == [4, 2]
    with pytest.raises(DTypeError, match="all bool"):
        ac.addcmul(m, m, m)


def test_complex_dtype_names_exist_at_top_level():
    assert ac.complex64 == np.complex64 and ac.complex128 == np.complex128
    assert ac.cfloat == ac.complex64 and ac.cdouble == ac.complex128
    assert ac.zeros(2, dtype=ac.cfloat).dtype == np.complex64
    for name in ("complex64", "complex128", "cfloat", "cdouble"):
        assert name in ac.__all__


def test_complex_zero_to_the_zero():
    """0 ** 0 is 1 for complex operands (Python's and C99's cpow); torch 2.13 gives NaN."""
    got = ac.tensor(np.array([0j, 1j], dtype=np.complex64)) ** ac.tensor(np.complex64(0j))
    assert got.tolist() == [0j**0j, 1j**0j] == [1 + 0j, 1 + 0j]


def test_out_of_range_numbers_wrap_as_torch():
    """A Python int outside an integer tensor's range is wrapped into it (as PyTorch; NumPy 2
    raised OverflowError): the arithmetic is then right modulo 2^bits."""
    u = ac.tensor(np.array([255, 0, 2], dtype=np.uint8))
    for got, exact in [(u + (-1), [254, -1, 1]), (u - 1000, [-745, -1000, -998])]:
        assert got.dtype == ac.uint8
        assert got.tolist() == [v % 256 for v in exact]
    assert ((-2) - u).tolist() == [(-2 - v) % 256 for v in (255, 0, 2)]
    i8 = ac.tensor(np.array([127, -128], dtype=np.int8))
    assert (i8 + 200).tolist() == [(v + 200 + 128) % 256 - 128 for v in (127, -128)]


@pytest.mark.parametrize("op", [lambda x: x == -1, lambda x: x < 300, lambda x: ac.ne(x, 256)])
def test_comparisons_with_out_of_range_numbers_are_refused(op):
    """torch compares the wrapped value (uint8 255 == -1 is True there): refused instead."""
    with pytest.raises(DTypeError, match="outside the range"):
        op(ac.tensor(np.array([255, 0], dtype=np.uint8)))


@pytest.mark.parametrize(
    ("call", "exact"),
    [
        (lambda u, s: u / s, lambda u, s: u / s),
        (lambda u, s: ac.true_divide(u, s), lambda u, s: u / s),
        (lambda u, s: ac.atan2(u, s), np.arctan2),
        (lambda u, s: ac.float_power(u, s), lambda u, s: u**s),
        (lambda u, s: ac.copysign(u, s), np.copysign),
    ],
)
def test_float_results_use_each_operands_own_values(call, exact):
    """uint8 x with an int8 0-d −2: the integer promotion (uint8) wrapped −2 to 254 before
    the floating computation (2 / −2 gave 0.0079); torch and ours now compute with −2.0."""
    u = np.array([2, 4], dtype=np.uint8)
    s = np.int8(-2)
    got = call(ac.tensor(u), ac.tensor(s))
    np.testing.assert_allclose(got.numpy(), exact(u.astype(np.float64), float(s)), rtol=1e-6)


def test_integer_to_a_negative_python_power_is_refused_before_wrapping():
    """uint8 ** −3 would wrap −3 to 253 (a silent 0) once numbers wrap; refused, as torch."""
    with pytest.raises(DTypeError, match="negative integer powers"):
        ac.tensor(np.array([2], dtype=np.uint8)) ** -3
    with pytest.raises(DTypeError, match="negative integer powers"):
        ac.tensor(np.array([2], dtype=np.uint8)) ** np.int8(-3)


@pytest.mark.parametrize("op", [ac.floor_divide, ac.remainder, ac.fmod])
def test_integer_division_of_an_empty_tensor_by_zero_is_empty(op):
    """Nothing is divided, so nothing raises (torch returns the empty result)."""
    got = op(ac.tensor(np.zeros((0, 1), dtype=np.int64)), ac.tensor(np.uint8(0)))
    assert tuple(got.shape) == (0, 1) and got.dtype == ac.int64


def test_numpy_scalars_count_as_python_numbers():
    """They took part in the promotion as 0-d tensors of their dtype: bool x * numpy.uint8(2)
    was uint8 (torch: int64, a Python int's rule), int x / numpy.float16(2) float16
    (torch: the default dtype)."""
    b = ac.tensor([True, False])
    assert (b * np.uint8(2)).dtype == ac.int64 and (np.uint8(2) * b).tolist() == [2, 0]
    i = ac.tensor([1, 3])
    assert (i / np.float16(2)).dtype == ac.float32
    assert (i + np.float64(0.5)).dtype == ac.float32
    assert (ac.tensor([1.0], dtype=ac.float16) * np.float64(3)).dtype == ac.float16
    assert (b & np.bool_(True)).dtype == ac.bool  # numpy.bool_ is a bool (torch: a float)


def test_complex_zero_divisor_gives_an_infinity():
    """z / 0 for z ≠ 0 is infinite (C99 Annex G.5.2, NumPy); torch 2.13 gives NaN + NaN·i."""
    got = ac.tensor(np.array([2 + 1j, -1j], dtype=np.complex64)) / ac.tensor(np.complex64(0))
    assert np.all(np.isinf(got.numpy()))


def test_shifts_exist_as_functions_and_operators():
    """bitwise_left_shift / bitwise_right_shift and << >> were missing (torch has them); values
    against Python's arithmetic shifts, over-wide and negative amounts as torch and NumPy."""
    x = ac.tensor([13, -13, 1])
    assert (x << 2).tolist() == [13 << 2, -13 << 2, 1 << 2]
    assert ac.bitwise_right_shift(x, 2).tolist() == [13 >> 2, -13 >> 2, 1 >> 2]
    assert (2 << ac.tensor([1, 3])).tolist() == [4, 16]
    assert (x >> ac.tensor([64, 64, -1])).tolist() == [0, -1, 0]
    assert (ac.tensor([True, False]) << 1).dtype == ac.int64
    with pytest.raises(DTypeError, match="bitwise_left_shift"):
        ac.tensor([1.5]) << 1
