"""L1 and L2 penalties to add to a loss: λ‖w‖₁ and λ‖w‖₂² (the course notes' regularisers).

Weight decay applied by the optimizer (``optim.SGD(weight_decay=...)``) is the L2 penalty's
gradient folded into the update; these helpers put the penalty in the loss instead, so it shows
in the reported loss and works with any optimizer.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from autograd_core.tensor import Tensor
from nn.module import Module

__all__ = ["l1_penalty", "l2_penalty", "weight_parameters"]


def weight_parameters(model: Module) -> list[Tensor]:
    """The parameters named ``weight`` (or ending in ``.weight``) that require grad: the ones
    usually regularised (biases and normalisation shifts are left alone)."""
    return [
        p
        for name, p in model.named_parameters()
        if name.rsplit(".", 1)[-1] == "weight" and p.requires_grad
    ]


def _params(params: Module | Iterable[Tensor] | Tensor) -> list[Tensor]:
    if isinstance(params, Module):
        return weight_parameters(params)
    if isinstance(params, Tensor):
        return [params]
    return list(params)


def l1_penalty(params: Module | Iterable[Tensor] | Tensor, weight: float = 1.0) -> Any:
    """λ Σ |w| over ``params`` (a module's weights, or an iterable of tensors).

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.l1_penalty([ac.tensor([1.0, -2.0])], weight=0.5)
        tensor(1.5)
    """
    total: Any = 0.0
    for p in _params(params):
        total = total + p.abs().sum()
    return total * weight


def l2_penalty(params: Module | Iterable[Tensor] | Tensor, weight: float = 1.0) -> Any:
    """λ Σ w² over ``params`` (note: no ½; the gradient is 2λw).

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> model = nn.Linear(2, 1)
        >>> loss = nn.functional.mse_loss(model(ac.ones(4, 2)), ac.zeros(4, 1))
        >>> total = loss + nn.l2_penalty(model, weight=1e-4)  # biases are not penalised
        >>> total.shape
        ()
    """
    total: Any = 0.0
    for p in _params(params):
        total = total + (p * p).sum()
    return total * weight
