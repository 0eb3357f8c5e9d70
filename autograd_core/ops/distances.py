"""p-norm distances with PyTorch's names: ``cdist`` (every row of one batch of points against
every row of another) and ``dist`` (one distance between two tensors); ``pdist`` (the pairs
within one set) is ``nn.functional.pdist`` and is built here on the same norm.

All are compositions of recorded ops over the differences x₁ − x₂, so they hold one
(…, P, R, M) difference array for backward: exact values (no ‖x‖² + ‖y‖² − 2x·y cancellation)
for that memory. At zero distance the norm's gradient is taken as 0, as PyTorch's: the root is
read through a constant mask of the positive sums (``where(s > 0, s, 1)`` inside, 0 outside),
so neither pass meets 0/0 and the second derivative stays finite.
"""

from __future__ import annotations

import math
from typing import Any

from autograd_core.broadcast import broadcast_shapes
from autograd_core.device import get_array_module
from autograd_core.errors import DTypeError, ShapeError
from autograd_core.ops.binary import where
from autograd_core.ops.common import lift
from autograd_core.ops.constructions import triu_indices
from autograd_core.ops.extrema import amax
from autograd_core.ops.unary import abs as _abs
from autograd_core.tensor import Tensor

__all__ = ["cdist", "dist"]


def _check_p(name: str, p: Any) -> float:
    p = float(p)
    if not p >= 0:  # (NaN fails too)
        raise ValueError(f"{name}: p must be a non-negative number or inf; got p={p}. Use p=2.")
    return p


def pnorm_last(d: Tensor, p: float) -> Tensor:
    """‖d‖ₚ over the last axis, with a zero gradient where the norm (or an entry, for p < 1)
    is zero, as PyTorch's norm backward; p = 0 counts the non-zero entries (gradient zero).

    Holds what its recorded ops hold: d (the squares or powers read it) and boolean masks.
    """
    nonzero = d.data != 0
    if p == 0:
        # a constant count, tied to d with an exact zero so that d receives a zero gradient
        never = get_array_module(d.data).zeros((), dtype=bool)
        return where(nonzero, 1.0, where(never, d, 0.0)).sum(axis=-1)
    if p == math.inf:
        return amax(_abs(d), axis=-1)
    if p == 1:
        return _abs(d).sum(axis=-1)
    if p == 2:
        s = (d * d).sum(axis=-1)
    else:  # |d|^p with a zero gradient at d = 0 (infinite there for p < 1 otherwise)
        s = where(nonzero, _abs(where(nonzero, d, 1.0)) ** p, 0.0).sum(axis=-1)
    pos = s.data > 0
    root = where(pos, s, 1.0)
    root = root.sqrt() if p == 2 else root ** (1.0 / p)
    return where(pos, root, 0.0)


def cdist(x1: Tensor, x2: Tensor, p: float = 2.0, compute_mode: str | None = None) -> Tensor:
    """Distances ‖x₁[…, i, :] − x₂[…, j, :]‖ₚ between the rows of (…, P, M) and (…, R, M)
    batches (batch axes broadcast), shape (…, P, R), as ``torch.cdist``; p ≥ 0 or inf.

    ``compute_mode`` is accepted for PyTorch's signature; the differences are always formed
    directly (exact, and (…, P, R, M) of memory), never through matrix products.

    Example:
        >>> import autograd_core as ac
        >>> ac.cdist(ac.tensor([[0.0, 0.0]]), ac.tensor([[3.0, 4.0], [0.0, 0.0]]))
        tensor([[5., 0.]])
    """
    a = lift(x1)
    b = lift(x2, a) if not isinstance(x2, Tensor) else x2
    p = _check_p("cdist", p)
    if a.ndim < 2 or b.ndim < 2:
        raise ShapeError(
            f"cdist: needs batches of row vectors (at least 2-D); got shapes {tuple(a.shape)} "
            f"and {tuple(b.shape)}. Add a row axis with x[None]."
        )
    if a.shape[-1] != b.shape[-1]:
        raise ShapeError(
            f"cdist: the rows have {a.shape[-1]} and {b.shape[-1]} features (shapes "
            f"{tuple(a.shape)} and {tuple(b.shape)}). Both need the same last dimension."
        )
    _check_float("cdist", a, b)
    d = a.reshape((*a.shape[:-1], 1, a.shape[-1])) - b.reshape((*b.shape[:-2], 1, *b.shape[-2:]))
    return pnorm_last(d, p)


def _check_float(name: str, a: Tensor, b: Tensor) -> None:
    if a.dtype != b.dtype or a.dtype.kind != "f":
        raise DTypeError(
            f"{name}: needs two floating tensors of one dtype; got {a.dtype} and {b.dtype}. "
            "Convert them with .to(dtype)."
        )


def dist(input: Tensor, other: Tensor, p: float = 2.0) -> Tensor:
    """‖input − other‖ₚ over all entries (broadcasting the two), a 0-d Tensor, as
    ``torch.dist``; the gradient at zero distance is 0.

    Example:
        >>> import autograd_core as ac
        >>> ac.dist(ac.tensor([3.0, 0.0]), ac.tensor([0.0, 4.0]))
        tensor(5.)
    """
    a = lift(input)
    b = lift(other, a) if not isinstance(other, Tensor) else other
    p = _check_p("dist", p)
    _check_float("dist", a, b)
    try:
        broadcast_shapes(tuple(a.shape), tuple(b.shape))
    except ValueError:
        raise ShapeError(
            f"dist: shapes {tuple(a.shape)} and {tuple(b.shape)} do not broadcast. Trailing "
            "dimensions must be equal or 1."
        ) from None
    return pnorm_last((a - b).reshape(-1), p)


def pairwise_rows(name: str, x: Any, p: Any) -> Tensor:
    """‖x[i] − x[j]‖ₚ for i < j in row-major order, for ``nn.functional.pdist``: holds the
    (N(N−1)/2, M) differences and the two index vectors."""
    x = lift(x)
    p = _check_p(name, p)
    if x.ndim != 2:
        raise ShapeError(
            f"{name}: needs a 2-D (N, M) set of row vectors; got shape {tuple(x.shape)}. "
            "Reshape it to (N, M)."
        )
    if x.dtype.kind != "f":
        raise DTypeError(f"{name}: needs a floating tensor; got {x.dtype}. Use x.float().")
    ij = triu_indices(x.shape[0], x.shape[0], 1, device=x.device).data
    return pnorm_last(x[ij[0]] - x[ij[1]], p)
