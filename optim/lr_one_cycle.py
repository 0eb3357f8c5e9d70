"""OneCycleLR: the 1cycle policy, warm up to a peak learning rate and anneal far below the start.

Import it from ``optim.lr_scheduler`` (``optim.lr_scheduler.OneCycleLR``).
"""

from __future__ import annotations

import math
from typing import Any

from optim.lr_scheduler_base import LRScheduler, per_group, set_momentum
from optim.optimizer import Optimizer

__all__ = ["OneCycleLR", "anneal_cos", "anneal_linear"]


def anneal_cos(start: float, end: float, pct: float) -> float:
    """From ``start`` (pct = 0) to ``end`` (pct = 1) along half a cosine."""
    return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)


def anneal_linear(start: float, end: float, pct: float) -> float:
    """From ``start`` (pct = 0) to ``end`` (pct = 1) along a straight line."""
    return (end - start) * pct + start


def _floats(name: str, optimizer: Optimizer, value: Any) -> list[float]:
    return [float(v) for v in per_group("OneCycleLR", name, optimizer, value)]


class OneCycleLR(LRScheduler):
    r"""The 1cycle learning-rate policy, stepped once per batch, with PyTorch's formula.

    With T = ``total_steps`` and p = ``pct_start``, each group's rate goes through phases,
    annealing (``anneal(start, end, pct)``, cosine or linear) from the phase's start value to
    its end value as pct goes from 0 to 1 over the phase:

    .. code-block:: text

        η_start = max_lr / div_factor,  η_min = η_start / final_div_factor
        two phases (default):
            steps 0 … pT − 1        η_start → max_lr     momentum max_m → base_m
            steps pT − 1 … T − 1    max_lr → η_min       momentum base_m → max_m
        three_phase=True:
            steps 0 … pT − 1        η_start → max_lr     momentum max_m → base_m
            steps pT − 1 … 2pT − 2  max_lr → η_start     momentum base_m → max_m
            steps 2pT − 2 … T − 1   η_start → η_min      momentum max_m
        pct = (t − phase start) / (phase end − phase start)
        anneal_cos(a, b, pct)    = b + (a − b)(1 + cos(π pct)) / 2
        anneal_linear(a, b, pct) = a + (b − a) pct

    The phase boundaries are the real numbers pT − 1 and 2pT − 2, not rounded, exactly as in
    PyTorch. With ``cycle_momentum`` the momentum (SGD's ``momentum``, or β₁ of Adam's
    ``betas``) moves the opposite way, between ``max_momentum`` and ``base_momentum``.
    Stepping more than T times raises, as in PyTorch.

    Paper: Smith & Topin, `Super-Convergence: Very Fast Training of Neural Networks Using
    Large Learning Rates <https://arxiv.org/abs/1708.07120>`_ (2018). Differences from the
    paper: PyTorch's version (two phases by default, ``three_phase`` for the paper's), which
    this class reproduces step for step.

    Args:
        optimizer: the optimizer; its ``lr`` is replaced by the schedule.
        max_lr: the peak learning rate, one number or one per group.
        total_steps: T; or give ``epochs`` and ``steps_per_epoch`` (T = their product).
        epochs: the number of epochs, with ``steps_per_epoch``.
        steps_per_epoch: the number of steps per epoch, with ``epochs``.
        pct_start: p, the fraction of the cycle spent increasing the rate (default: 0.3).
        anneal_strategy: ``"cos"`` (default) or ``"linear"``.
        cycle_momentum: cycle the momentum inversely to the rate (default: True).
        base_momentum: the momentum at the peak rate (default: 0.85).
        max_momentum: the momentum at the start and end (default: 0.95).
        div_factor: η_start = max_lr / div_factor (default: 25).
        final_div_factor: η_min = η_start / final_div_factor (default: 1e4).
        three_phase: use the paper's three phases (default: False).
        last_epoch: the index of the last step when resuming (default: -1).

    Raises:
        ValueError: neither ``total_steps`` nor ``epochs`` and ``steps_per_epoch`` (or not
            positive integers), ``pct_start`` outside [0, 1], an unknown ``anneal_strategy``,
            ``cycle_momentum`` with an optimizer that has no momentum, or a step past T.

    Example:
        >>> import autograd_core as ac
        >>> import optim
        >>> opt = optim.SGD([ac.tensor([1.0], requires_grad=True)], lr=0.1, momentum=0.9)
        >>> sched = optim.lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=6, pct_start=0.5)
        >>> lrs = [opt.param_groups[0]["lr"]]
        >>> for _ in range(3):
        ...     opt.step()
        ...     sched.step()
        ...     lrs.append(opt.param_groups[0]["lr"])
        >>> [round(lr, 6) for lr in lrs]  # warm-up ends at step pT - 1 = 2
        [0.04, 0.52, 1.0, 0.750001]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        max_lr: float | list[float],
        total_steps: int | None = None,
        epochs: int | None = None,
        steps_per_epoch: int | None = None,
        pct_start: float = 0.3,
        anneal_strategy: str = "cos",
        cycle_momentum: bool = True,
        base_momentum: float | list[float] = 0.85,
        max_momentum: float | list[float] = 0.95,
        div_factor: float = 25.0,
        final_div_factor: float = 1e4,
        three_phase: bool = False,
        last_epoch: int = -1,
    ) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        self.total_steps = _total_steps(total_steps, epochs, steps_per_epoch)
        if not 0 <= pct_start <= 1:
            raise ValueError(
                f"OneCycleLR: pct_start must be between 0 and 1, got {pct_start!r}. It is the "
                "fraction of the cycle spent warming up, e.g. 0.3."
            )
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(
                f"OneCycleLR: anneal_strategy must be 'cos' or 'linear', got {anneal_strategy!r}."
            )
        self.anneal_strategy = anneal_strategy
        self.phases = _phases(self.total_steps, pct_start, three_phase)
        groups = optimizer.param_groups
        if last_epoch == -1:
            for group, peak in zip(groups, _floats("max_lr", optimizer, max_lr), strict=True):
                group["initial_lr"] = peak / div_factor
                group["max_lr"] = peak
                group["min_lr"] = group["initial_lr"] / final_div_factor
        self.cycle_momentum = cycle_momentum
        self.use_beta1 = "betas" in optimizer.defaults
        if cycle_momentum:
            if "momentum" not in optimizer.defaults and not self.use_beta1:
                raise ValueError(
                    f"OneCycleLR: {type(optimizer).__name__} has neither momentum nor betas to "
                    "cycle. Pass cycle_momentum=False, or use SGD(momentum=...) or Adam."
                )
            if last_epoch == -1:
                tops = _floats("max_momentum", optimizer, max_momentum)
                bases = _floats("base_momentum", optimizer, base_momentum)
                for group, top, base in zip(groups, tops, bases, strict=True):
                    set_momentum(group, top, self.use_beta1)
                    group["max_momentum"] = top
                    group["base_momentum"] = base
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """Return the rate of every group at step ``last_epoch`` (and set its momentum)."""
        t = self.last_epoch
        if t > self.total_steps:
            raise ValueError(
                f"OneCycleLR: tried to step {t} times, but total_steps is {self.total_steps}. "
                "Create the scheduler with the number of optimizer steps you will take."
            )
        anneal = anneal_cos if self.anneal_strategy == "cos" else anneal_linear
        lrs = []
        for group in self.optimizer.param_groups:
            start = 0.0
            for i, (end, lr_keys, momentum_keys) in enumerate(self.phases):
                if t <= end or i == len(self.phases) - 1:
                    pct = (t - start) / (end - start)
                    lrs.append(anneal(group[lr_keys[0]], group[lr_keys[1]], pct))
                    if self.cycle_momentum:
                        m = anneal(group[momentum_keys[0]], group[momentum_keys[1]], pct)
                        set_momentum(group, m, self.use_beta1)
                    break
                start = end
        return lrs


def _total_steps(total_steps: Any, epochs: Any, steps_per_epoch: Any) -> int:
    if total_steps is not None:
        if not isinstance(total_steps, int) or total_steps <= 0:
            raise ValueError(
                f"OneCycleLR: total_steps must be a positive int, got {total_steps!r}. Pass "
                "the number of optimizer steps of the whole run."
            )
        return total_steps
    if epochs is None or steps_per_epoch is None:
        raise ValueError(
            "OneCycleLR: give total_steps, or both epochs and steps_per_epoch. Example: "
            "OneCycleLR(opt, max_lr=0.1, epochs=10, steps_per_epoch=len(loader))."
        )
    for name, v in (("epochs", epochs), ("steps_per_epoch", steps_per_epoch)):
        if not isinstance(v, int) or v <= 0:
            raise ValueError(f"OneCycleLR: {name} must be a positive int, got {v!r}.")
    return epochs * steps_per_epoch


def _phases(total: int, pct_start: float, three_phase: bool) -> list[Any]:
    """(end step, (start lr key, end lr key), (start momentum key, end momentum key)) per
    phase; the keys name entries of each parameter group."""
    warm_end = float(pct_start * total) - 1
    if three_phase:
        return [
            (warm_end, ("initial_lr", "max_lr"), ("max_momentum", "base_momentum")),
            (
                float(2 * pct_start * total) - 2,
                ("max_lr", "initial_lr"),
                ("base_momentum", "max_momentum"),
            ),
            (total - 1, ("initial_lr", "min_lr"), ("max_momentum", "max_momentum")),
        ]
    return [
        (warm_end, ("initial_lr", "max_lr"), ("max_momentum", "base_momentum")),
        (total - 1, ("max_lr", "min_lr"), ("base_momentum", "max_momentum")),
    ]
