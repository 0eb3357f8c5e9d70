"""float16 gelu against PyTorch 2.13 on every finite float16 value, forward and backward (with
a random float16 upstream gradient), bit for bit where that is feasible.

PyTorch's CPU kernels compute float16 gelu and its backward in float32 and round once. gelu
computed in float16 was up to one ulp off in about one value in six, and its x³ overflowed
(a RuntimeWarning) from |x| ≈ 40 on.

- tanh form, forward: bitwise. It needs PyTorch's float32 tanh where 1 + tanh u cancels
  (x < −2): SLEEF's tanhf, ±1 past |u| = 8.664339742, else correctly rounded (ops/activation.py).
- tanh form, backward: bitwise but for a few values in −4 < x < −3, one ulp off, where the
  two terms of the derivative cancel and SLEEF's last-ulp errors in tanhf, which NumPy cannot
  reproduce, decide the rounding.
- exact form: PyTorch's float16 kernel takes erf from a fast float32 approximation (absolute
  error about 1e-7; its float16 result is not even its float32 result rounded), so it is up
  to two ulps off the correctly rounded result in the negative tail. Ours is checked against
  the correctly rounded value (math.erfc in float64) and within PyTorch's error of torch.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from f16_values import ALL, FINITE, UPSTREAM, ulps  # tests/autograd_core/f16_values.py

import autograd_core as ac
import nn.functional as F


def _ours(approximate: str, x: np.ndarray = FINITE, gy: np.ndarray = UPSTREAM):
    """gelu and its input gradient for upstream gy, with NumPy warnings as errors."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = ac.tensor(x, requires_grad=True)
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            y = F.gelu(t, approximate=approximate)
            (g,) = ac.grad(y, [t], ac.tensor(gy))
    return y.numpy(), g.numpy()


def _torch(torch, approximate: str):
    tx = torch.tensor(FINITE, requires_grad=True)
    ty = torch.nn.functional.gelu(tx, approximate=approximate)
    (tg,) = torch.autograd.grad(ty, [tx], torch.tensor(UPSTREAM))
    return ty.detach().numpy(), tg.numpy()


def test_float16_tanh_gelu_forward_matches_torch_bitwise(torch):
    y, _ = _ours("tanh")
    want, _ = _torch(torch, "tanh")
    assert y.dtype == np.float16
    np.testing.assert_array_equal(y.view(np.uint16), want.view(np.uint16))


def test_float16_tanh_gelu_backward_matches_torch_but_where_terms_cancel(torch):
    _, g = _ours("tanh")
    _, want = _torch(torch, "tanh")
    off = ulps(g, want)
    assert off.max() <= 1 and (off > 0).sum() <= 32, ((off > 0).sum(), off.max())
    assert ((FINITE[off > 0] > -4) & (FINITE[off > 0] < -3)).all(), FINITE[off > 0]


def _exact_reference() -> tuple[np.ndarray, np.ndarray]:
    """gelu(x) = ½ x erfc(−x/√2) and ȳ (Φ(x) + x φ(x)) in float64, rounded to float16."""
    x = FINITE.astype(np.float64)
    cdf = np.array([0.5 * math.erfc(-v / math.sqrt(2)) for v in x])
    pdf = np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)
    y = (x * cdf).astype(np.float16)
    g = (UPSTREAM.astype(np.float64) * (cdf + x * pdf)).astype(np.float16)
    return y, g


def test_float16_exact_gelu_is_correctly_rounded_but_for_a_few_ties():
    y, g = _ours("none")
    want_y, want_g = _exact_reference()
    for got, want in ((y, want_y), (g, want_g)):
        off = ulps(got, want)
        assert off.max() <= 1 and (off > 0).sum() <= 8, ((off > 0).sum(), off.max())


def test_float16_exact_gelu_is_within_torchs_error_of_torch(torch):
    y, g = _ours("none")
    ty, tg = _torch(torch, "none")
    ref_y, ref_g = _exact_reference()
    # torch's own distance from the correctly rounded result: two ulps forward, one backward
    assert ulps(ty, ref_y).max() == 2 and ulps(tg, ref_g).max() == 1
    assert ulps(y, ty).max() <= 2 and ulps(g, tg).max() <= 1
    # no worse than torch anywhere: each of ours is as close to the float64 value as torch's
    assert (ulps(y, ref_y) <= np.maximum(ulps(ty, ref_y), 1)).all()


@pytest.mark.parametrize("approximate", ["none", "tanh"])
def test_float16_gelu_warns_for_no_input(approximate):
    # every float16 value, ±inf included, and a quiet NaN (the forward's x³ overflowed from
    # |x| ≈ 40); not the signalling NaNs among the bit patterns, whose cast raises "invalid"
    x = np.append(ALL[~np.isnan(ALL)], np.float16(np.nan))
    y, g = _ours(approximate, x, np.ones(x.shape, np.float16))
    assert y.dtype == g.dtype == np.float16
    assert np.isnan(y[-1]) and np.isnan(g[-1]) and np.isfinite(g[:-1]).all()
    big = np.abs(x) >= 40  # saturated: x and 1 above, −0 and 0 below
    up, down = big & (x > 0), big & (x < 0)
    assert (y[up] == x[up]).all() and (g[up] == 1).all()
    assert (y[down] == 0).all() and np.signbit(y[down]).all() and (g[down] == 0).all()


@pytest.mark.parametrize("approximate", ["none", "tanh"])
def test_float16_gelu_recorded_backward_gives_the_plain_gradient(approximate):
    # one VJP text: with create_graph the float32 steps are recorded casts, same bits
    _, plain = _ours(approximate)
    t = ac.tensor(FINITE, requires_grad=True)
    (g,) = ac.grad(F.gelu(t, approximate=approximate), [t], ac.tensor(UPSTREAM), create_graph=True)
    assert g.dtype == ac.float16 and g.requires_grad
    np.testing.assert_array_equal(g.numpy().view(np.uint16), plain.view(np.uint16))
    (gg,) = ac.grad(g.sum(), [t])  # and differentiable again, in float16
    assert gg.dtype == ac.float16 and np.isfinite(gg.numpy()).all()
