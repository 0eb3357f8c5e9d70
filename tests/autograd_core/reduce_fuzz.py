"""Shared by the differential fuzz tests of the reductions (test_reduce_fuzz*.py): hypothesis
strategies for shapes, values and ``dim`` arguments, and ``check``, which runs one call in
autograd_core and in torch on the same numbers and compares what comes out.

``check`` compares every output (shape, dtype, values; integer and bool outputs such as indices
exactly), then the gradient of the input under a random upstream gradient for every float
output that requires grad. Where torch raises, ours must raise too (and the reverse fails).

Tolerances. Both libraries run in the same dtype. float64: 1e-12 relative, plus 1e-12 of the
largest reference value absolute (the two may sum in different orders; a sum of K terms in any
order is off by at most γ_K·Σ|xᵢ|, γ_K ≈ K·2⁻⁵³, Higham, *Accuracy and Stability of Numerical
Algorithms*, 2nd ed., §3.1, eq. 3.5, and K ≤ 81 here). float32: each side is within γ_K·S of the
exact value, S the scale the test passes (Σ|xᵢ| for sums: ``terms``·max|x|), so the two differ by
at most 2·γ_K·S; the bound allowed is 4·K·u·(S + |reference|), u = 2⁻²⁴. Selections (max, sort,
median ...) pass ``terms=0``: their values and gradients are copies, compared exactly.

Import it as the other helpers in tests/ are imported: ``from reduce_fuzz import ...``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import strategies as st

import autograd_core as ac

# tests/nn/fuzz_compare.py holds the settings every fuzz test of the project uses; pytest puts
# only this file's folder on sys.path, so add its folder too.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "nn"))
from fuzz_compare import fuzz_settings, seeds, slow_settings  # noqa: E402

__all__ = ["check", "dims", "fuzz_settings", "seeds", "shapes", "slow_settings", "values"]

U32 = 2.0**-24
U64 = 2.0**-53


def shapes(max_rank: int = 4, min_rank: int = 0) -> st.SearchStrategy[tuple[int, ...]]:
    """Rank ``min_rank``-``max_rank``, axes of size 0 to 3 (size 1 often): at most 81 elements."""
    return st.lists(st.sampled_from([0, 1, 1, 2, 3, 3]), min_size=min_rank, max_size=max_rank).map(
        tuple
    )


@st.composite
def dims(draw, ndim: int, single: bool = False) -> Any:
    """A valid ``dim`` for a rank-``ndim`` input: None, an int (negative half the time), or
    (unless ``single``) a tuple or list of distinct axes in any order, some negative."""
    n = max(ndim, 1)
    kind = draw(st.sampled_from(["none", "int", "int"] + ([] if single else ["tuple", "list"])))
    if kind == "none":
        return None
    if kind == "int":
        a = draw(st.integers(0, n - 1))
        return a - n if draw(st.booleans()) else a
    picked = draw(st.lists(st.integers(0, n - 1), unique=True, min_size=1, max_size=n))
    picked = [a - n if draw(st.booleans()) else a for a in picked]
    return tuple(picked) if kind == "tuple" else picked


def values(seed: int, shape: tuple[int, ...], kind: str) -> np.ndarray:
    """float64 values of ``kind``: 'normal'; 'ties' (integers -2..2, so that slices have equal
    elements); 'few' (drawn from {-1, 0, 0.5, 2}: many ties); 'odd' (drawn from {-1, 0, 0.5,
    2, NaN, ∞, −∞}: ties among NaN and infinities too); 'zeros' (normal with about a third of
    the entries 0, and with a whole run of zeros along the last axis half the time); 'inf'
    (normal with some ±∞); 'nan' (normal with some NaN)."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape)
    if kind == "ties":
        return rng.integers(-2, 3, size=shape).astype(np.float64)
    if kind in ("few", "odd"):
        few = [-1.0, 0.0, 0.5, 2.0] + ([np.nan, np.inf, -np.inf] if kind == "odd" else [])
        return np.asarray(rng.choice(few, size=shape), dtype=np.float64)
    mask = rng.random(shape) < 0.35
    if kind == "zeros":
        x[mask] = 0.0
        if x.ndim and x.shape[-1] >= 2 and rng.random() < 0.5:
            x[..., :2] = 0.0  # two zeros in every slice along the last axis
    elif kind == "inf":
        x[mask] = rng.choice([np.inf, -np.inf], size=int(mask.sum()))
    elif kind == "nan":
        x[mask] = np.nan
    return x


def _listed(out: Any) -> list:
    return list(out) if isinstance(out, (tuple, list)) else [out]


def _name(dtype: Any) -> str:
    return str(dtype).removeprefix("torch.")


def _call(lib: str, fn: Callable, x: np.ndarray, dtype: str, grad: bool, gy_seed: int):
    """fn(module, leaf) in library lib: ``(outputs, gradient or None)`` or ``(exception,)``."""
    if lib == "ours":
        module = ac
        leaf = ac.tensor(x.astype(dtype), requires_grad=grad)
    else:
        import torch

        module = torch
        leaf = torch.tensor(x.astype(dtype), requires_grad=grad)
    try:
        outs = _listed(fn(module, leaf))
    except Exception as e:  # noqa: BLE001  (compared with the other library's outcome)
        return (e,)
    arrays = [o.numpy() if lib == "ours" else o.detach().numpy() for o in outs]
    live = [o for o in outs if o.requires_grad]
    if not grad or not live:
        return arrays, None
    rng = np.random.default_rng(gy_seed)
    gys = [rng.standard_normal(tuple(o.shape)).astype(_name(o.dtype)) for o in live]
    if lib == "ours":
        (g,) = ac.grad(live, [leaf], [ac.tensor(gy) for gy in gys], allow_unused=True)
        return arrays, None if g is None else g.numpy()
    (g,) = torch.autograd.grad(live, [leaf], [torch.tensor(gy) for gy in gys], allow_unused=True)
    return arrays, None if g is None else g.detach().numpy()


def check(
    fn: Callable,
    x: np.ndarray,
    dtype: str = "float64",
    *,
    grad: bool | None = None,
    terms: int = 1,
    scale: float | None = None,
    gy_seed: int = 0,
) -> list[np.ndarray] | None:
    """``fn(module, tensor)`` with module autograd_core and then torch, on ``x`` cast to
    ``dtype``: the outputs (and, for a float ``dtype`` unless ``grad`` is False, the gradient of
    the input) must agree; see the module docstring for the tolerances. ``terms`` is the longest
    reduction (0: a selection, compared exactly) and ``scale`` the float32 error scale (default
    ``terms``·max|x|). Returns our outputs, or None where both raised."""
    grad = np.dtype(dtype).kind == "f" if grad is None else grad
    got = _call("ours", fn, x, dtype, grad, gy_seed)
    want = _call("torch", fn, x, dtype, grad, gy_seed)
    if len(want) == 1 or len(got) == 1:
        assert len(want) == len(got) == 1, f"torch: {want[0]!r}" if len(want) == 1 else got[0]
        return None
    finite = np.abs(x[np.isfinite(x)]) if x.dtype.kind == "f" else np.abs(x)
    big = float(finite.max(initial=0.0))
    scale = max(terms, 1) * big if scale is None else scale
    (outs, g), (touts, tg) = got, want
    assert len(outs) == len(touts), (len(outs), len(touts))
    # float32 anywhere (input or a cast by dtype=) bounds the precision of everything after it
    single = np.float32 in [np.dtype(dtype).type] + [t.dtype.type for t in touts]
    for k, (o, t) in enumerate(zip(outs, touts)):
        assert o.shape == t.shape, ("output", k, o.shape, t.shape)
        assert o.dtype == t.dtype, ("output", k, o.dtype, t.dtype)
        _close(o, t, terms, scale, f"output {k}", single)
    if tg is None and g is None:
        return outs
    zeros = np.zeros(x.shape, dtype)
    g = zeros if g is None else g
    tg = zeros if tg is None else tg
    assert g.dtype == tg.dtype, ("gradient", g.dtype, tg.dtype)
    gscale = max(scale, float(np.abs(tg[np.isfinite(tg)]).max(initial=0.0)))
    _close(g, tg, terms, gscale, "gradient", single)
    return outs


def _close(got, want, terms: int, scale: float, what: str, single: bool) -> None:
    if want.dtype.kind != "f" or terms == 0:
        np.testing.assert_array_equal(got, want, err_msg=what)
        return
    odd = ~np.isfinite(want)  # ±∞ and NaN: the same ones
    np.testing.assert_array_equal(got[odd], want[odd], err_msg=what)
    got, want = np.where(odd, 0, got), np.where(odd, 0, want)
    if not single:
        big = float(np.abs(want).max(initial=0.0))
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12 * big + 1e-300, err_msg=what)
        return
    bound = 4 * terms * U32 * (scale + np.abs(want.astype(np.float64))) + 1e-30
    err = np.abs(got.astype(np.float64) - want)
    assert np.all(err <= bound), (what, float(np.max(err - bound)), got, want)
