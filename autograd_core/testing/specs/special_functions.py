"""OpSpecs of lgamma, digamma, polygamma, erfinv, i0 and i1 (ops/special_functions.py).

The gamma family is sampled on positive arguments and on negative ones between the poles (the
reflection-formula branch); erfinv on (−0.9, 0.9) and in its tails, up to 0.999; i0 and i1 on
both sides of the switch from power series to asymptotic expansion at |x| = 30.
"""

from __future__ import annotations

import math

import numpy as np

import autograd_core as ac
from autograd_core.ops.special_functions import i1
from autograd_core.testing.op_db import OP_DB, Case, OpSpec, unary_cases


def _gamma_cases(rng: np.random.Generator, **kwargs: object) -> list[Case]:
    cases = unary_cases(rng, 0.2, 6.0, **kwargs)
    cases.append(Case((rng.uniform(-2.8, -2.2, (3, 4)),), dict(kwargs), "between poles (3, 4)"))
    cases.append(Case((rng.uniform(-0.8, -0.2, (5,)),), dict(kwargs), "in (-1, 0) (5,)"))
    cases.append(Case((rng.uniform(15.0, 40.0, (5,)),), dict(kwargs), "large (5,)"))
    return cases


def _polygamma_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    # n = 1 is reached as the gradient of n = 0 and of digamma; its own values are compared
    # with torch in tests/autograd_core/test_special_functions.py at 1e-9, not here at 1e-10:
    # torch's trigamma is accurate to about 5e-10 relative (measured against mpmath)
    steep = "ψ⁽³⁾ grows like 1/x⁴: float32's step cannot resolve it"
    for n in (0, 2, 3):
        for c in _gamma_cases(rng)[::3]:
            cases.append(Case((n, *c.args), {}, f"n={n} {c.desc}", steep if n == 3 else ""))
    return cases


def _erfinv_cases(rng: np.random.Generator) -> list[Case]:
    tails = rng.uniform(0.95, 0.999, (6,)) * rng.choice([-1.0, 1.0], (6,))
    steep = "erfinv' grows without bound near ±1: float32's step crosses the pole"
    return unary_cases(rng, -0.9, 0.9) + [Case((tails,), {}, "tails (6,)", steep)]


def _bessel_cases(rng: np.random.Generator) -> list[Case]:
    wide = rng.uniform(-45.0, 45.0, (8,))
    return unary_cases(rng, -3.0, 3.0) + [Case((wide,), {}, "both branches (8,)")]


def _torch_polygamma(n, x):
    import torch

    return torch.polygamma(n, x)


def _torch_special(name: str):
    def fn(x):
        import torch

        return getattr(torch.special, name)(x)

    return fn


_vec_lgamma = np.vectorize(math.lgamma, otypes=[np.float64])

OP_DB += [
    OpSpec(
        "lgamma",
        ac.lgamma,
        _gamma_cases,
        ref=_vec_lgamma,
        torch_fn=_torch_special("gammaln"),
        notes="poles at 0, −1, −2, … avoided",
    ),
    OpSpec(
        "digamma",
        ac.digamma,
        _gamma_cases,
        torch_fn=_torch_special("digamma"),
        notes="poles avoided; no NumPy oracle (closed forms in the tests)",
    ),
    OpSpec(
        "polygamma",
        ac.polygamma,
        _polygamma_cases,
        grad_args=(1,),
        torch_fn=_torch_polygamma,
        notes="n = 0, 2, 3 (and 1 through the gradients); n is an order, not differentiated",
    ),
    OpSpec(
        "erfinv",
        ac.erfinv,
        _erfinv_cases,
        torch_fn=_torch_special("erfinv"),
        notes="domain [−1, 1]; checked against erf(erfinv(y)) = y in the tests",
    ),
    OpSpec("i0", ac.i0, _bessel_cases, ref=np.i0, torch_fn=_torch_special("i0")),
    OpSpec("i1", i1, _bessel_cases, torch_fn=_torch_special("i1")),
]
