"""Method forms of functions at top level, in ``ac.linalg`` and ``ac.special``, and in
``nn.functional`` (``x.matrix_exp()``, ``x.qr()``, ``b.lu_solve(LU, pivots)``,
``x.hardshrink()`` ...), PyTorch's Tensor methods of those names; the legacy
ones (``qr(some)``, ``lu(get_infos)``, ``triangular_solve``) with PyTorch's legacy signatures.
``autograd_core/methods.py`` attaches ``FUNCTION_METHODS``."""

from __future__ import annotations

from typing import Any

from autograd_core import ops
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


def cholesky_solve(self: Tensor, input2: Tensor, upper: bool = False) -> Tensor:
    """``b.cholesky_solve(L)``: X with (L Lᴴ) X = b (``ac.cholesky_solve``)."""
    from autograd_core.linalg_ex import cholesky_solve as solve

    return solve(self, input2, upper)


def cholesky_inverse(self: Tensor, upper: bool = False) -> Tensor:
    """``L.cholesky_inverse()``: (L Lᴴ)⁻¹ (``ac.cholesky_inverse``)."""
    from autograd_core.linalg_ex import cholesky_inverse as inverse

    return inverse(self, upper)


def geqrf(self: Tensor) -> Any:
    """``a.geqrf()``: (a, tau), QR in LAPACK's compact form (``ac.geqrf``)."""
    from autograd_core.linalg_householder import geqrf as factor

    return factor(self)


def orgqr(self: Tensor, input2: Tensor) -> Tensor:
    """``a.orgqr(tau)``: Q from geqrf's reflectors (``ac.linalg.householder_product``)."""
    from autograd_core.linalg_householder import householder_product

    return householder_product(self, input2)


def ormqr(
    self: Tensor, input2: Tensor, input3: Tensor, left: bool = True, transpose: bool = False
) -> Tensor:
    """``a.ormqr(tau, c)``: Q C (Qᵀ C, C Q, C Qᵀ) from geqrf's reflectors (``ac.ormqr``)."""
    from autograd_core.linalg_householder import ormqr as apply

    return apply(self, input2, input3, left, transpose)


def _legacy(name: str) -> Any:
    """The method form of ``torch_numerics.<name>`` (PyTorch's legacy ``qr``, ``lu``,
    ``lu_solve``, ``triangular_solve``), self as the first argument."""

    def method(self: Tensor, *args: Any, **kwargs: Any) -> Any:
        from autograd_core import torch_numerics

        return getattr(torch_numerics, name)(self, *args, **kwargs)

    method.__name__ = name
    method.__doc__ = f"``x.{name}(...)`` is ``ac.{name}(x, ...)`` (see ``torch_numerics.py``)."
    return method


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
    "qr": _legacy("qr"),
    "lu": _legacy("lu"),
    "lu_solve": _legacy("lu_solve"),
    "cholesky_solve": cholesky_solve,
    "cholesky_inverse": cholesky_inverse,
    "geqrf": geqrf,
    "orgqr": orgqr,
    "ormqr": ormqr,
    "triangular_solve": _legacy("triangular_solve"),
    "hardshrink": hardshrink,
    "prelu": prelu,
}
