"""OpSpecs of the elementwise unary ops."""

from __future__ import annotations

import numpy as np

import autograd_core as ac
from autograd_core.testing.op_db import OP_DB, OpSpec, unary_cases

OP_DB += [
    OpSpec("neg", ac.neg, unary_cases, ref=np.negative, torch_fn=lambda x: -x),
    OpSpec("exp", ac.exp, unary_cases, ref=np.exp, torch_fn=lambda x: x.exp()),
    OpSpec("log", ac.log, lambda rng: unary_cases(rng, 0.2, 3.0), ref=np.log,
           torch_fn=lambda x: x.log(), notes="domain x > 0"),
    OpSpec("tanh", ac.tanh, unary_cases, ref=np.tanh, torch_fn=lambda x: x.tanh()),
    OpSpec("relu", ac.relu, unary_cases, ref=lambda x: np.maximum(x, 0), kinks=(0.0,),
           torch_fn=lambda x: x.relu(), notes="relu'(0) = 0"),
    OpSpec("abs", ac.abs, unary_cases, ref=np.abs, kinks=(0.0,), torch_fn=lambda x: x.abs(),
           notes="abs'(0) = 0"),
]
