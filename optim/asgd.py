"""ASGD: stochastic gradient descent with a decaying step and Polyak-Ruppert averaging."""

from __future__ import annotations

from typing import Any

from optim._kernel_utils import effective_grad
from optim._validation import check_hyper
from optim.optimizer import Optimizer, ParamsT

__all__ = ["ASGD", "asgd_update"]


def asgd_update(
    param: Any,
    grad: Any,
    ax: Any,
    *,
    eta: float,
    mu: float,
    lambd: float = 1e-4,
    weight_decay: float = 0.0,
    maximize: bool = False,
) -> None:
    """One ASGD step on one array, in place: the maths of :class:`ASGD`.

    Args:
        param: parameter array θ, updated in place.
        grad: gradient array (read only).
        ax: the running average of θ, updated in place.
        eta: this step's learning rate η_t.
        mu: this step's averaging weight μ_t (1: the average restarts at θ).
        lambd: decay term λ.
        weight_decay: L2 penalty.
        maximize: ascend instead of descend.

    Example:
        >>> import numpy as np
        >>> p, ax = np.array([1.0]), np.zeros(1)
        >>> asgd_update(p, np.array([2.0]), ax, eta=0.1, mu=1.0, lambd=0.5)
        >>> p, ax
        (array([0.75]), array([0.75]))
    """
    grad = effective_grad(param, grad, weight_decay, maximize)
    param *= 1 - lambd * eta  # decay
    param -= eta * grad
    if mu != 1:
        ax += (param - ax) * mu
    else:
        ax[...] = param


def asgd_schedule(
    step: int, lr: float, lambd: float, alpha: float, t0: float
) -> tuple[float, float]:
    """(η, μ) for the step after ``step``: η = lr / (1 + λ lr t)^α, μ = 1 / max(1, t − t₀).

    Example:
        >>> asgd_schedule(3, 0.1, 1.0, 1.0, 1.0)
        (0.07692307692307693, 0.5)
    """
    eta = lr / ((1 + lambd * lr * step) ** alpha)
    mu = 1 / max(1, step - t0)
    return eta, mu


class ASGD(Optimizer):
    r"""Averaged SGD: SGD with a step that decays as t^(−α), plus a running average of the iterates.

    Algorithm (notation of the PyTorch documentation)::

        input: γ (lr), λ (lambd), α (power), t₀ (start of averaging), θ₀ (params),
               f(θ) (objective), weight_decay, maximize
        initialize: η₀ ← γ, μ₀ ← 1, ax₀ ← 0
        for t = 1 … do
            g_t ← ±∇θ f_t(θ_{t-1})          (− if maximize)
            if weight_decay ≠ 0:  g_t ← g_t + weight_decay · θ_{t-1}
            θ_t ← θ_{t-1} (1 − λ η_{t-1}) − η_{t-1} g_t
            if μ_{t-1} ≠ 1:  ax_t ← ax_{t-1} + μ_{t-1} (θ_t − ax_{t-1})
            else:            ax_t ← θ_t
            η_t ← γ / (1 + λ γ t)^α
            μ_t ← 1 / max(1, t − t₀)
        return θ_t

    The averaged parameters are ``optimizer.state[p]["ax"]``; the parameters themselves are the
    SGD iterates. Copy ``ax`` into the parameters to evaluate the averaged model.

    Paper: Polyak & Juditsky, `Acceleration of Stochastic Approximation by Averaging
    <https://doi.org/10.1137/0330046>`_ (1992); the schedule is that of Bottou's SGD code
    (Bottou, `Stochastic Gradient Descent Tricks
    <https://doi.org/10.1007/978-3-642-35289-8_25>`_, 2012).

    Differences from the papers: none beyond the options; as in PyTorch. η and μ are kept
    as Python floats, where PyTorch keeps 0-d tensors of its default dtype (float32 unless
    changed), so under a float32 default the two differ by that rounding of η.

    Args:
        params: iterable of Tensors or of dicts defining parameter groups.
        lr: learning rate γ (default: 1e-2).
        lambd: decay term λ (default: 1e-4).
        alpha: power α of the η decay (default: 0.75).
        t0: step at which averaging starts (default: 1e6).
        weight_decay: L2 penalty (default: 0).
        maximize: maximize the objective instead of minimizing it (default: False).

    Raises:
        ValueError: a hyperparameter is out of range (message as in PyTorch).

    Example:
        >>> import autograd_core as ac
        >>> import optim
        >>> w = ac.tensor([1.0, -2.0], dtype=ac.float64, requires_grad=True)
        >>> opt = optim.ASGD([w], lr=0.1, lambd=0.0)
        >>> (w * w).sum().backward()
        >>> _ = opt.step()
        >>> w.data.round(4).tolist()
        [0.8, -1.6]
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-2,
        lambd: float = 1e-4,
        alpha: float = 0.75,
        t0: float = 1e6,
        weight_decay: float = 0,
        *,
        maximize: bool = False,
    ) -> None:
        check_hyper("lr", lr)
        check_hyper("weight_decay", weight_decay)
        defaults = {
            "lr": lr,
            "lambd": lambd,
            "alpha": alpha,
            "t0": t0,
            "weight_decay": weight_decay,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _update(self, param: Any, grad: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        if not state:
            self._init_state(state, param, "ax", eta=group["lr"], mu=1.0)
        state["step"] += 1
        self._run_kernel(
            asgd_update,
            (param, grad, state["ax"]),
            eta=state["eta"],
            mu=state["mu"],
            lambd=group["lambd"],
            weight_decay=group["weight_decay"],
            maximize=group["maximize"],
        )
        state["eta"], state["mu"] = asgd_schedule(
            state["step"], group["lr"], group["lambd"], group["alpha"], group["t0"]
        )
