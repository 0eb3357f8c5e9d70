"""nn.init.trunc_normal_ (moments and bin frequencies against the truncated normal's closed
forms, fixed seeds) and nn.utils.parameters_to_vector / vector_to_parameters (against torch)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd_core as ac
import nn
from autograd_core.errors import ShapeError
from nn import init


def _pdf(z):
    return math.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)


def _cdf(z):
    return 0.5 * math.erfc(-z / math.sqrt(2))


def _moments(mean, std, a, b):
    """Mean and variance of N(mean, std²) truncated to [a, b] (closed form)."""
    al, be = (a - mean) / std, (b - mean) / std
    z = _cdf(be) - _cdf(al)
    shift = (_pdf(al) - _pdf(be)) / z
    var = 1 + (al * _pdf(al) - be * _pdf(be)) / z - shift**2
    return mean + std * shift, std * std * var


# (mean, std, a, b): the first three take the rejection path, the last two the inverse CDF
TRUNCATIONS = [(0.0, 1.0, -2.0, 2.0), (0.0, 0.02, -0.04, 0.04), (1.0, 2.0, 0.0, 10.0)]
TRUNCATIONS += [(0.0, 1.0, 3.0, 4.0), (5.0, 1.0, -1.0, 0.5)]


@pytest.mark.parametrize(("mean", "std", "a", "b"), TRUNCATIONS)
def test_trunc_normal_matches_the_truncated_normal(mean, std, a, b):
    n = 100_000
    w = init.trunc_normal_(ac.empty(n, dtype=ac.float64), mean, std, a, b, ac.Generator(0))
    x = w.numpy()
    assert x.min() >= a and x.max() <= b
    mu, var = _moments(mean, std, a, b)
    assert abs(x.mean() - mu) < 5 * math.sqrt(var / n)
    assert abs(x.var() / var - 1) < 0.03
    # chi-square over 10 equal-width bins of [a, b] (99.9% quantile, 9 degrees of freedom)
    edges = np.linspace(a, b, 11)
    z = _cdf((b - mean) / std) - _cdf((a - mean) / std)
    probs = np.array(
        [
            (_cdf((hi - mean) / std) - _cdf((lo - mean) / std)) / z
            for lo, hi in zip(edges, edges[1:])
        ]
    )
    counts = np.histogram(x, edges)[0]
    keep = probs * n > 5
    assert (((counts - n * probs) ** 2 / (n * probs))[keep]).sum() < 27.88


def test_trunc_normal_has_torchs_moments(torch):
    n = 100_000
    torch.manual_seed(0)
    theirs = torch.nn.init.trunc_normal_(torch.empty(n, dtype=torch.float64), 0.5, 1.0, -1.0, 1.5)
    ours = init.trunc_normal_(ac.empty(n, dtype=ac.float64), 0.5, 1.0, -1.0, 1.5, ac.Generator(0))
    _, var = _moments(0.5, 1.0, -1.0, 1.5)
    assert abs(ours.numpy().mean() - theirs.numpy().mean()) < 7 * math.sqrt(2 * var / n)
    assert abs(ours.numpy().var() / theirs.numpy().var() - 1) < 0.03
    assert ours.numpy().min() >= -1.0 and ours.numpy().max() <= 1.5


def test_trunc_normal_fills_in_place_reproducibly_and_keeps_the_dtype():
    w = nn.Parameter(ac.zeros(30, 20))
    out = init.trunc_normal_(w, std=0.1, generator=ac.Generator(3))
    assert out is w and w.dtype == ac.float32 and w.requires_grad
    again = init.trunc_normal_(ac.zeros(30, 20), std=0.1, generator=ac.Generator(3))
    np.testing.assert_array_equal(w.numpy(), again.numpy())
    ac.manual_seed(9)
    a = init.trunc_normal_(ac.empty(10)).tolist()
    ac.manual_seed(9)
    assert init.trunc_normal_(ac.empty(10)).tolist() == a
    assert init.trunc_normal_(ac.empty(0, 3)).shape == (0, 3)


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"std": 0.0}, "std must be > 0"),
        ({"std": -1.0}, "std must be > 0"),
        ({"a": 1.0, "b": 1.0}, "a < b"),
        ({"a": 2.0, "b": -2.0}, "a < b"),
        ({"mean": 100.0, "a": -1.0, "b": 1.0}, "underflows"),
    ],
)
def test_trunc_normal_errors(kw, match):
    with pytest.raises(ValueError, match=match):
        init.trunc_normal_(ac.empty(3), **kw)


# -- parameters_to_vector, vector_to_parameters ------------------------------------------------


def _params(rng, torch=None):
    arrays = [rng.standard_normal(s) for s in [(3, 2), (2,), (), (0, 4), (2, 1, 2)]]
    ours = [nn.Parameter(ac.tensor(a)) for a in arrays]
    theirs = None if torch is None else [torch.nn.Parameter(torch.tensor(a)) for a in arrays]
    return arrays, ours, theirs


def test_parameters_to_vector_matches_torch_and_is_differentiable(torch, rng):
    arrays, ours, theirs = _params(rng, torch)
    vec = nn.utils.parameters_to_vector(ours)
    tvec = torch.nn.utils.parameters_to_vector(theirs)
    assert vec.shape == tuple(tvec.shape) and vec.dtype == ac.float64
    np.testing.assert_array_equal(vec.numpy(), tvec.detach().numpy())
    np.testing.assert_array_equal(vec.numpy(), np.concatenate([a.ravel() for a in arrays]))
    g = rng.standard_normal(vec.shape)
    grads = ac.grad(vec, ours, ac.tensor(g))
    tgrads = torch.autograd.grad(tvec, theirs, torch.tensor(g))
    for a, b in zip(grads, tgrads, strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_parameters_to_vector_of_a_module_round_trips(rng):
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    vec = nn.utils.parameters_to_vector(model.parameters())
    assert vec.shape == (sum(p.numel() for p in model.parameters()),)
    new = ac.tensor(rng.standard_normal(vec.shape).astype(np.float32))
    nn.utils.vector_to_parameters(new, model.parameters())
    np.testing.assert_array_equal(
        nn.utils.parameters_to_vector(model.parameters()).numpy(), new.numpy()
    )
    assert all(p.requires_grad for p in model.parameters())


def test_vector_to_parameters_matches_torch_and_shares_memory(torch, rng):
    _, ours, theirs = _params(rng, torch)
    values = rng.standard_normal(sum(p.numel() for p in ours))
    vec, tvec = ac.tensor(values), torch.tensor(values)
    assert nn.utils.vector_to_parameters(vec, ours) is None
    torch.nn.utils.vector_to_parameters(tvec, theirs)
    for p, tp in zip(ours, theirs, strict=True):
        assert p.shape == tuple(tp.shape)
        np.testing.assert_array_equal(p.numpy(), tp.detach().numpy())
    vec.data[0] = 123.0  # as in PyTorch, the parameters are views of vec
    tvec[0] = 123.0
    assert float(ours[0].data[0, 0]) == float(theirs[0].detach()[0, 0]) == 123.0


def test_vector_to_parameters_takes_the_vectors_dtype_like_torch(torch):
    p, tp = nn.Parameter(ac.zeros(2)), torch.nn.Parameter(torch.zeros(2))
    nn.utils.vector_to_parameters(ac.tensor([1.0, 2.0], dtype=ac.float64), [p])
    torch.nn.utils.vector_to_parameters(torch.tensor([1.0, 2.0], dtype=torch.float64), [tp])
    assert p.dtype == ac.float64 and tp.dtype == torch.float64


def test_vector_to_parameters_errors():
    params = [nn.Parameter(ac.zeros(2, 2))]
    with pytest.raises(TypeError, match="vec must be a Tensor"):
        nn.utils.vector_to_parameters(np.zeros(4), params)
    with pytest.raises(ShapeError, match="length 4"):
        nn.utils.vector_to_parameters(ac.zeros(5), params)
    with pytest.raises(ShapeError, match="1-D vec"):
        nn.utils.vector_to_parameters(ac.zeros(2, 2), params)
