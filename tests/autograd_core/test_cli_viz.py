"""Tests for the ``viz`` and ``trace`` subcommands, run as the real command in a subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz 'dot' not installed")
ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    try:
        import autograd_core.cli  # noqa: F401
    except ImportError:
        pytest.skip("autograd_core/cli.py (the main command) is not there yet")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "autograd_core", *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        env=env,
        timeout=120,
    )


@pytest.fixture
def userpkg(tmp_path: Path) -> Path:
    pkg = tmp_path / "mypkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "mod.py").write_text(
        textwrap.dedent("""
        def f(x):
            return (x * x).tanh().sum(axis=0)
        def g(a, b):
            return a @ b
        def boom(x):
            raise RuntimeError("kaboom")
    """)
    )
    (pkg / "models.py").write_text(
        textwrap.dedent("""
        from autograd_core.cli_viz import example_model
        def make_net():
            return example_model("mlp")[0]
    """)
    )
    return tmp_path


@needs_dot
def test_viz_example_xor_writes_png(tmp_path):
    out = tmp_path / "xor.png"
    r = run("viz", "--example", "xor", "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "wrote" in r.stdout and "nodes" in r.stdout


def test_viz_example_mlp_prints_dot_without_output():
    r = run("viz", "--example", "mlp", "--collapse-modules")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("digraph")
    assert "fc1 (Dense)" in r.stdout and "fc3 (Dense)" in r.stdout


@needs_dot
def test_viz_fn_backward_grad_svg(userpkg):
    out = userpkg / "graph.svg"
    r = run(
        "viz",
        "--fn",
        "mypkg.mod:f",
        "--shape",
        "3,4",
        "-o",
        str(out),
        "--backward",
        "--grad",
        cwd=userpkg,
    )
    assert r.returncode == 0, r.stderr
    assert b"<svg" in out.read_bytes()
    r = run("viz", "--fn", "mypkg.mod:f", "--shape", "3,4", "--backward", "--grad", cwd=userpkg)
    assert "dL/du(" in r.stdout and "vjp: tanh" in r.stdout and "grad (3, 4) norm=" in r.stdout


def test_viz_fn_two_inputs_forward(userpkg):
    r = run("viz", "--fn", "mypkg.mod:g", "--shape", "2,3", "--shape", "3,5", cwd=userpkg)
    assert r.returncode == 0, r.stderr
    assert "matmul" in r.stdout and "x0" in r.stdout and "(3, 5) float32" in r.stdout
    assert "grad " not in r.stdout  # gradients only with --grad


@needs_dot
def test_viz_model_collapse_modules(userpkg):
    out = userpkg / "net.svg"
    r = run(
        "viz",
        "--model",
        "mypkg.models:make_net",
        "--input-shape",
        "4,16",
        "-o",
        str(out),
        "--collapse-modules",
        cwd=userpkg,
    )
    assert r.returncode == 0, r.stderr
    text = out.read_text()
    assert "<svg" in text and "fc2 (Dense)" in text


def test_viz_errors_exit_2_with_one_line(userpkg):
    r = run("viz", "--fn", "nopkg.nomod:f", "--shape", "3", cwd=userpkg)
    assert r.returncode == 2 and r.stderr.startswith("autograd-core: error: cannot import")
    r = run("viz", "--fn", "mypkg.mod:f", cwd=userpkg)
    assert r.returncode == 2 and "--fn needs --shape" in r.stderr
    r = run("viz", "--fn", "mypkg.mod:boom", "--shape", "2", cwd=userpkg)
    assert r.returncode == 2 and "RuntimeError: kaboom" in r.stderr
    r = run("viz", "--fn", "mypkg.mod:f", "--shape", "3,x", cwd=userpkg)
    assert r.returncode == 2 and "bad shape" in r.stderr
    r = run("viz", "--model", "mypkg.models:make_net", cwd=userpkg)
    assert r.returncode == 2 and "--model needs --input-shape" in r.stderr


def test_viz_without_dot_says_how_to_install(tmp_path):
    env_path = os.environ.get("PATH", "")
    try:
        os.environ["PATH"] = str(tmp_path)  # the subprocess finds no dot
        r = subprocess.run(
            [
                sys.executable,
                "-m",
                "autograd_core",
                "viz",
                "--example",
                "xor",
                "-o",
                str(tmp_path / "x.png"),
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
            env=dict(os.environ, PYTHONPATH=str(ROOT)),
        )
    finally:
        os.environ["PATH"] = env_path
    assert r.returncode == 1
    assert "apt-get install graphviz" in r.stderr
    assert (tmp_path / "x.gv").read_text().startswith("digraph")


def test_trace_prints_numbered_steps():
    r = run("trace")
    assert r.returncode == 0, r.stderr
    assert "Forward graph G (10 nodes" in r.stdout
    assert "  1. j = 10: u(10) = tanh   grad_table[u(10)] <- 1 = 1" in r.stdout
    assert "tanh.vjp[0] = 0.5" in r.stdout  # 1 - tanh(0.8814)^2 = 0.5, micrograd's neuron
    assert r.stdout.rstrip().endswith("(b)}") or "grad_table[u(" in r.stdout.splitlines()[-1]


def test_trace_fanout_and_fn(userpkg):
    r = run("trace", "--example", "fanout")
    assert r.returncode == 0 and "grad_table[u(1)] += that  ->  5" in r.stdout
    r = run("trace", "--fn", "mypkg.mod:f", "--shape", "2", cwd=userpkg)
    assert r.returncode == 0, r.stderr
    assert "tanh" in r.stdout and "return {grad_table[u(1)] (x)}" in r.stdout


@needs_dot
def test_trace_writes_one_frame_per_step(tmp_path):
    r = run("trace", "--example", "fanout", "--frames", str(tmp_path / "f"))
    assert r.returncode == 0, r.stderr
    frames = sorted((tmp_path / "f").iterdir())
    assert [p.name for p in frames] == ["step_001.png", "step_002.png", "step_003.png"]
    assert all(p.read_bytes()[:4] == b"\x89PNG" for p in frames)


def test_add_parsers_registers_viz_and_trace():
    import argparse

    from autograd_core.cli_viz import add_parsers

    parser = argparse.ArgumentParser(prog="autograd-core")
    add_parsers(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["viz", "--example", "xor", "--collapse-modules", "2"])
    assert args.collapse_modules == 2 and callable(args.func)
    args = parser.parse_args(["trace", "--example", "fanout"])
    assert args.func(args) == 0
