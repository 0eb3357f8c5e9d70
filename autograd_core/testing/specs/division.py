"""OpSpecs of floor_divide, remainder and fmod.

remainder and fmod jump wherever a / b is an integer, so the samples keep a / b at least 0.06
from every integer (``_off_integer_pairs``): a = m + 1/4 + noise and b = ±2ᵏ (1 + noise) with
k ∈ {0, 1, 2} put the fractional part of a / b near a multiple of 1/16 that is not 0, far
beyond the finite-difference step.
"""

from __future__ import annotations

import numpy as np

import autograd_core as ac
from autograd_core.testing.op_db import BINARY_SHAPES, OP_DB, Case, OpSpec, noncontig


def _dividend(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    return np.asarray(rng.integers(-4, 4, shape) + 0.25 + rng.uniform(-0.02, 0.02, shape))


def _divisor(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    sign = rng.choice([-1.0, 1.0], shape)
    jitter = 1 + rng.uniform(-0.01, 0.01, shape)
    return np.asarray(sign * 2.0 ** rng.integers(0, 3, shape) * jitter)


def _off_integer_pairs(rng: np.random.Generator) -> list[Case]:
    cases = [
        Case((_dividend(rng, sa), _divisor(rng, sb)), {}, f"{sa} x {sb}")
        for sa, sb in BINARY_SHAPES
    ]
    a = _dividend(rng, (4, 3)).T
    b = noncontig(_divisor(rng, (3, 4)))
    cases.append(Case((a, b), {}, "non-contiguous (3, 4) x (3, 4)"))
    ints_a = rng.integers(-9, 10, (3, 4))
    ints_b = rng.choice([-3, -2, -1, 1, 2, 3], (4,))
    cases.append(Case((ints_a, ints_b), {}, "int64 (3, 4) x (4,)"))
    return cases


OP_DB += [
    OpSpec(
        "floor_divide",
        ac.floor_divide,
        _off_integer_pairs,
        ref=np.floor_divide,
        differentiable=False,
        notes="no gradient (PyTorch 2.13 raises on backward instead)",
    ),
    OpSpec(
        "remainder",
        ac.remainder,
        _off_integer_pairs,
        ref=np.remainder,
        torch_fn=lambda a, b: a.remainder(b),
        notes="b̄ = −z̄ ⌊a/b⌋; samples keep a/b away from integers, where z jumps",
    ),
    OpSpec(
        "fmod",
        ac.fmod,
        _off_integer_pairs,
        ref=np.fmod,
        torch_fn=lambda a, b: a.fmod(b),
        notes="b̄ = −z̄ trunc(a/b); samples keep a/b away from integers, where z jumps",
    ),
]
