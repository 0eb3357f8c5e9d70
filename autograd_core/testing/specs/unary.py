"""OpSpecs of the elementwise unary ops."""

from __future__ import annotations

import math

import numpy as np

import autograd_core as ac
from autograd_core.testing.op_db import OP_DB, Case, OpSpec, noncontig, unary_cases

OP_DB += [
    OpSpec("neg", ac.neg, unary_cases, ref=np.negative, torch_fn=lambda x: -x),
    OpSpec("exp", ac.exp, unary_cases, ref=np.exp, torch_fn=lambda x: x.exp()),
    OpSpec(
        "log",
        ac.log,
        lambda rng: unary_cases(rng, 0.2, 3.0),
        ref=np.log,
        torch_fn=lambda x: x.log(),
        notes="domain x > 0",
    ),
    OpSpec("tanh", ac.tanh, unary_cases, ref=np.tanh, torch_fn=lambda x: x.tanh()),
    OpSpec(
        "relu",
        ac.relu,
        unary_cases,
        ref=lambda x: np.maximum(x, 0),
        kinks=(0.0,),
        torch_fn=lambda x: x.relu(),
        notes="relu'(0) = 0",
    ),
    OpSpec(
        "abs",
        ac.abs,
        unary_cases,
        ref=np.abs,
        kinks=(0.0,),
        torch_fn=lambda x: x.abs(),
        notes="abs'(0) = 0",
    ),
]


def _signed(rng: np.random.Generator, low: float, high: float) -> list[Case]:
    """unary_cases with |x| in [low, high) and random signs (layouts kept: flipped in place)."""
    cases = unary_cases(rng, low, high)
    for c in cases:
        x = c.args[0]
        x *= rng.choice([-1.0, 1.0], size=x.shape)
    return cases


def _with_exact(rng: np.random.Generator, values: list[float], **kwargs: object) -> list[Case]:
    """unary_cases on [-3, 3) plus a case holding the given exact values (zeros, halves)."""
    return unary_cases(rng, -3.0, 3.0, **kwargs) + [
        Case((np.array(values),), dict(kwargs), "exact values")
    ]


def _erf_cases(rng: np.random.Generator) -> list[Case]:
    # [-6, 6] reaches all three of Cody's intervals (|x| ≤ 0.46875, ≤ 4, > 4)
    return unary_cases(rng, -3.0, 3.0) + [
        Case((rng.uniform(-6.0, 6.0, (40,)),), {}, "all intervals (40,)")
    ]


def _clip_cases(rng: np.random.Generator) -> list[Case]:
    cases = unary_cases(rng, -2.0, 2.0, min=-0.5, max=0.8)
    cases.append(Case((rng.uniform(-2, 2, (3, 4)),), {"min": -0.5}, "min only"))
    cases.append(Case((rng.uniform(-2, 2, (3, 4)),), {"max": 0.8}, "max only"))
    # Tensor bounds broadcasting against x, each entry of x ≥ 0.1 away from its bounds
    x = rng.uniform(-2.0, 2.0, (3, 4))
    lo = rng.uniform(-1.0, -0.3, (3, 1))
    hi = rng.uniform(0.3, 1.0, (1, 4))
    for b in (np.broadcast_to(lo, x.shape), np.broadcast_to(hi, x.shape)):
        close = np.abs(x - b) < 0.1
        x[close] = b[close] + np.where(x[close] >= b[close], 0.1, -0.1)
    cases.append(Case((x, lo, hi), {}, "Tensor bounds (3,4) (3,1) (1,4)"))
    cases.append(Case((noncontig(x), float(lo.max()), hi), {}, "number min, Tensor max"))
    return cases


def _torch_clamp(x, lo=None, hi=None, min=None, max=None):  # noqa: A002
    import torch

    lo, hi = (lo if min is None else min), (hi if max is None else max)
    if isinstance(lo, torch.Tensor) or isinstance(hi, torch.Tensor):  # clamp takes 2 or 0 Tensors
        lo, hi = (
            b if b is None or isinstance(b, torch.Tensor) else torch.tensor(b, dtype=x.dtype)
            for b in (lo, hi)
        )
    return x.clamp(lo, hi)


_INTEGERS = tuple(float(k) for k in range(-3, 4))
# round's jumps on [-3, 3]: the halves, and for decimals=1 the odd multiples of 1/20
_ROUND_JUMPS = tuple(k / 2 for k in range(-7, 8, 2)) + tuple(k / 20 for k in range(-61, 62, 2))

_vec_erf = np.vectorize(math.erf, otypes=[np.float64])
_vec_erfc = np.vectorize(math.erfc, otypes=[np.float64])

OP_DB += [
    OpSpec(
        "sign",
        ac.sign,
        lambda rng: _with_exact(rng, [-1.0, 0.0, -0.0, 2.0]),
        ref=np.sign,
        kinks=(0.0,),
        torch_fn=lambda x: x.sign(),
        notes="zero gradient everywhere, 0 at the jump too (PyTorch's convention)",
    ),
    OpSpec(
        "floor",
        ac.floor,
        lambda rng: _with_exact(rng, [-1.5, -1.0, 0.0, 0.5, 2.0]),
        ref=np.floor,
        kinks=_INTEGERS,
        torch_fn=lambda x: x.floor(),
        notes="zero gradient (PyTorch's convention); the jumps at the integers are avoided",
    ),
    OpSpec(
        "ceil",
        ac.ceil,
        lambda rng: _with_exact(rng, [-1.5, -1.0, 0.0, 0.5, 2.0]),
        ref=np.ceil,
        kinks=_INTEGERS,
        torch_fn=lambda x: x.ceil(),
        notes="zero gradient (PyTorch's convention); the jumps at the integers are avoided",
    ),
    OpSpec(
        "round",
        ac.round,
        lambda rng: (
            _with_exact(rng, [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5])
            + [Case((rng.uniform(-3, 3, (3, 4)),), {"decimals": 1}, "decimals=1")]
        ),
        ref=lambda x, decimals=0: np.round(x, decimals),
        kinks=_ROUND_JUMPS,
        torch_fn=lambda x, decimals=0: x.round(decimals=decimals),
        notes="halves round to even; zero gradient, the jumps (at the halves) avoided",
    ),
    OpSpec(
        "log1p",
        ac.log1p,
        lambda rng: unary_cases(rng, -0.8, 2.0),
        ref=np.log1p,
        torch_fn=lambda x: x.log1p(),
        notes="domain x > -1",
    ),
    OpSpec("expm1", ac.expm1, unary_cases, ref=np.expm1, torch_fn=lambda x: x.expm1()),
    OpSpec(
        "sqrt",
        ac.sqrt,
        lambda rng: unary_cases(rng, 0.2, 3.0),
        ref=np.sqrt,
        torch_fn=lambda x: x.sqrt(),
        notes="domain x > 0 (the gradient is inf at 0)",
    ),
    OpSpec(
        "rsqrt",
        ac.rsqrt,
        lambda rng: unary_cases(rng, 0.2, 3.0),
        ref=lambda x: 1 / np.sqrt(x),
        torch_fn=lambda x: x.rsqrt(),
        notes="domain x > 0",
    ),
    OpSpec("square", ac.square, unary_cases, ref=np.square, torch_fn=lambda x: x.square()),
    OpSpec(
        "reciprocal",
        ac.reciprocal,
        lambda rng: _signed(rng, 0.5, 2.0),
        ref=np.reciprocal,
        torch_fn=lambda x: x.reciprocal(),
        notes="|x| kept in [0.5, 2): the pole at 0 is outside the domain",
    ),
    OpSpec(
        "sin",
        ac.sin,
        lambda rng: unary_cases(rng, -4.0, 4.0),
        ref=np.sin,
        torch_fn=lambda x: x.sin(),
    ),
    OpSpec(
        "cos",
        ac.cos,
        lambda rng: unary_cases(rng, -4.0, 4.0),
        ref=np.cos,
        torch_fn=lambda x: x.cos(),
    ),
    OpSpec("erf", ac.erf, _erf_cases, ref=_vec_erf, torch_fn=lambda x: x.erf()),
    OpSpec("erfc", ac.erfc, _erf_cases, ref=_vec_erfc, torch_fn=lambda x: x.erfc()),
    OpSpec(
        "clip",
        ac.clip,
        _clip_cases,
        ref=lambda x, lo=None, hi=None, min=None, max=None: np.clip(  # noqa: A002
            x, lo if min is None else min, hi if max is None else max
        ),
        torch_fn=_torch_clamp,
        kinks=(-0.5, 0.8),
        notes="x̄ = ȳ on [min, max] (bounds included, as torch.clamp), 0 outside; Tensor "
        "bounds get ȳ where they are returned",
    ),
]
