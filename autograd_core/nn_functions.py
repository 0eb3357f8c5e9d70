"""The neural-network functions PyTorch also exposes at top level (``torch.conv2d``,
``torch.layer_norm``, ``torch.dropout`` …), with torch's top-level signatures, which differ from
``nn.functional``'s in places (``torch.dropout(input, p, train)`` has no defaults,
``torch.batch_norm`` takes weight and bias first, ``torch.embedding`` the weight first).

The convolutions are ops of the engine and are called directly; the rest live in
``nn.functional``, which is imported on first call (``nn`` imports ``autograd_core``, so the
engine cannot import it while it loads). The losses are in ``nn_losses.py``, pooling, padding
and grid sampling in ``nn_pooling.py``.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

from autograd_core.errors import ShapeError
from autograd_core.inplace import apply_in_place
from autograd_core.ops.conv_functions import (
    conv1d,
    conv2d,
    conv3d,
    conv_transpose1d,
    conv_transpose2d,
    conv_transpose3d,
)
from autograd_core.random import Generator, rng_of
from autograd_core.tensor import Tensor

__all__ = [
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
    "conv_tbc",
    "convolution",
    "dropout",
    "alpha_dropout",
    "feature_alpha_dropout",
    "feature_dropout",
    "native_dropout",
    "layer_norm",
    "group_norm",
    "instance_norm",
    "batch_norm",
    "rms_norm",
    "embedding",
    "bilinear",
    "cosine_similarity",
    "pairwise_distance",
    "pdist",
    "pixel_shuffle",
    "pixel_unshuffle",
    "channel_shuffle",
    "native_channel_shuffle",
    "selu",
    "celu",
    "rrelu",
    "threshold",
    "prelu",
    "hardshrink",
    "dropout_",
    "alpha_dropout_",
    "feature_alpha_dropout_",
    "feature_dropout_",
    "selu_",
    "celu_",
    "rrelu_",
    "threshold_",
]


def functional() -> Any:
    """``nn.functional``, imported on first use (see the module docstring)."""
    return importlib.import_module("nn.functional")


def conv_tbc(input: Tensor, weight: Tensor, bias: Tensor, pad: int = 0) -> Tensor:  # noqa: A002
    """1-D convolution in time-batch-channel layout (``torch.conv_tbc``): input (T, B, C_in),
    weight (K, C_in, C_out), bias (C_out,), ``pad`` zeros at both ends of T; out (T', B, C_out).

    Example:
        >>> import autograd_core as ac
        >>> ac.conv_tbc(ac.ones(5, 2, 3), ac.ones(3, 3, 4), ac.zeros(4), 1).shape
        (5, 2, 4)
    """
    if input.ndim != 3 or weight.ndim != 3 or bias.ndim != 1:
        raise ShapeError(
            f"conv_tbc: expected input (T, B, C_in), weight (K, C_in, C_out) and bias (C_out,), "
            f"got shapes {tuple(input.shape)}, {tuple(weight.shape)} and {tuple(bias.shape)}."
        )
    y = conv1d(input.permute(1, 2, 0), weight.permute(2, 1, 0), bias, padding=pad)
    return y.permute(2, 0, 1)


def convolution(
    input: Tensor,  # noqa: A002
    weight: Tensor,
    bias: Tensor | None,
    stride: Sequence[int],
    padding: Sequence[int],
    dilation: Sequence[int],
    transposed: bool,
    output_padding: Sequence[int],
    groups: int,
) -> Tensor:
    """``torch.convolution``: the N-d convolution (or, with ``transposed``, transposed
    convolution) that the weight's rank selects, every argument given.

    Example:
        >>> import autograd_core as ac
        >>> ac.convolution(ac.ones(1, 1, 4), ac.ones(1, 1, 2), None, [1], [0], [1], False, [0], 1)
        tensor([[[2., 2., 2.]]])
    """
    d = weight.ndim - 2
    if d not in (1, 2, 3):
        raise ShapeError(
            f"convolution: expected a 3-, 4- or 5-d weight (out, in/groups, *kernel), got shape "
            f"{tuple(weight.shape)}."
        )
    if transposed:
        conv_t = (conv_transpose1d, conv_transpose2d, conv_transpose3d)[d - 1]
        return conv_t(input, weight, bias, stride, padding, output_padding, groups, dilation)
    conv = (conv1d, conv2d, conv3d)[d - 1]
    return conv(input, weight, bias, stride, padding, dilation, groups)


def dropout(input: Tensor, p: float, train: bool) -> Tensor:  # noqa: A002
    """``F.dropout(input, p, training=train)``; torch's top-level form has no defaults."""
    return functional().dropout(input, p, train)


def alpha_dropout(input: Tensor, p: float, train: bool) -> Tensor:  # noqa: A002
    """``F.alpha_dropout(input, p, training=train)`` (SELU-preserving dropout)."""
    return functional().alpha_dropout(input, p, train)


def feature_alpha_dropout(input: Tensor, p: float, train: bool) -> Tensor:  # noqa: A002
    """``F.feature_alpha_dropout(input, p, training=train)``: alpha dropout of whole channels."""
    return functional().feature_alpha_dropout(input, p, train)


def feature_dropout(
    input: Tensor,  # noqa: A002
    p: float,
    train: bool,
    generator: Generator | None = None,
) -> Tensor:
    """Dropout of whole channels of an (N, C, *) input (``torch.feature_dropout``): one
    Bernoulli(1 − p) draw per (sample, channel), scaled by 1/(1 − p) and shared by all
    positions; a 2-D (N, C) input drops single entries. ``input`` itself when not training.

    Raises:
        ValueError: p outside [0, 1].
        ShapeError: fewer than 2 dimensions.

    Example:
        >>> import autograd_core as ac
        >>> y = ac.feature_dropout(ac.ones(1, 6, 3), 0.5, True)
        >>> bool((y.amax(axis=2) == y.amin(axis=2)).all())
        True
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"feature_dropout: probability p must be in [0, 1], got {p!r}.")
    if input.ndim < 2:
        raise ShapeError(
            f"feature_dropout: feature dropout requires at least 2 dimensions in the input, "
            f"got shape {tuple(input.shape)}. Pass (N, C, *)."
        )
    if not train or p == 0.0:
        return input
    if p == 1.0:
        return input * 0.0
    channels = tuple(input.shape[:2])
    keep = rng_of(generator).random(channels) >= p  # drawn on the host, like F.dropout
    mask = input.xp.asarray(keep, dtype=input.dtype) * (1.0 / (1.0 - p))
    mask = mask.astype(input.dtype, copy=False).reshape(channels + (1,) * (input.ndim - 2))
    return input * Tensor._make(mask, False, None)


def native_dropout(input: Tensor, p: float, train: bool | None) -> tuple[Tensor, Tensor]:  # noqa: A002
    """``(output, keep)``: inverted dropout and its boolean mask of kept entries
    (``torch.native_dropout``); ``input`` and an all-True mask when not training.

    Example:
        >>> import autograd_core as ac
        >>> y, keep = ac.native_dropout(ac.ones(1000), 0.5, True)
        >>> bool(((y == 2.0) == keep).all()), 400 < int(keep.sum().item()) < 600
        (True, True)
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"native_dropout: probability p must be in [0, 1], got {p!r}.")
    xp = input.xp
    if not train:
        return input, Tensor._make(xp.ones(input.shape, dtype=bool), False, None)
    keep = xp.asarray(rng_of(None).random(input.shape) >= p)
    scale = 0.0 if p == 1.0 else 1.0 / (1.0 - p)
    mask = (keep * scale).astype(input.dtype, copy=False)
    return input * Tensor._make(mask, False, None), Tensor._make(keep, False, None)


def layer_norm(
    input: Tensor,  # noqa: A002
    normalized_shape: Sequence[int],
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-05,
    cudnn_enable: bool = True,
) -> Tensor:
    """``F.layer_norm`` (``cudnn_enable`` is accepted and ignored)."""
    return functional().layer_norm(input, tuple(normalized_shape), weight, bias, eps)


def group_norm(
    input: Tensor,  # noqa: A002
    num_groups: int,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-05,
    cudnn_enabled: bool = True,
) -> Tensor:
    """``F.group_norm`` (``cudnn_enabled`` is accepted and ignored)."""
    return functional().group_norm(input, num_groups, weight, bias, eps)


def instance_norm(
    input: Tensor,  # noqa: A002
    weight: Tensor | None,
    bias: Tensor | None,
    running_mean: Tensor | None,
    running_var: Tensor | None,
    use_input_stats: bool,
    momentum: float,
    eps: float,
    cudnn_enabled: bool,
) -> Tensor:
    """``F.instance_norm`` with torch's top-level argument order: weight and bias first, all
    arguments required."""
    return functional().instance_norm(
        input, running_mean, running_var, weight, bias, use_input_stats, momentum, eps
    )


def batch_norm(
    input: Tensor,  # noqa: A002
    weight: Tensor | None,
    bias: Tensor | None,
    running_mean: Tensor | None,
    running_var: Tensor | None,
    training: bool,
    momentum: float,
    eps: float,
    cudnn_enabled: bool,
) -> Tensor:
    """``F.batch_norm`` with torch's top-level argument order: weight and bias first, all
    arguments required; running statistics are updated in place when training."""
    return functional().batch_norm(
        input, running_mean, running_var, weight, bias, training, momentum, eps
    )


def rms_norm(
    input: Tensor,  # noqa: A002
    normalized_shape: Sequence[int],
    weight: Tensor | None = None,
    eps: float | None = None,
) -> Tensor:
    """``F.rms_norm``: x / sqrt(mean(x²) + eps) over the trailing ``normalized_shape``."""
    return functional().rms_norm(input, normalized_shape, weight, eps)


def embedding(
    weight: Tensor,
    indices: Any,
    padding_idx: int = -1,
    scale_grad_by_freq: bool = False,
    sparse: bool = False,
) -> Tensor:
    """Rows ``weight[indices]`` (``torch.embedding``: the weight comes first). A negative
    ``padding_idx`` means none (``F.embedding`` resolves negative indices before calling it);
    row ``padding_idx`` otherwise gets no gradient.

    Example:
        >>> import autograd_core as ac
        >>> ac.embedding(ac.eye(3), ac.tensor([2, 0]))
        tensor([[0., 0., 1.],
                [1., 0., 0.]])
    """
    pad_row = None if padding_idx < 0 else padding_idx
    return functional().embedding(
        indices, weight, pad_row, scale_grad_by_freq=scale_grad_by_freq, sparse=sparse
    )


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``F.bilinear``: y_k = x1ᵀ W_k x2 + b_k."""
    return functional().bilinear(input1, input2, weight, bias)


def cosine_similarity(x1: Any, x2: Any, dim: int = 1, eps: float = 1e-08) -> Tensor:
    """``F.cosine_similarity``."""
    return functional().cosine_similarity(x1, x2, dim, eps)


def pairwise_distance(
    x1: Any, x2: Any, p: float = 2.0, eps: float = 1e-06, keepdim: bool = False
) -> Tensor:
    """``F.pairwise_distance``: ‖x1 − x2 + eps‖_p over the last dimension."""
    return functional().pairwise_distance(x1, x2, p, eps, keepdim)


def pdist(input: Tensor, p: float = 2.0) -> Tensor:  # noqa: A002
    """``F.pdist``: the p-norm distances between the rows of a 2-D input (upper triangle)."""
    return functional().pdist(input, p)


def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:  # noqa: A002
    """``F.pixel_shuffle``: (*, C·r², H, W) → (*, C, H·r, W·r)."""
    return functional().pixel_shuffle(input, upscale_factor)


def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:  # noqa: A002
    """``F.pixel_unshuffle``: the inverse of ``pixel_shuffle``."""
    return functional().pixel_unshuffle(input, downscale_factor)


def channel_shuffle(input: Tensor, groups: int) -> Tensor:  # noqa: A002
    """``F.channel_shuffle``: channels regrouped as (groups, C/groups) → (C/groups, groups)."""
    return functional().channel_shuffle(input, groups)


def native_channel_shuffle(input: Tensor, groups: int) -> Tensor:  # noqa: A002
    """``channel_shuffle`` (PyTorch's native kernel; the same values)."""
    return functional().channel_shuffle(input, groups)


def selu(input: Tensor) -> Tensor:  # noqa: A002
    """``F.selu``."""
    return functional().selu(input)


def celu(input: Tensor, alpha: float = 1.0) -> Tensor:  # noqa: A002
    """``F.celu``: max(0, x) + min(0, α(exp(x/α) − 1))."""
    return functional().celu(input, alpha)


def rrelu(
    input: Tensor,  # noqa: A002
    lower: float = 0.125,
    upper: float = 1.0 / 3.0,
    training: bool = False,
    generator: Generator | None = None,
) -> Tensor:
    """``F.rrelu``: a random negative slope in [lower, upper] when training, their mean
    otherwise."""
    return functional().rrelu(input, lower, upper, training, generator=generator)


def threshold(input: Tensor, threshold: float, value: float) -> Tensor:  # noqa: A002
    """``F.threshold``: x where x > threshold, else ``value``."""
    return functional().threshold(input, threshold, value)


def prelu(input: Tensor, weight: Tensor) -> Tensor:  # noqa: A002
    """``F.prelu``: max(0, x) + a · min(0, x), one slope per channel (or one in all)."""
    return functional().prelu(input, weight)


def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:  # noqa: A002
    """``F.hardshrink``: x where |x| > λ, else 0."""
    return functional().hardshrink(input, lambd)


def _in_place_form(name: str, public: Any) -> Any:
    """``torch.<name>(input, ...)``: ``public(input, ...)`` written into input, which is
    returned (``inplace.apply_in_place``: a leaf that requires grad is refused, views see the
    write, a random function draws once)."""

    def function(input: Tensor, *args: Any, **kwargs: Any) -> Tensor:  # noqa: A002
        return apply_in_place(name, input, public, *args, **kwargs)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"``{public.__name__}`` written into ``input`` in place."
    return function


dropout_ = _in_place_form("dropout_", dropout)
alpha_dropout_ = _in_place_form("alpha_dropout_", alpha_dropout)
feature_alpha_dropout_ = _in_place_form("feature_alpha_dropout_", feature_alpha_dropout)
feature_dropout_ = _in_place_form("feature_dropout_", feature_dropout)
selu_ = _in_place_form("selu_", selu)
celu_ = _in_place_form("celu_", celu)
rrelu_ = _in_place_form("rrelu_", rrelu)
threshold_ = _in_place_form("threshold_", threshold)
