"""The elementwise math functions of ops/trigonometric.py, hyperbolic.py, exp_log.py and
piecewise.py: values and gradients against PyTorch in float64, broadcasting, dtypes, edge
values, the in-place and method forms, closed forms without torch, and each error path.

The op database (test_op_db.py) gradchecks the registered ones at order 1 and 2; the
compositions (deg2rad, rad2deg, ldexp, float_power) are gradchecked here.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import autograd_core as ac
from autograd_core.errors import DTypeError, GraphError

INF, NAN = math.inf, math.nan

# name -> (low, high): sample range inside the domain
UNARY = {
    "tan": (-1.3, 1.3),
    "asin": (-0.95, 0.95),
    "arcsin": (-0.95, 0.95),
    "acos": (-0.95, 0.95),
    "arccos": (-0.95, 0.95),
    "atan": (-4.0, 4.0),
    "arctan": (-4.0, 4.0),
    "sinh": (-4.0, 4.0),
    "cosh": (-4.0, 4.0),
    "asinh": (-4.0, 4.0),
    "arcsinh": (-4.0, 4.0),
    "acosh": (1.05, 4.0),
    "arccosh": (1.05, 4.0),
    "atanh": (-0.95, 0.95),
    "arctanh": (-0.95, 0.95),
    "log2": (0.1, 5.0),
    "log10": (0.1, 5.0),
    "exp2": (-3.0, 3.0),
    "frac": (-3.0, 3.0),
    "logit": (0.02, 0.98),
    "sinc": (-3.0, 3.0),
    "deg2rad": (-360.0, 360.0),
    "rad2deg": (-4.0, 4.0),
    "sgn": (-2.0, 2.0),
}
BINARY = {  # name -> (range of a, range of b)
    "atan2": ((-2.0, 2.0), (-2.0, 2.0)),
    "arctan2": ((-2.0, 2.0), (-2.0, 2.0)),
    "hypot": ((-2.0, 2.0), (-2.0, 2.0)),
    "xlogy": ((-2.0, 2.0), (0.1, 3.0)),
    "logaddexp": ((-5.0, 5.0), (-5.0, 5.0)),
    "logaddexp2": ((-5.0, 5.0), (-5.0, 5.0)),
    "fmax": ((-2.0, 2.0), (-2.0, 2.0)),
    "fmin": ((-2.0, 2.0), (-2.0, 2.0)),
    "copysign": ((-2.0, 2.0), (-2.0, 2.0)),
    "ldexp": ((-2.0, 2.0), (-3.0, 3.0)),
    "float_power": ((0.2, 3.0), (-2.0, 2.0)),
    "true_divide": ((-2.0, 2.0), (0.5, 2.0)),
}
BROADCAST_SHAPES = [
    ((3, 4), (3, 4)),
    ((3, 1), (1, 4)),
    ((2, 3, 4), (4,)),
    ((), (2, 3)),
    ((0, 3), (3,)),
]


def _pair(torch, array):
    ours = ac.tensor(array, dtype=ac.float64, requires_grad=True)
    theirs = torch.tensor(array, dtype=torch.float64, requires_grad=True)
    return ours, theirs


def _assert_close(ours, theirs, rtol=1e-10):
    want = theirs.detach().numpy(force=True)  # (force: torch returns a ZeroTensor for sgn)
    np.testing.assert_allclose(ours.numpy(), want, rtol=rtol, atol=1e-12)


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_values_and_gradients_match_torch(torch, name, rng):
    low, high = UNARY[name]
    x, tx = _pair(torch, rng.uniform(low, high, (3, 4)))
    y, ty = getattr(ac, name)(x), getattr(torch, name)(tx)
    _assert_close(y, ty)
    gy = rng.standard_normal((3, 4))
    (g,) = ac.grad(y, x, ac.tensor(gy), allow_unused=True)
    (tg,) = torch.autograd.grad(ty, tx, torch.tensor(gy), allow_unused=True)
    _assert_close(ac.zeros(3, 4, dtype=ac.float64) if g is None else g, tg)


@pytest.mark.parametrize("name", sorted(BINARY))
@pytest.mark.parametrize(("sa", "sb"), BROADCAST_SHAPES, ids=str)
def test_binary_values_and_gradients_match_torch_with_broadcasting(torch, name, sa, sb, rng):
    ra, rb = BINARY[name]
    a, ta = _pair(torch, rng.uniform(*ra, sa))
    b, tb = _pair(torch, rng.uniform(*rb, sb))
    y, ty = getattr(ac, name)(a, b), getattr(torch, name)(ta, tb)
    assert y.shape == tuple(ty.shape)
    _assert_close(y, ty)
    if not y.numel():
        return
    gy = rng.standard_normal(y.shape)
    ours = ac.grad(y, [a, b], ac.tensor(gy))
    theirs = torch.autograd.grad(ty, [ta, tb], torch.tensor(gy))
    for g, tg in zip(ours, theirs, strict=True):
        assert g.shape == tuple(tg.shape)
        _assert_close(g, tg)


def test_heaviside_matches_torch_with_broadcasting(torch):
    x = np.array([[-1.0, 0.0, 2.0, NAN, -0.0, INF]])
    values = np.array([[0.25], [0.75]])
    got = ac.heaviside(ac.tensor(x, dtype=ac.float64), ac.tensor(values, dtype=ac.float64))
    want = torch.heaviside(torch.tensor(x), torch.tensor(values))
    np.testing.assert_array_equal(got.numpy(), want.numpy())


def test_logit_with_eps_matches_torch_values_and_gradients(torch):
    data = np.array([-1.0, 0.0, 0.1, 0.2, 0.5, 0.8, 0.9, 1.0, 2.0])
    x, tx = _pair(torch, data)
    y, ty = ac.logit(x, eps=0.2), torch.logit(tx, eps=0.2)
    _assert_close(y, ty)
    _assert_close(ac.grad(y.sum(), x)[0], torch.autograd.grad(ty.sum(), tx)[0])


# -- edge values: 0, ±inf, NaN and the ends of the domains, against torch ------------------

EDGES = np.array([0.0, -0.0, 1.0, -1.0, 2.0, -2.0, 0.5, INF, -INF, NAN, 1e-300, 1e300])
EDGE_UNARY = sorted(set(UNARY) | {"trunc", "fix"})


@pytest.mark.parametrize("name", EDGE_UNARY)
def test_unary_edge_values_match_torch(torch, name):
    got = getattr(ac, name)(ac.tensor(EDGES, dtype=ac.float64)).numpy()
    want = getattr(torch, name)(torch.tensor(EDGES)).numpy()
    if name == "sgn":  # ac.sign keeps NaN (NumPy); torch.sgn gives 0 there
        got, want = got[~np.isnan(EDGES)], want[~np.isnan(EDGES)]
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=0, equal_nan=True)
    signed = ~np.isnan(want)  # (the sign of a NaN differs between NumPy and torch)
    np.testing.assert_array_equal(np.signbit(got[signed]), np.signbit(want[signed]))


# (true_divide is div, whose edge values are div's own tests')
@pytest.mark.parametrize("name", sorted(set(BINARY) - {"true_divide"}) + ["heaviside"])
def test_binary_edge_values_match_torch(torch, name):
    a, b = np.meshgrid(EDGES, EDGES)
    got = getattr(ac, name)(ac.tensor(a, dtype=ac.float64), ac.tensor(b, dtype=ac.float64))
    want = getattr(torch, name)(torch.tensor(a), torch.tensor(b)).numpy()
    # (atol: torch's logaddexp2(−1, −1) is −5e-17, ours the exact 0)
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-12, atol=1e-15, equal_nan=True)


@pytest.mark.parametrize(
    ("name", "points"),
    [
        ("asin", [1.0, -1.0, 0.0]),
        ("acos", [1.0, -1.0, 0.0]),
        ("acosh", [1.0, INF]),
        ("atanh", [1.0, -1.0]),
        ("log2", [0.0, INF]),
        ("log10", [0.0]),
        ("logit", [0.0, 1.0, 0.5]),
        ("sinc", [0.0, 1.0, -0.5]),
        ("frac", [1.0, -2.0]),
    ],
)
def test_gradients_at_domain_edges_match_torch(torch, name, points):
    x, tx = _pair(torch, np.array(points))
    (g,) = ac.grad(getattr(ac, name)(x).sum(), x)
    (tg,) = torch.autograd.grad(getattr(torch, name)(tx).sum(), tx)
    np.testing.assert_allclose(g.numpy(), tg.numpy(), rtol=1e-12, equal_nan=True)


@pytest.mark.parametrize(
    ("name", "a", "b"),
    [
        ("xlogy", [0.0, 0.0, 0.0, 0.0, 1.0, 2.0], [0.0, INF, -1.0, NAN, 0.0, -1.0]),
        ("fmax", [1.0, 2.0, NAN, NAN, 3.0], [1.0, 1.0, 2.0, NAN, NAN]),
        ("fmin", [1.0, 2.0, NAN, NAN, 3.0], [1.0, 1.0, 2.0, NAN, NAN]),
        ("copysign", [0.0, -0.0, 2.0, -2.0, 0.0], [1.0, -1.0, -1.0, 1.0, -0.0]),
        ("atan2", [0.0, -0.0, 1.0], [0.0, 0.0, 0.0]),
        ("hypot", [0.0, 3.0], [0.0, INF]),
        ("logaddexp", [INF, -INF, INF, 1.0], [INF, -INF, -INF, -INF]),
    ],
)
def test_binary_gradients_at_edges_match_torch(torch, name, a, b):
    a, ta = _pair(torch, np.array(a))
    b, tb = _pair(torch, np.array(b))
    ours = ac.grad(getattr(ac, name)(a, b).sum(), [a, b])
    theirs = torch.autograd.grad(getattr(torch, name)(ta, tb).sum(), [ta, tb])
    for g, tg in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(g.numpy(), tg.numpy(), rtol=1e-12, equal_nan=True)


@pytest.mark.parametrize(
    ("name", "points"),
    [
        ("sqrt", [0.0, 4.0, -1.0]),
        ("rsqrt", [0.0, 4.0]),
        ("reciprocal", [0.0, -0.0, 2.0]),
        ("log", [0.0, -1.0, 1.0]),
        ("exp", [800.0, 1.0]),
        ("square", [1e200, 2.0]),
    ],
)
def test_backward_at_domain_edges_is_silent_as_torch(torch, name, points):
    # PyTorch's backward raises no warnings; ours ran NumPy's "divide by zero encountered"
    # from lines of our VJPs (√x at 0) until the sweep turned them off. The forward keeps
    # NumPy's warnings: they are about the user's own op on the values passed.
    x, tx = _pair(torch, np.array(points))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        y = getattr(ac, name)(x).sum()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        (g,) = ac.grad(y, x)
    (tg,) = torch.autograd.grad(getattr(torch, name)(tx).sum(), tx)
    np.testing.assert_allclose(g.numpy(), tg.numpy(), rtol=1e-12, equal_nan=True)


# -- closed forms and identities, without torch --------------------------------------------


def test_identities_hold_without_torch(rng):
    x = ac.tensor(rng.uniform(-1.2, 1.2, (50,)), dtype=ac.float64)
    close = np.testing.assert_allclose
    close(ac.tan(x).numpy(), (ac.sin(x) / ac.cos(x)).numpy(), rtol=1e-13)
    close(ac.sin(ac.asin(x * 0.8)).numpy(), (x * 0.8).numpy(), rtol=1e-13)
    close(ac.tanh(ac.atanh(x * 0.8)).numpy(), (x * 0.8).numpy(), rtol=1e-13)
    close((ac.cosh(x) ** 2 - ac.sinh(x) ** 2).numpy(), np.ones(50), rtol=1e-13)
    close(ac.acosh(ac.cosh(x.abs() + 0.5)).numpy(), (x.abs() + 0.5).numpy(), rtol=1e-13)
    close(ac.exp2(ac.log2(x.abs() + 0.1)).numpy(), (x.abs() + 0.1).numpy(), rtol=1e-13)
    close(ac.log10(ac.tensor([1e-5, 1e3])).tolist(), [-5.0, 3.0])
    close(ac.logit(ac.sigmoid(x)).numpy(), x.numpy(), rtol=1e-12, atol=1e-15)
    close(ac.deg2rad(ac.rad2deg(x)).numpy(), x.numpy(), rtol=1e-15)
    close(ac.ldexp(x, ac.tensor([3])).numpy(), x.numpy() * 8, rtol=0)
    close(ac.frac(x).numpy() + ac.trunc(x).numpy(), x.numpy(), rtol=0)
    close(
        ac.sinc(ac.tensor([0.5, 1.0, 0.0], dtype=ac.float64)).numpy(),
        [2 / math.pi, 0, 1],
        atol=1e-16,
    )


def test_sinc_derivatives_at_zero_are_the_closed_forms():
    # sinc′(0) = 0 and sinc″(0) = −π²/3 (PyTorch gives NaN for the second one)
    x = ac.tensor([0.0, 1e-4], dtype=ac.float64, requires_grad=True)
    (g,) = ac.grad(ac.sinc(x).sum(), x, create_graph=True)
    (gg,) = ac.grad(g.sum(), x)
    assert g.tolist()[0] == 0.0
    np.testing.assert_allclose(gg.numpy(), [-(math.pi**2) / 3] * 2, rtol=1e-7)


@pytest.mark.parametrize("name", ["deg2rad", "rad2deg"])
def test_compositions_pass_gradcheck_first_and_second_order(name, rng):
    x = ac.tensor(rng.standard_normal((2, 3)), dtype=ac.float64, requires_grad=True)
    assert ac.gradcheck(getattr(ac, name), (x,))
    assert ac.gradgradcheck(getattr(ac, name), (x,))


@pytest.mark.parametrize("name", ["ldexp", "float_power"])
def test_binary_compositions_pass_gradcheck_with_broadcasting(name, rng):
    a = ac.tensor(rng.uniform(0.5, 2.0, (3, 1)), dtype=ac.float64, requires_grad=True)
    b = ac.tensor(rng.uniform(-1.5, 1.5, (4,)), dtype=ac.float64, requires_grad=True)
    assert ac.gradcheck(getattr(ac, name), (a, b))
    assert ac.gradgradcheck(getattr(ac, name), (a, b))


# -- dtypes ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_keep_float32_and_give_the_default_dtype_for_integers(name):
    assert getattr(ac, name)(ac.tensor([0.5, 0.25], dtype=ac.float32)).dtype == np.float32
    if name not in ("sgn", "frac"):  # sign and x − trunc(x) keep integers
        # PyTorch's promotion: an integer input gives the default float dtype (float32)
        assert getattr(ac, name)(ac.tensor([1, 2])).dtype == np.float32


@pytest.mark.parametrize("name", sorted(BINARY) + ["heaviside"])
def test_binary_keep_float32_with_a_number(name):
    x = ac.tensor([0.5, 2.0], dtype=ac.float32)
    expected = np.float64 if name == "float_power" else np.float32
    assert getattr(ac, name)(x, 2.0).dtype == expected


def test_ldexp_keeps_float32_with_integer_exponents_and_float_power_grads_keep_dtype(torch):
    x = ac.tensor([1.5], dtype=ac.float32, requires_grad=True)
    assert ac.ldexp(x, ac.tensor([3])).dtype == torch.ldexp(
        torch.ones(1), torch.tensor([3])
    ).dtype.__str__().removeprefix("torch.")
    y = ac.float_power(x, 2)
    assert y.dtype == np.float64
    (g,) = ac.grad(y.sum(), x)
    assert g.dtype == np.float32 and g.tolist() == [3.0]


# -- methods, aliases and in-place forms -----------------------------------------------------

IN_PLACE = sorted(set(UNARY) - {"sgn"}) + ["trunc", "fix", "sgn"]


@pytest.mark.parametrize("name", sorted(UNARY) + sorted(BINARY) + ["trunc", "fix", "heaviside"])
def test_every_name_is_a_function_and_a_tensor_method(torch, name):
    x = ac.tensor([0.3, 0.6], dtype=ac.float64)
    args = (
        (ac.tensor([0.7, 1.5], dtype=ac.float64),) if name in BINARY or name == "heaviside" else ()
    )
    np.testing.assert_array_equal(
        getattr(x, name)(*args).numpy(), getattr(ac, name)(x, *args).numpy()
    )
    assert hasattr(torch.Tensor, name)


@pytest.mark.parametrize("name", IN_PLACE)
def test_in_place_forms_write_the_result(name):
    data = np.array([0.3, 0.6])
    x = ac.tensor(data, dtype=ac.float64)
    expected = getattr(ac, name)(ac.tensor(data, dtype=ac.float64)).numpy()
    assert getattr(x, name + "_")() is x
    np.testing.assert_array_equal(x.numpy(), expected)


def test_binary_in_place_forms_and_their_recorded_gradient():
    x = ac.tensor([0.5, 1.0], dtype=ac.float64)
    x.atan2_(ac.tensor([1.0, 1.0], dtype=ac.float64))
    np.testing.assert_allclose(x.numpy(), np.arctan2([0.5, 1.0], 1.0))
    w = ac.tensor([0.5, 1.0], dtype=ac.float64, requires_grad=True)
    y = w * 1.0
    y.hypot_(ac.tensor([1.0, 1.0], dtype=ac.float64))
    (g,) = ac.grad(y.sum(), w)
    np.testing.assert_allclose(g.numpy(), np.array([0.5, 1.0]) / np.hypot([0.5, 1.0], 1.0))


def test_in_place_refuses_a_float_result_in_an_integer_tensor():
    with pytest.raises(DTypeError, match=r"tan_: the result has dtype float32"):
        ac.tensor([1, 2]).tan_()


def test_in_place_refuses_a_leaf_that_requires_grad():
    with pytest.raises(GraphError, match="asin_: a leaf tensor that requires grad"):
        ac.tensor([0.5], requires_grad=True).asin_()


def test_piecewise_constant_ops_follow_floor_and_sign():
    x = ac.tensor([-1.5, 0.5], requires_grad=True)
    # trunc, fix and sgn have a zero gradient, as floor and sign (PyTorch's zeros_like(grad))
    for f in (ac.trunc, ac.fix, ac.sgn):
        (g,) = ac.grad(f(x).sum(), x)
        assert g.tolist() == [0.0, 0.0], f.__name__
    # heaviside has none: PyTorch records a node whose backward raises; ours records none
    assert not ac.heaviside(x, 0.5).requires_grad


# -- error paths -----------------------------------------------------------------------------


@pytest.mark.parametrize("eps", [-0.1, 0.6, 1.0])
def test_logit_rejects_eps_outside_zero_to_half(eps):
    with pytest.raises(ValueError, match=r"logit: eps must lie in \[0, 0.5\].*eps=None"):
        ac.logit(ac.tensor([0.5]), eps=eps)


def test_binary_ops_name_the_shapes_that_do_not_broadcast():
    with pytest.raises(ValueError, match="atan2"):
        ac.atan2(ac.zeros(3), ac.zeros(4))
