"""The operand tables of test_inplace_math.py: each in-place math method's calls (values,
dtypes, errors) and the recorded gradients compared with torch."""

from __future__ import annotations

import numpy as np


class T:
    """An operand tensor, built in either library (``build``)."""

    def __init__(self, values, dtype="float32", grad=False):
        self.values, self.dtype, self.grad = values, dtype, grad

    def build(self, lib):
        return lib.tensor(self.values, dtype=getattr(lib, self.dtype), requires_grad=self.grad)

    def __repr__(self):
        return f"{self.dtype}{np.shape(self.values)}"


F = [1.5, -2.25, 0.5, 3.0]  # float values (no ties at 0 for comparisons)
POS = [0.5, 2.0, 1.25, 4.0]
INTS = [3, -2, 0, 7]
B = [True, False, True, False]
M = [[1.5, -2.0, 0.5], [3.0, 0.25, -1.0]]
IDX = T([0, 2], "int64")

# (method, x, args, kwargs): x is written in place with args/kwargs, in torch and in ours
VALUE_CASES = [
    ("abs_", T(F), (), {}),
    ("abs_", T(INTS, "int64"), (), {}),
    ("absolute_", T(INTS, "int32"), (), {}),
    ("sqrt_", T(POS), (), {}),
    ("sqrt_", T([4, 2, 0, 9], "int64"), (), {}),  # float result into an int tensor: refused
    ("rsqrt_", T(POS, "float64"), (), {}),
    ("reciprocal_", T(POS), (), {}),
    ("reciprocal_", T([1, 2, 4, 5], "int64"), (), {}),
    ("square_", T(F), (), {}),
    ("square_", T(INTS, "int64"), (), {}),
    ("square_", T(B, "bool"), (), {}),  # int64 into bool: refused
    ("sin_", T(F), (), {}),
    ("cos_", T(4.0), (), {}),  # 0-d
    ("log_", T(POS), (), {}),
    ("log1p_", T(POS), (), {}),
    ("expm1_", T(F), (), {}),
    ("expm1_", T(INTS, "int64"), (), {}),
    ("erf_", T(F), (), {}),
    ("erfc_", T(F, "float64"), (), {}),
    ("sign_", T(F), (), {}),
    ("sign_", T(INTS, "int64"), (), {}),
    ("sign_", T(B, "bool"), (), {}),
    ("floor_", T(F), (), {}),
    ("floor_", T(INTS, "int64"), (), {}),
    ("ceil_", T(F), (), {}),
    ("ceil_", T(INTS, "int32"), (), {}),
    ("round_", T([1.5, 2.5, -0.5, 0.25]), (), {}),
    ("round_", T([1.25, 2.55, -0.35, 12.5]), (), {"decimals": 1}),
    ("conj_physical_", T(F), (), {}),
    ("conj_physical_", T(INTS, "int64"), (), {}),
    ("conj_physical_", T([1 + 2j, 3 - 1j], "complex64"), (), {}),
    ("pow_", T(F), (2,), {}),
    ("pow_", T(POS), (), {"exponent": T([1.0, 0.5, 2.0, -1.0])}),
    ("pow_", T(INTS, "int64"), (2,), {}),
    ("pow_", T(INTS, "int64"), (0.5,), {}),
    ("pow_", T(INTS, "int64"), (-1,), {}),
    ("float_power_", T(POS, "float64"), (0.5,), {}),
    ("float_power_", T(POS), (2,), {}),  # a float32 base: refused, as torch
    ("fmod_", T(F), (1.25,), {}),
    ("fmod_", T(INTS, "int64"), (T([2, 3, 5, -4], "int64"),), {}),
    ("fmod_", T(INTS, "int64"), (1.5,), {}),
    ("remainder_", T(F), (T([1.25], "float32"),), {}),  # broadcast operand
    ("remainder_", T(INTS, "int64"), (3,), {}),
    ("floor_divide_", T(F), (2.0,), {}),
    ("floor_divide_", T(INTS, "int64"), (T([2, -3, 5, 4], "int64"),), {}),
    ("floor_divide_", T(INTS, "int64"), (2.0,), {}),
    ("gcd_", T([4, 6, 9, 0], "int64"), (T([6, 4, 3, 5], "int64"),), {}),
    ("gcd_", T(F), (T(F),), {}),
    ("lcm_", T([4, 6, 9, 0], "int64"), (T([6, 4, 3, 5], "int64"),), {}),
    ("igamma_", T(POS), (T([1.0, 0.5, 3.0, 2.0]),), {}),
    ("igamma_", T(INTS, "int64"), (T(INTS, "int64"),), {}),
    ("igammac_", T(POS, "float64"), (T([1.0, 0.5, 3.0, 2.0], "float64"),), {}),
    ("addcmul_", T(F), (T(POS), T(F)), {"value": 0.5}),
    ("addcmul_", T(INTS, "int64"), (T(INTS, "int64"), T(INTS, "int64")), {"value": 2}),
    ("addcdiv_", T(F), (T(F), T(POS)), {"value": -2.0}),
    ("addcdiv_", T(INTS, "int64"), (T(INTS, "int64"), T([1, 2, 3, 4], "int64")), {}),
    ("addmm_", T(M), (T([[1.0, 2.0], [0.5, -1.0]]), T(M)), {"beta": 2.0, "alpha": 0.5}),
    ("addmm_", T([1.0, 2.0, 3.0]), (T([[1.0, 2.0], [0.5, -1.0]]), T(M)), {}),  # would broadcast
    ("addmv_", T([1.0, -1.0]), (T(M), T([0.5, 1.0, 2.0])), {"beta": 0.5, "alpha": 2.0}),
    ("addbmm_", T(M), (T(np.ones((3, 2, 2))), T(np.ones((3, 2, 3)))), {"alpha": 2.0}),
    ("baddbmm_", T(np.ones((3, 2, 3))), (T(np.ones((3, 2, 2))), T(np.ones((3, 2, 3)))), {}),
    ("cumsum_", T(M), (1,), {}),
    ("cumsum_", T(INTS, "int32"), (0,), {}),
    ("cumsum_", T(B, "bool"), (0,), {}),
    ("cumsum_", T(F), (0,), {"dtype": "float64"}),  # another dtype: refused, as torch
    ("cumprod_", T(M), (0,), {}),
    ("cumprod_", T(INTS, "int64"), (), {"dim": 0}),
    ("tril_", T(np.ones((3, 4))), (), {}),
    ("tril_", T(np.ones((3, 3)), "bool"), (-1,), {}),
    ("triu_", T(np.ones((2, 3, 3))), (), {"diagonal": 1}),
    ("index_fill_", T(M), (1, IDX, -1.0), {}),
    ("index_fill_", T([[1, 2, 3]], "int64"), (1, IDX, 1.5), {}),  # torch truncates 1.5
    ("index_copy_", T(M), (), {"dim": 1, "index": IDX, "source": T([[0.0, 1.0], [2.0, 3.0]])}),
    ("scatter_add_", T(M), (1, T([[0, 0], [2, 1]], "int64"), T([[1.0, 2.0], [3.0, 4.0]])), {}),
    (
        "scatter_reduce_",
        T(M),
        (1, T([[0, 0], [2, 1]], "int64"), T([[1.0, 2.0], [3.0, 4.0]]), "amax"),
        {"include_self": False},
    ),
    ("masked_scatter_", T(M), (T([True, False, True], "bool"), T(np.arange(6.0))), {}),
    ("index_reduce_", T(M), (1, IDX, T([[0.0, 1.0], [2.0, 3.0]]), "prod"), {}),
    ("eq_", T(F), (0.5,), {}),
    ("eq_", T(INTS, "int64"), (3.0,), {}),
    ("eq_", T(B, "bool"), (1,), {}),
    ("ne_", T([3, 0, 5, 1], "uint8"), (T([3, 0, 0, 1], "uint8"),), {}),
    ("not_equal_", T(F), (T([1.5], "float32"),), {}),
    ("lt_", T(F), (0.5,), {}),
    ("less_", T(F), (T([[0.0], [2.0]]),), {}),  # would broadcast x: refused
    ("le_", T(F), (0.5,), {}),
    ("less_equal_", T(INTS, "int64"), (0,), {}),
    ("gt_", T(M), (T([0.0, 0.5, -2.0]),), {}),
    ("greater_", T(F), (0.5,), {}),
    ("ge_", T(F), (0.5,), {}),
    ("greater_equal_", T(4.0), (4.0,), {}),
    ("logical_not_", T(B, "bool"), (), {}),
    ("logical_not_", T([1.5, 0.0, -1.0, 0.0]), (), {}),
    ("logical_and_", T(INTS, "int64"), (T(B, "bool"),), {}),
    ("logical_or_", T([1.5, 0.0, -1.0, 0.0]), (T([0.0, 0.0, 2.0, 0.0]),), {}),
    ("logical_xor_", T(B, "bool"), (T([True, True, False, False], "bool"),), {}),
    ("bitwise_not_", T(INTS, "int64"), (), {}),
    ("bitwise_not_", T(B, "bool"), (), {}),
    ("bitwise_not_", T(F), (), {}),
    ("bitwise_and_", T(INTS, "int64"), (T([1, 3, 5, 6], "int64"),), {}),
    ("bitwise_and_", T(B, "bool"), (1,), {}),  # int64 into bool: refused
    ("bitwise_or_", T(INTS, "int32"), (4,), {}),
    ("bitwise_xor_", T(B, "bool"), (T([True, True, False, False], "bool"),), {}),
    ("bitwise_left_shift_", T([1, 2, 3, 4], "int64"), (2,), {}),
    ("bitwise_right_shift_", T([16, -16, 3, 4], "int64"), (T([1, 2, 1, 0], "int64"),), {}),
    ("fill_diagonal_", T(np.zeros((5, 3))), (2.0,), {"wrap": True}),
]


def build(lib, v):
    if isinstance(v, T):
        return v.build(lib)
    return getattr(lib, v) if v in ("float64", "float32") else v


def apply(lib, method, x, args, kwargs):
    """(x, result) of ``x.<method>(*args, **kwargs)`` in ``lib``, or the exception raised."""
    t = x.build(lib)
    try:
        args = [build(lib, a) for a in args]
        out = getattr(t, method)(*args, **{k: build(lib, v) for k, v in kwargs.items()})
    except Exception as e:  # noqa: BLE001  (compared with the other library's outcome)
        return e
    return t, out


# x.grad (and the grads of operands marked grad=True) with torch's, "zero" with 0 everywhere
GRAD_CASES = [
    ("abs_", F, (), {}, "torch"),
    ("absolute_", F, (), {}, "torch"),
    ("sqrt_", POS, (), {}, "torch"),
    ("rsqrt_", POS, (), {}, "torch"),
    ("reciprocal_", POS, (), {}, "torch"),
    ("square_", F, (), {}, "torch"),
    ("sin_", F, (), {}, "torch"),
    ("cos_", F, (), {}, "torch"),
    ("log_", POS, (), {}, "torch"),
    ("log1p_", POS, (), {}, "torch"),
    ("expm1_", F, (), {}, "torch"),
    ("erf_", F, (), {}, "torch"),
    ("erfc_", F, (), {}, "torch"),
    ("sign_", F, (), {}, "torch"),
    ("floor_", F, (), {}, "torch"),
    ("ceil_", F, (), {}, "torch"),
    ("round_", F, (), {}, "torch"),
    ("conj_physical_", F, (), {}, "torch"),
    ("pow_", POS, (T([1.0, 0.5, 2.0, -1.0], "float64", grad=True),), {}, "torch"),
    ("float_power_", POS, (2.5,), {}, "torch"),
    ("fmod_", F, (T([1.25, 1.0, 0.75, 2.0], "float64", grad=True),), {}, "torch"),
    ("remainder_", F, (T([1.25, 1.0, 0.75, 2.0], "float64", grad=True),), {}, "torch"),
    ("igammac_", POS, (T([1.0, 0.5, 3.0, 2.0], "float64"),), {}, "raises"),
    ("addcmul_", F, (T(POS, "float64", grad=True), T(F, "float64")), {"value": 0.5}, "torch"),
    ("addcdiv_", F, (T(F, "float64"), T(POS, "float64", grad=True)), {"value": 2}, "torch"),
    ("cumsum_", F, (0,), {}, "torch"),
    ("cumprod_", F, (0,), {}, "torch"),
    ("masked_scatter_", F, (T(B, "bool"), T(POS, "float64", grad=True)), {}, "torch"),
    ("index_fill_", F, (0, IDX, 7.0), {}, "torch"),
    ("index_copy_", F, (0, IDX, T([9.0, 8.0], "float64", grad=True)), {}, "torch"),
    ("scatter_add_", F, (0, T([3, 3, 0], "int64"), T(POS[:3], "float64", grad=True)), {}, "torch"),
    (
        "scatter_reduce_",
        F,
        (0, T([3, 3, 0], "int64"), T(POS[:3], "float64", grad=True), "prod"),
        {},
        "torch",
    ),
    ("index_reduce_", F, (0, IDX, T([9.0, 8.0], "float64", grad=True), "amin"), {}, "torch"),
    ("eq_", F, (0.5,), {}, "torch"),
    ("not_equal_", F, (0.5,), {}, "torch"),
    ("lt_", F, (T(POS, "float64", grad=True),), {}, "torch"),
    ("greater_equal_", F, (0.5,), {}, "torch"),
    # torch does not record the logical ops (x's old gradient passes through) and has no
    # derivative of floor_divide_ (backward raises): ours gives the closed form, zero
    ("logical_not_", F, (), {}, "zero"),
    ("logical_and_", F, (T(B, "bool"),), {}, "zero"),
    ("logical_or_", F, (0.0,), {}, "zero"),
    ("logical_xor_", F, (T(F, "float64"),), {}, "zero"),
    ("floor_divide_", F, (T(POS, "float64"),), {}, "zero"),
]


def grads(lib, method, values, args, kwargs, shape=None):
    """x.grad and the operands' grads after ``a = x * 1; a.<method>(...); (a * w).sum()``."""
    x = lib.tensor(np.reshape(values, shape or np.shape(values)), dtype=lib.float64)
    x.requires_grad_()
    built = [build(lib, a) for a in args]
    a = x * 1
    getattr(a, method)(*built, **kwargs)
    w = lib.tensor(np.arange(1.0, a.numel() + 1).reshape(tuple(a.shape)) / 4, dtype=lib.float64)
    (a * w).sum().backward()
    operands = [b.grad for b in built if isinstance(b, lib.Tensor) and b.requires_grad]
    return [g.numpy() if g is not None else None for g in [x.grad, *operands]]
