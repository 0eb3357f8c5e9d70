r"""``interpolate`` and its older names (``upsample``, ``upsample_nearest``,
``upsample_bilinear``) for ``nn.functional``: resize the spatial axes of an (N, C, *spatial)
input, every mode of PyTorch's ``F.interpolate``.

The seeds' "variantes" section asks for outputs as large as the input (per-pixel labels) when
pooling has shrunk the maps; upsampling is one way back. Every mode but ``'area'`` is separable:
resizing is one product per spatial axis with a constant (out, in) matrix (``matmul_along``;
the matrices and PyTorch's rules for them are in ``nn/resample_weights.py``), and ``'area'`` is
the adaptive average pool, as in PyTorch. Only recorded ops, so differentiable to any order.
"""

from __future__ import annotations

import math
from typing import Any

from autograd_core.errors import ShapeError
from autograd_core.ops.pooling_adaptive import (
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    adaptive_avg_pool3d,
    matmul_along,
)
from autograd_core.tensor import Tensor
from nn.resample_weights import (
    antialias_weights,
    cubic_weights,
    linear_weights,
    nearest_exact_index,
    nearest_index,
    one_hot_rows,
)

__all__ = ["interpolate", "upsample", "upsample_nearest", "upsample_bilinear"]

_LINEAR = {"linear": 1, "bilinear": 2, "trilinear": 3}
_AREA = {1: adaptive_avg_pool1d, 2: adaptive_avg_pool2d, 3: adaptive_avg_pool3d}
_UNALIGNED = ("nearest", "nearest-exact", "area")  # modes without align_corners


def _modes_for(n: int) -> list[str]:
    """The modes that fit an input with n spatial axes."""
    fits = ["nearest", "nearest-exact"] + (["area"] if n in _AREA else [])
    fits += [m for m, k in _LINEAR.items() if k == n]
    return fits + (["bicubic", "lanczos"] if n == 2 else [])


def _check_mode(x: Tensor, n: int, mode: str, align_corners: Any, antialias: bool) -> None:
    if mode not in _modes_for(n):
        raise ValueError(
            f"interpolate: mode {mode!r} does not fit an input with {n} spatial axes (shape "
            f"{tuple(x.shape)}). Use one of {_modes_for(n)}, or reshape the input to "
            "(N, C, *spatial) with as many spatial axes as the mode needs."
        )
    if mode in _UNALIGNED and align_corners is not None:
        raise ValueError(
            f"interpolate: align_corners can only be set with the interpolating modes (linear, "
            f"bilinear, bicubic, trilinear); leave it None for {mode!r}."
        )
    if mode == "lanczos" and (align_corners or not antialias):
        raise ValueError(
            "interpolate: mode 'lanczos' needs antialias=True and align_corners False or None "
            f"(PyTorch's rule); got antialias={antialias}, align_corners={align_corners}."
        )
    if antialias and mode not in ("bilinear", "bicubic", "lanczos"):
        raise ValueError(
            f"interpolate: antialias=True needs mode 'bilinear', 'bicubic' or 'lanczos' and an "
            "(N, C, H, W) "
            f"input; got mode {mode!r} and shape {tuple(x.shape)}. Drop antialias, or use one "
            "of those modes."
        )


def _sizes(
    x: Tensor, n: int, size: Any, scale_factor: Any, recompute: bool | None, smallest: int = 1
) -> tuple[tuple[int, ...], list[float | None]]:
    """Output spatial size and, per axis, the scale factor PyTorch maps coordinates with (None:
    use in/out). Sizes below ``smallest`` are refused (PyTorch's 'area', an adaptive pool,
    takes 0; its other kernels need at least 1)."""
    if (size is None) == (scale_factor is None):
        raise ValueError(
            f"interpolate: pass exactly one of size and scale_factor, got size={size!r} and "
            f"scale_factor={scale_factor!r}."
        )
    spatial = tuple(x.shape[2:])
    if size is not None:
        if recompute:
            raise ValueError(
                f"interpolate: recompute_scale_factor=True needs scale_factor; with size={size!r} "
                "there is no scale to recompute. Leave recompute_scale_factor None."
            )
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
    if len(out) != n or any(o < smallest for o in out):
        raise ShapeError(
            f"interpolate: output size {out} does not fit {n} spatial axes of an input of "
            f"shape {tuple(x.shape)} (sizes must be at least {smallest}). Pass size with {n} "
            f"entries of at least {smallest}."
        )
    return out, scales


def _axis_matrix(
    x: Tensor,
    mode: str,
    n_in: int,
    n_out: int,
    scale: float | None,
    align_corners: bool,
    antialias: bool,
) -> Any:
    """The (n_out, n_in) matrix resizing one axis, or None where PyTorch copies the axis: the
    linear modes and antialias copy an axis whose length does not change (whatever
    scale_factor says), 'nearest' too but only for 2 spatial axes (torch 2.13's 1-D and 3-D
    kernels apply ⌊o·s⌋); bicubic and 'nearest-exact' copy it only when its coordinates are
    the identity (no scale_factor, or align_corners)."""
    xp, dtype = x.xp, x.dtype
    same = n_in == n_out
    if mode == "nearest":
        if same and (scale is None or x.ndim == 4):
            return None
        index = nearest_index(xp, n_in, n_out, scale, shortcuts=x.ndim == 4)
        return one_hot_rows(xp, index, n_in, dtype)
    if mode == "nearest-exact":
        if same and scale is None:
            return None
        return one_hot_rows(xp, nearest_exact_index(xp, n_in, n_out, scale), n_in, dtype)
    if same and (mode != "bicubic" or antialias or scale is None or align_corners):
        return None
    if antialias:
        return antialias_weights(xp, n_in, n_out, scale, align_corners, mode, dtype)
    if mode == "bicubic":
        return cubic_weights(xp, n_in, n_out, scale, align_corners, dtype)
    return linear_weights(xp, n_in, n_out, scale, align_corners, dtype)


def interpolate(
    input: Tensor,  # noqa: A002  (PyTorch's name)
    size: Any = None,
    scale_factor: Any = None,
    mode: str = "nearest",
    align_corners: bool | None = None,
    recompute_scale_factor: bool | None = None,
    antialias: bool = False,
) -> Tensor:
    r"""Resize the spatial axes of an (N, C, *spatial) input, as ``F.interpolate``.

    Give ``size`` or ``scale_factor``; with ``scale_factor`` the output is ⌊in·scale⌋ and the
    coordinates use 1/scale_factor unless ``recompute_scale_factor`` (then in/out), as in
    PyTorch. ``mode``:

    - ``'nearest'``: source index ⌊o·s⌋ (s = in/out or 1/scale_factor), PyTorch's historical
      off-centre rule; ``'nearest-exact'``: ⌊(o + ½)·s⌋, the centred one (PIL, scikit-image);
    - ``'linear'``/``'bilinear'``/``'trilinear'`` (1, 2, 3 spatial axes): separable linear
      interpolation at source coordinate (o + ½)s − ½ clamped at 0, or o(in−1)/(out−1) with
      ``align_corners=True``;
    - ``'bicubic'`` (2 spatial axes): Keys' cubic convolution (A = −0.75) at the same
      coordinates, not clamped, with the border entries repeated outside the input (the result
      can overshoot the input's range, as PyTorch's);
    - ``'area'``: the adaptive average pool to the output size (``adaptive_avg_pool{1,2,3}d``).

    ``antialias=True`` (bilinear, bicubic and lanczos on (N, C, H, W) only) widens the filter
    by the scale when downsampling and normalises each output's weights (PIL's resize; the
    bicubic filter then uses A = −0.5), as PyTorch. ``'lanczos'`` (2 spatial axes, needs
    ``antialias=True``) is that resize with the Lanczos-3 filter sinc(x)·sinc(x/3), PIL's
    ``Image.LANCZOS``. A deliberate difference: torch 2.13's antialiased
    kernels are wrong when the output width is 1 and the height changes (they repeat one row);
    ours applies the same per-axis rule there too.

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> F.interpolate(ac.tensor([[[1.0, 3.0]]]), scale_factor=2, mode="linear")
        tensor([[[1. , 1.5, 2.5, 3. ]]])
        >>> F.interpolate(ac.tensor([[[1.0, 2.0, 3.0, 4.0]]]), size=2, mode="area")
        tensor([[[1.5, 3.5]]])
    """
    x = input
    if x.ndim < 3:
        raise ShapeError(
            f"interpolate: expected an (N, C, *spatial) input, got shape {tuple(x.shape)}. Add "
            "the batch and channel axes (x.reshape(1, 1, -1) for one signal)."
        )
    n = x.ndim - 2
    _check_mode(x, n, mode, align_corners, antialias)
    if mode == "area":
        # PyTorch derives the size from scale_factor as with recompute_scale_factor=True
        out, _ = _sizes(x, n, size, scale_factor, recompute_scale_factor, smallest=0)
        return _AREA[n](x, out)
    out, scales = _sizes(x, n, size, scale_factor, recompute_scale_factor)
    y = x
    for i, (n_in, n_out, s) in enumerate(zip(x.shape[2:], out, scales)):
        w = _axis_matrix(x, mode, n_in, n_out, s, bool(align_corners), antialias)
        if w is not None:
            y = matmul_along(y, 2 + i, w)
    return y


def upsample(
    input: Tensor,  # noqa: A002  (PyTorch's name)
    size: Any = None,
    scale_factor: Any = None,
    mode: str = "nearest",
    align_corners: bool | None = None,
) -> Tensor:
    """PyTorch's older name for ``interpolate`` (same arguments and results, every mode).

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> F.upsample(ac.ones(1, 1, 2, 2), scale_factor=2, mode="bicubic").shape
        (1, 1, 4, 4)
    """
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input: Tensor, size: Any = None, scale_factor: Any = None) -> Tensor:  # noqa: A002
    """``interpolate(input, size, scale_factor, mode='nearest')`` (PyTorch's old helper).

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> F.upsample_nearest(ac.tensor([[[1.0, 2.0]]]), 4)
        tensor([[[1., 1., 2., 2.]]])
    """
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input: Tensor, size: Any = None, scale_factor: Any = None) -> Tensor:  # noqa: A002
    """``interpolate(input, ..., mode='bilinear', align_corners=True)`` (PyTorch's old helper).

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> F.upsample_bilinear(ac.tensor([[[[0.0, 3.0]]]]), (1, 4)).tolist()
        [[[[0.0, 1.0, 2.0, 3.0]]]]
    """
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)
