"""``embedding_bag``: the sum, mean or maximum of the embedding rows of each bag of indices,
without materialising the (bags, bag length, dim) tensor of rows first — PyTorch's
``torch.nn.functional.embedding_bag``. Re-exported by ``nn.functional``.

Composed of differentiable ops (an index, ``index_add`` for sum/mean, ``scatter_reduce`` with
``amax`` for max), so the gradients of ``weight`` and ``per_sample_weights`` and the second
derivatives come from the engine.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd_core as ac
from autograd_core.errors import ShapeError
from autograd_core.tensor import Tensor
from nn.index_checks import check_index_range, host_indices, poison

__all__ = ["embedding_bag"]

_MODES = ("sum", "mean", "max")


def _as_indices(data: Any, like: Tensor, what: str) -> Any:
    arr = data.data if isinstance(data, Tensor) else like.xp.asarray(data)
    if arr.dtype.kind not in "iu":
        raise TypeError(
            f"embedding_bag: {what} must be integers, got dtype {arr.dtype}. Convert with .long()."
        )
    return arr


def _bag_ids(offsets: Any, n: int, include_last_offset: bool) -> tuple[Any, int]:
    """For each of the ``n`` flat indices, the bag it belongs to, and the number of bags.
    ``offsets`` is a host array."""
    if offsets.ndim != 1:
        raise ShapeError(
            f"embedding_bag: offsets has to be a 1-D tensor, got shape {tuple(offsets.shape)}."
        )
    if offsets.size == 0:
        raise ValueError(
            "embedding_bag: offsets is empty; it needs the start of each bag (at least [0])."
        )
    bags = offsets.size - 1 if include_last_offset else offsets.size
    if int(offsets[0]) != 0:
        raise ValueError(
            f"embedding_bag: offsets[0] has to be 0 (the first bag starts at position 0); got "
            f"{int(offsets[0])}."
        )
    if int(offsets[-1]) > n or (offsets[1:] < offsets[:-1]).any():
        raise ValueError(
            f"embedding_bag: offsets must be non-decreasing and at most the input's length {n}; "
            f"got {offsets.tolist()}."
        )
    if include_last_offset and int(offsets[-1]) != n:
        raise ValueError(
            f"embedding_bag: with include_last_offset, the last offset must equal the input's "
            f"length {n} (it closes the last bag); got offsets {offsets.tolist()}. Append {n}."
        )
    return offsets.searchsorted(np.arange(n), side="right") - 1, bags


def embedding_bag(
    input: Any,  # noqa: A002  (PyTorch's name)
    weight: Tensor,
    offsets: Any = None,
    max_norm: float | None = None,
    norm_type: float = 2,
    scale_grad_by_freq: bool = False,
    mode: str = "mean",
    sparse: bool = False,
    per_sample_weights: Tensor | None = None,
    include_last_offset: bool = False,
    padding_idx: int | None = None,
) -> Tensor:
    """Reduce the rows of ``weight`` (num_embeddings, dim) picked by each bag of indices to one
    vector per bag: their sum, mean or elementwise maximum. Returns (bags, dim).

    Bags, as PyTorch:

    - ``input`` 2-D (B, L): each row is a bag of L indices (``offsets`` must be None);
    - ``input`` 1-D with ``offsets`` 1-D: bag b is ``input[offsets[b]:offsets[b+1]]``, the last
      bag running to the end; with ``include_last_offset`` the last offset only closes the
      bag before it (B + 1 offsets for B bags). ``offsets[0]`` must be 0.

    ``per_sample_weights`` (``input``'s shape, ``weight``'s dtype; mode ``"sum"`` only)
    multiplies each row before the sum, and gets a gradient. Indices equal to ``padding_idx``
    are left out of their bag (not counted by the mean). An empty bag gives zeros in every mode.

    Deliberate differences: with ``include_last_offset`` the last offset must equal the
    input's length, as PyTorch documents (PyTorch does not check it, and its modes then
    disagree on the trailing indices: sum drops them, max keeps them, mean counts them);
    ``max_norm``, ``scale_grad_by_freq`` and ``sparse=True`` are not
    supported (NotImplementedError); where several rows tie for a bag's maximum the gradient is
    split among them (PyTorch gives it to one).

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> w = ac.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 0.0]])
        >>> F.embedding_bag(ac.tensor([0, 1, 2]), w, ac.tensor([0, 2]), mode="sum").tolist()
        [[4.0, 6.0], [5.0, 0.0]]
    """
    for flag, name in ((max_norm is not None, "max_norm"), (scale_grad_by_freq, "")):
        if flag:
            name = name or "scale_grad_by_freq"
            raise NotImplementedError(
                f"embedding_bag: {name} is not supported. Renormalise the weight or scale the "
                "gradient yourself."
            )
    if sparse:
        raise NotImplementedError("embedding_bag: sparse gradients are not supported; pass False.")
    if mode not in _MODES:
        raise ValueError(f"embedding_bag: mode must be 'sum', 'mean' or 'max', got {mode!r}.")
    if not isinstance(weight, Tensor) or weight.ndim != 2 or weight.dtype.kind != "f":
        raise ShapeError(
            "embedding_bag: weight must be a 2-D floating tensor (num_embeddings, dim); got "
            f"{getattr(weight, 'shape', type(weight).__name__)} of dtype "
            f"{getattr(weight, 'dtype', None)}."
        )
    idx = _as_indices(input, weight, "input")
    host = host_indices(input)
    if idx.ndim == 2:
        if offsets is not None:
            raise ValueError(
                "embedding_bag: if input is 2-D, offsets has to be None (each row is a bag of "
                f"fixed length); got offsets with input of shape {tuple(idx.shape)}."
            )
        B, L = idx.shape
        bag = weight.xp.repeat(weight.xp.arange(B), L)
    elif idx.ndim == 1:
        if offsets is None:
            raise ValueError(
                "embedding_bag: a 1-D input needs offsets (the start of each bag), got None."
            )
        off = ac.as_tensor(_as_indices(offsets, weight, "offsets")).numpy()  # bag sizes, on host
        bag, B = _bag_ids(off, idx.size, include_last_offset)
        bag = weight.xp.asarray(bag)
    else:
        raise ShapeError(
            f"embedding_bag: input has to be 1-D (with offsets) or 2-D (B, L); got shape "
            f"{tuple(idx.shape)}."
        )
    flat = idx.reshape(-1)
    n = weight.shape[0]
    if padding_idx is not None:
        if not -n <= padding_idx < n:
            raise ValueError(
                f"embedding_bag: padding_idx {padding_idx} is out of range for {n} embeddings."
            )
        padding_idx %= n
    bad = check_index_range(
        "embedding_bag",
        "input",
        flat,
        n,
        host,
        "Increase num_embeddings or remap the indices.",
    )
    keep = weight.xp.ones(flat.shape, bool) if padding_idx is None else flat != padding_idx
    rows = weight[flat[keep]]
    if bad is not None:  # device indices: bad rows become NaN (nn/index_checks.py)
        rows = (
            rows
            * ac.as_tensor(poison(weight.xp.ones(flat.shape, weight.dtype), bad)[keep])[:, None]
        )
    seg = bag[keep]
    if per_sample_weights is not None:
        if mode != "sum":
            raise NotImplementedError(
                "embedding_bag: per_sample_weights is only supported for mode='sum' (as in "
                f"PyTorch); got mode={mode!r}."
            )
        psw = ac.as_tensor(per_sample_weights)
        if tuple(psw.shape) != tuple(idx.shape) or psw.dtype != weight.dtype:
            raise ShapeError(
                f"embedding_bag: per_sample_weights must have input's shape {tuple(idx.shape)} "
                f"and weight's dtype {weight.dtype}; got shape {tuple(psw.shape)}, dtype "
                f"{psw.dtype}."
            )
        rows = rows * psw.reshape(-1)[keep][:, None]
    out = ac.zeros(B, weight.shape[1], dtype=weight.dtype, device=weight.device)
    if mode == "max":
        target = weight.xp.broadcast_to(seg[:, None], rows.shape)
        return ac.scatter_reduce(out, 0, target, rows, "amax", include_self=False)
    if mode == "mean":
        count = weight.xp.bincount(seg, minlength=B).astype(weight.dtype)
        rows = rows * ac.as_tensor(1.0 / count[seg])[:, None]  # empty bags are never read
    return ac.index_add(out, 0, seg, rows)
