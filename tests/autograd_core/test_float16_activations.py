"""float16 activations against PyTorch 2.13 on every finite float16 value, forward and backward
(with a random float16 upstream gradient), bit for bit, with NumPy warnings as errors.

PyTorch's CPU kernels compute these in float32 and round once (sigmoid's backward and the
composites softsign and tanhshrink excepted: one float16 rounding per operation); before
ops/activation_half.py ours were one ulp off on 10 to 40 % of the values, and softplus(β=2),
selu, mish, softsign and hardswish overflowed float16 intermediates (RuntimeWarnings).

mish is bitwise but for one value forward and one backward, one ulp off, where SLEEF's
last-ulp errors in expf, log1pf and tanhf (PyTorch's), which NumPy cannot reproduce, decide
the rounding; its test checks that bound.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from f16_values import ALL, FINITE, UPSTREAM, ulps  # tests/autograd_core/f16_values.py

import autograd_core as ac
import nn.functional as F

SELU = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946

# name: (ours, torch's name and keyword arguments); ours are nn.functional's
CASES = {
    "sigmoid": (ac.sigmoid, "sigmoid", {}),
    "logsigmoid": (F.logsigmoid, "logsigmoid", {}),
    "softplus": (F.softplus, "softplus", {}),
    "softplus_beta2": (
        lambda x: F.softplus(x, 2.0, 5.0),
        "softplus",
        {"beta": 2.0, "threshold": 5.0},
    ),
    "silu": (F.silu, "silu", {}),
    "elu": (F.elu, "elu", {}),
    "elu_alpha": (lambda x: F.elu(x, 0.7), "elu", {"alpha": 0.7}),
    "selu": (F.selu, "selu", {}),
    "celu": (lambda x: F.celu(x, 1.5), "celu", {"alpha": 1.5}),
    "tanh": (ac.tanh, "tanh", {}),
    "tanhshrink": (F.tanhshrink, "tanhshrink", {}),
    "softsign": (F.softsign, "softsign", {}),
    "hardswish": (F.hardswish, "hardswish", {}),
    "hardsigmoid": (F.hardsigmoid, "hardsigmoid", {}),
    "leaky_relu": (lambda x: F.leaky_relu(x, 0.1), "leaky_relu", {"negative_slope": 0.1}),
    "hardtanh": (F.hardtanh, "hardtanh", {}),
    "mish": (F.mish, "mish", {}),
}
BITWISE = [n for n in CASES if n != "mish"]


def _ours(name: str, x: np.ndarray = FINITE, gy: np.ndarray = UPSTREAM, create_graph=False):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise", under="ignore"):
            t = ac.tensor(x, requires_grad=True)
            y = CASES[name][0](t)
            (g,) = ac.grad(y, [t], ac.tensor(gy), create_graph=create_graph)
    assert y.dtype == g.dtype == ac.float16
    return y.numpy(), g.numpy()


def _torch(torch, name: str, x: np.ndarray = FINITE, gy: np.ndarray = UPSTREAM):
    _, fn, kwargs = CASES[name]
    f = getattr(torch, fn) if fn in ("sigmoid", "tanh") else getattr(torch.nn.functional, fn)
    tx = torch.tensor(x, requires_grad=True)
    ty = f(tx, **kwargs)
    (tg,) = torch.autograd.grad(ty, [tx], torch.tensor(gy))
    return ty.detach().numpy(), tg.numpy()


@pytest.mark.parametrize("name", BITWISE)
def test_float16_activation_matches_torch_bitwise(torch, name):
    for got, want in zip(_ours(name), _torch(torch, name), strict=True):
        assert ulps(got, want).max() == 0  # NaN positions too
        np.testing.assert_array_equal(got.view(np.uint16), want.view(np.uint16))


def test_float16_mish_is_torchs_but_for_sleefs_lastulps(torch):
    for got, want in zip(_ours("mish"), _torch(torch, "mish"), strict=True):
        off = ulps(got, want)
        assert off.max() <= 1 and (off > 0).sum() <= 4, ((off > 0).sum(), off.max())


@pytest.mark.parametrize("name", [n for n in CASES if n != "softsign"])
def test_float16_activation_warns_for_no_input(name):
    # every float16 value, ±inf included, and a quiet NaN; the forward and VJP raise on any
    # NumPy warning (_ours). Not the signalling NaNs among the bit patterns.
    x = np.append(ALL[~np.isnan(ALL)], np.float16(np.nan))
    y, g = _ours(name, x, np.ones(x.shape, np.float16))
    assert np.isnan(y[-1])  # (the gradient at NaN is 0 for some, as in PyTorch)


@pytest.mark.parametrize(
    "name", ["sigmoid", "softplus", "elu", "hardsigmoid", "tanh", "leaky_relu"]
)
def test_float16_activation_at_the_infinities_matches_torch(torch, name):
    x = np.float16([-np.inf, np.inf, -1.0, 2.0])
    gy = np.float16([0.5, -1.5, 2.0, -0.25])
    for got, want in zip(_ours(name, x, gy), _torch(torch, name, x, gy), strict=True):
        np.testing.assert_array_equal(got.view(np.uint16), want.view(np.uint16))


@pytest.mark.parametrize("name", ["sigmoid", "logsigmoid", "softplus", "silu", "selu", "mish"])
def test_float16_recorded_backward_gives_the_plain_gradient(name):
    # one VJP text: with create_graph the float32 steps are recorded ops, same bits
    _, plain = _ours(name)
    _, recorded = _ours(name, create_graph=True)
    np.testing.assert_array_equal(recorded.view(np.uint16), plain.view(np.uint16))


@pytest.mark.parametrize("name", ["elu_alpha", "selu", "logsigmoid", "mish"])
def test_float16_second_derivative_follows_the_float64_one(name):
    # the recorded float16 VJP is differentiable in x (elu: e^(cx) carries its derivative
    # through the output): its derivative is the float64 one to float16 precision
    x = np.linspace(-3, 2, 41) + 0.03  # not 0, where |x|'s subgradient enters logsigmoid's
    grads = []
    for dtype in (np.float16, np.float64):
        t = ac.tensor(x.astype(dtype), requires_grad=True)
        (g,) = ac.grad(CASES[name][0](t).sum(), [t], create_graph=True)
        (gg,) = ac.grad(g.sum(), [t])
        grads.append(gg.numpy().astype(np.float64))
    np.testing.assert_allclose(grads[0], grads[1], rtol=0.02, atol=0.02)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_hardtanh_gradient_outside_the_bounds_is_plus_zero(torch, dtype):
    # ȳ · mask gave −0 where ȳ < 0 (and NaN for a NaN ȳ); PyTorch gives +0 there
    x = np.array([-2.0, -1.0, 0.5, 1.0, 3.0, 0.25], dtype)
    gy = np.array([-1.0, -2.0, -3.0, np.nan, -0.5, -0.0], dtype)
    t = ac.tensor(x, requires_grad=True)
    (g,) = ac.grad(F.hardtanh(t), [t], ac.tensor(gy))
    tx = torch.tensor(x, requires_grad=True)
    (want,) = torch.autograd.grad(torch.nn.functional.hardtanh(tx), [tx], torch.tensor(gy))
    np.testing.assert_array_equal(np.signbit(g.numpy()), np.signbit(want.numpy()))
    np.testing.assert_array_equal(g.numpy(), want.numpy())
