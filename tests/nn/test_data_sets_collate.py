"""ConcatDataset, ChainDataset, StackDataset, Subset, random_split's lengths, default_collate
and default_convert against torch.utils.data (Tensors compared as dtype and values; our tuples
against torch's lists, the one deliberate difference)."""

from __future__ import annotations

import collections
import warnings

import numpy as np
import pytest

import autograd_core as ac
from nn.data import (
    ChainDataset,
    ConcatDataset,
    IterableDataset,
    StackDataset,
    Subset,
    TensorDataset,
    default_collate,
    default_convert,
    random_split,
)

Point = collections.namedtuple("Point", "x y")


def plain(x):
    """Tensors (ours or torch's) as ("tensor", dtype, values); tuples and lists alike as lists,
    namedtuples by field; dicts by key."""
    if hasattr(x, "_fields"):
        return (type(x).__name__, [plain(v) for v in x])
    if isinstance(x, dict):
        return {k: plain(v) for k, v in x.items()}
    if isinstance(x, (tuple, list)):
        return [plain(v) for v in x]
    if type(x).__name__ == "Tensor":
        return ("tensor", str(x.dtype).removeprefix("torch."), x.tolist())
    if isinstance(x, np.ndarray):
        return ("ndarray", str(x.dtype), x.tolist())
    return x


def outcome(make, *args):
    try:
        return plain(make(*args))
    except Exception as e:
        return type(e)


class Stream(IterableDataset):
    def __init__(self, n: int) -> None:
        self.n = n

    def __iter__(self):
        return iter(range(self.n))

    def __len__(self) -> int:
        return self.n


def test_concat_dataset_is_torchs(torch):
    tud = torch.utils.data
    parts = [[1, 2, 3], [], [4], [5, 6]]
    ours, theirs = ConcatDataset(parts), tud.ConcatDataset(parts)
    assert len(ours) == len(theirs) and ours.cumulative_sizes == theirs.cumulative_sizes
    for i in range(-len(ours) - 1, len(ours) + 1):
        assert outcome(ours.__getitem__, i) == outcome(theirs.__getitem__, i), i
    assert outcome(ConcatDataset, []) is outcome(tud.ConcatDataset, []) is AssertionError
    with pytest.raises(AssertionError, match="ChainDataset"):
        ConcatDataset([[1], Stream(2)])
    both = TensorDataset(ac.arange(2)) + TensorDataset(ac.arange(5, 8))
    assert isinstance(both, ConcatDataset) and [int(both[i][0]) for i in range(5)] == [
        0,
        1,
        5,
        6,
        7,
    ]


def test_chain_dataset_is_torchs(torch):
    class TorchStream(Stream, torch.utils.data.IterableDataset):
        pass

    ours = ChainDataset([Stream(2), Stream(3)])
    theirs = torch.utils.data.ChainDataset([TorchStream(2), TorchStream(3)])
    assert list(ours) == list(theirs) and len(ours) == len(theirs)
    assert list(Stream(1) + Stream(2)) == [0, 0, 1]
    with pytest.raises(AssertionError, match="ConcatDataset"):
        list(ChainDataset([Stream(1), [5]]))
    with pytest.raises(AssertionError):
        len(ChainDataset([[5]]))


def test_stack_dataset_is_torchs(torch):
    tud = torch.utils.data
    a, b = [1, 2, 3], ["x", "y", "z"]
    assert [StackDataset(a, b)[i] for i in range(3)] == [
        tud.StackDataset(a, b)[i] for i in range(3)
    ]
    assert StackDataset(n=a, s=b)[2] == tud.StackDataset(n=a, s=b)[2] == {"n": 3, "s": "z"}
    assert len(StackDataset(a, b)) == 3
    for args, kwargs in [((), {}), ((a, [1]), {}), ((a,), {"s": b})]:
        with pytest.raises(ValueError):
            tud.StackDataset(*args, **kwargs)
        with pytest.raises(ValueError, match="StackDataset: "):
            StackDataset(*args, **kwargs)
    # batched by the loader: a tuple of collated parts
    from nn.data import DataLoader

    (xb, yb) = next(
        iter(DataLoader(StackDataset(TensorDataset(ac.arange(4)), a + [4]), batch_size=3))
    )
    assert plain(xb) == [("tensor", "int64", [0, 1, 2])] and plain(yb) == plain(
        ac.tensor([1, 2, 3])
    )


def test_subset_takes_a_list_of_positions(torch):
    data = [10, 11, 12, 13]

    class Listy:
        def __getitem__(self, i):
            return [data[j] for j in i] if isinstance(i, list) else data[i]

    ours = Subset(Listy(), [3, 1, 0])
    theirs = torch.utils.data.Subset(Listy(), [3, 1, 0])
    assert ours[[0, 2]] == theirs[[0, 2]] == [13, 10] and ours[1] == theirs[1]


SPLITS = [
    (10, [0.8, 0.2]),
    (10, [0.3, 0.3, 0.4]),
    (7, [0.5, 0.5]),
    (11, [1 / 3, 1 / 3, 1 / 3]),
    (5, [0.1, 0.1, 0.1, 0.7]),
    (3, [0.25, 0.25, 0.25, 0.25]),
    (9, [1, 0]),
    (1, [1]),
    (10, [0.1, 0.2, 0.7]),
    (10, [0.7, 0.2, 0.1]),
    (10, [7, 3]),
    (10, [3, 3]),
    (10, [0.5, 0.6]),
    (10, [-0.5, 1.5]),
    (10, [1.2, -0.2]),
    (100, [0.33, 0.33, 0.34]),
    (0, [0.5, 0.5]),
]


@pytest.mark.parametrize(("n", "lengths"), SPLITS)
def test_random_split_lengths_are_torchs(torch, n, lengths):
    tud = torch.utils.data

    def lens(split, dataset):
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                parts = split(dataset, lengths)
        except Exception as e:
            return type(e)
        return [len(p) for p in parts], len(caught)

    want = lens(tud.random_split, range(n))
    got = lens(
        lambda d, lengths: random_split(d, lengths, ac.Generator(0)), TensorDataset(ac.zeros(n, 1))
    )
    assert got == want
    if isinstance(got, tuple):  # the subsets partition the dataset
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the empty-split warning, counted above
            parts = random_split(TensorDataset(ac.zeros(n, 1)), lengths, ac.Generator(1))
        assert sorted(i for p in parts for i in p.indices) == list(range(n))


SAMPLES = [
    [1, 2, 3],
    [1.5, 2.0],
    [True, False],
    ["a", "b"],
    [b"a", b"b"],
    [(1, 2.0), (3, 4.0)],
    [[1, 2], [3, 4]],
    [{"x": 1, "y": [1.0, 2.0]}, {"x": 2, "y": [3.0, 4.0]}],
    [Point(1, "p"), Point(2, "q")],
    [np.arange(3, dtype=np.int16), np.arange(3, dtype=np.int16)],
    [np.float32(1.5), np.float32(2.5)],
    [np.int8(1), np.int8(2)],
    [{"a": (np.ones(2), 1), "b": {"c": 2.5}}, {"a": (np.zeros(2), 2), "b": {"c": 3.5}}],
    [[1, 2], [3]],
    [np.array(["a"]), np.array(["b"])],
    [object(), object()],
    [np.ones(2), np.ones(3)],
]


@pytest.mark.parametrize("batch", SAMPLES, ids=range(len(SAMPLES)))
def test_default_collate_is_torchs(torch, batch):
    want = outcome(torch.utils.data.default_collate, batch)
    assert outcome(default_collate, batch) == want


def test_default_collate_keeps_tuples_and_stacks_tensors(torch):
    out = default_collate([(ac.ones(2), 1), (ac.zeros(2), 2)])
    assert isinstance(out, tuple)  # torch gives a list here (see nn/data_collate.py)
    want = torch.utils.data.default_collate([(torch.ones(2), 1), (torch.zeros(2), 2)])
    assert plain(out) == plain(want)
    with pytest.raises(RuntimeError, match="different shapes"):
        default_collate([ac.ones(2), ac.ones(3)])


CONVERT = [
    0,
    1.5,
    "s",
    np.arange(2),
    np.float32(2.0),
    np.array(["a", "b"]),
    (np.arange(2), 3),
    [np.arange(2), np.arange(2, 4)],
    Point(np.int64(0), 0),
    {"a": np.ones(2), "b": [np.zeros(1), "t"]},
]


@pytest.mark.parametrize("data", CONVERT, ids=range(len(CONVERT)))
def test_default_convert_is_torchs(torch, data):
    assert outcome(default_convert, data) == outcome(torch.utils.data.default_convert, data)
    t = ac.ones(2)
    assert default_convert(t) is t
