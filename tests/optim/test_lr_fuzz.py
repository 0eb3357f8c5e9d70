"""Differential fuzz tests of the learning-rate schedules against torch.optim.lr_scheduler.

Each example builds a random schedule, alone or in a random chain (SequentialLR,
ChainedScheduler, or several schedules stepping one optimizer), with random arguments, on an SGD
with 1-3 parameter groups of different learning rates, and steps it for up to 40 epochs in both
libraries: ``get_last_lr()`` and every group's ``lr`` (and ``momentum`` where a cyclic schedule
moves it) must agree to 1e-12 relative after every step, and a step or a constructor must raise
in ours exactly where it raises in torch (same exception type). ReduceLROnPlateau is stepped with
random metrics, plateaus included.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, note
from hypothesis import strategies as st

import autograd_core as ac
import optim

sys.path.insert(0, str(Path(__file__).parents[1] / "nn"))

from fuzz_compare import fuzz_settings, slow_settings  # noqa: E402  # tests/nn/

RTOL = 1e-12
epochs = st.integers(1, 12)
factors = st.one_of(st.sampled_from([0.0, 0.1, 0.5, 1.0]), st.floats(0.01, 1.0))
# lr_lambda families: a function of the epoch and two drawn constants, the same in both runs.
LAMBDAS = {
    "power": lambda a, b: lambda e: a**e,
    "inverse": lambda a, b: lambda e: 1.0 / (1.0 + a * e),
    "step": lambda a, b: lambda e: b if e % 3 == 2 else a,
}


@st.composite
def single(draw: Any, simple: bool = False) -> tuple[str, dict[str, Any]]:
    """A schedule class name and its keyword arguments (``simple``: those that may be chained,
    not the cyclic ones, which set the lr outright each step and need momentum)."""
    kinds = ["StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "LinearLR",
             "ConstantLR", "PolynomialLR", "LambdaLR", "MultiplicativeLR",
             "CosineAnnealingWarmRestarts"]  # fmt: skip
    if not simple:
        kinds += ["CyclicLR", "OneCycleLR"]
    kind = draw(st.sampled_from(kinds))
    if kind == "StepLR":
        return kind, {"step_size": draw(epochs), "gamma": draw(factors)}
    if kind == "MultiStepLR":
        return kind, {"milestones": draw(st.lists(epochs, max_size=4)), "gamma": draw(factors)}
    if kind == "ExponentialLR":
        return kind, {"gamma": draw(st.floats(0.5, 1.0))}
    if kind == "CosineAnnealingLR":
        return kind, {"T_max": draw(epochs), "eta_min": draw(st.sampled_from([0.0, 1e-3, 0.05]))}
    if kind == "LinearLR":
        start = draw(st.floats(0.01, 1.0))
        return kind, {"start_factor": start, "end_factor": draw(st.floats(0.0, 1.0)),
                      "total_iters": draw(epochs)}  # fmt: skip
    if kind == "ConstantLR":
        return kind, {"factor": draw(st.floats(0.0, 1.0)), "total_iters": draw(epochs)}
    if kind == "PolynomialLR":
        return kind, {"total_iters": draw(epochs), "power": draw(st.floats(0.0, 3.0))}
    if kind in ("LambdaLR", "MultiplicativeLR"):
        family = draw(st.sampled_from(sorted(LAMBDAS)))
        a, b = draw(st.floats(0.5, 1.0)), draw(st.floats(0.0, 2.0))
        return kind, {"lr_lambda": (family, a, b)}
    if kind == "CosineAnnealingWarmRestarts":
        return kind, {"T_0": draw(epochs), "T_mult": draw(st.integers(1, 3)),
                      "eta_min": draw(st.sampled_from([0.0, 1e-3]))}  # fmt: skip
    if kind == "CyclicLR":
        mode = draw(st.sampled_from(["triangular", "triangular2", "exp_range"]))
        return kind, {
            "base_lr": draw(st.floats(1e-4, 0.01)),
            "max_lr": draw(st.floats(0.01, 1.0)),
            "step_size_up": draw(epochs),
            "step_size_down": draw(st.one_of(st.none(), epochs)),
            "mode": mode,
            "gamma": draw(st.floats(0.5, 1.0)),
            "cycle_momentum": draw(st.booleans()),
            "base_momentum": draw(st.floats(0.5, 0.8)),
            "max_momentum": draw(st.floats(0.8, 0.99)),
        }
    return kind, {
        "max_lr": draw(st.floats(0.01, 1.0)),
        "total_steps": draw(st.integers(2, 45)),
        "pct_start": draw(st.floats(0.05, 0.95)),
        "anneal_strategy": draw(st.sampled_from(["cos", "linear"])),
        "cycle_momentum": draw(st.booleans()),
        "div_factor": draw(st.sampled_from([25.0, 2.0, 1e4])),
        "final_div_factor": draw(st.sampled_from([1e4, 10.0])),
        "three_phase": draw(st.booleans()),
    }


@st.composite
def plan(draw: Any) -> dict[str, Any]:
    """What to build: one schedule, a SequentialLR, a ChainedScheduler, several schedules on
    one optimizer, or a ReduceLROnPlateau with its metrics."""
    how = draw(st.sampled_from(["single", "sequential", "chained", "stacked", "plateau"]))
    n_epochs = draw(st.integers(1, 40))
    if how == "plateau":
        kwargs = {
            "mode": draw(st.sampled_from(["min", "max"])),
            "factor": draw(st.floats(0.05, 0.9)),
            "patience": draw(st.integers(0, 5)),
            "threshold": draw(st.sampled_from([0.0, 1e-4, 0.1])),
            "threshold_mode": draw(st.sampled_from(["rel", "abs"])),
            "cooldown": draw(st.integers(0, 3)),
            "min_lr": draw(st.sampled_from([0.0, 1e-3, [1e-3, 0.0, 1e-2]])),
            "eps": draw(st.sampled_from([1e-8, 1e-3])),
        }
        pool = st.sampled_from([1.0, 0.5, 0.5, 2.0, -1.0])
        metrics = draw(st.lists(st.one_of(pool, st.floats(-2, 2)), min_size=n_epochs,
                                max_size=n_epochs))  # fmt: skip
        return {"how": how, "kwargs": kwargs, "metrics": metrics, "n_epochs": n_epochs}
    count = 1 if how == "single" else draw(st.integers(2, 3))
    parts = [draw(single(simple=how != "single")) for _ in range(count)]
    milestones = sorted(draw(st.lists(st.integers(1, 30), min_size=count - 1,
                                      max_size=count - 1)))  # fmt: skip
    return {"how": how, "parts": parts, "milestones": milestones, "n_epochs": n_epochs}


def _build_one(module: Any, opt: Any, kind: str, kwargs: dict[str, Any]) -> Any:
    kwargs = dict(kwargs)
    if "lr_lambda" in kwargs:
        family, a, b = kwargs["lr_lambda"]
        kwargs["lr_lambda"] = LAMBDAS[family](a, b)
    return getattr(module, kind)(opt, **kwargs)


def _setup(lib: str, group_lrs: list[float], p: dict[str, Any]):
    """The optimizer, the schedule that is stepped (None if building raised) and the outcome of
    building (None, or the exception's type name)."""
    if lib == "ours":
        module, make = optim, lambda: ac.zeros(2, requires_grad=True)
    else:
        import torch

        module, make = torch.optim, lambda: torch.zeros(2, requires_grad=True)
    groups = [{"params": [make()], "lr": lr} for lr in group_lrs]
    opt = module.SGD(groups, lr=0.1, momentum=0.9)
    sched = module.lr_scheduler
    try:
        if p["how"] == "plateau":
            return opt, sched.ReduceLROnPlateau(opt, **p["kwargs"]), None
        parts = [_build_one(sched, opt, kind, kwargs) for kind, kwargs in p["parts"]]
        if p["how"] == "sequential":
            return opt, sched.SequentialLR(opt, parts, milestones=p["milestones"]), None
        if p["how"] == "chained":
            return opt, sched.ChainedScheduler(parts, optimizer=opt), None
        return opt, parts, None
    except (ValueError, TypeError, ZeroDivisionError) as error:
        return opt, None, type(error).__name__


def _step(schedule: Any, metric: float | None) -> str | None:
    try:
        for s in schedule if isinstance(schedule, list) else [schedule]:
            s.step() if metric is None else s.step(metric)
    except (ValueError, TypeError, ZeroDivisionError) as error:
        return type(error).__name__
    return None


def _state(opt: Any, schedule: Any) -> np.ndarray:
    last = schedule[-1] if isinstance(schedule, list) else schedule
    values = [*last.get_last_lr(), *(g["lr"] for g in opt.param_groups)]
    values += [g["momentum"] for g in opt.param_groups]
    return np.array([float(v) for v in values])


def _run(data: Any) -> None:
    pytest.importorskip("torch")
    p = data.draw(plan(), label="plan")
    group_lrs = data.draw(st.lists(st.sampled_from([0.1, 0.05, 1.0, 0.3]), min_size=1,
                                   max_size=3), label="group_lrs")  # fmt: skip
    if p["how"] == "plateau" and isinstance(p["kwargs"]["min_lr"], list):
        p["kwargs"]["min_lr"] = p["kwargs"]["min_lr"][: len(group_lrs)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's advice on step order and deprecations
        ours_opt, ours, ours_error = _setup("ours", group_lrs, p)
        torch_opt, theirs, torch_error = _setup("torch", group_lrs, p)
        assert ours_error == torch_error, "constructor"
        if theirs is None:
            return
        np.testing.assert_allclose(_state(ours_opt, ours), _state(torch_opt, theirs), rtol=RTOL)
        for epoch in range(p["n_epochs"]):
            metric = p["metrics"][epoch] if p["how"] == "plateau" else None
            ours_opt.step()
            torch_opt.step()
            got, want = _step(ours, metric), _step(theirs, metric)
            note(f"epoch {epoch}: ours {_state(ours_opt, ours)}")
            assert got == want, f"epoch {epoch}: ours raised {got}, torch {want}"
            if want is not None:
                return
            np.testing.assert_allclose(
                _state(ours_opt, ours), _state(torch_opt, theirs), rtol=RTOL, atol=0,
                err_msg=f"epoch {epoch}",
            )  # fmt: skip


@fuzz_settings(60)
@given(data=st.data())
def test_schedules_match_torch(data: Any) -> None:
    _run(data)


@pytest.mark.slow
@slow_settings(2000)
@given(data=st.data())
def test_schedules_match_torch_slow(data: Any) -> None:
    _run(data)
