"""cdist, dist and nn.functional.pdist against PyTorch: values and gradients in float64 for
p in {0, 0.5, 1, 1.5, 2, 3, inf}, zero distances (gradient 0, never NaN), batches, float32,
gradcheck and gradgradcheck, the device stand-in, and every error."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
import nn.functional as F

PS = [0.0, 0.5, 1.0, 1.5, 2.0, 3.0, float("inf")]
SHAPES = [((4, 3), (5, 3)), ((2, 3, 2), (1, 4, 2)), ((0, 3), (2, 3)), ((3, 1), (2, 1))]


def _with_duplicate(rng, s1, s2):
    """Random points where x2's first row repeats x1's first row (a zero distance)."""
    a, b = rng.standard_normal(s1), rng.standard_normal(s2)
    if s1[-2] and s2[-2]:
        b[..., 0, :] = a.reshape(-1, s1[-1])[0]
    return a, b


def _compare(y, ty, xs, ts, rng, device):
    assert y.shape == tuple(ty.shape) and y.dtype == ac.float64
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), rtol=1e-10, atol=1e-12)
    w = rng.standard_normal(y.shape)
    (y * ac.tensor(w, device=device)).sum().backward()
    (ty * ty.new_tensor(w)).sum().backward()
    for x, t in zip(xs, ts):
        assert np.isfinite(x.grad.numpy()).all()
        np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("p", PS)
@pytest.mark.parametrize(("s1", "s2"), SHAPES)
def test_cdist_matches_torch_including_zero_distances(s1, s2, p, torch, rng, device):
    a, b = _with_duplicate(rng, s1, s2)
    xs = [ac.tensor(v, requires_grad=True, device=device) for v in (a, b)]
    ts = [torch.tensor(v, requires_grad=True) for v in (a, b)]
    _compare(ac.cdist(*xs, p=p), torch.cdist(*ts, p=p), xs, ts, rng, device)


@pytest.mark.parametrize("p", [p for p in PS if p != 0])
def test_dist_matches_torch_with_broadcasting_and_at_zero(p, torch, rng, device):
    a, b = rng.standard_normal((3, 4)), rng.standard_normal(4)
    for u, v in ((a, b), (a, a.copy())):
        xs = [ac.tensor(x, requires_grad=True, device=device) for x in (u, v)]
        ts = [torch.tensor(x, requires_grad=True) for x in (u, v)]
        _compare(ac.dist(*xs, p=p), torch.dist(*ts, p=p), xs, ts, rng, device)


def test_dist_p0_counts_differences_with_a_zero_gradient(torch, rng):
    # torch 2.13's backward of dist(p=0) fails inside torch ("got None"), so only its value
    a, b = rng.standard_normal((3, 4)), rng.standard_normal(4)
    a[0, 1] = b[1]
    x = ac.tensor(a, requires_grad=True)
    y = ac.dist(x, ac.tensor(b), p=0)
    assert y.item() == torch.dist(torch.tensor(a), torch.tensor(b), p=0).item() == 11
    y.backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.zeros((3, 4)))


@pytest.mark.parametrize("p", PS)
@pytest.mark.parametrize("n", [1, 2, 5])
def test_pdist_matches_torch_including_repeated_rows(n, p, torch, rng, device):
    a = rng.standard_normal((n, 3))
    a[-1] = a[0]
    x = ac.tensor(a, requires_grad=True, device=device)
    t = torch.tensor(a, requires_grad=True)
    _compare(F.pdist(x, p=p), torch.nn.functional.pdist(t, p=p), [x], [t], rng, device)


@pytest.mark.parametrize("p", [1.0, 1.5, 2.0, 3.0])
def test_gradcheck_and_gradgradcheck_away_from_zero(p, rng):
    a = ac.tensor(rng.standard_normal((3, 2)), requires_grad=True)
    b = ac.tensor(rng.standard_normal((4, 2)), requires_grad=True)
    assert ac.gradcheck(lambda u, v: ac.cdist(u, v, p=p), (a, b))
    assert ac.gradgradcheck(lambda u, v: ac.cdist(u, v, p=p), (a, b))
    c = ac.tensor(rng.standard_normal((3, 2)), requires_grad=True)
    assert ac.gradcheck(lambda u, v: ac.dist(u, v, p=p), (a, c))
    assert ac.gradgradcheck(lambda u: F.pdist(u, p=p), (a,))


def test_second_derivative_is_finite_at_zero_distance(rng):
    a = ac.tensor(rng.standard_normal((2, 3)), requires_grad=True)
    (g,) = ac.grad(ac.cdist(a, a).sum(), [a], create_graph=True)
    (gg,) = ac.grad((g * g).sum(), [a])
    assert np.isfinite(gg.numpy()).all()


@pytest.mark.parametrize("p", [0.0, 1.0, 2.0, float("inf")])
def test_float32_values_match_torch(p, torch, rng):
    a, b = (rng.standard_normal(s).astype(np.float32) for s in ((2, 4, 3), (2, 5, 3)))
    y = ac.cdist(ac.tensor(a), ac.tensor(b), p=p)
    assert y.dtype == ac.float32
    ty = torch.cdist(torch.tensor(a), torch.tensor(b), p=p)
    np.testing.assert_allclose(y.numpy(), ty.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(
        F.pdist(ac.tensor(a[0]), p).numpy(), torch.nn.functional.pdist(torch.tensor(a[0]), p)
    )


MM = "use_mm_for_euclid_dist"
EXACT = "donot_use_mm_for_euclid_dist"
MM_SHAPES = [
    ((30, 3), (4, 3)),
    ((2, 1, 26, 2), (3, 5, 2)),
    ((0, 3), (40, 3)),
    ((2, 30, 3), (2, 0, 3)),
]


@pytest.mark.parametrize(("s1", "s2"), MM_SHAPES)
@pytest.mark.parametrize("mode", [None, MM, EXACT])
def test_cdist_routes_match_torch_above_25_rows(s1, s2, mode, torch, rng, device):
    # over 25 rows PyTorch's default takes the matrix product: its values, rounding included
    a, b = _with_duplicate(rng, s1, s2)
    xs = [ac.tensor(v, requires_grad=True, device=device) for v in (a, b)]
    ts = [torch.tensor(v, requires_grad=True) for v in (a, b)]
    kw = {} if mode is None else {"compute_mode": mode}
    y, ty = ac.cdist(*xs, **kw), torch.cdist(*ts, **kw)
    # at the duplicated pair both routes give a rounding-level distance (~1e-8 by the
    # product), whose gradient is that rounding divided by it: compared elsewhere only
    w = rng.standard_normal(y.shape)
    if s1[-2] and s2[-2]:
        w.reshape(-1, *y.shape[-2:])[0, 0, 0] = 0.0
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), rtol=1e-10, atol=1e-7)
    (y * ac.tensor(w, device=device)).sum().backward()
    (ty * ty.new_tensor(w)).sum().backward()
    for x, t in zip(xs, ts):
        np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_cdist_product_route_agrees_with_exact_differences(rng):
    a, b = rng.standard_normal((40, 6)), rng.standard_normal((3, 30, 6))
    xs = [ac.tensor(v, requires_grad=True) for v in (a, b)]
    exact = np.sqrt(((a[None, :, None, :] - b[:, None, :, :]) ** 2).sum(-1))
    y = ac.cdist(*xs, compute_mode=MM)
    np.testing.assert_allclose(y.numpy(), exact, rtol=1e-12)
    y.sum().backward()
    diff = a[None, :, None, :] - b[:, None, :, :]
    unit = diff / exact[..., None]
    np.testing.assert_allclose(xs[0].grad.numpy(), unit.sum((0, 2)), rtol=1e-10)
    np.testing.assert_allclose(xs[1].grad.numpy(), -unit.sum(1), rtol=1e-10)


def test_cdist_product_route_gradcheck_and_finite_at_zero(rng):
    a = ac.tensor(rng.standard_normal((3, 2)), requires_grad=True)
    b = ac.tensor(rng.standard_normal((4, 2)), requires_grad=True)
    assert ac.gradcheck(lambda u, v: ac.cdist(u, v, compute_mode=MM), (a, b))
    assert ac.gradgradcheck(lambda u, v: ac.cdist(u, v, compute_mode=MM), (a, b))
    c = ac.tensor([[1.0, 2.0], [3.0, 5.0]], dtype=ac.float64, requires_grad=True)
    y = ac.cdist(c, c, compute_mode=MM)
    assert y.numpy()[0, 0] == 0.0 == y.numpy()[1, 1]  # exact squares: d² = 0, not rounding
    (g,) = ac.grad(y.sum(), [c], create_graph=True)
    (gg,) = ac.grad((g * g).sum(), [c])
    assert np.isfinite(g.numpy()).all() and np.isfinite(gg.numpy()).all()


def test_cdist_product_route_holds_no_difference_array(rng):
    # P·R·M = 3.2e7 float64 (256 MB) by differences; the product route's arrays are P·R
    import tracemalloc

    a, b = (ac.tensor(rng.standard_normal((400, 200)), requires_grad=True) for _ in range(2))
    tracemalloc.start()
    y = ac.cdist(a, b)
    y.sum().backward()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 20 * 400 * 400 * 8, f"cdist peak {peak / 2**20:.0f} MiB"


def test_dist_is_a_method_and_cdist_is_not():
    assert ac.Tensor.dist is ac.dist and not hasattr(ac.Tensor, "cdist")


ERRORS = [
    (lambda: ac.cdist(ac.ones(3), ac.ones(2, 3)), ac.ShapeError, r"cdist: needs batches .*\(3,\)"),
    (lambda: ac.cdist(ac.ones(2, 3), ac.ones(2, 4)), ac.ShapeError, r"rows have 3 and 4"),
    (lambda: ac.cdist(ac.ones(2, 3), ac.ones(2, 3), p=-1), ValueError, r"cdist: p must be"),
    (
        lambda: ac.cdist(ac.ones(2, 3), ac.ones(2, 3, dtype=ac.float64)),
        ac.DTypeError,
        r"cdist: needs two floating tensors of one dtype; got float32 and float64",
    ),
    (
        lambda: ac.cdist(ac.ones(2, 3), ac.ones(2, 3), compute_mode="mm"),
        ValueError,
        r"cdist: compute_mode='mm' is not one of \['donot_use_mm_for_euclid_dist', 'use_mm",
    ),
    (lambda: ac.dist(ac.ones(2), ac.ones(3)), ac.ShapeError, r"dist: shapes \(2,\) and \(3,\) do"),
    (lambda: ac.dist(ac.ones(2), ac.ones(2), p=float("nan")), ValueError, r"dist: p must be"),
    (lambda: F.pdist(ac.ones(2, 2, 2)), ac.ShapeError, r"pdist: needs a 2-D .*\(2, 2, 2\)"),
    (lambda: F.pdist(ac.ones(2, 2), p=-2), ValueError, r"pdist: p must be"),
    (lambda: F.pdist(ac.tensor([[1, 2]])), ac.DTypeError, r"pdist: needs a floating tensor"),
]


@pytest.mark.parametrize(("call", "error", "match"), ERRORS)
def test_bad_input_raises_typed_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()
