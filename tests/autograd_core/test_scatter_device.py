"""Scatters, counts and searches on each device (the strict CuPy stand-in with ``--fake-cuda``):
the same values and gradients as on the CPU. The stand-in offers only the ufunc methods CuPy
has (``add.at`` but no ``multiply.at``, no ``maximum.accumulate`` ...), so a GPU path that
reaches for a NumPy-only method fails here instead of on a user's GPU."""

from __future__ import annotations

import numpy as np
import pytest
from device_runs import host, outputs_and_grads  # tests/autograd_core/

import autograd_core as ac

X = np.array([[4.0, 1.0, 0.5, 2.0, 9.0], [0.5, 5.0, -6.0, 3.0, 8.0], [2.25, -1.0, 1.0, 3.5, 1.5]])
INDEX = np.array([[0, 2, 2, 1, 0], [1, 1, 1, 0, 2], [2, 0, 0, 0, 1]])  # repeats along dim 0
SRC = np.array(
    [[1.5, 2.0, -1.0, 0.5, 3.0], [2.0, -0.5, 4.0, 1.0, 0.25], [0.5, 3.0, 2.0, -2.0, 1.0]]
)


def _t(a, dev, grad=False):
    return ac.tensor(a, device=dev, requires_grad=grad)


CALLS = {
    "scatter multiply": lambda x, dev: ac.scatter(
        x.detach(), 0, _t(INDEX, dev), _t(SRC, dev), reduce="multiply"
    ),
    "scatter multiply, negative index": lambda x, dev: ac.scatter(
        x.detach(), 1, _t(INDEX - 3, dev), _t(SRC, dev), reduce="multiply"
    ),
    "scatter add": lambda x, dev: ac.scatter(x, 0, _t(INDEX, dev), _t(SRC, dev), reduce="add"),
    "scatter_add": lambda x, dev: ac.scatter_add(x, 1, _t(INDEX, dev), x),
    "index_add": lambda x, dev: ac.index_add(x, 0, _t(np.array([2, 0, 2]), dev), x),
    "index_copy": lambda x, dev: ac.index_copy(x, 0, _t(np.array([2, 0, 1]), dev), x * 2),
    "index_fill": lambda x, dev: ac.index_fill(x, 1, _t(np.array([0, 3]), dev), -1.0),
    "take": lambda x, dev: ac.take(x, _t(np.array([[0, 14], [7, 7]]), dev)),
    "bincount": lambda x, dev: ac.bincount(_t(INDEX.ravel(), dev), weights=x.detach().ravel()),
    "histc": lambda x, dev: ac.histc(x.detach(), bins=4, min=-6, max=9),
    "searchsorted": lambda x, dev: ac.searchsorted(_t(np.sort(X[0]), dev), x.detach()),
    "unique": lambda x, dev: ac.unique(_t(INDEX, dev), return_inverse=True, return_counts=True),
    "repeat_interleave": lambda x, dev: ac.repeat_interleave(x, _t(np.array([1, 0, 3]), dev), 0),
}
CALLS.update(
    {
        f"scatter_reduce {r}{'' if inc else ', exclude self'}": (
            lambda x, dev, r=r, inc=inc: ac.scatter_reduce(
                x, 0, _t(INDEX, dev), _t(SRC, dev, True), r, include_self=inc
            )
        )
        for r in ("sum", "prod", "mean", "amax", "amin")
        for inc in (True, False)
    }
)


def _run(call, device):
    return outputs_and_grads(call, X, device, lambda o: (o * o).sum(), allow_unused=True)


@pytest.mark.parametrize("name", list(CALLS))
def test_same_results_on_every_device(name, device):
    got, want = _run(CALLS[name], device), _run(CALLS[name], "cpu")
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert g.dtype == w.dtype
        np.testing.assert_allclose(g, w, rtol=1e-12)


def test_scatter_multiply_multiplies_every_repeat():
    """A position named k times is multiplied k times (unbuffered), checked by a Python loop."""
    out = ac.scatter(ac.tensor(X), 0, ac.tensor(INDEX), ac.tensor(SRC), reduce="multiply")
    want = X.copy()
    for i in range(3):
        for j in range(5):
            want[INDEX[i, j], j] *= SRC[i, j]
    np.testing.assert_allclose(out.numpy(), want, rtol=1e-15)


@pytest.mark.parametrize("dtype", ["bool", "int8", "uint8", "int16", "int32", "float16"])
def test_adding_scatters_of_every_dtype_on_every_device(dtype, device):
    """CuPy's add.at has no bool, 8- or 16-bit integer form: those accumulate wider and come
    back in their dtype, wrapping as the narrow type's addition does on the CPU."""
    base = (np.arange(15).reshape(3, 5) * 37).astype(dtype)
    src = (np.arange(15).reshape(3, 5) * 91 + 1).astype(dtype)
    index = np.array([[0, 2, 2, 1, 0], [1, 1, 1, 0, 2], [2, 0, 0, 0, 1]])

    def run(dev):
        x, s, i = (
            ac.tensor(base, device=dev),
            ac.tensor(src, device=dev),
            ac.tensor(index, device=dev),
        )
        return [
            ac.scatter_add(x, 0, i, s),
            ac.index_add(x, 0, ac.tensor(np.array([2, 0, 2]), device=dev), s),
            x[ac.tensor(np.array([0, 0, 2]), device=dev)],
        ]

    for got, want in zip(run(device), run("cpu"), strict=True):
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(host(got), host(want))
    want = base.copy()
    np.add.at(want, (index, np.arange(5)), src)  # the CPU itself against NumPy
    np.testing.assert_array_equal(host(run("cpu")[0]), want)
