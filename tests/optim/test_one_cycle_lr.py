"""OneCycleLR against torch.optim.lr_scheduler.OneCycleLR (rates and momenta, every step) and
against its closed form at the phase boundaries."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd_core as ac
import optim
from optim.lr_scheduler import OneCycleLR

CONFIGS = {
    "cos default": {"max_lr": 0.1, "total_steps": 25},
    "linear": {"max_lr": 0.1, "total_steps": 25, "anneal_strategy": "linear"},
    "three phase": {"max_lr": 0.5, "total_steps": 30, "three_phase": True},
    "three phase linear": {
        "max_lr": 0.5,
        "total_steps": 31,
        "three_phase": True,
        "anneal_strategy": "linear",
        "pct_start": 0.2,
    },
    "epochs x steps": {"max_lr": [0.2, 0.05], "epochs": 4, "steps_per_epoch": 7},
    "factors": {"max_lr": 1.0, "total_steps": 17, "div_factor": 10.0, "final_div_factor": 100.0},
    "no momentum cycle": {"max_lr": 0.1, "total_steps": 12, "cycle_momentum": False},
    "momentum per group": {
        "max_lr": 0.3,
        "total_steps": 20,
        "base_momentum": [0.8, 0.7],
        "max_momentum": [0.9, 0.99],
    },
}


def _ours(kind: str, kwargs: dict) -> list[list[float]]:
    params = [ac.tensor([1.0], requires_grad=True) for _ in range(2)]
    groups = [{"params": [p]} for p in params]
    opt = optim.SGD(groups, lr=0.01, momentum=0.9) if kind == "sgd" else optim.Adam(groups)
    sched = OneCycleLR(opt, **kwargs)
    return _trajectory(opt, sched, kind, sched.total_steps)


def _theirs(torch, kind: str, kwargs: dict) -> list[list[float]]:
    params = [torch.zeros(1, requires_grad=True) for _ in range(2)]
    groups = [{"params": [p]} for p in params]
    if kind == "sgd":
        opt = torch.optim.SGD(groups, lr=0.01, momentum=0.9)
    else:
        opt = torch.optim.Adam(groups)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, **kwargs)
    return _trajectory(opt, sched, kind, sched.total_steps)


def _trajectory(opt, sched, kind: str, total: int) -> list[list[float]]:
    rows = []
    for t in range(total):
        if t:
            opt.step()
            sched.step()
        for g in opt.param_groups:
            momentum = g["momentum"] if kind == "sgd" else g["betas"][0]
            rows.append([g["lr"], momentum])
    return rows


@pytest.mark.parametrize("kind", ["sgd", "adam"])
@pytest.mark.parametrize("name", list(CONFIGS))
def test_one_cycle_matches_torch_every_step(torch, name, kind):
    kwargs = CONFIGS[name]
    np.testing.assert_allclose(_ours(kind, kwargs), _theirs(torch, kind, kwargs), rtol=1e-13)


def test_one_cycle_closed_form_at_the_phase_boundaries():
    # T = 21, p = 0.5: the warm-up ends at the real step pT - 1 = 9.5 (PyTorch does not round
    # it), so step 9 is 9/9.5 of the way up and step 10 is 0.5/10.5 of the way down.
    opt = optim.SGD([ac.tensor([1.0], requires_grad=True)], lr=0.01, momentum=0.9)
    sched = OneCycleLR(opt, max_lr=2.0, total_steps=21, pct_start=0.5, div_factor=4.0)
    lrs = [opt.param_groups[0]["lr"]]
    moms = [opt.param_groups[0]["momentum"]]
    for _ in range(20):
        opt.step()
        sched.step()
        lrs.append(opt.param_groups[0]["lr"])
        moms.append(opt.param_groups[0]["momentum"])
    start, peak = 0.5, 2.0
    low = start / 1e4
    assert lrs[0] == pytest.approx(start) and moms[0] == pytest.approx(0.95)
    pct = 9 / 9.5
    assert lrs[9] == pytest.approx(peak + (start - peak) * (1 + math.cos(math.pi * pct)) / 2)
    assert lrs[20] == pytest.approx(low)
    assert moms[20] == pytest.approx(0.95)
    pct = 0.5 / 10.5
    assert lrs[10] == pytest.approx(low + (peak - low) * (1 + math.cos(math.pi * pct)) / 2)
    assert moms[10] == pytest.approx(0.85 + (0.95 - 0.85) * (1 - math.cos(math.pi * pct)) / 2)
    assert max(lrs) < peak  # the peak at step 9.5 falls between two steps


def test_one_cycle_stepping_past_total_steps_raises():
    opt = optim.SGD([ac.tensor([1.0], requires_grad=True)], lr=0.01, momentum=0.9)
    sched = OneCycleLR(opt, max_lr=0.1, total_steps=3)
    sched.step()
    sched.step()
    sched.step()  # t = 3 = total_steps is still allowed, as in PyTorch
    with pytest.raises(ValueError, match="tried to step 4 times, but total_steps is 3"):
        sched.step()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"max_lr": 0.1}, "give total_steps, or both epochs and steps_per_epoch"),
        ({"max_lr": 0.1, "total_steps": 0}, "total_steps must be a positive int"),
        ({"max_lr": 0.1, "epochs": 2, "steps_per_epoch": -1}, "steps_per_epoch must be a"),
        ({"max_lr": 0.1, "total_steps": 5, "pct_start": 1.5}, "pct_start must be between"),
        ({"max_lr": 0.1, "total_steps": 5, "anneal_strategy": "exp"}, "'cos' or 'linear'"),
        ({"max_lr": [0.1, 0.2, 0.3], "total_steps": 5}, "expected 1 values for max_lr"),
    ],
)
def test_one_cycle_argument_errors(kwargs, match):
    opt = optim.SGD([ac.tensor([1.0], requires_grad=True)], lr=0.01, momentum=0.9)
    with pytest.raises(ValueError, match=match):
        OneCycleLR(opt, **kwargs)


def test_one_cycle_momentum_needs_an_optimizer_with_momentum():
    opt = optim.Adagrad([ac.tensor([1.0], requires_grad=True)], lr=0.01)
    with pytest.raises(ValueError, match="has neither momentum nor betas"):
        OneCycleLR(opt, max_lr=0.1, total_steps=5)
    OneCycleLR(opt, max_lr=0.1, total_steps=5, cycle_momentum=False)  # fine without
