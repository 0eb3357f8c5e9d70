"""cumprod, logcumsumexp, cummax and cummin as a user meets them: values, indices and gradients
against torch in float64 (zeros in cumprod, NaN and ties in cummax, -inf in logcumsumexp), NumPy
references without torch, first- and second-order gradchecks, and each error."""

from __future__ import annotations

import numpy as np
import pytest
from torch_compare import compare_with_torch, gradchecks  # tests/autograd_core/

import autograd_core as ac

ZEROS = [
    np.array([1.5, -2.0, 0.7, 1.2]),
    np.array([1.5, 0.0, -2.0, 0.7]),
    np.array([0.0, 1.3, 0.0, 2.0, -0.6]),
    np.array([[0.0, 0.0, 1.1], [2.0, 3.0, 0.0]]),
    np.array([[0.5, 0.0], [0.0, 0.0]]),
]


@pytest.mark.parametrize("a", ZEROS, ids=["none", "one zero", "two zeros", "rows", "all"])
def test_cumprod_with_zeros_matches_torch_to_second_order(torch, a):
    compare_with_torch(torch, lambda m, x: m.cumprod(x, -1), a)
    x = ac.tensor(a, requires_grad=True)
    t = torch.tensor(a, requires_grad=True)
    gy = np.linspace(0.5, 2.0, a.size).reshape(a.shape)
    (g,) = ac.grad(ac.cumprod(x, -1), x, ac.tensor(gy), create_graph=True)
    (tg,) = torch.autograd.grad(torch.cumprod(t, -1), t, torch.tensor(gy), create_graph=True)
    v = np.cos(np.arange(a.size)).reshape(a.shape)
    (gg,) = ac.grad(g, x, ac.tensor(v))
    (tgg,) = torch.autograd.grad(tg, t, torch.tensor(v))
    np.testing.assert_allclose(gg.numpy(), tgg.numpy(), rtol=1e-10, atol=1e-12)
    gradchecks(lambda x: ac.cumprod(x, -1), a)


def test_cumprod_gradient_by_product_rule_without_torch():
    a = np.array([2.0, 0.0, 3.0, 0.0, 5.0])
    x = ac.tensor(a, requires_grad=True)
    (g,) = ac.grad(ac.cumprod(x, 0).sum(), x)
    expected = [sum(np.prod(np.delete(a[: i + 1], j)) for i in range(j, 5)) for j in range(5)]
    np.testing.assert_allclose(g.numpy(), expected)  # [1, 2, 0, 0, 0]
    np.testing.assert_array_equal(ac.cumprod(x, 0).numpy(), np.cumprod(a))


@pytest.mark.parametrize("dtype", ["int32", "bool", "float32"])
def test_cumprod_dtype_and_0d_follow_torch(torch, dtype):
    data = np.array([[1, 2, 0], [3, 1, 2]]).astype(dtype)
    ours, theirs = ac.tensor(data).cumprod(1), torch.tensor(data).cumprod(1)
    assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch.")
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    compare_with_torch(torch, lambda m, x: x.cumprod(0), np.array(3.0))
    assert ac.cumprod(ac.tensor([1, 2]), 0, dtype=ac.float64).dtype == np.float64


@pytest.mark.parametrize(
    "a",
    [
        np.array([0.0, -1000.0, 1000.0, 999.0]),
        np.array([[1e4, -1e4, 3.0], [0.5, -np.inf, -0.5]]),
        np.zeros((2, 0)),
    ],
)
def test_logcumsumexp_is_stable_and_matches_torch(torch, a):
    compare_with_torch(torch, lambda m, x: m.logcumsumexp(x, -1), a)
    with np.errstate(divide="ignore"):
        np.testing.assert_allclose(
            ac.tensor(a).logcumsumexp(-1).numpy(), np.logaddexp.accumulate(a, axis=-1)
        )


def test_logcumsumexp_minus_inf_prefix_gets_gradient_zero(torch):
    a = np.array([-np.inf, -np.inf, 0.0, 2.0])
    compare_with_torch(torch, lambda m, x: m.logcumsumexp(x, 0), a, grad=False)
    x = ac.tensor(a, requires_grad=True)
    (g,) = ac.grad(ac.logcumsumexp(x, 0), x, ac.tensor([1.0, -2.0, 3.0, 0.5]))
    # torch gives NaN on the -inf prefix (its exp(-inf - (-inf))); 0 is the limit
    np.testing.assert_allclose(
        g.numpy(), [0.0, 0.0, 3.0 + 0.5 / (1 + np.e**2), 0.5 * np.e**2 / (1 + np.e**2)]
    )


def test_logcumsumexp_gradchecks_and_softmax_rows():
    a = np.array([[0.3, -1.2, 2.0, 0.1], [1.0, 1.5, -0.5, 0.0]])
    gradchecks(lambda x: ac.logcumsumexp(x, 1), a)
    x = ac.tensor(a, requires_grad=True)
    (g,) = ac.grad(ac.logcumsumexp(x, 1)[:, -1].sum(), x)  # the last entry: a logsumexp
    np.testing.assert_allclose(g.numpy(), np.exp(a) / np.exp(a).sum(1, keepdims=True))


@pytest.mark.parametrize("name", ["cummax", "cummin"])
@pytest.mark.parametrize(
    "a, dim",
    [
        (np.array([1.0, 3.0, 3.0, 2.0, 5.0, 5.0]), 0),  # ties: the later index
        (np.array([1.0, np.nan, 3.0, np.nan, 0.0]), 0),  # NaN: the last NaN so far
        (np.array([[2.0, -1.0, 4.0], [0.5, 0.7, -3.0]]), 0),
        (np.array([[2.0, -1.0, 4.0], [0.5, 0.7, -3.0]]), -1),
        (np.array(1.5), 0),
        (np.zeros((0, 3)), 1),
    ],
)
def test_running_extrema_match_torch(torch, name, a, dim):
    outs = compare_with_torch(torch, lambda m, x: getattr(m, name)(x, dim), a)
    assert outs[1].dtype == np.int64 and not outs[1].requires_grad
    if a.ndim and not np.isnan(a).any():  # NumPy's running extreme, without torch
        ufunc = np.maximum if name == "cummax" else np.minimum
        np.testing.assert_array_equal(outs[0].numpy(), ufunc.accumulate(a, axis=dim))


def test_running_extrema_fields_int_input_and_gradchecks():
    values, indices = ac.tensor([[3, 1, 2]]).cummin(1)
    assert values.tolist() == [[3, 1, 1]] and indices.tolist() == [[0, 1, 1]]
    a = np.array([[0.4, -1.3, 2.2, 0.9], [1.1, 0.2, -0.8, 1.7]])
    gradchecks(lambda x: ac.cummax(x, 1).values, a)
    gradchecks(lambda x: ac.cummin(x, 0).values, a)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: ac.ones(2, 2).cumprod(2), ac.ShapeError, "cumprod: dim 2 is out of range"),
        (lambda: ac.cumprod(ac.ones(2), None), TypeError, "cumprod: dim is required"),
        (lambda: ac.ones(2).logcumsumexp(1), ac.ShapeError, "logcumsumexp: dim 1 is out"),
        (lambda: ac.tensor([1, 2]).logcumsumexp(0), ac.DTypeError, "floating point.*int64"),
        (lambda: ac.ones(2, 3).cummax(-3), ac.ShapeError, "cummax: dim -3 is out of range"),
        (lambda: ac.ones(2).cummin(1), ac.ShapeError, "cummin: dim 1 is out of range"),
    ],
)
def test_scan_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()
