"""The Optimizer base class through SGD and Adam: state_dict layout, loading and its checks,
param_group errors, a required hyperparameter, zero_grad, skipped parameters, a closure,
float32, the repr, and the chunked kernel path (bit for bit the single call)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import autograd_core as ac
import optim
from optim import optimizer as optimizer_module


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


def test_float32_parameters_stay_float32() -> None:
    w = ac.tensor(np.ones(5, np.float32), requires_grad=True)
    opt = optim.Adam([w], lr=0.1)
    w.grad = ac.tensor(np.ones(5, np.float32))
    opt.step()
    assert w.data.dtype == np.float32 and opt.state[w]["exp_avg"].dtype == np.float32


def test_repr_lists_groups() -> None:
    text = repr(optim.SGD([ac.tensor([1.0], requires_grad=True)], lr=0.1))
    assert text.startswith("SGD (") and "Parameter Group 0" in text and "lr: 0.1" in text


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
