"""docs/func.md's example runs and prints what it says."""

from __future__ import annotations

import contextlib
import io
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_func_doc_example_runs():
    text = (ROOT / "docs" / "func.md").read_text()
    code = re.search(r"```python\n(.*?)```", text, re.S).group(1)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "docs/func.md", "exec"), {})
    assert out.getvalue().strip() == "(16, 8, 3)"


def test_func_doc_lists_every_transform():
    import autograd_core.func as func

    text = (ROOT / "docs" / "func.md").read_text()
    for name in func.__all__:
        assert f"`{name}(" in text, name
