"""Rprop: resilient backpropagation, per-coordinate steps driven by the sign of the gradient."""

from __future__ import annotations

from typing import Any

from autograd_core.device import get_array_module
from optim._validation import check_hyper
from optim.optimizer import Optimizer, ParamsT

__all__ = ["Rprop", "rprop_update"]


def rprop_update(
    param: Any,
    grad: Any,
    prev: Any,
    step_size: Any,
    *,
    etaminus: float = 0.5,
    etaplus: float = 1.2,
    step_size_min: float = 1e-6,
    step_size_max: float = 50.0,
    maximize: bool = False,
) -> None:
    """One Rprop step on one array, in place: the maths of :class:`Rprop`.

    Args:
        param: parameter array θ, updated in place.
        grad: gradient array (read only).
        prev: the previous step's (masked) gradient, updated in place.
        step_size: per-coordinate step η, updated in place.
        etaminus: factor η⁻ < 1 applied where the gradient changed sign.
        etaplus: factor η⁺ > 1 applied where it kept its sign.
        step_size_min: smallest step Γ_min.
        step_size_max: largest step Γ_max.
        maximize: ascend instead of descend.

    Example:
        >>> import numpy as np
        >>> p, prev, eta = np.array([1.0, 1.0]), np.array([1.0, -1.0]), np.array([0.1, 0.1])
        >>> rprop_update(p, np.array([2.0, 2.0]), prev, eta)
        >>> p, eta, prev
        (array([0.88, 1.  ]), array([0.12, 0.05]), array([2., 0.]))
    """
    xp = get_array_module(param)
    if maximize:
        grad = -grad
    sign = xp.sign(grad * prev)
    # η⁺ where g·g_prev > 0, η⁻ where < 0, 1 where = 0 (NaN stays NaN, as in PyTorch)
    factor = xp.where(sign > 0, etaplus, xp.where(sign < 0, etaminus, xp.where(sign == 0, 1, sign)))
    step_size *= factor
    xp.clip(step_size, step_size_min, step_size_max, out=step_size)
    # after a sign change the step is skipped and the gradient forgotten
    grad = xp.where(sign < 0, 0, grad)
    param -= xp.sign(grad) * step_size
    prev[...] = grad


class Rprop(Optimizer):
    r"""Rprop: each coordinate moves by its own step size, which grows while the gradient keeps
    its sign and shrinks when it flips; the gradient's magnitude is not used.

    Algorithm (notation of the PyTorch documentation)::

        input: θ₀ (params), f(θ) (objective), η₀ (lr), η⁺, η⁻ (etas),
               Γ_max, Γ_min (step sizes), maximize
        initialize: g⁰_prev ← 0, η⁰ ← lr (every coordinate)
        for t = 1 … do
            g_t ← ±∇θ f_t(θ_{t-1})          (− if maximize)
            for each coordinate i:
                if g_t^i g_prev^i > 0:  η_t^i ← min(η_{t-1}^i η⁺, Γ_max)
                elif g_t^i g_prev^i < 0:
                    η_t^i ← max(η_{t-1}^i η⁻, Γ_min)
                    g_t^i ← 0
                else:  η_t^i ← η_{t-1}^i
            θ_t ← θ_{t-1} − η_t sign(g_t)
            g_prev ← g_t
        return θ_t

    Paper: Riedmiller & Braun, `A direct adaptive method for faster backpropagation
    learning: the RPROP algorithm <https://doi.org/10.1109/ICNN.1993.298623>`_ (1993).

    Differences from the paper: none (this is the variant without weight backtracking,
    "Rprop⁻" with the gradient zeroed after a sign change); the step is clamped after every
    multiplication, including by 1. As in PyTorch; like PyTorch, there is no weight decay.
    The initial step is the group's ``lr`` when the parameter is first stepped.

    Args:
        params: iterable of Tensors or of dicts defining parameter groups.
        lr: initial step size η₀ (default: 1e-2).
        etas: (η⁻, η⁺), with 0 < η⁻ < 1 < η⁺ (default: (0.5, 1.2)).
        step_sizes: (Γ_min, Γ_max) (default: (1e-6, 50)).
        maximize: maximize the objective instead of minimizing it (default: False).

    Raises:
        ValueError: ``lr`` is negative or ``etas`` are out of order (message as in PyTorch).

    Example:
        >>> import autograd_core as ac
        >>> import optim
        >>> w = ac.tensor([1.0, -2.0], dtype=ac.float64, requires_grad=True)
        >>> opt = optim.Rprop([w], lr=0.1)
        >>> (w * w).sum().backward()
        >>> _ = opt.step()
        >>> w.data.round(4).tolist()
        [0.9, -1.9]
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-2,
        etas: tuple[float, float] = (0.5, 1.2),
        step_sizes: tuple[float, float] = (1e-6, 50),
        *,
        maximize: bool = False,
    ) -> None:
        check_hyper("lr", lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = {
            "lr": lr,
            "etas": tuple(etas),
            "step_sizes": tuple(step_sizes),
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _update(self, param: Any, grad: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        if not state:
            self._init_state(state, param, "prev", "step_size")
            state["step_size"] += group["lr"]
        state["step"] += 1
        etaminus, etaplus = group["etas"]
        step_size_min, step_size_max = group["step_sizes"]
        self._run_kernel(
            rprop_update,
            (param, grad, state["prev"], state["step_size"]),
            etaminus=etaminus,
            etaplus=etaplus,
            step_size_min=step_size_min,
            step_size_max=step_size_max,
            maximize=group["maximize"],
        )
