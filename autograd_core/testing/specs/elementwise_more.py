"""OpSpecs of the elementwise float-class predicates (isnan, isinf, ..., signbit, isreal)."""

from __future__ import annotations

import numpy as np

import autograd_core as ac
from autograd_core.testing.op_db import OP_DB, Case, OpSpec, noncontig


def _special_cases(rng: np.random.Generator) -> list[Case]:
    """Finite values mixed with NaN, ±inf and ±0.0, in the shapes the op database covers."""
    specials = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1.5, -2.0])
    mixed = rng.standard_normal((3, 4))
    mixed.flat[rng.choice(12, 7, replace=False)] = specials
    return [
        Case((np.array(-np.inf),), {}, "0-d -inf"),
        Case((np.array(np.nan),), {}, "0-d nan"),
        Case((specials,), {}, "specials (7,)"),
        Case((mixed,), {}, "mixed (3, 4)"),
        Case((noncontig(mixed),), {}, "non-contiguous (3, 4)"),
        Case((np.zeros((0, 3)),), {}, "empty (0, 3)"),
        Case((np.array([[-3, 0, 4]]),), {}, "int64 (1, 3)"),
    ]


for _name, _ref in [
    ("isfinite", np.isfinite),
    ("isinf", np.isinf),
    ("isnan", np.isnan),
    ("isneginf", np.isneginf),
    ("isposinf", np.isposinf),
    ("signbit", np.signbit),
    ("isreal", np.isreal),
]:
    OP_DB.append(
        OpSpec(
            _name,
            getattr(ac, _name),
            _special_cases,
            ref=_ref,
            differentiable=False,
            torch_fn=lambda x, _n=_name: getattr(x, _n)(),
        )
    )
