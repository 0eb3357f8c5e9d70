"""Simple schedules: a user function λ(t), step decay, decay at milestones, exponential decay.

Import them from ``optim.lr_scheduler`` (``optim.lr_scheduler.StepLR``).
"""

from __future__ import annotations

import types
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from optim.lr_scheduler_base import LRScheduler, lr_lambdas
from optim.optimizer import Optimizer

__all__ = ["LambdaLR", "StepLR", "MultiStepLR", "ExponentialLR"]


class LambdaLR(LRScheduler):
    """η_t = η₀ · λ(t), with a user function λ per group (not chainable: uses η₀ directly).

    Args:
        optimizer: the optimizer.
        lr_lambda: a function of the epoch t, or a list with one function per group.
        last_epoch: index of the last epoch when resuming (default: -1).

    Raises:
        ValueError: a list of functions whose length is not the number of groups.

    Example:
        >>> import autograd_core as ac
        >>> import optim
        >>> opt = optim.SGD([ac.tensor([1.0], requires_grad=True)], lr=1.0)
        >>> sched = optim.lr_scheduler.LambdaLR(opt, lambda t: 0.5**t)
        >>> sched.step(); sched.step()
        >>> sched.get_last_lr()
        [0.25]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        lr_lambda: Callable[[int], float] | list[Callable[[int], float]],
        last_epoch: int = -1,
    ) -> None:
        self.lr_lambdas = lr_lambdas(optimizer, lr_lambda)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """Return η₀ · λ(t) for every group."""
        return self.closed_form_lr()

    def closed_form_lr(self) -> list[float]:
        """Return η₀ · λ(t) for every group."""
        return [
            base * fn(self.last_epoch)
            for fn, base in zip(self.lr_lambdas, self.base_lrs, strict=True)
        ]

    def state_dict(self) -> dict[str, Any]:
        """Return the state; a λ is saved (as its ``__dict__``) only if it is a callable object."""
        state = {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "lr_lambdas")}
        state["lr_lambdas"] = [
            None if isinstance(fn, types.FunctionType) else dict(fn.__dict__)
            for fn in self.lr_lambdas
        ]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore the state; the functions themselves stay those given to the constructor."""
        state = dict(state_dict)
        saved_lambdas = state.pop("lr_lambdas")
        self.__dict__.update(state)
        for fn, saved in zip(self.lr_lambdas, saved_lambdas, strict=True):
            if saved is not None:
                fn.__dict__.update(saved)


class StepLR(LRScheduler):
    """Step decay: η_t = η₀ · γ^⌊t / s⌋ (multiply by γ every s epochs).

    Recursive form: η_t = γ η_{t-1} when t > 0 and s divides t, else η_t = η_{t-1}.

    Args:
        optimizer: the optimizer.
        step_size: s, the period of the decay in epochs.
        gamma: γ, the multiplicative factor (default: 0.1).
        last_epoch: index of the last epoch when resuming (default: -1).

    Example:
        >>> import autograd_core as ac
        >>> import optim
        >>> opt = optim.SGD([ac.tensor([1.0], requires_grad=True)], lr=1.0)
        >>> sched = optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
        >>> lrs = []
        >>> for _ in range(5):
        ...     sched.step()
        ...     lrs += sched.get_last_lr()
        >>> lrs
        [1.0, 0.5, 0.5, 0.25, 0.25]
    """

    def __init__(
        self, optimizer: Optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1
    ) -> None:
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """Return the recursive form."""
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return self._current_lrs()
        return [lr * self.gamma for lr in self._current_lrs()]

    def closed_form_lr(self) -> list[float]:
        """Return η₀ · γ^⌊t / s⌋."""
        return [base * self.gamma ** (self.last_epoch // self.step_size) for base in self.base_lrs]


class MultiStepLR(LRScheduler):
    """Decay at milestones: η_t = η₀ · γ^(number of milestones ≤ t).

    Recursive form: η_t = γ^k η_{t-1}, where k is how many times t appears in the milestones.

    Args:
        optimizer: the optimizer.
        milestones: epoch indices where the learning rate is multiplied by γ (repeats count).
        gamma: γ, the multiplicative factor (default: 0.1).
        last_epoch: index of the last epoch when resuming (default: -1).

    Example:
        >>> import autograd_core as ac
        >>> import optim
        >>> opt = optim.SGD([ac.tensor([1.0], requires_grad=True)], lr=1.0)
        >>> sched = optim.lr_scheduler.MultiStepLR(opt, milestones=[1, 3], gamma=0.5)
        >>> lrs = []
        >>> for _ in range(4):
        ...     sched.step()
        ...     lrs += sched.get_last_lr()
        >>> lrs
        [0.5, 0.5, 0.25, 0.25]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        milestones: Iterable[int],
        gamma: float = 0.1,
        last_epoch: int = -1,
    ) -> None:
        self.milestones = Counter(milestones)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """Return the recursive form."""
        if self.last_epoch not in self.milestones:
            return self._current_lrs()
        factor = self.gamma ** self.milestones[self.last_epoch]
        return [lr * factor for lr in self._current_lrs()]

    def closed_form_lr(self) -> list[float]:
        """Return η₀ · γ^(number of milestones ≤ t)."""
        passed = bisect_right(sorted(self.milestones.elements()), self.last_epoch)
        return [base * self.gamma**passed for base in self.base_lrs]


class ExponentialLR(LRScheduler):
    """Exponential decay: η_t = η₀ · γᵗ; recursive form η_t = γ η_{t-1}.

    Args:
        optimizer: the optimizer.
        gamma: γ, the factor applied every epoch.
        last_epoch: index of the last epoch when resuming (default: -1).

    Example:
        >>> import autograd_core as ac
        >>> import optim
        >>> opt = optim.SGD([ac.tensor([1.0], requires_grad=True)], lr=1.0)
        >>> sched = optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
        >>> sched.step(); sched.step()
        >>> sched.get_last_lr()
        [0.25]
    """

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """Return the recursive form."""
        if self._is_initial:
            return self._current_lrs()
        return [lr * self.gamma for lr in self._current_lrs()]

    def closed_form_lr(self) -> list[float]:
        """Return η₀ · γᵗ."""
        return [base * self.gamma**self.last_epoch for base in self.base_lrs]
