"""``autograd-core gradcheck --device cuda`` as a user meets it: run on the CuPy stand-in
(``AUTOGRAD_CORE_FAKE_CUDA=1``) it checks ops, functions and models on the device; without
CuPy it says what is missing."""

from __future__ import annotations

import importlib.util
import json
import os
import pathlib
import subprocess
import sys

import pytest

from autograd_core.device import FAKE_CUDA_ENV

ROOT = pathlib.Path(__file__).resolve().parents[2]


def run(*args, fake=True, cwd=None):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop(FAKE_CUDA_ENV, None)
    if fake:
        env[FAKE_CUDA_ENV] = "1"
    return subprocess.run(
        [sys.executable, "-m", "autograd_core", "gradcheck", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
        env=env,
    )


def test_ops_are_checked_on_the_device():
    r = run("--op", "matmul", "--device", "cuda", "--json")
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert report["failed"] == 0 and report["passed"] > 0


def test_a_function_and_a_model_are_checked_on_the_device(tmp_path):
    (tmp_path / "user_mod.py").write_text(
        "import autograd_core as ac\n"
        "import nn\n"
        "def f(x, w):\n"
        "    assert str(x.device) == 'cuda:0', x.device\n"
        "    return (x @ w).tanh().sum()\n"
        "def make():\n"
        "    return nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))\n"
        "def loss(out):\n"
        "    assert str(out.device) == 'cuda:0', out.device\n"
        "    return (out * out).sum()\n"
    )
    r = run("--fn", "user_mod:f", "--shape", "2,3", "--shape", "3,4", "--device", "cuda",
            cwd=tmp_path)  # fmt: skip
    assert r.returncode == 0, r.stdout + r.stderr
    r = run("--model", "user_mod:make", "--input-shape", "2,3", "--loss", "user_mod:loss",
            "--device", "cuda", cwd=tmp_path)  # fmt: skip
    assert r.returncode == 0, r.stdout + r.stderr
    assert "failed" in r.stdout and " 0 failed" in r.stdout


@pytest.mark.skipif(importlib.util.find_spec("cupy") is not None, reason="CuPy is installed")
def test_cuda_without_cupy_is_a_clear_error():
    r = run("--op", "tanh", "--device", "cuda", fake=False)
    assert r.returncode == 2
    assert "--device cuda: CUDA was asked for but CuPy is unavailable" in r.stderr


def test_an_unknown_device_is_a_clear_error():
    r = run("--op", "tanh", "--device", "gpu")
    assert r.returncode == 2 and "unknown device 'gpu'" in r.stderr
