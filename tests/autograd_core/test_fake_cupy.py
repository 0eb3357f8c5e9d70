"""The CuPy stand-in refuses what CuPy refuses and counts what CuPy copies (each rule is cited
from CuPy's source in autograd_core/testing/fake_cupy_array.py)."""

from __future__ import annotations

import operator
import pickle
import weakref

import numpy as np
import pytest

from autograd_core.testing import fake_cupy as cp


@pytest.fixture
def transfers():
    cp.TRANSFERS.reset()
    return cp.TRANSFERS


def test_device_arrays_are_their_own_type(transfers):
    x = cp.asarray(np.arange(3.0))
    assert isinstance(x, cp.ndarray) and not isinstance(x, np.ndarray)
    assert (transfers.h2d, transfers.d2h) == (1, 0)


def test_implicit_conversion_to_numpy_raises_as_in_cupy():
    x = cp.ones(3)
    with pytest.raises(TypeError, match="Implicit conversion to a NumPy array is not allowed"):
        np.asarray(x)
    with pytest.raises(TypeError, match="Implicit conversion"):
        np.array([x, x])


@pytest.mark.parametrize(
    "mix",
    [
        lambda d, h: d + h,
        lambda d, h: h + d,
        lambda d, h: d * h,
        lambda d, h: np.add(h, d),
        lambda d, h: cp.maximum(d, h),
        lambda d, h: cp.concatenate([d, h]),
        lambda d, h: np.concatenate([d, h]),
        lambda d, h: cp.where(d > 0, d, h),
    ],
)
def test_mixing_a_host_array_and_a_device_array_raises(mix):
    with pytest.raises(TypeError, match="Unsupported type|no implementation"):
        mix(cp.ones(3), np.ones(3))


def test_numpy_functions_on_device_arrays_run_on_the_device(transfers):
    x = cp.arange(4.0)
    for y in (np.exp(x), np.concatenate([x, x]), np.sum(x), np.maximum(x, 1.0), x * np.float32(2)):
        assert isinstance(y, cp.ndarray)
    assert (transfers.h2d, transfers.d2h) == (0, 0)


def test_a_numpy_function_cupy_lacks_is_refused():
    with pytest.raises(TypeError, match="no implementation found"):
        np.nanpercentile(cp.ones(3), 50)
    with pytest.raises(AttributeError, match="no attribute 'errstate'"):
        cp.errstate  # noqa: B018


def test_reductions_and_scalar_indexing_stay_on_the_device(transfers):
    x = cp.arange(6.0).reshape(2, 3)
    for y in (x.sum(), x.max(), x[1, 2], cp.mean(x)):
        assert isinstance(y, cp.ndarray) and y.ndim == 0
    assert (transfers.h2d, transfers.d2h) == (0, 0)


def test_python_scalars_from_device_arrays_are_counted_transfers(transfers):
    x = cp.arange(3.0)
    assert float(x[2]) == 2.0 and int(x[1]) == 1 and bool(x[1]) and x.sum().item() == 3.0
    assert transfers.d2h == 4
    with pytest.raises(ValueError, match="more than one element is ambiguous"):
        bool(x)
    with pytest.raises(TypeError):
        operator.index(x[1])  # cupy.ndarray has no __index__


def test_explicit_copies_are_counted(transfers):
    x = cp.asarray(np.zeros(3))
    x.get(), cp.asnumpy(x), x.tolist(), repr(x)
    x.set(np.ones(3))
    assert cp.asnumpy(np.ones(2)).shape == (2,)  # host data passes through uncounted
    assert (transfers.h2d, transfers.d2h) == (2, 4)


def test_host_indices_and_values_are_copied_to_the_device(transfers):
    x = cp.zeros(4)
    x[np.array([0, 1])] = np.array([5.0, 6.0])
    y = x[[0, 1]]
    assert transfers.h2d == 3
    np.testing.assert_array_equal(y.get(), [5.0, 6.0])


def test_out_of_bounds_integer_array_indices_wrap_around_as_in_cupy():
    x = cp.asarray(np.array([0, 1, 2]))
    x[cp.asarray(np.array([1, 3]))] = 10
    np.testing.assert_array_equal(x.get(), [10, 10, 2])


def test_flags_have_no_writeable_field():
    x = cp.ones((2, 3))
    assert x.flags.c_contiguous and x.T.flags.f_contiguous and not x.T.flags.owndata
    with pytest.raises(AttributeError):
        x.flags.writeable  # noqa: B018


def test_in_place_operators_keep_the_array(transfers):
    x = cp.ones(3)
    y = x
    x += 1.0
    x *= cp.full(3, 2.0)
    assert y is x
    np.testing.assert_array_equal(x.get(), [4.0, 4.0, 4.0])
    cp.add.at(x, cp.asarray(np.array([0, 0])), 1.0)
    np.testing.assert_array_equal(x.get(), [6.0, 4.0, 4.0])


def test_random_draws_on_the_device_in_the_asked_dtype(transfers):
    g = cp.random.default_rng(0)
    a = g.standard_normal((2, 3), dtype=np.float32)
    b = g.random(4, dtype=np.float32)
    c = g.integers(0, 5, size=(3,))
    assert [type(v) for v in (a, b, c)] == [cp.ndarray] * 3
    assert (a.dtype, b.dtype, c.dtype) == (np.float32, np.float32, np.int64)
    assert (transfers.h2d, transfers.d2h) == (0, 0)
    with pytest.raises(TypeError, match="Unsupported dtype int64 for standard_normal"):
        g.standard_normal(2, dtype=np.int64)


def test_devices_weakrefs_pickling_and_float16():
    assert cp.cuda.runtime.getDeviceCount() >= 1
    with cp.cuda.Device(0):
        x = cp.ones(2, dtype=np.float16)
    assert x.device.id == 0 and (x + x).dtype == np.float16
    assert weakref.ref(x)() is x
    y = pickle.loads(pickle.dumps(x))
    assert isinstance(y, cp.ndarray) and y.dtype == np.float16
    with pytest.raises(cp.cuda.runtime.CUDARuntimeError, match="invalid device ordinal"):
        cp.cuda.Device(99).use()
    v = cp.lib.stride_tricks.as_strided(cp.arange(4.0), shape=(3, 2), strides=(8, 8))
    assert isinstance(v, cp.ndarray) and v.shape == (3, 2)


def test_the_strict_mode_refuses_every_implicit_copy(monkeypatch):
    from autograd_core.testing.fake_cupy_state import STATE

    monkeypatch.setattr(STATE, "strict", True)
    x = cp.arange(3.0)
    for implicit in (float, int, bool, lambda a: a.item(), lambda a: a.tolist()):
        with pytest.raises(TypeError, match="strict stand-in"):
            implicit(x[1])
    assert x[1].get() == 1.0 and cp.asnumpy(x).tolist() == [0.0, 1.0, 2.0]


def test_device_arithmetic_raises_no_floating_point_warnings(recwarn):
    x = cp.asarray(np.array([1.0, 0.0, -1.0]))
    y = (x / cp.zeros(3)).get()  # a CUDA kernel gives inf and NaN silently
    assert np.isinf(y[0]) and np.isnan(y[1])
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]
