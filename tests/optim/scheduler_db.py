"""The scheduler cases of the test database (re-exported by ``optim_db``): each builds a schedule
on a two-group SGD, and ``make_reference.py`` pins PyTorch's learning rates over ``N_EPOCHS``."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["N_EPOCHS", "SchedulerCase", "SCHEDULER_DB", "PLATEAU_METRICS"]

N_EPOCHS = 50


@dataclass(frozen=True)
class SchedulerCase:
    """A schedule built by ``build(lr_scheduler_module, optimizer)`` (a list when chained).

    ``build_torch`` builds PyTorch's equivalent when it differs (InverseTimeLR has none, so its
    oracle is LambdaLR with the same formula). ``closed_form(t, eta0)`` is written here,
    independently of the library, for schedules used alone (None for chained or
    metric-driven ones).
    """

    id: str
    build: Callable[[Any, Any], Any]
    build_torch: Callable[[Any, Any], Any] | None = None
    closed_form: Callable[[int, float], float] | None = None


def _multistep(t: int, eta0: float) -> float:
    return eta0 * 0.5 ** sum(1 for m in (5, 12, 12, 30) if m <= t)


def _linear(t: int, eta0: float) -> float:
    return eta0 * (0.1 + (1.0 - 0.1) * min(t, 10) / 10)


SCHEDULER_DB: tuple[SchedulerCase, ...] = (
    SchedulerCase(
        "StepLR",
        lambda m, o: m.StepLR(o, step_size=7, gamma=0.5),
        closed_form=lambda t, e: e * 0.5 ** (t // 7),
    ),
    SchedulerCase(
        "MultiStepLR",
        lambda m, o: m.MultiStepLR(o, milestones=[30, 5, 12, 12], gamma=0.5),
        closed_form=_multistep,
    ),
    SchedulerCase(
        "ExponentialLR",
        lambda m, o: m.ExponentialLR(o, gamma=0.93),
        closed_form=lambda t, e: e * 0.93**t,
    ),
    SchedulerCase(
        "CosineAnnealingLR",
        lambda m, o: m.CosineAnnealingLR(o, T_max=20, eta_min=0.001),
        closed_form=lambda t, e: 0.001 + (e - 0.001) * (1 + math.cos(math.pi * t / 20)) / 2,
    ),
    SchedulerCase(
        "LambdaLR",
        lambda m, o: m.LambdaLR(o, lambda t: 1.0 / (1.0 + 0.1 * t) ** 0.5),
        closed_form=lambda t, e: e / (1.0 + 0.1 * t) ** 0.5,
    ),
    SchedulerCase(
        "LinearLR",
        lambda m, o: m.LinearLR(o, start_factor=0.1, total_iters=10),
        closed_form=_linear,
    ),
    SchedulerCase(
        "LinearLR_decay",
        lambda m, o: m.LinearLR(o, start_factor=1.0, end_factor=0.2, total_iters=25),
        closed_form=lambda t, e: e * (1.0 + (0.2 - 1.0) * min(t, 25) / 25),
    ),
    SchedulerCase(
        "InverseTimeLR",
        lambda m, o: m.InverseTimeLR(o, gamma=0.25),
        lambda m, o: m.LambdaLR(o, lambda t: 1.0 / (1.0 + 0.25 * t)),
        closed_form=lambda t, e: e / (1.0 + 0.25 * t),
    ),
    SchedulerCase(
        "chained_warmup_cosine",
        lambda m, o: [
            m.LinearLR(o, start_factor=0.2, total_iters=5),
            m.CosineAnnealingLR(o, T_max=15),
        ],
    ),
    SchedulerCase(
        "chained_inverse_time_step",
        lambda m, o: [m.InverseTimeLR(o, gamma=0.1), m.StepLR(o, step_size=10, gamma=0.5)],
        # LambdaLR does not chain (it restarts from η₀), MultiplicativeLR does.
        lambda m, o: [
            m.MultiplicativeLR(o, lambda t: (1.0 + 0.1 * (t - 1)) / (1.0 + 0.1 * t)),
            m.StepLR(o, step_size=10, gamma=0.5),
        ],
    ),
    SchedulerCase(
        "MultiplicativeLR",
        lambda m, o: m.MultiplicativeLR(o, lambda t: 0.99 - 0.002 * t),
    ),
    SchedulerCase(
        "ConstantLR",
        lambda m, o: m.ConstantLR(o, factor=0.25, total_iters=8),
        closed_form=lambda t, e: e * (0.25 if t < 8 else 1.0),
    ),
    SchedulerCase(
        "PolynomialLR",
        lambda m, o: m.PolynomialLR(o, total_iters=30, power=2.0),
        closed_form=lambda t, e: e * (1 - min(t, 30) / 30) ** 2,
    ),
    SchedulerCase(
        "PolynomialLR_sqrt",
        lambda m, o: m.PolynomialLR(o, total_iters=45, power=0.5),
        closed_form=lambda t, e: e * (1 - min(t, 45) / 45) ** 0.5,
    ),
    SchedulerCase(
        "CyclicLR_triangular",
        lambda m, o: m.CyclicLR(
            o, [0.01, 0.005], [0.1, 0.05], step_size_up=5, step_size_down=3, cycle_momentum=False
        ),
    ),
    SchedulerCase(
        "CyclicLR_triangular2_momentum",
        lambda m, o: m.CyclicLR(o, 0.01, [0.1, 0.2], step_size_up=4, mode="triangular2"),
    ),
    SchedulerCase(
        "CyclicLR_exp_range",
        lambda m, o: m.CyclicLR(
            o, 0.02, 0.12, step_size_up=3, step_size_down=6, mode="exp_range", gamma=0.97
        ),
    ),
    SchedulerCase(
        "CyclicLR_scale_fn_iterations",
        lambda m, o: m.CyclicLR(
            o,
            0.02,
            0.12,
            step_size_up=6,
            scale_fn=lambda x: 1 / (1 + 0.1 * x),
            scale_mode="iterations",
            cycle_momentum=False,
        ),  # fmt: skip
    ),
    SchedulerCase(
        "CosineAnnealingWarmRestarts",
        lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=7, eta_min=0.001),
    ),
    SchedulerCase(
        "CosineAnnealingWarmRestarts_T_mult",
        lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2),
    ),
    SchedulerCase(
        "SequentialLR_warmup_exponential",
        lambda m, o: m.SequentialLR(
            o,
            [m.LinearLR(o, start_factor=0.1, total_iters=5), m.ExponentialLR(o, gamma=0.9)],
            milestones=[5],
        ),  # fmt: skip
    ),
    SchedulerCase(
        "SequentialLR_three_stages",
        lambda m, o: m.SequentialLR(
            o,
            [
                m.ConstantLR(o, factor=0.5, total_iters=10),
                m.CosineAnnealingLR(o, T_max=12, eta_min=0.001),
                m.MultiplicativeLR(o, lambda t: 0.97),
            ],
            milestones=[4, 20],
        ),
    ),
    SchedulerCase(
        "ChainedScheduler",
        lambda m, o: m.ChainedScheduler(
            [m.ConstantLR(o, factor=0.5, total_iters=10), m.ExponentialLR(o, gamma=0.95)]
        ),
    ),
    SchedulerCase(
        "ChainedScheduler_poly_multiplicative",
        lambda m, o: m.ChainedScheduler(
            [m.PolynomialLR(o, total_iters=40), m.MultiplicativeLR(o, lambda t: 0.98)]
        ),
    ),
    SchedulerCase(
        "ReduceLROnPlateau",
        lambda m, o: m.ReduceLROnPlateau(o, factor=0.5, patience=2, cooldown=1, min_lr=0.01),
    ),
    SchedulerCase(
        "ReduceLROnPlateau_max_abs",
        lambda m, o: m.ReduceLROnPlateau(
            o, mode="max", factor=0.3, patience=1, threshold=0.05, threshold_mode="abs"
        ),
    ),
)

# The metric fed to ReduceLROnPlateau at each epoch: improves, plateaus, improves a little.
PLATEAU_METRICS: tuple[float, ...] = tuple(
    float(v) for v in np.round(1.0 / (1.0 + np.floor(np.arange(N_EPOCHS) / 6.0) ** 1.5), 6)
)
