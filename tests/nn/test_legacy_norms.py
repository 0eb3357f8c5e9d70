"""The hooks-based nn.utils.weight_norm / remove_weight_norm and nn.utils.spectral_norm /
remove_spectral_norm: against torch in float64 (names weight_g, weight_v; weight_orig,
weight_u, weight_v), against NumPy, and their error paths."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from norm_layer_pairs import assert_close, layer_pair, state_arrays  # tests/nn/

import autograd_core as ac
import nn
import optim


def _same_state(tm, m):
    assert list(m.state_dict()) == list(tm.state_dict())
    for k, v in tm.state_dict().items():
        assert_close(m.state_dict()[k], v)


def _step(torch, tm, m, x, check_grads=True):
    out_t = (tm(torch.tensor(x)) ** 2).sum()
    out = (m(ac.tensor(x)) ** 2).sum()
    np.testing.assert_allclose(float(out), out_t.item(), rtol=1e-10)
    out_t.backward()
    out.backward()
    if check_grads:
        theirs = dict(tm.named_parameters())
        for name, p in m.named_parameters():
            assert_close(p.grad, theirs[name].grad)


def _quiet(fn, *args, **kwargs):
    """Call a legacy weight_norm with its deprecation warning (tested once) silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        return fn(*args, **kwargs)


# -- weight_norm -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["linear", "conv2d"])
@pytest.mark.parametrize("dim", [0, 1, None])
def test_weight_norm_matches_torch(torch, rng, kind, dim):
    tm, m, in_shape = layer_pair(torch, kind)
    _quiet(torch.nn.utils.weight_norm, tm, dim=dim)
    _quiet(nn.utils.weight_norm, m, dim=dim)
    _same_state(tm, m)
    assert "weight" not in m._parameters and not m.weight.is_leaf
    assert_close(m.weight, tm.weight)
    _step(torch, tm, m, rng.standard_normal(in_shape))
    assert_close(m.weight, tm.weight)


def test_weight_norm_warns_as_torch():
    with pytest.warns(FutureWarning, match="parametrizations.weight_norm"):
        nn.utils.weight_norm(nn.Linear(2, 2))


def test_weight_norm_trains_and_recomputes_before_forward(torch, rng):
    tm, m, in_shape = layer_pair(torch, "conv2d")
    _quiet(torch.nn.utils.weight_norm, tm, dim=1)
    _quiet(nn.utils.weight_norm, m, dim=1)
    topt = torch.optim.Adam(tm.parameters(), lr=0.01)
    opt = optim.Adam(m.parameters(), lr=0.01)
    g_before = m.weight_g.detach().clone()
    for _ in range(3):
        topt.zero_grad()
        opt.zero_grad()
        _step(torch, tm, m, rng.standard_normal(in_shape))
        topt.step()
        opt.step()
    assert not np.allclose(m.weight_g.data, g_before.data)
    _same_state(tm, m)
    m(ac.tensor(rng.standard_normal(in_shape)))  # the hook recomputes the weight
    g, v = m.weight_g.data, m.weight_v.data
    expected = g * v / np.sqrt((v**2).sum(axis=(0, 2, 3), keepdims=True))
    np.testing.assert_allclose(m.weight.data, expected, rtol=1e-13)


def test_weight_norm_numpy_reference():
    m = nn.Linear(3, 4).double()
    w = m.weight.detach().numpy().copy()
    _quiet(nn.utils.weight_norm, m)
    np.testing.assert_allclose(m.weight_g.data, np.linalg.norm(w, axis=1, keepdims=True))
    np.testing.assert_array_equal(m.weight_v.data, w)
    np.testing.assert_allclose(m.weight.data, w, rtol=1e-13)


def test_remove_weight_norm_leaves_a_plain_parameter(torch, rng):
    tm, m, in_shape = layer_pair(torch, "linear")
    _quiet(torch.nn.utils.weight_norm, tm)
    _quiet(nn.utils.weight_norm, m)
    with torch.no_grad():
        tm.weight_g.mul_(2)
    m.weight_g.data[...] *= 2
    torch.nn.utils.remove_weight_norm(tm)
    nn.utils.remove_weight_norm(m)
    assert isinstance(m.weight, nn.Parameter) and m._forward_pre_hooks == []
    _same_state(tm, m)
    assert list(m.state_dict()) == ["bias", "weight"]


def test_weight_norm_errors(torch):
    m = _quiet(nn.utils.weight_norm, nn.Linear(2, 2))
    with pytest.raises(RuntimeError, match="cannot register two weight_norm hooks.*'weight'"):
        _quiet(nn.utils.weight_norm, m)
    with pytest.raises(RuntimeError):  # PyTorch refuses too
        _quiet(
            torch.nn.utils.weight_norm, _quiet(torch.nn.utils.weight_norm, torch.nn.Linear(2, 2))
        )
    with pytest.raises(ValueError, match="weight_norm of 'bias' not found in Linear"):
        nn.utils.remove_weight_norm(m, "bias")
    with pytest.raises(ValueError, match="no parameter named 'w'"):
        _quiet(nn.utils.weight_norm, nn.Linear(2, 2), name="w")
    with pytest.raises(IndexError, match="dim 5 is out of range"):
        _quiet(nn.utils.weight_norm, nn.Linear(2, 2), dim=5)


# -- spectral_norm -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "kwargs"),
    [
        ("linear", {}),
        ("linear", {"n_power_iterations": 2, "dim": 1}),
        ("conv2d", {}),
        ("convT2d", {}),
    ],
)
def test_spectral_norm_matches_torch_in_training_and_eval(torch, rng, kind, kwargs):
    tm, m, in_shape = layer_pair(torch, kind)
    torch.nn.utils.spectral_norm(tm, **kwargs)
    orig = m.weight
    nn.utils.spectral_norm(m, **kwargs)
    assert m.weight_orig is orig
    assert list(m.state_dict()) == list(tm.state_dict())
    m.load_state_dict(state_arrays(tm.state_dict()))  # the same random u, v
    assert_close(m.weight, tm.weight)  # before any forward: the raw weight
    topt = torch.optim.SGD(tm.parameters(), lr=0.05)
    opt = optim.SGD(m.parameters(), lr=0.05)
    for _ in range(4):
        topt.zero_grad()
        opt.zero_grad()
        _step(torch, tm, m, rng.standard_normal(in_shape))
        _same_state(tm, m)
        topt.step()
        opt.step()
    tm.eval()
    m.eval()
    u = m.weight_u.detach().clone()
    _step(torch, tm, m, rng.standard_normal(in_shape))
    np.testing.assert_array_equal(m.weight_u.data, u.data)
    assert_close(m.weight, tm.weight)
    _same_state(tm, m)


def test_spectral_norm_converges_to_the_svd(rng):
    m = nn.utils.spectral_norm(nn.Linear(5, 4).double(), n_power_iterations=300)
    m(ac.tensor(rng.standard_normal((2, 5))))
    w = m.weight_orig.detach().numpy()
    sigma = np.linalg.svd(w, compute_uv=False)[0]
    np.testing.assert_allclose(m.weight.data, w / sigma, rtol=1e-10)
    np.testing.assert_allclose(m.weight_u.data @ w @ m.weight_v.data, sigma, rtol=1e-10)


def test_remove_spectral_norm_uses_the_stored_vectors(torch, rng):
    tm, m, in_shape = layer_pair(torch, "linear")
    torch.nn.utils.spectral_norm(tm)
    nn.utils.spectral_norm(m)
    m.load_state_dict(state_arrays(tm.state_dict()))
    _step(torch, tm, m, rng.standard_normal(in_shape), check_grads=False)
    torch.nn.utils.remove_spectral_norm(tm)
    nn.utils.remove_spectral_norm(m)
    assert isinstance(m.weight, nn.Parameter) and m._forward_pre_hooks == []
    assert list(m._buffers) == []
    _same_state(tm, m)


def test_spectral_norm_errors(torch):
    m = nn.utils.spectral_norm(nn.Linear(2, 2))
    with pytest.raises(RuntimeError, match="cannot register two spectral_norm hooks"):
        nn.utils.spectral_norm(m)
    with pytest.raises(RuntimeError):  # PyTorch refuses too
        torch.nn.utils.spectral_norm(torch.nn.utils.spectral_norm(torch.nn.Linear(2, 2)))
    with pytest.raises(ValueError, match="spectral_norm of 'bias' not found"):
        nn.utils.remove_spectral_norm(m, "bias")
    with pytest.raises(ValueError, match="no parameter named 'w'"):
        nn.utils.spectral_norm(nn.Linear(2, 2), name="w")
    with pytest.raises(ValueError, match="n_power_iterations must be positive, got 0"):
        nn.utils.spectral_norm(nn.Linear(2, 2), n_power_iterations=0)
    with pytest.raises(TypeError, match="n_power_iterations must be an int"):
        nn.utils.spectral_norm(nn.Linear(2, 2), n_power_iterations=None)
    fresh = nn.Linear(2, 2)
    with pytest.raises(IndexError, match="dim 2 is out of range"):
        nn.utils.spectral_norm(fresh, dim=2)
    assert "weight" in fresh._parameters and fresh._forward_pre_hooks == []
