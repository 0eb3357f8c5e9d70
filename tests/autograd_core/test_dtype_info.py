"""ac.finfo / iinfo / is_tensor / is_floating_point / promote_types / result_type / can_cast,
ac.autocast and ac.get_rng_state / set_rng_state, against torch."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import autograd_core as ac

torch = pytest.importorskip("torch")

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]
FLOATS = ["float16", "float32", "float64"]
INTS = ["uint8", "int8", "int16", "int32", "int64"]


def _name(torch_dtype):
    return str(torch_dtype).removeprefix("torch.")


@pytest.mark.parametrize("name", FLOATS)
def test_finfo_equals_torch(name):
    ours, theirs = ac.finfo(getattr(ac, name)), torch.finfo(getattr(torch, name))
    for attr in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype"):
        assert getattr(ours, attr) == getattr(theirs, attr), attr
        assert type(getattr(ours, attr)) is type(getattr(theirs, attr)), attr


def test_finfo_default_dtype_and_errors():
    assert ac.finfo().dtype == "float32" == torch.finfo().dtype
    ac.set_default_dtype(ac.float64)
    try:
        assert ac.finfo().eps == np.finfo(np.float64).eps
    finally:
        ac.set_default_dtype(ac.float32)
    with pytest.raises(TypeError, match="finfo: int32 is not a floating dtype"):
        ac.finfo(ac.int32)
    with pytest.raises(TypeError, match="iinfo: float32 is not an integer dtype"):
        ac.iinfo(ac.float32)
    with pytest.raises(TypeError, match="iinfo: bool is not an integer dtype"):
        ac.iinfo(ac.bool)
    with pytest.raises(TypeError):
        torch.iinfo(torch.bool)


@pytest.mark.parametrize("name", INTS)
def test_iinfo_equals_torch(name):
    ours, theirs = ac.iinfo(getattr(ac, name)), torch.iinfo(getattr(torch, name))
    for attr in ("bits", "max", "min", "dtype"):
        assert getattr(ours, attr) == getattr(theirs, attr), attr


def test_is_tensor_and_is_floating_point():
    import nn

    for obj in (ac.zeros(2), nn.Parameter(ac.zeros(2)), [1.0], np.zeros(2), 1.0):
        t = torch.zeros(2) if isinstance(obj, ac.Tensor) else obj
        assert ac.is_tensor(obj) == torch.is_tensor(t)
    for name in DTYPES:
        assert ac.is_floating_point(ac.zeros(2, dtype=getattr(ac, name))) == (
            torch.is_floating_point(torch.zeros(2, dtype=getattr(torch, name)))
        )
    with pytest.raises(TypeError, match="expected a Tensor, got list"):
        ac.is_floating_point([1.0])


@pytest.mark.parametrize(("a", "b"), list(itertools.product(DTYPES, DTYPES)))
def test_promote_types_and_can_cast_equal_torch(a, b):
    assert str(ac.promote_types(getattr(ac, a), getattr(ac, b))) == _name(
        torch.promote_types(getattr(torch, a), getattr(torch, b))
    )
    assert ac.can_cast(getattr(ac, a), getattr(ac, b)) == torch.can_cast(
        getattr(torch, a), getattr(torch, b)
    )


def _operands(lib, kind, dtype):
    if kind == "scalar":
        return {"bool": True, "float": 2.5, "int": 3}[dtype]
    shape = () if kind == "0d" else (2,)
    return lib.ones(shape, dtype=getattr(lib, dtype))


OPERANDS = [("1d", d) for d in DTYPES] + [("0d", d) for d in DTYPES]
OPERANDS += [("scalar", k) for k in ("bool", "int", "float")]


@pytest.mark.parametrize(("x", "y"), list(itertools.product(OPERANDS, OPERANDS)))
def test_result_type_equals_torch_and_the_ops(x, y):
    ours = ac.result_type(_operands(ac, *x), _operands(ac, *y))
    theirs = torch.result_type(_operands(torch, *x), _operands(torch, *y))
    assert str(ours) == _name(theirs)
    if x[0] != "scalar" and not (x[1] == y[1] == "bool"):
        # the same rule the ops use: the dtype of a + b (bool + bool is refused by torch too)
        assert (_operands(ac, *x) * _operands(ac, *y)).dtype == ours


def test_autocast_is_amps():
    assert ac.autocast is ac.amp.autocast
    with ac.autocast("cpu"):
        y = ac.ones(2, 3) @ ac.ones(3, 2)
    assert y.dtype == ac.float16


def test_rng_state_round_trip():
    ac.manual_seed(123)
    ac.rand(5)
    state = ac.get_rng_state()
    assert state.dtype == ac.uint8 and state.ndim == 1
    first = [ac.rand(4).tolist(), ac.randn(2).tolist(), ac.randint(0, 9, (3,)).tolist()]
    ac.rand(100)  # move on
    ac.set_rng_state(state)
    assert [ac.rand(4).tolist(), ac.randn(2).tolist(), ac.randint(0, 9, (3,)).tolist()] == first
    # a state survives a round trip through NumPy bytes (a checkpoint)
    ac.set_rng_state(ac.tensor(np.frombuffer(state.numpy().tobytes(), dtype=np.uint8)))
    assert ac.rand(4).tolist() == first[0]


def test_set_rng_state_refuses_other_values():
    with pytest.raises(RuntimeError, match="expected the uint8 Tensor"):
        ac.set_rng_state(ac.zeros(3))
    with pytest.raises(RuntimeError, match="expected the uint8 Tensor"):
        ac.set_rng_state(ac.tensor([1, 2, 3], dtype=ac.uint8))
