"""float16 var, std, var_mean and std_mean against PyTorch, bit for bit, over shapes, dims,
keepdim and corrections.

PyTorch's CPU kernels compute a float16 variance in float32 and round once: its float16 result
equals its float32 result on the same values rounded to float16 (checked first, so that a change
in PyTorch shows up as such). std used to round the variance to float16 and take the square
root of that, a second rounding that left it one float16 ulp off (the third significant digit)
for about one slice in five.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import autograd_core as ac

# torch warns where a slice has no more elements than the correction (the (1, 50) case)
pytestmark = pytest.mark.filterwarnings("ignore:.*degrees of freedom is <= 0:UserWarning")

# (shape, dim): whole tensor, each single axis (also negative), axis pairs, and long slices
CASES = [
    ((1000,), None),
    ((37, 53), 0),
    ((37, 53), 1),
    ((37, 53), -1),
    ((8, 9, 10), (0, 2)),
    ((8, 9, 10), (-1, -2)),
    ((5, 6, 7), None),
    ((4, 300), 1),
    ((300, 4), 0),
    ((2, 7000), 1),
    ((64, 3), 0),
    ((1, 50), 0),  # one element per slice: correction 1 divides by 0
]
# (our keyword arguments, torch's): correction 0/1/2, unbiased True/False, and the default
CORRECTIONS = [
    ({"correction": 0}, {"correction": 0}),
    ({"correction": 1}, {"correction": 1}),
    ({"correction": 2}, {"correction": 2}),
    ({"unbiased": False}, {"unbiased": False}),
    ({"unbiased": True}, {"unbiased": True}),
    ({}, {}),
]


def _data(shape: tuple[int, ...]) -> np.ndarray:
    rng = np.random.default_rng(sum(shape))
    return (rng.standard_normal(shape) * 3.0 + 1.0).astype(np.float16)


def _dim_args(dim, keepdim: bool) -> dict:
    return {} if dim is None else {"dim": dim, "keepdim": keepdim}


def _same_bits(got: np.ndarray, want: np.ndarray) -> None:
    """The same float16 bits, except that any NaN matches any NaN (torch's has the sign bit)."""
    assert got.dtype == want.dtype == np.float16 and got.shape == want.shape
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    number = ~np.isnan(want)
    np.testing.assert_array_equal(got[number].view(np.uint16), want[number].view(np.uint16))


@pytest.mark.parametrize("name", ["var", "std"])
def test_torch_float16_var_std_is_its_float32_result_rounded_once(torch, name):
    for shape, dim in CASES:
        for _, kw in CORRECTIONS:
            tx = torch.tensor(_data(shape))
            half = getattr(torch, name)(tx, **_dim_args(dim, False), **kw)
            wide = getattr(torch, name)(tx.float(), **_dim_args(dim, False), **kw).half()
            _same_bits(half.numpy(), wide.numpy())


@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("corr", CORRECTIONS, ids=lambda c: str(c[0]) or "default")
@pytest.mark.parametrize("shape, dim", CASES, ids=str)
@pytest.mark.parametrize("name", ["var", "std"])
def test_float16_var_std_match_torch_bitwise(torch, name, shape, dim, corr, keepdim):
    ours_kw, torch_kw = corr
    x = _data(shape)
    got = getattr(ac, name)(ac.tensor(x), **_dim_args(dim, keepdim), **ours_kw).numpy()
    want = getattr(torch, name)(torch.tensor(x), **_dim_args(dim, keepdim), **torch_kw).numpy()
    _same_bits(got, want)


@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("correction", [0, 1, None])
@pytest.mark.parametrize("shape, dim", CASES, ids=str)
@pytest.mark.parametrize("name", ["var_mean", "std_mean"])
def test_float16_var_std_mean_match_torch_bitwise(torch, name, shape, dim, correction, keepdim):
    x = _data(shape)
    kw = {} if correction is None else {"correction": correction}
    if dim is not None:
        kw |= {"dim": dim, "keepdim": keepdim}
    got = getattr(ac, name)(ac.tensor(x), **kw)
    want = getattr(torch, name)(torch.tensor(x), **kw)
    for g, w in zip(got, want, strict=True):
        _same_bits(g.numpy(), w.numpy())


def test_float16_std_of_a_small_slice_is_rounded_once():
    # mean 2.25, Σ(x − x̄)² = 92.75, var = 92.75 / 3 = 30.916…: float16 30.92 (spacing 0.016),
    # and √30.92 = 5.5606 rounds to 5.562 where √30.916… = 5.5603 rounds to 5.559
    x = ac.tensor([5.0, 4.0, 6.0, -6.0], dtype=ac.float16)
    assert ac.std(x).item() == float(np.float16(math.sqrt(92.75 / 3)))
    assert ac.std_mean(x)[0].item() == float(np.float16(math.sqrt(92.75 / 3)))
    assert ac.var(x).item() == float(np.float16(92.75 / 3))


@pytest.mark.parametrize("correction", [0, 1, 2])
@pytest.mark.parametrize("shape, dim", CASES, ids=str)
@pytest.mark.parametrize("name", ["var", "std", "var_mean", "std_mean"])
def test_float16_var_std_gradients_match_torch_bitwise(torch, name, shape, dim, correction):
    # PyTorch's var_backward: (2 / (N − c)) · ḡ (rounded to float16, 2/(N − c) in float32),
    # times x − mean(x) with the float16 mean; std scales ḡ by 1 / (2y) first (rounded also).
    # The rounding of ḡ(x − x̄) / ((N − c)/2) instead left the gradients 1-2 ulps off.
    x = _data(shape)
    kw = {"correction": correction} | _dim_args(dim, False)
    tx = torch.tensor(x, requires_grad=True)
    t_out = getattr(torch, name)(tx, **kw)
    t_out = t_out if isinstance(t_out, tuple) else (t_out,)
    rng = np.random.default_rng(len(shape) + correction)
    gys = [rng.standard_normal(tuple(o.shape)).astype(np.float16) for o in t_out]
    (want,) = torch.autograd.grad(t_out, [tx], [torch.tensor(g) for g in gys])
    ax = ac.tensor(x, requires_grad=True)
    out = getattr(ac, name)(ax, **kw)
    out = list(out) if isinstance(out, tuple) else [out]
    (got,) = ac.grad(out, [ax], [ac.tensor(g) for g in gys])
    _same_bits(got.numpy(), want.numpy())


@pytest.mark.parametrize("name", ["var", "std"])
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("correction", [3, 4, 6])
def test_var_std_with_n_at_most_correction_match_torch(torch, name, dtype, correction):
    # N ≤ c: var is inf (NaN for a constant row); PyTorch's gradient (with dim) is the formula
    # 2ȳ(x − x̄)/(N − c): finite for N < c, ±inf or NaN for N = c; std's is NaN. Ours was NaN.
    x = np.array([[1.0, 3.0, 2.0], [4.0, 4.0, 4.0], [0.5, -1.0, 7.0], [2.0, 1.0, 0.0]], dtype)
    gy = np.array([-2.0, 1.0, 0.0, 0.5], dtype)
    t = ac.tensor(x, requires_grad=True)
    with np.errstate(all="raise"):
        y = getattr(t, name)(dim=1, correction=correction)
        (g,) = ac.grad(y, [t], ac.tensor(gy))
    tx = torch.tensor(x, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch: "degrees of freedom is <= 0"
        ty = getattr(torch, name)(tx, dim=1, correction=correction)
        (tg,) = torch.autograd.grad(ty, [tx], torch.tensor(gy))
    np.testing.assert_array_equal(y.numpy(), ty.detach().numpy())
    np.testing.assert_array_equal(g.numpy(), tg.numpy())
    if name == "var":  # not vacuous: finite entries for N < c, infinite ones for N = c
        assert np.isfinite(g.numpy()).sum() == (12 if correction > 3 else 0)
