"""RemovableHandle: the one handle for tensor hooks and module forward (pre-)hooks."""

from __future__ import annotations

import numpy as np

import autograd_core as ac
import nn
from autograd_core.hooks import RemovableHandle


def test_remove_twice_is_a_no_op_and_keeps_a_second_registration():
    x = ac.tensor([1.0, 2.0], requires_grad=True)

    def hook(g):
        return g * 10

    first = x.register_hook(hook)
    second = x.register_hook(hook)
    assert isinstance(first, RemovableHandle)
    first.remove()
    first.remove()
    x.sum().backward()
    np.testing.assert_allclose(x.grad.data, [10.0, 10.0])  # the second registration still runs
    second.remove()
    x.grad = None
    x.sum().backward()
    np.testing.assert_allclose(x.grad.data, [1.0, 1.0])


def test_module_hooks_return_the_same_handle_and_remove_once():
    m = nn.Linear(2, 2)
    calls = []
    pre = m.register_forward_pre_hook(lambda mod, inp: calls.append("pre"))
    post = m.register_forward_hook(lambda mod, inp, out: calls.append("post"))
    assert isinstance(pre, RemovableHandle) and isinstance(post, RemovableHandle)
    m(ac.ones(1, 2))
    pre.remove()
    pre.remove()
    m(ac.ones(1, 2))
    post.remove()
    m(ac.ones(1, 2))
    assert calls == ["pre", "post", "post"]


def test_a_module_hook_that_removes_itself_runs_the_other_hooks_of_that_call():
    m = nn.Linear(2, 2)
    calls = []
    handles = []
    handles.append(m.register_forward_hook(lambda mod, inp, out: handles[0].remove()))
    m.register_forward_hook(lambda mod, inp, out: calls.append("second"))
    m(ac.ones(1, 2))
    m(ac.ones(1, 2))
    assert calls == ["second", "second"]
