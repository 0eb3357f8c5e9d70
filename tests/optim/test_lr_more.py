"""The schedules added after the first landing (CyclicLR, CosineAnnealingWarmRestarts,
MultiplicativeLR, ConstantLR, PolynomialLR, SequentialLR, ChainedScheduler) beyond the shared
50-epoch comparison of test_lr_scheduler.py: closed forms written here, CyclicLR's momentum and
fractional-epoch warm restarts against PyTorch, state dicts, errors."""

from __future__ import annotations

import math
import pickle
from typing import Any

import numpy as np
import pytest

import autograd_core as ac
import optim
from optim import lr_scheduler


def _sgd(*lrs: float, momentum: float = 0.0) -> optim.SGD:
    groups = [{"params": [ac.tensor([0.0], requires_grad=True)], "lr": lr} for lr in lrs]
    return optim.SGD(groups, momentum=momentum)


def _triangle(t: int, up: int, down: int) -> float:
    """0 at the start of each cycle, 1 after ``up`` steps, 0 again after ``down`` more."""
    pos = t % (up + down)
    return pos / up if pos <= up else 1 - (pos - up) / down


@pytest.mark.parametrize("mode", ["triangular", "triangular2", "exp_range"])
def test_cyclic_lr_closed_form(mode: str) -> None:
    up, down, lo, hi, gamma = 4, 6, 0.01, 0.1, 0.95
    opt = _sgd(0.5)
    sched = lr_scheduler.CyclicLR(
        opt, lo, hi, step_size_up=up, step_size_down=down, mode=mode, gamma=gamma,
        cycle_momentum=False,
    )  # fmt: skip
    for t in range(60):
        if t:
            sched.step()
        scale = {"triangular": 1.0, "triangular2": 0.5 ** (t // (up + down)), "exp_range": gamma**t}
        expected = lo + (hi - lo) * _triangle(t, up, down) * scale[mode]
        assert sched.get_last_lr()[0] == pytest.approx(expected, rel=1e-12), f"t={t}"


@pytest.mark.parametrize("optimizer_name", ["SGD", "Adam"])
def test_cyclic_lr_cycles_momentum_like_torch(optimizer_name: str) -> None:
    torch = pytest.importorskip("torch")
    kwargs: dict[str, Any] = {"lr": 0.1, "momentum": 0.9} if optimizer_name == "SGD" else {}
    ours = getattr(optim, optimizer_name)([ac.tensor([0.0], requires_grad=True)], **kwargs)
    theirs = getattr(torch.optim, optimizer_name)([torch.zeros(1, requires_grad=True)], **kwargs)
    args = {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 3, "step_size_down": 5,
            "mode": "triangular2", "base_momentum": 0.7, "max_momentum": 0.95}  # fmt: skip
    sched = lr_scheduler.CyclicLR(ours, **args)
    sched_t = torch.optim.lr_scheduler.CyclicLR(theirs, **args)
    key = "momentum" if optimizer_name == "SGD" else "betas"
    for _ in range(40):
        got, want = ours.param_groups[0], theirs.param_groups[0]
        assert got["lr"] == pytest.approx(want["lr"], rel=1e-13)
        np.testing.assert_allclose(np.ravel(got[key]), np.ravel(want[key]), rtol=1e-13)
        theirs.step()
        sched.step()
        sched_t.step()


def test_warm_restarts_closed_form_with_t_mult() -> None:
    opt = _sgd(0.2)
    sched = lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=3, eta_min=0.01)
    starts = [0, 2, 8, 26, 80]  # restarts after periods 2, 6, 18, 54
    for t in range(60):
        if t:
            sched.step()
        i = max(k for k, s in enumerate(starts) if s <= t)
        t_cur, t_i = t - starts[i], 2 * 3**i
        expected = 0.01 + (0.2 - 0.01) * (1 + math.cos(math.pi * t_cur / t_i)) / 2
        assert sched.get_last_lr()[0] == pytest.approx(expected, rel=1e-12), f"t={t}"


@pytest.mark.parametrize("t_mult", [1, 2])
def test_warm_restarts_fractional_epochs_match_torch(t_mult: int) -> None:
    torch = pytest.importorskip("torch")
    opt = _sgd(0.1, 0.05)
    opt_t = torch.optim.SGD(
        [{"params": [torch.zeros(1, requires_grad=True)], "lr": lr} for lr in (0.1, 0.05)]
    )
    sched = lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=3, T_mult=t_mult, eta_min=0.001)
    sched_t = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(
        opt_t, T_0=3, T_mult=t_mult, eta_min=0.001
    )
    epochs = [e + b / 4 for e in range(20) for b in range(4)] + [2.5, 0.25, 17.75]
    for epoch in epochs:
        sched.step(epoch)
        opt_t.step()
        sched_t.step(epoch)
        np.testing.assert_allclose(
            sched.get_last_lr(), sched_t.get_last_lr(), rtol=1e-13, err_msg=f"epoch={epoch}"
        )
        assert sched.last_epoch == sched_t.last_epoch
    sched.step()  # a plain step continues from the last (fractional) position
    sched_t.step()
    np.testing.assert_allclose(sched.get_last_lr(), sched_t.get_last_lr(), rtol=1e-13)


def test_multiplicative_lr_is_the_product_of_factors() -> None:
    opt = _sgd(0.1, 0.05)
    sched = lr_scheduler.MultiplicativeLR(opt, [lambda t: 0.9, lambda t: 1.0 / (1 + t)])
    for t in range(1, 12):
        sched.step()
        expected = [0.1 * 0.9**t, 0.05 / math.factorial(t + 1)]  # Π 1/(1+s), s = 1..t
        np.testing.assert_allclose(sched.get_last_lr(), expected, rtol=1e-12)
    with pytest.raises(NotImplementedError, match="no closed form"):
        sched.closed_form_lr()


def test_sequential_lr_restarts_the_next_schedule_at_its_milestone() -> None:
    opt = _sgd(1.0)
    warm = lr_scheduler.LinearLR(opt, start_factor=0.25, total_iters=3)
    decay = lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    sched = lr_scheduler.SequentialLR(opt, [warm, decay], milestones=[3])
    lrs = [opt.param_groups[0]["lr"]]
    for _ in range(7):
        sched.step()
        lrs += sched.get_last_lr()
    np.testing.assert_allclose(lrs, [0.25, 0.5, 0.75, 1.0, 1.0, 0.5, 0.5, 0.25], rtol=1e-12)


def _combination(kind: str) -> tuple[optim.SGD, Any]:
    opt = _sgd(0.1, 0.05)
    a = lr_scheduler.ConstantLR(opt, factor=0.5, total_iters=6)
    b = lr_scheduler.ExponentialLR(opt, gamma=0.9)
    if kind == "sequential":
        return opt, lr_scheduler.SequentialLR(opt, [a, b], milestones=[4])
    return opt, lr_scheduler.ChainedScheduler([a, b])


@pytest.mark.parametrize("kind", ["sequential", "chained"])
def test_combination_state_dict_round_trip_through_pickle(kind: str) -> None:
    opt, sched = _combination(kind)
    for _ in range(7):
        sched.step()
    saved = pickle.loads(pickle.dumps(sched.state_dict()))
    saved_opt = pickle.loads(pickle.dumps(opt.state_dict()))
    assert len(saved["_schedulers"]) == 2 and "optimizer" not in saved
    opt2, sched2 = _combination(kind)
    opt2.load_state_dict(saved_opt)
    sched2.load_state_dict(saved)
    for _ in range(10):
        sched.step()
        sched2.step()
        assert sched2.get_last_lr() == sched.get_last_lr()
        assert [g["lr"] for g in opt2.param_groups] == [g["lr"] for g in opt.param_groups]


def test_cyclic_lr_state_dict_keeps_a_callable_objects_state() -> None:
    class Decay:
        def __init__(self) -> None:
            self.rate = 0.5

        def __call__(self, x: float) -> float:
            return self.rate**x

    fn = Decay()
    opt = _sgd(0.1)
    sched = lr_scheduler.CyclicLR(opt, 0.01, 0.1, step_size_up=2, scale_fn=fn, cycle_momentum=False)
    state = sched.state_dict()
    assert state["_scale_fn_custom"] == {"rate": 0.5}
    fn.rate = 0.9
    sched.load_state_dict(state)
    assert fn.rate == 0.5
    plain = lr_scheduler.CyclicLR(
        _sgd(0.1), 0.01, 0.1, scale_fn=lambda x: 1.0, cycle_momentum=False
    )
    assert plain.state_dict()["_scale_fn_custom"] is None


def test_errors() -> None:
    opt = _sgd(0.1, 0.05)
    with pytest.raises(ValueError, match="Constant multiplicative factor expected to be between"):
        lr_scheduler.ConstantLR(opt, factor=1.5)
    with pytest.raises(ValueError, match="Expected positive integer T_0, but got 0"):
        lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=0)
    with pytest.raises(ValueError, match="Expected integer T_mult >= 1, but got 1.5"):
        lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="Expected non-negative epoch, but got -1"):
        lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=2).step(-1)
    with pytest.raises(ValueError, match="mode is invalid and scale_fn is None"):
        lr_scheduler.CyclicLR(opt, 0.01, 0.1, mode="sawtooth")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="expected 2 values for max_lr, one per parameter group"):
        lr_scheduler.CyclicLR(opt, 0.01, [0.1, 0.2, 0.3])
    adagrad = optim.Adagrad([ac.tensor([0.0], requires_grad=True)])
    with pytest.raises(ValueError, match="optimizer must support momentum or beta1"):
        lr_scheduler.CyclicLR(adagrad, 0.01, 0.1)
    with pytest.raises(TypeError, match="lr_lambda should be a function, but got float"):
        lr_scheduler.MultiplicativeLR(opt, 0.5)  # type: ignore[arg-type]
    a = lr_scheduler.ExponentialLR(opt, gamma=0.9)
    with pytest.raises(ValueError, match="number of schedulers 1 and the number of milestones"):
        lr_scheduler.SequentialLR(opt, [a], milestones=[3])
    with pytest.raises(ValueError, match="expects at least one scheduler"):
        lr_scheduler.ChainedScheduler([])
    plateau = lr_scheduler.ReduceLROnPlateau(opt)
    with pytest.raises(ValueError, match="does not support `ReduceLROnPlateau`"):
        lr_scheduler.SequentialLR(opt, [a, plateau], milestones=[3])
    other = lr_scheduler.ExponentialLR(_sgd(0.1), gamma=0.9)
    with pytest.raises(ValueError, match="expects all schedulers to belong to the same optimizer"):
        lr_scheduler.ChainedScheduler([a, other])
