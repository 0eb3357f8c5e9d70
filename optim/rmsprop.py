"""RMSProp: steps divided by a decaying root-mean-square of recent gradients."""

from __future__ import annotations

from typing import Any

from autograd_core.device import get_array_module
from optim._kernel_utils import effective_grad, ema_, ema_square_
from optim._validation import check_hyper
from optim.optimizer import Optimizer, ParamsT

__all__ = ["RMSprop", "rmsprop_update"]


def rmsprop_update(
    param: Any,
    grad: Any,
    square_avg: Any,
    momentum_buffer: Any | None = None,
    grad_avg: Any | None = None,
    *,
    lr: float,
    alpha: float = 0.99,
    eps: float = 1e-8,
    weight_decay: float = 0.0,
    momentum: float = 0.0,
    centered: bool = False,
    maximize: bool = False,
) -> None:
    """One RMSProp step on one array, in place: the maths of :class:`RMSprop`.

    Args:
        param: parameter array θ, updated in place.
        grad: gradient array (read only).
        square_avg: running mean v of g², updated in place.
        momentum_buffer: buffer b, updated in place; needed when ``momentum > 0``.
        grad_avg: running mean g^ave of g, updated in place; needed when ``centered``.
        lr: learning rate γ.
        alpha: smoothing constant α.
        eps: ε added to the denominator.
        weight_decay: L2 penalty λ.
        momentum: momentum factor μ.
        centered: normalise by an estimate of the variance instead of the second moment.
        maximize: ascend instead of descend.

    Example:
        >>> import numpy as np
        >>> p, g, v = np.array([1.0]), np.array([2.0]), np.zeros(1)
        >>> rmsprop_update(p, g, v, lr=0.01, alpha=0.75)
        >>> p.round(6), v
        (array([0.98]), array([1.]))
    """
    xp = get_array_module(param)
    grad = effective_grad(param, grad, weight_decay, maximize)
    tmp = ema_square_(square_avg, grad, alpha)  # v ← α v + (1 − α) g²
    if centered:
        # g^ave ← g^ave + (1 − α)(g − g^ave), then avg = √(v − (g^ave)²)
        ema_(grad_avg, grad, alpha, out=tmp)
        avg = grad_avg * -1.0
        avg *= grad_avg
        avg += square_avg
        xp.sqrt(avg, out=avg)
    else:
        avg = xp.sqrt(square_avg)
    avg += eps
    if momentum > 0:
        momentum_buffer *= momentum
        xp.divide(grad, avg, out=tmp)
        momentum_buffer += tmp
        xp.multiply(momentum_buffer, -lr, out=tmp)
    else:
        xp.multiply(grad, -lr, out=tmp)
        tmp /= avg
    param += tmp


class RMSprop(Optimizer):
    r"""RMSProp: divides the gradient by a running root-mean-square of recent gradients.

    Algorithm (notation of the PyTorch documentation)::

        input: α (alpha), γ (lr), θ₀ (params), f(θ) (objective), λ (weight decay),
               μ (momentum), centered, ε (epsilon), maximize
        initialize: v₀ ← 0 (square average), b₀ ← 0 (buffer), g₀^ave ← 0
        for t = 1 … do
            g_t ← ∇θ f_t(θ_{t-1})          (−∇ if maximize)
            if λ ≠ 0:  g_t ← g_t + λ θ_{t-1}
            v_t ← α v_{t-1} + (1 − α) g_t²
            ṽ_t ← v_t
            if centered:
                g_t^ave ← α g_{t-1}^ave + (1 − α) g_t
                ṽ_t ← ṽ_t − (g_t^ave)²
            if μ > 0:
                b_t ← μ b_{t-1} + g_t / (√ṽ_t + ε)
                θ_t ← θ_{t-1} − γ b_t
            else:
                θ_t ← θ_{t-1} − γ g_t / (√ṽ_t + ε)
        return θ_t

    Source: Hinton, Srivastava & Swersky, *Neural Networks for Machine Learning*, lecture 6e
    (2012), `slides <https://www.cs.toronto.edu/~tijmen/csc321/slides/lecture_slides_lec6.pdf>`_;
    the centered version is from Graves, `Generating Sequences With Recurrent Neural Networks
    <https://arxiv.org/abs/1308.0850>`_ (2013).

    Differences from the sources: ε is added to the root (Hinton's slides leave it out; Graves
    adds it inside the root), and momentum is applied to the normalised gradient. Both follow
    PyTorch; TensorFlow's RMSProp puts ε inside the root.

    Args:
        params: iterable of Tensors or of dicts defining parameter groups.
        lr: learning rate γ (default: 1e-2).
        alpha: smoothing constant α (default: 0.99).
        eps: ε added to the denominator (default: 1e-8).
        weight_decay: L2 penalty λ (default: 0).
        momentum: momentum factor μ (default: 0).
        centered: normalise by the estimated variance of the gradient (default: False).
        maximize: maximize the objective instead of minimizing it (default: False).

    Raises:
        ValueError: a hyperparameter is out of range (message as in PyTorch).

    Example:
        >>> import autograd_core as ac
        >>> import optim
        >>> w = ac.tensor([1.0, -2.0], dtype=ac.float64, requires_grad=True)
        >>> opt = optim.RMSprop([w], lr=0.01, alpha=0.75)
        >>> (w * w).sum().backward()
        >>> _ = opt.step()
        >>> w.data.round(4).tolist()
        [0.98, -1.98]
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum: float = 0,
        centered: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        check_hyper("lr", lr)
        check_hyper("eps", eps)
        check_hyper("momentum", momentum)
        check_hyper("weight_decay", weight_decay)
        check_hyper("alpha", alpha)
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "alpha": alpha,
            "eps": eps,
            "centered": centered,
            "weight_decay": weight_decay,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _update(self, param: Any, grad: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        if not state:
            self._init_state(
                state,
                param,
                "square_avg",
                "momentum_buffer" if group["momentum"] > 0 else None,
                "grad_avg" if group["centered"] else None,
            )
        state["step"] += 1
        self._run_kernel(
            rmsprop_update,
            (
                param,
                grad,
                state["square_avg"],
                state.get("momentum_buffer"),
                state.get("grad_avg"),
            ),
            lr=group["lr"],
            alpha=group["alpha"],
            eps=group["eps"],
            weight_decay=group["weight_decay"],
            momentum=group["momentum"],
            centered=group["centered"],
            maximize=group["maximize"],
        )
