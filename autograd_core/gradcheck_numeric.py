"""The two sides of a gradient check as arrays: central differences and products with VJPs.

Everything is returned as flat float64 host arrays, one per kept (floating-point) output, so the
comparison in ``gradcheck`` never sees a device array.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy

from autograd_core.device import to_device
from autograd_core.grad_mode import no_grad
from autograd_core.graph import grad
from autograd_core.tensor import Tensor

__all__ = [
    "as_outputs",
    "float_outputs",
    "host_float64",
    "evaluate",
    "numeric_column",
    "numeric_directional",
    "numeric_jacobian",
    "vjp_rows",
    "analytic_jacobian",
]


def as_outputs(out: Any) -> list[Tensor]:
    """The function's result as a list of Tensors; a TypeError for anything else."""
    outs = list(out) if isinstance(out, (tuple, list)) else [out]
    for o in outs:
        if not isinstance(o, Tensor):
            raise TypeError(f"gradcheck: the function must return Tensors, got {type(o).__name__}.")
    return outs


def float_outputs(outs: list[Tensor]) -> list[int]:
    """Indices of the floating-point outputs: the only ones with gradients to check."""
    return [k for k, o in enumerate(outs) if o.dtype.kind == "f"]


def host_float64(a: Any) -> numpy.ndarray:
    """``a`` as a float64 NumPy array on the host."""
    return numpy.asarray(to_device(a, "cpu"), dtype=numpy.float64)


def evaluate(fn: Callable[..., Any], inputs: Sequence[Any], keep: list[int]) -> list[numpy.ndarray]:
    """The kept outputs of ``fn(*inputs)``, flattened, without recording a graph."""
    with no_grad():
        outs = as_outputs(fn(*inputs))
    return [host_float64(outs[k].data).ravel().copy() for k in keep]


def _step_too_small(t: Tensor, index: int, eps: float) -> ValueError:
    x = float(host_float64(t.data).ravel()[index]) if t.numel() else 0.0
    spacing = float(numpy.spacing(numpy.asarray(x, dtype=t.dtype)))
    return ValueError(
        f"gradcheck: eps={eps:g} does not move element {index} of an input of shape "
        f"{tuple(t.shape)} ({t.dtype}, value {x:g}, spacing {spacing:.3g}). Pass a larger eps, "
        f"such as {max(1e3 * spacing, 1e-6):.1g}."
    )


def numeric_column(
    fn: Callable[..., Any],
    inputs: Sequence[Any],
    t: Tensor,
    index: int,
    eps: float,
    keep: list[int],
) -> list[numpy.ndarray]:
    """(f(x + h eₖ) − f(x − h' eₖ)) / (h + h'), with k = ``index`` and h, h' the steps that
    x ± ε actually take in the input's dtype (in float32, 1 + 1e-3 is 1.00100005)."""
    data = t.data
    pos = numpy.unravel_index(index, data.shape)
    original = data[pos].copy()  # one element: copying the whole input per column is O(n²)
    try:
        data[pos] = original + eps
        high = float(to_device(data[pos], "cpu"))
        plus = evaluate(fn, inputs, keep)
        data[pos] = original - eps
        low = float(to_device(data[pos], "cpu"))
        minus = evaluate(fn, inputs, keep)
    finally:
        data[pos] = original
    if not high > low:
        raise _step_too_small(t, index, eps)
    return [(p - m) / (high - low) for p, m in zip(plus, minus)]


def numeric_directional(
    fn: Callable[..., Any],
    inputs: Sequence[Any],
    t: Tensor,
    direction: Any,
    eps: float,
    keep: list[int],
) -> tuple[list[numpy.ndarray], numpy.ndarray]:
    """``(J v, v)``: (f(x + ε d) − f(x − ε d)) / 2ε, and the direction v = (x₊ − x₋) / 2ε that
    the input actually moved in its dtype (d itself, up to rounding)."""
    data = t.data
    original = data.copy()
    try:
        data[...] = original + eps * direction
        high = host_float64(data).ravel().copy()
        plus = evaluate(fn, inputs, keep)
        data[...] = original - eps * direction
        low = host_float64(data).ravel().copy()
        minus = evaluate(fn, inputs, keep)
    finally:
        data[...] = original
    return [(p - m) / (2 * eps) for p, m in zip(plus, minus)], (high - low) / (2 * eps)


def _bar(total: int, desc: str, show: bool) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, disable=not show, leave=False, mininterval=0.5)


def numeric_jacobian(
    fn: Callable[..., Any],
    inputs: Sequence[Any],
    diff: list[Tensor],
    keep: list[int],
    out_sizes: list[int],
    eps: float,
    progress: bool = False,
) -> list[list[numpy.ndarray]]:
    """J[o][input] by central differences, one column per input element (two evaluations of
    ``fn`` each); ``progress`` shows a progress bar on stderr."""
    blocks = [[numpy.zeros((out_sizes[j], t.numel())) for t in diff] for j in range(len(keep))]
    with _bar(sum(t.numel() for t in diff), "numeric Jacobian", progress) as bar:
        for n, t in enumerate(diff):
            for e in range(t.numel()):
                cols = numeric_column(fn, inputs, t, e, eps, keep)
                for j, c in enumerate(cols):
                    blocks[j][n][:, e] = c
                bar.update()
    return blocks


def vjp_rows(
    fn: Callable[..., Any],
    inputs: Sequence[Any],
    diff: list[Tensor],
    keep: list[int],
    directions: list[Any],
) -> list[numpy.ndarray]:
    """One backward pass with output directions ``directions``; the flattened input grads."""
    outs = as_outputs(fn(*inputs))
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
        numpy.zeros(t.numel()) if g is None else host_float64(g.data).ravel()
        for t, g in zip(diff, grads)
    ]


def analytic_jacobian(
    fn: Callable[..., Any],
    inputs: Sequence[Any],
    diff: list[Tensor],
    keep: list[int],
    out_sizes: list[int],
    progress: bool = False,
) -> list[list[numpy.ndarray]]:
    """J[o][input] from VJPs, one backward pass per output element (a one-hot direction);
    ``progress`` shows a progress bar on stderr."""
    blocks = [[numpy.zeros((out_sizes[j], t.numel())) for t in diff] for j in range(len(keep))]
    with _bar(sum(out_sizes), "analytic Jacobian", progress) as bar:
        for j in range(len(keep)):
            for r in range(out_sizes[j]):
                dirs = [numpy.zeros(s) for s in out_sizes]
                dirs[j][r] = 1.0
                row = vjp_rows(fn, inputs, diff, keep, dirs)
                for n in range(len(diff)):
                    blocks[j][n][r] = row[n]
                bar.update()
    return blocks
