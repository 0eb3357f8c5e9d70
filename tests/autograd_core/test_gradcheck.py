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


# -- NaN and inf (issue 13, item 9) ---------------------------------------------------------


class NaNVJP(Op):
    """y = 2x with a VJP that returns NaN: NaN compares false, so a plain tolerance test
    would let it pass."""

    name = "nan_vjp"

    def forward(self, x):
        return x * 2

    def vjp(self, gy):
        return (gy * float("nan"),)


class InfVJP(Op):
    """y = 2x with a VJP that returns +inf."""

    name = "inf_vjp"

    def forward(self, x):
        return x * 2

    def vjp(self, gy):
        return (gy * float("inf"),)


def nan_vjp(x):
    return NaNVJP.apply(lift(x))


def inf_vjp(x):
    return InfVJP.apply(lift(x))


def test_a_vjp_returning_nan_fails():
    with pytest.raises(ac.GradcheckError, match=r"nan_vjp: non-finite gradient .* analytic nan"):
        ac.gradcheck(nan_vjp, x64(3))
    assert ac.gradcheck(nan_vjp, x64(3), raise_exception=False) is False
    with pytest.raises(ac.GradcheckError, match="second order: .*non-finite"):
        ac.gradgradcheck(lambda t: nan_vjp(t) * t, x64(2))


def test_a_vjp_returning_inf_fails_even_with_allow_nan():
    with np.errstate(invalid="ignore"):  # the one-hot rows give 0 · inf = NaN off the diagonal
        with pytest.raises(
            ac.GradcheckError, match=r"inf_vjp: non-finite gradient .* analytic inf"
        ):
            ac.gradcheck(inf_vjp, x64(3), allow_nan=True)


def test_the_where_sqrt_trap_fails_and_the_masked_form_passes():
    # d/dx where(x > 0, sqrt(x), 0) is 0 for x < 0, but the VJP computes 0 · 1/(2 sqrt(x)) =
    # 0 · NaN = NaN there; the finite differences give the true 0.
    x = ac.tensor(np.array([-1.0, 0.5, 2.0]), requires_grad=True)
    zero = ac.zeros(3, dtype=ac.float64)
    with np.errstate(invalid="ignore"):
        with pytest.raises(
            ac.GradcheckError,
            match=r"at d out\(0,\) / d in\(0,\): numeric 0, analytic nan.*where\(x > 0, sqrt",
        ):
            ac.gradcheck(lambda t: ac.where(t > 0, t.sqrt(), zero), x)
    one = ac.ones(3, dtype=ac.float64)
    assert ac.gradcheck(lambda t: ac.where(t > 0, ac.where(t > 0, t, one).sqrt(), zero), x)


def test_nan_on_both_sides_needs_allow_nan():
    # f(x) = x · NaN: the derivative is NaN both analytically and by finite differences
    nan = ac.tensor(np.array(np.nan))
    with pytest.raises(ac.GradcheckError, match="Both sides are NaN here; pass allow_nan=True"):
        ac.gradcheck(lambda t: t * nan, x64(2))
    assert ac.gradcheck(lambda t: t * nan, x64(2), allow_nan=True)
    # a NaN on one side only still fails when NaN is allowed
    with pytest.raises(ac.GradcheckError, match="non-finite gradient"):
        ac.gradcheck(nan_vjp, x64(2), allow_nan=True)


def test_fast_mode_fails_on_nan_too():
    with pytest.raises(ac.GradcheckError, match="non-finite gradient"):
        ac.gradcheck(nan_vjp, x64(4, 4), fast_mode=True)  # expanded to the element
    with pytest.raises(ac.GradcheckError, match=r"random direction: <u, J v> numeric .* nan"):
        ac.gradcheck(nan_vjp, x64(80, 80), fast_mode=True)  # too large to expand


def test_fast_mode_passes_a_correct_function_on_a_large_input():
    # 6,400 inputs: too large to expand, so the random-direction result alone must be right
    assert ac.gradcheck(lambda t: (t * t).tanh().sum(), x64(80, 80), fast_mode=True)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"eps": 0.0}, r"eps must be a finite number > 0\. Got eps=0\.0"),
        ({"eps": -1e-6}, r"eps must be a finite number > 0"),
        ({"eps": float("nan")}, r"eps must be a finite number > 0\. Got eps=nan"),
        ({"eps": float("inf")}, r"eps must be a finite number > 0"),
        ({"atol": float("nan")}, r"atol must be a finite number >= 0\. Got atol=nan"),
        ({"rtol": -1.0}, r"rtol must be a finite number >= 0"),
        ({"nondet_tol": float("nan")}, r"nondet_tol must be a finite number >= 0"),
    ],
)
def test_bad_step_or_tolerance_is_refused(kwargs, message):
    with pytest.raises(ValueError, match=r"^gradcheck: " + message):
        ac.gradcheck(nan_vjp, x64(2), **kwargs)
    with pytest.raises(ValueError, match=message):
        ac.gradgradcheck(lambda t: t * t, x64(2), **kwargs)


# -- precision (issue 13, item 10) ----------------------------------------------------------


def test_default_settings_follow_the_documented_rule():
    from autograd_core.gradcheck_settings import default_settings

    u = np.finfo(np.float32).eps
    s = default_settings(np.float32)
    assert s["eps"] == pytest.approx(u ** (1 / 3)) and s["eps"] == pytest.approx(4.92e-3, 1e-2)
    assert s["atol"] == s["rtol"] == pytest.approx(100 * u ** (2 / 3))
    assert default_settings(np.float64) == {"eps": 1e-6, "atol": 1e-5, "rtol": 1e-3}
    assert default_settings(np.float32, eps=1e-2)["eps"] == 1e-2  # a given value is kept


def test_float32_checks_with_its_own_step_and_still_catches_a_wrong_vjp():
    x32 = ac.tensor(np.random.default_rng(0).uniform(0.5, 1.5, (3, 4)).astype(np.float32))
    x32.requires_grad = True
    with pytest.warns(UserWarning, match="float64 is the reference"):
        # the float64 step (1e-6) and tolerances fail this correct function in float32
        assert not ac.gradcheck(
            lambda t: (t * t).tanh(), x32, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=False
        )
        assert ac.gradcheck(lambda t: (t * t).tanh(), x32)
        with pytest.raises(ac.GradcheckError, match=r"VJP mismatch .* \(shape \(3, 4\), float32\)"):
            ac.gradcheck(lambda t: WrongFirstOrder.apply(lift(t)), x32)


def test_the_step_is_the_one_the_input_actually_took():
    # In float32, 0.7 ± 1e-3 is not 2e-3 apart; dividing by the real distance makes the
    # difference quotient of the exact map x ↦ 2x exactly 2.
    from autograd_core.gradcheck import check_gradients

    x32 = ac.tensor(np.array([0.7, 1.3, 3.1], dtype=np.float32), requires_grad=True)
    with pytest.warns(UserWarning):
        r = check_gradients(lambda t: t * 2, x32, eps=1e-3, atol=0.0, rtol=0.0)
    assert r.ok and r.max_abs_err == 0.0


def test_a_step_too_small_to_move_the_input_is_refused():
    x32 = ac.tensor(np.array([1000.0], dtype=np.float32), requires_grad=True)
    with pytest.warns(UserWarning), pytest.raises(ValueError, match="eps=1e-09 does not move"):
        ac.gradcheck(lambda t: t * 2, x32, eps=1e-9)


def test_the_least_precise_input_sets_the_defaults():
    a64 = x64(3)
    b32 = ac.tensor(np.array([0.7, 1.3, 2.1], dtype=np.float32), requires_grad=True)
    with pytest.warns(UserWarning, match=r"input 1 is float32.*eps=0\.0049"):
        assert ac.gradcheck(lambda a, b: (a * b).tanh(), (a64, b32))
