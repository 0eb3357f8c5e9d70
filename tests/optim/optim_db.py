"""The optimizer test database: option sets, error inputs and the shared problem (the scheduler
cases live in scheduler_db.py and are re-exported here).

Both the tests and ``make_reference.py`` (which pins PyTorch's trajectories) read this file, so
a case added here is checked against PyTorch as soon as the reference data is regenerated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scheduler_db import N_EPOCHS, PLATEAU_METRICS, SCHEDULER_DB, SchedulerCase

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
