"""More normalisation layers in PyTorch's names: RMSNorm and LocalResponseNorm (their functional
forms are in ``nn/functional_norm_more.py``)."""

from __future__ import annotations

from typing import Any

from autograd_core.tensor import Tensor
from nn import functional_norm_more as FN
from nn import init
from nn.module import Module
from nn.normalization import trailing_affine

__all__ = ["RMSNorm", "LocalResponseNorm"]


class RMSNorm(Module):
    """y = x / √(mean(x²) + ε) · γ over the last axes (Zhang & Sennrich, 2019).

    Args:
        normalized_shape: the trailing shape to normalise over (an int for the last axis).
        eps: added to the mean square; None (the default) uses the input dtype's machine
            epsilon, as PyTorch.
        elementwise_affine: learn γ.

    Attributes:
        weight: γ of shape ``normalized_shape``, initialised to 1 (None without affine).

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.RMSNorm(2, eps=0.0)(ac.tensor([[3.0, -3.0]])).tolist()
        [[1.0, -1.0]]
    """

    def __init__(
        self,
        normalized_shape: Any,
        eps: float | None = None,
        elementwise_affine: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        trailing_affine(self, normalized_shape, eps, elementwise_affine, None, device, dtype)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """γ = 1."""
        if self.weight is not None:
            init.ones_(self.weight)

    def forward(self, x: Tensor) -> Tensor:
        return FN.rms_norm(x, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"
        )


class LocalResponseNorm(Module):
    """bᶜ = aᶜ (k + α/n Σ (a^{c'})²)^(−β) over the n = ``size`` channels around c (AlexNet's
    normalisation), for (N, C, *) inputs.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.LocalResponseNorm(2)(ac.zeros(1, 3, 2)).shape
        (1, 3, 2)
    """

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0):
        super().__init__()
        self.size = size
        self.alpha = alpha
        self.beta = beta
        self.k = k

    def forward(self, x: Tensor) -> Tensor:
        return FN.local_response_norm(x, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"
