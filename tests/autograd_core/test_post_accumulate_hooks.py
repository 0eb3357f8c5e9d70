"""Tensor.register_post_accumulate_grad_hook: a leaf's hook runs once per backward pass, as soon
as its gradient is complete and in ``.grad`` (the sweep counts its incoming edges first), which
is what data-parallel all-reduce and an optimizer fused into the backward pass rely on."""

from __future__ import annotations

import gc

import numpy as np
import pytest

import autograd_core as ac
import nn
import optim
from autograd_core.hooks import POST_ACCUMULATE


def _mlp() -> nn.Module:
    ac.manual_seed(0)
    return nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 4), nn.Tanh(), nn.Linear(4, 2))


def test_each_parameter_is_final_before_the_backward_pass_ends_last_layer_first():
    model = _mlp()
    params = dict(model.named_parameters())
    seen: list[tuple[str, list[str]]] = []
    for name, p in params.items():
        p.register_post_accumulate_grad_hook(
            lambda p, name=name: seen.append(
                (name, [n for n, q in params.items() if q.grad is None])
            )
        )
    x = ac.tensor(np.random.default_rng(0).standard_normal((5, 3)))
    first_hidden = model[0](x)  # its gradient is computed near the end of the backward pass
    first_hidden.register_hook(lambda g: seen.append(("first hidden", [])))
    out = first_hidden
    for layer in list(model)[1:]:
        out = layer(out)
    out.square().sum().backward()

    names = [name for name, _ in seen]
    assert sorted(names) == sorted([*params, "first hidden"])  # each once
    layers = [int(name.split(".")[0]) for name in names if name != "first hidden"]
    assert layers == sorted(layers, reverse=True)  # the last layer's parameters come first
    # the later layers' parameters were final before the sweep reached the first layer
    assert names.index("4.weight") < names.index("2.weight") < names.index("first hidden")
    assert names.index("first hidden") < names.index("0.weight")
    assert {"0.weight", "0.bias", "2.weight", "2.bias"} <= set(seen[0][1])
    assert seen[-1][1] == []  # by the last hook every gradient is in


def test_a_leaf_used_at_several_depths_gets_one_call_with_its_whole_gradient():
    a = np.array([0.5, -1.5, 2.0])
    x = ac.tensor(a, requires_grad=True)
    calls: list[np.ndarray] = []
    x.register_post_accumulate_grad_hook(lambda t: calls.append(t.grad.numpy().copy()))
    y = (x * x).exp() * x  # x * x sends x two gradients from one node
    ((y + x).sin().sum() + (x * 3.0).sum()).backward()

    ref = ac.tensor(a, requires_grad=True)
    y = (ref * ref).exp() * ref
    ((y + ref).sin().sum() + (ref * 3.0).sum()).backward()
    assert len(calls) == 1
    np.testing.assert_array_equal(calls[0], ref.grad.numpy())


def test_a_gradient_of_none_on_one_path_still_counts_as_arrived():
    class NoGrad(ac.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2.0

        @staticmethod
        def backward(ctx, gy):
            return None

    x = ac.tensor([1.0, 2.0], requires_grad=True)
    calls = []
    x.register_post_accumulate_grad_hook(lambda t: calls.append(t.grad.numpy().copy()))
    (NoGrad.apply(x).sum() + (x * 5.0).sum()).backward()
    assert len(calls) == 1
    np.testing.assert_array_equal(calls[0], [5.0, 5.0])


def test_the_hook_sees_grad_accumulated_over_passes_and_runs_on_every_pass():
    x = ac.tensor([1.0, 2.0], requires_grad=True)
    calls = []
    x.register_post_accumulate_grad_hook(lambda t: calls.append(t.grad.numpy().copy()))
    y = (x * 3.0).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_array_equal(np.array(calls), [[3.0, 3.0], [6.0, 6.0]])


def test_backward_on_the_leaf_itself_and_under_create_graph():
    x = ac.tensor([1.0, 2.0], requires_grad=True)
    calls = []
    x.register_post_accumulate_grad_hook(lambda t: calls.append(t.grad))
    x.backward(ac.tensor([1.0, 1.0]))
    assert len(calls) == 1
    x.grad = None
    (x**3).sum().backward(create_graph=True)
    assert calls[-1].requires_grad  # the recorded gradient, 3x², reaches the hook
    np.testing.assert_allclose(calls[-1].numpy(), [3.0, 12.0])


def test_grad_accumulates_nothing_and_calls_no_hook():
    x = ac.tensor([1.0, 2.0], requires_grad=True)
    calls = []
    x.register_post_accumulate_grad_hook(calls.append)
    (g,) = ac.grad((x * x).sum(), x)
    np.testing.assert_array_equal(g.numpy(), [2.0, 4.0])
    assert calls == [] and x.grad is None


def test_remove_and_death_leave_no_entry_behind():
    x = ac.tensor([1.0], requires_grad=True)
    calls = []
    first = x.register_post_accumulate_grad_hook(calls.append)
    second = x.register_post_accumulate_grad_hook(calls.append)
    first.remove()
    (x * 2.0).sum().backward()
    assert len(calls) == 1  # the second registration still runs
    second.remove()
    assert id(x) not in POST_ACCUMULATE
    (x * 2.0).sum().backward()
    assert len(calls) == 1

    y = ac.tensor([1.0], requires_grad=True)
    y.register_post_accumulate_grad_hook(calls.append)
    key = id(y)
    del y
    gc.collect()
    assert key not in POST_ACCUMULATE


def test_cleanup_does_not_read_module_globals_cleared_at_interpreter_exit(monkeypatch):
    # At exit CPython sets a module's globals to None before the last tensors die; the weakref
    # callback and remove() must reach the registry without looking the name up then.
    from autograd_core import hooks

    x = ac.tensor([1.0], requires_grad=True)
    handle = x.register_post_accumulate_grad_hook(lambda t: None)
    y = ac.tensor([1.0], requires_grad=True)
    y.register_post_accumulate_grad_hook(lambda t: None)
    key = id(y)
    monkeypatch.setattr(hooks, "POST_ACCUMULATE", None)
    handle.remove()
    del y
    gc.collect()
    assert id(x) not in POST_ACCUMULATE and key not in POST_ACCUMULATE


def test_an_sgd_step_fused_into_the_backward_pass_equals_the_usual_step():
    x = ac.tensor(np.random.default_rng(1).standard_normal((6, 3)))
    usual, fused = _mlp(), _mlp()
    opt = optim.SGD(usual.parameters(), lr=0.1)

    def step_now(p):
        with ac.no_grad():
            p -= 0.1 * p.grad
        p.grad = None

    for p in fused.parameters():
        p.register_post_accumulate_grad_hook(step_now)
    for _ in range(3):
        opt.zero_grad()
        usual(x).square().mean().backward()
        opt.step()
        fused(x).square().mean().backward()  # the parameters change during this call
    for p, q in zip(usual.parameters(), fused.parameters()):
        np.testing.assert_allclose(q.numpy(), p.numpy(), rtol=1e-6, atol=1e-7)
        assert q.grad is None


def test_registration_errors_name_the_fix():
    with pytest.raises(ac.GraphError, match="not a leaf.*register_hook"):
        (ac.tensor([1.0], requires_grad=True) * 2).register_post_accumulate_grad_hook(print)
    with pytest.raises(ac.GraphError, match="does not require grad.*requires_grad_"):
        ac.tensor([1.0]).register_post_accumulate_grad_hook(print)


def test_matches_torch_on_when_each_gradient_is_final(torch):
    """PyTorch's hooks, on the same two-parameter chain: the same order, the same gradients."""
    a, b = np.array([0.3, -0.7]), np.array([1.1, 0.4])
    order, t_order = [], []
    w1, w2 = ac.tensor(a, requires_grad=True), ac.tensor(b, requires_grad=True)
    t1, t2 = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    for name, p, q in (("w1", w1, t1), ("w2", w2, t2)):
        p.register_post_accumulate_grad_hook(
            lambda p, name=name: order.append((name, p.grad.numpy().copy()))
        )
        q.register_post_accumulate_grad_hook(
            lambda q, name=name: t_order.append((name, q.grad.detach().numpy().copy()))
        )
    ((w1.tanh() * 2.0 + 1.0).exp() * w2).sum().backward()
    ((t1.tanh() * 2.0 + 1.0).exp() * t2).sum().backward()
    assert [n for n, _ in order] == [n for n, _ in t_order] == ["w2", "w1"]
    for (_, g), (_, tg) in zip(order, t_order):
        np.testing.assert_allclose(g, tg, rtol=1e-14)
