"""Errors a user meets when devices do not fit, on the CuPy stand-in: both devices are named,
and a device that does not exist is refused before any kernel runs."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
import nn
from autograd_core.errors import DeviceError


@pytest.mark.parametrize(
    ("combine", "op"),
    [
        (lambda a, b: a + b, "add"),
        (lambda a, b: a @ b.reshape(3, 1), "matmul"),
        (lambda a, b: ac.cat([a, b]), "cat"),
        (lambda a, b: ac.where(a > 0, a, b), "where"),
    ],
)
def test_tensors_on_two_devices_name_both(fake_cuda, combine, op):
    a, b = ac.ones(3, device="cuda"), ac.ones(3)
    with pytest.raises(DeviceError, match=rf"{op}: inputs are on different devices \(.*cuda:0.*\)"):
        combine(a, b)
    with pytest.raises(DeviceError, match=r"\(.*cpu.*\)\. Move them to one device"):
        combine(a, b)


def test_a_missing_cuda_device_is_refused_by_name(fake_cuda):
    with pytest.raises(DeviceError, match=r"cuda:1: no such CUDA device; this machine has 1 "):
        ac.zeros(2, device="cuda:1")
    with pytest.raises(DeviceError, match=r"cuda:3: no such CUDA device"):
        ac.tensor([1.0]).to("cuda:3")


def test_module_to_moves_parameters_and_buffers(fake_cuda):
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4)).to("cuda")
    state = model.state_dict()
    assert {str(v.device) for v in state.values()} == {"cuda:0"}
    out = model(ac.randn(5, 3, device="cuda"))
    assert out.device == ac.device("cuda")
    back = model.to("cpu")(ac.tensor(np.ones((2, 3), np.float32)))
    assert back.device == ac.device("cpu")


def test_numpy_does_not_copy_a_device_tensor_implicitly(fake_cuda):
    t = ac.arange(3.0, device="cuda")
    with pytest.raises(TypeError, match=r"cannot convert a cuda:0 tensor implicitly .* t\.cpu\(\)"):
        np.asarray(t)
    np.testing.assert_array_equal(t.cpu().numpy(), [0.0, 1.0, 2.0])
    np.testing.assert_array_equal(np.asarray(t.cpu()), [0.0, 1.0, 2.0])
