"""as_strided against PyTorch: values, overlapping windows and stride 0, gradients (scatter-added
where windows overlap), gradcheck of both orders, view semantics, errors, and the deliberate
difference for non-contiguous inputs (ours reads their row-major elements)."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
from autograd_core.errors import ShapeError

# (input shape, size, stride, storage_offset)
GEOMETRIES = [
    ((3, 3), (2, 2), (1, 2), None),  # torch's documented example
    ((3, 3), (2, 2), (1, 2), 1),
    ((3, 3), (3, 3), (1, 1), 0),  # overlapping rows
    ((10,), (4, 4), (2, 1), 0),  # windows of 4, step 2: overlapping
    ((2, 3), (3, 2, 3), (0, 3, 1), None),  # stride 0: the input three times
    ((4, 2), (3,), (0,), 7),  # the last element three times
    ((2, 5), (5, 2), (1, 5), 0),  # a transpose
    ((2, 3, 4), (2, 2, 2), (12, 5, 1), 3),
    ((), (), (), None),
    ((), (2, 2), (0, 0), 0),
    ((2, 2), (0, 3), (9, 9), 0),  # empty: reads nothing, any stride
]
IDS = [f"{i}: {g[1]} {g[2]} +{g[3]}" for i, g in enumerate(GEOMETRIES)]


@pytest.mark.parametrize(("shape", "size", "stride", "offset"), GEOMETRIES, ids=IDS)
def test_values_and_gradients_match_torch(torch, rng, shape, size, stride, offset):
    a = rng.standard_normal(shape)
    x = ac.tensor(a, requires_grad=True)
    tx = torch.tensor(a, requires_grad=True)
    y = ac.as_strided(x, size, stride, offset)
    ty = torch.as_strided(tx, size, stride, offset)
    assert y.shape == tuple(ty.shape)
    np.testing.assert_array_equal(y.detach().numpy(), ty.detach().numpy())
    g = rng.standard_normal(size)
    (gx,) = ac.grad(y, x, ac.tensor(g))
    (tgx,) = torch.autograd.grad(ty, tx, torch.tensor(g), allow_unused=True)
    tgx = np.zeros(shape) if tgx is None else tgx.numpy()
    np.testing.assert_allclose(gx.numpy(), tgx, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize(("shape", "size", "stride", "offset"), GEOMETRIES[:8], ids=IDS[:8])
def test_gradcheck_first_and_second_order(rng, shape, size, stride, offset):
    x = ac.tensor(rng.standard_normal(shape), requires_grad=True)

    def f(t):
        return ac.as_strided(t, size, stride, offset)

    assert ac.gradcheck(f, (x,))
    assert ac.gradgradcheck(f, (x,))


def test_overlapping_windows_sum_their_gradients():
    x = ac.arange(5.0, requires_grad=True)
    ac.as_strided(x, (3, 3), (1, 1)).sum().backward()  # element i is read min(i+1, 3, 5-i) times
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 2.0, 3.0, 2.0, 1.0])


def test_float32_values_and_gradient_dtype(torch):
    x = ac.arange(6.0, requires_grad=True)
    y = x.as_strided((2, 3), (1, 2))
    assert y.dtype == np.float32
    y.backward(ac.ones(2, 3))
    assert x.grad.dtype == np.float32
    t = torch.arange(6.0, requires_grad=True)
    t.as_strided((2, 3), (1, 2)).backward(torch.ones(2, 3))
    np.testing.assert_array_equal(x.grad.numpy(), t.grad.numpy())


def test_integer_input_like_torch(torch):
    y = ac.as_strided(ac.arange(6), (2, 2), (3, 1), 1)
    t = torch.as_strided(torch.arange(6), (2, 2), (3, 1), 1)
    assert str(y.dtype) == "int64" and t.dtype == torch.int64
    np.testing.assert_array_equal(y.numpy(), t.numpy())


def test_a_contiguous_input_gives_a_view():
    x = ac.zeros(6)
    y = x.as_strided((2, 2), (2, 1), 1)
    with ac.no_grad():
        y[0, 0] = 5.0  # a write through the view reaches x, as in PyTorch
    assert x.tolist() == [0.0, 5.0, 0.0, 0.0, 0.0, 0.0]


@pytest.mark.parametrize("make", ["transpose", "every other column"])
def test_non_contiguous_input_reads_its_row_major_elements(torch, rng, make):
    a = rng.standard_normal((4, 6))
    x = ac.tensor(a).T if make == "transpose" else ac.tensor(a)[:, ::2]
    t = torch.tensor(a).T if make == "transpose" else torch.tensor(a)[:, ::2]
    assert not x.is_contiguous()
    y = ac.as_strided(x, (3, 2), (2, 3), 1)
    # PyTorch reads x's memory (its storage) instead; ours is its result on a contiguous copy
    want = torch.as_strided(t.contiguous(), (3, 2), (2, 3), 1)
    np.testing.assert_array_equal(y.numpy(), want.numpy())
    np.testing.assert_array_equal(y.numpy(), np.ravel(x.numpy())[[[1, 4], [3, 6], [5, 8]]])


def test_default_storage_offset_is_the_input_start_as_torch(torch):
    base = np.arange(10.0)
    y = ac.as_strided(ac.tensor(base)[3:], (2, 2), (1, 1))
    t = torch.as_strided(torch.tensor(base)[3:], (2, 2), (1, 1))  # storage offset 3
    np.testing.assert_array_equal(y.numpy(), t.numpy())


@pytest.mark.parametrize(
    ("size", "stride", "offset", "match"),
    [
        ((3, 3), (3, 3), 0, r"read element 12, past the end .*9 elements"),
        ((2, 2), (1, 1), 8, "read element 10"),
        ((2,), (-1,), 0, "must not be negative"),
        ((2, 2), (1,), 0, "different lengths"),
    ],
)
def test_errors_where_torch_refuses(torch, size, stride, offset, match):
    with pytest.raises(RuntimeError):
        torch.as_strided(torch.zeros(3, 3), size, stride, offset)
    with pytest.raises(ShapeError, match=f"^as_strided: .*{match}"):
        ac.as_strided(ac.zeros(3, 3), size, stride, offset)


def test_size_must_be_a_sequence():
    with pytest.raises(TypeError, match="size must be a sequence of ints"):
        ac.as_strided(ac.zeros(3), "3", (1,))
