"""Result dtypes of unary functions and reductions on bool, uint8 and other integer inputs, as
PyTorch 2.13 gives them: all/any of uint8 are uint8, square of bool is int64 (x ** 2), sign of
bool is bool, the diagonal builders and triangles keep bool, cumprod accumulates uint8 in
int64, logsumexp of integers is floating, vander of integers is int64. A table that runs without
PyTorch, the same against PyTorch (values too), and a sweep of every public function and Tensor
method that PyTorch shares, called with one bool or uint8 tensor (and dim/keepdim)."""

from __future__ import annotations

import inspect
import warnings

import numpy as np
import pytest

import autograd_core as ac

DTYPES = ("bool", "uint8", "int32", "int64", "float32", "float64")


def _input(dtype: str, shape: tuple[int, ...] = (2, 3)) -> np.ndarray:
    """0, 1, 2, 0, 1, 2, … (False, True, True, … for bool) in ``shape``."""
    return (np.arange(int(np.prod(shape))) % 3).reshape(shape).astype(dtype)


# (call, {input dtype: result dtype}); a dtype left out keeps the input's dtype
FLOAT = "float32"  # the default float dtype
BOOL_BUT_UINT8 = {d: "bool" for d in ("int32", "int64", "float32", "float64")}
TO_INT64 = {d: "int64" for d in ("bool", "uint8", "int32")}
TABLE = {
    "all": (lambda x: ac.all(x), BOOL_BUT_UINT8),
    "all(dim=1)": (lambda x: x.all(dim=1), BOOL_BUT_UINT8),
    "any(dim=0, keepdim)": (lambda x: ac.any(x, 0, True), BOOL_BUT_UINT8),
    "square": (lambda x: ac.square(x), {"bool": "int64"}),
    "sign": (lambda x: ac.sign(x), {}),
    "sgn": (lambda x: x.sgn(), {}),
    "diag (1-D)": (lambda x: ac.diag(x[0]), {}),
    "diag (2-D)": (lambda x: ac.diag(x, 1), {}),
    "diagonal": (lambda x: x.diagonal(), {}),
    "diag_embed": (lambda x: ac.diag_embed(x, -1), {}),
    "diagflat": (lambda x: x.diagflat(1), {}),
    "tril": (lambda x: ac.tril(x), {}),
    "triu": (lambda x: x.triu(1), {}),
    "cumprod": (lambda x: ac.cumprod(x, 1), TO_INT64),
    "logsumexp": (
        lambda x: ac.logsumexp(x, 1),
        {d: FLOAT for d in ("bool", "uint8", "int32", "int64")},
    ),
    "vander": (lambda x: ac.vander(x[0]), TO_INT64),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(TABLE))
def test_result_dtypes_table(name, dtype):
    call, changed = TABLE[name]
    assert str(call(ac.tensor(_input(dtype))).dtype) == changed.get(dtype, dtype)


@pytest.mark.parametrize("dtype", ("bool", "uint8"))
def test_all_any_values_are_zero_or_one(dtype):
    x = ac.tensor(np.array([[3, 0], [5, 7]], dtype=dtype))
    np.testing.assert_array_equal(ac.all(x, dim=1).numpy(), np.array([0, 1], dtype=dtype))
    np.testing.assert_array_equal(x.any(dim=0).numpy(), np.array([1, 1], dtype=dtype))
    assert x.all().item() == 0 and ac.any(x).item() == 1
    empty = ac.tensor(np.zeros((0,), dtype))  # the identities: all of nothing is 1, any is 0
    assert (ac.all(empty).item(), ac.any(empty).item()) == (1, 0)


def test_sign_of_bool_is_a_new_bool_tensor():
    x = ac.tensor([True, False])
    y = ac.sign(x)
    assert y.dtype == np.bool_ and y.tolist() == [True, False]
    y.data[0] = False  # a copy, as torch.sign's result
    assert x.tolist() == [True, False]


def test_square_of_bool_matches_pow():
    x = ac.tensor([True, False, True])
    assert ac.square(x).dtype == (x**2).dtype == np.int64
    assert ac.square(x).tolist() == [1, 0, 1]


def test_float_square_keeps_its_gradient():
    x = ac.tensor([1.5, -2.0], dtype=ac.float64, requires_grad=True)
    ac.square(x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, -4.0])


def test_triangles_and_diagonals_of_a_float_tensor_keep_their_gradient():
    x = ac.tensor(np.arange(1.0, 7.0).reshape(2, 3), requires_grad=True)
    (x.tril().sum() + ac.diag_embed(x).sum() * 10).backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[11, 10, 10], [11, 11, 10]])


# -- against PyTorch ---------------------------------------------------------------------


def _assert_same(got, want, torch, what):
    if isinstance(want, (tuple, list)):
        assert isinstance(got, (tuple, list)) and len(got) == len(want), what
        for g, w in zip(got, want, strict=True):
            _assert_same(g, w, torch, what)
        return
    if not isinstance(want, torch.Tensor):
        assert type(got) is type(want) or got == want, what
        return
    assert isinstance(got, ac.Tensor), what
    assert str(got.dtype) == str(want.dtype).removeprefix("torch."), (what, got.dtype)
    assert tuple(got.shape) == tuple(want.shape), what
    theirs = want.detach().numpy()
    if theirs.dtype.kind in "fc":
        np.testing.assert_allclose(got.numpy(), theirs, rtol=1e-5, atol=1e-6, err_msg=str(what))
    else:
        np.testing.assert_array_equal(got.numpy(), theirs, err_msg=str(what))


TORCH_CALLS = {
    "all": lambda m, x: m.all(x),
    "all(dim=1)": lambda m, x: x.all(dim=1),
    "all(dim=0, keepdim)": lambda m, x: m.all(x, dim=0, keepdim=True),
    "any": lambda m, x: x.any(),
    "any(dim=-1)": lambda m, x: m.any(x, dim=-1),
    "any(dim=1, keepdim)": lambda m, x: x.any(1, True),
    "square": lambda m, x: m.square(x),
    "square method": lambda m, x: x.square(),
    "sign": lambda m, x: m.sign(x),
    "sgn method": lambda m, x: x.sgn(),
    "diag (1-D)": lambda m, x: m.diag(x[1]),
    "diag (2-D, offset)": lambda m, x: x.diag(-1),
    "diagonal": lambda m, x: m.diagonal(x, 1),
    "diag_embed": lambda m, x: x.diag_embed(1),
    "diagflat": lambda m, x: m.diagflat(x, -1),
    "tril": lambda m, x: m.tril(x),
    "triu": lambda m, x: x.triu(-1),
    "cumprod": lambda m, x: m.cumprod(x, 1),
    "logsumexp": lambda m, x: m.logsumexp(x, 1),
    "vander": lambda m, x: m.vander(x[1]),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(TORCH_CALLS))
def test_dtypes_and_values_match_torch(torch, name, dtype):
    x = _input(dtype)
    call = TORCH_CALLS[name]
    _assert_same(call(ac, ac.tensor(x)), call(torch, torch.tensor(x)), torch, (name, dtype))


# -- the sweep: every public function and method PyTorch shares --------------------------

# names whose results are random, uninitialised, or which change global state
_SKIP_WORDS = ("rand", "bernoulli", "multinomial", "poisson", "normal", "dropout", "empty")
_SKIP = {"manual_seed", "seed", "exponential_", "geometric_", "cauchy_", "log_normal_"}
_SKIP |= {"uniform_", "random_", "save", "load"}
CALLS = ({}, {"dim": 0}, {"dim": -1, "keepdim": True})


def _skipped(name):
    return (
        name.startswith("_")
        or name.startswith("set_")
        or name in _SKIP
        or any(w in name for w in _SKIP_WORDS)
    )


def _shared_names(torch, methods):
    ours, theirs = (ac.Tensor, torch.Tensor) if methods else (ac, torch)
    for name in sorted(dir(ours)):
        if _skipped(name) or not hasattr(theirs, name):
            continue
        a, b = inspect.getattr_static(ours, name), inspect.getattr_static(theirs, name)
        if isinstance(a, property) or isinstance(b, property) or inspect.isclass(a):
            continue
        if callable(getattr(ours, name)) and callable(getattr(theirs, name)):
            yield name


def _call(module_or_tensor, name, x, kwargs, methods):
    with warnings.catch_warnings():  # deprecation notes, division by zero in log of 0, …
        warnings.simplefilter("ignore")
        if methods:
            return getattr(x, name)(**kwargs)
        return getattr(module_or_tensor, name)(x, **kwargs)


@pytest.mark.parametrize("methods", [False, True], ids=["functions", "methods"])
@pytest.mark.parametrize("shape", [(3,), (2, 3)], ids=["1-D", "2-D"])
@pytest.mark.parametrize("dtype", ["bool", "uint8", "int32"])
def test_sweep_of_shared_functions_matches_torch(torch, dtype, shape, methods):
    checked, mismatches = 0, []
    for name in _shared_names(torch, methods):
        for kwargs in CALLS:
            x = _input(dtype, shape)
            try:
                want = _call(torch, name, torch.tensor(x), kwargs, methods)
            except Exception:  # noqa: BLE001  (not a one-tensor call, or torch refuses it)
                continue
            try:
                got = _call(ac, name, ac.tensor(x), kwargs, methods)
                _assert_same(got, want, torch, (name, kwargs))
            except Exception as e:  # noqa: BLE001  (collected, reported together below)
                mismatches.append(f"{name}({kwargs}): {type(e).__name__}: {str(e)[:160]}")
            checked += 1
    assert not mismatches, "\n".join(mismatches)
    assert checked > 100  # the sweep did reach the functions (not all skipped)
