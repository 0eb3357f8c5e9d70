"""Samplers against torch.utils.data: exact index lists where the sampler is deterministic
(SequentialSampler, BatchSampler, DistributedSampler without shuffling), lengths and argument
errors everywhere, and properties of the random ones (a permutation, PyTorch's repeated
permutations for num_samples > n, WeightedRandomSampler's frequencies by a chi-square bound,
DistributedSampler's shares disjoint up to the padding and covering the dataset)."""

from __future__ import annotations

import collections
import itertools

import numpy as np
import pytest

import autograd_core as ac
from nn.data import (
    BatchSampler,
    DistributedSampler,
    RandomSampler,
    SequentialSampler,
    SubsetRandomSampler,
    WeightedRandomSampler,
)


def outcome(make, *args, **kwargs):
    """The exception type ``make(*args, **kwargs)`` raises, or None."""
    try:
        make(*args, **kwargs)
    except Exception as e:
        return type(e)
    return None


def first_pass(sampler):
    return list(sampler)


def test_sequential_sampler_is_torchs(torch):
    tud = torch.utils.data
    for n in [0, 1, 5]:
        assert list(SequentialSampler(range(n))) == list(tud.SequentialSampler(range(n)))
        assert len(SequentialSampler(range(n))) == n


@pytest.mark.parametrize("n", [1, 2, 7, 50])
def test_random_sampler_without_replacement_is_a_permutation(n):
    s = RandomSampler(range(n), generator=ac.Generator(3))
    got = list(s)
    assert sorted(got) == list(range(n)) and len(s) == n
    assert all(isinstance(i, int) for i in got)
    again = list(RandomSampler(range(n), generator=ac.Generator(3)))
    assert got == again  # reproducible from the seed
    if n >= 7:
        assert list(s) != got  # a new order every pass


@pytest.mark.parametrize(("n", "m"), [(4, 4), (4, 9), (5, 3), (3, 12), (1, 3)])
def test_random_sampler_num_samples_gives_torchs_repeated_permutations(torch, n, m):
    """PyTorch: m // n whole permutations, then the start of one more."""
    got = list(RandomSampler(range(n), num_samples=m, generator=ac.Generator(1)))
    want = list(torch.utils.data.RandomSampler(range(n), num_samples=m))
    assert len(got) == len(want) == m
    for start in range(0, m, n):
        piece, theirs = got[start : start + n], want[start : start + n]
        assert len(set(piece)) == len(piece) == len(theirs)
        if len(piece) == n:
            assert sorted(piece) == list(range(n))


def test_random_sampler_with_replacement_draws_uniformly():
    n, m = 5, 50_000
    got = np.array(list(RandomSampler(range(n), True, m, generator=ac.Generator(0))))
    assert got.min() >= 0 and got.max() < n and got.size == m
    counts = np.bincount(got, minlength=n)
    chi2 = ((counts - m / n) ** 2 / (m / n)).sum()
    assert chi2 < 18.47  # chi-square, 4 degrees of freedom, 0.999 quantile


@pytest.mark.parametrize(
    "kwargs",
    [
        {"data_source": range(0)},
        {"data_source": range(3), "replacement": 1},
        {"data_source": range(3), "num_samples": 0},
        {"data_source": range(3), "num_samples": -2},
        {"data_source": range(3), "num_samples": 2.0},
        {"data_source": range(3), "replacement": True, "num_samples": 5},
        {"data_source": range(3), "num_samples": 5},
    ],
)
def test_random_sampler_argument_errors_are_torchs(torch, kwargs):
    got = outcome(RandomSampler, **kwargs)
    assert got == outcome(torch.utils.data.RandomSampler, **kwargs)
    if got is not None:
        with pytest.raises(got, match="RandomSampler: "):
            RandomSampler(**kwargs)


def test_subset_random_sampler_permutes_the_indices(torch):
    idx = [9, 4, 7, 1, 12]
    got = list(SubsetRandomSampler(idx, generator=ac.Generator(2)))
    assert sorted(got) == sorted(idx) and len(SubsetRandomSampler(idx)) == len(idx)
    want = list(torch.utils.data.SubsetRandomSampler(idx))
    assert sorted(want) == sorted(got)


def test_weighted_random_sampler_frequencies_follow_the_weights():
    weights = [1.0, 2.0, 0.0, 3.0, 4.0]
    m = 40_000
    s = WeightedRandomSampler(weights, m, generator=ac.Generator(0))
    got = np.array(list(s))
    assert len(s) == m and got.size == m
    counts = np.bincount(got, minlength=5)
    assert counts[2] == 0  # weight 0 is never drawn
    p = np.array(weights) / sum(weights)
    keep = p > 0
    chi2 = ((counts[keep] - m * p[keep]) ** 2 / (m * p[keep])).sum()
    assert chi2 < 16.27  # chi-square, 3 degrees of freedom, 0.999 quantile


def test_weighted_random_sampler_without_replacement_never_repeats(torch):
    weights = ac.tensor([0.9, 0.4, 0.05, 0.2, 0.3, 0.0])
    for seed in range(20):
        got = list(
            WeightedRandomSampler(weights, 5, replacement=False, generator=ac.Generator(seed))
        )
        assert len(set(got)) == 5 and 5 not in got
    # the first draw is proportional to the weights: index 0 comes first most often
    firsts = collections.Counter(
        next(iter(WeightedRandomSampler([9.0, 1.0], 1, False, ac.Generator(s)))) for s in range(400)
    )
    assert 320 < firsts[0] < 400  # Binomial(400, 0.9): mean 360, sd 6
    # past the positive weights come the weight-0 indices, as torch.multinomial gives them
    torch.manual_seed(0)
    want = {tuple(torch.multinomial(torch.tensor([1.0, 0.0, 2.0]), 3, False).tolist())[2]}
    draws = [
        list(WeightedRandomSampler([1.0, 0.0, 2.0], 3, False, ac.Generator(s))) for s in range(50)
    ]
    assert {d[2] for d in draws} == want == {1}
    assert {tuple(d) for d in draws} == {(0, 2, 1), (2, 0, 1)}


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        (([1.0, 2.0], 0), {}),
        (([1.0, 2.0], 2.5), {}),
        (([1.0, 2.0], True), {}),
        (([1.0, 2.0], 2), {"replacement": 0}),
        (([[1.0, 2.0]], 2), {}),
        (([1.0, 2.0], 3), {"replacement": False}),
        (([1.0, -1.0], 2), {}),
        (([0.0, 0.0], 2), {}),
        (([1.0, 0.0, 2.0], 3), {"replacement": False}),
        (([1.0, 2.0], 5), {}),
    ],
)
def test_weighted_random_sampler_errors_are_torchs(torch, args, kwargs):
    """Construction errors at construction, drawing errors when a pass starts, as torch."""
    tud = torch.utils.data
    made = outcome(WeightedRandomSampler, *args, **kwargs)
    assert made == outcome(tud.WeightedRandomSampler, *args, **kwargs)
    if made is None:
        got = outcome(first_pass, WeightedRandomSampler(*args, **kwargs))
        assert got == outcome(first_pass, tud.WeightedRandomSampler(*args, **kwargs))


@pytest.mark.parametrize("drop_last", [False, True])
@pytest.mark.parametrize(("n", "batch_size"), [(0, 2), (7, 3), (9, 3), (2, 5), (5, 1)])
def test_batch_sampler_is_torchs(torch, n, batch_size, drop_last):
    tud = torch.utils.data
    ours = BatchSampler(SequentialSampler(range(n)), batch_size, drop_last)
    theirs = tud.BatchSampler(tud.SequentialSampler(range(n)), batch_size, drop_last)
    assert list(ours) == list(theirs) and len(ours) == len(theirs)
    # any iterable of indices with a length does as the inner sampler
    order = [4, 0, 3, 1, 2, 6, 5][:n]
    assert list(BatchSampler(order, batch_size, drop_last)) == list(
        tud.BatchSampler(order, batch_size, drop_last)
    )


@pytest.mark.parametrize(
    ("batch_size", "drop_last"), [(0, False), (-1, False), (2.0, False), (True, False), (2, 1)]
)
def test_batch_sampler_errors_are_torchs(torch, batch_size, drop_last):
    got = outcome(BatchSampler, range(4), batch_size, drop_last)
    assert got == outcome(torch.utils.data.BatchSampler, range(4), batch_size, drop_last)
    assert got is ValueError


GRID = [(n, r) for n in range(0, 13) for r in range(1, 6)]


@pytest.mark.parametrize("drop_last", [False, True])
def test_distributed_sampler_partition_is_torchs_without_shuffle(torch, drop_last):
    """Exact index lists, over every dataset size 0..12 and 1..5 replicas (the padding and
    dropping rule for uneven sizes)."""
    tud = torch.utils.data
    for n, r in GRID:
        for rank in range(r):
            kw = {"num_replicas": r, "rank": rank, "shuffle": False, "drop_last": drop_last}
            ours, theirs = (
                DistributedSampler(range(n), **kw),
                tud.DistributedSampler(range(n), **kw),
            )
            assert list(ours) == list(theirs), (n, r, rank)
            assert len(ours) == len(theirs) and ours.total_size == theirs.total_size


@pytest.mark.parametrize("drop_last", [False, True])
def test_distributed_sampler_shares_with_shuffle_cover_the_dataset(torch, drop_last):
    tud = torch.utils.data
    for n, r in GRID:
        shares = [
            list(DistributedSampler(range(n), r, rank, seed=7, drop_last=drop_last))
            for rank in range(r)
        ]
        theirs = tud.DistributedSampler(range(n), r, 0, seed=7, drop_last=drop_last)
        assert {len(s) for s in shares} == {len(theirs)}
        counts = collections.Counter(itertools.chain.from_iterable(shares))
        total = len(theirs) * r
        if drop_last:  # disjoint, the cut indices left out
            assert sum(counts.values()) == total == len(counts) and set(counts) <= set(range(n))
        elif n:  # every index at least once; the padding repeats total - n of them once more
            assert set(counts) == set(range(n))
            assert sum(counts.values()) - n == total - n
            assert max(counts.values()) <= -(-total // n)


def test_distributed_sampler_epochs():
    a = DistributedSampler(range(40), 3, 1, seed=5)
    first = list(a)
    assert list(a) == first  # same epoch, same order
    assert list(DistributedSampler(range(40), 3, 1, seed=5)) == first  # replicas agree
    a.set_epoch(1)
    assert list(a) != first and a.epoch == 1
    b = DistributedSampler(range(40), 3, 1, seed=4)
    b.set_epoch(2)
    a.set_epoch(1)
    assert list(a) == list(b)  # the order depends on seed + epoch, as in PyTorch


@pytest.mark.parametrize(("num_replicas", "rank"), [(2, 2), (2, -1), (3, 5), (1, 0)])
def test_distributed_sampler_rank_errors_are_torchs(torch, num_replicas, rank):
    got = outcome(DistributedSampler, range(4), num_replicas, rank)
    assert got == outcome(torch.utils.data.DistributedSampler, range(4), num_replicas, rank)


def test_distributed_sampler_needs_the_world_given():
    with pytest.raises(RuntimeError, match="pass both"):
        DistributedSampler(range(4))
    with pytest.raises(RuntimeError, match="pass both"):
        DistributedSampler(range(4), num_replicas=2)
