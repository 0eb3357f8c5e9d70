r"""The symmetric eigendecomposition as an op: ``eigh`` (eigenvalues ascending, orthonormal
eigenvectors in the columns), batched over leading axes, with a VJP written with ops so that
second order works (Giles 2008, §3.1; Seeger et al. 2017, "Auto-differentiating linear algebra",
as torch's ``linalg_eig_backward`` for Hermitian input)."""

from __future__ import annotations

from typing import Any

from autograd_core.op import Op
from autograd_core.ops.decompositions import matrix_t
from autograd_core.registry import register_op

__all__: list[str] = []


@register_op("eigh", save_output=True, array_vjp=True, saves_inputs=False)
class Eigh(Op):
    r"""(w, V) with A = V diag(w) Vᵀ for each symmetric A, w ascending
    (``torch.linalg.eigh``; only the ``UPLO`` triangle of A is read).

    VJP: with E_ij = w_j − w_i and F = 1/E off the diagonal (0 on it),
    Ā = V (diag(w̄) + F ∘ (Vᵀ V̄ − V̄ᵀ V)/2) Vᵀ, a symmetric matrix as torch's. The eigenvectors'
    sign is arbitrary, so only sign-invariant functions of V have a gradient; with repeated
    eigenvalues F is infinite and the gradient undefined, as torch documents. Saves the outputs
    (w, V) only. Does not broadcast.
    """

    def forward(self, a: Any, uplo: str) -> tuple[Any, Any]:
        w, v = self.xp.linalg.eigh(a, UPLO=uplo)
        return w, v

    def vjp(self, gw: Any, gv: Any = None) -> tuple[Any, ...]:
        like = gw if gw is not None else gv
        w, v = self.output_as(like, 0), self.output_as(like, 1)
        xp = self.xp
        n = self.out[0].shape[-1]
        inner = None
        if gv is not None:
            eye = xp.eye(n, dtype=self.out[0].dtype)
            e = w.reshape(w.shape[:-1] + (1, n)) - w.reshape(w.shape[:-1] + (n, 1))
            vtg = matrix_t(v) @ gv
            inner = ((vtg - matrix_t(vtg)) * 0.5) * (1 - eye) / (e + eye)
        if gw is not None:
            diag = gw.reshape(gw.shape[:-1] + (1, n)) * xp.eye(n, dtype=self.out[0].dtype)
            inner = diag if inner is None else inner + diag
        return (v @ inner @ matrix_t(v),)
