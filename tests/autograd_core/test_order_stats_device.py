"""Every function of this family on each device (the CuPy stand-in with ``--fake-cuda``): the
same values, indices and gradients as on the CPU, with no implicit host conversion."""

from __future__ import annotations

import numpy as np
import pytest
from device_runs import outputs_and_grads  # tests/autograd_core/

import autograd_core as ac

X = np.array(
    [[4.0, 1.0, 0.0, 2.0, 9.0], [0.5, 5.0, -6.0, np.nan, 8.0], [2.25, -1.0, 0.0, 3.5, 1.5]]
)
CALLS = {
    "cumprod": lambda x, dev: ac.cumprod(x, 1),
    "logcumsumexp": lambda x, dev: ac.logcumsumexp(x, 0),
    "cummax": lambda x, dev: ac.cummax(x, 1),
    "cummin": lambda x, dev: ac.cummin(x, 0),
    "median": lambda x, dev: ac.median(x, 1),
    "median()": lambda x, dev: ac.median(x[0]),
    "nanmedian": lambda x, dev: ac.nanmedian(x, 1, True),
    "kthvalue": lambda x, dev: ac.kthvalue(x, 2, 0),
    "mode": lambda x, dev: ac.mode(x),
    "msort": lambda x, dev: ac.msort(x),
    "aminmax": lambda x, dev: ac.aminmax(x[0], dim=0),
    "count_nonzero": lambda x, dev: ac.count_nonzero(x, 0),
    "quantile": lambda x, dev: ac.quantile(
        x[::2], ac.tensor([0.2, 0.9], dtype=ac.float64, device=dev), 1
    ),
    "nanquantile": lambda x, dev: ac.nanquantile(x, 0.5, 1, interpolation="nearest"),
    "diff": lambda x, dev: ac.diff(x, 2, 0),
    "trapezoid": lambda x, dev: ac.trapezoid(x, dx=0.5),
    "cumulative_trapezoid": lambda x, dev: ac.cumulative_trapezoid(x, dim=0),
    "cov": lambda x, dev: ac.cov(x[::2], aweights=ac.tensor(np.linspace(0.5, 1.0, 5), device=dev)),
    "corrcoef": lambda x, dev: ac.corrcoef(x[::2]),
}


def _run(call, device):
    return outputs_and_grads(call, X, device, lambda o: o.nansum())


@pytest.mark.parametrize("name", list(CALLS))
def test_same_results_on_every_device(name, device):
    for got, want in zip(_run(CALLS[name], device), _run(CALLS[name], "cpu"), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-12)
