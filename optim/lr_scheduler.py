"""Learning-rate schedules that rewrite ``group["lr"]`` of an optimizer once per epoch or step."""

from __future__ import annotations

import math
import types
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any, Literal

from optim.optimizer import Optimizer

__all__ = [
    "LRScheduler",
    "LambdaLR",
    "StepLR",
    "MultiStepLR",
    "ExponentialLR",
    "CosineAnnealingLR",
    "LinearLR",
    "InverseTimeLR",
    "ReduceLROnPlateau",
]


class LRScheduler:
    """Base class of the schedules: call :meth:`step` after each ``optimizer.step()``.

    A scheduler counts its calls in ``last_epoch`` (``t`` below) and sets every group's ``"lr"``
    to the value its :meth:`get_lr` returns. Schedules that have one compute it recursively
    from the group's current learning rate, as PyTorch does, so that several schedulers on one
    optimizer *chain*: their factors multiply. Each also offers :meth:`closed_form_lr`, the
    value from the initial learning rate η₀ alone, which equals the recursive value (to
    rounding) when the scheduler is used alone.

    Constructing a scheduler stores each group's current lr as ``"initial_lr"`` (η₀) and
    applies step 0.

    Args:
        optimizer: the optimizer whose learning rates are scheduled.
        last_epoch: index of the last epoch when resuming; -1 (default) starts afresh.

    Raises:
        TypeError: ``optimizer`` is not an :class:`~optim.Optimizer`.
        KeyError: resuming (``last_epoch >= 0``) without ``"initial_lr"`` in the groups.
    """

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(
                        f"param 'initial_lr' is not specified in param_groups[{i}] when "
                        "resuming a scheduler with last_epoch >= 0. Load the optimizer's state "
                        "dict first, or use last_epoch=-1 for a fresh run."
                    )
        self.base_lrs: list[float] = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._is_initial = True
        self.step()
        self._is_initial = False

    def get_lr(self) -> list[float]:
        """Return the learning rate of every group for epoch ``last_epoch`` (to implement)."""
        raise NotImplementedError

    def closed_form_lr(self) -> list[float]:
        """Return the learning rates at ``last_epoch`` computed from η₀ alone."""
        raise NotImplementedError

    def step(self) -> None:
        """Advance one epoch and write the new learning rates into the optimizer."""
        self.last_epoch += 1
        for group, lr in zip(self.optimizer.param_groups, self.get_lr(), strict=True):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def get_last_lr(self) -> list[float]:
        """Return the learning rates set by the last :meth:`step`, one per group."""
        return list(self._last_lr)

    def _current_lrs(self) -> list[float]:
        return [group["lr"] for group in self.optimizer.param_groups]

    def state_dict(self) -> dict[str, Any]:
        """Return the scheduler's state: every attribute except the optimizer."""
        return {k: v for k, v in self.__dict__.items() if k != "optimizer"}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore the state returned by :meth:`state_dict`."""
        self.__dict__.update(state_dict)


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
        if isinstance(lr_lambda, (list, tuple)):
            if len(lr_lambda) != len(optimizer.param_groups):
                raise ValueError(
                    f"Expected {len(optimizer.param_groups)} lr_lambdas, but got {len(lr_lambda)}"
                )
            self.lr_lambdas = list(lr_lambda)
        else:
            self.lr_lambdas = [lr_lambda] * len(optimizer.param_groups)
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


class ReduceLROnPlateau(LRScheduler):
    """Multiply the learning rate by ``factor`` when a metric stops improving.

    After each epoch, call ``step(metric)``. A metric is an improvement when it beats the best
    so far by more than ``threshold`` (relative: best·(1 ∓ threshold); absolute:
    best ∓ threshold). After more than ``patience`` epochs without improvement the rate of
    each group becomes max(lr · factor, min_lr) (skipped if the change is below ``eps``), and
    ``cooldown`` epochs follow in which bad epochs are not counted. This is the seeds' early
    stopping idea applied to the learning rate.

    Args:
        optimizer: the optimizer.
        mode: ``"min"`` (the metric should decrease, e.g. a loss) or ``"max"`` (default: min).
        factor: multiplicative factor, < 1 (default: 0.1).
        patience: bad epochs tolerated before a reduction (default: 10).
        threshold: minimal significant change (default: 1e-4).
        threshold_mode: ``"rel"`` or ``"abs"`` (default: rel).
        cooldown: epochs to wait after a reduction (default: 0).
        min_lr: lower bound, one number or one per group (default: 0).
        eps: reductions smaller than this are skipped (default: 1e-8).

    Raises:
        ValueError: ``factor >= 1``, an unknown mode, or a ``min_lr`` list of the wrong length.

    Example:
        >>> import autograd_core as ac
        >>> import optim
        >>> opt = optim.SGD([ac.tensor([1.0], requires_grad=True)], lr=1.0)
        >>> sched = optim.lr_scheduler.ReduceLROnPlateau(opt, patience=1, factor=0.5)
        >>> for loss in [3.0, 2.0, 2.0, 2.0]:
        ...     sched.step(loss)
        >>> sched.get_last_lr()
        [0.5]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        mode: Literal["min", "max"] = "min",
        factor: float = 0.1,
        patience: int = 10,
        threshold: float = 1e-4,
        threshold_mode: Literal["rel", "abs"] = "rel",
        cooldown: int = 0,
        min_lr: list[float] | float = 0,
        eps: float = 1e-8,
    ) -> None:
        if factor >= 1.0:
            raise ValueError(f"Factor should be < 1.0. Got factor={factor!r}.")
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        if mode not in ("min", "max"):
            raise ValueError(f"mode {mode} is unknown! Use 'min' or 'max'.")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(f"threshold mode {threshold_mode} is unknown! Use 'rel' or 'abs'.")
        self.optimizer = optimizer
        if isinstance(min_lr, (list, tuple)):
            if len(min_lr) != len(optimizer.param_groups):
                raise ValueError(
                    f"expected {len(optimizer.param_groups)} min_lrs, got {len(min_lr)}"
                )
            self.min_lrs = list(min_lr)
        else:
            self.min_lrs = [min_lr] * len(optimizer.param_groups)
        self.mode = mode
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.threshold_mode = threshold_mode
        self.cooldown = cooldown
        self.eps = eps
        self.last_epoch = 0
        self.best = math.inf if mode == "min" else -math.inf
        self.num_bad_epochs = 0
        self.cooldown_counter = 0
        self._last_lr = self._current_lrs()

    def step(self, metrics: float) -> None:  # type: ignore[override]
        """Record one epoch's metric and reduce the learning rates if it has plateaued.

        Args:
            metrics: the monitored value (a float, or anything ``float()`` accepts).
        """
        current = float(metrics)
        self.last_epoch += 1
        if self._is_better(current):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            for group, min_lr in zip(self.optimizer.param_groups, self.min_lrs, strict=True):
                old = float(group["lr"])
                new = max(old * self.factor, min_lr)
                if old - new > self.eps:
                    group["lr"] = new
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = self._current_lrs()

    def _is_better(self, value: float) -> bool:
        if self.threshold_mode == "rel":
            scale = 1.0 - self.threshold if self.mode == "min" else 1.0 + self.threshold
            reference = self.best * scale
        else:
            shift = -self.threshold if self.mode == "min" else self.threshold
            reference = self.best + shift
        return value < reference if self.mode == "min" else value > reference
