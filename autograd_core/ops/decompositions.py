r"""Matrix decompositions and inverses as ops: ``inv``, ``solve``, ``slogdet`` and
``cholesky``, batched over leading axes, with VJPs written with ops so that second order works
(Giles 2008, "An extended collection of matrix derivative results for forward and reverse mode
algorithmic differentiation"; Murray 2016, "Differentiation of the Cholesky decomposition").
The public top-level names here are PyTorch's ``inverse``, ``det``, ``logdet`` and
``slogdet``; the rest is in ``autograd_core.linalg``."""

from __future__ import annotations

from typing import Any, NamedTuple

from autograd_core.errors import LinAlgError, ShapeError
from autograd_core.op import Op
from autograd_core.ops.binary import where
from autograd_core.ops.common import lift
from autograd_core.ops.shape import Permute
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = ["inverse", "det", "logdet", "slogdet"]


def matrix_t(x: Any) -> Any:
    """x (an array or a Tensor, at least 2-D) with its last two axes swapped."""
    nd = x.ndim
    return Permute.call(x, dims=(*range(nd - 2), nd - 1, nd - 2))


def check_square(name: str, a: Tensor) -> None:
    """Raise a ShapeError unless ``a`` is a (batch of) square matrices of a float dtype."""
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise ShapeError(
            f"{name}: needs square matrices in the last two dims; got shape {tuple(a.shape)}. "
            "Pass a tensor of shape (*, n, n)."
        )
    if a.dtype.kind != "f":
        raise ShapeError(
            f"{name}: needs a float tensor; got dtype {a.dtype}. Convert with .double() or "
            ".float()."
        )


@register_op("inv", save_output=True, array_vjp=True, saves_inputs=False)
class Inv(Op):
    r"""Y = A⁻¹ for each square matrix of the batch (``torch.linalg.inv``).

    VJP (Giles 2008, §2.2.3): Ā = −Yᵀ Ȳ Yᵀ. Saves the output Y only (the VJP never reads A).
    Undefined for singular A (the forward raises). Does not broadcast.
    """

    def forward(self, a: Any) -> Any:
        return self.xp.linalg.inv(a)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        yt = matrix_t(self.output_as(gy))
        return (-(yt @ gy @ yt),)


@register_op("solve", broadcasts=True, save_output=True, array_vjp=True)
class Solve(Op):
    r"""X = A⁻¹ B, the solution of A X = B, for A (*, n, n) and B (*, n, k) whose batch axes
    broadcast (``torch.linalg.solve`` with ``left=True``).

    VJP (Giles 2008, §2.3.1): B̄ = A⁻ᵀ X̄ (one more solve), Ā = −B̄ Xᵀ. Saves A and the output
    X. Undefined for singular A. Broadcasts over batch axes (the engine sums them back).
    """

    def forward(self, a: Any, b: Any) -> Any:
        xp = self.xp
        batch = xp.broadcast_shapes(a.shape[:-2], b.shape[:-2])
        a = xp.broadcast_to(a, batch + a.shape[-2:])
        b = xp.broadcast_to(b, batch + b.shape[-2:])
        return xp.linalg.solve(a, b)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        a, _ = self.inputs_as(gy)
        gb = Solve.call(matrix_t(a), gy)
        ga = -(gb @ matrix_t(self.output_as(gy))) if self.needs_input_grad[0] else None
        return ga, gb


@register_op("slogdet", save_output=True, array_vjp=True)
class Slogdet(Op):
    r"""(sign, logabsdet) with det A = sign · exp(logabsdet) for each square matrix
    (``torch.linalg.slogdet``).

    VJP (Giles 2008, §2.2.4): Ā = log|det A|‾ · A⁻ᵀ; the sign is piecewise constant and
    passes no gradient. Undefined for singular A (the inverse does not exist; the backward
    raises, where torch documents the gradient as undefined too). Saves A. Does not broadcast.
    """

    def forward(self, a: Any) -> tuple[Any, Any]:
        sign, logabs = self.xp.linalg.slogdet(a)
        return sign.astype(a.dtype, copy=False), logabs.astype(a.dtype, copy=False)

    def vjp(self, g_sign: Any, g_logabs: Any = None) -> tuple[Any, ...]:
        if g_logabs is None:
            return (None,)
        (a,) = self.inputs_as(g_logabs)
        return (g_logabs.reshape(g_logabs.shape + (1, 1)) * matrix_t(Inv.call(a)),)


def _cofactors(xp: Any, a: Any) -> Any:
    """The cofactor matrix cof(A) = adj(A)ᵀ of each square matrix (n ≥ 1), defined for singular
    A too: with A = U Σ Vh, cof(A) = det(U) det(Vh) · U diag(∏_{j≠i} σⱼ) Vh (Higham, "What Is
    the Adjugate of a Matrix?", 2020, from adj(XY) = adj(Y) adj(X))."""
    u, s, vh = xp.linalg.svd(a)
    ones = xp.ones(s.shape[:-1] + (1,), dtype=s.dtype)
    before = xp.cumprod(xp.concatenate([ones, s[..., :-1]], axis=-1), axis=-1)
    after = xp.cumprod(xp.concatenate([ones, s[..., :0:-1]], axis=-1), axis=-1)[..., ::-1]
    signs = xp.linalg.det(u) * xp.linalg.det(vh)
    return (signs[..., None, None] * (u * (before * after)[..., None, :])) @ vh


@register_op("det", save_output=True, array_vjp=True)
class Det(Op):
    r"""d = det A for each square matrix of the batch (``torch.linalg.det``; 1 for 0×0).

    VJP: Ā = d̄ · cof(A), the cofactor matrix. Where every matrix of the batch is invertible it
    is d · A⁻ᵀ (Giles 2008, §2.2.4), written with ops (this op and ``Inv``), so differentiable
    again. Where one has det = 0 (an exactly zero pivot) the whole batch's cofactors come from
    the SVD (``_cofactors``): finite, as torch's gradient there. That SVD is not recorded, so
    a recorded backward (``create_graph=True``) at a singular A raises rather than return a
    gradient whose own derivative would be 0 (torch documents its second derivative there as
    unsupported). Saves A and d. Does not broadcast.
    """

    def forward(self, a: Any) -> Any:
        return self.xp.linalg.det(a).astype(a.dtype, copy=False)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        (a,) = self.inputs_as(gy)
        shape = tuple(gy.shape) + (1, 1)
        xp = self.xp
        if a.shape[-1] and bool(xp.any(self.out == 0)):
            if isinstance(gy, Tensor):
                raise LinAlgError(
                    f"det: a matrix of the batch (shape {tuple(a.shape)}) is singular, where "
                    "det's gradient (the cofactor matrix) is computed but not differentiable "
                    "again here. Use create_graph=False, or move A off the singular set "
                    "(A + eps·I)."
                )
            (arr,) = (x.data for x in self.inputs)
            return (gy.reshape(shape) * _cofactors(xp, arr),)
        d = self.output_as(gy)
        return ((gy * d).reshape(shape) * matrix_t(Inv.call(a)),)


@register_op("cholesky", save_output=True, array_vjp=True, saves_inputs=False)
class Cholesky(Op):
    r"""L, the lower-triangular factor with A = L Lᵀ, for each symmetric positive-definite A
    (``torch.linalg.cholesky``; only A's lower triangle is read).

    VJP (Murray 2016, eq. 10): with Φ(X) = the lower triangle of X with its diagonal halved,
    S = L⁻ᵀ Φ(Lᵀ L̄) L⁻¹ and Ā = (S + Sᵀ)/2, the symmetric gradient torch returns. The two
    products with L⁻¹ are solves with Lᵀ, never an inverse (general solves: NumPy and CuPy
    have no batched triangular solve). Saves the output L only. Does not broadcast.
    """

    def forward(self, a: Any) -> Any:
        return self.xp.linalg.cholesky(a)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        ell = self.output_as(gy)
        xp = self.xp
        n = self.out.shape[-1]
        halve = xp.tril(xp.ones((n, n), self.out.dtype)) - 0.5 * xp.eye(n, dtype=self.out.dtype)
        phi = (matrix_t(ell) @ gy) * halve
        lt = matrix_t(ell)
        s = matrix_t(Solve.call(lt, matrix_t(Solve.call(lt, phi))))
        return ((s + matrix_t(s)) * 0.5,)


class SignLogAbsDet(NamedTuple):
    """What ``slogdet`` returns (PyTorch's ``torch.return_types.linalg_slogdet``)."""

    sign: Tensor
    logabsdet: Tensor


def inverse(a: Tensor) -> Tensor:
    """The inverse of each square matrix in the last two dims (``torch.inverse``, the same as
    ``ac.linalg.inv``). A singular matrix raises ``LinAlgError``.

    Example:
        >>> import autograd_core as ac
        >>> ac.inverse(ac.tensor([[2.0, 0.0], [0.0, 4.0]]))
        tensor([[0.5 , 0.  ],
                [0.  , 0.25]])
    """
    return invert("inverse", a)


def invert(name: str, a: Tensor) -> Tensor:
    """``inverse``'s work, with ``name`` (the public function: ``inverse``, ``linalg.inv``,
    ``linalg.matrix_power``) in its errors."""
    a = lift(a)
    check_square(name, a)
    try:
        return Inv.apply(a)
    except Exception as e:  # numpy.linalg.LinAlgError
        if type(e).__name__ != "LinAlgError":
            raise
        raise LinAlgError(
            f"{name}: the input is singular (not invertible); shape {tuple(a.shape)}. Use "
            "ac.linalg.pinv or regularise (A + eps·I)."
        ) from e


def slogdet(a: Tensor) -> SignLogAbsDet:
    """(sign, logabsdet) with det = sign · exp(logabsdet), for each square matrix
    (``torch.slogdet``); stable where det itself would over- or underflow.

    Example:
        >>> import autograd_core as ac
        >>> ac.slogdet(ac.tensor([[-2.0, 0.0], [0.0, 3.0]]))
        SignLogAbsDet(sign=tensor(-1.), logabsdet=tensor(1.7917595))
    """
    a = lift(a)
    check_square("slogdet", a)
    sign, logabs = Slogdet.apply(a)
    return SignLogAbsDet(sign, logabs)


def det(a: Tensor) -> Tensor:
    """The determinant of each square matrix (``torch.det``, ``torch.linalg.det``).

    Its gradient is the cofactor matrix (``Det``): det(A) · A⁻ᵀ for invertible A, and from the
    SVD, finite, for a singular one, as torch's.

    Example:
        >>> import autograd_core as ac
        >>> ac.det(ac.tensor([[1.0, 2.0], [3.0, 4.0]]))
        tensor(-2.)
    """
    a = lift(a)
    check_square("det", a)
    return Det.apply(a)


def logdet(a: Tensor) -> Tensor:
    """log det A for each square matrix (``torch.logdet``): NaN where det < 0 and −inf where
    det = 0, as torch. Its gradient is A⁻ᵀ where det > 0.

    Example:
        >>> import autograd_core as ac
        >>> ac.logdet(ac.tensor([[2.0, 0.0], [0.0, 3.0]]))
        tensor(1.7917595)
    """
    a = lift(a)
    check_square("logdet", a)
    sign, logabs = Slogdet.apply(a)
    return where(sign.data < 0, float("nan"), logabs)
