"""RAdam: Adam whose adaptive step is switched on, and rectified, once its variance is tractable."""

from __future__ import annotations

from typing import Any

from autograd_core.device import get_array_module
from optim._kernel_utils import effective_grad, ema_, ema_square_
from optim.adam import check_adam_options
from optim.optimizer import Optimizer, ParamsT

__all__ = ["RAdam", "radam_update"]


def radam_rho(step: int, beta2: float) -> tuple[float, float]:
    """(ρ_∞, ρ_t): the maximum and the step-t length of the approximated simple moving average.

    Example:
        >>> [round(r, 4) for r in radam_rho(6, 0.999)]
        [1999.0, 5.9942]
    """
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * step * (beta2**step) / (1 - beta2**step)
    return rho_inf, rho_t


def radam_update(
    param: Any,
    grad: Any,
    exp_avg: Any,
    exp_avg_sq: Any,
    *,
    step: int,
    lr: float,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
    weight_decay: float = 0.0,
    decoupled_weight_decay: bool = False,
    maximize: bool = False,
) -> None:
    """One RAdam step on one array, in place: the maths of :class:`RAdam`.

    Args:
        param: parameter array θ, updated in place.
        grad: gradient array (read only).
        exp_avg: first moment m, updated in place.
        exp_avg_sq: second moment v, updated in place.
        step: the index t of this step, starting at 1.
        lr: learning rate γ.
        beta1: β₁.
        beta2: β₂.
        eps: ε added to √v.
        weight_decay: λ, as an L2 penalty or decoupled.
        decoupled_weight_decay: shrink θ by (1 − γλ) instead of adding λθ to the gradient.
        maximize: ascend instead of descend.

    Example:
        >>> import numpy as np
        >>> p, g, m, v = np.array([1.0]), np.array([0.5]), np.zeros(1), np.zeros(1)
        >>> radam_update(p, g, m, v, step=1, lr=0.1)  # ρ₁ ≤ 5: a plain momentum step
        >>> p.round(6)
        array([0.95])
    """
    xp = get_array_module(param)
    grad = effective_grad(param, grad, 0.0 if decoupled_weight_decay else weight_decay, maximize)
    if decoupled_weight_decay and weight_decay != 0:
        param *= 1 - lr * weight_decay
    tmp = ema_(exp_avg, grad, beta1)  # m ← β₁ m + (1 − β₁) g
    ema_square_(exp_avg_sq, grad, beta2, out=tmp)  # v ← β₂ v + (1 − β₂) g²
    bias_correction1 = 1 - beta1**step
    bias_correction2 = 1 - beta2**step
    rho_inf, rho_t = radam_rho(step, beta2)
    update = exp_avg / bias_correction1  # m̂
    update *= lr
    if rho_t > 5.0:
        rect = (
            (rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)
        ) ** 0.5
        # adaptive factor √(1 − β₂ᵗ) / (√v + ε)
        xp.sqrt(exp_avg_sq, out=tmp)
        tmp += eps
        xp.divide(bias_correction2**0.5, tmp, out=tmp)
        update *= tmp
        update *= rect
    param -= update


class RAdam(Optimizer):
    r"""RAdam: Adam with the adaptive learning rate rectified by its variance.

    Algorithm (notation of the PyTorch documentation)::

        input: γ (lr), β₁, β₂ (betas), θ₀ (params), f(θ) (objective), λ (weight decay),
               ε (epsilon), decoupled_weight_decay, maximize
        initialize: m₀ ← 0, v₀ ← 0, ρ_∞ ← 2/(1 − β₂) − 1
        for t = 1 … do
            g_t ← ±∇θ f_t(θ_{t-1})          (− if maximize)
            if λ ≠ 0:
                if decoupled_weight_decay:  θ_{t-1} ← θ_{t-1} (1 − γλ)
                else:                       g_t ← g_t + λ θ_{t-1}
            m_t ← β₁ m_{t-1} + (1 − β₁) g_t
            v_t ← β₂ v_{t-1} + (1 − β₂) g_t²
            m̂_t ← m_t / (1 − β₁ᵗ)
            ρ_t ← ρ_∞ − 2 t β₂ᵗ / (1 − β₂ᵗ)
            if ρ_t > 5:
                l_t ← √(1 − β₂ᵗ) / (√v_t + ε)
                r_t ← √((ρ_t − 4)(ρ_t − 2) ρ_∞ / ((ρ_∞ − 4)(ρ_∞ − 2) ρ_t))
                θ_t ← θ_{t-1} − γ m̂_t l_t r_t
            else:
                θ_t ← θ_{t-1} − γ m̂_t
        return θ_t

    Paper: Liu et al., `On the Variance of the Adaptive Learning Rate and Beyond
    <https://arxiv.org/abs/1908.03265>`_ (2020).

    Differences from the paper: the switch is at ρ_t > 5 (the paper's Algorithm 2 says 4;
    its released code and PyTorch use 5), and ε is added to √v_t; weight decay is an
    addition, decoupled as in AdamW when asked. All as in PyTorch.

    Args:
        params: iterable of Tensors or of dicts defining parameter groups.
        lr: learning rate γ (default: 1e-3).
        betas: (β₁, β₂) (default: (0.9, 0.999)).
        eps: ε (default: 1e-8).
        weight_decay: λ (default: 0).
        decoupled_weight_decay: apply λ as AdamW does (default: False).
        maximize: maximize the objective instead of minimizing it (default: False).

    Raises:
        ValueError: a hyperparameter is out of range (message as in PyTorch).

    Example:
        >>> import autograd_core as ac
        >>> import optim
        >>> w = ac.tensor([1.0, -2.0], dtype=ac.float64, requires_grad=True)
        >>> opt = optim.RAdam([w], lr=0.1)
        >>> (w * w).sum().backward()
        >>> _ = opt.step()
        >>> w.data.round(4).tolist()
        [0.8, -1.6]
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        decoupled_weight_decay: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        check_adam_options(lr, betas, eps, weight_decay)
        defaults = {
            "lr": lr,
            "betas": tuple(betas),
            "eps": eps,
            "weight_decay": weight_decay,
            "decoupled_weight_decay": decoupled_weight_decay,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _update(self, param: Any, grad: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        if not state:
            self._init_state(state, param, "exp_avg", "exp_avg_sq")
        state["step"] += 1
        beta1, beta2 = group["betas"]
        self._run_kernel(
            radam_update,
            (param, grad, state["exp_avg"], state["exp_avg_sq"]),
            step=state["step"],
            lr=group["lr"],
            beta1=beta1,
            beta2=beta2,
            eps=group["eps"],
            weight_decay=group["weight_decay"],
            decoupled_weight_decay=group["decoupled_weight_decay"],
            maximize=group["maximize"],
        )
