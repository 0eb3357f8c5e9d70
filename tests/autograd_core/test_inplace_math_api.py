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

# torch's top-level in-place functions that ours leaves out: nn.functional's (ours are in nn)
# and storage/sparse ones
TOP_LEVEL_SKIPPED = {
    "alpha_dropout_",
    "as_strided_",
    "celu_",
    "dropout_",
    "embedding_renorm_",
    "feature_alpha_dropout_",
    "feature_dropout_",
    "resize_as_",
    "resize_as_sparse_",
    "rrelu_",
    "selu_",
    "threshold_",
}


def test_the_top_level_in_place_functions_are_torchs(torch):
    theirs = {m for m in dir(torch) if m.endswith("_") and not m.startswith("_")}
    assert set(INPLACE_FUNCTIONS) == theirs - TOP_LEVEL_SKIPPED
    assert all(hasattr(ac.Tensor, name) for name in INPLACE_FUNCTIONS)


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
# torch's in-place Tensor methods that ours lacks (random fills, shape changes in place,
# storage and sparse ones)
LACKING = [
    "as_strided_",
    "cauchy_",
    "exponential_",
    "geometric_",
    "log_normal_",
    "map2_",
    "random_",
    "resize_as_",
    "resize_as_sparse_",
    "set_",
    "sparse_resize_",
    "sparse_resize_and_clear_",
    "squeeze_",
    "swapaxes_",
    "swapdims_",
    "t_",
    "transpose_",
    "unsqueeze_",
]


def test_every_supported_in_place_name_is_a_tensor_method():
    names = [*SUPPORTED, *INPLACE_FUNCTIONS]
    assert not [m for m in names if not callable(getattr(ac.Tensor, m, None))]
    assert not [m for m in INPLACE_FUNCTIONS if not callable(getattr(ac, m, None))]


def test_every_supported_method_has_a_value_case():
    assert sorted(set(SUPPORTED) - {case[0] for case in VALUE_CASES}) == []


def test_the_in_place_methods_ours_lacks_are_pinned(torch):
    theirs = [m for m in dir(torch.Tensor) if m.endswith("_") and not m.startswith("_")]
    assert [m for m in theirs if not hasattr(ac.Tensor, m)] == LACKING
