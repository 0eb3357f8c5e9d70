"""``ac.linalg``'s least squares and rank names, as ``torch.linalg``: ``lstsq``, ``matrix_rank``
and ``cond``. Compositions of recorded ops (``pinv``, ``svdvals``, ``inv``, the norms), so their
gradients are those ops'.

``lstsq``'s solution is A⁺ B (the minimum-norm least-squares solution, the pseudo-inverse
cutting singular values below rcond · σ₁), which is what torch's drivers compute for
full-rank A and what ``gelsy``/``gelsd``/``gelss`` compute for rank-deficient A too; its
gradient is the pseudo-inverse's (as torch's backward, which also goes through ``pinv``). The
other outputs follow the driver as torch's CPU does: ``gelsy`` (the default) gives empty
residuals and singular values and the rank; ``gelsd``/``gelss`` the singular values, the rank and,
where m > n and the rank is n, the residuals Σ (A X − B)² per column; ``gels`` the residuals where
m > n and empty rank and singular values. Deliberate difference: ``gels`` on a rank-deficient A
gives the minimum-norm solution here (torch's is undefined there)."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy

from autograd_core.device import get_array_module
from autograd_core.errors import DTypeError, ShapeError
from autograd_core.linalg_decomp import check_matrix, pinv, svdvals
from autograd_core.linalg_ex import inv_ex
from autograd_core.linalg_norms import matrix_norm
from autograd_core.ops.binary import where
from autograd_core.ops.common import const, lift
from autograd_core.ops.decompositions import check_square
from autograd_core.ops.decompositions_svd import pinv_tolerance
from autograd_core.ops.reduce import sum as reduce_sum
from autograd_core.tensor import Tensor

__all__ = ["lstsq", "matrix_rank", "cond"]

_DRIVERS = ("gels", "gelsy", "gelsd", "gelss")


class LstsqResult(NamedTuple):
    """What ``lstsq`` returns (``torch.return_types.linalg_lstsq``)."""

    solution: Tensor
    residuals: Tensor
    rank: Tensor
    singular_values: Tensor


def _rank_array(xp: Any, a: Any, atol: Any, rtol: Any, hermitian: bool) -> Any:
    """The number of singular values (|eigenvalues| with ``hermitian``) above
    max(atol, rtol · σ₁), int64, per matrix; torch's default tolerances (``pinv_tolerance``)."""
    if hermitian:
        s = xp.sort(xp.abs(xp.linalg.eigvalsh(a)), axis=-1)[..., ::-1]
    else:
        s = xp.linalg.svd(a, compute_uv=False)
    if s.shape[-1] == 0:
        return xp.zeros(s.shape[:-1], dtype=xp.int64)
    return (s > pinv_tolerance(xp, a, s[..., :1], atol, rtol)).sum(axis=-1).astype(xp.int64)


def matrix_rank(
    A: Any,  # noqa: N803  (torch's name)
    *,
    atol: Any = None,
    rtol: Any = None,
    hermitian: bool = False,
) -> Tensor:
    """The numerical rank of each (m, n) matrix (``torch.linalg.matrix_rank``): the number of
    singular values σ > max(atol, rtol · σ₁), with rtol = eps · max(m, n) by default and 0 when
    only atol > 0 is given (as torch); ``hermitian=True`` counts |eigenvalues| of the lower
    triangle's symmetric matrix. int64, no gradient.

    Example:
        >>> import autograd_core as ac
        >>> ac.linalg.matrix_rank(ac.tensor([[1.0, 2.0], [2.0, 4.0]]))
        tensor(1)
    """
    a = lift(A)
    check_matrix("linalg.matrix_rank", a)
    if hermitian:
        check_square("linalg.matrix_rank", a)
    xp = get_array_module(a.data)
    atol = atol.data if isinstance(atol, Tensor) else atol
    rtol = rtol.data if isinstance(rtol, Tensor) else rtol
    return const(_rank_array(xp, a.data, atol, rtol, bool(hermitian)))


def lstsq(
    A: Any,  # noqa: N803  (torch's names)
    B: Any,  # noqa: N803
    rcond: float | None = None,
    *,
    driver: str | None = None,
) -> LstsqResult:
    """The least-squares solution X = argmin ‖A X − B‖ (minimum norm) for A (*, m, n) and B
    (*, m, k), or B (*, m) with one dim fewer than A (``torch.linalg.lstsq``): (solution,
    residuals, rank, singular_values) as torch's CPU drivers return them (module docstring).
    ``rcond``: singular values below rcond · σ₁ count as zero (default eps · max(m, n)).

    Raises:
        ShapeError: ranks or sizes that do not fit.
        DTypeError: A and B of different dtypes.
        ValueError: an unknown driver.

    Example:
        >>> import autograd_core as ac
        >>> a = ac.tensor([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
        >>> ac.linalg.lstsq(a, ac.tensor([[1.0], [2.0], [3.0]])).solution
        tensor([[1.],
                [2.]])
    """
    name = "linalg.lstsq"
    a = lift(A)
    b = lift(B, a)
    check_matrix(name, a)
    if driver is not None and driver not in _DRIVERS:
        raise ValueError(
            f"{name}: parameter `driver` should be one of (gels, gelsy, gelsd, gelss); got "
            f"{driver!r}."
        )
    if not (0 <= a.ndim - b.ndim <= 1) or b.ndim < 1:
        raise ShapeError(
            f"{name}: B must have as many dims as A (*, m, k) or one fewer (*, m); got A "
            f"{tuple(a.shape)} and B {tuple(b.shape)}."
        )
    vector = b.ndim == a.ndim - 1
    bm = b.unsqueeze(-1) if vector else b
    if bm.shape[-2] != a.shape[-2]:
        raise ShapeError(
            f"{name}: A's rows and B's must match (A.size(-2) == B.size(-2)); got A "
            f"{tuple(a.shape)} and B {tuple(b.shape)}."
        )
    if a.dtype != b.dtype:
        raise DTypeError(
            f"{name}: expected A and B to have the same dtype, but got {a.dtype} and "
            f"{b.dtype}. Convert B with .to(A.dtype)."
        )
    xp = get_array_module(a.data)
    m, n = a.shape[-2:]
    rtol = None if rcond is None else rcond
    x = pinv(a, rtol=rtol) @ bm
    driver = driver or "gelsy"
    empty = const(xp.zeros((0,), dtype=a.dtype))
    rank = const(xp.zeros((0,), dtype=xp.int64))
    svals = empty
    if driver != "gels":
        rank = const(_rank_array(xp, a.data, None, rtol, False))
    if driver in ("gelsd", "gelss"):
        svals = const(xp.linalg.svd(a.data, compute_uv=False))
    residuals = x.reshape(-1)[:0]  # empty, differentiable as torch's
    full = driver == "gels" or bool(xp.all(rank.data == n))
    if driver != "gelsy" and m > n and full:
        r = a @ x - bm
        residuals = reduce_sum(r * r, -2)
    return LstsqResult(x.squeeze(-1) if vector else x, residuals, rank, svals)


_INV_NORMS = ("fro", float("inf"), float("-inf"), 1, -1)


def cond(A: Any, p: Any = None) -> Tensor:  # noqa: N803  (torch's name)
    """The condition number of each matrix in the norm ``p`` (``torch.linalg.cond``): p in
    (None, 2) σ₁/σₙ and -2 σₙ/σ₁ from the singular values (any (m, n) matrix); 'nuc' Σσ · Σ1/σ;
    'fro', inf, -inf, 1, -1 ‖A‖ₚ ‖A⁻¹‖ₚ (square matrices), inf where A is singular (as torch).
    Differentiable in every norm (torch's backward fails for the inverse-based norms).

    Example:
        >>> import autograd_core as ac
        >>> ac.linalg.cond(ac.tensor([[2.0, 0.0], [0.0, 0.5]]))
        tensor(4.)
    """
    name = "linalg.cond"
    a = lift(A)
    check_matrix(name, a)
    if p not in (None, 2, -2, "nuc") and p not in _INV_NORMS:
        raise ValueError(
            f"{name}: got an invalid norm type {p!r}; use None, 2, -2, 'fro', 'nuc', inf, -inf, "
            "1 or -1."
        )
    if p not in (None, 2, -2):
        check_square(f"{name}(ord={p})", a)
    xp = get_array_module(a.data)
    if min(a.shape[-2:]) == 0:  # torch: 0 for empty matrices
        return const(xp.zeros(a.shape[:-2], dtype=a.dtype))
    if p in (None, 2, -2, "nuc"):
        s = svdvals(a)
        with numpy.errstate(divide="ignore", invalid="ignore"):
            if p == "nuc":
                return reduce_sum(s, -1) * reduce_sum(1 / s, -1)
            if p == -2:
                return s[..., -1] / s[..., 0]
            return s[..., 0] / s[..., -1]
    inverse, info = inv_ex(a)
    singular = info.data != 0
    safe = where(singular[..., None, None], 0.0, inverse)
    value = matrix_norm(a, p) * matrix_norm(safe, p)
    return where(singular, float("inf"), value)
