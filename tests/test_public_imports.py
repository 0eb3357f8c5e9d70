"""nn and optim use autograd_core only through public names: no module imports another
package's underscore modules or names."""

from __future__ import annotations

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
SOURCES = sorted(p for pkg in ("nn", "optim") for p in (ROOT / pkg).rglob("*.py"))


def _private_imports(path: pathlib.Path, root: pathlib.Path = ROOT) -> list[str]:
    """``autograd_core`` imports in ``path`` that name an underscore module or name."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("autograd_core"):
            names = [alias.name for alias in node.names]
            modules = node.module.split(".")
        elif isinstance(node, ast.Import):
            names = []
            modules = [
                part
                for alias in node.names
                if alias.name.startswith("autograd_core")
                for part in alias.name.split(".")
            ]
        else:
            continue
        if any(part.startswith("_") for part in modules + names):
            found.append(f"{path.relative_to(root)}:{node.lineno}")
    return found


def test_there_are_sources():
    assert len(SOURCES) >= 10


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_private_autograd_core_imports(path):
    assert _private_imports(path) == []


def test_private_import_is_detected(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from autograd_core.ops._common import const\nimport autograd_core._x\n")
    good = tmp_path / "good.py"
    good.write_text("import autograd_core as ac\nfrom autograd_core import random as _random\n")
    assert _private_imports(bad, tmp_path) == ["bad.py:1", "bad.py:2"]
    assert _private_imports(good, tmp_path) == []
