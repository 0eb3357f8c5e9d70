"""torch's top-level recurrent functions (recurrent_torch.py): the four cells and the
multi-layer sequences from a flat parameter list (rnn_tanh, rnn_relu, and the torch forms of
lstm and gru), against torch 2.13 in float64 with the same weights, outputs and the gradients
of every input, state and parameter; their refusals; gradients to second order by finite
differences."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac

RNG = np.random.default_rng(3)
B, IN, H = 3, 4, 5


def _pair(torch, shape):
    a = RNG.standard_normal(shape) * 0.5
    return ac.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)


def _compare(torch, ours_out, theirs_out, ours_in, theirs_in):
    ours_out = ours_out if isinstance(ours_out, (tuple, list)) else [ours_out]
    theirs_out = theirs_out if isinstance(theirs_out, (tuple, list)) else [theirs_out]
    loss, tloss = 0, 0
    for o, t in zip(ours_out, theirs_out, strict=True):
        np.testing.assert_allclose(o.numpy(), t.detach().numpy(), rtol=1e-10, atol=1e-12)
        w = RNG.standard_normal(tuple(o.shape))
        loss = loss + (o * ac.tensor(w)).sum()
        tloss = tloss + (t * torch.tensor(w)).sum()
    loss.backward()
    tloss.backward()
    for i, (o, t) in enumerate(zip(ours_in, theirs_in, strict=True)):
        np.testing.assert_allclose(
            o.grad.numpy(), t.grad.numpy(), rtol=1e-9, atol=1e-11, err_msg=f"input {i}"
        )


@pytest.mark.parametrize("name", ["rnn_tanh_cell", "rnn_relu_cell", "lstm_cell", "gru_cell"])
@pytest.mark.parametrize("bias", [True, False])
def test_cells_match_torch(torch, name, bias):
    gates = {"rnn_tanh_cell": 1, "rnn_relu_cell": 1, "lstm_cell": 4, "gru_cell": 3}[name]
    x, tx = _pair(torch, (B, IN))
    h, th = _pair(torch, (B, H))
    shapes = [(gates * H, IN), (gates * H, H)] + ([(gates * H,)] * 2 if bias else [])
    params = [_pair(torch, s) for s in shapes]
    ours_p, theirs_p = [p[0] for p in params], [p[1] for p in params]
    if name == "lstm_cell":
        c, tc = _pair(torch, (B, H))
        out = ac.lstm_cell(x, (h, c), *ours_p)
        tout = torch.lstm_cell(tx, (th, tc), *theirs_p)
        _compare(torch, out, tout, [x, h, c, *ours_p], [tx, th, tc, *theirs_p])
    else:
        out = getattr(ac, name)(x, h, *ours_p)
        tout = getattr(torch, name)(tx, th, *theirs_p)
        _compare(torch, out, tout, [x, h, *ours_p], [tx, th, *theirs_p])


def _flat(torch, module):
    theirs = [p.detach().double().requires_grad_() for p in module._flat_weights]
    ours = [ac.tensor(p.detach().numpy(), requires_grad=True) for p in theirs]
    return ours, theirs


CONFIGS = [
    # mode, num_layers, bidirectional, batch_first, bias, proj_size
    ("rnn_tanh", 1, False, False, True, 0),
    ("rnn_relu", 2, True, False, True, 0),
    ("rnn_tanh", 2, False, True, False, 0),
    ("lstm", 2, True, True, True, 0),
    ("lstm", 1, False, False, False, 0),
    ("lstm", 2, False, False, True, 3),
    ("gru", 2, True, False, True, 0),
    ("gru", 1, False, True, False, 0),
]


@pytest.mark.parametrize(("mode", "layers", "bidir", "batch_first", "bias", "proj"), CONFIGS)
def test_sequences_from_flat_parameters_match_torch(
    torch, mode, layers, bidir, batch_first, bias, proj
):
    torch.manual_seed(0)
    kw = {"num_layers": layers, "bidirectional": bidir, "batch_first": batch_first, "bias": bias}
    if mode == "lstm":
        module = torch.nn.LSTM(IN, H, proj_size=proj, **kw)
    elif mode == "gru":
        module = torch.nn.GRU(IN, H, **kw)
    else:
        module = torch.nn.RNN(IN, H, nonlinearity=mode[4:], **kw)
    ours_p, theirs_p = _flat(torch, module)
    D = 2 if bidir else 1
    T = 6
    x, tx = _pair(torch, (B, T, IN) if batch_first else (T, B, IN))
    h, th = _pair(torch, (layers * D, B, proj or H))
    args = (bias, layers, 0.0, False, bidir, batch_first)
    if mode == "lstm":
        c, tc = _pair(torch, (layers * D, B, H))
        out = ac.lstm(x, (h, c), ours_p, *args)
        tout = torch.lstm(tx, (th, tc), theirs_p, *args)
        _compare(torch, out, tout, [x, h, c, *ours_p], [tx, th, tc, *theirs_p])
        return
    fn = {"gru": ac.gru, "rnn_tanh": ac.rnn_tanh, "rnn_relu": ac.rnn_relu}[mode]
    out = fn(x, h, ours_p, *args)
    tout = getattr(torch, mode)(tx, th, theirs_p, *args)
    _compare(torch, out, tout, [x, h, *ours_p], [tx, th, *theirs_p])


def test_dropout_between_layers_only_when_training(torch):
    module = torch.nn.RNN(IN, H, num_layers=2)
    ours_p, _ = _flat(torch, module)
    x, h = ac.ones(6, B, IN, dtype=ac.float64), ac.zeros(2, B, H, dtype=ac.float64)
    ac.manual_seed(1)
    eval_a, _ = ac.rnn_tanh(x, h, ours_p, True, 2, 0.9, False, False, False)
    eval_b, _ = ac.rnn_tanh(x, h, ours_p, True, 2, 0.0, True, False, False)
    np.testing.assert_array_equal(eval_a.numpy(), eval_b.numpy())
    train, _ = ac.rnn_tanh(x, h, ours_p, True, 2, 0.9, True, False, False)
    assert not np.allclose(train.numpy(), eval_a.numpy())


def test_gradients_pass_finite_differences_to_second_order():
    x = ac.tensor(RNG.standard_normal((3, 2, 2)), requires_grad=True)
    h = ac.tensor(RNG.standard_normal((1, 2, 3)), requires_grad=True)
    w = [
        ac.tensor(RNG.standard_normal(s) * 0.5, requires_grad=True)
        for s in ((9, 2), (9, 3), (9,), (9,))
    ]

    def f(x, h, *w):
        return ac.gru(x, h, list(w), True, 1, 0.0, False, False, False)[0]

    assert ac.gradcheck(f, (x, h, *w))
    assert ac.gradgradcheck(f, (x, h, *w))
    x1, h1, c1 = (
        ac.tensor(RNG.standard_normal(s), requires_grad=True) for s in ((2, 2), (2, 3), (2, 3))
    )
    w4 = [ac.tensor(RNG.standard_normal(s) * 0.5, requires_grad=True) for s in ((12, 2), (12, 3))]
    assert ac.gradgradcheck(
        lambda x, h, c, a, b: ac.lstm_cell(x, (h, c), a, b)[0], (x1, h1, c1, *w4)
    )


BAD = [
    (
        "input has inconsistent input_size|w_ih must have shape",
        lambda L: L.rnn_tanh_cell(L.ones(2, 5), L.zeros(2, 4), L.ones(4, 3), L.ones(4, 4)),
    ),
    (
        "batch size",
        lambda L: L.rnn_tanh_cell(L.ones(2, 3), L.zeros(3, 4), L.ones(4, 3), L.ones(4, 4)),
    ),
    (
        "two hidden states",
        lambda L: L.lstm_cell(L.ones(2, 3), (L.zeros(2, 4),), L.ones(16, 3), L.ones(16, 4)),
    ),
    (
        "3 \\* hidden_size|w_ih must have shape \\(12, 3\\)",
        lambda L: L.gru_cell(L.ones(2, 3), L.zeros(2, 4), L.ones(16, 3), L.ones(16, 4)),
    ),
]


@pytest.mark.parametrize(("words", "call"), BAD, ids=[str(i) for i in range(len(BAD))])
def test_cell_refusals_match_torch_and_name_the_shapes(torch, words, call):
    with pytest.raises(RuntimeError, match=words):
        call(torch)
    with pytest.raises(ac.ShapeError, match=words) as info:
        call(ac)
    assert str(info.value).split(":")[0].endswith("_cell"), info.value


def test_dtype_and_parameter_count_refusals():
    x, h = ac.ones(2, 3, dtype=ac.float64), ac.zeros(2, 4)
    with pytest.raises(
        ac.DTypeError,
        match="rnn_relu_cell: every input must have the same floating dtype; got float64, float32",
    ):
        ac.rnn_relu_cell(x, h, ac.ones(4, 3), ac.ones(4, 4))
    with pytest.raises(
        ac.ShapeError, match="rnn_tanh: params must hold 4 tensors .* 8 for num_layers=2; got 4"
    ):
        ac.rnn_tanh(
            ac.ones(5, 2, 3),
            ac.zeros(2, 2, 4),
            [ac.ones(4, 3), ac.ones(4, 4), ac.ones(4), ac.ones(4)],
            True,
            2,
            0.0,
            False,
            False,
            False,
        )
    with pytest.raises(TypeError, match="lstm: 1 positional argument.* pair"):
        ac.lstm(
            ac.zeros(5, 2, 8),
            ac.zeros(2, 2),
            ac.zeros(2, 2),
            ac.ones(8, 2),
            None,
            None,
            None,
            None,
            True,
        )
