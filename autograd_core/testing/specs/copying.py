"""OpSpecs of ops/copying.py: clone (contiguous and masked_fill are built from other ops)."""

from __future__ import annotations

import numpy as np

import autograd_core as ac
from autograd_core.testing.op_db import OP_DB, OpSpec, unary_cases

OP_DB += [
    OpSpec(
        "clone",
        ac.clone,
        unary_cases,
        ref=np.copy,
        torch_fn=lambda x: x.clone(),
        notes="The identity with a new C-contiguous array; non-contiguous inputs included.",
    ),
]
