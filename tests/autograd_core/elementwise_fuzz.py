"""Shared by the differential fuzz tests of the elementwise ops (test_elementwise_fuzz*.py):
hypothesis strategies for broadcasting shapes and for values that hit the edges often, and
``check``, which runs one call in autograd_core and in torch on the same numbers.

``check`` compares, in this order: whether the call raises (where torch raises, ours must raise
too, and the reverse fails; except that ours may accept a Python number where torch's signature
wants a tensor), the result's shape and dtype, its values (NaN at the same places; in float64
``rtol`` 1e-12 by default; zeros of the same sign unless the spec says the sign is not defined),
then the gradient of every float leaf (tensors and 0-d tensors, never Python numbers) under the
same random upstream gradient, with the same rules. It also runs our forward once more with
RuntimeWarning turned into an error where the result has no *new* non-finite value (a NaN where
no input is NaN, an infinity where every input is finite): the project's policy is that an op
warns only when its own arithmetic makes an infinity or a NaN.

Edge values. ``values`` mixes normal numbers with ``EDGES`` (0, −0, ±1, ±∞, NaN, ±1e308, the
smallest subnormal, ...) and with the op's own boundaries (``extra``), each about one time in
three, so that a few-element tensor meets several of them.

Import it as the other helpers in tests/ are imported: ``from elementwise_fuzz import ...``.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import strategies as st

import autograd_core as ac
import nn.functional as ours_functional

# tests/nn/fuzz_compare.py holds the settings every fuzz test of the project uses; pytest puts
# only this file's folder on sys.path, so add its folder too.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "nn"))
from fuzz_compare import fuzz_settings, seeds, slow_settings  # noqa: E402

__all__ = [
    "EDGES",
    "Lib",
    "check",
    "fuzz_settings",
    "operand",
    "pair_shapes",
    "seeds",
    "shapes",
    "slow_settings",
    "values",
]

INF, NAN = float("inf"), float("nan")
EDGES = [0.0, -0.0, 1.0, -1.0, INF, -INF, NAN, 1e308, -1e308, 5e-324, -5e-324, 0.5, -2.0, 3.0]


class Lib:
    """The namespace a test's call sees: ``m`` (autograd_core or torch), ``F`` (its
    nn.functional) and ``name`` ('ours' or 'torch')."""

    def __init__(self, name: str) -> None:
        self.name = name
        if name == "ours":
            self.m, self.F = ac, ours_functional
        else:
            import torch

            self.m, self.F = torch, torch.nn.functional


OURS = Lib("ours")


def _torch_lib() -> Lib:
    return Lib("torch")


SIZES = [0, 1, 1, 2, 3, 3]


def shapes(max_rank: int = 4) -> st.SearchStrategy[tuple[int, ...]]:
    """Rank 0-``max_rank``, axes of size 0-3 (1 often)."""
    return st.lists(st.sampled_from(SIZES), max_size=max_rank).map(tuple)


@st.composite
def pair_shapes(draw, n: int = 2) -> list[tuple[int, ...]]:
    """``n`` shapes that broadcast together: a result shape, and each operand a suffix of it
    (a lower rank) with some axes set to 1."""
    full = draw(shapes())
    out = []
    for _ in range(n):
        rank = draw(st.integers(0, len(full)))
        suffix = full[len(full) - rank :]
        out.append(tuple(1 if draw(st.integers(0, 3)) == 0 else s for s in suffix))
    return out


def values(seed: int, shape: Sequence[int], extra: Sequence[float] = (), kind: str = "mixed"):
    """float64 values: 'mixed' (normal, scaled by 3, with about a third of the entries drawn
    from EDGES and ``extra``), 'ints' (integers -3..3 with some edges: ties and integer
    exponents), 'positive' (|mixed|)."""
    rng = np.random.default_rng(seed)
    shape = tuple(shape)
    if kind == "ints":
        x = rng.integers(-3, 4, size=shape).astype(np.float64)
    else:
        x = 3 * np.asarray(rng.standard_normal(shape))
    pool = np.array(EDGES + list(extra), dtype=np.float64)
    mask = rng.random(shape) < 0.35
    x = np.array(x, dtype=np.float64)
    x[mask] = rng.choice(pool, size=int(mask.sum()))
    return np.abs(x) if kind == "positive" else x


@st.composite
def operand(draw, shape, extra=(), kinds=("tensor", "tensor", "0d", "scalar"), vkind="mixed"):
    """One operand: ('tensor', array), ('0d', 0-d array) or ('scalar', Python float)."""
    kind = draw(st.sampled_from(kinds))
    seed = draw(seeds)
    if kind == "tensor":
        return ("tensor", values(seed, shape, extra, vkind))
    x = values(seed, (), extra, vkind)
    return (kind, x) if kind == "0d" else ("scalar", float(x))


def _make(lib: Lib, arg: tuple[str, Any], dtype: str | None, grad: bool):
    """An operand as ``lib`` takes it: a leaf tensor (requiring grad when it is float and
    ``grad``), or the Python number."""
    kind, x = arg
    if kind == "scalar":
        return x
    a = np.asarray(x)
    if dtype is not None:
        a = a.astype(dtype)
    g = grad and a.dtype.kind == "f"
    if lib.name == "ours":
        return ac.tensor(a, requires_grad=g)
    import torch

    return torch.tensor(a, requires_grad=g)


def _numpy(t: Any) -> np.ndarray:
    return t.numpy() if isinstance(t, ac.Tensor) else t.detach().numpy(force=True)


def _run(lib: Lib, fn: Callable, args, dtypes, grad: bool, gy_seed: int):
    """``(result, {leaf index: gradient})`` or ``(exception,)``."""
    leaves = [_make(lib, a, d, grad) for a, d in zip(args, dtypes)]
    try:
        with warnings.catch_warnings():  # (the strict run in ``check`` looks at warnings)
            warnings.simplefilter("ignore", RuntimeWarning)
            y = fn(lib, *leaves)
    except Exception as e:  # noqa: BLE001  (compared with the other library's outcome)
        return (e,)
    out = _numpy(y)
    live = [i for i, leaf in enumerate(leaves) if getattr(leaf, "requires_grad", False)]
    if not (grad and live and y.requires_grad):
        return out, {}
    gy = np.random.default_rng(gy_seed).standard_normal(out.shape).astype(out.dtype)
    inputs = [leaves[i] for i in live]
    if lib.name == "ours":
        gs = ac.grad([y], inputs, [ac.tensor(gy)], allow_unused=True)
    else:
        import torch

        try:
            gs = torch.autograd.grad([y], inputs, [torch.tensor(gy)], allow_unused=True)
        except RuntimeError as e:  # torch.remainder(number, tensor): no derivative; ours has
            if "not implemented" not in str(e):
                raise
            return out, None
    return out, {i: None if g is None else _numpy(g) for i, g in zip(live, gs)}


def _close(got, want, what: str, rtol: float, atol: float, signed_zeros: bool) -> None:
    assert got.shape == want.shape, (what, got.shape, want.shape)
    if want.dtype.kind != "f":
        np.testing.assert_array_equal(got, want, err_msg=what)
        return
    odd = ~np.isfinite(want)  # ±∞ and NaN: the same ones
    np.testing.assert_array_equal(got[odd], want[odd], err_msg=what)
    finite_got = np.where(odd, 0, got)
    finite_want = np.where(odd, 0, want)
    np.testing.assert_allclose(finite_got, finite_want, rtol=rtol, atol=atol, err_msg=what)
    if signed_zeros:  # (where both are zero: a flushed subnormal is compared by value)
        zero = (want == 0) & (got == 0)
        np.testing.assert_array_equal(
            np.signbit(got[zero]), np.signbit(want[zero]), err_msg=what + ": sign of zero"
        )


def _new_non_finite(out: np.ndarray, args) -> bool:
    """Whether ``out`` has a NaN where no input is NaN or an infinity where all are finite."""
    if out.dtype.kind != "f" or out.size == 0:
        return False
    nan_in = np.zeros(out.shape, bool)
    odd_in = np.zeros(out.shape, bool)
    for _, x in args:
        a = np.asarray(x, dtype=np.float64) if np.asarray(x).dtype.kind == "f" else None
        if a is None:
            continue
        nan_in = nan_in | np.broadcast_to(np.isnan(a), out.shape)
        odd_in = odd_in | np.broadcast_to(~np.isfinite(a), out.shape)
    new = (np.isnan(out) & ~nan_in) | (np.isinf(out) & ~odd_in)
    return bool(new.any())


def check(
    fn: Callable,
    *args: tuple[str, Any],
    dtypes: Sequence[str | None] | None = None,
    grad: bool = True,
    rtol: float = 1e-12,
    atol: float = 1e-300,
    grad_rtol: float | None = None,
    grad_atol: float | None = None,
    signed_zeros: bool = True,
    quiet: bool = True,
    nan_grads: bool = True,
    gy_seed: int = 0,
) -> np.ndarray | None:
    """``fn(lib, *operands)`` in autograd_core and in torch on the same numbers (see the module
    docstring). ``args`` are ``operand`` draws; ``dtypes`` casts each tensor operand (None: as
    drawn, float64). ``nan_grads``: at a NaN entry of an operand (or of the result, when it
    has the operand's shape), our gradient may be NaN whatever torch's is (the project's
    NaN-in, NaN-out rule). ``quiet``: also require our forward not to warn where the result
    has no new non-finite value. Returns our result, or None where both raised."""
    dtypes = list(dtypes) if dtypes is not None else [None] * len(args)
    torch_lib = _torch_lib()
    want = _run(torch_lib, fn, args, dtypes, grad, gy_seed)
    got = _run(OURS, fn, args, dtypes, grad, gy_seed)
    if len(want) == 1:
        if len(got) == 2 and isinstance(want[0], TypeError) and any(k == "scalar" for k, _ in args):
            return got[0]  # ours takes a Python number where torch's signature wants a tensor
        assert len(got) == 1, f"torch raised {want[0]!r}, ours returned {got[0]!r}"
        return None
    assert len(got) == 2, f"ours raised {got[0]!r}, torch returned {want[0]!r}"
    (out, grads), (tout, tgrads) = got, want
    assert out.dtype == tout.dtype, ("dtype", out.dtype, tout.dtype)
    single = out.dtype != np.float64 or any(d not in (None, "float64") for d in dtypes)
    r = rtol if not single else max(rtol, 1e-6 if tout.dtype != np.float16 else 2e-3)
    a = atol if not single else max(atol, 1e-30)
    _close(out, tout, "output", r, a, signed_zeros and not single)
    gr = r if grad_rtol is None else grad_rtol
    ga = a if grad_atol is None else grad_atol
    for i in sorted(set(grads) | set(tgrads)) if tgrads is not None else ():
        g, tg = grads.get(i), tgrads.get(i)
        shape = np.shape(args[i][1])
        g = np.zeros(shape) if g is None else g
        tg = np.zeros(shape) if tg is None else tg
        if nan_grads and g.shape == shape:
            # NaN in or out, NaN gradient: ours may give NaN where torch passes a number
            nan = np.isnan(np.asarray(args[i][1]))
            if tout.shape == shape:
                nan = nan | np.isnan(tout)
            mine = np.isnan(g) & nan
            g, tg = np.where(mine, 0, g), np.where(mine, 0, tg)
        _close(g, tg, f"gradient of operand {i}", gr, ga, False)
    if quiet and not _new_non_finite(out, args):
        leaves = [_make(OURS, arg, d, False) for arg, d in zip(args, dtypes)]
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            fn(OURS, *leaves)
    return out
