"""Differential fuzzing of the selections, sorts and set ops against torch 2.13, in float64:
median/nanmedian (without and with ``dim``), mode, kthvalue, topk (largest and smallest,
sorted), sort (stable, ascending and descending), argsort, msort, unique and
unique_consecutive (return_inverse, return_counts, dim), over random shapes (rank 0-4, size-0
and size-1 axes), negative dims and ``keepdim``. Compared: values, indices (exactly: which one
among ties), result dtypes and shapes, errors (both raise or neither), and the input gradient
under a random upstream gradient (it goes to the returned index, or for median()/nanmedian()
without dim is split among the entries equal to the result).

Values as in test_order_fuzz.py: 'few' ({-1, 0, 0.5, 2}, many ties) and 'odd'/'nan'/'inf'
(NaN, ±∞). Axes have at most 3 entries, so torch's CPU kernels sort each slice by insertion
(std::sort below 16 elements), which keeps ties in their original order: the index torch
reports among ties is then well defined and ours must equal it. Except kthvalue's: torch's CPU
kthvalue runs a quickselect (median-of-three pivot, unstable) whose pick among ties its docs
leave unspecified (kthvalue([-1, -1, -1], 1) is index 1), where ours takes the stable order's
(index 0): there the values are compared with torch's, and the index and gradient with what
they must be (_kth_own).

NaN where torch's answer is an accident of a comparison that NaN breaks: torch.mode and
torch.unique(dim=...) sort with ``<`` (not a strict weak order with NaN), so where a NaN stands
in the slice decides their result (mode([nan, 1, nan, 1]) is NaN; unique(dim=0) leaves rows
with NaN unsorted). For these two the NaNs become +∞ before the comparison, and ours with NaN
(NaN the largest, never equal to another) is pinned in test_order_fuzz_regressions.py.
Tolerances: reduce_fuzz.py.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from reduce_fuzz import check, fuzz_settings, seeds, shapes, slow_settings, values

import autograd_core as ac

torch = pytest.importorskip("torch")

TIES = ("few",)
ODD = ("odd", "nan", "inf")


@st.composite
def along(draw, kinds, none=False):
    """(shape, dim, keepdim, value kind, seed, extra): an int dim (negative half the time; None
    too when ``none``) and an ``extra`` integer in 0..3 for k."""
    shape = draw(shapes())
    n = max(len(shape), 1)
    dim = draw(st.integers(-n, n - 1) | (st.none() if none else st.nothing()))
    return (
        shape,
        dim,
        draw(st.booleans()),
        draw(st.sampled_from(kinds)),
        draw(seeds),
        draw(st.integers(0, 3)),
    )


def _median(name):
    def call(m, t, d, keep, k):
        f = getattr(m, name)
        return f(t) if d is None else tuple(f(t, d, keepdim=keep))

    return call


def _kth(m, t, d, keep, k):
    return tuple(m.kthvalue(t, k, d, keepdim=keep))  # k = 0 or past the axis: both raise


def _topk(largest):
    return lambda m, t, d, keep, k: tuple(m.topk(t, k, d, largest=largest, sorted=True))


# name: (call(module, tensor, dim, keepdim, k), takes dim=None, splits the gradient on ties)
SELECTIONS = {
    "median": (_median("median"), True, True),
    "nanmedian": (_median("nanmedian"), True, True),
    "mode": (lambda m, t, d, keep, k: tuple(m.mode(t, d, keepdim=keep)), False, False),
    "kthvalue": (_kth, False, False),
    "topk": (_topk(True), False, False),
    "topk_smallest": (_topk(False), False, False),
    "sort": (lambda m, t, d, keep, k: tuple(m.sort(t, dim=d, stable=True)), False, False),
    "sort_descending": (
        lambda m, t, d, keep, k: tuple(m.sort(t, dim=d, descending=True, stable=True)),
        False,
        False,
    ),
    "argsort": (
        lambda m, t, d, keep, k: m.argsort(t, dim=d, descending=keep, stable=True),
        False,
        False,
    ),
    "msort": (lambda m, t, d, keep, k: m.msort(t), False, False),
}


def _kth_own(x, dim, keep, k, gy_seed):
    """Ours: the index holds the value (NaN at NaN), and ȳ lands on that index only."""
    leaf = ac.tensor(x, requires_grad=True)
    try:
        v, i = ac.kthvalue(leaf, k, dim, keepdim=keep)
    except Exception:  # noqa: BLE001  (torch raised too: check compared the outcomes)
        return
    assert i.dtype == np.int64 and i.shape == v.shape, (i.dtype, i.shape, v.shape)
    if x.ndim == 0:
        np.testing.assert_array_equal(i.numpy(), 0)
        return
    index = i.numpy() if keep else np.expand_dims(i.numpy(), dim)
    np.testing.assert_array_equal(np.take_along_axis(x, index, dim).reshape(v.shape), v.numpy())
    gy = np.random.default_rng(gy_seed).standard_normal(tuple(v.shape))
    (g,) = ac.grad([v], [leaf], [ac.tensor(gy)])
    want = np.zeros_like(x)
    np.put_along_axis(want, index, gy.reshape(index.shape), dim)
    np.testing.assert_array_equal(g.numpy(), want)


def _select(name, case, gy_seed=0):
    shape, dim, keep, kind, seed, k = case
    call, _, split = SELECTIONS[name]
    x = values(seed, shape, kind)
    if name == "mode":  # torch's NaN answer is an accident (see below); ours is pinned by
        x = np.where(np.isnan(x), np.inf, x)  # test_mode_with_nan_takes_the_smallest_most_...
    if name == "kthvalue":  # values only against torch; see the module docstring
        check(lambda m, t: m.kthvalue(t, k, dim, keepdim=keep).values, x, terms=0, grad=False)
        _kth_own(x, dim, keep, k, gy_seed)
        return
    check(lambda m, t: call(m, t, dim, keep, k), x, terms=1 if split else 0, gy_seed=gy_seed)


@pytest.mark.parametrize("name", list(SELECTIONS))
@given(data=st.data())
@fuzz_settings(40)
def test_selections_with_ties_match_torch(name, data):
    _select(name, data.draw(along(TIES, SELECTIONS[name][1])), data.draw(seeds))


@pytest.mark.slow
@pytest.mark.parametrize("name", list(SELECTIONS))
@given(data=st.data())
@slow_settings(500)
def test_selections_with_ties_match_torch_slow(name, data):
    _select(name, data.draw(along(TIES, SELECTIONS[name][1])), data.draw(seeds))


@pytest.mark.parametrize("name", list(SELECTIONS))
@given(data=st.data())
@fuzz_settings(40)
def test_selections_with_nan_inf_match_torch(name, data):
    _select(name, data.draw(along(ODD, SELECTIONS[name][1])), data.draw(seeds))


@pytest.mark.slow
@pytest.mark.parametrize("name", list(SELECTIONS))
@given(data=st.data())
@slow_settings(500)
def test_selections_with_nan_inf_match_torch_slow(name, data):
    _select(name, data.draw(along(ODD, SELECTIONS[name][1])), data.draw(seeds))


def _uniques(case, consecutive, inverse, counts):
    shape, dim, _, kind, seed, _ = case
    x = values(seed, shape, kind)
    if dim is not None:  # torch's order of slices holding NaN is an accident (see below);
        x = np.where(np.isnan(x), np.inf, x)  # ours is pinned by test_unique_dim_with_nan_...

    def fn(m, t):
        if consecutive:
            out = m.unique_consecutive(t, return_inverse=inverse, return_counts=counts, dim=dim)
        else:
            out = m.unique(t, sorted=True, return_inverse=inverse, return_counts=counts, dim=dim)
        return out

    check(fn, x, grad=False)


@pytest.mark.parametrize("consecutive", [False, True])
@given(case=along(TIES + ODD, none=True), inverse=st.booleans(), counts=st.booleans())
@fuzz_settings(60)
def test_unique_matches_torch(consecutive, case, inverse, counts):
    _uniques(case, consecutive, inverse, counts)


@pytest.mark.slow
@pytest.mark.parametrize("consecutive", [False, True])
@given(case=along(TIES + ODD, none=True), inverse=st.booleans(), counts=st.booleans())
@slow_settings(800)
def test_unique_matches_torch_slow(consecutive, case, inverse, counts):
    _uniques(case, consecutive, inverse, counts)
