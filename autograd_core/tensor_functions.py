"""Method forms of functions at top level, in ``ac.linalg`` and ``ac.special``, and in
``nn.functional`` (``x.matrix_exp()``, ``x.qr()``, ``b.lu_solve(LU, pivots)``,
``x.hardshrink()`` ...), PyTorch's Tensor methods of those names; the legacy
ones (``qr(some)``, ``lu(get_infos)``, ``triangular_solve``) with PyTorch's legacy signatures.
``autograd_core/methods.py`` attaches ``FUNCTION_METHODS``."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy

from autograd_core import creation, ops
from autograd_core.tensor import Tensor

__all__ = ["FUNCTION_METHODS"]


def _linalg(name: str) -> Any:
    from autograd_core import linalg

    return getattr(linalg, name)


def matrix_exp(self: Tensor) -> Tensor:
    """``ac.matrix_exp(x)``: the matrix exponential of a (batch of) square matrices."""
    return _linalg("matrix_exp")(self)


def matrix_power(self: Tensor, n: int) -> Tensor:
    """``ac.matrix_power(x, n)``."""
    return _linalg("matrix_power")(self, n)


def pinverse(self: Tensor, rcond: float = 1e-15) -> Tensor:
    """``ac.pinverse(x, rcond)``: ``linalg.pinv`` with singular values below rcond · σ_max cut."""
    return _linalg("pinv")(self, rtol=rcond)


class _QR(NamedTuple):
    Q: Tensor
    R: Tensor


def qr(self: Tensor, some: bool = True) -> _QR:
    """``(Q, R)``, PyTorch's legacy ``qr``: ``linalg.qr`` in mode 'reduced' (``some``) or
    'complete'."""
    q, r = _linalg("qr")(self, mode="reduced" if some else "complete")
    return _QR(q, r)


def lu(self: Tensor, pivot: bool = True, get_infos: bool = False) -> tuple:
    """``(LU, pivots)`` of ``linalg.lu_factor`` (PyTorch's legacy ``Tensor.lu``); with
    ``get_infos``, also the int32 zeros of the batch shape (this LU raises on a singular
    matrix instead of reporting it)."""
    lu_, piv = _linalg("lu_factor")(self, pivot=pivot)
    if not get_infos:
        return lu_, piv
    infos = creation.zeros(*self.shape[:-2], dtype=numpy.int32, device=self.device)
    return lu_, piv, infos


def lu_solve(self: Tensor, LU_data: Tensor, LU_pivots: Tensor) -> Tensor:  # noqa: N803
    """``b.lu_solve(LU, pivots)``: X with A X = b, A given by ``lu`` (``linalg.lu_solve``)."""
    return _linalg("lu_solve")(LU_data, LU_pivots, self)


def cholesky_solve(self: Tensor, input2: Tensor, upper: bool = False) -> Tensor:
    """``b.cholesky_solve(L)``: X with (L Lᴴ) X = b (``ac.cholesky_solve``)."""
    from autograd_core.linalg_ex import cholesky_solve as solve

    return solve(self, input2, upper)


def cholesky_inverse(self: Tensor, upper: bool = False) -> Tensor:
    """``L.cholesky_inverse()``: (L Lᴴ)⁻¹ (``ac.cholesky_inverse``)."""
    from autograd_core.linalg_ex import cholesky_inverse as inverse

    return inverse(self, upper)


class _Triangular(NamedTuple):
    solution: Tensor
    cloned_coefficient: Tensor


def triangular_solve(
    self: Tensor,
    A: Tensor,
    upper: bool = True,
    transpose: bool = False,
    unitriangular: bool = False,
) -> _Triangular:  # noqa: N803
    """``b.triangular_solve(A)``: (X, A's copy) with A X = b, or Aᵀ X = b with ``transpose``
    (PyTorch's legacy method; ``linalg.solve_triangular``)."""
    a = A.mT if transpose else A
    x = _linalg("solve_triangular")(a, self, upper=upper != transpose, unitriangular=unitriangular)
    return _Triangular(x, ops.clone(A))


def hardshrink(self: Tensor, lambd: float = 0.5) -> Tensor:
    """x where |x| > lambd, else 0 (``F.hardshrink``)."""
    return ops.activation_more.hardshrink(self, lambd)


def prelu(self: Tensor, weight: Tensor) -> Tensor:
    """max(0, x) + weight · min(0, x), one slope per channel (axis 1) or one in all
    (``F.prelu``)."""
    import nn.functional as F  # noqa: N812  (nn imports autograd_core: imported on use)

    return F.prelu(self, weight)


FUNCTION_METHODS: dict[str, Any] = {
    "matrix_exp": matrix_exp,
    "matrix_power": matrix_power,
    "pinverse": pinverse,
    "qr": qr,
    "lu": lu,
    "lu_solve": lu_solve,
    "cholesky_solve": cholesky_solve,
    "cholesky_inverse": cholesky_inverse,
    "triangular_solve": triangular_solve,
    "hardshrink": hardshrink,
    "prelu": prelu,
}
