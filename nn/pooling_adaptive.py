"""Adaptive pooling layers: AdaptiveAvgPool1d/2d/3d and AdaptiveMaxPool1d/2d/3d, thin modules
over ``nn.functional`` with PyTorch's constructor arguments and attribute names.

Their windows scale with the input, so a network ends in a fixed-size map whatever the input
size (Goodfellow, Bengio & Courville, *Deep Learning* §9.3: pooling regions that scale with
the input size for inputs of varying size); ``AdaptiveAvgPool2d(1)`` is global average pooling.
"""

from __future__ import annotations

from typing import Any

from autograd_core.tensor import Tensor
from nn import functional as F
from nn.module import Module

__all__ = [
    "AdaptiveAvgPool1d",
    "AdaptiveAvgPool2d",
    "AdaptiveAvgPool3d",
    "AdaptiveMaxPool1d",
    "AdaptiveMaxPool2d",
    "AdaptiveMaxPool3d",
]


class _AdaptiveNd(Module):
    kind = "avg"
    dims = 2

    def __init__(self, output_size: Any, return_indices: bool = False) -> None:
        super().__init__()
        self.output_size = output_size
        if self.kind == "max":
            self.return_indices = return_indices

    def forward(self, x: Tensor) -> Any:
        fn = getattr(F, f"adaptive_{self.kind}_pool{self.dims}d")
        if self.kind == "max":
            return fn(x, self.output_size, self.return_indices)
        return fn(x, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveAvgPool1d(_AdaptiveNd):
    """Mean over ``output_size`` windows that scale with the input length
    (``F.adaptive_avg_pool1d``): a fixed-size output for variable-size inputs.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.AdaptiveAvgPool1d(1)(ac.tensor([[[1.0, 2.0, 6.0]]]))
        tensor([[[3.]]])
    """

    kind, dims = "avg", 1

    def __init__(self, output_size: Any) -> None:
        super().__init__(output_size)


class AdaptiveAvgPool2d(_AdaptiveNd):
    """Mean over an ``output_size`` grid of windows that scale with the input
    (``F.adaptive_avg_pool2d``); ``AdaptiveAvgPool2d(1)`` is global average pooling.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.AdaptiveAvgPool2d((2, 3))(ac.ones(4, 8, 13, 9)).shape
        (4, 8, 2, 3)
    """

    kind, dims = "avg", 2

    def __init__(self, output_size: Any) -> None:
        super().__init__(output_size)


class AdaptiveAvgPool3d(_AdaptiveNd):
    """Mean over an ``output_size`` grid of windows that scale with the input, over the last
    three axes (``F.adaptive_avg_pool3d``; an int or a triple, None keeps that size).

    Shape:
        (N, C, D, H, W) or (C, D, H, W) → (N, C, *output_size).

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.AdaptiveAvgPool3d((1, None, 2))(ac.ones(2, 3, 5, 4, 7)).shape
        (2, 3, 1, 4, 2)
    """

    kind, dims = "avg", 3

    def __init__(self, output_size: Any) -> None:
        super().__init__(output_size)


class AdaptiveMaxPool1d(_AdaptiveNd):
    """Max over ``output_size`` windows that scale with the input length
    (``F.adaptive_max_pool1d``); ``return_indices`` also returns the positions.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.AdaptiveMaxPool1d(2)(ac.tensor([[[1.0, 5.0, 2.0, 4.0]]]))
        tensor([[[5., 4.]]])
    """

    kind, dims = "max", 1


class AdaptiveMaxPool2d(_AdaptiveNd):
    """Max over an ``output_size`` grid of windows that scale with the input
    (``F.adaptive_max_pool2d``).

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.AdaptiveMaxPool2d(1)(ac.arange(6.0).reshape(1, 2, 3)).tolist()
        [[[5.0]]]
    """

    kind, dims = "max", 2


class AdaptiveMaxPool3d(_AdaptiveNd):
    """Max over an ``output_size`` grid of windows that scale with the input, over the last
    three axes (``F.adaptive_max_pool3d``); ``return_indices`` also returns the flat positions
    in each D·H·W plane.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.AdaptiveMaxPool3d(1)(ac.arange(8.0).reshape(1, 2, 2, 2)).tolist()
        [[[[7.0]]]]
    """

    kind, dims = "max", 3
