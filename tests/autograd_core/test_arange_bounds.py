"""``ac.arange`` with 0-d tensors as bounds (task H4): PyTorch reads a 0-d tensor as its Python
number, so ``arange(tensor(3))`` is int64 like ``arange(3)``; here it was float32. Every mix of
Python numbers and 0-d integer, bool and floating tensors for start, end and step is compared
with PyTorch (dtype and values), and with the same call on plain Python numbers (no torch)."""

from __future__ import annotations

import itertools

import pytest

import autograd_core as ac

# (kind, value): made into a Python number, an ac tensor or a torch tensor below
BOUNDS = {
    "int": 2,
    "float": 2.0,
    "int64 tensor": ("int64", 2),
    "int32 tensor": ("int32", 2),
    "uint8 tensor": ("uint8", 2),
    "bool tensor": ("bool", True),
    "float32 tensor": ("float32", 2.0),
    "float16 tensor": ("float16", 2.0),
    "float64 tensor": ("float64", 2.5),
}


def _make(module, spec, shift=0):
    if not isinstance(spec, tuple):
        return spec + shift
    dtype, value = spec
    return module.tensor(value, dtype=getattr(module, dtype)) + shift


def _number(spec, shift=0):
    value = spec[1] if isinstance(spec, tuple) else spec
    return (int(value) if isinstance(value, bool) else value) + shift


COMBOS = list(itertools.product(BOUNDS, ["int", "int64 tensor", "float32 tensor"], BOUNDS))


@pytest.mark.parametrize("start, end, step", COMBOS)
def test_arange_bounds_match_torch(start, end, step, torch):
    args = (_make(ac, BOUNDS[start]), _make(ac, BOUNDS[end], 7), _make(ac, BOUNDS[step]))
    targs = (_make(torch, BOUNDS[start]), _make(torch, BOUNDS[end], 7), _make(torch, BOUNDS[step]))
    got, want = ac.arange(*args), torch.arange(*targs)
    assert str(got.dtype) == str(want.dtype).removeprefix("torch."), (start, end, step)
    assert got.tolist() == want.tolist()


@pytest.mark.parametrize("kind", BOUNDS)
def test_arange_of_one_0d_tensor_is_arange_of_its_number(kind, torch):
    spec = BOUNDS[kind]
    got = ac.arange(_make(ac, spec, 3))
    want = ac.arange(_number(spec, 3))  # a plain Python int or float
    assert got.dtype == want.dtype and got.tolist() == want.tolist()
    assert str(got.dtype) == str(torch.arange(_make(torch, spec, 3)).dtype).removeprefix("torch.")


def test_arange_of_an_integer_0d_tensor_is_int64():
    assert ac.arange(ac.tensor(3)).dtype == ac.int64  # was float32
    assert ac.arange(ac.tensor(1), ac.tensor(7), ac.tensor(2)).tolist() == [1, 3, 5]
    assert ac.arange(ac.tensor(3), dtype=ac.float64).dtype == ac.float64  # dtype= still wins


def test_arange_refuses_a_tensor_with_more_than_zero_dims(torch):
    with pytest.raises(TypeError):
        torch.arange(torch.tensor([3]))
    with pytest.raises(TypeError, match=r"arange: end must be a number or a 0-d tensor.*\(1,\)"):
        ac.arange(ac.tensor([3]))
    with pytest.raises(TypeError, match=r"arange: step must be .*shape \(2,\)"):
        ac.arange(0, 3, ac.tensor([1, 1]))
