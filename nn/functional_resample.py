r"""Rearranging resamplers for conv nets in ``nn.functional``: ``pixel_shuffle``/
``pixel_unshuffle`` and ``channel_shuffle`` (``interpolate`` and ``upsample`` live in
``nn/functional_interpolate.py``).

The seeds' "variantes" section asks for outputs as large as the input (per-pixel labels) when
pooling has shrunk the maps; a sub-pixel convolution (pixel shuffle) is one way back. Each
function is a reshape and a permute, so differentiable to any order.
"""

from __future__ import annotations

from autograd_core.errors import ShapeError
from autograd_core.tensor import Tensor

__all__ = [
    "pixel_shuffle",
    "pixel_unshuffle",
    "channel_shuffle",
]


def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:
    """(*, C·r², H, W) → (*, C, H·r, W·r): sub-pixel rearrangement of channels into space, as
    ``F.pixel_shuffle`` (Shi et al., 2016, https://arxiv.org/abs/1609.05158).

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> F.pixel_shuffle(ac.arange(4.0).reshape(1, 4, 1, 1), 2).tolist()
        [[[[0.0, 1.0], [2.0, 3.0]]]]
    """
    r = int(upscale_factor)
    if input.ndim < 3 or r < 1 or input.shape[-3] % (r * r):
        raise ShapeError(
            f"pixel_shuffle: needs an input (*, C·r², H, W) with r = {upscale_factor!r} ≥ 1; got "
            f"shape {tuple(input.shape)}. Make the channel count a multiple of r² = {r * r}."
        )
    *lead, c, h, w = input.shape
    k = len(lead)
    y = input.reshape((*lead, c // (r * r), r, r, h, w))
    y = y.permute(*range(k), k, k + 3, k + 1, k + 4, k + 2)
    return y.reshape((*lead, c // (r * r), h * r, w * r))


def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:
    """(*, C, H·r, W·r) → (*, C·r², H, W): the inverse of ``pixel_shuffle``, as
    ``F.pixel_unshuffle``.

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> F.pixel_unshuffle(ac.arange(4.0).reshape(1, 1, 2, 2), 2).reshape(-1).tolist()
        [0.0, 1.0, 2.0, 3.0]
    """
    r = int(downscale_factor)
    if input.ndim < 3 or r < 1 or input.shape[-1] % r or input.shape[-2] % r:
        raise ShapeError(
            f"pixel_unshuffle: needs an input (*, C, H·r, W·r) with r = {downscale_factor!r} ≥ 1; "
            f"got shape {tuple(input.shape)}. Make H and W multiples of r."
        )
    *lead, c, hr, wr = input.shape
    k = len(lead)
    y = input.reshape((*lead, c, hr // r, r, wr // r, r))
    y = y.permute(*range(k), k, k + 2, k + 4, k + 1, k + 3)
    return y.reshape((*lead, c * r * r, hr // r, wr // r))


def channel_shuffle(input: Tensor, groups: int) -> Tensor:  # noqa: A002  (PyTorch's name)
    """(N, C, *) → (N, C, *) with the channels of ``groups`` groups interleaved: input channel
    i · (C/g) + k becomes output channel k · g + i (view C as (g, C/g), transpose, flatten;
    ShuffleNet, Zhang et al., 2017, https://arxiv.org/abs/1707.01083), as ``F.channel_shuffle``.

    A reshape and a transpose, so differentiable to any order.

    Raises:
        ShapeError: the input has fewer than 3 dimensions, or C is not divisible by groups.
        ValueError: groups is not a positive integer.

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> F.channel_shuffle(ac.arange(6.0).reshape(1, 6, 1), 2).reshape(-1).tolist()
        [0.0, 3.0, 1.0, 4.0, 2.0, 5.0]
    """
    if isinstance(groups, bool) or not isinstance(groups, int) or groups < 1:
        raise ValueError(
            f"channel_shuffle: groups must be a positive integer, got {groups!r}. Pass the "
            "number of channel groups, e.g. 2."
        )
    if input.ndim < 3:
        raise ShapeError(
            f"channel_shuffle: needs an input (N, C, *) with at least 3 dimensions, got shape "
            f"{tuple(input.shape)}. Add a spatial axis, e.g. x.unsqueeze(-1)."
        )
    n, c, *rest = input.shape
    if c % groups:
        raise ShapeError(
            f"channel_shuffle: the {c} channels of shape {tuple(input.shape)} cannot be split "
            f"into {groups} groups. Pass groups dividing C."
        )
    y = input.reshape((n, groups, c // groups, *rest)).transpose(1, 2)
    return y.reshape((n, c, *rest))
