"""The seeds' other recurrent designs (nn/recurrent_designs.py): the output-to-hidden recurrence
against hand-unrolled loops under teacher forcing, scheduled sampling and free running, and a
vector-to-sequence generator against a loop by hand, one that learns, and their errors."""

from __future__ import annotations

import time

import numpy as np
import pytest

import autograd_core as ac
import nn
import nn.functional as F
import optim
from autograd_core.errors import ShapeError


def _np(t):
    return t.detach().numpy()


# ----- OutputRecurrentRNN -----------------------------------------------------------------------


def _model_arrays(model):
    return (
        _np(model.hidden.weight),
        _np(model.hidden.bias),
        _np(model.out.weight),
        _np(model.out.bias),
    )


def _numpy_step(model, x_t, prev):
    w, b, v, c = _model_arrays(model)
    return np.tanh(np.concatenate([x_t, prev], -1) @ w.T + b) @ v.T + c


def _data(rng, t=7, b=3, n_in=2, n_out=2):
    return rng.standard_normal((t, b, n_in)), rng.standard_normal((t, b, n_out))


def test_teacher_forcing_equals_a_loop_fed_the_true_previous_outputs():
    rng = np.random.default_rng(3)
    model = nn.OutputRecurrentRNN(2, 5, 2, dtype=ac.float64, generator=ac.Generator(0))
    x, y = _data(rng)
    prev, ref = np.zeros((3, 2)), []
    for t in range(7):
        ref.append(_numpy_step(model, x[t], prev))
        prev = y[t]  # the true y(t), whatever the model said
    out = model(ac.tensor(x), ac.tensor(y), teacher_forcing=1.0)
    np.testing.assert_allclose(_np(out), np.stack(ref), rtol=1e-12, atol=1e-13)


def test_free_running_feeds_back_its_own_outputs_and_equals_p_zero():
    rng = np.random.default_rng(4)
    model = nn.OutputRecurrentRNN(2, 5, 2, dtype=ac.float64, generator=ac.Generator(0))
    x, y = _data(rng)
    prev, ref = np.zeros((3, 2)), []
    for t in range(7):
        prev = _numpy_step(model, x[t], prev)
        ref.append(prev)
    free = model(ac.tensor(x))
    np.testing.assert_allclose(_np(free), np.stack(ref), rtol=1e-12, atol=1e-13)
    np.testing.assert_array_equal(_np(model(ac.tensor(x), ac.tensor(y), 0.0)), _np(free))


def test_scheduled_sampling_feeds_the_true_value_with_probability_p():
    # With cell=None o(t) depends only on x(t) and the fed value, so every (t, row) must be
    # the step applied to the true y(t−1) or to the model's own o(t−1); count the true ones.
    rng = np.random.default_rng(5)
    model = nn.OutputRecurrentRNN(2, 5, 2, dtype=ac.float64, generator=ac.Generator(0))
    x, y = _data(rng, t=5, b=2000)
    out = _np(model(ac.tensor(x), ac.tensor(y), 0.3, generator=ac.Generator(7)))
    forced = np.stack([_numpy_step(model, x[t], y[t - 1]) for t in range(1, 5)])
    own = np.stack([_numpy_step(model, x[t], out[t - 1]) for t in range(1, 5)])
    is_true = np.isclose(out[1:], forced, rtol=1e-12).all(-1)
    is_own = np.isclose(out[1:], own, rtol=1e-12).all(-1)
    assert (is_true | is_own).all()
    assert abs(is_true.mean() - 0.3) < 0.02  # 8000 coins: σ ≈ 0.005
    again = _np(model(ac.tensor(x), ac.tensor(y), 0.3, generator=ac.Generator(7)))
    np.testing.assert_array_equal(out, again)


@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
def test_with_a_cell_teacher_forcing_equals_the_cell_unrolled_by_hand(cell):
    rng = np.random.default_rng(6)
    model = nn.OutputRecurrentRNN(2, 4, 2, cell=cell, dtype=ac.float64)
    x, y = (ac.tensor(a) for a in _data(rng))
    state, prev, ref = None, ac.zeros(3, 2, dtype=ac.float64), []
    for t in range(7):
        state = model.cell(ac.cat([x[t], prev], -1), state)
        ref.append(model.out(state[0] if cell == "lstm" else state))
        prev = y[t]
    np.testing.assert_allclose(_np(model(x, y)), _np(ac.stack(ref)), rtol=1e-12, atol=1e-13)


def test_prompt_feeds_true_values_first_even_running_free():
    rng = np.random.default_rng(7)
    model = nn.OutputRecurrentRNN(0, 6, 1, cell="gru", dtype=ac.float64)
    y = ac.tensor(rng.standard_normal((8, 2, 1)))
    o0 = ac.tensor(rng.standard_normal((2, 1)))
    forced = _np(model(None, y, o0=o0))
    free = _np(model(None, y, 0.0, o0=o0, prompt=4))
    np.testing.assert_allclose(free[:4], forced[:4], rtol=1e-13)
    assert np.abs(free[4:] - forced[4:]).min() > 0
    assert model(steps=5).shape == (5, 1, 1)


@pytest.mark.parametrize("cell", [None, "gru"])
def test_output_recurrent_gradcheck(cell):
    rng = np.random.default_rng(8)
    model = nn.OutputRecurrentRNN(2, 3, 2, cell=cell, dtype=ac.float64)
    x, y = _data(rng, t=3, b=2)
    x = ac.tensor(x, requires_grad=True)
    y = ac.tensor(y)
    forced = lambda x, *ps: model(x, y)  # noqa: E731
    free = lambda x, *ps: model(x)  # noqa: E731
    for fn in (forced, free):
        assert ac.gradcheck(fn, [x, *model.parameters()])
        assert ac.gradgradcheck(fn, [x, *model.parameters()], fast_mode=True)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda m, x, y: m(x, y, 1.5), ValueError, r"teacher_forcing .* \[0, 1\]; got 1.5"),
        (lambda m, x, y: m(x[..., :1], y), ShapeError, r"x must have shape \(T, B, 2\)"),
        (lambda m, x, y: m(x, y[:3]), ShapeError, r"targets must have shape \(T, B, 2\)"),
        (lambda m, x, y: m(None, y), ShapeError, r"x is required for input_size=2"),
        (lambda m, x, y: m(x, steps=4), ShapeError, r"steps=4 but x or targets have 7 steps"),
        (lambda m, x, y: m(x, o0=ac.zeros(2, 2)), ShapeError, r"o0 must have shape \(3, 2\)"),
        (lambda m, x, y: m(x, h0=ac.zeros(3, 5)), ValueError, r"cell=None keeps no hidden"),
        (lambda m, x, y: m(x, prompt=-1), ValueError, r"prompt must be an int ≥ 0"),
    ],
)
def test_output_recurrent_errors(call, error, match):
    model = nn.OutputRecurrentRNN(2, 5, 2)
    x, y = (ac.tensor(a, dtype=ac.float32) for a in _data(np.random.default_rng(0)))
    with pytest.raises(error, match=match):
        call(model, x, y)


def test_output_recurrent_constructor_errors():
    with pytest.raises(ValueError, match=r"cell must be None, 'rnn', 'gru' or 'lstm'; got 'x'"):
        nn.OutputRecurrentRNN(2, 5, 2, cell="x")
    with pytest.raises(ValueError, match=r"hidden_size must be an int ≥ 1; got 0"):
        nn.OutputRecurrentRNN(2, 0, 2)
    with pytest.raises(ValueError, match=r"without x or targets the number of steps"):
        nn.OutputRecurrentRNN(0, 3, 1)()


# ----- VectorToSequence -------------------------------------------------------------------------


@pytest.mark.parametrize("condition", ["state", "input", "both"])
@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_vector_to_sequence_conditions_equal_a_loop_by_hand(condition, cell):
    rng = np.random.default_rng(9)
    model = nn.VectorToSequence(3, 4, 2, cell=cell, condition=condition, dtype=ac.float64)
    v = ac.tensor(rng.standard_normal((5, 3)))
    state = None
    if condition != "input":
        h0 = ac.tanh(v @ model.init_state.weight.T + model.init_state.bias)
        state = (h0, ac.zeros(5, 4, dtype=ac.float64)) if cell == "lstm" else h0
    prev, ref = ac.zeros(5, 2, dtype=ac.float64), []
    for _ in range(6):
        z = prev if condition == "state" else ac.cat([v, prev], -1)
        state = model.rnn.cell(z, state)
        prev = model.rnn.out(state[0] if cell == "lstm" else state)
        ref.append(prev)
    np.testing.assert_allclose(_np(model(v, 6)), _np(ac.stack(ref)), rtol=1e-12, atol=1e-13)
    assert ("init_state" in dict(model.named_children())) == (condition != "input")


def test_vector_to_sequence_learns_to_count_from_a_one_hot_start():
    # Given the one-hot of k in 0..3, emit k, k+1, ..., k+5 (scaled by 1/10), running free.
    g = ac.Generator(0)
    model = nn.VectorToSequence(4, 24, 1, cell="gru", condition="state", generator=g)
    opt = optim.Adam(model.parameters(), lr=2e-2)
    k = np.arange(4)
    v = ac.tensor(np.eye(4, dtype=np.float32))
    y = ac.tensor(((k[None, :] + np.arange(6)[:, None]) / 10).astype(np.float32)[..., None])
    start = time.perf_counter()
    for _ in range(300):
        opt.zero_grad()
        F.mse_loss(model(v, 6, y), y).backward()
        opt.step()
    with ac.no_grad():
        free = _np(model(v, 6))
    assert time.perf_counter() - start < 20
    assert np.abs(free - _np(y)).max() < 0.03, np.round(free[..., 0] * 10, 2)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: nn.VectorToSequence(3, 4, 1, condition="x"), ValueError, r"condition must be"),
        (lambda: nn.VectorToSequence(3, 4, 1, cell="elman"), ValueError, r"cell must be 'rnn'"),
        (lambda: nn.VectorToSequence(0, 4, 1), ValueError, r"vector_size must be an int ≥ 1"),
        (lambda: nn.VectorToSequence(3, 4, 1)(ac.ones(2, 3), 0), ValueError, r"steps must be"),
        (lambda: nn.VectorToSequence(3, 4, 1)(ac.ones(2, 4), 5), ShapeError, r"\(B, 3\)"),
        (
            lambda: nn.VectorToSequence(3, 4, 1)(ac.ones(2, 3), 5, ac.zeros(4, 2, 1)),
            ShapeError,
            r"targets must have shape",
        ),
    ],
)
def test_vector_to_sequence_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()
