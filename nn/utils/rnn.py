"""Batches of variable-length sequences, as ``torch.nn.utils.rnn``: padding, and the packed form
(``PackedSequence``) that ``nn.RNN``, ``nn.LSTM`` and ``nn.GRU`` accept.

A packed sequence stores the steps of a batch sorted by decreasing length, time step by time
step: first the first element of every sequence, then the second element of every sequence
that has one, and so on; ``batch_sizes[t]`` counts the sequences longer than t. Packing and
unpacking are index gathers (``getitem``), so gradients flow through them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np  # index arithmetic on the host (lengths, orders), never tensor maths

import autograd_core as ac
from autograd_core.errors import ShapeError
from autograd_core.tensor import Tensor

__all__ = [
    "PackedSequence",
    "pad_sequence",
    "pack_padded_sequence",
    "pad_packed_sequence",
    "pack_sequence",
]


class PackedSequence(NamedTuple):
    """The packed steps of a batch of sequences (``torch.nn.utils.rnn.PackedSequence``).

    Attributes:
        data: (Σ lengths, *) the steps, time-major, each step's sequences longest first.
        batch_sizes: (T,) int64, how many sequences have a step t.
        sorted_indices: (B,) int64, the original index of each sorted sequence (None when the
            batch was already sorted).
        unsorted_indices: (B,) int64, the inverse permutation (None when sorted).
    """

    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Tensor | None = None
    unsorted_indices: Tensor | None = None

    def lengths(self) -> np.ndarray:
        """The sorted lengths of the sequences, longest first, as a host int array."""
        bs = np.asarray(self.batch_sizes.tolist(), dtype=np.int64)
        return (bs[None, :] > np.arange(int(bs[0]) if bs.size else 0)[:, None]).sum(axis=1)


def _time_major(x: Tensor, batch_first: bool) -> Tensor:
    return x.transpose(0, 1) if batch_first else x


def pad_sequence(
    sequences: Sequence[Tensor], batch_first: bool = False, padding_value: float = 0.0
) -> Tensor:
    """Stack sequences of shapes (L_i, *) into one (T, B, *) tensor (``batch_first``: (B, T, *)),
    T = max L_i, filling the missing steps with ``padding_value``.

    Example:
        >>> import autograd_core as ac
        >>> from nn.utils.rnn import pad_sequence
        >>> pad_sequence([ac.ones(3, 2), ac.ones(1, 2)], batch_first=True)[1].tolist()
        [[1.0, 1.0], [0.0, 0.0], [0.0, 0.0]]
    """
    if not sequences:
        raise ShapeError("pad_sequence: got no sequences. Pass a non-empty list of tensors.")
    seqs = [ac.as_tensor(s) for s in sequences]
    tail = tuple(seqs[0].shape[1:])
    for i, s in enumerate(seqs):
        if s.ndim < 1 or tuple(s.shape[1:]) != tail:
            raise ShapeError(
                f"pad_sequence: sequence {i} has shape {tuple(s.shape)}, but every sequence must "
                f"be (length, {', '.join(map(str, tail))}) like sequence 0 {tuple(seqs[0].shape)}. "
                "Give every sequence the same trailing shape."
            )
    T = max(s.shape[0] for s in seqs)
    rows = []
    for s in seqs:
        fill = ac.full((T - s.shape[0], *tail), padding_value, dtype=s.dtype, device=s.device)
        rows.append(ac.cat([s, fill], dim=0) if T > s.shape[0] else s)
    return ac.stack(rows, dim=0 if batch_first else 1)


def _gather_index(bs: np.ndarray, B: int) -> np.ndarray:
    """(T, B) row of the packed data for each (t, sorted j); Σ bs (one past the end) if none."""
    offsets = np.concatenate([[0], np.cumsum(bs)[:-1]])
    j = np.arange(B)[None, :]
    return np.where(j < bs[:, None], offsets[:, None] + j, int(bs.sum()))


def pack_padded_sequence(
    input: Tensor,  # noqa: A002  (PyTorch's name)
    lengths: Any,
    batch_first: bool = False,
    enforce_sorted: bool = True,
) -> PackedSequence:
    """Pack a padded batch (T, B, *) (``batch_first``: (B, T, *)) whose sequence b has
    ``lengths[b]`` valid steps.

    Args:
        input: the padded batch.
        lengths: B lengths between 1 and T (a list, array or int tensor).
        batch_first: whether ``input`` is (B, T, *).
        enforce_sorted: require lengths in decreasing order; False sorts the batch and records
            the order in ``sorted_indices`` / ``unsorted_indices``.

    Raises:
        ShapeError: wrong number of lengths, a length outside 1…T, or unsorted lengths with
            ``enforce_sorted=True``.

    Example:
        >>> import autograd_core as ac
        >>> from nn.utils.rnn import pack_padded_sequence
        >>> p = pack_padded_sequence(ac.ones(3, 2, 1), [1, 3], enforce_sorted=False)
        >>> p.batch_sizes.tolist(), p.data.shape, p.sorted_indices.tolist()
        ([2, 1, 1], (4, 1), [1, 0])
    """
    x = _time_major(ac.as_tensor(input), batch_first)
    lens = np.asarray(lengths.tolist() if hasattr(lengths, "tolist") else lengths, np.int64)
    T, B = x.shape[0], x.shape[1] if x.ndim > 1 else 0
    if lens.ndim != 1 or lens.size != B or B == 0 or lens.min() < 1 or lens.max() > T:
        raise ShapeError(
            f"pack_padded_sequence: needs {B} lengths between 1 and T = {T} for input of shape "
            f"{tuple(input.shape)} (batch_first={batch_first}); got {lens.tolist()}. Pass one "
            "length per sequence, without empty sequences."
        )
    sorted_idx = unsorted_idx = None
    order = np.arange(B)
    if np.any(lens[:-1] < lens[1:]):
        if enforce_sorted:
            raise ShapeError(
                f"pack_padded_sequence: lengths {lens.tolist()} are not in decreasing order. "
                "Sort the batch by length, or pass enforce_sorted=False."
            )
        order = np.argsort(-lens, kind="stable")
        sorted_idx = ac.tensor(order)
        unsorted_idx = ac.tensor(np.argsort(order))
    elif not enforce_sorted:
        sorted_idx, unsorted_idx = ac.tensor(order), ac.tensor(order)
    slens = lens[order]
    bs = (slens[None, :] > np.arange(int(slens[0]))[:, None]).sum(axis=1)
    t_idx, j_idx = np.nonzero(np.arange(B)[None, :] < bs[:, None])
    data = x[t_idx, order[j_idx]]
    return PackedSequence(data, ac.tensor(bs), sorted_idx, unsorted_idx)


def pad_packed_sequence(
    sequence: PackedSequence,
    batch_first: bool = False,
    padding_value: float = 0.0,
    total_length: int | None = None,
) -> tuple[Tensor, Tensor]:
    """Undo ``pack_padded_sequence``: returns (padded batch, lengths) in the original order.

    Example:
        >>> import autograd_core as ac
        >>> from nn.utils.rnn import pack_padded_sequence, pad_packed_sequence
        >>> x = ac.arange(6.0).reshape(3, 2, 1)
        >>> y, lengths = pad_packed_sequence(pack_padded_sequence(x, [1, 3], enforce_sorted=False))
        >>> y[:, 0, 0].tolist(), y[:, 1, 0].tolist(), lengths.tolist()
        ([0.0, 0.0, 0.0], [1.0, 3.0, 5.0], [1, 3])
    """
    data = sequence.data
    bs = np.asarray(sequence.batch_sizes.tolist(), np.int64)
    B, T = int(bs[0]), len(bs)
    if total_length is not None and total_length < T:
        raise ShapeError(
            f"pad_packed_sequence: total_length={total_length} is shorter than the longest "
            f"sequence ({T} steps). Pass total_length >= {T}, or None."
        )
    fill = ac.full((1, *data.shape[1:]), padding_value, dtype=data.dtype, device=data.device)
    index = _gather_index(bs, B)
    if total_length is not None and total_length > T:
        index = np.concatenate([index, np.full((total_length - T, B), int(bs.sum()))])
    padded = ac.cat([data, fill], dim=0)[index]
    lengths = sequence.lengths()
    if sequence.unsorted_indices is not None:
        unsorted = np.asarray(sequence.unsorted_indices.tolist(), np.int64)
        padded, lengths = padded[:, unsorted], lengths[unsorted]
    return _time_major(padded, batch_first), ac.tensor(lengths)


def pack_sequence(sequences: Sequence[Tensor], enforce_sorted: bool = True) -> PackedSequence:
    """Pack a list of (L_i, *) sequences: ``pack_padded_sequence(pad_sequence(seqs), lengths)``.

    Example:
        >>> import autograd_core as ac
        >>> from nn.utils.rnn import pack_sequence
        >>> pack_sequence([ac.ones(3, 1), ac.ones(2, 1)]).batch_sizes.tolist()
        [2, 2, 1]
    """
    lengths = [int(ac.as_tensor(s).shape[0]) for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def sorted_padded(packed: PackedSequence) -> tuple[Tensor, list[int]]:
    """(x, lengths): the packed steps as a (T, B, *) batch in *sorted* order (longest first, as
    the fused recurrent ops want it) and the sorted lengths."""
    bs = np.asarray(packed.batch_sizes.tolist(), np.int64)
    data = packed.data
    fill = ac.zeros(1, *data.shape[1:], dtype=data.dtype, device=data.device)
    return ac.cat([data, fill], dim=0)[_gather_index(bs, int(bs[0]))], packed.lengths().tolist()


def repack(y: Tensor, batch_sizes: Tensor) -> Tensor:
    """The packed data of a sorted (T, B, *) batch (the inverse of ``sorted_padded``)."""
    bs = np.asarray(batch_sizes.tolist(), np.int64)
    t_idx, j_idx = np.nonzero(np.arange(y.shape[1])[None, :] < bs[:, None])
    return y[t_idx, j_idx]
