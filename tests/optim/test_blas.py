"""The BLAS helpers of the SGD kernel: axpy_ (y ← y + a·x) and scal_ (x ← a·x), in place."""

from __future__ import annotations

import pathlib
from fractions import Fraction
from typing import Any

import numpy as np
import pytest

from optim import _blas
from optim._blas import axpy_, scal_


def _exact_axpy(y: float, a: float, x: float, dtype: Any) -> Any:
    """y + a·x computed exactly, then rounded once to ``dtype`` (via float64 for float32)."""
    return dtype(float(Fraction(float(y)) + Fraction(float(dtype(a))) * Fraction(float(x))))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(1,), (33,), (7, 13), (2, 3, 5)])
def test_axpy_matches_numpy_within_one_rounding_and_updates_in_place(
    dtype: Any, shape: tuple[int, ...]
) -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape).astype(dtype)
    y = rng.standard_normal(shape).astype(dtype)
    y64, x64 = y.astype(np.float64), x.astype(np.float64)
    target = y.copy()
    axpy_(target, -0.3, x)
    # Two roundings at most, each within eps of the terms' magnitude (cancellation included).
    bound = 2 * np.finfo(dtype).eps * (np.abs(y64) + np.abs(0.3 * x64))
    assert np.all(np.abs(target - (y64 - 0.3 * x64)) <= bound)
    assert target.dtype == dtype and target.shape == shape


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_axpy_result_does_not_depend_on_slicing(dtype: Any) -> None:
    """Each element is computed on its own, so chunked updates give the unchunked bits."""
    rng = np.random.default_rng(1)
    n = 100_003
    x = rng.standard_normal(n).astype(dtype)
    y = rng.standard_normal(n).astype(dtype)
    whole = y.copy()
    axpy_(whole, -1e-3, x)
    sliced = y.copy()
    for start in range(0, n, 997):
        axpy_(sliced[start : start + 997], -1e-3, x[start : start + 997])
    np.testing.assert_array_equal(whole, sliced)
    # Every element is the correctly rounded y + a·x or the NumPy two-rounding result.
    for i in list(range(20)) + list(range(n - 20, n)):
        exact = _exact_axpy(y[i], -1e-3, x[i], dtype)
        two_roundings = y[i] + dtype(-1e-3) * x[i]
        assert whole[i] in (exact, two_roundings)


@pytest.mark.parametrize("factor", [np.float32(0.5), np.float64(0.5), np.array(0.5), 2, True])
def test_factors_of_any_real_scalar_type_are_accepted(factor: Any) -> None:
    y, x = np.ones(5, np.float32), np.arange(5, dtype=np.float32)
    expected_axpy = y + np.float32(factor) * x
    axpy_(y, factor, x)
    np.testing.assert_array_equal(y, expected_axpy)
    scal_(y, factor)
    np.testing.assert_array_equal(y, expected_axpy * np.float32(factor))


def test_scal_is_the_numpy_product_in_place() -> None:
    rng = np.random.default_rng(2)
    for dtype in (np.float32, np.float64):
        x = rng.standard_normal((4, 9)).astype(dtype)
        target = x.copy()
        scal_(target, 0.9)
        np.testing.assert_array_equal(target, x * dtype(0.9))


@pytest.mark.parametrize(
    "make_y, make_x",
    [
        (lambda: np.ones(6), lambda: np.arange(12.0)[::2]),  # x not contiguous
        (lambda: np.ones((3, 4)).T, lambda: np.ones((4, 3))),  # y not contiguous
        (lambda: np.ones(6, np.float32), lambda: np.ones(6)),  # mixed dtypes
        (lambda: np.ones(6, np.float16), lambda: np.ones(6, np.float16)),  # no BLAS routine
        (lambda: np.ones(6, np.complex128), lambda: np.ones(6, np.complex128)),
    ],
)
def test_axpy_falls_back_to_numpy_and_still_updates_in_place(make_y: Any, make_x: Any) -> None:
    y, x = make_y(), make_x()
    expected = y + 2.0 * x
    axpy_(y, 2.0, x)
    np.testing.assert_array_equal(y, expected)


def test_zero_factor_propagates_nan_like_numpy_and_torch() -> None:
    """BLAS skips the arithmetic for a = 0; the helpers must still give 0·NaN = NaN."""
    y = np.zeros(4)
    with np.errstate(invalid="ignore"):
        axpy_(y, 0.0, np.array([1.0, np.nan, np.inf, 2.0]))
    assert np.isnan(y[1]) and np.isnan(y[2]) and y[0] == 0 and y[3] == 0
    x = np.array([1.0, np.nan])
    scal_(x, 0.0)
    assert x[0] == 0 and np.isnan(x[1])


def test_read_only_target_raises_instead_of_updating_a_copy() -> None:
    y = np.ones(4)
    y.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        axpy_(y, 1.0, np.ones(4))
    with pytest.raises(ValueError, match="read-only"):
        scal_(y, 2.0)


def test_the_openblas_bundled_with_numpy_is_found_when_present() -> None:
    """Wheels of NumPy bundle OpenBLAS; where one is on disk, the fast path must load it."""
    numpy_dir = pathlib.Path(np.__file__).parent
    bundled = [
        *(numpy_dir.parent / "numpy.libs").glob("*openblas*"),
        *(numpy_dir / ".dylibs").glob("*openblas*"),
    ]
    if not bundled:
        pytest.skip("this NumPy bundles no OpenBLAS (built against another BLAS)")
    assert _blas._routines(np.dtype(np.float32)) is not None
    assert _blas._routines(np.dtype(np.float64)) is not None
    assert _blas._routines(np.dtype(np.float16)) is None


def test_without_blas_the_helpers_are_the_numpy_expressions(monkeypatch: Any) -> None:
    monkeypatch.setattr(_blas, "_ROUTINES", None)
    rng = np.random.default_rng(3)
    x, y = rng.standard_normal(1000), rng.standard_normal(1000)
    target = y.copy()
    axpy_(target, -0.37, x)
    np.testing.assert_array_equal(target, y + -0.37 * x)
    target = x.copy()
    scal_(target, 0.37)
    np.testing.assert_array_equal(target, x * 0.37)
