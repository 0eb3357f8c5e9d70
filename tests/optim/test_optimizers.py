"""Every optimizer of optim_db against PyTorch's pinned and live trajectories, its hyperparameter
errors, a bit-exact resume from its state_dict, an in-place step, the right direction on a
regression and 0-d parameters. The Optimizer base class: test_optimizer_base.py; the kernels'
textbook steps: test_kernels.py."""

from __future__ import annotations

import json
import pickle
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import autograd_core as ac
import optim
from autograd_core.device import to_device

sys.path.insert(0, str(Path(__file__).parent))

from optim_db import (  # noqa: E402
    DATA_DIR,
    N_STEPS,
    OPTIM_DB,
    Case,
    OptimizerInfo,
    make_problem,
    problem_grads,
)

RTOL = 1e-10
PROBLEM = {k: np.array(v) for k, v in json.loads((DATA_DIR / "problem.json").read_text()).items()}
ALL_CASES = [
    pytest.param(info, case, id=f"{info.name}-{case.id}")
    for info in OPTIM_DB
    for case in info.cases
]
ALL_ERRORS = [
    pytest.param(info, err, id=f"{info.name}-{i}")
    for info in OPTIM_DB
    for i, err in enumerate(info.error_inputs)
]


def _reference(info: OptimizerInfo, case: Case) -> dict[str, Any]:
    return json.loads((DATA_DIR / f"{info.name}.json").read_text())["cases"][case.id]


def _build(
    info: OptimizerInfo, case: Case, device: str = "cpu"
) -> tuple[Any, ac.Tensor, ac.Tensor]:
    w = ac.tensor(PROBLEM["W0"], dtype=ac.float64, device=device, requires_grad=True)
    b = ac.tensor(PROBLEM["b0"], dtype=ac.float64, device=device, requires_grad=True)
    if case.second_group is None:
        groups: list[Any] = [w, b]
    else:
        groups = [{"params": [w]}, {"params": [b], **case.second_group}]
    return getattr(optim, info.name)(groups, **case.kwargs), w, b


def _set_grads(w: ac.Tensor, b: ac.Tensor) -> None:
    gw, gb = problem_grads(PROBLEM, to_device(w.data, "cpu"), to_device(b.data, "cpu"))
    w.grad = ac.tensor(gw, device=str(w.device))
    b.grad = ac.tensor(gb, device=str(b.device))


def _run(opt: Any, w: ac.Tensor, b: ac.Tensor, steps: int) -> list[tuple[np.ndarray, np.ndarray]]:
    out = []
    for _ in range(steps):
        _set_grads(w, b)
        opt.step()
        out.append((to_device(w.data, "cpu").copy(), to_device(b.data, "cpu").copy()))
    return out


def test_problem_data_is_what_make_problem_gives() -> None:
    for key, value in make_problem().items():
        np.testing.assert_array_equal(PROBLEM[key], value)


def test_every_case_has_pinned_reference_data() -> None:
    for info in OPTIM_DB:
        pinned = json.loads((DATA_DIR / f"{info.name}.json").read_text())
        assert pinned["n_steps"] == N_STEPS
        assert set(pinned["cases"]) == {c.id for c in info.cases}, (
            f"{info.name}: pinned data is stale; run tests/optim/make_reference.py"
        )


@pytest.mark.parametrize("info, case", ALL_CASES)
def test_matches_pinned_torch_trajectory(info: OptimizerInfo, case: Case, device: str) -> None:
    ref = _reference(info, case)
    expected_kwargs = {k: list(v) if isinstance(v, tuple) else v for k, v in case.kwargs.items()}
    assert ref["kwargs"] == expected_kwargs, "pinned data is stale; run make_reference.py"
    opt, w, b = _build(info, case, device)
    for step, (w_t, b_t) in enumerate(_run(opt, w, b, N_STEPS)):
        np.testing.assert_allclose(w_t, ref["W"][step], rtol=RTOL, atol=0, err_msg=f"step {step}")
        np.testing.assert_allclose(b_t, ref["b"][step], rtol=RTOL, atol=0, err_msg=f"step {step}")


@pytest.mark.parametrize("info, case", ALL_CASES)
def test_matches_live_torch(info: OptimizerInfo, case: Case) -> None:
    torch = pytest.importorskip("torch")
    make_reference = pytest.importorskip("make_reference")
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        live = make_reference.torch_trajectory(info.name, case, PROBLEM)
    finally:
        torch.set_default_dtype(previous)
    opt, w, b = _build(info, case)
    for step, (w_t, b_t) in enumerate(_run(opt, w, b, N_STEPS)):
        np.testing.assert_allclose(w_t, live["W"][step], rtol=RTOL, atol=0)
        np.testing.assert_allclose(b_t, live["b"][step], rtol=RTOL, atol=0)


@pytest.mark.parametrize(
    "info, case",
    [p for p in ALL_CASES if p.values[0].name in ("RAdam", "Rprop", "ASGD")],
)
def test_newer_optimizers_match_pinned_torch_to_1e12(info: OptimizerInfo, case: Case) -> None:
    """RAdam, Rprop and ASGD follow PyTorch's float64 trajectories to 1e-12 (most to the bit)."""
    ref = _reference(info, case)
    opt, w, b = _build(info, case)
    for step, (w_t, b_t) in enumerate(_run(opt, w, b, N_STEPS)):
        np.testing.assert_allclose(w_t, ref["W"][step], rtol=1e-12, atol=0, err_msg=f"{step}")
        np.testing.assert_allclose(b_t, ref["b"][step], rtol=1e-12, atol=0, err_msg=f"{step}")


def test_trajectory_check_can_fail() -> None:
    """A slightly different hyperparameter must leave the 1e-10 tolerance (the test has teeth)."""
    info = next(i for i in OPTIM_DB if i.name == "Adam")
    case = info.cases[0]
    ref = _reference(info, case)
    opt, w, b = _build(info, Case("perturbed", {**case.kwargs, "lr": 0.01 * (1 + 1e-7)}))
    w_t, _ = _run(opt, w, b, N_STEPS)[-1]
    with pytest.raises(AssertionError):
        np.testing.assert_allclose(w_t, ref["W"][-1], rtol=RTOL, atol=0)


@pytest.mark.parametrize("info, error", ALL_ERRORS)
def test_invalid_hyperparameters_raise(info: OptimizerInfo, error: Any) -> None:
    w = ac.tensor([1.0], requires_grad=True)
    with pytest.raises(error.error, match=error.match):
        getattr(optim, info.name)([w], **error.kwargs)


@pytest.mark.parametrize("info, error", ALL_ERRORS)
def test_invalid_hyperparameters_match_torch_messages(info: OptimizerInfo, error: Any) -> None:
    torch = pytest.importorskip("torch")
    with pytest.raises(error.error, match=error.match):
        getattr(torch.optim, info.name)([torch.zeros(1, requires_grad=True)], **error.kwargs)


@pytest.mark.parametrize("info", OPTIM_DB, ids=lambda i: i.name)
def test_resume_from_state_dict_is_bit_exact(info: OptimizerInfo) -> None:
    case = max(info.cases, key=lambda c: len(c.kwargs) + (c.second_group is not None))
    opt, w, b = _build(info, case)
    _run(opt, w, b, 10)
    saved = pickle.loads(pickle.dumps(opt.state_dict()))
    snapshot = (w.data.copy(), b.data.copy())
    straight = _run(opt, w, b, 10)[-1]

    opt2, w2, b2 = _build(info, case)
    w2.data[...], b2.data[...] = snapshot
    opt2.load_state_dict(saved)
    resumed = _run(opt2, w2, b2, 10)[-1]
    np.testing.assert_array_equal(resumed[0], straight[0])
    np.testing.assert_array_equal(resumed[1], straight[1])
    assert opt2.param_groups[-1]["lr"] == opt.param_groups[-1]["lr"]


@pytest.mark.parametrize("info", OPTIM_DB, ids=lambda i: i.name)
def test_step_is_in_place_and_records_no_graph(info: OptimizerInfo) -> None:
    opt, w, b = _build(info, info.cases[0])
    array = w.data
    _set_grads(w, b)
    assert opt.step() is None
    assert w.data is array
    assert w.is_leaf and w.grad_fn is None and w.requires_grad


@pytest.mark.parametrize("info", OPTIM_DB, ids=lambda i: i.name)
def test_goes_the_right_direction_with_backward(info: OptimizerInfo) -> None:
    """Fit a linear regression through the engine's own backward: the loss must drop."""
    rng = np.random.default_rng(1)
    x_array = rng.standard_normal((32, 4))
    x = ac.tensor(x_array, dtype=ac.float64)
    y = ac.tensor(x_array @ rng.standard_normal((4, 1)), dtype=ac.float64)
    w = ac.tensor(np.zeros((4, 1)), dtype=ac.float64, requires_grad=True)
    kwargs = {"SGD": {"lr": 0.1}, "Adadelta": {"lr": 1.0, "eps": 1e-2}}
    opt = getattr(optim, info.name)([w], **kwargs.get(info.name, {"lr": 0.1}))

    def loss() -> ac.Tensor:
        return (((x @ w) - y) ** 2).mean()

    initial = float(loss().item())
    for _ in range(30):
        opt.zero_grad()
        loss().backward()
        opt.step()
    final = float(loss().item())
    assert final < 0.5 * initial


@pytest.mark.parametrize("info", OPTIM_DB, ids=lambda i: i.name)
def test_zero_dimensional_parameters(info: OptimizerInfo) -> None:
    w = ac.tensor(1.5, dtype=ac.float64, requires_grad=True)
    opt = getattr(optim, info.name)([w], **info.cases[-1].kwargs)
    for _ in range(3):
        w.grad = ac.tensor(2.0 * w.data, dtype=ac.float64)
        opt.step()
    assert w.data.shape == () and 0.0 < float(w.data) < 1.5
    assert all(v.shape == () for v in opt.state[w].values() if hasattr(v, "shape"))
