"""OpSpecs of ops/activation_more.py (mish, hardswish, hardsigmoid, scaled_elu, threshold,
hardshrink, softshrink): sample inputs cover both sides of every kink, which are declared."""

from __future__ import annotations

import numpy as np

from autograd_core.ops import activation_more as am
from autograd_core.testing.op_db import OP_DB, Case, OpSpec, unary_cases

_SELU = {"alpha": 1.6732632423543772, "scale": 1.0507009873554805, "input_scale": 1.0}


def _torch_nn(name):
    def fn(x, **kwargs):
        import torch.nn.functional as F  # noqa: N812

        return getattr(F, name)(x, **kwargs)

    return fn


def _torch_elu(x, alpha, scale=1.0, input_scale=1.0):
    import torch

    return torch.ops.aten.elu(x, alpha, scale, input_scale)


def _torch_hardsigmoid(x):
    # torch's formula, not F.hardsigmoid: its backward multiplies by float32(1/6) also in float64
    # (3e-8 relative off). tests/nn/test_activations_more.py compares F.hardsigmoid itself,
    # kinks included, allowing that difference.
    return (x + 3).clamp(0, 6) / 6


def _np_hardswish(x):
    return x * np.clip(x + 3, 0, 6) / 6


def _np_scaled_elu(x, alpha, scale=1.0, input_scale=1.0):
    return np.where(x > 0, scale * x, scale * alpha * np.expm1(np.minimum(x, 0) * input_scale))


def _extra(rng, desc, **kwargs):
    return [Case((rng.uniform(-2, 2, (3, 4)),), kwargs, desc)]


def _elu_cases(rng):
    return (
        unary_cases(rng, -3.0, 3.0, **_SELU)
        + _extra(rng, "celu alpha=0.5", alpha=0.5, input_scale=2.0)
        + _extra(rng, "celu alpha=-2", alpha=-2.0, input_scale=-0.5)
        + _extra(
            rng, "elu alpha=2, scale=3, input_scale=0.5", alpha=2.0, scale=3.0, input_scale=0.5
        )
    )


OP_DB += [
    OpSpec(
        "mish",
        am.mish,
        lambda rng: unary_cases(rng, -4.0, 4.0),
        ref=lambda x: x * np.tanh(np.logaddexp(0, x)),
        torch_fn=_torch_nn("mish"),
        notes="F.mish in every dtype",
    ),
    OpSpec(
        "hardswish",
        am.hardswish,
        lambda rng: unary_cases(rng, -5.0, 5.0),
        ref=_np_hardswish,
        torch_fn=_torch_nn("hardswish"),
        kinks=(-3.0, 3.0),
        notes="gradient 0 at -3 and 1 at 3 (torch.nn.functional.hardswish)",
    ),
    OpSpec(
        "hardsigmoid",
        am.hardsigmoid,
        lambda rng: unary_cases(rng, -5.0, 5.0),
        ref=lambda x: np.clip(x + 3, 0, 6) / 6,
        torch_fn=_torch_hardsigmoid,
        kinks=(-3.0, 3.0),
        notes="gradient 0 at ±3 (F.hardsigmoid's convention)",
    ),
    OpSpec(
        "scaled_elu",
        am.scaled_elu,
        _elu_cases,
        ref=_np_scaled_elu,
        torch_fn=_torch_elu,
        kinks=(0.0,),
        notes="gradient s·α·c at 0 (the left derivative, torch's elu); selu and celu use it",
    ),
    OpSpec(
        "threshold",
        am.threshold,
        lambda rng: (
            unary_cases(rng, -2.0, 2.0, threshold=0.5, value=-3.0)
            + _extra(rng, "threshold -1, value 0", threshold=-1.0, value=0.0)
        ),
        ref=lambda x, threshold, value: np.where(x > threshold, x, value),
        torch_fn=_torch_nn("threshold"),
        kinks=(0.5, -1.0),
        notes="gradient 0 at the threshold",
    ),
    OpSpec(
        "hardshrink",
        am.hardshrink,
        lambda rng: unary_cases(rng) + _extra(rng, "lambd=1", lambd=1.0),
        ref=lambda x, lambd=0.5: np.where(np.abs(x) > lambd, x, 0.0),
        torch_fn=_torch_nn("hardshrink"),
        kinks=(-0.5, 0.5, -1.0, 1.0),
        notes="gradient 0 at ±lambd",
    ),
    OpSpec(
        "softshrink",
        am.softshrink,
        lambda rng: unary_cases(rng) + _extra(rng, "lambd=1", lambd=1.0),
        ref=lambda x, lambd=0.5: x - np.clip(x, -lambd, lambd),
        torch_fn=_torch_nn("softshrink"),
        kinks=(-0.5, 0.5, -1.0, 1.0),
        notes="gradient 0 at ±lambd",
    ),
]
