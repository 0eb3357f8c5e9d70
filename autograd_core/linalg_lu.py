"""``ac.linalg``'s LU names, as ``torch.linalg``: ``lu_factor``, ``lu_factor_ex``, ``lu``,
``lu_solve``, and the top-level ``lu_unpack``. The factorisation is the ``lu_factor`` op
(``ops/decompositions_lu.py``, partial pivoting, LAPACK's 1-based int32 pivots); the rest are
compositions of it with ``tril``/``triu`` masks and solves, so their gradients (through L and U,
and through ``lu_solve`` to LU and B) are those ops'.

Deliberate differences: ``pivot=False`` raises, as torch does on the CPU (torch's CUDA backend
computes it); a zero pivot of U makes the gradient raise a LinAlgError (torch's is inf/NaN), and
``lu_solve`` with such a factor raises where torch returns inf/NaN."""

from __future__ import annotations

from typing import Any, NamedTuple

from autograd_core.device import get_array_module
from autograd_core.errors import DTypeError, LinAlgError, ShapeError
from autograd_core.linalg_decomp import check_matrix
from autograd_core.ops.common import const, lift
from autograd_core.ops.decompositions import Solve, matrix_t
from autograd_core.ops.decompositions_lu import LuFactor, permutation_matrix
from autograd_core.tensor import Tensor

__all__ = ["lu_factor", "lu_factor_ex", "lu", "lu_solve", "lu_unpack"]


class LUFactor(NamedTuple):
    """What ``lu_factor`` returns (``torch.return_types.linalg_lu_factor``)."""

    LU: Tensor  # noqa: N815  (torch's field names)
    pivots: Tensor


class LUFactorEx(NamedTuple):
    """What ``lu_factor_ex`` returns (``torch.return_types.linalg_lu_factor_ex``)."""

    LU: Tensor  # noqa: N815
    pivots: Tensor
    info: Tensor


class PLU(NamedTuple):
    """What ``lu`` and ``lu_unpack`` return (``torch.return_types.linalg_lu``, ``lu_unpack``)."""

    P: Tensor  # noqa: N815
    L: Tensor  # noqa: N815
    U: Tensor  # noqa: N815


def _factor(name: str, a: Any, pivot: bool) -> tuple[Tensor, Tensor]:
    a = lift(a)
    check_matrix(name, a)
    if not pivot:
        raise NotImplementedError(
            f"{name}: LU without pivoting is not implemented (as in torch on the CPU). Use "
            "pivot=True (the default)."
        )
    lu_, pivots = LuFactor.apply(a)
    return lu_, pivots


def _info(lu_: Tensor) -> Any:
    """info (*) int32 from a factor: the first zero on U's diagonal, 1-based, or 0."""
    xp = get_array_module(lu_.data)
    diag = xp.diagonal(lu_.data, axis1=-2, axis2=-1)
    zero = diag == 0
    first = xp.argmax(zero, axis=-1) + 1 if diag.shape[-1] else xp.zeros(diag.shape[:-1], int)
    return xp.where(zero.any(axis=-1), first, 0).astype(xp.int32)


def lu_factor_ex(
    A: Any,  # noqa: N803  (torch's name)
    *,
    pivot: bool = True,
    check_errors: bool = False,
) -> LUFactorEx:
    """(LU, pivots, info): ``lu_factor`` without its error for a zero pivot, as
    ``torch.linalg.lu_factor_ex``; info (*) int32 is 0, or the 1-based column of U's first
    zero pivot (LAPACK's ``getrf`` code). ``check_errors=True`` raises for a nonzero info.

    Example:
        >>> import autograd_core as ac
        >>> ac.linalg.lu_factor_ex(ac.tensor([[1.0, 2.0], [2.0, 4.0]])).info
        tensor(2, dtype=int32)
    """
    lu_, pivots = _factor("linalg.lu_factor_ex", A, pivot)
    info = _info(lu_)
    if check_errors:
        _raise_singular("linalg.lu_factor_ex", lu_, info)
    return LUFactorEx(lu_, pivots, const(info))


def _raise_singular(name: str, lu_: Tensor, info: Any) -> None:
    xp = get_array_module(info)
    if bool(xp.any(info != 0)):
        flat = int(xp.argmax((info != 0).reshape(-1)))
        index = tuple(int(i) for i in xp.unravel_index(flat, info.shape)) if info.ndim else ()
        at = f" (batch element {index})" if index else ""
        k = int(info.reshape(-1)[flat])
        raise LinAlgError(
            f"{name}: U[{k - 1},{k - 1}] is zero{at}, shape {tuple(lu_.shape)}: the matrix is "
            "singular and using this factor in lu_solve would divide by zero. Use "
            "linalg.lu_factor_ex (which reports it in info) or linalg.lu, or regularise A."
        )


def lu_factor(A: Any, *, pivot: bool = True) -> LUFactor:  # noqa: N803
    """A = P L U packed as (LU, pivots) for each (m, n) matrix (``torch.linalg.lu_factor``):
    L's multipliers below LU's diagonal (its unit diagonal implied), U on and above; pivots
    (*, min(m, n)) int32, 1-based, LAPACK's. Differentiable through LU (torch's gradient).

    Raises:
        LinAlgError: U has a zero pivot (a singular square matrix), as torch.
        ShapeError: fewer than 2 dims or not a float dtype.

    Example:
        >>> import autograd_core as ac
        >>> ac.linalg.lu_factor(ac.tensor([[1.0, 2.0], [4.0, 4.0]]))
        LUFactor(LU=tensor([[4.  , 4.  ],
                [0.25, 1.  ]]), pivots=tensor([2, 2], dtype=int32))
    """
    lu_, pivots = _factor("linalg.lu_factor", A, pivot)
    _raise_singular("linalg.lu_factor", lu_, _info(lu_))
    return LUFactor(lu_, pivots)


def _check_pivots(name: str, lu_: Tensor, pivots: Tensor) -> None:
    if pivots.dtype.name != "int32":
        raise DTypeError(
            f"{name}: pivots should be int32 (as linalg.lu_factor returns them); got "
            f"{pivots.dtype}. Convert with pivots.int()."
        )
    k = min(lu_.shape[-2:])
    if tuple(pivots.shape) != tuple(lu_.shape[:-2]) + (k,):
        raise ShapeError(
            f"{name}: expected pivots of shape LU.shape[:-2] + (min(m, n),) = "
            f"{tuple(lu_.shape[:-2]) + (k,)}, but got {tuple(pivots.shape)} (LU "
            f"{tuple(lu_.shape)}). Pass the pivots that lu_factor returned with this LU."
        )


def _unpack(lu_: Tensor, pivots: Tensor | None, data: bool) -> PLU:
    xp = get_array_module(lu_.data)
    m, n = lu_.shape[-2:]
    k = min(m, n)
    dtype = lu_.dtype
    empty = const(xp.zeros((0,), dtype=dtype))
    p = empty if pivots is None else const(permutation_matrix(xp, pivots.data, m, dtype))
    if not data:
        return PLU(p, empty, empty)
    ell = lu_[..., :, :k] * xp.tri(m, k, -1, dtype=dtype) + xp.eye(m, k, dtype=dtype)
    u = lu_[..., :k, :] * (1 - xp.tri(k, n, -1, dtype=dtype))
    return PLU(p, ell, u)


def lu_unpack(
    LU_data: Any,  # noqa: N803  (torch's names)
    LU_pivots: Any,  # noqa: N803
    unpack_data: bool = True,
    unpack_pivots: bool = True,
) -> PLU:
    """(P, L, U) from ``lu_factor``'s packed result (``torch.lu_unpack``): P (*, m, m) the
    permutation matrix, L (*, m, k) unit lower triangular, U (*, k, n) upper triangular, with A
    = P L U. ``unpack_data=False`` gives empty L and U, ``unpack_pivots=False`` an empty P (as
    torch). L and U are differentiable w.r.t. LU_data (masks of it), P is a constant.

    Example:
        >>> import autograd_core as ac
        >>> P, L, U = ac.lu_unpack(*ac.linalg.lu_factor(ac.tensor([[1.0, 2.0], [3.0, 4.0]])))
        >>> P @ L @ U
        tensor([[1., 2.],
                [3., 4.]])
    """
    lu_, pivots = lift(LU_data), lift(LU_pivots)
    check_matrix("lu_unpack", lu_)
    if unpack_pivots:
        _check_pivots("lu_unpack", lu_, pivots)
    return _unpack(lu_, pivots if unpack_pivots else None, bool(unpack_data))


def lu(A: Any, *, pivot: bool = True) -> PLU:  # noqa: N803
    """A = P L U for each (m, n) matrix (``torch.linalg.lu``): P (m, m) a permutation matrix, L
    (m, k) unit lower triangular, U (k, n) upper triangular, k = min(m, n). Singular matrices
    are factored too (U then has a zero on its diagonal). Gradients flow through L and U (as
    torch's ``linalg_lu_backward``; undefined where U has a zero pivot).

    Example:
        >>> import autograd_core as ac
        >>> ac.linalg.lu(ac.tensor([[0.0, 1.0], [2.0, 3.0]])).U
        tensor([[2., 3.],
                [0., 1.]])
    """
    lu_, pivots = _factor("linalg.lu", A, pivot)
    return _unpack(lu_, pivots, True)


def lu_solve(
    LU: Any,  # noqa: N803  (torch's names)
    pivots: Any,
    B: Any,  # noqa: N803
    *,
    left: bool = True,
    adjoint: bool = False,
) -> Tensor:
    """X with A X = B (``left=True``) or X A = B, or with Aᵀ in place of A (``adjoint=True``),
    for A = P L U given by ``lu_factor`` (``torch.linalg.lu_solve``). LU (*, n, n), pivots
    (*, n), B (*, n, k) (left) or (*, k, n); batch dims of LU and B broadcast. Differentiable
    w.r.t. LU (through its triangles, as torch's) and B: a composition of solves with L and U.

    Raises:
        ShapeError: LU not square, B with fewer than 2 dims or the wrong size, pivots of the
            wrong shape.
        DTypeError: pivots not int32.
        LinAlgError: U has a zero pivot (deliberate difference: torch returns inf/NaN).

    Example:
        >>> import autograd_core as ac
        >>> a = ac.tensor([[2.0, 1.0], [4.0, 5.0]])
        >>> ac.linalg.lu_solve(*ac.linalg.lu_factor(a), ac.tensor([[3.0], [9.0]]))
        tensor([[1.],
                [1.]])
    """
    name = "linalg.lu_solve"
    lu_, piv = lift(LU), lift(pivots)
    b = lift(B, lu_)
    check_matrix(name, lu_)
    if lu_.shape[-1] != lu_.shape[-2]:
        raise ShapeError(
            f"{name}: LU must be square (*, n, n); got shape {tuple(lu_.shape)}. lu_solve "
            "solves with square factors only; use linalg.lstsq for rectangular systems."
        )
    _check_pivots(name, lu_, piv)
    n = lu_.shape[-1]
    if b.ndim < 2:
        raise ShapeError(
            f"{name}: B must have at least 2 dimensions (*, n, k); got shape {tuple(b.shape)}. "
            "For a vector b use b.unsqueeze(-1)."
        )
    if (b.shape[-2] if left else b.shape[-1]) != n:
        eq = "AX = B" if left else "XA = B"
        raise ShapeError(
            f"{name}: incompatible shapes of A {tuple(lu_.shape)} and B {tuple(b.shape)} for "
            f"the equation {eq}. Pass B of shape {'(*, n, k)' if left else '(*, k, n)'}."
        )
    if b.dtype != lu_.dtype:
        raise DTypeError(
            f"{name}: LU is {lu_.dtype} but B is {b.dtype}. Convert B with .to(LU.dtype)."
        )
    p, ell, u = _unpack(lu_, piv, True)
    try:
        if left != adjoint:  # A⁻¹ B = U⁻¹ L⁻¹ Pᵀ B, or (B A⁻¹)ᵀ = A⁻ᵀ Bᵀ with Bᵀ for B
            rhs = b if left else matrix_t(b)
            x = Solve.apply(u, Solve.apply(ell, matrix_t(p) @ rhs))
        else:  # A⁻ᵀ B = P L⁻ᵀ U⁻ᵀ B (or its transpose for right with adjoint)
            rhs = b if left else matrix_t(b)
            x = p @ Solve.apply(matrix_t(ell), Solve.apply(matrix_t(u), rhs))
    except Exception as e:
        if type(e).__name__ != "LinAlgError":
            raise
        raise LinAlgError(
            f"{name}: U has a zero pivot (A is singular); LU {tuple(lu_.shape)}, B "
            f"{tuple(b.shape)}. Check linalg.lu_factor_ex's info first, or regularise A."
        ) from e
    return x if left else matrix_t(x)
