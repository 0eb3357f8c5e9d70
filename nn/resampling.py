"""Conv-net layers without parameters besides pooling: channel dropout (Dropout1d/2d/3d),
Upsample (and its fixed-mode forms UpsamplingNearest2d and UpsamplingBilinear2d), PixelShuffle,
PixelUnshuffle and ChannelShuffle, over ``nn.functional``."""

from __future__ import annotations

from typing import Any

from autograd_core.random import Generator
from autograd_core.tensor import Tensor
from nn import functional as F
from nn.module import Module

__all__ = [
    "Dropout1d",
    "Dropout2d",
    "Dropout3d",
    "Upsample",
    "UpsamplingNearest2d",
    "UpsamplingBilinear2d",
    "PixelShuffle",
    "PixelUnshuffle",
    "ChannelShuffle",
]


class _DropoutNd(Module):
    dims = 2

    def __init__(
        self, p: float = 0.5, inplace: bool = False, generator: Generator | None = None
    ) -> None:
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"{type(self).__name__}: probability p must be in [0, 1], got {p!r}.")
        self.p = p
        self.inplace = inplace
        self.generator = generator

    def forward(self, x: Tensor) -> Tensor:
        fn = getattr(F, f"dropout{self.dims}d")
        return fn(x, self.p, self.training, self.inplace, self.generator)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout1d(_DropoutNd):
    """Channel dropout in training: each channel of each (N, C, L) sample is zeroed whole with
    probability p and the rest scaled by 1/(1 − p); the identity in eval mode (``F.dropout1d``).

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.Dropout1d(0.5).eval()(ac.ones(1, 2, 3)).sum().item()
        6.0
    """

    dims = 1


class Dropout2d(_DropoutNd):
    """Channel dropout for (N, C, H, W) inputs (Tompson et al., 2015: neighbouring pixels are
    correlated, so dropping single pixels barely regularises); see ``Dropout1d``.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.Dropout2d(1.0)(ac.ones(1, 2, 3, 3)).sum().item()
        0.0
    """

    dims = 2


class Dropout3d(_DropoutNd):
    """Channel dropout for (N, C, D, H, W) inputs; see ``Dropout1d``.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.Dropout3d(0.0)(ac.ones(1, 1, 2, 2, 2)).sum().item()
        8.0
    """

    dims = 3


class Upsample(Module):
    """Resize the spatial axes by ``size`` or ``scale_factor`` (``F.interpolate``).

    Args:
        size: output spatial size. scale_factor: multiplier per axis. mode: ``'nearest'``,
        ``'nearest-exact'``, ``'linear'``, ``'bilinear'``, ``'bicubic'``, ``'trilinear'`` or
        ``'area'`` (see ``F.interpolate``). align_corners: for the linear and cubic modes.
        recompute_scale_factor: map coordinates with in/out instead of 1/scale_factor.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.Upsample(scale_factor=2, mode="bilinear")(ac.ones(1, 1, 2, 3)).shape
        (1, 1, 4, 6)
    """

    def __init__(
        self,
        size: Any = None,
        scale_factor: Any = None,
        mode: str = "nearest",
        align_corners: bool | None = None,
        recompute_scale_factor: bool | None = None,
    ) -> None:
        super().__init__()
        self.size = size
        # stored as floats, as PyTorch stores it (its repr shows scale_factor=2.0)
        if isinstance(scale_factor, (tuple, list)):
            scale_factor = tuple(float(f) for f in scale_factor)
        elif scale_factor:
            scale_factor = float(scale_factor)
        self.scale_factor = scale_factor
        self.mode = mode
        self.align_corners = align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, x: Tensor) -> Tensor:
        return F.interpolate(
            x,
            self.size,
            self.scale_factor,
            self.mode,
            self.align_corners,
            self.recompute_scale_factor,
        )

    def extra_repr(self) -> str:
        """torch's form: the scale factor when one is set, else the size (None included)."""
        if self.scale_factor is not None:
            return f"scale_factor={self.scale_factor!r}, mode={self.mode!r}"
        return f"size={self.size!r}, mode={self.mode!r}"


class UpsamplingNearest2d(Upsample):
    """``Upsample(size, scale_factor, mode="nearest")``, PyTorch's fixed-mode form for
    (N, C, H, W) inputs: output pixel (i, j) copies input pixel (⌊i·H/H'⌋, ⌊j·W/W'⌋) (with
    ``scale_factor``, ⌊i/scale⌋).

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.UpsamplingNearest2d(scale_factor=2)(ac.ones(1, 1, 2, 3)).shape
        (1, 1, 4, 6)
    """

    def __init__(self, size: Any = None, scale_factor: Any = None) -> None:
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    """``Upsample(size, scale_factor, mode="bilinear", align_corners=True)``, PyTorch's
    fixed-mode form for (N, C, H, W) inputs: the corner pixels of input and output are
    aligned, output (i, j) interpolates input at (i·(H−1)/(H'−1), j·(W−1)/(W'−1)).

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> x = ac.tensor([[[[0.0, 3.0]]]])
        >>> nn.UpsamplingBilinear2d(size=(1, 4))(x).tolist()
        [[[[0.0, 1.0, 2.0, 3.0]]]]
    """

    def __init__(self, size: Any = None, scale_factor: Any = None) -> None:
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)


class PixelShuffle(Module):
    """(*, C·r², H, W) → (*, C, H·r, W·r), channels rearranged into space
    (``F.pixel_shuffle``; Shi et al., 2016, https://arxiv.org/abs/1609.05158).

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.PixelShuffle(3)(ac.ones(1, 9, 4, 4)).shape
        (1, 1, 12, 12)
    """

    def __init__(self, upscale_factor: int) -> None:
        super().__init__()
        self.upscale_factor = upscale_factor

    def forward(self, x: Tensor) -> Tensor:
        return F.pixel_shuffle(x, self.upscale_factor)

    def extra_repr(self) -> str:
        return f"upscale_factor={self.upscale_factor}"


class PixelUnshuffle(Module):
    """(*, C, H·r, W·r) → (*, C·r², H, W), the inverse of ``PixelShuffle``
    (``F.pixel_unshuffle``).

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.PixelUnshuffle(2)(ac.ones(1, 1, 4, 4)).shape
        (1, 4, 2, 2)
    """

    def __init__(self, downscale_factor: int) -> None:
        super().__init__()
        self.downscale_factor = downscale_factor

    def forward(self, x: Tensor) -> Tensor:
        return F.pixel_unshuffle(x, self.downscale_factor)

    def extra_repr(self) -> str:
        return f"downscale_factor={self.downscale_factor}"


class ChannelShuffle(Module):
    """(N, C, *) → (N, C, *) with the channels of ``groups`` groups interleaved
    (``F.channel_shuffle``; ShuffleNet, https://arxiv.org/abs/1707.01083).

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.ChannelShuffle(2)(ac.arange(4.0).reshape(1, 4, 1, 1)).reshape(-1).tolist()
        [0.0, 2.0, 1.0, 3.0]
    """

    def __init__(self, groups: int) -> None:
        super().__init__()
        self.groups = groups

    def forward(self, x: Tensor) -> Tensor:
        return F.channel_shuffle(x, self.groups)

    def extra_repr(self) -> str:
        return f"groups={self.groups}"
