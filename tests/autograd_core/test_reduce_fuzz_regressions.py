"""Fixed cases for what the reduction fuzzing (test_reduce_fuzz*.py) found, each against an
independent oracle (NumPy, closed forms): ``dtype=`` casts before reducing, mean refuses
integers, var_mean/std_mean take ``unbiased``, norm takes p ≤ 0 and ``dtype``, the ∞-norm of
an empty slice raises, and no NumPy warning from mean of an empty slice or logsumexp at ±∞."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import autograd_core as ac
from autograd_core.errors import DTypeError, ShapeError

# float32 sums 1 + 2⁻²⁴ + 2⁻²⁴ to 1 (each step ties to even); float64 holds 1 + 2⁻²³
TINY = np.array([1.0, 2.0**-24, 2.0**-24], dtype=np.float32)


@pytest.mark.parametrize("fn", [ac.sum, ac.nansum])
def test_sum_dtype_casts_before_summing(fn):
    got = fn(ac.tensor(TINY), dtype=ac.float64)
    assert got.dtype == np.float64
    assert got.item() == 1.0 + 2.0**-23 == TINY.astype(np.float64).sum()


def test_sum_dtype_int_truncates_each_element_first():
    x = np.array([0.6, 0.6, -1.7])
    assert ac.sum(ac.tensor(x), dtype=ac.int64).item() == int(x.astype(np.int64).sum()) == -1


def test_mean_and_prod_take_dtype():
    x = ac.tensor(TINY)
    assert ac.mean(x, dtype=ac.float64).item() == (1.0 + 2.0**-23) / 3
    i = ac.tensor(np.arange(1, 5))
    assert ac.mean(i, dtype=ac.float64).item() == 2.5
    p = ac.prod(i, dtype=ac.float32)
    assert p.dtype == np.float32 and p.item() == 24.0
    a = ac.tensor([2.0, 3.0], requires_grad=True)
    ac.prod(a, dtype=ac.float32).backward()
    assert a.grad.dtype == np.float32 and a.grad.numpy().tolist() == [3.0, 2.0]


@pytest.mark.parametrize("x", [np.arange(4), np.array([True, False])])
def test_mean_of_integers_raises(x):
    with pytest.raises(DTypeError, match=r"mean: input must be floating point.*dtype="):
        ac.mean(ac.tensor(x))
    with pytest.raises(DTypeError, match="mean: dtype must be a floating-point dtype"):
        ac.mean(ac.tensor(x), dtype=ac.int64)


@pytest.mark.parametrize("name", ["var", "std"])
def test_var_std_of_integers_raise(name):
    # before: var([0, 1, 2, 3]) was tensor(1), the variance 5/3 truncated to int64
    with pytest.raises(DTypeError, match=f"{name}: input must be floating point.*int64"):
        getattr(ac, name)(ac.tensor(np.arange(4)))
    assert ac.var(ac.tensor(np.arange(4.0))).item() == pytest.approx(np.var(np.arange(4), ddof=1))


def test_mean_of_empty_slice_is_nan_without_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = ac.mean(ac.zeros(0, 3, dtype=ac.float64), dim=0)
    assert np.isnan(got.numpy()).all() and got.shape == (3,)


@pytest.mark.parametrize("name", ["var_mean", "std_mean"])
def test_var_mean_std_mean_take_unbiased(name):
    x = ac.tensor([1.0, 2.0, 4.0], dtype=ac.float64)
    for unbiased, ddof in [(True, 1), (False, 0)]:
        spread, mean = getattr(ac, name)(x, unbiased=unbiased)
        want = np.var([1.0, 2.0, 4.0], ddof=ddof)
        assert spread.item() == pytest.approx(want if name == "var_mean" else math.sqrt(want))
        assert mean.item() == pytest.approx(7 / 3)
    with pytest.raises(TypeError, match="correction or unbiased"):
        getattr(ac, name)(x, unbiased=True, correction=1)


@pytest.mark.parametrize("p", [0, -math.inf, -1.0])
def test_norm_takes_nonpositive_p_as_vector_norm(p):
    x = np.array([[3.0, 0.0, -4.0], [1.0, 2.0, -2.0]])
    got = ac.norm(ac.tensor(x), p=p, dim=1).numpy()
    a = np.abs(x)
    if p == 0:
        want = (x != 0).sum(axis=1).astype(float)
    elif p == -math.inf:
        want = a.min(axis=1)
    else:  # a zero makes the −1-norm 0
        want = np.where((a == 0).any(axis=1), 0.0, (np.where(a == 0, 1, a) ** p).sum(1) ** (1 / p))
    np.testing.assert_allclose(got, want, rtol=1e-15)


@pytest.mark.parametrize("norm", [ac.norm, ac.linalg.vector_norm])
def test_norm_dtype_widens_only(norm):
    got = norm(ac.tensor(TINY), 1, dtype=ac.float64)
    assert got.dtype == np.float64 and got.item() == 1.0 + 2.0**-23
    with pytest.raises(DTypeError, match=r"dtype=float32 would narrow .* float64"):
        norm(ac.tensor([1.0, 2.0], dtype=ac.float64), 2, dtype=ac.float32)


@pytest.mark.parametrize("shape, dim", [((0,), None), ((3, 0), 1), ((0, 0), 1)])
def test_inf_norm_of_an_empty_slice_raises(shape, dim):
    x = ac.zeros(*shape, dtype=ac.float64)
    for ord in (math.inf, -math.inf):
        with pytest.raises(ShapeError, match="norm.*empty"):
            ac.linalg.vector_norm(x, ord, dim=dim)
    assert ac.linalg.vector_norm(ac.zeros(0, 3), math.inf, dim=1).shape == (0,)


def test_logsumexp_at_infinities_warns_nothing():
    x = ac.tensor([[math.inf, 1.0], [-math.inf, -math.inf]], dtype=ac.float64, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = ac.logsumexp(x, dim=1)
        y.backward(ac.ones(2, dtype=ac.float64))
    assert y.numpy().tolist() == [math.inf, -math.inf]
    # exp(x − y): ∞ − ∞ is NaN, exp(1 − ∞) = 0; −∞ − (−∞) is NaN
    assert np.array_equal(x.grad.numpy(), [[np.nan, 0.0], [np.nan, np.nan]], equal_nan=True)


@pytest.mark.parametrize("x, c", [([3.0], 2), ([1.0, 2.0], 2), ([1.0, 2.0, 5.0], 3)])
def test_var_gradient_without_dim_when_n_le_correction(x, c):
    """Where N ≤ correction, ours (with or without dim) is the formula 2·(x − x̄)·ȳ/(N − c);
    torch's backward without dim is where(x = x̄, NaN, +∞) instead (test_reduce_fuzz.py)."""
    a = ac.tensor(np.array(x), requires_grad=True)
    ac.var(a, correction=c).backward(ac.tensor(1.5, dtype=ac.float64))
    xs = np.array(x)
    with np.errstate(divide="ignore"):
        want = 2 * (xs - xs.mean()) * 1.5 / np.float64(len(x) - c)
    np.testing.assert_array_equal(a.grad.numpy(), want)


@pytest.mark.parametrize(
    "call",
    [
        lambda m, x: m.sum(x, dim=()),
        lambda m, x: m.mean(x, dim=[]),
        lambda m, x: m.mean(x, dim=(), keepdim=True),
        lambda m, x: m.nansum(x, dim=(), keepdim=True),
        lambda m, x: m.nanmean(x, dim=()),
        lambda m, x: m.var(x, dim=()),
        lambda m, x: m.std(x, dim=(), keepdim=True),
        lambda m, x: m.var_mean(x, dim=())[0],
        lambda m, x: m.std_mean(x, dim=())[1],
        lambda m, x: m.amax(x, dim=()),
        lambda m, x: m.amin(x, dim=[]),
        lambda m, x: m.linalg.vector_norm(x, dim=()),
        lambda m, x: m.norm(x, dim=()),
        lambda m, x: m.count_nonzero(x, dim=()),
        lambda m, x: m.any(x > 1, dim=()),
        lambda m, x: m.all(x > 1, dim=()),
    ],
)
def test_an_empty_dim_reduces_as_torch(torch, call):
    # NumPy reduces no axis for axis=(); PyTorch reduces every axis for dim=() in sum, mean,
    # var, amax, norm … and none in all/any. Ours followed NumPy everywhere (found by the
    # reductions fuzz).
    x = np.arange(6.0).reshape(2, 3) - 1.5
    got, want = call(ac, ac.tensor(x)), call(torch, torch.tensor(x))
    assert tuple(got.shape) == tuple(want.shape)
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-12)


@pytest.mark.parametrize("name", ["cumprod", "logcumsumexp"])
@pytest.mark.parametrize("value", [math.inf, -math.inf, 2.0])
@pytest.mark.parametrize("shape", [(), (1,), (1, 2)])
def test_a_scan_over_one_entry_is_the_identity_at_infinities(torch, name, value, shape):
    # over an axis of length 1 the scan is the identity, so x̄ = ȳ; ours gave NaN at ±inf
    # (cumprod's ȳ·y/x, logcumsumexp's exp(x − y)), torch 1 for cumprod (reductions fuzz)
    x = np.full(shape, value)
    ours = ac.tensor(x, requires_grad=True)
    theirs = torch.tensor(x, requires_grad=True)
    gy = np.arange(1.0, x.size + 1).reshape(shape)
    getattr(ours, name)(0).backward(ac.tensor(gy))
    getattr(theirs, name)(0).backward(torch.tensor(gy))
    np.testing.assert_array_equal(ours.grad.numpy(), gy)
    # torch 2.13's logcumsumexp gives NaN at ±inf over a length-1 axis of a 1-d or 2-d input
    # (1 for a 0-d one): compared only where torch has the identity's gradient
    if name == "cumprod" or shape == () or math.isfinite(value):
        np.testing.assert_array_equal(ours.grad.numpy(), theirs.grad.numpy())
