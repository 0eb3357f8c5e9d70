"""PyTorch's type promotion for unary functions: a function with a floating result (exp, sqrt,
sin, sigmoid, erf, …) gives the default float dtype for a bool or integer input, where NumPy
gives float64 (or float16 for bool, int8 and uint8); the functions that keep integers in
PyTorch (abs, neg, floor, relu, …) keep them. Checked against PyTorch, and by a table that
runs without it."""

from __future__ import annotations

import inspect
import warnings

import numpy as np
import pytest

import autograd_core as ac
from autograd_core.ops.special_functions import i1

# unary functions whose PyTorch counterpart returns a floating result for integer input
FLOATING = (
    "exp exp2 expm1 log log2 log10 log1p sqrt rsqrt reciprocal sin cos tan asin acos atan "
    "sinh cosh tanh asinh acosh atanh arcsin arccos arctan arcsinh arccosh arctanh sigmoid "
    "logit erf erfc erfinv lgamma digamma i0 sinc deg2rad rad2deg"
).split()
# unary functions that keep integers in PyTorch (checked on integers: PyTorch refuses most of
# them for bool)
KEEP = "abs neg relu floor ceil round trunc fix sign sgn square".split()

# the inputs hold 0 (False): log, rsqrt and reciprocal give −inf or inf there, and NumPy's
# kernels warn about it, which is not what these tests check
pytestmark = pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")

INTEGER_DTYPES = ("int64", "int32", "uint8")
DTYPES = (*INTEGER_DTYPES, "bool")


def _input(dtype: str) -> np.ndarray:
    values = [False, True, True] if dtype == "bool" else [0, 1, 2]
    return np.array(values, dtype=dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", FLOATING)
def test_floating_functions_give_the_default_dtype_for_integers(name, dtype):
    y = getattr(ac, name)(ac.tensor(_input(dtype)))
    assert y.dtype == ac.get_default_dtype() == np.float32
    assert not y.requires_grad


@pytest.mark.parametrize("name", ["exp", "sqrt", "sigmoid", "erf", "lgamma", "sinc"])
def test_floating_functions_follow_a_float64_default_dtype(name):
    previous = ac.get_default_dtype()
    ac.set_default_dtype(ac.float64)
    try:
        for dtype in DTYPES:
            y = getattr(ac, name)(ac.tensor(_input(dtype)))
            assert y.dtype == np.float64, (name, dtype)
            # values: the function of the input cast to float64 first
            want = getattr(ac, name)(ac.tensor(_input(dtype).astype(np.float64)))
            np.testing.assert_array_equal(y.numpy(), want.numpy())
    finally:
        ac.set_default_dtype(previous)
    assert ac.get_default_dtype() == np.float32


def test_floating_functions_keep_floating_inputs_and_their_grads():
    for dtype in (ac.float32, ac.float64):
        x = ac.tensor([0.5, 1.0], dtype=dtype, requires_grad=True)
        y = ac.exp(x)
        assert y.dtype == dtype and y.requires_grad
        y.sum().backward()
        np.testing.assert_allclose(x.grad.numpy(), np.exp([0.5, 1.0]), rtol=1e-6)
    assert ac.sqrt(ac.tensor([4.0], dtype=ac.float16)).dtype == np.float16


def test_integer_values_match_numpy_in_float32():
    got = ac.exp(ac.tensor([0, 1, 2])).numpy()
    np.testing.assert_array_equal(got, np.exp(np.array([0, 1, 2], dtype=np.float32)))
    got = ac.sqrt(ac.tensor([True, False])).numpy()
    np.testing.assert_array_equal(got, np.array([1.0, 0.0], dtype=np.float32))


@pytest.mark.parametrize("dtype", INTEGER_DTYPES)
@pytest.mark.parametrize("name", KEEP)
def test_integer_preserving_functions_keep_integers(name, dtype):
    y = getattr(ac, name)(ac.tensor(_input(dtype)))
    assert y.dtype == np.dtype(dtype)


def _torch_dtype(torch, dtype):
    return getattr(torch, dtype)


def _assert_like_torch(torch, name, dtype):
    x = _input(dtype)
    want = getattr(torch, name)(torch.tensor(x, dtype=_torch_dtype(torch, dtype)))
    got = getattr(ac, name)(ac.tensor(x))
    assert str(got.dtype) == str(want.dtype).removeprefix("torch."), (name, dtype)
    # float32 results: a few ulps between NumPy's and PyTorch's kernels
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", FLOATING)
def test_floating_dtypes_and_values_match_torch(torch, name, dtype):
    _assert_like_torch(torch, name, dtype)


@pytest.mark.parametrize("dtype", INTEGER_DTYPES)
@pytest.mark.parametrize("name", KEEP)
def test_integer_preserving_dtypes_and_values_match_torch(torch, name, dtype):
    _assert_like_torch(torch, name, dtype)


def _public_functions_shared_with(torch):
    for name in sorted(dir(ac)):
        ours, theirs = getattr(ac, name), getattr(torch, name, None)
        if name.startswith("_") or theirs is None:
            continue
        if callable(ours) and not inspect.isclass(ours) and callable(theirs):
            yield name


def test_every_shared_function_with_a_floating_result_for_integers_matches(torch):
    # every public function that PyTorch also has and that takes one tensor: where PyTorch
    # returns a floating tensor for an integer or bool input, ours has the same dtype
    seen = []
    for name in _public_functions_shared_with(torch):
        for dtype in DTYPES:
            try:
                with warnings.catch_warnings():  # PyTorch's deprecation notes (meshgrid, …)
                    warnings.simplefilter("ignore")
                    want = getattr(torch, name)(torch.tensor(_input(dtype)))
            except Exception:  # noqa: BLE001  (not a one-tensor function, or refused)
                continue
            if not isinstance(want, torch.Tensor) or not want.is_floating_point():
                continue
            got = getattr(ac, name)(ac.tensor(_input(dtype)))
            assert str(got.dtype) == str(want.dtype).removeprefix("torch."), (name, dtype)
            seen.append(name)
    assert set(FLOATING) - {"deg2rad", "rad2deg"} <= set(seen)


@pytest.mark.parametrize("dtype", DTYPES)
def test_polygamma_and_i1_give_the_default_dtype(torch, dtype):
    x = _input(dtype)
    got = ac.polygamma(1, ac.tensor(x + 1 if dtype != "bool" else x))
    want = torch.polygamma(1, torch.tensor(x + 1 if dtype != "bool" else x))
    assert got.dtype == np.float32 and want.dtype == torch.float32
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6)
    got = i1(ac.tensor(x))
    want = torch.special.i1(torch.tensor(x))
    assert got.dtype == np.float32 and want.dtype == torch.float32
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6)
