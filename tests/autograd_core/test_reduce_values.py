"""Exact values and conventions of the reductions and einsum: tie rules, zeros in prod, stability
of logsumexp and norm, var/std corrections, argmax ties, argument aliases, and error messages."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from f64_values import grad_of, host, t64  # tests/autograd_core/f64_values.py

import autograd_core as ac
from autograd_core.errors import ShapeError

# -- the tie rules: amax and max over all axes split equally; max(dim) picks its index ------


@pytest.mark.parametrize(
    "fn",
    [ac.max, ac.amax, lambda x: ac.amax(x, dim=0)],
    ids=["max", "amax", "amax(dim)"],
)
def test_max_ties_split_the_gradient_equally(fn, device):
    x = t64([1.0, 3.0, 3.0], device)
    np.testing.assert_array_equal(grad_of(fn, x), [0.0, 0.5, 0.5])


@pytest.mark.parametrize("fn", [ac.min, ac.amin], ids=["min", "amin"])
def test_min_ties_split_the_gradient_equally(fn, device):
    x = t64([2.0, -1.0, 5.0, -1.0, -1.0], device)
    third = 1.0 / 3.0
    np.testing.assert_array_equal(grad_of(fn, x), [0.0, third, 0.0, third, third])


def test_ties_split_per_slice_over_a_tuple_of_axes(device):
    x = t64([[[4.0, 1.0], [4.0, 0.0]], [[2.0, 2.0], [2.0, 1.0]]], device)  # (2, 2, 2)
    g = grad_of(lambda t: ac.amax(t, dim=(1, 2)), x, gy=[2.0, 3.0])
    np.testing.assert_array_equal(g, [[[1.0, 0.0], [1.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]]])


@pytest.mark.parametrize("name", ["max", "min"])
def test_max_min_with_dim_give_a_tied_gradient_to_the_returned_index(name, device):
    x = t64([2.0, -1.0, 5.0, -1.0] if name == "min" else [1.0, 3.0, 3.0], device)
    expected = [0.0, 1.0, 0.0, 0.0] if name == "min" else [0.0, 1.0, 0.0]
    np.testing.assert_array_equal(grad_of(lambda t: getattr(ac, name)(t, 0).values, x), expected)


def test_max_dim_rule_matches_torch_max_dim_on_ties():
    torch = pytest.importorskip("torch")
    tx = torch.tensor([1.0, 3.0, 3.0], requires_grad=True)
    tx.max(0).values.backward()
    x = t64([1.0, 3.0, 3.0])
    np.testing.assert_array_equal(grad_of(lambda t: ac.max(t, 0).values, x), tx.grad.numpy())


def test_inf_norm_ties_split_and_keep_the_sign():
    x = t64([-3.0, 1.0, 3.0])
    np.testing.assert_array_equal(grad_of(lambda t: ac.norm(t, float("inf")), x), [-0.5, 0.0, 0.5])


def test_max_with_dim_returns_values_and_first_indices(device):
    x = t64([[1.0, 7.0, 7.0], [5.0, 5.0, 2.0]], device, requires_grad=False)
    out = ac.max(x, dim=1)
    assert isinstance(out, ac.ops.extrema.ValuesIndices) and isinstance(out, tuple)
    values, indices = out
    np.testing.assert_array_equal(host(values), [7.0, 5.0])
    np.testing.assert_array_equal(host(indices), [1, 0])
    assert indices.dtype == np.int64 and not indices.requires_grad
    kept = x.min(dim=0, keepdim=True)
    assert kept.values.shape == (1, 3) and kept.indices.shape == (1, 3)
    assert isinstance(x.max(), ac.Tensor) and float(x.max()) == 7.0


def test_max_of_two_tensors_is_maximum():
    a, b = t64([1.0, 4.0], requires_grad=False), t64([3.0, 2.0], requires_grad=False)
    np.testing.assert_array_equal(host(ac.max(a, b)), [3.0, 4.0])
    np.testing.assert_array_equal(host(ac.min(a, b)), [1.0, 2.0])


def test_max_propagates_nan_and_its_gradient_goes_to_the_nan():
    x = t64([1.0, np.nan, 3.0])
    assert np.isnan(float(ac.max(x)))
    np.testing.assert_array_equal(grad_of(ac.max, x), [0.0, 1.0, 0.0])


# -- argmax / argmin -----------------------------------------------------------------------


def test_argmax_argmin_ties_give_the_first_index(device):
    x = t64([[0.0, 2.0, 2.0], [1.0, 1.0, 0.0]], device, requires_grad=False)
    np.testing.assert_array_equal(host(ac.argmax(x, dim=1)), [1, 0])
    np.testing.assert_array_equal(host(ac.argmin(x, dim=1)), [0, 2])
    assert int(ac.argmax(x)) == 1 and int(ac.argmin(x)) == 0  # flat indices
    assert ac.argmax(x, dim=0, keepdim=True).shape == (1, 3)
    assert ac.argmax(x, keepdims=True).shape == (1, 1)
    assert not ac.argmax(t64([1.0, 2.0])).requires_grad


# -- prod with zeros -----------------------------------------------------------------------

PROD_INPUTS = {
    "no zero": [[1.5, -2.0, 0.5], [3.0, 1.0, -1.0]],
    "one zero": [[1.5, 0.0, 0.5], [3.0, 1.0, -1.0]],
    "two zeros in a row": [[0.0, -2.0, 0.0], [3.0, 0.0, -1.0]],
    "three zeros in a row": [[0.0, 0.0, 0.0], [3.0, 2.0, -1.0]],
}


@pytest.mark.parametrize("dim", [None, 1, 0])
@pytest.mark.parametrize("name", list(PROD_INPUTS))
def test_prod_gradient_and_hessian_with_zeros_match_torch(name, dim):
    torch = pytest.importorskip("torch")
    data = np.array(PROD_INPUTS[name])
    x = t64(data)
    tx = torch.tensor(data, requires_grad=True)
    y = ac.prod(x, dim=dim)
    ty = tx.prod() if dim is None else tx.prod(dim)
    gy = np.arange(1.0, 1.0 + y.numel()).reshape(y.shape)
    (g,) = ac.grad(y, [x], ac.tensor(gy, dtype=ac.float64), create_graph=True)
    (tg,) = torch.autograd.grad(ty, [tx], torch.tensor(gy), create_graph=True)
    np.testing.assert_allclose(host(g), tg.detach().numpy(), rtol=1e-12, atol=0)
    v = np.linspace(-1.0, 1.0, data.size).reshape(data.shape)
    (hv,) = ac.grad(g, [x], ac.tensor(v, dtype=ac.float64))
    (thv,) = torch.autograd.grad(tg, [tx], torch.tensor(v))
    np.testing.assert_allclose(host(hv), thv.numpy(), rtol=1e-12, atol=1e-15)


def test_prod_gradient_exact_values_with_one_and_two_zeros():
    np.testing.assert_array_equal(grad_of(ac.prod, t64([2.0, 0.0, 3.0])), [0.0, 6.0, 0.0])
    np.testing.assert_array_equal(grad_of(ac.prod, t64([2.0, 0.0, 0.0])), [0.0, 0.0, 0.0])
    assert float(ac.prod(t64(np.zeros((0,))))) == 1.0


# -- logsumexp and norm stability ----------------------------------------------------------


@pytest.mark.parametrize("scale", [1e4, -1e4])
def test_logsumexp_is_finite_for_huge_logits(scale):
    torch = pytest.importorskip("torch")
    data = scale + np.array([[0.0, 1.0, -2.0], [3.0, 0.5, 0.5]])
    x = t64(data)
    y = ac.logsumexp(x, dim=1)
    g = grad_of(lambda t: ac.logsumexp(t, dim=1), x)
    assert np.isfinite(host(y)).all() and np.isfinite(g).all()
    tx = torch.tensor(data, requires_grad=True)
    ty = torch.logsumexp(tx, dim=1)
    ty.sum().backward()
    np.testing.assert_allclose(host(y), ty.detach().numpy(), rtol=1e-15)
    np.testing.assert_allclose(g, tx.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(g.sum(axis=1), [1.0, 1.0], rtol=1e-12)  # a softmax per row


def test_logsumexp_float32_mixed_extremes_and_empty():
    x = ac.tensor([1e4, -1e4, 0.0], dtype=ac.float32)
    assert float(ac.logsumexp(x)) == pytest.approx(1e4)
    assert ac.logsumexp(x).dtype == np.float32
    assert host(ac.logsumexp(ac.zeros(0, 2), dim=0)).tolist() == [-np.inf, -np.inf]


@pytest.mark.parametrize("p", [2, 1, 3, 0.5, float("inf")])
@pytest.mark.parametrize("magnitude", [1e200, 1e-200])
def test_norm_neither_overflows_nor_underflows(p, magnitude):
    data = magnitude * np.array([3.0, -4.0, 1.0])
    expected = magnitude * float(np.linalg.norm(np.array([3.0, -4.0, 1.0]), ord=p))
    x = t64(data)
    assert float(ac.norm(x, p)) == pytest.approx(expected, rel=1e-12)
    assert np.isfinite(grad_of(lambda t: ac.norm(t, p), x)).all()


@pytest.mark.parametrize("p", [2, 1, 3, 0.5, float("inf")])
def test_norm_gradient_at_zero_is_zero(p):
    x = t64(np.zeros((2, 3)))
    assert float(ac.norm(x, p)) == 0.0
    np.testing.assert_array_equal(grad_of(lambda t: ac.norm(t, p), x), np.zeros((2, 3)))
    np.testing.assert_array_equal(grad_of(lambda t: ac.norm(t, p, dim=1), x), np.zeros((2, 3)))


def test_norm_p2_second_derivative_at_zero_is_zero_not_nan():
    x = t64([0.0, 0.0])
    (g,) = ac.grad(ac.norm(x), [x], create_graph=True)
    (h,) = ac.grad(g.sum(), [x])
    np.testing.assert_array_equal(host(h), [0.0, 0.0])


def test_norm_orders_match_numpy_and_frobenius():
    data = np.array([[1.0, -2.0], [3.0, 0.5]])
    x = t64(data, requires_grad=False)
    assert float(ac.norm(x)) == pytest.approx(np.linalg.norm(data, "fro"))
    assert float(ac.norm(x, "fro")) == pytest.approx(np.linalg.norm(data, "fro"))
    assert float(ac.norm(x, ord=1)) == pytest.approx(np.abs(data).sum())
    np.testing.assert_allclose(host(x.norm(3, dim=1)), np.linalg.norm(data, ord=3, axis=1))


# -- var and std ---------------------------------------------------------------------------


@pytest.mark.parametrize("correction", [0, 1, 2])
@pytest.mark.parametrize("dim", [None, 0, 1, (0, 1)])
def test_var_std_correction_matches_numpy_ddof(correction, dim, device):
    data = np.random.default_rng(3).standard_normal((4, 5))
    x = t64(data, device, requires_grad=False)
    np.testing.assert_allclose(
        host(ac.var(x, dim, correction=correction)),
        np.var(data, axis=dim, ddof=correction),
        rtol=1e-12,
    )
    np.testing.assert_allclose(
        host(ac.std(x, dim, correction=correction)),
        np.std(data, axis=dim, ddof=correction),
        rtol=1e-12,
    )


def test_var_defaults_and_aliases_of_the_correction():
    data = np.array([1.0, 2.0, 4.0, 7.0])
    x = t64(data, requires_grad=False)
    assert float(x.var()) == pytest.approx(np.var(data, ddof=1))  # PyTorch's default
    assert float(x.var(unbiased=False)) == pytest.approx(np.var(data))
    assert float(x.std(ddof=0)) == pytest.approx(np.std(data))
    with pytest.raises(TypeError, match="var: pass only one of correction, unbiased, ddof"):
        ac.var(x, correction=1, ddof=1)
    with pytest.raises(ValueError, match="std: correction must be a non-negative int"):
        ac.std(x, correction=-1)


def test_std_gradient_is_zero_on_a_constant_slice():
    x = t64([[2.0, 2.0, 2.0], [1.0, 2.0, 3.0]])
    g = grad_of(lambda t: ac.std(t, dim=1), x)
    np.testing.assert_array_equal(g[0], [0.0, 0.0, 0.0])
    np.testing.assert_allclose(g[1], [-0.5, 0.0, 0.5])


def test_var_without_degrees_of_freedom_is_inf_or_nan_without_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isinf(float(ac.var(t64([1.0, 2.0]), correction=2)))
        assert np.isnan(float(ac.var(t64([1.0]))))


# -- argument aliases ----------------------------------------------------------------------

ALIAS_OPS = [
    ac.sum,
    ac.mean,
    ac.amax,
    ac.amin,
    ac.prod,
    ac.var,
    ac.std,
    ac.logsumexp,
    ac.norm,
    ac.argmax,
    ac.argmin,
    lambda x, **kw: ac.max(x, **kw)[0],
    lambda x, **kw: ac.min(x, **kw)[0],
]
ALIAS_IDS = [
    "sum",
    "mean",
    "amax",
    "amin",
    "prod",
    "var",
    "std",
    "logsumexp",
    "norm",
    "argmax",
    "argmin",
    "max",
    "min",
]


@pytest.mark.parametrize("fn", ALIAS_OPS, ids=ALIAS_IDS)
def test_dim_axis_and_keepdim_keepdims_are_aliases(fn):
    x = t64(np.random.default_rng(0).standard_normal((2, 3, 4)), requires_grad=False)
    reference = host(fn(x, dim=-1, keepdim=True))
    assert reference.shape == (2, 3, 1)
    for kwargs in (
        {"axis": -1, "keepdims": True},
        {"dim": 2, "keepdims": True},
        {"axis": 2, "keepdim": True},
    ):
        np.testing.assert_array_equal(host(fn(x, **kwargs)), reference)
    assert fn(x, axis=1).shape == (2, 4)
    with pytest.raises(TypeError, match="pass dim or axis, not both"):
        fn(x, dim=1, axis=1)
    with pytest.raises(TypeError, match="pass keepdim or keepdims, not both"):
        fn(x, dim=1, keepdim=True, keepdims=True)


def test_tensor_methods_exist():
    x = t64([[1.0, -2.0], [3.0, 4.0]], requires_grad=False)
    assert float(x.amax()) == 4.0 and float(x.prod()) == -24.0
    assert x.max(dim=0).indices.tolist() == [1, 1]
    assert float(x.logsumexp()) == pytest.approx(np.log(np.exp(host(x)).sum()))
    assert not hasattr(ac.Tensor, "einsum")


# -- errors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "sum",
        "mean",
        "max",
        "min",
        "amax",
        "amin",
        "argmax",
        "argmin",
        "prod",
        "var",
        "std",
        "logsumexp",
        "norm",
    ],
)
def test_axis_out_of_range_names_the_op_and_the_shape(name):
    x = ac.zeros(2, 3)
    with pytest.raises(ShapeError, match=rf"^{name}: axis 2 is out of range .*shape: \(2, 3\)"):
        getattr(ac, name)(x, dim=2)


@pytest.mark.parametrize("name", ["sum", "mean", "amax", "prod", "logsumexp", "norm"])
def test_dim_0_and_minus_1_of_a_0d_tensor_reduce_it_as_pytorch(name):
    x = t64(-2.5)
    for dim in (0, -1):
        out = getattr(ac, name)(x, dim=dim)
        assert out.shape == () and float(out) == float(getattr(ac, name)(x))


def test_max_rejects_a_tuple_dim_and_points_to_amax():
    with pytest.raises(TypeError, match=r"max: dim must be an int or None.*Use amax"):
        ac.max(ac.zeros(2, 3), dim=(0, 1))
    with pytest.raises(TypeError, match=r"argmin: dim must be an int or None"):
        ac.argmin(ac.zeros(2, 3), dim=(0, 1))


@pytest.mark.parametrize("name", ["max", "amin", "argmax"])
def test_reducing_an_empty_axis_without_identity_raises(name):
    with pytest.raises(
        ShapeError,
        match=rf"{name}: cannot reduce over axis 0 of a tensor of "
        r"shape \(0, 3\)",
    ):
        getattr(ac, name)(ac.zeros(0, 3), dim=0)
    with pytest.raises(ShapeError, match=rf"{name}: cannot reduce over all axes"):
        getattr(ac, name)(ac.zeros(0, 3))


@pytest.mark.parametrize("p", ["nuc", True])  # p ≤ 0: test_reduce_fuzz_regressions.py
def test_norm_rejects_unsupported_orders(p):
    with pytest.raises(ValueError, match=r"norm: p must be a number .* or 'fro'"):
        ac.norm(ac.ones(3), p)
    with pytest.raises(TypeError, match="norm: pass p or ord, not both"):
        ac.norm(ac.ones(3), 2, ord=2)
