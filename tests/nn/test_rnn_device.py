"""Recurrent layers on a device: default and given states, packed input, and the training step,
equal to the CPU (run on the strict stand-in by `make test`, on CuPy where a GPU is)."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
import nn
from nn.utils.rnn import pack_padded_sequence, pack_sequence, pad_packed_sequence, pad_sequence


def _host(t):
    return np.asarray(t.cpu().numpy())


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_recurrent_layer_on_the_device_matches_the_cpu(kind, device, rng):
    ac.manual_seed(0)
    layer = getattr(nn, kind)(3, 4, num_layers=2, bidirectional=True, batch_first=True)
    x = rng.standard_normal((2, 5, 3)).astype(np.float32)
    out_cpu, _ = layer(ac.tensor(x))
    (out_cpu**2).sum().backward()
    grads_cpu = [_host(p.grad) for p in layer.parameters()]
    layer.zero_grad()
    layer.to(device)
    xd = ac.tensor(x).to(device)
    out, state = layer(xd)  # default initial states: made on the input's device
    (out**2).sum().backward()
    np.testing.assert_allclose(_host(out), _host(out_cpu), rtol=1e-5, atol=1e-6)
    for p, g in zip(layer.parameters(), grads_cpu):
        assert p.grad.device == ac.device(device)
        np.testing.assert_allclose(_host(p.grad), g, rtol=1e-4, atol=1e-5)


def test_packed_sequences_on_the_device_match_the_cpu(device, rng):
    ac.manual_seed(0)
    lstm = nn.LSTM(3, 4, batch_first=True)
    x = rng.standard_normal((3, 5, 3)).astype(np.float32)
    lengths = [5, 2, 4]

    def run(dev):
        xs = ac.tensor(x).to(dev)
        packed = pack_padded_sequence(xs, lengths, batch_first=True, enforce_sorted=False)
        out, (h, c) = lstm.to(dev)(packed)
        padded, lens = pad_packed_sequence(out, batch_first=True)
        return _host(padded), _host(h), list(np.asarray(lens.tolist()))

    cpu = run("cpu")
    dev = run(device)
    for a, b in zip(cpu[:2], dev[:2]):
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-6)
    assert dev[2] == cpu[2] == lengths


def test_pad_and_pack_sequence_keep_the_device(device, rng):
    """pad_sequence made its padding on the CPU, so padding device sequences (and
    pack_sequence of unequal device sequences) failed in cat (found by test_rnn_fuzz.py)."""
    seqs = [rng.standard_normal((n, 2)) for n in (3, 1, 2)]
    padded = pad_sequence([ac.tensor(s).to(device) for s in seqs], True, -1.0)
    assert padded.device == ac.device(device)
    np.testing.assert_array_equal(
        _host(padded), _host(pad_sequence([ac.tensor(s) for s in seqs], True, -1.0))
    )
    packed = pack_sequence([ac.tensor(s).to(device) for s in seqs], enforce_sorted=False)
    assert packed.data.device == ac.device(device)
    np.testing.assert_array_equal(
        _host(packed.data), _host(pack_sequence([ac.tensor(s) for s in seqs], False).data)
    )
