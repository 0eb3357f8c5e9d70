"""PyTorch's older top-level linear-algebra names, kept for scripts that use them:
``chain_matmul`` (deprecated for ``linalg.multi_dot``), ``svd`` (returning V, not Vh) and
``cholesky`` (deprecated for ``linalg.cholesky``). Each is the ``ac.linalg`` function with the old
signature and result; the two that PyTorch 2.13 deprecates with a UserWarning warn the same way.
``ac.linalg.svd`` and ``ac.linalg.cholesky`` are unchanged (these are other names)."""

from __future__ import annotations

import warnings
from typing import NamedTuple

from autograd_core.creation import zeros
from autograd_core.errors import ShapeError
from autograd_core.linalg import cholesky_factor
from autograd_core.linalg_decomp import check_matrix, svdvals
from autograd_core.linalg_decomp import svd as linalg_svd
from autograd_core.linalg_products import check_one_dtype, multi_dot
from autograd_core.ops.common import lift, write_out
from autograd_core.ops.copying import clone
from autograd_core.ops.decompositions import matrix_t
from autograd_core.tensor import Tensor

__all__ = ["chain_matmul", "svd", "cholesky", "SVD", "METHODS"]

# the legacy functions that are also Tensor methods in PyTorch (x.svd(), x.cholesky())
METHODS = ("svd", "cholesky")


class SVD(NamedTuple):
    """What the legacy ``svd`` returns (PyTorch's ``torch.return_types.svd``): A = U diag(S) Vᵀ,
    V itself (where ``linalg.svd`` returns Vh = Vᵀ)."""

    U: Tensor  # noqa: N815  (torch's field names)
    S: Tensor  # noqa: N815
    V: Tensor  # noqa: N815


def chain_matmul(*matrices: Tensor, out: Tensor | None = None) -> Tensor:
    """The product of N 2-D matrices in the cheapest order (``torch.chain_matmul``, which
    PyTorch deprecates: this warns as it does, with a UserWarning); ``linalg.multi_dot`` for two
    or more, a copy of the matrix for one. Unlike multi_dot, no operand may be 1-D, and all
    must have one dtype (as PyTorch). ``out``, as PyTorch's ``out=``.

    Raises:
        ShapeError: no matrices, one that is not 2-D, or inner sizes that differ.
        DTypeError: matrices of different dtypes.

    Example:
        >>> import autograd_core as ac
        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     ac.chain_matmul(ac.ones(2, 3), ac.ones(3, 4), ac.ones(4, 1))
        tensor([[12.],
                [12.]])
    """
    warnings.warn(
        "chain_matmul is deprecated (as torch.chain_matmul) and may be removed. Use "
        "ac.linalg.multi_dot instead, which accepts a list of two or more tensors rather than "
        "multiple arguments.",
        UserWarning,
        stacklevel=2,
    )
    ms = [lift(m) for m in matrices]
    if not ms:
        raise ShapeError("chain_matmul: expected one or more matrices, got none.")
    for i, m in enumerate(ms):
        if m.ndim != 2:
            raise ShapeError(
                f"chain_matmul: matrix {i} has shape {tuple(m.shape)}; every operand must be "
                "2-D. Use ac.linalg.multi_dot for a vector at either end, or ac.matmul for "
                "batches."
            )
    check_one_dtype("chain_matmul", ms, "matrices")
    result = clone(ms[0]) if len(ms) == 1 else multi_dot(ms)
    return write_out("chain_matmul", result, out)


def svd(input: Tensor, some: bool = True, compute_uv: bool = True) -> SVD:  # noqa: A002
    """The legacy SVD (``torch.svd``): A = U diag(S) Vᵀ for each (m, n) matrix, returned as
    (U, S, V), V and not Vh. ``some=True`` gives the reduced factors U (m, k), V (n, k),
    k = min(m, n); ``some=False`` the full U (m, m), V (n, n). With ``compute_uv=False`` only S
    is computed, and U and V are zero matrices (m, m) and (n, n), as PyTorch's (``some`` is then
    ignored). PyTorch 2.13 does not warn for it; neither does this.

    Gradients are ``linalg.svd``'s (``linalg.svdvals``' with ``compute_uv=False``); with
    ``some=False`` the columns of U and V past k get none, as in PyTorch.

    Raises:
        ShapeError: fewer than 2 dimensions, or a non-floating dtype.

    Example:
        >>> import autograd_core as ac
        >>> U, S, V = ac.svd(ac.tensor([[3.0, 0.0], [0.0, -4.0]]))
        >>> S, (U @ ac.diag(S) @ V.mT)
        (tensor([4., 3.]), tensor([[ 3.,  0.],
                [ 0., -4.]]))
    """
    a = lift(input)
    check_matrix("svd", a)
    if not compute_uv:
        m, n = a.shape[-2:]
        batch = tuple(a.shape[:-2])
        u = zeros(batch + (m, m), dtype=a.dtype, device=a.device)
        v = zeros(batch + (n, n), dtype=a.dtype, device=a.device)
        return SVD(u, svdvals(a), v)
    u, s, vh = linalg_svd(a, full_matrices=not some)
    return SVD(u, s, matrix_t(vh))


def cholesky(input: Tensor, upper: bool = False) -> Tensor:  # noqa: A002
    """The legacy Cholesky factor (``torch.cholesky``, which PyTorch deprecates: this warns as
    it does, with a UserWarning): ``linalg.cholesky(A)``, or its transpose U with A = Uᵀ U for
    ``upper=True``. ``upper`` may be passed positionally, as in PyTorch.

    Raises:
        ShapeError: not a (batch of) square float matrices.
        LinAlgError: a matrix that is not positive definite.

    Example:
        >>> import autograd_core as ac
        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     ac.cholesky(ac.tensor([[4.0, 2.0], [2.0, 5.0]]), upper=True)
        tensor([[2., 1.],
                [0., 2.]])
    """
    warnings.warn(
        "cholesky is deprecated (as torch.cholesky) in favour of ac.linalg.cholesky and may be "
        "removed. L = ac.cholesky(A) should be replaced with L = ac.linalg.cholesky(A), and "
        "U = ac.cholesky(A, upper=True) with U = ac.linalg.cholesky(A).mT.",
        UserWarning,
        stacklevel=2,
    )
    return cholesky_factor("cholesky", input, bool(upper))
