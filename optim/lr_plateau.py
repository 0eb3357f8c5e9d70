"""ReduceLROnPlateau: lower the learning rate when a monitored metric stops improving.

Unlike the epoch-indexed schedules, its ``step`` takes the metric. Import it from
``optim.lr_scheduler`` (``optim.lr_scheduler.ReduceLROnPlateau``).
"""

from __future__ import annotations

import math
from typing import Literal

from optim.lr_scheduler_base import LRScheduler
from optim.optimizer import Optimizer

__all__ = ["ReduceLROnPlateau"]


class ReduceLROnPlateau(LRScheduler):
    """Multiply the learning rate by ``factor`` when a metric stops improving.

    After each epoch, call ``step(metric)``. A metric is an improvement when it beats the best
    so far by more than ``threshold`` (relative: best·(1 ∓ threshold); absolute:
    best ∓ threshold). After more than ``patience`` epochs without improvement the rate of
    each group becomes max(lr · factor, min_lr) (skipped if the change is below ``eps``), and
    ``cooldown`` epochs follow in which bad epochs are not counted. This is the idea of early
    stopping (Goodfellow, Bengio & Courville, *Deep Learning* (2016), §7.8) applied to the
    learning rate.

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
