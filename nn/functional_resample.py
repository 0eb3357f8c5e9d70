r"""Resampling for conv nets in ``nn.functional``: ``interpolate``/``upsample`` (nearest and
(bi/tri)linear, ``align_corners`` both ways), ``pixel_shuffle``/``pixel_unshuffle`` and
``channel_shuffle``.

The seeds' "variantes" section asks for outputs as large as the input (per-pixel labels) when
pooling has shrunk the maps; upsampling is one way back. Every function here is composed from
recorded ops: nearest is a constant one-hot matrix per axis,
linear interpolation a constant interpolation matrix per axis (separable, like the adaptive
average), pixel shuffle a reshape and a permute; all are differentiable to any order.
"""

from __future__ import annotations

import math
from typing import Any

from autograd_core.errors import ShapeError
from autograd_core.ops.pooling_adaptive import matmul_along
from autograd_core.tensor import Tensor

__all__ = [
    "interpolate",
    "upsample",
    "upsample_nearest",
    "upsample_bilinear",
    "pixel_shuffle",
    "pixel_unshuffle",
    "channel_shuffle",
]

_LINEAR = {"linear": 1, "bilinear": 2, "trilinear": 3}


def _sizes(
    x: Tensor, n: int, size: Any, scale_factor: Any, recompute: bool | None
) -> tuple[tuple[int, ...], list[float | None]]:
    """Output spatial size and, per axis, the scale factor PyTorch maps coordinates with (None:
    use in/out)."""
    if (size is None) == (scale_factor is None):
        raise ValueError(
            f"interpolate: pass exactly one of size and scale_factor, got size={size!r} and "
            f"scale_factor={scale_factor!r}."
        )
    spatial = tuple(x.shape[2:])
    if size is not None:
        out = (int(size),) * n if isinstance(size, int) else tuple(int(s) for s in size)
        scales: list[float | None] = [None] * n
    else:
        sf = (scale_factor,) * n if isinstance(scale_factor, (int, float)) else scale_factor
        sf = tuple(float(s) for s in sf)
        if len(sf) != n:
            raise ShapeError(
                f"interpolate: scale_factor {scale_factor!r} has {len(sf)} entries for {n} "
                f"spatial axes of an input of shape {tuple(x.shape)}. Pass one per axis."
            )
        out = tuple(int(math.floor(s * f)) for s, f in zip(spatial, sf))
        scales = [None if recompute else f for f in sf]
    if len(out) != n or any(o < 1 for o in out):
        raise ShapeError(
            f"interpolate: output size {out} does not fit {n} spatial axes of an input of "
            f"shape {tuple(x.shape)} (sizes must be at least 1). Pass size with {n} positive "
            "entries."
        )
    return out, scales


def _nearest_index(xp: Any, n_in: int, n_out: int, scale: float | None) -> Any:
    """PyTorch's ``nearest_idx``: ⌊o · s⌋ (computed in float32, as PyTorch), clipped to the
    input."""
    o = xp.arange(n_out)
    if n_out == 2 * n_in:
        return o >> 1
    s = xp.float32(1.0 / scale if scale else n_in / n_out)
    return xp.minimum(xp.floor(o.astype(xp.float32) * s).astype(xp.int64), n_in - 1)


def _nearest_along(y: Tensor, axis: int, index: Any, n_in: int) -> Tensor:
    """y with axis ``axis`` replaced by its entries ``index``: a product with the constant
    one-hot (out, in) matrix. Its backward is one GEMM; an ``index_select`` backward (add.at
    along an axis) measured ~7x slower and a broadcast-and-reshape backward (a sum over a
    length-r axis) ~3x slower on 64×6×28×28 float32 upsampled ×2."""
    xp = y.xp
    one_hot = (index[:, None] == xp.arange(n_in)).astype(y.dtype)
    return matmul_along(y, axis, one_hot)


def _linear_matrix(
    xp: Any, n_in: int, n_out: int, scale: float | None, align_corners: bool, dtype: Any
) -> Any:
    """(n_out, n_in) linear-interpolation weights, PyTorch's source index rule:
    src = o·(n_in−1)/(n_out−1) with align_corners, else max(0, (o + ½)·s − ½)."""
    o = xp.arange(n_out, dtype=xp.float64)
    if align_corners:
        s = (n_in - 1) / (n_out - 1) if n_out > 1 else 0.0
        src = o * s
    else:
        s = 1.0 / scale if scale else n_in / n_out
        src = xp.maximum((o + 0.5) * s - 0.5, 0.0)
    lo = src.astype(xp.int64)
    hi = lo + (lo < n_in - 1)
    frac = xp.clip(src - lo, 0.0, 1.0)
    j = xp.arange(n_in)
    w = (1.0 - frac)[:, None] * (j == lo[:, None]) + frac[:, None] * (j == hi[:, None])
    return w.astype(dtype)


def interpolate(
    x: Tensor,
    size: Any = None,
    scale_factor: Any = None,
    mode: str = "nearest",
    align_corners: bool | None = None,
    recompute_scale_factor: bool | None = None,
) -> Tensor:
    r"""Resize the spatial axes of an (N, C, *spatial) input, as ``F.interpolate``.

    ``mode``: ``'nearest'`` (source index ⌊o·s⌋, s = in/out or 1/scale_factor) or
    ``'linear'``/``'bilinear'``/``'trilinear'`` (for 1, 2, 3 spatial axes): separable linear
    interpolation with source coordinate ``(o + ½)s − ½`` clamped at 0, or ``o(in−1)/(out−1)``
    with ``align_corners=True``. Give ``size`` or ``scale_factor``; with ``scale_factor`` the
    coordinates use 1/scale_factor unless ``recompute_scale_factor``, as in PyTorch.

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> F.interpolate(ac.tensor([[[1.0, 3.0]]]), scale_factor=2, mode="linear")
        tensor([[[1. , 1.5, 2.5, 3. ]]])
    """
    if x.ndim < 3:
        raise ShapeError(
            f"interpolate: expected an (N, C, *spatial) input, got shape {tuple(x.shape)}. Add "
            "the batch and channel axes (x.reshape(1, 1, -1) for one signal)."
        )
    n = x.ndim - 2
    if mode != "nearest" and _LINEAR.get(mode) != n:
        raise ValueError(
            f"interpolate: mode {mode!r} does not fit an input with {n} spatial axes (shape "
            f"{tuple(x.shape)}). Use 'nearest' or "
            f"{[m for m, k in _LINEAR.items() if k == n] or 'a 3-D to 5-D input'}."
        )
    if mode == "nearest" and align_corners is not None:
        raise ValueError(
            "interpolate: align_corners can only be set with the linear modes (linear, "
            "bilinear, trilinear); leave it None for 'nearest'."
        )
    out, scales = _sizes(x, n, size, scale_factor, recompute_scale_factor)
    y = x
    for i, (n_in, n_out, s) in enumerate(zip(x.shape[2:], out, scales)):
        if mode == "nearest":
            if n_in != n_out:
                y = _nearest_along(y, 2 + i, _nearest_index(x.xp, n_in, n_out, s), n_in)
        else:
            w = _linear_matrix(x.xp, n_in, n_out, s, bool(align_corners), x.dtype)
            y = matmul_along(y, 2 + i, w)
    return y


def upsample(
    x: Tensor,
    size: Any = None,
    scale_factor: Any = None,
    mode: str = "nearest",
    align_corners: bool | None = None,
) -> Tensor:
    """PyTorch's older name for ``interpolate`` (same arguments and results).

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> F.upsample(ac.ones(1, 1, 2, 2), scale_factor=2).shape
        (1, 1, 4, 4)
    """
    return interpolate(x, size, scale_factor, mode, align_corners)


def upsample_nearest(x: Tensor, size: Any = None, scale_factor: Any = None) -> Tensor:
    """``interpolate(x, size, scale_factor, mode='nearest')`` (PyTorch's old helper).

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> F.upsample_nearest(ac.tensor([[[1.0, 2.0]]]), 4)
        tensor([[[1., 1., 2., 2.]]])
    """
    return interpolate(x, size, scale_factor, mode="nearest")


def upsample_bilinear(x: Tensor, size: Any = None, scale_factor: Any = None) -> Tensor:
    """``interpolate(x, ..., mode='bilinear', align_corners=True)`` (PyTorch's old helper).

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> F.upsample_bilinear(ac.tensor([[[[0.0, 3.0]]]]), (1, 4)).tolist()
        [[[[0.0, 1.0, 2.0, 3.0]]]]
    """
    return interpolate(x, size, scale_factor, mode="bilinear", align_corners=True)


def pixel_shuffle(x: Tensor, upscale_factor: int) -> Tensor:
    """(*, C·r², H, W) → (*, C, H·r, W·r): sub-pixel rearrangement of channels into space, as
    ``F.pixel_shuffle`` (Shi et al., 2016, https://arxiv.org/abs/1609.05158).

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> F.pixel_shuffle(ac.arange(4.0).reshape(1, 4, 1, 1), 2).tolist()
        [[[[0.0, 1.0], [2.0, 3.0]]]]
    """
    r = int(upscale_factor)
    if x.ndim < 3 or r < 1 or x.shape[-3] % (r * r):
        raise ShapeError(
            f"pixel_shuffle: needs an input (*, C·r², H, W) with r = {upscale_factor!r} ≥ 1; got "
            f"shape {tuple(x.shape)}. Make the channel count a multiple of r² = {r * r}."
        )
    *lead, c, h, w = x.shape
    k = len(lead)
    y = x.reshape((*lead, c // (r * r), r, r, h, w))
    y = y.permute(*range(k), k, k + 3, k + 1, k + 4, k + 2)
    return y.reshape((*lead, c // (r * r), h * r, w * r))


def pixel_unshuffle(x: Tensor, downscale_factor: int) -> Tensor:
    """(*, C, H·r, W·r) → (*, C·r², H, W): the inverse of ``pixel_shuffle``, as
    ``F.pixel_unshuffle``.

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> F.pixel_unshuffle(ac.arange(4.0).reshape(1, 1, 2, 2), 2).reshape(-1).tolist()
        [0.0, 1.0, 2.0, 3.0]
    """
    r = int(downscale_factor)
    if x.ndim < 3 or r < 1 or x.shape[-1] % r or x.shape[-2] % r:
        raise ShapeError(
            f"pixel_unshuffle: needs an input (*, C, H·r, W·r) with r = {downscale_factor!r} ≥ 1; "
            f"got shape {tuple(x.shape)}. Make H and W multiples of r."
        )
    *lead, c, hr, wr = x.shape
    k = len(lead)
    y = x.reshape((*lead, c, hr // r, r, wr // r, r))
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
