"""RMS normalisation and local response normalisation in PyTorch's ``nn.functional`` names.

Both are composed from engine ops, so gradients of any order come from the engine; what they
keep for backward is what those ops keep (the input, the mean square or the window sums).
"""

from __future__ import annotations

from typing import Any

import numpy  # finfo only: the machine epsilon of a dtype, no array maths

import autograd_core as ac
from autograd_core.errors import ShapeError
from autograd_core.tensor import Tensor
from nn.functional_act import check_float

__all__ = ["rms_norm", "local_response_norm"]


def _shape_tuple(normalized_shape: Any) -> tuple[int, ...]:
    if isinstance(normalized_shape, int):
        return (normalized_shape,)
    return tuple(int(n) for n in normalized_shape)


def rms_norm(
    input: Tensor,
    normalized_shape: Any,
    weight: Tensor | None = None,
    eps: float | None = None,
) -> Tensor:
    """y = x / √(mean(x²) + ε) · γ over the last ``len(normalized_shape)`` axes (Zhang &
    Sennrich, 2019): LayerNorm without centring and without bias.

    Args:
        input: (*, *normalized_shape).
        normalized_shape: the trailing shape to normalise over (an int for the last axis).
        weight: γ of shape ``normalized_shape``, or None.
        eps: added to the mean square; None gives the input dtype's machine epsilon
            (``torch.finfo(dtype).eps``, PyTorch's default).

    Raises:
        ShapeError: the input does not end with ``normalized_shape``, or γ has another shape.

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> F.rms_norm(ac.tensor([[2.0, -2.0]]), (2,), eps=0.0)
        tensor([[ 1., -1.]])
    """
    check_float("rms_norm", input)
    (input,) = ac.amp.cast_float32(input)  # float32 under amp.autocast, as layer_norm
    shape = _shape_tuple(normalized_shape)
    k = len(shape)
    if k == 0 or k > input.ndim or tuple(input.shape[input.ndim - k :]) != shape:
        raise ShapeError(
            f"rms_norm: input of shape {tuple(input.shape)} does not end with normalized_shape "
            f"{shape}. Pass the input's trailing shape as normalized_shape."
        )
    if weight is not None and tuple(weight.shape) != shape:
        raise ShapeError(
            f"rms_norm: weight of shape {tuple(weight.shape)} does not match normalized_shape "
            f"{shape}. Pass a weight of shape {shape}."
        )
    if eps is None:
        eps = float(numpy.finfo(input.dtype).eps)
    axes = tuple(range(input.ndim - k, input.ndim))
    y = input * ac.rsqrt((input * input).mean(axis=axes, keepdims=True) + eps)
    return y if weight is None else y * weight


def local_response_norm(
    input: Tensor, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0
) -> Tensor:
    """Local response normalisation across channels (Krizhevsky et al., 2012):
    bᶜ = aᶜ (k + α/n Σ_{c'} (a^{c'})²)^(−β), the sum over the n = ``size`` channels around c
    (⌊n/2⌋ before and ⌊(n−1)/2⌋ after, zeros beyond the edges), as PyTorch.

    Args:
        input: (N, C, *) with at least one axis after C.
        size: the number of neighbouring channels n.
        alpha, beta, k: the constants of the formula.

    Raises:
        ShapeError: fewer than 3 dimensions.
        ValueError: size < 1.

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> F.local_response_norm(ac.ones(1, 3, 1), 2, alpha=1.0, beta=1.0, k=0.0).flatten()
        tensor([2., 1., 1.])
    """
    check_float("local_response_norm", input)
    if input.ndim < 3:
        raise ShapeError(
            f"local_response_norm: expected 3D or higher dimensionality input, got "
            f"{input.ndim} dimensions (shape {tuple(input.shape)}). Pass (N, C, L) or "
            "(N, C, H, W …)."
        )
    if not isinstance(size, int) or size < 1:
        raise ValueError(
            f"local_response_norm: size must be a positive int, got {size!r}. Pass the number "
            "of neighbouring channels, e.g. size=5."
        )
    if input.numel() == 0:
        return input
    channels = input.shape[1]
    widths = (0, 0) * (input.ndim - 2) + (size // 2, (size - 1) // 2)
    padded = ac.pad(input * input, widths)
    window = padded[:, 0:channels]
    for j in range(1, size):
        window = window + padded[:, j : j + channels]
    div = ((window / size) * alpha + k) ** beta
    return input / div
