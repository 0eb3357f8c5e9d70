"""Module.register_full_backward_hook / register_full_backward_pre_hook against PyTorch."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import autograd_core as ac
import nn

torch = pytest.importorskip("torch")


def _np(g):
    """A gradient as a NumPy array (None stays None), ours or torch's."""
    if g is None:
        return None
    return g.detach().numpy() if isinstance(g, torch.Tensor) else np.asarray(g.data)


def _assert_same(ours, theirs):
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        assert (a is None) == (b is None), (ours, theirs)
        if a is not None:
            np.testing.assert_allclose(_np(a), _np(b), rtol=1e-12, atol=1e-12)


def _linear_pair(seed=0):
    rng = np.random.default_rng(seed)
    w, b = rng.standard_normal((2, 3)), rng.standard_normal(2)
    ours = nn.Linear(3, 2).double()
    ours.weight.data[...] = w
    ours.bias.data[...] = b
    theirs = torch.nn.Linear(3, 2).double()
    with torch.no_grad():
        theirs.weight.copy_(torch.from_numpy(w))
        theirs.bias.copy_(torch.from_numpy(b))
    return ours, theirs, rng.standard_normal((4, 3))


def _recorder(log, scale=None):
    def hook(module, grad_input, grad_output):
        log.append((grad_input, grad_output))
        if scale is not None:
            return tuple(None if g is None else g * scale for g in grad_input)
        return None

    return hook


@pytest.mark.parametrize("scale", [None, 3.0])
def test_linear_hook_sees_and_scales_gradients_as_torch(scale):
    ours, theirs, x = _linear_pair()
    logs = ([], [])
    ours.register_full_backward_hook(_recorder(logs[0], scale))
    theirs.register_full_backward_hook(_recorder(logs[1], scale))
    xa = ac.tensor(x, requires_grad=True)
    xt = torch.tensor(x, requires_grad=True)
    (ours(xa) ** 2).sum().backward()
    (theirs(xt) ** 2).sum().backward()
    assert len(logs[0]) == len(logs[1]) == 1
    _assert_same(logs[0][0][0], logs[1][0][0])
    _assert_same(logs[0][0][1], logs[1][0][1])
    np.testing.assert_allclose(xa.grad.data, xt.grad.numpy(), rtol=1e-12)
    # the parameters' gradients are not grad_input: the hook does not change them
    np.testing.assert_allclose(ours.weight.grad.data, theirs.weight.grad.numpy(), rtol=1e-12)


class _TwoInputs:
    @staticmethod
    def forward(x, k, y):
        return (x * y).sin() * k + y


class OursTwoIn(nn.Module):
    def forward(self, x, k, y):
        return _TwoInputs.forward(x, k, y)


class TorchTwoIn(torch.nn.Module):
    def forward(self, x, k, y):
        return _TwoInputs.forward(x, k, y)


@pytest.mark.parametrize("y_requires_grad", [False, True])
def test_two_inputs_one_without_grad_and_a_non_tensor_argument(y_requires_grad):
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal(5), rng.standard_normal(5)
    logs = ([], [])
    ours, theirs = OursTwoIn(), TorchTwoIn()
    ours.register_full_backward_hook(_recorder(logs[0], scale=0.5))
    theirs.register_full_backward_hook(_recorder(logs[1], scale=0.5))
    xa, ya = ac.tensor(x, requires_grad=True), ac.tensor(y, requires_grad=y_requires_grad)
    xt, yt = torch.tensor(x, requires_grad=True), torch.tensor(y, requires_grad=y_requires_grad)
    ours(xa, 2.0, ya).sum().backward()
    theirs(xt, 2.0, yt).sum().backward()
    (gi_a, go_a), (gi_t, go_t) = logs[0][0], logs[1][0]
    _assert_same(gi_a, gi_t)  # (dx, None, zeros or dy): torch gives zeros for y without grad
    _assert_same(go_a, go_t)
    np.testing.assert_allclose(xa.grad.data, xt.grad.numpy(), rtol=1e-12)
    if y_requires_grad:
        np.testing.assert_allclose(ya.grad.data, yt.grad.numpy(), rtol=1e-12)


class OursTwoOut(nn.Module):
    def forward(self, x):
        return x.exp(), x * x


class TorchTwoOut(torch.nn.Module):
    def forward(self, x):
        return x.exp(), x * x


@pytest.mark.parametrize("use_second", [True, False])
def test_two_outputs_fire_once_with_both_grad_outputs(use_second):
    x = np.array([0.5, -1.0, 2.0])
    logs, pre_logs = ([], []), ([], [])
    results = []
    for mod, lib, log, pre_log in (
        (OursTwoOut(), ac, logs[0], pre_logs[0]),
        (TorchTwoOut(), torch, logs[1], pre_logs[1]),
    ):
        mod.register_full_backward_hook(_recorder(log, scale=2.0))
        mod.register_full_backward_pre_hook(lambda m, go, pl=pre_log: pl.append(go))
        xx = lib.tensor(x, requires_grad=True)
        a, b = mod(xx)
        loss = (a * 3).sum() + ((b * b).sum() if use_second else 0)
        loss.backward()
        results.append(xx.grad)
    assert len(logs[0]) == len(logs[1]) == 1
    assert len(pre_logs[0]) == len(pre_logs[1]) == 1
    _assert_same(pre_logs[0][0], pre_logs[1][0])  # (3s, 2b or None)
    _assert_same(logs[0][0][0], logs[1][0][0])
    _assert_same(logs[0][0][1], logs[1][0][1])
    np.testing.assert_allclose(_np(results[0]), _np(results[1]), rtol=1e-12)


def test_pre_hook_replaces_grad_output_for_the_module_and_the_hook():
    ours, theirs, x = _linear_pair(2)
    logs = ([], [])
    for mod, log in ((ours, logs[0]), (theirs, logs[1])):
        mod.register_full_backward_pre_hook(lambda m, go: (go[0] * -2,))
        mod.register_full_backward_hook(_recorder(log))
    xa, xt = ac.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ours(xa).sum().backward()
    theirs(xt).sum().backward()
    _assert_same(logs[0][0][1], logs[1][0][1])
    np.testing.assert_allclose(xa.grad.data, xt.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(ours.bias.grad.data, theirs.bias.grad.numpy(), rtol=1e-12)


def test_create_graph_differentiates_through_the_hook():
    grads = []
    for lib, mod in ((ac, OursTwoIn()), (torch, TorchTwoIn())):
        mod.register_full_backward_hook(lambda m, gi, go: (gi[0] * gi[0], None, None))
        x = lib.tensor([0.3, -0.7], dtype=lib.float64, requires_grad=True)
        y = lib.tensor([1.1, 0.4], dtype=lib.float64)
        (g,) = (ac if lib is ac else torch).autograd.grad(
            mod(x, 1.5, y).sum(), x, create_graph=True
        )
        g.sum().backward()
        grads.append((g, x.grad))
    np.testing.assert_allclose(_np(grads[0][0]), _np(grads[1][0]), rtol=1e-12)
    np.testing.assert_allclose(_np(grads[0][1]), _np(grads[1][1]), rtol=1e-12)


def test_no_input_requiring_grad_fires_at_the_outputs_with_a_warning():
    ours, theirs, x = _linear_pair(3)
    logs = ([], [])
    ours.register_full_backward_hook(_recorder(logs[0]))
    theirs.register_full_backward_hook(_recorder(logs[1]))
    with pytest.warns(UserWarning, match="no inputs require gradients"):
        ours(ac.tensor(x)).sum().backward()
    with pytest.warns(UserWarning, match="no inputs require gradients"):
        theirs(torch.tensor(x)).sum().backward()
    _assert_same(logs[0][0][0], logs[1][0][0])  # (None,)
    _assert_same(logs[0][0][1], logs[1][0][1])
    np.testing.assert_allclose(ours.weight.grad.data, theirs.weight.grad.numpy(), rtol=1e-12)
    ours.register_full_backward_hook(lambda m, gi, go: (ac.ones(4, 3),))
    with pytest.raises(RuntimeError, match="no input requires gradient"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours(ac.tensor(x)).sum().backward()


def test_remove_prepend_and_every_call_fires_its_own_hook():
    order = []
    lin = nn.Linear(3, 2)
    h1 = lin.register_full_backward_hook(lambda m, gi, go: order.append("first"))
    lin.register_full_backward_hook(lambda m, gi, go: order.append("prepended"), prepend=True)
    x = ac.ones(1, 3, requires_grad=True)
    (lin(x).sum() + lin(x * 2).sum()).backward()
    assert order == ["prepended", "first"] * 2
    h1.remove()
    order.clear()
    lin(x).sum().backward()
    assert order == ["prepended"]


def test_bad_hook_results_are_refused():
    lin = nn.Linear(3, 2)
    x = ac.ones(1, 3, requires_grad=True)
    h = lin.register_full_backward_hook(lambda m, gi, go: (gi[0], gi[0]))
    with pytest.raises(RuntimeError, match="invalid number of grad_input, got 2, but expected 1"):
        lin(x).sum().backward()
    h.remove()
    h = lin.register_full_backward_pre_hook(lambda m, go: ())
    with pytest.raises(RuntimeError, match="invalid number of grad_output, got 0, but expected 1"):
        lin(x).sum().backward()
    h.remove()
    lin.register_full_backward_hook(lambda m, gi, go: (ac.ones(3),))
    with pytest.raises(RuntimeError, match=r"Linear: .*shape \(3,\) for a gradient of shape"):
        lin(x).sum().backward()
    with pytest.raises(TypeError, match="expected a callable"):
        lin.register_full_backward_pre_hook(3)


def test_no_grad_calls_and_non_tensor_outputs():
    lin = nn.Linear(3, 2)
    lin.register_full_backward_hook(lambda m, gi, go: None)
    with ac.no_grad():
        assert lin(ac.ones(1, 3, requires_grad=True)).node is None

    class DictOut(nn.Module):
        def forward(self, x):
            return {"y": x * 2}

    d = DictOut()
    d.register_full_backward_hook(lambda m, gi, go: None)
    with pytest.warns(UserWarning, match="module output should be a Tensor or a tuple"):
        d(ac.ones(2, requires_grad=True))
