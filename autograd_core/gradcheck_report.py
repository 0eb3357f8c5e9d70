"""What a gradient check reports: GradcheckResult, the tolerance test and the failure messages."""

from __future__ import annotations

from dataclasses import dataclass

import numpy

from autograd_core.tensor import Tensor

__all__ = [
    "GradcheckResult",
    "compare",
    "describe_input",
    "nondeterminism_message",
    "jacobian_mismatch_message",
    "direction_mismatch_message",
]


@dataclass
class GradcheckResult:
    """What one gradient check found.

    Attributes:
        ok: every comparison within ``atol + rtol·|numeric|``.
        max_abs_err: the largest |analytic − numeric|.
        max_rel_err: the largest |analytic − numeric| / |numeric| where |numeric| > atol.
        message: empty when ok; otherwise where and by how much it failed.
    """

    ok: bool
    max_abs_err: float
    max_rel_err: float
    message: str = ""


def compare(
    analytic: numpy.ndarray, numeric: numpy.ndarray, atol: float, rtol: float
) -> tuple[bool, float, float, int]:
    """``(ok, max abs error, max rel error, flat index of the worst element)`` (−1 when empty)."""
    err = numpy.abs(analytic - numeric)
    if err.size == 0:
        return True, 0.0, 0.0, -1
    bad = err > atol + rtol * numpy.abs(numeric)
    big = numpy.abs(numeric) > atol
    rel = float((err[big] / numpy.abs(numeric[big])).max()) if big.any() else 0.0
    worst = int(numpy.argmax(err - (atol + rtol * numpy.abs(numeric))))
    return (not bad.any()), float(err.max()), rel, worst


def describe_input(i: int, t: Tensor) -> str:
    """``input i (shape (…), dtype)``, as the messages name an input."""
    return f"input {i} (shape {tuple(t.shape)}, {t.dtype})"


def nondeterminism_message(
    name: str, output: int, input_index: int, t: Tensor, drift: float, nondet_tol: float
) -> str:
    """Two backward runs gave different Jacobians for one output and input."""
    return (
        f"{name}: backward is not deterministic for output {output}, "
        f"{describe_input(input_index, t)}: two runs differ by "
        f"{drift:.3g} (nondet_tol={nondet_tol})."
    )


def jacobian_mismatch_message(
    name: str,
    output: int,
    out_shape: tuple[int, ...],
    input_index: int,
    t: Tensor,
    analytic: numpy.ndarray,
    numeric: numpy.ndarray,
    worst: int,
    max_err: float,
    atol: float,
    rtol: float,
) -> str:
    """One Jacobian block failed: the worst element by position, its two values, and the three
    largest differences. ``worst`` is the flat index into the (outputs × inputs) block."""
    r, c = divmod(worst, t.numel())
    out_pos = numpy.unravel_index(r, out_shape) if out_shape else ()
    in_pos = numpy.unravel_index(c, t.shape) if t.shape else ()
    a, m = analytic[r, c], numeric[r, c]
    diffs = numpy.abs(analytic - numeric).ravel()
    top = ", ".join(f"{v:.3g}" for v in numpy.sort(diffs)[::-1][:3])
    where = f"d out{tuple(int(p) for p in out_pos)} / d in{tuple(int(p) for p in in_pos)}"
    return (
        f"{name}: VJP mismatch for output {output}, "
        f"{describe_input(input_index, t)}: max |numeric - analytic| = {max_err:.3g} "
        f"at {where}: numeric {m:.8g}, analytic {a:.8g} "
        f"(atol={atol:g}, rtol={rtol:g}); largest differences {top}."
    )


def direction_mismatch_message(
    name: str,
    input_index: int,
    t: Tensor,
    numeric: float,
    analytic: float,
    err: float,
    atol: float,
    rtol: float,
) -> str:
    """The fast-mode check ⟨u, J v⟩ failed for one input."""
    return (
        f"{name}: VJP mismatch for {describe_input(input_index, t)} in a random "
        f"direction: <u, J v> numeric {numeric:.8g}, analytic {analytic:.8g}, "
        f"|difference| = {err:.3g} (atol={atol:g}, rtol={rtol:g})."
    )
