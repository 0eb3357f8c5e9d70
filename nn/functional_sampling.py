r"""Spatial transformers in ``nn.functional``: ``affine_grid`` and ``grid_sample`` (Jaderberg et
al., 2015, https://arxiv.org/abs/1506.02025).

Both are composed from recorded ops, so gradients to the input, the grid and theta (and their
second derivatives) come from the engine. ``affine_grid`` is one matmul of a constant base grid
with θᵀ. ``grid_sample`` maps the normalised grid to pixel coordinates (a differentiable affine
map, then the padding rule as ``where``/products with constant signs), takes the integer corners
on the host, gathers the corner values of the flattened input in one ``take_along_axis`` and
weights them with the (differentiable) bilinear or bicubic weights. Out-of-range corners are
masked with ``where``, which passes no gradient to the masked side.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

from autograd_core.errors import ShapeError
from autograd_core.ops.binary import where
from autograd_core.ops.common import const
from autograd_core.ops.indexing import take_along_axis
from autograd_core.ops.join import stack
from autograd_core.ops.linalg import matmul
from autograd_core.ops.rounding import sign
from autograd_core.tensor import Tensor

__all__ = ["affine_grid", "grid_sample"]

_MODES = ("bilinear", "nearest", "bicubic")
_PADDINGS = ("zeros", "border", "reflection")


def _linspace(xp: Any, n: int, align_corners: bool, dtype: Any) -> Any:
    """Pixel centres in normalised coordinates: −1…1 (corner centres) with align_corners, else
    scaled by (n−1)/n (the outer pixel edges at ±1); a single pixel sits at 0."""
    if n <= 1:
        return xp.zeros(n, dtype=dtype)
    t = xp.linspace(-1.0, 1.0, n, dtype=xp.float64)
    return (t if align_corners else t * ((n - 1) / n)).astype(dtype)


def affine_grid(theta: Tensor, size: Any, align_corners: bool | None = None) -> Tensor:
    r"""Sampling grid of the affine maps θ, as ``F.affine_grid``.

    For ``size`` (N, C, H, W) and θ of shape (N, 2, 3) the result (N, H, W, 2) is
    ``grid[n, i, j] = θ[n] · (x_j, y_i, 1)`` with x_j, y_i the pixel centres in [−1, 1]
    (``align_corners=True``: −1 and 1 are the corner pixels' centres; False or None, PyTorch's
    default: their outer edges). For ``size`` (N, C, D, H, W), θ is (N, 3, 4) and the grid
    (N, D, H, W, 3) holds (x, y, z).

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> theta = ac.tensor([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]])
        >>> F.affine_grid(theta, (1, 1, 1, 2), align_corners=True).tolist()
        [[[[-1.0, 0.0], [1.0, 0.0]]]]
    """
    size = tuple(int(s) for s in size)
    if len(size) not in (4, 5):
        raise ShapeError(
            f"affine_grid: size must be (N, C, H, W) or (N, C, D, H, W), got {size}. Pass the "
            "shape of the output you will sample into."
        )
    k = len(size) - 2
    if theta.dtype.kind != "f":
        raise TypeError(
            f"affine_grid: theta must be floating point, got dtype {theta.dtype}. Cast it, e.g. "
            "theta.float()."
        )
    if tuple(theta.shape) != (size[0], k, k + 1):
        raise ShapeError(
            f"affine_grid: for size {size} theta must have shape {(size[0], k, k + 1)} (one "
            f"{k}×{k + 1} affine matrix per batch entry), got {tuple(theta.shape)}."
        )
    if min(size) < 0 or min(size[2:], default=1) == 0:
        raise ShapeError(f"affine_grid: size {size} must have positive spatial sizes.")
    xp = theta.xp
    spatial = size[2:]
    # the coordinates are listed fastest-axis first: (x over W, y over H, z over D)
    axes = [_linspace(xp, n, bool(align_corners), theta.dtype) for n in reversed(spatial)]
    mesh = xp.meshgrid(*reversed(axes), indexing="ij")  # each of shape spatial
    base = xp.stack([*reversed(mesh), xp.ones(spatial, dtype=theta.dtype)], axis=-1)
    grid = matmul(const(base.reshape(-1, k + 1)), theta.transpose(1, 2))
    return grid.reshape((size[0], *spatial, k))


def _unnormalize(g: Tensor, n: int, align_corners: bool) -> Tensor:
    """Normalised −1…1 to pixel coordinates: (g+1)/2·(n−1) with align_corners, else
    ((g+1)·n − 1)/2."""
    if align_corners:
        return (g + 1.0) * ((n - 1) / 2)
    return ((g + 1.0) * n - 1.0) / 2


def _clip(c: Tensor, n: int) -> Tensor:
    """c clamped to [0, n−1], with PyTorch's gradient: 1 strictly inside, 0 on and beyond the
    ends (``where`` with a constant, not ``clamp``, whose gradient is 1 on the ends)."""
    xp = c.xp
    inside = (c.data > 0) & (c.data < n - 1)
    return where(inside, c, const(xp.clip(c.data, 0, n - 1)))


def _reflect(c: Tensor, twice_low: int, twice_high: int) -> Tensor:
    """c reflected into [low, high] = [twice_low/2, twice_high/2] as often as needed: with
    d = |c − low| and span = high − low, ``low + d mod span`` after an even number of
    reflections and ``high − d mod span`` after an odd one. The signs and reflection counts
    are constants, so the gradient is ±1, as PyTorch's."""
    xp = c.xp
    if twice_low == twice_high:
        return const(xp.zeros(c.shape, dtype=c.dtype))
    low, span = twice_low / 2, (twice_high - twice_low) / 2
    d = c - low
    d = d * const(xp.where(d.data < 0, -1.0, 1.0).astype(c.dtype))
    flips = xp.floor(d.data / span)
    extra = d - const((flips * span).astype(c.dtype))
    return where(flips % 2 == 0, extra + low, (span + low) - extra)


def _pad(c: Tensor, n: int, padding_mode: str, align_corners: bool) -> Tensor:
    """Pixel coordinate c along an axis of size n after the padding rule: unchanged (zeros),
    clamped (border) or reflected at the ends, then clamped (reflection)."""
    if padding_mode == "border":
        return _clip(c, n)
    if padding_mode == "reflection":
        c = _reflect(c, 0, 2 * (n - 1)) if align_corners else _reflect(c, -1, 2 * n - 1)
        return _clip(c, n)
    return c


def _cubic(t: Tensor) -> list[Tensor]:
    """Keys' cubic-convolution weights (a = −0.75, as PyTorch) of the taps at −1, 0, 1, 2
    for a point at fraction t past tap 0: k(t + 1), k(t), k(1 − t), k(2 − t), with
    k(s) = ((a+2)s − (a+3))s² + 1 for s ≤ 1 and ((as − 5a)s + 8a)s − 4a for 1 < s < 2."""
    a = -0.75

    def near(s: Tensor) -> Tensor:
        return ((a + 2) * s - (a + 3)) * s * s + 1.0

    def far(s: Tensor) -> Tensor:
        return ((a * s - 5 * a) * s + 8 * a) * s - 4 * a

    return [far(t + 1.0), near(t), near(1.0 - t), far(2.0 - t)]


def grid_sample(
    input: Tensor,  # noqa: A002  (PyTorch's name)
    grid: Tensor,
    mode: str = "bilinear",
    padding_mode: str = "zeros",
    align_corners: bool | None = None,
) -> Tensor:
    r"""Sample an (N, C, H, W) input at the points of an (N, H_out, W_out, 2) grid, as
    ``F.grid_sample``; the result is (N, C, H_out, W_out).

    ``grid[n, i, j] = (x, y)`` in normalised coordinates: x = −1 and 1 are the left and right
    ends of the input (the centres of the corner pixels with ``align_corners=True``, their outer
    edges with False or None, PyTorch's default), y likewise for the top and bottom. Pixel
    coordinates are (x+1)/2·(W−1) resp. ((x+1)·W − 1)/2. ``mode='bilinear'`` weights the four
    neighbouring pixels by (1−t_x)(1−t_y), t_x(1−t_y), (1−t_x)t_y, t_x t_y; ``'nearest'`` takes
    the nearest pixel (ties to even); ``'bicubic'`` weights the 4×4 neighbours by Keys' cubic
    convolution (a = −0.75) in x times that in y. ``padding_mode``: ``'zeros'`` (pixels outside
    are 0), ``'border'`` (coordinates clamped to the input) or ``'reflection'`` (coordinates
    reflected at the borders, then clamped); for bicubic the rule moves each of the 16 taps.
    A 5-D input (N, C, D, H, W) takes a grid (N, D_out, H_out, W_out, 3) of (x, y, z) points;
    there ``'bilinear'`` is trilinear (eight neighbours) and ``'bicubic'`` is not defined.

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> x = ac.tensor([[[[0.0, 10.0]]]])
        >>> F.grid_sample(x, ac.tensor([[[[0.0, 0.0]]]]), align_corners=True).tolist()
        [[[[5.0]]]]
    """
    if mode not in _MODES:
        raise ValueError(f"grid_sample: mode must be one of {_MODES}, got {mode!r}.")
    if padding_mode not in _PADDINGS:
        raise ValueError(
            f"grid_sample: padding_mode must be one of {_PADDINGS}, got {padding_mode!r}."
        )
    k = input.ndim - 2
    if input.ndim not in (4, 5) or grid.ndim != input.ndim or grid.shape[-1] != k:
        raise ShapeError(
            f"grid_sample: expected an input (N, C, H, W) with a grid (N, H_out, W_out, 2), or "
            f"an input (N, C, D, H, W) with a grid (N, D_out, H_out, W_out, 3); got shapes "
            f"{tuple(input.shape)} and {tuple(grid.shape)}."
        )
    if grid.shape[0] != input.shape[0]:
        raise ShapeError(
            f"grid_sample: grid and input need the same batch size, got grid "
            f"{tuple(grid.shape)} and input {tuple(input.shape)}. Give one grid per input."
        )
    if input.dtype != grid.dtype:
        raise TypeError(
            f"grid_sample: input and grid need the same dtype, got {input.dtype} and "
            f"{grid.dtype}. Cast one of them."
        )
    if min(input.shape[2:]) == 0:
        raise ShapeError(
            f"grid_sample: input of shape {tuple(input.shape)} has an empty spatial axis."
        )
    if mode == "bicubic" and k != 2:
        raise ValueError(
            f"grid_sample: mode='bicubic' needs a 4-D input, got shape {tuple(input.shape)} "
            "(as PyTorch). Use 'bilinear' (trilinear on 5-D) or 'nearest'."
        )
    xp = input.xp
    n, c = input.shape[:2]
    sizes = input.shape[:1:-1]  # (W, H) or (W, H, D): the order of the grid's components
    out_shape = tuple(grid.shape[1:-1])
    p = math.prod(out_shape)
    align = bool(align_corners)
    # per axis (x, y, z): the integer taps (host arrays) and their weights (recorded tensors)
    taps: list[list[Any]] = []
    weights: list[list[Tensor]] = []
    for i, size in enumerate(sizes):
        u = _unnormalize(grid[..., i], size, align).reshape((n, 1, p))
        if mode == "bicubic":  # the padding rule moves the 4 integer taps, not the point
            u0 = xp.floor(u.data)
            taps.append([_pad(const(u0 + t - 1), size, padding_mode, align).data for t in range(4)])
            weights.append(_cubic(u - const(u0)))
            continue
        u = _pad(u, size, padding_mode, align)
        if mode == "nearest":
            taps.append([xp.round(u.data)])  # halves to even, as PyTorch
            # weight 1, recorded through sign (gradient 0) so that the grid gets its 0 gradient
            weights.append([sign(u) * 0.0 + 1.0])
        else:
            u0 = xp.floor(u.data)
            t = u - const(u0)
            taps.append([u0, u0 + 1])
            weights.append([1.0 - t, t])
    flats, valids, wts = [], [], []
    for combo in itertools.product(*(range(len(a)) for a in taps)):
        flat, valid, wt = 0, True, None
        for axis, j in enumerate(combo):
            tap, size = taps[axis][j], sizes[axis]
            valid = valid & xp.isfinite(tap) & (tap >= 0) & (tap < size)
            flat = flat + tap * math.prod(sizes[:axis])
            wt = weights[axis][j] if wt is None else wt * weights[axis][j]
        flats.append(flat)
        valids.append(valid)
        wts.append(wt)
    m = len(wts)
    valid = xp.concatenate(valids, axis=1)  # (n, m, P)
    flat = xp.where(valid, xp.concatenate(flats, axis=1), 0).astype(xp.int64)
    values = take_along_axis(
        input.reshape((n, c, math.prod(sizes))), flat.reshape(n, 1, m * p), axis=2
    )
    wt = where(valid, stack(wts, axis=1).reshape((n, m, p)), 0.0)
    out = (values.reshape((n, c, m, p)) * wt.reshape((n, 1, m, p))).sum(axis=2)
    return out.reshape((n, c, *out_shape))
