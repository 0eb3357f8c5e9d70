"""quantile, nanquantile, cov and corrcoef against torch in float64 (values and gradients),
NumPy's quantile/cov/corrcoef without torch, gradchecks of order 1 and 2, NaN, keepdim, q as a
float or a 1-D tensor, every interpolation, weights, and each error."""

from __future__ import annotations

import numpy as np
import pytest
from torch_compare import compare_with_torch, gradchecks  # tests/autograd_core/

import autograd_core as ac

# distinct entries: the gradchecks stay away from ties (kinks)
A = np.array([[4.0, 1.0, 3.0, 2.0, 9.0], [0.5, 5.0, -6.0, 7.0, 8.0], [2.25, -1.0, 0.0, 3.5, 1.5]])
WITH_NAN = np.array([[1.0, np.nan, 3.0, 2.0], [4.0, 1.0, 0.5, 2.0], [np.nan] * 4])
METHODS = ["linear", "lower", "higher", "midpoint", "nearest"]
QS = np.array([0.0, 0.125, 0.5, 0.625, 1.0])  # exact ranks, halves (nearest: to even), ends


@pytest.mark.parametrize("interpolation", METHODS)
@pytest.mark.parametrize(
    "dim, keepdim", [(None, False), (None, True), (1, False), (-2, True)], ids=str
)
def test_quantile_matches_torch_and_numpy(torch, interpolation, dim, keepdim):
    kw = {"dim": dim, "keepdim": keepdim, "interpolation": interpolation}
    for q in (0.3, QS):
        outs = compare_with_torch(
            torch,
            lambda m, x, q=q: m.quantile(x, q if np.isscalar(q) else m.tensor(q), **kw),
            A,
        )
        want = np.quantile(A, q, axis=dim, keepdims=keepdim, method=interpolation)
        np.testing.assert_allclose(outs[0].numpy(), want, rtol=1e-13)
    gradchecks(lambda x: ac.quantile(x, ac.tensor(QS), **kw), A)


@pytest.mark.parametrize("interpolation", METHODS)
@pytest.mark.parametrize("dim", [None, 0, 1])
def test_quantile_with_nan_matches_torch(torch, interpolation, dim):
    for name in ("quantile", "nanquantile"):
        kw = {"dim": dim, "interpolation": interpolation}
        compare_with_torch(
            torch, lambda m, x, n=name, kw=kw: getattr(m, n)(x, m.tensor(QS), **kw), WITH_NAN
        )
    got = ac.nanquantile(ac.tensor(WITH_NAN), 0.4, dim=1, interpolation=interpolation)
    want = np.nanquantile(WITH_NAN[:2], 0.4, axis=1, method=interpolation)
    np.testing.assert_allclose(got.numpy()[:2], want, rtol=1e-13)


def test_quantile_of_0d_and_one_entry(torch):
    for a in (np.array(2.5), np.array([[1.5]])):
        compare_with_torch(torch, lambda m, x: x.quantile(0.7, 0), a)
        compare_with_torch(torch, lambda m, x: x.nanquantile(0.2), a)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (
            lambda: ac.quantile(ac.ones(3), 1.5),
            ValueError,
            r"quantile: q values must be in \[0, 1\]",
        ),
        (lambda: ac.nanquantile(ac.ones(3), ac.tensor([-0.1, 0.5])), ValueError, "nanquantile: q"),
        (lambda: ac.quantile(ac.ones(3), ac.tensor(0.5, dtype=ac.float64)), ac.DTypeError, "dtype"),
        (lambda: ac.quantile(ac.tensor([1, 2]), 0.5), ac.DTypeError, "floating point"),
        (lambda: ac.quantile(ac.ones(3), ac.ones(2, 2) / 2), ac.ShapeError, "0-d or a 1-D"),
        (lambda: ac.quantile(ac.ones(3), "half"), TypeError, "q must be a float or a Tensor"),
        (lambda: ac.quantile(ac.ones(0), 0.5), ac.ShapeError, "quantile: input must be non-empty"),
        (lambda: ac.quantile(ac.ones(3), 0.5, 1), ac.ShapeError, "quantile: dim 1 is out of range"),
        (lambda: ac.quantile(ac.ones(3), 0.5, interpolation="cubic"), ValueError, "'cubic'"),
    ],
)
def test_quantile_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


X = np.array([[1.0, 2.0, 4.0, -1.0], [0.0, 1.0, 3.0, 2.5], [3.0, -1.0, 2.0, 0.5]])
FW, AW = np.array([1, 2, 1, 3]), np.array([0.5, 1.0, 2.0, 0.25])


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"correction": 0}, {"correction": 2}, {"fweights": FW}, {"aweights": AW}],
    ids=["default", "c=0", "c=2", "fweights", "aweights"],
)
def test_cov_matches_torch_and_numpy(torch, kwargs):
    def weights_of(m):
        return {k: m.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}

    outs = compare_with_torch(torch, lambda m, x: m.cov(x, **weights_of(m)), X)
    c = kwargs.get("correction", 1)
    want = np.cov(X, ddof=c, fweights=kwargs.get("fweights"), aweights=kwargs.get("aweights"))
    np.testing.assert_allclose(outs[0].numpy(), want, rtol=1e-12)
    gradchecks(lambda x: ac.cov(x, **weights_of(ac)), X)


def test_cov_with_both_weights_one_variable_and_method(torch):
    compare_with_torch(torch, lambda m, x, a: x.cov(fweights=m.tensor(FW), aweights=a), X, AW)
    compare_with_torch(torch, lambda m, x: m.cov(x), X[0])  # one variable: a 0-d result
    compare_with_torch(torch, lambda m, x: m.cov(x), X[:1])
    gradchecks(lambda x, a: ac.cov(x, fweights=ac.tensor(FW), aweights=a), X, AW)


def test_cov_with_no_degrees_of_freedom_warns_like_torch(torch):
    with pytest.warns(UserWarning, match="cov: degrees of freedom <= 0"):
        got = ac.cov(ac.tensor([[1.0, 2.0], [1.0, 1.0]]), correction=3)
    with pytest.warns(UserWarning):
        want = torch.cov(torch.tensor([[1.0, 2.0], [1.0, 1.0]]), correction=3)
    np.testing.assert_array_equal(got.numpy(), want.numpy())


@pytest.mark.parametrize("a", [X, X[0], np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.5]])])
def test_corrcoef_matches_torch_and_numpy(torch, a):
    outs = compare_with_torch(torch, lambda m, x: m.corrcoef(x), a)
    np.testing.assert_allclose(outs[0].numpy(), np.corrcoef(a), rtol=1e-12)
    gradchecks(ac.corrcoef, a[..., :3] if a.ndim == 1 else a)
    assert np.isnan(ac.corrcoef(ac.tensor([1.0, 1.0])).item())  # a constant: 0 / 0


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: ac.cov(ac.ones(2, 2, 2)), ac.ShapeError, r"cov: input must have at most 2"),
        (lambda: ac.corrcoef(ac.ones(2, 2, 2)), ac.ShapeError, r"cov: input must have at most"),
        (lambda: ac.cov(ac.ones(2, 3), fweights=ac.ones(3)), ac.DTypeError, "fweights must have"),
        (lambda: ac.cov(ac.ones(2, 3), aweights=ac.tensor([1, 1, 1])), ac.DTypeError, "aweights"),
        (lambda: ac.cov(ac.ones(2, 3), fweights=ac.tensor([1, 1])), ac.ShapeError, "length 3"),
        (lambda: ac.cov(ac.ones(2, 3), fweights=ac.tensor([1, -1, 1])), ValueError, "negative"),
    ],
)
def test_cov_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()
