"""Datasets (``torch.utils.data``'s names and rules): Dataset, IterableDataset, TensorDataset,
Subset, ConcatDataset, ChainDataset, StackDataset, and random_split.

A dataset may have a ``batch(indices)`` method that returns a whole batch at once (TensorDataset
and Subset do); DataLoader then calls it instead of reading sample by sample and collating.
"""

from __future__ import annotations

import bisect
import itertools
import math
import warnings
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import autograd_core as ac
from autograd_core.random import Generator, rng_of
from autograd_core.tensor import Tensor
from nn.data_collate import default_collate

__all__ = [
    "Dataset",
    "IterableDataset",
    "TensorDataset",
    "Subset",
    "ConcatDataset",
    "ChainDataset",
    "StackDataset",
    "random_split",
]


class Dataset:
    """Anything with ``__len__`` and ``__getitem__(i)`` returning one sample."""

    def __len__(self) -> int:
        raise NotImplementedError

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError

    def __add__(self, other: Dataset) -> ConcatDataset:
        """``a + b`` is ``ConcatDataset([a, b])``, as in PyTorch."""
        return ConcatDataset([self, other])


class IterableDataset(Dataset):
    """A dataset read as a stream: subclasses define ``__iter__`` (``__len__`` is optional).

    With ``num_workers > 0`` every worker iterates its own copy, as in PyTorch; to read each
    sample once, ``__iter__`` takes its share using ``get_worker_info()``."""

    def __iter__(self) -> Iterator[Any]:
        raise NotImplementedError

    def __add__(self, other: Dataset) -> ChainDataset:  # type: ignore[override]
        """``a + b`` is ``ChainDataset([a, b])``, as in PyTorch."""
        return ChainDataset([self, other])


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

    def __getitem__(self, index: int | list[int]) -> Any:
        if isinstance(index, list):  # PyTorch passes a list of positions on to the dataset
            return self.dataset[[self.indices[i] for i in index]]
        return self.dataset[self.indices[index]]

    def batch(self, indices: Any) -> Any:
        """Rows ``indices`` (positions within the subset)."""
        if isinstance(indices, slice):
            indices = range(len(self.indices))[indices]
        picked = [self.indices[int(i)] for i in indices]
        if hasattr(self.dataset, "batch"):
            return self.dataset.batch(picked)
        return default_collate([self.dataset[i] for i in picked])


class ConcatDataset(Dataset):
    """The samples of several map-style datasets one after the other.

    ``cumulative_sizes[i]`` is the total length of ``datasets[:i + 1]``. Errors, as PyTorch's:
    AssertionError for no dataset or an IterableDataset among them, ValueError for a negative
    index beyond the start; an index past the end is an IndexError.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> ds = nn.data.ConcatDataset([nn.data.TensorDataset(ac.arange(3)), [10, 11]])
        >>> len(ds), ds[4], ds[-5][0].item()
        (5, 11, 0)
    """

    def __init__(self, datasets: Iterable[Any]) -> None:
        self.datasets = list(datasets)
        if not self.datasets:
            raise AssertionError("ConcatDataset: datasets should not be an empty iterable.")
        for d in self.datasets:
            if isinstance(d, IterableDataset):
                raise AssertionError(
                    "ConcatDataset does not support IterableDataset; chain streams with "
                    "ChainDataset."
                )
        self.cumulative_sizes = list(itertools.accumulate(len(d) for d in self.datasets))

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx: int) -> Any:
        n = len(self)
        if idx < 0:
            if -idx > n:
                raise ValueError(
                    f"ConcatDataset: index {idx}: absolute value of index should not exceed "
                    f"dataset length {n}."
                )
            idx += n
        if idx >= n:
            raise IndexError(f"ConcatDataset: index {idx} is out of range for length {n}.")
        d = bisect.bisect_right(self.cumulative_sizes, idx)
        start = self.cumulative_sizes[d - 1] if d else 0
        return self.datasets[d][idx - start]


class ChainDataset(IterableDataset):
    """Several IterableDatasets read one after the other, on the fly. Its length is the sum of
    theirs; iterating or asking the length with a map-style dataset among them is an
    AssertionError, as in PyTorch."""

    def __init__(self, datasets: Iterable[Any]) -> None:
        self.datasets = datasets

    def _checked(self) -> Iterator[Any]:
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise AssertionError(
                    f"ChainDataset only supports IterableDataset, got {type(d).__name__}; "
                    "join map-style datasets with ConcatDataset."
                )
            yield d

    def __iter__(self) -> Iterator[Any]:
        for d in self._checked():
            yield from d

    def __len__(self) -> int:
        return sum(len(d) for d in self._checked())


class StackDataset(Dataset):
    """Samples made of the samples at the same index of several datasets of one length:
    ``StackDataset(a, b)[i] == (a[i], b[i])`` and ``StackDataset(x=a, y=b)[i] == {"x": a[i],
    "y": b[i]}``. ValueError, as PyTorch's, for both positional and keyword datasets, for none,
    and for datasets of different lengths.

    Example:
        >>> import nn
        >>> nn.data.StackDataset(x=[1, 2], y=["a", "b"])[1]
        {'x': 2, 'y': 'b'}
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if args and kwargs:
            raise ValueError(
                "StackDataset: give the datasets either positionally (tuple samples) or by "
                "keyword (dict samples), not both."
            )
        if not args and not kwargs:
            raise ValueError("StackDataset: at least one dataset should be passed.")
        self.datasets: tuple | dict = args or kwargs
        parts = args or tuple(kwargs.values())
        lengths = [len(d) for d in parts]
        if len(set(lengths)) != 1:
            raise ValueError(f"StackDataset: size mismatch between datasets: lengths {lengths}.")
        self._length = lengths[0]

    def __getitem__(self, index: int) -> Any:
        if isinstance(self.datasets, dict):
            return {k: d[index] for k, d in self.datasets.items()}
        return tuple(d[index] for d in self.datasets)

    def __len__(self) -> int:
        return self._length


def _split_lengths(n: int, lengths: Sequence[int | float]) -> list[int]:
    """PyTorch's rule: lengths that sum to 1 (``math.isclose`` and ``<= 1``) are fractions, each
    ``floor(n * f)``, the remainder then given out one by one from the first split on."""
    total = sum(lengths)
    if not (math.isclose(total, 1) and total <= 1):
        return list(lengths)  # type: ignore[arg-type]
    counts = []
    for i, frac in enumerate(lengths):
        if frac < 0 or frac > 1:
            raise ValueError(f"random_split: fraction at index {i} ({frac}) is not in [0, 1].")
        counts.append(math.floor(n * frac))
    for i in range(n - sum(counts)):
        counts[i % len(counts)] += 1
    for i, c in enumerate(counts):
        if c == 0:
            warnings.warn(
                f"random_split: length of split at index {i} is 0; that subset is empty.",
                UserWarning,
                stacklevel=3,
            )
    return counts


def random_split(
    dataset: Dataset, lengths: Sequence[int | float], generator: Generator | None = None
) -> list[Subset]:
    """Split ``dataset`` into non-overlapping random subsets of the given lengths: counts, or
    fractions that sum to 1 (``floor(len * f)`` each, the remainder given out one at a time from
    the first subset on, as PyTorch does; a subset left empty warns). ValueError when the
    counts do not add up to ``len(dataset)`` or a fraction is outside [0, 1].

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> ds = nn.data.TensorDataset(ac.arange(10))
        >>> [len(s) for s in nn.data.random_split(ds, [0.8, 0.2], ac.Generator(0))]
        [8, 2]
    """
    n = len(dataset)
    counts = _split_lengths(n, lengths)
    if sum(counts) != n:
        raise ValueError(
            f"random_split: lengths {list(lengths)} add up to {sum(counts)}, but the dataset "
            f"has {n} samples."
        )
    if any(not isinstance(c, int) or isinstance(c, bool) for c in counts):
        raise TypeError(
            f"random_split: lengths {list(lengths)} are neither counts (ints) nor fractions "
            "that sum to 1."
        )
    perm = rng_of(generator).permutation(n).tolist()
    bounds = list(itertools.accumulate(counts, initial=0))
    return [Subset(dataset, perm[a:b]) for a, b in zip(bounds, bounds[1:])]
