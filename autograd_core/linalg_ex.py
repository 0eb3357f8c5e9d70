"""``ac.linalg``'s checked-later variants and Cholesky solvers, as torch: ``vecdot``,
``cholesky_ex``, ``inv_ex``, ``solve_ex`` (a LAPACK-style ``info`` per matrix instead of an
error), and the top-level ``cholesky_solve`` and ``cholesky_inverse``. All are compositions of
recorded ops (``cholesky``, ``inv``, ``solve``, ``mul``, ``sum``), so their gradients are those
ops'.

Where ``info`` ≠ 0 the ``*_ex`` results hold what LAPACK's unblocked routines leave, as torch's
on the CPU: for ``cholesky_ex`` the columns before the failing one factored, the failing
diagonal entry's value (≤ 0 or NaN) and the rest of the lower triangle untouched; for
``inv_ex``/``solve_ex`` the substitution with a zero pivot (inf/NaN, in torch's pattern), from
the LU of A. Deliberate difference: those failed matrices pass no gradient here (torch's is NaN
or meaningless there); the others of the batch get theirs."""

from __future__ import annotations

import math
from typing import Any, NamedTuple

from autograd_core.device import get_array_module
from autograd_core.errors import DTypeError, LinAlgError, ShapeError
from autograd_core.linalg import cholesky, solve
from autograd_core.ops.binary import where
from autograd_core.ops.common import const, lift
from autograd_core.ops.decompositions import check_square, invert, matrix_t
from autograd_core.ops.decompositions_lu import lu_arrays, lu_solve_arrays, permutation
from autograd_core.ops.reduce import sum as reduce_sum
from autograd_core.tensor import Tensor

__all__ = ["vecdot", "cholesky_ex", "inv_ex", "solve_ex", "cholesky_solve", "cholesky_inverse"]


class CholeskyEx(NamedTuple):
    """What ``cholesky_ex`` returns (``torch.return_types.linalg_cholesky_ex``)."""

    L: Tensor  # noqa: N815  (torch's field names)
    info: Tensor


class InvEx(NamedTuple):
    """What ``inv_ex`` returns (``torch.return_types.linalg_inv_ex``)."""

    inverse: Tensor
    info: Tensor


class SolveEx(NamedTuple):
    """What ``solve_ex`` returns (``torch.return_types.linalg_solve_ex``)."""

    result: Tensor
    info: Tensor


def vecdot(x: Any, y: Any, *, dim: int = -1) -> Tensor:
    """Σ x·y along ``dim`` of the broadcast of x and y (``torch.linalg.vecdot``; x would be
    conjugated if it were complex: this engine's linalg is real). Both must be float tensors
    of one dtype, as torch.

    Example:
        >>> import autograd_core as ac
        >>> ac.linalg.vecdot(ac.ones(2, 3), ac.tensor([1.0, 2.0, 3.0]))
        tensor([6., 6.])
    """
    a, b = lift(x), lift(y)
    if a.dtype != b.dtype:
        raise DTypeError(
            f"linalg.vecdot: expected x and y to have the same dtype, but found x of type "
            f"{a.dtype} and y of type {b.dtype}. Convert one with .to(dtype)."
        )
    if a.dtype.kind != "f":
        raise DTypeError(
            f"linalg.vecdot: expected a floating point tensor as input; got {a.dtype}. Convert "
            "with .double() or .float()."
        )
    product = a * b
    if product.ndim == 0:
        raise ShapeError(
            f"linalg.vecdot: x {tuple(a.shape)} and y {tuple(b.shape)} broadcast to a 0-d "
            "tensor, which has no dim to sum. Pass vectors (at least 1-D)."
        )
    return reduce_sum(product, dim)


def _cholesky_arrays(xp: Any, a: Any) -> tuple[Any, Any]:
    """(L, info) by the unblocked Cholesky (LAPACK's ``potf2``) over the batch at once, reading
    the lower triangle: where column j's pivot a_jj − Σ L_jk² is not > 0 (or NaN), info = j + 1,
    that value is stored on the diagonal and the columns after j are left as they were."""
    batch, n = a.shape[:-2], a.shape[-1]
    count = int(math.prod(batch))
    c = xp.tril(a).reshape((count, n, n)).copy()
    info = xp.zeros((count,), dtype=xp.int32)
    for j in range(n):
        live = info == 0
        ajj = c[:, j, j] - (c[:, j, :j] * c[:, j, :j]).sum(axis=-1)
        bad = live & ~(ajj > 0)
        info = xp.where(bad, j + 1, info).astype(xp.int32)
        ok = live & ~bad
        root = xp.sqrt(xp.where(ok, ajj, 1.0))
        c[:, j, j] = xp.where(ok, root, xp.where(bad, ajj, c[:, j, j]))
        below = (c[:, j + 1 :, j] - (c[:, j + 1 :, :j] @ c[:, j, :j, None])[..., 0]) / root[:, None]
        c[:, j + 1 :, j] = xp.where(ok[:, None], below, c[:, j + 1 :, j])
    return c.reshape(a.shape), info.reshape(batch)


def _identity_where(xp: Any, failed: Any, a: Tensor) -> Tensor:
    """A with its failed matrices replaced by the identity (so the op succeeds on the rest)."""
    eye = xp.eye(a.shape[-1], dtype=a.dtype)
    return where(failed[..., None, None], eye, a)


def _raise_info(name: str, what: str, info: Any, shape: tuple[int, ...]) -> None:
    xp = get_array_module(info)
    flat = int(xp.argmax((info != 0).reshape(-1)))
    index = tuple(int(i) for i in xp.unravel_index(flat, info.shape)) if info.ndim else ()
    at = f" (batch element {index})" if index else ""
    raise LinAlgError(f"{name}: {what}{at}; shape {shape}, info {int(info.reshape(-1)[flat])}.")


def cholesky_ex(A: Any, *, upper: bool = False, check_errors: bool = False) -> CholeskyEx:  # noqa: N803
    """(L, info): ``linalg.cholesky`` that reports failure in ``info`` (*) int32 instead of
    raising (``torch.linalg.cholesky_ex``): 0, or the order of the first leading minor that is
    not positive definite. ``check_errors=True`` raises for a nonzero info. See the module
    docstring for what L holds where info ≠ 0.

    Example:
        >>> import autograd_core as ac
        >>> ac.linalg.cholesky_ex(ac.tensor([[1.0, 2.0], [2.0, 1.0]])).info
        tensor(2, dtype=int32)
    """
    name = "linalg.cholesky_ex"
    a = lift(A)
    check_square(name, a)
    xp = get_array_module(a.data)
    try:
        ell = cholesky(a)
        info = xp.zeros(a.shape[:-2], dtype=xp.int32)
    except LinAlgError:
        partial, info = _cholesky_arrays(xp, a.data)
        if check_errors:
            _raise_info(
                name,
                "the input is not positive-definite (the leading minor of order info is not)",
                info,
                tuple(a.shape),
            )
        failed = info != 0
        ell = where(failed[..., None, None], partial, cholesky(_identity_where(xp, failed, a)))
    return CholeskyEx(matrix_t(ell) if upper else ell, const(info))


def _solve_failed(xp: Any, a: Any, b: Any, left: bool) -> tuple[Any, Any]:
    """(X, info) by substitution with the LU of A, batch dims of A and B broadcast: A X = B or
    X A = B (Aᵀ Xᵀ = Bᵀ), inf/NaN where a pivot is zero."""
    lu, pivots, info = lu_arrays(xp, a)
    perm = permutation(xp, pivots, a.shape[-1])
    batch = xp.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    lu = xp.broadcast_to(lu, batch + lu.shape[-2:])
    perm = xp.broadcast_to(perm, batch + perm.shape[-1:])
    if left:
        return lu_solve_arrays(xp, lu, perm, xp.broadcast_to(b, batch + b.shape[-2:])), info
    bt = xp.broadcast_to(xp.swapaxes(b, -1, -2), batch + b.shape[-2:][::-1])
    return xp.swapaxes(lu_solve_arrays(xp, lu, perm, bt, True), -1, -2), info


def inv_ex(A: Any, *, check_errors: bool = False) -> InvEx:  # noqa: N803
    """(inverse, info): ``linalg.inv`` that reports a singular matrix in ``info`` (*) int32
    instead of raising (``torch.linalg.inv_ex``): 0, or the 1-based index of the first zero
    pivot of the LU factorisation. ``check_errors=True`` raises for a nonzero info.

    Example:
        >>> import autograd_core as ac
        >>> ac.linalg.inv_ex(ac.tensor([[2.0, 0.0], [0.0, 4.0]]))
        InvEx(inverse=tensor([[0.5 , 0.  ],
                [0.  , 0.25]]), info=tensor(0, dtype=int32))
    """
    name = "linalg.inv_ex"
    a = lift(A)
    check_square(name, a)
    xp = get_array_module(a.data)
    try:
        return InvEx(invert(name, a), const(xp.zeros(a.shape[:-2], dtype=xp.int32)))
    except LinAlgError:
        eye = xp.broadcast_to(xp.eye(a.shape[-1], dtype=a.dtype), a.shape)
        values, info = _solve_failed(xp, a.data, eye, True)
    if check_errors:
        _raise_info(
            name,
            "the input is singular (the diagonal element info of U is zero)",
            info,
            tuple(a.shape),
        )
    failed = info != 0
    good = invert(name, _identity_where(xp, failed, a))
    return InvEx(where(failed[..., None, None], values, good), const(info))


def solve_ex(A: Any, B: Any, *, left: bool = True, check_errors: bool = False) -> SolveEx:  # noqa: N803
    """(result, info): ``linalg.solve`` that reports a singular A in ``info`` (A's batch shape,
    int32) instead of raising (``torch.linalg.solve_ex``); shapes, broadcasting and vector B
    as ``linalg.solve``. ``check_errors=True`` raises for a nonzero info.

    Example:
        >>> import autograd_core as ac
        >>> ac.linalg.solve_ex(ac.tensor([[1.0, 2.0], [2.0, 4.0]]), ac.ones(2)).info
        tensor(2, dtype=int32)
    """
    name = "linalg.solve_ex"
    a = lift(A)
    b = lift(B, a)
    check_square(name, a)
    xp = get_array_module(a.data)
    try:
        return SolveEx(solve(a, b, left=left), const(xp.zeros(a.shape[:-2], dtype=xp.int32)))
    except LinAlgError:
        pass
    vector = left and (b.ndim == 1 or (b.ndim == a.ndim - 1 and b.shape == a.shape[:-1]))
    bm = b.data[..., None] if vector else b.data
    values, info = _solve_failed(xp, a.data, bm, left)
    if check_errors:
        _raise_info(name, "the solver failed because the input matrix is singular", info, a.shape)
    failed = info != 0
    good = solve(_identity_where(xp, failed, a), b, left=left)
    if vector:
        values, failed = values[..., 0], failed[..., None]
    else:
        failed = failed[..., None, None]
    return SolveEx(where(failed, values, good), const(info))


def _cholesky_factor_check(name: str, ell: Tensor) -> None:
    if ell.ndim < 2 or ell.shape[-1] != ell.shape[-2]:
        raise ShapeError(
            f"{name}: A must be batches of square matrices, but got shape {tuple(ell.shape)}. "
            "Pass the Cholesky factor (*, n, n) from linalg.cholesky."
        )
    check_square(name, ell)


def _triangle(ell: Tensor, upper: bool) -> Tensor:
    """The lower factor L (Lᵀ of an upper one) whose value is read from the factor's
    triangle only, while its gradient is that of the whole matrix: torch's formulas treat the
    factor as a full matrix (a detached correction of the other triangle)."""
    xp = get_array_module(ell.data)
    n = ell.shape[-1]
    other = ell.data * (1 - xp.tri(n, n, dtype=ell.dtype) if not upper else xp.tri(n, n, -1))
    full = ell - const(other.astype(ell.dtype, copy=False))
    return matrix_t(full) if upper else full


def cholesky_solve(B: Any, L: Any, upper: bool = False) -> Tensor:  # noqa: N803
    """X with A X = B for A = L Lᵀ given its Cholesky factor L (or A = Uᵀ U with
    ``upper=True``), as ``torch.cholesky_solve``: B (*, n, k), L (*, n, n), batch dims
    broadcasting. Only the factor's triangle is read; the gradient w.r.t. it is torch's
    (−(Ḡ Xᵀ + X Ḡᵀ) L with Ḡ = A⁻¹ X̄, the factor taken as a full matrix), and w.r.t. B it is
    A⁻¹ X̄: two solves with the factor, recorded.

    Example:
        >>> import autograd_core as ac
        >>> ell = ac.tensor([[2.0, 0.0], [1.0, 1.0]])
        >>> ac.cholesky_solve(ac.tensor([[6.0], [4.0]]), ell)
        tensor([[1.],
                [1.]])
    """
    name = "cholesky_solve"
    b, ell = lift(B), lift(L)
    if b.ndim < 2:
        raise ShapeError(
            f"{name}: B should have at least 2 dimensions, but has {b.ndim} (shape "
            f"{tuple(b.shape)}). For a vector b use b.unsqueeze(-1)."
        )
    _cholesky_factor_check(name, ell)
    if b.dtype != ell.dtype:
        raise DTypeError(
            f"{name}: expected B and L to have the same dtype, but found B of type {b.dtype} "
            f"and L of type {ell.dtype}. Convert B with .to(L.dtype)."
        )
    if b.shape[-2] != ell.shape[-1]:
        raise ShapeError(
            f"{name}: incompatible matrix sizes: each L matrix is {ell.shape[-1]} by "
            f"{ell.shape[-1]} but each B matrix is {b.shape[-2]} by {b.shape[-1]}. Pass B of "
            "shape (*, n, k)."
        )
    low = _triangle(ell, bool(upper))
    try:
        return solve(matrix_t(low), solve(low, b))
    except LinAlgError as e:
        raise LinAlgError(
            f"{name}: the factor has a zero on its diagonal (A = L Lᵀ is singular); shapes B "
            f"{tuple(b.shape)}, L {tuple(ell.shape)}. Factor a positive-definite matrix."
        ) from e


def cholesky_inverse(L: Any, upper: bool = False) -> Tensor:  # noqa: N803
    """A⁻¹ = (L Lᵀ)⁻¹ from the Cholesky factor L (or (Uᵀ U)⁻¹ with ``upper=True``), as
    ``torch.cholesky_inverse``, batched. Only the factor's triangle is read; the gradient is
    torch's (the factor taken as a full matrix): −Y (Ȳ + Ȳᵀ) Y L.

    Raises:
        LinAlgError: a zero on the factor's diagonal (as torch).

    Example:
        >>> import autograd_core as ac
        >>> ac.cholesky_inverse(ac.tensor([[2.0, 0.0], [0.0, 1.0]]))
        tensor([[0.25, 0.  ],
                [0.  , 1.  ]])
    """
    name = "cholesky_inverse"
    ell = lift(L)
    _cholesky_factor_check(name, ell)
    low = _triangle(ell, bool(upper))
    try:
        inv_low = invert(name, low)
    except LinAlgError as e:
        raise LinAlgError(
            f"{name}: a diagonal element of the factor is zero, so the inversion could not be "
            f"completed (the matrix is singular); shape {tuple(ell.shape)}. Factor a "
            "positive-definite matrix."
        ) from e
    return matrix_t(inv_low) @ inv_low
