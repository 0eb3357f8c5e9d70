"""Adadelta: steps whose units come from a running mean of past squared updates."""

from __future__ import annotations

from typing import Any

from autograd_core.device import get_array_module
from optim._kernel_utils import effective_grad, ema_square_
from optim._validation import check_hyper
from optim.optimizer import Optimizer, ParamsT

__all__ = ["Adadelta", "adadelta_update"]


def adadelta_update(
    param: Any,
    grad: Any,
    square_avg: Any,
    acc_delta: Any,
    *,
    lr: float = 1.0,
    rho: float = 0.9,
    eps: float = 1e-6,
    weight_decay: float = 0.0,
    maximize: bool = False,
) -> None:
    """One Adadelta step on one array, in place: the maths of :class:`Adadelta`.

    Args:
        param: parameter array θ, updated in place.
        grad: gradient array (read only).
        square_avg: running mean v of g², updated in place.
        acc_delta: running mean u of squared updates Δx², updated in place.
        lr: coefficient γ that scales the update.
        rho: decay ρ of both running means.
        eps: ε inside both roots.
        weight_decay: L2 penalty λ.
        maximize: ascend instead of descend.

    Example:
        >>> import numpy as np
        >>> p, g = np.array([1.0]), np.array([2.0])
        >>> v, u = np.zeros(1), np.zeros(1)
        >>> adadelta_update(p, g, v, u, lr=0.5, rho=0.75, eps=1 / 3)
        >>> p.round(6), v
        (array([0.5]), array([1.]))
    """
    xp = get_array_module(param)
    grad = effective_grad(param, grad, weight_decay, maximize)
    tmp = ema_square_(square_avg, grad, rho)  # v ← ρ v + (1 − ρ) g²
    # Δx = √(u + ε) / √(v + ε) · g
    std = square_avg + eps
    xp.sqrt(std, out=std)
    delta = acc_delta + eps
    xp.sqrt(delta, out=delta)
    delta /= std
    delta *= grad
    ema_square_(acc_delta, delta, rho, out=tmp)  # u ← ρ u + (1 − ρ) Δx²
    delta *= -lr
    param += delta


class Adadelta(Optimizer):
    r"""Adadelta: an AdaGrad variant with decaying averages and no hand-set step size.

    Algorithm (notation of the PyTorch documentation)::

        input: γ (lr), θ₀ (params), f(θ) (objective), ρ (decay), λ (weight decay), ε, maximize
        initialize: v₀ ← 0 (square avg), u₀ ← 0 (accumulate variables)
        for t = 1 … do
            g_t ← ∇θ f_t(θ_{t-1})          (−∇ if maximize)
            if λ ≠ 0:  g_t ← g_t + λ θ_{t-1}
            v_t ← ρ v_{t-1} + (1 − ρ) g_t²
            Δx_t ← √(u_{t-1} + ε) / √(v_t + ε) · g_t
            u_t ← ρ u_{t-1} + (1 − ρ) Δx_t²
            θ_t ← θ_{t-1} − γ Δx_t
        return θ_t

    Paper: Zeiler, `ADADELTA: An Adaptive Learning Rate Method
    <https://arxiv.org/abs/1212.5701>`_ (2012).

    Differences from the paper: the paper has no learning rate; here γ (default 1.0, which
    recovers the paper) scales the update, as in PyTorch, and weight decay is an addition.

    Args:
        params: iterable of Tensors or of dicts defining parameter groups.
        lr: coefficient γ that scales Δx before it is applied (default: 1.0).
        rho: decay ρ of the running averages (default: 0.9).
        eps: ε inside the roots (default: 1e-6).
        weight_decay: L2 penalty λ (default: 0).
        maximize: maximize the objective instead of minimizing it (default: False).

    Raises:
        ValueError: a hyperparameter is out of range (message as in PyTorch).

    Example:
        >>> import autograd_core as ac
        >>> import optim
        >>> w = ac.tensor([1.0], dtype=ac.float64, requires_grad=True)
        >>> opt = optim.Adadelta([w], lr=0.5, rho=0.75, eps=1 / 3)
        >>> (w * w).sum().backward()
        >>> _ = opt.step()
        >>> w.data.round(6).tolist()
        [0.5]
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0,
        *,
        maximize: bool = False,
    ) -> None:
        check_hyper("lr", lr)
        check_hyper("rho", rho, high=1.0)
        check_hyper("eps", eps)
        check_hyper("weight_decay", weight_decay)
        defaults = {
            "lr": lr,
            "rho": rho,
            "eps": eps,
            "weight_decay": weight_decay,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _update(self, param: Any, grad: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        if not state:
            self._init_state(state, param, "square_avg", "acc_delta")
        state["step"] += 1
        self._run_kernel(
            adadelta_update,
            (param, grad, state["square_avg"], state["acc_delta"]),
            lr=group["lr"],
            rho=group["rho"],
            eps=group["eps"],
            weight_decay=group["weight_decay"],
            maximize=group["maximize"],
        )
