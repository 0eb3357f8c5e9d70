"""Shared by the differential fuzz tests of the matrix products and ``linalg``
(test_linalg_fuzz*.py): matrix generators (well conditioned, symmetric positive definite,
exactly singular) and ``check``, which runs one call in autograd_core and in torch on the same
numbers and compares what comes out.

``check`` compares every output (shape, dtype, values; integer and bool outputs exactly), then
the gradient of every input under a random upstream gradient on every float output that
requires grad (or under ``loss``, for decompositions whose outputs are defined only up to
sign). Where torch raises, ours must raise too, and the reverse fails.

Tolerances. float64: both sides run LAPACK-style algorithms on matrices of condition number κ
≤ ~10 (see ``well``), so each is within a few κ·n·u of the exact value, u = 2⁻⁵³; 1e-9 of the
largest reference entry (relative and absolute) leaves a wide margin. float32 spot checks: our
float32 result against torch's float64 on the same float32-rounded inputs, so the difference is
our own rounding error; a backward-stable factorisation or solve is within c·n·κ·u of it
(Higham, *Accuracy and Stability of Numerical Algorithms*, 2nd ed., §7.1 and §9.4), and a
gradient, a product of two such results, within about twice that times κ. The bound allowed is
``64·n·κ²·u₃₂`` of the largest reference entry, u₃₂ = 2⁻²⁴ (n ≤ 4, κ ≤ ~10 here: ≤ 1.5e-3).

Import it as the other helpers in tests/ are imported: ``from linalg_fuzz import ...``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import strategies as st

import autograd_core as ac

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "nn"))
from fuzz_compare import fuzz_settings, seeds, slow_settings  # noqa: E402

__all__ = [
    "batches",
    "check",
    "fuzz_settings",
    "normal",
    "seeds",
    "singular",
    "slow_settings",
    "spd",
    "well",
]

U32 = 2.0**-24


def batches(max_rank: int = 2) -> st.SearchStrategy[tuple[int, ...]]:
    """Batch shapes of rank 0 to ``max_rank`` with axes of size 0 to 2 (0 and 1 often)."""
    return st.lists(st.sampled_from([0, 1, 1, 2, 2]), max_size=max_rank).map(tuple)


def normal(seed: int, shape: Sequence[int]) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(tuple(shape))


def well(seed: int, batch: Sequence[int], m: int, n: int | None = None) -> np.ndarray:
    """(*batch, m, n) matrices with singular values in about [1, 3]: 2·I plus a normal matrix
    scaled by 1/(2 + √max(m, n)) (whose 2-norm is then below 1 with high probability), so κ is
    about 3 and at most ~10 in the tail the tests may draw."""
    n = m if n is None else n
    g = normal(seed, (*batch, m, n)) / (2.0 + np.sqrt(max(m, n, 1)))
    return g + 2.0 * np.eye(m, n)


def spd(seed: int, batch: Sequence[int], n: int) -> np.ndarray:
    """Symmetric positive-definite (*batch, n, n): A Aᵀ/n + I, eigenvalues in about [1, 4]."""
    a = normal(seed, (*batch, n, n))
    return a @ np.swapaxes(a, -1, -2) / max(n, 1) + np.eye(n)


def singular(seed: int, batch: Sequence[int], n: int) -> np.ndarray:
    """Exactly singular (*batch, n, n) integer matrices (n ≥ 1): small integers with one row or
    one column all zero, so that LU meets an exactly zero pivot in both libraries whatever
    their pivoting and blocking (a repeated row may leave a pivot of rounding size instead)."""
    rng = np.random.default_rng(seed)
    a = rng.integers(-3, 4, size=(*batch, n, n)).astype(np.float64)
    i = int(rng.integers(n))
    if rng.random() < 0.5:
        a[..., i, :] = 0.0
    else:
        a[..., :, i] = 0.0
    return a


def _listed(out: Any) -> list:
    return list(out) if isinstance(out, (tuple, list)) else [out]


def _name(dtype: Any) -> str:
    return str(dtype).removeprefix("torch.")


def _call(lib, fn, arrays, dtype, grad, loss, gy_seed, gy_dtype):
    """fn(module, *leaves) in library lib: ``(outputs, gradients)`` or ``(exception,)``; the
    upstream gradients are normals rounded to ``gy_dtype`` (the same numbers on both sides)."""
    if lib == "ours":
        module = ac
        leaves = [ac.tensor(a.astype(dtype), requires_grad=grad) for a in arrays]
    else:
        import torch

        module = torch
        leaves = [torch.tensor(a.astype(dtype), requires_grad=grad) for a in arrays]
    try:
        outs = _listed(fn(module, *leaves))
        arrays_out = [o.numpy() if lib == "ours" else o.detach().numpy() for o in outs]
        if not grad:
            return arrays_out, None
        if loss is not None:  # its value is compared as one more output
            live = [loss(module, *outs)]
            arrays_out.append(live[0].numpy() if lib == "ours" else live[0].detach().numpy())
        else:
            live = [o for o in outs if o.requires_grad]
        if not live:
            return arrays_out, None
        rng = np.random.default_rng(gy_seed)
        gys = [
            rng.standard_normal(tuple(o.shape)).astype(gy_dtype).astype(_name(o.dtype))
            for o in live
        ]
        if lib == "ours":
            gs = ac.grad(live, leaves, [ac.tensor(g) for g in gys], allow_unused=True)
            grads = [None if g is None else g.numpy() for g in gs]
        else:
            gs = torch.autograd.grad(
                live, leaves, [torch.tensor(g) for g in gys], allow_unused=True
            )
            grads = [None if g is None else g.detach().numpy() for g in gs]
    except Exception as e:  # noqa: BLE001  (compared with the other library's outcome)
        return (e,)
    return arrays_out, grads


def check(
    fn: Callable,
    *arrays: np.ndarray,
    dtype: str = "float64",
    grad: bool = True,
    loss: Callable | None = None,
    kappa: float = 10.0,
    tol: float | None = None,
    gy_seed: int = 0,
    outputs: Sequence[int] | None = None,
) -> list[np.ndarray] | None:
    """``fn(module, *tensors)`` with module autograd_core and then torch, on ``arrays`` cast
    to ``dtype``; see the module docstring for the tolerances (``tol`` overrides the relative
    one, ``kappa`` is the inputs' condition number bound). ``outputs`` picks the outputs whose
    values are compared (all by default: pass a subset where the others are defined only up to
    sign; ``loss``'s value is one more output, the last). Returns our outputs, or None where both
    raised."""
    got = _call("ours", fn, arrays, dtype, grad, loss, gy_seed, dtype)
    # float32: torch's float64 result on the same float32-rounded numbers is the reference
    rounded = [a.astype(dtype).astype(np.float64) for a in arrays]
    want = _call("torch", fn, rounded, "float64", grad, loss, gy_seed, dtype)
    if len(want) == 1 or len(got) == 1:
        assert len(want) == len(got) == 1, (
            f"torch raised {want[0]!r}" if len(want) == 1 else f"ours raised {got[0]!r}"
        )
        return None
    n = max([max(a.shape[-2:], default=1) for a in arrays if a.ndim] + [1])
    if tol is None:
        tol = 1e-9 if dtype == "float64" else 64 * n * kappa**2 * U32
    (outs, grads), (touts, tgrads) = got, want
    assert len(outs) == len(touts), (len(outs), len(touts))
    for k, (o, t) in enumerate(zip(outs, touts)):
        assert o.shape == t.shape, ("output", k, o.shape, t.shape)
        want_dtype = np.dtype(dtype) if t.dtype.kind == "f" else t.dtype
        assert o.dtype == want_dtype, ("output", k, o.dtype, want_dtype)
        if outputs is None or k in outputs:
            _close(o, t, tol, f"output {k}")
    if grads is None and tgrads is None:
        return outs
    for j, arr in enumerate(arrays):
        g = None if grads is None else grads[j]
        t = None if tgrads is None else tgrads[j]
        if g is None and t is None:
            continue
        zeros = np.zeros(arr.shape, dtype)
        g, t = (zeros if g is None else g), (zeros if t is None else t)
        assert g.shape == t.shape == arr.shape, ("gradient", j, g.shape, t.shape)
        assert g.dtype == np.dtype(dtype), ("gradient", j, g.dtype)
        _close(g, t, tol, f"gradient of input {j}")
    return outs


def _close(got: np.ndarray, want: np.ndarray, tol: float, what: str) -> None:
    if want.dtype.kind != "f":
        np.testing.assert_array_equal(got, want, err_msg=what)
        return
    odd = ~np.isfinite(want)  # ±∞ and NaN: the same ones
    np.testing.assert_array_equal(got[odd], want[odd], err_msg=what)
    got, want = np.where(odd, 0, got).astype(np.float64), np.where(odd, 0, want)
    big = float(np.abs(want).max(initial=0.0))
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol * max(big, 1.0), err_msg=what)
