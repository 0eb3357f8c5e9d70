"""DataLoader's batch fetching and its worker processes (``num_workers > 0``).

The main process decides what every batch holds (the shuffled indices, drawn from the loader's
generator exactly as with ``num_workers=0``) and numbers the batches 0, 1, 2 ...; batch ``b`` is
sent to the workers in turn (round robin over the workers still running), each worker builds it
with the same fetcher the main process uses, and the main process yields the batches in their
numbered order (``in_order=True``) or as they arrive (``in_order=False``). So a map-style dataset
gives the same batches, in the same order, for every ``num_workers``.

An ``IterableDataset`` is copied into every worker, as in PyTorch: each worker batches what its
copy yields (a stream not split with ``get_worker_info()`` is read once per worker); batches
come back worker 0, worker 1, ..., worker 0, ... until every copy is exhausted.

Each worker seeds the default generator, Python's ``random`` and NumPy's legacy global generator
(modulo 2**32) from ``base_seed + worker_id`` (``base_seed`` is drawn from the loader's generator
once per epoch), then calls ``worker_init_fn(worker_id)``. An exception in a worker comes back to
the main process and is raised there again, naming the worker and the dataset index it was
reading, with the worker's traceback in the message.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import pickle
import queue
import random
import traceback
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy

import autograd_core as ac
from nn.data_collate import default_collate

__all__ = [
    "WorkerInfo",
    "get_worker_info",
    "MapFetcher",
    "IterableFetcher",
    "WorkerPool",
    "iterate_pool",
    "check_worker_options",
    "worker_context",
]

# How often (seconds) a waiting main process checks that its workers are alive, and a waiting
# worker that its parent is.
POLL_S = 0.5


@dataclass(frozen=True)
class WorkerInfo:
    """What ``get_worker_info()`` returns inside a worker: its ``id`` (0 .. num_workers - 1),
    ``num_workers``, the ``seed`` it was seeded with, and its copy of the ``dataset``."""

    id: int
    num_workers: int
    seed: int
    dataset: Any


_worker_info: WorkerInfo | None = None


def get_worker_info() -> WorkerInfo | None:
    """The ``WorkerInfo`` of the DataLoader worker process this runs in, None in the main
    process (``torch.utils.data.get_worker_info``). An ``IterableDataset`` uses it in
    ``__iter__`` to read only its share of the stream."""
    return _worker_info


class MapFetcher:
    """Builds the batch of a map-style dataset at some indices (a slice or an index array).

    A dataset with a ``batch(indices)`` method (``TensorDataset``, ``Subset``) gives the whole
    batch in one call when ``collate_fn`` is ``default_collate``; otherwise the dataset is read
    sample by sample and ``collate_fn`` makes the batch. An int index (no batching) reads one
    sample and passes it to ``collate_fn`` alone. ``where`` says what was being read when an
    exception was raised."""

    def __init__(self, dataset: Any, collate_fn: Callable[[list[Any]], Any]) -> None:
        self.dataset = dataset
        self.collate_fn = collate_fn
        self.reading: tuple[str, Any, int] = ("nothing yet", None, 0)

    def fetch(self, idx: Any, n: int) -> Any:
        if isinstance(idx, int):
            self.reading = ("dataset index", idx, n)
            sample = self.dataset[idx]
            self.reading = ("collate_fn on dataset index", idx, n)
            return self.collate_fn(sample)
        if self.collate_fn is default_collate and hasattr(self.dataset, "batch"):
            self.reading = ("the batch at dataset indices", idx, n)
            return self.dataset.batch(idx)
        rows = range(n)[idx] if isinstance(idx, slice) else idx.tolist()
        samples = []
        for i in rows:
            self.reading = ("dataset index", int(i), n)
            samples.append(self.dataset[int(i)])
        self.reading = ("collate_fn on dataset indices", idx, n)
        return self.collate_fn(samples)

    @property
    def where(self) -> str:
        """What the last ``fetch`` was reading (worked out only when an error asks for it: the
        indices may live on a GPU)."""
        what, idx, n = self.reading
        if idx is None or isinstance(idx, int):
            return f"{what} {idx}" if idx is not None else what
        return f"{what} {describe_indices(idx, n)}"


class IterableFetcher:
    """Reads batches of ``batch_size`` samples from one pass over an iterable dataset; raises
    StopIteration at the end (before a short last batch when ``drop_last``). With
    ``batch_size=None`` each sample is passed to ``collate_fn`` alone."""

    def __init__(
        self, dataset: Any, batch_size: int | None, drop_last: bool, collate_fn: Callable
    ) -> None:
        self.it = iter(dataset)
        self.batch_size, self.drop_last, self.collate_fn = batch_size, drop_last, collate_fn
        self.read = 0
        self.where = ""

    def fetch(self, idx: Any = None, n: int = 0) -> Any:
        self.where = f"sample {self.read} of its copy of the iterable dataset"
        if self.batch_size is None:
            sample = next(self.it)
            self.read += 1
            self.where = f"collate_fn on sample {self.read - 1}"
            return self.collate_fn(sample)
        samples = []
        for s in itertools.islice(self.it, self.batch_size):
            samples.append(s)
            self.read += 1
            self.where = f"sample {self.read} of its copy of the iterable dataset"
        if not samples or (self.drop_last and len(samples) < self.batch_size):
            raise StopIteration
        self.where = f"collate_fn on samples {self.read - len(samples)}..{self.read - 1}"
        return self.collate_fn(samples)


def describe_indices(idx: Any, n: int) -> str:
    rows = list(range(n)[idx]) if isinstance(idx, slice) else [int(i) for i in idx]
    return str(rows) if len(rows) <= 8 else f"{str(rows[:8])[:-1]}, ... ({len(rows)} in all)]"


class Exhausted:
    """A worker's answer when its copy of an iterable dataset has no batch left."""


@dataclass
class WorkerError:
    """An exception raised in a worker, sent back to be raised again in the main process."""

    worker_id: int
    where: str
    exc_type: Any
    text: str

    def reraise(self) -> None:
        msg = f"Caught {self.exc_type.__name__} in DataLoader worker {self.worker_id} " + (
            f"while reading {self.where}.\nOriginal {self.text}"
        )
        try:
            exc = self.exc_type(msg)
        except Exception:
            exc = RuntimeError(msg)
        raise exc


def _error(worker_id: int, where: str, e: BaseException) -> WorkerError:
    exc_type = type(e)
    try:
        pickle.loads(pickle.dumps(exc_type))
    except Exception:
        exc_type = RuntimeError
    return WorkerError(worker_id, where, exc_type, traceback.format_exc())


def worker_loop(spec: dict, index_queue: Any, result_queue: Any, worker_id: int, seed: int) -> None:
    """A worker process: seed, call ``worker_init_fn``, then answer ``(epoch, b, idx, n)`` tasks
    with ``(epoch, b, batch)`` until a None task (or until the parent process is gone)."""
    global _worker_info
    parent = os.getppid()
    _worker_info = WorkerInfo(worker_id, spec["num_workers"], seed, spec["dataset"])
    ac.manual_seed(seed)
    random.seed(seed)
    numpy.random.seed(seed % 2**32)  # noqa: NPY002 - the global that datasets often use
    init_error = None
    if spec["worker_init_fn"] is not None:
        try:
            spec["worker_init_fn"](worker_id)
        except Exception as e:
            init_error = _error(worker_id, "nothing: in worker_init_fn", e)
    fetcher, fetcher_epoch, exhausted = None, None, False
    while True:
        try:
            task = index_queue.get(timeout=POLL_S)
        except queue.Empty:
            if os.getppid() != parent:
                break
            continue
        if task is None:
            break
        epoch, b, idx, n = task
        if init_error is not None:
            result_queue.put((epoch, b, init_error))
            continue
        if fetcher_epoch != epoch:
            fetcher, fetcher_epoch, exhausted = None, epoch, False
        try:
            if fetcher is None:
                fetcher = make_fetcher(spec)
            out = Exhausted() if exhausted else fetcher.fetch(idx, n)
        except StopIteration:
            exhausted, out = True, Exhausted()
        except Exception as e:
            out = _error(worker_id, getattr(fetcher, "where", "iter(dataset)"), e)
        result_queue.put((epoch, b, out))
    result_queue.cancel_join_thread()


def make_fetcher(spec: dict) -> MapFetcher | IterableFetcher:
    if spec["iterable"]:
        return IterableFetcher(
            spec["dataset"], spec["batch_size"], spec["drop_last"], spec["collate_fn"]
        )
    return MapFetcher(spec["dataset"], spec["collate_fn"])


def check_worker_options(
    num_workers: int, timeout: float, prefetch_factor: int | None, persistent: bool
) -> None:
    """PyTorch's checks of the worker options, with messages that say the fix."""
    if num_workers < 0:
        raise ValueError(
            f"DataLoader: num_workers={num_workers}; it must be >= 0 (0 loads in the main process)."
        )
    if timeout < 0:
        raise ValueError(f"DataLoader: timeout={timeout}; it must be >= 0 (0: no timeout).")
    if num_workers == 0 and prefetch_factor is not None:
        raise ValueError(
            f"DataLoader: prefetch_factor={prefetch_factor} needs worker processes; pass "
            "num_workers > 0 or leave prefetch_factor as None."
        )
    if prefetch_factor is not None and prefetch_factor < 0:
        raise ValueError(f"DataLoader: prefetch_factor={prefetch_factor}; it must be >= 0.")
    if persistent and num_workers == 0:
        raise ValueError("DataLoader: persistent_workers=True needs num_workers > 0.")


def worker_context(context: Any, num_workers: int) -> Any:
    """The multiprocessing context for the workers, from a start method name or a context."""
    if context is None:
        return multiprocessing.get_context() if num_workers else None
    if num_workers == 0:
        raise ValueError(
            f"DataLoader: multiprocessing_context={context!r} needs worker processes; pass "
            "num_workers > 0 or leave multiprocessing_context as None."
        )
    if isinstance(context, str):
        methods = multiprocessing.get_all_start_methods()
        if context not in methods:
            raise ValueError(
                f"DataLoader: multiprocessing_context={context!r} is not a start method of "
                f"this platform; use one of {methods}."
            )
        context = multiprocessing.get_context(context)
    if not isinstance(context, multiprocessing.context.BaseContext):
        raise TypeError(
            f"DataLoader: multiprocessing_context={context!r}; give a start method name or a "
            "multiprocessing context object."
        )
    return context


def _stop(processes: list, index_queues: list, result_queue: Any) -> None:
    """Ask every worker to finish, wait a little, terminate those that do not."""
    for q in index_queues:
        try:
            q.put(None)
        except (OSError, ValueError):
            pass
    for p in processes:
        p.join(timeout=2 * POLL_S)
        if p.is_alive():
            p.terminate()
            p.join(timeout=POLL_S)
    for q in [*index_queues, result_queue]:
        q.cancel_join_thread()
        q.close()


class WorkerPool:
    """``num_workers`` worker processes with one task queue each and one shared result queue.
    ``shutdown()`` stops them; it also runs when the pool is garbage collected and at exit."""

    def __init__(self, spec: dict, context: Any, base_seed: int) -> None:
        self.n = spec["num_workers"]
        self.result_queue = context.Queue()
        self.index_queues, self.processes = [], []
        for w in range(self.n):
            iq = context.Queue()
            p = context.Process(
                target=worker_loop,
                args=(spec, iq, self.result_queue, w, base_seed + w),
                daemon=True,
            )
            p.start()
            self.index_queues.append(iq)
            self.processes.append(p)
        self.epoch = 0
        self._finalizer = weakref.finalize(
            self, _stop, self.processes, self.index_queues, self.result_queue
        )

    @property
    def alive(self) -> bool:
        return self._finalizer.alive

    def shutdown(self) -> None:
        self._finalizer()

    def get(self, timeout: float) -> tuple[int, int, Any]:
        """The next ``(epoch, b, batch)``; RuntimeError after ``timeout`` seconds (if > 0) or
        when a worker has died."""
        waited = 0.0
        while True:
            wait = POLL_S if timeout <= 0 else min(POLL_S, timeout - waited)
            try:
                return self.result_queue.get(timeout=wait)
            except queue.Empty:
                waited += wait
            for w, p in enumerate(self.processes):
                if not p.is_alive():
                    self.shutdown()
                    raise RuntimeError(
                        f"DataLoader worker {w} (pid {p.pid}) exited unexpectedly with exit code "
                        f"{p.exitcode}; a crash in the dataset or out of memory can cause this."
                    )
            if timeout > 0 and waited >= timeout:
                self.shutdown()
                raise RuntimeError(f"DataLoader timed out after {timeout} seconds.")


def iterate_pool(
    pool: WorkerPool, tasks: Iterator, prefetch: int, in_order: bool, timeout: float
) -> Iterator[Any]:
    """Send ``tasks`` (``(idx, n)`` pairs, one per batch) to the workers in turn, at most
    ``prefetch`` per worker in flight, and yield their batches (in task order if ``in_order``)."""
    pool.epoch += 1
    epoch = pool.epoch
    running = [True] * pool.n
    turn = itertools.cycle(range(pool.n))
    owner: dict[int, int] = {}
    ready: dict[int, Any] = {}
    sent = pending = next_b = 0

    def send() -> None:
        nonlocal sent, pending
        if not any(running):
            return
        task = next(tasks, None)
        if task is None:
            return
        w = next(turn)
        while not running[w]:
            w = next(turn)
        pool.index_queues[w].put((epoch, sent, *task))
        owner[sent] = w
        sent, pending = sent + 1, pending + 1

    for _ in range(prefetch * pool.n):
        send()
    while pending or ready:
        if in_order and next_b in ready:
            b, out = next_b, ready.pop(next_b)
            next_b += 1
        elif in_order or not ready:
            got_epoch, b, out = pool.get(timeout)
            if got_epoch == epoch:  # else left over from an epoch not read to its end
                pending -= 1
                ready[b] = out
            continue
        else:
            b, out = ready.popitem()
        if isinstance(out, WorkerError):
            out.reraise()
        if isinstance(out, Exhausted):
            running[owner[b]] = False
        send()
        if not isinstance(out, Exhausted):
            yield out
