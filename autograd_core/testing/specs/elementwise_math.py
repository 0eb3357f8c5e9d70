"""OpSpecs of the trigonometric, hyperbolic, exponential/logarithmic and piecewise elementwise
ops (ops/trigonometric.py, hyperbolic.py, exp_log.py, piecewise.py).

Samples stay inside each domain (asin and atanh on (−0.9, 0.9), acosh above 1.1, logs above
0.2) and away from the points where an op is not differentiable: the jumps of frac, the kinks
of copysign, the origin and branch cut of atan2, the ties of fmax and fmin.
"""

from __future__ import annotations

import numpy as np

import autograd_core as ac
from autograd_core.testing.op_db import (
    BINARY_SHAPES,
    OP_DB,
    Case,
    OpSpec,
    binary_cases,
    noncontig,
    unary_cases,
)


def _torch(name: str):
    def fn(*args, **kwargs):
        import torch

        return getattr(torch, name)(*args, **kwargs)

    return fn


def _unary(name: str, ref, low: float, high: float, notes: str = "") -> OpSpec:
    return OpSpec(
        name,
        getattr(ac, name),
        lambda rng: unary_cases(rng, low, high),
        ref=ref,
        torch_fn=_torch(name),
        notes=notes or f"samples on ({low}, {high})",
    )


def _signed_pairs(rng: np.random.Generator) -> list[Case]:
    """binary_cases with |a|, |b| in [0.3, 2) and random signs: away from the origin and from
    atan2's branch cut (a = 0)."""
    cases = binary_cases(rng, (0.3, 2.0))
    for c in cases:
        for x in c.args:
            x *= rng.choice([-1.0, 1.0], size=x.shape)
    return cases


def _lattice(rng: np.random.Generator, shape: tuple[int, ...], offset: float) -> np.ndarray:
    return np.asarray(rng.integers(-2, 2, shape) + offset + rng.uniform(-0.05, 0.05, shape))


def _tie_free(rng: np.random.Generator) -> list[Case]:
    """Pairs on two interleaved lattices (k + ¼ and k + ¾): |a − b| ≥ 0.4, either may win."""
    cases = [
        Case((_lattice(rng, sa, 0.25), _lattice(rng, sb, 0.75)), {}, f"{sa} x {sb}")
        for sa, sb in BINARY_SHAPES
    ]
    a, b = _lattice(rng, (4, 3), 0.25).T, noncontig(_lattice(rng, (3, 4), 0.75))
    return cases + [Case((a, b), {}, "non-contiguous (3, 4) x (3, 4)")]


def _xlogy_cases(rng: np.random.Generator) -> list[Case]:
    cases = binary_cases(rng, (-2.0, 2.0), (0.2, 3.0))
    x = rng.uniform(-2, 2, (3, 4))
    x[:, 0] = 0.0
    cases.append(Case((x, rng.uniform(0.2, 3.0, (4,))), {}, "zeros in x (3, 4) x (4,)"))
    return cases


def _sinc_cases(rng: np.random.Generator) -> list[Case]:
    near_zero = np.array([0.0, 1e-3, -0.02, 0.049, -0.051, 0.2])
    return unary_cases(rng, -2.5, 2.5) + [Case((near_zero,), {}, "near 0 (series branch)")]


def _logit_cases(rng: np.random.Generator) -> list[Case]:
    cases = unary_cases(rng, 0.15, 0.85)  # (steep near 0 and 1: float32 needs the margin)
    cases.append(Case((rng.uniform(0.02, 0.98, (3, 4)),), {"eps": 0.1}, "eps=0.1 (3, 4)"))
    edges = rng.uniform(0.01, 0.05, (4,)) * [1, 1, -1, -1] + [0, 0, 1, 1]
    cases.append(Case((edges,), {}, "near 0 and 1 (4,)", "logit is steep near 0 and 1"))
    return cases


def _logit_ref(x, eps=None):
    if eps is not None:
        x = np.clip(x, eps, 1 - eps)
    return np.log(x / (1 - x))


def _xlogy_ref(x, y):
    with np.errstate(all="ignore"):
        return np.where(x == 0, 0, x * np.log(y)).astype(np.result_type(x, y))


def _heaviside_cases(rng: np.random.Generator) -> list[Case]:
    x = rng.integers(-2, 3, (3, 4)).astype(float)
    return binary_cases(rng) + [Case((x, rng.uniform(0, 1, (4,))), {}, "zeros in x")]


_INTEGERS = tuple(float(k) for k in range(-3, 4))

OP_DB += [
    _unary("tan", np.tan, -1.3, 1.3, "samples on (−1.3, 1.3), inside (−π/2, π/2)"),
    _unary("asin", np.arcsin, -0.9, 0.9, "domain [−1, 1]; x̄ is inf at ±1"),
    _unary("acos", np.arccos, -0.9, 0.9, "domain [−1, 1]; x̄ is −inf at ±1"),
    _unary("atan", np.arctan, -3.0, 3.0),
    _unary("sinh", np.sinh, -3.0, 3.0),
    _unary("cosh", np.cosh, -3.0, 3.0),
    _unary("asinh", np.arcsinh, -3.0, 3.0),
    _unary("acosh", np.arccosh, 1.1, 3.0, "domain x ≥ 1; x̄ is inf at 1"),
    _unary("atanh", np.arctanh, -0.9, 0.9, "domain [−1, 1]; ±inf at ±1"),
    _unary("log2", np.log2, 0.2, 3.0, "domain x > 0"),
    _unary("log10", np.log10, 0.2, 3.0, "domain x > 0"),
    _unary("exp2", np.exp2, -2.0, 2.0),
    OpSpec(
        "atan2",
        ac.atan2,
        _signed_pairs,
        ref=np.arctan2,
        torch_fn=_torch("atan2"),
        notes="|a|, |b| ≥ 0.3: away from the origin and the branch cut a = 0, b < 0",
    ),
    OpSpec(
        "hypot",
        ac.hypot,
        _signed_pairs,
        ref=np.hypot,
        torch_fn=_torch("hypot"),
        notes="away from the origin, where the gradient is NaN",
    ),
    OpSpec("sinc", ac.sinc, _sinc_cases, ref=np.sinc, torch_fn=_torch("sinc")),
    OpSpec("logaddexp", ac.logaddexp, binary_cases, ref=np.logaddexp, torch_fn=_torch("logaddexp")),
    OpSpec(
        "logaddexp2",
        ac.logaddexp2,
        binary_cases,
        ref=np.logaddexp2,
        torch_fn=_torch("logaddexp2"),
    ),
    OpSpec(
        "logit",
        ac.logit,
        _logit_cases,
        ref=_logit_ref,
        torch_fn=_torch("logit"),
        kinks=(0.1, 0.9),
        notes="domain (0, 1); with eps the clamp's corners at eps and 1 − eps are kinks",
    ),
    OpSpec(
        "xlogy",
        ac.xlogy,
        _xlogy_cases,
        ref=_xlogy_ref,
        torch_fn=_torch("xlogy"),
        notes="y > 0; x = 0 gives 0 (and x̄ = ln y)",
    ),
    OpSpec(
        "trunc",
        ac.trunc,
        lambda rng: unary_cases(rng, -3.0, 3.0),
        ref=np.trunc,
        kinks=_INTEGERS,
        torch_fn=_torch("trunc"),
        notes="zero gradient (PyTorch's convention); the jumps at the integers are avoided",
    ),
    OpSpec(
        "frac",
        ac.frac,
        lambda rng: unary_cases(rng, -3.0, 3.0),
        ref=lambda x: x - np.trunc(x),
        kinks=_INTEGERS,
        torch_fn=_torch("frac"),
        notes="x̄ = ȳ; the jumps at the integers are avoided",
    ),
    OpSpec(
        "heaviside",
        ac.heaviside,
        _heaviside_cases,
        ref=np.heaviside,
        differentiable=False,
        notes="no gradient, as PyTorch",
    ),
    OpSpec(
        "copysign",
        ac.copysign,
        binary_cases,
        ref=np.copysign,
        kinks=(0.0,),
        torch_fn=_torch("copysign"),
        notes="ā = ±ȳ, b̄ = 0; kinks at a = 0 and jumps at b = 0 avoided",
    ),
    OpSpec(
        "fmax",
        ac.fmax,
        _tie_free,
        ref=np.fmax,
        torch_fn=_torch("fmax"),
        notes="ties go to a (PyTorch); samples keep |a − b| ≥ 0.4",
    ),
    OpSpec(
        "fmin",
        ac.fmin,
        _tie_free,
        ref=np.fmin,
        torch_fn=_torch("fmin"),
        notes="ties go to a (PyTorch); samples keep |a − b| ≥ 0.4",
    ),
]
