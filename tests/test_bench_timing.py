"""The benchmark harness's process-apart interleaving: every contender timed every round, each
in a process of its own, and a contender that fails (while being built, or when called) stops
the run with its error."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench._timing import interleave_apart, maker


def pid_writer(path: str):
    """A contender that appends the pid of the process calling it to ``path``."""

    def call() -> None:
        with open(path, "a") as f:
            f.write(f"{os.getpid()}\n")

    return call


def test_each_contender_is_timed_every_round_in_its_own_process(tmp_path: Path):
    files = {name: tmp_path / name for name in ("a", "b")}
    t = interleave_apart({k: maker(__name__, "pid_writer", str(p)) for k, p in files.items()}, 3)
    assert sorted(t.rounds) == ["a", "b"]
    assert all(len(v) == 3 and min(v) > 0 for v in t.rounds.values())
    pids = {k: set(p.read_text().split()) for k, p in files.items()}
    assert all(len(v) == 1 for v in pids.values())  # one process per contender, kept
    assert pids["a"] != pids["b"] and str(os.getpid()) not in pids["a"] | pids["b"]
    assert all(len(p.read_text().split()) == 6 for p in files.values())  # warm + timed, 3×


@pytest.mark.parametrize(
    "spec, message",
    [
        (maker("functools", "partial", int, "not a number"), "ValueError"),
        (maker("no_such_module_here", "f"), "ModuleNotFoundError"),
    ],
)
def test_a_failing_contender_raises_with_its_error(spec, message):
    with pytest.raises(RuntimeError, match=message):
        interleave_apart({"ok": maker("functools", "partial", abs, 1), "bad": spec}, 2)
