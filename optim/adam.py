"""Adam: adaptive moment estimation, with the AMSGrad variant and L2 or decoupled weight decay."""

from __future__ import annotations

from typing import Any

from autograd_core.device import get_array_module
from optim._kernel_utils import effective_grad, ema_, ema_square_
from optim._validation import check_betas, check_hyper
from optim.optimizer import Optimizer, ParamsT

__all__ = ["Adam", "adam_update"]


def adam_update(
    param: Any,
    grad: Any,
    exp_avg: Any,
    exp_avg_sq: Any,
    max_exp_avg_sq: Any | None = None,
    *,
    step: int,
    lr: float,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
    weight_decay: float = 0.0,
    amsgrad: bool = False,
    maximize: bool = False,
    decoupled_weight_decay: bool = False,
) -> None:
    """One Adam step on one array, in place: the maths of :class:`Adam` and :class:`AdamW`.

    Args:
        param: parameter array θ, updated in place.
        grad: gradient array (read only).
        exp_avg: first moment m, updated in place.
        exp_avg_sq: second moment v, updated in place.
        max_exp_avg_sq: running maximum of v (AMSGrad), updated in place; needed if ``amsgrad``.
        step: the index t of this step, starting at 1.
        lr: learning rate γ.
        beta1: decay β₁ of the first moment.
        beta2: decay β₂ of the second moment.
        eps: ε added to the denominator.
        weight_decay: λ, as an L2 penalty or decoupled (see ``decoupled_weight_decay``).
        amsgrad: normalise by the running maximum of v.
        maximize: ascend instead of descend.
        decoupled_weight_decay: shrink θ by (1 − γλ) instead of adding λθ to the gradient (AdamW).

    Example:
        >>> import numpy as np
        >>> p, g = np.array([1.0]), np.array([0.5])
        >>> m, v = np.zeros(1), np.zeros(1)
        >>> adam_update(p, g, m, v, step=1, lr=0.1)
        >>> p.round(6)
        array([0.9])
    """
    xp = get_array_module(param)
    grad = effective_grad(param, grad, 0.0 if decoupled_weight_decay else weight_decay, maximize)
    if decoupled_weight_decay and weight_decay != 0:
        param *= 1 - lr * weight_decay
    tmp = ema_(exp_avg, grad, beta1)  # m ← β₁ m + (1 − β₁) g
    ema_square_(exp_avg_sq, grad, beta2, out=tmp)  # v ← β₂ v + (1 − β₂) g²

    bias_correction1 = 1 - beta1**step
    bias_correction2_sqrt = (1 - beta2**step) ** 0.5
    step_size = lr / bias_correction1
    if amsgrad:
        xp.maximum(max_exp_avg_sq, exp_avg_sq, out=max_exp_avg_sq)
        second = max_exp_avg_sq
    else:
        second = exp_avg_sq
    # θ ← θ − (γ / (1 − β₁ᵗ)) m / (√v / √(1 − β₂ᵗ) + ε)
    denom = xp.sqrt(second)
    denom /= bias_correction2_sqrt
    denom += eps
    xp.multiply(exp_avg, -step_size, out=tmp)
    tmp /= denom
    param += tmp


class Adam(Optimizer):
    r"""Adam: per-parameter steps scaled by running estimates of the gradient's first two moments.

    Algorithm (notation of the PyTorch documentation)::

        input: γ (lr), β₁, β₂ (betas), θ₀ (params), f(θ) (objective),
               λ (weight decay), amsgrad, maximize, ε (epsilon)
        initialize: m₀ ← 0 (first moment), v₀ ← 0 (second moment), v₀^max ← 0
        for t = 1 … do
            if maximize:  g_t ← −∇θ f_t(θ_{t-1})
            else:         g_t ←  ∇θ f_t(θ_{t-1})
            if λ ≠ 0:
                if decoupled_weight_decay:  θ_{t-1} ← θ_{t-1} (1 − γλ)
                else:                       g_t ← g_t + λ θ_{t-1}
            m_t ← β₁ m_{t-1} + (1 − β₁) g_t
            v_t ← β₂ v_{t-1} + (1 − β₂) g_t²
            m̂_t ← m_t / (1 − β₁ᵗ)
            if amsgrad:
                v_t^max ← max(v_{t-1}^max, v_t)
                v̂_t ← v_t^max / (1 − β₂ᵗ)
            else:
                v̂_t ← v_t / (1 − β₂ᵗ)
            θ_t ← θ_{t-1} − γ m̂_t / (√v̂_t + ε)
        return θ_t

    Paper: Kingma & Ba, `Adam: A Method for Stochastic Optimization
    <https://arxiv.org/abs/1412.6980>`_ (2015); AMSGrad: Reddi, Kale & Kumar, `On the
    Convergence of Adam and Beyond <https://openreview.net/forum?id=ryQu7f-RZ>`_ (2018).

    Differences from the paper: none for the default options; ε is added to √v̂_t as in the
    paper's Algorithm 1 (its faster reordering in Section 2 adds ε̂ to √v_t instead, which
    is not the same number). AMSGrad keeps the maximum of the *biased* v_t and then
    bias-corrects it, whereas the AMSGrad paper has no bias correction at all. Both match
    PyTorch. ``weight_decay`` is an L2 penalty folded into the gradient, which the paper does
    not have; for decoupled decay use :class:`~optim.AdamW`.

    Args:
        params: iterable of Tensors or of dicts defining parameter groups.
        lr: learning rate γ (default: 1e-3).
        betas: (β₁, β₂), the decay rates of the moment estimates (default: (0.9, 0.999)).
        eps: ε added to the denominator for numerical stability (default: 1e-8).
        weight_decay: L2 penalty λ (default: 0).
        amsgrad: use the AMSGrad variant (default: False).
        maximize: maximize the objective instead of minimizing it (default: False).
        decoupled_weight_decay: apply λ as AdamW does (default: False).

    Raises:
        ValueError: a hyperparameter is out of range (message as in PyTorch).

    Example:
        >>> import autograd_core as ac
        >>> import optim
        >>> w = ac.tensor([1.0, -2.0], dtype=ac.float64, requires_grad=True)
        >>> opt = optim.Adam([w], lr=0.1)
        >>> (w * w).sum().backward()
        >>> _ = opt.step()
        >>> w.data.round(4).tolist()
        [0.9, -1.9]
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        decoupled_weight_decay: bool = False,
    ) -> None:
        check_adam_options(lr, betas, eps, weight_decay)
        defaults = {
            "lr": lr,
            "betas": tuple(betas),
            "eps": eps,
            "weight_decay": weight_decay,
            "amsgrad": amsgrad,
            "maximize": maximize,
            "decoupled_weight_decay": decoupled_weight_decay,
        }
        super().__init__(params, defaults)

    def _update(self, param: Any, grad: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        if not state:
            amsgrad = group["amsgrad"]
            self._init_state(
                state, param, "exp_avg", "exp_avg_sq", "max_exp_avg_sq" if amsgrad else None
            )
        state["step"] += 1
        arrays = (param, grad, state["exp_avg"], state["exp_avg_sq"], state.get("max_exp_avg_sq"))
        beta1, beta2 = group["betas"]
        self._run_kernel(
            adam_update,
            arrays,
            step=state["step"],
            lr=group["lr"],
            beta1=beta1,
            beta2=beta2,
            eps=group["eps"],
            weight_decay=group["weight_decay"],
            amsgrad=group["amsgrad"],
            maximize=group["maximize"],
            decoupled_weight_decay=group["decoupled_weight_decay"],
        )


def check_adam_options(
    lr: float, betas: tuple[float, float], eps: float, weight_decay: float
) -> None:
    """Raise PyTorch's ValueError for an out-of-range Adam-family hyperparameter."""
    check_hyper("lr", lr)
    check_hyper("eps", eps)
    check_betas(betas)
    check_hyper("weight_decay", weight_decay)
