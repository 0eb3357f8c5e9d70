"""Exact values of einsum: forward against NumPy, gradients, and error messages."""

from __future__ import annotations

import numpy as np
import pytest
from f64_values import grad_of, host, t64  # tests/autograd_core/f64_values.py

import autograd_core as ac
from autograd_core.errors import ShapeError

# -- einsum --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "subscripts, shapes",
    [
        ("ij,jk", [(2, 3), (3, 4)]),
        ("ba", [(2, 3)]),
        ("bA", [(2, 3)]),
        ("ii", [(3, 3)]),
        ("...ij,...jk", [(2, 1, 3, 4), (5, 4, 2)]),
        ("i...->...", [(3, 2, 2)]),
        ("ij, jk -> ik", [(2, 3), (3, 4)]),
    ],
)
def test_einsum_matches_numpy(subscripts, shapes):
    rng = np.random.default_rng(1)
    arrays = [rng.standard_normal(s) for s in shapes]
    out = ac.einsum(subscripts, *[t64(a, requires_grad=False) for a in arrays])
    np.testing.assert_allclose(host(out), np.einsum(subscripts, *arrays), rtol=1e-12)


def test_einsum_diagonal_gradient_is_scattered_onto_the_diagonal():
    x = t64(np.arange(9.0).reshape(3, 3))
    g = grad_of(lambda t: ac.einsum("ii->i", t), x, gy=[1.0, 2.0, 3.0])
    np.testing.assert_array_equal(g, np.diag([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(grad_of(lambda t: ac.einsum("ii", t), x), np.eye(3))


def test_einsum_accepts_a_list_of_operands_and_keeps_float32():
    a, b = ac.ones(2, 3), ac.ones(3, 4)
    out = ac.einsum("ij,jk->ik", [a, b])
    assert out.shape == (2, 4) and out.dtype == np.float32


@pytest.mark.parametrize(
    "subscripts, shapes, error, pattern",
    [
        (
            "ij,jk->ik",
            [(2, 3)],
            ShapeError,
            r"einsum: subscripts 'ij,jk->ik' name 2 operand\(s\) "
            r"but 1 were given \(shapes \(2, 3\)\)",
        ),
        (
            "ij->i",
            [(2, 3, 4)],
            ShapeError,
            r"einsum: operand 0 has 3 dimension\(s\) but its "
            r"subscripts 'ij' name 2",
        ),
        (
            "ij,jk->ik",
            [(2, 3), (4, 5)],
            ShapeError,
            r"einsum: letter 'j' has size 3 and 4 "
            r"\(operand 1\)",
        ),
        (
            "ii->i",
            [(2, 3)],
            ShapeError,
            r"einsum: operand 0 repeats letter 'i' over dimensions of "
            r"sizes \[2, 3\]",
        ),
        ("ij->k", [(2, 3)], ShapeError, r"einsum: output letter 'k' is in no operand"),
        ("ij->ii", [(2, 2)], ShapeError, r"einsum: output letter 'i' repeats"),
        ("i1->i", [(2, 3)], ValueError, r"einsum: invalid subscripts 'i1->i' \(characters \['1'\]"),
        ("i->i->i", [(2,)], ValueError, r"more than one '->'"),
        ("i.j->i", [(2, 3)], ValueError, r"has a '\.' outside a single '\.\.\.'"),
    ],
)
def test_einsum_errors(subscripts, shapes, error, pattern):
    with pytest.raises(error, match=pattern):
        ac.einsum(subscripts, *[ac.zeros(*s) for s in shapes])


# (integers: mean raises, as torch's; test_reduce_fuzz_regressions.py)
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
@pytest.mark.parametrize(
    ("shape", "axis", "keepdims"),
    [((7,), None, False), ((3, 5), 0, True), ((4, 6, 5), (0, 2), False), ((1000,), None, True)],
)
def test_mean_is_bitwise_numpys_mean(dtype, shape, axis, keepdims):
    # float32/64 take a sum / count shortcut past NumPy's wrapper; it must give NumPy's bits
    x = (np.random.default_rng(0).standard_normal(shape) * 10).astype(dtype)
    got = ac.tensor(x).mean(axis=axis, keepdims=keepdims)
    expected = x.mean(axis=axis, keepdims=keepdims)
    assert got.dtype == expected.dtype and got.shape == np.shape(expected)
    np.testing.assert_array_equal(got.data, expected)
