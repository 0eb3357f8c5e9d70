"""Every user-triggerable error names the op or API, what it saw, and a fix."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac


def test_incompatible_shapes_name_op_and_shapes():
    with pytest.raises(ac.ShapeError, match=r"add: .*\(2, 3\).*\(4,\)"):
        ac.ones(2, 3) + ac.ones(4)


def test_matmul_inner_dimension_error():
    with pytest.raises(
        ac.ShapeError, match=r"matmul: inner dimensions differ .*\(2, 3\) @ \(4, 5\)"
    ):
        ac.ones(2, 3) @ ac.ones(4, 5)


def test_reshape_error_explains_element_count():
    with pytest.raises(ac.ShapeError, match=r"reshape: cannot reshape .*\(2, 3\).*6 elements"):
        ac.ones(2, 3).reshape(4, 2)


def test_integer_tensor_cannot_require_grad():
    with pytest.raises(ac.DTypeError, match="only floating-point tensors can require gradients"):
        ac.tensor([1, 2, 3], requires_grad=True)
    with pytest.raises(ac.DTypeError, match="int64"):
        ac.arange(3).requires_grad_()


def test_backward_of_non_scalar_needs_gradient():
    x = ac.ones(3, requires_grad=True)
    with pytest.raises(
        ac.BackwardError, match=r"output 0 has shape \(3,\).*y.sum\(\).backward\(\)"
    ):
        (x * 2).backward()


def test_backward_on_tensor_without_graph():
    with pytest.raises(ac.BackwardError, match="does not require grad"):
        ac.ones(1).backward()


def test_gradient_shape_mismatch():
    x = ac.ones(3, requires_grad=True)
    with pytest.raises(ac.ShapeError, match=r"gradient for output 0 has shape \(2,\)"):
        (x * 2).backward(ac.ones(2))


def test_graph_freed_error_names_the_op():
    x = ac.ones(3, requires_grad=True)
    y = x.exp().sum()
    y.backward()
    with pytest.raises(ac.GraphFreedError, match=r"sum: .*retain_graph=True"):
        y.backward()


def test_unreached_input_error():
    x, z = ac.ones(2, requires_grad=True), ac.ones(2, requires_grad=True)
    with pytest.raises(ac.BackwardError, match=r"input 1 \(shape \(2,\)\) is not reached"):
        ac.grad((x * 2).sum(), [x, z])


def test_grad_wrt_tensor_not_requiring_grad():
    x = ac.ones(2, requires_grad=True)
    with pytest.raises(ac.BackwardError, match="input 1 does not require grad"):
        ac.grad((x * 2).sum(), [x, ac.ones(2)])


def test_axis_out_of_range():
    with pytest.raises(ac.ShapeError, match=r"sum: axis 2 is out of range .* 2 dimension"):
        ac.ones(2, 3).sum(axis=2)


def test_dim_and_axis_together_rejected():
    with pytest.raises(TypeError, match="sum: pass dim or axis, not both"):
        ac.ones(2, 3).sum(dim=0, axis=0)


def test_device_spec_error():
    with pytest.raises(ac.DeviceError, match="unknown device 'tpu'"):
        ac.Device("tpu")


def test_cuda_unavailable_error_when_no_cupy():
    if ac.cuda.is_available():
        pytest.skip("a GPU is present")
    with pytest.raises(ac.DeviceError, match=r"CuPy is unavailable .*device='cpu'"):
        ac.ones(2).to("cuda")


def test_mixed_devices_error_names_both(monkeypatch):
    from autograd_core import device as dev
    from autograd_core import op as op_module

    # Simulate a CUDA array: the check must name both devices before any computing happens.
    fake = dev.Device("cuda:0")
    monkeypatch.setattr(op_module._device, "CUPY_LOADED", True)
    monkeypatch.setattr(
        op_module._device,
        "device_of",
        lambda a: fake if getattr(a, "_fake_cuda", False) else dev.CPU,
    )

    class FakeCuda(np.ndarray):
        _fake_cuda = True

    a = ac.ones(2)
    b = ac.Tensor._make(np.ones(2).view(FakeCuda), False, None)
    with pytest.raises(
        ac.DeviceError, match=r"add: inputs are on different devices \(cpu, cuda:0\)"
    ):
        a + b


def test_setitem_on_graph_tensor_refused():
    x = ac.ones(3, requires_grad=True)
    with pytest.raises(ac.GraphError, match="setitem: in-place assignment"):
        x[0] = 2.0
    with ac.no_grad():
        x[0] = 2.0
    assert x.data[0] == 2.0


def test_item_of_many_elements():
    with pytest.raises(ValueError, match=r"item: only one-element tensors .*\(2,\)"):
        ac.ones(2).item()


def test_vjp_returning_wrong_shape_is_reported_as_op_bug():
    from autograd_core.op import Op

    class BadShape(Op):
        name = "bad_shape"

        def forward(self, x):
            return x * 2

        def vjp(self, gy):
            return (gy.sum(),)

    x = ac.ones(3, requires_grad=True)
    with pytest.raises(
        ac.VJPError,
        match=r"bad_shape.vjp returned a gradient of shape \(\) for "
        r"input 0 of shape \(3,\); it must return one gradient of each input.s shape. The bug is "
        r"in .*BadShape",
    ):
        BadShape.apply(x).sum().backward()


def test_vjp_returning_wrong_count():
    from autograd_core.op import Op

    class BadCount(Op):
        name = "bad_count"

        def forward(self, x):
            return x

        def vjp(self, gy):
            return gy, gy

    x = ac.ones(3, requires_grad=True)
    with pytest.raises(ac.VJPError, match="bad_count.vjp returned 2 gradients for 1 inputs"):
        BadCount.apply(x).sum().backward()


def test_no_double_backward_op_raises_only_when_second_order_is_used():
    from autograd_core.op import Op

    class Once(Op):
        name = "once"
        double_backward = False

        def forward(self, x):
            return x**3

        def vjp(self, gy):
            (x,) = self.inputs
            return (gy * 3 * x * x,)

    x = ac.tensor([2.0], dtype=ac.float64, requires_grad=True)
    (g,) = ac.grad(Once.apply(x).sum(), x, create_graph=True)
    assert g.item() == 12.0
    with pytest.raises(ac.BackwardError, match="once: this op does not support double backward"):
        ac.grad(g.sum(), x)


def test_detect_anomaly_names_op_and_line():
    x = ac.tensor([0.0, 1.0], requires_grad=True)
    with ac.detect_anomaly(), np.errstate(divide="ignore"):
        with pytest.raises(
            ac.AnomalyError, match=r"log: the forward pass produced Inf .*test_errors.py"
        ):
            ac.log(x)


def test_detect_anomaly_in_backward():
    x = ac.tensor([0.0, 1.0], requires_grad=True)
    with ac.detect_anomaly(), np.errstate(divide="ignore"):
        y = (x**0.5).sum()  # d/dx sqrt(x) at 0 is inf
        with pytest.raises(ac.AnomalyError, match=r"pow: the backward pass produced Inf"):
            y.backward()


def test_graph_misuse_raises_graph_error_not_dtype_error():
    x = ac.ones(3, requires_grad=True)
    y = x * 2
    with pytest.raises(ac.GraphError, match="cannot switch off requires_grad on a non-leaf"):
        y.requires_grad = False
    with pytest.raises(ac.GraphError, match="register_hook: this tensor does not require grad"):
        ac.ones(3).register_hook(lambda g: g)
    assert issubclass(ac.GraphError, RuntimeError) and not issubclass(ac.GraphError, TypeError)
