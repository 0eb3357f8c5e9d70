"""Invalid optimizer options, fuzzed against PyTorch: ours raises exactly where torch raises,
with the same exception type and message; plus the fixed cases behind the regions that
test_optim_fuzz.py leaves out or found wrong."""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, note
from hypothesis import strategies as st

import autograd_core as ac
import optim
from optim._kernel_utils import ema_

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1] / "nn"))

from fuzz_compare import fuzz_settings, slow_settings  # noqa: E402  # tests/nn/
from optim_fuzz_support import OPTIONS  # noqa: E402

NAMES = sorted(OPTIONS)

wild = st.one_of(
    st.sampled_from([-1.0, -1e-3, -0.0, 0.0, 1.0, 1.5, math.nan, math.inf, -math.inf]),
    st.floats(-2.0, 3.0),
)


def _wild_value(draw: Any, value: Any) -> Any:
    if isinstance(value, bool):
        return draw(st.booleans())
    if isinstance(value, tuple):
        return tuple(draw(wild) for _ in value)
    return draw(wild)


def _outcome(build: Any) -> tuple[str, str] | None:
    try:
        build()
    except (ValueError, TypeError) as error:
        return type(error).__name__, str(error)
    return None


def _check(name: str, data: Any) -> None:
    torch = pytest.importorskip("torch")
    kwargs = data.draw(OPTIONS[name], label="valid")
    keys = data.draw(st.lists(st.sampled_from(sorted(kwargs)), min_size=1, unique=True))
    kwargs.update({k: _wild_value(data.draw, kwargs[k]) for k in keys})
    note(f"kwargs: {kwargs}")
    ours = _outcome(lambda: getattr(optim, name)([ac.zeros(2, requires_grad=True)], **kwargs))
    theirs = _outcome(
        lambda: getattr(torch.optim, name)([torch.zeros(2, requires_grad=True)], **kwargs)
    )
    assert ours == theirs


@pytest.mark.parametrize("name", NAMES)
@fuzz_settings(25)
@given(data=st.data())
def test_invalid_options_raise_where_torch_raises(name: str, data: Any) -> None:
    _check(name, data)


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
@slow_settings(500)
@given(data=st.data())
def test_invalid_options_raise_where_torch_raises_slow(name: str, data: Any) -> None:
    _check(name, data)


@pytest.mark.parametrize("decay", [0.0, 0.25, 0.5, 0.75])
def test_ema_uses_lerps_two_formulas(decay: float) -> None:
    """avg.lerp_(x, w) is x + (w − 1)(x − avg) for w ≥ 0.5: exactly x at w = 1 (β = 0), where
    avg + w(x − avg) loses x under a large avg (found by test_optim_fuzz.py, Adam with β₁ = 0)."""
    avg, x = np.array([1e20, 3.0, -7.5]), np.array([3.0, 1e-5, 2.0])
    want = decay * avg + (1 - decay) * x  # exact here except the 1e20 row
    got = avg.copy()
    ema_(got, x, decay)
    if decay == 0.0:
        np.testing.assert_array_equal(got, x)
    else:
        np.testing.assert_allclose(got[1:], want[1:], rtol=1e-15)


def test_adam_with_beta1_zero_keeps_the_gradient_as_first_moment() -> None:
    """β₁ = 0: m_t = g_t exactly (torch's lerp gives it bit for bit)."""
    w = ac.tensor([1e8, -2.0, 3.0], dtype=ac.float64, requires_grad=True)
    opt = optim.Adam([w], lr=0.0, betas=(0.0, 0.9))
    for g in ([1e8, 1.0, 2.0], [1e-3, -7.0, 1e-9]):
        w.grad = ac.tensor(g, dtype=ac.float64)
        opt.step()
        np.testing.assert_array_equal(opt.state[w]["exp_avg"], g)


def test_centered_rmsprop_alpha_zero_closed_form() -> None:
    """α = 0, centered: v = g², ḡ = g, so v − ḡ² = 0 exactly and θ ← θ − γ g / ε. torch's
    fused multiply-add leaves the rounding error of g² there (NaN half the time), which is why
    test_optim_fuzz.py keeps centered α ≥ 0.5."""
    g = np.array([0.3, -1.7, 2.5])
    w = ac.tensor([1.0, 2.0, 3.0], dtype=ac.float64, requires_grad=True)
    opt = optim.RMSprop([w], lr=1e-3, alpha=0.0, eps=1e-2, centered=True)
    w.grad = ac.tensor(g, dtype=ac.float64)
    opt.step()
    np.testing.assert_allclose(w.data, np.array([1.0, 2.0, 3.0]) - 1e-3 * g / 1e-2, rtol=1e-15)
