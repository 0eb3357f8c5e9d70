"""Differential fuzzing of einsum against torch 2.13: random valid equations of one to three
operands with repeated letters in an operand (diagonals, traces), ``...`` broadcasting over
different numbers of leading dims, size-1 letters broadcasting against larger ones, size-0
letters, implicit outputs and explicit ones in any order (with and without ``...``); values,
dtypes, shapes and every operand's gradient under a random upstream gradient (tolerances:
linalg_fuzz.py). Equations torch refuses must be refused by ours too."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from linalg_fuzz import check, fuzz_settings, normal, seeds, slow_settings

torch = pytest.importorskip("torch")

LETTERS = "abcde"


@st.composite
def equation(draw):
    """(subscripts, operand shapes): each letter one size (0-3); an operand's letter size 1
    sometimes (broadcast), its ``...`` dims the trailing part of one broadcast shape."""
    size = {c: draw(st.sampled_from([0, 1, 2, 2, 3])) for c in LETTERS}
    ell_shape = draw(st.lists(st.sampled_from([1, 2, 3]), max_size=2))
    count = draw(st.integers(1, 3))
    specs, shapes = [], []
    for _ in range(count):
        letters = draw(st.lists(st.sampled_from(LETTERS), max_size=3))
        shape = []
        for c in letters:
            broadcast = size[c] > 1 and c not in shape and draw(st.integers(0, 5)) == 0
            shape.append(1 if broadcast and letters.count(c) == 1 else size[c])
        spec = "".join(letters)
        if ell_shape and draw(st.booleans()):
            nd = draw(st.integers(0, len(ell_shape)))
            ell = [
                1 if draw(st.integers(0, 3)) == 0 else s for s in ell_shape[len(ell_shape) - nd :]
            ]
            at = draw(st.integers(0, len(letters)))
            spec = spec[:at] + "..." + spec[at:]
            shape = shape[:at] + ell + shape[at:]
        specs.append(spec)
        shapes.append(tuple(shape))
    lhs = ",".join(specs)
    if draw(st.integers(0, 3)) == 0:  # implicit output
        return lhs, shapes
    seen = sorted({c for sp in specs for c in sp if c != "."})
    out = draw(st.permutations(seen))[: draw(st.integers(0, len(seen)))]
    out = "".join(out)
    if "..." in lhs and draw(st.integers(0, 5)):  # mostly with '...' in the output
        at = draw(st.integers(0, len(out)))
        out = out[:at] + "..." + out[at:]
    return f"{lhs}->{out}", shapes


def _einsum(case, seed, dtype):
    subscripts, shapes = case
    arrays = [normal(seed + i, s) for i, s in enumerate(shapes)]
    terms = math.prod(max(s, 1) for sh in shapes for s in sh)
    check(
        lambda m, *ts: m.einsum(subscripts, *ts),
        *arrays,
        dtype=dtype,
        kappa=1.0,
        tol=None if dtype == "float64" else min(terms, 10**4) * 2.0**-22,
    )


@fuzz_settings(120)
@given(equation(), seeds, st.sampled_from(["float64", "float64", "float32"]))
def test_einsum_fuzz(case, seed, dtype):
    _einsum(case, seed, dtype)


@pytest.mark.slow
@slow_settings(1500)
@given(equation(), seeds, st.sampled_from(["float64", "float64", "float32"]))
def test_einsum_fuzz_slow(case, seed, dtype):
    _einsum(case, seed, dtype)


@pytest.mark.parametrize(
    "subscripts, shapes",
    [
        ("ii->", [(3, 3)]),  # trace
        ("ii", [(3, 3)]),
        ("...ii->...", [(2, 3, 3)]),  # batched trace
        ("iij->j", [(2, 2, 3)]),
        ("ij,ij->", [(2, 3), (1, 3)]),  # a letter of size 1 broadcast
        ("...ij,...jk->...ik", [(2, 1, 2, 3), (4, 3, 2)]),  # batch broadcast
        ("i,i->", [(0,), (0,)]),  # empty sum: 0
        ("ij,jk->ik", [(2, 0), (0, 3)]),
        ("bij,bjk->bki", [(0, 2, 3), (0, 3, 2)]),
        ("iji->j", [(2, 3, 2)]),
    ],
)
def test_einsum_fixed(subscripts, shapes):
    """Named cases of each feature (the fuzz draws them too; these keep them in every run)."""
    arrays = [normal(7 + i, s) for i, s in enumerate(shapes)]
    check(lambda m, *ts: m.einsum(subscripts, *ts), *arrays, kappa=1.0)
