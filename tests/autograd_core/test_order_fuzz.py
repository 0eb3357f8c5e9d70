"""Differential fuzzing of the extreme-value reductions and scans against torch 2.13, in float64:
amax/amin, max/min (without and with ``dim``), argmax/argmin, aminmax, cummax/cummin, all/any
and count_nonzero, over random shapes (rank 0-4, size-0 and size-1 axes), ``dim`` (None, an
int, negative, and for the ops that take them tuples and lists) and ``keepdim``. Compared: values,
indices (exactly: which one among ties), result dtypes and shapes, errors (both raise or
neither), and the input gradient under a random upstream gradient (how ties share it).

Two value strategies (reduce_fuzz.values): 'few' draws every entry from {-1, 0, 0.5, 2}, so
slices have many ties; 'odd' adds NaN, ∞ and −∞ to that set, and 'nan'/'inf' sprinkle them
among normal values. The selection, sort and set ops are in test_order_fuzz_select.py; fixed
regressions in test_order_fuzz_regressions.py. Tolerances: reduce_fuzz.py.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from reduce_fuzz import check, dims, fuzz_settings, seeds, shapes, slow_settings, values

import autograd_core as ac

torch = pytest.importorskip("torch")

TIES = ("few",)
ODD = ("odd", "nan", "inf")


@st.composite
def reductions(draw, kinds, several=True):
    """(shape, dim, keepdim, value kind, seed); dim is None, an int, or (when ``several``) a
    tuple or list of axes."""
    shape = draw(shapes())
    return (
        shape,
        draw(dims(len(shape), single=not several)),
        draw(st.booleans()),
        draw(st.sampled_from(kinds)),
        draw(seeds),
    )


def _amax(name):
    def call(m, t, d, k):
        return getattr(m, name)(t, keepdim=k) if d is None else getattr(m, name)(t, d, k)

    return call


def _max(name):
    def call(m, t, d, k):
        return getattr(m, name)(t) if d is None else tuple(getattr(m, name)(t, d, k))

    return call


def _logical(name):
    def call(m, t, d, k):
        return getattr(m, name)(t) if d is None else getattr(m, name)(t, dim=d, keepdim=k)

    return call


# name: (call(module, tensor, dim, keepdim), takes several dims, splits the gradient on ties)
EXTREMA = {
    "amax": (_amax("amax"), True, True),
    "amin": (_amax("amin"), True, True),
    "max": (_max("max"), False, True),  # over all axes: split; with dim: to the returned index
    "min": (_max("min"), False, True),
    "argmax": (lambda m, t, d, k: m.argmax(t, dim=d, keepdim=k), False, False),
    "argmin": (lambda m, t, d, k: m.argmin(t, dim=d, keepdim=k), False, False),
    "aminmax": (lambda m, t, d, k: tuple(m.aminmax(t, dim=d, keepdim=k)), False, True),
    "all": (_logical("all"), True, False),
    "any": (_logical("any"), True, False),
    "count_nonzero": (lambda m, t, d, k: m.count_nonzero(t, dim=d), True, False),
}


# The NumPy reductions whose gradients amax, amin and aminmax (min, then max) split.
SPLITS = {"amax": ["max"], "amin": ["min"], "aminmax": ["min", "max"]}


def _split_oracle(x, dim, gys, reduces):
    """The gradient that spreads each ȳ equally over the entries equal to their slice's
    extremum, a NaN extremum being equal to the slice's NaNs (torch.max()'s rule without dim)."""
    axes = None if dim is None or x.ndim == 0 else ((dim,) if isinstance(dim, int) else tuple(dim))
    want = np.zeros_like(x)
    for gy, reduce in zip(gys, reduces):
        y = getattr(np, reduce)(x, axis=axes, keepdims=True)  # NaN propagates, as in both
        hit = (x == y) | (np.isnan(x) & np.isnan(y))
        want += gy.reshape(y.shape) * hit / hit.sum(axis=axes, keepdims=True)
    return want


def _nan_split(name, x, dim, keep, gy_seed):
    """Ours against _split_oracle. torch.amax/amin/aminmax give NaN to every entry of a slice
    whose extremum is NaN (their backward divides the mask x == y, all False there, by its
    count: 0/0), where torch.max() and torch.median() without dim give ȳ/k to its k NaNs."""
    leaf = ac.tensor(x, requires_grad=True)
    out = EXTREMA[name][0](ac, leaf, dim, keep)
    outs = list(out) if isinstance(out, tuple) else [out]
    rng = np.random.default_rng(gy_seed)
    gys = [rng.standard_normal(tuple(o.shape)) for o in outs]
    (g,) = ac.grad(outs, [leaf], [ac.tensor(gy) for gy in gys])
    want = _split_oracle(x, dim, gys, SPLITS[name])
    np.testing.assert_allclose(g.numpy(), want, rtol=1e-12, atol=0, err_msg=name)


def _extremum(name, case, gy_seed=0):
    shape, dim, keep, kind, seed = case
    call, _, split = EXTREMA[name]
    x = values(seed, shape, kind)
    fn = lambda m, t: call(m, t, dim, keep)  # noqa: E731
    if name in SPLITS and np.isnan(x).any():  # torch's gradient is NaN there; see _nan_split
        check(fn, x, terms=0, grad=False)
        _nan_split(name, x, dim, keep, gy_seed)
        return
    # A tied gradient is ȳ/k on both sides, computed in different orders: 1e-12 relative.
    check(fn, x, terms=1 if split else 0, gy_seed=gy_seed)


@pytest.mark.parametrize("name", list(EXTREMA))
@given(data=st.data())
@fuzz_settings(40)
def test_extrema_with_ties_match_torch(name, data):
    _extremum(name, data.draw(reductions(TIES, EXTREMA[name][1])), data.draw(seeds))


@pytest.mark.slow
@pytest.mark.parametrize("name", list(EXTREMA))
@given(data=st.data())
@slow_settings(500)
def test_extrema_with_ties_match_torch_slow(name, data):
    _extremum(name, data.draw(reductions(TIES, EXTREMA[name][1])), data.draw(seeds))


@st.composite
def scans(draw, kinds):
    """(shape, dim, value kind, seed) with an int dim, negative half the time."""
    shape = draw(shapes())
    n = max(len(shape), 1)
    return shape, draw(st.integers(-n, n - 1)), draw(st.sampled_from(kinds)), draw(seeds)


def _scan(name, case, gy_seed=0):
    shape, dim, kind, seed = case
    check(lambda m, t: tuple(getattr(m, name)(t, dim)), values(seed, shape, kind), terms=0)


@pytest.mark.parametrize("name", ["cummax", "cummin"])
@given(case=scans(TIES + ODD))
@fuzz_settings(80)
def test_running_extrema_match_torch(name, case):
    _scan(name, case)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["cummax", "cummin"])
@given(case=scans(TIES + ODD))
@slow_settings(1000)
def test_running_extrema_match_torch_slow(name, case):
    _scan(name, case)


@pytest.mark.parametrize("name", list(EXTREMA))
@given(data=st.data())
@fuzz_settings(40)
def test_extrema_with_nan_inf_match_torch(name, data):
    _extremum(name, data.draw(reductions(ODD, EXTREMA[name][1])), data.draw(seeds))


@pytest.mark.slow
@pytest.mark.parametrize("name", list(EXTREMA))
@given(data=st.data())
@slow_settings(500)
def test_extrema_with_nan_inf_match_torch_slow(name, data):
    _extremum(name, data.draw(reductions(ODD, EXTREMA[name][1])), data.draw(seeds))
