"""OpSpecs of frexp and nextafter (the floating-point representation)."""

from __future__ import annotations

import numpy as np

import autograd_core as ac
from autograd_core.testing.op_db import OP_DB, SHAPES, Case, OpSpec, binary_cases, noncontig


def _between_powers_of_two(rng, shape):
    """± u · 2^k with u in [0.55, 0.95] and k in −3 … 3: a relative margin from the powers of
    two, where the mantissa jumps (which no fixed list of kinks could cover near 0)."""
    u = rng.uniform(0.55, 0.95, shape) * np.exp2(rng.integers(-3, 4, shape))
    return np.where(rng.random(shape) < 0.5, -u, u)


def _frexp_cases(rng):
    cases = [Case((_between_powers_of_two(rng, s),), {}, f"shape {s}") for s in SHAPES]
    x = _between_powers_of_two(rng, (3, 4))
    cases.append(Case((noncontig(x),), {}, "non-contiguous (3, 4)"))
    return cases


OP_DB += [
    OpSpec(
        "frexp",
        ac.frexp,
        _frexp_cases,
        ref=np.frexp,
        torch_fn=lambda x: x.frexp(),
        notes="m̄ · 2^(−e); samples a relative margin away from the powers of two (jumps)",
    ),
    OpSpec(
        "nextafter",
        ac.nextafter,
        binary_cases,
        ref=np.nextafter,
        torch_fn=lambda a, b: a.nextafter(b),
        notes="ā = ȳ, b̄ = 0, as PyTorch",
    ),
]
