"""Shared by the checkpoint tests (test_checkpoint.py, test_checkpoint_arguments.py,
test_checkpoint_sequential.py): a seeded MLP, seeded inputs and weights, its weighted loss with
or without checkpoint, the gradients that one backward gives, and exact equality of gradient
lists.

Import it as the other helpers in tests/ are imported (pytest puts a test file's folder on
``sys.path``): ``from checkpoint_models import input_x, mlp  # tests/autograd_core/``.
"""

from __future__ import annotations

import numpy as np

import autograd_core as ac
import nn
from autograd_core.utils.checkpoint import checkpoint


def mlp(seed=0):
    ac.manual_seed(seed)
    layers = [nn.Linear(4, 16), nn.Tanh(), nn.Linear(16, 16), nn.Tanh(), nn.Linear(16, 3)]
    return nn.Sequential(*layers)


def input_x(shape=(5, 4), seed=1, requires_grad=True):
    data = np.random.default_rng(seed).standard_normal(shape)
    return ac.tensor(data, requires_grad=requires_grad)


def weights(shape, seed=2):
    return ac.tensor(np.random.default_rng(seed).standard_normal(shape))


def grads_by_backward(model, x, run):
    """Gradients of every parameter (and of x) after run(model, x).backward()."""
    model.zero_grad()
    x.grad = None
    run(model, x).backward()
    grads = [p.grad.numpy().copy() for p in model.parameters()]
    return grads + ([x.grad.numpy().copy()] if x.requires_grad else [])


def assert_all_equal(got, expected):
    assert len(got) == len(expected)
    for a, b in zip(got, expected):
        np.testing.assert_array_equal(a, b)


def mlp_loss(model, x, ckpt):
    w = weights((5, 3))
    y = checkpoint(model, x) if ckpt else model(x)
    return (y * w).sum()
