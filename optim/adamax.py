"""Adamax: the infinity-norm variant of Adam."""

from __future__ import annotations

from typing import Any

from autograd_core.device import get_array_module
from optim._kernel_utils import effective_grad, ema_
from optim.adam import check_adam_options
from optim.optimizer import Optimizer, ParamsT

__all__ = ["Adamax", "adamax_update"]


def adamax_update(
    param: Any,
    grad: Any,
    exp_avg: Any,
    exp_inf: Any,
    *,
    step: int,
    lr: float,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
    weight_decay: float = 0.0,
    maximize: bool = False,
) -> None:
    """One Adamax step on one array, in place: the maths of :class:`Adamax`.

    Args:
        param: parameter array θ, updated in place.
        grad: gradient array (read only).
        exp_avg: first moment m, updated in place.
        exp_inf: exponentially weighted infinity norm u, updated in place.
        step: the index t of this step, starting at 1.
        lr: learning rate γ.
        beta1: β₁.
        beta2: β₂.
        eps: ε added to |g| before the maximum.
        weight_decay: L2 penalty λ.
        maximize: ascend instead of descend.

    Example:
        >>> import numpy as np
        >>> p, g, m, u = np.array([1.0]), np.array([0.5]), np.zeros(1), np.zeros(1)
        >>> adamax_update(p, g, m, u, step=1, lr=0.1, eps=0.0)
        >>> p.round(6)
        array([0.9])
    """
    xp = get_array_module(param)
    grad = effective_grad(param, grad, weight_decay, maximize)
    tmp = ema_(exp_avg, grad, beta1)  # m ← β₁ m + (1 − β₁) g
    # u ← max(β₂ u, |g| + ε)
    exp_inf *= beta2
    xp.abs(grad, out=tmp)
    tmp += eps
    xp.maximum(exp_inf, tmp, out=exp_inf)
    clr = lr / (1 - beta1**step)
    xp.multiply(exp_avg, -clr, out=tmp)
    tmp /= exp_inf
    param += tmp


class Adamax(Optimizer):
    r"""Adamax: Adam with the second moment replaced by an exponentially weighted max of |g|.

    Algorithm (notation of the PyTorch documentation)::

        input: γ (lr), β₁, β₂ (betas), θ₀ (params), f(θ) (objective), λ (weight decay),
               ε (epsilon), maximize
        initialize: m₀ ← 0 (first moment), u₀ ← 0 (infinity norm)
        for t = 1 … do
            g_t ← ∇θ f_t(θ_{t-1})          (−∇ if maximize)
            if λ ≠ 0:  g_t ← g_t + λ θ_{t-1}
            m_t ← β₁ m_{t-1} + (1 − β₁) g_t
            u_t ← max(β₂ u_{t-1}, |g_t| + ε)
            θ_t ← θ_{t-1} − γ m_t / ((1 − β₁ᵗ) u_t)
        return θ_t

    Paper: Kingma & Ba, `Adam: A Method for Stochastic Optimization
    <https://arxiv.org/abs/1412.6980>`_ (2015), Section 7.1.

    Differences from the paper: ε is added to |g_t| inside the maximum (the paper has no ε;
    it keeps u_t > 0 when gradients vanish); weight decay is an addition. Both as in PyTorch.

    Args:
        params: iterable of Tensors or of dicts defining parameter groups.
        lr: learning rate γ (default: 2e-3).
        betas: (β₁, β₂) (default: (0.9, 0.999)).
        eps: ε (default: 1e-8).
        weight_decay: L2 penalty λ (default: 0).
        maximize: maximize the objective instead of minimizing it (default: False).

    Raises:
        ValueError: a hyperparameter is out of range (message as in PyTorch).

    Example:
        >>> import autograd_core as ac
        >>> import optim
        >>> w = ac.tensor([1.0, -2.0], dtype=ac.float64, requires_grad=True)
        >>> opt = optim.Adamax([w], lr=0.1)
        >>> (w * w).sum().backward()
        >>> _ = opt.step()
        >>> w.data.round(4).tolist()
        [0.9, -1.9]
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        *,
        maximize: bool = False,
    ) -> None:
        check_adam_options(lr, betas, eps, weight_decay)
        defaults = {
            "lr": lr,
            "betas": tuple(betas),
            "eps": eps,
            "weight_decay": weight_decay,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _update(self, param: Any, grad: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        if not state:
            self._init_state(state, param, "exp_avg", "exp_inf")
        state["step"] += 1
        beta1, beta2 = group["betas"]
        self._run_kernel(
            adamax_update,
            (param, grad, state["exp_avg"], state["exp_inf"]),
            step=state["step"],
            lr=group["lr"],
            beta1=beta1,
            beta2=beta2,
            eps=group["eps"],
            weight_decay=group["weight_decay"],
            maximize=group["maximize"],
        )
