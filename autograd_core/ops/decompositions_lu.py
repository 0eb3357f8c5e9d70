r"""The LU decomposition with partial pivoting as an op, ``lu_factor`` (A = P L U packed into
one matrix LU and LAPACK's 1-based int32 pivots), and the array routines it and the ``*_ex``
functions of ``ac.linalg`` share: the factorisation itself and substitution with its factors.

NumPy and CuPy have no LU, so the factorisation here is Doolittle's with partial pivoting
(LAPACK's ``getf2``: the first entry of largest magnitude in the column is the pivot), written
with the loop over columns only, each step vectorised over the whole batch. A zero pivot does not
stop it: the step is skipped (its column below the diagonal is zero) and ``info`` records the
first such column, 1-based, as LAPACK does. The public functions are in ``linalg_lu.py``."""

from __future__ import annotations

import math
from typing import Any

import numpy

from autograd_core.op import Op
from autograd_core.ops.decompositions import Solve, matrix_t
from autograd_core.ops.join import Cat
from autograd_core.registry import register_op

__all__: list[str] = []


def lu_arrays(xp: Any, a: Any) -> tuple[Any, Any, Any]:
    """(LU, pivots, info) of each (m, n) matrix of ``a`` (*, m, n): L's multipliers below the
    diagonal of LU (its unit diagonal implied), U on and above; pivots (*, k), k = min(m, n),
    int32 and 1-based (row j was swapped with row pivots[j] − 1 at step j); info (*) int32, 0 or
    the first zero pivot's 1-based column."""
    batch, (m, n) = a.shape[:-2], a.shape[-2:]
    k = min(m, n)
    count = int(math.prod(batch))
    lu = a.reshape((count, m, n)).copy()
    rows = xp.arange(count)
    pivots = xp.zeros((count, k), dtype=xp.int32)
    info = xp.zeros((count,), dtype=xp.int32)
    for j in range(k):
        p = j + xp.argmax(xp.abs(lu[:, j:, j]), axis=-1)
        pivots[:, j] = p + 1
        row_j = lu[rows, j].copy()
        lu[rows, j] = lu[rows, p]
        lu[rows, p] = row_j
        pivot = lu[:, j, j]
        zero = pivot == 0
        info = xp.where((info == 0) & zero, j + 1, info).astype(xp.int32)
        lu[:, j + 1 :, j] /= xp.where(zero, 1.0, pivot)[:, None]
        lu[:, j + 1 :, j + 1 :] -= lu[:, j + 1 :, j : j + 1] * lu[:, j : j + 1, j + 1 :]
    return lu.reshape(a.shape), pivots.reshape(batch + (k,)), info.reshape(batch)


def permutation(xp: Any, pivots: Any, m: int) -> Any:
    """perm (*, m) with (Pᵀ A)[i] = A[perm[i]] from LAPACK's 1-based ``pivots`` (*, k): the
    swaps applied in order to 0, 1, …, m − 1."""
    batch, k = pivots.shape[:-1], pivots.shape[-1]
    piv = pivots.reshape((int(math.prod(batch)), k)).astype(xp.int64) - 1
    perm = xp.broadcast_to(xp.arange(m), (piv.shape[0], m)).copy()
    rows = xp.arange(piv.shape[0])
    for j in range(k):
        p = piv[:, j]
        held = perm[rows, j].copy()
        perm[rows, j] = perm[rows, p]
        perm[rows, p] = held
    return perm.reshape(batch + (m,))


def permutation_matrix(xp: Any, pivots: Any, m: int, dtype: Any) -> Any:
    """P (*, m, m) with A = P L U: P[i, j] = 1 where perm[j] = i."""
    perm = permutation(xp, pivots, m)
    return (perm[..., None, :] == xp.arange(m)[:, None]).astype(dtype)


def lu_solve_arrays(xp: Any, lu: Any, perm: Any, b: Any, adjoint: bool = False) -> Any:
    """X with A X = B (or Aᵀ X = B with ``adjoint``) for A = P L U (square LU (*, n, n),
    ``perm`` from ``permutation``, B (*, n, k), batch dims equal), by forward and back
    substitution one row at a time over the whole batch. A zero pivot gives inf/NaN, as
    LAPACK's substitution does (no error): the ``*_ex`` functions' values where info ≠ 0."""
    n = lu.shape[-1]
    with numpy.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if not adjoint:  # L y = Pᵀ B (unit diagonal), then U x = y
            x = xp.take_along_axis(b, perm[..., None], axis=-2).astype(lu.dtype, copy=True)
            for i in range(1, n):
                x[..., i, :] -= (lu[..., i, None, :i] @ x[..., :i, :])[..., 0, :]
            for i in range(n - 1, -1, -1):
                x[..., i, :] -= (lu[..., i, None, i + 1 :] @ x[..., i + 1 :, :])[..., 0, :]
                x[..., i, :] /= lu[..., i, i, None]
            return x
        x = b.astype(lu.dtype, copy=True)  # Uᵀ y = B, then Lᵀ z = y (unit), then x = P z
        for i in range(n):
            x[..., i, :] -= (lu[..., None, :i, i] @ x[..., :i, :])[..., 0, :]
            x[..., i, :] /= lu[..., i, i, None]
        for i in range(n - 2, -1, -1):
            x[..., i, :] -= (lu[..., None, i + 1 :, i] @ x[..., i + 1 :, :])[..., 0, :]
        return xp.take_along_axis(x, xp.argsort(perm, axis=-1)[..., None], axis=-2)


def _solve_right(a: Any, m: Any) -> Any:
    """M A⁻¹ = (A⁻ᵀ Mᵀ)ᵀ, a recorded solve when M is a Tensor."""
    return matrix_t(Solve.call(matrix_t(a), matrix_t(m)))


@register_op("lu_factor", save_output=True, array_vjp=True, saves_inputs=False)
class LuFactor(Op):
    r"""(LU, pivots) with A = P L U for each (m, n) matrix (``torch.linalg.lu_factor``): L (m, k)
    unit lower triangular (its multipliers below LU's diagonal), U (k, n) upper triangular (on
    and above), k = min(m, n), pivots (*, k) int32, 1-based, as LAPACK's ``getrf``.

    VJP (derived from dA = P (dL U + L dU); the same as torch's ``linalg_lu_backward``): with L̄
    the strictly lower part of LU's adjoint and Ū its upper part,

    * m = n: Ā = P L⁻ᵀ (tril₋₁(Lᵀ L̄) + triu(Ū Uᵀ)) U⁻ᵀ;
    * m < n, U = [U₁ U₂]: Ā = P L⁻ᵀ [(tril₋₁(Lᵀ L̄ − Ū₂ U₂ᵀ) + triu(Ū₁ U₁ᵀ)) U₁⁻ᵀ, Ū₂];
    * m > n, L = [L₁; L₂]: Ā = P [L₁⁻ᵀ (tril₋₁(L₁ᵀ L̄₁) + triu(Ū Uᵀ − L₂ᵀ L̄₂)) U⁻ᵀ; L̄₂ U⁻ᵀ].

    Written with ops (solves with the triangular factors, general solves as NumPy has no
    triangular one), so differentiable again. Undefined where U has a zero pivot (the solve
    raises; torch's gradient is inf/NaN there). The pivots get no gradient. Saves the outputs
    only. Does not broadcast.
    """

    def forward(self, a: Any) -> tuple[Any, Any]:
        lu, pivots, _ = lu_arrays(self.xp, a)
        return lu, pivots

    def vjp(self, g: Any, g_pivots: Any = None) -> tuple[Any, ...]:
        if g is None:
            return (None,)
        xp = self.xp
        lu_data, pivots = self.out
        lu = self.output_as(g)
        m, n = lu_data.shape[-2:]
        k = min(m, n)
        dtype = lu_data.dtype
        strict = xp.tri(m, k, -1, dtype=dtype)  # masks of L's multipliers and U's entries
        upper = xp.ones((k, n), dtype=dtype) - xp.tri(k, n, -1, dtype=dtype)
        ell = lu[..., :, :k] * strict + xp.eye(m, k, dtype=dtype)
        u = lu[..., :k, :] * upper
        g_l, g_u = g[..., :, :k] * strict, g[..., :k, :] * upper
        low_k = xp.tri(k, k, -1, dtype=dtype)
        up_k = 1.0 - low_k
        if m == n:
            mid = (matrix_t(ell) @ g_l) * low_k + (g_u @ matrix_t(u)) * up_k
            ga = Solve.call(matrix_t(ell), _solve_right(matrix_t(u), mid))
        elif m < n:
            u1, u2, gu1, gu2 = u[..., :k], u[..., k:], g_u[..., :k], g_u[..., k:]
            mid = (matrix_t(ell) @ g_l - gu2 @ matrix_t(u2)) * low_k + (gu1 @ matrix_t(u1)) * up_k
            left = _solve_right(matrix_t(u1), mid)
            ga = Solve.call(matrix_t(ell), Cat.call(left, gu2, axis=lu_data.ndim - 1))
        else:
            l1, l2, gl1, gl2 = ell[..., :k, :], ell[..., k:, :], g_l[..., :k, :], g_l[..., k:, :]
            mid = (matrix_t(l1) @ gl1) * low_k + (g_u @ matrix_t(u) - matrix_t(l2) @ gl2) * up_k
            top = Solve.call(matrix_t(l1), _solve_right(matrix_t(u), mid))
            bottom = _solve_right(matrix_t(u), gl2)
            ga = Cat.call(top, bottom, axis=lu_data.ndim - 2)
        return (permutation_matrix(xp, pivots, m, dtype) @ ga,)
