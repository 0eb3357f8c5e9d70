"""Numeric versus analytic gradients: ``gradcheck`` and ``gradgradcheck``.

The numeric Jacobian uses central differences, (f(x + ε eₖ) − f(x − ε eₖ)) / 2ε, one column per
input element; the analytic one is built from VJPs, one row per output element. Fast mode
compares one random projection both ways instead, ⟨u, J v⟩ (Chainer, HIPS autograd, PyTorch's
fast mode), which costs two function evaluations and one backward per input whatever the size.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy

from autograd_core.device import to_device
from autograd_core.errors import GradcheckError
from autograd_core.grad_mode import enable_grad, no_grad
from autograd_core.graph import grad
from autograd_core.tensor import Tensor

__all__ = ["gradcheck", "gradgradcheck", "check_gradients", "GradcheckResult"]

FULL_JACOBIAN_LIMIT = 4096  # elements in + out above which a failed fast check is not expanded


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


def _as_outputs(out: Any) -> list[Tensor]:
    outs = list(out) if isinstance(out, (tuple, list)) else [out]
    for o in outs:
        if not isinstance(o, Tensor):
            raise TypeError(f"gradcheck: the function must return Tensors, got {type(o).__name__}.")
    return outs


def _float_outputs(outs: list[Tensor]) -> list[int]:
    return [k for k, o in enumerate(outs) if o.dtype.kind == "f"]


def _host(a: Any) -> numpy.ndarray:
    return numpy.asarray(to_device(a, "cpu"), dtype=numpy.float64)


def _evaluate(
    fn: Callable[..., Any], inputs: Sequence[Any], keep: list[int]
) -> list[numpy.ndarray]:
    with no_grad():
        outs = _as_outputs(fn(*inputs))
    return [_host(outs[k].data).ravel().copy() for k in keep]


def _numeric_column(
    fn: Callable[..., Any],
    inputs: Sequence[Any],
    t: Tensor,
    index: int,
    direction: Any,
    eps: float,
    keep: list[int],
) -> list[numpy.ndarray]:
    """(f(x + ε d) − f(x − ε d)) / 2ε with d = eₖ (``index``) or a whole ``direction`` array."""
    data = t.data
    original = data.copy()
    try:
        if direction is None:
            pos = numpy.unravel_index(index, data.shape)
            data[pos] = original[pos] + eps
            plus = _evaluate(fn, inputs, keep)
            data[pos] = original[pos] - eps
            minus = _evaluate(fn, inputs, keep)
        else:
            data[...] = original + eps * direction
            plus = _evaluate(fn, inputs, keep)
            data[...] = original - eps * direction
            minus = _evaluate(fn, inputs, keep)
    finally:
        data[...] = original
    return [(p - m) / (2 * eps) for p, m in zip(plus, minus)]


def _vjp_rows(
    fn: Callable[..., Any],
    inputs: Sequence[Any],
    diff: list[Tensor],
    keep: list[int],
    directions: list[Any],
) -> list[numpy.ndarray | None]:
    """One backward pass with output directions ``directions``; the flattened input grads."""
    outs = _as_outputs(fn(*inputs))
    live = [(outs[k], d) for k, d in zip(keep, directions) if outs[k].requires_grad]
    if not live:
        return [numpy.zeros(t.numel()) for t in diff]
    grads = grad(
        [o for o, _ in live],
        diff,
        grad_outputs=[
            Tensor._make(o.xp.asarray(d.reshape(o.shape), dtype=o.dtype), False, None)
            for o, d in live
        ],
        allow_unused=True,
    )
    return [
        numpy.zeros(t.numel()) if g is None else _host(g.data).ravel() for t, g in zip(diff, grads)
    ]


def _compare(
    analytic: numpy.ndarray, numeric: numpy.ndarray, atol: float, rtol: float
) -> tuple[bool, float, float, int]:
    err = numpy.abs(analytic - numeric)
    if err.size == 0:
        return True, 0.0, 0.0, -1
    bad = err > atol + rtol * numpy.abs(numeric)
    big = numpy.abs(numeric) > atol
    rel = float((err[big] / numpy.abs(numeric[big])).max()) if big.any() else 0.0
    worst = int(numpy.argmax(err - (atol + rtol * numpy.abs(numeric))))
    return (not bad.any()), float(err.max()), rel, worst


def _describe_input(i: int, t: Tensor) -> str:
    return f"input {i} (shape {tuple(t.shape)}, {t.dtype})"


def _analytic_jacobian(
    fn: Callable[..., Any],
    inputs: Sequence[Any],
    diff: list[Tensor],
    keep: list[int],
    out_sizes: list[int],
) -> list[list[numpy.ndarray]]:
    """J[o][input] from VJPs, one backward pass per output element (a one-hot direction)."""
    blocks = [[numpy.zeros((out_sizes[j], t.numel())) for t in diff] for j in range(len(keep))]
    for j in range(len(keep)):
        for r in range(out_sizes[j]):
            dirs = [numpy.zeros(s) for s in out_sizes]
            dirs[j][r] = 1.0
            row = _vjp_rows(fn, inputs, diff, keep, dirs)
            for n in range(len(diff)):
                blocks[j][n][r] = row[n]
    return blocks


def _full_check(
    fn: Callable[..., Any],
    inputs: Sequence[Any],
    diff_idx: list[int],
    keep: list[int],
    out_sizes: list[int],
    out_shapes: list[tuple[int, ...]],
    eps: float,
    atol: float,
    rtol: float,
    nondet_tol: float,
    name: str,
) -> GradcheckResult:
    diff = [inputs[i] for i in diff_idx]
    # numeric: J[o][:, input i] built column by column
    numeric = [[numpy.zeros((out_sizes[j], t.numel())) for t in diff] for j in range(len(keep))]
    for n, t in enumerate(diff):
        for e in range(t.numel()):
            cols = _numeric_column(fn, inputs, t, e, None, eps, keep)
            for j, c in enumerate(cols):
                numeric[j][n][:, e] = c
    # analytic: built twice; two backward runs must agree (nondeterminism check)
    analytic = _analytic_jacobian(fn, inputs, diff, keep, out_sizes)
    again = _analytic_jacobian(fn, inputs, diff, keep, out_sizes)
    for j in range(len(keep)):
        for n in range(len(diff)):
            drift = numpy.abs(again[j][n] - analytic[j][n])
            if drift.size and drift.max() > nondet_tol:
                return GradcheckResult(
                    False,
                    float(drift.max()),
                    0.0,
                    (
                        f"{name}: backward is not deterministic for output {keep[j]}, "
                        f"{_describe_input(diff_idx[n], diff[n])}: two runs differ by "
                        f"{drift.max():.3g} (nondet_tol={nondet_tol})."
                    ),
                )
    max_abs = max_rel = 0.0
    for j in range(len(keep)):
        for n, t in enumerate(diff):
            ok, ea, er, worst = _compare(analytic[j][n].ravel(), numeric[j][n].ravel(), atol, rtol)
            max_abs, max_rel = max(max_abs, ea), max(max_rel, er)
            if not ok:
                r, c = divmod(worst, t.numel())
                out_pos = numpy.unravel_index(r, out_shapes[j]) if out_shapes[j] else ()
                in_pos = numpy.unravel_index(c, t.shape) if t.shape else ()
                a, m = analytic[j][n][r, c], numeric[j][n][r, c]
                diffs = numpy.abs(analytic[j][n] - numeric[j][n]).ravel()
                top = ", ".join(f"{v:.3g}" for v in numpy.sort(diffs)[::-1][:3])
                where = (
                    f"d out{tuple(int(p) for p in out_pos)} / d in{tuple(int(p) for p in in_pos)}"
                )
                return GradcheckResult(
                    False,
                    max(max_abs, ea),
                    max(max_rel, er),
                    (
                        f"{name}: VJP mismatch for output {keep[j]}, "
                        f"{_describe_input(diff_idx[n], t)}: max |numeric - analytic| = {ea:.3g} "
                        f"at {where}: numeric {m:.8g}, analytic {a:.8g} "
                        f"(atol={atol:g}, rtol={rtol:g}); largest differences {top}."
                    ),
                )
    return GradcheckResult(True, max_abs, max_rel)


def _fast_check(
    fn: Callable[..., Any],
    inputs: Sequence[Any],
    diff_idx: list[int],
    keep: list[int],
    out_sizes: list[int],
    eps: float,
    atol: float,
    rtol: float,
    seed: int,
    name: str,
) -> GradcheckResult:
    rng = numpy.random.default_rng(seed)
    diff = [inputs[i] for i in diff_idx]
    us = [rng.standard_normal(s) for s in out_sizes]
    vs = [rng.standard_normal(t.shape) for t in diff]
    vjps = _vjp_rows(fn, inputs, diff, keep, us)
    max_abs = max_rel = 0.0
    for n, t in enumerate(diff):
        direction = t.xp.asarray(vs[n], dtype=t.dtype)
        cols = _numeric_column(fn, inputs, t, 0, direction, eps, keep)
        numeric = sum(float(u @ c) for u, c in zip(us, cols))
        analytic = float(vjps[n] @ vs[n].ravel())
        ok, ea, er, _ = _compare(numpy.array([analytic]), numpy.array([numeric]), atol, rtol)
        max_abs, max_rel = max(max_abs, ea), max(max_rel, er)
        if not ok:
            return GradcheckResult(
                False,
                max_abs,
                max_rel,
                (
                    f"{name}: VJP mismatch for {_describe_input(diff_idx[n], t)} in a random "
                    f"direction: <u, J v> numeric {numeric:.8g}, analytic {analytic:.8g}, "
                    f"|difference| = {ea:.3g} (atol={atol:g}, rtol={rtol:g})."
                ),
            )
    return GradcheckResult(True, max_abs, max_rel)


def check_gradients(
    fn: Callable[..., Any],
    inputs: Any,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    nondet_tol: float = 0.0,
    fast_mode: bool = False,
    seed: int = 0,
    name: str | None = None,
) -> GradcheckResult:
    """Compare analytic and numeric gradients of ``fn`` at ``inputs`` and return the result
    (``gradcheck`` is this plus raising). Arguments as for ``gradcheck``."""
    inputs = list(inputs) if isinstance(inputs, (tuple, list)) else [inputs]
    name = name or getattr(fn, "__name__", "function")
    diff_idx = [i for i, t in enumerate(inputs) if isinstance(t, Tensor) and t.requires_grad]
    if not diff_idx:
        raise GradcheckError(
            f"{name}: gradcheck needs at least one input with requires_grad=True; got "
            f"{len(inputs)} input(s), none requiring grad."
        )
    for i in diff_idx:
        if inputs[i].dtype != numpy.float64:
            warnings.warn(
                f"gradcheck ({name}): input {i} is {inputs[i].dtype}, not float64; central "
                "differences in lower precision are too coarse to trust. Use float64 inputs.",
                stacklevel=3,
            )
    with no_grad():
        outs = _as_outputs(fn(*inputs))
    keep = _float_outputs(outs)
    out_sizes = [int(outs[k].data.size) for k in keep]
    out_shapes = [tuple(outs[k].shape) for k in keep]
    n_elems = sum(inputs[i].numel() for i in diff_idx) + sum(out_sizes)
    if fast_mode:
        result = _fast_check(fn, inputs, diff_idx, keep, out_sizes, eps, atol, rtol, seed, name)
        if result.ok or n_elems > FULL_JACOBIAN_LIMIT:
            return result
    return _full_check(
        fn, inputs, diff_idx, keep, out_sizes, out_shapes, eps, atol, rtol, nondet_tol, name
    )


def gradcheck(
    fn: Callable[..., Any],
    inputs: Any,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    nondet_tol: float = 0.0,
    fast_mode: bool = False,
    seed: int = 0,
) -> bool:
    """Check the VJPs of ``fn`` against central differences, as ``torch.autograd.gradcheck``.

    Passes when ``|analytic − numeric| ≤ atol + rtol·|numeric|`` for every element. Inputs
    should be float64 Tensors with ``requires_grad=True`` (others are held fixed); a warning is
    given for other float dtypes. Backward is run twice and must agree within ``nondet_tol``.

    Args:
        fn: a function of the inputs returning a Tensor or a tuple of Tensors.
        inputs: a Tensor or a sequence of Tensors (and other arguments passed through).
        eps: the finite-difference step.
        atol: absolute tolerance.
        rtol: relative tolerance.
        raise_exception: raise ``GradcheckError`` on failure instead of returning False.
        nondet_tol: tolerated difference between two backward runs.
        fast_mode: compare ⟨u, J v⟩ for one random u, v instead of the full Jacobian; on
            failure the full Jacobian is built (when small enough) to report the element.
        seed: seeds u and v in fast mode.

    Returns:
        True when the check passes (False on failure if ``raise_exception`` is False).

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
        outs = _as_outputs(fn(*inputs))
    keep = _float_outputs(outs)
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
        o = _as_outputs(fn(*xs))
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
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    nondet_tol: float = 0.0,
    fast_mode: bool = False,
    seed: int = 0,
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
    )
    if not result.ok and raise_exception:
        raise GradcheckError("second order: " + result.message)
    return result.ok
