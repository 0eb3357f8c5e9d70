"""The names around the in-place math methods: torch's top-level in-place functions
(``ac.abs_(x)``), which of torch's in-place Tensor methods ours has, ``fill_diagonal_``, the
aliases (``absolute``, ``greater``, ``igamma``, ``conj_physical``, ...) and ``index_reduce``."""

from __future__ import annotations

import numpy as np
import pytest
from inplace_cases import VALUE_CASES, F

import autograd_core as ac
from autograd_core.inplace_math import INPLACE_FUNCTIONS

# -- top-level functions and coverage -----------------------------------------------------------

# torch's top-level in-place functions of nn.functional (autograd_core/nn_functions.py), and
# the storage/sparse ones and embedding_renorm_ that ours leaves out
NN_IN_PLACE = {
    "alpha_dropout_",
    "celu_",
    "dropout_",
    "feature_alpha_dropout_",
    "feature_dropout_",
    "rrelu_",
    "selu_",
    "threshold_",
}
TOP_LEVEL_SKIPPED = {"embedding_renorm_", "resize_as_", "resize_as_sparse_"}


def test_the_top_level_in_place_functions_are_torchs(torch):
    theirs = {m for m in dir(torch) if m.endswith("_") and not m.startswith("_")}
    assert set(INPLACE_FUNCTIONS) == theirs - TOP_LEVEL_SKIPPED - NN_IN_PLACE
    assert all(hasattr(ac.Tensor, name) for name in INPLACE_FUNCTIONS)
    assert all(callable(getattr(ac, name, None)) for name in NN_IN_PLACE)
    assert not [name for name in TOP_LEVEL_SKIPPED if hasattr(ac, name)]


@pytest.mark.parametrize(
    ("name", "args"),
    [("abs_", ()), ("relu_", ()), ("clamp_", (-1.0, 1.0)), ("xlogy_", (2.0,)), ("zero_", ())],
)
def test_a_top_level_function_changes_its_input_as_torch(torch, name, args):
    t = torch.tensor(F)
    x = ac.tensor(F)
    assert getattr(ac, name)(x, *args) is x
    getattr(torch, name)(t, *args)
    np.testing.assert_allclose(x.numpy(), t.numpy(), rtol=1e-6)


def test_a_top_level_function_needs_a_tensor():
    with pytest.raises(TypeError, match="abs_: input must be a Tensor"):
        ac.abs_([1.0, -2.0])


# the in-place math methods inplace_math.py adds (a fixed list, so that losing one fails)
SUPPORTED = (
    "abs_ absolute_ addbmm_ addcdiv_ addcmul_ addmm_ addmv_ baddbmm_ bitwise_and_ "
    "bitwise_left_shift_ bitwise_not_ bitwise_or_ bitwise_right_shift_ bitwise_xor_ ceil_ cos_ "
    "cumprod_ cumsum_ eq_ erf_ erfc_ expm1_ fill_diagonal_ float_power_ floor_ floor_divide_ "
    "fmod_ gcd_ ge_ greater_ greater_equal_ gt_ igamma_ igammac_ index_copy_ index_fill_ "
    "index_reduce_ lcm_ le_ less_ less_equal_ log1p_ log_ logical_and_ logical_not_ logical_or_ "
    "logical_xor_ lt_ masked_scatter_ ne_ not_equal_ pow_ reciprocal_ remainder_ round_ rsqrt_ "
    "scatter_add_ scatter_reduce_ sign_ sin_ sqrt_ square_ tril_ triu_ conj_physical_"
).split()
# torch's in-place Tensor methods that ours lacks: storage resizing and sparse ones (the random
# fills and in-place shape changes are in inplace_fills.py and inplace_shape.py)
LACKING = ["resize_as_", "resize_as_sparse_", "set_", "sparse_resize_", "sparse_resize_and_clear_"]


def test_every_supported_in_place_name_is_a_tensor_method():
    names = [*SUPPORTED, *INPLACE_FUNCTIONS]
    assert not [m for m in names if not callable(getattr(ac.Tensor, m, None))]
    assert not [m for m in INPLACE_FUNCTIONS if not callable(getattr(ac, m, None))]


def test_every_supported_method_has_a_value_case():
    assert sorted(set(SUPPORTED) - {case[0] for case in VALUE_CASES}) == []


def test_the_in_place_methods_ours_lacks_are_pinned(torch):
    theirs = [m for m in dir(torch.Tensor) if m.endswith("_") and not m.startswith("_")]
    assert [m for m in theirs if not hasattr(ac.Tensor, m)] == LACKING


# -- fill_diagonal_ -----------------------------------------------------------------------------

DIAGONAL_SHAPES = [
    ((5, 3), True),
    ((5, 3), False),
    ((7, 3), True),
    ((4, 1), True),
    ((2, 4), True),
    ((3, 3), False),
    ((3, 3, 3), False),
    ((2, 2, 2, 2), True),
    ((0, 3), True),
]


@pytest.mark.parametrize(("shape", "wrap"), DIAGONAL_SHAPES)
def test_fill_diagonal_matches_numpy(shape, wrap):
    want = np.arange(float(np.prod(shape))).reshape(shape)
    x = ac.tensor(want.copy())
    np.fill_diagonal(want, -7.0, wrap=wrap)
    assert x.fill_diagonal_(-7.0, wrap=wrap) is x
    np.testing.assert_array_equal(x.numpy(), want)


@pytest.mark.parametrize(("shape", "wrap"), DIAGONAL_SHAPES)
def test_fill_diagonal_values_and_gradient_match_torch(torch, shape, wrap):
    results = []
    for lib in (torch, ac):
        x = lib.tensor(np.arange(float(np.prod(shape))).reshape(shape), requires_grad=True)
        a = x * 1
        a.fill_diagonal_(2.5, wrap=wrap)
        w = lib.tensor(np.arange(1.0, a.numel() + 1).reshape(shape))
        (a * w).sum().backward()
        results.append((a.detach().numpy(), x.grad.numpy()))
    for got, want in zip(results[1], results[0]):
        np.testing.assert_array_equal(got, want)


def test_fill_diagonal_casts_the_value_to_the_dtype_as_torch(torch):
    assert ac.zeros(2, 2, dtype=ac.int64).fill_diagonal_(1.5).tolist() == [[1, 0], [0, 1]]
    assert torch.zeros(2, 2, dtype=torch.int64).fill_diagonal_(1.5).tolist() == [[1, 0], [0, 1]]
    b = ac.zeros(2, 3, dtype=ac.bool).fill_diagonal_(True)
    assert b.dtype == ac.bool and b.tolist() == [[True, False, False], [False, True, False]]


@pytest.mark.parametrize(
    ("shape", "match"), [((3,), "at least 2 dims"), ((2, 3, 3), "all dims of equal length")]
)
def test_fill_diagonal_refuses_what_torch_refuses(torch, shape, match):
    with pytest.raises(RuntimeError):
        torch.zeros(shape).fill_diagonal_(1.0)
    with pytest.raises(ac.ShapeError, match=match):
        ac.zeros(*shape).fill_diagonal_(1.0)


def test_fill_diagonal_with_a_tensor_value_sends_it_the_diagonals_gradient():
    # deliberate difference: torch takes only a number (a tensor that requires grad is a
    # TypeError); ours takes a 0-d tensor and gives it d(sum(w * a))/dv = sum of w's diagonal
    x = ac.zeros(3, 3, dtype=ac.float64, requires_grad=True)
    v = ac.tensor(2.0, dtype=ac.float64, requires_grad=True)
    a = x * 1
    a.fill_diagonal_(v)
    w = ac.tensor(np.arange(9.0).reshape(3, 3))
    (a * w).sum().backward()
    assert v.grad.item() == 0.0 + 4.0 + 8.0
    np.testing.assert_array_equal(x.grad.numpy(), w.numpy() * (1 - np.eye(3)))
    with pytest.raises(ac.ShapeError, match="0-d tensor"):
        ac.zeros(2, 2).fill_diagonal_(ac.ones(2))


# -- the aliases --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("alias", "name"),
    [
        ("absolute", "abs"),
        ("greater", "gt"),
        ("greater_equal", "ge"),
        ("less", "lt"),
        ("less_equal", "le"),
        ("not_equal", "ne"),
    ],
)
def test_an_alias_is_the_function_it_names_and_matches_torch(torch, alias, name):
    assert getattr(ac, alias) is getattr(ac, name)
    a, b = [1.5, -2.0, 0.5], [0.5, -2.0, 3.0]
    args = [] if alias == "absolute" else [b]
    got = getattr(ac.tensor(a), alias)(*[ac.tensor(v) for v in args])
    want = getattr(torch, alias)(torch.tensor(a), *[torch.tensor(v) for v in args])
    assert got.tolist() == want.tolist()
    assert str(got.dtype) == str(want.dtype).removeprefix("torch.")


@pytest.mark.parametrize(("alias", "name"), [("igamma", "gammainc"), ("igammac", "gammaincc")])
def test_igamma_is_the_regularized_incomplete_gamma_as_torch(torch, alias, name):
    assert getattr(ac, alias) is getattr(ac.special, name)
    a, x = [0.5, 2.0, 7.5], [1.0, 0.25, 9.0]
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    want = getattr(torch, alias)(torch.tensor(a, dtype=torch.float64), t)
    want.sum().backward()
    y = ac.tensor(x, dtype=ac.float64, requires_grad=True)
    got = getattr(ac.tensor(a, dtype=ac.float64), alias)(y)
    got.sum().backward()
    np.testing.assert_allclose(got.numpy(), want.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(y.grad.numpy(), t.grad.numpy(), rtol=1e-12)


def test_conj_physical_is_the_tensor_itself_for_reals_and_conjugates_complex(torch):
    x, tx = ac.tensor([1.5, -2.0], requires_grad=True), torch.tensor([1.5, -2.0])
    assert ac.conj_physical(x) is x and torch.conj_physical(tx) is tx
    z = ac.tensor([1 + 2j, -3j], dtype=ac.complex64).conj_physical()
    want = torch.tensor([1 + 2j, -3j], dtype=torch.complex64).conj_physical()
    np.testing.assert_array_equal(z.numpy(), want.numpy())
    assert z.dtype == ac.complex64
