"""The strong-Wolfe line search used by :class:`~optim.LBFGS`, and its cubic interpolation.

The search follows Nocedal & Wright, *Numerical Optimization* (2nd ed., 2006), Algorithms 3.5
(bracketing) and 3.6 (zoom), with the safeguards and constants of PyTorch's
``torch.optim.lbfgs._strong_wolfe`` so that both take the same steps. Step lengths, losses and
directional derivatives are Python floats; gradients are flat arrays of any array module.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

__all__ = ["cubic_interpolate", "flat_dot", "strong_wolfe"]

# obj_func(x, t, d) -> (f(x + t d), flat gradient at x + t d)
ObjectiveT = Callable[[Any, float, Any], tuple[float, Any]]


def cubic_interpolate(
    x1: float,
    f1: float,
    g1: float,
    x2: float,
    f2: float,
    g2: float,
    bounds: tuple[float, float] | None = None,
) -> float:
    """Minimiser of the cubic through (x1, f1) and (x2, f2) with slopes g1, g2, clamped to bounds.

    Nocedal & Wright eq. (3.59). ``bounds`` defaults to the interval between x1 and x2; when the
    cubic has no real minimiser the midpoint of the bounds is returned.

    Example:
        >>> cubic_interpolate(0.0, 0.0, -1.0, 2.0, 0.0, 1.0)  # f = (x - 1)² - 1 → minimum at 1
        1.0
    """
    lo, hi = bounds if bounds is not None else ((x1, x2) if x1 <= x2 else (x2, x1))
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1**2 - g1 * g2
    if d2_square < 0:
        return (lo + hi) / 2.0
    d2 = math.sqrt(d2_square)
    if x1 <= x2:
        min_pos = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
    else:
        min_pos = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
    return min(max(min_pos, lo), hi)


def flat_dot(a: Any, b: Any) -> float:
    """a·b of two flat arrays, as a Python float (an explicit device-to-host copy on CuPy)."""
    return float(a.dot(b).item())


def strong_wolfe(
    obj_func: ObjectiveT,
    x: Any,
    t: float,
    d: Any,
    f: float,
    g: Any,
    gtd: float,
    c1: float = 1e-4,
    c2: float = 0.9,
    tolerance_change: float = 1e-9,
    max_ls: int = 25,
) -> tuple[float, Any, float, int]:
    """Find a step t along d that satisfies the strong Wolfe conditions.

    Sufficient decrease f(x + t d) ≤ f + c1 t gtd, and curvature |∇f(x + t d)·d| ≤ −c2 gtd.
    First the step grows (cubic extrapolation in [t + 0.01 (t − t_prev), 10 t]) until an
    interval brackets an acceptable point; then the interval is shrunk by cubic interpolation,
    moving a trial point that lands within 10% of an end inward when progress stalls, until a
    point is accepted, the interval (times max|d|) falls below ``tolerance_change``, or
    ``max_ls`` evaluations are used.

    Args:
        obj_func: evaluates (loss, flat gradient) at x + t d and restores x.
        x: the starting point (passed through to ``obj_func``).
        t: the first trial step.
        d: the search direction (flat array).
        f: loss at x.
        g: flat gradient at x.
        gtd: g·d, negative for a descent direction.
        c1: sufficient-decrease constant.
        c2: curvature constant.
        tolerance_change: smallest interval (in max-norm of t d) worth refining.
        max_ls: most evaluations of ``obj_func``.

    Returns:
        (loss, flat gradient, step, number of evaluations) at the accepted step.

    Difference from PyTorch: when the bracketing phase uses all ``max_ls`` evaluations,
    PyTorch leaves the bracket's slopes undefined (its zoom phase is then skipped, since no
    evaluation is left); here they are set to (gtd, slope at t) so the state is complete.
    """
    d_norm = float(abs(d).max().item())
    g = g.copy()
    f_new, g_new = obj_func(x, t, d)
    evals = 1
    gtd_new = flat_dot(g_new, d)
    t_prev, f_prev, g_prev, gtd_prev = 0.0, f, g, gtd
    done = False
    ls_iter = 0
    while ls_iter < max_ls:
        if f_new > f + c1 * t * gtd or (ls_iter > 1 and f_new >= f_prev):
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, g_new.copy()], [gtd_prev, gtd_new]
            break
        if abs(gtd_new) <= -c2 * gtd:
            bracket, bracket_f, bracket_g, bracket_gtd = [t], [f_new], [g_new], [gtd_new]
            done = True
            break
        if gtd_new >= 0:
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, g_new.copy()], [gtd_prev, gtd_new]
            break
        # extrapolate: the minimiser of the cubic, kept in [t + 0.01 (t − t_prev), 10 t]
        bounds = (t + 0.01 * (t - t_prev), t * 10)
        t_next = cubic_interpolate(t_prev, f_prev, gtd_prev, t, f_new, gtd_new, bounds=bounds)
        t_prev, f_prev, g_prev, gtd_prev = t, f_new, g_new.copy(), gtd_new
        t = t_next
        f_new, g_new = obj_func(x, t, d)
        evals += 1
        gtd_new = flat_dot(g_new, d)
        ls_iter += 1
    if ls_iter == max_ls:
        bracket, bracket_f, bracket_g, bracket_gtd = (
            [0.0, t],
            [f, f_new],
            [g, g_new],
            [gtd, gtd_new],
        )

    (t, f_new, g_new), evals = _zoom(
        obj_func, x, d, f, gtd, bracket, bracket_f, bracket_g, bracket_gtd,
        done=done, evals=evals, ls_iter=ls_iter, d_norm=d_norm,
        c1=c1, c2=c2, tolerance_change=tolerance_change, max_ls=max_ls,
    )  # fmt: skip
    return f_new, g_new, t, evals


def _zoom(
    obj_func: ObjectiveT,
    x: Any,
    d: Any,
    f: float,
    gtd: float,
    bracket: list[float],
    bracket_f: list[float],
    bracket_g: list[Any],
    bracket_gtd: list[float],
    *,
    done: bool,
    evals: int,
    ls_iter: int,
    d_norm: float,
    c1: float,
    c2: float,
    tolerance_change: float,
    max_ls: int,
) -> tuple[tuple[float, float, Any], int]:
    """Shrink a bracket around an acceptable step (Nocedal & Wright Algorithm 3.6).

    Returns ((t, f, g) at the low end of the final bracket, evaluations so far).
    """
    insuf_progress = False
    low, high = (0, 1) if bracket_f[0] <= bracket_f[-1] else (1, 0)
    while not done and ls_iter < max_ls:
        if abs(bracket[1] - bracket[0]) * d_norm < tolerance_change:
            break
        t = cubic_interpolate(
            bracket[0], bracket_f[0], bracket_gtd[0], bracket[1], bracket_f[1], bracket_gtd[1]
        )
        # A trial point within 10% of an end makes little progress: after one such point (or
        # at once if it lies outside the bracket) it is moved 10% inside instead.
        top, bottom = max(bracket), min(bracket)
        eps = 0.1 * (top - bottom)
        if min(top - t, t - bottom) < eps:
            if insuf_progress or t >= top or t <= bottom:
                t = top - eps if abs(t - top) < abs(t - bottom) else bottom + eps
                insuf_progress = False
            else:
                insuf_progress = True
        else:
            insuf_progress = False

        f_new, g_new = obj_func(x, t, d)
        evals += 1
        gtd_new = flat_dot(g_new, d)
        ls_iter += 1

        if f_new > f + c1 * t * gtd or f_new >= bracket_f[low]:
            # not enough decrease: t becomes the high end
            bracket[high], bracket_f[high] = t, f_new
            bracket_g[high], bracket_gtd[high] = g_new.copy(), gtd_new
            low, high = (0, 1) if bracket_f[0] <= bracket_f[1] else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True
            elif gtd_new * (bracket[high] - bracket[low]) >= 0:
                # the slope points away from the high end: the old low end becomes high
                bracket[high], bracket_f[high] = bracket[low], bracket_f[low]
                bracket_g[high], bracket_gtd[high] = bracket_g[low], bracket_gtd[low]
            bracket[low], bracket_f[low] = t, f_new
            bracket_g[low], bracket_gtd[low] = g_new.copy(), gtd_new
    return (bracket[low], bracket_f[low], bracket_g[low]), evals
