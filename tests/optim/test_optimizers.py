"""Optimizers against PyTorch's pinned and live trajectories, kernels, errors and checkpoints."""

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
from optim import optimizer as optimizer_module

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


def test_state_dict_layout_and_snapshot_semantics() -> None:
    w = ac.tensor([1.0, 2.0], dtype=ac.float64, requires_grad=True)
    b = ac.tensor([0.5], dtype=ac.float64, requires_grad=True)
    opt = optim.Adam([{"params": [w]}, {"params": [b], "lr": 0.5}], lr=0.1)
    w.grad, b.grad = ac.tensor([1.0, -1.0], dtype=ac.float64), ac.tensor([2.0], dtype=ac.float64)
    opt.step()
    sd = opt.state_dict()
    assert [g["params"] for g in sd["param_groups"]] == [[0], [1]]
    assert [g["lr"] for g in sd["param_groups"]] == [0.1, 0.5]
    assert set(sd["state"]) == {0, 1}
    assert sd["state"][0]["step"] == 1
    assert set(sd["state"][0]) == {"step", "exp_avg", "exp_avg_sq"}
    before = sd["state"][0]["exp_avg"].copy()
    opt.step()
    np.testing.assert_array_equal(sd["state"][0]["exp_avg"], before)


def test_load_state_dict_casts_to_parameter_dtype() -> None:
    w64 = ac.tensor([1.0, 2.0], dtype=ac.float64, requires_grad=True)
    opt = optim.SGD([w64], lr=0.1, momentum=0.9)
    w64.grad = ac.tensor([1.0, 1.0], dtype=ac.float64)
    opt.step()
    w32 = ac.tensor([1.0, 2.0], dtype=ac.float32, requires_grad=True)
    opt32 = optim.SGD([w32], lr=0.1, momentum=0.9)
    opt32.load_state_dict(opt.state_dict())
    assert opt32.state[w32]["momentum_buffer"].dtype == np.float32


def test_load_state_dict_rejects_mismatched_groups() -> None:
    w, b = (ac.tensor([1.0], requires_grad=True) for _ in range(2))
    sd = optim.SGD([w, b], lr=0.1).state_dict()
    with pytest.raises(ValueError, match="different number of parameter groups"):
        optim.SGD([{"params": [w]}, {"params": [b]}], lr=0.1).load_state_dict(sd)
    with pytest.raises(ValueError, match="doesn't match the size of optimizer's group"):
        optim.SGD([w], lr=0.1).load_state_dict(sd)


def test_param_group_errors() -> None:
    w = ac.tensor([1.0], requires_grad=True)
    with pytest.raises(TypeError, match="iterable of Tensors or dicts, but got Tensor"):
        optim.SGD(w, lr=0.1)
    with pytest.raises(ValueError, match="optimizer got an empty parameter list"):
        optim.SGD([], lr=0.1)
    with pytest.raises(TypeError, match="optimizer can only optimize Tensors"):
        optim.SGD([1.0], lr=0.1)
    with pytest.raises(ValueError, match="can't optimize a non-leaf Tensor"):
        optim.SGD([w * 2], lr=0.1)
    with pytest.raises(TypeError, match="ordered collections"):
        optim.SGD([{"params": {w}}], lr=0.1)
    opt = optim.SGD([w], lr=0.1)
    with pytest.raises(ValueError, match="some parameters appear in more than one parameter group"):
        opt.add_param_group({"params": [w]})
    with pytest.raises(TypeError, match="param_group must be a dict"):
        opt.add_param_group([w])
    with pytest.warns(UserWarning, match="duplicate parameters"):
        optim.SGD([w, w], lr=0.1)


def test_required_hyperparameter_is_reported() -> None:
    class NeedsLR(optim.Optimizer):
        def __init__(self, params: Any) -> None:
            super().__init__(params, {"lr": optimizer_module.required})

    with pytest.raises(ValueError, match="didn't specify a value of required optimization"):
        NeedsLR([ac.tensor([1.0], requires_grad=True)])


def test_gradient_shape_mismatch_names_both_shapes() -> None:
    w = ac.tensor([1.0, 2.0], requires_grad=True)
    w.grad = ac.tensor([1.0, 2.0, 3.0])
    with pytest.raises(ac.errors.ShapeError, match=r"SGD.step: gradient of shape \(3,\)"):
        optim.SGD([w], lr=0.1).step()


def test_add_param_group_fills_defaults_and_steps_new_group() -> None:
    w, b = ac.tensor([1.0], requires_grad=True), ac.tensor([1.0], requires_grad=True)
    opt = optim.SGD([w], lr=0.1, momentum=0.9)
    opt.add_param_group({"params": b, "lr": 0.5})
    assert opt.param_groups[1]["momentum"] == 0.9 and opt.param_groups[1]["lr"] == 0.5
    b.grad = ac.tensor([1.0])
    opt.step()
    assert b.data.tolist() == [0.5]


def test_zero_grad() -> None:
    w = ac.tensor([1.0, 2.0], requires_grad=True)
    opt = optim.SGD([w], lr=0.1)
    w.grad = ac.tensor([3.0, 4.0])
    grad_array = w.grad.data
    opt.zero_grad(set_to_none=False)
    assert w.grad.data is grad_array and grad_array.tolist() == [0.0, 0.0]
    opt.zero_grad()
    assert w.grad is None


def test_params_without_grad_are_skipped() -> None:
    w, b = ac.tensor([1.0], requires_grad=True), ac.tensor([2.0], requires_grad=True)
    opt = optim.Adam([w, b], lr=0.1)
    w.grad = ac.tensor([1.0])
    opt.step()
    assert b.data.tolist() == [2.0] and b not in opt.state


@pytest.mark.parametrize("info", OPTIM_DB, ids=lambda i: i.name)
def test_step_is_in_place_and_records_no_graph(info: OptimizerInfo) -> None:
    opt, w, b = _build(info, info.cases[0])
    array = w.data
    _set_grads(w, b)
    assert opt.step() is None
    assert w.data is array
    assert w.is_leaf and w.grad_fn is None and w.requires_grad


def test_closure_runs_with_grad_enabled_and_returns_loss() -> None:
    w = ac.tensor([1.0, -2.0], dtype=ac.float64, requires_grad=True)
    opt = optim.SGD([w], lr=0.1)

    def closure() -> ac.Tensor:
        opt.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        return loss

    with ac.no_grad():
        loss = opt.step(closure)
    assert float(loss.item()) == 5.0
    np.testing.assert_allclose(w.data, [0.8, -1.6])


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


# ----------------------------------------------------------------------------- kernels

KERNEL_CASES = [
    ("sgd", optim.sgd_update, 1, {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.01}),
    ("sgd_nesterov", optim.sgd_update, 1, {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
    ("adam", optim.adam_update, 2, {"step": 3, "lr": 0.1}),
    ("adam_amsgrad", optim.adam_update, 3, {"step": 3, "lr": 0.1, "amsgrad": True}),
    ("adagrad", optim.adagrad_update, 1, {"step": 3, "lr": 0.1, "lr_decay": 0.1}),
    ("rmsprop", optim.rmsprop_update, 3, {"lr": 0.1, "momentum": 0.5, "centered": True}),
    ("adadelta", optim.adadelta_update, 2, {"weight_decay": 0.1, "maximize": True}),
    ("nadam", optim.nadam_update, 2, {"step": 3, "mu_product": 0.2, "lr": 0.1}),
    ("adamax", optim.adamax_update, 2, {"step": 3, "lr": 0.1}),
]


@pytest.mark.parametrize("name, kernel, n_state, options", KERNEL_CASES, ids=lambda c: c)
def test_chunked_kernel_matches_single_call_bit_for_bit(
    name: str, kernel: Any, n_state: int, options: dict[str, Any], monkeypatch: Any
) -> None:
    """The cache-sized slicing of large NumPy arrays must not change a single bit."""
    rng = np.random.default_rng(2)
    shape = (37, 113)  # 4181 elements: not a multiple of the chunk
    arrays = [rng.standard_normal(shape) for _ in range(2)]
    # Positive state, with the second-moment-like first entry dominating (RMSprop centered).
    arrays += [4.0 + np.abs(rng.standard_normal(shape))]
    arrays += [0.5 * np.clip(np.abs(rng.standard_normal(shape)), 0, 1) for _ in range(n_state - 1)]
    whole = [a.copy() for a in arrays]
    kernel(*whole, **options)
    monkeypatch.setattr(optimizer_module, "_CHUNK", 1000)
    sliced = [a.copy() for a in arrays]
    optim.Optimizer._run_kernel(kernel, tuple(sliced), **options)
    for a, b in zip(whole, sliced, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(sliced[0], arrays[0])


def test_chunked_path_is_taken_for_large_parameters(monkeypatch: Any) -> None:
    calls = []

    def spy(*arrays: Any, **options: Any) -> None:
        calls.append(arrays[0].shape)

    monkeypatch.setattr(optimizer_module, "_CHUNK", 100)
    optim.Optimizer._run_kernel(spy, (np.zeros((30, 20)), np.zeros((30, 20))))
    assert calls == [(100,)] * 6
    calls.clear()
    optim.Optimizer._run_kernel(spy, (np.zeros((30, 20)), np.zeros((30, 20))), chunk=250)
    assert calls == [(250,), (250,), (100,)]  # a kernel may ask for its own slice length
    calls.clear()
    optim.Optimizer._run_kernel(spy, (np.zeros((30, 20)).T, np.zeros((20, 30))))
    assert calls == [(20, 30)]  # a non-contiguous parameter is updated in one call


def test_sgd_kernel_textbook_step() -> None:
    p, g, buf = np.array([1.0, -1.0]), np.array([0.5, 2.0]), np.array([1.0, 1.0])
    optim.sgd_update(p, g, buf, lr=0.1, momentum=0.9, dampening=0.5)
    np.testing.assert_allclose(buf, 0.9 * 1.0 + 0.5 * np.array([0.5, 2.0]), rtol=1e-15)
    np.testing.assert_allclose(p, np.array([1.0, -1.0]) - 0.1 * buf, rtol=1e-15)


def test_adam_kernel_textbook_step() -> None:
    p, g = np.array([1.0, -1.0]), np.array([0.5, 2.0])
    m, v = np.array([0.1, 0.2]), np.array([0.3, 0.4])
    t, lr, b1, b2, eps = 4, 0.01, 0.9, 0.999, 1e-8
    m_new, v_new = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g**2
    expected = p - lr * (m_new / (1 - b1**t)) / (np.sqrt(v_new / (1 - b2**t)) + eps)
    optim.adam_update(p, g, m, v, step=t, lr=lr, beta1=b1, beta2=b2, eps=eps)
    np.testing.assert_allclose(p, expected, rtol=1e-14)


def test_adagrad_kernel_is_the_course_rule() -> None:
    """w ← w − η g / (√G + ε) with G the running sum of squared gradients (seed 000)."""
    p, s = np.array([1.0, 2.0]), np.zeros(2)
    grads = [np.array([1.0, -2.0]), np.array([3.0, 0.5])]
    expected, total = p.copy(), np.zeros(2)
    for t, g in enumerate(grads, start=1):
        total = total + g * g
        expected = expected - 0.1 * g / (np.sqrt(total) + 1e-10)
        optim.adagrad_update(p, g, s, step=t, lr=0.1)
    np.testing.assert_allclose(p, expected, rtol=1e-15)


def test_sgd_kernel_needs_buffer_with_momentum() -> None:
    with pytest.raises(ValueError, match="momentum != 0 needs a momentum_buffer"):
        optim.sgd_update(np.zeros(1), np.zeros(1), lr=0.1, momentum=0.9)


@pytest.mark.parametrize("info", OPTIM_DB, ids=lambda i: i.name)
def test_zero_dimensional_parameters(info: OptimizerInfo) -> None:
    w = ac.tensor(1.5, dtype=ac.float64, requires_grad=True)
    opt = getattr(optim, info.name)([w], **info.cases[-1].kwargs)
    for _ in range(3):
        w.grad = ac.tensor(2.0 * w.data, dtype=ac.float64)
        opt.step()
    assert w.data.shape == () and 0.0 < float(w.data) < 1.5
    assert all(v.shape == () for v in opt.state[w].values() if hasattr(v, "shape"))


def test_float32_parameters_stay_float32() -> None:
    w = ac.tensor(np.ones(5, np.float32), requires_grad=True)
    opt = optim.Adam([w], lr=0.1)
    w.grad = ac.tensor(np.ones(5, np.float32))
    opt.step()
    assert w.data.dtype == np.float32 and opt.state[w]["exp_avg"].dtype == np.float32


def test_repr_lists_groups() -> None:
    text = repr(optim.SGD([ac.tensor([1.0], requires_grad=True)], lr=0.1))
    assert text.startswith("SGD (") and "Parameter Group 0" in text and "lr: 0.1" in text
