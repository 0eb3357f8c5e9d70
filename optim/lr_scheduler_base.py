"""LRScheduler: the base class of the epoch-indexed learning-rate schedules.

It counts ``step()`` calls, writes each group's new ``"lr"`` and saves its state; the
schedules themselves are in ``optim.lr_simple_schedules`` and ``optim.lr_curve_schedules``,
all importable from ``optim.lr_scheduler``.
"""

from __future__ import annotations

from typing import Any

from optim.optimizer import Optimizer

__all__ = ["LRScheduler", "per_group", "lr_lambdas", "set_momentum"]


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
        self._initial_step()

    def _initial_step(self) -> None:
        """Apply the step that construction applies (``get_lr`` sees ``_is_initial``)."""
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

    def _update_lr(self, epoch: int) -> None:
        """Jump to ``epoch`` and write its rates: the closed form where the schedule has one.

        Used by :class:`~optim.lr_scheduler.SequentialLR` to restart a schedule at epoch 0.
        """
        self.last_epoch = epoch
        try:
            values = self.closed_form_lr()
        except NotImplementedError:
            values = self.get_lr()
        for group, lr in zip(self.optimizer.param_groups, values, strict=True):
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


def per_group(owner: str, name: str, optimizer: Optimizer, value: Any) -> list[Any]:
    """One value per parameter group of ``optimizer`` for the scheduler ``owner``'s argument
    ``name``: a list or tuple is checked (one per group), a number repeated."""
    n = len(optimizer.param_groups)
    if isinstance(value, (list, tuple)):
        if len(value) != n:
            raise ValueError(
                f"{owner}: expected {n} values for {name}, one per parameter group, got "
                f"{len(value)}. Pass one number for all groups or a list of {n}."
            )
        return list(value)
    return [value] * n


def lr_lambdas(optimizer: Optimizer, lr_lambda: Any) -> list[Any]:
    """LambdaLR's and MultiplicativeLR's λ per parameter group: a list or tuple is checked
    (one per group, PyTorch's message), one function repeated."""
    n = len(optimizer.param_groups)
    if isinstance(lr_lambda, (list, tuple)):
        if len(lr_lambda) != n:
            raise ValueError(f"Expected {n} lr_lambdas, but got {len(lr_lambda)}")
        return list(lr_lambda)
    return [lr_lambda] * n


def set_momentum(group: dict[str, Any], value: float, use_beta1: bool) -> None:
    """Set a group's momentum, or β₁ of its ``betas`` (Adam-like optimizers), to ``value``: the
    momentum cycling of CyclicLR and OneCycleLR."""
    if use_beta1:
        group["betas"] = (value, *group["betas"][1:])
    else:
        group["momentum"] = value
