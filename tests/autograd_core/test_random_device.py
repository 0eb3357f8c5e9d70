"""The random creators on each device (the strict CuPy stand-in with ``--fake-cuda``): the
samples live on the requested device, with PyTorch's shapes and dtypes, and their sample
moments match the distribution's (a seeded draw of 20,000; the bounds are 6 standard errors,
so a correct sampler fails them about once in 10⁹ runs)."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
from autograd_core.device import to_device

N = 20_000


def _host(t):
    return np.asarray(to_device(t.data, "cpu"))


# name -> (draw on a device, expected mean, expected variance, dtype)
DRAWS = {
    "rand": (lambda dev: ac.rand(N, device=dev), 0.5, 1 / 12, "float32"),
    "randn": (lambda dev: ac.randn(N, dtype=ac.float64, device=dev), 0.0, 1.0, "float64"),
    "normal": (lambda dev: ac.normal(ac.full((N,), 2.0, device=dev), 3.0), 2.0, 9.0, "float32"),
    "poisson": (lambda dev: ac.poisson(ac.full((N,), 4.0, device=dev)), 4.0, 4.0, "float32"),
    "binomial": (
        lambda dev: ac.binomial(ac.full((N,), 8.0, device=dev), ac.full((N,), 0.25, device=dev)),
        2.0,
        1.5,
        "float32",
    ),
    "bernoulli": (lambda dev: ac.bernoulli(ac.full((N,), 0.3, device=dev)), 0.3, 0.21, "float32"),
    "randint": (lambda dev: ac.randint(0, 10, (N,), device=dev), 4.5, 8.25, "int64"),
    "randint_like": (
        lambda dev: ac.randint_like(ac.zeros(N, device=dev), 3, 7),
        4.5,
        1.25,
        "float32",
    ),
    "multinomial": (
        lambda dev: ac.multinomial(ac.tensor([1.0, 0.0, 3.0], device=dev), N, replacement=True),
        1.5,
        0.75,
        "int64",
    ),
}


@pytest.mark.parametrize("name", list(DRAWS))
def test_samples_live_on_the_device_with_the_distributions_moments(name, device):
    draw, mean, var, dtype = DRAWS[name]
    ac.manual_seed(0)
    t = draw(device)
    assert t.device == ac.device(device)
    assert str(t.dtype) == dtype and t.shape == (N,)
    x = _host(t).astype(np.float64)
    assert abs(x.mean() - mean) < 6 * np.sqrt(var / N)
    assert abs(x.var() - var) < 0.07 * var  # ≥ 6 standard errors of the variance for all here


def test_randperm_is_a_permutation_on_the_device(device):
    ac.manual_seed(0)
    p = ac.randperm(1000, device=device)
    assert p.device == ac.device(device) and str(p.dtype) == "int64"
    assert sorted(_host(p).tolist()) == list(range(1000))


def test_multinomial_without_replacement_draws_distinct_categories(device):
    ac.manual_seed(0)
    w = ac.tensor([[1.0, 2.0, 0.0, 4.0], [0.0, 1.0, 1.0, 1.0]], device=device)
    s = _host(ac.multinomial(w, 3))
    for row, weights in zip(s, ([1, 2, 0, 4], [0, 1, 1, 1]), strict=True):
        assert len(set(row.tolist())) == 3
        assert all(weights[k] > 0 for k in row)
