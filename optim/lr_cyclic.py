"""Cyclic schedules: CyclicLR (triangular waves, cycling momentum the other way) and cosine
annealing with warm restarts (SGDR).

Import them from ``optim.lr_scheduler`` (``optim.lr_scheduler.CyclicLR``).
"""

from __future__ import annotations

import math
import types
from collections.abc import Callable
from typing import Any, Literal

from optim.lr_scheduler_base import LRScheduler, per_group, set_momentum
from optim.optimizer import Optimizer

__all__ = ["CyclicLR", "CosineAnnealingWarmRestarts"]


class CyclicLR(LRScheduler):
    r"""Cyclical learning rates: η goes from ``base_lr`` up to ``max_lr`` and back, every cycle.

    Stepped once per batch. With t = ``last_epoch``, S = ``step_size_up + step_size_down`` and
    r = ``step_size_up / S``::

        cycle = ⌊1 + t / S⌋,   x = 1 + t / S − cycle                (position in the cycle)
        h = x / r  if x ≤ r  else (x − 1) / (r − 1)                (0 → 1 → 0 triangle)
        η_t = base_lr + (max_lr − base_lr) · h · scale

    where ``scale`` is 1 (``"triangular"``), 1 / 2^(cycle − 1) (``"triangular2"``, halving
    the amplitude each cycle), γ^t (``"exp_range"``), or ``scale_fn(cycle)`` /
    ``scale_fn(t)`` for a user function (``scale_mode`` ``"cycle"`` / ``"iterations"``).
    With ``cycle_momentum`` the momentum (SGD's ``momentum`` or Adam's β₁) moves the other
    way: max_momentum − (max_momentum − base_momentum) · h · scale.

    Construction sets each group's lr to ``base_lr`` (and momentum to ``max_momentum``).

    Paper: Smith, `Cyclical Learning Rates for Training Neural Networks
    <https://arxiv.org/abs/1506.01186>`_ (2017). Same formulas as the paper and PyTorch.

    Args:
        optimizer: the optimizer.
        base_lr: lower bound of the rate, one number or one per group.
        max_lr: upper bound of the rate, one number or one per group.
        step_size_up: steps of the rising half of a cycle (default: 2000).
        step_size_down: steps of the falling half (default: ``step_size_up``).
        mode: ``"triangular"``, ``"triangular2"`` or ``"exp_range"`` (ignored if ``scale_fn``).
        gamma: γ of ``"exp_range"`` (default: 1.0).
        scale_fn: a custom scale function of one argument (default: None).
        scale_mode: argument of ``scale_fn``: ``"cycle"`` or ``"iterations"``.
        cycle_momentum: cycle the momentum inversely to the rate (default: True).
        base_momentum: the momentum at the peak rate (default: 0.8).
        max_momentum: the momentum at ``base_lr`` (default: 0.9).
        last_epoch: index of the last batch when resuming (default: -1).

    Raises:
        ValueError: an unknown ``mode`` without ``scale_fn``; ``cycle_momentum`` with an
            optimizer that has neither ``momentum`` nor ``betas``; a per-group list of the
            wrong length.

    Example:
        >>> import autograd_core as ac
        >>> import optim
        >>> opt = optim.SGD([ac.tensor([1.0], requires_grad=True)], lr=1.0, momentum=0.9)
        >>> sched = optim.lr_scheduler.CyclicLR(opt, base_lr=0.1, max_lr=0.5, step_size_up=2)
        >>> lrs = [opt.param_groups[0]["lr"]]
        >>> for _ in range(4):
        ...     sched.step()
        ...     lrs += sched.get_last_lr()
        >>> [round(lr, 12) for lr in lrs]
        [0.1, 0.3, 0.5, 0.3, 0.1]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        base_lr: float | list[float],
        max_lr: float | list[float],
        step_size_up: int = 2000,
        step_size_down: int | None = None,
        mode: Literal["triangular", "triangular2", "exp_range"] = "triangular",
        gamma: float = 1.0,
        scale_fn: Callable[[float], float] | None = None,
        scale_mode: Literal["cycle", "iterations"] = "cycle",
        cycle_momentum: bool = True,
        base_momentum: float | list[float] = 0.8,
        max_momentum: float | list[float] = 0.9,
        last_epoch: int = -1,
    ) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        base_lrs = per_group("CyclicLR", "base_lr", optimizer, base_lr)
        if last_epoch == -1:
            for lr, group in zip(base_lrs, optimizer.param_groups, strict=True):
                group["lr"] = lr
        self.max_lrs = per_group("CyclicLR", "max_lr", optimizer, max_lr)
        up = float(step_size_up)
        down = float(step_size_down) if step_size_down is not None else up
        self.total_size = up + down
        self.step_ratio = up / self.total_size
        if mode not in ("triangular", "triangular2", "exp_range") and scale_fn is None:
            raise ValueError("mode is invalid and scale_fn is None")
        self.mode = mode
        self.gamma = gamma
        self._scale_fn_custom = scale_fn
        self.scale_mode = scale_mode if scale_fn is not None else self._mode_scale_mode()
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
                raise ValueError(
                    "optimizer must support momentum or beta1 with `cycle_momentum` option "
                    f"enabled; {type(optimizer).__name__} has neither. Pass "
                    "cycle_momentum=False."
                )
            self.use_beta1 = "betas" in optimizer.defaults
            self.base_momentums = per_group("CyclicLR", "base_momentum", optimizer, base_momentum)
            self.max_momentums = per_group("CyclicLR", "max_momentum", optimizer, max_momentum)
            if last_epoch == -1:
                for top, base, group in zip(
                    self.max_momentums, self.base_momentums, optimizer.param_groups, strict=True
                ):
                    set_momentum(group, top, self.use_beta1)
                    group["max_momentum"] = top
                    group["base_momentum"] = base
        super().__init__(optimizer, last_epoch)
        self.base_lrs = base_lrs

    def _mode_scale_mode(self) -> str:
        return "iterations" if self.mode == "exp_range" else "cycle"

    def scale_fn(self, x: float) -> float:
        """The amplitude scale at ``x`` (the cycle, or the iteration for ``"iterations"``)."""
        if self._scale_fn_custom is not None:
            return self._scale_fn_custom(x)
        if self.mode == "triangular":
            return 1.0
        if self.mode == "triangular2":
            return 1 / 2.0 ** (x - 1)
        return self.gamma**x

    def get_lr(self) -> list[float]:
        """Return the rate of every group at ``last_epoch`` (and set its momentum)."""
        t = self.last_epoch
        cycle = math.floor(1 + t / self.total_size)
        x = 1.0 + t / self.total_size - cycle
        if x <= self.step_ratio:
            height = x / self.step_ratio
        else:
            height = (x - 1) / (self.step_ratio - 1)
        scale = self.scale_fn(cycle if self.scale_mode == "cycle" else t)
        lrs = [
            base + (top - base) * height * scale
            for base, top in zip(self.base_lrs, self.max_lrs, strict=True)
        ]
        if self.cycle_momentum:
            for group, base, top in zip(
                self.optimizer.param_groups, self.base_momentums, self.max_momentums, strict=True
            ):
                set_momentum(group, top - (top - base) * height * scale, self.use_beta1)
        return lrs

    def state_dict(self) -> dict[str, Any]:
        """Return the state; a custom ``scale_fn`` is saved (as its ``__dict__``) only if it is
        a callable object, as in PyTorch."""
        state = {k: v for k, v in self.__dict__.items() if k != "optimizer"}
        fn = state.pop("_scale_fn_custom")
        state["_scale_fn_custom"] = (
            None if fn is None or isinstance(fn, types.FunctionType) else dict(fn.__dict__)
        )
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore the state; the custom ``scale_fn`` itself stays the constructor's."""
        state = dict(state_dict)
        saved_fn = state.pop("_scale_fn_custom")
        self.__dict__.update(state)
        if saved_fn is not None:
            self._scale_fn_custom.__dict__.update(saved_fn)


class CosineAnnealingWarmRestarts(LRScheduler):
    r"""SGDR: cosine annealing from η₀ to η_min over T_i epochs, then a restart at η₀.

    .. math::
        \eta_t = \eta_{min} + \tfrac12 (\eta_0 - \eta_{min})(1 + \cos(\pi T_{cur} / T_i))

    T_cur counts epochs since the last restart; the i-th period lasts T_i = T_0 · T_multⁱ.
    :meth:`step` may be given a (fractional) epoch, e.g. ``epoch + batch / n_batches`` to
    anneal within an epoch; T_cur and T_i are then computed from it directly.

    Paper: Loshchilov & Hutter, `SGDR: Stochastic Gradient Descent with Warm Restarts
    <https://arxiv.org/abs/1608.03983>`_ (2017). Same formula as the paper and PyTorch.

    Args:
        optimizer: the optimizer.
        T_0: length of the first period, a positive int.
        T_mult: factor by which periods grow, an int ≥ 1 (default: 1).
        eta_min: η_min (default: 0).
        last_epoch: index of the last epoch when resuming (default: -1).

    Raises:
        ValueError: ``T_0``, ``T_mult`` or ``eta_min`` of the wrong type or range (as in PyTorch).

    Example:
        >>> import autograd_core as ac
        >>> import optim
        >>> opt = optim.SGD([ac.tensor([1.0], requires_grad=True)], lr=1.0)
        >>> sched = optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=2)
        >>> lrs = []
        >>> for _ in range(4):
        ...     sched.step()
        ...     lrs += sched.get_last_lr()
        >>> [round(lr, 12) for lr in lrs]
        [0.5, 1.0, 0.5, 1.0]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        T_0: int,
        T_mult: int = 1,
        eta_min: float = 0.0,
        last_epoch: int = -1,
    ) -> None:
        if T_0 <= 0 or not isinstance(T_0, int):
            raise ValueError(f"Expected positive integer T_0, but got {T_0}")
        if T_mult < 1 or not isinstance(T_mult, int):
            raise ValueError(f"Expected integer T_mult >= 1, but got {T_mult}")
        if not isinstance(eta_min, (float, int)):
            raise ValueError(
                f"Expected float or int eta_min, but got {eta_min} of type {type(eta_min)}"
            )
        self.T_0 = T_0
        self.T_i = T_0
        self.T_mult = T_mult
        self.eta_min = eta_min
        self.T_cur: float = last_epoch
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """Return η_min + ½ (η₀ − η_min)(1 + cos(π T_cur / T_i)) for every group."""
        return [
            self.eta_min
            + (base - self.eta_min) * (1 + math.cos(math.pi * self.T_cur / self.T_i)) / 2
            for base in self.base_lrs
        ]

    def step(self, epoch: float | None = None) -> None:
        """Advance one epoch, or jump to ``epoch`` (may be fractional), and set the rates.

        Raises:
            ValueError: ``epoch`` is negative.
        """
        if epoch is None and self.last_epoch < 0:
            epoch = 0
        if epoch is None:
            epoch = self.last_epoch + 1
            self.T_cur = self.T_cur + 1
            if self.T_cur >= self.T_i:
                self.T_cur = self.T_cur % self.T_i
                self.T_i = self.T_i * self.T_mult
        elif epoch < 0:
            raise ValueError(f"Expected non-negative epoch, but got {epoch}")
        elif epoch >= self.T_0:
            if self.T_mult == 1:
                self.T_cur = epoch % self.T_0
            else:
                # the restart index n: T_0 (T_multⁿ − 1) / (T_mult − 1) ≤ epoch
                n = int(math.log(epoch / self.T_0 * (self.T_mult - 1) + 1, self.T_mult))
                self.T_cur = epoch - self.T_0 * (self.T_mult**n - 1) / (self.T_mult - 1)
                self.T_i = self.T_0 * self.T_mult**n
        else:
            self.T_i = self.T_0
            self.T_cur = epoch
        self.last_epoch = math.floor(epoch)
        for group, lr in zip(self.optimizer.param_groups, self.get_lr(), strict=True):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]
