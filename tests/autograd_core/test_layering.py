"""The engine knows no op, and no module reaches into another's underscore names.

Read from the source (every import statement, at module level or inside a function), so a lazy
import cannot hide a dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("autograd_core", "nn", "optim")

# The backward core and what it stands on: none of these may import an op family (ops/), the
# module that attaches op methods to Tensor, or nn/optim.
ENGINE_CORE = [
    "autograd_core/op.py",
    "autograd_core/op_forward.py",
    "autograd_core/graph.py",
    "autograd_core/sweep.py",
    "autograd_core/topology.py",
    "autograd_core/grad_table.py",
    "autograd_core/node_vjp.py",
    "autograd_core/broadcast.py",
    "autograd_core/tensor.py",
    "autograd_core/registry.py",
    "autograd_core/device.py",
    "autograd_core/errors.py",
    "autograd_core/grad_mode.py",
    "autograd_core/dtypes.py",
    "autograd_core/creation.py",
    "autograd_core/random.py",
]
FORBIDDEN_FOR_CORE = ("autograd_core.ops", "autograd_core.methods", "nn", "optim")


def _imports(path: Path) -> list[tuple[str, list[str], int]]:
    """(module, imported names, line) for every import in the file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, [a.name for a in node.names], node.lineno))
        elif isinstance(node, ast.Import):
            for a in node.names:
                found.append((a.name, [], node.lineno))
    return found


def _sources() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py"))


@pytest.mark.parametrize("rel", ENGINE_CORE)
def test_engine_core_imports_no_op(rel):
    bad = [
        f"{rel}:{line}: imports {module}"
        for module, _, line in _imports(ROOT / rel)
        if any(module == f or module.startswith(f + ".") for f in FORBIDDEN_FOR_CORE)
    ]
    assert not bad, "the engine core must find ops through the registry:\n" + "\n".join(bad)


def test_no_module_imports_another_modules_underscore_names():
    bad = []
    for path in _sources():
        for module, names, line in _imports(path):
            if module.split(".")[0] not in PACKAGES:
                continue
            private = [n for n in names if n.startswith("_") and not n.endswith("__")]
            if private:
                bad.append(f"{path.relative_to(ROOT)}:{line}: from {module} import {private}")
    assert not bad, "give the needed function a public internal name:\n" + "\n".join(bad)


def test_the_layering_check_sees_lazy_imports(tmp_path):
    src = tmp_path / "m.py"
    src.write_text("def f():\n    from autograd_core.ops import add\n    return add\n")
    assert _imports(src) == [("autograd_core.ops", ["add"], 2)]


@pytest.mark.parametrize("rel", ENGINE_CORE)
def test_engine_core_files_and_functions_stay_short(rel):
    """STYLE B10.4: a file a reader can hold (~400 lines), functions split by job (~60)."""
    source = (ROOT / rel).read_text()
    assert source.count("\n") <= 400, f"{rel} has {source.count(chr(10))} lines"
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and node.end_lineno - node.lineno + 1 > 60
    ]
    assert not long, f"{rel}: functions over 60 lines: {long}"
