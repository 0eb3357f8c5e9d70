"""Differential fuzzing of the inverses, determinants and solvers against torch 2.13: inv, det,
slogdet, logdet, solve (left and right, batched and broadcast B, vector B), solve_triangular
(upper, left, unitriangular), cholesky (upper), matrix_power (negative n) and matrix_exp, over
batch shapes with size-0 and size-1 axes and 0×0 matrices (det of 0×0 is 1, inv of 0×0 is
0×0), on well-conditioned matrices for values and gradients (tolerances: linalg_fuzz.py), and
on exactly singular and indefinite ones for the error paths: where torch raises, ours raises
a LinAlgError naming the op. det of a singular matrix has the cofactor matrix as gradient
(torch 2.13 returns zeros there: see _singular_det)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from linalg_fuzz import (
    batches,
    check,
    fuzz_settings,
    normal,
    seeds,
    singular,
    slow_settings,
    spd,
    well,
)

import autograd_core as ac

torch = pytest.importorskip("torch")

SIZES = st.sampled_from([0, 1, 2, 3, 4])
FLOATS = st.sampled_from(["float64", "float64", "float32"])

# name -> call on one square matrix (or a batch)
SQUARE = {
    "inv": lambda m, a: m.linalg.inv(a),
    "inverse": lambda m, a: m.inverse(a),
    "det": lambda m, a: m.linalg.det(a),
    "slogdet": lambda m, a: m.linalg.slogdet(a),
    "logdet": lambda m, a: m.logdet(a),
    "matrix_exp": lambda m, a: m.linalg.matrix_exp(a),
    "cholesky": lambda m, a: m.linalg.cholesky(a),
    "cholesky_upper": lambda m, a: m.linalg.cholesky(a, upper=True),
}
POWERS = [-3, -2, -1, 0, 1, 2, 3, 5]


@st.composite
def square_case(draw):
    name = draw(st.sampled_from(sorted(SQUARE) + ["matrix_power"]))
    power = draw(st.sampled_from(POWERS))
    return name, draw(batches()), draw(SIZES), power


def _square(case, seed, dtype):
    name, batch, n, power = case
    if name.startswith("cholesky"):
        a = spd(seed, batch, n)
    else:
        a = well(seed, batch, n)
        if name == "logdet":  # det > 0 half the time, < 0 (NaN) the other half
            a[..., :1, :] *= np.where(normal(seed + 1, batch) < 0, -1.0, 1.0)[..., None, None]
    if name == "matrix_power":
        fn = lambda m, t: m.linalg.matrix_power(t, power)  # noqa: E731
    else:
        fn = SQUARE[name]
    if name == "matrix_exp":
        a = a - 2.0 * np.eye(n)  # norm below 1: exp(A) moderate, κ small
    check(fn, a, dtype=dtype, kappa=12.0 if name == "matrix_power" else 10.0)


@fuzz_settings(100)
@given(square_case(), seeds, FLOATS)
def test_square_fuzz(case, seed, dtype):
    _square(case, seed, dtype)


@pytest.mark.slow
@slow_settings(1200)
@given(square_case(), seeds, FLOATS)
def test_square_fuzz_slow(case, seed, dtype):
    _square(case, seed, dtype)


@st.composite
def solve_case(draw):
    """A (*batch_a, n, n) and B (*batch_b, n, k) (or (*, k, n) for left=False) with broadcasting
    batch shapes; a vector B ((n,) or A's batch plus n) a quarter of the time."""
    n, k = draw(SIZES), draw(st.sampled_from([0, 1, 2, 3]))
    batch = draw(batches())
    batch_a = tuple(1 if draw(st.integers(0, 3)) == 0 else s for s in batch)
    batch_b = tuple(1 if draw(st.integers(0, 3)) == 0 else s for s in batch)
    batch_b = batch_b[draw(st.integers(0, len(batch_b))) :]
    left = draw(st.booleans())
    if draw(st.integers(0, 3)) == 0:
        left, b_shape = True, draw(st.sampled_from([(n,), batch_a + (n,)]))
    else:
        b_shape = batch_b + ((n, k) if left else (k, n))
    return batch_a, n, b_shape, left


def _solve(case, seed, dtype):
    batch_a, n, b_shape, left = case
    check(
        lambda m, a, b: m.linalg.solve(a, b, left=left),
        well(seed, batch_a, n),
        normal(seed + 1, b_shape),
        dtype=dtype,
    )


@fuzz_settings(80)
@given(solve_case(), seeds, FLOATS)
def test_solve_fuzz(case, seed, dtype):
    _solve(case, seed, dtype)


@pytest.mark.slow
@slow_settings(1000)
@given(solve_case(), seeds, FLOATS)
def test_solve_fuzz_slow(case, seed, dtype):
    _solve(case, seed, dtype)


@st.composite
def triangular_case(draw):
    n, k = draw(SIZES), draw(st.sampled_from([0, 1, 3]))
    batch = draw(batches())
    batch_b = tuple(1 if draw(st.booleans()) else s for s in batch)
    left, upper, unit = draw(st.booleans()), draw(st.booleans()), draw(st.booleans())
    return batch, n, batch_b + ((n, k) if left else (k, n)), left, upper, unit


def _triangular(case, seed, dtype):
    batch, n, b_shape, left, upper, unit = case
    # well() has a dominant diagonal, so its triangles are well conditioned too; with
    # unitriangular the off-diagonal entries are small (below 1) for the same reason
    check(
        lambda m, a, b: m.linalg.solve_triangular(a, b, upper=upper, left=left, unitriangular=unit),
        well(seed, batch, n),
        normal(seed + 1, b_shape),
        dtype=dtype,
    )


@fuzz_settings(60)
@given(triangular_case(), seeds, FLOATS)
def test_solve_triangular_fuzz(case, seed, dtype):
    _triangular(case, seed, dtype)


@pytest.mark.slow
@slow_settings(600)
@given(triangular_case(), seeds, FLOATS)
def test_solve_triangular_fuzz_slow(case, seed, dtype):
    _triangular(case, seed, dtype)


# ---- error paths: exactly singular and indefinite matrices ----------------------------------

RAISING = {
    "inv": lambda m, a: m.linalg.inv(a),
    "inverse": lambda m, a: m.inverse(a),
    "solve": lambda m, a: m.linalg.solve(a, m.ones(a.shape[:-1], dtype=a.dtype)),
    "matrix_power": lambda m, a: m.linalg.matrix_power(a, -2),
    "cholesky": lambda m, a: m.linalg.cholesky(a),
}


@st.composite
def singular_case(draw):
    name = draw(st.sampled_from(sorted(RAISING)))
    return name, draw(st.sampled_from([(), (1,), (2,), (3, 1)])), draw(st.integers(1, 4))


def _singular(case, seed):
    name, batch, n = case
    # an indefinite symmetric matrix for cholesky (a singular one is not positive definite
    # either, but may be positive semi-definite: both raise on those too)
    a = singular(seed, batch, n)
    if name == "cholesky":
        a = a + np.swapaxes(a, -1, -2)
    want_raise = check(RAISING[name], a, grad=False) is None
    if want_raise:  # ours raised too: a LinAlgError naming the public function
        public = "inverse" if name == "inverse" else f"linalg.{name}"
        with pytest.raises(ac.linalg.LinAlgError, match=f"^{public}: "):
            RAISING[name](ac, ac.tensor(a))


@fuzz_settings(40)
@given(singular_case(), seeds)
def test_singular_fuzz(case, seed):
    _singular(case, seed)


@pytest.mark.slow
@slow_settings(500)
@given(singular_case(), seeds)
def test_singular_fuzz_slow(case, seed):
    _singular(case, seed)


def _cofactors(a: np.ndarray) -> np.ndarray:
    """The cofactor matrix C (det's gradient, adj(A)ᵀ) of one square matrix, by minors."""
    n = a.shape[-1]
    c = np.empty_like(a)
    for i in range(n):
        for j in range(n):
            minor = np.delete(np.delete(a, i, 0), j, 1)
            c[i, j] = (-1) ** (i + j) * (np.linalg.det(minor) if n > 1 else 1.0)
    return c


@st.composite
def singular_det_case(draw):
    return draw(st.sampled_from([(), (2,), (0,)])), draw(st.integers(1, 4))


def _singular_det(case, seed):
    batch, n = case
    a = singular(seed, batch, n)
    # values against torch; the gradient against the cofactors: torch 2.13 returns zeros for
    # det's gradient at an exactly singular A (e.g. [[1, 2], [2, 4]], whose cofactor matrix
    # [[4, -2], [-2, 1]] finite differences confirm), so it is no oracle there
    out = check(lambda m, t: m.linalg.det(t), a, grad=False)
    assert out is not None and not np.any(out[0])
    t = ac.tensor(a, requires_grad=True)
    gy = normal(seed, batch)
    g = ac.grad([ac.linalg.det(t)], [t], [ac.tensor(gy)])[0].numpy()
    cof = np.array([_cofactors(x) for x in a.reshape(-1, n, n)]).reshape(a.shape)
    np.testing.assert_allclose(g, gy[..., None, None] * cof, rtol=1e-12, atol=1e-12)


@fuzz_settings(30)
@given(singular_det_case(), seeds)
def test_det_singular_gradient_fuzz(case, seed):
    """det of an exactly singular matrix is 0 with gradient the cofactor matrix (finite)."""
    _singular_det(case, seed)


@pytest.mark.slow
@slow_settings(300)
@given(singular_det_case(), seeds)
def test_det_singular_gradient_fuzz_slow(case, seed):
    _singular_det(case, seed)


@pytest.mark.parametrize("name", sorted(SQUARE) + ["solve"])
@pytest.mark.parametrize("batch", [(), (0,), (2, 0)])
def test_empty_matrices(name, batch):
    """0×0 matrices (det 1, slogdet (1, 0), inv 0×0) and size-0 batches, as torch."""
    fn = SQUARE.get(name) or (
        lambda m, a: m.linalg.solve(a, m.ones((*a.shape[:-1], 2), dtype=a.dtype))
    )
    check(fn, np.zeros((*batch, 0, 0)))
    check(fn, spd(0, (0, *batch), 2))
