"""Differential fuzz test of L-BFGS against torch.optim.LBFGS, live, in float64.

Random options (lr, max_iter, max_eval, tolerances, history_size, line search or none), a few
parameters of random shapes (0-d and size-0 among them, one sometimes left without a gradient)
and a smooth non-quadratic objective evaluated in NumPy, so that both closures return the same
numbers for the same parameters; 1-4 ``step(closure)`` calls, after each of which parameters,
the losses the closures saw, the iteration and evaluation counts must agree to 1e-12 relative
(the counts exactly), and x, the direction d, the step t and H_diag to ``LOOSE`` (see there).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import autograd_core as ac
import optim

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1] / "nn"))

from fuzz_compare import fuzz_settings, slow_settings  # noqa: E402  # tests/nn/
from optim_fuzz_support import SHAPES, assert_close, numpy_state  # noqa: E402

torch = pytest.importorskip("torch")

STATE_KEYS = ("func_evals", "n_iter", "t", "H_diag", "prev_loss")
# Near the minimum, g = s·x + tanh(x − 1) + 0.1 x³ sums O(1) terms that cancel, so a last-bit
# difference of x (torch's x + t·d is a fused multiply-add, its dot products BLAS-ordered) is
# ~1e-16 absolute in g, a large relative error of a small g; the curvature pairs (differences of
# such gradients), H_diag = y·s / y·y, the direction d = −H g and the strong-Wolfe step (a cubic
# fitted through losses equal to their last digits; its formula agrees with torch's to 4e-15 on
# the same inputs) amplify it over iterations: seen up to 3e-9 relative on t and 1e-11 normwise on
# x within 25 iterations, and it grows with more (so runs here stop after 30 iterations at most).
# These, and the losses at the line search's trial points, are compared to LOOSE.
LOOSE = 1e-8


def _objective(flat: np.ndarray, scales: np.ndarray) -> tuple[float, np.ndarray]:
    """f(x) = Σ s·x²/2 + Σ log cosh(x − 1) + 0.1 Σ x⁴ / 4, and its gradient."""
    loss = 0.5 * np.sum(scales * flat**2) + np.sum(np.log(np.cosh(flat - 1.0)))
    loss += 0.025 * np.sum(flat**4)
    return float(loss), scales * flat + np.tanh(flat - 1.0) + 0.1 * flat**3


def _closure(params: list[Any], lib: str, scales: np.ndarray, silent: int | None, calls: list):
    def closure() -> Any:
        arrays = [p.data if lib == "ours" else p.detach().numpy() for p in params]
        flat = np.concatenate([a.reshape(-1) for a in arrays]) if arrays else np.zeros(0)
        loss, grad = _objective(flat, scales)
        start = 0
        for i, (p, a) in enumerate(zip(params, arrays)):
            g = grad[start : start + a.size].reshape(a.shape)
            start += a.size
            if i == silent:
                p.grad = None
            elif lib == "ours":
                p.grad = ac.tensor(g, dtype=ac.float64)
            else:
                p.grad = torch.tensor(g, dtype=torch.float64)
        calls.append(loss)
        return (
            ac.tensor(loss, dtype=ac.float64)
            if lib == "ours"
            else torch.tensor(loss, dtype=torch.float64)
        )

    return closure


def _run(data: Any) -> None:
    draw = data.draw
    shapes = draw(st.lists(st.sampled_from(SHAPES), min_size=1, max_size=4), label="shapes")
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1), label="seed"))
    values = [rng.standard_normal(s) * 2 for s in shapes]
    size = sum(v.size for v in values)
    assume(size > 0)  # no element at all: both raise (torch RuntimeError, ours ValueError)
    scales = rng.uniform(0.1, 10.0, size)
    silent = draw(st.one_of(st.none(), st.integers(0, len(shapes) - 1)), label="no grad")
    max_iter = draw(st.integers(1, 10))
    kwargs = {
        "lr": draw(st.sampled_from([1.0, 0.5, 0.1, 1.5])),
        "max_iter": max_iter,
        "max_eval": draw(st.one_of(st.none(), st.integers(1, 2 * max_iter))),
        "tolerance_grad": draw(st.sampled_from([1e-7, 1e-5, 1e-3])),
        "tolerance_change": draw(st.sampled_from([1e-9, 1e-6, 1e-4])),
        "history_size": draw(st.integers(1, 10)),
        "line_search_fn": draw(st.sampled_from([None, "strong_wolfe"])),
    }
    ours = [ac.tensor(v, dtype=ac.float64, requires_grad=True) for v in values]
    theirs = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in values]
    ours_opt, torch_opt = optim.LBFGS(ours, **kwargs), torch.optim.LBFGS(theirs, **kwargs)
    for k in range(draw(st.integers(1, 3), label="steps")):
        ours_calls: list[float] = []
        torch_calls: list[float] = []
        got = ours_opt.step(_closure(ours, "ours", scales, silent, ours_calls))
        want = torch_opt.step(_closure(theirs, "torch", scales, silent, torch_calls))
        assert_close(float(got), float(want), f"step {k}: returned loss")
        losses = max(abs(v) for v in torch_calls)
        assert_close(ours_calls, torch_calls, f"step {k}: closure losses", atol=LOOSE * losses)
        scale = max(float(np.max(np.abs(b.detach().numpy()), initial=0)) for b in theirs)
        for i, (a, b) in enumerate(zip(ours, theirs)):
            want = b.detach().numpy()
            assert_close(a.data, want, f"step {k}: parameter {i}", atol=LOOSE * scale)
        mine, state = ours_opt.state[ours[0]], torch_opt.state[theirs[0]]
        for key in STATE_KEYS:
            if key in state:
                want = numpy_state(state[key])
                atol = LOOSE * abs(float(want)) if key in ("H_diag", "t") else 0.0
                assert_close(numpy_state(mine[key]), want, f"{k}: {key}", atol=atol)
        if "d" in state:
            want = numpy_state(state["d"])
            atol = LOOSE * float(np.max(np.abs(want))) + 1e-12  # d → 0 at the minimum
            assert_close(mine["d"], want, f"step {k}: direction", atol=atol)


@fuzz_settings(25)
@given(data=st.data())
def test_lbfgs_matches_torch(data: Any) -> None:
    _run(data)


@pytest.mark.slow
@slow_settings(500)
@given(data=st.data())
def test_lbfgs_matches_torch_slow(data: Any) -> None:
    _run(data)
