"""OpSpecs of the broadcasting binary ops and comparisons."""

from __future__ import annotations

import numpy as np

import autograd_core as ac
from autograd_core.testing.op_db import OP_DB, Case, OpSpec, binary_cases


def _where_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for sa, sb in [((3, 4), (3, 4)), ((3, 1), (1, 4)), ((2, 3), ()), ((0, 3), (3,))]:
        cond = rng.random(np.broadcast_shapes(sa, sb)) > 0.5
        cases.append(
            Case((cond, rng.standard_normal(sa), rng.standard_normal(sb)), {}, f"{sa} x {sb}")
        )
    return cases


def _tie_free(rng: np.random.Generator) -> list[Case]:
    # maximum/minimum: |a - b| ≥ 0.1 so a finite difference never crosses the switch point
    out = []
    for c in binary_cases(rng):
        a, b = c.args
        a2, b2 = np.broadcast_arrays(a, b)
        close = np.abs(a2 - b2) < 0.1
        if close.any():
            b = b + 0.0  # copy
            a = (
                np.where(
                    np.broadcast_to(close, np.broadcast_shapes(a.shape, b.shape)), a2 + 0.3, a2
                )
                if a.shape == np.broadcast_shapes(a.shape, b.shape)
                else a
            )
        out.append(Case((a, b), c.kwargs, c.desc))
    return out


def _comparison_cases(rng: np.random.Generator) -> list[Case]:
    cases = binary_cases(rng)
    a = rng.integers(0, 3, (3, 4)).astype(float)
    cases.append(Case((a, a.copy()), {}, "with ties"))
    return cases


OP_DB += [
    OpSpec("add", ac.add, binary_cases, ref=np.add, torch_fn=lambda a, b: a + b),
    OpSpec("sub", ac.sub, binary_cases, ref=np.subtract, torch_fn=lambda a, b: a - b),
    OpSpec("mul", ac.mul, binary_cases, ref=np.multiply, torch_fn=lambda a, b: a * b),
    OpSpec(
        "div",
        ac.div,
        lambda rng: binary_cases(rng, (-2, 2), (0.5, 2.0)),
        ref=np.divide,
        torch_fn=lambda a, b: a / b,
        notes="divisor kept in [0.5, 2)",
    ),
    OpSpec(
        "pow",
        ac.pow,
        lambda rng: binary_cases(rng, (0.5, 2.0), (-1.5, 1.5)),
        ref=np.power,
        torch_fn=lambda a, b: a**b,
        notes="base kept positive so that b̄ = z̄ z log a exists",
    ),
    OpSpec(
        "maximum",
        ac.maximum,
        _tie_free,
        ref=np.maximum,
        torch_fn=lambda a, b: a.maximum(b),
        notes="ties split the gradient ½–½",
    ),
    OpSpec(
        "minimum",
        ac.minimum,
        _tie_free,
        ref=np.minimum,
        torch_fn=lambda a, b: a.minimum(b),
        notes="ties split the gradient ½–½",
    ),
    OpSpec(
        "where",
        ac.where,
        _where_cases,
        ref=np.where,
        grad_args=(1, 2),
        torch_fn=lambda c, a, b: a.where(c, b),
    ),
]

for _name, _ref in [
    ("eq", np.equal),
    ("ne", np.not_equal),
    ("lt", np.less),
    ("le", np.less_equal),
    ("gt", np.greater),
    ("ge", np.greater_equal),
    ("logical_and", np.logical_and),
    ("logical_or", np.logical_or),
    ("logical_xor", np.logical_xor),
]:
    OP_DB.append(
        OpSpec(_name, getattr(ac, _name), _comparison_cases, ref=_ref, differentiable=False)
    )

OP_DB.append(
    OpSpec(
        "logical_not",
        ac.logical_not,
        lambda rng: [Case((rng.random((3, 4)) > 0.5,), {}, "bool (3, 4)")],
        ref=np.logical_not,
        differentiable=False,
    )
)
