"""DataLoader's worker processes: the same batches as num_workers=0 (map-style), PyTorch's order
for iterable datasets, worker_init_fn and get_worker_info, errors and timeouts brought back to
the main process, clean shutdown, and PyTorch's validation of the worker options."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import autograd_core as ac
from nn.data import DataLoader, IterableDataset, Subset, TensorDataset, get_worker_info

ROOT = Path(__file__).resolve().parents[2]


class Squares:
    """A map-style dataset without ``batch``: read sample by sample, collated."""

    def __init__(self, n: int, bad: int | None = None) -> None:
        self.n, self.bad = n, bad

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i: int):
        if i == self.bad:
            raise ValueError(f"sample {i} is broken")
        return ac.tensor([float(i * i)]), i


class WhoReads:
    """Each sample says which worker read it, with what seed, and what the seeded default
    generator drew first in that worker."""

    def __len__(self) -> int:
        return 8

    def __getitem__(self, i: int):
        info = get_worker_info()
        return i, info.id, info.num_workers, info.seed, INIT.get(info.id), os.getpid()


INIT: dict[int, int] = {}


def remember_init(worker_id: int) -> None:
    INIT[worker_id] = worker_id + 100


def bad_init(worker_id: int) -> None:
    raise KeyError("no such thing")


class Sharded(IterableDataset):
    """0..n-1, split between the workers by ``get_worker_info`` (every k-th sample)."""

    def __init__(self, n: int, info=get_worker_info) -> None:
        self.n, self.info = n, info

    def __iter__(self):
        w = self.info()
        start, step = (0, 1) if w is None else (w.id, w.num_workers)
        return iter(range(start, self.n, step))


class Replicated(IterableDataset):
    def __iter__(self):
        return iter(range(5))


class Slow:
    def __len__(self) -> int:
        return 4

    def __getitem__(self, i: int):
        time.sleep(1.5)
        return i


class Dies:
    def __len__(self) -> int:
        return 4

    def __getitem__(self, i: int):
        os._exit(3)


def _values(loader) -> list:
    return [[np.asarray(t.data).tolist() for t in b] for b in loader]


@pytest.mark.parametrize("in_order", [True, False])
def test_map_style_batches_match_num_workers_0(in_order):
    ds = TensorDataset(ac.arange(23.0), ac.arange(23))
    for dataset, bs in [(ds, 4), (Squares(11), 3)]:
        runs = {}
        for nw in (0, 2):
            loader = DataLoader(
                dataset,
                batch_size=bs,
                shuffle=True,
                generator=ac.Generator(7),
                num_workers=nw,
                in_order=in_order,
            )
            runs[nw] = _values(loader) + _values(loader)  # two epochs: two shuffles
        if in_order:
            assert runs[2] == runs[0]
        else:
            assert sorted(map(str, runs[2])) == sorted(map(str, runs[0]))
        assert runs[0][: len(runs[0]) // 2] != runs[0][len(runs[0]) // 2 :]


def test_persistent_workers_keep_their_processes_and_the_batches():
    plain = DataLoader(
        TensorDataset(ac.arange(8)), batch_size=3, shuffle=True, generator=ac.Generator(1)
    )
    kept = DataLoader(
        WhoReads(),
        batch_size=3,
        shuffle=True,
        generator=ac.Generator(1),
        num_workers=2,
        persistent_workers=True,
        collate_fn=lambda s: s,
    )
    first, second = list(kept), list(kept)
    pids = {s[5] for b in first for s in b}
    assert pids == {s[5] for b in second for s in b} and len(pids) == 2
    order = [b[0].tolist() for b in plain]
    assert [[s[0] for s in b] for b in first] == order
    kept._pool.shutdown()


def test_worker_init_fn_and_get_worker_info():
    assert get_worker_info() is None
    loader = DataLoader(
        WhoReads(),
        batch_size=2,
        num_workers=2,
        worker_init_fn=remember_init,
        collate_fn=lambda s: s,
        generator=ac.Generator(3),
    )
    samples = [s for b in loader for s in b]
    assert [s[0] for s in samples] == list(range(8))
    assert [s[1] for s in samples] == [0, 0, 1, 1] * 2  # batch b goes to worker b % 2
    assert {s[2] for s in samples} == {2}
    assert all(s[4] == s[1] + 100 for s in samples)  # worker_init_fn ran in that worker
    seeds = {s[1]: s[3] for s in samples}
    assert seeds[1] == seeds[0] + 1  # base_seed + worker_id, as in PyTorch
    assert INIT == {}  # ... and not in the main process


def test_worker_seeds_the_default_generator():
    class Draw:
        def __len__(self):
            return 2

        def __getitem__(self, i):
            return get_worker_info().seed, float(ac.rand(()).item())

    out = [s for b in DataLoader(Draw(), num_workers=2, collate_fn=lambda s: s) for s in b]
    for seed, drawn in out:
        assert drawn == float(ac.rand((), generator=ac.Generator(seed)).item())


@pytest.mark.parametrize("num_workers", [0, 2])
def test_an_exception_in_getitem_surfaces(num_workers):
    loader = DataLoader(Squares(8, bad=5), batch_size=2, num_workers=num_workers)
    match = "sample 5 is broken"
    if num_workers:
        match = r"(?s)worker 0 while reading dataset index 5.*Traceback.*sample 5 is broken"
    with pytest.raises(ValueError, match=match):
        list(loader)
    if num_workers:  # a dataset with ``batch``: the batch's indices are named
        subset = Subset(Squares(8, bad=5), list(range(8)))
        with pytest.raises(ValueError, match=r"worker 0 .*indices \[4, 5\]"):
            list(DataLoader(subset, batch_size=2, num_workers=2, generator=ac.Generator(0)))
    init = DataLoader(Squares(4), num_workers=1, worker_init_fn=bad_init)
    with pytest.raises(KeyError, match="worker_init_fn"):
        list(init)


def test_timeout_and_a_dead_worker_raise_instead_of_hanging():
    start = time.monotonic()
    with pytest.raises(RuntimeError, match="timed out after 0.3 seconds"):
        list(DataLoader(Slow(), num_workers=1, timeout=0.3))
    assert time.monotonic() - start < 2.5
    with pytest.raises(RuntimeError, match=r"worker 0 \(pid \d+\) exited unexpectedly.*code 3"):
        list(DataLoader(Dies(), num_workers=1))


def test_breaking_out_stops_the_workers():
    loader = DataLoader(WhoReads(), batch_size=1, num_workers=2, collate_fn=lambda s: s)
    it = iter(loader)
    pids = {next(it)[0][5], next(it)[0][5]}
    del it
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_no_hang_at_exit_with_workers_left_running():
    code = (
        "import autograd_core as ac\n"
        "from nn.data import DataLoader, TensorDataset\n"
        "ds = TensorDataset(ac.arange(100.0))\n"
        "keep = DataLoader(ds, batch_size=2, num_workers=2, persistent_workers=True)\n"
        "it = iter(keep)\n"
        "print(next(it)[0].tolist())\n"
        "spawned = DataLoader(ds, batch_size=50, num_workers=1, multiprocessing_context='spawn')\n"
        "print([len(b[0]) for b in spawned])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[:2] == ["[0.0, 1.0]", "[50, 50]"]


@pytest.fixture
def torch_data():
    torch = pytest.importorskip("torch")
    return torch.utils.data


@pytest.mark.filterwarnings("ignore:This DataLoader will create 3 worker")
@pytest.mark.parametrize("num_workers", [0, 2, 3])
@pytest.mark.parametrize("drop_last", [False, True])
def test_iterable_datasets_follow_torch(torch_data, num_workers, drop_last):
    """Each worker reads its own copy: a sharded stream is read once, a plain one once per
    worker, and the batches come back worker by worker in turn."""

    class TorchSharded(Sharded, torch_data.IterableDataset):
        pass

    class TorchReplicated(Replicated, torch_data.IterableDataset):
        pass

    ours_ds = [Sharded(11), Replicated()]
    theirs_ds = [TorchSharded(11, torch_data.get_worker_info), TorchReplicated()]
    for ours, theirs in zip(ours_ds, theirs_ds):
        kw = {"batch_size": 2, "drop_last": drop_last, "num_workers": num_workers}
        got = [b.tolist() for b in DataLoader(ours, **kw)]
        want = [b.tolist() for b in torch_data.DataLoader(theirs, **kw)]
        assert got == want


BAD_OPTIONS = [
    {"num_workers": -1},
    {"timeout": -1.0},
    {"prefetch_factor": 2},
    {"num_workers": 2, "prefetch_factor": -1},
    {"persistent_workers": True},
    {"multiprocessing_context": "fork"},
    {"num_workers": 1, "multiprocessing_context": "threads"},
    {"num_workers": 1, "multiprocessing_context": 3},
]
GOOD_OPTIONS = [
    {"num_workers": 0, "pin_memory": True, "timeout": 5, "in_order": False},
    {"num_workers": 2, "prefetch_factor": 0, "persistent_workers": True},
    {"num_workers": 1, "multiprocessing_context": "spawn", "worker_init_fn": print},
    {"pin_memory": True, "pin_memory_device": "cuda", "generator": None},
]


@pytest.mark.parametrize("options", BAD_OPTIONS + GOOD_OPTIONS)
def test_worker_options_are_checked_as_torch_checks_them(torch_data, options):
    import torch

    def outcome(make, dataset):
        try:
            make(dataset, batch_size=2, **options)
        except (ValueError, TypeError) as e:
            return type(e)
        return None

    want = outcome(torch_data.DataLoader, torch_data.TensorDataset(torch.arange(4)))
    got = outcome(DataLoader, TensorDataset(ac.arange(4)))
    assert got == want
    assert (got is None) == (options in GOOD_OPTIONS)


def test_shuffle_is_refused_for_an_iterable_dataset(torch_data):
    class TorchReplicated(Replicated, torch_data.IterableDataset):
        pass

    with pytest.raises(ValueError):
        torch_data.DataLoader(TorchReplicated(), shuffle=True)
    with pytest.raises(ValueError, match="shuffle=True with an IterableDataset"):
        DataLoader(Replicated(), shuffle=True)
    assert [b.tolist() for b in DataLoader(Replicated(), batch_size=3, shuffle=False)] == [
        [0, 1, 2],
        [3, 4],
    ]


def test_persistent_workers_after_an_epoch_left_half_read():
    ds = TensorDataset(ac.arange(30))
    plain = DataLoader(ds, batch_size=2, shuffle=True, generator=ac.Generator(4))
    kept = DataLoader(
        ds, 2, True, generator=ac.Generator(4), num_workers=2, persistent_workers=True
    )
    for loader in (plain, kept):
        it = iter(loader)
        next(it)
        del it  # the workers still hold batches of this epoch: they must not leak into the next
    assert _values(kept) == _values(plain)
    kept._pool.shutdown()
