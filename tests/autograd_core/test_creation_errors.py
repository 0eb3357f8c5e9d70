"""What the tensor creators refuse, as the user meets it: each error is typed, names the API,
shows what it was given and says what to do; and the NumPy bridge (``from_numpy``,
``Tensor.numpy()``) shares memory on the CPU, as PyTorch's does."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac

# -- data that is not a rectangular array of numbers ------------------------------------------


@pytest.mark.parametrize(
    "data, where",
    [
        ([[1, 2, 3], [4, 5]], r"data\[0\] has length 3 but data\[1\] has length 2"),
        ([[1.0, 2.0], 3.0], r"data\[1\] is a number but data\[0\] is a sequence"),
        ([[[1, 2], [3, 4]], [[5, 6], [7]]], r"data\[0\]\[0\] has length 2 but data\[1\]\[1\]"),
        ([np.zeros(2), np.zeros(3)], r"data\[0\] has length 2 but data\[1\] has length 3"),
    ],
)
def test_ragged_nested_lists_say_where(data, where):
    with pytest.raises(ac.ShapeError, match=r"^tensor: nested sequences must be rectangular") as e:
        ac.tensor(data)
    assert e.match(where) and e.match("Pad the rows")
    assert "inhomogeneous" not in str(e.value)  # NumPy's text does not reach the user
    assert isinstance(e.value, ValueError)


def test_ragged_data_is_refused_by_every_entry_point():
    for make in (ac.as_tensor, ac.Tensor, lambda d: ac.tensor(d, dtype=ac.float64)):
        with pytest.raises(ac.ShapeError, match="rectangular"):
            make([[1, 2], [3]])


@pytest.mark.parametrize(
    "data, match",
    [
        (["a", "b"], r"cannot make a tensor from strings; got dtype <U1"),
        ([1, "a"], r"from strings"),
        (np.array(["x"]), r"from strings"),
        (np.array([1, None], dtype=object), r"dtype object is not supported \(shape \(2,\)"),
        ([1, None], r"dtype object is not supported"),
        (np.array(["2026-01-01"], dtype="datetime64[D]"), r"dtype datetime64\[D\] is not"),
    ],
)
def test_non_numbers_are_refused_with_a_type_error(data, match):
    for make in (ac.tensor, ac.as_tensor, ac.Tensor):
        with pytest.raises(ac.DTypeError, match=match):
            make(data)
    assert issubclass(ac.DTypeError, TypeError)


def test_strings_that_do_not_convert_to_the_asked_dtype():
    with pytest.raises(ac.DTypeError, match=r"could not make a float64 array from list data"):
        ac.tensor(["1.5", "a"], dtype=ac.float64)
    assert ac.tensor(["1.5"], dtype=ac.float64).tolist() == [1.5]  # NumPy converts these


def test_complex_tensors_cannot_require_grad():
    with pytest.raises(ac.DTypeError, match=r"complex tensors cannot require gradients.*complex"):
        ac.tensor([1 + 2j], requires_grad=True)
    with pytest.raises(ac.DTypeError, match=r"has dtype complex64"):
        ac.tensor(np.ones(2, np.complex64)).requires_grad_()
    assert ac.tensor([1 + 2j]).dtype == np.complex128  # without gradients they are fine


# -- sizes and ranges ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: ac.zeros(2.5), r"zeros: sizes must be integers; got 2.5 \(float\)"),
        (lambda: ac.ones((2, 3.0)), r"ones: sizes must be integers; got 3.0"),
        (lambda: ac.full(2.5, 1.0), r"full: sizes must be integers"),
        (lambda: ac.randn("3"), r"randn: sizes must be integers; got '3' \(str\)"),
    ],
)
def test_non_integer_sizes_are_a_type_error(make, match):
    with pytest.raises(TypeError, match=match):
        make()


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: ac.randn(-1), r"randn: sizes must be non-negative; got \(-1,\)"),
        (lambda: ac.zeros(2, -3), r"zeros: sizes must be non-negative; got \(2, -3\)"),
        (lambda: ac.eye(-2), r"eye: sizes must be non-negative"),
        (lambda: ac.linspace(0, 1, -1), r"linspace: sizes must be non-negative"),
        (lambda: ac.randint(3, size=(-1,)), r"randint: sizes must be non-negative"),
    ],
)
def test_negative_sizes_are_a_shape_error(make, match):
    with pytest.raises(ac.ShapeError, match=match):
        make()


def test_integer_like_sizes_still_work():
    assert ac.zeros(np.int64(2), 3).shape == (2, 3)
    assert ac.zeros([2, 0]).shape == (2, 0)
    assert ac.randn(()).shape == ()


def test_randint_needs_low_below_high():
    with pytest.raises(ValueError, match=r"randint: low must be less than high.*low=5, high=2"):
        ac.randint(5, 2)
    with pytest.raises(ValueError, match=r"low=0, high=0"):
        ac.randint(0, size=(3,))
    assert set(ac.randint(2, 4, size=(200,)).tolist()) == {2, 3}


def test_arange_step_zero_and_random_floats_of_an_integer_dtype():
    with pytest.raises(ValueError, match=r"arange: step must not be zero"):
        ac.arange(0, 3, 0)
    with pytest.raises(ac.DTypeError, match=r"randn: .* needs a floating dtype; got int64"):
        ac.randn(3, dtype=ac.int64)
    with pytest.raises(ac.DTypeError, match=r"rand: "):
        ac.rand_like(ac.zeros(2), dtype=ac.int32)


# -- devices and integer powers -----------------------------------------------------------------


@pytest.mark.parametrize("spec", ["gpu", "mps", "GPU:0"])
def test_to_an_unknown_device_string(spec):
    t = ac.tensor([1.0])
    with pytest.raises(
        ac.DeviceError, match=rf"to: '{spec}' is neither a device nor a dtype.*'cuda'"
    ):
        t.to(spec)
    assert t.to("float64").dtype == np.float64  # dtype names still work


def test_device_gpu_says_cuda():
    with pytest.raises(ac.DeviceError, match=r"unknown device 'gpu'.*a GPU is 'cuda'"):
        ac.tensor([1.0]).to(device="gpu")


@pytest.mark.parametrize(
    "expr",
    [
        lambda t: t**-1,
        lambda t: 2 ** ac.tensor([1, -2]),
        lambda t: ac.pow(t, ac.tensor([2, -1, 0])),
    ],
)
def test_integer_to_a_negative_integer_power(expr):
    t = ac.tensor([1, 2, 3])
    with pytest.raises(ac.DTypeError, match=r"pow: integers to negative integer powers .*int64"):
        expr(t)


def test_integer_powers_that_are_allowed():
    t = ac.tensor([1, 2, 4])
    assert (t**2).tolist() == [1, 4, 16]
    np.testing.assert_allclose((t**-1.0).numpy(), [1.0, 0.5, 0.25])
    np.testing.assert_allclose((t.float() ** -1).numpy(), [1.0, 0.5, 0.25])


# -- the *_like creators take a dtype and a device ----------------------------------------------


@pytest.mark.parametrize(
    "make, dtype",
    [
        (lambda t, d: ac.zeros_like(t, dtype=d), ac.int32),
        (lambda t, d: ac.ones_like(t, dtype=d), ac.float64),
        (lambda t, d: ac.empty_like(t, dtype=d), ac.float16),
        (lambda t, d: ac.full_like(t, 7, dtype=d), ac.int64),
        (lambda t, d: ac.rand_like(t, dtype=d), ac.float64),
        (lambda t, d: ac.randn_like(t, dtype=d), ac.float64),
    ],
)
def test_like_creators_take_a_dtype(make, dtype):
    t = ac.ones(2, 3)
    out = make(t, dtype)
    assert out.shape == (2, 3) and out.dtype == np.dtype(dtype) and out.device == t.device
    assert make(t, None).dtype == t.dtype


def test_like_creators_values_and_device(torch):
    t = ac.ones(2, 3)
    assert (
        ac.full_like(t, 7, dtype=ac.int64).tolist()
        == torch.full_like(torch.ones(2, 3), 7, dtype=torch.int64).tolist()
    )
    assert ac.zeros_like(t, device="cpu").device == ac.Device("cpu")
    assert ac.ones_like(t, dtype="float64", requires_grad=True).requires_grad


# -- the NumPy bridge ---------------------------------------------------------------------------


def test_from_numpy_shares_memory_both_ways():
    a = np.arange(4.0)
    t = ac.from_numpy(a)
    assert t.dtype == np.float64 and not t.requires_grad  # the dtype is kept, as in PyTorch
    a[0] = 10.0
    assert t.tolist() == [10.0, 1.0, 2.0, 3.0]
    t.data[1] = 20.0
    assert a[1] == 20.0
    assert ac.from_numpy(np.arange(3, dtype=np.int32)).dtype == np.int32


def test_numpy_shares_memory_on_the_cpu():
    t = ac.zeros(3)
    a = t.numpy()
    a[0] = 5.0
    assert t.tolist() == [5.0, 0.0, 0.0]
    t.data[2] = -1.0
    assert a[2] == -1.0
    assert ac.from_numpy(a).numpy() is a


def test_from_numpy_refuses_what_is_not_a_numeric_ndarray():
    with pytest.raises(TypeError, match=r"from_numpy: expected a NumPy ndarray, got list"):
        ac.from_numpy([1.0, 2.0])
    with pytest.raises(ac.DTypeError, match=r"dtype object"):
        ac.from_numpy(np.array([1, None], dtype=object))
