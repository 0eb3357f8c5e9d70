"""Module.get_submodule / get_parameter / get_buffer, Module.half and Module.type against torch."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
import nn

torch = pytest.importorskip("torch")


def _pair():
    ours = nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.BatchNorm1d(3), nn.Linear(3, 1)))
    theirs = torch.nn.Sequential(
        torch.nn.Linear(2, 3), torch.nn.Sequential(torch.nn.BatchNorm1d(3), torch.nn.Linear(3, 1))
    )
    return ours, theirs


TARGETS = [
    "",
    "0",
    "1",
    "1.0",
    "1.1",
    "2",
    "x",
    "1.3",
    "0.weight",
    "0.bias",
    "0.foo",
    "0.weight.x",
    "1.0.running_mean",
    "1.0.num_batches_tracked",
    "1.0.training",
    "1.1.weight",
]


def _outcome(fn, target):
    try:
        got = fn(target)
    except AttributeError as e:
        return ("error", str(e))
    return ("ok", getattr(got, "shape", None) and tuple(got.shape), type(got).__name__)


@pytest.mark.parametrize("method", ["get_submodule", "get_parameter", "get_buffer"])
@pytest.mark.parametrize("target", TARGETS)
def test_lookup_results_and_messages_match_torch(method, target):
    ours, theirs = _pair()
    a = _outcome(getattr(ours, method), target)
    b = _outcome(getattr(theirs, method), target)
    assert a == b  # same outcome, message or (shape, class name)


def test_lookup_returns_the_member_itself():
    ours, _ = _pair()
    assert ours.get_submodule("1.1") is ours[1][1]
    assert ours.get_parameter("1.1.weight") is ours[1][1].weight
    assert ours.get_buffer("1.0.running_var") is ours[1][0].running_var
    assert ours.get_submodule("") is ours


def _dtypes(module):
    return [str(t.dtype).replace("torch.", "") for t in [*module.parameters(), *module.buffers()]]


@pytest.mark.parametrize("cast", ["half", "float16", "float64", "float32"])
def test_half_and_type_cast_like_torch(cast):
    ours, theirs = _pair()
    if cast == "half":
        ours.half()
        theirs.half()
    else:
        ours.type(getattr(ac, cast))
        theirs.type(getattr(torch, cast))
    assert _dtypes(ours) == _dtypes(theirs)
    # type() casts the integer buffer too; half() leaves it alone
    expected = "int64" if cast == "half" else cast
    assert str(ours[1][0].num_batches_tracked.dtype) == expected
    assert ours.type("float64") is ours


def test_type_keeps_values_and_casts_gradients():
    lin = nn.Linear(2, 2)
    w = lin.weight.data.copy()
    lin(ac.ones(1, 2)).sum().backward()
    lin.type(ac.float64)
    np.testing.assert_array_equal(lin.weight.data, w.astype(np.float64))
    assert lin.weight.grad.dtype == np.float64
    out = lin(ac.ones(1, 2, dtype=ac.float64))
    assert out.dtype == np.float64


def test_type_to_integer_refuses_trainable_parameters_before_casting():
    bn = nn.BatchNorm1d(2)
    with pytest.raises(RuntimeError, match="'weight' requires grad .* floating point"):
        bn.type(ac.int32)
    assert bn.weight.dtype == np.float32 and bn.num_batches_tracked.dtype == np.int64
    bn.requires_grad_(False).type(ac.int32)
    assert _dtypes(bn) == ["int32"] * 5
    with pytest.raises(TypeError, match="not a dtype"):
        bn.type(object())
