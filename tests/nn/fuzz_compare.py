"""Shared by the differential fuzz tests of the CNN stack (test_conv_fuzz.py, test_pool_fuzz.py,
test_resample_fuzz.py): one call of ours against torch's on the same numbers, forward and the
gradients of every leaf under a random upstream gradient, with inputs entered as contiguous,
transposed or strided views.

Tolerances. float64: 1e-10 relative and absolute, as the fixed-case tests. float32: our float32
result is compared with torch's *float64* result on the same float32-rounded inputs, so the
whole difference is our rounding error. A sum of K products computed in float32, in any order,
is off by at most γ_K·Σ|aᵢbᵢ| with γ_K = K·u/(1 − K·u) and u = 2⁻²⁴ (Higham, *Accuracy and
Stability of Numerical Algorithms*, 2nd ed., §3.1, eq. 3.5). For ops that are linear in each
argument with nonnegative structure (convolutions, average pooling, linear interpolation, fold)
Σ|aᵢbᵢ| is torch's float64 result on |inputs| and |upstream gradient| (``magnitude``), so the
bound is per element; ``2·K·u·magnitude`` (a factor 2 for γ_K's denominator and the final
rounding) plus a few float32 ulps of the reference is what the tests allow. K is the longest
reduction of the op, its forward and its backward, which the test passes in.

Import it as the other helpers in tests/ are imported (pytest puts a test file's folder on
``sys.path``): ``from fuzz_compare import ...  # tests/nn/``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

import autograd_core as ac

U32 = 2.0**-24
LAYOUTS = ["contiguous", "transposed", "strided"]
DTYPES = ["float64", "float32"]


def fuzz_settings(max_examples: int) -> settings:
    """A fixed seed (the same examples on every run, so the default run is reproducible and
    its time known) and no deadline (the first example pays for imports)."""
    return settings(
        max_examples=max_examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


# ``make test-slow`` (and so CI) draws the same examples every run, so that it passes or fails
# the same way on the same code; with this variable set, each run draws new ones (``make fuzz``),
# which is how the slow versions find new cases (the layout-dependent max-pool index, 2026-12).
EXPLORE = bool(os.environ.get("AUTOGRAD_CORE_FUZZ_EXPLORE"))


def slow_settings(max_examples: int) -> settings:
    """Many examples, for the ``@pytest.mark.slow`` versions: a fixed seed unless ``EXPLORE``."""
    return settings(
        max_examples=max_examples,
        derandomize=not EXPLORE,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


@dataclass
class Arg:
    """A float64 array entering both calls through ``layout``; its leaf's gradient is compared
    when ``grad``. ``positive`` arrays keep their sign under the float32 magnitude run."""

    array: np.ndarray
    layout: str = "contiguous"
    grad: bool = True


def _base(x: np.ndarray, layout: str) -> np.ndarray:
    """The leaf's array: ``x`` itself, ``x`` with its first and last axes swapped (the view
    swaps them back), or ``x`` interleaved with zeros along its last axis (the view takes every
    other element)."""
    if layout == "contiguous" or x.ndim == 0:
        return x.copy()
    if layout == "transposed":
        return np.ascontiguousarray(np.swapaxes(x, 0, -1))
    wide = np.zeros((*x.shape[:-1], 2 * x.shape[-1]), dtype=x.dtype)
    wide[..., ::2] = x
    return wide


def _view(t: Any, layout: str, ndim: int) -> Any:
    if layout == "contiguous" or ndim == 0:
        return t
    if layout == "transposed":
        return t.transpose(0, ndim - 1)
    return t[..., ::2]


def _run(lib: str, fn: Callable, args: Sequence[Arg], gy_seed: int, dtype: str, absolute: bool):
    """fn on leaves made from args in library lib; returns (outputs, leaf gradients)."""
    if lib == "ours":
        make = lambda a, g: ac.tensor(a, dtype=getattr(ac, dtype), requires_grad=g)  # noqa: E731
    else:
        import torch

        make = lambda a, g: torch.tensor(a, dtype=torch.float64, requires_grad=g)  # noqa: E731
    leaves, views = [], []
    for a in args:
        x = np.abs(a.array) if absolute else a.array
        leaf = make(_base(x, a.layout), a.grad)
        leaves.append(leaf)
        views.append(_view(leaf, a.layout, x.ndim))
    out = fn(*views)
    outs = out if isinstance(out, tuple) else (out,)
    y = outs[0]
    gy = np.random.default_rng(gy_seed).standard_normal(tuple(y.shape))
    gy = gy.astype(dtype).astype(np.float64)
    if absolute:
        gy = np.abs(gy)
    if any(a.grad for a in args):
        if lib == "ours":
            y.backward(ac.tensor(gy, dtype=y.dtype))
        else:
            y.backward(torch.tensor(gy, dtype=torch.float64))
    grads = [_numpy(leaf.grad) if a.grad else None for leaf, a in zip(leaves, args)]
    return [_numpy(o) for o in outs], grads


def _numpy(t: Any) -> np.ndarray | None:
    if t is None:
        return None
    return t.numpy() if isinstance(t, ac.Tensor) else t.detach().numpy()


def rounded(args: Sequence[Arg], dtype: str) -> list[Arg]:
    """args with their arrays rounded to dtype (and held in float64), so that torch's float64
    reference sees exactly what our dtype call sees."""
    return [Arg(a.array.astype(dtype).astype(np.float64), a.layout, a.grad) for a in args]


def compare(
    ours: Callable,
    theirs: Callable,
    args: Sequence[Arg],
    dtype: str = "float64",
    terms: int = 1,
    gy_seed: int = 0,
    bilinear: bool = True,
    float32_scale: float | None = None,
) -> list[np.ndarray]:
    """ours(*views) against theirs(*views) (torch, float64): every output (a second output,
    such as pooling indices, must be equal), then the gradient of every ``grad`` leaf of the
    first output under a random upstream gradient. Returns our outputs.

    In float32, ``terms`` is the longest reduction (K above). For an op that is not
    ``bilinear`` (has no magnitude run), ``float32_scale`` gives the scale the error bound
    multiplies instead."""
    args = rounded(args, dtype)
    got, got_grads = _run("ours", ours, args, gy_seed, dtype, absolute=False)
    want, want_grads = _run("torch", theirs, args, gy_seed, dtype, absolute=False)
    if dtype == "float32" and bilinear:
        magnitude, magnitude_grads = _run("torch", theirs, args, gy_seed, dtype, absolute=True)
    else:
        magnitude, magnitude_grads = want, want_grads
    assert len(got) == len(want)
    for i, (g, w, m) in enumerate(zip(got, want, magnitude)):
        assert g.shape == w.shape, (i, g.shape, w.shape)
        if i > 0 or w.dtype.kind != "f":  # indices: exactly torch's
            np.testing.assert_array_equal(g, w)
            continue
        assert g.dtype == np.dtype(dtype), (g.dtype, dtype)
        _close(g, w, m, dtype, terms, bilinear, float32_scale, "output")
    for j, (g, w, m) in enumerate(zip(got_grads, want_grads, magnitude_grads)):
        if w is None and g is None:
            continue
        if w is None:  # torch leaves unset the gradient of a leaf its graph skipped (empty)
            assert g is not None and not np.any(g), f"argument {j}: torch has no gradient"
            continue
        assert g is not None, f"argument {j}: no gradient where torch has one"
        assert g.shape == w.shape, (j, g.shape, w.shape)
        _close(g, w, m, dtype, terms, bilinear, float32_scale, f"gradient of argument {j}")
    return got


def _close(got, want, magnitude, dtype, terms, bilinear, scale, what) -> None:
    if dtype == "float64":
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-10, err_msg=what)
        return
    odd = ~np.isfinite(want)  # ±∞ and NaN: the same ones
    np.testing.assert_array_equal(got[odd], want[odd], err_msg=what)
    got, want, magnitude = (np.where(odd, 0, a) for a in (got, want, magnitude))
    if bilinear:
        bound = 2 * terms * U32 * np.abs(magnitude)
    else:
        bound = 2 * terms * U32 * (scale if scale is not None else np.max(np.abs(want), initial=1))
    bound = bound + 4 * U32 * np.abs(want) + 1e-30
    err = np.abs(got.astype(np.float64) - want)
    worst = np.unravel_index(np.argmax(err - bound), err.shape) if err.size else ()
    assert np.all(err <= bound), (
        f"{what}: float32 error {err[worst] if err.size else 0} above the bound "
        f"{bound[worst] if np.ndim(bound) else bound} at {worst}"
    )


seeds = st.integers(0, 2**32 - 1)
layouts = st.sampled_from(LAYOUTS)
dtypes = st.sampled_from(DTYPES)


def normal(seed: int, shape: Sequence[int]) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(tuple(shape))
