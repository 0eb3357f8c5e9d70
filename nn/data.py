"""``torch.utils.data`` here: DataLoader (shuffle, drop_last, samplers, generator, worker
processes), with the datasets (``nn.data_sets``), samplers (``nn.samplers``) and collate functions
(``nn.data_collate``) it reads, all importable from here.

A DataLoader draws its shuffling order from its ``Generator``; ``state_dict()`` captures that
generator, so a checkpoint restores the exact sequence of batches of the following epochs.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np  # batch indices live on the host

from autograd_core.device import to_device
from autograd_core.random import Generator, rng_of
from autograd_core.tensor import Tensor
from nn.data_collate import default_collate, default_convert
from nn.data_sets import (
    ChainDataset,
    ConcatDataset,
    Dataset,
    IterableDataset,
    StackDataset,
    Subset,
    TensorDataset,
    random_split,
)
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
from nn.samplers import (
    BatchSampler,
    DistributedSampler,
    RandomSampler,
    Sampler,
    SequentialSampler,
    SubsetRandomSampler,
    WeightedRandomSampler,
    chunks,
)

__all__ = [
    "Dataset",
    "IterableDataset",
    "TensorDataset",
    "Subset",
    "ConcatDataset",
    "ChainDataset",
    "StackDataset",
    "DataLoader",
    "random_split",
    "default_collate",
    "default_convert",
    "Sampler",
    "SequentialSampler",
    "RandomSampler",
    "SubsetRandomSampler",
    "WeightedRandomSampler",
    "BatchSampler",
    "DistributedSampler",
    "get_worker_info",
    "WorkerInfo",
    "model_device",
    "move_batch",
]


class DataLoader:
    """Iterate over a dataset in mini-batches (``torch.utils.data.DataLoader``).

    Args:
        dataset: a map-style Dataset (a ``TensorDataset`` is batched by fancy indexing, no
            Python loop) or an ``IterableDataset`` (batched in the order it yields samples).
        batch_size: samples per batch; None turns batching off: each sample is yielded on its
            own, passed through ``collate_fn`` (default ``default_convert``).
        shuffle: draw a new random order at the start of every epoch (map-style only); the
            loader makes ``RandomSampler(dataset, generator=generator)`` for it.
        sampler: the order of the indices (a Sampler or any iterable of indices with
            ``len``); not with ``shuffle=True``.
        batch_sampler: yields whole batches of indices (lists); not with ``batch_size`` other
            than 1, ``shuffle``, ``sampler`` or ``drop_last``.
        num_workers: 0 reads in the main process; n > 0 starts n worker processes that build
            the batches (see ``nn.data_workers``). A map-style dataset gives the same batches in
            the same order for every ``num_workers`` (the indices are drawn in the main
            process); an iterable dataset is copied into every worker (PyTorch's rule), so it
            reads its share with ``get_worker_info()``.
        collate_fn: how to turn a list of samples into a batch (default ``default_collate``).
            A dataset with a ``batch(indices)`` method gives its batches itself when
            ``collate_fn`` is left as the default.
        pin_memory, pin_memory_device: accepted for PyTorch compatibility and ignored: batches
            are host (NumPy) arrays, and moving them to a GPU is ``Tensor.to``'s job.
        drop_last: drop the last batch if it is smaller than ``batch_size`` (for an iterable
            dataset read by workers: each worker's last batch, as in PyTorch).
        timeout: seconds to wait for a batch from the workers before RuntimeError (0: wait as
            long as the workers live). Ignored with ``num_workers=0``, as in PyTorch.
        worker_init_fn: called as ``worker_init_fn(worker_id)`` in each worker, after seeding.
        multiprocessing_context: a start method name ("fork", "spawn", "forkserver") or a
            ``multiprocessing`` context; None uses Python's default. Under "spawn" and
            "forkserver" the dataset, collate_fn and worker_init_fn must be picklable.
        generator: the source of the shuffling order and of the workers' base seed (a new
            ``ac.Generator`` seeded from the default generator if None); its state is part of
            ``state_dict()``. One base seed is drawn per epoch whatever ``num_workers`` is, so
            the shuffles do not depend on ``num_workers``. A sampler given by the caller draws
            from its own generator.
        prefetch_factor: batches in flight per worker (default 2 when ``num_workers > 0``).
        persistent_workers: keep the workers between epochs instead of starting new ones.
        in_order: yield the batches in order (False: as the workers finish them).

    ``len(loader)`` is ``len(batch_sampler)`` (``len(sampler)`` without batching); for an
    iterable dataset it is worked out from ``len(dataset)``, as PyTorch does.

    Errors, as PyTorch's: ValueError for ``num_workers < 0``, ``timeout < 0``, a
    ``prefetch_factor`` or ``persistent_workers`` or ``multiprocessing_context`` without
    workers, ``prefetch_factor < 0``, ``shuffle``, ``sampler`` or ``batch_sampler`` with an
    iterable dataset, ``sampler`` with ``shuffle=True``, ``batch_sampler`` with any of
    ``batch_size``/``shuffle``/``sampler``/``drop_last``, ``drop_last`` with
    ``batch_size=None``, an unknown start method; TypeError for a context that is neither a
    name nor a context object.

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
        batch_size: int | None = 1,
        shuffle: bool | None = None,
        sampler: Any = None,
        batch_sampler: Any = None,
        num_workers: int = 0,
        collate_fn: Callable[[Any], Any] | None = None,
        pin_memory: bool = False,
        drop_last: bool = False,
        timeout: float = 0,
        worker_init_fn: Callable[[int], None] | None = None,
        multiprocessing_context: Any = None,
        generator: Generator | None = None,
        *,
        prefetch_factor: int | None = None,
        persistent_workers: bool = False,
        pin_memory_device: str = "",
        in_order: bool = True,
    ) -> None:
        if batch_size is not None and batch_size < 1:
            raise ValueError(f"DataLoader: batch_size must be at least 1, got {batch_size}.")
        self.iterable = isinstance(dataset, IterableDataset)
        check_worker_options(num_workers, timeout, prefetch_factor, persistent_workers)
        check_sampler_options(self.iterable, batch_size, shuffle, sampler, batch_sampler, drop_last)
        self.dataset = dataset
        self.shuffle = bool(shuffle)
        if generator is None:
            generator = Generator(int(rng_of(None).integers(2**63)))
        self.generator = generator
        # What the loader makes itself batches fast (slices of one index array per epoch).
        self._own_batching = batch_sampler is None
        if batch_sampler is not None:
            batch_size, drop_last = None, False
        if sampler is None and not self.iterable:
            sampler = RandomSampler(dataset, generator=generator) if shuffle else None
            sampler = sampler or SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None and not self.iterable:
            batch_sampler = BatchSampler(sampler, int(batch_size), bool(drop_last))
        self.sampler, self.batch_sampler = sampler, batch_sampler
        self.batch_size = None if batch_size is None else int(batch_size)
        self.drop_last = drop_last
        self.auto_collation = batch_sampler is not None or (self.iterable and bool(batch_size))
        if collate_fn is None:
            collate_fn = default_collate if self.auto_collation else default_convert
        self.collate_fn = collate_fn
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
        if self.iterable:
            n = len(self.dataset)
            if self.batch_size is None:
                return n
            return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)
        return len(self.batch_sampler if self.batch_sampler is not None else self.sampler)

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
        """``(indices, len(dataset))`` of every batch of one epoch: an int per sample without
        batching; slices in order with a sequential sampler; pieces of the sampler's
        ``epoch_order()`` (on the dataset's device when ``on_device``) when the loader made the
        BatchSampler; else each list the batch sampler yields, as an int64 array."""
        n = len(self.dataset)
        bs = self.batch_sampler
        if bs is None:
            for i in self.sampler:
                yield int(i), n
            return
        own = self._own_batching and type(self.sampler) in _WHOLE_EPOCH
        if own and type(self.sampler) is SequentialSampler:
            m = len(self.sampler)
            for b in range(len(bs)):
                start = b * bs.batch_size
                yield slice(start, min(start + bs.batch_size, m)), n
        elif own:
            order = self.sampler.epoch_order()
            if on_device and hasattr(self.dataset, "batch"):
                order = _on_device_of(self.dataset, order)
            for piece in chunks(order, bs.batch_size, bs.drop_last):
                yield piece, n
        else:
            for idx in bs:
                yield np.asarray(idx, dtype=np.int64).reshape(-1), n

    def state_dict(self) -> dict[str, Any]:
        """The generator's state: restoring it replays the same shuffles from here on."""
        return {"generator": self.generator.get_state()}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore a state saved by ``state_dict``."""
        self.generator.set_state(state["generator"])


# Samplers whose epoch_order() is exactly what they iterate (a subclass may change __iter__).
_WHOLE_EPOCH = (
    SequentialSampler,
    RandomSampler,
    SubsetRandomSampler,
    WeightedRandomSampler,
    DistributedSampler,
)


def check_sampler_options(
    iterable: bool,
    batch_size: int | None,
    shuffle: Any,
    sampler: Any,
    batch_sampler: Any,
    drop_last: bool,
) -> None:
    """PyTorch's checks of how the order options combine, with messages that say the fix."""
    if iterable:
        for name, value in (("shuffle", shuffle), ("sampler", sampler)):
            if value not in (None, False):
                raise ValueError(
                    f"DataLoader: {name}={value} with an IterableDataset; an iterable dataset "
                    f"is read in its own order, so leave {name} unset (order the stream inside "
                    "__iter__)."
                )
        if batch_sampler is not None:
            raise ValueError(
                f"DataLoader: batch_sampler={batch_sampler} with an IterableDataset; leave it "
                "unset and use batch_size (the stream decides the order)."
            )
    if sampler is not None and shuffle:
        raise ValueError(
            "DataLoader: sampler option is mutually exclusive with shuffle; the sampler decides "
            "the order, so leave shuffle unset (use RandomSampler for a random order)."
        )
    if batch_sampler is not None and (
        batch_size != 1 or shuffle or sampler is not None or drop_last
    ):
        raise ValueError(
            "DataLoader: batch_sampler option is mutually exclusive with batch_size, shuffle, "
            "sampler, and drop_last; the batch sampler decides all four, so leave them at "
            "their defaults."
        )
    if batch_size is None and drop_last:
        raise ValueError(
            "DataLoader: batch_size=None option disables auto-batching and is mutually "
            "exclusive with drop_last; leave drop_last=False."
        )


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
