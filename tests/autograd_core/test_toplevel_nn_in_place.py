"""torch's top-level in-place nn functions (``torch.selu_(x)``, ``torch.dropout_(x, p, train)``
...; autograd_core/nn_functions.py) against torch 2.13: the input is changed and returned, its
values and, through a recorded non-leaf, the gradient are torch's."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
from autograd_core.errors import GraphError

X = [[-1.5, -0.2, 0.0, 0.7], [2.0, -3.0, 0.4, -0.05]]
W = [[0.3, -1.0, 2.0, 0.5], [1.5, 0.25, -0.75, 1.0]]

# deterministic calls: (name, args after the input)
CALLS = [
    ("selu_", ()),
    ("celu_", ()),
    ("celu_", (0.5,)),
    ("threshold_", (0.1, -2.0)),
    ("rrelu_", (0.1, 0.3, False)),
    ("dropout_", (0.5, False)),
    ("alpha_dropout_", (0.5, False)),
    ("feature_alpha_dropout_", (0.5, False)),
    ("feature_dropout_", (0.5, False)),
    ("dropout_", (0.0, True)),
]


@pytest.mark.parametrize(("name", "args"), CALLS, ids=[f"{n}{a}" for n, a in CALLS])
def test_the_input_is_changed_and_returned_as_torch(torch, name, args):
    x = ac.tensor(X, dtype=ac.float64)
    t = torch.tensor(X, dtype=torch.float64)
    assert getattr(ac, name)(x, *args) is x
    assert getattr(torch, name)(t, *args) is t
    np.testing.assert_allclose(x.numpy(), t.numpy(), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize(("name", "args"), CALLS, ids=[f"{n}{a}" for n, a in CALLS])
def test_the_gradient_through_a_non_leaf_is_torchs(torch, name, args):
    x = ac.tensor(X, dtype=ac.float64, requires_grad=True)
    t = torch.tensor(X, dtype=torch.float64, requires_grad=True)
    a, b = x * 1.0, t * 1.0
    getattr(ac, name)(a, *args)
    getattr(torch, name)(b, *args)
    (a * ac.tensor(W, dtype=ac.float64)).sum().backward()
    (b * torch.tensor(W, dtype=torch.float64)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-12, atol=1e-15)


def test_a_leaf_that_requires_grad_is_refused_as_torch(torch):
    with pytest.raises(RuntimeError, match="leaf Variable"):
        torch.selu_(torch.ones(2, requires_grad=True))
    with pytest.raises(GraphError, match="selu_: a leaf tensor that requires grad"):
        ac.selu_(ac.ones(2, requires_grad=True))


def test_a_random_in_place_call_draws_once_and_matches_the_out_of_place_one():
    ac.manual_seed(3)
    want = ac.dropout(ac.ones(4, 5), 0.5, True)
    ac.manual_seed(3)
    x = ac.ones(4, 5)
    assert ac.dropout_(x, 0.5, True) is x
    np.testing.assert_array_equal(x.numpy(), want.numpy())
    assert set(np.unique(x.numpy())) <= {0.0, 2.0}


def test_rrelu_in_training_writes_a_slope_within_its_bounds():
    x = ac.full((200,), -1.0)
    ac.rrelu_(x, 0.1, 0.3, True)
    assert ((x.numpy() <= -0.1) & (x.numpy() >= -0.3)).all()
    assert np.unique(x.numpy()).size > 50  # one draw per element
