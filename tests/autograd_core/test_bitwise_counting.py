"""bitwise_and/or/xor/not, gcd, lcm, the operators & | ^ ~, isin and unique_consecutive
against PyTorch and NumPy: values, dtypes, broadcasting, empty and 0-d inputs, no gradient,
and every error path."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
from autograd_core.errors import DTypeError, ShapeError

BINARY = ["bitwise_and", "bitwise_or", "bitwise_xor", "gcd", "lcm"]


def _same(got, want):
    assert got.shape == tuple(want.shape)
    assert str(got.dtype) == str(want.dtype).removeprefix("torch.")
    assert got.tolist() == want.tolist()


@pytest.mark.parametrize("name", BINARY)
@pytest.mark.parametrize(
    ("a", "b"),
    [
        (np.array([[12, -7, 0], [5, 9, -16]]), np.array([6, 4, 0])),
        (np.array([3, 8], np.int32), np.array([[5], [12]], np.int32)),
        (np.array([3, 8], np.int16), np.array([5, 12], np.int64)),
        (np.zeros((0, 2), np.int64), np.array([1, 2])),
        (np.array(6), np.array(4)),
    ],
)
def test_binary_integer_ops_match_torch(name, a, b, torch):
    got = getattr(ac, name)(ac.tensor(a), ac.tensor(b))
    want = getattr(torch, name)(torch.tensor(a), torch.tensor(b))
    _same(got, want)
    np.testing.assert_array_equal(got.numpy(), getattr(np, name)(a, b))


@pytest.mark.parametrize("name", BINARY)
def test_a_python_int_keeps_the_tensor_dtype(name, torch):
    a = np.array([12, 9, 0], np.int32)
    six = 6 if name.startswith("bitwise") else torch.tensor(6)  # torch.gcd wants a tensor
    _same(getattr(ac, name)(ac.tensor(a), 6), getattr(torch, name)(torch.tensor(a), six))
    _same(getattr(ac.tensor(a), name)(6), getattr(torch.tensor(a), name)(six))


@pytest.mark.parametrize("name", ["bitwise_and", "bitwise_or", "bitwise_xor"])
def test_bitwise_ops_on_bools_are_the_logical_ops(name, torch, rng):
    a, b = rng.random((2, 3)) > 0.5, rng.random(3) > 0.5
    _same(
        getattr(ac, name)(ac.tensor(a), ac.tensor(b)),
        getattr(torch, name)(torch.tensor(a), torch.tensor(b)),
    )  # noqa: E501


def test_bitwise_not_matches_torch(torch):
    for a in (np.array([0, 5, -1, 127], np.int8), np.array([True, False]), np.array(7)):
        _same(ac.bitwise_not(ac.tensor(a)), torch.bitwise_not(torch.tensor(a)))
        _same(~ac.tensor(a), ~torch.tensor(a))


def test_operators_are_bitwise_on_integers(torch):
    a, b = np.array([12, 10, -3]), np.array([6, 3, 5])
    x, y, tx, ty = ac.tensor(a), ac.tensor(b), torch.tensor(a), torch.tensor(b)
    for got, want in [
        (x & y, tx & ty), (x | y, tx | ty), (x ^ y, tx ^ ty), (~x, ~tx),
        (x & 6, tx & 6), (6 & x, 6 & tx), (5 | x, 5 | tx), (x ^ 1, tx ^ 1), (1 ^ x, 1 ^ tx),
    ]:  # fmt: skip
        _same(got, want)


def test_operators_on_bools_and_comparisons(torch, rng):
    a = rng.standard_normal(5)
    x, t = ac.tensor(a), torch.tensor(a)
    _same((x > 0) & (x < 1), (t > 0) & (t < 1))
    _same((x > 0) | (x < -1), (t > 0) | (t < -1))
    _same((x > 0) ^ (x < 1), (t > 0) ^ (t < 1))
    _same(~(x > 0), ~(t > 0))
    _same((x > 0) & True, (t > 0) & True)


def test_bitwise_results_record_no_graph():
    x = ac.tensor([1, 2])
    assert not ac.bitwise_and(x, x).requires_grad
    assert ac.bitwise_and(x, x).grad_fn is None


@pytest.mark.parametrize(
    ("elements", "test", "kwargs"),
    [
        ([[1, 2], [3, 4]], [2, 3], {}),
        ([[1, 2], [3, 4]], [2, 3], {"invert": True}),
        ([1.5, float("nan"), 2.0], [float("nan"), 2.0], {}),
        ([4, 1, 3], [3, 4], {"assume_unique": True}),
        ([], [1], {}),
        (3, [1, 3], {}),
        ([1, 2, 3], 2, {}),
    ],
)
def test_isin_matches_torch_and_numpy(elements, test, kwargs, torch):
    def arg(v, lib):
        return v if isinstance(v, int) else lib.tensor(v)

    got = ac.isin(arg(elements, ac), arg(test, ac), **kwargs)
    _same(got, torch.isin(arg(elements, torch), arg(test, torch), **kwargs))
    want = np.isin(elements, test, invert=kwargs.get("invert", False))
    np.testing.assert_array_equal(got.numpy(), want)


@pytest.mark.parametrize(
    ("data", "kwargs"),
    [
        ([1, 1, 2, 2, 3, 1, 1], {}),
        ([1, 1, 2, 2, 3, 1, 1], {"return_inverse": True, "return_counts": True}),
        ([[1, 1], [1, 1], [2, 3]], {"return_inverse": True, "return_counts": True}),
        ([[1, 1], [1, 1], [2, 3]], {"return_inverse": True, "return_counts": True, "dim": 0}),
        ([[1, 1], [1, 1], [2, 3]], {"return_inverse": True, "dim": -1}),
        ([[1.0, 1.0, 2.0]], {"return_counts": True, "dim": 1}),
        (3.0, {"return_inverse": True, "return_counts": True}),
        ([], {"return_inverse": True, "return_counts": True}),
        ([float("nan"), float("nan"), 1.0], {"return_counts": True}),
        (np.zeros((0, 2)), {"return_inverse": True, "return_counts": True, "dim": 0}),
    ],
)
def test_unique_consecutive_matches_torch(data, kwargs, torch):
    got = ac.unique_consecutive(ac.tensor(data), **kwargs)
    want = torch.unique_consecutive(torch.tensor(data), **kwargs)
    got, want = (got, want) if isinstance(got, tuple) else ((got,), (want,))
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g.shape == tuple(w.shape)
        assert str(g.dtype) == str(w.dtype).removeprefix("torch.")
        np.testing.assert_array_equal(g.numpy(), w.numpy())


def test_unique_consecutive_rebuilds_its_input(rng):
    x = rng.integers(0, 3, 20)
    values, inverse, counts = ac.tensor(x).unique_consecutive(True, True)
    np.testing.assert_array_equal(values.numpy()[inverse.numpy()], x)
    np.testing.assert_array_equal(np.repeat(values.numpy(), counts.numpy()), x)
    assert not ac.tensor(x.astype(float), requires_grad=True).unique_consecutive().requires_grad


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (
            lambda: ac.bitwise_and(ac.ones(2), ac.tensor([1, 2])),
            DTypeError,
            "bitwise_and: needs integer or bool",
        ),  # noqa: E501
        (lambda: ac.bitwise_or(ac.tensor([1]), 1.5), DTypeError, "bitwise_or: needs integer"),
        (lambda: ac.bitwise_xor(ac.tensor([1, 2]), ac.tensor([1, 2, 3])), ShapeError, "broadcast"),  # noqa: E501
        (lambda: ac.bitwise_not(ac.ones(2)), DTypeError, "bitwise_not: needs integer or bool"),
        (
            lambda: ac.gcd(ac.tensor([True]), ac.tensor([True])),
            DTypeError,
            "gcd: needs integer tensors",
        ),  # noqa: E501
        (lambda: ac.lcm(ac.ones(2), ac.tensor([1, 2])), DTypeError, "lcm: needs integer tensors"),
        (lambda: ac.tensor([1.0]) ^ ac.tensor([1.0]), DTypeError, "bitwise_xor"),
        (lambda: ac.isin(1, 2), TypeError, "isin: pass elements or test_elements as a tensor"),
        (lambda: ac.unique_consecutive(ac.tensor(1.0), dim=0), ShapeError, "dim=0 given for a 0-d"),  # noqa: E501
        (lambda: ac.unique_consecutive(ac.ones(2, 2), dim=2), ShapeError, "dim 2 is out of range"),  # noqa: E501
    ],
)
def test_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()
