"""Normalisation layers for conv nets: BatchNorm2d/3d, GroupNorm and InstanceNorm1d/2d/3d.

Names of parameters and buffers are PyTorch's (``weight``, ``bias``, ``running_mean``,
``running_var``, ``num_batches_tracked``), so a converted PyTorch ``state_dict`` loads. Each
layer documents its formula, shapes and initialisation; ``reset_parameters()`` is separate from
``__init__``.
"""

from __future__ import annotations

from typing import Any

import autograd_core as ac
from autograd_core.tensor import Tensor
from nn import functional as F
from nn import init
from nn.layers import empty_parameter
from nn.module import Module
from nn.normalization import BatchNorm1d

__all__ = [
    "BatchNorm2d",
    "BatchNorm3d",
    "GroupNorm",
    "InstanceNorm1d",
    "InstanceNorm2d",
    "InstanceNorm3d",
]


class _BatchNormNd(BatchNorm1d):
    spatial = 2

    def forward(self, x: Tensor) -> Tensor:
        name = f"{type(self).__name__}({self.num_features})"
        if x.ndim != self.spatial + 2 or x.shape[1] != self.num_features:
            raise ac.ShapeError(
                f"{name}: expected input (N, {self.num_features}, "
                f"{', '.join('*' * self.spatial)}), got {tuple(x.shape)}. Check the channel "
                "count of the previous layer and the number of axes (BatchNorm1d takes (N, C) "
                "and (N, C, L), BatchNorm2d (N, C, H, W), BatchNorm3d (N, C, D, H, W))."
            )
        return F.batch_norm(
            x, weight=self.weight, bias=self.bias, eps=self.eps, **self.batch_norm_args()
        )


class BatchNorm2d(_BatchNormNd):
    """y = (x − μ) / √(σ² + ε) · γ + β per channel of (N, C, H, W) inputs, μ and σ² over the
    batch and both spatial axes (Ioffe & Szegedy, 2015, https://arxiv.org/abs/1502.03167).

    Training, evaluation and the running estimates as in ``BatchNorm1d`` (biased variance to
    normalise, unbiased in the running estimate).

    Args:
        num_features: C. eps, momentum (default 0.1), affine, track_running_stats.

    Attributes:
        weight: γ (C,), initialised to 1.   bias: β (C,), initialised to 0.
        running_mean: buffer (C,), starts at 0.   running_var: buffer (C,), starts at 1.
        num_batches_tracked: buffer, the number of training batches seen.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> y = nn.BatchNorm2d(3)(ac.randn(4, 3, 5, 5))
        >>> abs(y.mean().item()) < 1e-6
        True
    """

    spatial = 2


class BatchNorm3d(_BatchNormNd):
    """Batch normalisation per channel of (N, C, D, H, W) inputs; see ``BatchNorm2d``.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.BatchNorm3d(2)(ac.randn(2, 2, 3, 3, 3)).shape
        (2, 2, 3, 3, 3)
    """

    spatial = 3


class GroupNorm(Module):
    """y = (x − μ) / √(σ² + ε) · γ + β with μ, σ² over each group of C/G channels of each sample
    (and all its positions), γ and β per channel (Wu & He, 2018,
    https://arxiv.org/abs/1803.08494). No running statistics: the same in train and eval.

    Args:
        num_groups: G, which must divide num_channels. num_channels: C. eps. affine.

    Shape:
        (N, C, *) → same shape.

    Attributes:
        weight: γ (C,), initialised to 1.   bias: β (C,), initialised to 0.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.GroupNorm(2, 4)(ac.randn(3, 4, 5)).shape
        (3, 4, 5)
    """

    def __init__(
        self,
        num_groups: int,
        num_channels: int,
        eps: float = 1e-5,
        affine: bool = True,
        device: Any = None,
        dtype: Any = None,
        *,
        bias: bool = True,
    ) -> None:
        super().__init__()
        if num_groups < 1 or num_channels % num_groups:
            raise ValueError(
                f"GroupNorm: num_channels={num_channels} must be divisible by "
                f"num_groups={num_groups}. Pick a divisor of num_channels."
            )
        self.num_groups = num_groups
        self.num_channels = num_channels
        self.eps = eps
        self.affine = affine
        self.register_parameter("weight", None)
        self.register_parameter("bias", None)
        if affine:
            self.weight = empty_parameter(num_channels, dtype=dtype, device=device)
            if bias:
                self.bias = empty_parameter(num_channels, dtype=dtype, device=device)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """γ = 1, β = 0."""
        if self.weight is not None:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)

    def forward(self, x: Tensor) -> Tensor:
        if x.ndim < 2 or x.shape[1] != self.num_channels:
            raise ac.ShapeError(
                f"GroupNorm({self.num_groups}, {self.num_channels}): expected input (N, "
                f"{self.num_channels}, *), got {tuple(x.shape)}. Check the channel count."
            )
        return F.group_norm(x, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
            f"bias={self.bias is not None}"
        )


class _InstanceNormNd(BatchNorm1d):
    spatial = 2

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float = 0.1,
        affine: bool = False,
        track_running_stats: bool = False,
        device: Any = None,
        dtype: Any = None,
        *,
        bias: bool = True,
    ) -> None:
        super().__init__(
            num_features,
            eps,
            momentum,
            affine,
            track_running_stats,
            device=device,
            dtype=dtype,
            bias=bias,
        )

    def forward(self, x: Tensor) -> Tensor:
        name = f"{type(self).__name__}({self.num_features})"
        if x.ndim not in (self.spatial + 1, self.spatial + 2) or x.shape[-self.spatial - 1] != (
            self.num_features
        ):
            raise ac.ShapeError(
                f"{name}: expected input (N, {self.num_features}, "
                f"{', '.join('*' * self.spatial)}) or ({self.num_features}, "
                f"{', '.join('*' * self.spatial)}), got {tuple(x.shape)}. Check the channel count."
            )
        unbatched = x.ndim == self.spatial + 1
        xb = x.reshape((1, *x.shape)) if unbatched else x
        # (PyTorch's instance norm never advances num_batches_tracked; neither does this)
        y = F.instance_norm(
            xb,
            self.running_mean if self.track_running_stats else None,
            self.running_var if self.track_running_stats else None,
            self.weight,
            self.bias,
            use_input_stats=self.training or not self.track_running_stats,
            momentum=0.0 if self.momentum is None else self.momentum,  # (PyTorch's choice)
            eps=self.eps,
        )
        return y.reshape(x.shape) if unbatched else y


class InstanceNorm1d(_InstanceNormNd):
    """Instance normalisation of (N, C, L) or (C, L) inputs: each channel of each sample over
    its positions; see ``InstanceNorm2d``.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.InstanceNorm1d(2)(ac.randn(3, 2, 5)).shape
        (3, 2, 5)
    """

    spatial = 1


class InstanceNorm2d(_InstanceNormNd):
    """y = (x − μ) / √(σ² + ε) · γ + β with μ, σ² over the H·W positions of each channel of
    each sample (Ulyanov et al., 2016, https://arxiv.org/abs/1607.08022).

    PyTorch's defaults: ``affine=False`` and ``track_running_stats=False`` (then train and eval
    both use the instance statistics). With tracking, training moves the running estimates
    towards the batch average of the per-instance statistics and eval uses them;
    ``momentum=None`` leaves them unchanged (PyTorch passes momentum 0 then: no cumulative
    average, unlike BatchNorm). ``bias=False`` keeps γ only, as ``BatchNorm2d``.

    Attributes:
        weight, bias: γ, β (C,), 1 and 0, only with ``affine``.
        running_mean, running_var, num_batches_tracked: buffers, only with tracking.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> y = nn.InstanceNorm2d(3)(ac.randn(2, 3, 4, 4))
        >>> abs(y[1, 2].mean().item()) < 1e-6
        True
    """

    spatial = 2


class InstanceNorm3d(_InstanceNormNd):
    """Instance normalisation of (N, C, D, H, W) or (C, D, H, W) inputs; see ``InstanceNorm2d``.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.InstanceNorm3d(1)(ac.randn(1, 1, 2, 2, 2)).shape
        (1, 1, 2, 2, 2)
    """

    spatial = 3
