"""Drawing a graph whose tensors live on a CUDA device (the CuPy stand-in): the same picture as
on the CPU, values and gradient norms read with explicit copies only."""

from __future__ import annotations

import numpy as np

import autograd_core as ac
from autograd_core import viz


def _source(device: str) -> str:
    x = ac.tensor(np.arange(12.0).reshape(3, 4), device=device, requires_grad=True)
    y = (x.tanh() * 2).sum()
    y.backward(retain_graph=True)
    return viz.draw_graph(y).source


def test_a_device_graph_draws_as_on_the_cpu(fake_cuda, monkeypatch):
    from autograd_core.testing.fake_cupy_state import STATE

    cpu = _source("cpu")
    monkeypatch.setattr(STATE, "strict", True)  # float()/bool() of a device array would raise
    assert _source("cuda") == cpu
