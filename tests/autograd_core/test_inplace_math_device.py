"""In-place math methods and index_reduce on each device (the strict CuPy stand-in with
``--fake-cuda``): the same values and gradients as on the CPU, written through a recorded
non-leaf (``a = x * 1; a.<method>(...)``)."""

from __future__ import annotations

import numpy as np
import pytest
from device_runs import outputs_and_grads  # tests/autograd_core/

import autograd_core as ac

X = np.array([[4.0, 1.0, 0.5], [0.5, 5.0, -6.0], [2.25, -1.0, 1.0], [3.0, 2.0, -0.5]])
SRC = np.array([[1.5, 2.0, -1.0], [2.0, -0.5, 4.0], [0.5, 3.0, 2.0]])


def _t(a, dev, grad=False):
    return ac.tensor(a, device=dev, requires_grad=grad)


def _idx(values, dev):
    return ac.tensor(np.array(values), device=dev)


CALLS = {
    "sqrt_": lambda x, dev: (x * 1).abs_().sqrt_(),
    "eq_": lambda x, dev: (x * 1).eq_(_t(X[0], dev)),
    "logical_not_": lambda x, dev: (x * 1).logical_not_(),
    "floor_divide_": lambda x, dev: (x * 1).floor_divide_(0.75),
    "addcmul_": lambda x, dev: (x * 1).addcmul_(x, _t(X, dev), value=0.5),
    "cumsum_": lambda x, dev: (x * 1).cumsum_(0),
    "cumprod_": lambda x, dev: (x * 1).cumprod_(1),
    "tril_": lambda x, dev: (x * 1).tril_(-1),
    "fill_diagonal_": lambda x, dev: (x * 1).fill_diagonal_(9.0, wrap=True),
    "index_fill_": lambda x, dev: (x * 1).index_fill_(1, _idx([0, 2], dev), -1.0),
    "masked_scatter_": lambda x, dev: (x * 1).masked_scatter_(_t(X > 1, dev), x * 3),
    "scatter_add_": lambda x, dev: (x * 1).scatter_add_(0, _idx([[3, 0, 3]], dev), x[:1]),
}
CALLS.update(
    {
        f"index_reduce {r}{'' if inc else ', exclude self'}": (
            lambda x, dev, r=r, inc=inc: ac.index_reduce(
                x, 0, _idx([3, 0, 3], dev), _t(SRC, dev, True), r, include_self=inc
            )
        )
        for r in ("prod", "mean", "amax", "amin")
        for inc in (True, False)
    }
)


@pytest.mark.parametrize("name", list(CALLS))
def test_same_results_on_every_device(name, device):
    def run(dev):
        return outputs_and_grads(CALLS[name], X, dev, lambda o: (o * o).sum())

    got, want = run(device), run("cpu")
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert g.dtype == w.dtype
        np.testing.assert_allclose(g, w, rtol=1e-12)
