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


def numeric_column(
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
            plus = evaluate(fn, inputs, keep)
            data[pos] = original[pos] - eps
            minus = evaluate(fn, inputs, keep)
        else:
            data[...] = original + eps * direction
            plus = evaluate(fn, inputs, keep)
            data[...] = original - eps * direction
            minus = evaluate(fn, inputs, keep)
    finally:
        data[...] = original
    return [(p - m) / (2 * eps) for p, m in zip(plus, minus)]


def numeric_jacobian(
    fn: Callable[..., Any],
    inputs: Sequence[Any],
    diff: list[Tensor],
    keep: list[int],
    out_sizes: list[int],
    eps: float,
) -> list[list[numpy.ndarray]]:
    """J[o][input] by central differences, one column per input element."""
    blocks = [[numpy.zeros((out_sizes[j], t.numel())) for t in diff] for j in range(len(keep))]
    for n, t in enumerate(diff):
        for e in range(t.numel()):
            cols = numeric_column(fn, inputs, t, e, None, eps, keep)
            for j, c in enumerate(cols):
                blocks[j][n][:, e] = c
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
) -> list[list[numpy.ndarray]]:
    """J[o][input] from VJPs, one backward pass per output element (a one-hot direction)."""
    blocks = [[numpy.zeros((out_sizes[j], t.numel())) for t in diff] for j in range(len(keep))]
    for j in range(len(keep)):
        for r in range(out_sizes[j]):
            dirs = [numpy.zeros(s) for s in out_sizes]
            dirs[j][r] = 1.0
            row = vjp_rows(fn, inputs, diff, keep, dirs)
            for n in range(len(diff)):
                blocks[j][n][r] = row[n]
    return blocks
