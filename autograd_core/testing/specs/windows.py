"""OpSpecs of unfold_windows (``Tensor.unfold``) and its adjoint unfold_windows_grad."""

from __future__ import annotations

import numpy as np

from autograd_core.ops.windows import UnfoldWindowsGrad, unfold_windows
from autograd_core.testing.op_db import OP_DB, Case, OpSpec, noncontig


def _windows_ref(x, dimension, size, step):
    """The oracle by index arithmetic: entry [..., i, ..., j] is x[..., i·step + j, ...]."""
    x = np.asarray(x)
    if x.ndim == 0:  # (PyTorch: one window of the element, shape (size,))
        return x.reshape(1)[:size]
    d = dimension % x.ndim
    count = (x.shape[d] - size) // step + 1
    index = np.arange(count)[:, None] * step + np.arange(size)[None, :]  # (count, size)
    picked = np.take(x, index, axis=d)  # x.shape with d -> (count, size)
    return np.moveaxis(picked, d + 1, -1)


def _windows_cases(rng):
    return [
        Case((rng.standard_normal(7), 0, 3, 2), {}, "overlapping windows"),
        Case((rng.standard_normal(7), 0, 2, 3), {}, "gaps between windows"),
        Case((rng.standard_normal((2, 5, 3)), 1, 2, 1), {}, "middle axis, step 1"),
        Case((rng.standard_normal((3, 4)), -1, 4, 1), {}, "one window of all"),
        Case((rng.standard_normal((3, 4)), 0, 1, 1), {}, "windows of 1"),
        Case((rng.standard_normal(5), 0, 0, 2), {}, "empty windows"),
        Case((rng.standard_normal(()), 0, 1, 1), {}, "0-d"),
        Case((noncontig(rng.standard_normal((4, 6))), 1, 3, 2), {}, "non-contiguous"),
    ]


def _grad_cases(rng):
    def kw(shape, axis, size, step):
        return {"shape": shape, "axis": axis, "size": size, "step": step}

    return [
        Case((rng.standard_normal((3, 3)),), kw((7,), 0, 3, 2), "overlapping sums"),
        Case((rng.standard_normal((2, 3, 2)),), kw((2, 4), 1, 2, 1), "last axis"),
        Case((rng.standard_normal(1),), kw((), 0, 1, 1), "0-d"),
    ]


OP_DB += [
    OpSpec(
        "unfold_windows",
        unfold_windows,
        _windows_cases,
        ref=_windows_ref,
        torch_fn=lambda x, dimension, size, step: x.unfold(dimension, size, step),
        notes="Tensor.unfold: a view; overlapping windows sum their gradients",
    ),
    OpSpec(
        "unfold_windows_grad",
        lambda g, **kw: UnfoldWindowsGrad.apply(g, **kw),
        _grad_cases,
        notes="unfold_windows' adjoint; checked here and through unfold_windows' VJP",
    ),
]
