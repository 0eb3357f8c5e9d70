"""How a DataLoader turns samples into a batch: ``default_collate`` (a list of samples into one
batch) and ``default_convert`` (one sample, NumPy arrays made Tensors), with PyTorch's rules.

Deliberate difference from PyTorch: a tuple stays a tuple (PyTorch turns a batch of tuples, and
a converted tuple, into a list "for backwards compatibility"), so that a generic dataset's
batches have the same type as ``TensorDataset``'s, which this DataLoader yields as tuples.
"""

from __future__ import annotations

import collections.abc
import copy
from typing import Any

import numpy as np  # samples arrive as host data

import autograd_core as ac
from autograd_core.tensor import Tensor

__all__ = ["default_collate", "default_convert"]

_ERR = (
    "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"
)


def _is_text_or_object(arr: np.ndarray) -> bool:
    """An array of strings, bytes or Python objects (which are not made into Tensors)."""
    return arr.dtype.kind in "SUO"


def _map_each(elem: Any, make: Any) -> Any:
    """A mapping of the same type as ``elem`` with ``make(key)`` at every key (a plain dict
    when that type cannot be built so)."""
    values = {key: make(key) for key in elem}
    try:
        if isinstance(elem, collections.abc.MutableMapping):
            clone = copy.copy(elem)
            clone.update(values)
            return clone
        return type(elem)(values)
    except TypeError:
        return values


def _seq_each(elem: Any, parts: list[Any]) -> Any:
    """A sequence of the same type as ``elem`` holding ``parts`` (namedtuples and tuples keep
    their type; a list is copied and filled; a type that cannot be built so gives a list)."""
    if isinstance(elem, tuple):
        return type(elem)(*parts) if hasattr(elem, "_fields") else tuple(parts)
    try:
        if isinstance(elem, collections.abc.MutableSequence):
            clone = copy.copy(elem)
            for i, p in enumerate(parts):
                clone[i] = p
            return clone
        return type(elem)(parts)
    except TypeError:
        return parts


def _stack(batch: list[Any], what: str) -> Tensor:
    shapes = {tuple(b.shape) for b in batch}
    if len(shapes) != 1:
        raise RuntimeError(
            f"default_collate: cannot stack {what} of different shapes {sorted(shapes)} into "
            "one batch; pad them to one shape, or pass a collate_fn that batches them."
        )
    if what == "tensors":
        return Tensor(batch[0].xp.stack([b.data for b in batch]))
    return Tensor(np.stack(batch))


def default_collate(batch: list[Any]) -> Any:
    """Put a list of samples together into a batch (``torch.utils.data.default_collate``).

    By the type of the first sample: Tensors and NumPy arrays are stacked along a new first
    axis (same shape needed; RuntimeError otherwise); NumPy scalars become a Tensor of their
    dtype; Python ints (and bools) a Tensor as ``ac.tensor`` makes it (int64, bool); Python
    floats a float64 Tensor (PyTorch's rule); strings and bytes stay a list; a mapping is
    collated key by key, a namedtuple, tuple or list position by position (every sample the
    same length, RuntimeError otherwise), keeping the container's type. Anything else, and
    arrays of strings or objects, are a TypeError.

    Example:
        >>> import nn
        >>> out = nn.data.default_collate([{"x": 1.5, "n": "a"}, {"x": 2.5, "n": "b"}])
        >>> out["x"].tolist(), str(out["x"].dtype), out["n"]
        ([1.5, 2.5], 'float64', ['a', 'b'])
    """
    elem = batch[0]
    if isinstance(elem, Tensor):
        return _stack(batch, "tensors")
    if isinstance(elem, np.ndarray):
        if _is_text_or_object(elem):
            raise TypeError(_ERR.format(elem.dtype))
        return _stack(batch, "arrays")
    if isinstance(elem, (np.bool_, np.number)):
        return Tensor(np.asarray(batch))
    if isinstance(elem, float):
        return ac.tensor(batch, dtype=ac.float64)
    if isinstance(elem, int):
        return ac.tensor(batch)
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        return _map_each(elem, lambda key: default_collate([d[key] for d in batch]))
    if isinstance(elem, collections.abc.Sequence):
        sizes = {len(s) for s in batch}
        if len(sizes) != 1:
            raise RuntimeError(
                "default_collate: each element in list of batch should be of equal size; got "
                f"lengths {sorted(sizes)}. Pad the samples, or pass a collate_fn."
            )
        return _seq_each(elem, [default_collate(list(s)) for s in zip(*batch)])
    raise TypeError(_ERR.format(type(elem)))


def default_convert(data: Any) -> Any:
    """One sample with every NumPy array and NumPy scalar made a Tensor, inside mappings,
    namedtuples, tuples and lists too; anything else (Tensors, Python numbers, strings, arrays of
    strings or objects) unchanged (``torch.utils.data.default_convert``). A DataLoader with
    ``batch_size=None`` applies it to each sample.

    Example:
        >>> import numpy as np
        >>> import nn
        >>> out = nn.data.default_convert({"x": np.arange(2), "k": 3})
        >>> type(out["x"]).__name__, out["k"]
        ('Tensor', 3)
    """
    if isinstance(data, Tensor):
        return data
    if isinstance(data, np.ndarray):
        return data if _is_text_or_object(data) else Tensor(data)
    if isinstance(data, (np.bool_, np.number)):
        return Tensor(np.asarray(data))
    if isinstance(data, collections.abc.Mapping):
        return _map_each(data, lambda key: default_convert(data[key]))
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        return _seq_each(data, [default_convert(d) for d in data])
    return data
