"""Factor schedules: a user factor per epoch, a constant factor for a while, polynomial decay.

Import them from ``optim.lr_scheduler`` (``optim.lr_scheduler.PolynomialLR``).
"""

from __future__ import annotations

from collections.abc import Callable

from optim.lr_scheduler_base import LRScheduler, lr_lambdas
from optim.lr_simple_schedules import LambdaLR
from optim.optimizer import Optimizer

__all__ = ["MultiplicativeLR", "ConstantLR", "PolynomialLR"]


class MultiplicativeLR(LRScheduler):
    """η_t = λ(t) · η_{t-1} for t > 0: each epoch multiplies the current rate by a user factor.

    Unlike :class:`LambdaLR` (η₀ · λ(t)), the factor applies to the current rate, so it chains
    with other schedulers. It has no closed form; saving and loading the λs works as in
    :class:`LambdaLR` (the state of callable objects is saved, plain functions are not).

    Args:
        optimizer: the optimizer.
        lr_lambda: a function of the epoch t, or a list with one function per group.
        last_epoch: index of the last epoch when resuming (default: -1).

    Raises:
        ValueError: a list of functions whose length is not the number of groups.
        TypeError: a λ is not callable.

    Example:
        >>> import autograd_core as ac
        >>> import optim
        >>> opt = optim.SGD([ac.tensor([1.0], requires_grad=True)], lr=1.0)
        >>> sched = optim.lr_scheduler.MultiplicativeLR(opt, lambda t: 0.5)
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
        for fn in self.lr_lambdas:
            if not callable(fn):
                raise TypeError(f"lr_lambda should be a function, but got {type(fn).__name__}")
        super().__init__(optimizer, last_epoch)

    # the λs are saved and restored as LambdaLR saves them
    state_dict = LambdaLR.state_dict
    load_state_dict = LambdaLR.load_state_dict

    def get_lr(self) -> list[float]:
        """Return λ(t) times the current rate of every group (unchanged at construction)."""
        if self._is_initial:
            return self._current_lrs()
        return [
            lr * fn(self.last_epoch)
            for fn, lr in zip(self.lr_lambdas, self._current_lrs(), strict=True)
        ]

    def closed_form_lr(self) -> list[float]:
        """MultiplicativeLR has no closed form (the product of all past factors)."""
        raise NotImplementedError("MultiplicativeLR has no closed form")


class ConstantLR(LRScheduler):
    """η_t = η₀ · f for t < T, then η₀: a constant factor for the first T epochs.

    Recursive form: η_0 = f η₀, η_T = η_{T-1} / f, unchanged otherwise.

    Args:
        optimizer: the optimizer.
        factor: f in [0, 1] (default: 1/3).
        total_iters: T, the number of epochs with the factor (default: 5).
        last_epoch: index of the last epoch when resuming (default: -1).

    Raises:
        ValueError: ``factor`` is outside [0, 1] (message as in PyTorch).

    Example:
        >>> import autograd_core as ac
        >>> import optim
        >>> opt = optim.SGD([ac.tensor([1.0], requires_grad=True)], lr=1.0)
        >>> sched = optim.lr_scheduler.ConstantLR(opt, factor=0.5, total_iters=2)
        >>> lrs = [opt.param_groups[0]["lr"]]
        >>> for _ in range(3):
        ...     sched.step()
        ...     lrs += sched.get_last_lr()
        >>> lrs
        [0.5, 0.5, 1.0, 1.0]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        factor: float = 1.0 / 3,
        total_iters: int = 5,
        last_epoch: int = -1,
    ) -> None:
        if factor > 1.0 or factor < 0:
            raise ValueError("Constant multiplicative factor expected to be between 0 and 1.")
        self.factor = factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """Return the recursive form."""
        if self.last_epoch == 0:
            return [lr * self.factor for lr in self._current_lrs()]
        if self.last_epoch != self.total_iters:
            return self._current_lrs()
        return [lr * (1.0 / self.factor) for lr in self._current_lrs()]

    def closed_form_lr(self) -> list[float]:
        """Return η₀ · f before epoch T, η₀ from then on."""
        done = self.last_epoch >= self.total_iters
        return [base * (self.factor + done * (1 - self.factor)) for base in self.base_lrs]


class PolynomialLR(LRScheduler):
    """η_t = η₀ (1 − min(t, T) / T)^p: polynomial decay to 0 over T epochs.

    Recursive form, for 0 < t ≤ T: η_t = η_{t-1} ((1 − t/T) / (1 − (t − 1)/T))^p.

    Args:
        optimizer: the optimizer.
        total_iters: T, the number of epochs of the decay (default: 5).
        power: p (default: 1.0).
        last_epoch: index of the last epoch when resuming (default: -1).

    Example:
        >>> import autograd_core as ac
        >>> import optim
        >>> opt = optim.SGD([ac.tensor([1.0], requires_grad=True)], lr=1.0)
        >>> sched = optim.lr_scheduler.PolynomialLR(opt, total_iters=4, power=2.0)
        >>> sched.step(); sched.step()
        >>> sched.get_last_lr()
        [0.25]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        total_iters: int = 5,
        power: float = 1.0,
        last_epoch: int = -1,
    ) -> None:
        self.total_iters = total_iters
        self.power = power
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """Return the recursive form."""
        t, total = self.last_epoch, self.total_iters
        if self._is_initial or t > total:
            return self._current_lrs()
        factor = ((1.0 - t / total) / (1.0 - (t - 1) / total)) ** self.power
        return [lr * factor for lr in self._current_lrs()]

    def closed_form_lr(self) -> list[float]:
        """Return η₀ (1 − min(t, T) / T)^p."""
        progress = min(self.total_iters, self.last_epoch) / self.total_iters
        return [base * (1.0 - progress) ** self.power for base in self.base_lrs]
