"""nn.RNN/LSTM/GRU beyond the PyTorch comparison: the cell-by-cell path gives the fused
numbers, long sequences, initialisation, dropout between layers, padding and packing, errors."""

from __future__ import annotations

import sys

import numpy as np
import pytest

import autograd_core as ac
import nn
from autograd_core.errors import DTypeError, ShapeError
from nn.utils.rnn import (
    PackedSequence,
    pack_padded_sequence,
    pack_sequence,
    pad_packed_sequence,
    pad_sequence,
)


def _unrolled(layer, cell, x, h0, c0=None):
    """Run a one-layer module's weights through its cell, step by step."""
    for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
        getattr(cell, name).data[...] = getattr(layer, f"{name}_l0").data
    h, c, ys = h0, c0, []
    for x_t in x.unbind(0):
        if c is None:
            h = cell(x_t, h)
        else:
            h, c = cell(x_t, (h, c))
        ys.append(h)
    return ac.stack(ys), h, c


@pytest.mark.parametrize(
    ("mode", "cell"), [("RNN", "RNNCell"), ("LSTM", "LSTMCell"), ("GRU", "GRUCell")]
)
def test_cell_loop_gives_the_fused_numbers(mode, cell):
    rng = np.random.default_rng(0)
    layer = getattr(nn, mode)(3, 5, dtype=ac.float64)
    cell_ = getattr(nn, cell)(3, 5, dtype=ac.float64)
    x = ac.tensor(rng.standard_normal((7, 2, 3)), requires_grad=True)
    h0, c0 = ac.tensor(rng.standard_normal((2, 5))), ac.tensor(rng.standard_normal((2, 5)))
    y, states = layer(x, (h0[None], c0[None]) if mode == "LSTM" else h0[None])
    y_c, h_c, _ = _unrolled(layer, cell_, x, h0, c0 if mode == "LSTM" else None)
    np.testing.assert_allclose(y.numpy(), y_c.numpy(), rtol=1e-12, atol=1e-14)
    h = states[0] if mode == "LSTM" else states
    np.testing.assert_allclose(h[0].numpy(), h_c.numpy(), rtol=1e-12, atol=1e-14)
    (g_fused,) = ac.grad((y * y).sum(), [x])
    (g_cells,) = ac.grad((y_c * y_c).sum(), [x])
    np.testing.assert_allclose(g_fused.numpy(), g_cells.numpy(), rtol=1e-11, atol=1e-13)


@pytest.mark.parametrize("mode", ["RNN", "LSTM", "GRU"])
def test_thousand_steps_forward_backward_without_recursion_error(mode):
    rng = np.random.default_rng(1)
    layer = getattr(nn, mode)(2, 8, dtype=ac.float64)
    x = ac.tensor(rng.standard_normal((1000, 2, 2)), requires_grad=True)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(200)  # a recursive backward over 1,000 steps would need far more
    try:
        y, _ = layer(x)
        y.sum().backward()
    finally:
        sys.setrecursionlimit(limit)
    assert np.isfinite(x.grad.numpy()).all()
    assert all(p.grad is not None for p in layer.parameters())


def test_thousand_step_cell_loop_backpropagates():
    cell = nn.LSTMCell(2, 4)
    x = ac.ones(1000, 1, 2, requires_grad=True)
    h = c = ac.zeros(1, 4)
    for x_t in x.unbind(0):
        h, c = cell(x_t, (h, c))
    h.sum().backward()
    assert x.grad.shape == (1000, 1, 2) and np.isfinite(x.grad.numpy()).all()


def test_default_init_is_uniform_in_one_over_sqrt_hidden():
    layer = nn.LSTM(10, 64, num_layers=2, generator=ac.Generator(0))
    values = np.concatenate([p.numpy().ravel() for p in layer.parameters()])
    bound = 1 / np.sqrt(64)
    assert np.abs(values).max() <= bound
    assert abs(values.mean()) < 0.05 * bound
    np.testing.assert_allclose(values.var(), bound**2 / 3, rtol=0.03)  # var of U(−k, k)


def test_parameter_shapes_follow_pytorch():
    shapes = {
        n: p.shape for n, p in nn.LSTM(3, 6, 2, bidirectional=True, proj_size=2).named_parameters()
    }
    assert shapes["weight_ih_l0"] == (24, 3) and shapes["weight_hh_l0_reverse"] == (24, 2)
    assert shapes["weight_ih_l1"] == (24, 4) and shapes["weight_hr_l1_reverse"] == (2, 6)
    assert len(shapes) == 2 * 2 * 5


def test_flatten_parameters_is_accepted_and_changes_nothing():
    layer = nn.LSTM(2, 3)
    x = ac.ones(4, 1, 2)
    before = layer(x)[0].numpy()
    assert layer.flatten_parameters() is None
    np.testing.assert_array_equal(layer(x)[0].numpy(), before)


def test_dropout_between_layers_only_in_training():
    layer = nn.GRU(3, 4, num_layers=2, dropout=0.5, generator=ac.Generator(0))
    x = ac.ones(6, 2, 3)
    layer.eval()
    a, b = layer(x)[0].numpy(), layer(x)[0].numpy()
    np.testing.assert_array_equal(a, b)
    layer.train()
    assert not np.allclose(layer(x)[0].numpy(), a)
    one = nn.GRU(3, 4, num_layers=1, dropout=0.5, generator=ac.Generator(0))
    np.testing.assert_array_equal(one(x)[0].numpy(), one.eval()(x)[0].numpy())


def test_pad_and_pack_match_torch(torch):
    rng = np.random.default_rng(2)
    seqs = [rng.standard_normal((n, 2)) for n in (2, 4, 1)]
    ours = pad_sequence([ac.tensor(s) for s in seqs], batch_first=True, padding_value=-1.0)
    theirs = torch.nn.utils.rnn.pad_sequence([torch.tensor(s) for s in seqs], True, -1.0)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    x = rng.standard_normal((4, 3, 2))
    p = pack_padded_sequence(ac.tensor(x), [2, 4, 1], enforce_sorted=False)
    tp = torch.nn.utils.rnn.pack_padded_sequence(torch.tensor(x), [2, 4, 1], enforce_sorted=False)
    np.testing.assert_array_equal(p.data.numpy(), tp.data.numpy())
    assert p.batch_sizes.tolist() == tp.batch_sizes.tolist()
    assert p.sorted_indices.tolist() == tp.sorted_indices.tolist()
    assert p.unsorted_indices.tolist() == tp.unsorted_indices.tolist()
    y, lengths = pad_packed_sequence(p, batch_first=True, total_length=6)
    ty, tlengths = torch.nn.utils.rnn.pad_packed_sequence(tp, batch_first=True, total_length=6)
    np.testing.assert_array_equal(y.numpy(), ty.numpy())
    assert lengths.tolist() == tlengths.tolist() == [2, 4, 1]
    tq = torch.nn.utils.rnn.pack_sequence([torch.tensor(s) for s in seqs], enforce_sorted=False)
    q = pack_sequence([ac.tensor(s) for s in seqs], enforce_sorted=False)
    assert isinstance(q, PackedSequence)
    np.testing.assert_array_equal(q.data.numpy(), tq.data.numpy())


def test_packing_passes_gradients_back_to_the_padded_batch():
    x = ac.ones(3, 2, 1, requires_grad=True)
    y, _ = pad_packed_sequence(pack_padded_sequence(x, [3, 1]))
    (y * 2).sum().backward()
    assert x.grad[:, 0, 0].tolist() == [2.0, 2.0, 2.0]
    assert x.grad[:, 1, 0].tolist() == [2.0, 0.0, 0.0]  # padding gets no gradient


def test_final_state_of_a_packed_batch_is_at_each_true_end():
    layer = nn.RNN(1, 3, dtype=ac.float64)
    x = ac.tensor(np.random.default_rng(3).standard_normal((5, 2, 1)))
    _, h = layer(pack_padded_sequence(x, [2, 5], enforce_sorted=False))
    _, h_short = layer(x[:2, :1])
    _, h_long = layer(x[:, 1:])
    np.testing.assert_allclose(h[0, 0].numpy(), h_short[0, 0].numpy(), atol=1e-15)
    np.testing.assert_allclose(h[0, 1].numpy(), h_long[0, 0].numpy(), atol=1e-15)


def test_layer_errors_say_what_to_fix():
    with pytest.raises(ShapeError, match=r"LSTM: input must be \(T, B, 3\)"):
        nn.LSTM(3, 4)(ac.ones(5, 2, 7))
    with pytest.raises(ShapeError, match=r"GRU: h0 must have shape .* = \(2, 2, 4\)"):
        nn.GRU(3, 4, num_layers=2)(ac.ones(5, 2, 3), ac.zeros(1, 2, 4))
    with pytest.raises(ShapeError, match="LSTM: hx must be a pair"):
        nn.LSTM(3, 4)(ac.ones(5, 2, 3), ac.zeros(1, 2, 4))
    with pytest.raises(ValueError, match="GRU: proj_size=2 needs an LSTM"):
        nn.GRU(3, 4, proj_size=2)
    with pytest.raises(ValueError, match="RNN: nonlinearity must be 'tanh' or 'relu'"):
        nn.RNN(3, 4, nonlinearity="sigmoid")
    with pytest.raises(ShapeError, match=r"LSTMCell: input must be \(batch, 3\)"):
        nn.LSTMCell(3, 4)(ac.ones(2, 5))
    with pytest.raises(ShapeError, match=r"GRUCell: the state must have shape \(2, 4\)"):
        nn.GRUCell(3, 4)(ac.ones(2, 3), ac.zeros(3, 4))


def test_packing_errors_say_what_to_fix():
    with pytest.raises(ShapeError, match="not in decreasing order.*enforce_sorted=False"):
        pack_padded_sequence(ac.ones(3, 2, 1), [1, 3])
    with pytest.raises(ShapeError, match=r"needs 2 lengths between 1 and T = 3"):
        pack_padded_sequence(ac.ones(3, 2, 1), [4, 1])
    with pytest.raises(ShapeError, match="total_length=2 is shorter"):
        pad_packed_sequence(pack_padded_sequence(ac.ones(3, 2, 1), [3, 1]), total_length=2)
    with pytest.raises(ShapeError, match="pad_sequence: sequence 1 has shape"):
        pad_sequence([ac.ones(2, 3), ac.ones(2, 4)])


def test_fused_op_projection_errors_say_what_to_fix():
    x, h0 = ac.zeros(5, 2, 3), ac.zeros(2, 4)
    with pytest.raises(ValueError, match=r"rnn: b_ih needs w_ih .* shape \(4,\).*Pass w_ih"):
        ac.rnn(ac.zeros(5, 2, 4), h0, ac.zeros(4, 4), b_ih=ac.zeros(4))
    with pytest.raises(ShapeError, match=r"lstm: with w_ih, x must be .* w_ih \(16, 7\)"):
        ac.lstm(x, h0, h0, ac.zeros(16, 4), w_ih=ac.zeros(16, 7))
    with pytest.raises(ShapeError, match=r"gru: b_ih must have shape \(12,\).* got \(4,\)"):
        ac.gru(x, h0, ac.zeros(12, 4), w_ih=ac.zeros(12, 3), b_ih=ac.zeros(4))


def test_fused_op_errors_say_what_to_fix():
    with pytest.raises(ShapeError, match=r"lstm: xw must have shape \(T, B, 4·hidden_size\)"):
        ac.lstm(ac.zeros(5, 2, 6), ac.zeros(2, 2), ac.zeros(2, 2), ac.zeros(8, 2))
    with pytest.raises(ShapeError, match=r"gru: w_hh must have shape \(6, 2\)"):
        ac.gru(ac.zeros(5, 2, 6), ac.zeros(2, 2), ac.zeros(6, 3))
    with pytest.raises(ShapeError, match=r"rnn: h0 must have shape \(B, 3\) = \(2, 3\)"):
        ac.rnn(ac.zeros(5, 2, 3), ac.zeros(1, 3), ac.zeros(3, 3))
    with pytest.raises(ShapeError, match="rnn: lengths must be 2 integers .* longest first"):
        ac.rnn(ac.zeros(5, 2, 3), ac.zeros(2, 3), ac.zeros(3, 3), lengths=[2, 5])
    with pytest.raises(DTypeError, match="gru: every input must have the same floating dtype"):
        ac.gru(ac.zeros(5, 2, 6), ac.zeros(2, 2, dtype=ac.float64), ac.zeros(6, 2))
    with pytest.raises(ValueError, match="rnn: nonlinearity must be 'tanh' or 'relu'"):
        ac.rnn(ac.zeros(5, 2, 3), ac.zeros(2, 3), ac.zeros(3, 3), nonlinearity="gelu")
