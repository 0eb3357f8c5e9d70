"""DataLoader's sampler=, batch_sampler= and batch_size=None against torch.utils.data: the
argument-conflict errors, len(loader) in every case, the batches of deterministic samplers, the
same batches with worker processes, and the order of the default (no sampler) path unchanged."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
from nn.data import (
    BatchSampler,
    DataLoader,
    DistributedSampler,
    IterableDataset,
    RandomSampler,
    SequentialSampler,
    TensorDataset,
    WeightedRandomSampler,
)


class Rows:
    """A map-style dataset without ``batch``: sample i is (a NumPy row, i)."""

    def __len__(self) -> int:
        return 7

    def __getitem__(self, i: int):
        return np.full(2, float(i)), i


class Stream(IterableDataset):
    def __iter__(self):
        return iter(range(5))

    def __len__(self) -> int:
        return 5


def plain(batch):
    """Tensors (ours or torch's) as (dtype name, nested lists); containers as lists."""
    if isinstance(batch, (tuple, list)):
        return [plain(b) for b in batch]
    if hasattr(batch, "tolist") and not isinstance(batch, int):
        return (str(batch.dtype).removeprefix("torch."), batch.tolist())
    return batch


def both(torch, **kwargs):
    """(ours, torch's) DataLoader over a 7-sample tensor dataset with ``kwargs``."""
    tud = torch.utils.data
    ours = DataLoader(TensorDataset(ac.arange(7)), **kwargs)
    theirs = tud.DataLoader(tud.TensorDataset(torch.arange(7)), **kwargs)
    return ours, theirs


CONFLICTS = [
    {"sampler": [0, 1], "shuffle": True},
    {"sampler": [0, 1], "shuffle": False},
    {"batch_sampler": [[0, 1]], "batch_size": 2},
    {"batch_sampler": [[0, 1]], "shuffle": True},
    {"batch_sampler": [[0, 1]], "sampler": [0, 1]},
    {"batch_sampler": [[0, 1]], "drop_last": True},
    {"batch_sampler": [[0, 1]], "batch_size": 1, "shuffle": False},
    {"batch_size": None, "drop_last": True},
    {"batch_size": None, "shuffle": True},
]


@pytest.mark.parametrize("kwargs", CONFLICTS)
def test_argument_conflicts_are_torchs(torch, kwargs):
    def outcome(make, dataset):
        try:
            make(dataset, **kwargs)
        except Exception as e:
            return type(e)
        return None

    tud = torch.utils.data
    want = outcome(tud.DataLoader, tud.TensorDataset(torch.arange(4)))
    got = outcome(DataLoader, TensorDataset(ac.arange(4)))
    assert got == want
    if got is not None:
        with pytest.raises(got, match="mutually exclusive.*leave"):
            DataLoader(TensorDataset(ac.arange(4)), **kwargs)


@pytest.mark.parametrize("kwargs", [{"sampler": [0, 1]}, {"batch_sampler": [[0, 1]]}])
def test_an_iterable_dataset_takes_no_sampler(torch, kwargs):
    class TorchStream(Stream, torch.utils.data.IterableDataset):
        pass

    with pytest.raises(ValueError):
        torch.utils.data.DataLoader(TorchStream(), **kwargs)
    with pytest.raises(ValueError, match="with an IterableDataset"):
        DataLoader(Stream(), **kwargs)


LENGTHS = [
    {},
    {"batch_size": 3},
    {"batch_size": 3, "drop_last": True},
    {"batch_size": None},
    {"batch_size": 2, "sampler": [6, 5, 4]},
    {"batch_size": 2, "sampler": [6, 5, 4], "drop_last": True},
    {"batch_size": None, "sampler": [6, 5, 4]},
    {"batch_sampler": [[0, 1, 2], [6], [3, 4]]},
]


@pytest.mark.parametrize("kwargs", LENGTHS)
def test_len_and_batches_are_torchs(torch, kwargs):
    ours, theirs = both(torch, **kwargs)
    assert len(ours) == len(theirs)
    got, want = [plain(b) for b in ours], [plain(b) for b in theirs]
    assert got == want


@pytest.mark.parametrize("batch_size", [None, 2])
@pytest.mark.parametrize("drop_last", [False, True])
def test_len_and_batches_of_an_iterable_dataset_are_torchs(torch, batch_size, drop_last):
    if batch_size is None and drop_last:
        return

    class TorchStream(Stream, torch.utils.data.IterableDataset):
        pass

    kw = {"batch_size": batch_size, "drop_last": drop_last}
    ours, theirs = DataLoader(Stream(), **kw), torch.utils.data.DataLoader(TorchStream(), **kw)
    assert len(ours) == len(theirs)
    assert [plain(b) for b in ours] == [plain(b) for b in theirs]


def test_batch_size_none_converts_each_sample_as_torch(torch):
    """No batching: each sample passes through default_convert (NumPy arrays become Tensors)."""

    class TorchRows(Rows, torch.utils.data.Dataset):
        pass

    got = [plain(s) for s in DataLoader(Rows(), batch_size=None)]
    want = [plain(s) for s in torch.utils.data.DataLoader(TorchRows(), batch_size=None)]
    assert got == want and len(got) == 7
    # batched, the same dataset collates the NumPy rows and the ints
    got = [plain(b) for b in DataLoader(Rows(), batch_size=3, sampler=[6, 0, 2, 5])]
    want = [
        plain(b)
        for b in torch.utils.data.DataLoader(TorchRows(), batch_size=3, sampler=[6, 0, 2, 5])
    ]
    assert got == want


def test_a_custom_collate_fn_sees_the_samples_of_a_tensor_dataset(torch):
    """A dataset's own batch() is used only with the default collate_fn, so a custom one gets
    the list of samples, as in PyTorch."""
    ours, theirs = both(torch, batch_size=3, collate_fn=len)
    assert list(ours) == list(theirs) == [3, 3, 1]


def test_the_default_path_keeps_its_order():
    """Without sampler arguments the order is what it was: one base seed, then one
    permutation of the loader's generator per epoch."""
    ds = TensorDataset(ac.arange(10))
    loader = DataLoader(ds, batch_size=4, shuffle=True, generator=ac.Generator(11))
    g = ac.Generator(11)
    for _ in range(2):
        g.rng.integers(2**63 - 2**16)
        order = g.rng.permutation(10)
        assert [b[0].tolist() for b in loader] == [
            order[:4].tolist(),
            order[4:8].tolist(),
            order[8:].tolist(),
        ]
    assert isinstance(loader.sampler, RandomSampler) and isinstance(
        loader.batch_sampler, BatchSampler
    )
    assert isinstance(DataLoader(ds).sampler, SequentialSampler)


def test_a_distributed_sampler_gives_each_rank_its_share():
    ds = TensorDataset(ac.arange(11))
    shares = []
    for rank in range(3):
        sampler = DistributedSampler(ds, 3, rank, seed=1)
        loader = DataLoader(ds, batch_size=2, sampler=sampler)
        got = [i for (b,) in loader for i in b.tolist()]
        assert got == list(sampler) and len(loader) == 2
        shares += got
    assert set(shares) == set(range(11)) and len(shares) == 12


def weighted(seed: int) -> WeightedRandomSampler:
    return WeightedRandomSampler(
        [1.0, 2.0, 3.0, 0.5, 1.0, 1.0, 2.0], 9, generator=ac.Generator(seed)
    )


@pytest.mark.parametrize(
    "make",
    [
        lambda ds: {"batch_size": 2, "sampler": weighted(0)},
        lambda ds: {"batch_size": None, "sampler": weighted(1)},
        lambda ds: {"batch_sampler": BatchSampler(weighted(2), 4, False)},
        lambda ds: {"batch_sampler": [[3, 1], [0], [6, 5, 4]]},
        lambda ds: {"batch_size": 3, "sampler": RandomSampler(ds, True, 8, ac.Generator(3))},
    ],
)
@pytest.mark.parametrize("dataset", [TensorDataset(ac.arange(7.0), ac.arange(7)), Rows()])
def test_workers_give_the_same_batches(make, dataset):
    batches = []
    for num_workers in (0, 2):
        loader = DataLoader(dataset, num_workers=num_workers, **make(dataset))
        batches.append([plain(b) for b in loader])
    assert batches[0] == batches[1] and batches[0]


def test_an_iterable_dataset_without_batching_in_workers():
    got = [int(x) for x in DataLoader(Stream(), batch_size=None, num_workers=2)]
    assert got == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]  # each worker reads its own copy
