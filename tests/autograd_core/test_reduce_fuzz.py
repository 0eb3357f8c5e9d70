"""Differential fuzzing of the summing reductions against torch 2.13: sum, mean, prod (with one
and several zeros in a slice), nansum, nanmean, var/std (correction 0-2, ``unbiased``, N ≤
correction), var_mean/std_mean, logsumexp (±∞ entries) and the vector norms (torch.norm,
linalg.vector_norm; ord 0, 1, 2, ∞, −∞, 0.5, 3, zeros included), over random shapes (rank 0-4,
size-0 and size-1 axes), ``dim`` (None, int, negative, tuple, list), ``keepdim`` and ``dtype=``;
values, result dtypes and shapes, and the input gradient under a random upstream gradient
(tolerances: reduce_fuzz.py)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from reduce_fuzz import check, dims, fuzz_settings, seeds, shapes, slow_settings, values

torch = pytest.importorskip("torch")
# torch warns where N ≤ correction ("degrees of freedom is <= 0"); ours returns the same quietly
pytestmark = pytest.mark.filterwarnings("ignore:.*degrees of freedom:UserWarning")

FLOATS = st.sampled_from(["float64", "float32"])


def _n(shape, dim) -> int:
    """The number of elements each output element reduces over."""
    if dim is None or not shape:
        return max(math.prod(shape), 1)
    axes = [dim] if isinstance(dim, int) else dim
    return max(math.prod(shape[a] for a in axes), 1) if axes else max(math.prod(shape), 1)


@st.composite
def summing(draw, kinds=("normal",)):
    shape = draw(shapes())
    dim = draw(dims(len(shape)))
    return (
        shape,
        dim,
        draw(st.booleans()),
        draw(FLOATS),
        draw(st.sampled_from(kinds)),
        draw(seeds),
    )


# (name, call, value kinds, the dtype= argument's choices)
SUMS = {
    "sum": (lambda m, t, d, k, dt: m.sum(t, dim=d, keepdim=k, dtype=dt), ("normal",)),
    "mean": (lambda m, t, d, k, dt: m.mean(t, dim=d, keepdim=k, dtype=dt), ("normal",)),
    "prod": (lambda m, t, d, k, dt: m.prod(t, dim=d, keepdim=k, dtype=dt), ("normal", "zeros")),
    "nansum": (lambda m, t, d, k, dt: m.nansum(t, dim=d, keepdim=k, dtype=dt), ("nan",)),
    "nanmean": (lambda m, t, d, k, dt: m.nanmean(t, dim=d, keepdim=k, dtype=dt), ("nan",)),
}


def _one_dim(dim):
    """prod takes one int dim (or none) in torch: the first axis of a tuple."""
    if dim is None or isinstance(dim, int):
        return dim
    return dim[0]


def _sums(name, case, out_dtype):
    shape, dim, keep, dtype, kind, seed = case
    call, _ = SUMS[name]
    if name == "prod":
        dim = _one_dim(dim)
    x = values(seed, shape, kind)

    def fn(m, t):
        dt = None if out_dtype is None else getattr(m, out_dtype)
        if name == "prod" and dim is None:  # torch.prod has no keepdim without dim
            return m.prod(t, dtype=dt)
        return call(m, t, dim, keep, dt)

    n = _n(shape, dim)
    terms = n if name != "prod" else n + 1
    check(fn, x, dtype, terms=terms, scale=None if name != "prod" else 1.0 + 3.0**n)


@pytest.mark.parametrize("name", list(SUMS))
@given(data=st.data())
@fuzz_settings(30)
def test_sum_family_matches_torch(name, data):
    case = data.draw(summing(SUMS[name][1]))
    _sums(name, case, data.draw(st.sampled_from([None, None, "float64", "float32"])))


@pytest.mark.slow
@pytest.mark.parametrize("name", list(SUMS))
@given(data=st.data())
@slow_settings(300)
def test_sum_family_matches_torch_slow(name, data):
    case = data.draw(summing(SUMS[name][1]))
    _sums(name, case, data.draw(st.sampled_from([None, None, "float64", "float32"])))


@st.composite
def spread(draw):
    shape, dim, keep, dtype, _, seed = draw(summing())
    how = draw(st.sampled_from(["correction", "unbiased", "none"]))
    kw = {"correction": draw(st.integers(0, 2))} if how == "correction" else {}
    if how == "unbiased":
        kw = {"unbiased": draw(st.booleans())}
    return (
        shape,
        dim,
        keep,
        dtype,
        seed,
        kw,
        draw(st.sampled_from(["var", "std", "var_mean", "std_mean"])),
    )


def _spread(case):
    shape, dim, keep, dtype, seed, kw, name = case
    x = values(seed, shape, "normal")

    def fn(m, t):
        if "unbiased" in kw and dim is None:  # torch: var(x, unbiased) has no dim or keepdim
            return getattr(m, name)(t, unbiased=kw["unbiased"])
        return getattr(m, name)(t, dim=dim, keepdim=keep, **kw)

    n = _n(shape, dim)
    c = kw.get("correction", int(kw.get("unbiased", True)))
    # torch's var/std backward without dim, where N ≤ correction, returns where(x = mean, NaN,
    # +∞) (FunctionsManual.cpp, var_backward), and with dim (and ours, always) the formula
    # 2·(x − mean)/(N − c): NaN against −0 or ±∞. Values still compared; ours pinned by
    # test_var_gradient_without_dim_when_n_le_correction.
    degenerate = (dim is None or not shape) and n <= c
    check(fn, x, dtype, terms=2 * n + 2, scale=float(n * n), grad=False if degenerate else None)


@given(case=spread())
@fuzz_settings(120)
def test_var_std_match_torch(case):
    _spread(case)


@pytest.mark.slow
@given(case=spread())
@slow_settings(1000)
def test_var_std_match_torch_slow(case):
    _spread(case)


def _logsumexp(shape, dim, keep, dtype, kind, seed):
    x = values(seed, shape, kind)
    if dim is None:  # torch.logsumexp needs dim (ours takes None for all axes)
        dim = tuple(range(len(shape))) if shape else 0
    check(lambda m, t: m.logsumexp(t, dim=dim, keepdim=keep), x, dtype, terms=_n(shape, dim) + 4)


@given(case=summing(("normal", "inf")))
@fuzz_settings(80)
def test_logsumexp_matches_torch(case):
    _logsumexp(*case)


@pytest.mark.slow
@given(case=summing(("normal", "inf")))
@slow_settings(800)
def test_logsumexp_matches_torch_slow(case):
    _logsumexp(*case)


ORDS = [0, 1, 2, math.inf, -math.inf, 0.5, 3]


@st.composite
def norms(draw):
    shape, dim, keep, dtype, kind, seed = draw(summing(("normal", "zeros", "ties")))
    api = draw(st.sampled_from(["vector_norm", "norm"]))
    out_dtype = None
    if dtype == "float32" and draw(st.booleans()):
        out_dtype = "float64"  # widening only: torch refuses a narrowing dtype= for norms
    return shape, dim, keep, dtype, kind, seed, draw(st.sampled_from(ORDS)), api, out_dtype


def _norm(case):
    shape, dim, keep, dtype, kind, seed, p, api, out_dtype = case
    x = values(seed, shape, kind)

    def fn(m, t):
        dt = None if out_dtype is None else getattr(m, out_dtype)
        if api == "norm":
            return m.norm(t, p=p, dim=dim, keepdim=keep, dtype=dt)
        return m.linalg.vector_norm(t, ord=p, dim=dim, keepdim=keep, dtype=dt)

    n = _n(shape, dim)
    check(fn, x, dtype, terms=4 * n + 8, scale=3.0 * n)


@given(case=norms())
@fuzz_settings(150)
def test_vector_norms_match_torch(case):
    _norm(case)


@pytest.mark.slow
@given(case=norms())
@slow_settings(1500)
def test_vector_norms_match_torch_slow(case):
    _norm(case)
