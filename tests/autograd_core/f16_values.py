"""Helpers shared by the exhaustive float16 tests (test_float16_gelu.py,
test_float16_activations.py): every float16 value, an upstream gradient for them, and the
distance in float16 ulps between two results."""

from __future__ import annotations

import numpy as np

ALL = np.arange(2**16, dtype=np.uint16).view(np.float16)
FINITE = ALL[np.isfinite(ALL)]  # all 63,486 finite float16 values, ±0 included
UPSTREAM = np.random.default_rng(0).standard_normal(FINITE.shape).astype(np.float16)


def ordered(a: np.ndarray) -> np.ndarray:
    """float16 values as integers in the order of the values (one apart: one ulp apart)."""
    b = a.view(np.uint16).astype(np.int64)
    return np.where(b >= 0x8000, -(b & 0x7FFF), b)


def ulps(got: np.ndarray, want: np.ndarray) -> np.ndarray:
    """float16 ulps between got and want (−0 and +0 one apart); NaN positions must agree."""
    assert got.dtype == want.dtype == np.float16 and got.shape == want.shape
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    return np.where(np.isnan(want), 0, np.abs(ordered(got) - ordered(want)))
