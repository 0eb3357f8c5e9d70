"""Datasets and mini-batches: TensorDataset, DataLoader (shuffle, drop_last, generator),
random_split and Subset.

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

__all__ = [
    "Dataset",
    "TensorDataset",
    "Subset",
    "DataLoader",
    "random_split",
    "model_device",
    "move_batch",
]


class Dataset:
    """Anything with ``__len__`` and ``__getitem__(i)`` returning one sample."""

    def __len__(self) -> int:
        raise NotImplementedError

    def __getitem__(self, index: int) -> Any:
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
    """Iterate over a dataset in mini-batches.

    Args:
        dataset: a Dataset (a ``TensorDataset`` is batched by fancy indexing, no Python loop).
        batch_size: samples per batch.
        shuffle: draw a new random order at the start of every epoch.
        drop_last: drop the last batch if it is smaller than ``batch_size``.
        generator: the source of the shuffling order (a new ``ac.Generator`` seeded from the
            default generator if None); its state is part of ``state_dict()``.
        collate_fn: how to turn a list of samples into a batch (datasets without ``batch``).

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
        shuffle: bool = False,
        drop_last: bool = False,
        generator: Generator | None = None,
        collate_fn: Callable[[list[Any]], Any] | None = None,
    ) -> None:
        if batch_size < 1:
            raise ValueError(f"DataLoader: batch_size must be at least 1, got {batch_size}.")
        self.dataset = dataset
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self.drop_last = drop_last
        if generator is None:
            generator = Generator(int(rng_of(None).integers(2**63)))
        self.generator = generator
        self.collate_fn = collate_fn or default_collate

    def __len__(self) -> int:
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def __iter__(self) -> Iterator[Any]:
        n = len(self.dataset)
        order = self.generator.rng.permutation(n) if self.shuffle else None
        if order is not None and hasattr(self.dataset, "batch"):
            order = _on_device_of(self.dataset, order)
        for b in range(len(self)):
            start = b * self.batch_size
            stop = min(start + self.batch_size, n)
            idx = order[start:stop] if order is not None else slice(start, stop)
            if hasattr(self.dataset, "batch"):
                yield self.dataset.batch(idx)
            else:
                rows = range(start, stop) if order is None else idx.tolist()
                yield self.collate_fn([self.dataset[int(i)] for i in rows])

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
