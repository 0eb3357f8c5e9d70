"""Samplers: the order in which a DataLoader reads a map-style dataset
(``torch.utils.data``'s Sampler, SequentialSampler, RandomSampler, SubsetRandomSampler,
WeightedRandomSampler, BatchSampler and DistributedSampler, with their names and arguments).

Randomness comes from our ``ac.Generator`` (``generator=None``: the default generator, so
``ac.manual_seed`` makes a run reproducible). The streams are not PyTorch's: a seed gives the
same indices here every time, not the indices PyTorch's generator would give.

Every built-in sampler of single indices has ``epoch_order()``, the whole pass as one NumPy int64
array (drawn once per call, as ``__iter__`` does); DataLoader batches that array by slicing it,
without a Python loop over the indices. ``__iter__`` yields Python ints, as PyTorch's samplers do.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Iterator, Sequence, Sized
from typing import Any

import numpy as np  # index arrays live on the host

from autograd_core.random import Generator, rng_of
from autograd_core.tensor import Tensor

__all__ = [
    "Sampler",
    "SequentialSampler",
    "RandomSampler",
    "SubsetRandomSampler",
    "WeightedRandomSampler",
    "BatchSampler",
    "DistributedSampler",
]


class Sampler:
    """Base class of samplers: subclasses define ``__iter__`` (indices, or lists of indices for
    a batch sampler) and may define ``__len__``. ``data_source`` is accepted and ignored, as
    PyTorch does."""

    def __init__(self, data_source: Sized | None = None) -> None:
        pass

    def __iter__(self) -> Iterator[Any]:
        raise NotImplementedError(f"{type(self).__name__}: a Sampler subclass defines __iter__.")


class SequentialSampler(Sampler):
    """``0, 1, ..., len(data_source) - 1``, always in that order."""

    def __init__(self, data_source: Sized) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)

    def epoch_order(self) -> np.ndarray:
        return np.arange(len(self.data_source), dtype=np.int64)


class RandomSampler(Sampler):
    """Random indices into ``data_source``.

    Without replacement: a random permutation; ``num_samples`` (default ``len(data_source)``)
    larger than the dataset gives several permutations one after the other, the last one cut,
    as in PyTorch. With replacement: ``num_samples`` independent uniform draws.

    Errors, as PyTorch's: TypeError for a non-bool ``replacement``, ValueError unless
    ``num_samples`` is a positive int (so an empty dataset is refused here).

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> sorted(nn.data.RandomSampler(range(5), generator=ac.Generator(0)))
        [0, 1, 2, 3, 4]
        >>> len(list(nn.data.RandomSampler(range(3), num_samples=7)))
        7
    """

    def __init__(
        self,
        data_source: Sized,
        replacement: bool = False,
        num_samples: int | None = None,
        generator: Generator | None = None,
    ) -> None:
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(replacement, bool):
            raise TypeError(
                f"RandomSampler: replacement should be a bool, got replacement={replacement!r}."
            )
        n = self.num_samples
        if not isinstance(n, int) or isinstance(n, bool) or n <= 0:
            raise ValueError(
                f"RandomSampler: num_samples should be a positive integer, got num_samples={n!r}"
                " (an empty dataset has nothing to sample)."
            )

    @property
    def num_samples(self) -> int:
        """How many indices one pass yields."""
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def epoch_order(self) -> np.ndarray:
        n, m = len(self.data_source), self.num_samples
        rng = rng_of(self.generator)
        if self.replacement:
            return rng.integers(n, size=m, dtype=np.int64)
        # PyTorch's rule: m // n whole permutations, then the first m % n of one more.
        perms = [rng.permutation(n) for _ in range(-(-m // n))]
        return np.concatenate(perms)[:m].astype(np.int64, copy=False)

    def __iter__(self) -> Iterator[int]:
        return iter(self.epoch_order().tolist())

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given ``indices`` in a random order (a new permutation every pass)."""

    def __init__(self, indices: Sequence[int], generator: Generator | None = None) -> None:
        self.indices = indices
        self.generator = generator

    def epoch_order(self) -> np.ndarray:
        perm = rng_of(self.generator).permutation(len(self.indices))
        return np.asarray([int(self.indices[i]) for i in perm], dtype=np.int64)

    def __iter__(self) -> Iterator[int]:
        return iter(self.epoch_order().tolist())

    def __len__(self) -> int:
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """``num_samples`` indices in ``[0, len(weights))`` drawn with probability proportional to
    ``weights`` (which need not sum to 1); ``replacement=False`` never draws an index twice in a
    pass (successive draws renormalised over what is left, as ``torch.multinomial``; once the
    positive weights run out, the weight-0 indices follow, as there).

    Errors, as PyTorch's: ValueError at construction for a ``num_samples`` that is not a
    positive int, a non-bool ``replacement`` or weights that are not 1-D; RuntimeError when a
    pass starts with negative or non-finite weights, weights summing to 0, or (without
    replacement) fewer weights than ``num_samples``.
    """

    def __init__(
        self,
        weights: Sequence[float],
        num_samples: int,
        replacement: bool = True,
        generator: Generator | None = None,
    ) -> None:
        if not isinstance(num_samples, int) or isinstance(num_samples, bool) or num_samples <= 0:
            raise ValueError(
                "WeightedRandomSampler: num_samples should be a positive integer, got "
                f"num_samples={num_samples!r}."
            )
        if not isinstance(replacement, bool):
            raise ValueError(
                f"WeightedRandomSampler: replacement should be a bool, got {replacement!r}."
            )
        if isinstance(weights, Tensor):
            weights = weights.detach().cpu().numpy()
        w = np.asarray(weights, dtype=np.float64)
        if w.ndim != 1:
            raise ValueError(
                "WeightedRandomSampler: weights should be a 1-D sequence, got shape "
                f"{tuple(w.shape)}; flatten them, one weight per dataset index."
            )
        self.weights = w
        self.num_samples = num_samples
        self.replacement = replacement
        self.generator = generator

    def epoch_order(self) -> np.ndarray:
        w, m = self.weights, self.num_samples
        if not np.isfinite(w).all() or (w < 0).any() or w.sum() <= 0:
            raise RuntimeError(
                "WeightedRandomSampler: invalid weights (they must be finite, >= 0 and not all "
                f"0); got {len(w)} weights with min {w.min() if w.size else None} and sum "
                f"{w.sum()}."
            )
        if not self.replacement and m > len(w):
            raise RuntimeError(
                f"WeightedRandomSampler: cannot draw {m} samples without replacement from "
                f"{len(w)} weights; lower num_samples or pass replacement=True."
            )
        rng = rng_of(self.generator)
        if self.replacement:
            return rng.choice(len(w), size=m, p=w / w.sum()).astype(np.int64)
        # An exponential race: E_i / w_i are exponential with rates w_i, so sorting them gives
        # successive draws proportional to the weights of what is left (the weight-0 indices
        # last, in random order, as torch.multinomial gives them once the others run out).
        perm = rng.permutation(len(w))
        with np.errstate(divide="ignore"):
            keys = rng.exponential(size=len(w)) / w[perm]
        return perm[np.argsort(keys, kind="stable")[:m]].astype(np.int64)

    def __iter__(self) -> Iterator[int]:
        return iter(self.epoch_order().tolist())

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler):
    """Groups the indices of ``sampler`` (any iterable of indices) into lists of
    ``batch_size``; the last, shorter list is dropped when ``drop_last``.

    Errors, as PyTorch's: ValueError for a ``batch_size`` that is not a positive int or a
    non-bool ``drop_last``.

    Example:
        >>> import nn
        >>> list(nn.data.BatchSampler(nn.data.SequentialSampler(range(7)), 3, drop_last=False))
        [[0, 1, 2], [3, 4, 5], [6]]
    """

    def __init__(self, sampler: Iterable[int], batch_size: int, drop_last: bool) -> None:
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size <= 0:
            raise ValueError(
                f"BatchSampler: batch_size should be a positive integer, got {batch_size!r}."
            )
        if not isinstance(drop_last, bool):
            raise ValueError(f"BatchSampler: drop_last should be a bool, got {drop_last!r}.")
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last

    def __iter__(self) -> Iterator[list[int]]:
        it = iter(self.sampler)
        while batch := list(itertools.islice(it, self.batch_size)):
            if self.drop_last and len(batch) < self.batch_size:
                return
            yield batch

    def __len__(self) -> int:
        n = len(self.sampler)  # type: ignore[arg-type]
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)


def chunks(order: Any, batch_size: int, drop_last: bool) -> Iterator[Any]:
    """``order`` (an array) cut into consecutive pieces of ``batch_size`` (views, not copies),
    as ``BatchSampler`` cuts its sampler's indices."""
    n = len(order)
    stop = n - n % batch_size if drop_last else n
    for start in range(0, stop, batch_size):
        yield order[start : start + batch_size]


class DistributedSampler(Sampler):
    """This replica's share of ``dataset`` for data-parallel training over ``num_replicas``
    processes (``torch.utils.data.DistributedSampler``).

    Every replica orders the whole dataset the same way (a permutation drawn from a fresh
    ``ac.Generator(seed + epoch)`` when ``shuffle``, else ``0 .. n-1``), makes it a multiple of
    ``num_replicas`` long (``drop_last``: cut to ``num_replicas * ceil((n - num_replicas) /
    num_replicas)`` when ``n`` does not divide; otherwise padded by repeating the order from its
    start) and takes every ``num_replicas``-th index from position ``rank``: PyTorch's rule, so
    the replicas' shares are disjoint up to the padding and cover the dataset (all but the cut
    with ``drop_last``). Call ``set_epoch(epoch)`` before each epoch to get a new order.

    There is no process group to ask yet, so ``num_replicas`` and ``rank`` must be given
    (RuntimeError otherwise); a rank outside ``[0, num_replicas)`` is a ValueError, as PyTorch's.

    Example:
        >>> import nn
        >>> [list(nn.data.DistributedSampler(range(5), 2, r, shuffle=False)) for r in (0, 1)]
        [[0, 2, 4], [1, 3, 0]]
    """

    def __init__(
        self,
        dataset: Sized,
        num_replicas: int | None = None,
        rank: int | None = None,
        shuffle: bool = True,
        seed: int = 0,
        drop_last: bool = False,
    ) -> None:
        if num_replicas is None or rank is None:
            raise RuntimeError(
                f"DistributedSampler: num_replicas={num_replicas}, rank={rank}; there is no "
                "distributed process group to read them from, so pass both (e.g. the MPI "
                "world size and this process's rank)."
            )
        if rank >= num_replicas or rank < 0:
            raise ValueError(
                f"DistributedSampler: invalid rank {rank}, rank should be in the interval "
                f"[0, {num_replicas - 1}]."
            )
        self.dataset = dataset
        self.num_replicas = num_replicas
        self.rank = rank
        self.epoch = 0
        self.drop_last = drop_last
        n = len(dataset)
        if drop_last and n % num_replicas != 0:
            self.num_samples = math.ceil((n - num_replicas) / num_replicas)
        else:
            self.num_samples = math.ceil(n / num_replicas)
        self.total_size = self.num_samples * num_replicas
        self.shuffle = shuffle
        self.seed = seed

    def epoch_order(self) -> np.ndarray:
        n = len(self.dataset)
        if self.shuffle:
            order = Generator(self.seed + self.epoch).rng.permutation(n)
        else:
            order = np.arange(n)
        # np.resize repeats cyclically: padding by the order's own start, or cutting.
        order = np.resize(order, self.total_size) if n else order[: self.total_size]
        return order[self.rank : self.total_size : self.num_replicas].astype(np.int64)

    def __iter__(self) -> Iterator[int]:
        return iter(self.epoch_order().tolist())

    def __len__(self) -> int:
        return self.num_samples

    def set_epoch(self, epoch: int) -> None:
        """Use the order of ``epoch`` from the next pass on (with ``shuffle``; every replica
        must call it with the same epoch)."""
        self.epoch = epoch
