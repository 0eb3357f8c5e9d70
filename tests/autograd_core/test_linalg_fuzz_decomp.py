"""Differential fuzzing of the factorisations and norms against torch 2.13: qr (every mode),
eigh / eigvalsh (UPLO), svd / svdvals (full_matrices), pinv, matrix_norm / norm (fro, nuc, ±1,
±2, ±inf), vector_norm, trace, diagonal, diag_embed, tril and triu (offsets), over batch shapes
with size-0 and size-1 axes and 0×0 matrices (tolerances: linalg_fuzz.py).

Singular and eigen vectors are defined up to sign (and, past min(m, n), up to a basis of their
subspace), so their values and gradients are compared through sign-free functions: |U| and |V|
on the first min(m, n) columns, and the reconstruction U diag(S) Vh."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from linalg_fuzz import batches, check, fuzz_settings, normal, seeds, slow_settings, spd, well

torch = pytest.importorskip("torch")

SIZES = st.sampled_from([0, 1, 2, 3, 4])
FLOATS = st.sampled_from(["float64", "float64", "float32"])


def _cat(m, parts):
    return m.cat([p.reshape(-1) for p in parts])


@st.composite
def rect_case(draw):
    return draw(batches()), draw(SIZES), draw(SIZES)


def _qr(case, seed, dtype, mode):
    batch, rows, cols = case
    a = well(seed, batch, rows, cols)
    # torch (and ours) refuse the backward of mode 'r' and of 'complete' with m > n
    grad = mode == "reduced" or (mode == "complete" and rows <= cols)
    check(lambda m, t: tuple(m.linalg.qr(t, mode=mode)), a, dtype=dtype, grad=grad)


@fuzz_settings(60)
@given(rect_case(), seeds, FLOATS, st.sampled_from(["reduced", "complete", "r"]))
def test_qr_fuzz(case, seed, dtype, mode):
    _qr(case, seed, dtype, mode)


@pytest.mark.slow
@slow_settings(600)
@given(rect_case(), seeds, FLOATS, st.sampled_from(["reduced", "complete", "r"]))
def test_qr_fuzz_slow(case, seed, dtype, mode):
    _qr(case, seed, dtype, mode)


def _svd(case, seed, dtype, full, which):
    batch, rows, cols = case
    a = well(seed, batch, rows, cols)
    k = min(rows, cols)
    if which == "svdvals":
        check(lambda m, t: m.linalg.svdvals(t), a, dtype=dtype)
        return

    def loss(m, u, s, vh):  # sign-free: |U|, |Vh| on the first k vectors, and U diag(S) Vh
        u, vh = u[..., :, :k], vh[..., :k, :]
        return _cat(m, [u.abs(), vh.abs(), (u * s.unsqueeze(-2)) @ vh])

    # values: S and the loss (U and Vh themselves only up to sign); the singular values of
    # well() are distinct with probability 1 but may be close, and the vectors' gradient
    # scales with 1/(σᵢ − σⱼ): a looser tolerance for float32
    check(
        lambda m, t: tuple(m.linalg.svd(t, full_matrices=full)),
        a,
        dtype=dtype,
        loss=loss,
        outputs=[1, 3],
        tol=None if dtype == "float64" else 2e-3,
    )


@fuzz_settings(60)
@given(rect_case(), seeds, FLOATS, st.booleans(), st.sampled_from(["svd", "svdvals"]))
def test_svd_fuzz(case, seed, dtype, full, which):
    _svd(case, seed, dtype, full, which)


@pytest.mark.slow
@slow_settings(600)
@given(rect_case(), seeds, FLOATS, st.booleans(), st.sampled_from(["svd", "svdvals"]))
def test_svd_fuzz_slow(case, seed, dtype, full, which):
    _svd(case, seed, dtype, full, which)


@st.composite
def eigh_case(draw):
    return draw(batches()), draw(SIZES), draw(st.sampled_from(["L", "U"])), draw(st.booleans())


def _eigh(case, seed, dtype):
    batch, n, uplo, values_only = case
    # not symmetric: only the UPLO triangle is read, by both (its gradient lands there too)
    a = spd(seed, batch, n) + 0.3 * normal(seed + 1, (*batch, n, n))
    if values_only:
        check(lambda m, t: m.linalg.eigvalsh(t, UPLO=uplo), a, dtype=dtype)
        return
    check(
        lambda m, t: tuple(m.linalg.eigh(t, UPLO=uplo)),
        a,
        dtype=dtype,
        loss=lambda m, w, v: _cat(m, [w, v.abs()]),
        outputs=[0, 2],
        tol=None if dtype == "float64" else 2e-3,
    )


@fuzz_settings(50)
@given(eigh_case(), seeds, FLOATS)
def test_eigh_fuzz(case, seed, dtype):
    _eigh(case, seed, dtype)


@pytest.mark.slow
@slow_settings(500)
@given(eigh_case(), seeds, FLOATS)
def test_eigh_fuzz_slow(case, seed, dtype):
    _eigh(case, seed, dtype)


@st.composite
def pinv_case(draw):
    return draw(batches()), draw(SIZES), draw(SIZES), draw(st.booleans())


def _pinv(case, seed, dtype):
    batch, rows, cols, hermitian = case
    if hermitian:
        a = spd(seed, batch, rows)
        fn = lambda m, t: m.linalg.pinv(t, hermitian=True)  # noqa: E731
    else:
        a = well(seed, batch, rows, cols)
        fn = lambda m, t: m.linalg.pinv(t)  # noqa: E731
    check(fn, a, dtype=dtype)


@fuzz_settings(40)
@given(pinv_case(), seeds, FLOATS)
def test_pinv_fuzz(case, seed, dtype):
    _pinv(case, seed, dtype)


@pytest.mark.slow
@slow_settings(400)
@given(pinv_case(), seeds, FLOATS)
def test_pinv_fuzz_slow(case, seed, dtype):
    _pinv(case, seed, dtype)


MATRIX_ORDS = ["fro", "nuc", 1, -1, 2, -2, float("inf"), float("-inf")]


@st.composite
def norm_case(draw):
    """A (*batch, m, n) input and a matrix or vector norm call: linalg.matrix_norm (ord, dim
    pair, keepdim), linalg.norm (ord None or a matrix ord with a dim pair) or
    linalg.vector_norm (ord, dim)."""
    batch, rows, cols = draw(batches()), draw(SIZES), draw(SIZES)
    rank = len(batch) + 2
    kind = draw(st.sampled_from(["matrix_norm", "norm", "vector_norm"]))
    keep = draw(st.booleans())
    pair = draw(st.permutations(range(rank)))[:2]
    pair = tuple(d - rank if draw(st.booleans()) else d for d in pair)
    if kind == "vector_norm":
        ord_ = draw(st.sampled_from([2, 1, float("inf"), float("-inf"), 0, 0.5, 3]))
        dim = draw(st.sampled_from([None, pair[:1], pair]))
        return batch, rows, cols, kind, ord_, dim, keep
    ord_ = draw(st.sampled_from(MATRIX_ORDS + ([None] if kind == "norm" else [])))
    return batch, rows, cols, kind, ord_, pair, keep


def _norm(case, seed, dtype):
    batch, rows, cols, kind, ord_, dim, keep = case
    a = well(seed, batch, rows, cols)
    if kind == "norm" and ord_ is None:  # the 2-norm of the flattened input, any rank
        fn = lambda m, t: m.linalg.norm(t, keepdim=keep)  # noqa: E731
    else:
        fn = lambda m, t: getattr(m.linalg, kind)(t, ord_, dim, keep)  # noqa: E731
    check(fn, a, dtype=dtype, tol=None if dtype == "float64" else 2e-3)


@fuzz_settings(80)
@given(norm_case(), seeds, FLOATS)
def test_norms_fuzz(case, seed, dtype):
    _norm(case, seed, dtype)


@pytest.mark.slow
@slow_settings(800)
@given(norm_case(), seeds, FLOATS)
def test_norms_fuzz_slow(case, seed, dtype):
    _norm(case, seed, dtype)


@st.composite
def diagonal_case(draw):
    """An input of rank 1-4 and one of trace (2-D), diagonal (offset, dim1 ≠ dim2), diag_embed
    (offset, two output dims), tril / triu (offset)."""
    shape = tuple(draw(st.lists(st.sampled_from([0, 1, 2, 3]), min_size=1, max_size=4)))
    rank = len(shape)
    kind = draw(st.sampled_from(["trace", "diagonal", "diag_embed", "tril", "triu"]))
    offset = draw(st.integers(-4, 4))
    if kind == "trace":
        return shape[:2] if rank >= 2 else shape * 2, kind, ()
    if kind in ("tril", "triu"):
        return shape if rank >= 2 else shape * 2, kind, (offset,)
    out_rank = rank + (kind == "diag_embed")
    if out_rank < 2:
        shape, out_rank = shape * 2, rank * 2 + (kind == "diag_embed")
    d1, d2 = draw(st.permutations(range(out_rank)))[:2]
    d1 = d1 - out_rank if draw(st.booleans()) else d1
    return shape, kind, (offset, d1, d2)


def _diagonal(case, seed, dtype):
    shape, kind, args = case
    check(lambda m, t: getattr(m, kind)(t, *args), normal(seed, shape), dtype=dtype, kappa=1.0)


@fuzz_settings(80)
@given(diagonal_case(), seeds, FLOATS)
def test_diagonals_fuzz(case, seed, dtype):
    _diagonal(case, seed, dtype)


@pytest.mark.slow
@slow_settings(800)
@given(diagonal_case(), seeds, FLOATS)
def test_diagonals_fuzz_slow(case, seed, dtype):
    _diagonal(case, seed, dtype)
