"""What passes through autograd_core.utils.checkpoint (several outputs, non-tensor values,
keyword arguments, returned arguments, closed-over tensors, hooks, use_reentrant) and what it
refuses: bad arguments, a recomputation that differs, a second backward, a parameter changed
before backward; the import layering and the per-thread input watch."""

from __future__ import annotations

import subprocess
import sys
import threading
import warnings

import numpy as np
import pytest
from checkpoint_models import assert_all_equal, grads_by_backward, input_x, mlp, mlp_loss, weights

import autograd_core as ac
from autograd_core.errors import BackwardError, GraphError, GraphFreedError
from autograd_core.grad_mode import watching_inputs
from autograd_core.utils.checkpoint import checkpoint, checkpoint_sequential

pytestmark = pytest.mark.usefixtures("float64_default")


# -- what passes through ------------------------------------------------------------------------


def test_several_outputs_and_non_tensor_values_pass_through():
    w = ac.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x = input_x((3,))

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
    x = input_x((3,))
    a, b = checkpoint(lambda x: (x.sin(), x.cos()), x)
    b.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), -x.detach().sin().numpy(), rtol=1e-15)


def test_keyword_arguments_pass_through_and_receive_gradients():
    x, scale = input_x((3,)), ac.tensor([1.0, -2.0, 0.5], requires_grad=True)
    y = checkpoint(lambda x, *, scale, power: (x * scale) ** power, x, scale=scale, power=3)
    y.sum().backward()
    np.testing.assert_allclose(scale.grad.numpy(), (3 * x**3 * scale**2).detach().numpy())


def test_a_returned_argument_passes_its_gradient_on():
    x, y = input_x((3,)), input_x((3,), seed=7)
    a, b = checkpoint(lambda x, y: (x * 2, y), x, y)
    (a + 3 * b).sum().backward()
    np.testing.assert_array_equal(y.grad.numpy(), [3.0, 3.0, 3.0])


def test_a_closed_over_tensor_returned_unchanged_gets_its_gradient():
    w = ac.tensor([1.0, 2.0], requires_grad=True)
    x = input_x((2,))
    a, b = checkpoint(lambda x: (x * 2, w), x)
    (a + 5 * b).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), [5.0, 5.0])
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0])


def test_a_closed_over_non_leaf_keeps_its_history():
    w0 = ac.tensor([1.0, 2.0], requires_grad=True)
    w = w0 * 3  # made outside the checkpoint: its gradient goes on to w0
    node = w.node
    x = input_x((2,))
    (g,) = ac.grad(checkpoint(lambda x: (x * w).tanh(), x).sum(), w0)
    assert w.node is node
    np.testing.assert_allclose(g.numpy(), (3 * x * (1 - (x * w).tanh() ** 2)).detach().numpy())


def test_hooks_on_parameters_run_once():
    x = input_x((3,))
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
        y = checkpoint(f, input_x((2,)))
    assert not y.requires_grad and len(calls) == 2


@pytest.mark.parametrize("use_reentrant", [None, True, False])
def test_use_reentrant_values_give_the_same_gradients_and_no_warning(use_reentrant):
    model, x = mlp(), input_x()
    plain = grads_by_backward(model, x, lambda m, x: mlp_loss(m, x, False))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = ac.grad(
            (checkpoint(model, x, use_reentrant=use_reentrant) * weights((5, 3))).sum(),
            [*model.parameters(), x],
        )
    assert_all_equal([g.numpy() for g in got], plain)


# -- errors and layering -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: checkpoint(3, input_x()), TypeError, "checkpoint: function must be callable"),
        (lambda: checkpoint(ac.exp, input_x(), use_reentrant="yes"), TypeError, "use_reentrant"),
        (lambda: checkpoint(ac.exp, input_x(), preserve_rng_state=1), TypeError, "preserve_rng"),
        (lambda: checkpoint_sequential([ac.exp], 2, input_x()), ValueError, "between 1 and"),
        (lambda: checkpoint_sequential([ac.exp], 0, input_x()), ValueError, "between 1 and"),
        (lambda: checkpoint_sequential([ac.exp], 1.0, input_x()), TypeError, "must be an int"),
        (lambda: checkpoint_sequential([ac.exp, 3], 1, input_x()), TypeError, r"functions\[1\]"),
        (lambda: checkpoint_sequential([ac.exp], 1, input_x(), foo=1), ValueError, "unexpected"),
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

    y = checkpoint(f, input_x((3,)))
    with pytest.raises(BackwardError, match=r"checkpoint: the recomputation .*\[\(\(2,\)"):
        y.sum().backward()


def test_a_second_backward_without_retain_graph_raises():
    y = checkpoint(lambda x: x.exp().sum(), input_x((3,)))
    y.backward()
    with pytest.raises(GraphFreedError, match="retain_graph=True"):
        y.backward()


def test_a_parameter_changed_before_backward_raises():
    w = ac.tensor([1.0, 2.0], requires_grad=True)
    y = checkpoint(lambda x: (x * w).exp(), input_x((2,)))
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
