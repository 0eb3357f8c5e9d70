"""equal, allclose and isclose: values against PyTorch and NumPy (NaN, inf, integers, bools,
PyTorch's defaults) and error paths."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
from autograd_core.errors import DTypeError, ShapeError

INF, NAN = float("inf"), float("nan")


# -- equal, allclose, isclose -------------------------------------------------------------------

CLOSE_PAIRS = [
    ([1.0, 2.0, 3.0], [1.0 + 1e-9, 2.0001, 3.5]),
    ([1.0, INF, NAN, -INF, INF], [1.0, INF, NAN, INF, 1e30]),
    ([0.0, 1e-9, -1e-9], [1e-9, 0.0, 0.0]),
    ([[1.0], [2.0]], [1.0, 2.0 + 1e-6]),
]


@pytest.mark.parametrize(("a", "b"), CLOSE_PAIRS)
@pytest.mark.parametrize(
    "kw", [{}, {"equal_nan": True}, {"rtol": 0.1, "atol": 0.0}, {"rtol": 0.0, "atol": 1e-3}]
)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_isclose_allclose_match_torch(torch, a, b, kw, dtype):
    a, b = np.array(a, dtype), np.array(b, dtype)
    ours = ac.isclose(ac.tensor(a), ac.tensor(b), **kw)
    theirs = torch.isclose(torch.tensor(a), torch.tensor(b), **kw)
    assert ours.dtype == ac.bool_ and ours.shape == tuple(theirs.shape)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    np.testing.assert_array_equal(ours.numpy(), np.isclose(a, b, **kw))
    assert ac.tensor(a).allclose(ac.tensor(b), **kw) is torch.allclose(
        torch.tensor(a), torch.tensor(b), **kw
    )


@pytest.mark.parametrize(
    ("a", "b", "kw"),
    [
        ([1, 2, 10], [1, 3, 11], {"rtol": 0.1, "atol": 0}),
        ([1, 2], [1, 3], {"rtol": 0.6}),
        ([True, False], [True, True], {}),
    ],
)
def test_isclose_of_integers_and_bools_matches_torch(torch, a, b, kw):
    ours = ac.isclose(ac.tensor(a), ac.tensor(b), **kw)
    np.testing.assert_array_equal(
        ours.numpy(), torch.isclose(torch.tensor(a), torch.tensor(b), **kw).numpy()
    )


def test_isclose_defaults_are_pytorchs():
    x = ac.tensor([1.0], dtype=ac.float64)
    assert bool(ac.isclose(x, x + 0.9e-5)) and not bool(ac.isclose(x, x + 1.1e-5))
    z = ac.tensor([0.0], dtype=ac.float64)
    assert bool(ac.isclose(z, z + 0.9e-8)) and not bool(ac.isclose(z, z + 1.1e-8))


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ([1, 2], [1.0, 2.0], True),
        ([1.0], [[1.0]], False),
        ([NAN], [NAN], False),
        ([1.0, 2.0], [1.0, 2.5], False),
        ([], [], True),
        (3.0, 3.0, True),
    ],
)
def test_equal_matches_torch(torch, a, b, expected):
    assert ac.equal(ac.tensor(a), ac.tensor(b)) is expected
    assert torch.equal(torch.tensor(a), torch.tensor(b)) is expected
    assert ac.tensor(a).equal(ac.tensor(b)) is expected


def test_isclose_errors():
    x = ac.tensor([1.0])
    with pytest.raises(DTypeError, match="must match"):
        ac.isclose(x, ac.tensor([1.0], dtype=ac.float64))
    with pytest.raises(DTypeError, match="must match"):
        ac.allclose(ac.tensor([1]), x)
    with pytest.raises(ValueError, match="rtol must be >= 0"):
        ac.isclose(x, x, rtol=-1)
    with pytest.raises(ValueError, match="atol must be >= 0"):
        ac.isclose(x, x, atol=-1)
    with pytest.raises(ShapeError):
        ac.isclose(ac.zeros(2), ac.zeros(3))


# -- NumPy references (no torch) ----------------------------------------------------------------


@pytest.mark.parametrize(("a", "b"), CLOSE_PAIRS)
@pytest.mark.parametrize("kw", [{}, {"equal_nan": True}, {"rtol": 0.1, "atol": 0.0}])
def test_isclose_and_allclose_match_numpy(a, b, kw):
    a, b = np.array(a), np.array(b)
    np.testing.assert_array_equal(
        ac.isclose(ac.tensor(a), ac.tensor(b), **kw).numpy(), np.isclose(a, b, **kw)
    )
    assert ac.allclose(ac.tensor(a), ac.tensor(b), **kw) == np.allclose(a, b, **kw)
    assert ac.equal(ac.tensor(a), ac.tensor(a)) == bool(np.array_equal(a, a))
