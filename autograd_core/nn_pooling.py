"""The pooling, padding and grid-sampling functions PyTorch also exposes at top level
(``torch.max_pool2d``, ``torch.constant_pad_nd``, ``torch.grid_sampler`` …), with torch's
top-level signatures: no ``return_indices`` (``max_pool1d_with_indices`` and
``adaptive_max_pool1d`` return both), ``stride=[]`` for the kernel size, and integer mode codes
for the grid sampler."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from autograd_core.errors import ShapeError
from autograd_core.nn_functions import functional
from autograd_core.ops import padding as padding_ops
from autograd_core.ops.pooling import max_pool1d as _max_pool1d_op
from autograd_core.ops.pooling import max_pool2d as _max_pool2d_op
from autograd_core.ops.pooling import max_pool3d as _max_pool3d_op
from autograd_core.ops.pooling_adaptive import adaptive_avg_pool1d
from autograd_core.ops.pooling_adaptive import adaptive_max_pool1d as _adaptive_max_op
from autograd_core.ops.pooling_avg import avg_pool1d as _avg_pool1d_op
from autograd_core.tensor import Tensor

__all__ = [
    "max_pool1d",
    "max_pool2d",
    "max_pool3d",
    "max_pool1d_with_indices",
    "avg_pool1d",
    "adaptive_avg_pool1d",
    "adaptive_max_pool1d",
    "constant_pad_nd",
    "affine_grid_generator",
    "grid_sampler",
    "grid_sampler_2d",
    "grid_sampler_3d",
]


def _stride(stride: Any) -> Any:
    # torch's top-level pooling takes stride=[] for "the kernel size"
    return None if isinstance(stride, (list, tuple)) and len(stride) == 0 else stride


def max_pool1d(
    input: Tensor,  # noqa: A002
    kernel_size: Any,
    stride: Any = (),
    padding: Any = 0,
    dilation: Any = 1,
    ceil_mode: bool = False,
) -> Tensor:
    """``F.max_pool1d`` without ``return_indices`` (see ``max_pool1d_with_indices``); an empty
    ``stride`` means the kernel size."""
    return _max_pool1d_op(input, kernel_size, _stride(stride), padding, dilation, ceil_mode)


def max_pool2d(
    input: Tensor,  # noqa: A002
    kernel_size: Any,
    stride: Any = (),
    padding: Any = 0,
    dilation: Any = 1,
    ceil_mode: bool = False,
) -> Tensor:
    """``F.max_pool2d`` without ``return_indices``; an empty ``stride`` means the kernel size."""
    return _max_pool2d_op(input, kernel_size, _stride(stride), padding, dilation, ceil_mode)


def max_pool3d(
    input: Tensor,  # noqa: A002
    kernel_size: Any,
    stride: Any = (),
    padding: Any = 0,
    dilation: Any = 1,
    ceil_mode: bool = False,
) -> Tensor:
    """``F.max_pool3d`` without ``return_indices``; an empty ``stride`` means the kernel size."""
    return _max_pool3d_op(input, kernel_size, _stride(stride), padding, dilation, ceil_mode)


def max_pool1d_with_indices(
    input: Tensor,  # noqa: A002
    kernel_size: Any,
    stride: Any = (),
    padding: Any = 0,
    dilation: Any = 1,
    ceil_mode: bool = False,
) -> tuple[Tensor, Tensor]:
    """``(values, indices)`` of ``max_pool1d``: indices (int64) along the input's last axis."""
    return _max_pool1d_op(
        input, kernel_size, _stride(stride), padding, dilation, ceil_mode, return_indices=True
    )


def avg_pool1d(
    input: Tensor,  # noqa: A002
    kernel_size: Any,
    stride: Any = (),
    padding: Any = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
) -> Tensor:
    """``F.avg_pool1d`` (torch's top-level form has no ``divisor_override``)."""
    return _avg_pool1d_op(
        input, kernel_size, _stride(stride), padding, ceil_mode, count_include_pad
    )


def adaptive_max_pool1d(input: Tensor, output_size: Any) -> tuple[Tensor, Tensor]:  # noqa: A002
    """``(values, indices)`` of ``F.adaptive_max_pool1d`` (torch's top-level form always
    returns both)."""
    return _adaptive_max_op(input, output_size, return_indices=True)


def constant_pad_nd(input: Tensor, pad: Sequence[int], value: float = 0) -> Tensor:  # noqa: A002
    """``F.pad(input, pad, "constant", value)``: ``pad`` gives (before, after) pairs from the
    last dimension backwards; negative entries crop."""
    return padding_ops.pad(input, list(pad), "constant", value)


_INTERPOLATION = {0: "bilinear", 1: "nearest", 2: "bicubic"}
_PADDING = {0: "zeros", 1: "border", 2: "reflection"}


def affine_grid_generator(theta: Tensor, size: Sequence[int], align_corners: bool) -> Tensor:
    """``F.affine_grid(theta, size, align_corners)`` (all arguments required)."""
    return functional().affine_grid(theta, list(size), align_corners=align_corners)


def grid_sampler(
    input: Tensor,  # noqa: A002
    grid: Tensor,
    interpolation_mode: int,
    padding_mode: int,
    align_corners: bool,
) -> Tensor:
    """``F.grid_sample`` with the modes as torch's integer codes: interpolation 0 bilinear,
    1 nearest, 2 bicubic; padding 0 zeros, 1 border, 2 reflection.

    Raises:
        ValueError: a code outside those.
    """
    if interpolation_mode not in _INTERPOLATION or padding_mode not in _PADDING:
        raise ValueError(
            f"grid_sampler: interpolation_mode must be 0, 1 or 2 and padding_mode 0, 1 or 2, "
            f"got {interpolation_mode!r} and {padding_mode!r}. Or call F.grid_sample with the "
            "mode names."
        )
    return functional().grid_sample(
        input,
        grid,
        mode=_INTERPOLATION[interpolation_mode],
        padding_mode=_PADDING[padding_mode],
        align_corners=align_corners,
    )


def grid_sampler_2d(
    input: Tensor,  # noqa: A002
    grid: Tensor,
    interpolation_mode: int,
    padding_mode: int,
    align_corners: bool,
) -> Tensor:
    """``grid_sampler`` for a 4-d (N, C, H, W) input."""
    if input.ndim != 4:
        raise ShapeError(f"grid_sampler_2d: expected a 4-d input, got shape {tuple(input.shape)}.")
    return grid_sampler(input, grid, interpolation_mode, padding_mode, align_corners)


def grid_sampler_3d(
    input: Tensor,  # noqa: A002
    grid: Tensor,
    interpolation_mode: int,
    padding_mode: int,
    align_corners: bool,
) -> Tensor:
    """``grid_sampler`` for a 5-d (N, C, D, H, W) input."""
    if input.ndim != 5:
        raise ShapeError(f"grid_sampler_3d: expected a 5-d input, got shape {tuple(input.shape)}.")
    return grid_sampler(input, grid, interpolation_mode, padding_mode, align_corners)
