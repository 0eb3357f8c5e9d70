"""NAdam: Adam with Nesterov momentum and a warming-up momentum schedule."""

from __future__ import annotations

from typing import Any

from autograd_core.device import get_array_module
from optim._kernel_utils import effective_grad, ema_, ema_square_
from optim._validation import check_hyper
from optim.adam import check_adam_options
from optim.optimizer import Optimizer, ParamsT

__all__ = ["NAdam", "nadam_update"]


def nadam_momentum(step: int, beta1: float, momentum_decay: float) -> float:
    """μ_t = β₁ (1 − ½ · 0.96^(t ψ)), the momentum schedule of NAdam.

    Example:
        >>> round(nadam_momentum(1, 0.9, 0.004), 6)
        0.450073
    """
    return beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))


def nadam_update(
    param: Any,
    grad: Any,
    exp_avg: Any,
    exp_avg_sq: Any,
    *,
    step: int,
    mu_product: float,
    lr: float,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
    weight_decay: float = 0.0,
    momentum_decay: float = 4e-3,
    decoupled_weight_decay: bool = False,
    maximize: bool = False,
) -> None:
    """One NAdam step on one array, in place: the maths of :class:`NAdam`.

    Args:
        param: parameter array θ, updated in place.
        grad: gradient array (read only).
        exp_avg: first moment m, updated in place.
        exp_avg_sq: second moment v, updated in place.
        step: the index t of this step, starting at 1.
        mu_product: ∏_{i ≤ t} μ_i, including this step's μ_t.
        lr: learning rate γ.
        beta1: β₁.
        beta2: β₂.
        eps: ε added to the denominator.
        weight_decay: λ, as an L2 penalty or decoupled.
        momentum_decay: ψ of the momentum schedule.
        decoupled_weight_decay: shrink θ by (1 − γλ) instead of adding λθ to the gradient.
        maximize: ascend instead of descend.

    Example:
        >>> import numpy as np
        >>> p, g, m, v = np.array([1.0]), np.array([0.5]), np.zeros(1), np.zeros(1)
        >>> mu = nadam_momentum(1, 0.9, 4e-3)
        >>> nadam_update(p, g, m, v, step=1, mu_product=mu, lr=0.1)
        >>> p.round(4)
        array([0.8944])
    """
    xp = get_array_module(param)
    grad = effective_grad(param, grad, 0.0 if decoupled_weight_decay else weight_decay, maximize)
    if decoupled_weight_decay and weight_decay != 0:
        param *= 1 - lr * weight_decay
    bias_correction2 = 1 - beta2**step
    mu = nadam_momentum(step, beta1, momentum_decay)
    mu_next = nadam_momentum(step + 1, beta1, momentum_decay)
    mu_product_next = mu_product * mu_next

    tmp = ema_(exp_avg, grad, beta1)  # m ← β₁ m + (1 − β₁) g
    ema_square_(exp_avg_sq, grad, beta2, out=tmp)  # v ← β₂ v + (1 − β₂) g²
    denom = exp_avg_sq / bias_correction2
    xp.sqrt(denom, out=denom)
    denom += eps
    # θ ← θ − γ(1 − μ_t)/(1 − ∏μ) · g/denom − γ μ_{t+1}/(1 − ∏μ · μ_{t+1}) · m/denom
    xp.multiply(grad, -lr * (1.0 - mu) / (1.0 - mu_product), out=tmp)
    tmp /= denom
    param += tmp
    xp.multiply(exp_avg, (-lr * mu_next) / (1.0 - mu_product_next), out=tmp)
    tmp /= denom
    param += tmp


class NAdam(Optimizer):
    r"""NAdam: Adam whose first moment is used with a Nesterov look-ahead.

    Algorithm (notation of the PyTorch documentation)::

        input: γ (lr), β₁, β₂ (betas), θ₀ (params), f(θ) (objective), λ (weight decay),
               ψ (momentum decay), ε, decoupled_weight_decay, maximize
        initialize: m₀ ← 0 (first moment), v₀ ← 0 (second moment)
        for t = 1 … do
            g_t ← ∇θ f_t(θ_{t-1})          (−∇ if maximize)
            if λ ≠ 0:
                if decoupled_weight_decay:  θ_{t-1} ← θ_{t-1} − γλθ_{t-1}
                else:                       g_t ← g_t + λθ_{t-1}
            μ_t ← β₁ (1 − ½ · 0.96^(tψ))
            μ_{t+1} ← β₁ (1 − ½ · 0.96^((t+1)ψ))
            m_t ← β₁ m_{t-1} + (1 − β₁) g_t
            v_t ← β₂ v_{t-1} + (1 − β₂) g_t²
            m̂_t ← μ_{t+1} m_t / (1 − ∏_{i=1}^{t+1} μ_i) + (1 − μ_t) g_t / (1 − ∏_{i=1}^{t} μ_i)
            v̂_t ← v_t / (1 − β₂ᵗ)
            θ_t ← θ_{t-1} − γ m̂_t / (√v̂_t + ε)
        return θ_t

    Paper: Dozat, `Incorporating Nesterov Momentum into Adam
    <https://openreview.net/forum?id=OM0jvwB8jIp57ZJjtNEZ>`_ (ICLR workshop 2016).

    Differences from the paper: as in PyTorch, the two terms of m̂_t are applied as two separate
    in-place updates of θ, and ε is added after the root. The optional decoupled weight decay
    (NAdamW) is an addition.

    Args:
        params: iterable of Tensors or of dicts defining parameter groups.
        lr: learning rate γ (default: 2e-3).
        betas: (β₁, β₂) (default: (0.9, 0.999)).
        eps: ε added to the denominator (default: 1e-8).
        weight_decay: λ (default: 0).
        momentum_decay: ψ (default: 4e-3).
        decoupled_weight_decay: apply λ as AdamW does (default: False).
        maximize: maximize the objective instead of minimizing it (default: False).

    Raises:
        ValueError: a hyperparameter is out of range (message as in PyTorch).

    Example:
        >>> import autograd_core as ac
        >>> import optim
        >>> w = ac.tensor([1.0], dtype=ac.float64, requires_grad=True)
        >>> opt = optim.NAdam([w], lr=0.1)
        >>> (w * w).sum().backward()
        >>> _ = opt.step()
        >>> w.data.round(4).tolist()
        [0.8944]
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum_decay: float = 4e-3,
        decoupled_weight_decay: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        check_adam_options(lr, betas, eps, weight_decay)
        check_hyper("momentum_decay", momentum_decay)
        defaults = {
            "lr": lr,
            "betas": tuple(betas),
            "eps": eps,
            "weight_decay": weight_decay,
            "momentum_decay": momentum_decay,
            "decoupled_weight_decay": decoupled_weight_decay,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _update(self, param: Any, grad: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        if not state:
            self._init_state(state, param, "exp_avg", "exp_avg_sq", mu_product=1.0)
        beta1, beta2 = group["betas"]
        state["step"] += 1
        state["mu_product"] *= nadam_momentum(state["step"], beta1, group["momentum_decay"])
        self._run_kernel(
            nadam_update,
            (param, grad, state["exp_avg"], state["exp_avg_sq"]),
            step=state["step"],
            mu_product=state["mu_product"],
            lr=group["lr"],
            beta1=beta1,
            beta2=beta2,
            eps=group["eps"],
            weight_decay=group["weight_decay"],
            momentum_decay=group["momentum_decay"],
            decoupled_weight_decay=group["decoupled_weight_decay"],
            maximize=group["maximize"],
        )
