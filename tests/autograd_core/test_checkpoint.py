"""autograd_core.utils.checkpoint: gradients identical to the plain run (backward and ac.grad,
first and second order, an MLP, LSTM/GRU over a sequence, an empty batch), dropout replayed,
the function run once forward and once in backward, nesting, gradcheck and gradgradcheck,
retain_graph. What passes through and the errors: test_checkpoint_arguments.py;
checkpoint_sequential, PyTorch and memory: test_checkpoint_sequential.py."""

from __future__ import annotations

import numpy as np
import pytest
from checkpoint_models import assert_all_equal, grads_by_backward, input_x, mlp, mlp_loss, weights

import autograd_core as ac
import nn
from autograd_core.utils.checkpoint import checkpoint

pytestmark = pytest.mark.usefixtures("float64_default")


# -- gradients identical to the plain run ------------------------------------------------------


@pytest.mark.parametrize("x_requires_grad", [True, False])
def test_mlp_grads_equal_plain_by_backward(x_requires_grad):
    model, x = mlp(), input_x(requires_grad=x_requires_grad)
    plain = grads_by_backward(model, x, lambda m, x: mlp_loss(m, x, False))
    ckpt = grads_by_backward(model, x, lambda m, x: mlp_loss(m, x, True))
    assert_all_equal(ckpt, plain)


@pytest.mark.parametrize("x_requires_grad", [True, False])
def test_mlp_grads_equal_plain_by_ac_grad(x_requires_grad):
    model, x = mlp(), input_x(requires_grad=x_requires_grad)
    wrt = list(model.parameters()) + ([x] if x_requires_grad else [])
    plain = ac.grad(mlp_loss(model, x, False), wrt)
    ckpt = ac.grad(mlp_loss(model, x, True), wrt)
    assert_all_equal([g.numpy() for g in ckpt], [g.numpy() for g in plain])
    assert all(p.grad is None for p in model.parameters())  # grad() leaves .grad alone


def test_empty_batch():
    model, x = mlp(), input_x((0, 4))
    y = checkpoint(model, x)
    assert y.shape == (0, 3)
    y.sum().backward()
    assert x.grad.shape == (0, 4)
    assert all(np.all(p.grad.numpy() == 0) for p in model.parameters())


@pytest.mark.parametrize("cls", ["LSTM", "GRU"])
def test_recurrent_over_a_sequence_grads_equal_plain(cls):
    ac.manual_seed(3)
    rnn = getattr(nn, cls)(3, 6, num_layers=2, batch_first=True)
    x = input_x((2, 7, 3))
    wy, wh = weights((2, 7, 6)), weights((2, 2, 6), seed=4)

    def loss(model, x, ckpt):
        y, states = checkpoint(model, x) if ckpt else model(x)  # (y, h_n) or (y, (h_n, c_n))
        h = states[0] if cls == "LSTM" else states
        return (y * wy).sum() + (h * wh).sum()

    plain = grads_by_backward(rnn, x, lambda m, x: loss(m, x, False))
    ckpt = grads_by_backward(rnn, x, lambda m, x: loss(m, x, True))
    assert_all_equal(ckpt, plain)
    params = list(rnn.parameters())
    by_grad = ac.grad(loss(rnn, x, True), [*params, x])
    assert_all_equal([g.numpy() for g in by_grad], plain)


def _dropout_model():
    ac.manual_seed(5)
    return nn.Sequential(nn.Linear(4, 32), nn.ReLU(), nn.Dropout(0.5), nn.Linear(32, 3))


def test_dropout_mask_is_replayed_and_the_stream_goes_on_as_without_checkpoint():
    model, x = _dropout_model(), input_x()
    results = []
    for ckpt in (False, True):
        ac.manual_seed(11)
        grads = grads_by_backward(model, x, lambda m, x, ckpt=ckpt: mlp_loss(m, x, ckpt))
        results.append((grads, ac.rand(4).numpy()))  # the next draws after backward
    (plain, next_plain), (ckpt, next_ckpt) = results
    assert_all_equal(ckpt, plain)
    np.testing.assert_array_equal(next_ckpt, next_plain)
    assert any(np.any(g == 0) for g in plain[:2])  # (the mask did zero something)


@pytest.mark.parametrize("preserve", [True, False])
def test_the_recomputation_draws_the_forwards_mask_on_every_device(device, preserve):
    """The gradient of dropout(x) · 2 is 2/(1 − p) where the first run kept x and 0 where it
    dropped it, only if the recomputation draws the same mask: on a device too (the stream is
    marked by a seed there); without preserve_rng_state the masks differ."""
    ac.manual_seed(3)
    x = ac.tensor(np.linspace(1.0, 2.0, 400), device=device, requires_grad=True)
    y = checkpoint(lambda x: nn.functional.dropout(x, 0.5) * 2.0, x, preserve_rng_state=preserve)
    y.sum().backward()
    kept = y.detach().cpu().numpy() != 0
    assert 100 < kept.sum() < 300  # (about half kept)
    want = np.where(kept, 4.0, 0.0)
    assert np.array_equal(x.grad.cpu().numpy(), want) == preserve


def test_without_preserve_rng_state_the_recomputation_draws_another_mask():
    model, x = _dropout_model(), input_x()
    ac.manual_seed(11)
    plain = grads_by_backward(model, x, lambda m, x: mlp_loss(m, x, False))
    ac.manual_seed(11)
    ckpt = grads_by_backward(
        model, x, lambda m, x: (checkpoint(m, x, preserve_rng_state=False) * weights((5, 3))).sum()
    )
    assert not all(np.array_equal(a, b) for a, b in zip(ckpt, plain))


# -- recomputation, nesting, second order ---------------------------------------------------------


def test_the_function_runs_once_forward_and_once_in_backward():
    w = ac.tensor([0.5, -1.0], requires_grad=True)
    calls = []

    def f(x):
        calls.append(ac.is_grad_enabled())
        return (x * w).exp()

    y = checkpoint(f, input_x((2,)))
    assert calls == [False]  # the first run records nothing
    ac.grad(y.sum(), w)
    assert calls == [False, True]


def test_nested_checkpoints():
    model, x = mlp(), input_x()
    inner, calls = model[2:], {"outer": 0, "inner": 0}

    def counted(name, f):
        def run(x):
            calls[name] += 1
            return f(x)

        return run

    def outer(x):
        return checkpoint(counted("inner", inner), model[:2](x))

    plain = grads_by_backward(model, x, lambda m, x: mlp_loss(m, x, False))
    ckpt = grads_by_backward(
        model, x, lambda m, x: (checkpoint(counted("outer", outer), x) * weights((5, 3))).sum()
    )
    assert_all_equal(ckpt, plain)
    # outer: forward, recomputation; inner: plain in the outer forward, forward and
    # recomputation inside the outer recomputation
    assert calls == {"outer": 2, "inner": 3}


def test_second_order_through_checkpoint_equals_plain():
    model, x = mlp(), input_x()
    wrt = [*model.parameters(), x]
    results = []
    for ckpt in (False, True):
        loss = mlp_loss(model, x, ckpt)
        (gx,) = ac.grad(loss, x, create_graph=True)
        # d/dθ ‖∂ℒ/∂x‖² (the last bias does not reach it: None)
        results.append(ac.grad((gx**2).sum(), wrt, allow_unused=True))
    assert [g is None for g in results[1]] == [g is None for g in results[0]]
    assert [g is None for g in results[0]].count(True) == 1
    assert_all_equal(
        [g.numpy() for g in results[1] if g is not None],
        [g.numpy() for g in results[0] if g is not None],
    )


def test_gradcheck_and_gradgradcheck():
    w = ac.tensor(np.random.default_rng(8).standard_normal((3, 3)), requires_grad=True)

    def f(x, b):
        return checkpoint(lambda x, b: ((x @ w).tanh() * b, x.sin()), x, b)

    x, b = input_x((2, 3)), input_x((3,), seed=9)
    assert ac.gradcheck(f, (x, b))
    assert ac.gradgradcheck(f, (x, b))
    assert ac.gradgradcheck(lambda w_: checkpoint(lambda x: (x @ w_).tanh(), x), (w,))


def test_retain_graph_allows_a_second_backward():
    x = input_x((3,))
    y = checkpoint(lambda x: x.exp().sum(), x)
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * x.detach().exp().numpy())
