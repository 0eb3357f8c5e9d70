"""Datasets and mini-batches: TensorDataset, IterableDataset, DataLoader (shuffle, drop_last,
generator, worker processes), random_split and Subset.

A DataLoader draws its shuffling order from its ``Generator``; ``state_dict()`` captures that
generator, so a checkpoint restores the exact sequence of batches of the following epochs.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import autograd_core as ac
from autograd_core.device import to_device
from autograd_core.random import Generator, rng_of
from autograd_core.tensor import Tensor
from nn.data_workers import (
    IterableFetcher,
    MapFetcher,
    WorkerInfo,
    WorkerPool,
    check_worker_options,
    get_worker_info,
    iterate_pool,
    worker_context,
)

__all__ = [
    "Dataset",
    "IterableDataset",
    "TensorDataset",
    "Subset",
    "DataLoader",
    "random_split",
    "get_worker_info",
    "WorkerInfo",
    "model_device",
    "move_batch",
]


class Dataset:
    """Anything with ``__len__`` and ``__getitem__(i)`` returning one sample."""

    def __len__(self) -> int:
        raise NotImplementedError

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError


class IterableDataset(Dataset):
    """A dataset read as a stream: subclasses define ``__iter__`` (``__len__`` is optional).

    With ``num_workers > 0`` every worker iterates its own copy, as in PyTorch; to read each
    sample once, ``__iter__`` takes its share using ``get_worker_info()``."""

    def __iter__(self) -> Iterator[Any]:
        raise NotImplementedError


class TensorDataset(Dataset):
    """Samples are rows of tensors that share their first dimension: ``ds[i] = (x[i], y[i])``.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> ds = nn.data.TensorDataset(ac.zeros(5, 2), ac.arange(5))
        >>> len(ds), ds[3][1].item()
        (5, 3)
    """

    def __init__(self, *tensors: Any) -> None:
        if not tensors:
            raise ValueError("TensorDataset: give at least one tensor.")
        self.tensors = tuple(t if isinstance(t, Tensor) else ac.tensor(t) for t in tensors)
        n = self.tensors[0].shape[0] if self.tensors[0].ndim else None
        for t in self.tensors:
            if t.ndim == 0 or t.shape[0] != n:
                raise ValueError(
                    "TensorDataset: every tensor needs the same first dimension; got shapes "
                    f"{[tuple(t.shape) for t in self.tensors]}."
                )

    def __len__(self) -> int:
        return self.tensors[0].shape[0]

    def __getitem__(self, index: Any) -> tuple[Tensor, ...]:
        return tuple(Tensor(t.data[index]) for t in self.tensors)

    def batch(self, indices: Any) -> tuple[Tensor, ...]:
        """Rows ``indices`` of every tensor at once (what DataLoader calls; no per-row loop)."""
        return tuple(Tensor(t.data[indices]) for t in self.tensors)


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``."""

    def __init__(self, dataset: Dataset, indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = list(indices)

    def __len__(self) -> int:
        return len(self.indices)

    def __getitem__(self, index: int) -> Any:
        return self.dataset[self.indices[index]]

    def batch(self, indices: Any) -> Any:
        """Rows ``indices`` (positions within the subset)."""
        if isinstance(indices, slice):
            indices = range(len(self.indices))[indices]
        picked = [self.indices[int(i)] for i in indices]
        if hasattr(self.dataset, "batch"):
            return self.dataset.batch(picked)
        return default_collate([self.dataset[i] for i in picked])


def random_split(
    dataset: Dataset, lengths: Sequence[int | float], generator: Generator | None = None
) -> list[Subset]:
    """Split ``dataset`` into non-overlapping random subsets of the given lengths (counts, or
    fractions that sum to 1; remainders go to the first subsets, as in PyTorch).

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> ds = nn.data.TensorDataset(ac.arange(10))
        >>> [len(s) for s in nn.data.random_split(ds, [0.8, 0.2], ac.Generator(0))]
        [8, 2]
    """
    n = len(dataset)
    if all(isinstance(x, float) for x in lengths) and math.isclose(sum(lengths), 1.0):
        counts = [int(math.floor(n * f)) for f in lengths]
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
    else:
        counts = [int(x) for x in lengths]
    if sum(counts) != n:
        raise ValueError(
            f"random_split: lengths {list(lengths)} add up to {sum(counts)}, but the dataset "
            f"has {n} samples."
        )
    perm = rng_of(generator).permutation(n).tolist()
    out, start = [], 0
    for c in counts:
        out.append(Subset(dataset, perm[start : start + c]))
        start += c
    return out


def default_collate(samples: list[Any]) -> Any:
    """Stack a list of samples (tuples of tensors or numbers) into a batch."""
    first = samples[0]
    if isinstance(first, (tuple, list)):
        return tuple(default_collate([s[i] for s in samples]) for i in range(len(first)))
    if isinstance(first, Tensor):
        xp = first.xp
        return Tensor(xp.stack([s.data for s in samples]))
    return ac.tensor(samples)


class DataLoader:
    """Iterate over a dataset in mini-batches (``torch.utils.data.DataLoader``).

    Args:
        dataset: a map-style Dataset (a ``TensorDataset`` is batched by fancy indexing, no
            Python loop) or an ``IterableDataset`` (batched in the order it yields samples).
        batch_size: samples per batch.
        shuffle: draw a new random order at the start of every epoch (map-style only).
        drop_last: drop the last batch if it is smaller than ``batch_size`` (for an iterable
            dataset read by workers: each worker's last batch, as in PyTorch).
        generator: the source of the shuffling order and of the workers' base seed (a new
            ``ac.Generator`` seeded from the default generator if None); its state is part of
            ``state_dict()``. One base seed is drawn per epoch whatever ``num_workers`` is, so
            the shuffles do not depend on ``num_workers``.
        collate_fn: how to turn a list of samples into a batch (datasets without ``batch``).
        num_workers: 0 reads in the main process; n > 0 starts n worker processes that build
            the batches (see ``nn.data_workers``). A map-style dataset gives the same batches in
            the same order for every ``num_workers``; an iterable dataset is copied into every
            worker (PyTorch's rule), so it reads its share with ``get_worker_info()``.
        pin_memory, pin_memory_device: accepted for PyTorch compatibility and ignored: batches
            are host (NumPy) arrays, and moving them to a GPU is ``Tensor.to``'s job.
        timeout: seconds to wait for a batch from the workers before RuntimeError (0: wait as
            long as the workers live). Ignored with ``num_workers=0``, as in PyTorch.
        worker_init_fn: called as ``worker_init_fn(worker_id)`` in each worker, after seeding.
        multiprocessing_context: a start method name ("fork", "spawn", "forkserver") or a
            ``multiprocessing`` context; None uses Python's default. Under "spawn" and
            "forkserver" the dataset, collate_fn and worker_init_fn must be picklable.
        prefetch_factor: batches in flight per worker (default 2 when ``num_workers > 0``).
        persistent_workers: keep the workers between epochs instead of starting new ones.
        in_order: yield the batches in order (False: as the workers finish them).

    Errors, as PyTorch's: ValueError for ``num_workers < 0``, ``timeout < 0``, a
    ``prefetch_factor`` or ``persistent_workers`` or ``multiprocessing_context`` without
    workers, ``prefetch_factor < 0``, ``shuffle`` with an iterable dataset, an unknown start
    method; TypeError for a context that is neither a name nor a context object.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> ds = nn.data.TensorDataset(ac.arange(10.0), ac.arange(10))
        >>> loader = nn.data.DataLoader(ds, batch_size=4, shuffle=True, generator=ac.Generator(0))
        >>> [xb.shape[0] for xb, yb in loader]
        [4, 4, 2]
    """

    def __init__(
        self,
        dataset: Dataset,
        batch_size: int = 1,
        shuffle: bool | None = None,
        drop_last: bool = False,
        generator: Generator | None = None,
        collate_fn: Callable[[list[Any]], Any] | None = None,
        *,
        num_workers: int = 0,
        pin_memory: bool = False,
        timeout: float = 0,
        worker_init_fn: Callable[[int], None] | None = None,
        multiprocessing_context: Any = None,
        prefetch_factor: int | None = None,
        persistent_workers: bool = False,
        pin_memory_device: str = "",
        in_order: bool = True,
    ) -> None:
        if batch_size < 1:
            raise ValueError(f"DataLoader: batch_size must be at least 1, got {batch_size}.")
        self.iterable = isinstance(dataset, IterableDataset)
        if self.iterable and shuffle:
            raise ValueError(
                f"DataLoader: shuffle={shuffle} with an IterableDataset; an iterable dataset "
                "is read in its own order, so leave shuffle unset (shuffle inside __iter__)."
            )
        check_worker_options(num_workers, timeout, prefetch_factor, persistent_workers)
        self.dataset = dataset
        self.batch_size = int(batch_size)
        self.shuffle = bool(shuffle)
        self.drop_last = drop_last
        if generator is None:
            generator = Generator(int(rng_of(None).integers(2**63)))
        self.generator = generator
        self.collate_fn = collate_fn or default_collate
        self.num_workers = int(num_workers)
        self.prefetch_factor = 2 if num_workers and prefetch_factor is None else prefetch_factor
        self.persistent_workers = persistent_workers
        self.pin_memory, self.pin_memory_device = pin_memory, pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = worker_context(multiprocessing_context, self.num_workers)
        self.in_order = in_order
        self._pool: WorkerPool | None = None

    def __len__(self) -> int:
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def __iter__(self) -> Iterator[Any]:
        base_seed = int(self.generator.rng.integers(2**63 - 2**16))
        if self.num_workers == 0:
            return self._iter_main()
        pool = self._pool
        if pool is None or not pool.alive:
            spec = {
                "dataset": self.dataset,
                "num_workers": self.num_workers,
                "iterable": self.iterable,
                "batch_size": self.batch_size,
                "drop_last": self.drop_last,
                "collate_fn": self.collate_fn,
                "worker_init_fn": self.worker_init_fn,
            }
            pool = WorkerPool(spec, self.multiprocessing_context, base_seed)
            if self.persistent_workers:
                self._pool = pool
        tasks = iter(lambda: (None, 0), ()) if self.iterable else self._index_batches(False)
        it = iterate_pool(pool, tasks, self.prefetch_factor, self.in_order, self.timeout)
        return self._closing(it, None if self.persistent_workers else pool)

    @staticmethod
    def _closing(it: Iterator[Any], pool: WorkerPool | None) -> Iterator[Any]:
        try:
            yield from it
        finally:
            if pool is not None:
                pool.shutdown()

    def _iter_main(self) -> Iterator[Any]:
        if self.iterable:
            fetcher = IterableFetcher(
                self.dataset, self.batch_size, self.drop_last, self.collate_fn
            )
            while True:
                try:
                    batch = fetcher.fetch()
                except StopIteration:
                    return
                yield batch
        fetcher = MapFetcher(self.dataset, self.collate_fn)
        for idx, n in self._index_batches(True):
            yield fetcher.fetch(idx, n)

    def _index_batches(self, on_device: bool) -> Iterator[tuple[Any, int]]:
        """``(indices, len(dataset))`` of every batch of one epoch: a slice when not shuffled,
        else a slice of one permutation (on the dataset's device when ``on_device``)."""
        n = len(self.dataset)
        order = self.generator.rng.permutation(n) if self.shuffle else None
        if order is not None and on_device and hasattr(self.dataset, "batch"):
            order = _on_device_of(self.dataset, order)
        for b in range(len(self)):
            start = b * self.batch_size
            stop = min(start + self.batch_size, n)
            yield (slice(start, stop) if order is None else order[start:stop]), n

    def state_dict(self) -> dict[str, Any]:
        """The generator's state: restoring it replays the same shuffles from here on."""
        return {"generator": self.generator.get_state()}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore a state saved by ``state_dict``."""
        self.generator.set_state(state["generator"])


def _on_device_of(dataset: Any, order: Any) -> Any:
    """The shuffled ``order`` on the device of a TensorDataset whose tensors all live on one
    CUDA device: copied there once per epoch, rather than one index copy per batch."""
    devices = {t.device for t in getattr(dataset, "tensors", ())}
    if len(devices) != 1 or next(iter(devices)).type == "cpu":
        return order
    return to_device(order, devices.pop())


def model_device(model: Any) -> Any:
    """The device of ``model``'s first parameter, or None for a model without parameters."""
    first = next(iter(model.parameters()), None)
    return None if first is None else first.device


def move_batch(batch: Any, device: Any) -> Any:
    """``batch`` (a Tensor, or a tuple or list of them and other values) with every Tensor on
    ``device``; a Tensor already there is passed as it is. ``device=None`` changes nothing.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> xb, yb = nn.data.move_batch((ac.zeros(2), ac.ones(2)), "cpu")
        >>> str(xb.device), str(yb.device)
        ('cpu', 'cpu')
    """
    if device is None:
        return batch
    if isinstance(batch, Tensor):
        return batch if batch.device == device else batch.to(device)
    if isinstance(batch, (tuple, list)):
        return type(batch)(move_batch(b, device) for b in batch)
    return batch
