"""The real console script, run in a subprocess."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys
import textwrap

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCRIPT = pathlib.Path(sys.executable).with_name("autograd-core")


def run(*args, cwd=None):
    """Run the installed console script (``python -m autograd_core`` where it is not on disk),
    importing this checkout's code."""
    cmd = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "autograd_core"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [*cmd, *args], capture_output=True, text=True, cwd=cwd, timeout=300, env=env
    )


def test_gradcheck_one_op_passes():
    r = run("gradcheck", "--op", "tanh")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "tanh" in r.stdout and r.stdout.strip().splitlines()[-1].startswith(
        "16 passed, 0 failed"
    )


def test_gradcheck_glob_and_json():
    r = run("gradcheck", "--op", "ma*", "--order", "1", "--json")
    data = json.loads(r.stdout)
    assert r.returncode == 0 and data["failed"] == 0
    assert {row["op"] for row in data["results"]} >= {"matmul", "maximum"}


def test_ops_lists_every_registered_op():
    import autograd_core as ac

    r = run("ops", "--json")
    names = {row["op"] for row in json.loads(r.stdout)}
    assert names == set(ac.OP_REGISTRY)


def test_user_function_and_bad_specs(tmp_path):
    (tmp_path / "mymod.py").write_text(
        textwrap.dedent("""
        import autograd_core as ac
        def f(a, b):
            return (a @ b).tanh()
        def broken(a):
            return a.exp()   # but pretend its derivative is wrong below
    """)
    )
    r = run("gradcheck", "--fn", "mymod:f", "--shape", "3,4", "--shape", "4", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "2 passed, 0 failed" in r.stdout
    r = run("gradcheck", "--fn", "nomodule:f", "--shape", "3", cwd=tmp_path)
    assert r.returncode == 2 and "cannot import 'nomodule'" in r.stderr
    assert "Traceback" not in r.stderr
    r = run("gradcheck", "--fn", "mymod:f", "--shape", "3,4", "--shape", "5", cwd=tmp_path)
    assert r.returncode == 2 and "failed on inputs of shape (3, 4), (5,)" in r.stderr
    r = run("gradcheck", "--fn", "mymod:f", "--shape", "3,x", cwd=tmp_path)
    assert r.returncode == 2 and "bad shape" in r.stderr


def test_wrong_op_is_caught_by_the_command(tmp_path):
    (tmp_path / "wrongop.py").write_text(
        textwrap.dedent("""
        import numpy as np
        from autograd_core.op import Op
        from autograd_core.ops.common import lift

        class WrongExp(Op):
            name = "wrong_exp"
            def forward(self, x):
                return np.exp(x)
            def vjp(self, gy):
                return (gy * 1.0,)      # should be gy * exp(x)

        def f(x):
            return WrongExp.apply(lift(x))
    """)
    )
    r = run("gradcheck", "--fn", "wrongop:f", "--shape", "3", "--order", "1", cwd=tmp_path)
    assert r.returncode == 1
    assert "VJP mismatch" in r.stdout and "input 0" in r.stdout and "1 failed" in r.stdout


def test_model_gradcheck(tmp_path):
    (tmp_path / "models.py").write_text(
        textwrap.dedent("""
        import autograd_core as ac

        class Net:
            def __init__(self):
                self.w = ac.randn(4, 3, dtype=ac.float64, requires_grad=True)
                self.b = ac.zeros(3, dtype=ac.float64, requires_grad=True)
            def named_parameters(self):
                return [("w", self.w), ("b", self.b)]
            def __call__(self, x):
                return (x @ self.w + self.b).tanh()

        def make_net():
            return Net()
    """)
    )
    r = run("gradcheck", "--model", "models:make_net", "--input-shape", "2,4", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "3 passed, 0 failed" in r.stdout
    for name in ("input", "w", "b"):
        assert name in r.stdout


@pytest.mark.parametrize("argv", [["gradcheck", "--op", "nope"], ["gradcheck", "--fn", "x"]])
def test_command_errors_exit_2_with_one_line(argv):
    r = run(*argv)
    assert r.returncode == 2
    assert r.stderr.startswith("autograd-core: error:") and "Traceback" not in r.stderr


def test_user_function_with_inputs_from_npz(tmp_path):
    import numpy as np

    (tmp_path / "fmod.py").write_text("def f(a, b):\n    return (a * b).exp().sum(0)\n")
    rng = np.random.default_rng(0)
    np.savez(tmp_path / "inputs.npz", a=rng.standard_normal((3, 2)), b=rng.standard_normal(2))
    r = run("gradcheck", "--fn", "fmod:f", "--input", "inputs.npz", "--json", cwd=tmp_path)
    data = json.loads(r.stdout)
    assert r.returncode == 0 and data["passed"] == 2 and data["failed"] == 0
    assert data["results"][0]["case"] == "(3, 2), (2,)"
    r = run("gradcheck", "--fn", "fmod:f", "--input", "missing.npz", cwd=tmp_path)
    assert r.returncode == 2 and "cannot read inputs from 'missing.npz'" in r.stderr


def test_model_input_that_does_not_fit_is_one_line(tmp_path):
    (tmp_path / "m2.py").write_text(
        textwrap.dedent("""
        import autograd_core as ac

        class Net:
            def __init__(self):
                self.w = ac.randn(4, 3, dtype=ac.float64, requires_grad=True)
            def named_parameters(self):
                return [("w", self.w)]
            def __call__(self, x):
                return x @ self.w

        def make_net():
            return Net()
    """)
    )
    r = run("gradcheck", "--model", "m2:make_net", "--input-shape", "2,7", cwd=tmp_path)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "m2:make_net failed on an input of shape (2, 7): ShapeError: matmul" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--shape", "3"], "--shape and --input give the inputs of --fn"),
        (["--input-shape", "3"], "--input-shape, --loss and --train-mode apply to --model"),
        (["--op", "tanh", "--fn", "m:f"], "choose one of --all, --op, --fn, --model"),
    ],
)
def test_options_of_another_mode_are_refused(argv, message):
    r = run("gradcheck", *argv)
    assert r.returncode == 2 and message in r.stderr
