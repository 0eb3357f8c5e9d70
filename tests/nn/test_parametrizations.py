"""nn.utils.parametrizations.weight_norm and spectral_norm: against torch in float64 with copied
weights (and copied u, v buffers), against NumPy (‖W‖ per dim, σ_max by SVD), gradchecks of
order 1 and 2, state_dict keys and round trips, removal, optimizer steps and errors."""

from __future__ import annotations

import numpy as np
import pytest
from norm_layer_pairs import assert_close, layer_pair, state_arrays  # tests/nn/

import autograd_core as ac
import nn
import optim
from nn.utils import parametrizations as PS
from nn.utils import parametrize as P
from nn.utils.norm_helpers import weight_norm_weight


def _forward_backward(torch, tm, m, x):
    out_t = (tm(torch.tensor(x)) ** 2).sum()
    out = (m(ac.tensor(x)) ** 2).sum()
    np.testing.assert_allclose(float(out), out_t.item(), rtol=1e-10)
    out_t.backward()
    out.backward()


def _check_grads(tm, m):
    theirs = dict(tm.named_parameters())
    for name, p in m.named_parameters():
        assert_close(p.grad, theirs[name].grad)


# -- weight_norm -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["linear", "conv2d"])
@pytest.mark.parametrize("dim", [0, 1, None, -1, -2])
def test_weight_norm_matches_torch(torch, rng, kind, dim):
    tm, m, in_shape = layer_pair(torch, kind)
    torch.nn.utils.parametrizations.weight_norm(tm, dim=dim)
    PS.weight_norm(m, dim=dim)
    assert list(m.state_dict()) == list(tm.state_dict())
    for k, v in tm.state_dict().items():
        assert_close(m.state_dict()[k], v)
    assert_close(m.weight, tm.weight)
    _forward_backward(torch, tm, m, rng.standard_normal(in_shape))
    _check_grads(tm, m)


def test_weight_norm_numpy_reference(rng):
    """g = ‖W‖ over the other axes at registration, W unchanged; then w = g·v/‖v‖."""
    m = nn.Conv2d(2, 3, 3).double()
    w = m.weight.detach().numpy().copy()
    PS.weight_norm(m, dim=1)
    g = m.parametrizations.weight.original0
    np.testing.assert_allclose(g.data, np.sqrt((w**2).sum(axis=(0, 2, 3), keepdims=True)))
    np.testing.assert_allclose(m.weight.data, w, rtol=1e-13)
    v = rng.standard_normal(w.shape)
    gv = rng.standard_normal((1, 2, 1, 1))
    m.parametrizations.weight.original1.data[...] = v
    g.data[...] = gv
    expected = gv * v / np.sqrt((v**2).sum(axis=(0, 2, 3), keepdims=True))
    np.testing.assert_allclose(m.weight.data, expected, rtol=1e-13)
    linear = nn.Linear(3, 4).double()
    w = linear.weight.detach().numpy().copy()
    PS.weight_norm(linear, dim=None)
    whole = linear.parametrizations.weight.original0
    assert whole.shape == ()
    np.testing.assert_allclose(float(whole), np.linalg.norm(w), rtol=1e-13)


@pytest.mark.parametrize(
    ("v_shape", "g_shape", "dim"),
    [
        ((4, 3), (4, 1), 0),
        ((4, 3), (1, 3), 1),
        ((4, 3), (), -1),
        ((3, 2, 2, 2), (1, 1, 2, 1), 2),
        ((5,), (5,), 0),
        ((1, 3), (1, 1), 0),
    ],
)
def test_weight_norm_composite_gradcheck(rng, v_shape, g_shape, dim):
    v = ac.tensor(rng.standard_normal(v_shape), requires_grad=True)
    g = ac.tensor(rng.standard_normal(g_shape), requires_grad=True)
    fn = lambda g_, v_: weight_norm_weight(v_, g_, dim)
    assert ac.gradcheck(fn, (g, v))
    assert ac.gradgradcheck(fn, (g, v))


def test_weight_norm_remove_leaves_a_plain_parameter(torch):
    tm, m, _ = layer_pair(torch, "linear")
    torch.nn.utils.parametrizations.weight_norm(tm)
    PS.weight_norm(m)
    with torch.no_grad():  # move g away from ‖v‖, so that the value left is not the old weight
        tm.parametrizations.weight.original0.mul_(2)
    m.parametrizations.weight.original0.data[...] *= 2
    torch.nn.utils.parametrize.remove_parametrizations(tm, "weight")
    P.remove_parametrizations(m, "weight")
    assert type(m) is nn.Linear and isinstance(m.weight, nn.Parameter)
    assert list(m.state_dict()) == list(tm.state_dict()) == ["bias", "weight"]
    assert_close(m.weight, tm.weight)


def test_weight_norm_state_dict_round_trip_from_torch(torch, rng):
    tm, m, in_shape = layer_pair(torch, "conv2d")
    torch.nn.utils.parametrizations.weight_norm(tm, dim=1)
    PS.weight_norm(m, dim=1)
    with torch.no_grad():  # values unlike the ones ours computed at registration
        tm.parametrizations.weight.original0.mul_(3.0)
        tm.parametrizations.weight.original1.add_(0.5)
    m.load_state_dict(state_arrays(tm.state_dict()))
    assert_close(m.weight, tm.weight)
    x = rng.standard_normal(in_shape)
    assert_close(m(ac.tensor(x)), tm(torch.tensor(x)))
    fresh = PS.weight_norm(nn.Conv2d(2, 3, 3).double(), dim=1)
    fresh.load_state_dict(m.state_dict())
    np.testing.assert_array_equal(fresh.weight.data, m.weight.data)


def test_weight_norm_optimizer_steps_match_torch(torch, rng):
    tm, m, in_shape = layer_pair(torch, "linear")
    torch.nn.utils.parametrizations.weight_norm(tm)
    PS.weight_norm(m)
    topt = torch.optim.SGD(tm.parameters(), lr=0.1, momentum=0.9)
    opt = optim.SGD(m.parameters(), lr=0.1, momentum=0.9)
    g_before = m.parametrizations.weight.original0.detach().clone()
    for _ in range(3):
        topt.zero_grad()
        opt.zero_grad()
        _forward_backward(torch, tm, m, rng.standard_normal(in_shape))
        topt.step()
        opt.step()
    assert not np.allclose(m.parametrizations.weight.original0.data, g_before.data)
    for k, v in tm.state_dict().items():
        assert_close(m.state_dict()[k], v)


def test_weight_norm_errors():
    with pytest.raises(ValueError, match="no parameter or buffer named 'w'"):
        PS.weight_norm(nn.Linear(2, 2), name="w")
    with pytest.raises(IndexError, match=r"dim 2 is out of range.*\(2, 2\)"):
        PS.weight_norm(nn.Linear(2, 2), dim=2)
    with pytest.raises(IndexError, match="dim -3 is out of range"):
        PS.weight_norm(nn.Linear(2, 2), dim=-3)
    with pytest.raises(TypeError, match="dim must be an int or None, got float"):
        PS.weight_norm(nn.Linear(2, 2), dim=0.5)


# -- spectral_norm -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "kwargs"),
    [
        ("linear", {}),
        ("linear", {"n_power_iterations": 3, "dim": 1}),
        ("conv2d", {}),
        ("conv2d", {"dim": -1}),
        ("convT2d", {}),
    ],
)
def test_spectral_norm_training_steps_and_eval_match_torch(torch, rng, kind, kwargs):
    tm, m, in_shape = layer_pair(torch, kind)
    torch.nn.utils.parametrizations.spectral_norm(tm, **kwargs)
    PS.spectral_norm(m, **kwargs)
    assert list(m.state_dict()) == list(tm.state_dict())
    m.load_state_dict(state_arrays(tm.state_dict()))  # the same u, v (random in each library)
    topt = torch.optim.SGD(tm.parameters(), lr=0.05)
    opt = optim.SGD(m.parameters(), lr=0.05)
    for _ in range(4):
        topt.zero_grad()
        opt.zero_grad()
        _forward_backward(torch, tm, m, rng.standard_normal(in_shape))
        _check_grads(tm, m)
        for k, v in tm.state_dict().items():  # the power iteration moved u, v alike
            assert_close(m.state_dict()[k], v)
        topt.step()
        opt.step()
    tm.eval()
    m.eval()
    u_before = m.parametrizations.weight[0]._u.detach().clone()
    assert_close(m.weight, tm.weight)
    _forward_backward(torch, tm, m, rng.standard_normal(in_shape))
    np.testing.assert_array_equal(m.parametrizations.weight[0]._u.data, u_before.data)
    for k, v in tm.state_dict().items():
        assert_close(m.state_dict()[k], v)


def test_spectral_norm_of_a_vector_is_exact(torch):
    tm, m, _ = layer_pair(torch, "linear")
    torch.nn.utils.parametrizations.spectral_norm(tm, name="bias")
    PS.spectral_norm(m, name="bias")
    assert list(m.state_dict()) == list(tm.state_dict())
    assert_close(m.bias, tm.bias)
    b = m.parametrizations.bias.original.data
    np.testing.assert_allclose(m.bias.data, b / np.linalg.norm(b), rtol=1e-13)


def test_spectral_norm_converges_to_the_svd(rng):
    """NumPy reference: after enough power iterations σ = uᵀWv is the largest singular value
    and the normalised weight has spectral norm 1."""
    m = nn.Conv2d(3, 4, 2).double()
    PS.spectral_norm(m, n_power_iterations=200)
    w = m.parametrizations.weight.original.detach().numpy().reshape(4, -1)
    sigma = np.linalg.svd(w, compute_uv=False)[0]
    normalised = m.weight.detach().numpy().reshape(4, -1)
    np.testing.assert_allclose(np.linalg.svd(normalised, compute_uv=False)[0], 1.0, rtol=1e-10)
    np.testing.assert_allclose(normalised, w / sigma, rtol=1e-10)
    sn = m.parametrizations.weight[0]
    np.testing.assert_allclose(sn._u.data @ w @ sn._v.data, sigma, rtol=1e-10)


def test_spectral_norm_eval_uses_the_stored_vectors(rng):
    m = PS.spectral_norm(nn.Linear(4, 3).double()).eval()
    sn = m.parametrizations.weight[0]
    u, v = sn._u.detach().clone(), sn._v.detach().clone()
    w = m.parametrizations.weight.original.detach().numpy()
    np.testing.assert_allclose(m.weight.data, w / (u.data @ w @ v.data), rtol=1e-13)
    np.testing.assert_array_equal(sn._u.data, u.data)
    m.train()
    m.weight  # noqa: B018  (a training-mode access runs one power step)
    assert not np.array_equal(sn._u.data, u.data)


def test_spectral_norm_eval_gradcheck(rng):
    """In eval mode u, v are constants: W ↦ W / (uᵀWv), orders 1 and 2."""
    m = PS.spectral_norm(nn.Linear(3, 4).double()).eval()
    sn = m.parametrizations.weight[0]
    w = ac.tensor(rng.standard_normal((4, 3)), requires_grad=True)
    assert ac.gradcheck(sn, (w,))
    assert ac.gradgradcheck(sn, (w,))


def test_spectral_norm_remove_keeps_the_original_parameter():
    m = PS.spectral_norm(nn.Linear(4, 3).double()).eval()
    original = m.parametrizations.weight.original
    value = m.weight.detach().clone()
    P.remove_parametrizations(m, "weight")
    assert m.weight is original
    np.testing.assert_array_equal(m.weight.data, value.data)
    assert list(m.state_dict()) == ["bias", "weight"]


def test_spectral_norm_errors():
    with pytest.raises(ValueError, match="no parameter or buffer named 'w'"):
        PS.spectral_norm(nn.Linear(2, 2), name="w")
    with pytest.raises(ValueError, match="n_power_iterations must be positive, got 0"):
        PS.spectral_norm(nn.Linear(2, 2), n_power_iterations=0)
    with pytest.raises(TypeError, match="n_power_iterations must be an int"):
        PS.spectral_norm(nn.Linear(2, 2), n_power_iterations=1.5)
    with pytest.raises(IndexError, match=r"dim 2 is out of range.*\(2, 2\)"):
        PS.spectral_norm(nn.Linear(2, 2), dim=2)
    m = nn.Linear(2, 2)
    with pytest.raises(IndexError):
        PS.spectral_norm(m, dim=-3)
    assert type(m) is nn.Linear


def test_runs_on_the_cuda_stand_in(fake_cuda, rng):
    """Registration, training-mode power steps, assignment and removal on "cuda" (the strict
    CuPy stand-in) give the CPU's numbers, legacy hooks included."""
    x = rng.standard_normal((2, 2, 5, 5))
    for register in (
        lambda m: PS.spectral_norm(m),
        lambda m: PS.weight_norm(m, dim=1),
        lambda m: nn.utils.spectral_norm(m),
    ):
        cpu = register(nn.Conv2d(2, 3, 3).double())
        gpu = register(nn.Conv2d(2, 3, 3).double().to("cuda"))
        gpu.load_state_dict(cpu.state_dict())
        a = cpu(ac.tensor(x))
        b = gpu(ac.tensor(x, device="cuda"))
        assert b.device.type == "cuda"
        np.testing.assert_allclose(b.cpu().numpy(), a.numpy(), rtol=1e-12, atol=1e-14)
        (b**2).sum().backward()
        assert all(p.grad.device.type == "cuda" for p in gpu.parameters())
        if P.is_parametrized(gpu):
            gpu.weight = ac.ones(3, 2, 3, 3, dtype=ac.float64, device="cuda")
            P.remove_parametrizations(gpu, "weight")
            assert gpu.weight.device.type == "cuda"
