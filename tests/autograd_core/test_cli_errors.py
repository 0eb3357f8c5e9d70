"""Every user error on the command line is one line on stderr and exit status 2, never a
traceback (issue 13, item 16)."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import pytest

from autograd_core.cli_common import CLIError, parse_shape
from autograd_core.demo import run_demo

ROOT = pathlib.Path(__file__).resolve().parents[2]
COMMAND = [sys.executable, "-m", "autograd_core"]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def run(args, cwd):
    return subprocess.run(
        [*COMMAND, *args], capture_output=True, text=True, cwd=cwd, timeout=300, env=ENV
    )


INVOCATIONS = [
    (["gradcheck", "--seed", "-1"], r"argument --seed: expected an integer >= 0, got '-1'"),
    (["gradcheck", "--eps", "0"], r"argument --eps: expected a finite number > 0, got '0'"),
    (["gradcheck", "--eps", "nan"], r"argument --eps: expected a finite number > 0"),
    (["gradcheck", "--atol", "nan"], r"argument --atol: expected a finite number >= 0"),
    (["gradcheck", "--rtol", "-1"], r"argument --rtol: expected a finite number >= 0"),
    (["gradcheck", "--fn", "shapes:f", "--shape", "3,,4"], r"bad shape '3,,4'"),
    (["viz", "--example", "xor", "--max-nodes", "-5"], r"argument --max-nodes: expected an"),
    (["viz", "--example", "xor", "--seed", "-1"], r"argument --seed"),
    (
        ["viz", "--example", "mlp", "--collapse-modules", "--backward"],
        r"--collapse-modules draws the forward graph only; .* --backward",
    ),
    (
        ["viz", "--example", "mlp", "--collapse-modules", "--overlay"],
        r"cannot be combined with --overlay",
    ),
    (["trace", "--decimals", "-3"], r"argument --decimals: expected an integer >= 1"),
    (["trace", "--decimals", "0"], r"argument --decimals: expected an integer >= 1"),
    (["trace", "--frames", "a_file.txt"], r"--frames 'a_file.txt' is an existing file"),
    (["demo", "--epochs", "-5"], r"argument --epochs: expected an integer >= 0, got '-5'"),
    (["demo", "--seed", "-1"], r"argument --seed"),
]


@pytest.mark.parametrize(
    ("argv", "message"), INVOCATIONS, ids=[" ".join(a) for a, _ in INVOCATIONS]
)
def test_invocation_is_one_line_and_exit_2(argv, message, tmp_path):
    import re

    (tmp_path / "a_file.txt").write_text("not a directory\n")
    (tmp_path / "shapes.py").write_text("def f(x):\n    return x.tanh()\n")
    r = run(argv, tmp_path)
    assert "Traceback" not in r.stderr, r.stderr
    assert r.returncode == 2, r.stdout + r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and re.search(message, lines[0]), r.stderr
    assert lines[0].startswith("autograd-core")


def test_closed_output_pipe_is_not_a_traceback(tmp_path):
    # `autograd-core gradcheck --json | head -1`: the reader goes away before the output
    p = subprocess.Popen(
        [*COMMAND, "gradcheck", "--op", "tanh", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env=ENV,
    )
    p.stdout.close()
    err = p.stderr.read().decode()
    p.stderr.close()
    assert p.wait(timeout=300) == 2
    assert "Traceback" not in err and "Exception ignored" not in err
    assert err.strip() == "autograd-core: error: output closed early (broken pipe)"


@pytest.mark.parametrize(
    ("text", "shape"),
    [("3,4", (3, 4)), ("3,", (3,)), ("(3,)", (3,)), ("", ()), ("()", ()), (" 2, 0 ", (2, 0))],
)
def test_parse_shape_accepts(text, shape):
    assert parse_shape(text) == shape


@pytest.mark.parametrize("text", ["3,,4", ",3", "3,,", "3;4", "3,-1"])
def test_parse_shape_refuses(text):
    with pytest.raises(CLIError, match="bad shape"):
        parse_shape(text)


def test_run_demo_refuses_negative_epochs():
    with pytest.raises(ValueError, match=r"run_demo: epochs must be an integer >= 0\. Got -5"):
        run_demo(epochs=-5, graph_path="")


def test_run_demo_with_zero_epochs_reports_the_untrained_net(capsys):
    assert run_demo(epochs=0, graph_path="") in (0, 1)
    assert "epoch     0" in capsys.readouterr().out
