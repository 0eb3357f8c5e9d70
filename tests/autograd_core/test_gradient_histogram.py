"""ac.gradient (torch.gradient) and ac.histogram (torch.histogram) against PyTorch, closed forms
(exact derivatives of quadratics), gradcheck of order 1 and 2 for gradient, and errors."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac

RNG = np.random.default_rng(0)
F = RNG.standard_normal((5, 4, 3))
COORDS = [np.array([0.0, 0.5, 2.0, 2.2, 3.0]), np.array([-1.0, 0.0, 3.0, 4.0])]


def _spacing(lib, kind, dims):
    if kind == "scalar":
        return 0.7
    if kind == "list":
        return [0.5 + k for k in range(len(dims))]
    return [lib.tensor(COORDS[d]) for d in dims]


CASES = [
    (kind, dim, order)
    for kind in ("scalar", "list", "coords")
    for dim in (None, 0, [1, 0], -1)
    for order in (1, 2)
    if not (kind == "coords" and dim in (None, -1))
]


@pytest.mark.parametrize(("kind", "dim", "edge_order"), CASES)
def test_gradient_matches_torch(torch, kind, dim, edge_order):
    dims = [0, 1, 2] if dim is None else [dim] if isinstance(dim, int) else dim
    kw = {"dim": dim, "edge_order": edge_order}
    mine = ac.gradient(ac.tensor(F), spacing=_spacing(ac, kind, dims), **kw)
    ref = torch.gradient(torch.tensor(F), spacing=_spacing(torch, kind, dims), **kw)
    assert isinstance(mine, tuple) and len(mine) == len(ref)
    for a, b in zip(mine, ref, strict=True):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("edge_order", [1, 2])
def test_gradient_is_exact_on_quadratics_with_uneven_coordinates(edge_order):
    """Central differences on uneven coordinates are exact for a parabola inside; edge_order=2
    is exact at the ends too (closed form 2ax + b)."""
    x = np.array([0.0, 0.3, 1.0, 1.2, 2.5, 3.0])
    y = 1.5 * x**2 - 2 * x + 0.5
    (g,) = ac.gradient(ac.tensor(y), spacing=[ac.tensor(x)], edge_order=edge_order)
    exact = 3 * x - 2
    np.testing.assert_allclose(g.numpy()[1:-1], exact[1:-1], rtol=1e-12)
    if edge_order == 2:
        np.testing.assert_allclose(g.numpy(), exact, rtol=1e-12)


def test_gradient_dtypes(torch):
    (g32,) = ac.gradient(ac.tensor([1.0, 2.0, 4.0], dtype=ac.float32))
    assert g32.dtype == ac.float32
    (gi,) = ac.gradient(ac.tensor([1, 2, 4, 7]))
    (ti,) = torch.gradient(torch.tensor([1, 2, 4, 7]))
    assert gi.dtype == ac.get_default_dtype() == np.dtype(str(ti.dtype).removeprefix("torch."))
    np.testing.assert_array_equal(gi.numpy(), ti.numpy())


@pytest.mark.parametrize("edge_order", [1, 2])
def test_gradient_gradcheck_input_and_coordinates(edge_order):
    f = ac.tensor(RNG.standard_normal((4, 3)), requires_grad=True)
    c = ac.tensor(np.array([0.0, 0.4, 1.5, 2.0]), requires_grad=True)

    def fn(f, c):
        g0, g1 = ac.gradient(f, spacing=[c, 0.3], edge_order=edge_order)
        return g0 * g1

    assert ac.gradcheck(fn, [f, c])
    assert ac.gradgradcheck(fn, [f, c])


def test_gradient_errors():
    with pytest.raises(ac.ShapeError, match="at least edge_order"):
        ac.gradient(ac.tensor([1.0, 2.0]), edge_order=2)
    with pytest.raises(ValueError, match="edge_order must be 1 or 2"):
        ac.gradient(ac.tensor([1.0, 2.0, 3.0]), edge_order=3)
    with pytest.raises(ac.ShapeError, match="spacing has 2 entries but 1 dims"):
        ac.gradient(ac.tensor([1.0, 2.0, 3.0]), spacing=[1.0, 2.0])
    with pytest.raises(ac.ShapeError, match="coordinates for dim 0 must be 1-D of length 3"):
        ac.gradient(ac.tensor([1.0, 2.0, 3.0]), spacing=[ac.tensor([0.0, 1.0])])
    with pytest.raises(ac.ShapeError, match="0-d"):
        ac.gradient(ac.tensor(1.0))
    assert not hasattr(ac.tensor([1.0]), "gradient")  # a function only, as in PyTorch


HIST_CASES = [
    ({"bins": 5}, False, False),
    ({"bins": 4, "range": (-1.0, 1.5)}, True, False),
    ({"bins": 3, "range": (-0.5, 0.5)}, True, True),
    ({"bins": "edges"}, False, True),
    ({"bins": "edges"}, True, False),
]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize(("kw", "weighted", "density"), HIST_CASES)
def test_histogram_matches_torch(torch, kw, weighted, density, dtype):
    x = RNG.standard_normal((6, 7)).astype(dtype)
    if "range" in kw or kw["bins"] == "edges":  # NaN and out-of-range entries are left out
        x[0, :3] = [np.nan, 5.0, -5.0]
    w = RNG.random((6, 7)).astype(dtype) if weighted else None
    edges = np.array([-2.0, -0.5, 0.0, 0.1, 1.0, 3.0], dtype)

    def run(lib):
        args = dict(kw, density=density)
        if kw["bins"] == "edges":
            args["bins"] = lib.tensor(edges)
        if w is not None:
            args["weight"] = lib.tensor(w)
        return lib.histogram(lib.tensor(x), **args)

    hist, bin_edges = run(ac)
    ref = run(torch)
    assert hist.dtype == bin_edges.dtype == np.dtype(dtype)
    tol = 1e-6 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(bin_edges.numpy(), ref.bin_edges.numpy(), rtol=tol, atol=tol)
    np.testing.assert_allclose(hist.numpy(), ref.hist.numpy(), rtol=tol, atol=tol)


def test_histogram_against_numpy_and_method():
    x = RNG.standard_normal(100)
    hist, edges = ac.tensor(x).histogram(8, range=(-2.0, 2.0))
    ref, ref_edges = np.histogram(x, 8, range=(-2.0, 2.0))
    np.testing.assert_array_equal(hist.numpy(), ref)
    np.testing.assert_allclose(edges.numpy(), ref_edges)
    result = ac.histogram(ac.tensor([1.0, 1.0]), 2)
    np.testing.assert_array_equal(result.bin_edges.numpy(), [0.5, 1.0, 1.5])  # v ± 0.5
    np.testing.assert_array_equal(result.hist.numpy(), [0.0, 2.0])
    assert not result.hist.requires_grad


def test_histogram_errors():
    x = ac.tensor([1.0, 2.0], dtype=ac.float64)
    with pytest.raises(ac.DTypeError, match="floating"):
        ac.histogram(ac.tensor([1, 2]), 3)
    with pytest.raises(ValueError, match="positive integer"):
        ac.histogram(x, 0)
    with pytest.raises(ValueError, match="min > max"):
        ac.histogram(x, 3, range=(2.0, 1.0))
    with pytest.raises(ValueError, match="non-decreasing"):
        ac.histogram(x, ac.tensor([0.0, 2.0, 1.0], dtype=ac.float64))
    with pytest.raises(ac.DTypeError, match="bin edges have dtype float32"):
        ac.histogram(x, ac.tensor([0.0, 2.0], dtype=ac.float32))
    with pytest.raises(ac.ShapeError, match="weight must have input's shape"):
        ac.histogram(x, 3, weight=ac.ones(3, dtype=ac.float64))
    with pytest.raises(ValueError, match="not finite"):
        ac.histogram(ac.tensor([1.0, np.inf]), 3)
    with pytest.raises(ValueError, match="not finite"):
        ac.histogram(ac.tensor([1.0, np.nan]), 3)
