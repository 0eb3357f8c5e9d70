"""Learning-rate schedules against their closed forms and PyTorch (pinned and live), 50 epochs."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import autograd_core as ac
import optim
from optim import lr_scheduler

sys.path.insert(0, str(Path(__file__).parent))

from optim_db import DATA_DIR, N_EPOCHS, PLATEAU_METRICS, SCHEDULER_DB, SchedulerCase  # noqa: E402

PINNED = json.loads((DATA_DIR / "lr_scheduler.json").read_text())
GROUP_LRS = tuple(PINNED["group_lrs"])
CASES = [pytest.param(case, id=case.id) for case in SCHEDULER_DB]
CLOSED = [pytest.param(case, id=case.id) for case in SCHEDULER_DB if case.closed_form]


def _optimizer() -> optim.SGD:
    params = [ac.tensor([0.0], requires_grad=True) for _ in GROUP_LRS]
    return optim.SGD([{"params": [p], "lr": lr} for p, lr in zip(params, GROUP_LRS, strict=True)])


def _step_all(scheds: list[Any], epoch: int) -> None:
    for s in scheds:
        if isinstance(s, lr_scheduler.ReduceLROnPlateau):
            s.step(PLATEAU_METRICS[epoch])
        else:
            s.step()


def _run(case: SchedulerCase) -> list[list[float]]:
    opt = _optimizer()
    built = case.build(lr_scheduler, opt)
    scheds = built if isinstance(built, list) else [built]
    lrs = [[g["lr"] for g in opt.param_groups]]
    for epoch in range(N_EPOCHS):
        opt.step()
        _step_all(scheds, epoch)
        lrs.append([g["lr"] for g in opt.param_groups])
    return lrs


def test_pinned_data_covers_every_case() -> None:
    assert set(PINNED["cases"]) == {c.id for c in SCHEDULER_DB}
    assert PINNED["metrics"] == list(PLATEAU_METRICS)


@pytest.mark.parametrize("case", CASES)
def test_matches_pinned_torch_schedule(case: SchedulerCase) -> None:
    np.testing.assert_allclose(_run(case), PINNED["cases"][case.id], rtol=1e-13, atol=0)


@pytest.mark.parametrize("case", CASES)
def test_matches_live_torch_schedule(case: SchedulerCase) -> None:
    pytest.importorskip("torch")
    make_reference = pytest.importorskip("make_reference")
    np.testing.assert_allclose(_run(case), make_reference.torch_lrs(case), rtol=1e-13, atol=0)


@pytest.mark.parametrize("case", CLOSED)
def test_matches_closed_form(case: SchedulerCase) -> None:
    opt = _optimizer()
    sched = case.build(lr_scheduler, opt)
    for t in range(N_EPOCHS + 1):
        if t:
            opt.step()
            sched.step()
        expected = [case.closed_form(t, eta0) for eta0 in GROUP_LRS]
        np.testing.assert_allclose(sched.get_last_lr(), expected, rtol=1e-12, err_msg=f"t={t}")
        np.testing.assert_allclose(sched.closed_form_lr(), expected, rtol=1e-12)


def test_inverse_time_satisfies_robbins_monro_numerically() -> None:
    """Partial sums of η_t grow like log t (diverge); those of η_t² converge to a finite limit."""
    opt = _optimizer()
    sched = lr_scheduler.InverseTimeLR(opt, gamma=1.0)
    lrs = [sched.get_last_lr()[0]]
    for _ in range(20000):
        sched.step()
        lrs.append(sched.get_last_lr()[0])
    lrs_array = np.array(lrs)
    eta0 = GROUP_LRS[0]
    assert lrs_array.sum() > eta0 * math.log(20000)
    assert (lrs_array**2).sum() < eta0**2 * math.pi**2 / 6 + eta0**2


def test_chained_schedules_multiply() -> None:
    opt = _optimizer()
    warm = lr_scheduler.LinearLR(opt, start_factor=0.5, total_iters=4)
    decay = lr_scheduler.ExponentialLR(opt, gamma=0.9)
    for t in range(1, 10):
        warm.step()
        decay.step()
        factor = (0.5 + 0.5 * min(t, 4) / 4) * 0.9**t
        np.testing.assert_allclose(opt.param_groups[0]["lr"], GROUP_LRS[0] * factor, rtol=1e-12)


@pytest.mark.parametrize("case", [c for c in CASES if "Plateau" not in c.id])
def test_scheduler_state_dict_resumes(case: SchedulerCase) -> None:
    opt = _optimizer()
    built = case.build(lr_scheduler, opt)
    scheds = built if isinstance(built, list) else [built]
    for epoch in range(17):
        _step_all(scheds, epoch)
    saved_opt = opt.state_dict()
    saved = [s.state_dict() for s in scheds]

    opt2 = _optimizer()
    built2 = case.build(lr_scheduler, opt2)
    scheds2 = built2 if isinstance(built2, list) else [built2]
    opt2.load_state_dict(saved_opt)
    for s, state in zip(scheds2, saved, strict=True):
        s.load_state_dict(state)
    for epoch in range(17, N_EPOCHS):
        _step_all(scheds, epoch)
        _step_all(scheds2, epoch)
        assert [g["lr"] for g in opt2.param_groups] == [g["lr"] for g in opt.param_groups]


def test_plateau_state_dict_resumes() -> None:
    opt = _optimizer()
    sched = lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=2)
    for epoch in range(20):
        sched.step(PLATEAU_METRICS[epoch])
    opt2 = _optimizer()
    sched2 = lr_scheduler.ReduceLROnPlateau(opt2)
    opt2.load_state_dict(opt.state_dict())
    sched2.load_state_dict(sched.state_dict())
    for epoch in range(20, N_EPOCHS):
        sched.step(PLATEAU_METRICS[epoch])
        sched2.step(PLATEAU_METRICS[epoch])
        assert sched2.get_last_lr() == sched.get_last_lr()


def test_lambda_lr_saves_callable_objects_not_functions() -> None:
    class Halve:
        def __init__(self) -> None:
            self.base = 0.5

        def __call__(self, t: int) -> float:
            return self.base**t

    opt = _optimizer()
    obj = Halve()
    sched = lr_scheduler.LambdaLR(opt, [obj, lambda t: 1.0])
    state = sched.state_dict()
    assert state["lr_lambdas"] == [{"base": 0.5}, None]
    obj.base = 0.9
    sched.load_state_dict(state)
    assert obj.base == 0.5


def test_scheduler_errors() -> None:
    opt = _optimizer()
    with pytest.raises(TypeError, match="int is not an Optimizer"):
        lr_scheduler.StepLR(3, step_size=1)  # type: ignore[arg-type]
    with pytest.raises(KeyError, match="param 'initial_lr' is not specified in param_groups"):
        lr_scheduler.StepLR(opt, step_size=1, last_epoch=3)
    with pytest.raises(ValueError, match="Expected 2 lr_lambdas, but got 1"):
        lr_scheduler.LambdaLR(opt, [lambda t: 1.0])
    with pytest.raises(ValueError, match="Starting multiplicative factor expected to be greater"):
        lr_scheduler.LinearLR(opt, start_factor=0.0)
    with pytest.raises(ValueError, match="Ending multiplicative factor expected to be between"):
        lr_scheduler.LinearLR(opt, end_factor=1.5)
    with pytest.raises(ValueError, match="InverseTimeLR: gamma must be >= 0, got -1"):
        lr_scheduler.InverseTimeLR(opt, gamma=-1)
    with pytest.raises(ValueError, match="Factor should be < 1.0"):
        lr_scheduler.ReduceLROnPlateau(opt, factor=1.0)
    with pytest.raises(ValueError, match="mode sideways is unknown"):
        lr_scheduler.ReduceLROnPlateau(opt, mode="sideways")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="threshold mode ratio is unknown"):
        lr_scheduler.ReduceLROnPlateau(opt, threshold_mode="ratio")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="expected 2 min_lrs, got 3"):
        lr_scheduler.ReduceLROnPlateau(opt, min_lr=[0.0, 0.0, 0.0])


def test_resume_with_last_epoch_uses_initial_lr() -> None:
    opt = _optimizer()
    first = lr_scheduler.ExponentialLR(opt, gamma=0.5)
    for _ in range(3):
        first.step()
    resumed = lr_scheduler.ExponentialLR(opt, gamma=0.5, last_epoch=3)
    assert resumed.base_lrs == list(GROUP_LRS)
    resumed.step()
    np.testing.assert_allclose(resumed.get_last_lr(), [lr * 0.5**4 for lr in GROUP_LRS])
