"""Differential fuzz tests of the indexing functions against PyTorch (float64): index_select,
index_add, index_copy, index_fill, gather, scatter, scatter_add, scatter_reduce (every reduce,
with and without include_self), take, take_along_dim, masked_select, masked_fill,
masked_scatter, where, nonzero/argwhere, index_put (accumulate or not) and put, each with its
in-place form where PyTorch has one. Values, shapes and dtypes exactly torch's, gradients of
every float input under a random upstream gradient within 1e-12.

Where PyTorch leaves the result unspecified (a repeated target in scatter, index_copy,
index_put and put without accumulate) the draws use distinct targets. Indices are drawn
non-negative where PyTorch refuses negative ones (gather, scatter, index_copy); ours accepts
them (documented in those functions).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd_core as ac

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "nn"))
from fuzz_compare import fuzz_settings, slow_settings  # noqa: E402  # tests/nn/

torch = pytest.importorskip("torch")

TOL = 1e-12
REDUCES = ["sum", "prod", "mean", "amax", "amin"]


def _np(t):
    return t.detach().numpy() if isinstance(t, torch.Tensor) else t.numpy()


def run_both(fn, floats, ints=(), seed=0):
    """fn(lib, *float_leaves, *int_tensors) in both libraries; compares every output (a tuple
    is compared entry by entry) and the gradients of the float leaves under a random ȳ."""
    results = []
    for lib in (ac, torch):
        leaves = [lib.tensor(a, requires_grad=True) for a in floats]
        consts = [lib.tensor(a) for a in ints]
        out = fn(lib, *leaves, *consts)
        outs = out if isinstance(out, tuple) else (out,)
        y = outs[0]
        if y.dtype == lib.float64 and y.requires_grad:
            gy = np.random.default_rng(seed).standard_normal(tuple(y.shape))
            y.backward(lib.tensor(gy))
        grads = [None if t.grad is None else _np(t.grad) for t in leaves]
        results.append(([_np(o) for o in outs], grads))
    (got, got_g), (want, want_g) = results
    for g, w in zip(got, want, strict=True):
        assert g.shape == w.shape and g.dtype == w.dtype, (g.shape, w.shape, g.dtype, w.dtype)
        np.testing.assert_allclose(g, w, rtol=TOL, atol=TOL)
    for k, (g, w) in enumerate(zip(got_g, want_g)):
        if w is None:  # no path from this input (torch): ours has none or zeros
            assert g is None or not g.any(), k
            continue
        if g is None and w.size == 0:  # an empty input that nothing reads: torch's () zeros
            continue
        assert g is not None, f"input {k}: no gradient where torch has one"
        np.testing.assert_allclose(g, w, rtol=TOL, atol=TOL, err_msg=f"gradient of input {k}")


shapes = st.lists(st.integers(0, 4), min_size=1, max_size=3).map(tuple)


def normal(seed, shape):
    return np.random.default_rng(seed).standard_normal(shape)


def _along_dim_case(data):
    """index_select / index_add / index_copy / index_fill on a random shape and dim."""
    shape = data.draw(shapes, label="shape")
    dim = data.draw(st.integers(-len(shape), len(shape) - 1), label="dim")
    n = shape[dim]
    count = data.draw(st.integers(0, 5 if n else 0), label="count")
    idx = np.array([data.draw(st.integers(0, n - 1)) for _ in range(count)], np.int64)
    distinct = np.array(data.draw(st.permutations(range(n))), np.int64)[
        : data.draw(st.integers(0, n))
    ]
    src_shape = list(shape)
    src_shape[dim] = idx.size
    dst_shape = list(shape)
    dst_shape[dim] = distinct.size
    x = normal(0, shape)
    alpha = data.draw(st.sampled_from([1.0, -2.5]))
    run_both(lambda lib, x, i: lib.index_select(x, dim, i), [x], [idx])
    run_both(
        lambda lib, x, s, i: x.index_add(dim, i, s, alpha=alpha), [x, normal(1, src_shape)], [idx]
    )
    run_both(lambda lib, x, s, i: x.index_copy(dim, i, s), [x, normal(2, dst_shape)], [distinct])
    run_both(lambda lib, x, i: x.index_fill(dim, i, -7.0), [x], [idx])


def _index_for(data, x_shape, dim, distinct):
    """An index for gather/scatter: x's rank, no larger than x off ``dim``; ``distinct``: no
    two entries of one line along ``dim`` name the same target."""
    n = x_shape[dim]
    ishape = [data.draw(st.integers(0, s)) for s in x_shape]
    if distinct:
        ishape[dim] = min(ishape[dim], n)
    ishape = tuple(ishape)
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16)))
    if not n or not np.prod(ishape):
        return np.zeros(ishape, np.int64)
    if distinct:
        lines = np.moveaxis(np.zeros(ishape, np.int64), dim, -1)
        flat = lines.reshape(-1, ishape[dim])
        for row in flat:
            row[:] = rng.permutation(n)[: ishape[dim]]
        return np.ascontiguousarray(np.moveaxis(flat.reshape(lines.shape), -1, dim))
    return rng.integers(0, n, ishape)


def _scatter_case(data):
    shape = data.draw(shapes, label="shape")
    dim = data.draw(st.integers(-len(shape), len(shape) - 1), label="dim")
    x = normal(0, shape)
    d = dim % len(shape)
    idx = _index_for(data, shape, d, distinct=False)
    once = _index_for(data, shape, d, distinct=True)
    run_both(lambda lib, x, i: lib.gather(x, dim, i), [x], [idx])
    # src of index's shape: torch's scatter and scatter_add backward fail for a larger src
    # ("ScatterBackward0 returned an invalid gradient at index 1"), which both accept forward;
    # test_scatter_reads_the_leading_block pins ours
    run_both(lambda lib, x, s, i: x.scatter(dim, i, s), [x, normal(3, once.shape)], [once])
    run_both(lambda lib, x, i: x.scatter(dim, i, 2.5), [x], [once])
    run_both(lambda lib, x, s, i: x.scatter_add(dim, i, s), [x, normal(1, idx.shape)], [idx])
    reduce = data.draw(st.sampled_from(REDUCES), label="reduce")
    include = data.draw(st.booleans(), label="include_self")
    small = normal(2, idx.shape)  # torch's scatter_reduce wants src no smaller than index only
    run_both(
        lambda lib, x, s, i: x.scatter_reduce(dim, i, s, reduce, include_self=include),
        [x, small],
        [idx],
    )


def _take_mask_case(data):
    shape = data.draw(shapes, label="shape")
    x = normal(0, shape)
    size = x.size
    ishape = tuple(data.draw(st.lists(st.integers(0, 3), max_size=2)))
    take = (
        np.random.default_rng(3).integers(-size, size, ishape) if size else np.zeros((0,), np.int64)
    )
    run_both(lambda lib, x, i: lib.take(x, i), [x], [take])
    dim = data.draw(st.integers(-len(shape), len(shape) - 1), label="dim")
    d = dim % len(shape)
    n = shape[d]
    along_shape = [data.draw(st.sampled_from([1, s])) for s in shape]
    along_shape[d] = data.draw(st.integers(0, 3)) if n else 0
    along = np.random.default_rng(5).integers(0, max(n, 1), along_shape)
    run_both(lambda lib, x, i: lib.take_along_dim(x, i, dim), [x], [along])
    run_both(lambda lib, x, i: lib.take_along_dim(x, i), [x], [take.reshape(-1) % max(size, 1)])
    drop = data.draw(st.integers(0, len(shape)), label="mask rank")
    mask_shape = tuple(1 if data.draw(st.booleans()) else s for s in shape[drop:])
    fill = data.draw(st.sampled_from(["random", "none", "all"]))
    mask = np.random.default_rng(4).random(mask_shape) < {"random": 0.5, "none": 0, "all": 2}[fill]
    run_both(lambda lib, x, m: lib.masked_select(x, m), [x], [mask])
    run_both(lambda lib, x, m: x.masked_fill(m, -3.0), [x], [mask])
    source = normal(5, (size + 2,))
    run_both(lambda lib, x, s, m: x.masked_scatter(m, s), [x, source], [mask])
    y = normal(6, shape[len(shape) - len(mask_shape) :])
    run_both(lambda lib, x, y, m: lib.where(m, x, y), [x, y], [mask])
    run_both(lambda lib, m: lib.nonzero(m), [], [mask])
    run_both(lambda lib, m: lib.argwhere(m), [], [mask])
    run_both(lambda lib, m: lib.nonzero(m, as_tuple=True), [], [mask])


def _put_case(data):
    shape = data.draw(shapes, label="shape")
    x = normal(0, shape)
    k = data.draw(st.integers(1, len(shape)), label="indexed dims")
    accumulate = data.draw(st.booleans(), label="accumulate")
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16)))
    count = data.draw(st.integers(0, 4))
    if any(shape[:k]) and all(shape[:k]):
        idx = [rng.integers(-s, s, count) for s in shape[:k]]
    else:
        idx = [np.zeros(0, np.int64) for _ in range(k)]
    flat = (
        np.ravel_multi_index([i % max(s, 1) for i, s in zip(idx, shape)], shape[:k])
        if idx[0].size
        else []
    )
    if not accumulate and len(set(np.atleast_1d(flat).tolist())) < len(idx[0]):
        accumulate = True  # torch leaves a repeated target's value unspecified
    values = normal(1, (idx[0].size,) + shape[k:])
    run_both(lambda lib, x, v, *i: lib.index_put(x, i, v, accumulate=accumulate), [x, values], idx)
    run_both(
        lambda lib, x, v, *i: x.clone().index_put_(i, v, accumulate=accumulate), [x, values], idx
    )
    size = x.size
    positions = (
        rng.permutation(size)[: data.draw(st.integers(0, size))] if size else np.zeros(0, np.int64)
    )
    if accumulate and size:
        positions = rng.integers(-size, size, positions.size)
    src = normal(2, positions.shape)
    run_both(lambda lib, x, s, i: x.put(i, s, accumulate), [x, src], [positions])
    run_both(lambda lib, x, s, i: x.clone().put_(i, s, accumulate), [x, src], [positions])


CASES = [_along_dim_case, _scatter_case, _take_mask_case, _put_case]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.__name__.strip("_"))
@given(data=st.data())
@fuzz_settings(60)
def test_indexing_ops_match_torch(case, data):
    case(data)


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.__name__.strip("_"))
@given(data=st.data())
@slow_settings(600)
def test_indexing_ops_match_torch_slow(case, data):
    case(data)


def test_scatter_reads_the_leading_block():
    """scatter with a src larger than index reads src's leading index.shape block and sends
    gather(ȳ) back into that block (zeros elsewhere); closed form, as torch's backward fails."""
    x = ac.zeros(3, requires_grad=True)
    src = ac.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    y = x.scatter(0, ac.tensor([2, 0]), src)
    assert y.tolist() == [2.0, 0.0, 1.0]
    y.backward(ac.tensor([10.0, 20.0, 30.0]))
    assert src.grad.tolist() == [30.0, 10.0, 0.0, 0.0]
    assert x.grad.tolist() == [0.0, 20.0, 0.0]
    src.grad = None
    ac.zeros(3).scatter_add(0, ac.tensor([2, 2]), src).backward(ac.tensor([10.0, 20.0, 30.0]))
    assert src.grad.tolist() == [30.0, 30.0, 0.0, 0.0]


def test_masked_scatter_with_an_all_false_mask_gives_source_a_zero_gradient():
    """Regression: with no true entry masked_scatter returned a clone of x, so source had no
    gradient at all (None) where torch gives zeros."""
    x = ac.ones(2, requires_grad=True)
    source = ac.tensor([5.0, 6.0, 7.0], requires_grad=True)
    x.masked_scatter(ac.tensor([False, False]), source).sum().backward()
    assert source.grad is not None and source.grad.tolist() == [0.0, 0.0, 0.0]
    assert x.grad.tolist() == [1.0, 1.0]
