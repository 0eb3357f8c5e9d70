"""Shared fixtures: a seeded generator and a device parameter (cuda skipped without CuPy)."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac

requires_cuda = pytest.mark.skipif(not ac.cuda.is_available(), reason="needs CuPy and a GPU")


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(0)


@pytest.fixture(params=["cpu", pytest.param("cuda", marks=[requires_cuda, pytest.mark.gpu])])
def device(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def torch():
    """PyTorch, for the tests that compare against it; they (and only they) skip without it."""
    return pytest.importorskip("torch")


@pytest.fixture(autouse=True)
def _default_dtype():
    yield
    ac.set_default_dtype(ac.float32)
