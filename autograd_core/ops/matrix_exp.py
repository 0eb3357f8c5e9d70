r"""The matrix exponential as an op, by scaling and squaring with the degree-13 Padé approximant
(Higham 2005, "The scaling and squaring method for the matrix exponential revisited"), batched
over leading axes. Its VJP is the top-right block of the exponential of a 2n × 2n block matrix
(Najfeld & Havel 1995; Mathias 1996), computed by this same op, so every order works."""

from __future__ import annotations

from typing import Any

from autograd_core.op import Op
from autograd_core.ops.decompositions import matrix_t
from autograd_core.ops.join import Cat
from autograd_core.registry import register_op

__all__: list[str] = []

# b_0 … b_13 of the [13/13] Padé approximant of exp, and θ₁₃: for ‖A‖₁ ≤ θ₁₃ its backward
# error is below the double-precision unit roundoff (Higham 2005, Table 2.3).
_PADE13 = (
    64764752532480000.0,
    32382376266240000.0,
    7771770303897600.0,
    1187353796428800.0,
    129060195264000.0,
    10559470521600.0,
    670442572800.0,
    33522128640.0,
    1323241920.0,
    40840800.0,
    960960.0,
    16380.0,
    182.0,
    1.0,
)
_THETA13 = 5.371920351148152


def expm(xp: Any, a: Any) -> Any:
    """exp(A) for the arrays ``a`` (*, n, n): each matrix is scaled by 2⁻ˢ with s the least
    integer ≥ 0 with ‖A‖₁ 2⁻ˢ ≤ θ₁₃, its Padé approximant r(A) = (V − U)⁻¹(V + U) taken, and the
    result squared s times (matrices needing fewer squarings keep their value meanwhile)."""
    n = a.shape[-1]
    if a.size == 0:
        return a.copy()
    norm1 = xp.abs(a).sum(axis=-2).max(axis=-1)
    s = xp.ceil(xp.log2(xp.maximum(norm1 / _THETA13, 1.0)))  # (≥ 0, and no log of 0)
    s = xp.where(xp.isfinite(s), s, 0).astype(xp.int64)  # (inf/NaN input: NaN out, as torch)
    a = a * (0.5 ** s.astype(a.dtype))[..., None, None]
    b = _PADE13
    eye = xp.eye(n, dtype=a.dtype)
    a2 = a @ a
    a4 = a2 @ a2
    a6 = a4 @ a2
    odd = a6 @ (b[13] * a6 + b[11] * a4 + b[9] * a2) + b[7] * a6 + b[5] * a4 + b[3] * a2
    u = a @ (odd + b[1] * eye)
    v = a6 @ (b[12] * a6 + b[10] * a4 + b[8] * a2) + b[6] * a6 + b[4] * a4 + b[2] * a2 + b[0] * eye
    r = xp.linalg.solve(v - u, v + u)
    for k in range(int(s.max())):
        r = xp.where((k < s)[..., None, None], r @ r, r)
    return r


@register_op("matrix_exp", array_vjp=True)
class MatrixExp(Op):
    r"""exp(A) = Σ Aᵏ/k! for each square matrix (``torch.linalg.matrix_exp``), by scaling and
    squaring with the [13/13] Padé approximant.

    VJP: Ā is the Fréchet derivative of exp at Aᵀ in the direction Ȳ, the top-right n × n
    block of exp([[Aᵀ, Ȳ], [0, Aᵀ]]); that exponential is this op again (recorded in a
    recorded backward), so the VJP is differentiable to any order. Saves A (the parent). Does
    not broadcast.
    """

    def forward(self, a: Any) -> Any:
        return expm(self.xp, a)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        (a,) = self.inputs_as(gy)
        n = self.inputs[0].shape[-1]
        nd = gy.ndim
        at = matrix_t(a)
        zeros = self.xp.zeros(gy.shape, dtype=gy.dtype)
        top = Cat.call(at, gy, axis=nd - 1)
        bottom = Cat.call(zeros, at, axis=nd - 1)
        block = Cat.call(top, bottom, axis=nd - 2)
        return (MatrixExp.call(block)[..., :n, n:],)
