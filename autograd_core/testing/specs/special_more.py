"""OpSpecs of erfcx, ndtri, i0e, i1e, xlog1py (ops/special_more.py), zeta and gammainc/gammaincc.

erfcx is sampled near 0 (the exp(x²)·(1 − erf) branch), on both sides of Cody's switch points
0.46875 and 4, and for negative x (the reflection 2e^(x²) − erfcx(−x)); ndtri on (0.05, 0.95)
and in its tails; i0e and i1e on both sides of the series/expansion switch at |x| = 30, away
from their kink at 0 (|x| in the scaling); xlog1py with 1 + y > 0.
"""

from __future__ import annotations

import numpy as np

from autograd_core.ops import special_more as sm
from autograd_core.ops.special_gamma_inc import gammainc, gammaincc
from autograd_core.ops.special_zeta import zeta
from autograd_core.testing.op_db import OP_DB, Case, OpSpec, binary_cases, unary_cases


def _erfcx_cases(rng: np.random.Generator) -> list[Case]:
    wide = np.concatenate([rng.uniform(-3.0, -0.5, 4), rng.uniform(3.0, 12.0, 4)])
    return unary_cases(rng, -1.0, 1.0) + [Case((wide,), {}, "both tails (8,)")]


def _ndtri_cases(rng: np.random.Generator) -> list[Case]:
    tails = np.concatenate([10.0 ** rng.uniform(-4, -2, 3), 1 - 10.0 ** rng.uniform(-4, -2, 3)])
    steep = "ndtri' grows without bound near 0 and 1: float32's step cannot resolve it"
    shoulders = np.concatenate([rng.uniform(0.02, 0.15, 3), rng.uniform(0.85, 0.98, 3)])
    return unary_cases(rng, 0.15, 0.85) + [
        Case((shoulders,), {}, "shoulders (6,)", steep),
        Case((tails,), {}, "tails (6,)", steep),
    ]


def _scaled_bessel_cases(rng: np.random.Generator) -> list[Case]:
    wide = rng.uniform(-45.0, 45.0, (8,))
    return unary_cases(rng, -3.0, 3.0) + [Case((wide,), {}, "both branches (8,)")]


def _xlog1py_cases(rng: np.random.Generator) -> list[Case]:
    return binary_cases(rng, (-2.0, 2.0), (-0.9, 2.0))


def _torch_special(name: str):
    def fn(*args):
        import torch

        return getattr(torch.special, name)(*args)

    return fn


OP_DB += [
    OpSpec(
        "erfcx",
        sm.erfcx,
        _erfcx_cases,
        torch_fn=_torch_special("erfcx"),
        notes="values against PyTorch and erfc·exp(x²) in tests/autograd_core/test_special_more.py",
    ),
    OpSpec(
        "ndtri",
        sm.ndtri,
        _ndtri_cases,
        torch_fn=_torch_special("ndtri"),
        notes="domain [0, 1]; checked against ndtr(ndtri(p)) = p in the tests",
    ),
    OpSpec(
        "i0e",
        sm.i0e,
        _scaled_bessel_cases,
        ref=lambda x: np.exp(-np.abs(x)) * np.i0(x),
        kinks=(0.0,),
        torch_fn=_torch_special("i0e"),
        notes="kink at 0 (e^(−|x|)); the gradient there is 0 (sgn(0) = 0), PyTorch's value",
    ),
    OpSpec(
        "i1e",
        sm.i1e,
        _scaled_bessel_cases,
        kinks=(0.0,),
        torch_fn=_torch_special("i1e"),
        notes="its second derivative jumps at 0 (e^(−|x|)); avoided",
    ),
    OpSpec(
        "xlog1py",
        sm.xlog1py,
        _xlog1py_cases,
        ref=lambda x, y: x * np.log1p(y),
        torch_fn=_torch_special("xlog1py"),
        notes="0 where x = 0 (tested in test_special_more.py); y > −1 here",
    ),
]


def _zeta_cases(rng: np.random.Generator) -> list[Case]:
    cases = binary_cases(rng, (1.5, 6.0), (0.3, 5.0))
    exponents = np.array([2.0, 3.0, 4.0])  # integers: a negative q is in the domain
    steep = "(q + k)^(−x) next to q's poles: float32's step cannot resolve its derivatives"
    q = rng.uniform(-2.8, -2.2, (3,))
    cases.append(Case((exponents, q), {}, "negative q (3,)", steep))
    cases.append(Case((rng.uniform(1.1, 1.5, (4,)), rng.uniform(20.0, 60.0, (4,))), {}, "far"))
    return cases


OP_DB.append(
    OpSpec(
        "zeta",
        zeta,
        _zeta_cases,
        grad_args=(1,),
        torch_fn=_torch_special("zeta"),
        notes="differentiable in q only (PyTorch has no derivative in x; asking raises)",
    )
)


def _gamma_inc_cases(rng: np.random.Generator) -> list[Case]:
    cases = binary_cases(rng, (0.5, 4.0), (0.2, 6.0))  # both sides of x = a + 1
    # a below 20: there PyTorch (the gradient oracle) does not switch to its less accurate
    # Temme expansion (5e-10 relative at a = 30)
    cases.append(Case((rng.uniform(10.0, 19.0, (4,)), rng.uniform(5.0, 30.0, (4,))), {}, "large"))
    return cases


OP_DB += [
    OpSpec(
        name,
        fn,
        _gamma_inc_cases,
        grad_args=(1,),
        torch_fn=_torch_special(name),
        notes="differentiable in x only (PyTorch has no derivative in a; asking raises)",
    )
    for name, fn in (("gammainc", gammainc), ("gammaincc", gammaincc))
]
