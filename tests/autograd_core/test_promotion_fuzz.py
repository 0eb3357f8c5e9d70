"""Differential fuzzing of type promotion against torch 2.13: every binary arithmetic,
comparison, logical and bitwise op ours has (functions, Tensor operators and their reflected
forms, in-place methods) on two operands drawn from tensors and 0-d tensors of bool, uint8,
int8, int16, int32, int64, float16, float32, float64, complex64 and complex128, Python bool,
int, float and complex numbers and NumPy integer and floating scalars (ours reads them as the
Python number of their kind, as torch does; torch reads numpy.bool_ and NumPy complex scalars
as floats, ours as bool and complex: not drawn; autograd_core/ops/common.py NUMPY_SCALARS),
with broadcasting shapes. Compared: whether the call raises
(both must, or neither), the result's dtype, shape and values. Values are small (integers
-3..3, halves, a zero often: integer division by zero, 0 ** negative) so that no integer
overflows except by the wrap-around both libraries share.

In-place methods keep self's dtype and refuse a result of a higher category (``x.add_(1.5)`` on
an integer tensor; ``loses_values``). Where the libraries differ on purpose the comparison is
narrowed by ``_deviation``, which names each case; the fixed cases are in
test_promotion_fuzz_regressions.py."""

from __future__ import annotations

import operator
import warnings

import numpy as np
import pytest
from elementwise_fuzz import fuzz_settings, pair_shapes, seeds, slow_settings
from hypothesis import given
from hypothesis import strategies as st

import autograd_core as ac

torch = pytest.importorskip("torch")

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64"]
DTYPES += ["float16", "float32", "float64", "complex64", "complex128"]
NUMBERS = ["bool", "int", "float", "complex"]


def _f(name):
    return lambda m, a, b: getattr(m, name)(a, b)


def _method(name):
    return lambda m, a, b: getattr(a, name)(b)


FUNCTIONS = "add sub mul div true_divide floor_divide remainder fmod pow float_power maximum"
FUNCTIONS += " minimum fmax fmin atan2 hypot copysign eq ne lt le gt ge logical_and logical_or"
FUNCTIONS += " logical_xor bitwise_and bitwise_or bitwise_xor"
FUNCTIONS += " bitwise_left_shift bitwise_right_shift"
OPS = {name: _f(name) for name in FUNCTIONS.split()}
OPERATORS = {
    "+": "__add__", "-": "__sub__", "*": "__mul__", "/": "__truediv__", "//": "__floordiv__",
    "%": "__mod__", "**": "__pow__", "&": "__and__", "|": "__or__", "^": "__xor__",
    "<<": "__lshift__", ">>": "__rshift__", "==": "__eq__", "!=": "__ne__", "<": "__lt__",
    "<=": "__le__", ">": "__gt__", ">=": "__ge__",
}  # fmt: skip
for sym, dunder in OPERATORS.items():
    names = {"__and__": "and_", "__or__": "or_", "__lshift__": "lshift", "__rshift__": "rshift"}
    fn = getattr(operator, names.get(dunder, dunder[2:-2]))
    OPS[f"a {sym} b"] = (lambda f: lambda m, a, b: f(a, b))(fn)
    # b on the left: a number calls a's reflected method (2 - x: x.__rsub__(2)), a tensor its own
    OPS[f"b {sym} a"] = (lambda f: lambda m, a, b: f(b, a))(fn)
OPS["where"] = lambda m, a, b: m.where(m.tensor([True, False, True]), a, b)
OPS["clamp(min=b)"] = lambda m, a, b: m.clamp(a, min=b)
OPS["clamp(max=b)"] = lambda m, a, b: m.clamp(a, max=b)
OPS["lerp"] = lambda m, a, b: m.lerp(a, b, 0.5)
OPS["addcmul"] = lambda m, a, b: m.addcmul(a, b, b, value=2)
OPS["addcdiv"] = lambda m, a, b: m.addcdiv(a, b, b, value=2)
INPLACE = "add_ sub_ mul_ div_ true_divide_ atan2_ hypot_ copysign_ clamp_".split()
INPLACE += "__iadd__ __isub__ __imul__ __itruediv__".split()
for name in INPLACE:
    OPS[f"a.{name}(b)"] = _method(name)


def _values(rng, dtype, shape):
    """Small values of ``dtype``: integers -3..3 (0..3 unsigned) with a zero one time in four,
    floats with halves, complex with an imaginary part."""
    x = rng.integers(-3, 4, size=shape).astype(np.float64)
    x[rng.random(shape) < 0.25] = 0
    if dtype == "bool":
        return x > 0
    if dtype == "uint8":
        return np.abs(x).astype(dtype)
    if dtype.startswith("float"):
        return (x + 0.5 * rng.integers(0, 2, size=shape)).astype(dtype)
    if dtype.startswith("complex"):
        return (x + 1j * rng.integers(-2, 3, size=shape)).astype(dtype)
    return x.astype(dtype)


@st.composite
def operand(draw, shape, numbers=True):
    """('tensor' | '0d', dtype, array) or ('number', type name, value)."""
    kinds = ["tensor", "tensor", "0d", "number", "numpy"] if numbers else ["tensor", "0d"]
    kind = draw(st.sampled_from(kinds))
    rng = np.random.default_rng(draw(seeds))
    if kind == "number":
        name = draw(st.sampled_from(NUMBERS))
        source = {"bool": "bool", "int": "int64", "float": "float64", "complex": "complex128"}
        value = _values(rng, source[name], ()).item()
        return ("number", name, value)
    if kind == "numpy":  # a NumPy scalar: the Python number of its kind (NUMPY_SCALARS)
        dtype = draw(st.sampled_from(DTYPES[1:9]))  # (bool and complex: see _deviation)
        return ("numpy", dtype, np.asarray(_values(rng, dtype, ()))[()])
    dtype = draw(st.sampled_from(DTYPES))
    return (kind, dtype, _values(rng, dtype, shape if kind == "tensor" else ()))


@st.composite
def cases(draw):
    sa, sb = draw(pair_shapes())
    sa = (3,) if len(sa) == 0 or sa[-1] != 3 and sa[-1] != 1 else sa  # where's condition: 3
    a = draw(operand(sa, numbers=False))
    b = draw(operand(sb))
    return a, b


def _make(lib, arg):
    kind, _, value = arg
    if kind in ("number", "numpy"):
        return value
    return ac.tensor(value) if lib is ac else torch.tensor(value)


def _run(lib, name, a, b):
    """(dtype name, array) or (exception,)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            y = OPS[name](lib, _make(lib, a), _make(lib, b))
    except Exception as e:  # noqa: BLE001  (compared with the other library's outcome)
        return (e,)
    if lib is ac:
        return str(y.dtype), y.numpy()
    return str(y.dtype).removeprefix("torch."), y.numpy()


def _integral(arg):
    return arg[1] in ("bool", "int") or arg[1] in DTYPES[:6]


def _complex32(a, b) -> bool:
    """torch promotes float16 and complex to complex32 ("chalf"), which NumPy lacks, and then
    mostly fails; ours gives NumPy's complex64/128 (promote_pair's docstring): not compared."""
    kinds = {a[1], b[1]}
    return "float16" in kinds and bool(kinds & {"complex", "complex64", "complex128"})


def _deviation(name, a, b, want, got) -> bool:
    """Whether this case is one where ours differs from torch on purpose (each is named)."""
    if len(want) == 2 and len(got) == 1 and name.startswith(("clamp", "a.clamp_")):
        # ours refuses a complex bound; torch's clamp casts a complex Python number to the
        # real dtype, dropping its imaginary part (clamp(x, max=1j) clamps at 0)
        if b[1] == "complex":
            return True
    if len(want) == 1 and len(got) == 2:
        # ours takes a Python number where torch's signature wants a tensor (maximum(x, 2))
        if isinstance(want[0], TypeError) and b[0] in ("number", "numpy"):
            return True
        # ours' hypot takes integers (the default dtype); torch has no integer kernel. ours'
        # clamp takes a bool tensor with bool bounds; torch has no bool kernel
        if name.startswith(("hypot", "a.hypot_", "clamp", "a.clamp_")) and _integral(a):
            return _integral(b)
    if len(want) == 2 and len(got) == 1:
        # ours refuses to compare an integer tensor with a Python int outside its range;
        # torch compares the wrapped-around value (uint8 255 == -1 is True there)
        if "outside the range" in str(got[0]):
            return True
        # ours refuses integers to negative integer powers for tensor exponents too; torch
        # truncates them there (2 ** tensor([-1]) is 0) (pow's docstring)
        if "**" in name or name == "pow":
            return _integral(a) and _integral(b)
        # ours has no complex lerp (its ops are real; complex tensors carry no gradient)
        if name == "lerp":
            return "complex" in str(want[0])
    return False


def _complex_zeros(name, a, b):
    """Where torch's complex result is NaN and ours is not, for a zero operand: None or a mask
    that broadcasts to the result.

    - pow: torch 2.13 gives NaN for 0 ** 0 (and 0 ** any exponent whose real part is not
      positive); ours gives Python's and C99's cpow value, 1 for 0 ** 0.
    - division: torch gives NaN + NaN·i for z / 0 with z ≠ 0; ours an infinity, as C99
      (Annex G.5.2: a nonzero divided by zero is infinite) and NumPy.

    Pinned in test_promotion_fuzz_regressions.py (test_complex_zero_*)."""
    first, second = (b, a) if name.startswith("b ") else (a, b)
    x, y = np.asarray(first[2]), np.asarray(second[2])
    if "**" in name or "pow" in name:
        return (x == 0) & (y == 0)
    if "/" in name or "div" in name:
        return y == 0
    return None


def _case(name, a, b):
    if _complex32(a, b):
        return
    want, got = _run(torch, name, a, b), _run(ac, name, a, b)
    if _deviation(name, a, b, want, got):
        return
    if len(want) == 1:
        assert len(got) == 1, f"torch raised {want[0]!r}; ours gave {got}"
        return
    assert len(got) == 2, f"ours raised {got[0]!r}; torch gave {want}"
    assert got[0] == want[0], ("dtype", got[0], want[0])
    g, w = got[1], want[1]
    assert g.shape == w.shape, ("shape", g.shape, w.shape)
    if w.dtype.kind == "c":
        skip = _complex_zeros(name, a, b)
        if skip is not None:
            skip = np.broadcast_to(skip, w.shape)
            g, w = np.where(skip, 0, g), np.where(skip, 0, w)
    if w.dtype.kind in "fc":
        rtol = 2e-3 if "float16" in (a[1], b[1], want[0]) else 2e-6
        np.testing.assert_allclose(g, w, rtol=rtol, atol=1e-6, equal_nan=True)
    else:
        np.testing.assert_array_equal(g, w)


@pytest.mark.parametrize("name", sorted(OPS))
@fuzz_settings(10)
@given(ab=cases())
def test_promotion_matches_torch(name, ab):
    _case(name, *ab)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(OPS))
@slow_settings(300)
@given(ab=cases())
def test_promotion_matches_torch_slow(name, ab):
    _case(name, *ab)
