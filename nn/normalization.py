"""Normalisation layers: LayerNorm and BatchNorm1d.

Each layer documents its formula, shapes and default initialisation; ``reset_parameters()``
re-draws the parameters and is separate from ``__init__``.
"""

from __future__ import annotations

from typing import Any

import autograd_core as ac
from autograd_core.tensor import Tensor
from nn import functional as F
from nn import init
from nn.layers import empty_parameter
from nn.module import Module

__all__ = ["LayerNorm", "BatchNorm1d", "trailing_affine"]


def trailing_affine(
    module: Module, normalized_shape: Any, eps: Any, affine: bool, bias: bool | None, device, dtype
) -> None:
    """The constructor state that LayerNorm and RMSNorm share: ``normalized_shape`` as a tuple
    (an int for the last axis), ``eps``, ``elementwise_affine``, and the parameters ``weight``
    and (with ``bias``) ``bias`` of that shape when ``affine``, else registered as None
    (``bias=None``: no ``bias`` at all, as RMSNorm). The caller's ``reset_parameters`` gives
    them their values."""
    if isinstance(normalized_shape, int):
        normalized_shape = (normalized_shape,)
    module.normalized_shape = tuple(normalized_shape)
    module.eps = eps
    module.elementwise_affine = affine
    module.register_parameter("weight", None)
    if bias is not None:
        module.register_parameter("bias", None)
    if affine:
        module.weight = empty_parameter(*module.normalized_shape, dtype=dtype, device=device)
        if bias:
            module.bias = empty_parameter(*module.normalized_shape, dtype=dtype, device=device)


class LayerNorm(Module):
    """y = (x − E[x]) / √(Var[x] + ε) · γ + β over the last axes (Ba et al., 2016).

    Args:
        normalized_shape: the trailing shape to normalise over (an int for the last axis).
        eps: added to the variance.
        elementwise_affine: learn γ and β.

    Attributes:
        weight: γ of shape ``normalized_shape``, initialised to 1.
        bias: β of shape ``normalized_shape``, initialised to 0.
    """

    def __init__(
        self,
        normalized_shape: int | tuple[int, ...],
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        trailing_affine(self, normalized_shape, eps, elementwise_affine, bias, device, dtype)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """γ = 1, β = 0."""
        if self.weight is not None:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)

    def forward(self, x: Tensor) -> Tensor:
        return F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"
            f", bias={self.bias is not None}"
        )


class BatchNorm1d(Module):
    """y = (x − μ) / √(σ² + ε) · γ + β per channel (axis 1) of (N, C) or (N, C, L) inputs
    (Ioffe & Szegedy, 2015).

    In training μ, σ² are the batch statistics (biased variance) and the running estimates are
    updated as ``r ← (1 − momentum) r + momentum · batch`` (unbiased variance); with
    ``momentum=None`` the factor is 1/num_batches_tracked (a cumulative average of the batches
    seen). In eval mode the running estimates are used. ``bias=False`` (keyword-only, as
    PyTorch) keeps γ but no β (``bias`` is None, absent from the state_dict).

    Attributes:
        weight: γ (C,), initialised to 1.   bias: β (C,), initialised to 0.
        running_mean: buffer (C,), starts at 0.   running_var: buffer (C,), starts at 1.
        num_batches_tracked: buffer, the number of training batches seen.
    """

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        device: Any = None,
        dtype: Any = None,
        *,
        bias: bool = True,
    ) -> None:
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        self.register_parameter("weight", None)
        self.register_parameter("bias", None)
        if affine:
            self.weight = empty_parameter(num_features, dtype=dtype, device=device)
            if bias:
                self.bias = empty_parameter(num_features, dtype=dtype, device=device)
        if track_running_stats:
            self.register_buffer("running_mean", ac.zeros(num_features, dtype=dtype, device=device))
            self.register_buffer("running_var", ac.ones(num_features, dtype=dtype, device=device))
            self.register_buffer("num_batches_tracked", ac.zeros((), dtype="int64", device=device))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)
        self.reset_parameters()

    _version = 2  # (num_batches_tracked joined the state in torch's version 2)

    def _legacy_state(self, version: int | None) -> frozenset[str]:
        """A state dict without a version, or of version 1, may lack ``num_batches_tracked``:
        the count is kept (torch's rule, for checkpoints made before the buffer existed)."""
        old = (version is None or version < 2) and self.track_running_stats
        return frozenset({"num_batches_tracked"}) if old else frozenset()

    def reset_running_stats(self) -> None:
        """Running mean 0, running variance 1, no batches tracked."""
        if self.track_running_stats:
            self.running_mean.data[...] = 0
            self.running_var.data[...] = 1
            self.num_batches_tracked.data[...] = 0

    def reset_parameters(self) -> None:
        """γ = 1, β = 0, and fresh running statistics."""
        self.reset_running_stats()
        if self.weight is not None:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)

    def batch_norm_args(self) -> dict[str, Any]:
        """The running statistics, ``training`` and the ``momentum`` factor for ``F.batch_norm``
        in this step, counting the step in ``num_batches_tracked`` when training with tracked
        statistics; ``momentum=None`` gives the factor 1/num_batches_tracked (PyTorch's
        cumulative moving average)."""
        momentum = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked.data[...] += 1
            if self.momentum is None:
                momentum = 1.0 / float(self.num_batches_tracked.item())
        tracked = self.track_running_stats
        return {
            "running_mean": self.running_mean if tracked else None,
            "running_var": self.running_var if tracked else None,
            "training": self.training or not tracked,
            "momentum": momentum,
        }

    def forward(self, x: Tensor) -> Tensor:
        if x.ndim not in (2, 3) or x.shape[1] != self.num_features:
            raise ac.ShapeError(
                f"BatchNorm1d({self.num_features}): expected input (N, {self.num_features}) or "
                f"(N, {self.num_features}, L), got {tuple(x.shape)}."
            )
        return F.batch_norm(
            x, weight=self.weight, bias=self.bias, eps=self.eps, **self.batch_norm_args()
        )

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
            f"affine={self.affine}, bias={self.bias is not None}, "
            f"track_running_stats={self.track_running_stats}"
        )
