"""In-place random fills and Python maps (autograd_core/inplace_fills.py): the distributions
against closed forms (Kolmogorov-Smirnov statistics and moments from fixed seeds, bounds about
three times the statistic's spread), dtypes, generator reproducibility, and the errors and
refusals against torch."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import autograd_core as ac
from autograd_core.errors import DTypeError, GraphError, ShapeError

N = 100_000
KS = 0.01  # (the 99.9% quantile of the KS statistic for n = 1e5 is ~0.006)


def _ks(samples, cdf):
    """The Kolmogorov-Smirnov distance between the samples' empirical CDF and ``cdf``."""
    x = np.sort(np.asarray(samples, dtype=np.float64))
    f = cdf(x)
    n = x.size
    return max((np.arange(1, n + 1) / n - f).max(), (f - np.arange(n) / n).max())


def _draw(name, *args, dtype=ac.float64, seed=0, **kwargs):
    ac.manual_seed(seed)
    return getattr(ac.empty(N, dtype=dtype), name)(*args, **kwargs).numpy()


@pytest.mark.parametrize("lambd", [1.0, 0.25, 3.0])
def test_exponential_follows_its_cdf(lambd):
    x = _draw("exponential_", lambd)
    assert (x >= 0).all()
    assert _ks(x, lambda t: 1 - np.exp(-lambd * t)) < KS
    assert abs(x.mean() * lambd - 1) < 0.02


@pytest.mark.parametrize(("median", "sigma"), [(0.0, 1.0), (2.0, 0.5), (-1.0, 3.0)])
def test_cauchy_follows_its_cdf(median, sigma):
    x = _draw("cauchy_", median, sigma)
    assert _ks(x, lambda t: 0.5 + np.arctan((t - median) / sigma) / math.pi) < KS
    q1, q2, q3 = np.quantile(x, [0.25, 0.5, 0.75])
    assert abs(q2 - median) < 0.03 * sigma and abs((q3 - q1) - 2 * sigma) < 0.05 * sigma


@pytest.mark.parametrize(("mean", "std"), [(1.0, 2.0), (0.0, 0.5), (-2.0, 1.0)])
def test_log_normal_is_exp_of_a_normal(mean, std):
    x = _draw("log_normal_", mean, std)
    assert (x > 0).all()
    logs = np.log(x)
    assert abs(logs.mean() - mean) < 0.02 * std and abs(logs.std() / std - 1) < 0.02
    assert _ks(logs, lambda t: 0.5 * (1 + np.vectorize(math.erf)((t - mean) / (std * 2**0.5)))) < KS


@pytest.mark.parametrize("p", [0.5, 0.1, 0.9])
@pytest.mark.parametrize("dtype", [ac.float32, ac.int64, ac.uint8])
def test_geometric_counts_trials_to_the_first_success(p, dtype):
    x = _draw("geometric_", p, dtype=dtype)
    assert x.min() >= 1 and (x == np.round(x)).all()
    for k in (1, 2, 3):  # P(X = k) = (1 − p)^(k−1) p
        assert abs((x == k).mean() - (1 - p) ** (k - 1) * p) < 0.01
    if dtype != ac.uint8 or p > 0.05:
        assert abs(x.astype(np.float64).mean() * p - 1) < 0.03


@pytest.mark.parametrize(
    ("dtype", "args", "low", "high"),
    [
        (ac.float32, (5,), 0, 4),
        (ac.float64, (-3, 4), -3, 3),
        (ac.int64, (10, 13), 10, 12),
        (ac.int8, (-128, 128), -128, 127),
        (ac.uint8, (), 0, 255),
        (ac.bool, (), 0, 1),
        (ac.int16, (), 0, 2**15 - 1),
    ],
)
def test_random_draws_every_integer_of_its_range_alike(dtype, args, low, high):
    x = _draw("random_", *args, dtype=dtype).astype(np.int64)
    assert x.min() == low and x.max() == high
    values, counts = np.unique(x, return_counts=True)
    k = high - low + 1
    if k <= 256:
        assert values.size == k
        assert np.abs(counts / N - 1 / k).max() < 4 * math.sqrt(1 / (k * N)) + 1e-3
    else:
        assert _ks(x, lambda t: (np.floor(t) - low + 1) / k) < KS


@pytest.mark.parametrize(("dtype", "bits"), [(ac.float16, 11), (ac.float32, 24), (ac.float64, 53)])
def test_random_without_bounds_on_floats_draws_the_exact_integers(torch, dtype, bits):
    x = _draw("random_", dtype=dtype)
    assert (x == np.round(x)).all() and x.min() >= 0 and x.max() <= 2**bits
    assert x.max() > 0.99 * 2**bits
    t = torch.empty(N, dtype=getattr(torch, str(np.dtype(dtype)))).random_()
    assert t.max().item() <= 2**bits and t.max().item() > 0.99 * 2**bits


def test_random_with_from_only_runs_to_the_dtypes_default_bound():
    x = _draw("random_", **{"from": 250}, dtype=ac.uint8)
    assert set(np.unique(x)) == set(range(250, 256))
    x = _draw("random_", 2, None, dtype=ac.float16)
    assert x.min() >= 2 and x.max() <= 2**11


@pytest.mark.parametrize(
    ("name", "args", "dtype"),
    [
        ("exponential_", (0,), "float32"),
        ("exponential_", (-1,), "float32"),
        ("exponential_", (), "int64"),
        ("cauchy_", (0, 0), "float32"),
        ("cauchy_", (), "int64"),
        ("log_normal_", (1, 0), "float32"),
        ("log_normal_", (), "int64"),
        ("geometric_", (0,), "float32"),
        ("geometric_", (1,), "float32"),
        ("geometric_", (1.5,), "float32"),
        ("geometric_", (0.5,), "bool"),
        ("random_", (5, 3), "float32"),
        ("random_", (3, 3), "float32"),
        ("random_", (0,), "float32"),
        ("random_", (0, 300), "uint8"),
        ("random_", (-1, 3), "uint8"),
        ("random_", (-129, 3), "int8"),
        ("random_", (0, 3), "bool"),
        ("random_", (2.5, 4), "float32"),
    ],
)
def test_bad_parameters_are_refused_as_torch_refuses_them(torch, name, args, dtype):
    with pytest.raises((RuntimeError, NotImplementedError, TypeError)):
        getattr(torch.zeros(3, dtype=getattr(torch, dtype)), name)(*args)
    x = ac.zeros(3, dtype=dtype)
    with pytest.raises((ValueError, DTypeError, TypeError), match=name):
        getattr(x, name)(*args)
    assert not x.numpy().any()


def test_random_warns_as_torch_past_the_exact_integers_of_a_float(torch):
    with pytest.warns(UserWarning, match="out of bounds"):
        torch.zeros(3).random_(0, 2**24 + 2)
    with pytest.warns(UserWarning, match="random_: to - 1 is out of bounds"):
        ac.zeros(3).random_(0, 2**24 + 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ac.zeros(3).random_(-(2**24), 2**24 + 1)


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("exponential_", ()),
        ("cauchy_", ()),
        ("log_normal_", ()),
        ("geometric_", (0.3,)),
        ("random_", (100,)),
    ],  # fmt: skip
)
def test_a_generator_reproduces_its_draws_and_views_see_them(name, args):
    draws = []
    for _ in range(2):
        base = ac.zeros(4, 6)
        view = base[1:3]
        out = getattr(view, name)(*args, generator=ac.Generator().manual_seed(7))
        assert out is view
        assert not base.numpy()[0].any() and not base.numpy()[3].any()
        np.testing.assert_array_equal(base.numpy()[1:3], view.numpy())
        draws.append(view.numpy().copy())
    np.testing.assert_array_equal(draws[0], draws[1])
    other = getattr(ac.zeros(2, 6), name)(*args, generator=ac.Generator().manual_seed(8))
    assert not np.array_equal(other.numpy(), draws[0])
    ac.manual_seed(3)
    a = getattr(ac.zeros(5), name)(*args).numpy()
    ac.manual_seed(3)
    np.testing.assert_array_equal(getattr(ac.zeros(5), name)(*args).numpy(), a)


@pytest.mark.parametrize("name", ["exponential_", "cauchy_", "log_normal_", "random_"])
def test_fills_are_refused_on_a_tensor_that_requires_grad_while_recording(torch, name):
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        getattr(torch.zeros(3, requires_grad=True), name)()
    leaf = ac.zeros(3, requires_grad=True)
    with pytest.raises(GraphError, match=rf"{name}: refilling a tensor that requires grad"):
        getattr(leaf, name)()
    # (deliberate difference: torch records it on a non-leaf, with a zero gradient)
    with pytest.raises(GraphError, match="produced by"):
        getattr(leaf * 1, name)()
    with ac.no_grad():
        getattr(leaf, name)()
    assert leaf.is_leaf and leaf.requires_grad


def test_a_fill_makes_a_backward_that_saved_the_tensor_raise():
    w = ac.ones(3, requires_grad=True)
    x = ac.ones(3)
    y = (w * x).sum()
    x.exponential_()
    with pytest.raises(GraphError, match="modified by an in-place operation"):
        y.backward()


# -- apply_ and map_ -----------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["float32", "int64", "bool"])
def test_apply_is_torchs(torch, kind):
    values = np.arange(6.0).reshape(2, 3)
    x = ac.tensor(values, dtype=kind).t()  # (non-contiguous: row-major order of the view)
    tx = torch.tensor(values).to(getattr(torch, kind)).t()
    seen, tseen = [], []
    assert x.apply_(lambda v: seen.append(v) or v * 2 + 1) is x
    tx.apply_(lambda v: tseen.append(v) or v * 2 + 1)
    assert seen == tseen and [type(v) for v in seen] == [type(v) for v in tseen]
    np.testing.assert_array_equal(x.numpy(), tx.numpy())


def test_apply_truncates_a_float_result_for_an_integer_tensor(torch):
    x, tx = ac.zeros(3, dtype=ac.int64), torch.zeros(3, dtype=torch.int64)
    np.testing.assert_array_equal(x.apply_(lambda v: 7 / 2).numpy(), tx.apply_(lambda v: 7 / 2))


def test_map_is_torchs(torch):
    a, b = np.arange(6.0).reshape(2, 3), np.array([10.0, 20.0, 30.0])
    x, tx = ac.tensor(a), torch.tensor(a)
    assert x.map_(ac.tensor(b), lambda p, q: p * q - 1) is x
    tx.map_(torch.tensor(b), lambda p, q: p * q - 1)
    np.testing.assert_array_equal(x.numpy(), tx.numpy())


def test_apply_and_map_refuse_what_torch_refuses(torch):
    for mode in (ac.enable_grad, ac.no_grad):
        with mode(), pytest.raises(GraphError, match="apply_: a tensor that requires grad"):
            ac.zeros(3, requires_grad=True).apply_(lambda v: v)
    with pytest.raises(RuntimeError, match="requires grad"):
        torch.zeros(3, requires_grad=True).apply_(lambda v: v)
    with pytest.raises(GraphError, match="map_: a tensor that requires grad"):
        ac.zeros(3).map_(ac.ones(3, requires_grad=True), lambda p, q: p)
    with pytest.raises(RuntimeError, match="requires grad"):
        torch.zeros(3).map_(torch.ones(3, requires_grad=True), lambda p, q: p)
    with pytest.raises(TypeError):
        torch.zeros(3).map_(torch.ones(3, dtype=torch.long), lambda p, q: p)
    with pytest.raises(TypeError, match="map_: expected the other tensors in this tensor's dtype"):
        ac.zeros(3).map_(ac.ones(3, dtype=ac.int64), lambda p, q: p)
    with pytest.raises(RuntimeError):
        torch.zeros(1).map_(torch.ones(3), lambda p, q: p)
    with pytest.raises(ShapeError, match="does not broadcast"):
        ac.zeros(1).map_(ac.ones(3), lambda p, q: p)
    for ret in (None, "x"):
        with pytest.raises(TypeError):
            torch.zeros(3).apply_(lambda v, r=ret: r)
        with pytest.raises(TypeError, match="apply_: the function must return a real number"):
            ac.zeros(3).apply_(lambda v, r=ret: r)
    with pytest.raises(RuntimeError, match="overflow"):
        torch.zeros(3, dtype=torch.int8).apply_(lambda v: 300)
    x = ac.zeros(3, dtype=ac.int8)
    with pytest.raises(ValueError, match="apply_: the value 300 cannot be converted to int8"):
        x.apply_(lambda v: 300)
    assert not x.numpy().any()
    with pytest.raises(TypeError, match="apply_: expects a callable"):
        ac.zeros(3).apply_(5)


def test_map2_is_torchs(torch):
    a, b, c = np.arange(6.0).reshape(2, 3), np.array([1.0, 2.0, 3.0]), np.array([[10.0], [20.0]])
    x, tx = ac.tensor(a), torch.tensor(a)
    assert x.map2_(ac.tensor(b), ac.tensor(c), lambda p, q, r: p * q + r) is x
    tx.map2_(torch.tensor(b), torch.tensor(c), lambda p, q, r: p * q + r)
    np.testing.assert_array_equal(x.numpy(), tx.numpy())
    with pytest.raises(GraphError, match="map2_: a tensor that requires grad"):
        ac.zeros(3).map2_(ac.ones(3), ac.ones(3, requires_grad=True), lambda p, q, r: p)
    with pytest.raises(TypeError, match="map2_: the other operands must be Tensors"):
        ac.zeros(3).map2_(ac.ones(3), [1.0, 2.0, 3.0], lambda p, q, r: p)
