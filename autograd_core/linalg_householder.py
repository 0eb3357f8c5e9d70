"""QR in LAPACK's compact form: ``geqrf`` factors A into Householder reflectors, and
``linalg.householder_product`` (``orgqr``) and ``ormqr`` apply them, with PyTorch's names,
shapes and checks.

A reflector is H_i = I − τ_i v_i v_iᵀ, with v_i zero above row i, one at row i and A's column i
below it; Q = H_0 H_1 ⋯ H_{k−1}. ``householder_product`` and ``ormqr`` are compositions of
recorded ops (one rank-one update per reflector), so their gradients with respect to A and τ
are those of the formula, to any order: zero for the entries of A on and above the diagonal
and in the columns past k, which Q does not read (as torch's). ``geqrf`` is not
differentiable, as in torch: a backward through it raises.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from autograd_core.errors import BackwardError, DTypeError, ShapeError
from autograd_core.op import Op
from autograd_core.ops.common import const, lift
from autograd_core.ops.diagonals import tril
from autograd_core.ops.reduce import sum as reduce_sum
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = ["geqrf", "householder_product", "orgqr", "ormqr", "Geqrf"]


class GeqrfResult(NamedTuple):
    """What ``geqrf`` returns (PyTorch's ``torch.return_types.geqrf``)."""

    a: Tensor
    tau: Tensor


@register_op("geqrf", saves_inputs=False)
class Geqrf(Op):
    r"""(a, τ) of LAPACK's geqrf for each (m, n) matrix: R on and above a's diagonal, the
    reflectors' vectors v_i below it and their scales τ (k = min(m, n)), so that A = Q R with
    Q = householder_product(a, τ) (the first min(m, n) columns). NumPy's ``qr(mode='raw')``
    computes them (LAPACK's dgeqrf, as torch's; its h is the transpose). Not differentiable, as
    in torch: the VJP raises (``linalg.qr`` is differentiable)."""

    def forward(self, a: Any) -> tuple[Any, Any]:
        h, tau = self.xp.linalg.qr(a, mode="raw")
        return self.xp.ascontiguousarray(h.swapaxes(-1, -2)), tau

    def vjp(self, ga: Any, gtau: Any = None) -> tuple[Any, ...]:
        raise BackwardError(
            "geqrf: the derivative for 'geqrf' is not implemented (as in torch). Use "
            "linalg.qr(A), whose Q and R are differentiable."
        )


def _check_float(name: str, **tensors: Tensor) -> None:
    first, a = next(iter(tensors.items()))
    if a.dtype.kind != "f":
        raise DTypeError(
            f"{name}: {first} must be a float tensor; got {a.dtype}. Convert with .double()."
        )
    for label, t in tensors.items():
        if t.dtype != a.dtype:
            raise DTypeError(
                f"{name}: expected {first} and {label} to have the same dtype, but {first} has "
                f"dtype {a.dtype} and {label} has dtype {t.dtype}. Convert with "
                f".to({first}.dtype)."
            )


def _check_matrices(name: str, **tensors: Tensor) -> None:
    for label, t in tensors.items():
        if t.ndim < 2:
            raise ShapeError(
                f"{name}: {label} must have at least 2 dimensions; got shape {tuple(t.shape)}. "
                "Pass a (batch of) matrices (*, m, n)."
            )


def _check_batch(name: str, a: Tensor, tau: Tensor) -> None:
    if a.ndim - tau.ndim != 1:
        raise ShapeError(
            f"{name}: expected tau to have one dimension less than input, but got tau of shape "
            f"{tuple(tau.shape)} and input of shape {tuple(a.shape)}. Pass tau (*, k) for "
            "input (*, m, n)."
        )
    if tau.shape[:-1] != a.shape[:-2]:
        raise ShapeError(
            f"{name}: expected the batch dimensions of tau {tuple(tau.shape[:-1])} to equal "
            f"input.shape[:-2] {tuple(a.shape[:-2])} (they do not broadcast, as in torch)."
        )


def geqrf(input: Any) -> GeqrfResult:  # noqa: A002  (PyTorch's name)
    """The QR factorization of each (m, n) matrix in LAPACK's compact form (``torch.geqrf``):
    ``a`` holds R on and above its diagonal and the Householder vectors below it, ``tau`` (*,
    min(m, n)) their scales. ``householder_product(a, tau)`` rebuilds Q, ``ormqr`` applies it.
    Not differentiable (a backward through it raises, as torch's).

    Example:
        >>> import autograd_core as ac
        >>> a, tau = ac.geqrf(ac.tensor([[3.0, 1.0], [4.0, 2.0]]))
        >>> a, tau
        (tensor([[-5. , -2.2],
                [ 0.5,  0.4]]), tensor([1.6, 0. ]))
    """
    a = lift(input)
    _check_matrices("geqrf", input=a)
    _check_float("geqrf", input=a)
    return GeqrfResult(*Geqrf.apply(a))


def _reflect(a: Tensor, tau: Tensor, c: Tensor, left: bool, transpose: bool) -> Tensor:
    """C with the reflectors of (a, τ) applied: Q C, Qᵀ C, C Q or C Qᵀ. One rank-one update
    a reflector, H_i C = C − τ_i v_i (v_iᵀ C) (or C H_i = C − τ_i (C v_i) v_iᵀ), in the order
    the product asks: Q C = H_0 (H_1 (⋯ H_{k−1} C)) starts from the last reflector."""
    k = tau.shape[-1]
    if k == 0:  # (Q = I: C, still a function of a and τ, with zero gradients)
        zero = reduce_sum(a[..., :0], (-2, -1), keepdim=True)
        return c + zero + reduce_sum(tau, -1, keepdim=True)[..., None]
    m = a.shape[-2]
    eye = const(a.xp.eye(m, k, dtype=a.dtype))
    v = tril(a[..., :k], -1) + eye  # (*, m, k): v_i in column i
    steps = range(k) if left == transpose else range(k - 1, -1, -1)
    for i in steps:
        vi, ti = v[..., i : i + 1], tau[..., i, None, None]
        if left:
            c = c - (ti * vi) @ (vi.mT @ c)
        else:
            c = c - (c @ vi) @ (ti * vi).mT
    return c


def householder_product(A: Any, tau: Any) -> Tensor:  # noqa: N803  (PyTorch's name)
    """The first n columns of Q = H_0 H_1 ⋯ H_{k−1}, H_i = I − τ_i v_i v_iᵀ, from A (*, m, n)
    holding the vectors v_i below its diagonal (as ``geqrf`` returns them) and tau (*, k),
    m ≥ n ≥ k (``torch.linalg.householder_product``; ``orgqr``). Differentiable in A and τ.

    Example:
        >>> import autograd_core as ac
        >>> a, tau = ac.geqrf(ac.tensor([[3.0, 1.0], [4.0, 2.0]]))
        >>> ac.linalg.householder_product(a, tau)
        tensor([[-0.6, -0.8],
                [-0.8,  0.6]])
    """
    name = "linalg.householder_product"
    a, t = lift(A), lift(tau)
    _check_matrices(name, input=a)
    m, n = a.shape[-2:]
    if m < n:
        raise ShapeError(
            f"{name}: input.shape[-2] must be greater than or equal to input.shape[-1]; got "
            f"input of shape {tuple(a.shape)}. Pass the tall (m ≥ n) matrix geqrf returns."
        )
    if t.ndim and n < t.shape[-1]:
        raise ShapeError(
            f"{name}: input.shape[-1] must be greater than or equal to tau.shape[-1]; got "
            f"input {tuple(a.shape)} and tau {tuple(t.shape)}. Pass at most n scales."
        )
    _check_batch(name, a, t)
    _check_float(name, input=a, tau=t)
    return _reflect(a, t, const(a.xp.eye(m, n, dtype=a.dtype)), True, False)


def orgqr(input: Any, tau: Any) -> Tensor:  # noqa: A002  (PyTorch's name)
    """``torch.orgqr``: ``linalg.householder_product(input, tau)``."""
    return householder_product(input, tau)


def ormqr(input: Any, tau: Any, other: Any, left: bool = True, transpose: bool = False) -> Tensor:  # noqa: A002
    """Q C, Qᵀ C (``transpose``), C Q or C Qᵀ (``left=False``) for C = ``other`` (*, m, n) and
    the mn × mn matrix Q = H_0 ⋯ H_{k−1} of the reflectors in ``input`` (*, mn, k′), ``tau``
    (*, k), k = min(mn, k′), mn = m when ``left`` else n (``torch.ormqr``). Q is never formed:
    each reflector is applied as a rank-one update. Differentiable in all three.

    Example:
        >>> import autograd_core as ac
        >>> a, tau = ac.geqrf(ac.tensor([[3.0, 1.0], [4.0, 2.0]]))
        >>> ac.ormqr(a, tau, ac.eye(2), transpose=True)  # Qᵀ
        tensor([[-0.6, -0.8],
                [-0.8,  0.6]])
    """
    name = "ormqr"
    a, t, c = lift(input), lift(tau), lift(other)
    _check_matrices(name, input=a, other=c)
    axis = -2 if left else -1
    if c.shape[axis] != a.shape[-2]:
        raise ShapeError(
            f"{name}: other.shape[{axis}] must be equal to input.shape[-2]; got other "
            f"{tuple(c.shape)} and input {tuple(a.shape)} (left={bool(left)})."
        )
    if t.ndim == 0 or t.shape[-1] != min(c.shape[axis], a.shape[-1]):
        raise ShapeError(
            f"{name}: tau.shape[-1] must be equal to min(other.shape[{axis}], input.shape[-1]); "
            f"got tau {tuple(t.shape)}, other {tuple(c.shape)}, input {tuple(a.shape)}."
        )
    _check_batch(name, a, t)
    if c.ndim != a.ndim or c.shape[:-2] != a.shape[:-2]:
        raise ShapeError(
            f"{name}: expected other {tuple(c.shape)} to have input's batch dimensions "
            f"{tuple(a.shape[:-2])} (they do not broadcast, as in torch)."
        )
    _check_float(name, input=a, tau=t, other=c)
    return _reflect(a, t, c, bool(left), bool(transpose))
