"""Matrices built from smaller pieces, with PyTorch's names: ``kron``, ``diag``, ``diag_embed``,
``diagflat``, ``block_diag``, ``meshgrid``, ``cartesian_prod``, and the integer index tables
``tril_indices`` / ``triu_indices``.

All differentiable ones are compositions of recorded ops (``mul``, ``where``, ``cat``,
``broadcast_to``, ``movedim``), so each gradient is the adjoint of the construction: the
entries that came from an input flow back to it, the zeros around them receive nothing. They
hold what those ops hold: ``where`` a constant boolean mask, ``mul`` in ``kron`` both factors.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy

from autograd_core.creation import tensor as _tensor_from
from autograd_core.creation import zeros
from autograd_core.device import get_array_module
from autograd_core.errors import DTypeError, ShapeError
from autograd_core.ops.binary import where
from autograd_core.ops.common import lift, zero_of
from autograd_core.ops.diagonals import diagonal as _diagonal_of
from autograd_core.ops.join import cat, stack
from autograd_core.ops.shape import broadcast_to
from autograd_core.ops.views import movedim
from autograd_core.tensor import Tensor

__all__ = [
    "block_diag",
    "cartesian_prod",
    "diag",
    "diag_embed",
    "diagflat",
    "kron",
    "meshgrid",
    "tril_indices",
    "triu_indices",
]


def kron(input: Tensor, other: Tensor) -> Tensor:
    """The Kronecker product (``torch.kron``): for operands of any ranks (the shorter shape
    padded with leading 1s), output axis i has size aᵢ·bᵢ and entry a[i // b.shape] ·
    b[i % b.shape]. Holds both operands (for the product's gradient).

    Example:
        >>> import autograd_core as ac
        >>> ac.kron(ac.tensor([1.0, 10.0]), ac.tensor([1.0, 2.0, 3.0]))
        tensor([ 1.,  2.,  3., 10., 20., 30.])
    """
    a = lift(input)
    b = lift(other, a) if not isinstance(other, Tensor) else other
    nd = max(a.ndim, b.ndim)
    sa = (1,) * (nd - a.ndim) + tuple(a.shape)
    sb = (1,) * (nd - b.ndim) + tuple(b.shape)
    # a on the even axes, b on the odd ones: merging each pair gives the block layout
    a2 = a.reshape(tuple(n for s in sa for n in (s, 1)))
    b2 = b.reshape(tuple(n for s in sb for n in (1, s)))
    return (a2 * b2).reshape(tuple(p * q for p, q in zip(sa, sb)))


def diag_embed(input: Tensor, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """A batch of matrices whose diagonal ``offset`` (in the plane of output axes ``dim1``,
    ``dim2``) holds the last axis of ``input``; everything else is zero (``torch.diag_embed``).
    The output has one more axis, of size n + |offset| twice.

    Example:
        >>> import autograd_core as ac
        >>> ac.diag_embed(ac.tensor([[1.0, 2.0]]), offset=1).shape
        (1, 3, 3)
    """
    x = lift(input)
    if x.ndim == 0:
        raise ShapeError("diag_embed: needs at least 1 dimension; got a 0-d tensor. Use x[None].")
    nd = x.ndim + 1
    d1, d2 = (_out_axis("diag_embed", d, nd, x) for d in (dim1, dim2))
    if d1 == d2:
        raise ShapeError(
            f"diag_embed: dim1 and dim2 name the same output axis {d1} (input shape "
            f"{tuple(x.shape)}). Pass two different axes."
        )
    n, k = x.shape[-1], int(offset)
    eye = _eye_mask(x, n)
    # (..., n, n), x[..., i] at (i, i); zeros of x's dtype (bool stays bool, as PyTorch)
    y = where(eye, x.reshape((*x.shape, 1)), zero_of(x))
    y = _pad_last_two(y, k)
    return movedim(y, (-2, -1), (d1, d2))


def _out_axis(name: str, d: int, nd: int, x: Tensor) -> int:
    if not -nd <= d < nd:
        raise ShapeError(
            f"{name}: dim {d} is out of range for an output of {nd} axes (input shape "
            f"{tuple(x.shape)}). Use a dim in [{-nd}, {nd - 1}]."
        )
    return d % nd


def _eye_mask(x: Tensor, n: int) -> Any:
    return get_array_module(x.data).eye(n, dtype=bool)


def _pad_last_two(y: Tensor, k: int) -> Tensor:
    """(..., n, n) → (..., n+|k|, n+|k|) with zeros, moving the main diagonal to diagonal k."""
    if k == 0:
        return y
    lead, n, a = tuple(y.shape[:-2]), y.shape[-1], abs(k)

    def z(*shape: int) -> Tensor:
        return zeros(lead + shape, dtype=y.dtype, device=y.device)

    if k > 0:  # zero columns on the left, zero rows at the bottom
        y = cat([z(n, a), y], dim=-1)
        return cat([y, z(a, n + a)], dim=-2)
    y = cat([z(a, n), y], dim=-2)  # zero rows on top, zero columns on the right
    return cat([y, z(n + a, a)], dim=-1)


def diag(input: Tensor, diagonal: int = 0) -> Tensor:
    """``torch.diag``: a vector becomes the square matrix with it on diagonal ``diagonal``
    (size n + |diagonal|); a matrix gives its diagonal ``diagonal`` as a vector.

    Example:
        >>> import autograd_core as ac
        >>> ac.diag(ac.tensor([1.0, 2.0]))
        tensor([[1., 0.],
                [0., 2.]])
        >>> ac.diag(ac.arange(9.0).reshape(3, 3), 1)
        tensor([1., 5.])
    """
    x = lift(input)  # (``diagonal`` is torch's argument name, hence _diagonal_of below)
    if x.ndim == 1:
        return diag_embed(x, diagonal)
    if x.ndim == 2:
        return _diagonal_of(x, diagonal)
    raise ShapeError(
        f"diag: needs a vector or a matrix (1-D or 2-D); got shape {tuple(x.shape)}. "
        "Use diag_embed or diagonal for batches."
    )


def diagflat(input: Tensor, offset: int = 0) -> Tensor:
    """The input flattened and placed on diagonal ``offset`` of a square matrix
    (``torch.diagflat``).

    Example:
        >>> import autograd_core as ac
        >>> ac.diagflat(ac.ones(2, 1)).shape
        (2, 2)
    """
    x = lift(input)
    return diag_embed(x.reshape(-1), offset)


def block_diag(*tensors: Tensor) -> Tensor:
    """The blocks on the diagonal of one matrix, zeros elsewhere (``torch.block_diag``); a 0-d
    block is 1×1, a vector of n a 1×n row. The dtype is the blocks' promoted dtype.

    Example:
        >>> import autograd_core as ac
        >>> ac.block_diag(ac.ones(1, 2), ac.tensor(2.0))
        tensor([[1., 1., 0.],
                [0., 0., 2.]])
    """
    if not tensors:
        return zeros(1, 0)
    blocks = [lift(t) for t in tensors]
    for k, t in enumerate(blocks):
        if t.ndim > 2:
            raise ShapeError(
                f"block_diag: block {k} has shape {tuple(t.shape)}; blocks must have at most 2 "
                "dimensions. Reshape it to a matrix first."
            )
    # PyTorch's promotion: a float block makes the result its float type (int64 + float32 is
    # float32, where NumPy would widen to float64)
    floats = [t.dtype for t in blocks if t.dtype.kind == "f"]
    dtype = numpy.result_type(*(floats or [t.dtype for t in blocks]))
    shapes = {0: lambda t: (1, 1), 1: lambda t: (1, t.shape[0]), 2: lambda t: tuple(t.shape)}
    blocks = [t.to(dtype).reshape(shapes[t.ndim](t)) for t in blocks]
    width, left, rows = sum(t.shape[1] for t in blocks), 0, []
    for t in blocks:
        r, c = t.shape
        parts = [zeros(r, left, dtype=dtype, device=t.device), t]
        parts.append(zeros(r, width - left - c, dtype=dtype, device=t.device))
        rows.append(cat(parts, dim=1))
        left += c
    return cat(rows, dim=0)


def meshgrid(*tensors: Tensor, indexing: str | None = None) -> tuple[Tensor, ...]:
    """Coordinate grids from 0-d or 1-D tensors of one dtype (``torch.meshgrid``): output k
    is tensor k broadcast along the other axes (a view: ``broadcast_to`` holds nothing).
    ``indexing='ij'`` keeps the input order of axes, ``'xy'`` swaps the first two; omitted, it
    is ``'ij'`` with PyTorch's UserWarning that it will become required.

    Example:
        >>> import autograd_core as ac
        >>> x, y = ac.meshgrid(ac.arange(3.0), ac.arange(2.0), indexing="xy")
        >>> x.shape, y[:, 0]
        ((2, 3), tensor([0., 1.]))
    """
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing is None:
        warnings.warn(
            "meshgrid: in an upcoming release, it will be required to pass the indexing argument.",
            UserWarning,
            stacklevel=2,
        )
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise ValueError(f"meshgrid: indexing must be 'ij' or 'xy'; got {indexing!r}.")
    ts = [lift(t) for t in tensors]
    _check_grid_inputs("meshgrid", ts)
    sizes = [t.shape[0] if t.ndim else 1 for t in ts]
    axes = list(range(len(ts)))
    if indexing == "xy" and len(ts) > 1:
        axes[0], axes[1] = 1, 0
        sizes[0], sizes[1] = sizes[1], sizes[0]
    out = []
    for t, ax in zip(ts, axes):
        shape = [1] * len(ts)
        shape[ax] = sizes[ax]
        out.append(broadcast_to(t.reshape(tuple(shape)), tuple(sizes)))
    return tuple(out)


def _check_grid_inputs(name: str, ts: list[Tensor], vectors_only: bool = False) -> None:
    if not ts:
        raise ShapeError(f"{name}: needs at least one tensor; got none. Pass 1-D tensors.")
    for k, t in enumerate(ts):
        if t.ndim > 1 or (vectors_only and t.ndim != 1):
            want = "1-D" if vectors_only else "0-d or 1-D"
            raise ShapeError(
                f"{name}: tensor {k} has shape {tuple(t.shape)}; each must be {want}. "
                "Flatten it with .reshape(-1)."
            )
    dtypes = sorted({str(t.dtype) for t in ts})
    if len(dtypes) > 1:
        raise DTypeError(
            f"{name}: all tensors need one dtype; got {', '.join(dtypes)}. Convert them with "
            ".to(dtype)."
        )


def cartesian_prod(*tensors: Tensor) -> Tensor:
    """Every combination of one entry from each vector, as rows of an (N, k) matrix in
    row-major order (``torch.cartesian_prod``); one vector comes back as it is.

    Example:
        >>> import autograd_core as ac
        >>> ac.cartesian_prod(ac.tensor([1, 2]), ac.tensor([3, 4, 5])).shape
        (6, 2)
    """
    ts = [lift(t) for t in tensors]
    _check_grid_inputs("cartesian_prod", ts, vectors_only=True)
    if len(ts) == 1:
        return ts[0]
    grids = meshgrid(*ts, indexing="ij")
    return stack([g.reshape(-1) for g in grids], dim=1)


def _triangle_indices(name: str, row: int, col: int, offset: int, lower: bool, **kw: Any):
    if row < 0 or col < 0:
        raise ValueError(f"{name}: row and col must be non-negative; got row={row}, col={col}.")
    dtype = kw.get("dtype") or numpy.int64
    if numpy.dtype(dtype).kind not in "iu":
        raise DTypeError(f"{name}: dtype must be an integer type; got {dtype}. Use int64.")
    pick = numpy.tril_indices if lower else numpy.triu_indices
    # computed on the host (a few integers per entry) and copied once, like a literal
    rows, cols = pick(row, offset, col)
    return _tensor_from(numpy.stack([rows, cols]), dtype=dtype, device=kw.get("device"))


def tril_indices(
    row: int, col: int, offset: int = 0, *, dtype: Any = None, device: Any = None
) -> Tensor:
    """The (2, N) row and column indices of the lower triangle (column − row ≤ ``offset``) of a
    row × col matrix, row-major, int64 by default (``torch.tril_indices``).

    Example:
        >>> import autograd_core as ac
        >>> ac.tril_indices(3, 3, -1)
        tensor([[1, 2, 2],
                [0, 0, 1]])
    """
    return _triangle_indices("tril_indices", row, col, offset, True, dtype=dtype, device=device)


def triu_indices(
    row: int, col: int, offset: int = 0, *, dtype: Any = None, device: Any = None
) -> Tensor:
    """The (2, N) row and column indices of the upper triangle (column − row ≥ ``offset``) of a
    row × col matrix, row-major, int64 by default (``torch.triu_indices``).

    Example:
        >>> import autograd_core as ac
        >>> ac.triu_indices(2, 3, 1)
        tensor([[0, 0, 1],
                [1, 2, 2]])
    """
    return _triangle_indices("triu_indices", row, col, offset, False, dtype=dtype, device=device)
