"""Smooth schedules: cosine annealing, linear warm-up or decay, inverse-time decay.

Import them from ``optim.lr_scheduler`` (``optim.lr_scheduler.CosineAnnealingLR``).
"""

from __future__ import annotations

import math

from optim.lr_scheduler_base import LRScheduler
from optim.optimizer import Optimizer

__all__ = ["CosineAnnealingLR", "LinearLR", "InverseTimeLR"]


class CosineAnnealingLR(LRScheduler):
    r"""Cosine annealing: η_t = η_min + ½ (η₀ − η_min)(1 + cos(π t / T_max)).

    The recursive form used by :meth:`step`, which lets it chain with other schedulers, is

    .. math::
        \eta_t = \eta_{min} + (\eta_{t-1} - \eta_{min})
            \frac{1 + \cos(\pi t / T_{max})}{1 + \cos(\pi (t - 1) / T_{max})},

    except at t = T_max + 1 (mod 2 T_max), where the denominator vanishes and
    η_t = η_{t-1} + ½ (η₀ − η_min)(1 − cos(π / T_max)). Past T_max the rate climbs back along
    the same cosine (period 2 T_max).

    Paper: Loshchilov & Hutter, `SGDR: Stochastic Gradient Descent with Warm Restarts
    <https://arxiv.org/abs/1608.03983>`_ (2017). Differences from the paper: only the cosine
    part is implemented, without restarts (T_cur is the epoch count itself), as in PyTorch.

    Args:
        optimizer: the optimizer.
        T_max: half-period of the cosine, in epochs.
        eta_min: η_min, the lowest learning rate (default: 0).
        last_epoch: index of the last epoch when resuming (default: -1).

    Example:
        >>> import autograd_core as ac
        >>> import optim
        >>> opt = optim.SGD([ac.tensor([1.0], requires_grad=True)], lr=1.0)
        >>> sched = optim.lr_scheduler.CosineAnnealingLR(opt, T_max=2)
        >>> sched.step()
        >>> round(sched.get_last_lr()[0], 12)
        0.5
    """

    def __init__(
        self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1
    ) -> None:
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """Return the recursive form."""
        t, T, lo = self.last_epoch, self.T_max, self.eta_min
        if self._is_initial:
            return self._current_lrs()
        if (t - 1 - T) % (2 * T) == 0:
            return [
                lr + (base - lo) * (1 - math.cos(math.pi / T)) / 2
                for base, lr in zip(self.base_lrs, self._current_lrs(), strict=True)
            ]
        ratio = (1 + math.cos(math.pi * t / T)) / (1 + math.cos(math.pi * (t - 1) / T))
        return [ratio * (lr - lo) + lo for lr in self._current_lrs()]

    def closed_form_lr(self) -> list[float]:
        """Return η_min + ½ (η₀ − η_min)(1 + cos(π t / T_max))."""
        return [
            self.eta_min
            + (base - self.eta_min) * (1 + math.cos(math.pi * self.last_epoch / self.T_max)) / 2
            for base in self.base_lrs
        ]


class LinearLR(LRScheduler):
    """Linear warm-up (or decay) of the factor: η_t = η₀ (s + (e − s) · min(t, T) / T).

    The factor goes linearly from s (``start_factor``) at t = 0 to e (``end_factor``) at
    t = T (``total_iters``), then stays at e. Recursive form, for 0 < t ≤ T:
    η_t = η_{t-1} (1 + (e − s) / (T s + (t − 1)(e − s))); η_0 = s η₀.

    Args:
        optimizer: the optimizer.
        start_factor: s, in (0, 1] (default: 1/3).
        end_factor: e, in [0, 1] (default: 1.0).
        total_iters: T, the number of epochs of the ramp (default: 5).
        last_epoch: index of the last epoch when resuming (default: -1).

    Raises:
        ValueError: a factor is out of range (message as in PyTorch).

    Example:
        >>> import autograd_core as ac
        >>> import optim
        >>> opt = optim.SGD([ac.tensor([1.0], requires_grad=True)], lr=1.0)
        >>> sched = optim.lr_scheduler.LinearLR(opt, start_factor=0.25, total_iters=3)
        >>> lrs = [opt.param_groups[0]["lr"]]
        >>> for _ in range(4):
        ...     sched.step()
        ...     lrs += sched.get_last_lr()
        >>> lrs
        [0.25, 0.5, 0.75, 1.0, 1.0]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        start_factor: float = 1.0 / 3,
        end_factor: float = 1.0,
        total_iters: int = 5,
        last_epoch: int = -1,
    ) -> None:
        if start_factor > 1.0 or start_factor <= 0:
            raise ValueError(
                "Starting multiplicative factor expected to be greater than 0 and less or "
                f"equal to 1. Got start_factor={start_factor!r}."
            )
        if end_factor > 1.0 or end_factor < 0:
            raise ValueError(
                "Ending multiplicative factor expected to be between 0 and 1. "
                f"Got end_factor={end_factor!r}."
            )
        self.start_factor = start_factor
        self.end_factor = end_factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """Return the recursive form."""
        s, e, t = self.start_factor, self.end_factor, self.last_epoch
        if t == 0:
            return [lr * s for lr in self._current_lrs()]
        if self._is_initial or t > self.total_iters:
            return self._current_lrs()
        factor = 1.0 + (e - s) / (self.total_iters * s + (t - 1) * (e - s))
        return [lr * factor for lr in self._current_lrs()]

    def closed_form_lr(self) -> list[float]:
        """Return η₀ (s + (e − s) · min(t, T) / T)."""
        s, e = self.start_factor, self.end_factor
        progress = min(self.total_iters, self.last_epoch) / self.total_iters
        return [base * (s + (e - s) * progress) for base in self.base_lrs]


class InverseTimeLR(LRScheduler):
    r"""Inverse-time decay η_t = η₀ / (1 + γ t): a Robbins–Monro step-size sequence.

    With this schedule SGD satisfies the Robbins–Monro conditions of stochastic approximation
    (Robbins & Monro, 1951; the course notes, "Descenso por el gradiente estocástico"):

    .. math::
        \sum_{t=0}^{\infty} \eta_t = \infty, \qquad \sum_{t=0}^{\infty} \eta_t^2 < \infty,

    because η_t ~ η₀ / (γ t): the harmonic series diverges while Σ 1/t² = π²/6 converges. With
    unbiased gradient estimates, SGD then converges to a (local) minimum. A constant learning
    rate (γ = 0) violates the second condition; ExponentialLR violates the first.

    Recursive form (used by :meth:`step`, so it chains with other schedulers):
    η_t = η_{t-1} (1 + γ (t − 1)) / (1 + γ t).

    Args:
        optimizer: the optimizer.
        gamma: γ ≥ 0, the decay rate per epoch.
        last_epoch: index of the last epoch when resuming (default: -1).

    Raises:
        ValueError: ``gamma`` is negative.

    Example:
        >>> import autograd_core as ac
        >>> import optim
        >>> opt = optim.SGD([ac.tensor([1.0], requires_grad=True)], lr=1.0)
        >>> sched = optim.lr_scheduler.InverseTimeLR(opt, gamma=1.0)
        >>> sched.step(); sched.step(); sched.step()
        >>> round(sched.get_last_lr()[0], 12)
        0.25
    """

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        if gamma < 0:
            raise ValueError(
                f"InverseTimeLR: gamma must be >= 0, got {gamma!r}. Use gamma=0 for a constant "
                "learning rate."
            )
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """Return the recursive form."""
        t = self.last_epoch
        if self._is_initial:
            return self._current_lrs()
        factor = (1 + self.gamma * (t - 1)) / (1 + self.gamma * t)
        return [lr * factor for lr in self._current_lrs()]

    def closed_form_lr(self) -> list[float]:
        """Return η₀ / (1 + γ t)."""
        return [base / (1 + self.gamma * self.last_epoch) for base in self.base_lrs]
