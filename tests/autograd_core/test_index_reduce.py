"""index_reduce (a scatter_reduce composite, ops/index_reductions.py) against torch: values and
gradients with ties and zeros, integer inputs, the errors, a NumPy reference without torch, and
first- and second-order gradchecks away from ties."""

from __future__ import annotations

from functools import partial

import numpy as np
import pytest
from torch_compare import compare_with_torch, gradchecks  # tests/autograd_core/

import autograd_core as ac

pytestmark = pytest.mark.filterwarnings("ignore:index_reduce.. is in beta:UserWarning")

REDUCTIONS = ["prod", "mean", "amax", "amin"]


def index_reduce_fn(reduce, include_self, dim, index):
    """``fn(m, x, src)``: the same index_reduce call on autograd_core and on torch."""

    def fn(m, x, src):
        return m.index_reduce(x, dim, m.tensor(index), src, reduce, include_self=include_self)

    return fn


@pytest.mark.parametrize("reduce", REDUCTIONS)
@pytest.mark.parametrize("include_self", [True, False])
def test_ties_and_zeros_match_torch(reduce, include_self, torch, rng):
    # rows 0 and 3 tie among themselves and with x; prod meets one and two zeros
    x = np.array([[1.0, 0.0], [2.0, 3.0], [0.0, 1.0], [5.0, 2.0]])
    src = np.array([[2.0, 0.0], [2.0, 4.0], [1.0, 1.0], [0.0, 3.0], [5.0, 2.0], [3.0, 0.0]])
    index = [0, 0, 1, 2, 3, 3]
    if not include_self and reduce in ("amax", "amin"):
        x = x + 100.0  # torch counts x among the ties even without include_self: see below
    compare_with_torch(torch, index_reduce_fn(reduce, include_self, 0, index), x, src, rng=rng)


@pytest.mark.parametrize("reduce", REDUCTIONS)
@pytest.mark.parametrize("include_self", [True, False])
def test_along_a_later_dim_matches_torch_and_gradchecks(reduce, include_self, torch, rng):
    x, src = rng.standard_normal((2, 4, 3)), rng.standard_normal((2, 5, 3))
    index = [3, 0, 3, 1, 3]  # position 2 is never hit: it keeps x
    fn = index_reduce_fn(reduce, include_self, 1, index)
    compare_with_torch(torch, fn, x, src, rng=rng)
    gradchecks(partial(fn, ac), x, src)


@pytest.mark.parametrize("reduce", REDUCTIONS)
@pytest.mark.parametrize("include_self", [True, False])
def test_integers_match_torch(reduce, include_self, torch, rng):
    x, src = rng.integers(-9, 9, (3, 4)), rng.integers(-9, 9, (3, 5))
    fn = index_reduce_fn(reduce, include_self, 1, [2, 0, 2, 2, 3])
    compare_with_torch(torch, fn, x, src, grad=False)  # (mean divides with floor)


def test_matches_a_numpy_reference(rng):
    x, src = rng.standard_normal((4, 3)), rng.standard_normal((6, 3))
    index = np.array([1, 3, 1, 1, 0, 3])
    for reduce, ufunc in [("prod", np.multiply), ("amax", np.maximum), ("amin", np.minimum)]:
        want = x.copy()
        ufunc.at(want, index, src)
        got = ac.tensor(x).index_reduce(0, ac.tensor(index), ac.tensor(src), reduce)
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-12)
    got = ac.tensor(x).index_reduce(0, ac.tensor(index), ac.tensor(src), "mean")
    for k in range(4):
        want = (x[k] + src[index == k].sum(0)) / (1 + (index == k).sum())
        np.testing.assert_allclose(got.numpy()[k], want, rtol=1e-12)


@pytest.mark.parametrize("reduce", ["amax", "amin"])
def test_without_self_a_lone_source_entry_equal_to_self_gets_the_whole_gradient(reduce):
    # deliberate difference (as scatter_reduce's): without include_self the result at a hit
    # row is a function of source alone, so its derivative there is 1; torch 2.13 counts x's
    # equal entry among the ties and returns 1/2
    x = ac.tensor([[3.0], [0.0]], dtype=ac.float64)
    src = ac.tensor([[3.0], [1.0]], dtype=ac.float64, requires_grad=True)
    x.index_reduce(0, ac.tensor([0, 1]), src, reduce, include_self=False).sum().backward()
    assert src.grad.tolist() == [[1.0], [1.0]]


@pytest.mark.parametrize(
    ("x_shape", "index", "src_shape", "reduce", "kwargs", "error", "match"),
    [
        ((3,), [0], (1,), "sum", {}, ValueError, "reduce must be one of"),
        ((2, 3), [[0, 0]], (2, 2), "amax", {}, ac.ShapeError, "index must be 1-D"),
        ((2, 3), [0, 0], (3, 2), "amax", {}, ac.ShapeError, "source has shape"),
        ((2, 3), [0, 5], (2, 2), "amax", {}, ac.IndexingError, "outside"),
        ((2, 3), [0, -1], (2, 2), "amax", {}, ac.IndexingError, "negative"),
        ((3,), [0], (1,), "prod", {"src_dtype": "float64"}, ac.DTypeError, "dtype"),
        ((3,), [0.0], (1,), "prod", {}, ac.DTypeError, "integers"),
        ((), [0, 0], (2,), "prod", {}, ac.ShapeError, "0-d"),
    ],
)
def test_errors_where_torch_errors(torch, x_shape, index, src_shape, reduce, kwargs, error, match):
    src_dtype = kwargs.get("src_dtype", "float32")
    for lib, err in ((torch, (RuntimeError, IndexError)), (ac, error)):
        x, src = lib.zeros(x_shape), lib.ones(src_shape, dtype=getattr(lib, src_dtype))
        with pytest.raises(err, match=None if lib is torch else match):
            x.index_reduce(0 if len(x_shape) < 2 else 1, lib.tensor(index), src, reduce)


def test_the_in_place_form_writes_x_and_passes_gradients_as_torch(torch):
    results = []
    for lib in (torch, ac):
        x = lib.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], requires_grad=True)
        src = lib.tensor([[2.0, 2.0], [7.0, 0.0], [2.0, 9.0]], requires_grad=True)
        a = x * 1
        assert a.index_reduce_(0, lib.tensor([0, 2, 0]), src, "amax") is a
        (a * lib.tensor([[1.0, 10.0], [100.0, 1000.0], [1.0, 1.0]])).sum().backward()
        results.append([t.detach().numpy() for t in (a, x.grad, src.grad)])
    for got, want in zip(results[1], results[0]):
        np.testing.assert_allclose(got, want, rtol=1e-6)
