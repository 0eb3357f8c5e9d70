"""``ac.linalg``: PyTorch's ``torch.linalg`` names (cholesky, solve_triangular, solve, inv,
det, slogdet, eigh here; svd, svdvals, qr, pinv, matrix_exp in ``linalg_decomp.py``; the norms
in ``linalg_norms.py``; matrix_power, multi_dot in ``linalg_products.py``; cross in
``ops/cross_product.py``; lu, lu_factor(_ex), lu_solve in ``linalg_lu.py``; vecdot and the
``*_ex`` variants in ``linalg_ex.py``; lstsq, matrix_rank, cond in ``linalg_lstsq.py``;
householder_product in ``linalg_householder.py``), batched over leading dims."""

from __future__ import annotations

from typing import NamedTuple

from autograd_core.device import get_array_module
from autograd_core.errors import LinAlgError, ShapeError
from autograd_core.linalg_decomp import (
    QRDecomposition,  # noqa: F401  (qr's result type, as torch.return_types)
    SingularValueDecomposition,  # noqa: F401  (svd's result type)
    matrix_exp,
    pinv,
    qr,
    svd,
    svdvals,
)
from autograd_core.linalg_householder import householder_product
from autograd_core.linalg_lu import (
    PLU,  # noqa: F401  (lu's result type, as torch.return_types)
    LUFactor,  # noqa: F401
    LUFactorEx,  # noqa: F401
    lu,
    lu_factor,
    lu_factor_ex,
    lu_solve,
)
from autograd_core.linalg_norms import matrix_norm, norm, vector_norm
from autograd_core.linalg_products import matrix_power, multi_dot
from autograd_core.ops.binary import where
from autograd_core.ops.common import lift
from autograd_core.ops.cross_product import linalg_cross as cross
from autograd_core.ops.decompositions import (
    Cholesky,
    SignLogAbsDet,  # noqa: F401  (slogdet's result type, as torch.return_types)
    Solve,
    check_square,
    det,
    invert,
    matrix_t,
    slogdet,
)
from autograd_core.ops.decompositions_eigh import Eigh
from autograd_core.tensor import Tensor

__all__ = [
    "cholesky",
    "solve_triangular",
    "solve",
    "inv",
    "det",
    "slogdet",
    "eigh",
    "eigvalsh",
    "svd",
    "svdvals",
    "qr",
    "pinv",
    "matrix_exp",
    "vector_norm",
    "matrix_norm",
    "norm",
    "matrix_power",
    "multi_dot",
    "cross",
    "lu",
    "lu_factor",
    "lu_factor_ex",
    "lu_solve",
    "vecdot",
    "cholesky_ex",
    "inv_ex",
    "solve_ex",
    "lstsq",
    "matrix_rank",
    "cond",
    "householder_product",
    "LinAlgError",
]


def _first_failure(a: Tensor) -> tuple[tuple[int, ...], int]:
    """(batch index, order k) of the first matrix of ``a`` whose leading k×k minor is not
    positive definite (the error path only: it factors the leading blocks one by one)."""
    xp = get_array_module(a.data)
    arr = a.data.reshape((-1,) + a.shape[-2:])
    for b in range(arr.shape[0]):
        for k in range(1, a.shape[-1] + 1):
            try:
                xp.linalg.cholesky(arr[b, :k, :k])
            except Exception:  # numpy.linalg.LinAlgError
                index = (
                    tuple(int(i) for i in xp.unravel_index(b, a.shape[:-2])) if a.ndim > 2 else ()
                )
                return index, k
    return (), a.shape[-1]


def cholesky(a: Tensor, *, upper: bool = False) -> Tensor:
    """The Cholesky factor of each symmetric positive-definite matrix: L lower triangular with
    A = L Lᵀ, or U = Lᵀ with ``upper=True`` (``torch.linalg.cholesky``). Only the lower
    triangle of A is read. Its gradient is symmetric (Murray 2016), as torch's.

    Raises:
        LinAlgError: a matrix is not positive definite (naming its batch index and the order of
            the first leading minor that is not).

    Example:
        >>> import autograd_core as ac
        >>> ac.linalg.cholesky(ac.tensor([[4.0, 2.0], [2.0, 5.0]]))
        tensor([[2., 0.],
                [1., 2.]])
    """
    return cholesky_factor("linalg.cholesky", a, upper)


def cholesky_factor(name: str, a: Tensor, upper: bool) -> Tensor:
    """``linalg.cholesky``'s work, with ``name`` (the public function) in its errors: shared
    with the legacy top-level ``ac.cholesky``."""
    a = lift(a)
    check_square(name, a)
    try:
        ell = Cholesky.apply(a)
    except Exception as e:
        if type(e).__name__ != "LinAlgError":
            raise
        index, k = _first_failure(a)
        where_ = f" at batch index {index}" if index else ""
        raise LinAlgError(
            f"{name}: the factorization could not be completed because the input is not "
            f"positive-definite{where_} (the leading minor of order {k} is not positive-definite); "
            f"shape {tuple(a.shape)}. Pass symmetric positive-definite matrices (A Aᵀ + eps·I)."
        ) from e
    return matrix_t(ell) if upper else ell


def _check_pair(name: str, a: Tensor, b: Tensor, left: bool) -> None:
    check_square(name, a)
    if b.ndim < 2:
        raise ShapeError(
            f"{name}: B needs at least 2 dims (*, n, k); got shape {tuple(b.shape)}. For a "
            "vector b use b.unsqueeze(-1)."
        )
    n = a.shape[-1]
    if (b.shape[-2] if left else b.shape[-1]) != n:
        side = "rows" if left else "columns"
        raise ShapeError(
            f"{name}: B's {side} must match A's size {n}; got A {tuple(a.shape)} and B "
            f"{tuple(b.shape)}. Pass B of shape {'(*, n, k)' if left else '(*, k, n)'}."
        )
    try:
        get_array_module(a.data).broadcast_shapes(a.shape[:-2], b.shape[:-2])
    except ValueError as e:
        raise ShapeError(
            f"{name}: the batch dims of A {tuple(a.shape)} and B {tuple(b.shape)} do not "
            "broadcast. Make them equal or size 1."
        ) from e


def _solve(name: str, a: Tensor, b: Tensor, left: bool) -> Tensor:
    """A⁻¹ B (left) or B A⁻¹ = (A⁻ᵀ Bᵀ)ᵀ (right), with the singular error."""
    try:
        if left:
            return Solve.apply(a, b)
        return matrix_t(Solve.apply(matrix_t(a), matrix_t(b)))
    except Exception as e:
        if type(e).__name__ != "LinAlgError":
            raise
        raise LinAlgError(
            f"{name}: A is singular; shapes A {tuple(a.shape)}, B {tuple(b.shape)}. Use "
            "ac.linalg.pinv @ B or regularise A."
        ) from e


def solve(a: Tensor, b: Tensor, *, left: bool = True) -> Tensor:
    """X with A X = B (``left=True``) or X A = B, for A (*, n, n) and B (*, n, k) (or (*, n),
    a vector when it is 1-D or its shape is A's batch shape plus n, only with ``left=True``,
    as torch), batch dims broadcasting, as ``torch.linalg.solve``. The gradient is Giles'
    (2008): B̄ = A⁻ᵀ X̄, Ā = −B̄ Xᵀ.

    Example:
        >>> import autograd_core as ac
        >>> ac.linalg.solve(ac.tensor([[2.0, 0.0], [0.0, 4.0]]), ac.tensor([2.0, 2.0]))
        tensor([1. , 0.5])
    """
    a, b = lift(a), lift(b, a)
    check_square("linalg.solve", a)
    vector = b.ndim == 1 or (b.ndim == a.ndim - 1 and b.shape == a.shape[:-1])
    if vector and not left:
        raise ShapeError(
            f"linalg.solve: B of shape {tuple(b.shape)} is a vector (1-D, or A's batch shape "
            f"plus n), which X A = B (left=False) does not take, as in torch; A "
            f"{tuple(a.shape)}. For a row vector pass B.unsqueeze(-2) (and squeeze X), or use "
            "left=True with A transposed."
        )
    if vector:
        b = b.unsqueeze(-1)
    _check_pair("linalg.solve", a, b, left)
    x = _solve("linalg.solve", a, b, left)
    return x.squeeze(-1) if vector else x


def solve_triangular(
    a: Tensor, b: Tensor, *, upper: bool, left: bool = True, unitriangular: bool = False
) -> Tensor:
    """X with A X = B (``left=True``) or X A = B, where only the ``upper`` or lower triangle of
    A is read, and its diagonal is taken as ones with ``unitriangular`` (as
    ``torch.linalg.solve_triangular``); the gradient reaches only that triangle, as torch's.

    NumPy and CuPy have no batched triangular solver, so this is a general solve on the masked
    matrix (the same values, O(n³) rather than O(n²) per right-hand side).

    Example:
        >>> import autograd_core as ac
        >>> a = ac.tensor([[2.0, 9.0], [1.0, 4.0]])
        >>> ac.linalg.solve_triangular(a, ac.tensor([[2.0], [5.0]]), upper=False)
        tensor([[1.],
                [1.]])
    """
    a, b = lift(a), lift(b, a)
    _check_pair("linalg.solve_triangular", a, b, left)
    xp = get_array_module(a.data)
    n = a.shape[-1]
    keep = xp.tri(n, n, k=-1 if unitriangular else 0, dtype=bool)
    keep = keep.T if upper else keep
    tri = where(keep, a, 0)
    if unitriangular:
        tri = tri + xp.eye(n, dtype=a.dtype)
    return _solve("linalg.solve_triangular", tri, b, left)


def inv(a: Tensor) -> Tensor:
    """The inverse of each square matrix (``torch.linalg.inv``; the same as ``ac.inverse``).

    Example:
        >>> import autograd_core as ac
        >>> ac.linalg.inv(ac.tensor([[1.0, 1.0], [0.0, 1.0]]))
        tensor([[ 1., -1.],
                [ 0.,  1.]])
    """
    return invert("linalg.inv", a)


class EigenvaluesEigenvectors(NamedTuple):
    """What ``eigh`` returns (PyTorch's ``torch.return_types.linalg_eigh``)."""

    eigenvalues: Tensor
    eigenvectors: Tensor


def _check_uplo(name: str, uplo: str) -> str:
    if uplo not in ("L", "U"):
        raise ShapeError(f"{name}: UPLO must be 'L' or 'U'; got {uplo!r}. Pass UPLO='L' or 'U'.")
    return uplo


def eigh(a: Tensor, UPLO: str = "L") -> EigenvaluesEigenvectors:  # noqa: N803  (torch's name)
    """Eigenvalues (ascending) and orthonormal eigenvectors (columns) of each symmetric matrix,
    reading only its ``UPLO`` triangle (``torch.linalg.eigh``).

    The eigenvectors' signs are arbitrary (LAPACK's choice, as torch's); a loss should not
    depend on them. With repeated eigenvalues the eigenvectors' gradient is undefined (inf/nan),
    as torch documents; the eigenvalues' gradient V diag(w̄) Vᵀ is always defined.

    Example:
        >>> import autograd_core as ac
        >>> ac.linalg.eigh(ac.tensor([[2.0, 0.0], [0.0, 1.0]]))
        EigenvaluesEigenvectors(eigenvalues=tensor([1., 2.]), eigenvectors=tensor([[0., 1.],
                [1., 0.]]))
    """
    a = lift(a)
    check_square("linalg.eigh", a)
    w, v = Eigh.apply(a, uplo=_check_uplo("linalg.eigh", UPLO))
    return EigenvaluesEigenvectors(w, v)


def eigvalsh(a: Tensor, UPLO: str = "L") -> Tensor:  # noqa: N803  (torch's name)
    """The eigenvalues (ascending) of each symmetric matrix (``torch.linalg.eigvalsh``); the
    gradient is V diag(w̄) Vᵀ.

    Example:
        >>> import autograd_core as ac
        >>> ac.linalg.eigvalsh(ac.tensor([[2.0, 1.0], [1.0, 2.0]]))
        tensor([1., 3.])
    """
    a = lift(a)
    check_square("linalg.eigvalsh", a)
    return Eigh.apply(a, uplo=_check_uplo("linalg.eigvalsh", UPLO))[0]


# the *_ex variants and vecdot build on the functions above (linalg_ex.py imports this module)
from autograd_core.linalg_ex import (  # noqa: E402
    CholeskyEx,  # noqa: F401  (cholesky_ex's result type, as torch.return_types)
    InvEx,  # noqa: F401
    SolveEx,  # noqa: F401
    cholesky_ex,
    inv_ex,
    solve_ex,
    vecdot,
)
from autograd_core.linalg_lstsq import (  # noqa: E402
    LstsqResult,  # noqa: F401  (lstsq's result type)
    cond,
    lstsq,
    matrix_rank,
)
