"""``combinations`` (the r-subsets of a vector's entries, as rows) and ``vander`` (the
Vandermonde matrix of a vector), as in PyTorch.

Both are compositions: ``combinations`` is one ``getitem`` with a constant table of positions
(so an entry used k times receives the sum of its k gradients) and ``vander`` is a running
product of the columns (so x⁰ = 1 has gradient 0 and x = 0 needs no 0⁻¹ as ``pow`` would).
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy

from autograd_core.errors import ShapeError
from autograd_core.ops.common import const, lift
from autograd_core.ops.join import stack
from autograd_core.ops.shape import astype
from autograd_core.ops.subscript import getitem
from autograd_core.tensor import Tensor

__all__ = ["combinations", "vander"]


def combinations(input: Tensor, r: int = 2, with_replacement: bool = False) -> Tensor:  # noqa: A002
    """The r-element combinations of the entries of a 1-D tensor, one per row of an (m, r)
    tensor in lexicographic order of positions, as ``torch.combinations`` (Python's
    ``itertools.combinations``, or ``combinations_with_replacement``). ``r = 0`` gives an
    empty 1-D tensor; r larger than the length (without replacement) gives shape (0, r).

    Raises:
        ShapeError: input not 1-D, or r negative.

    Example:
        >>> import autograd_core as ac
        >>> ac.combinations(ac.tensor([1, 2, 3]))
        tensor([[1, 2],
                [1, 3],
                [2, 3]])
    """
    x = lift(input)
    if x.ndim != 1:
        raise ShapeError(f"combinations: expects a 1-D tensor, got shape {tuple(x.shape)}.")
    r = int(r)
    if r < 0:
        raise ShapeError(f"combinations: r must be non-negative, got {r}.")
    if r == 0:
        return const(x.xp.zeros((0,), x.dtype))
    pick = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    rows = numpy.array(list(pick(range(x.shape[0]), r)), dtype=numpy.int64).reshape(-1, r)
    return getitem(x, x.xp.asarray(rows))


def vander(x: Tensor, N: int | None = None, increasing: bool = False) -> Tensor:  # noqa: N803
    """The Vandermonde matrix of a 1-D x, as ``torch.vander``: column j is x^(N−1−j)
    (x^j with ``increasing=True``), N columns (default len(x)). Bool and integer inputs give
    int64 (PyTorch's running product accumulates in int64, as cumprod), floating ones keep
    their dtype. Built as a running product x·x·…, so it is differentiable everywhere.

    Raises:
        ShapeError: x not 1-D, or N negative.

    Example:
        >>> import autograd_core as ac
        >>> ac.vander(ac.tensor([1, 2, 3]))
        tensor([[1, 1, 1],
                [4, 2, 1],
                [9, 3, 1]])
    """
    x = lift(x)
    if x.ndim != 1:
        raise ShapeError(f"vander: x must be a 1-D tensor, got shape {tuple(x.shape)}.")
    n = x.shape[0] if N is None else int(N)
    if n < 0:
        raise ShapeError(f"vander: N must be non-negative, got {n}.")
    if x.dtype.kind in "biu":  # (no gradient to cut: integers never require grad)
        x = astype(x, numpy.int64)
    if n == 0:
        return const(x.xp.zeros((x.shape[0], 0), x.dtype))
    columns: list[Any] = [const(x.xp.ones(x.shape, x.dtype))]
    for _ in range(n - 1):
        columns.append(columns[-1] * x if len(columns) > 1 else x)
    return stack(columns if increasing else columns[::-1], 1)
