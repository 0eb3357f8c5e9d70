"""Exact values at kinks, stability at extreme inputs, and dtype preservation of the unary and
activation ops (the op database checks gradients away from kinks; these pin the conventions).

The tests that compare with PyTorch take the ``torch`` fixture and skip without it; the rest run
everywhere.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import autograd_core as ac


def _grad(fn, x, dtype=np.float64, **kwargs):
    """Value and gradient of fn(x).sum() for a numpy array x, in ours and in torch."""
    t = ac.tensor(np.asarray(x, dtype=dtype), requires_grad=True)
    y = fn(t, **kwargs)
    (g,) = ac.grad(y.sum(), [t])
    return y.data, g.data


def _torch_grad(torch, fn, x, **kwargs):
    """The same in torch (float64): ``torch`` is the fixture, ``fn`` a torch function."""
    t = torch.tensor(np.asarray(x), dtype=torch.float64, requires_grad=True)
    y = fn(t, **kwargs)
    (g,) = torch.autograd.grad(y.sum(), [t])
    return y.detach().numpy(), g.numpy()


# -- conventions at kinks, each also pinned against torch ------------------------------------

KINKS = [-1.5, -1.0, 0.0, 1.0, 1.5]


def test_relu_family_gradients_at_zero_are_the_left_slopes():
    x = [0.0, -0.0]
    _, g = _grad(ac.leaky_relu, x, negative_slope=0.2)
    np.testing.assert_array_equal(g, [0.2, 0.2])  # the slope, not 1
    _, g = _grad(ac.elu, x, alpha=0.5)
    np.testing.assert_array_equal(g, [0.5, 0.5])  # α, the left derivative


def test_relu_family_gradients_at_zero_match_torch(torch):
    x = [0.0, -0.0]
    F = torch.nn.functional
    _, g = _grad(ac.leaky_relu, x, negative_slope=0.2)
    np.testing.assert_array_equal(g, _torch_grad(torch, F.leaky_relu, x, negative_slope=0.2)[1])
    _, g = _grad(ac.elu, x, alpha=0.5)
    np.testing.assert_array_equal(g, _torch_grad(torch, F.elu, x, alpha=0.5)[1])


def test_hardtanh_gradient_is_zero_at_the_bounds():
    y, g = _grad(ac.hardtanh, KINKS)
    np.testing.assert_array_equal(y, [-1, -1, 0, 1, 1])
    np.testing.assert_array_equal(g, [0, 0, 1, 0, 0])


def test_hardtanh_gradient_at_the_bounds_matches_torch(torch):
    _, g = _grad(ac.hardtanh, KINKS)
    np.testing.assert_array_equal(g, _torch_grad(torch, torch.nn.functional.hardtanh, KINKS)[1])


def test_clip_gradient_is_one_at_the_bounds():
    y, g = _grad(ac.clip, KINKS, min=-1, max=1)
    np.testing.assert_array_equal(y, [-1, -1, 0, 1, 1])
    np.testing.assert_array_equal(g, [0, 1, 1, 1, 0])
    np.testing.assert_array_equal(_grad(ac.clamp, KINKS, min=-1)[1], [0, 1, 1, 1, 1])
    np.testing.assert_array_equal(_grad(ac.clamp, KINKS, max=1)[1], [1, 1, 1, 1, 0])


def test_clip_gradient_at_the_bounds_matches_torch(torch):
    _, g = _grad(ac.clip, KINKS, min=-1, max=1)
    np.testing.assert_array_equal(g, _torch_grad(torch, torch.clamp, KINKS, min=-1, max=1)[1])


def _clip_grads(x, lo, hi):
    ts = [ac.tensor(np.asarray(a, dtype=np.float64), requires_grad=True) for a in (x, lo, hi)]
    y = ac.clip(*ts)
    return y.data, [g.data for g in ac.grad(y.sum(), ts)]


@pytest.mark.parametrize("lo_hi", [(-1.0, 1.0), (0.5, -0.5)], ids=["ordered", "min > max"])
def test_clip_tensor_bounds_gradients_match_torch(torch, lo_hi):
    x = np.array([-1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5])
    lo, hi = np.full_like(x, lo_hi[0]), np.full_like(x, lo_hi[1])
    y, ours = _clip_grads(x, lo, hi)
    tt = [torch.tensor(a, requires_grad=True) for a in (x, lo, hi)]
    ty = torch.clamp(*tt)
    theirs = torch.autograd.grad(ty.sum(), tt)
    np.testing.assert_array_equal(y, ty.detach().numpy())
    for g, tg in zip(ours, theirs, strict=True):
        np.testing.assert_array_equal(g, tg.numpy())


def test_clip_with_equal_bounds_gives_the_gradient_to_the_returned_bound():
    # torch.clamp drops the gradient where x < min == max (no input receives it); here it
    # goes to min, the bound that is returned, so ȳ is never lost.
    x = np.array([-1.0, 0.0, 1.0])
    y, (gx, glo, ghi) = _clip_grads(x, np.zeros(3), np.zeros(3))
    np.testing.assert_array_equal(y, [0, 0, 0])
    np.testing.assert_array_equal(gx, [0, 1, 0])
    np.testing.assert_array_equal(glo, [1, 0, 0])
    np.testing.assert_array_equal(ghi, [0, 0, 1])


def test_clip_needs_a_bound():
    with pytest.raises(TypeError, match="clip: at least one of min and max"):
        ac.clip(ac.tensor([1.0]))


def test_sign_round_floor_ceil_values():
    x = ac.tensor([-2.5, -0.5, 0.0, 0.5, 1.5, 2.5], requires_grad=True)
    np.testing.assert_array_equal(ac.sign(x).data, [-1, -1, 0, 1, 1, 1])
    np.testing.assert_array_equal(ac.round(x).data, [-2, -0, 0, 0, 2, 2])  # halves to even
    np.testing.assert_array_equal(ac.floor(x).data, [-3, -1, 0, 0, 1, 2])
    np.testing.assert_array_equal(ac.ceil(x).data, [-2, -0, 0, 1, 2, 3])
    # each is differentiable with a zero gradient everywhere, the jumps included (PyTorch's
    # convention): x · f(x) has the gradient f(x), and f(x) alone a zero one
    for f in (ac.sign, ac.round, ac.floor, ac.ceil, ac.trunc):
        x.grad = None
        (f(x) * x).sum().backward()
        np.testing.assert_array_equal(x.grad.data, f(x).data, err_msg=f.__name__)
        (g,) = ac.grad(f(x).sum(), [x])
        np.testing.assert_array_equal(g.data, np.zeros(6), err_msg=f.__name__)


def _sqrt_grad_at_zero():
    with np.errstate(divide="ignore"):
        return _grad(ac.sqrt, [0.0, 4.0])[1]


def test_sqrt_gradient_at_zero_is_inf():
    np.testing.assert_array_equal(_sqrt_grad_at_zero(), [np.inf, 0.25])


def test_sqrt_gradient_at_zero_matches_torch(torch):
    g = _sqrt_grad_at_zero()
    np.testing.assert_array_equal(g, _torch_grad(torch, torch.sqrt, [0.0, 4.0])[1])


# -- accuracy of the special functions -------------------------------------------------------


def test_erf_and_erfc_are_accurate_to_1e15_in_float64():
    x = np.concatenate([np.linspace(-27, 27, 20001), [0.0, 0.46875, -0.46875, 4.0, -4.0]])
    erf = ac.erf(ac.tensor(x)).data
    erfc = ac.erfc(ac.tensor(x)).data
    ref_erf = np.array([math.erf(v) for v in x])
    ref_erfc = np.array([math.erfc(v) for v in x])
    np.testing.assert_allclose(erf, ref_erf, rtol=1e-15, atol=1e-300)
    normal = ref_erfc > 1e-300  # below that erfc is subnormal and the relative error grows
    np.testing.assert_allclose(erfc[normal], ref_erfc[normal], rtol=1e-15)
    assert ac.erf(ac.tensor([np.inf, -np.inf])).tolist() == [1.0, -1.0]
    assert ac.erfc(ac.tensor([np.inf, -np.inf])).tolist() == [0.0, 2.0]
    assert np.isnan(ac.erf(ac.tensor([np.nan])).data).all()


GELU_X = np.linspace(-10, 10, 2001)


def test_gelu_exact_matches_the_closed_form():
    x = GELU_X
    cdf = np.array([0.5 * math.erfc(-v / math.sqrt(2)) for v in x])
    pdf = np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)
    y, g = _grad(ac.gelu, x)
    # rounding x/√2 alone costs up to ~x² ulps of relative error in the far negative tail
    np.testing.assert_allclose(y, x * cdf, rtol=5e-14, atol=1e-300)
    np.testing.assert_allclose(g, cdf + x * pdf, rtol=5e-14, atol=1e-300)


def test_gelu_exact_and_tanh_match_torch(torch):
    x = GELU_X
    F = torch.nn.functional
    y, g = _grad(ac.gelu, x)
    # torch computes Φ as ½(1 + erf(x/√2)), which cancels for x ≪ 0: compare absolutely there
    ty, tg = _torch_grad(torch, F.gelu, x)
    np.testing.assert_allclose(y, ty, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(g, tg, rtol=1e-12, atol=1e-14)
    _, g = _grad(ac.gelu, x, approximate="tanh")
    np.testing.assert_allclose(
        g, _torch_grad(torch, F.gelu, x, approximate="tanh")[1], rtol=1e-12, atol=1e-14
    )


def test_gelu_rejects_unknown_approximation():
    with pytest.raises(ValueError, match="gelu: approximate must be 'none' or 'tanh'"):
        ac.gelu(ac.tensor([1.0]), approximate="erf")


def test_hardtanh_rejects_swapped_bounds():
    with pytest.raises(ValueError, match="hardtanh: min_val must not exceed max_val"):
        ac.hardtanh(ac.tensor([1.0]), min_val=1.0, max_val=-1.0)


def test_softmax_takes_dim_or_axis_not_both():
    x = ac.tensor(np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(ac.softmax(x, axis=0).data, ac.softmax(x, dim=0).data)
    np.testing.assert_array_equal(ac.log_softmax(x).data, ac.log_softmax(x, dim=-1).data)
    with pytest.raises(TypeError, match="pass dim or axis, not both"):
        ac.softmax(x, dim=0, axis=0)


# -- stability at extreme inputs ------------------------------------------------------------

BIG = 1e4
EXTREME = np.array([-BIG, -100.0, -30.0, 0.0, 30.0, 100.0, BIG])


def _closed_forms(x):
    """Reference values in float64 via Python's math (exact up to rounding)."""

    def sig(v):
        return 1 / (1 + math.exp(-v)) if v >= 0 else math.exp(v) / (1 + math.exp(v))

    def logsig(v):
        return -(max(-v, 0) + math.log1p(math.exp(-abs(v))))

    return {
        "sigmoid": ([sig(v) for v in x], [sig(v) * sig(-v) for v in x]),
        "logsigmoid": ([logsig(v) for v in x], [sig(-v) for v in x]),
        "softplus": (
            [v if v > 20 else -logsig(-v) for v in x],
            [1.0 if v > 20 else sig(v) for v in x],
        ),
    }


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ["sigmoid", "logsigmoid", "softplus"])
def test_elementwise_activations_are_finite_and_exact_at_extremes(name, dtype):
    values, grads = _closed_forms(EXTREME)[name]
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        y, g = _grad(getattr(ac, name), EXTREME, dtype=dtype)
    assert y.dtype == dtype and g.dtype == dtype
    assert np.isfinite(y).all() and np.isfinite(g).all()
    # relative accuracy in both tails; the atol only lets values below the smallest normal
    # number (float32: σ'(±100) = 3.7e-44) be subnormal or 0
    rtol = 1e-6 if dtype == np.float32 else 1e-13
    atol = np.finfo(dtype).tiny
    np.testing.assert_allclose(y, np.array(values, dtype), rtol=rtol, atol=atol)
    np.testing.assert_allclose(g, np.array(grads, dtype), rtol=rtol, atol=atol)


SOFTMAX_X = np.array([[BIG, -BIG, 0.0], [BIG, BIG, -BIG], [-BIG, -BIG, -BIG]])


def _softmax_at_1e4(name, dtype):
    """y, x̄ and the second-order gradient of softmax or log_softmax at SOFTMAX_X, plus the
    upstream gradient ȳ in float64; no floating-point warning may be raised on the way."""
    t = ac.tensor(SOFTMAX_X.astype(dtype), requires_grad=True)
    gy = ac.tensor(np.random.default_rng(0).standard_normal(SOFTMAX_X.shape).astype(dtype))
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        y = getattr(ac, name)(t, dim=1)
        (g,) = ac.grad(y, [t], gy, create_graph=True)
        (gg,) = ac.grad((g * g).sum(), [t])  # second order stays finite too
    return y, g, gg, gy.data.astype(np.float64)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_is_finite_and_exact_for_logits_of_1e4(name, dtype):
    x = SOFTMAX_X
    expected_softmax = np.array([[1.0, 0.0, 0.0], [0.5, 0.5, 0.0], [1 / 3, 1 / 3, 1 / 3]])
    y, g, gg, sm = _softmax_at_1e4(name, dtype)
    assert y.dtype == dtype and g.dtype == dtype and gg.dtype == dtype
    assert np.isfinite(y.data).all() and np.isfinite(g.data).all() and np.isfinite(gg.data).all()
    p = expected_softmax
    if name == "softmax":
        expected = p
        expected_grad = p * (sm - (sm * p).sum(axis=1, keepdims=True))
    else:
        m = x.max(axis=1, keepdims=True)
        expected = x - m - np.log(np.exp(x - m).sum(axis=1, keepdims=True))
        expected_grad = sm - p * sm.sum(axis=1, keepdims=True)
    rtol = 1e-6 if dtype == np.float32 else 1e-14
    np.testing.assert_allclose(y.data, expected, rtol=rtol, atol=1e-6)
    np.testing.assert_allclose(g.data, expected_grad, rtol=rtol, atol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_for_logits_of_1e4_matches_torch(torch, name, dtype):
    y, g, _, sm = _softmax_at_1e4(name, dtype)
    rtol = 1e-6 if dtype == np.float32 else 1e-14
    tx = torch.tensor(SOFTMAX_X, dtype=torch.float64, requires_grad=True)
    ty = getattr(torch, name)(tx, dim=1)
    (tg,) = torch.autograd.grad(ty, [tx], torch.tensor(sm))
    np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=rtol, atol=1e-6)
    np.testing.assert_allclose(g.data, tg.numpy(), rtol=rtol, atol=1e-6)


def _other_at_1e4(name, dtype):
    """Inputs, values and gradients of activation ``name`` at ±1e4, with no floating-point
    warning raised on the way."""
    x = np.array([-BIG, -50.0, 0.5, 50.0]) if name == "expm1" else EXTREME
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        y, g = _grad(getattr(ac, name), x, dtype=dtype)
    return x, y, g


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ["silu", "gelu", "elu", "leaky_relu", "hardtanh", "expm1"])
def test_other_activations_are_finite_at_1e4(name, dtype):
    _, y, g = _other_at_1e4(name, dtype)
    assert np.isfinite(y).all() and np.isfinite(g).all()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ["silu", "gelu", "elu", "leaky_relu", "hardtanh", "expm1"])
def test_other_activations_at_1e4_match_torch(torch, name, dtype):
    x, y, g = _other_at_1e4(name, dtype)
    fn = getattr(torch, name, None) or getattr(torch.nn.functional, name)
    ty, tg = _torch_grad(torch, fn, x)
    np.testing.assert_allclose(y, ty, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(g, tg, rtol=1e-6, atol=1e-6)


# -- dtype preservation --------------------------------------------------------------------

_FLOAT32_CALLS = {
    "sigmoid": ac.sigmoid,
    "logsigmoid": ac.logsigmoid,
    "softplus": ac.softplus,
    "softplus beta": lambda x: ac.softplus(x, beta=2.0, threshold=3.0),
    "silu": ac.silu,
    "gelu": ac.gelu,
    "gelu tanh": lambda x: ac.gelu(x, approximate="tanh"),
    "elu": ac.elu,
    "leaky_relu": ac.leaky_relu,
    "hardtanh": ac.hardtanh,
    "softmax": ac.softmax,
    "log_softmax": ac.log_softmax,
    "log1p": lambda x: ac.log1p(x.abs()),
    "expm1": ac.expm1,
    "sqrt": lambda x: ac.sqrt(x.abs() + 1),
    "rsqrt": lambda x: ac.rsqrt(x.abs() + 1),
    "square": ac.square,
    "reciprocal": lambda x: ac.reciprocal(x.abs() + 1),
    "sin": ac.sin,
    "cos": ac.cos,
    "erf": ac.erf,
    "erfc": ac.erfc,
    "clip": lambda x: ac.clip(x, -0.5, 0.5),
    "clip max": lambda x: ac.clip(x, max=0.5),
    "clip tensor": lambda x: ac.clip(x, ac.tensor(np.float32(-0.5)), 0.5),
    "sign": ac.sign,
    "floor": ac.floor,
    "ceil": ac.ceil,
    "round": ac.round,
}


@pytest.mark.parametrize("name", list(_FLOAT32_CALLS))
def test_float32_in_float32_out_including_gradients(name):
    fn = _FLOAT32_CALLS[name]
    for shape in [(), (3, 4)]:
        x = ac.tensor(
            np.random.default_rng(0).uniform(-2, 2, shape).astype(np.float32), requires_grad=True
        )
        y = fn(x)
        assert y.dtype == np.float32, f"{name} forward gave {y.dtype}"
        if not y.requires_grad:
            continue
        (g,) = ac.grad(y.sum(), [x], create_graph=True)
        assert g.dtype == np.float32, f"{name} gradient is {g.dtype}"
        if g.requires_grad:
            (gg,) = ac.grad(g.sum(), [x], allow_unused=True)
            assert gg is None or gg.dtype == np.float32, f"{name} second derivative {gg.dtype}"
