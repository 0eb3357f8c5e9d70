r"""``nn.functional.bilinear``: y = x₁ᵀ A x₂ + b over the last axis, for ``nn.Bilinear``."""

from __future__ import annotations

import math

from autograd_core.errors import ShapeError
from autograd_core.tensor import Tensor

__all__ = ["bilinear"]


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    r"""yₒ = Σᵢⱼ x₁ᵢ Aₒᵢⱼ x₂ⱼ + bₒ for each leading index, as ``F.bilinear``.

    .. math:: y_{\dots o} = x_{1,\dots}^\top A_o\, x_{2,\dots} + b_o

    Computed as one matmul, (x₁ @ A reshaped to (in1, out·in2)) · x₂ summed over in2, from
    recorded ops, so it is differentiable to any order. (That order was the fastest of three
    on CPU, ahead of ``einsum`` and of a ``linear`` on the outer product x₁ x₂ᵀ; the timings
    are in the commit message that added this module.)

    Args:
        input1: (*, in1_features).
        input2: (*, in2_features), with the same leading shape as input1 (no broadcasting,
            as in PyTorch).
        weight: (out_features, in1_features, in2_features).
        bias: (out_features,) or None.

    Returns:
        (*, out_features).

    Raises:
        ShapeError: the leading shapes differ, or a size does not match the weight's.

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> F.bilinear(ac.ones(2, 3), ac.ones(2, 4), ac.ones(5, 3, 4)).shape
        (2, 5)
    """
    _check(input1, input2, weight, bias)
    out, in1, in2 = weight.shape
    lead = tuple(input1.shape[:-1])
    n = math.prod(lead)
    # t[n, o, j] = Σᵢ x₁[n, i] A[o, i, j]; then y[n, o] = Σⱼ t[n, o, j] x₂[n, j]
    t = input1.reshape((n, in1)) @ weight.permute(1, 0, 2).reshape((in1, out * in2))
    y = (t.reshape((n, out, in2)) * input2.reshape((n, 1, in2))).sum(-1)
    if bias is not None:
        y = y + bias
    return y.reshape((*lead, out))


def _check(x1: Tensor, x2: Tensor, weight: Tensor, bias: Tensor | None) -> None:
    seen = f"input1 {tuple(x1.shape)}, input2 {tuple(x2.shape)}, weight {tuple(weight.shape)}" + (
        f", bias {tuple(bias.shape)}" if bias is not None else ""
    )
    if weight.ndim != 3:
        raise ShapeError(
            f"bilinear: weight must be 3-D (out_features, in1_features, in2_features); got {seen}."
        )
    if x1.ndim == 0 or x2.ndim == 0 or x1.shape[:-1] != x2.shape[:-1]:
        raise ShapeError(
            f"bilinear: input1 and input2 must have the same shape except for the last axis "
            f"(no broadcasting, as in PyTorch); got {seen}. Expand them to one batch shape."
        )
    if x1.shape[-1] != weight.shape[1] or x2.shape[-1] != weight.shape[2]:
        raise ShapeError(
            f"bilinear: the last axes of input1 and input2 must be weight's in1_features and "
            f"in2_features ({weight.shape[1]}, {weight.shape[2]}); got {seen}."
        )
    if bias is not None and tuple(bias.shape) != (weight.shape[0],):
        raise ShapeError(
            f"bilinear: bias must have shape (out_features,) = ({weight.shape[0]},); got {seen}."
        )
