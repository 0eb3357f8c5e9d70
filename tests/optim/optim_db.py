"""The optimizer and scheduler test database: option sets, error inputs and the shared problem.

Both the tests and ``make_reference.py`` (which pins PyTorch's trajectories) read this file, so
a case added here is checked against PyTorch as soon as the reference data is regenerated.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "DATA_DIR",
    "N_STEPS",
    "N_EPOCHS",
    "Case",
    "ErrorInput",
    "OptimizerInfo",
    "OPTIM_DB",
    "SchedulerCase",
    "SCHEDULER_DB",
    "PLATEAU_METRICS",
    "make_problem",
    "problem_grads",
]

DATA_DIR = Path(__file__).parent / "data"
N_STEPS = 20
N_EPOCHS = 50


@dataclass(frozen=True)
class Case:
    """One option set: ``kwargs`` for the constructor; ``second_group`` puts the bias in a
    second parameter group with these overrides (per-group options)."""

    id: str
    kwargs: dict[str, Any]
    second_group: dict[str, Any] | None = None


@dataclass(frozen=True)
class ErrorInput:
    """Constructor kwargs that must raise ``error`` with a message matching ``match``."""

    kwargs: dict[str, Any]
    error: type[Exception]
    match: str


@dataclass(frozen=True)
class OptimizerInfo:
    """An optimizer (same class name in ``optim`` and ``torch.optim``) and its test cases."""

    name: str
    cases: tuple[Case, ...]
    error_inputs: tuple[ErrorInput, ...] = field(default=())


_LR = ErrorInput({"lr": -0.1}, ValueError, r"^Invalid learning rate: -0\.1$")
_WD = ErrorInput({"lr": 0.1, "weight_decay": -1.0}, ValueError, r"Invalid weight_decay value: -1")
_EPS = ErrorInput({"lr": 0.1, "eps": -1e-3}, ValueError, r"Invalid epsilon value: -0\.001")
_BETA0 = ErrorInput({"betas": (1.0, 0.999)}, ValueError, r"Invalid beta parameter at index 0: 1")
_BETA1 = ErrorInput({"betas": (0.9, -0.1)}, ValueError, r"Invalid beta parameter at index 1: -0")

OPTIM_DB: tuple[OptimizerInfo, ...] = (
    OptimizerInfo(
        "SGD",
        (
            Case("plain", {"lr": 0.1}),
            Case("momentum", {"lr": 0.1, "momentum": 0.9}),
            Case("dampening", {"lr": 0.1, "momentum": 0.9, "dampening": 0.5}),
            Case("nesterov", {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
            Case("weight_decay", {"lr": 0.1, "weight_decay": 0.1}),
            Case("momentum_weight_decay", {"lr": 0.1, "momentum": 0.8, "weight_decay": 0.05}),
            Case("maximize", {"lr": 0.05, "momentum": 0.5, "maximize": True}),
            Case(
                "nesterov_wd_maximize",
                {
                    "lr": 0.05,
                    "momentum": 0.9,
                    "nesterov": True,
                    "weight_decay": 0.1,
                    "maximize": True,
                },
            ),
            Case("groups", {"lr": 0.1, "momentum": 0.9}, {"lr": 0.02, "momentum": 0.5}),
        ),
        (
            _LR,
            ErrorInput({"lr": 0.1, "momentum": -0.5}, ValueError, r"Invalid momentum value: -0\.5"),
            _WD,
            ErrorInput(
                {"lr": 0.1, "nesterov": True},
                ValueError,
                "Nesterov momentum requires a momentum and zero dampening",
            ),
            ErrorInput(
                {"lr": 0.1, "momentum": 0.9, "dampening": 0.1, "nesterov": True},
                ValueError,
                "Nesterov momentum requires a momentum and zero dampening",
            ),
        ),
    ),
    OptimizerInfo(
        "Adagrad",
        (
            Case("default", {"lr": 0.1}),
            Case("lr_decay", {"lr": 0.1, "lr_decay": 0.1}),
            Case("initial_accumulator_value", {"lr": 0.1, "initial_accumulator_value": 0.5}),
            Case("eps", {"lr": 0.1, "eps": 1e-3}),
            Case("weight_decay", {"lr": 0.1, "weight_decay": 0.1}),
            Case("maximize", {"lr": 0.05, "maximize": True}),
            Case(
                "all",
                {
                    "lr": 0.1,
                    "lr_decay": 0.05,
                    "weight_decay": 0.1,
                    "initial_accumulator_value": 0.1,
                },
            ),
            Case("groups", {"lr": 0.1}, {"lr": 0.3, "lr_decay": 0.2}),
        ),
        (
            _LR,
            ErrorInput({"lr_decay": -0.5}, ValueError, r"Invalid lr_decay value: -0\.5"),
            _WD,
            ErrorInput(
                {"initial_accumulator_value": -1.0},
                ValueError,
                r"Invalid initial_accumulator_value value: -1\.0",
            ),
            _EPS,
        ),
    ),
    OptimizerInfo(
        "RMSprop",
        (
            Case("default", {"lr": 0.01}),
            Case("alpha", {"lr": 0.01, "alpha": 0.9}),
            Case("eps", {"lr": 0.01, "eps": 1e-3}),
            Case("centered", {"lr": 0.01, "centered": True}),
            Case("momentum", {"lr": 0.01, "momentum": 0.9}),
            Case("centered_momentum", {"lr": 0.01, "momentum": 0.9, "centered": True}),
            Case("weight_decay", {"lr": 0.01, "weight_decay": 0.1}),
            Case("maximize", {"lr": 0.01, "maximize": True}),
            Case(
                "all",
                {"lr": 0.01, "alpha": 0.8, "momentum": 0.5, "centered": True, "weight_decay": 0.1},
            ),
            Case("groups", {"lr": 0.01}, {"lr": 0.03, "centered": True}),
        ),
        (
            _LR,
            _EPS,
            ErrorInput({"momentum": -0.1}, ValueError, r"Invalid momentum value: -0\.1"),
            _WD,
            ErrorInput({"alpha": -0.5}, ValueError, r"Invalid alpha value: -0\.5"),
        ),
    ),
    OptimizerInfo(
        "Adadelta",
        (
            Case("default", {}),
            Case("rho", {"rho": 0.5}),
            Case("eps", {"eps": 1e-3}),
            Case("lr", {"lr": 0.5}),
            Case("weight_decay", {"weight_decay": 0.1}),
            Case("maximize", {"maximize": True}),
            Case("all", {"lr": 2.0, "rho": 0.7, "eps": 1e-4, "weight_decay": 0.05}),
            Case("groups", {}, {"lr": 0.3, "rho": 0.6}),
        ),
        (
            _LR,
            ErrorInput({"rho": 1.5}, ValueError, r"Invalid rho value: 1\.5"),
            _EPS,
            _WD,
        ),
    ),
    OptimizerInfo(
        "Adam",
        (
            Case("default", {"lr": 0.01}),
            Case("betas", {"lr": 0.01, "betas": (0.8, 0.99)}),
            Case("eps", {"lr": 0.01, "eps": 1e-3}),
            Case("weight_decay", {"lr": 0.01, "weight_decay": 0.1}),
            Case("amsgrad", {"lr": 0.01, "amsgrad": True}),
            Case("amsgrad_weight_decay", {"lr": 0.01, "amsgrad": True, "weight_decay": 0.1}),
            Case("maximize", {"lr": 0.01, "maximize": True}),
            Case(
                "decoupled_weight_decay",
                {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True},
            ),
            Case("groups", {"lr": 0.01}, {"lr": 0.05, "betas": (0.5, 0.9), "amsgrad": True}),
        ),
        (_LR, _EPS, _BETA0, _BETA1, _WD),
    ),
    OptimizerInfo(
        "AdamW",
        (
            Case("default", {"lr": 0.01}),
            Case("weight_decay", {"lr": 0.01, "weight_decay": 0.1}),
            Case("amsgrad", {"lr": 0.01, "amsgrad": True}),
            Case("maximize", {"lr": 0.01, "maximize": True}),
            Case("betas_eps", {"lr": 0.02, "betas": (0.7, 0.9), "eps": 1e-4}),
            Case("groups", {"lr": 0.01}, {"lr": 0.05, "weight_decay": 0.5}),
        ),
        (_LR, _EPS, _BETA0, _BETA1, _WD),
    ),
    OptimizerInfo(
        "NAdam",
        (
            Case("default", {"lr": 0.01}),
            Case("momentum_decay", {"lr": 0.01, "momentum_decay": 0.1}),
            Case("weight_decay", {"lr": 0.01, "weight_decay": 0.1}),
            Case(
                "decoupled_weight_decay",
                {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True},
            ),
            Case("maximize", {"lr": 0.01, "maximize": True}),
            Case("groups", {"lr": 0.01}, {"lr": 0.03, "betas": (0.8, 0.99)}),
        ),
        (
            _LR,
            _EPS,
            _BETA0,
            _BETA1,
            _WD,
            ErrorInput({"momentum_decay": -0.1}, ValueError, r"Invalid momentum_decay value: -0"),
        ),
    ),
    OptimizerInfo(
        "Adamax",
        (
            Case("default", {"lr": 0.01}),
            Case("betas", {"lr": 0.01, "betas": (0.8, 0.99)}),
            Case("eps", {"lr": 0.01, "eps": 1e-3}),
            Case("weight_decay", {"lr": 0.01, "weight_decay": 0.1}),
            Case("maximize", {"lr": 0.01, "maximize": True}),
            Case("groups", {"lr": 0.01}, {"lr": 0.05}),
        ),
        (_LR, _EPS, _BETA0, _BETA1, _WD),
    ),
    OptimizerInfo(
        "RAdam",
        (
            Case("default", {"lr": 0.01}),
            Case("betas", {"lr": 0.01, "betas": (0.8, 0.9)}),  # every case: ρ_t > 5 from step 6 on
            Case("eps", {"lr": 0.01, "betas": (0.9, 0.9), "eps": 1e-3}),
            Case("weight_decay", {"lr": 0.01, "betas": (0.9, 0.95), "weight_decay": 0.1}),
            Case(
                "decoupled_weight_decay",
                {
                    "lr": 0.01,
                    "betas": (0.9, 0.95),
                    "weight_decay": 0.1,
                    "decoupled_weight_decay": True,
                },
            ),
            Case("maximize", {"lr": 0.01, "betas": (0.9, 0.9), "maximize": True}),
            Case("groups", {"lr": 0.01}, {"lr": 0.05, "betas": (0.5, 0.9)}),
        ),
        (_LR, _EPS, _BETA0, _BETA1, _WD),
    ),
    OptimizerInfo(
        "Rprop",
        (
            Case("default", {}),
            Case("lr", {"lr": 0.1}),
            Case("etas", {"lr": 0.05, "etas": (0.3, 1.5)}),
            Case("step_sizes", {"lr": 0.05, "step_sizes": (0.01, 0.08)}),
            Case("maximize", {"lr": 0.05, "maximize": True}),
            Case(
                "all",
                {"lr": 0.2, "etas": (0.4, 1.3), "step_sizes": (1e-3, 0.5), "maximize": False},
            ),
            Case("groups", {"lr": 0.1}, {"lr": 0.02, "etas": (0.6, 1.1)}),
        ),
        (
            _LR,
            ErrorInput({"etas": (1.0, 1.2)}, ValueError, r"Invalid eta values: 1\.0, 1\.2"),
            ErrorInput({"etas": (0.5, 0.9)}, ValueError, r"Invalid eta values: 0\.5, 0\.9"),
        ),
    ),
    OptimizerInfo(
        "ASGD",
        (
            Case("default", {"lr": 0.1}),
            Case("lambd_alpha", {"lr": 0.1, "lambd": 0.5, "alpha": 0.5}),
            Case("t0", {"lr": 0.1, "lambd": 0.1, "t0": 5}),  # averaging from step 6 on
            Case("weight_decay", {"lr": 0.1, "weight_decay": 0.1, "t0": 3}),
            Case("maximize", {"lr": 0.05, "maximize": True, "t0": 2}),
            Case(
                "all",
                {"lr": 0.2, "lambd": 0.2, "alpha": 1.0, "t0": 4.5, "weight_decay": 0.05},
            ),
            Case("groups", {"lr": 0.1, "t0": 3}, {"lr": 0.3, "lambd": 0.05, "t0": 8}),
        ),
        (_LR, _WD),
    ),
)


# ----------------------------------------------------------------------------- the problem
# A two-parameter model y = tanh(X W + b) fitted by least squares: smooth, non-quadratic, with
# gradients of different scales per coordinate (which separates the adaptive methods).


def make_problem(seed: int = 0) -> dict[str, np.ndarray]:
    """Return the inputs X, targets Y and initial parameters W0, b0 (float64)."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((8, 3)) * np.array([1.0, 0.3, 3.0])
    w_true = rng.standard_normal((3, 2))
    y = np.tanh(x @ w_true + 0.5) + 0.05 * rng.standard_normal((8, 2))
    return {"X": x, "Y": y, "W0": rng.standard_normal((3, 2)), "b0": rng.standard_normal(2)}


def problem_grads(
    problem: dict[str, np.ndarray], w: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Gradients of L(W, b) = ½ mean_rows ‖tanh(X W + b) − Y‖² with respect to W and b."""
    x, y = problem["X"], problem["Y"]
    out = np.tanh(x @ w + b)
    dz = (out - y) * (1.0 - out * out) / x.shape[0]
    return x.T @ dz, dz.sum(axis=0)


# ----------------------------------------------------------------------------- schedulers


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
