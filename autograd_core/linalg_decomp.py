"""``ac.linalg`` names built on the SVD, QR and matrix-exponential ops: ``svd``, ``svdvals``,
``qr``, ``pinv`` and ``matrix_exp``, with PyTorch's semantics (batched over leading dims,
float32/float64)."""

from __future__ import annotations

from typing import Any, NamedTuple

from autograd_core.errors import ShapeError
from autograd_core.ops.common import lift
from autograd_core.ops.decompositions import check_square
from autograd_core.ops.decompositions_svd import Pinv, Qr, Svd
from autograd_core.ops.matrix_exp import MatrixExp
from autograd_core.tensor import Tensor

__all__ = ["svd", "svdvals", "qr", "pinv", "matrix_exp", "check_matrix"]


def check_matrix(name: str, a: Tensor) -> None:
    """Raise a ShapeError unless ``a`` is a (batch of) matrices of a float dtype."""
    if a.ndim < 2:
        raise ShapeError(
            f"{name}: the input tensor A must have at least 2 dimensions; got shape "
            f"{tuple(a.shape)}. Pass a tensor of shape (*, m, n) (for a vector, v.unsqueeze(0))."
        )
    if a.dtype.kind != "f":
        raise ShapeError(
            f"{name}: needs a float tensor; got dtype {a.dtype}. Convert with .double() or "
            ".float()."
        )


class SingularValueDecomposition(NamedTuple):
    """What ``svd`` returns (PyTorch's ``torch.return_types.linalg_svd``)."""

    U: Tensor  # noqa: N815  (torch's field names)
    S: Tensor  # noqa: N815
    Vh: Tensor  # noqa: N815


class QRDecomposition(NamedTuple):
    """What ``qr`` returns (PyTorch's ``torch.return_types.linalg_qr``)."""

    Q: Tensor  # noqa: N815  (torch's field names)
    R: Tensor  # noqa: N815


def svd(a: Tensor, full_matrices: bool = True) -> SingularValueDecomposition:
    """A = U diag(S) Vh for each (m, n) matrix, S (k = min(m, n)) descending, U and Vh with
    orthonormal columns and rows (``torch.linalg.svd``): U (m, m) and Vh (n, n) with
    ``full_matrices=True`` (the default, as torch), else U (m, k) and Vh (k, n).

    The gradient (``Svd``) is defined where the singular values are distinct and nonzero, for
    functions that do not depend on the singular vectors' signs, as torch documents. With
    ``full_matrices=True`` and m ≠ n the adjoints of U's columns and Vh's rows past k are
    ignored (they span any basis of their subspace), as torch 2.13 does.

    Example:
        >>> import autograd_core as ac
        >>> ac.linalg.svd(ac.tensor([[3.0, 0.0], [0.0, -4.0]])).S
        tensor([4., 3.])
    """
    a = lift(a)
    check_matrix("linalg.svd", a)
    u, s, vh = Svd.apply(a, full_matrices=bool(full_matrices))
    return SingularValueDecomposition(u, s, vh)


def svdvals(a: Tensor) -> Tensor:
    """The singular values (descending) of each (m, n) matrix (``torch.linalg.svdvals``); the
    gradient is U diag(S̄) Vh (defined for any A, as torch's).

    Example:
        >>> import autograd_core as ac
        >>> ac.linalg.svdvals(ac.tensor([[0.0, 2.0], [1.0, 0.0]]))
        tensor([2., 1.])
    """
    a = lift(a)
    check_matrix("linalg.svdvals", a)
    return Svd.apply(a, full_matrices=False)[1]


_QR_MODES = ("reduced", "complete", "r")


def qr(a: Tensor, mode: str = "reduced") -> QRDecomposition:
    """A = Q R for each (m, n) matrix, Q with orthonormal columns and R upper triangular
    (``torch.linalg.qr``; LAPACK's Householder signs, so R's diagonal may be negative).
    ``mode='reduced'``: Q (m, k), R (k, n), k = min(m, n); ``'complete'``: Q (m, m), R (m, n);
    ``'r'``: R only, Q an empty tensor.

    As torch, the backward raises for ``mode='r'`` and for ``'complete'`` with m > n; see
    ``Qr`` for the gradient, defined where A has full rank.

    Example:
        >>> import autograd_core as ac
        >>> ac.linalg.qr(ac.tensor([[2.0, 1.0], [0.0, 3.0]])).R.abs()
        tensor([[2., 1.],
                [0., 3.]])
    """
    a = lift(a)
    if mode not in _QR_MODES:
        raise ValueError(
            f"linalg.qr: unrecognized mode {mode!r}; expected one of 'reduced' (default), 'r' "
            "or 'complete'."
        )
    check_matrix("linalg.qr", a)
    q, r = Qr.apply(a, mode=mode)
    return QRDecomposition(q, r)


def pinv(a: Tensor, *, atol: Any = None, rtol: Any = None, hermitian: bool = False) -> Tensor:
    """The Moore–Penrose pseudo-inverse A⁺ = V diag(σ⁺) Uᵀ of each (m, n) matrix, σ⁺ = 1/σ for
    the singular values σ > max(atol, rtol · σ₁) and 0 for the rest (``torch.linalg.pinv``;
    rtol = eps · max(m, n) by default, 0 when only atol > 0 is given; both may be numbers or
    tensors broadcasting with the batch shape). ``hermitian=True`` reads only the lower
    triangle of symmetric A and uses A = Q diag(λ) Qᵀ, A⁺ = Q diag(λ⁺) Qᵀ, thresholding |λ|.

    Its value comes from the SVD (or ``eigh``); its gradient is the closed form of a
    constant-rank pseudo-inverse (``Pinv``, as torch's), defined also at repeated or zero
    singular values and differentiable to any order where the rank does not change. (A
    composite through ``svd`` would have the SVD's undefined gradient at the repeated zero
    singular values of every rank-deficient A, and second derivatives that blow up there.)
    The tolerances get no gradient.

    Example:
        >>> import autograd_core as ac
        >>> ac.linalg.pinv(ac.tensor([[2.0, 0.0], [0.0, 0.0]]))
        tensor([[0.5, 0. ],
                [0. , 0. ]])
    """
    a = lift(a)
    check_matrix("linalg.pinv", a)
    if hermitian:
        check_square("linalg.pinv", a)
    atol = atol.data if isinstance(atol, Tensor) else atol
    rtol = rtol.data if isinstance(rtol, Tensor) else rtol
    return Pinv.apply(a, atol=atol, rtol=rtol, hermitian=bool(hermitian))


def matrix_exp(a: Tensor) -> Tensor:
    """exp(A) = Σₖ Aᵏ/k! for each square matrix (``torch.linalg.matrix_exp``), by scaling and
    squaring with a [13/13] Padé approximant; differentiable to any order (``MatrixExp``).

    Example:
        >>> import autograd_core as ac
        >>> ac.linalg.matrix_exp(ac.tensor([[0.0, 1.0], [0.0, 0.0]]))
        tensor([[1., 1.],
                [0., 1.]])
    """
    a = lift(a)
    check_square("linalg.matrix_exp", a)
    return MatrixExp.apply(a)
