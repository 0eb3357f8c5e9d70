"""ac.linalg.vector_norm, matrix_norm, norm, matrix_power, multi_dot, cross and ac.cross against
torch in float64 (values and gradients at 1e-10), against NumPy closed forms without torch,
first and second order gradchecks, and the error paths. All are composites of checked ops."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import autograd_core as ac
from autograd_core.linalg_products import _chain_order

INF = math.inf


def _compare(fn, tfn, arrays, torch, device="cpu"):
    """Values and the gradients of a random weighting of fn (ours) and tfn (torch's)."""
    xs = [ac.tensor(a, requires_grad=True, device=device) for a in arrays]
    txs = [torch.tensor(a, requires_grad=True) for a in arrays]
    y, ty = fn(*xs), tfn(*txs)
    assert y.shape == tuple(ty.shape)
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), rtol=1e-10, atol=1e-12)
    w = np.random.default_rng(7).standard_normal(y.shape)
    if ty.requires_grad:
        gs = ac.grad([y], xs, [ac.tensor(w, device=device)])
        # (torch's vector_norm with ord=0 requires grad but reaches no input: a zero gradient)
        tgs = torch.autograd.grad([ty], txs, [torch.tensor(w)], allow_unused=True)
        for g, tg, a in zip(gs, tgs, arrays, strict=True):
            tg = np.zeros(a.shape) if tg is None else tg.numpy()
            np.testing.assert_allclose(g.numpy(), tg, rtol=1e-10, atol=1e-12)
    return xs


# -- vector_norm, matrix_norm, norm ---------------------------------------------------------


@pytest.mark.parametrize("ord", [2, 1, 3.5, INF, -INF, -1.5, 0])
@pytest.mark.parametrize("dim, keepdim", [(None, False), (1, True), ((0, 2), False)])
def test_vector_norm_matches_torch(ord, dim, keepdim, torch, rng, device):
    a = rng.standard_normal((2, 3, 4))
    kw = {"ord": ord, "dim": dim, "keepdim": keepdim}
    xs = _compare(
        lambda x: ac.linalg.vector_norm(x, **kw),
        lambda x: torch.linalg.vector_norm(x, **kw),
        [a],
        torch,
        device,
    )
    if ord != 0:
        fn = lambda x: ac.linalg.vector_norm(x, **kw)  # noqa: E731
        assert ac.gradcheck(fn, xs) and ac.gradgradcheck(fn, xs)


@pytest.mark.parametrize("ord", [-1.5, -1, 0, 0.5, 2, -INF])
@pytest.mark.parametrize("dim", [None, 1])
def test_vector_norm_at_zero_entries_matches_torch_without_nan(ord, dim, torch, rng):
    # a zero entry makes a negative-order norm 0 with gradient 0 (torch's); no inf/NaN formed
    a = rng.standard_normal((2, 3))
    a[0, 1] = 0.0
    kw = {"ord": ord, "dim": dim}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no divide-by-zero inside
        (x,) = _compare(
            lambda x: ac.linalg.vector_norm(x, **kw),
            lambda x: torch.linalg.vector_norm(x, **kw),
            [a],
            torch,
        )
        (g,) = ac.grad(ac.linalg.vector_norm(x, **kw).sum(), [x], create_graph=True)
        assert np.isfinite(g.numpy()).all()
        if ord not in (0, -INF):  # (there the gradient is piecewise constant: no graph)
            (gg,) = ac.grad((g * g).sum(), [x])
            assert np.isfinite(gg.numpy()).all()


MATRIX_ORDS = ["fro", "nuc", INF, -INF, 1, -1, 2, -2]


@pytest.mark.parametrize("ord", MATRIX_ORDS)
@pytest.mark.parametrize("dim, keepdim", [((-2, -1), False), ((2, 0), True), ((0, 1), False)])
def test_matrix_norm_matches_torch(ord, dim, keepdim, torch, rng, device):
    a = rng.standard_normal((3, 4, 2))
    kw = {"ord": ord, "dim": dim, "keepdim": keepdim}

    def fn(x):
        return ac.linalg.matrix_norm(x, **kw)

    xs = _compare(fn, lambda x: torch.linalg.matrix_norm(x, **kw), [a], torch, device)
    assert ac.gradcheck(fn, xs) and ac.gradgradcheck(fn, xs)


def test_matrix_norms_without_torch(rng):
    a = rng.standard_normal((2, 4, 3))
    x = ac.tensor(a)
    np.testing.assert_allclose(ac.linalg.matrix_norm(x).numpy(), np.sqrt((a**2).sum((-2, -1))))
    np.testing.assert_allclose(
        ac.linalg.matrix_norm(x, 1).numpy(), np.abs(a).sum(-2).max(-1), rtol=1e-13
    )
    np.testing.assert_allclose(
        ac.linalg.matrix_norm(x, -INF).numpy(), np.abs(a).sum(-1).min(-1), rtol=1e-13
    )
    d = ac.tensor(np.diag([3.0, -4.0, 0.5]))
    assert ac.linalg.matrix_norm(d, "nuc").item() == pytest.approx(7.5, rel=1e-14)
    assert ac.linalg.matrix_norm(d, 2).item() == pytest.approx(4.0, rel=1e-14)
    assert ac.linalg.matrix_norm(d, -2).item() == pytest.approx(0.5, rel=1e-14)
    v = ac.tensor([3.0, -4.0, 0.0])
    assert ac.linalg.vector_norm(v, 0).item() == 2.0
    assert ac.linalg.vector_norm(v, -INF).item() == 0.0
    assert ac.linalg.matrix_norm(ac.ones(2, 2), keepdim=True).shape == (1, 1)
    assert ac.linalg.vector_norm(ac.ones(2, 2, dtype=ac.float32)).dtype == ac.float32


@pytest.mark.parametrize(
    "shape, kw",
    [
        ((2, 3, 4), {}),
        ((3, 4), {"ord": 2}),
        ((3, 4), {"ord": "nuc"}),
        ((5,), {"ord": 1}),
        ((5,), {"ord": INF}),
        ((2, 3, 4), {"dim": 1, "ord": 3}),
        ((2, 3, 4), {"dim": (1,), "keepdim": True}),
        ((2, 3, 4), {"dim": (0, 2), "ord": -1}),
        ((2, 3, 4), {"dim": (2, 1)}),
    ],
)
def test_norm_dispatches_as_torch(shape, kw, torch, rng):
    a = rng.standard_normal(shape)
    xs = _compare(
        lambda x: ac.linalg.norm(x, **kw), lambda x: torch.linalg.norm(x, **kw), [a], torch
    )
    fn = lambda x: ac.linalg.norm(x, **kw)  # noqa: E731
    assert ac.gradcheck(fn, xs) and ac.gradgradcheck(fn, xs)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: ac.linalg.vector_norm(ac.ones(3), "fro"), TypeError, "ord must be a number"),
        (lambda: ac.linalg.vector_norm(ac.tensor([1, 2])), ac.ShapeError, "needs a float"),
        (lambda: ac.linalg.matrix_norm(ac.ones(3)), ac.ShapeError, r"at least 2 dim.*\(3,\)"),
        (lambda: ac.linalg.matrix_norm(ac.ones(3, 3), 3), ValueError, "order 3 not supported"),
        (lambda: ac.linalg.matrix_norm(ac.ones(3, 3), dim=(0, 0)), ac.ShapeError, "different"),
        (lambda: ac.linalg.matrix_norm(ac.ones(3, 3), dim=0), ac.ShapeError, "2-tuple"),
        (
            lambda: ac.linalg.matrix_norm(ac.ones(2, 2, dtype=ac.int64)),
            ac.ShapeError,
            "matrix_norm: needs a float",
        ),
        (lambda: ac.linalg.norm(ac.ones(2, 2, 2), 2), ac.ShapeError, "must be 1-D or 2-D"),
        (lambda: ac.linalg.norm(ac.ones(2, 2), dim=(0, 1, 1)), ac.ShapeError, "length 1 or 2"),
        (lambda: ac.linalg.norm(ac.ones(3), "fro"), ValueError, "'fro' is a matrix norm"),
    ],
)
def test_norm_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


# -- matrix_power ---------------------------------------------------------------------------


@pytest.mark.parametrize("n", [-3, -1, 0, 1, 2, 5, 8])
def test_matrix_power_matches_torch_and_numpy(n, torch, rng, device):
    a = rng.standard_normal((2, 3, 3)) * 0.6 + np.eye(3)

    def fn(x):
        return ac.linalg.matrix_power(x, n)

    xs = _compare(fn, lambda x: torch.linalg.matrix_power(x, n), [a], torch, device)
    np.testing.assert_allclose(fn(xs[0]).numpy(), np.linalg.matrix_power(a, n), rtol=1e-11)
    assert ac.gradcheck(fn, xs) and ac.gradgradcheck(fn, xs)


def test_matrix_power_errors():
    with pytest.raises(ac.ShapeError, match=r"linalg.matrix_power: needs square .*\(2, 3\)"):
        ac.linalg.matrix_power(ac.ones(2, 3), 2)
    with pytest.raises(TypeError, match="n must be an int, got 1.5"):
        ac.linalg.matrix_power(ac.ones(2, 2), 1.5)
    with pytest.raises(ac.LinAlgError, match="singular"):
        ac.linalg.matrix_power(ac.ones(2, 2), -1)
    assert ac.linalg.matrix_power(ac.eye(2), np.int64(3)).shape == (2, 2)


# -- multi_dot ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "shapes",
    [
        [(3, 4), (4, 2)],
        [(10, 30), (30, 5), (5, 60)],
        [(4,), (4, 6), (6, 2), (2,)],
        [(4,), (4, 3)],
        [(5, 4), (4,)],
        [(2, 7), (7, 1), (1, 9), (9, 3), (3, 2)],
    ],
)
def test_multi_dot_matches_torch_and_numpy(shapes, torch, rng, device):
    arrays = [rng.standard_normal(s) for s in shapes]

    def fn(*xs):
        return ac.linalg.multi_dot(list(xs))

    xs = _compare(fn, lambda *xs: torch.linalg.multi_dot(list(xs)), arrays, torch, device)
    np.testing.assert_allclose(fn(*xs).numpy(), np.linalg.multi_dot(arrays), rtol=1e-12)
    assert ac.gradcheck(fn, xs) and ac.gradgradcheck(fn, xs)


def test_multi_dot_picks_the_cheapest_parenthesisation():
    # A (10×100) B (100×5) C (5×50): (AB)C costs 7,500 multiplications, A(BC) 75,000
    assert _chain_order([10, 100, 5, 50])[0][2] == 1
    assert _chain_order([50, 5, 100, 10])[0][2] == 0  # reversed: A(BC)


@pytest.mark.parametrize(
    "tensors, match",
    [
        ([ac.ones(2, 2)], "at least 2 tensors but got 1"),
        ([ac.ones(2, 2, 2), ac.ones(2, 2)], r"the first tensor must be 1-D or 2-D; got shape"),
        ([ac.ones(2, 2), ac.ones(2), ac.ones(2, 2)], r"the tensor 1 tensor must be 2-D"),
        ([ac.ones(2, 3), ac.ones(2, 3)], r"tensors 0 and 1 with shapes \(2, 3\) and \(2, 3\)"),
    ],
)
def test_multi_dot_errors(tensors, match):
    with pytest.raises(ac.ShapeError, match=match):
        ac.linalg.multi_dot(tensors)


@pytest.mark.parametrize(
    "dtypes",
    [("float32", "float64"), ("float64", "float64", "float32"), ("float32", "int64", "float32")],
)
def test_multi_dot_refuses_mixed_dtypes_as_torch(dtypes, torch):
    # ac.matmul would promote; torch.linalg.multi_dot raises, and so does this (was promoted)
    shapes = [(2,)] + [(2, 2)] * (len(dtypes) - 1)
    with pytest.raises(RuntimeError, match="same dtype"):
        torch.linalg.multi_dot(
            [torch.ones(s, dtype=getattr(torch, d)) for s, d in zip(shapes, dtypes)]
        )
    seen = ", ".join(dtypes)
    with pytest.raises(
        ac.DTypeError, match=rf"linalg.multi_dot: .*same dtype.*got {seen}\. Convert"
    ):
        ac.linalg.multi_dot([ac.ones(s, dtype=getattr(ac, d)) for s, d in zip(shapes, dtypes)])
    same = [ac.ones(s, dtype=ac.int64) for s in shapes]  # one dtype, integers included: fine
    assert ac.linalg.multi_dot(same).dtype == ac.int64


# -- cross ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "a_shape, b_shape, dim",
    [((3,), (3,), -1), ((4, 3), (1, 3), -1), ((3, 5), (3, 5), 0), ((2, 3, 4), (1, 3, 1), 1)],
)
def test_linalg_cross_matches_torch(a_shape, b_shape, dim, torch, rng, device):
    arrays = [rng.standard_normal(a_shape), rng.standard_normal(b_shape)]

    def fn(a, b):
        return ac.linalg.cross(a, b, dim=dim)

    xs = _compare(fn, lambda a, b: torch.linalg.cross(a, b, dim=dim), arrays, torch, device)
    assert ac.gradcheck(fn, xs) and ac.gradgradcheck(fn, xs)


def test_cross_default_dim_and_method_match_torch(torch, rng):
    a, b = rng.standard_normal((2, 3, 3)), rng.standard_normal((2, 3, 3))
    with pytest.warns(UserWarning):  # torch's deprecated default: the first dim of size 3
        expected = torch.cross(torch.tensor(a), torch.tensor(b)).numpy()
    np.testing.assert_allclose(ac.cross(ac.tensor(a), ac.tensor(b)).numpy(), expected)
    np.testing.assert_allclose(ac.tensor(a).cross(ac.tensor(b)).numpy(), expected)
    np.testing.assert_allclose(
        ac.cross(ac.tensor(a), ac.tensor(b), dim=2).numpy(),
        torch.cross(torch.tensor(a), torch.tensor(b), dim=2).numpy(),
    )


def test_cross_closed_form_without_torch(rng):
    e = ac.eye(3, dtype=ac.float64)
    np.testing.assert_array_equal(ac.linalg.cross(e[0], e[1]).numpy(), [0.0, 0.0, 1.0])
    a, b = rng.standard_normal((5, 3)), rng.standard_normal((5, 3))
    c = ac.linalg.cross(ac.tensor(a), ac.tensor(b)).numpy()
    np.testing.assert_allclose((c * a).sum(-1), 0, atol=1e-14)  # orthogonal to both
    np.testing.assert_allclose((c * b).sum(-1), 0, atol=1e-14)
    area = (a * a).sum(-1) * (b * b).sum(-1) - (a * b).sum(-1) ** 2  # Lagrange's identity
    np.testing.assert_allclose((c * c).sum(-1), area, rtol=1e-12)


@pytest.mark.parametrize(
    "call, match",
    [
        (
            lambda: ac.linalg.cross(ac.ones(2), ac.ones(2)),
            r"linalg.cross: .*dim -1 must have size 3",
        ),
        (lambda: ac.linalg.cross(ac.ones(2, 3), ac.ones(4, 3)), r"\(2, 3\) and \(4, 3\) do not"),
        (lambda: ac.cross(ac.ones(2, 4), ac.ones(2, 4)), "cross: no dim of size 3"),
        (lambda: ac.linalg.cross(ac.ones(2, 3), ac.ones(3)), "the same number of dims"),
        (lambda: ac.cross(ac.ones(3, 4), ac.ones(3, 4), dim=1), "cross: the inputs' dim 1"),
    ],
)
def test_cross_errors(call, match):
    with pytest.raises(ac.ShapeError, match=match):
        call()
