"""normal (every form), poisson, randint_like and logspace: shapes and dtypes as PyTorch's,
reproducibility under ac.manual_seed and a Generator, moments and chi-square goodness of fit
with fixed seeds, logspace's values against torch and NumPy, and every error path."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd_core as ac
from autograd_core.errors import DTypeError


def _chi_square(counts, probabilities):
    expected = probabilities * counts.sum()
    return float(((counts - expected) ** 2 / expected).sum())


# 99.9% quantiles of chi-square with df degrees of freedom (the tests are deterministic under
# their seeds; the bound is what a correct sampler passes for almost every seed)
CHI2_999 = {4: 18.47, 9: 27.88, 11: 31.26}


@pytest.mark.parametrize(
    ("make", "shape", "dtype"),
    [
        (lambda m: m.normal(m.zeros(2, 3), m.ones(3)), (2, 3), "float32"),
        (lambda m: m.normal(m.zeros(2, 3), 2.0), (2, 3), "float32"),
        (lambda m: m.normal(1.0, m.ones(3, dtype=m.float64)), (3,), "float64"),
        (lambda m: m.normal(m.zeros(4)), (4,), "float32"),
        (lambda m: m.normal(1.0, 2.0, (2, 3)), (2, 3), "float32"),
        (lambda m: m.normal(1.0, 2.0, size=(2,), dtype=m.float64), (2,), "float64"),
        (lambda m: m.normal(m.zeros(0, 2), 1.0), (0, 2), "float32"),
        (lambda m: m.poisson(m.ones(3, 2)), (3, 2), "float32"),
        (lambda m: m.poisson(m.ones(2, dtype=m.float64)), (2,), "float64"),
        (lambda m: m.binomial(m.full((2, 3), 4.0), m.full((3,), 0.5)), (2, 3), "float32"),
        (
            lambda m: m.binomial(m.ones(2, dtype=m.float64), m.ones(2, dtype=m.float64)),
            (2,),
            "float64",
        ),
        (lambda m: m.randint_like(m.ones(3), 5), (3,), "float32"),
        (lambda m: m.randint_like(m.ones(3, dtype=m.int32), 2, 5), (3,), "int32"),
        (lambda m: m.randint_like(m.ones(2, 2), low=1, high=5, dtype=m.int64), (2, 2), "int64"),
        (lambda m: m.randint_like(m.ones(3), high=4), (3,), "float32"),
    ],
)
def test_shapes_and_dtypes_match_torch(make, shape, dtype, torch):
    got, want = make(ac), make(torch)
    assert got.shape == tuple(want.shape) == shape
    assert str(got.dtype) == str(want.dtype).removeprefix("torch.") == dtype
    assert not got.requires_grad


@pytest.mark.parametrize(
    "draw",
    [
        lambda g: ac.normal(ac.zeros(5), ac.ones(5), generator=g),
        lambda g: ac.normal(0.0, 1.0, (5,), generator=g),
        lambda g: ac.poisson(ac.full((5,), 4.0), generator=g),
        lambda g: ac.binomial(ac.full((5,), 20.0), ac.full((5,), 0.5), generator=g),
        lambda g: ac.randint_like(ac.zeros(5), 100, generator=g),
    ],
)
def test_reproducible_under_manual_seed_and_a_generator(draw):
    ac.manual_seed(7)
    a = draw(None)
    ac.manual_seed(7)
    b = draw(None)
    c = draw(None)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert not np.array_equal(b.numpy(), c.numpy())
    g1, g2 = ac.Generator().manual_seed(3), ac.Generator().manual_seed(3)
    np.testing.assert_array_equal(draw(g1).numpy(), draw(g2).numpy())


def test_normal_moments_follow_mean_and_std():
    g = ac.Generator().manual_seed(0)
    mean = ac.tensor([[-2.0], [0.5], [3.0]], dtype=ac.float64)
    std = ac.tensor([0.5, 1.0, 4.0], dtype=ac.float64)
    n = 40_000
    draws = ac.normal(mean.expand(n, 3, 1), std, generator=g).numpy()  # broadcast: (n, 3, 3)
    assert draws.shape == (n, 3, 3)
    se = std.numpy() / math.sqrt(n)  # standard errors of the sample means
    assert np.all(np.abs(draws.mean(0) - mean.numpy()) < 5 * se)  # 5 standard errors
    assert np.all(np.abs(draws.std(0) / std.numpy() - 1) < 5 / math.sqrt(2 * n))


def test_normal_float_form_is_gaussian_by_chi_square():
    g = ac.Generator().manual_seed(1)
    z = (ac.normal(2.0, 3.0, (200_000,), generator=g, dtype=ac.float64).numpy() - 2.0) / 3.0
    edges = np.array([-np.inf, -1.5, -1.0, -0.5, -0.25, 0.0, 0.25, 0.5, 1.0, 1.5, np.inf])
    cdf = np.array([0.5 * (1 + math.erf(e / math.sqrt(2))) for e in edges])
    counts, _ = np.histogram(z, edges)
    assert _chi_square(counts, np.diff(cdf)) < CHI2_999[9]


def test_normal_with_zero_std_is_the_mean():
    mean = ac.tensor([1.5, -2.0], dtype=ac.float64)
    assert ac.normal(mean, 0.0).tolist() == [1.5, -2.0]


def test_poisson_matches_its_pmf_by_chi_square_and_its_moments():
    g = ac.Generator().manual_seed(2)
    rate = 3.0
    k = ac.poisson(ac.full((100_000,), rate, dtype=ac.float64), generator=g).numpy()
    assert np.all(k == np.round(k)) and k.min() >= 0
    assert abs(k.mean() - rate) < 5 * math.sqrt(rate / k.size)
    assert abs(k.var() - rate) < 0.1
    pmf = np.array([math.exp(-rate) * rate**j / math.factorial(j) for j in range(11)])
    probabilities = np.append(pmf, 1 - pmf.sum())  # the last bin holds 11, 12, ...
    counts = np.bincount(np.minimum(k.astype(int), 11), minlength=12)
    assert _chi_square(counts, probabilities) < CHI2_999[11]
    assert ac.poisson(ac.zeros(4)).tolist() == [0.0] * 4


def test_binomial_matches_its_pmf_by_chi_square_and_its_moments():
    g = ac.Generator().manual_seed(5)
    n, p = 10, 0.3
    k = ac.binomial(
        ac.full((100_000,), float(n), dtype=ac.float64), ac.tensor(p, dtype=ac.float64), generator=g
    ).numpy()
    assert np.all(k == np.round(k)) and k.min() >= 0 and k.max() <= n
    assert abs(k.mean() - n * p) < 5 * math.sqrt(n * p * (1 - p) / k.size)
    pmf = np.array([math.comb(n, j) * p**j * (1 - p) ** (n - j) for j in range(n + 1)])
    probabilities = np.append(pmf[:9], pmf[9:].sum())  # (9 and 10 in one bin)
    counts = np.bincount(np.minimum(k.astype(int), 9), minlength=10)
    assert _chi_square(counts, probabilities) < CHI2_999[9]
    edge = ac.binomial(ac.tensor([4.0, 0.0, 3.0, 2.0]), ac.tensor([1.0, 0.5, 0.0, float("nan")]))
    np.testing.assert_array_equal(edge.numpy(), [4.0, 0.0, 0.0, np.nan])


@pytest.mark.parametrize(
    ("count", "prob", "error", "words"),
    [
        ([-1.0], [0.5], ValueError, "non-negative whole numbers"),
        ([2.5], [0.5], ValueError, "non-negative whole numbers"),
        ([3.0], [1.5], ValueError, r"prob must lie in \[0, 1\]"),
        ([3.0], [-0.1], ValueError, r"prob must lie in \[0, 1\]"),
    ],
)
def test_binomial_refuses_what_torch_turns_into_some_number(count, prob, error, words, torch):
    torch.binomial(torch.tensor(count), torch.tensor(prob))  # (torch returns a value)
    with pytest.raises(error, match=f"binomial: .*{words}"):
        ac.binomial(ac.tensor(count), ac.tensor(prob))


def test_binomial_refuses_integer_or_mixed_dtypes_as_torch(torch):
    with pytest.raises(ValueError, match="floating-point"):
        torch.binomial(torch.tensor([1, 2]), torch.tensor([0.5, 0.5]))
    with pytest.raises(ac.DTypeError, match="binomial: count and prob must be floating .* int64"):
        ac.binomial(ac.tensor([1, 2]), ac.tensor([0.5, 0.5]))
    with pytest.raises(ac.DTypeError, match="float64 and float32"):
        ac.binomial(ac.ones(2, dtype=ac.float64), ac.ones(2))


def test_randint_like_is_uniform_on_its_range():
    g = ac.Generator().manual_seed(4)
    x = ac.randint_like(ac.zeros(50_000, dtype=ac.int64), -2, 3, generator=g).numpy()
    assert x.min() == -2 and x.max() == 2
    counts = np.bincount(x + 2, minlength=5)
    assert _chi_square(counts, np.full(5, 0.2)) < CHI2_999[4]


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        ((0, 2, 3), {}),
        ((0, 2, 3), {"base": 2}),
        ((0, 2, 3, 2.0), {}),
        ((-1.0, 1.0, 5), {"base": 3.0, "dtype": "float64"}),
        ((0.0, 3, 4), {"dtype": "int64"}),
        ((0.0, 1, 1), {}),
        ((0.0, 1, 0), {}),
        ((2.0, -2.0, 9), {"base": 0.5, "dtype": "float64"}),
    ],
)
def test_logspace_matches_torch_and_numpy(args, kwargs, torch):
    dtype = kwargs.pop("dtype", None)
    got = ac.logspace(*args, **kwargs, dtype=dtype)
    want = torch.logspace(*args, **kwargs, dtype=getattr(torch, dtype) if dtype else None)
    assert got.shape == tuple(want.shape)
    assert str(got.dtype) == str(want.dtype).removeprefix("torch.")
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6 if dtype is None else 1e-12)
    base = args[3] if len(args) > 3 else kwargs.get("base", 10.0)
    ref = np.logspace(*args[:3], base=base).astype(got.dtype)
    np.testing.assert_allclose(got.numpy(), ref, rtol=1e-12)


def test_logspace_requires_grad():
    assert ac.logspace(0, 1, 3, requires_grad=True).requires_grad


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: ac.normal(1.0, 2.0), TypeError, "normal: with a number for both mean and std"),
        (lambda: ac.normal(ac.zeros(2), 1.0, (2,)), TypeError, "size is only for number"),
        (lambda: ac.normal(1.0, -2.0, (2,)), ValueError, "normal: std must be >= 0"),
        (lambda: ac.normal(ac.zeros(3), ac.tensor([1.0, -1.0, 1.0])), ValueError, "std must be"),
        (lambda: ac.normal(ac.zeros(3, dtype=ac.int64), 1.0), DTypeError, "must be floating"),
        (lambda: ac.normal(ac.zeros(3), ac.ones(2)), ac.ShapeError, "normal"),
        (lambda: ac.normal(0.0, 1.0, (2,), dtype=ac.int64), DTypeError, "floating dtype"),
        (lambda: ac.poisson(ac.ones(3, dtype=ac.int64)), DTypeError, "poisson: the rates must"),
        (lambda: ac.poisson(-ac.ones(3)), ValueError, "poisson: rates must be non-negative"),
        (lambda: ac.poisson([1.0]), TypeError, "poisson: input must be a tensor"),
        (lambda: ac.randint_like(ac.ones(3), 5, 2), ValueError, "randint: low must be less"),
        (lambda: ac.logspace(0, 2, -1), ValueError, "logspace"),
    ],
)
def test_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()
