"""``ac.linalg`` norms with PyTorch's names and semantics: ``vector_norm``, ``matrix_norm`` and
``norm``, which dispatches to one of them as ``torch.linalg.norm`` does. All are composites of
differentiable ops (the p-norm op, abs, sums, amax/amin and ``svdvals``)."""

from __future__ import annotations

import math
from typing import Any

from autograd_core.errors import ShapeError
from autograd_core.linalg_decomp import svdvals
from autograd_core.ops.binary import where
from autograd_core.ops.common import lift, normalize_axis
from autograd_core.ops.extrema import amax, amin
from autograd_core.ops.reduce import reduction_args, widening_cast
from autograd_core.ops.reduce import sum as reduce_sum
from autograd_core.ops.statistics import norm as p_norm
from autograd_core.ops.unary import abs as elementwise_abs
from autograd_core.ops.views import movedim
from autograd_core.tensor import Tensor

__all__ = ["vector_norm", "matrix_norm", "norm"]


def _check_float(name: str, x: Tensor) -> None:
    if x.dtype.kind != "f":
        raise ShapeError(
            f"{name}: needs a float tensor; got dtype {x.dtype}. Convert with .double() or "
            ".float()."
        )


def vector_norm(
    x: Tensor,
    ord: Any = 2,  # noqa: A002  (torch's name)
    dim: Any = None,
    keepdim: bool = False,
    *,
    dtype: Any = None,
) -> Tensor:
    """(Σ |xᵢ|^ord)^(1/ord) over ``dim`` (int, tuple, or None for all elements)
    (``torch.linalg.vector_norm``): ord = inf gives max |xᵢ|, -inf min |xᵢ|, 0 the number of
    nonzero elements (no gradient), any other real ord the formula (negative ord too).
    ``dtype`` casts the input first and may only widen it, as in PyTorch.

    Example:
        >>> import autograd_core as ac
        >>> ac.linalg.vector_norm(ac.tensor([[3.0, -4.0]]), dim=1), ac.linalg.vector_norm(
        ...     ac.tensor([3.0, -4.0]), ord=float("inf"))
        (tensor([5.]), tensor(4.))
    """
    x = lift(x)
    _check_float("linalg.vector_norm", x)
    if isinstance(ord, (str, bool)) or not isinstance(ord, (int, float)):
        raise TypeError(
            f"linalg.vector_norm: ord must be a number, got {ord!r}. For the Frobenius norm of "
            "a matrix use ord=2 here or ac.linalg.matrix_norm(A, 'fro')."
        )
    if abs(ord) == math.inf:  # a max or min: none for an empty slice, as in torch
        reduction_args("linalg.vector_norm", x, dim, keepdim, None, None, nonempty=True)
    if ord > 0:  # (inf too) the p-norm op, with its gradient 0 at x = 0
        return p_norm(x, ord, dim=dim, keepdim=keepdim, dtype=dtype)
    x = widening_cast("linalg.vector_norm", x, dtype)
    absx = elementwise_abs(x)
    if ord == -math.inf:
        return amin(absx, dim=dim, keepdim=keepdim)
    zero = x.data == 0
    if ord == 0:  # a count, tied to x through an exact zero so that x gets a zero gradient
        never = x.xp.zeros((), dtype=bool)
        return reduce_sum(where(zero, where(never, x, 0.0), 1.0), dim=dim, keepdim=keepdim)
    # ord < 0: a zero entry makes Σ |xᵢ|^ord infinite and the norm 0, with gradient 0 there as
    # torch's (the power is taken on 1 in place of the zeros, so no inf or NaN is formed)
    axes = normalize_axis("linalg.vector_norm", dim, x.shape, word="dim")
    hit = zero.any(axis=axes, keepdims=keepdim)
    powers = where(zero, 1.0, absx) ** ord
    total = reduce_sum(powers, dim=dim, keepdim=keepdim)
    return where(hit, 0.0, where(hit, 1.0, total) ** (1.0 / ord))


def _matrix_dims(name: str, a: Tensor, dim: Any) -> tuple[int, int]:
    if a.ndim < 2:
        raise ShapeError(
            f"{name}: the input tensor A must have at least 2 dimensions; got shape "
            f"{tuple(a.shape)}. Use ac.linalg.vector_norm for vectors."
        )
    if isinstance(dim, int) or len(tuple(dim)) != 2:
        raise ShapeError(f"{name}: dim must be a 2-tuple of ints; got {dim!r}.")
    d0, d1 = (normalize_axis(name, int(d), a.shape, word="dim")[0] for d in dim)
    if d0 == d1:
        raise ShapeError(f"{name}: dims must be different; got {tuple(dim)}. Pass two dims.")
    return d0, d1


_MATRIX_ORDS = (math.inf, -math.inf, 1, -1, 2, -2)


def matrix_norm(
    a: Tensor,
    ord: Any = "fro",  # noqa: A002  (torch's name)
    dim: tuple[int, int] = (-2, -1),
    keepdim: bool = False,
) -> Tensor:
    """A matrix norm of each matrix in the dims ``dim`` (``torch.linalg.matrix_norm``):
    'fro' √(Σ a²ᵢⱼ), 'nuc' Σ σᵢ, 2 / -2 the largest / smallest singular value, 1 / -1 the
    largest / smallest column sum Σᵢ |aᵢⱼ|, inf / -inf the largest / smallest row sum.

    The singular-value orders take their gradient from ``svdvals`` (U diag(σ̄) Vh); the max/min
    orders split the gradient between tied sums, as torch's amax/amin do. For an empty matrix
    the positive orders give 0 and the negative ones raise (what is the smallest of none?),
    as torch.

    Example:
        >>> import autograd_core as ac
        >>> a = ac.tensor([[1.0, -2.0], [3.0, 4.0]])
        >>> ac.linalg.matrix_norm(a, 1), ac.linalg.matrix_norm(a, float("inf"))
        (tensor(6.), tensor(7.))
    """
    a = lift(a)
    name = "linalg.matrix_norm"
    d0, d1 = _matrix_dims(name, a, dim)
    _check_float(name, a)
    if isinstance(ord, str):
        valid = ord in ("fro", "nuc")
    else:
        valid = isinstance(ord, (int, float)) and not isinstance(ord, bool) and ord in _MATRIX_ORDS
    if not valid:
        raise ValueError(
            f"{name}: order {ord!r} not supported; use one of 'fro', 'nuc', inf, -inf, 1, -1, "
            "2, -2 (ac.linalg.vector_norm for other p over the elements)."
        )
    if ord == "fro":
        return p_norm(a, 2, dim=(d0, d1), keepdim=keepdim)
    k = min(a.shape[d0], a.shape[d1])
    if ord in ("nuc", 2, -2):
        s = svdvals(movedim(a, (d0, d1), (-2, -1)))
        if ord == -2 and k == 0:
            _empty_min(name, a, ord, "the smallest singular value")
        # the largest singular value of an empty matrix is 0, as torch (the sum of none)
        out = s.sum(-1) if ord == "nuc" or k == 0 else (s[..., 0] if ord == 2 else s[..., -1])
        for d in sorted((d0, d1)) if keepdim else ():
            out = out.unsqueeze(d)
        return out
    summed, over = (d0, d1) if abs(ord) == 1 else (d1, d0)
    sums = reduce_sum(elementwise_abs(a), dim=summed, keepdim=True)
    if a.shape[over] == 0:  # no sums: the largest is 0 (norms are ≥ 0), as torch; no smallest
        if ord < 0:
            _empty_min(name, a, ord, "the smallest sum")
        out = reduce_sum(sums, dim=over, keepdim=True)
    else:
        out = (amax if ord > 0 else amin)(sums, dim=over, keepdim=True)
    return out if keepdim else out.squeeze((d0, d1))


def _empty_min(name: str, a: Tensor, ord: Any, what: str) -> None:  # noqa: A002
    raise ShapeError(
        f"{name}: order {ord} takes {what} of each matrix, which an empty matrix has none of; "
        f"got shape {tuple(a.shape)}. Use a positive order (its value is 0 there), or skip "
        "empty inputs."
    )


def norm(
    a: Tensor,
    ord: Any = None,  # noqa: A002  (torch's name)
    dim: Any = None,
    keepdim: bool = False,
) -> Tensor:
    """A vector or matrix norm, as ``torch.linalg.norm`` chooses: an int or 1-tuple ``dim``
    gives ``vector_norm`` (ord 2 by default), a 2-tuple ``matrix_norm`` ('fro' by default);
    with ``dim=None``, ord=None is the 2-norm of all elements, and otherwise A must be 1-D
    (vector) or 2-D (matrix).

    Example:
        >>> import autograd_core as ac
        >>> ac.linalg.norm(ac.tensor([[3.0, 0.0], [0.0, 4.0]])), ac.linalg.norm(
        ...     ac.tensor([[3.0, 0.0], [0.0, 4.0]]), ord=2)
        (tensor(5.), tensor(4.))
    """
    a = lift(a)
    if dim is not None:
        dims = (dim,) if isinstance(dim, int) else tuple(dim)
        if len(dims) == 2:
            return matrix_norm(a, "fro" if ord is None else ord, dims, keepdim)
        if len(dims) != 1:
            raise ShapeError(
                f"linalg.norm: if dim is given it must have length 1 or 2; got {dim!r}."
            )
        return _vector("linalg.norm", a, ord, dims, keepdim)
    if ord is None:
        return vector_norm(a, 2, None, keepdim)
    if a.ndim == 2:
        return matrix_norm(a, ord, (-2, -1), keepdim)
    if a.ndim != 1:
        raise ShapeError(
            f"linalg.norm: if dim is not given but ord is, the input must be 1-D or 2-D; got "
            f"shape {tuple(a.shape)}. Pass dim, or use vector_norm / matrix_norm."
        )
    return _vector("linalg.norm", a, ord, None, keepdim)


def _vector(name: str, a: Tensor, ord: Any, dim: Any, keepdim: bool) -> Tensor:  # noqa: A002
    if isinstance(ord, str):
        raise ValueError(
            f"{name}: ord {ord!r} is a matrix norm but the norm is over one dim; pass a 2-tuple "
            "dim (or a 2-D input) for it, or a number ord."
        )
    return vector_norm(a, 2 if ord is None else ord, dim, keepdim)
