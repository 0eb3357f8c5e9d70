"""nan_to_num and lerp (and their in-place forms nan_to_num_, lerp_): values against PyTorch and
NumPy, gradients of order 1 and 2, edge cases and error paths. The other tensor utilities:
test_tensor_utils_index.py (nonzero/argwhere/where(cond), roll, scatter) and
test_tensor_utils_close.py (equal, allclose, isclose)."""

from __future__ import annotations

import numpy as np
import pytest
from f64_values import randn64  # tests/autograd_core/f64_values.py

import autograd_core as ac
from autograd_core.errors import DTypeError, GraphError, ShapeError

INF, NAN = float("inf"), float("nan")


# -- nan_to_num -------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
@pytest.mark.parametrize(
    "kw", [{}, {"nan": 1.0, "posinf": 2.0, "neginf": -3.0}, {"nan": 1e300}, {"posinf": -1e5}]
)
def test_nan_to_num_matches_torch_and_numpy(torch, dtype, kw):
    x = np.array([NAN, INF, -INF, 1.5, -0.0], dtype)
    ours = ac.nan_to_num(ac.tensor(x), **kw)
    theirs = torch.nan_to_num(torch.tensor(x), **kw)
    assert ours.dtype == x.dtype
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    with np.errstate(over="ignore"):
        np.testing.assert_array_equal(ours.numpy(), np.nan_to_num(x, **kw))


def test_nan_to_num_of_integers_is_a_copy():
    x = ac.tensor([1, 2])
    y = x.nan_to_num(nan=5.0)
    assert y.tolist() == [1, 2] and y.dtype == ac.int64 and y.data is not x.data


def test_nan_to_num_gradient_is_zero_where_replaced(torch):
    x = np.array([[NAN, 1.0, INF], [-2.0, -INF, 3.0]])
    ours = ac.tensor(x, requires_grad=True)
    theirs = torch.tensor(x, requires_grad=True)
    g = np.arange(6.0).reshape(2, 3) + 1
    (gx,) = ac.grad(ac.nan_to_num(ours, posinf=9.0), ours, ac.tensor(g))
    torch.nan_to_num(theirs, posinf=9.0).backward(torch.tensor(g))
    np.testing.assert_array_equal(gx.numpy(), theirs.grad.numpy())
    np.testing.assert_array_equal(gx.numpy(), np.where(np.isfinite(x), g, 0.0))


def test_nan_to_num_gradcheck_first_and_second_order(rng):
    x = randn64(rng, 3, 4)

    def f(t):
        return ac.nan_to_num(t * t, posinf=1.0) * t

    assert ac.gradcheck(f, (x,)) and ac.gradgradcheck(f, (x,))


# -- lerp -------------------------------------------------------------------------------------

LERP_SHAPES = [
    ((3, 4), (3, 4), (3, 4)),
    ((3, 1), (4,), (1, 4)),
    ((), (2, 3), ()),
    ((2, 3), (2, 3), (3,)),
    ((0, 3), (1, 3), (0, 1)),
]


@pytest.mark.parametrize(("s", "e", "w"), LERP_SHAPES)
def test_lerp_matches_torch_values_and_gradients(torch, rng, s, e, w):
    arrays = [rng.standard_normal(shape) for shape in (s, e)] + [rng.uniform(-1, 2, w)]
    ours = [ac.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    y, ty = ac.lerp(*ours), torch.lerp(*theirs)
    assert y.shape == tuple(ty.shape) and y.dtype == ac.float64
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(
        y.numpy(), arrays[0] + arrays[2] * (arrays[1] - arrays[0]), rtol=1e-12, atol=1e-14
    )
    g = rng.standard_normal(y.shape)
    grads = ac.grad(y, ours, ac.tensor(g))
    tgrads = torch.autograd.grad(ty, theirs, torch.tensor(g))
    for a, b in zip(grads, tgrads, strict=True):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("weight", [0.25, 0.5, 1.0, -0.75, 2.0, 0])
def test_lerp_with_a_number_weight_matches_torch(torch, rng, weight):
    a, b = rng.standard_normal((2, 3)), rng.standard_normal((2, 3))
    y = ac.tensor(a).lerp(ac.tensor(b), weight)
    np.testing.assert_allclose(
        y.numpy(), torch.lerp(torch.tensor(a), torch.tensor(b), weight).numpy(), rtol=1e-12
    )
    if weight == 1.0:  # PyTorch's two-sided formula gives end exactly
        np.testing.assert_array_equal(y.numpy(), b)


def test_lerp_keeps_float32_and_casts_a_0d_weight(torch):
    a, b = ac.tensor([1.0, 2.0]), ac.tensor([3.0, 6.0])
    y = ac.lerp(a, b, ac.tensor(0.5, dtype=ac.float64))
    assert y.dtype == ac.float32 and y.tolist() == [2.0, 4.0]
    assert ac.lerp(a, b, ac.tensor(1)).tolist() == [3.0, 6.0]


@pytest.mark.parametrize(("s", "e", "w"), [sh for sh in LERP_SHAPES if 0 not in sh[0]])
def test_lerp_gradcheck_first_and_second_order(rng, s, e, w):
    xs = [randn64(rng, *s), randn64(rng, *e), ac.tensor(rng.uniform(-1, 2, w), requires_grad=True)]

    def f(a, b, t):
        return ac.lerp(a * a, b, t * t)  # squared so that order 2 is not 0

    assert ac.gradcheck(f, xs) and ac.gradgradcheck(f, xs)
    assert ac.gradcheck(lambda a, b: ac.lerp(a, b * b, 0.7), xs[:2])
    assert ac.gradgradcheck(lambda a, b: ac.lerp(a, b * b, 0.7), xs[:2])


def test_lerp_errors():
    f32, f64 = ac.tensor([1.0]), ac.tensor([1.0], dtype=ac.float64)
    with pytest.raises(DTypeError, match="must match"):
        ac.lerp(f32, f64, 0.5)
    with pytest.raises(DTypeError, match="must be floating"):
        ac.lerp(ac.tensor([1]), ac.tensor([2]), 0.5)
    with pytest.raises(DTypeError, match="weight of shape"):
        ac.lerp(f32, f32, ac.tensor([0.5], dtype=ac.float64))
    with pytest.raises(ShapeError):
        ac.lerp(ac.zeros(2), ac.zeros(3), 0.5)


# -- NumPy references (no torch) ----------------------------------------------------------------


@pytest.mark.parametrize("kw", [{}, {"nan": -1.0, "posinf": 5.0}, {"neginf": 0.5}])
def test_nan_to_num_matches_numpy(kw):
    x = np.array([[NAN, INF], [-INF, 2.0]])
    np.testing.assert_array_equal(ac.nan_to_num(ac.tensor(x), **kw).numpy(), np.nan_to_num(x, **kw))


# -- in-place forms: nan_to_num_, lerp_ -------------------------------------------------------


def test_nan_to_num_and_lerp_in_place_match_torch(torch):
    x = np.array([NAN, 1.0, INF, -INF])
    ours, theirs = ac.tensor(x), torch.tensor(x)
    assert ours.nan_to_num_(posinf=5.0) is ours
    theirs.nan_to_num_(posinf=5.0)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    leaf, tleaf = (
        ac.tensor([1.0, 2.0], requires_grad=True),
        torch.tensor([1.0, 2.0], requires_grad=True),
    )
    y, ty = leaf * 1, tleaf * 1  # recorded in-place on a non-leaf: the gradient flows through
    y.lerp_(ac.tensor([3.0, 6.0]), ac.tensor([0.25, 0.75]))
    ty.lerp_(torch.tensor([3.0, 6.0]), torch.tensor([0.25, 0.75]))
    np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), rtol=1e-15)
    y.sum().backward()
    ty.sum().backward()
    np.testing.assert_allclose(leaf.grad.numpy(), tleaf.grad.numpy(), rtol=1e-15)
    with pytest.raises(GraphError, match="in-place"):
        ac.tensor([1.0], requires_grad=True).lerp_(ac.tensor([2.0]), 0.5)
