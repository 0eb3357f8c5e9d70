r"""The singular value and QR decompositions as ops: ``svd`` (A = U diag(S) Vᴴ, S descending)
and ``qr`` (A = Q R, R upper triangular), batched over leading axes, with VJPs written with ops
so that second order works (Townsend 2016, "Differentiating the singular value decomposition";
Walter & Lehmann 2018 and Liao et al. 2019, "Differentiable programming tensor networks", for
QR). The public functions are in ``autograd_core.linalg``."""

from __future__ import annotations

from typing import Any

from autograd_core.errors import BackwardError
from autograd_core.op import Op
from autograd_core.ops.binary import Where
from autograd_core.ops.decompositions import Solve, matrix_t
from autograd_core.ops.join import Cat
from autograd_core.registry import register_op

__all__: list[str] = []


def _col(v: Any) -> Any:
    """(*, k) → (*, k, 1): a vector that scales the rows of a matrix."""
    return v.reshape(v.shape + (1,))


def _row(v: Any) -> Any:
    """(*, k) → (*, 1, k): a vector that scales the columns of a matrix."""
    return v.reshape(v.shape[:-1] + (1, v.shape[-1]))


def _safe_reciprocal(x: Any, zero: Any) -> Any:
    """1/x where ``zero`` (a constant bool array) is False, 0 where it is True; written with two
    ``where`` so that neither the value nor its derivative divides by zero."""
    return Where.call(zero, 0.0, 1.0 / Where.call(zero, 1.0, x))


@register_op("svd", save_output=True, array_vjp=True, saves_inputs=False)
class Svd(Op):
    r"""(U, S, Vh) with A = U diag(S) Vh for each (m, n) matrix, S (k = min(m, n) values)
    descending, U (m, k) and Vh (k, n) orthonormal, or U (m, m) and Vh (n, n) with
    ``full_matrices`` (``torch.linalg.svd``).

    VJP (Townsend 2016, real case): with F_ij = 1/(s_j² − s_i²) off the diagonal (0 on it),
    J = F ∘ (UᵀŪ − ŪᵀU) and K = F ∘ (VᵀV̄ − V̄ᵀV),

        Ā = U (J S + diag(S̄) + S K) Vh + (I − UUᵀ) Ū S⁻¹ Vh + U S⁻¹ V̄ᵀ (I − VVᵀ).

    With ``full_matrices`` the columns of U and rows of Vh past k are any basis of their
    subspaces: their adjoints are ignored, as torch 2.13 ignores them (it does not raise). The
    singular vectors' signs are arbitrary, so only sign-invariant functions of them have a
    gradient; with repeated singular values F is undefined (torch gives inf/NaN). Here F and
    S⁻¹ are taken as 0 where a difference or a singular value is exactly 0 (where torch's is
    inf/NaN): the dropped directions of ``pinv`` then pass no NaN. Saves the outputs only.
    Does not broadcast.
    """

    def forward(self, a: Any, full_matrices: bool) -> tuple[Any, Any, Any]:
        u, s, vh = self.xp.linalg.svd(a, full_matrices=full_matrices)
        return u, s, vh

    def vjp(self, gu: Any, gs: Any = None, gvh: Any = None) -> tuple[Any, ...]:
        like = next(g for g in (gu, gs, gvh) if g is not None)
        u, s, vh = (self.output_as(like, i) for i in range(3))
        xp = self.xp
        s_data = self.out[1]
        m, n, k = self.out[0].shape[-2], self.out[2].shape[-1], s_data.shape[-1]
        if self.params["full_matrices"]:  # the adjoints of the extra basis vectors are dropped
            u, vh = u[..., :k], vh[..., :k, :]
            gu = None if gu is None else gu[..., :k]
            gvh = None if gvh is None else gvh[..., :k, :]
        if gu is None and gvh is None:
            return ((u * _row(gs)) @ vh,)
        s2 = s * s
        e = _row(s2) - _col(s2)  # E_ij = s_j² − s_i² (recorded: F depends on A too)
        f = _safe_reciprocal(e, _row(s_data) == _col(s_data))
        s_inv = _safe_reciprocal(s, s_data == 0)
        inner = 0.0 if gs is None else gs.reshape(gs.shape + (1,)) * xp.eye(k, dtype=s_data.dtype)
        extra = None
        if gu is not None:
            utg = matrix_t(u) @ gu
            inner = inner + (f * (utg - matrix_t(utg))) * _row(s)
            if m > k:
                extra = ((gu - u @ utg) * _row(s_inv)) @ vh
        if gvh is not None:
            vtg = vh @ matrix_t(gvh)  # Vᵀ V̄ with V = Vhᵀ
            inner = inner + _col(s) * (f * (vtg - matrix_t(vtg)))
            if n > k:
                right = u @ (_col(s_inv) * (gvh - matrix_t(vtg) @ vh))
                extra = right if extra is None else extra + right
        ga = u @ inner @ vh
        return (ga if extra is None else ga + extra,)


def _copyltu(xp: Any, m: Any, k: int, dtype: Any) -> Any:
    """The lower triangle of M copied onto its upper one: tril(M) + tril(M, −1)ᵀ."""
    lower = xp.tri(k, k, dtype=dtype)
    strict = xp.tri(k, k, -1, dtype=dtype)
    return m * lower + matrix_t(m * strict)


def _square_qr_vjp(xp: Any, q: Any, r: Any, gq: Any, gr: Any) -> Any:
    """Ā = (Q̄ + Q copyltu(M)) R⁻ᵀ with M = R R̄ᵀ − Q̄ᵀ Q, for A (m, n), m ≥ n; the product
    with R⁻ᵀ is a solve with R (Ā Rᵀ = B)."""
    k = r.shape[-1]
    if gq is None:
        mm = r @ matrix_t(gr)
    elif gr is None:
        mm = -(matrix_t(gq) @ q)
    else:
        mm = r @ matrix_t(gr) - matrix_t(gq) @ q
    b = q @ _copyltu(xp, mm, k, mm.dtype)
    if gq is not None:
        b = b + gq
    return matrix_t(Solve.call(r, matrix_t(b)))


@register_op("qr", save_output=True, array_vjp=True)
class Qr(Op):
    r"""(Q, R) with A = Q R for each (m, n) matrix, R upper triangular (``torch.linalg.qr``):
    ``mode='reduced'`` gives Q (m, k), R (k, n) with k = min(m, n); ``'complete'`` Q (m, m),
    R (m, n); ``'r'`` only R, with Q an empty (0,) array as torch returns.

    VJP for m ≥ n (Walter & Lehmann 2018): M = R R̄ᵀ − Q̄ᵀ Q, Ā = (Q̄ + Q copyltu(M)) R⁻ᵀ,
    copyltu(M) = tril(M) + tril(M, −1)ᵀ, R⁻ᵀ applied by a solve with R. For m < n (Liao et
    al. 2019), with A = [X | Y] and R = [U | V] split after column m: Ȳ = Q V̄ and X̄ is the
    square case with Q̄ + Y V̄ᵀ in place of Q̄. As torch, the backward raises for ``mode='r'``
    (no Q) and for ``'complete'`` with m > n (Q's last m − n columns are not determined by A).
    Undefined where A has not full rank (R is singular). Saves A (read when m < n) and the
    outputs. Does not broadcast.
    """

    def forward(self, a: Any, mode: str) -> tuple[Any, Any]:
        if mode == "r":
            return self.xp.empty((0,), dtype=a.dtype), self.xp.linalg.qr(a, mode="r")
        q, r = self.xp.linalg.qr(a, mode=mode)
        return q, r

    def vjp(self, gq: Any, gr: Any = None) -> tuple[Any, ...]:
        mode = self.params["mode"]
        n = self.out[1].shape[-1]
        if mode == "r":
            raise BackwardError(
                "linalg.qr: the derivative of linalg.qr depends on Q, which is not computed when "
                "mode='r' (as in torch). Use linalg.qr(A, mode='reduced') to differentiate."
            )
        m = self.out[0].shape[-2]
        if mode == "complete" and m > n:
            raise BackwardError(
                f"linalg.qr: the QR decomposition is not differentiable when mode='complete' and "
                f"nrows > ncols (here {m} > {n}), as in torch: Q's last columns are any basis. "
                "Use mode='reduced'."
            )
        like = gq if gq is not None else gr
        q, r = self.output_as(like, 0), self.output_as(like, 1)
        xp = self.xp
        if m >= n:
            return (_square_qr_vjp(xp, q, r, gq, gr),)
        (a,) = self.inputs_as(like)
        nd = self.out[1].ndim
        y = a[..., m:]
        gv = None if gr is None else gr[..., m:]
        gx_r = None if gr is None else gr[..., :m]
        gq2 = gq if gv is None else (y @ matrix_t(gv) if gq is None else gq + y @ matrix_t(gv))
        gx = _square_qr_vjp(xp, q, r[..., :m], gq2, gx_r)
        gy = q @ gv if gv is not None else xp.zeros(a.shape[:-1] + (n - m,), dtype=a.dtype)
        return (Cat.call(gx, gy, axis=nd - 1),)


def pinv_tolerance(xp: Any, a: Any, top: Any, atol: Any, rtol: Any) -> Any:
    """max(atol, rtol · top) per matrix, shape (*, 1), with ``top`` the largest singular value
    (or |eigenvalue|) as (*, 1) and torch's defaults: rtol = eps · max(m, n) unless rtol is
    given or atol > 0; ``atol`` and ``rtol`` are None, numbers or arrays of the batch shape."""
    if rtol is None:
        positive = atol is not None and bool(xp.all(xp.asarray(atol) > 0))
        rtol = 0.0 if positive else float(xp.finfo(a.dtype).eps) * max(a.shape[-2:])
    atol = xp.asarray(0.0 if atol is None else atol, dtype=a.dtype)[..., None]
    return xp.maximum(atol, xp.asarray(rtol, dtype=a.dtype)[..., None] * top)


@register_op("pinv", save_output=True, array_vjp=True)
class Pinv(Op):
    r"""X = A⁺ = V diag(σ⁺) Uᵀ for each (m, n) matrix, σ⁺ = 1/σ for σ > max(atol, rtol·σ₁)
    and 0 below (``torch.linalg.pinv``); with ``hermitian`` from the eigendecomposition of the
    lower triangle, thresholding |λ|.

    VJP (Golub & Pereyra 1973, the derivative of a constant-rank pseudo-inverse, as torch's):
    Ā = −Xᵀ X̄ Xᵀ + (I − A X) X̄ᵀ X Xᵀ + Xᵀ X X̄ᵀ (I − X A), matrix products of the saved input
    A and output X only, so the VJP is differentiable to any order (where the rank is
    constant; a rank change is a jump). The tolerances get no gradient. Saves A and X. Does
    not broadcast.
    """

    def forward(self, a: Any, atol: Any, rtol: Any, hermitian: bool) -> Any:
        xp = self.xp
        if hermitian:
            w, v = xp.linalg.eigh(a)
            absw = xp.abs(w)
            top = absw.max(axis=-1, keepdims=True) if w.shape[-1] else absw
            keep = absw > pinv_tolerance(xp, a, top, atol, rtol)
            w_plus = xp.where(keep, 1.0 / xp.where(keep, w, 1.0), 0.0).astype(a.dtype)
            return (v * w_plus[..., None, :]) @ xp.swapaxes(v, -1, -2)
        u, s, vh = xp.linalg.svd(a, full_matrices=False)
        keep = s > pinv_tolerance(xp, a, s[..., :1], atol, rtol)
        s_plus = xp.where(keep, 1.0 / xp.where(keep, s, 1.0), 0.0).astype(a.dtype)
        return xp.swapaxes((u * s_plus[..., None, :]) @ vh, -1, -2)

    def vjp(self, gx: Any) -> tuple[Any, ...]:
        (a,) = self.inputs_as(gx)
        x = self.output_as(gx)
        xt, gt = matrix_t(x), matrix_t(gx)
        left = gt @ x @ xt  # X̄ᵀ X Xᵀ
        right = xt @ x @ gt  # Xᵀ X X̄ᵀ
        ga = (left - a @ (x @ left)) + (right - (right @ x) @ a) - xt @ gx @ xt
        return (ga,)
