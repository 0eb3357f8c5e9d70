"""OpSpecs of as_strided and its adjoint as_strided_grad."""

from __future__ import annotations

import numpy as np

import autograd_core as ac
from autograd_core.ops.strided import AsStridedGrad
from autograd_core.testing.op_db import OP_DB, Case, OpSpec, noncontig


def _gather_ref(x, size, stride, storage_offset=None):
    """The oracle by index arithmetic: entry [i…] is x.ravel()[offset + Σ i_d · stride_d]."""
    index = np.full(tuple(size), storage_offset or 0, dtype=np.int64)
    for d, grid in enumerate(np.indices(tuple(size), dtype=np.int64)):
        index += grid * stride[d]
    return np.ravel(x)[index]


def _as_strided_cases(rng):
    x33 = rng.standard_normal((3, 3))
    return [
        Case((x33, (2, 2), (1, 2)), {}, "torch's example"),
        Case((x33, (2, 2), (1, 2), 1), {}, "torch's example, offset 1"),
        Case((x33, (3, 3), (1, 1)), {}, "overlapping rows"),
        Case((rng.standard_normal(7), (3, 3), (2, 1)), {}, "windows of 3, step 2"),
        Case((rng.standard_normal((2, 3)), (4, 2, 3), (0, 3, 1)), {}, "stride 0: repeated"),
        Case((rng.standard_normal((2, 5)), (5, 2), (1, 5)), {}, "a transpose"),
        Case((rng.standard_normal((2, 3)), (2,), (2,), 3), {}, "every other, from 3"),
        Case((rng.standard_normal((4, 2)), (3,), (0,), 7), {}, "the last one, 3 times"),
        Case((rng.standard_normal(()), (), ()), {}, "0-d"),
        Case((rng.standard_normal((2, 2)), (0, 3), (5, 5)), {}, "empty result"),
        Case((noncontig(rng.standard_normal((3, 4))), (2, 4), (4, 1), 4), {}, "non-contiguous"),
    ]


def _as_strided_grad_cases(rng):
    def kw(shape, size, stride, offset=0):
        return {"shape": shape, "size": size, "stride": stride, "storage_offset": offset}

    return [
        Case((rng.standard_normal((3, 3)),), kw((3, 3), (3, 3), (1, 1)), "overlapping sums"),
        Case((rng.standard_normal((2, 2)),), kw((2, 3), (2, 2), (0, 2), 1), "stride 0"),
        Case((rng.standard_normal((0, 2)),), kw((4,), (0, 2), (1, 1)), "empty"),
    ]


OP_DB += [
    OpSpec(
        "as_strided",
        ac.as_strided,
        _as_strided_cases,
        ref=_gather_ref,
        torch_fn=lambda x, size, stride, storage_offset=None: x.as_strided(
            size, stride, storage_offset
        ),
        notes="the input's row-major elements are the storage (ops/strided.py)",
    ),
    OpSpec(
        "as_strided_grad",
        lambda g, **kw: AsStridedGrad.apply(g, **kw),
        _as_strided_grad_cases,
        notes="as_strided's adjoint; checked here and through as_strided's VJP",
    ),
]
