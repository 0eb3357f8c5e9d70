"""The seeds' recurrent designs on a device: the echo-state network's states and ridge read-out,
the output-recurrent generator and the vector-to-sequence generator, equal to the CPU (run on
the strict stand-in by `make test`, on CuPy where a GPU is)."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
import nn


def _host(t):
    return np.asarray(t.detach().cpu().numpy())


def test_echo_state_network_on_the_device_matches_the_cpu(device, rng):
    u = rng.standard_normal((40, 3, 2)).astype(np.float32)
    y = rng.standard_normal((40, 3, 1)).astype(np.float32)
    cpu = nn.EchoStateNetwork(2, 30, 1, leak=0.3, density=0.5, seed=0).fit(u, y, washout=5)
    esn = nn.EchoStateNetwork(2, 30, 1, leak=0.3, density=0.5, seed=0).to(device)
    esn.fit(ac.tensor(u).to(device), ac.tensor(y).to(device), washout=5)
    assert esn.readout.weight.device == ac.device(device)
    np.testing.assert_allclose(_host(esn.readout.weight), _host(cpu.readout.weight), atol=1e-3)
    pred = esn(ac.tensor(u).to(device))
    np.testing.assert_allclose(_host(pred), _host(cpu(u)), rtol=1e-3, atol=1e-4)
    (pred**2).mean().backward()
    assert esn.readout.weight.grad.device == ac.device(device)


@pytest.mark.parametrize("cell", [None, "lstm"])
def test_output_recurrent_rnn_on_the_device_matches_the_cpu(cell, device, rng):
    model = nn.OutputRecurrentRNN(2, 4, 1, cell=cell, generator=ac.Generator(0))
    x = rng.standard_normal((6, 3, 2)).astype(np.float32)
    y = rng.standard_normal((6, 3, 1)).astype(np.float32)
    forced_cpu, free_cpu = _host(model(x, y)), _host(model(x))
    model.to(device)
    xd, yd = ac.tensor(x).to(device), ac.tensor(y).to(device)
    np.testing.assert_allclose(_host(model(xd, yd)), forced_cpu, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(_host(model(xd)), free_cpu, rtol=1e-5, atol=1e-6)
    mixed = model(xd, yd, teacher_forcing=0.5, generator=ac.Generator(1))  # coins on the device
    (mixed**2).sum().backward()
    assert all(p.grad.device == ac.device(device) for p in model.parameters())


def test_vector_to_sequence_on_the_device_matches_the_cpu(device, rng):
    model = nn.VectorToSequence(3, 4, 2, cell="gru", condition="both", generator=ac.Generator(0))
    v = rng.standard_normal((5, 3)).astype(np.float32)
    out_cpu = _host(model(v, 4))
    model.to(device)
    out = model(ac.tensor(v).to(device), 4)
    np.testing.assert_allclose(_host(out), out_cpu, rtol=1e-5, atol=1e-6)
    out.sum().backward()
    assert model.init_state.weight.grad.device == ac.device(device)
