"""Pooling layers: MaxPool1d/2d/3d, AvgPool1d/2d/3d and LPPool1d/2d/3d, thin modules over
``nn.functional`` with PyTorch's constructor arguments and attribute names (the adaptive ones,
AdaptiveAvgPool1d/2d/3d and AdaptiveMaxPool1d/2d/3d, are in ``nn/pooling_adaptive.py``, and
MaxUnpool1d/2d/3d in ``nn/unpooling.py``; all are exported here too).

Pooling is the third stage of a typical convolutional layer (convolution, detector, pooling:
Goodfellow, Bengio & Courville, *Deep Learning* §9.3, fig. 9.7); it has no parameters.
"""

from __future__ import annotations

from typing import Any

from autograd_core.tensor import Tensor
from nn import functional as F
from nn.module import Module
from nn.pooling_adaptive import (
    AdaptiveAvgPool1d,
    AdaptiveAvgPool2d,
    AdaptiveAvgPool3d,
    AdaptiveMaxPool1d,
    AdaptiveMaxPool2d,
    AdaptiveMaxPool3d,
)
from nn.unpooling import MaxUnpool1d, MaxUnpool2d, MaxUnpool3d

__all__ = [
    "MaxPool1d",
    "MaxPool2d",
    "MaxPool3d",
    "AvgPool1d",
    "AvgPool2d",
    "AvgPool3d",
    "LPPool1d",
    "LPPool2d",
    "LPPool3d",
    "AdaptiveMaxPool1d",
    "AdaptiveMaxPool2d",
    "AdaptiveMaxPool3d",
    "AdaptiveAvgPool1d",
    "AdaptiveAvgPool2d",
    "AdaptiveAvgPool3d",
    "MaxUnpool1d",
    "MaxUnpool2d",
    "MaxUnpool3d",
]


class _MaxPoolNd(Module):
    dims = 2

    def __init__(
        self,
        kernel_size: Any,
        stride: Any = None,
        padding: Any = 0,
        dilation: Any = 1,
        return_indices: bool = False,
        ceil_mode: bool = False,
    ) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def forward(self, x: Tensor) -> Any:
        fn = getattr(F, f"max_pool{self.dims}d")
        return fn(
            x,
            self.kernel_size,
            self.stride,
            self.padding,
            self.dilation,
            ceil_mode=self.ceil_mode,
            return_indices=self.return_indices,
        )

    def extra_repr(self) -> str:
        return (
            f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
            f"dilation={self.dilation}, ceil_mode={self.ceil_mode}"
        )


class MaxPool1d(_MaxPoolNd):
    """y[n, c, o] = max over the window of x[n, c, ·] starting at o·stride − padding
    (``F.max_pool1d``); the gradient goes to one element per window (the first maximum).

    Args:
        kernel_size, stride (default kernel_size), padding (−∞, at most half the kernel),
        dilation, return_indices (also return the flat positions, for MaxUnpool), ceil_mode
        (keep a last, shorter window).

    Shape:
        (N, C, L) or (C, L) → (N, C, L_out), L_out = ⌊(L + 2p − d(k − 1) − 1)/s⌋ + 1 (⌈⌉ in
        ceil mode, keeping windows that start inside the input or left padding).

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.MaxPool1d(2)(ac.tensor([[[1.0, 4.0, 3.0, 2.0]]]))
        tensor([[[4., 3.]]])
    """

    dims = 1


class MaxPool2d(_MaxPoolNd):
    """Max over windows of the last two axes (``F.max_pool2d``); arguments as ``MaxPool1d``,
    each an int or a pair.

    Shape:
        (N, C, H, W) or (C, H, W) → (N, C, H_out, W_out), each axis as in ``MaxPool1d``.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.MaxPool2d(2)(ac.ones(1, 3, 28, 28)).shape
        (1, 3, 14, 14)
    """

    dims = 2


class MaxPool3d(_MaxPoolNd):
    """Max over windows of the last three axes (``F.max_pool3d``); arguments as ``MaxPool1d``.

    Shape:
        (N, C, D, H, W) or (C, D, H, W) → (N, C, D_out, H_out, W_out).

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.MaxPool3d(2, stride=1)(ac.ones(1, 1, 3, 3, 3)).shape
        (1, 1, 2, 2, 2)
    """

    dims = 3


class _AvgPoolNd(Module):
    dims = 2

    def __init__(
        self,
        kernel_size: Any,
        stride: Any = None,
        padding: Any = 0,
        ceil_mode: bool = False,
        count_include_pad: bool = True,
        divisor_override: int | None = None,
    ) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    def forward(self, x: Tensor) -> Tensor:
        extra = {} if self.dims == 1 else {"divisor_override": self.divisor_override}
        fn = getattr(F, f"avg_pool{self.dims}d")
        return fn(
            x,
            self.kernel_size,
            self.stride,
            self.padding,
            self.ceil_mode,
            self.count_include_pad,
            **extra,
        )

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool1d(_AvgPoolNd):
    """y[n, c, o] = mean of the window of x[n, c, ·] at o (``F.avg_pool1d``).

    Args:
        kernel_size, stride (default kernel_size), padding (zeros, at most half the kernel),
        ceil_mode, count_include_pad (padding counts in the divisor; default True).

    Shape:
        (N, C, L) or (C, L) → (N, C, L_out), L_out as in ``MaxPool1d`` with d = 1.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.AvgPool1d(2)(ac.tensor([[[1.0, 3.0, 5.0, 7.0]]]))
        tensor([[[2., 6.]]])
    """

    dims = 1

    def __init__(
        self,
        kernel_size: Any,
        stride: Any = None,
        padding: Any = 0,
        ceil_mode: bool = False,
        count_include_pad: bool = True,
    ) -> None:
        super().__init__(kernel_size, stride, padding, ceil_mode, count_include_pad)


class AvgPool2d(_AvgPoolNd):
    """Mean over windows of the last two axes (``F.avg_pool2d``); arguments as ``AvgPool1d``
    plus ``divisor_override`` (divide every window sum by this instead).

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.AvgPool2d(2)(ac.ones(1, 1, 4, 4)).tolist()
        [[[[1.0, 1.0], [1.0, 1.0]]]]
    """

    dims = 2


class AvgPool3d(_AvgPoolNd):
    """Mean over windows of the last three axes (``F.avg_pool3d``); arguments as ``AvgPool2d``.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.AvgPool3d(2)(ac.ones(1, 1, 2, 2, 2)).tolist()
        [[[[[1.0]]]]]
    """

    dims = 3


class _LPPoolNd(Module):
    dims = 2

    def __init__(
        self, norm_type: float, kernel_size: Any, stride: Any = None, ceil_mode: bool = False
    ) -> None:
        super().__init__()
        self.norm_type = norm_type
        self.kernel_size = kernel_size
        self.stride = stride
        self.ceil_mode = ceil_mode

    def forward(self, x: Tensor) -> Tensor:
        fn = getattr(F, f"lp_pool{self.dims}d")
        return fn(x, self.norm_type, self.kernel_size, self.stride, self.ceil_mode)

    def extra_repr(self) -> str:
        return (
            f"norm_type={self.norm_type}, kernel_size={self.kernel_size}, stride={self.stride}, "
            f"ceil_mode={self.ceil_mode}"
        )


class LPPool1d(_LPPoolNd):
    r"""y = (Σ_window x^p)^{1/p} over windows of the last axis (``F.lp_pool1d``): p = 2 is the
    seeds' L² pooling, p → ∞ approaches max pooling.

    Args:
        norm_type: p. kernel_size, stride (default kernel_size), ceil_mode.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.LPPool1d(2, 2)(ac.tensor([[[3.0, 4.0]]]))
        tensor([[[5.]]])
    """

    dims = 1


class LPPool2d(_LPPoolNd):
    """Power-average pooling over the last two axes (``F.lp_pool2d``); see ``LPPool1d``.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.LPPool2d(1, 2)(ac.ones(1, 1, 2, 2)).tolist()
        [[[[4.0]]]]
    """

    dims = 2


class LPPool3d(_LPPoolNd):
    """Power-average pooling over the last three axes (``F.lp_pool3d``); see ``LPPool1d``.

    Shape:
        (N, C, D, H, W) or (C, D, H, W) → (N, C, D_out, H_out, W_out), each axis as in
        ``MaxPool1d`` with padding 0 and dilation 1.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.LPPool3d(1, 2)(ac.ones(1, 1, 2, 2, 2)).tolist()
        [[[[[8.0]]]]]
    """

    dims = 3
