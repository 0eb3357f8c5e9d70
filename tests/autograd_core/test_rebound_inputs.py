"""A node recorded before an in-place op rebound one of its inputs (``y = a.exp(); a.sqrt_()``):
its gradient reaches the value it read, as PyTorch's saved edge does, when its VJP does not
read that input (version.mark_rebound / resolve_rebound); one that reads it refuses, as
PyTorch does. Checked against torch 2.13 and closed forms."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
from autograd_core.version import WRITES

X = np.array([[0.5, 1.5, -0.7], [2.0, -1.2, 0.3]])
W = np.array([[1.0, -2.0, 0.5], [0.25, 3.0, -1.5]])


def _program_a(m, x):
    # exp saves its output; a's sqrt_ rebinds a after exp and add used it
    a = x * 1.0 + 2.0
    y = a.exp()
    z = a + 1.0
    a.sqrt_()
    return y.sum() + (z * z).sum() + a.sum()


def _program_b(m, x):
    # two rebinds of one tensor, consumers recorded between them
    a = x * 2.0
    p = a * 3.0
    a.add_(1.0)
    q = a.tanh()
    a.mul_(-2.0)
    return (p * p).sum() + q.sum() + (a * a).sum()


def _program_c(m, x):
    # a write through a view rebinds the base: a consumer of the base recorded before
    b = x * 1.5
    s = b.sum(1)
    b[:, 1:].mul_(4.0)
    return (s * s).sum() + (b * b).sum()


def _program_d(m, x):
    # t_ rebinds the tensor's layout; mean and a product by a constant were recorded before
    a = x * 2.0
    r = a.mean(0)
    c = a * 5.0
    a.t_()
    return (r * r).sum() + c.sum() + (a * m.tensor(W.T)).sum()


PROGRAMS = {"exp and add": _program_a, "two rebinds": _program_b, "view write": _program_c}
PROGRAMS["t_"] = _program_d


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_the_gradient_is_torchs(torch, name):
    x = ac.tensor(X, requires_grad=True)
    t = torch.tensor(X, requires_grad=True)
    PROGRAMS[name](ac, x).backward()
    PROGRAMS[name](torch, t).backward()
    np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-12)


def test_the_gradient_of_exp_and_add_is_the_closed_form():
    x = ac.tensor(X, requires_grad=True)
    _program_a(ac, x).backward()
    a = X + 2.0
    np.testing.assert_allclose(x.grad.numpy(), np.exp(a) + 2 * (a + 1) + 0.5 / np.sqrt(a))


def test_grad_of_the_old_value_is_the_same_and_the_new_value_is_not_reached(torch):
    for m, grad in ((torch, torch.autograd.grad), (ac, ac.grad)):
        x = m.tensor(X, requires_grad=True)
        a = x * 2.0
        z = a + 1.0
        a.mul_(3.0)
        (g,) = grad(z.sum(), [x], retain_graph=True)
        np.testing.assert_array_equal(g.numpy(), np.full(X.shape, 2.0))
        with pytest.raises(Exception, match="not"):  # torch: "not have been used"
            grad(z.sum(), [a])


def test_a_node_that_reads_the_input_refuses_as_torch(torch):
    x = ac.tensor(X, requires_grad=True)
    a = x * 2.0
    p = a * a
    a.add_(1.0)
    with pytest.raises(ac.GraphError, match="mul: input 0 .* reads to compute its gradient"):
        p.sum().backward()
    t = torch.tensor(X, requires_grad=True) * 2.0
    u = t * t
    t.add_(1.0)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        u.sum().backward()


def test_a_post_accumulate_hook_fires_once_with_the_final_gradient():
    x = ac.tensor(X, requires_grad=True)
    seen = []
    x.register_post_accumulate_grad_hook(lambda p: seen.append(p.grad.numpy().copy()))
    _program_a(ac, x).backward()
    assert len(seen) == 1
    np.testing.assert_array_equal(seen[0], x.grad.numpy())


def test_the_history_of_a_rebound_tensor_forgets_what_a_backward_released():
    x = ac.tensor(X, requires_grad=True)
    a = x * 1.0
    for _ in range(50):
        a.mul_(1.0)
    assert len(WRITES.rebound[id(a)]) == 50
    a.sum().backward()  # releases every node of the chain
    a.mul_(1.0)
    history = WRITES.rebound[id(a)]
    assert len(history) == 2 and history[0][1] is None  # (one merged run, the new entry)


def test_recorded_writes_without_a_backward_leave_nothing_alive():
    """The write clock keeps the nodes a recorded in-place write made by id only: holding
    them (they hold the buffer: relu_'s saved output, a view's base) kept every buffer and
    its graph alive for ever when no backward released them (an evaluation loop with grad
    mode on and in-place activations)."""
    import gc
    import weakref

    w = ac.tensor(np.ones((4, 4)), requires_grad=True)
    freed = []
    for _ in range(20):
        h = ac.tensor(np.ones((3, 4))) @ w
        h.relu_()
        h.add_(1.0)
        h[:, :2].mul_(3.0)
        h.t_()
        freed.append(weakref.ref(h.data.base if h.data.base is not None else h.data))
        del h
    gc.collect()
    assert all(r() is None for r in freed)
    assert not WRITES.recorded and not WRITES.rebound


def test_views_of_one_tensor_written_in_turn_leave_nothing_alive():
    """A view node older than its base's latest node gets the stand-in of the value it read
    at once: left holding the base itself, its tensor's write history reached the base, whose
    graph reached the tensor (b.mul_(b) keeps b), a cycle through the global history."""
    import gc

    for _ in range(3):
        x = ac.tensor(np.ones(4), requires_grad=True)
        y = x * 2
        a, b = y[0:2], y[1:3]
        a.mul_(3.0)
        b.mul_(b)
        with pytest.raises(ac.GraphError, match="modified by an in-place"):
            y.sum().backward()
        del x, y, a, b
    while gc.collect():  # (until nothing more is freed: a cycle can take more than one pass)
        pass
    assert not WRITES.recorded and not WRITES.rebound
