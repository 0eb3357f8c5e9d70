"""nn.RNN / nn.LSTM / nn.GRU and their cells against PyTorch in float64 with copied weights:
outputs, final states, and the gradients of the input and of every parameter, to 1e-10."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import autograd_core as ac
import nn
from nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

TOL = 1e-10
COMBOS = [
    (mode, layers, bi, bf, proj, given, packed)
    for mode, layers, bi, bf, proj, given, packed in itertools.product(
        ["RNN", "LSTM", "GRU"],
        [1, 2],
        [False, True],
        [False, True],
        [0, 2],
        [False, True],
        [False, True],
    )
    if not (proj and mode != "LSTM")
]


def _copy_weights(module, torch_module, torch):
    assert [n for n, _ in module.named_parameters()] == [
        n for n, _ in torch_module.named_parameters()
    ]
    with torch.no_grad():
        for name, p in module.named_parameters():
            getattr(torch_module, name).copy_(torch.tensor(p.data))


def _outputs_and_grads(module, x, hx, lengths, batch_first, ours, torch, rng_seed=1):
    """Run the module, pad a packed output, back-propagate a random weighting of the output and
    the final states; returns (output, final states, input grad, {param: grad})."""
    lib = ac if ours else torch
    pack = pack_padded_sequence if ours else torch.nn.utils.rnn.pack_padded_sequence
    unpack = pad_packed_sequence if ours else torch.nn.utils.rnn.pad_packed_sequence
    xin = pack(x, lengths, batch_first=batch_first, enforce_sorted=False) if lengths else x
    y, states = module(xin, hx)
    if lengths:
        y = unpack(y, batch_first=batch_first)[0]
    states = states if isinstance(states, tuple) else (states,)
    rng = np.random.default_rng(rng_seed)
    loss = (y * lib.tensor(rng.standard_normal(tuple(y.shape)))).sum()
    for s in states:
        loss = loss + (s * lib.tensor(rng.standard_normal(tuple(s.shape)))).sum()
    loss.backward()
    grads = {n: np.asarray(p.grad.numpy()) for n, p in module.named_parameters()}
    as_np = (lambda t: t.numpy()) if ours else (lambda t: t.detach().numpy())
    return as_np(y), [as_np(s) for s in states], as_np(x.grad), grads


def _assert_same(got, want):
    """``_outputs_and_grads`` of ours and of torch agree to TOL: output, final states, input
    gradient and every parameter's gradient."""
    np.testing.assert_allclose(got[0], want[0], rtol=0, atol=TOL, err_msg="output")
    for s, (a, b) in enumerate(zip(got[1], want[1], strict=True)):
        np.testing.assert_allclose(a, b, rtol=0, atol=TOL, err_msg=f"final state {s}")
    np.testing.assert_allclose(got[2], want[2], rtol=0, atol=TOL, err_msg="input grad")
    for name in want[3]:
        np.testing.assert_allclose(got[3][name], want[3][name], rtol=0, atol=TOL, err_msg=name)


@pytest.mark.parametrize(
    ("mode", "layers", "bi", "bf", "proj", "given", "packed"),
    COMBOS,
    ids=[
        f"{m}-L{n}-{'bi' if b else 'uni'}-{'bf' if f else 'tf'}-p{p}-{'h0' if g else 'noh0'}"
        f"-{'packed' if k else 'padded'}"
        for m, n, b, f, p, g, k in COMBOS
    ],
)
def test_layer_matches_torch(torch, mode, layers, bi, bf, proj, given, packed):
    rng = np.random.default_rng(0)
    n_in, H, T, B = 3, 4, 5, 3
    kw = {"num_layers": layers, "bidirectional": bi, "batch_first": bf}
    if proj:
        kw["proj_size"] = proj
    ours = getattr(nn, mode)(n_in, H, dtype=ac.float64, **kw)
    theirs = getattr(torch.nn, mode)(n_in, H, dtype=torch.float64, **kw)
    _copy_weights(ours, theirs, torch)
    D, P = 2 if bi else 1, proj or H
    x = rng.standard_normal((B, T, n_in) if bf else (T, B, n_in))
    h0, c0 = rng.standard_normal((layers * D, B, P)), rng.standard_normal((layers * D, B, H))
    hx_ours = hx_theirs = None
    if given and mode == "LSTM":
        hx_ours, hx_theirs = (ac.tensor(h0), ac.tensor(c0)), (torch.tensor(h0), torch.tensor(c0))
    elif given:
        hx_ours, hx_theirs = ac.tensor(h0), torch.tensor(h0)
    lengths = [5, 2, 4] if packed else None
    xa, xt = ac.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    got = _outputs_and_grads(ours, xa, hx_ours, lengths, bf, True, torch)
    want = _outputs_and_grads(theirs, xt, hx_theirs, lengths, bf, False, torch)
    _assert_same(got, want)


def test_relu_rnn_and_no_bias_match_torch(torch):
    rng = np.random.default_rng(2)
    for kw in ({"nonlinearity": "relu"}, {"bias": False}, {"nonlinearity": "relu", "bias": False}):
        ours = nn.RNN(3, 4, num_layers=2, dtype=ac.float64, **kw)
        theirs = torch.nn.RNN(3, 4, num_layers=2, dtype=torch.float64, **kw)
        _copy_weights(ours, theirs, torch)
        x = rng.standard_normal((6, 2, 3))
        xa, xt = ac.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        got = _outputs_and_grads(ours, xa, None, None, False, True, torch)
        want = _outputs_and_grads(theirs, xt, None, None, False, False, torch)
        np.testing.assert_allclose(got[0], want[0], atol=TOL, err_msg=str(kw))
        for name in want[3]:
            np.testing.assert_allclose(got[3][name], want[3][name], atol=TOL, err_msg=name)


def test_unbatched_input_matches_torch(torch):
    rng = np.random.default_rng(3)
    ours = nn.GRU(3, 4, bidirectional=True, dtype=ac.float64)
    theirs = torch.nn.GRU(3, 4, bidirectional=True, dtype=torch.float64)
    _copy_weights(ours, theirs, torch)
    x = rng.standard_normal((5, 3))
    y, h = ours(ac.tensor(x))
    ty, th = theirs(torch.tensor(x))
    assert y.shape == tuple(ty.shape) == (5, 8) and h.shape == tuple(th.shape) == (2, 4)
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), atol=TOL)


@pytest.mark.parametrize("cell", ["RNNCell", "LSTMCell", "GRUCell"])
def test_cells_match_torch(torch, cell):
    rng = np.random.default_rng(4)
    ours = getattr(nn, cell)(3, 4, dtype=ac.float64)
    theirs = getattr(torch.nn, cell)(3, 4, dtype=torch.float64)
    _copy_weights(ours, theirs, torch)
    x, h, c = rng.standard_normal((2, 3)), rng.standard_normal((2, 4)), rng.standard_normal((2, 4))
    state_a = (ac.tensor(h), ac.tensor(c)) if cell == "LSTMCell" else ac.tensor(h)
    state_t = (torch.tensor(h), torch.tensor(c)) if cell == "LSTMCell" else torch.tensor(h)
    out_a, out_t = ours(ac.tensor(x), state_a), theirs(torch.tensor(x), state_t)
    out_a = out_a if isinstance(out_a, tuple) else (out_a,)
    out_t = out_t if isinstance(out_t, tuple) else (out_t,)
    sum(o.sum() for o in out_a).backward()
    sum(o.sum() for o in out_t).backward()
    for a, b in zip(out_a, out_t, strict=True):
        np.testing.assert_allclose(a.numpy(), b.detach().numpy(), atol=TOL)
    for name, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), getattr(theirs, name).grad.numpy(), atol=TOL)


SPLIT = [("RNN", 0), ("GRU", 0), ("LSTM", 0), ("LSTM", 96)]


@pytest.mark.parametrize(("mode", "proj"), SPLIT, ids=[f"{m}-p{p}" for m, p in SPLIT])
def test_step_gemms_cut_into_column_blocks_match_torch(torch, mode, proj):
    """At batch 32, hidden 128 (and with proj_size 96) every step GEMM is cut into two column
    blocks (recurrent_gates.column_parts): forward, backward, reverse, packed, all to 1e-10."""
    from autograd_core.ops.recurrent_gates import column_parts

    B, H, P = 32, 128, proj or 128
    assert column_parts(np, B, P, H) == column_parts(np, B, H, P) == 2
    rng = np.random.default_rng(5)
    kw = {"bidirectional": True, **({"proj_size": proj} if proj else {})}
    ours = getattr(nn, mode)(3, H, dtype=ac.float64, **kw)
    theirs = getattr(torch.nn, mode)(3, H, dtype=torch.float64, **kw)
    _copy_weights(ours, theirs, torch)
    x = rng.standard_normal((4, B, 3))
    lengths = sorted(rng.integers(1, 5, B).tolist(), reverse=True)
    for packed in (None, lengths):
        xa, xt = ac.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        got = _outputs_and_grads(ours, xa, None, packed, False, True, torch)
        want = _outputs_and_grads(theirs, xt, None, packed, False, False, torch)
        _assert_same(got, want)
        ours.zero_grad()
        theirs.zero_grad()


LONG = [(m, p, k) for m, p in SPLIT for k in (False, True)]


@pytest.mark.parametrize(
    ("mode", "proj", "packed"),
    LONG,
    ids=[f"{m}-p{p}-{'packed' if k else 'padded'}" for m, p, k in LONG],
)
def test_sequences_longer_than_the_backward_runs_match_torch(torch, mode, proj, packed):
    """The LSTM's reverse loop forms its gate factors FACTOR_STEPS steps at a time
    (recurrent_lstm_loops.py): sequences over two runs long, lengths that end inside each run,
    both directions, given states; against PyTorch to 1e-10."""
    from autograd_core.ops.recurrent_lstm_loops import FACTOR_STEPS

    T, B, H = 2 * FACTOR_STEPS + 3, 4, 8
    rng = np.random.default_rng(7)
    kw = {"bidirectional": True, "num_layers": 2, **({"proj_size": proj // 16} if proj else {})}
    ours = getattr(nn, mode)(3, H, dtype=ac.float64, **kw)
    theirs = getattr(torch.nn, mode)(3, H, dtype=torch.float64, **kw)
    _copy_weights(ours, theirs, torch)
    P = proj // 16 or H
    x = rng.standard_normal((T, B, 3))
    h0, c0 = rng.standard_normal((4, B, P)), rng.standard_normal((4, B, H))
    hx = (h0, c0) if mode == "LSTM" else h0
    wrap = (lambda lib: tuple(lib.tensor(a) for a in hx)) if mode == "LSTM" else None
    hx_ours = wrap(ac) if wrap else ac.tensor(hx)
    hx_theirs = wrap(torch) if wrap else torch.tensor(hx)
    lengths = [T, FACTOR_STEPS + 2, FACTOR_STEPS, 1] if packed else None
    xa, xt = ac.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    got = _outputs_and_grads(ours, xa, hx_ours, lengths, False, True, torch)
    want = _outputs_and_grads(theirs, xt, hx_theirs, lengths, False, False, torch)
    _assert_same(got, want)
