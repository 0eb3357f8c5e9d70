"""AdamW: Adam with weight decay decoupled from the gradient-based update."""

from __future__ import annotations

from typing import Any

from optim.adam import Adam
from optim.optimizer import ParamsT

__all__ = ["AdamW"]


class AdamW(Adam):
    r"""Adam with decoupled weight decay: θ shrinks by (1 − γλ) before the Adam step.

    Algorithm (notation of the PyTorch documentation)::

        input: γ (lr), β₁, β₂ (betas), θ₀ (params), f(θ) (objective), λ (weight decay),
               ε (epsilon), amsgrad, maximize
        initialize: m₀ ← 0, v₀ ← 0, v₀^max ← 0
        for t = 1 … do
            if maximize:  g_t ← −∇θ f_t(θ_{t-1})
            else:         g_t ←  ∇θ f_t(θ_{t-1})
            θ_t ← θ_{t-1} − γ λ θ_{t-1}
            m_t ← β₁ m_{t-1} + (1 − β₁) g_t
            v_t ← β₂ v_{t-1} + (1 − β₂) g_t²
            m̂_t ← m_t / (1 − β₁ᵗ)
            if amsgrad:
                v_t^max ← max(v_{t-1}^max, v_t)
                v̂_t ← v_t^max / (1 − β₂ᵗ)
            else:
                v̂_t ← v_t / (1 − β₂ᵗ)
            θ_t ← θ_t − γ m̂_t / (√v̂_t + ε)
        return θ_t

    Paper: Loshchilov & Hutter, `Decoupled Weight Decay Regularization
    <https://arxiv.org/abs/1711.05101>`_ (2019).

    Differences from the paper: the paper decays by η_t λ θ with a schedule multiplier η_t
    separate from the Adam step size α; here, as in PyTorch, the decay is scaled by the
    learning rate γ itself (so it follows any learning-rate schedule), with the same default
    λ = 1e-2. The Adam part is :class:`~optim.Adam` unchanged; the state is the same.

    Args:
        params: iterable of Tensors or of dicts defining parameter groups.
        lr: learning rate γ (default: 1e-3).
        betas: (β₁, β₂) (default: (0.9, 0.999)).
        eps: ε added to the denominator (default: 1e-8).
        weight_decay: decoupled weight decay λ (default: 1e-2).
        amsgrad: use the AMSGrad variant (default: False).
        maximize: maximize the objective instead of minimizing it (default: False).

    Raises:
        ValueError: a hyperparameter is out of range (message as in PyTorch).

    Example:
        >>> import autograd_core as ac
        >>> import optim
        >>> w = ac.tensor([1.0], dtype=ac.float64, requires_grad=True)
        >>> opt = optim.AdamW([w], lr=0.1, weight_decay=0.5)
        >>> (w * w).sum().backward()
        >>> _ = opt.step()
        >>> w.data.round(4).tolist()
        [0.85]
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(
            params,
            lr=lr,
            betas=betas,
            eps=eps,
            weight_decay=weight_decay,
            amsgrad=amsgrad,
            maximize=maximize,
            decoupled_weight_decay=True,
        )

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a state dict, keeping weight decay decoupled whatever the dict says."""
        super().load_state_dict(state_dict)
        for group in self.param_groups:
            group["decoupled_weight_decay"] = True
