"""Custom ops written as docs/adding_an_op.md teaches: errors that say whose code to fix, and
re-registration from a re-run notebook cell."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
from autograd_core.op import Op
from autograd_core.registry import OP_REGISTRY, register_op

NAME = "test_custom_double"


@pytest.fixture
def clean_registry():
    OP_REGISTRY.pop(NAME, None)
    yield
    OP_REGISTRY.pop(NAME, None)


def _register_double(raw: bool) -> type[Op]:
    @register_op(NAME)
    class MyDouble(Op):
        def forward(self, x):
            return x * 2

        def vjp(self, gy):
            return (gy.data * 2 if raw else gy * 2,)

    return MyDouble


def test_user_vjp_returning_an_array_in_plain_backward(clean_registry):
    op = _register_double(raw=True)
    x = ac.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ac.VJPError, match="test_custom_double.vjp returned a ndarray") as info:
        op.apply(x).sum().backward()
    msg = str(info.value)
    assert "Compute it with Tensor operations" in msg
    assert "The bug is in " in msg and "MyDouble (defined at" in msg
    assert "test_custom_ops.py:" in msg
    assert "autograd-core's own op" not in msg


def test_user_vjp_returning_an_array_in_recorded_backward(clean_registry):
    # without the check the gradient is a constant and the second derivative silently 0
    op = _register_double(raw=True)
    x = ac.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ac.VJPError, match=r"in a recorded backward \(create_graph=True\)"):
        ac.grad(op.apply(x).sum(), x, create_graph=True)


def test_builtin_vjp_bug_is_reported_as_ours(monkeypatch):
    exp = ac.get_op("exp")
    monkeypatch.setattr(exp, "vjp", lambda self, gy: (gy.sum(),))
    x = ac.ones(3, requires_grad=True)
    with pytest.raises(
        ac.VJPError, match=r"bug in autograd-core's own op Exp .*not in your code: please report"
    ):
        ac.exp(x).sum().backward()


def test_rerunning_a_registering_cell_replaces_the_op_with_a_warning(clean_registry):
    first = _register_double(raw=True)
    with pytest.warns(UserWarning, match="register_op: replacing op 'test_custom_double'"):
        second = _register_double(raw=False)
    assert OP_REGISTRY[NAME] is second and second is not first
    x = ac.tensor([1.0, 2.0], requires_grad=True)
    second.apply(x).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [2.0, 2.0])


def test_another_module_cannot_take_a_registered_name():
    with pytest.raises(ValueError, match=r"'exp' is already registered by autograd_core\.ops"):

        @register_op("exp")
        class MyExp(Op):
            pass

    assert OP_REGISTRY["exp"].__module__.startswith("autograd_core.")


def test_an_op_with_its_own_release_is_released_by_calling_it(clean_registry):
    # The sweep's fast loop releases the usual two-input node with Op.release's steps inline;
    # an op class that extends release (a workspace giving its arrays back) must still have
    # it called, so register_op keeps such a class off the fast loop.
    released = []

    @register_op(NAME, array_vjp=True)
    class ScaledAdd(Op):
        def forward(self, a, b):
            return a + 2 * b

        def vjp(self, gy):
            return gy, 2 * gy

        def release(self, gy=None):
            released.append(self)
            super().release(gy)

    assert not ScaledAdd.plain and ac.get_op("add").plain
    x = ac.tensor([1.0, 2.0], requires_grad=True)
    y = ScaledAdd.apply(x * 3.0, x)
    (y * y).sum().backward()
    assert released == [y.node] and y.node.edges[1] is x
    np.testing.assert_allclose(x.grad.data, 2 * y.data * (3.0 + 2.0))
