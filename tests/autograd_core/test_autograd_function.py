"""ac.autograd.Function: custom differentiable functions as PyTorch users write them, checked
first and second order by gradcheck and against torch.autograd.Function."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
from autograd_core.autograd import Function, once_differentiable


class Exp(Function):
    @staticmethod
    def forward(ctx, x):
        y = x.exp()
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, gy):
        (y,) = ctx.saved_tensors
        return gy * y


class ScaledSinCos(Function):
    """(a·sin(x)·w, cos(x)·w) with a Python number a: two outputs, three arguments."""

    @staticmethod
    def forward(ctx, x, w, a):
        ctx.save_for_backward(x, w)
        ctx.a = a
        return a * x.sin() * w, x.cos() * w

    @staticmethod
    def backward(ctx, g_s, g_c):
        x, w = ctx.saved_tensors
        gx = gw = None
        if ctx.needs_input_grad[0]:
            gx = ctx.a * g_s * x.cos() * w - g_c * x.sin() * w
        if ctx.needs_input_grad[1]:
            gw = ctx.a * g_s * x.sin() + g_c * x.cos()
        return gx, gw, None


def _x(*shape, low=-1.5, high=1.5, seed=0):
    data = np.random.default_rng(seed).uniform(low, high, shape)
    return ac.tensor(data, dtype=ac.float64, requires_grad=True)


def test_exp_function_gradchecks_first_and_second_order():
    x = _x(3, 4)
    assert ac.gradcheck(Exp.apply, x)
    assert ac.gradgradcheck(Exp.apply, x)


def test_two_output_function_gradchecks_first_and_second_order():
    x, w = _x(5), _x(5, seed=1)

    def f(x, w):
        return ScaledSinCos.apply(x, w, 0.7)

    assert ac.gradcheck(f, (x, w))
    assert ac.gradgradcheck(f, (x, w))
    # only one output used: the other's gradient reaches backward as zeros
    assert ac.gradcheck(lambda x, w: f(x, w)[1], (x, w))
    assert ac.gradgradcheck(lambda x, w: f(x, w)[0], (x, w))


def test_function_values_match_the_closed_form():
    x, w = _x(4), _x(4, seed=1)
    s, c = ScaledSinCos.apply(x, w, 2.0)
    np.testing.assert_allclose(s.data, 2.0 * np.sin(x.data) * w.data, rtol=1e-14)
    (s.sum() + c.sum()).backward()
    expect = 2.0 * np.cos(x.data) * w.data - np.sin(x.data) * w.data
    np.testing.assert_allclose(x.grad.data, expect, rtol=1e-13)


def test_function_is_a_graph_node_like_a_builtin_op():
    x = _x(3)
    y = Exp.apply(x)
    assert y.requires_grad and not y.is_leaf
    assert y.grad_fn.label == "Exp"
    dot = ac.draw_graph(y * 2)
    assert "Exp" in dot.source and "mul" in dot.source
    y.sum().backward()
    with pytest.raises(ac.GraphFreedError, match="Exp: this node already released"):
        y.sum().backward()


def test_function_outside_grad_mode_records_nothing():
    x = _x(3)
    with ac.no_grad():
        y = Exp.apply(x)
    assert not y.requires_grad and y.grad_fn is None


def test_needs_input_grad_is_one_bool_per_argument():
    seen = []

    class Probe(Function):
        @staticmethod
        def forward(ctx, x, w, a):
            return x * w * a

        @staticmethod
        def backward(ctx, gy):
            seen.append(ctx.needs_input_grad)
            return gy, gy, None

    x = _x(2)
    w = ac.tensor([1.0, 2.0], dtype=ac.float64)
    Probe.apply(x, w, 3.0).sum().backward()
    assert seen == [(True, False, False)]
    np.testing.assert_array_equal(x.grad.data, [1.0, 1.0])  # gy, not gy·w: the user's formula


def test_mark_non_differentiable_output():
    class SortWithIndex(Function):
        @staticmethod
        def forward(ctx, x):
            idx = np.argsort(x.data)
            ctx.idx = idx
            order = ac.tensor(idx.astype(np.float64))
            ctx.mark_non_differentiable(order)
            return ac.tensor(x.data[idx]), order

        @staticmethod
        def backward(ctx, g_values, g_order):
            assert np.all(g_order.data == 0)  # materialized zeros, as in PyTorch
            gx = np.zeros_like(g_values.data)
            gx[ctx.idx] = g_values.data
            return ac.tensor(gx)

    x = ac.tensor([3.0, 1.0, 2.0], dtype=ac.float64, requires_grad=True)
    values, order = SortWithIndex.apply(x)
    assert values.requires_grad and not order.requires_grad
    (values * ac.tensor([1.0, 10.0, 100.0], dtype=ac.float64)).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [100.0, 1.0, 10.0])


def test_set_materialize_grads_false_passes_none_for_unused_outputs():
    seen = []

    class Pair(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, g2, g3):
            seen.append((g2 is None, g3 is None))
            return g2 * 2 if g3 is None else g2 * 2 + g3 * 3

    x = _x(3)
    Pair.apply(x)[0].sum().backward()
    assert seen == [(False, True)]
    np.testing.assert_array_equal(x.grad.data, [2.0, 2.0, 2.0])


def test_once_differentiable_refuses_a_second_derivative():
    class CubeOnArrays(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x**3

        @staticmethod
        @once_differentiable
        def backward(ctx, gy):
            (x,) = ctx.saved_tensors
            return ac.tensor(3 * gy.data * x.data**2)

    x = _x(3)
    assert ac.gradcheck(CubeOnArrays.apply, x)
    (g,) = ac.grad(CubeOnArrays.apply(x).sum(), x, create_graph=True)
    np.testing.assert_allclose(g.data, 3 * x.data**2)
    with pytest.raises(ac.BackwardError, match="CubeOnArrays: this op does not support double"):
        ac.grad(g.sum(), x)


def test_backward_returning_wrong_count():
    class Short(Function):
        @staticmethod
        def forward(ctx, x, w):
            return x * w

        @staticmethod
        def backward(ctx, gy):
            return gy

    with pytest.raises(
        ac.VJPError, match="Short.backward returned 1 gradients for 2 arguments of forward"
    ):
        Short.apply(_x(2), _x(2)).sum().backward()


def test_backward_returning_an_array():
    class Raw(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, gy):
            return gy.data * 2

    with pytest.raises(ac.VJPError, match=r"Raw.backward returned a ndarray for argument 0"):
        Raw.apply(_x(2)).sum().backward()


def test_backward_returning_wrong_shape():
    class Summed(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, gy):
            return gy.sum()

    with pytest.raises(ac.VJPError, match=r"Summed.backward returned a gradient of shape \(\)"):
        Summed.apply(_x(3)).sum().backward()


def test_forward_returning_an_array_and_saving_a_non_tensor():
    class ArrayOut(Function):
        @staticmethod
        def forward(ctx, x):
            return x.data

    with pytest.raises(TypeError, match="ArrayOut.forward returned a ndarray as output 0"):
        ArrayOut.apply(_x(2))

    class SaveArray(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x.data)
            return x

    with pytest.raises(TypeError, match="save_for_backward: argument 0 is a ndarray"):
        SaveArray.apply(_x(2))


def test_autograd_namespace_has_pytorchs_names():
    assert ac.autograd.grad is ac.grad
    assert ac.autograd.backward is ac.backward
    assert ac.autograd.gradcheck is ac.gradcheck
    assert ac.autograd.Function is Function


def _torch_functions(torch):
    class TExp(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            y = x.exp()
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, gy):
            (y,) = ctx.saved_tensors
            return gy * y

    class TScaledSinCos(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, w, a):
            ctx.save_for_backward(x, w)
            ctx.a = a
            return a * x.sin() * w, x.cos() * w

        @staticmethod
        def backward(ctx, g_s, g_c):
            x, w = ctx.saved_tensors
            gx = ctx.a * g_s * x.cos() * w - g_c * x.sin() * w
            gw = ctx.a * g_s * x.sin() + g_c * x.cos()
            return gx, gw, None

    return TExp, TScaledSinCos


def test_first_and_second_derivatives_match_torch_autograd_function(torch):
    TExp, TScaledSinCos = _torch_functions(torch)
    x, w = _x(6), _x(6, seed=1)
    tx = torch.tensor(x.data, requires_grad=True)
    tw = torch.tensor(w.data, requires_grad=True)

    def ours(x, w):
        s, c = ScaledSinCos.apply(Exp.apply(x), w, 0.3)
        return (s * c).sum()

    def theirs(x, w):
        s, c = TScaledSinCos.apply(TExp.apply(x), w, 0.3)
        return (s * c).sum()

    gx, gw = ac.grad(ours(x, w), (x, w), create_graph=True)
    tgx, tgw = torch.autograd.grad(theirs(tx, tw), (tx, tw), create_graph=True)
    np.testing.assert_allclose(gx.data, tgx.detach().numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(gw.data, tgw.detach().numpy(), rtol=1e-12, atol=1e-14)
    hx, hw = ac.grad((gx * gx).sum() + gw.sum(), (x, w))
    thx, thw = torch.autograd.grad((tgx * tgx).sum() + tgw.sum(), (tx, tw))
    np.testing.assert_allclose(hx.data, thx.numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(hw.data, thw.numpy(), rtol=1e-12, atol=1e-14)
