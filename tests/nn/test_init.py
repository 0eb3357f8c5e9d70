"""Initialisers: each one's mean and variance against its formula, with a fixed seed."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd_core as ac
import nn
from nn import init


def _w(*shape):
    return nn.Parameter(ac.zeros(*shape, dtype=ac.float64))


def g():
    return ac.Generator(0)


@pytest.mark.parametrize(
    ("fn", "shape", "var"),
    [
        (lambda t: init.xavier_uniform_(t, generator=g()), (300, 200), 2 / 500),
        (lambda t: init.xavier_normal_(t, generator=g()), (300, 200), 2 / 500),
        (
            lambda t: init.kaiming_uniform_(t, nonlinearity="relu", generator=g()),
            (300, 200),
            2 / 200,
        ),
        (
            lambda t: init.kaiming_normal_(t, nonlinearity="relu", generator=g()),
            (300, 200),
            2 / 200,
        ),
        (
            lambda t: init.kaiming_normal_(t, mode="fan_out", nonlinearity="relu", generator=g()),
            (300, 200),
            2 / 300,
        ),
        (
            lambda t: init.kaiming_normal_(t, nonlinearity="tanh", generator=g()),
            (300, 200),
            (5 / 3) ** 2 / 200,
        ),
        (lambda t: init.kaiming_normal_(t, a=0.2, generator=g()), (300, 200), 2 / (1 + 0.04) / 200),
        (lambda t: init.lecun_normal_(t, generator=g()), (300, 200), 1 / 200),
        (lambda t: init.lecun_uniform_(t, generator=g()), (300, 200), 1 / 200),
        (lambda t: init.normal_(t, 0.0, 0.5, generator=g()), (300, 200), 0.25),
        (lambda t: init.uniform_(t, -1.0, 1.0, generator=g()), (300, 200), 1 / 3),
    ],
)
def test_statistics(fn, shape, var):
    t = fn(_w(*shape))
    assert abs(t.data.mean()) < 4 * math.sqrt(var / t.numel())
    assert t.data.var() == pytest.approx(var, rel=0.03)


def test_uniform_bounds():
    t = init.xavier_uniform_(_w(30, 20), generator=g())
    assert np.abs(t.data).max() <= math.sqrt(6 / 50)


def test_orthogonal_and_constants():
    t = init.orthogonal_(_w(6, 4), gain=2.0, generator=g())
    np.testing.assert_allclose(t.data.T @ t.data, 4 * np.eye(4), atol=1e-12)
    t = init.orthogonal_(_w(3, 5), generator=g())
    np.testing.assert_allclose(t.data @ t.data.T, np.eye(3), atol=1e-12)
    assert init.constant_(_w(2, 2), 3.0).tolist() == [[3.0, 3.0], [3.0, 3.0]]
    assert init.ones_(_w(2)).tolist() == [1.0, 1.0]
    assert init.zeros_(init.ones_(_w(2))).tolist() == [0.0, 0.0]
    assert init.eye_(_w(2, 2)).tolist() == [[1.0, 0.0], [0.0, 1.0]]


def test_gains_and_errors():
    assert init.calculate_gain("relu") == pytest.approx(math.sqrt(2))
    assert init.calculate_gain("leaky_relu", 0.2) == pytest.approx(math.sqrt(2 / 1.04))
    assert init.calculate_gain("sigmoid") == 1.0
    with pytest.raises(ValueError, match="unsupported nonlinearity"):
        init.calculate_gain("swishy")
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        init.xavier_uniform_(_w(3))


def test_same_seed_same_weights():
    a = nn.Linear(5, 3, generator=ac.Generator(7))
    b = nn.Linear(5, 3, generator=ac.Generator(7))
    np.testing.assert_array_equal(a.weight.data, b.weight.data)


def test_linear_default_init_bound():
    layer = nn.Linear(400, 300, generator=ac.Generator(0))
    bound = 1 / math.sqrt(400)
    assert np.abs(layer.weight.data).max() <= bound
    assert layer.weight.data.var() == pytest.approx(bound**2 / 3, rel=0.03)
