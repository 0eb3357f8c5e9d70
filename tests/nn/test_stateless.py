"""functional_call (nn.utils.stateless, ac.func) and per-sample gradients through
vmap(grad(...)) against torch.func with the same weights."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
import nn
from autograd_core.func import functional_call, grad, vmap
from nn.utils import parametrize


def _mlp_pair(torch, rng):
    ours = nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 2)).to(ac.float64)
    theirs = torch.nn.Sequential(
        torch.nn.Linear(3, 5), torch.nn.Tanh(), torch.nn.Linear(5, 2)
    ).double()
    for (name, p), (tname, tp) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert name == tname
        value = rng.standard_normal(tuple(p.shape))
        p.data[...] = value
        with torch.no_grad():
            tp.copy_(torch.tensor(value))
    return ours, theirs


def test_per_sample_gradients_match_torch_func(torch, rng):
    model, tmodel = _mlp_pair(torch, rng)
    x0, y0 = rng.standard_normal((6, 3)), rng.standard_normal((6, 2))

    def loss(params, x, y):
        out = functional_call(model, params, (x[None],))
        return ((out - y[None]) ** 2).mean()

    def tloss(params, x, y):
        out = torch.func.functional_call(tmodel, params, (x[None],))
        return ((out - y[None]) ** 2).mean()

    params = {k: v.detach() for k, v in model.named_parameters()}
    tparams = {k: v.detach() for k, v in tmodel.named_parameters()}
    got = vmap(grad(loss), in_dims=(None, 0, 0))(params, ac.tensor(x0), ac.tensor(y0))
    want = torch.func.vmap(torch.func.grad(tloss), in_dims=(None, 0, 0))(
        tparams, torch.tensor(x0), torch.tensor(y0)
    )
    assert list(got) == list(want)
    for k in got:
        assert got[k].shape == (6, *params[k].shape)
        np.testing.assert_allclose(got[k].numpy(), want[k].numpy(), rtol=1e-10, atol=1e-12)
        assert not got[k].requires_grad
    # an independent oracle: one ordinary backward per sample
    for i in range(6):
        model.zero_grad()
        F_loss = ((model(ac.tensor(x0[i : i + 1])) - ac.tensor(y0[i : i + 1])) ** 2).mean()
        F_loss.backward()
        for k, p in model.named_parameters():
            np.testing.assert_allclose(got[k].numpy()[i], p.grad.numpy(), rtol=1e-10)


def test_functional_call_restores_the_module_and_leaves_its_parameters_alone(torch, rng):
    model, _ = _mlp_pair(torch, rng)
    before = {k: (v, v.numpy().copy()) for k, v in model.named_parameters()}
    zeros = {k: ac.zeros_like(v) for k, v in model.named_parameters()}
    out = functional_call(model, zeros, ac.ones(2, 3, dtype=ac.float64))
    assert not out.numpy().any()
    with pytest.raises(ac.ShapeError):
        functional_call(model, zeros, ac.ones(2, 4, dtype=ac.float64))
    for k, v in model.named_parameters():
        assert v is before[k][0] and v.grad is None
        np.testing.assert_array_equal(v.numpy(), before[k][1])
    assert model(ac.ones(1, 3, dtype=ac.float64)).numpy().any()


def test_functional_call_is_differentiable_in_the_given_tensors(rng):
    layer = nn.Linear(3, 2).to(ac.float64)
    w = ac.tensor(rng.standard_normal((2, 3)), requires_grad=True)
    b = ac.tensor(rng.standard_normal(2), requires_grad=True)
    x = ac.tensor(rng.standard_normal((4, 3)))

    def f(w, b):
        return functional_call(layer, {"weight": w, "bias": b}, (x,)).tanh()

    assert ac.gradcheck(f, (w, b))
    assert ac.gradgradcheck(f, (w, b))
    assert layer.weight.grad is None


class Tied(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(2, 2, bias=False)
        self.b = nn.Linear(2, 2, bias=False)
        self.b.weight = self.a.weight

    def forward(self, x):
        return self.b(self.a(x))


def test_tie_weights_matches_torch(torch):
    class TorchTied(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.a = torch.nn.Linear(2, 2, bias=False)
            self.b = torch.nn.Linear(2, 2, bias=False)
            self.b.weight = self.a.weight

        def forward(self, x):
            return self.b(self.a(x))

    ours, tours = Tied(), TorchTied()
    with torch.no_grad():
        tours.a.weight.copy_(torch.tensor(ours.a.weight.numpy()))
    two = {"a.weight": ac.eye(2) * 2}
    ttwo = {"a.weight": torch.eye(2) * 2}
    x, tx = ac.ones(1, 2), torch.ones(1, 2)
    assert functional_call(ours, two, (x,)).tolist() == [[4.0, 4.0]]
    assert torch.func.functional_call(tours, ttwo, (tx,)).tolist() == [[4.0, 4.0]]
    untied = functional_call(ours, two, (x,), tie_weights=False)
    tuntied = torch.func.functional_call(tours, ttwo, (tx,), tie_weights=False)
    np.testing.assert_allclose(untied.numpy(), tuntied.detach().numpy(), rtol=1e-6)
    with pytest.raises(ValueError, match=r"different values for \['a.weight', 'b.weight'\]"):
        functional_call(ours, {"a.weight": ac.eye(2), "b.weight": ac.eye(2)}, (x,))
    same = ac.eye(2)
    assert functional_call(ours, {"a.weight": same, "b.weight": same}, (x,)).tolist() == [
        [1.0, 1.0]
    ]


def test_dict_sequences_strict_and_unknown_names():
    model = Tied()
    x = ac.ones(1, 2)
    out = functional_call(model, ({"a.weight": ac.eye(2)}, {}), x)
    assert out.tolist() == [[1.0, 1.0]]
    with pytest.raises(ValueError, match=r"\['a.weight'\] appear in more than one dict"):
        functional_call(model, ({"a.weight": ac.eye(2)}, {"a.weight": ac.eye(2)}), x)
    with pytest.raises(TypeError, match="must be a dict or a list/tuple of dicts, got int"):
        functional_call(model, 3, x)
    with pytest.raises(TypeError, match="every element .* must be a dict, got a list"):
        functional_call(model, [{}, []], x)
    with pytest.raises(RuntimeError, match=r"strict=True: unexpected key\(s\): 'zz'"):
        functional_call(model, {"a.weight": ac.eye(2), "zz": ac.eye(2)}, x, strict=True)
    with pytest.raises(RuntimeError, match=r"missing key\(s\): 'a.weight', 'b.weight'"):
        functional_call(model, {}, x, strict=True, tie_weights=False)
    functional_call(model, {"zz": ac.eye(2)}, x)  # an unknown name: an attribute for the call
    assert not hasattr(model, "zz")
    with pytest.raises(AttributeError, match="has no submodule 'c'"):
        functional_call(model, {"c.weight": ac.eye(2)}, x)


def test_buffers_are_replaced_and_updated_like_torch(torch, rng):
    bn, tbn = nn.BatchNorm1d(2).to(ac.float64), torch.nn.BatchNorm1d(2).double()
    x0 = rng.standard_normal((5, 2))
    mean, tmean = ac.zeros(2, dtype=ac.float64), torch.zeros(2, dtype=torch.float64)
    given, tgiven = {"running_mean": mean}, {"running_mean": tmean}
    out = functional_call(bn, given, ac.tensor(x0))
    tout = torch.func.functional_call(tbn, tgiven, torch.tensor(x0))
    np.testing.assert_allclose(out.numpy(), tout.detach().numpy(), rtol=1e-10)
    np.testing.assert_allclose(given["running_mean"].numpy(), tgiven["running_mean"].numpy())
    assert given["running_mean"].numpy().any() and not bn.running_mean.numpy().any()


class Double(nn.Module):
    def forward(self, w):
        return 2 * w


def test_parametrized_tensors_go_through_their_original():
    layer = nn.Linear(2, 2, bias=False)
    parametrize.register_parametrization(layer, "weight", Double())
    out = functional_call(layer, {"parametrizations.weight.original": ac.eye(2)}, ac.ones(1, 2))
    assert out.tolist() == [[2.0, 2.0]]
    with pytest.raises(ValueError, match="'parametrizations.weight.original', instead"):
        functional_call(layer, {"weight": ac.eye(2)}, ac.ones(1, 2))
