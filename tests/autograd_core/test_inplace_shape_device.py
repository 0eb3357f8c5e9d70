"""The in-place shape methods, the random fills and unfold on each device (the strict CuPy
stand-in with ``--fake-cuda``): the tensor stays on its device, with the layout and values of
the CPU computation, and gradients flow back there."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
from autograd_core.device import to_device
from autograd_core.errors import DeviceError


def _host(t):
    return np.asarray(to_device(t.data, "cpu"))


def test_in_place_shape_methods_keep_the_device_and_the_gradient(device):
    values = np.arange(6.0).reshape(2, 3)
    x = ac.tensor(values, device=device, requires_grad=True)
    a = x * 2
    a.t_().unsqueeze_(0).squeeze_(0).transpose_(0, 1)
    a.as_strided_((3,), (2,))
    assert a.device == x.device and a.shape == (3,)
    np.testing.assert_array_equal(_host(a), 2 * values.ravel()[[0, 2, 4]])  # (t, then back)
    a.sum().backward()
    np.testing.assert_array_equal(
        _host(x.grad), np.isin(np.arange(6), [0, 2, 4]).reshape(2, 3) * 2.0
    )


def test_unfold_on_the_device(device):
    x = ac.arange(7.0, device=device, requires_grad=True)
    y = x.unfold(0, 3, 2)
    assert y.device == x.device
    np.testing.assert_array_equal(_host(y), [[0, 1, 2], [2, 3, 4], [4, 5, 6]])
    y.sum().backward()
    np.testing.assert_array_equal(_host(x.grad), [1, 1, 2, 1, 2, 1, 1])


@pytest.mark.parametrize(
    ("name", "args", "mean"),
    [("exponential_", (2.0,), 0.5), ("geometric_", (0.25,), 4.0), ("random_", (0, 9), 4.0)],
)
def test_fills_draw_on_the_device(device, name, args, mean):
    g = ac.Generator().manual_seed(0)
    x = getattr(ac.zeros(20_000, dtype=ac.float64, device=device), name)(*args, generator=g)
    assert x.device.type == device
    assert abs(_host(x).mean() / mean - 1) < 0.05
    cpu = getattr(ac.zeros(20_000, dtype=ac.float64), name)(
        *args, generator=ac.Generator().manual_seed(0)
    )
    np.testing.assert_array_equal(_host(x), cpu.numpy())  # (drawn on the host, as normal_)


def test_apply_is_cpu_only(device):
    x = ac.zeros(3, device=device)
    if device == "cpu":
        assert x.apply_(lambda v: 1.0).tolist() == [1.0, 1.0, 1.0]
    else:
        with pytest.raises(DeviceError, match="apply_: only CPU tensors"):
            x.apply_(lambda v: 1.0)
