"""PyTorch's older numeric names at top level: ``trapz``, ``nuclear_norm``, ``frobenius_norm``,
``lu``, ``lu_solve``, ``qr``, ``range``, the randomized ``svd_lowrank``/``pca_lowrank``,
``histogramdd``, and the removed ``matrix_rank``/``solve``/``lstsq``/``eig``/``symeig``, which
raise as torch's do and name their ``linalg`` successors."""

from __future__ import annotations

import builtins
import math
import warnings
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy

from autograd_core import dtypes, linalg
from autograd_core.creation import randn, tensor
from autograd_core.errors import ShapeError
from autograd_core.ops.copying import clone
from autograd_core.ops.differences import trapezoid
from autograd_core.ops.reduce import mean
from autograd_core.tensor import Tensor

# ac.range exists (imported by name in __init__) but stays out of __all__, as ac.float does:
# `from autograd_core import *` must not shadow Python's range().
__all__ = [
    "trapz",
    "nuclear_norm",
    "frobenius_norm",
    "lu",
    "lu_solve",
    "qr",
    "triangular_solve",
    "svd_lowrank",
    "pca_lowrank",
    "histogramdd",
    "matrix_rank",
    "solve",
    "lstsq",
    "eig",
    "symeig",
]


def trapz(y: Tensor, x: Any = None, *, dx: float | None = None, dim: int = -1) -> Tensor:
    """``trapezoid`` under its deprecated name (``torch.trapz``).

    Example:
        >>> import autograd_core as ac
        >>> ac.trapz(ac.tensor([1.0, 2.0, 3.0]))
        tensor(4.)
    """
    return trapezoid(y, x, dx=dx, dim=dim)


def nuclear_norm(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:  # noqa: A002
    """The sum of the singular values over ``dim`` (the last two by default):
    ``linalg.matrix_norm(input, "nuc", dim, keepdim)``. PyTorch's also warns that it is
    deprecated; ours does not.

    Example:
        >>> import autograd_core as ac
        >>> ac.nuclear_norm(ac.eye(3))
        tensor(3.)
    """
    if isinstance(dim, bool):  # nuclear_norm(input, keepdim) positionally, as torch's overload
        dim, keepdim = None, dim
    axes = (-2, -1) if dim is None else tuple(dim)
    return linalg.matrix_norm(input, "nuc", axes, keepdim)


def frobenius_norm(input: Tensor, dim: Any, keepdim: bool = False) -> Tensor:  # noqa: A002
    """√(Σ x²) over ``dim`` (one or more dimensions): ``linalg.vector_norm(input, 2, dim,
    keepdim)``.

    Example:
        >>> import autograd_core as ac
        >>> ac.frobenius_norm(ac.ones(2, 2), (0, 1))
        tensor(2.)
    """
    axes = (dim,) if isinstance(dim, int) else tuple(dim)
    return linalg.vector_norm(input, 2, axes, keepdim)


def lu(A: Any, pivot: bool = True, get_infos: bool = False) -> tuple[Tensor, ...]:
    """``(LU, pivots)``, or ``(LU, pivots, infos)`` with ``get_infos``: the packed LU
    factorisation as ``linalg.lu_factor`` (``lu_factor_ex`` with ``get_infos``: a singular
    matrix then reports its info instead of raising)."""
    if get_infos:
        return tuple(linalg.lu_factor_ex(A, pivot=pivot))
    return tuple(linalg.lu_factor(A, pivot=pivot))


def lu_solve(b: Tensor, LU_data: Tensor, LU_pivots: Tensor) -> Tensor:  # noqa: N803
    """X with A X = b from ``lu``'s factors (``torch.lu_solve``'s argument order: b first)."""
    return linalg.lu_solve(LU_data, LU_pivots, b)


class QRResult(NamedTuple):
    """``qr``'s result, named as PyTorch's."""

    Q: Tensor
    R: Tensor


def qr(input: Tensor, some: bool = True) -> QRResult:  # noqa: A002
    """``(Q, R)``: ``linalg.qr`` with mode "reduced" (``some``) or "complete"."""
    return QRResult(*linalg.qr(input, "reduced" if some else "complete"))


class TriangularSolveResult(NamedTuple):
    """``triangular_solve``'s result: X and a copy of A."""

    solution: Tensor
    cloned_coefficient: Tensor


def triangular_solve(
    b: Tensor,
    A: Tensor,  # noqa: N803
    upper: bool = True,
    transpose: bool = False,
    unitriangular: bool = False,
) -> TriangularSolveResult:
    """X with A X = b (Aᵀ X = b with ``transpose``) for a triangular A, and a copy of A
    (``torch.triangular_solve``, deprecated for ``linalg.solve_triangular``, whose arguments
    are the other way round).

    Example:
        >>> import autograd_core as ac
        >>> A = ac.tensor([[2.0, 1.0], [0.0, 4.0]])
        >>> ac.triangular_solve(ac.tensor([[1.0], [2.0]]), A).solution
        tensor([[0.25],
                [0.5 ]])
    """
    coefficient = A.mT if transpose else A
    lower_part = upper == transpose  # Aᵀ of an upper A is lower
    X = linalg.solve_triangular(coefficient, b, upper=not lower_part, unitriangular=unitriangular)
    return TriangularSolveResult(X, clone(A))


def range(  # noqa: A001  (PyTorch's name)
    start: float,
    end: float,
    step: float = 1,
    *,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """start, start + step, … up to and including ``end``: ⌊(end − start)/step⌋ + 1 values
    (``torch.range``, deprecated for ``arange``, whose end is excluded; it warns so). The
    default dtype is the float one, even for integer arguments.

    Raises:
        ValueError: a zero step, or one that moves away from ``end``.

    Example:
        >>> import warnings
        >>> import autograd_core as ac
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     ac.range(1, 4)
        tensor([1., 2., 3., 4.])
    """
    warnings.warn(
        "ac.range is deprecated, as torch.range, because its end is included, unlike Python's "
        "range; use ac.arange, which produces values in [start, end).",
        UserWarning,
        stacklevel=2,
    )
    if step == 0:
        raise ValueError(f"range: step must be nonzero (start={start}, end={end}).")
    if (end - start) * step < 0:
        raise ValueError(
            f"range: upper bound and lower bound inconsistent with step sign (start={start}, "
            f"end={end}, step={step}). Flip the sign of step."
        )
    n = int(math.floor((end - start) / step)) + 1
    dt = dtypes.get_default_dtype() if dtype is None else dtype
    values = start + step * numpy.arange(n, dtype=numpy.float64)
    return tensor(values, dtype=dt, device=device, requires_grad=requires_grad)


def _approximate_basis(A: Tensor, q: int, niter: int) -> Tensor:
    """An orthonormal (…, m, q) basis whose span approximates A's range: a Gaussian sketch,
    then ``niter`` power iterations re-orthonormalised by QR (Halko, Martinsson and Tropp 2011,
    algorithm 4.4)."""
    n = A.shape[-1]
    sketch = randn(*A.shape[:-2], n, q, dtype=A.dtype, device=A.device)
    Q = linalg.qr(A @ sketch).Q
    for _ in builtins.range(niter):
        Q = linalg.qr(A.mT @ Q).Q
        Q = linalg.qr(A @ Q).Q
    return Q


def svd_lowrank(
    A: Tensor, q: int | None = 6, niter: int = 2, M: Tensor | None = None
) -> tuple[Tensor, Tensor, Tensor]:
    """``(U, S, V)`` with A − M ≈ U diag(S) Vᵀ of rank ``q``, by the randomized range finder
    (``torch.svd_lowrank``; V, not Vᴴ). Random: results differ from run to run (and from
    PyTorch's) within the approximation; exact when A − M has rank at most ``q``. Gradients
    flow through the QR and SVD steps.

    Raises:
        ShapeError: fewer than 2 dimensions, or q outside [1, min(m, n)].

    Example:
        >>> import autograd_core as ac
        >>> A = ac.randn(8, 2) @ ac.randn(2, 6)
        >>> U, S, V = ac.svd_lowrank(A, q=2)
        >>> bool(((U * S) @ V.mT - A).abs().max() < 1e-3)
        True
    """
    if A.ndim < 2:
        raise ShapeError(f"svd_lowrank: expected a matrix (…, m, n), got shape {A.shape}.")
    m, n = A.shape[-2:]
    q = 6 if q is None else int(q)
    if not 1 <= q <= min(m, n):
        raise ShapeError(
            f"svd_lowrank: q={q} must be between 1 and min(m, n) = {min(m, n)} for shape "
            f"{A.shape}. Pass a smaller q."
        )
    X = A if M is None else A - M
    if m < n:  # sketch the smaller side: factor Xᵀ and swap U and V
        V, S, U = svd_lowrank(X.mT, q, niter)
        return U, S, V
    Q = _approximate_basis(X, q, niter)
    U_small, S, Vh = linalg.svd(Q.mT @ X, full_matrices=False)
    return Q @ U_small, S, Vh.mT


def pca_lowrank(
    A: Tensor, q: int | None = None, center: bool = True, niter: int = 2
) -> tuple[Tensor, Tensor, Tensor]:
    """``svd_lowrank`` of A with its column means subtracted (``center``), q = min(6, m, n)
    by default: V's columns are the principal directions and S²/(m − 1) the variances
    (``torch.pca_lowrank``).

    Example:
        >>> import autograd_core as ac
        >>> U, S, V = ac.pca_lowrank(ac.randn(20, 4), q=2)
        >>> U.shape, S.shape, V.shape
        ((20, 2), (2,), (4, 2))
    """
    if A.ndim < 2:
        raise ShapeError(f"pca_lowrank: expected a matrix (…, m, n), got shape {A.shape}.")
    m, n = A.shape[-2:]
    q = min(6, m, n) if q is None else q
    X = A - mean(A, -2, True) if center else A
    return svd_lowrank(X, q, niter)


class HistogramddResult(NamedTuple):
    """``histogramdd``'s result: the counts and one edge tensor per dimension."""

    hist: Tensor
    bin_edges: tuple[Tensor, ...]


def _edges(name: str, data: Any, bins: Any, range: Any, dims: int) -> list[Any]:  # noqa: A002
    if isinstance(bins, (list, tuple)) and bins and isinstance(bins[0], Tensor):
        return [b.numpy().astype(numpy.float64) for b in bins]
    counts = [int(bins)] * dims if isinstance(bins, (int, numpy.integer)) else list(bins)
    if len(counts) != dims:
        raise ShapeError(f"{name}: got {len(counts)} bin counts for {dims} dimensions.")
    if range is not None and len(range) != 2 * dims:
        raise ShapeError(
            f"{name}: for a {dims}-dimensional histogram range should have {2 * dims} "
            f"elements, but got {len(range)}."
        )
    edges = []
    for d in builtins.range(dims):
        if range is not None:
            lo, hi = float(range[2 * d]), float(range[2 * d + 1])
        elif data.shape[0]:
            lo, hi = float(data[:, d].min()), float(data[:, d].max())
        else:
            lo, hi = 0.0, 0.0
        if lo == hi:
            lo, hi = lo - 0.5, hi + 0.5  # as NumPy and PyTorch widen an empty range
        edges.append(numpy.linspace(lo, hi, counts[d] + 1))
    return edges


def histogramdd(
    input: Tensor,  # noqa: A002
    bins: Any,
    *,
    range: Sequence[float] | None = None,  # noqa: A002
    weight: Tensor | None = None,
    density: bool = False,
) -> HistogramddResult:
    """The D-dimensional histogram of the points in the last axis of ``input`` (…, D), as
    ``torch.histogramdd``: ``bins`` is one count, a count per dimension, or a tensor of edges
    per dimension; ``range`` is (min₀, max₀, min₁, max₁, …). Not differentiable.

    Example:
        >>> import autograd_core as ac
        >>> hist, edges = ac.histogramdd(ac.tensor([[0.0, 0.0], [1.0, 1.0]]), bins=2)
        >>> hist.tolist(), edges[0].tolist()
        ([[1.0, 0.0], [0.0, 1.0]], [0.0, 0.5, 1.0])
    """
    if input.dtype.kind != "f":
        raise TypeError(
            f"histogramdd: expected a floating-point input, got {input.dtype}. Convert it with "
            ".to(ac.float32) first."
        )
    dims = input.shape[-1]
    data = input.numpy().reshape(-1, dims).astype(numpy.float64)
    edges = [
        e.astype(input.dtype).astype(numpy.float64)
        for e in _edges("histogramdd", data, bins, range, dims)
    ]
    w = None if weight is None else weight.numpy().reshape(-1)
    hist, _ = numpy.histogramdd(data, bins=edges, weights=w, density=density)
    as_tensor = lambda a: tensor(a, dtype=input.dtype, device=input.device)  # noqa: E731
    return HistogramddResult(as_tensor(hist), tuple(as_tensor(e) for e in edges))


def _removed(name: str, successor: str) -> Any:
    def removed(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(
            f"{name}: this function was deprecated since PyTorch 1.9 and is now removed, in "
            f"PyTorch and here. Use {successor} instead."
        )

    removed.__name__ = removed.__qualname__ = name
    removed.__doc__ = f"Removed from PyTorch (and here): raises, naming ``{successor}``."
    return removed


matrix_rank = _removed("matrix_rank", "ac.linalg.matrix_rank")
solve = _removed("solve", "ac.linalg.solve")
lstsq = _removed("lstsq", "ac.linalg.lstsq")
eig = _removed("eig", "ac.linalg.eigh (ours has no complex eig)")
symeig = _removed("symeig", "ac.linalg.eigh")
