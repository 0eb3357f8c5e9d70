"""AdaGrad: per-coordinate learning rates from the running sum of squared gradients."""

from __future__ import annotations

from typing import Any

from autograd_core.device import get_array_module
from optim._kernel_utils import effective_grad
from optim._validation import check_hyper
from optim.optimizer import Optimizer, ParamsT

__all__ = ["Adagrad", "adagrad_update"]


def adagrad_update(
    param: Any,
    grad: Any,
    state_sum: Any,
    *,
    step: int,
    lr: float,
    lr_decay: float = 0.0,
    weight_decay: float = 0.0,
    eps: float = 1e-10,
    maximize: bool = False,
) -> None:
    """One AdaGrad step on one array, in place: the maths of :class:`Adagrad`.

    Args:
        param: parameter array θ, updated in place.
        grad: gradient array (read only).
        state_sum: the running sum G of squared gradients, updated in place.
        step: the index t of this step, starting at 1.
        lr: learning rate γ.
        lr_decay: η, the learning rate decays as γ / (1 + (t − 1) η).
        weight_decay: L2 penalty λ.
        eps: ε added to √G.
        maximize: ascend instead of descend.

    Example:
        >>> import numpy as np
        >>> p, g, s = np.array([1.0]), np.array([2.0]), np.zeros(1)
        >>> adagrad_update(p, g, s, step=1, lr=0.1)
        >>> p.round(6), s
        (array([0.9]), array([4.]))
    """
    xp = get_array_module(param)
    grad = effective_grad(param, grad, weight_decay, maximize)
    clr = lr / (1 + (step - 1) * lr_decay)
    tmp = grad * grad
    state_sum += tmp
    std = xp.sqrt(state_sum)
    std += eps
    xp.multiply(grad, -clr, out=tmp)
    tmp /= std
    param += tmp


class Adagrad(Optimizer):
    r"""AdaGrad: divides each coordinate's step by the root of its summed squared gradients.

    Algorithm (notation of the PyTorch documentation)::

        input: γ (lr), θ₀ (params), f(θ) (objective), λ (weight decay),
               τ (initial accumulator value), η (lr decay), ε, maximize
        initialize: state_sum₀ ← τ
        for t = 1 … do
            g_t ← ∇θ f_t(θ_{t-1})          (−∇ if maximize)
            γ̃ ← γ / (1 + (t − 1) η)
            if λ ≠ 0:  g_t ← g_t + λ θ_{t-1}
            state_sum_t ← state_sum_{t-1} + g_t²
            θ_t ← θ_{t-1} − γ̃ g_t / (√state_sum_t + ε)
        return θ_t

    This is the rule of the course notes, w_j ← w_j − η g_j / √(G_jj + ε) with G_jj the sum of
    squared gradients of coordinate j, apart from where ε goes. Paper: Duchi, Hazan & Singer,
    `Adaptive Subgradient Methods for Online Learning and Stochastic Optimization
    <http://jmlr.org/papers/v12/duchi11a.html>`_ (JMLR 2011).

    Differences from the paper: the paper uses the diagonal version without ε (or with δ
    added to √G, as here); the learning-rate decay η and the initial accumulator value τ are
    PyTorch extensions (τ > 0 avoids huge first steps). The state is created on the first
    step rather than in the constructor (PyTorch creates it eagerly), which changes nothing
    but what a state dict holds before the first step, and τ is read per parameter group
    (PyTorch uses the constructor's value for every group).

    Args:
        params: iterable of Tensors or of dicts defining parameter groups.
        lr: learning rate γ (default: 1e-2).
        lr_decay: learning-rate decay η (default: 0).
        weight_decay: L2 penalty λ (default: 0).
        initial_accumulator_value: τ, the starting value of the sum (default: 0).
        eps: ε added to the denominator (default: 1e-10).
        maximize: maximize the objective instead of minimizing it (default: False).

    Raises:
        ValueError: a hyperparameter is out of range (message as in PyTorch).

    Example:
        >>> import autograd_core as ac
        >>> import optim
        >>> w = ac.tensor([1.0, -2.0], dtype=ac.float64, requires_grad=True)
        >>> opt = optim.Adagrad([w], lr=0.5)
        >>> (w * w).sum().backward()
        >>> _ = opt.step()
        >>> w.data.round(4).tolist()
        [0.5, -1.5]
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-2,
        lr_decay: float = 0,
        weight_decay: float = 0,
        initial_accumulator_value: float = 0,
        eps: float = 1e-10,
        *,
        maximize: bool = False,
    ) -> None:
        check_hyper("lr", lr)
        check_hyper("lr_decay", lr_decay)
        check_hyper("weight_decay", weight_decay)
        check_hyper("initial_accumulator_value", initial_accumulator_value)
        check_hyper("eps", eps)
        defaults = {
            "lr": lr,
            "lr_decay": lr_decay,
            "eps": eps,
            "weight_decay": weight_decay,
            "initial_accumulator_value": initial_accumulator_value,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _update(self, param: Any, grad: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        if not state:
            initial = get_array_module(param).full_like(param, group["initial_accumulator_value"])
            self._init_state(state, param, sum=initial)
        state["step"] += 1
        self._run_kernel(
            adagrad_update,
            (param, grad, state["sum"]),
            step=state["step"],
            lr=group["lr"],
            lr_decay=group["lr_decay"],
            weight_decay=group["weight_decay"],
            eps=group["eps"],
            maximize=group["maximize"],
        )
