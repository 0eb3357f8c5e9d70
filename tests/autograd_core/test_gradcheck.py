"""gradcheck and gradgradcheck catch wrong VJPs, name the op and input, and report readably."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import autograd_core as ac
from autograd_core.op import Op
from autograd_core.ops.common import const, lift

ROOT = pathlib.Path(__file__).resolve().parents[2]


class WrongFirstOrder(Op):
    """y = x³ with the VJP off by a factor: 2x² instead of 3x²."""

    name = "wrong_cube"

    def forward(self, x):
        return x**3

    def vjp(self, gy):
        (x,) = self.inputs
        return (gy * 2 * x * x,)


class WrongSecondOrder(Op):
    """y = x³ with a correct first derivative that is not differentiable: the VJP multiplies
    by a constant array, so the second derivative comes out 0 instead of 6x."""

    name = "frozen_cube"

    def forward(self, x):
        return x**3

    def vjp(self, gy):
        (x,) = self.inputs
        return (gy * const(3 * x.data**2),)


def x64(*shape, seed=0):
    return ac.tensor(np.random.default_rng(seed).uniform(0.5, 1.5, shape), requires_grad=True)


def test_gradcheck_catches_a_wrong_vjp_and_names_op_input_and_index():
    def wrong_cube(x):
        return WrongFirstOrder.apply(lift(x))

    with pytest.raises(ac.GradcheckError) as info:
        ac.gradcheck(wrong_cube, x64(2, 3))
    msg = str(info.value)
    assert msg.startswith("wrong_cube: VJP mismatch for output 0, input 0 (shape (2, 3), float64)")
    assert (
        "numeric" in msg
        and "analytic" in msg
        and "at d out(" in msg
        and "largest differences" in msg
    )
    assert ac.gradcheck(wrong_cube, x64(2, 3), raise_exception=False) is False


def test_gradgradcheck_catches_a_wrong_second_derivative():
    def frozen_cube(x):
        return WrongSecondOrder.apply(lift(x))

    x = x64(4)
    assert ac.gradcheck(frozen_cube, x)  # first order is right
    with pytest.raises(
        ac.GradcheckError, match=r"^second order: frozen_cube: VJP mismatch .*input 0"
    ):
        ac.gradgradcheck(frozen_cube, x)


def test_fast_mode_catches_it_and_expands_to_the_element():
    def wrong_cube(x):
        return WrongFirstOrder.apply(lift(x))

    with pytest.raises(ac.GradcheckError, match="wrong_cube: VJP mismatch for output 0, input 0"):
        ac.gradcheck(wrong_cube, x64(3, 3), fast_mode=True)
    assert ac.gradcheck(lambda t: (t**3).sum(0), x64(30, 40), fast_mode=True)


def test_fast_mode_alone_on_large_inputs():
    big = x64(80, 80)  # 6,400 inputs: too large to expand, the random-direction result stands

    def wrong_cube(x):
        return WrongFirstOrder.apply(lift(x))

    with pytest.raises(ac.GradcheckError, match=r"random direction: <u, J v> numeric"):
        ac.gradcheck(wrong_cube, big, fast_mode=True)


def test_float32_inputs_warn():
    x = ac.randn(3, requires_grad=True)
    with pytest.warns(UserWarning, match="not float64"):
        ac.gradcheck(lambda t: t * 2, x, atol=1e-2, rtol=1e-2, eps=1e-3)


def test_nondeterministic_backward_is_reported():
    calls = {"n": 0}

    class Flaky(Op):
        name = "flaky"

        def forward(self, x):
            return x * 2

        def vjp(self, gy):
            calls["n"] += 1
            return (gy * (2 + 1e-4 * calls["n"]),)  # drifts on every call

    def flaky(t):
        return Flaky.apply(t)

    with pytest.raises(ac.GradcheckError, match="flaky: backward is not deterministic"):
        ac.gradcheck(flaky, x64(2), atol=1e-2)


def test_multiple_outputs_and_fixed_inputs():
    a, b = x64(3), x64(3, seed=1)
    c = ac.tensor(np.arange(3.0))  # no requires_grad: held fixed
    assert ac.gradcheck(lambda p, q, r: (p * q + r, (p / q).sum()), (a, b, c))
    assert ac.gradgradcheck(lambda p, q, r: (p * q * r, (p / q).exp()), (a, b, c))


def test_needs_a_differentiable_input():
    with pytest.raises(ac.GradcheckError, match="needs at least one input with requires_grad"):
        ac.gradcheck(lambda t: t * 2, ac.ones(2))


def test_the_command_catches_a_wrong_registered_op(tmp_path):
    (tmp_path / "wrong_ops.py").write_text(
        textwrap.dedent("""
        import numpy as np
        import autograd_core as ac
        from autograd_core.op import Op
        from autograd_core.ops.common import lift
        from autograd_core.registry import register_op
        from autograd_core.testing.op_db import OP_DB, OpSpec, unary_cases

        @register_op("wrong_cube_cli")
        class WrongCube(Op):
            def forward(self, x):
                return x ** 3
            def vjp(self, gy):
                (x,) = self.inputs
                return (gy * 2 * x * x,)

        OP_DB.append(OpSpec("wrong_cube_cli", lambda x: WrongCube.apply(lift(x)), unary_cases,
                            ref=lambda x: x ** 3))
    """)
    )
    exe = [sys.executable, "-m", "autograd_core"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run(
        [*exe, "gradcheck", "--import", "wrong_ops", "--op", "wrong_cube_cli"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        env=env,
    )
    assert r.returncode == 1, r.stdout + r.stderr
    expected = "FAILED wrong_cube_cli [shape (5,)] order 1: wrong_cube_cli: VJP mismatch"
    assert f"{expected} for output 0, input 0" in r.stdout
    # every non-empty case fails at first order (7 of 8); the second-order check differentiates
    # the (wrong) VJP itself, which is self-consistent, so it passes
    assert r.stdout.strip().splitlines()[-1].startswith("9 passed, 7 failed")
