"""Leaky units and the echo-state network (nn/leaky_echo.py): nn.LeakyRNNCell against a NumPy
formula, nn.RNNCell and the closed-form gradient decay α^(T−t); the reservoir's spectral radius,
its states against a NumPy loop, the ridge read-out against np.linalg.solve of the normal
equations, no graph through the reservoir, and one-step prediction of a noisy sine."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
import nn
import nn.functional as F
import optim
from autograd_core.errors import ShapeError


def _np(t):
    return t.detach().numpy()


# ----- LeakyRNNCell -----------------------------------------------------------------------------


def test_leaky_cell_follows_the_formula_over_a_sequence():
    rng = np.random.default_rng(0)
    cell = nn.LeakyRNNCell(3, 5, alpha=0.7, dtype=ac.float64, generator=ac.Generator(0))
    x = rng.standard_normal((6, 2, 3))
    w_ih, w_hh, b_ih, b_hh = (_np(p) for p in cell.parameters())
    h_ref, h = np.zeros((2, 5)), None
    for x_t in x:
        h_ref = 0.7 * h_ref + 0.3 * np.tanh(x_t @ w_ih.T + b_ih + h_ref @ w_hh.T + b_hh)
        h = cell(ac.tensor(x_t), h)
    np.testing.assert_allclose(_np(h), h_ref, rtol=1e-13, atol=1e-14)


def test_leaky_cell_with_alpha_zero_is_rnn_cell():
    rng = np.random.default_rng(1)
    leaky = nn.LeakyRNNCell(4, 3, alpha=0.0, dtype=ac.float64)
    plain = nn.RNNCell(4, 3, dtype=ac.float64)
    for name, p in leaky.named_parameters():
        getattr(plain, name).data[...] = p.data
    x, h = ac.tensor(rng.standard_normal((2, 4))), ac.tensor(rng.standard_normal((2, 3)))
    np.testing.assert_array_equal(_np(leaky(x, h)), _np(plain(x, h)))
    np.testing.assert_array_equal(_np(leaky(x[0])), _np(plain(x[0])))  # unbatched
    same_seed = nn.LeakyRNNCell(4, 3, alpha=0.5, generator=ac.Generator(5))
    for name, p in nn.RNNCell(4, 3, generator=ac.Generator(5)).named_parameters():
        np.testing.assert_array_equal(_np(getattr(same_seed, name)), _np(p))


@pytest.mark.parametrize("learn_alpha", [False, True])
def test_leaky_cell_gradcheck_first_and_second_order(learn_alpha):
    rng = np.random.default_rng(2)
    cell = nn.LeakyRNNCell(3, 4, alpha=0.6, learn_alpha=learn_alpha, dtype=ac.float64)
    x = ac.tensor(rng.standard_normal((2, 3)), requires_grad=True)
    h = ac.tensor(rng.standard_normal((2, 4)), requires_grad=True)
    fn = lambda x, h, *ps: cell(x, cell(x, h))  # noqa: E731  (two steps; params perturbed in place)
    inputs = [x, h, *cell.parameters()]
    assert ac.gradcheck(fn, inputs)
    assert ac.gradgradcheck(fn, inputs, fast_mode=True)


def test_leaky_units_pass_the_gradient_back_as_alpha_to_the_power_of_the_distance():
    # With W = 0 and b = 0, h(t) = α h(t−1): ∂h(T)/∂h(t) = α^(T−t) I, so for L = Σ h(T)
    # ‖∂L/∂h(t)‖ = √H α^(T−t) (Deep Learning §10.9.2: the unit remembers ~1/(1 − α) steps).
    cell = nn.LeakyRNNCell(2, 6, alpha=0.9, dtype=ac.float64)
    for p in cell.parameters():
        p.data[...] = 0.0
    norms = nn.hidden_grad_norms(cell, ac.ones(20, 1, 2, dtype=ac.float64))
    expected = np.sqrt(6) * 0.9 ** np.arange(19, -1, -1)
    np.testing.assert_allclose(norms, expected, rtol=1e-12)


def test_learned_alpha_starts_at_alpha_and_receives_a_gradient():
    cell = nn.LeakyRNNCell(2, 3, alpha=0.8, learn_alpha=True, dtype=ac.float64)
    np.testing.assert_allclose(_np(cell.leak()), np.full(3, 0.8), rtol=1e-14)
    cell.reset_parameters(ac.Generator(0))
    np.testing.assert_allclose(_np(cell.leak()), np.full(3, 0.8), rtol=1e-14)
    cell(ac.ones(4, 2, dtype=ac.float64), ac.ones(4, 3, dtype=ac.float64)).sum().backward()
    assert cell.alpha_logit.grad is not None and np.abs(_np(cell.alpha_logit.grad)).min() > 0


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"alpha": 1.0}, r"alpha must be a float in \[0, 1\); got 1.0"),
        ({"alpha": -0.1}, r"alpha must be a float in \[0, 1\)"),
        ({"alpha": True}, r"alpha must be a float"),
        ({"alpha": 0.0, "learn_alpha": True}, r"\(0, 1\) with learn_alpha=True"),
    ],
)
def test_leaky_cell_rejects_bad_alpha(kwargs, match):
    with pytest.raises(ValueError, match=match):
        nn.LeakyRNNCell(2, 3, **kwargs)


# ----- EchoStateNetwork ------------------------------------------------------------------------


def _states(esn, u, leak):
    w, w_in = esn.weight_res.numpy(), esn.weight_in.numpy()
    h, out = np.zeros((u.shape[1], w.shape[0])), []
    for u_t in u:
        h = leak * h + (1 - leak) * np.tanh(u_t @ w_in.T + h @ w.T)
        out.append(h)
    return np.stack(out)


@pytest.mark.parametrize("density", [1.0, 0.1])
@pytest.mark.parametrize("rho", [0.5, 0.95, 1.3])
def test_reservoir_has_the_requested_spectral_radius(rho, density):
    esn = nn.EchoStateNetwork(2, 80, 1, spectral_radius=rho, density=density, seed=1)
    w = esn.weight_res.numpy()
    assert w.dtype == np.float32
    np.testing.assert_allclose(np.abs(np.linalg.eigvals(w.astype(np.float64))).max(), rho, 1e-5)
    assert abs((w != 0).mean() - density) < 0.02
    assert np.abs(esn.weight_in.numpy()).max() <= 1.0
    assert [name for name, _ in esn.named_parameters()] == ["readout.weight", "readout.bias"]


@pytest.mark.parametrize("leak", [0.0, 0.6])
def test_states_follow_the_leaky_update_and_carry_no_graph(leak):
    rng = np.random.default_rng(0)
    esn = nn.EchoStateNetwork(3, 20, 2, leak=leak, input_scale=0.5, seed=2, dtype=ac.float64)
    u = rng.standard_normal((15, 4, 3))
    states = esn.reservoir_states(ac.tensor(u, requires_grad=True))
    np.testing.assert_allclose(states.numpy(), _states(esn, u, leak), rtol=1e-12, atol=1e-14)
    assert not states.requires_grad and states.grad_fn is None
    # Continuing from the last state gives the states of the whole sequence.
    second = esn.reservoir_states(u[8:], h0=esn.reservoir_states(u[:8])[-1])
    np.testing.assert_allclose(second.numpy(), states.numpy()[8:], rtol=1e-12, atol=1e-14)
    # Unbatched input: (T, input_size) -> (T, N).
    single = esn.reservoir_states(u[:, 0])
    np.testing.assert_allclose(single.numpy(), states.numpy()[:, 0], rtol=1e-12, atol=1e-14)


def test_fit_solves_the_ridge_normal_equations():
    rng = np.random.default_rng(3)
    esn = nn.EchoStateNetwork(2, 30, 2, seed=4, dtype=ac.float64)
    u, y = rng.standard_normal((40, 3, 2)), rng.standard_normal((40, 3, 2))
    esn.fit(u, y, ridge=0.5, washout=10)
    s = _states(esn, u, 0.0)[10:].reshape(-1, 30)
    x = np.hstack([s, np.ones((len(s), 1))])
    d = np.diag([0.5] * 30 + [0.0])  # the bias is not penalised
    expected = np.linalg.solve(x.T @ x + d, x.T @ y[10:].reshape(-1, 2))
    np.testing.assert_allclose(esn.readout.weight.numpy(), expected[:30].T, rtol=1e-9)
    np.testing.assert_allclose(esn.readout.bias.numpy(), expected[30], rtol=1e-9)
    np.testing.assert_allclose(esn(u).numpy(), _states(esn, u, 0.0) @ expected[:30] + expected[30])


def test_esn_predicts_a_noisy_sine_one_step_ahead():
    rng = np.random.default_rng(5)
    t = np.arange(1201) * 0.1
    signal = (np.sin(t) + 0.05 * rng.standard_normal(t.shape)).reshape(-1, 1)
    target = np.sin(t).reshape(-1, 1)
    esn = nn.EchoStateNetwork(1, 100, 1, spectral_radius=0.9, seed=0)
    esn.fit(signal[:800], target[1:801], washout=100)
    pred = esn(signal[:-1]).numpy()  # the state runs on into the test part
    mse = ((pred[800:] - target[801:]) ** 2).mean()
    assert mse < 1e-2, mse


def test_readout_can_also_be_trained_by_gradient_descent_and_the_reservoir_stays_fixed():
    rng = np.random.default_rng(6)
    esn = nn.EchoStateNetwork(1, 40, 1, seed=3)
    u = rng.standard_normal((60, 8, 1)).astype(np.float32)
    y = ac.tensor(np.roll(u, 1, axis=0))  # remember the previous input
    w_res = esn.weight_res.numpy().copy()
    opt = optim.Adam(esn.parameters(), lr=3e-2)
    losses = []
    for _ in range(60):
        opt.zero_grad()
        loss = F.mse_loss(esn(u)[5:], y[5:])
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.2 * losses[0]
    np.testing.assert_array_equal(esn.weight_res.numpy(), w_res)


def test_state_dict_restores_the_reservoir():
    a, b = nn.EchoStateNetwork(1, 10, 1, seed=0), nn.EchoStateNetwork(1, 10, 1, seed=1)
    u = np.linspace(-1, 1, 12).reshape(-1, 1)
    b.load_state_dict(a.state_dict())
    np.testing.assert_array_equal(a(u).numpy(), b(u).numpy())


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"spectral_radius": 0.0}, r"spectral_radius must be a number > 0; got 0.0"),
        ({"spectral_radius": -1}, r"spectral_radius must be a number > 0"),
        ({"leak": 1.0}, r"leak must be a number in \[0, 1\); got 1.0"),
        ({"density": 0.0}, r"density must be a number in \(0, 1\]"),
        ({"input_scale": 0}, r"input_scale must be a number > 0"),
        ({"reservoir_size": 0}, r"reservoir_size must be a positive int; got 0"),
    ],
)
def test_esn_constructor_errors(kwargs, match):
    args = {"input_size": 1, "reservoir_size": 10, "output_size": 1, **kwargs}
    with pytest.raises(ValueError, match=match):
        nn.EchoStateNetwork(**args)


def test_esn_call_errors():
    esn = nn.EchoStateNetwork(2, 10, 1, seed=0)
    u = np.zeros((20, 3, 2))
    with pytest.raises(ShapeError, match=r"inputs must have shape \(T, B, 2\) or \(T, 2\)"):
        esn(np.zeros((20, 3)))
    with pytest.raises(ShapeError, match=r"targets must have shape \(20, 3, 1\)"):
        esn.fit(u, np.zeros((20, 3)))
    with pytest.raises(ValueError, match=r"washout must be an int in \[0, 20\); got 20"):
        esn.fit(u, np.zeros((20, 3, 1)), washout=20)
    with pytest.raises(ValueError, match=r"ridge must be a number ≥ 0; got -1"):
        esn.fit(u, np.zeros((20, 3, 1)), ridge=-1)
    with pytest.raises(ShapeError, match=r"h0 must have shape \(3, 10\)"):
        esn.reservoir_states(u, h0=np.zeros((2, 10)))
    with pytest.raises(ValueError, match=r"spectral radius 0.0e\+00 and cannot be scaled"):
        nn.EchoStateNetwork(1, 1, 1, density=1e-9, seed=0)
