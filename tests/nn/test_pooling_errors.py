"""Pooling errors as a user meets them: the op, the input shape, the arguments and the computed
output size named, and what to change."""

from __future__ import annotations

import pytest

import autograd_core as ac
import nn
import nn.functional as F


def test_output_size_error_names_op_shapes_arguments_and_the_size():
    with pytest.raises(
        ac.ShapeError,
        match=r"max_pool2d: the computed output size \(0, 0\) is "
        r"too small \(input \(1, 1, 2, 2\), kernel_size=\(3, 3\)",
    ):
        F.max_pool2d(ac.ones(1, 1, 2, 2), 3)
    with pytest.raises(ac.ShapeError, match=r"avg_pool1d: the computed output size \(0,\)"):
        F.avg_pool1d(ac.ones(1, 1, 2), 4, padding=0)


def test_padding_larger_than_half_the_kernel_is_refused():
    with pytest.raises(
        ac.ShapeError,
        match=r"max_pool1d: padding must be at most half the "
        r"kernel size .*Lower padding to at most \(1,\)",
    ):
        F.max_pool1d(ac.ones(1, 1, 8), 3, padding=2)
    with pytest.raises(ac.ShapeError, match=r"avg_pool2d: padding must be at most half"):
        nn.AvgPool2d(2, padding=(0, 2))(ac.ones(1, 1, 8, 8))


def test_bad_arguments_and_ranks_raise_typed_errors():
    with pytest.raises(ac.ShapeError, match=r"max_pool2d: expected a 3-D \(C, \*, \*\) or 4-D"):
        F.max_pool2d(ac.ones(8, 8), 2)
    with pytest.raises(ac.ShapeError, match=r"max_pool3d: kernel_size must be an int or 3 ints"):
        F.max_pool3d(ac.ones(1, 1, 4, 4, 4), (2, 2))
    with pytest.raises(ac.ShapeError, match=r"avg_pool2d: stride must be .* at least 1"):
        F.avg_pool2d(ac.ones(1, 1, 4, 4), 2, stride=0)
    with pytest.raises(
        ac.ShapeError,
        match=r"adaptive_avg_pool2d: output_size must be an int "
        r"or 2 values",
    ):
        F.adaptive_avg_pool2d(ac.ones(1, 1, 4, 4), (1, 2, 3))
    with pytest.raises(ac.ShapeError, match=r"adaptive_max_pool1d: output_size \(-1,\) must be at"):
        F.adaptive_max_pool1d(ac.ones(1, 1, 4), -1)  # 0 gives an empty output, as torch
    with pytest.raises(ac.ShapeError, match=r"input spatial size \(0,\) at least 1"):
        F.adaptive_avg_pool1d(ac.ones(1, 1, 0), 2)
    with pytest.raises(ac.ShapeError, match=r"global_avg_pool: expected an \(N, C, \*spatial\)"):
        F.global_avg_pool(ac.ones(2, 3))
    with pytest.raises(ValueError, match=r"lp_pool1d: norm_type must be non-zero"):
        F.lp_pool1d(ac.ones(1, 1, 4), 0, 2)


def test_max_unpool_refuses_indices_that_do_not_fit():
    y, i = F.max_pool2d(ac.ones(1, 1, 4, 4), 2, return_indices=True)
    with pytest.raises(
        ac.ShapeError,
        match=r"max_unpool2d: indices range from 0 to 10, "
        r"outside an output plane of size \(2, 2\)",
    ):
        F.max_unpool2d(y, i, 2, output_size=(2, 2))
    with pytest.raises(
        ac.ShapeError,
        match=r"max_unpool2d: indices of shape \(1, 1, 1, 2\) do "
        r"not match",
    ):
        F.max_unpool2d(y, i[..., :1, :], 2)
    with pytest.raises(ac.DTypeError, match=r"max_unpool2d: indices must be integers"):
        F.max_unpool2d(y, i.double(), 2)
