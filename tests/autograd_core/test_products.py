"""bmm, mv, dot, vdot, inner, tensordot and the scaled sums (addmm, addmv, addbmm, baddbmm)
against PyTorch: values and gradients in float64, float32 values, dtypes, empty and
non-contiguous operands, gradcheck and gradgradcheck, the device stand-in, and every error."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
from autograd_core.testing.op_db import random_operands

# name, operand shapes, keyword arguments (torch takes the same ones)
CASES = [
    ("bmm", [(2, 3, 4), (2, 4, 5)], {}),
    ("bmm", [(0, 3, 4), (0, 4, 2)], {}),
    ("bmm", [(2, 3, 0), (2, 0, 2)], {}),
    ("mv", [(3, 4), (4,)], {}),
    ("mv", [(0, 4), (4,)], {}),
    ("dot", [(5,), (5,)], {}),
    ("dot", [(0,), (0,)], {}),
    ("vdot", [(5,), (5,)], {}),
    ("inner", [(2, 3), (4, 3)], {}),
    ("inner", [(3,), (3,)], {}),
    ("inner", [(), (2, 3)], {}),
    ("inner", [(2, 1, 3), (3,)], {}),
    ("tensordot", [(2, 3, 4), (3, 4, 5)], {}),
    ("tensordot", [(2, 3, 4), (4, 3)], {"dims": ([1, 2], [1, 0])}),
    ("tensordot", [(2, 3), (3, 2)], {"dims": ([0], [1])}),
    ("tensordot", [(2, 3), (4,)], {"dims": 0}),
    ("tensordot", [(2, 3), (3, 2)], {"dims": 1}),
    ("addmm", [(2, 4), (2, 3), (3, 4)], {}),
    ("addmm", [(4,), (2, 3), (3, 4)], {"beta": 0.5, "alpha": -2.0}),
    ("addmm", [(), (2, 3), (3, 4)], {"beta": 2.0}),
    ("addmv", [(2,), (2, 3), (3,)], {"alpha": 3.0}),
    ("addmv", [(1,), (2, 3), (3,)], {"beta": 0.25}),
    ("addbmm", [(3, 5), (2, 3, 4), (2, 4, 5)], {"beta": 0.5, "alpha": 1.5}),
    ("addbmm", [(5,), (0, 3, 4), (0, 4, 5)], {}),
    ("baddbmm", [(2, 3, 5), (2, 3, 4), (2, 4, 5)], {"beta": -1.0, "alpha": 0.5}),
    ("baddbmm", [(3, 1), (2, 3, 4), (2, 4, 5)], {}),
]
IDS = [f"{name}-{shapes}-{kw}" for name, shapes, kw in CASES]


@pytest.mark.parametrize("noncontig", [False, True])
@pytest.mark.parametrize(("name", "shapes", "kw"), CASES, ids=IDS)
def test_values_and_gradients_match_torch(name, shapes, kw, noncontig, torch, rng, device):
    arrays = random_operands(rng, shapes, noncontig)
    xs = [ac.tensor(a, requires_grad=True, device=device) for a in arrays]
    ts = [torch.tensor(a.copy(), requires_grad=True) for a in arrays]
    y, ty = getattr(ac, name)(*xs, **kw), getattr(torch, name)(*ts, **kw)
    assert y.shape == tuple(ty.shape) and y.dtype == ac.float64
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), rtol=1e-10, atol=1e-12)
    w = rng.standard_normal(y.shape)
    (y * ac.tensor(w, device=device)).sum().backward()
    (ty * torch.tensor(w)).sum().backward()
    for x, t in zip(xs, ts):
        np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize(("name", "shapes", "kw"), CASES, ids=IDS)
def test_float32_values_and_dtype_match_torch(name, shapes, kw, torch, rng):
    arrays = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    y = getattr(ac, name)(*[ac.tensor(a) for a in arrays], **kw)
    ty = getattr(torch, name)(*[torch.tensor(a) for a in arrays], **kw)
    assert y.dtype == ac.float32 and y.shape == tuple(ty.shape)
    np.testing.assert_allclose(y.numpy(), ty.numpy(), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(
    ("name", "shapes", "kw"),
    [c for c in CASES if 0 not in [n for s in c[1] for n in s]],
    ids=[i for i, c in zip(IDS, CASES) if 0 not in [n for s in c[1] for n in s]],
)
def test_gradcheck_and_gradgradcheck(name, shapes, kw, rng):
    xs = [ac.tensor(a, requires_grad=True) for a in random_operands(rng, shapes)]

    def f(*args):
        return getattr(ac, name)(*args, **kw)

    assert ac.gradcheck(f, xs) and ac.gradgradcheck(f, xs)


@pytest.mark.parametrize("name", ["bmm", "mv", "dot", "vdot", "inner", "addmm", "addmv"])
def test_tensor_methods_exist_and_tensordot_is_a_function(name):
    assert getattr(ac.Tensor, name) is getattr(ac, name)
    assert not hasattr(ac.Tensor, "tensordot")


@pytest.mark.parametrize("name", ["addmm", "addmv", "addbmm", "baddbmm"])
def test_beta_zero_ignores_nan_in_input_and_gives_it_a_zero_gradient(name, torch, rng, device):
    shapes = {
        "addmm": [(2, 4), (2, 3), (3, 4)],
        "addmv": [(2,), (2, 3), (3,)],
        "addbmm": [(3, 5), (2, 3, 4), (2, 4, 5)],
        "baddbmm": [(2, 3, 5), (2, 3, 4), (2, 4, 5)],
    }[name]
    arrays = random_operands(rng, shapes)
    arrays[0][...] = np.nan
    xs = [ac.tensor(a, requires_grad=True, device=device) for a in arrays]
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    y = getattr(ac, name)(*xs, beta=0, alpha=2.0)
    ty = getattr(torch, name)(*ts, beta=0, alpha=2.0)
    assert not np.isnan(y.numpy()).any()
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), rtol=1e-10)
    y.sum().backward()
    ty.sum().backward()
    for x, t in zip(xs, ts):
        np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-10)


ERRORS = [
    ("bmm", [(3, 4), (4, 5)], {}, ac.ShapeError, r"bmm: needs 3-D and 3-D .* \(3, 4\)"),
    ("bmm", [(2, 3, 4), (3, 4, 5)], {}, ac.ShapeError, r"bmm: batch sizes differ \(2 vs 3\)"),
    ("bmm", [(2, 3, 4), (2, 3, 5)], {}, ac.ShapeError, r"bmm: the contracted sizes differ"),
    ("mv", [(3, 4), (4, 1)], {}, ac.ShapeError, r"mv: needs 2-D and 1-D"),
    ("mv", [(3, 4), (3,)], {}, ac.ShapeError, r"mv: the contracted sizes differ \(4 vs 3\)"),
    ("dot", [(2, 2), (2,)], {}, ac.ShapeError, r"dot: needs 1-D and 1-D .* \(2, 2\)"),
    ("dot", [(2,), (3,)], {}, ac.ShapeError, r"dot: the contracted sizes differ \(2 vs 3\)"),
    ("vdot", [(2,), (3,)], {}, ac.ShapeError, r"vdot: the contracted sizes differ"),
    ("inner", [(2, 3), (3, 2)], {}, ac.ShapeError, r"inner: the contracted sizes differ"),
    ("tensordot", [(2, 3), (3, 2)], {"dims": 3}, ac.ShapeError, r"dims=3 must lie in \[0, 2\]"),
    ("tensordot", [(2, 3), (3, 2)], {"dims": ([0], [0])}, ac.ShapeError, r"sizes 2 and 3"),
    ("tensordot", [(2, 3), (3, 2)], {"dims": ([0, 1], [0])}, ac.ShapeError, r"2 axes of a"),
    ("tensordot", [(2, 3), (3, 2)], {"dims": ([2], [0])}, ac.ShapeError, r"axis 2 is out"),
    ("tensordot", [(2, 3), (3, 2)], {"dims": ([0, 0], [0, 1])}, ac.ShapeError, r"repeated"),
    ("tensordot", [(2, 3), (3, 2)], {"dims": "x"}, TypeError, r"tensordot: dims must be"),
    ("addmm", [(3, 4), (2, 3), (3, 4)], {}, ac.ShapeError, r"addmm: input of shape \(3, 4\)"),
    ("addmm", [(2, 4), (2, 3), (2, 4)], {}, ac.ShapeError, r"addmm: the contracted sizes"),
    ("addmm", [(2, 1, 4), (2, 3), (3, 4)], {}, ac.ShapeError, r"does not broadcast"),
    ("addmv", [(3,), (2, 3), (3,)], {}, ac.ShapeError, r"addmv: input of shape \(3,\)"),
    ("addbmm", [(3, 5), (2, 3, 4), (3, 4, 5)], {}, ac.ShapeError, r"addbmm: batch sizes"),
    ("baddbmm", [(3, 5), (2, 3, 4), (2, 5, 5)], {}, ac.ShapeError, r"baddbmm: the contracted"),
]


@pytest.mark.parametrize(("name", "shapes", "kw", "error", "match"), ERRORS)
def test_bad_shapes_raise_typed_errors_naming_the_shapes(name, shapes, kw, error, match):
    with pytest.raises(error, match=match):
        getattr(ac, name)(*[ac.ones(*s) for s in shapes], **kw)


@pytest.mark.parametrize("name", ["bmm", "mv", "dot", "vdot", "addmm"])
def test_mixed_dtypes_raise_dtype_error(name):
    shapes = {
        "bmm": [(2, 3, 4), (2, 4, 5)],
        "mv": [(3, 4), (4,)],
        "dot": [(3,), (3,)],
        "vdot": [(3,), (3,)],
        "addmm": [(2, 3), (3, 4)],
    }[name]
    a, b = ac.ones(*shapes[0], dtype=ac.float32), ac.ones(*shapes[1], dtype=ac.float64)
    args = (ac.ones(2, 4, dtype=ac.float32), a, b) if name == "addmm" else (a, b)
    with pytest.raises(ac.DTypeError, match=rf"{name}: .*float32 and float64"):
        getattr(ac, name)(*args)


def test_scaled_sum_refuses_an_input_of_another_dtype():
    with pytest.raises(ac.DTypeError, match=r"addmm: input is float32 but the product is float64"):
        ac.addmm(ac.ones(2, 2), ac.ones(2, 3, dtype=ac.float64), ac.ones(3, 2, dtype=ac.float64))
