"""OpSpecs of the linear-algebra ops."""

from __future__ import annotations

import numpy as np

import autograd_core as ac
from autograd_core.testing.op_db import OP_DB, Case, OpSpec, noncontig


def _matmul_cases(rng):
    r = rng.standard_normal
    return [
        Case((r((3, 4)), r((4, 2))), {}, "(3,4) @ (4,2)"),
        Case((r((4,)), r((4,))), {}, "1-D @ 1-D"),
        Case((r((4,)), r((4, 2))), {}, "1-D @ 2-D"),
        Case((r((3, 4)), r((4,))), {}, "2-D @ 1-D"),
        Case((r((2, 3, 4)), r((4, 2))), {}, "batched @ 2-D"),
        Case((r((2, 1, 3, 4)), r((5, 4, 2))), {}, "broadcast batch"),
        Case((r((4,)), r((2, 4, 3))), {}, "1-D @ batched"),
        Case((r((2, 3, 4)), r((4,))), {}, "batched @ 1-D"),
        Case((r((0, 4)), r((4, 2))), {}, "zero rows"),
        Case((noncontig(r((3, 4))), r((2, 4)).T), {}, "non-contiguous"),
    ]


OP_DB += [
    OpSpec("matmul", ac.matmul, _matmul_cases, ref=np.matmul, torch_fn=lambda a, b: a @ b),
]
