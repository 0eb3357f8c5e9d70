"""Keyword calls with torch's parameter names: the pooling functions' first parameter is
``input`` (``F.avg_pool2d(input=x, kernel_size=2)``), and so is ``F.one_hot``'s (torch's
binding's name; its docstring says ``tensor``); each keyword call gives torch's result."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
import nn.functional as F

# name -> keyword arguments after input (torch's names), for a (1, 2, 4, 4, 4)[..n axes] input
POOLS = {
    "avg_pool{n}d": {"kernel_size": 2, "stride": 1, "padding": 1, "count_include_pad": False},
    "lp_pool{n}d": {"norm_type": 2.0, "kernel_size": 2},
    "adaptive_avg_pool{n}d": {"output_size": 3},
    "adaptive_max_pool{n}d": {"output_size": 3},
    "max_pool{n}d": {"kernel_size": 2, "ceil_mode": True},
}


def _x(rng, n):
    return rng.standard_normal((1, 2) + (4,) * n)


@pytest.mark.parametrize("n", [1, 2, 3])
@pytest.mark.parametrize("pattern", sorted(POOLS))
def test_pooling_takes_input_by_keyword_as_torch(pattern, n, torch, rng):
    name, kwargs = pattern.format(n=n), POOLS[pattern]
    x = _x(rng, n)
    got = getattr(F, name)(input=ac.tensor(x), **kwargs)
    want = getattr(torch.nn.functional, name)(input=torch.tensor(x), **kwargs)
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-12)


@pytest.mark.parametrize("n", [1, 2, 3])
def test_max_unpool_takes_input_by_keyword_as_torch(n, torch, rng):
    x = _x(rng, n)
    TF = torch.nn.functional
    y, idx = getattr(TF, f"max_pool{n}d")(torch.tensor(x), 2, return_indices=True)
    got = getattr(F, f"max_unpool{n}d")(
        input=ac.tensor(y.numpy()), indices=ac.tensor(idx.numpy()), kernel_size=2
    )
    want = getattr(TF, f"max_unpool{n}d")(input=y, indices=idx, kernel_size=2)
    np.testing.assert_array_equal(got.numpy(), want.numpy())


def test_one_hot_takes_input_by_keyword_as_torchs_binding(torch):
    """torch's docstring says ``one_hot(tensor, num_classes=-1)``, but its binding's first
    parameter is ``input``: ``tensor=`` is a TypeError there. Ours follows the binding; if torch
    starts taking ``tensor=``, the first check fails and ours should take it too."""
    idx = np.array([[0, 3], [2, 1]])
    TF = torch.nn.functional
    with pytest.raises(TypeError, match="input"):
        TF.one_hot(tensor=torch.tensor(idx), num_classes=5)
    got = F.one_hot(input=ac.tensor(idx), num_classes=5)
    want = TF.one_hot(input=torch.tensor(idx), num_classes=5)
    np.testing.assert_array_equal(got.numpy(), want.numpy())
    assert got.dtype == np.int64
    np.testing.assert_array_equal(
        F.one_hot(input=ac.tensor(idx)).numpy(), TF.one_hot(input=torch.tensor(idx)).numpy()
    )
