"""autograd_core.utils.checkpoint: gradients identical to the plain run (backward and ac.grad,
first and second order), dropout replayed, checkpoint_sequential against the plain run and
PyTorch, the memory held between forward and backward, the recomputation, and the errors."""

from __future__ import annotations

import subprocess
import sys
import threading
import tracemalloc
import warnings

import numpy as np
import pytest

import autograd_core as ac
import nn
from autograd_core.errors import BackwardError, GraphError, GraphFreedError
from autograd_core.grad_mode import watching_inputs
from autograd_core.utils.checkpoint import checkpoint, checkpoint_sequential


@pytest.fixture(autouse=True)
def _float64():
    ac.set_default_dtype(ac.float64)  # (conftest puts float32 back after each test)


def _mlp(seed=0):
    ac.manual_seed(seed)
    layers = [nn.Linear(4, 16), nn.Tanh(), nn.Linear(16, 16), nn.Tanh(), nn.Linear(16, 3)]
    return nn.Sequential(*layers)


def _x(shape=(5, 4), seed=1, requires_grad=True):
    data = np.random.default_rng(seed).standard_normal(shape)
    return ac.tensor(data, requires_grad=requires_grad)


def _weights(shape, seed=2):
    return ac.tensor(np.random.default_rng(seed).standard_normal(shape))


def _grads_by_backward(model, x, run):
    """Gradients of every parameter (and of x) after run(model, x).backward()."""
    model.zero_grad()
    x.grad = None
    run(model, x).backward()
    grads = [p.grad.numpy().copy() for p in model.parameters()]
    return grads + ([x.grad.numpy().copy()] if x.requires_grad else [])


def _assert_all_equal(got, expected):
    assert len(got) == len(expected)
    for a, b in zip(got, expected):
        np.testing.assert_array_equal(a, b)


# -- gradients identical to the plain run ------------------------------------------------------


def _mlp_loss(model, x, ckpt):
    w = _weights((5, 3))
    y = checkpoint(model, x) if ckpt else model(x)
    return (y * w).sum()


@pytest.mark.parametrize("x_requires_grad", [True, False])
def test_mlp_grads_equal_plain_by_backward(x_requires_grad):
    model, x = _mlp(), _x(requires_grad=x_requires_grad)
    plain = _grads_by_backward(model, x, lambda m, x: _mlp_loss(m, x, False))
    ckpt = _grads_by_backward(model, x, lambda m, x: _mlp_loss(m, x, True))
    _assert_all_equal(ckpt, plain)


@pytest.mark.parametrize("x_requires_grad", [True, False])
def test_mlp_grads_equal_plain_by_ac_grad(x_requires_grad):
    model, x = _mlp(), _x(requires_grad=x_requires_grad)
    wrt = list(model.parameters()) + ([x] if x_requires_grad else [])
    plain = ac.grad(_mlp_loss(model, x, False), wrt)
    ckpt = ac.grad(_mlp_loss(model, x, True), wrt)
    _assert_all_equal([g.numpy() for g in ckpt], [g.numpy() for g in plain])
    assert all(p.grad is None for p in model.parameters())  # grad() leaves .grad alone


def test_empty_batch():
    model, x = _mlp(), _x((0, 4))
    y = checkpoint(model, x)
    assert y.shape == (0, 3)
    y.sum().backward()
    assert x.grad.shape == (0, 4)
    assert all(np.all(p.grad.numpy() == 0) for p in model.parameters())


@pytest.mark.parametrize("cls", ["LSTM", "GRU"])
def test_recurrent_over_a_sequence_grads_equal_plain(cls):
    ac.manual_seed(3)
    rnn = getattr(nn, cls)(3, 6, num_layers=2, batch_first=True)
    x = _x((2, 7, 3))
    wy, wh = _weights((2, 7, 6)), _weights((2, 2, 6), seed=4)

    def loss(model, x, ckpt):
        y, states = checkpoint(model, x) if ckpt else model(x)  # (y, h_n) or (y, (h_n, c_n))
        h = states[0] if cls == "LSTM" else states
        return (y * wy).sum() + (h * wh).sum()

    plain = _grads_by_backward(rnn, x, lambda m, x: loss(m, x, False))
    ckpt = _grads_by_backward(rnn, x, lambda m, x: loss(m, x, True))
    _assert_all_equal(ckpt, plain)
    params = list(rnn.parameters())
    by_grad = ac.grad(loss(rnn, x, True), [*params, x])
    _assert_all_equal([g.numpy() for g in by_grad], plain)


def _dropout_model():
    ac.manual_seed(5)
    return nn.Sequential(nn.Linear(4, 32), nn.ReLU(), nn.Dropout(0.5), nn.Linear(32, 3))


def test_dropout_mask_is_replayed_and_the_stream_goes_on_as_without_checkpoint():
    model, x = _dropout_model(), _x()
    results = []
    for ckpt in (False, True):
        ac.manual_seed(11)
        grads = _grads_by_backward(model, x, lambda m, x, ckpt=ckpt: _mlp_loss(m, x, ckpt))
        results.append((grads, ac.rand(4).numpy()))  # the next draws after backward
    (plain, next_plain), (ckpt, next_ckpt) = results
    _assert_all_equal(ckpt, plain)
    np.testing.assert_array_equal(next_ckpt, next_plain)
    assert any(np.any(g == 0) for g in plain[:2])  # (the mask did zero something)


def test_without_preserve_rng_state_the_recomputation_draws_another_mask():
    model, x = _dropout_model(), _x()
    ac.manual_seed(11)
    plain = _grads_by_backward(model, x, lambda m, x: _mlp_loss(m, x, False))
    ac.manual_seed(11)
    ckpt = _grads_by_backward(
        model, x, lambda m, x: (checkpoint(m, x, preserve_rng_state=False) * _weights((5, 3))).sum()
    )
    assert not all(np.array_equal(a, b) for a, b in zip(ckpt, plain))


# -- what passes through ------------------------------------------------------------------------


def test_several_outputs_and_non_tensor_values_pass_through():
    w = ac.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x = _x((3,))

    def f(x, tag):
        y = x * w
        return y.exp(), {"sum": y.sum(), "tag": tag, "idx": y.argmax()}, [None, 7]

    a, d, rest = checkpoint(f, x, "hello")
    assert d["tag"] == "hello" and rest == [None, 7]
    assert not d["idx"].requires_grad and d["idx"].dtype.kind == "i"
    (a.sum() + 2 * d["sum"]).backward()
    expected_w = (x * w).exp() * x + 2 * x
    np.testing.assert_allclose(w.grad.numpy(), expected_w.detach().numpy(), rtol=1e-14)
    np.testing.assert_allclose(x.grad.numpy(), ((x * w).exp() * w + 2 * w).detach().numpy())


def test_only_outputs_that_receive_a_gradient_are_back_propagated():
    x = _x((3,))
    a, b = checkpoint(lambda x: (x.sin(), x.cos()), x)
    b.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), -x.detach().sin().numpy(), rtol=1e-15)


def test_keyword_arguments_pass_through_and_receive_gradients():
    x, scale = _x((3,)), ac.tensor([1.0, -2.0, 0.5], requires_grad=True)
    y = checkpoint(lambda x, *, scale, power: (x * scale) ** power, x, scale=scale, power=3)
    y.sum().backward()
    np.testing.assert_allclose(scale.grad.numpy(), (3 * x**3 * scale**2).detach().numpy())


def test_a_returned_argument_passes_its_gradient_on():
    x, y = _x((3,)), _x((3,), seed=7)
    a, b = checkpoint(lambda x, y: (x * 2, y), x, y)
    (a + 3 * b).sum().backward()
    np.testing.assert_array_equal(y.grad.numpy(), [3.0, 3.0, 3.0])


def test_a_closed_over_tensor_returned_unchanged_gets_its_gradient():
    w = ac.tensor([1.0, 2.0], requires_grad=True)
    x = _x((2,))
    a, b = checkpoint(lambda x: (x * 2, w), x)
    (a + 5 * b).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), [5.0, 5.0])
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0])


def test_a_closed_over_non_leaf_keeps_its_history():
    w0 = ac.tensor([1.0, 2.0], requires_grad=True)
    w = w0 * 3  # made outside the checkpoint: its gradient goes on to w0
    node = w.node
    x = _x((2,))
    (g,) = ac.grad(checkpoint(lambda x: (x * w).tanh(), x).sum(), w0)
    assert w.node is node
    np.testing.assert_allclose(g.numpy(), (3 * x * (1 - (x * w).tanh() ** 2)).detach().numpy())


def test_hooks_on_parameters_run_once():
    x = _x((3,))
    grads = []
    for ckpt in (False, True):
        w = ac.tensor([1.0, 2.0, 3.0], requires_grad=True)
        w.register_hook(lambda g: g * 10)
        f = lambda x: (x * w).sin()  # noqa: B023, E731
        (checkpoint(f, x) if ckpt else f(x)).sum().backward()
        grads.append(w.grad.numpy())
    np.testing.assert_array_equal(grads[1], grads[0])


def test_nothing_requires_grad_gives_constants_and_one_call():
    calls = []

    def f(x):
        calls.append(1)
        return x * 2

    y = checkpoint(f, ac.tensor([1.0]))
    assert not y.requires_grad and len(calls) == 1
    with ac.no_grad():
        y = checkpoint(f, _x((2,)))
    assert not y.requires_grad and len(calls) == 2


@pytest.mark.parametrize("use_reentrant", [None, True, False])
def test_use_reentrant_values_give_the_same_gradients_and_no_warning(use_reentrant):
    model, x = _mlp(), _x()
    plain = _grads_by_backward(model, x, lambda m, x: _mlp_loss(m, x, False))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = ac.grad(
            (checkpoint(model, x, use_reentrant=use_reentrant) * _weights((5, 3))).sum(),
            [*model.parameters(), x],
        )
    _assert_all_equal([g.numpy() for g in got], plain)


# -- recomputation, nesting, second order ---------------------------------------------------------


def test_the_function_runs_once_forward_and_once_in_backward():
    w = ac.tensor([0.5, -1.0], requires_grad=True)
    calls = []

    def f(x):
        calls.append(ac.is_grad_enabled())
        return (x * w).exp()

    y = checkpoint(f, _x((2,)))
    assert calls == [False]  # the first run records nothing
    ac.grad(y.sum(), w)
    assert calls == [False, True]


def test_nested_checkpoints():
    model, x = _mlp(), _x()
    inner, calls = model[2:], {"outer": 0, "inner": 0}

    def counted(name, f):
        def run(x):
            calls[name] += 1
            return f(x)

        return run

    def outer(x):
        return checkpoint(counted("inner", inner), model[:2](x))

    plain = _grads_by_backward(model, x, lambda m, x: _mlp_loss(m, x, False))
    ckpt = _grads_by_backward(
        model, x, lambda m, x: (checkpoint(counted("outer", outer), x) * _weights((5, 3))).sum()
    )
    _assert_all_equal(ckpt, plain)
    # outer: forward, recomputation; inner: plain in the outer forward, forward and
    # recomputation inside the outer recomputation
    assert calls == {"outer": 2, "inner": 3}


def test_second_order_through_checkpoint_equals_plain():
    model, x = _mlp(), _x()
    wrt = [*model.parameters(), x]
    results = []
    for ckpt in (False, True):
        loss = _mlp_loss(model, x, ckpt)
        (gx,) = ac.grad(loss, x, create_graph=True)
        # d/dθ ‖∂ℒ/∂x‖² (the last bias does not reach it: None)
        results.append(ac.grad((gx**2).sum(), wrt, allow_unused=True))
    assert [g is None for g in results[1]] == [g is None for g in results[0]]
    assert [g is None for g in results[0]].count(True) == 1
    _assert_all_equal(
        [g.numpy() for g in results[1] if g is not None],
        [g.numpy() for g in results[0] if g is not None],
    )


def test_gradcheck_and_gradgradcheck():
    w = ac.tensor(np.random.default_rng(8).standard_normal((3, 3)), requires_grad=True)

    def f(x, b):
        return checkpoint(lambda x, b: ((x @ w).tanh() * b, x.sin()), x, b)

    x, b = _x((2, 3)), _x((3,), seed=9)
    assert ac.gradcheck(f, (x, b))
    assert ac.gradgradcheck(f, (x, b))
    assert ac.gradgradcheck(lambda w_: checkpoint(lambda x: (x @ w_).tanh(), x), (w,))


def test_retain_graph_allows_a_second_backward():
    x = _x((3,))
    y = checkpoint(lambda x: x.exp().sum(), x)
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * x.detach().exp().numpy())


# -- checkpoint_sequential ----------------------------------------------------------------------


@pytest.mark.parametrize("segments", [1, 2, 3, 5])
def test_checkpoint_sequential_equals_plain(segments):
    model, x = _mlp(), _x()
    y_plain = model(x).numpy()
    plain = _grads_by_backward(model, x, lambda m, x: _mlp_loss(m, x, False))
    y = checkpoint_sequential(model, segments, x)
    np.testing.assert_array_equal(y.numpy(), y_plain)
    ckpt = _grads_by_backward(
        model, x, lambda m, x: (checkpoint_sequential(m, segments, x) * _weights((5, 3))).sum()
    )
    _assert_all_equal(ckpt, plain)


def test_checkpoint_sequential_takes_a_list_of_functions():
    x = _x((3,))
    y = checkpoint_sequential([ac.sin, ac.exp, lambda t: t * 2], 2, x)
    y.sum().backward()
    expected = 2 * x.sin().exp() * x.cos()
    np.testing.assert_allclose(x.grad.numpy(), expected.detach().numpy(), rtol=1e-15)


# -- against PyTorch ---------------------------------------------------------------------------


def _torch_mlp(model, torch):
    t = torch.nn.Sequential(
        torch.nn.Linear(4, 16), torch.nn.Tanh(), torch.nn.Linear(16, 16), torch.nn.Tanh(),
        torch.nn.Linear(16, 3),
    ).double()  # fmt: skip
    with torch.no_grad():
        for (name, p), (tname, tp) in zip(model.named_parameters(), t.named_parameters()):
            assert name == tname
            tp.copy_(torch.tensor(p.numpy()))
    return t


@pytest.mark.parametrize("segments", [1, 2, 3])
def test_checkpoint_sequential_matches_torch(torch, segments):
    from torch.utils.checkpoint import checkpoint_sequential as torch_sequential

    model, x = _mlp(), _x()
    tmodel = _torch_mlp(model, torch)
    tx = torch.tensor(x.numpy(), requires_grad=True)
    w = _weights((5, 3))
    y = checkpoint_sequential(model, segments, x)
    (y * w).sum().backward()
    ty = torch_sequential(tmodel, segments, tx, use_reentrant=False)
    (ty * torch.tensor(w.numpy())).sum().backward()
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), atol=1e-12)
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), atol=1e-10)
    for p, tp in zip(model.parameters(), tmodel.parameters()):
        np.testing.assert_allclose(p.grad.numpy(), tp.grad.numpy(), atol=1e-10)


def test_checkpoint_matches_torch_with_keyword_arguments_and_ac_grad(torch):
    from torch.utils.checkpoint import checkpoint as torch_checkpoint

    model, x = _mlp(), _x()
    tmodel = _torch_mlp(model, torch)
    tx = torch.tensor(x.numpy(), requires_grad=True)

    def f(lib, m, x, *, shift):
        return lib.tanh(m(x) + shift)

    y = checkpoint(f, ac, model, x, shift=0.25)
    ty = torch_checkpoint(f, torch, tmodel, tx, shift=0.25, use_reentrant=False)
    grads = ac.grad(y.sum(), [*model.parameters(), x])
    tgrads = torch.autograd.grad(ty.sum(), [*tmodel.parameters(), tx])
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), atol=1e-12)
    for g, tg in zip(grads, tgrads):
        np.testing.assert_allclose(g.numpy(), tg.numpy(), atol=1e-10)


# -- memory ---------------------------------------------------------------------------------


def test_memory_held_between_forward_and_backward_drops():
    """A chain of 24 layers tanh(h @ w) with (256, 256) float64 activations (512 KiB each),
    measured by tracemalloc from before the forward pass to the loss: the plain graph holds
    one activation per layer (the tanh's output, which the next matmul saves too); 4
    checkpoint_sequential segments of 6 layers hold the outputs of the first 3 and the 6
    activations of the last, plain, segment (9 in all); one checkpoint over the chain holds
    its output only."""
    rng = np.random.default_rng(0)
    ws = [ac.tensor(rng.standard_normal((256, 256)) / 16, requires_grad=True) for _ in range(24)]
    layers = [lambda h, w=w: (h @ w).tanh() for w in ws]
    x = ac.tensor(rng.standard_normal((256, 256)), requires_grad=True)
    activation = 256 * 256 * 8

    def held(forward):
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            loss = forward()
            kept = tracemalloc.get_traced_memory()[0] - before
        finally:
            tracemalloc.stop()
        loss.backward()
        return kept

    plain = held(lambda: checkpoint_sequential(layers, 1, x).sum())
    segments = held(lambda: checkpoint_sequential(layers, 4, x).sum())
    whole = held(lambda: checkpoint(checkpoint_sequential, layers, 1, x).sum())
    assert plain > 24 * activation
    assert segments < 0.5 * plain, (segments, plain)
    assert segments < 10 * activation
    assert whole < 0.1 * plain, (whole, plain)


# -- errors and layering -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: checkpoint(3, _x()), TypeError, "checkpoint: function must be callable"),
        (lambda: checkpoint(ac.exp, _x(), use_reentrant="yes"), TypeError, "use_reentrant"),
        (lambda: checkpoint(ac.exp, _x(), preserve_rng_state=1), TypeError, "preserve_rng"),
        (lambda: checkpoint_sequential([ac.exp], 2, _x()), ValueError, "between 1 and"),
        (lambda: checkpoint_sequential([ac.exp], 0, _x()), ValueError, "between 1 and"),
        (lambda: checkpoint_sequential([ac.exp], 1.0, _x()), TypeError, "must be an int"),
        (lambda: checkpoint_sequential([ac.exp, 3], 1, _x()), TypeError, r"functions\[1\]"),
        (lambda: checkpoint_sequential([ac.exp], 1, _x(), foo=1), ValueError, "unexpected"),
    ],
)
def test_bad_arguments(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_a_recomputation_that_differs_raises():
    calls = []

    def f(x):
        calls.append(1)
        return x.exp() if len(calls) == 1 else x[:2].exp()

    y = checkpoint(f, _x((3,)))
    with pytest.raises(BackwardError, match=r"checkpoint: the recomputation .*\[\(\(2,\)"):
        y.sum().backward()


def test_a_second_backward_without_retain_graph_raises():
    y = checkpoint(lambda x: x.exp().sum(), _x((3,)))
    y.backward()
    with pytest.raises(GraphFreedError, match="retain_graph=True"):
        y.backward()


def test_a_parameter_changed_before_backward_raises():
    w = ac.tensor([1.0, 2.0], requires_grad=True)
    y = checkpoint(lambda x: (x * w).exp(), _x((2,)))
    with ac.no_grad():
        w.add_(1.0)  # the recomputation would see the new values
    with pytest.raises(GraphError, match="modified by an in-place operation"):
        y.sum().backward()


def test_importing_checkpoint_does_not_import_nn():
    code = "import autograd_core.utils.checkpoint, sys; print('nn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    assert ac.utils.checkpoint.checkpoint is checkpoint


def test_the_watch_sees_this_threads_unrecorded_ops_only():
    w, v, c = (ac.tensor([1.0], requires_grad=True) for _ in range(3))

    def elsewhere():
        v * 2
        with ac.no_grad():
            v * 2

    other = threading.Thread(target=elsewhere)
    with ac.no_grad(), watching_inputs() as outer:
        other.start()
        other.join()
        with watching_inputs() as inner:
            (w * c).exp()
        c.exp()
    assert list(inner.values()) == [w, c]
    assert list(outer.values()) == [w, c]
    with ac.no_grad():
        w.exp()  # no watch open: nothing is kept anywhere
    assert list(outer.values()) == [w, c]
