"""scatter_reduce beyond the shared parity table of test_index_utils.py: ties and zeros
against torch, the include_self=False tie rule where this engine and torch differ, integer
inputs, and NumPy references (``ufunc.at``) without torch."""

from __future__ import annotations

from functools import partial

import numpy as np
import pytest
from scatter_calls import scatter_reduce_fn  # tests/autograd_core/
from torch_compare import compare_with_torch, gradchecks  # tests/autograd_core/

import autograd_core as ac


@pytest.mark.parametrize("reduce", ["amax", "amin", "prod", "mean", "sum"])
@pytest.mark.parametrize("include_self", [True, False])
def test_scatter_reduce_ties_and_zeros_match_torch(reduce, include_self, torch, rng):
    # ties between self and src and among src entries split the amax/amin gradient; zeros
    # (one and two in a group) take prod's exact branch
    x = np.array([1.0, 2.0, 0.0, 5.0])
    src = np.array([2.0, 2.0, 1.0, 0.0, 0.0, 5.0, 3.0])
    index = [0, 0, 1, 2, 1, 3, 3]
    fn = scatter_reduce_fn(reduce, include_self, 0, index)
    if not include_self and reduce in ("amax", "amin"):
        x = x + 100.0  # torch's tie count includes self even then: see the test below
    compare_with_torch(torch, fn, x, src, rng=rng)
    if reduce == "prod":
        return  # (x, src) at zeros: prod's second derivative is exact, but not at ties
    gradchecks(partial(fn, ac), x + rng.standard_normal(4) * 1e-3, src + np.arange(7) * 1e-3)


@pytest.mark.parametrize("reduce", ["amax", "amin"])
def test_scatter_reduce_without_self_ignores_self_in_ties(reduce):
    # Without include_self the result at a hit position is a function of src alone, so a lone
    # src entry there has derivative 1 even when it equals self. torch 2.13 counts self among
    # the ties anyway and returns 1/2 (its gradients then sum to less than the upstream one);
    # this engine returns the derivative, which gradcheck confirms.
    x = ac.tensor([3.0, 0.0], dtype=ac.float64)
    src = ac.tensor([3.0, 1.0], dtype=ac.float64, requires_grad=True)
    out = x.scatter_reduce(0, ac.tensor([0, 1]), src, reduce, include_self=False)
    out.sum().backward()
    assert src.grad.tolist() == [1.0, 1.0]


@pytest.mark.parametrize("reduce", ["sum", "prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
def test_scatter_reduce_integers_match_torch(reduce, include_self, torch, rng):
    x, src = rng.integers(-9, 9, (3, 4)), rng.integers(-9, 9, (5, 4))
    index = rng.integers(0, 3, (5, 4))
    fn = scatter_reduce_fn(reduce, include_self, 0, index)
    compare_with_torch(torch, fn, x, src, grad=False)


@pytest.mark.parametrize(
    ("reduce", "ufunc"),
    [("sum", np.add), ("prod", np.multiply), ("amax", np.maximum), ("amin", np.minimum)],
)
def test_scatter_reduce_matches_numpy_ufunc_at(reduce, ufunc, rng):
    x, src = rng.standard_normal((4, 3)), rng.standard_normal((6, 3))
    index = rng.integers(0, 4, (6, 3))
    want = x.copy()
    ufunc.at(want, (index, np.arange(3)[None, :]), src)
    got = ac.tensor(x).scatter_reduce(0, ac.tensor(index), ac.tensor(src), reduce)
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-12)


def test_scatter_reduce_mean_matches_numpy(rng):
    x, src = rng.standard_normal(4), rng.standard_normal(9)
    index = rng.integers(0, 3, 9)
    got = ac.tensor(x).scatter_reduce(0, ac.tensor(index), ac.tensor(src), "mean").numpy()
    want = x.copy()
    for k in range(3):
        want[k] = (x[k] + src[index == k].sum()) / (1 + (index == k).sum())
    np.testing.assert_allclose(got, want, rtol=1e-12)


@pytest.mark.parametrize(
    "fn",
    [
        lambda x: x.scatter_reduce(0, ac.tensor([[0, 1, 0], [1, 1, 1]]), x * 2, "amax"),
        lambda x: x.scatter_reduce(
            1, ac.tensor([[2, 2], [0, 2]]), x[:, :2], "prod", include_self=False
        ),  # noqa: E501
        lambda x: x.scatter_reduce(0, ac.tensor([[1, 1, 0]]), x[:1], "mean"),
        lambda x: x.take(ac.tensor([[0, -1]])),
        lambda x: x.masked_scatter(x > 0, x.flip(0)),
        lambda x: x.index_copy(1, ac.tensor([2, 0]), x[:, :2] * 3),
        lambda x: x.slice_scatter(x[:, 1:] * 2, 1, 1),
        lambda x: x.repeat_interleave(ac.tensor([2, 0, 1]), dim=1),
        lambda x: ac.vander(x[0], 3),
        lambda x: ac.combinations(x[1], 2),
    ],
)
def test_composites_run_on_the_device_and_match_the_cpu(fn, device, rng):
    x = rng.standard_normal((2, 3))
    cpu = ac.tensor(x, requires_grad=True)
    dev = ac.tensor(x, requires_grad=True, device=device)
    y_cpu, y_dev = fn(cpu), fn(dev)
    assert y_dev.device == dev.device
    np.testing.assert_allclose(y_dev.cpu().numpy(), y_cpu.numpy(), rtol=1e-12)
    y_cpu.sum().backward()
    y_dev.sum().backward()
    np.testing.assert_allclose(dev.grad.cpu().numpy(), cpu.grad.numpy(), rtol=1e-12)
