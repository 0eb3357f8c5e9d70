"""``autograd-core gradcheck`` as a user meets it: NaN gradients fail, float32 gives a meaningful
result, --seed makes runs repeatable, and long dense checks show progress (issue 13, 9-11)."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys
import textwrap

ROOT = pathlib.Path(__file__).resolve().parents[2]


def run(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "autograd_core", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


USER_CODE = textwrap.dedent("""
    import numpy as np
    import autograd_core as ac
    import nn

    def sqrt_trap(x):
        return ac.where(x > 0, x.sqrt(), ac.zeros_like(x))

    def sqrt_masked(x):
        safe = ac.where(x > 0, x, ac.ones_like(x))
        return ac.where(x > 0, safe.sqrt(), ac.zeros_like(x))

    def smooth(x):
        return (x * x).tanh().sum()

    def make_net():
        return nn.Sequential(nn.Linear(4, 3), nn.Tanh(), nn.Linear(3, 1))
""")


def test_nan_gradient_fails_the_command(tmp_path):
    (tmp_path / "user.py").write_text(USER_CODE)
    np_input = tmp_path / "x.npz"
    import numpy as np

    np.savez(np_input, x=np.array([-1.0, 0.5, 2.0]))
    r = run("gradcheck", "--fn", "user:sqrt_trap", "--input", "x.npz", "--order", "1", cwd=tmp_path)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "non-finite gradient" in r.stdout and "numeric 0, analytic nan" in r.stdout
    r = run("gradcheck", "--fn", "user:sqrt_trap", "--input", "x.npz", "--allow-nan", cwd=tmp_path)
    assert r.returncode == 1  # NaN on one side only: still a failure
    r = run("gradcheck", "--fn", "user:sqrt_masked", "--input", "x.npz", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr


def test_all_ops_in_float32_give_a_meaningful_result():
    r = run("gradcheck", "--all", "--dtype", "float32", "-q")
    assert r.returncode == 0, r.stdout[-3000:]
    passed, failed = r.stdout.strip().splitlines()[-1].split(" passed, ")
    assert int(passed) > 1000 and failed.startswith("0 failed")
    assert "float64 is the reference" in r.stderr and "UserWarning" not in r.stderr


def test_float32_still_catches_a_wrong_op(tmp_path):
    (tmp_path / "wrongop.py").write_text(
        textwrap.dedent("""
        from autograd_core.op import Op
        from autograd_core.ops.common import lift

        class WrongSin(Op):
            name = "wrong_sin"
            def forward(self, x):
                return self.xp.sin(x)
            def vjp(self, gy):
                (x,) = self.inputs
                return (gy * x.cos() * 1.01,)     # 1% too large

        def f(x):
            return WrongSin.apply(lift(x))
    """)
    )
    r = run("gradcheck", "--fn", "wrongop:f", "--shape", "3,4", "--dtype", "float32", cwd=tmp_path)
    assert r.returncode == 1 and "VJP mismatch" in r.stdout, r.stdout + r.stderr


def _errors(result):
    return [row["max_abs_err"] for row in json.loads(result.stdout)["results"]]


def test_seed_seeds_the_model(tmp_path):
    (tmp_path / "user.py").write_text(USER_CODE)
    argv = ["gradcheck", "--model", "user:make_net", "--input-shape", "2,4", "--json"]
    first = run(*argv, "--seed", "3", cwd=tmp_path)
    again = run(*argv, "--seed", "3", cwd=tmp_path)
    other = run(*argv, "--seed", "4", cwd=tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    assert _errors(first) == _errors(again)
    assert _errors(first) != _errors(other)


def test_a_long_dense_check_shows_progress_and_suggests_fast(tmp_path):
    (tmp_path / "user.py").write_text(USER_CODE)
    r = run("gradcheck", "--fn", "user:smooth", "--shape", "80,80", "--order", "1", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "a dense check of user:smooth [(80, 80)] takes 12,800 evaluations" in r.stderr
    assert "--fast checks one random direction" in r.stderr
    assert "numeric Jacobian:   0%" in r.stderr and "0/6400" in r.stderr  # the progress bar
    r = run("gradcheck", "--fn", "user:smooth", "--shape", "300,300", "--fast", cwd=tmp_path)
    assert r.returncode == 0 and "dense check" not in r.stderr, r.stdout + r.stderr
