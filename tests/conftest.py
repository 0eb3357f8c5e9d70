"""Shared fixtures: a seeded generator and a device parameter (cuda skipped without CuPy).

``pytest --fake-cuda`` (or ``AUTOGRAD_CORE_FAKE_CUDA=1``) makes "cuda" the strict CPU stand-in
for CuPy (autograd_core/testing/fake_cupy.py), so the cuda half of the ``device`` fixture runs.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

import autograd_core as ac
from autograd_core.device import FAKE_CUDA_ENV


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--fake-cuda",
        action="store_true",
        help="run the cuda tests on the strict CPU stand-in for CuPy (sets " + FAKE_CUDA_ENV + ")",
    )


def pytest_configure(config: pytest.Config) -> None:
    # Before anything asks for CUDA: device.py reads the variable once, on first use.
    if config.getoption("--fake-cuda"):
        os.environ[FAKE_CUDA_ENV] = "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # @pytest.mark.slow (long training runs, the larger fuzz runs) only with -m slow (make
    # test-slow, which CI runs too) or another -m expression
    if config.option.markexpr:
        return
    skip = pytest.mark.skip(reason="slow: use `pytest -m slow` (make test-slow)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


def _skip_without_cuda() -> None:
    if not ac.cuda.is_available():
        pytest.skip("needs CuPy and a GPU (or pytest --fake-cuda)")


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(0)


@pytest.fixture(params=["cpu", pytest.param("cuda", marks=pytest.mark.gpu)])
def device(request: pytest.FixtureRequest) -> str:
    if request.param == "cuda":
        _skip_without_cuda()
    return request.param


@pytest.fixture
def torch():
    """PyTorch, for the tests that compare against it; they (and only they) skip without it."""
    return pytest.importorskip("torch")


@pytest.fixture(autouse=True)
def _default_dtype():
    yield
    ac.set_default_dtype(ac.float32)


@pytest.fixture
def float64_default() -> None:
    """float64 as the default dtype for one test (``_default_dtype`` puts float32 back after);
    a module asks for it with ``pytestmark = pytest.mark.usefixtures("float64_default")``."""
    ac.set_default_dtype(ac.float64)


@pytest.fixture
def fake_cuda(monkeypatch: pytest.MonkeyPatch):
    """For this test only, "cuda" is the strict CuPy stand-in (even where a GPU exists), with
    its transfer counters at zero: returns the stand-in module (``fake_cuda.TRANSFERS``)."""
    import autograd_core.device as device_module
    from autograd_core.testing import fake_cupy

    monkeypatch.setattr(device_module, "_cupy", fake_cupy)
    monkeypatch.setattr(device_module, "_cupy_error", None)
    monkeypatch.setattr(device_module, "CUPY_LOADED", True)
    monkeypatch.setattr(device_module, "_device_count", [])  # counted again, on the stand-in
    # device generators made by another array module must not serve this test
    monkeypatch.setattr(ac.random.default_generator, "device_rngs", {}, raising=False)
    fake_cupy.TRANSFERS.reset()
    return fake_cupy
