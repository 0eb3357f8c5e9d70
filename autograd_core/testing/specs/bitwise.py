"""OpSpecs of the integer and bool ops without gradient: bitwise_and/or/xor/not, gcd, lcm."""

from __future__ import annotations

import numpy as np

import autograd_core as ac
from autograd_core.testing.op_db import OP_DB, Case, OpSpec


def _integer_pairs(rng: np.random.Generator) -> list[Case]:
    a = rng.integers(-20, 20, (3, 4))
    return [
        Case((a, rng.integers(-20, 20, (3, 4))), {}, "int64 (3, 4)"),
        Case((a, rng.integers(0, 9, (1, 4))), {}, "broadcast (3, 4) x (1, 4)"),
        Case((np.zeros((0, 2), np.int64), np.ones(2, np.int64)), {}, "empty"),
        Case((a, 6), {}, "int and a Python int"),
    ]


def _bool_and_integer_pairs(rng: np.random.Generator) -> list[Case]:
    bools = (rng.random((2, 3)) > 0.5, rng.random((2, 3)) > 0.5)
    return _integer_pairs(rng) + [Case(bools, {}, "bool (2, 3)")]


def _not_cases(rng: np.random.Generator) -> list[Case]:
    return [
        Case((rng.integers(-20, 20, (3, 4)),), {}, "int64 (3, 4)"),
        Case((rng.random((2, 3)) > 0.5,), {}, "bool (2, 3)"),
        Case((np.array(5, np.int32),), {}, "0-d int32"),
    ]


for _name, _ref in [
    ("bitwise_and", np.bitwise_and),
    ("bitwise_or", np.bitwise_or),
    ("bitwise_xor", np.bitwise_xor),
]:
    OP_DB.append(
        OpSpec(_name, getattr(ac, _name), _bool_and_integer_pairs, ref=_ref, differentiable=False)
    )
OP_DB += [
    OpSpec(
        "bitwise_left_shift",
        ac.bitwise_left_shift,
        _integer_pairs,
        ref=np.left_shift,
        differentiable=False,
    ),
    OpSpec(
        "bitwise_right_shift",
        ac.bitwise_right_shift,
        _integer_pairs,
        ref=np.right_shift,
        differentiable=False,
    ),
    OpSpec("gcd", ac.gcd, _integer_pairs, ref=np.gcd, differentiable=False),
    OpSpec("lcm", ac.lcm, _integer_pairs, ref=np.lcm, differentiable=False),
    OpSpec("bitwise_not", ac.bitwise_not, _not_cases, ref=np.invert, differentiable=False),
]
