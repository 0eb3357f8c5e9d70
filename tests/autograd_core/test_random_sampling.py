"""randperm, multinomial, bernoulli and Tensor.bernoulli_: reproducibility under seeds,
distributions (chi-square bounds at fixed seeds), PyTorch's shapes/dtypes and error paths."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import autograd_core as ac
from autograd_core.errors import DTypeError, GraphError, ShapeError

# 99.9% quantiles of the chi-square distribution by degrees of freedom: a correct sampler
# fails one of these bounds with probability 1e-3, and the seeds are fixed
CHI2_999 = {1: 10.83, 2: 13.82, 3: 16.27, 4: 18.47, 5: 20.52}


def _chi2(observed, expected):
    observed, expected = np.asarray(observed, float), np.asarray(expected, float)
    return float(((observed - expected) ** 2 / expected).sum())


# -- randperm ---------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [0, 1, 7, 100])
def test_randperm_is_a_permutation_of_int64(n):
    p = ac.randperm(n)
    assert p.dtype == ac.int64 and p.shape == (n,) and not p.requires_grad
    assert sorted(p.tolist()) == list(range(n))


def test_randperm_dtypes_match_torch(torch):
    for dtype, tdtype in [(ac.int32, torch.int32), (ac.float32, torch.float32)]:
        assert ac.randperm(5, dtype=dtype).dtype == dtype
        assert str(torch.randperm(5, dtype=tdtype).dtype) == f"torch.{np.dtype(dtype)}"
    assert sorted(ac.randperm(5, dtype=ac.float32).tolist()) == [0.0, 1.0, 2.0, 3.0, 4.0]


def test_randperm_is_reproducible_with_a_seed_and_a_generator():
    ac.manual_seed(3)
    a = ac.randperm(20).tolist()
    ac.manual_seed(3)
    assert ac.randperm(20).tolist() == a
    g1, g2 = ac.Generator().manual_seed(5), ac.Generator().manual_seed(5)
    assert ac.randperm(20, generator=g1).tolist() == ac.randperm(20, generator=g2).tolist()


def test_randperm_draws_every_permutation_equally_often():
    g = ac.Generator().manual_seed(0)
    perms = list(itertools.permutations(range(3)))
    draws = 6000
    counts = np.zeros(len(perms))
    for _ in range(draws):
        counts[perms.index(tuple(ac.randperm(3, generator=g).tolist()))] += 1
    assert _chi2(counts, np.full(6, draws / 6)) < CHI2_999[5]


@pytest.mark.parametrize(
    ("args", "kw", "error", "match"),
    [
        ((-1,), {}, ValueError, "n must be >= 0"),
        ((2.5,), {}, TypeError, "n must be an int"),
        ((3,), {"dtype": ac.bool_}, DTypeError, "integer or floating"),
        ((300,), {"dtype": ac.uint8}, ValueError, "too large"),
    ],
)
def test_randperm_errors(args, kw, error, match):
    with pytest.raises(error, match=match):
        ac.randperm(*args, **kw)


# -- multinomial ------------------------------------------------------------------------------


def test_multinomial_shapes_and_dtypes_match_torch(torch):
    for shape, n, replacement in [((4,), 3, False), ((2, 5), 7, True), ((0, 3), 2, False)]:
        p = np.ones(shape)
        ours = ac.multinomial(ac.tensor(p), n, replacement)
        theirs = torch.multinomial(torch.tensor(p), n, replacement)
        assert ours.shape == tuple(theirs.shape) and ours.dtype == ac.int64
    assert ac.tensor([1.0, 2.0]).multinomial(1).shape == (1,)


def test_multinomial_with_replacement_follows_the_probabilities():
    g = ac.Generator().manual_seed(1)
    weights = np.array([1.0, 0.0, 3.0, 6.0])  # unnormalised, one zero
    draws = ac.multinomial(ac.tensor(weights), 20000, replacement=True, generator=g).numpy()
    counts = np.bincount(draws, minlength=4)
    assert counts[1] == 0
    keep = weights > 0
    expected = 20000 * weights[keep] / weights.sum()
    assert _chi2(counts[keep], expected) < CHI2_999[2]


def test_multinomial_rows_are_independent_distributions():
    g = ac.Generator().manual_seed(2)
    rows = np.array([[0.0, 0.0, 1.0], [0.5, 0.5, 0.0]])
    draws = ac.multinomial(ac.tensor(rows), 4000, replacement=True, generator=g).numpy()
    assert (draws[0] == 2).all()
    counts = np.bincount(draws[1], minlength=3)
    assert counts[2] == 0 and _chi2(counts[:2], [2000, 2000]) < CHI2_999[1]


def test_multinomial_without_replacement_follows_sequential_draws():
    g = ac.Generator().manual_seed(4)
    p = np.array([0.5, 0.3, 0.2])
    trials = 6000
    rows = ac.multinomial(ac.tensor(np.tile(p, (trials, 1))), 2, generator=g).numpy()
    assert (rows[:, 0] != rows[:, 1]).all()
    # first draw ~ p; second draw j ~ Σ_i p_i p_j / (1 − p_i)
    assert _chi2(np.bincount(rows[:, 0], minlength=3), trials * p) < CHI2_999[2]
    second = np.array([sum(p[i] * p[j] / (1 - p[i]) for i in range(3) if i != j) for j in range(3)])
    assert _chi2(np.bincount(rows[:, 1], minlength=3), trials * second) < CHI2_999[2]


def test_multinomial_without_replacement_draws_zero_weights_last(torch):
    ours = ac.multinomial(ac.tensor([0.2, 0.8, 0.0]), 3).tolist()
    assert ours[2] == 2 and sorted(ours) == [0, 1, 2]
    assert torch.multinomial(torch.tensor([0.2, 0.8, 0.0]), 3).tolist()[2] == 2


def test_multinomial_is_reproducible():
    p = ac.tensor([[0.1, 0.2, 0.7], [0.3, 0.3, 0.4]])
    for replacement in (True, False):
        ac.manual_seed(7)
        a = ac.multinomial(p, 3, replacement).tolist()
        ac.manual_seed(7)
        assert ac.multinomial(p, 3, replacement).tolist() == a


@pytest.mark.parametrize(
    ("p", "n", "kw", "error", "match"),
    [
        ([-0.2, 0.8], 1, {}, ValueError, "inf, NaN or a negative"),
        ([float("nan"), 1.0], 1, {}, ValueError, "inf, NaN or a negative"),
        ([float("inf"), 1.0], 1, {}, ValueError, "inf, NaN or a negative"),
        ([0.0, 0.0], 1, {}, ValueError, "sums to 0"),
        ([[1.0, 1.0], [0.0, 0.0]], 1, {}, ValueError, "sums to 0"),
        ([1, 2], 1, {}, DTypeError, "must be floating"),
        (1.0, 1, {}, ShapeError, "1-D"),
        (np.ones((2, 2, 2)), 1, {}, ShapeError, "1-D"),
        ([1.0, 1.0], 0, {}, ValueError, "num_samples must be >= 1"),
        ([1.0, 1.0], 3, {}, ValueError, "without replacement from 2"),
        ([1.0, 1.0], 2.0, {}, TypeError, "num_samples must be an int"),
    ],
)
def test_multinomial_errors(p, n, kw, error, match):
    with pytest.raises(error, match=match):
        ac.multinomial(ac.tensor(p), n, **kw)


# -- bernoulli, bernoulli_ --------------------------------------------------------------------


def test_bernoulli_frequencies_match_the_probabilities():
    g = ac.Generator().manual_seed(0)
    p = np.array([0.0, 0.1, 0.5, 0.9, 1.0])
    n = 4000
    draws = ac.bernoulli(ac.tensor(np.tile(p, (n, 1))), generator=g).numpy()
    assert set(np.unique(draws)) <= {0.0, 1.0}
    ones = draws.sum(axis=0)
    assert ones[0] == 0 and ones[-1] == n
    for k in (1, 2, 3):  # each column: 1 degree of freedom
        assert _chi2([ones[k], n - ones[k]], [n * p[k], n * (1 - p[k])]) < CHI2_999[1]


def test_bernoulli_dtype_shape_and_p_match_torch(torch):
    for dtype in ("float32", "float64"):
        x = np.full((2, 3), 0.5, dtype)
        ours, theirs = ac.bernoulli(ac.tensor(x)), torch.bernoulli(torch.tensor(x))
        assert ours.dtype == np.dtype(dtype) and ours.shape == tuple(theirs.shape)
    assert ac.tensor([0.5, 0.5]).bernoulli(p=1.0).tolist() == [1.0, 1.0]
    ints = ac.bernoulli(ac.tensor([1, 0]), 0.0)
    assert ints.dtype == ac.int64 and ints.tolist() == [0, 0]
    assert ac.bernoulli(ac.zeros(0, 2)).shape == (0, 2)
    assert not ac.bernoulli(ac.tensor([0.5], requires_grad=True)).requires_grad


def test_bernoulli_is_reproducible():
    p = ac.full((50,), 0.5)
    ac.manual_seed(11)
    a = ac.bernoulli(p).tolist()
    ac.manual_seed(11)
    assert ac.bernoulli(p).tolist() == a
    g = ac.Generator().manual_seed(11)
    b = ac.zeros(50).bernoulli_(0.5, generator=g).tolist()
    assert ac.zeros(50).bernoulli_(0.5, generator=ac.Generator().manual_seed(11)).tolist() == b


def test_bernoulli_in_place(torch):
    x = ac.zeros(2, 3)
    assert x.bernoulli_(ac.tensor([1.0, 0.0, 1.0])) is x
    assert x.tolist() == [[1.0, 0.0, 1.0], [1.0, 0.0, 1.0]]
    assert ac.zeros(3, dtype=ac.int64).bernoulli_(1.0).tolist() == [1, 1, 1]
    g = ac.Generator().manual_seed(5)
    ones = float(ac.zeros(8000).bernoulli_(0.25, generator=g).sum())
    assert _chi2([ones, 8000 - ones], [2000, 6000]) < CHI2_999[1]
    with pytest.raises(GraphError, match="in-place"):
        ac.zeros(2, requires_grad=True).bernoulli_()


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: ac.bernoulli(ac.tensor([1.5])), ValueError, r"\[0, 1\]"),
        (lambda: ac.bernoulli(ac.tensor([-0.5])), ValueError, r"\[0, 1\]"),
        (lambda: ac.bernoulli(ac.tensor([float("nan")])), ValueError, r"\[0, 1\]"),
        (lambda: ac.bernoulli(ac.tensor([0.5]), 1.5), ValueError, "p must be in"),
        (lambda: ac.bernoulli(ac.tensor([1, 0])), DTypeError, "must be floating"),
        (lambda: ac.zeros(3).bernoulli_(1.5), ValueError, "p must be in"),
        (lambda: ac.zeros(3).bernoulli_(ac.tensor([2.0])), ValueError, r"\[0, 1\]"),
        (lambda: ac.zeros(3).bernoulli_(ac.tensor([1.0, 0.0])), ShapeError, "broadcast"),
    ],
)
def test_bernoulli_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()
