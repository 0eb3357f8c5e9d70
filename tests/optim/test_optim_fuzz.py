"""Differential fuzz tests of the optimizers against PyTorch, live, in float64.

Each example draws an optimizer's constructor options, a few parameters of random shapes (0-d
and size-0 among them) split into parameter groups with options of their own, and runs ours and
torch.optim side by side for 5-20 steps on the same gradients (some None, zero, or zero in
places; optim_fuzz_support.py), comparing parameters, per-parameter state and group options
after every step. Along the way it may add a parameter group, and may move the run into a fresh
optimizer through ``state_dict()`` (ours into ours, torch's into ours, ours into torch), which
must then go on as if nothing happened. L-BFGS: test_optim_fuzz_lbfgs.py; invalid options:
test_optim_fuzz_errors.py.

Two comparisons. Re-synced (every draw): after each compared step ours is set to torch's exact
parameters and state, so each step starts from identical inputs and is compared alone, to 1e-12
relative (measured: at most 3.8e-15 over 2850 fresh draws, 1680 of them NAdam and RMSprop with
β₂ or α below 1e-2) and ATOL grown with the terms of the step above 100
(optim_fuzz_support.assert_step_close); a 1e-10 error in an update fails it. Free-running (no
re-sync; draws whose second moment keeps at least half of its past and lr ≤ 0.5:
WELL_CONDITIONED): the differences add up over the steps and are compared to k·1e-14 relative
(k·ATOL absolute) after k steps, so that a systematic 1e-13 a step in ours fails it.
Free-running over every draw at 1e-12 failed rarely, where a 1e-15 rounding difference after a
cancellation grew over the steps, with neither library wrong.
"""

from __future__ import annotations

import importlib
import pickle
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import autograd_core as ac
import optim

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1] / "nn"))

from fuzz_compare import fuzz_settings, slow_settings  # noqa: E402  # tests/nn/
from optim_fuzz_support import (  # noqa: E402
    ATOL,
    FREE_RTOL_PER_STEP,
    OPTIONS,
    WELL_CONDITIONED,
    Twin,
    compare_twins,
    make_twins,
    numpy_state,
    overrides,
    resync,
    set_grads,
    snapshot,
    to_ours,
    to_torch,
)

torch = pytest.importorskip("torch")

NAMES = sorted(OPTIONS)
GRAD_KINDS = st.sampled_from(["dense", "dense", "dense", "sparse", "zero", "none"])
MOVES = ["ours->ours", "torch->ours", "ours->torch"]


@pytest.fixture(autouse=True)
def _torch_float64():
    """torch keeps scalar state (``step``, ASGD's ``eta`` and ``mu``, NAdam's ``mu_product``) in
    its default dtype: float64 here, as our Python floats, and as make_reference.py does."""
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(previous)


def _groups(twins: list[Twin], sizes: list[int], options: list[dict[str, Any]], lib: str):
    groups, start = [], 0
    for size, extra in zip(sizes, options, strict=True):
        params = [getattr(t, lib) for t in twins[start : start + size]]
        groups.append({"params": params, **extra})
        start += size
    return groups


def _compare_groups(ours_opt: Any, torch_opt: Any, when: str) -> None:
    assert len(ours_opt.param_groups) == len(torch_opt.param_groups), when
    for i, (mine, theirs) in enumerate(zip(ours_opt.param_groups, torch_opt.param_groups)):
        for key, value in mine.items():
            if key != "params" and key in theirs:
                want = tuple(theirs[key]) if isinstance(theirs[key], list) else theirs[key]
                got = tuple(value) if isinstance(value, list) else value
                assert got == want, f"{when}: group {i} option {key}: {got} != torch {want}"


def _move(
    name: str,
    how: str,
    pair: tuple[Any, Any],
    twins: list[Twin],
    sizes: list[int],
    kwargs: dict[str, Any],
):
    """A fresh optimizer (the constructor's options, so the same defaults for a later
    add_param_group, which a state dict does not hold; no group options; the same group layout;
    new parameter tensors of the current values) loaded from a state dict, replacing one side."""
    ours_opt, torch_opt = pair
    blank = [{} for _ in sizes]
    if how in ("ours->ours", "torch->ours"):
        saved = ours_opt.state_dict() if how == "ours->ours" else to_ours(torch_opt.state_dict())
        saved = pickle.loads(pickle.dumps(saved))
        for t in twins:
            t.ours = ac.tensor(t.ours.data.copy(), dtype=ac.float64, requires_grad=True)
        ours_opt = getattr(optim, name)(_groups(twins, sizes, blank, "ours"), **kwargs)
        ours_opt.load_state_dict(saved)
    else:
        saved = to_torch(torch, ours_opt.state_dict())
        for t in twins:
            t.theirs = t.theirs.detach().clone().requires_grad_(True)
        torch_opt = getattr(torch.optim, name)(_groups(twins, sizes, blank, "theirs"), **kwargs)
        torch_opt.load_state_dict(saved)
    return ours_opt, torch_opt


def _run(name: str, data: Any, *, free_running: bool = False) -> None:
    draw = data.draw
    strategies = WELL_CONDITIONED if free_running else OPTIONS
    kwargs = draw(strategies[name], label="kwargs")
    twins = make_twins(torch, draw, draw(st.integers(1, 5), label="n_params"))
    n_groups = draw(st.integers(1, min(3, len(twins))), label="n_groups")
    cuts = (
        sorted(
            draw(
                st.lists(
                    st.integers(1, len(twins) - 1),
                    min_size=n_groups - 1,
                    max_size=n_groups - 1,
                    unique=True,
                )
            )
        )
        if n_groups > 1
        else []
    )
    sizes = [b - a for a, b in zip([0, *cuts], [*cuts, len(twins)])]
    group_options = [{}] + [overrides(draw, name, strategies) for _ in sizes[1:]]
    ours_opt = getattr(optim, name)(_groups(twins, sizes, group_options, "ours"), **kwargs)
    torch_opt = getattr(torch.optim, name)(_groups(twins, sizes, group_options, "theirs"), **kwargs)

    n_steps = draw(st.integers(5, 20), label="n_steps")
    add_at = draw(st.one_of(st.none(), st.integers(1, n_steps - 1)), label="add_at")
    move_at = draw(st.one_of(st.none(), st.integers(1, n_steps - 1)), label="move_at")
    move = draw(st.sampled_from(MOVES), label="move")
    _compare_groups(ours_opt, torch_opt, "after construction")
    for step in range(n_steps):
        if step == add_at:
            new = make_twins(torch, draw, draw(st.integers(1, 2)))
            extra = overrides(draw, name, strategies)
            ours_opt.add_param_group({"params": [t.ours for t in new], **extra})
            torch_opt.add_param_group({"params": [t.theirs for t in new], **extra})
            twins, sizes = twins + new, sizes + [len(new)]
        if step == move_at:
            ours_opt, torch_opt = _move(name, move, (ours_opt, torch_opt), twins, sizes, kwargs)
            _compare_groups(ours_opt, torch_opt, f"after {move} at step {step}")
            compare_twins(ours_opt, torch_opt, twins, f"after {move} at step {step}")
        kinds = [draw(GRAD_KINDS) for _ in twins]
        set_grads(torch, twins, step, kinds)
        before = None if free_running else snapshot(torch_opt, twins)
        ours_opt.step()
        torch_opt.step()
        when = f"step {step} (grads {kinds})"
        if free_running:
            k = step + 1
            compare_twins(ours_opt, torch_opt, twins, when, k * FREE_RTOL_PER_STEP, k * ATOL)
        else:
            compare_twins(ours_opt, torch_opt, twins, when, before=before)
        _compare_groups(ours_opt, torch_opt, f"step {step}")
        if not free_running:
            resync(ours_opt, torch_opt, twins)


@pytest.mark.parametrize("name", NAMES)
@fuzz_settings(15)
@given(data=st.data())
def test_optimizer_matches_torch(name: str, data: Any) -> None:
    _run(name, data)


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
@slow_settings(300)
@given(data=st.data())
def test_optimizer_matches_torch_slow(name: str, data: Any) -> None:
    _run(name, data)


@pytest.mark.parametrize("name", NAMES)
@fuzz_settings(4)
@given(data=st.data())
def test_optimizer_matches_torch_free_running(name: str, data: Any) -> None:
    _run(name, data, free_running=True)


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
@slow_settings(100)
@given(data=st.data())
def test_optimizer_matches_torch_free_running_slow(name: str, data: Any) -> None:
    _run(name, data, free_running=True)


def _bias_kernel(monkeypatch: Any, module: Any, kernel: str, change: Any) -> None:
    """Replace ``module.kernel`` (the one-array update of one optimizer, ours only) by the
    original followed by ``change(param, before)`` on its parameter array."""
    original = getattr(module, kernel)

    def biased(param: Any, *arrays: Any, **options: Any) -> None:
        before = param.copy()
        original(param, *arrays, **options)
        change(param, before)

    monkeypatch.setattr(module, kernel, biased)


def _fails_somewhere(name: str, free_running: bool, examples: int) -> None:
    """The fuzz of ``name`` over a fixed set of draws must fail (no shrinking: only the fact)."""

    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        report_multiple_bugs=False,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def check(data: Any) -> None:
        _run(name, data, free_running=free_running)

    with pytest.raises(AssertionError):
        check()


KERNELS = [("NAdam", "nadam", "nadam_update"), ("RMSprop", "rmsprop", "rmsprop_update")]


@pytest.mark.parametrize(("name", "module", "kernel"), KERNELS)
def test_resynced_fuzz_catches_an_update_error(name, module, kernel, monkeypatch) -> None:
    """Ours with every update θ' − θ off by 1e-10 relative fails the re-synced comparison."""

    def off(param: Any, before: Any) -> None:
        param += 1e-10 * (param - before)

    _bias_kernel(monkeypatch, importlib.import_module(f"optim.{module}"), kernel, off)
    _fails_somewhere(name, free_running=False, examples=10)


@pytest.mark.parametrize(("name", "module", "kernel"), KERNELS)
def test_free_running_fuzz_catches_a_small_bias(name, module, kernel, monkeypatch) -> None:
    """Ours with θ scaled by 1 + 1e-13 in every step (a systematic bias below the 1e-12 of one
    step) fails the free-running comparison, whose tolerance grows by 1e-14 a step."""

    def scale(param: Any, before: Any) -> None:
        param *= 1 + 1e-13

    _bias_kernel(monkeypatch, importlib.import_module(f"optim.{module}"), kernel, scale)
    _fails_somewhere(name, free_running=True, examples=10)


def test_fuzz_comparison_can_fail() -> None:
    """A 1e-9 change of the learning rate must be caught (the comparison has teeth)."""
    value = np.random.default_rng(0).standard_normal(4)
    twin = Twin(
        ac.tensor(value, dtype=ac.float64, requires_grad=True),
        torch.tensor(value, dtype=torch.float64, requires_grad=True),
        seed=1,
        pull=0.5,
    )
    ours_opt = optim.Adam([twin.ours], lr=0.1 * (1 + 1e-9))
    torch_opt = torch.optim.Adam([twin.theirs], lr=0.1)
    set_grads(torch, [twin], 0, ["dense"])
    ours_opt.step()
    torch_opt.step()
    with pytest.raises(AssertionError):
        compare_twins(ours_opt, torch_opt, [twin], "perturbed")


def test_resync_copies_torch_values_in_place() -> None:
    """After resync, our parameter and every state value equal torch's exactly, in the same
    objects (so the optimizer's state keys and the parameter's array still match)."""
    value = np.random.default_rng(2).standard_normal((2, 3))
    twin = Twin(
        ac.tensor(value, dtype=ac.float64, requires_grad=True),
        torch.tensor(value, dtype=torch.float64, requires_grad=True),
        seed=3,
        pull=0.75,
    )
    ours_opt = optim.NAdam([twin.ours], lr=0.1 * (1 + 1e-6), betas=(0.8, 0.9))
    torch_opt = torch.optim.NAdam([twin.theirs], lr=0.1, betas=(0.8, 0.9))
    for step in range(2):
        set_grads(torch, [twin], step, ["dense"])
        ours_opt.step()
        torch_opt.step()
    array, state = twin.ours.data, ours_opt.state[twin.ours]
    moment = state["exp_avg"]
    assert not np.array_equal(array, twin.theirs.detach().numpy())
    resync(ours_opt, torch_opt, [twin])
    assert twin.ours.data is array and ours_opt.state[twin.ours]["exp_avg"] is moment
    np.testing.assert_array_equal(array, twin.theirs.detach().numpy())
    for key, want in torch_opt.state[twin.theirs].items():
        np.testing.assert_array_equal(numpy_state(state[key]), numpy_state(want), err_msg=key)
    assert isinstance(state["step"], int) and state["step"] == 2
