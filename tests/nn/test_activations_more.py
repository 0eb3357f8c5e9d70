"""nn/functional_act.py and nn/activations_more.py against PyTorch: values (float32, float64;
0-d, empty, non-contiguous), gradients in float64, gradients at the kinks, first and second
order gradcheck, the device stand-in, module printing, and the error messages."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
import nn
import nn.functional as F
import nn.functional_act as FA
from autograd_core.errors import DTypeError, ShapeError

# name, kwargs, kinks (points where the gradient convention is pinned to PyTorch's)
ELEMENTWISE = [
    ("mish", {}, [0.0]),
    ("hardswish", {}, [-3.0, 3.0, 0.0]),
    ("hardsigmoid", {}, [-3.0, 3.0]),
    ("selu", {}, [0.0]),
    ("celu", {}, [0.0]),
    ("celu", {"alpha": 0.5}, [0.0]),
    ("celu", {"alpha": -2.0}, [0.0]),
    ("softsign", {}, [0.0]),
    ("tanhshrink", {}, [0.0]),
    ("softshrink", {}, [-0.5, 0.5, 0.0]),
    ("softshrink", {"lambd": 1.0}, [-1.0, 1.0]),
    ("hardshrink", {}, [-0.5, 0.5, 0.0]),
    ("hardshrink", {"lambd": 1.0}, [-1.0, 1.0]),
    ("threshold", {"threshold": 0.5, "value": -2.0}, [0.5]),
    ("rrelu", {}, [0.0]),
    ("rrelu", {"lower": 0.1, "upper": 0.5}, [0.0]),
]
IDS = [f"{n}{k or ''}" for n, k, _ in ELEMENTWISE]
SHAPES = [(), (5,), (3, 4), (0, 3), (2, 3, 4)]


def _input(shape, kinks, seed=0):
    """Values in [-5, 5] kept 0.05 away from the kinks (for finite differences)."""
    x = np.random.default_rng(seed).uniform(-5, 5, shape)
    for k in kinks:
        close = np.abs(x - k) < 0.05
        x[close] = k + 0.05 * np.where(x[close] >= k, 1, -1)
    return x


def _torch_call(torch, name, x, kwargs):
    return getattr(torch.nn.functional, name)(x, **kwargs)


@pytest.mark.parametrize(("name", "kwargs", "kinks"), ELEMENTWISE, ids=IDS)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize(("dtype", "rtol"), [("float32", 2e-6), ("float64", 1e-12)])
def test_values_match_torch(torch, name, kwargs, kinks, shape, dtype, rtol):
    a = _input(shape, kinks).astype(dtype)
    y = getattr(F, name)(ac.tensor(a), **kwargs)
    expected = _torch_call(torch, name, torch.tensor(a), kwargs).numpy()
    assert y.dtype == np.dtype(dtype) and y.shape == expected.shape
    np.testing.assert_allclose(y.data, expected, rtol=rtol, atol=1e-7 if dtype == "float32" else 0)
    if name in ("hardshrink", "hardswish", "threshold"):  # the sign of each zero too: +0, −0, +0
        zeros = expected == 0  # (torch's own float32 softshrink gives −0 on some paths)
        assert (np.signbit(y.data[zeros]) == np.signbit(expected[zeros])).all()


@pytest.mark.parametrize(("name", "kwargs", "kinks"), ELEMENTWISE, ids=IDS)
def test_non_contiguous_input(torch, name, kwargs, kinks):
    b = _input((4, 3), kinks)
    x = ac.tensor(b).T  # a transposed view
    assert not x.data.flags.c_contiguous
    y = getattr(F, name)(x, **kwargs)
    expected = _torch_call(torch, name, torch.tensor(b).T, kwargs)
    np.testing.assert_allclose(y.data, expected.numpy(), rtol=1e-12)


def _grads(torch, name, kwargs, a, gy):
    x = ac.tensor(a, requires_grad=True)
    (g,) = ac.grad(getattr(F, name)(x, **kwargs), [x], ac.tensor(gy))
    xt = torch.tensor(a, requires_grad=True)
    (gt,) = torch.autograd.grad(_torch_call(torch, name, xt, kwargs), [xt], torch.tensor(gy))
    return g.data, gt.numpy()


# torch's hardsigmoid backward multiplies by 1/6 rounded to float32 (0.16666667163...), also
# in float64; ours uses 1/6 in float64, so the two differ by 3e-8 relative (checked below).
_GRAD_RTOL = {"hardsigmoid": 1e-7}


@pytest.mark.parametrize(("name", "kwargs", "kinks"), ELEMENTWISE, ids=IDS)
def test_gradients_match_torch(torch, name, kwargs, kinks):
    a = _input((3, 4), kinks)
    gy = np.random.default_rng(1).standard_normal(a.shape)
    g, gt = _grads(torch, name, kwargs, a, gy)
    np.testing.assert_allclose(g, gt, rtol=_GRAD_RTOL.get(name, 1e-10), atol=1e-15)


@pytest.mark.parametrize(("name", "kwargs", "kinks"), ELEMENTWISE, ids=IDS)
def test_gradients_at_the_kinks_are_torchs(torch, name, kwargs, kinks):
    a = np.array(kinks)
    g, gt = _grads(torch, name, kwargs, a, np.ones_like(a))
    np.testing.assert_allclose(g, gt, rtol=_GRAD_RTOL.get(name, 0), atol=0)


def test_hardsigmoid_slope_is_exactly_one_sixth():
    x = ac.tensor([-1.0, 0.0, 2.5], dtype=ac.float64, requires_grad=True)
    F.hardsigmoid(x).sum().backward()
    assert x.grad.tolist() == [1 / 6] * 3


@pytest.mark.parametrize(("name", "kwargs", "kinks"), ELEMENTWISE, ids=IDS)
def test_gradcheck_first_and_second_order(name, kwargs, kinks):
    x = ac.tensor(_input((2, 3), kinks, seed=2), requires_grad=True)

    def fn(t):
        return getattr(F, name)(t, **kwargs)

    assert ac.gradcheck(fn, [x])
    assert ac.gradgradcheck(fn, [x])


@pytest.mark.parametrize(("name", "kwargs", "kinks"), ELEMENTWISE, ids=IDS)
def test_on_the_device(device, name, kwargs, kinks):
    a = _input((3, 4), kinks)
    x = ac.tensor(a, requires_grad=True, device=device)
    y = getattr(F, name)(x, **kwargs)
    y.sum().backward()
    assert y.device == x.device and x.grad.device == x.device
    xc = ac.tensor(a, requires_grad=True)
    yc = getattr(F, name)(xc, **kwargs)
    yc.sum().backward()
    np.testing.assert_allclose(y.to("cpu").data, yc.data, rtol=1e-12)
    np.testing.assert_allclose(x.grad.to("cpu").data, xc.grad.data, rtol=1e-12)


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")  # NaN results, as torch's
@pytest.mark.parametrize(("name", "kwargs", "kinks"), ELEMENTWISE, ids=IDS)
def test_infinite_and_nan_inputs_give_torchs_values(torch, name, kwargs, kinks):
    a = np.array([-np.inf, np.inf, np.nan, -1e4, 1e4])
    y = getattr(F, name)(ac.tensor(a), **kwargs)
    expected = _torch_call(torch, name, torch.tensor(a), kwargs).numpy()
    np.testing.assert_allclose(y.data, expected, rtol=1e-12, equal_nan=True)


def test_mish_saturates_without_overflow():
    x = ac.tensor([-1e4, 1e4, -40.0, 40.0], requires_grad=True)
    y = F.mish(x)
    y.sum().backward()
    assert np.isfinite(y.data).all() and np.isfinite(x.grad.data).all()
    assert y.data[1] == 1e4


def test_selu_constants_are_torchs(torch):
    x = torch.tensor([-50.0], dtype=torch.float64)
    assert FA.SELU_ALPHA * FA.SELU_SCALE == pytest.approx(-torch.selu(x).item(), rel=1e-15)
    assert F.selu(ac.tensor([1.0], dtype=ac.float64)).item() == FA.SELU_SCALE


def test_celu_of_large_positive_input_has_finite_gradient():
    x = ac.tensor([1e3, -1e3], dtype=ac.float64, requires_grad=True)
    F.celu(x, alpha=0.5).sum().backward()
    assert x.grad.tolist() == [1.0, 0.0]


# -- glu, softmin, Softmax2d ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("shape", "dim"), [((4,), -1), ((3, 4), 1), ((4, 3), 0), ((2, 6, 3), 1), ((0, 4), -1)]
)
def test_glu_matches_torch(torch, shape, dim):
    a = np.random.default_rng(0).standard_normal(shape)
    x = ac.tensor(a, requires_grad=True)
    y = F.glu(x, dim)
    xt = torch.tensor(a, requires_grad=True)
    yt = torch.nn.functional.glu(xt, dim)
    np.testing.assert_allclose(y.data, yt.detach().numpy(), rtol=1e-12)
    gy = np.random.default_rng(1).standard_normal(y.shape)
    (g,) = ac.grad(y, [x], ac.tensor(gy))
    (gt,) = torch.autograd.grad(yt, [xt], torch.tensor(gy))
    np.testing.assert_allclose(g.data, gt.numpy(), rtol=1e-10)
    assert F.glu(ac.tensor(a.astype(np.float32)), dim).dtype == np.float32
    if a.size:
        assert ac.gradcheck(lambda t: F.glu(t, dim), [x])
        assert ac.gradgradcheck(lambda t: F.glu(t, dim), [x])


@pytest.mark.parametrize(("shape", "dim"), [((3, 4), 1), ((3, 4), 0), ((2, 3, 4), -1), ((), 0)])
def test_softmin_matches_torch(torch, shape, dim):
    a = np.random.default_rng(0).standard_normal(shape)
    x = ac.tensor(a, requires_grad=True)
    y = F.softmin(x, dim)
    xt = torch.tensor(a, requires_grad=True)
    yt = torch.nn.functional.softmin(xt, dim)
    np.testing.assert_allclose(y.data, yt.detach().numpy(), rtol=1e-12)
    gy = np.random.default_rng(1).standard_normal(y.shape)
    (g,) = ac.grad(y, [x], ac.tensor(gy))
    (gt,) = torch.autograd.grad(yt, [xt], torch.tensor(gy))
    np.testing.assert_allclose(g.data, gt.numpy(), rtol=1e-10, atol=1e-15)
    assert ac.gradgradcheck(lambda t: F.softmin(t, dim), [x])


def test_softmin_without_dim_warns_and_uses_torchs_choice(torch):
    a = np.random.default_rng(0).standard_normal((2, 3))
    with pytest.warns(UserWarning, match="softmin: no dim given, so dim=1"):
        y = nn.Softmin()(ac.tensor(a))
    with pytest.warns(UserWarning):
        expected = torch.nn.Softmin()(torch.tensor(a)).numpy()
    np.testing.assert_allclose(y.data, expected, rtol=1e-12)
    assert F.softmin(ac.tensor(a, dtype=ac.float32), 1, dtype=ac.float64).dtype == np.float64


@pytest.mark.parametrize("shape", [(3, 2, 2), (2, 3, 2, 2)])
def test_softmax2d_matches_torch(torch, shape, device):
    a = np.random.default_rng(0).standard_normal(shape)
    y = nn.Softmax2d()(ac.tensor(a, device=device))
    np.testing.assert_allclose(
        y.to("cpu").data, torch.nn.Softmax2d()(torch.tensor(a)).numpy(), rtol=1e-12
    )


def test_glu_and_softmin_on_the_device(device):
    x = ac.tensor(np.arange(8.0).reshape(2, 4) / 8, requires_grad=True, device=device)
    (F.glu(x).sum() + F.softmin(x, 1)[:, 0].sum()).backward()
    assert x.grad.device == x.device


# -- rrelu in training ---------------------------------------------------------------------


def test_rrelu_training_draws_slopes_in_range_from_the_generator():
    a = -np.abs(np.random.default_rng(0).standard_normal(20000)) - 0.1
    a[:100] = np.abs(a[:100])  # some positive entries: passed through with gradient 1
    x = ac.tensor(a, requires_grad=True)
    y = F.rrelu(x, 0.1, 0.3, training=True, generator=ac.Generator(5))
    y.sum().backward()
    slopes = y.data / a
    assert (slopes[:100] == 1).all() and (x.grad.data[:100] == 1).all()
    neg = slopes[100:]
    assert neg.min() >= 0.1 and neg.max() < 0.3
    np.testing.assert_allclose(x.grad.data[100:], neg, rtol=1e-12)
    # U(0.1, 0.3): mean 0.2, sd 0.2/√12 = 0.0577; 6 standard errors over 19900 draws
    assert abs(neg.mean() - 0.2) < 6 * 0.0577 / np.sqrt(neg.size)
    again = F.rrelu(ac.tensor(a), 0.1, 0.3, training=True, generator=ac.Generator(5))
    assert (again.data == y.data).all()


def test_rrelu_module_trains_randomly_and_evaluates_with_the_mean_slope(torch):
    m = nn.RReLU(0.1, 0.3)
    x = ac.tensor([-1.0, -1.0, -1.0, 2.0], dtype=ac.float64)
    ac.manual_seed(0)
    assert len(set(m(x).tolist()[:3])) == 3
    seeded = [nn.RReLU(0.1, 0.3, generator=ac.Generator(7))(x).tolist() for _ in range(2)]
    assert seeded[0] == seeded[1]
    m.eval()
    tm = torch.nn.RReLU(0.1, 0.3).eval()
    np.testing.assert_allclose(m(x).data, tm(torch.tensor(x.data)).numpy(), rtol=1e-15)


def test_rrelu_training_on_the_device(device):
    x = ac.tensor([-1.0, 0.0, 2.0], requires_grad=True, device=device)
    y = F.rrelu(x, training=True, generator=ac.Generator(0))
    y.sum().backward()
    g = x.grad.to("cpu").tolist()
    assert 1 / 8 <= g[0] < 1 / 3 and 1 / 8 <= g[1] < 1 / 3 and g[2] == 1


# -- modules -------------------------------------------------------------------------------

MODULES = [
    ("Mish", (), {}),
    ("Mish", (), {"inplace": True}),
    ("Hardswish", (), {"inplace": True}),
    ("Hardsigmoid", (), {}),
    ("SELU", (), {"inplace": True}),
    ("CELU", (), {}),
    ("CELU", (0.5,), {"inplace": True}),
    ("Softsign", (), {}),
    ("Tanhshrink", (), {}),
    ("Softshrink", (), {}),
    ("Softshrink", (1,), {}),
    ("Hardshrink", (0.25,), {}),
    ("Threshold", (0.1, 20.0), {}),
    ("Threshold", (1, 2), {"inplace": True}),
    ("GLU", (), {}),
    ("GLU", (0,), {}),
    ("RReLU", (), {}),
    ("RReLU", (0.1, 0.2), {"inplace": True}),
    ("Softmin", (1,), {}),
    ("Softmax2d", (), {}),
]


@pytest.mark.parametrize(("cls", "args", "kwargs"), MODULES, ids=lambda v: str(v))
def test_modules_print_and_compute_as_torchs(torch, cls, args, kwargs):
    ours, theirs = getattr(nn, cls)(*args, **kwargs), getattr(torch.nn, cls)(*args, **kwargs)
    assert repr(ours) == repr(theirs)
    ours.eval()
    theirs.eval()
    a = np.random.default_rng(0).uniform(-4, 4, (2, 4, 3, 2))
    x = ac.tensor(a, requires_grad=True)
    xt = torch.tensor(a, requires_grad=True)
    # (inplace=True writes into its input, so both get a non-leaf copy)
    y, yt = ours(x * 1), theirs(xt.clone())
    np.testing.assert_allclose(y.data, yt.detach().numpy(), rtol=1e-12)
    gy = np.random.default_rng(1).standard_normal(y.shape)
    (g,) = ac.grad(y, [x], ac.tensor(gy))
    (gt,) = torch.autograd.grad(yt, [xt], torch.tensor(gy))
    np.testing.assert_allclose(g.data, gt.numpy(), rtol=_GRAD_RTOL.get(cls.lower(), 1e-10))
    assert (a == x.data).all()  # (the leaf itself is never written)


# -- errors --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted({n for n, _, _ in ELEMENTWISE} | {"glu", "softmin"}))
def test_integer_input_is_refused(name):
    kwargs = {"threshold": 0.0, "value": 0.0} if name == "threshold" else {}
    with pytest.raises(DTypeError, match=rf"{name}: expected a floating-point input, got dtype"):
        getattr(F, name)(ac.tensor([1, 2]), **kwargs)
    with pytest.raises(TypeError, match=rf"{name}: expected a Tensor, got list"):
        getattr(F, name)([1.0, 2.0], **kwargs)


def test_bad_arguments_are_refused():
    x = ac.tensor([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"celu: alpha cannot be 0 .* Pass a nonzero alpha"):
        F.celu(x, alpha=0.0)
    with pytest.raises(ValueError, match=r"softshrink: lambd must be at least 0, got -1.0"):
        F.softshrink(x, -1.0)
    with pytest.raises(ValueError, match=r"rrelu: lower must not exceed upper, got lower=0.5"):
        F.rrelu(x, 0.5, 0.1)
    with pytest.raises(ShapeError, match=r"glu: the halving dimension must be even, but dim"):
        F.glu(x)
    with pytest.raises(ShapeError, match=r"glu: a 0-d input cannot be halved"):
        F.glu(ac.tensor(1.0))
    with pytest.raises(ShapeError, match=r"glu: dim"):
        F.glu(ac.ones(2, 4), dim=2)
    with pytest.raises(ShapeError, match=r"softmin: dim"):
        F.softmin(ac.ones(2, 4), dim=2)
    with pytest.raises(ShapeError, match=r"Softmax2d: expected input to be 3D or 4D, got 2D"):
        nn.Softmax2d()(ac.ones(2, 4))
