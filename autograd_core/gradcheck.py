"""Numeric versus analytic gradients: ``gradcheck`` and ``gradgradcheck``.

The numeric Jacobian uses central differences, (f(x + ε eₖ) − f(x − ε eₖ)) / 2ε, one column per
input element; the analytic one is built from VJPs, one row per output element. Fast mode
compares one random projection both ways instead, ⟨u, J v⟩ (Chainer, HIPS autograd, PyTorch's
fast mode), which costs two function evaluations and one backward per input whatever the size.

A NaN or ±inf in either Jacobian fails the check (NaN compares false with everything, so a
plain tolerance test would pass it), unless both sides are NaN at the same place and the caller
passes ``allow_nan=True``.

The Jacobians and products are computed in ``gradcheck_numeric.py``; the result type, the
tolerance test and the failure messages are in ``gradcheck_report.py``; the default step and
tolerances per dtype, and their validation, in ``gradcheck_settings.py``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy

from autograd_core.errors import GradcheckError
from autograd_core.grad_mode import enable_grad, no_grad
from autograd_core.gradcheck_numeric import (
    analytic_jacobian,
    as_outputs,
    float_outputs,
    numeric_directional,
    numeric_jacobian,
    vjp_rows,
)
from autograd_core.gradcheck_report import (
    GradcheckResult,
    compare,
    direction_mismatch_message,
    jacobian_mismatch_message,
    nondeterminism_message,
    nonfinite_message,
    same_or_both_nan,
)
from autograd_core.gradcheck_settings import default_settings, validate_settings
from autograd_core.graph import grad
from autograd_core.tensor import Tensor

__all__ = ["gradcheck", "gradgradcheck", "check_gradients", "GradcheckResult"]

FULL_JACOBIAN_LIMIT = 4096  # elements in + out above which a failed fast check is not expanded


def _full_check(
    fn: Callable[..., Any],
    inputs: Sequence[Any],
    diff_idx: list[int],
    keep: list[int],
    out_shapes: list[tuple[int, ...]],
    s: dict[str, Any],
    name: str,
) -> GradcheckResult:
    diff = [inputs[i] for i in diff_idx]
    out_sizes = [int(numpy.prod(shape)) for shape in out_shapes]
    numeric = numeric_jacobian(fn, inputs, diff, keep, out_sizes, s["eps"], s["progress"])
    # analytic: built twice; two backward runs must agree (nondeterminism check)
    analytic = analytic_jacobian(fn, inputs, diff, keep, out_sizes, s["progress"])
    again = analytic_jacobian(fn, inputs, diff, keep, out_sizes, s["progress"])
    for j in range(len(keep)):
        for n in range(len(diff)):
            drift = same_or_both_nan(again[j][n], analytic[j][n])
            if drift.size and drift.max() > s["nondet_tol"]:
                message = nondeterminism_message(
                    name, keep[j], diff_idx[n], diff[n], drift.max(), s["nondet_tol"]
                )
                return GradcheckResult(False, float(drift.max()), 0.0, message)
    max_abs = max_rel = 0.0
    atol, rtol = s["atol"], s["rtol"]
    for j in range(len(keep)):
        for n, t in enumerate(diff):
            a, m = analytic[j][n], numeric[j][n]
            ok, ea, er, worst = compare(a.ravel(), m.ravel(), atol, rtol, s["allow_nan"])
            max_abs, max_rel = max(max_abs, ea), max(max_rel, er)
            if ok:
                continue
            where = (name, keep[j], out_shapes[j], diff_idx[n], t, a, m, worst)
            if not (numpy.isfinite(a.flat[worst]) and numpy.isfinite(m.flat[worst])):
                message = nonfinite_message(*where, s["allow_nan"])
            else:
                message = jacobian_mismatch_message(*where, ea, atol, rtol)
            return GradcheckResult(False, max_abs, max_rel, message)
    return GradcheckResult(True, max_abs, max_rel)


def _fast_check(
    fn: Callable[..., Any],
    inputs: Sequence[Any],
    diff_idx: list[int],
    keep: list[int],
    out_sizes: list[int],
    s: dict[str, Any],
    name: str,
) -> GradcheckResult:
    rng = numpy.random.default_rng(s["seed"])
    diff = [inputs[i] for i in diff_idx]
    us = [rng.standard_normal(size) for size in out_sizes]
    vs = [rng.standard_normal(t.shape) for t in diff]
    vjps = vjp_rows(fn, inputs, diff, keep, us)
    max_abs = max_rel = 0.0
    atol, rtol = s["atol"], s["rtol"]
    for n, t in enumerate(diff):
        direction = t.xp.asarray(vs[n], dtype=t.dtype)
        cols, moved = numeric_directional(fn, inputs, t, direction, s["eps"], keep)
        numeric = sum(float(u @ c) for u, c in zip(us, cols))
        analytic = float(vjps[n] @ moved)
        ok, ea, er, _ = compare(numpy.array([analytic]), numpy.array([numeric]), atol, rtol)
        max_abs, max_rel = max(max_abs, ea), max(max_rel, er)
        if not ok:
            message = direction_mismatch_message(
                name, diff_idx[n], t, numeric, analytic, ea, atol, rtol
            )
            return GradcheckResult(False, max_abs, max_rel, message)
    return GradcheckResult(True, max_abs, max_rel)


def check_gradients(
    fn: Callable[..., Any],
    inputs: Any,
    *,
    eps: float | None = None,
    atol: float | None = None,
    rtol: float | None = None,
    nondet_tol: float = 0.0,
    fast_mode: bool = False,
    seed: int = 0,
    allow_nan: bool = False,
    progress: bool = False,
    name: str | None = None,
) -> GradcheckResult:
    """Compare analytic and numeric gradients of ``fn`` at ``inputs`` and return the result
    (``gradcheck`` is this plus raising). Arguments as for ``gradcheck``; ``progress`` shows
    progress bars (tqdm, on stderr) while the dense Jacobians are built."""
    inputs = list(inputs) if isinstance(inputs, (tuple, list)) else [inputs]
    name = name or getattr(fn, "__name__", "function")
    diff_idx = [i for i, t in enumerate(inputs) if isinstance(t, Tensor) and t.requires_grad]
    if not diff_idx:
        raise GradcheckError(
            f"{name}: gradcheck needs at least one input with requires_grad=True; got "
            f"{len(inputs)} input(s), none requiring grad."
        )
    # the least precise checked input sets the default step and tolerances
    dtype = max((inputs[i].dtype for i in diff_idx), key=lambda d: numpy.finfo(d).eps)
    s: dict[str, Any] = default_settings(dtype, eps, atol, rtol)
    validate_settings("gradcheck", **s, nondet_tol=nondet_tol)
    s.update(nondet_tol=nondet_tol, seed=seed, allow_nan=allow_nan, progress=progress)
    for i in diff_idx:
        if inputs[i].dtype != numpy.float64:
            warnings.warn(
                f"gradcheck ({name}): input {i} is {inputs[i].dtype}, not float64; checking "
                f"with eps={s['eps']:.2g}, atol={s['atol']:.2g}, rtol={s['rtol']:.2g} chosen "
                "for its precision, which catches a wrong formula but not small errors. "
                "float64 is the reference: use float64 inputs.",
                stacklevel=3,
            )
    with no_grad():
        outs = as_outputs(fn(*inputs))
    keep = float_outputs(outs)
    out_sizes = [int(outs[k].data.size) for k in keep]
    out_shapes = [tuple(outs[k].shape) for k in keep]
    n_elems = sum(inputs[i].numel() for i in diff_idx) + sum(out_sizes)
    if fast_mode:
        result = _fast_check(fn, inputs, diff_idx, keep, out_sizes, s, name)
        if result.ok or n_elems > FULL_JACOBIAN_LIMIT:
            return result
    return _full_check(fn, inputs, diff_idx, keep, out_shapes, s, name)


def gradcheck(
    fn: Callable[..., Any],
    inputs: Any,
    *,
    eps: float | None = None,
    atol: float | None = None,
    rtol: float | None = None,
    raise_exception: bool = True,
    nondet_tol: float = 0.0,
    fast_mode: bool = False,
    seed: int = 0,
    allow_nan: bool = False,
) -> bool:
    """Check the VJPs of ``fn`` against central differences, as ``torch.autograd.gradcheck``.

    Passes when ``|analytic − numeric| ≤ atol + rtol·|numeric|`` for every element and no
    element of either Jacobian is NaN or ±inf. Inputs should be float64 Tensors with
    ``requires_grad=True`` (others are held fixed); a warning is given for other float dtypes.
    Backward is run twice and must agree within ``nondet_tol``.

    Args:
        fn: a function of the inputs returning a Tensor or a tuple of Tensors.
        inputs: a Tensor or a sequence of Tensors (and other arguments passed through).
        eps: the finite-difference step (> 0); None: 1e-6 in float64, chosen from the dtype
            otherwise (see ``gradcheck_settings``).
        atol: absolute tolerance (≥ 0); None: 1e-5 in float64, from the dtype otherwise.
        rtol: relative tolerance (≥ 0); None: 1e-3 in float64, from the dtype otherwise.
        raise_exception: raise ``GradcheckError`` on failure instead of returning False.
        nondet_tol: tolerated difference between two backward runs.
        fast_mode: compare ⟨u, J v⟩ for one random u, v instead of the full Jacobian; on
            failure the full Jacobian is built (when small enough) to report the element.
        seed: seeds u and v in fast mode.
        allow_nan: accept elements where the analytic and numeric derivatives are both NaN
            (a NaN on one side only, or an inf, fails either way).

    Returns:
        True when the check passes (False on failure if ``raise_exception`` is False).

    Raises:
        GradcheckError: the check failed (and ``raise_exception``).
        ValueError: ``eps`` not finite and > 0, or a tolerance not finite and ≥ 0.

    Example:
        >>> import autograd_core as ac
        >>> x = ac.randn(3, dtype=ac.float64, requires_grad=True)
        >>> ac.gradcheck(lambda t: (t * t).tanh(), x)
        True
    """
    result = check_gradients(
        fn,
        inputs,
        eps=eps,
        atol=atol,
        rtol=rtol,
        nondet_tol=nondet_tol,
        fast_mode=fast_mode,
        seed=seed,
        allow_nan=allow_nan,
    )
    if not result.ok and raise_exception:
        raise GradcheckError(result.message)
    return result.ok


def second_order_function(
    fn: Callable[..., Any], inputs: Sequence[Any], grad_outputs: Sequence[Any] | None, seed: int
) -> tuple[Callable[..., Any], list[Any]]:
    """The function (inputs, ȳ) ↦ VJP of ``fn``, built with ``create_graph=True``, and its
    inputs; gradchecking it checks second derivatives (``gradgradcheck``)."""
    inputs = list(inputs)
    n = len(inputs)
    diff_idx = [i for i, t in enumerate(inputs) if isinstance(t, Tensor) and t.requires_grad]
    with no_grad():
        outs = as_outputs(fn(*inputs))
    keep = float_outputs(outs)
    if grad_outputs is None:
        rng = numpy.random.default_rng(seed)
        grad_outputs = [
            Tensor._make(
                outs[k].xp.asarray(rng.standard_normal(outs[k].shape), dtype=outs[k].dtype),
                True,
                None,
            )
            for k in keep
        ]
    grad_outputs = list(grad_outputs)

    @enable_grad()
    def vjp_of_fn(*args: Any) -> tuple[Tensor, ...]:
        # Recording stays on even when the numeric side evaluates this under no_grad: the
        # inner grad() needs a graph of fn to differentiate.
        xs, gys = list(args[:n]), args[n:]
        o = as_outputs(fn(*xs))
        live = [(o[k], g) for k, g in zip(keep, gys) if o[k].requires_grad]
        if not live:
            return tuple(
                Tensor._make(xs[i].xp.zeros(xs[i].shape, xs[i].dtype), False, None)
                for i in diff_idx
            )
        gs = grad(
            [a for a, _ in live],
            [xs[i] for i in diff_idx],
            grad_outputs=[g for _, g in live],
            create_graph=True,
            allow_unused=True,
        )
        return tuple(
            Tensor._make(xs[i].xp.zeros(xs[i].shape, xs[i].dtype), False, None) if g is None else g
            for i, g in zip(diff_idx, gs)
        )

    vjp_of_fn.__name__ = getattr(fn, "__name__", "function")
    return vjp_of_fn, inputs + grad_outputs


def gradgradcheck(
    fn: Callable[..., Any],
    inputs: Any,
    grad_outputs: Sequence[Any] | None = None,
    *,
    eps: float | None = None,
    atol: float | None = None,
    rtol: float | None = None,
    raise_exception: bool = True,
    nondet_tol: float = 0.0,
    fast_mode: bool = False,
    seed: int = 0,
    allow_nan: bool = False,
) -> bool:
    """Check second derivatives: gradcheck of (x, ȳ) ↦ ∂⟨ȳ, fn(x)⟩/∂x, whose backward runs
    through the recorded backward graph of ``fn`` (``create_graph=True``).

    Args:
        grad_outputs: ȳ per float output; random float64 tensors requiring grad when None.
        Other arguments as for ``gradcheck``.

    Example:
        >>> import autograd_core as ac
        >>> x = ac.randn(3, dtype=ac.float64, requires_grad=True)
        >>> ac.gradgradcheck(lambda t: t.tanh(), x)
        True
    """
    inputs = list(inputs) if isinstance(inputs, (tuple, list)) else [inputs]
    f2, inputs2 = second_order_function(fn, inputs, grad_outputs, seed)
    result = check_gradients(
        f2,
        inputs2,
        eps=eps,
        atol=atol,
        rtol=rtol,
        nondet_tol=nondet_tol,
        fast_mode=fast_mode,
        seed=seed,
        allow_nan=allow_nan,
    )
    if not result.ok and raise_exception:
        raise GradcheckError("second order: " + result.message)
    return result.ok
