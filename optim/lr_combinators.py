"""Schedules made of schedules: SequentialLR (one after another) and ChainedScheduler (all at
once, their factors multiplying).

Import them from ``optim.lr_scheduler`` (``optim.lr_scheduler.SequentialLR``).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from typing import Any

from optim.lr_plateau import ReduceLROnPlateau
from optim.lr_scheduler_base import LRScheduler
from optim.optimizer import Optimizer

__all__ = ["SequentialLR", "ChainedScheduler"]


def _check_schedulers(owner: str, optimizer: Optimizer, schedulers: Sequence[Any]) -> None:
    """PyTorch's checks: at least one scheduler, none metric-driven, all on ``optimizer``."""
    if len(schedulers) < 1:
        raise ValueError(f"{owner} expects at least one scheduler, but got no scheduler.")
    for i, scheduler in enumerate(schedulers):
        if not hasattr(scheduler, "optimizer"):
            raise TypeError(f"{owner} at index {i} should have `optimizer` as its attribute.")
        if isinstance(scheduler, ReduceLROnPlateau):
            raise ValueError(
                f"{owner} does not support `ReduceLROnPlateau` scheduler as it requires "
                "additional kwargs to be specified when calling `step`, but got one at index "
                f"{i} in the given schedulers sequence."
            )
        if scheduler.optimizer is not optimizer:
            raise ValueError(
                f"{owner} expects all schedulers to belong to the same optimizer, but got "
                f"scheduler {type(scheduler).__name__} at index {i} has a different optimizer."
            )


def _nested_state(scheduler: Any, schedulers: Sequence[Any]) -> dict[str, Any]:
    state = {k: v for k, v in scheduler.__dict__.items() if k not in ("optimizer", "_schedulers")}
    state["_schedulers"] = [s.state_dict() for s in schedulers]
    return state


def _load_nested_state(scheduler: Any, state_dict: dict[str, Any]) -> None:
    state = dict(state_dict)
    saved = state.pop("_schedulers")
    scheduler.__dict__.update(state)
    for s, s_state in zip(scheduler._schedulers, saved, strict=True):
        s.load_state_dict(s_state)


class SequentialLR(LRScheduler):
    """Run ``schedulers[0]`` until ``milestones[0]``, then ``schedulers[1]``, and so on.

    At a milestone the next scheduler starts from its epoch 0 (its closed form at 0, from the
    initial rates); in between only the active scheduler is stepped. Building it undoes the
    construction step of every given scheduler and re-applies the first one's, from each
    group's ``initial_lr``. Same behaviour as PyTorch.

    Args:
        optimizer: the optimizer all schedulers act on.
        schedulers: the schedulers, in order of use.
        milestones: epochs at which the next scheduler takes over (one fewer than schedulers).
        last_epoch: index of the last epoch when resuming (default: -1).

    Raises:
        ValueError: no scheduler, a ReduceLROnPlateau, a scheduler of another optimizer, or
            a wrong number of milestones (messages as in PyTorch).
        TypeError: something without an ``optimizer`` attribute.

    Example:
        >>> import autograd_core as ac
        >>> import optim
        >>> from optim import lr_scheduler
        >>> opt = optim.SGD([ac.tensor([1.0], requires_grad=True)], lr=1.0)
        >>> warm = lr_scheduler.ConstantLR(opt, factor=0.1, total_iters=2)
        >>> decay = lr_scheduler.ExponentialLR(opt, gamma=0.5)
        >>> sched = lr_scheduler.SequentialLR(opt, [warm, decay], milestones=[2])
        >>> lrs = [opt.param_groups[0]["lr"]]
        >>> for _ in range(4):
        ...     sched.step()
        ...     lrs += sched.get_last_lr()
        >>> lrs
        [0.1, 0.1, 1.0, 0.5, 0.25]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        schedulers: list[LRScheduler],
        milestones: list[int],
        last_epoch: int = -1,
    ) -> None:
        _check_schedulers(type(self).__name__, optimizer, schedulers)
        if len(milestones) != len(schedulers) - 1:
            raise ValueError(
                "Sequential Schedulers expects number of schedulers provided to be one more "
                "than the number of milestone points, but got number of schedulers "
                f"{len(schedulers)} and the number of milestones to be equal to {len(milestones)}"
            )
        self._schedulers = schedulers
        self._milestones = milestones
        self.last_epoch = last_epoch + 1
        self.optimizer = optimizer
        for group in optimizer.param_groups:
            group["lr"] = group["initial_lr"]
        for s in schedulers:
            _undo_step(s)
        first = self._schedulers[bisect_right(self._milestones, 0)]
        first._initial_step()
        self._last_lr = first.get_last_lr()

    def step(self) -> None:
        """Advance one epoch: step the active scheduler, or start the next one at a milestone."""
        self.last_epoch += 1
        idx = bisect_right(self._milestones, self.last_epoch)
        scheduler = self._schedulers[idx]
        if idx > 0 and self._milestones[idx - 1] == self.last_epoch:
            scheduler._update_lr(0)
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()

    def state_dict(self) -> dict[str, Any]:
        """Return the state, with each scheduler's own state dict under ``_schedulers``."""
        return _nested_state(self, self._schedulers)

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore the state returned by :meth:`state_dict` (and the schedulers' states)."""
        _load_nested_state(self, state_dict)


def _undo_step(scheduler: Any) -> None:
    """Take back one epoch from a scheduler (from every scheduler inside a combination)."""
    if hasattr(scheduler, "_schedulers"):
        for s in scheduler._schedulers:
            _undo_step(s)
    elif hasattr(scheduler, "last_epoch"):
        scheduler.last_epoch -= 1


class ChainedScheduler(LRScheduler):
    """Step several schedulers together, in order, each from the rate the previous one left.

    The recursive schedules multiply their factors this way (e.g. a warm-up times a decay).
    Construction steps nothing: each scheduler has applied its own construction step.
    Same behaviour as PyTorch.

    Args:
        schedulers: the schedulers, stepped in this order.
        optimizer: their optimizer (default: that of ``schedulers[0]``).

    Raises:
        ValueError: no scheduler, a ReduceLROnPlateau, or schedulers of different optimizers.
        TypeError: something without an ``optimizer`` attribute.

    Example:
        >>> import autograd_core as ac
        >>> import optim
        >>> from optim import lr_scheduler
        >>> opt = optim.SGD([ac.tensor([1.0], requires_grad=True)], lr=1.0)
        >>> sched = lr_scheduler.ChainedScheduler(
        ...     [lr_scheduler.ConstantLR(opt, factor=0.5, total_iters=2),
        ...      lr_scheduler.ExponentialLR(opt, gamma=0.5)])
        >>> lrs = [opt.param_groups[0]["lr"]]
        >>> for _ in range(3):
        ...     sched.step()
        ...     lrs += sched.get_last_lr()
        >>> lrs
        [0.5, 0.25, 0.25, 0.125]
    """

    def __init__(
        self, schedulers: Sequence[LRScheduler], optimizer: Optimizer | None = None
    ) -> None:
        if len(schedulers) < 1:
            raise ValueError(
                f"{type(self).__name__} expects at least one scheduler to be chained, but got "
                "no scheduler."
            )
        optimizer = optimizer or schedulers[0].optimizer
        _check_schedulers(type(self).__name__, optimizer, schedulers)
        self._schedulers = schedulers
        self.optimizer = optimizer
        self._last_lr = [group["lr"] for group in optimizer.param_groups]

    def step(self) -> None:
        """Step every scheduler once, in order."""
        for scheduler in self._schedulers:
            scheduler.step()
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def state_dict(self) -> dict[str, Any]:
        """Return the state, with each scheduler's own state dict under ``_schedulers``."""
        return _nested_state(self, self._schedulers)

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore the state returned by :meth:`state_dict` (and the schedulers' states)."""
        _load_nested_state(self, state_dict)
