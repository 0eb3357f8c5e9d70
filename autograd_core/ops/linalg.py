"""Linear algebra: matmul with NumPy's rules for 1-D, 2-D and broadcast batched operands."""

from __future__ import annotations

from typing import Any

from autograd_core.errors import ShapeError
from autograd_core.op import Op
from autograd_core.ops._common import lift_pair
from autograd_core.ops.shape import reshape, swapaxes
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = ["matmul"]


@register_op("matmul", broadcasts=True)
class MatMul(Op):
    r"""C = A @ B with ``numpy.matmul`` semantics.

    VJP: Ā = C̄ Bᵀ, B̄ = Aᵀ C̄ on the last two axes; batch axes that were broadcast are summed
    by the engine (``broadcasts=True``). A 1-D A is treated as a row (1, k) and a 1-D B as a
    column (k, 1), and the added axis is removed from the gradient again. Saves both inputs.
    """

    def forward(self, a: Any, b: Any) -> Any:
        return a @ b

    def vjp(self, gy: Tensor) -> tuple[Tensor | None, ...]:
        a, b = self.inputs
        need_a, need_b = self.needs_input_grad
        if a.ndim == 2 and b.ndim == 2:  # the common case, without reshapes
            return (gy @ b.T if need_a else None), (a.T @ gy if need_b else None)
        a2 = reshape(a, (1, a.shape[0])) if a.ndim == 1 else a
        b2 = reshape(b, (b.shape[0], 1)) if b.ndim == 1 else b
        out_shape = gy.shape
        if a.ndim == 1:
            out_shape = out_shape[:-1] + (1,) + out_shape[-1:] if b.ndim > 1 else (1, 1)
        if b.ndim == 1:
            out_shape = out_shape + (1,) if a.ndim > 1 else (1, 1)
        gy2 = reshape(gy, out_shape)
        ga = gb = None
        if need_a:
            ga = gy2 @ swapaxes(b2, -1, -2)
            if a.ndim == 1:
                ga = reshape(ga, ga.shape[:-2] + (ga.shape[-1],))
        if need_b:
            gb = swapaxes(a2, -1, -2) @ gy2
            if b.ndim == 1:
                gb = reshape(gb, gb.shape[:-1])
        return ga, gb


def matmul(a: Any, b: Any) -> Tensor:
    """Matrix product with NumPy's rules (1-D operands, broadcast batch axes).

    Example:
        >>> import autograd_core as ac
        >>> (ac.ones(2, 3) @ ac.ones(3)).shape
        (2,)
    """
    a, b = lift_pair(a, b)
    if a.ndim == 0 or b.ndim == 0:
        raise ShapeError(
            f"matmul: both operands need at least one dimension; got shapes {tuple(a.shape)} "
            f"and {tuple(b.shape)}. Use mul (*) to scale by a scalar."
        )
    if a.shape[-1] != b.shape[0 if b.ndim == 1 else -2]:
        raise ShapeError(
            f"matmul: inner dimensions differ for shapes {tuple(a.shape)} @ {tuple(b.shape)} "
            f"({a.shape[-1]} vs {b.shape[0 if b.ndim == 1 else -2]}). Transpose one operand "
            "(x.T) or check the layer sizes."
        )
    return MatMul.apply(a, b)
