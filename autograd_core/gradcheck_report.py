"""What a gradient check reports: GradcheckResult, the tolerance test and the failure messages."""

from __future__ import annotations

from dataclasses import dataclass

import numpy

from autograd_core.tensor import Tensor

__all__ = [
    "GradcheckResult",
    "compare",
    "nonfinite_index",
    "same_or_both_nan",
    "describe_input",
    "nonfinite_message",
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


def nonfinite_index(analytic: numpy.ndarray, numeric: numpy.ndarray, allow_nan: bool) -> int:
    """Flat index of the first element where either side is NaN or ±inf, or −1 when there is
    none. With ``allow_nan``, places where both sides are NaN are not counted."""
    bad = ~(numpy.isfinite(analytic) & numpy.isfinite(numeric))
    if allow_nan:
        bad &= ~(numpy.isnan(analytic) & numpy.isnan(numeric))
    return int(numpy.argmax(bad)) if bad.any() else -1


def same_or_both_nan(a: numpy.ndarray, b: numpy.ndarray) -> numpy.ndarray:
    """|a − b|, with 0 where both are NaN (or equal infinities) and inf where only one is."""
    both = (numpy.isnan(a) & numpy.isnan(b)) | (a == b)
    with numpy.errstate(invalid="ignore"):
        diff = numpy.abs(a - b)
    return numpy.where(both, 0.0, numpy.where(numpy.isnan(diff), numpy.inf, diff))


def compare(
    analytic: numpy.ndarray,
    numeric: numpy.ndarray,
    atol: float,
    rtol: float,
    allow_nan: bool = False,
) -> tuple[bool, float, float, int]:
    """``(ok, max abs error, max rel error, flat index of the worst element)`` (−1 when empty).

    A NaN or ±inf on either side fails the comparison (NaN compares false with everything,
    so it must be looked for), except where both sides are NaN and ``allow_nan`` is set; the
    worst element is then the first non-finite one. The errors are over the finite elements.
    """
    if analytic.size == 0:
        return True, 0.0, 0.0, -1
    finite = numpy.isfinite(analytic) & numpy.isfinite(numeric)
    with numpy.errstate(invalid="ignore"):
        diff = analytic - numeric
    err = numpy.where(finite, numpy.abs(diff), 0.0)
    scale = numpy.where(finite, numpy.abs(numeric), 0.0)
    bad = err > atol + rtol * scale
    big = scale > atol
    rel = float((err[big] / scale[big]).max()) if big.any() else 0.0
    first_nonfinite = nonfinite_index(analytic, numeric, allow_nan)
    if first_nonfinite >= 0:
        return False, float(err.max()), rel, first_nonfinite
    worst = int(numpy.argmax(err - (atol + rtol * scale)))
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


def nonfinite_message(
    name: str,
    output: int,
    out_shape: tuple[int, ...],
    input_index: int,
    t: Tensor,
    analytic: numpy.ndarray,
    numeric: numpy.ndarray,
    index: int,
    allow_nan: bool,
) -> str:
    """A Jacobian block holds NaN or ±inf at ``index`` (flat, into outputs × inputs): which
    side, where, and the usual cause."""
    r, c = divmod(index, t.numel())
    out_pos = numpy.unravel_index(r, out_shape) if out_shape else ()
    in_pos = numpy.unravel_index(c, t.shape) if t.shape else ()
    a, m = analytic[r, c], numeric[r, c]
    where = f"d out{tuple(int(p) for p in out_pos)} / d in{tuple(int(p) for p in in_pos)}"
    head = (
        f"{name}: non-finite gradient for output {output}, {describe_input(input_index, t)} "
        f"at {where}: numeric {m:.8g}, analytic {a:.8g}."
    )
    if numpy.isnan(a) and numpy.isnan(m):
        return (
            f"{head} Both sides are NaN here; pass allow_nan=True (--allow-nan) if NaN is "
            "the expected derivative at this input."
        )
    if not numpy.isfinite(a):
        return (
            f"{head} The VJP gives {a} where the finite differences are finite: an op is "
            "differentiated outside its domain and masked afterwards, as in "
            "where(x > 0, sqrt(x), 0) at x <= 0 (NaN times a zero gradient is NaN). Mask the "
            "input as well, e.g. where(x > 0, sqrt(where(x > 0, x, 1)), 0)."
        )
    return (
        f"{head} The function is not finite within eps of this input: move the input away "
        "from the edge of the op's domain or pass a smaller eps."
    )
