"""nn test settings: long training runs (``@pytest.mark.slow``) run only with ``-m slow``."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.option.markexpr:
        return
    skip = pytest.mark.skip(reason="long training run: use `pytest -m slow` (make test-slow)")
    for item in items:
        if "slow" in item.keywords and "tests/nn" in str(item.fspath).replace("\\", "/"):
            item.add_marker(skip)
