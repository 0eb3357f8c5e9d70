"""Fixtures shared by the weight-norm and spectral-norm tests (test_parametrizations.py and
test_legacy_norms.py): the layers compared with torch, a pair of them with the same float64
weights, and the comparisons."""

from __future__ import annotations

import numpy as np

import nn

TOL = {"rtol": 1e-10, "atol": 1e-12}

LAYERS = {
    "linear": (lambda mod: mod.Linear(3, 4), (5, 3)),
    "conv2d": (lambda mod: mod.Conv2d(2, 3, 3), (2, 2, 5, 5)),
    "convT2d": (lambda mod: mod.ConvTranspose2d(2, 3, 3), (2, 2, 4, 4)),
}


def layer_pair(torch, kind):
    """(torch module, our module) of the same layer in float64 with the same weights, and the
    input shape to feed them."""
    make, in_shape = LAYERS[kind]
    torch.manual_seed(0)
    tm = make(torch.nn).double()
    m = make(nn).double()
    m.load_state_dict(state_arrays(tm.state_dict()))
    return tm, m, in_shape


def state_arrays(state):
    """A torch state_dict as NumPy arrays (copies)."""
    return {k: v.detach().numpy().copy() for k, v in state.items()}


def assert_close(ours, theirs):
    np.testing.assert_allclose(np.asarray(ours.data), theirs.detach().numpy(), **TOL)
