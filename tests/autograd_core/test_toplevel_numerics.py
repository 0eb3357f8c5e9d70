"""torch's older numeric names at top level (trapz, nuclear_norm, frobenius_norm, lu, lu_solve,
qr, range, svd_lowrank, pca_lowrank, histogramdd and the removed ones) against torch, NumPy and
closed forms."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
from autograd_core.errors import ShapeError

R = np.random.default_rng(3)


def test_trapz_matches_torch(torch):
    y, x = R.standard_normal((3, 5)), np.sort(R.standard_normal(5))
    np.testing.assert_allclose(
        ac.trapz(ac.tensor(y), ac.tensor(x)).numpy(), torch.trapz(torch.tensor(y), torch.tensor(x))
    )
    np.testing.assert_allclose(
        ac.trapz(ac.tensor(y), dx=0.5, dim=0).numpy(),
        torch.trapz(torch.tensor(y), dx=0.5, dim=0).numpy(),
    )


@pytest.mark.filterwarnings("ignore:at::nuclear_norm is deprecated")
@pytest.mark.parametrize(
    ("args", "kwargs"), [((), {}), ((True,), {}), (((0, 2),), {"keepdim": True})]
)
def test_nuclear_norm_matches_torch_with_gradient(torch, args, kwargs):
    a = R.standard_normal((3, 4, 5)) if args and args[0] == (0, 2) else R.standard_normal((2, 4, 3))
    x, tx = ac.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    ours, theirs = ac.nuclear_norm(x, *args, **kwargs), torch.nuclear_norm(tx, *args, **kwargs)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-12)
    ours.sum().backward()
    theirs.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-9, atol=1e-12)


@pytest.mark.filterwarnings("ignore:at::frobenius_norm is deprecated")
@pytest.mark.parametrize(("dim", "keepdim"), [((0, 1), False), (1, True), ((0, 2), False)])
def test_frobenius_norm_matches_torch_with_gradient(torch, dim, keepdim):
    a = R.standard_normal((2, 3, 4))
    x, tx = ac.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    ours, theirs = ac.frobenius_norm(x, dim, keepdim), torch.frobenius_norm(tx, dim, keepdim)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-13)
    ours.sum().backward()
    theirs.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-12)


@pytest.mark.filterwarnings("ignore:torch.lu is deprecated")
def test_lu_and_lu_solve_match_torch(torch):
    a, b = R.standard_normal((2, 4, 4)), R.standard_normal((2, 4, 3))
    LU, piv = ac.lu(ac.tensor(a))
    tLU, tpiv = torch.lu(torch.tensor(a))
    np.testing.assert_allclose(LU.numpy(), tLU.numpy(), rtol=1e-10, atol=1e-12)
    assert piv.tolist() == tpiv.tolist() and str(piv.dtype) == str(tpiv.dtype).split(".")[1]
    LU3, piv3, infos = ac.lu(ac.tensor(a), get_infos=True)
    assert infos.tolist() == torch.lu(torch.tensor(a), get_infos=True)[2].tolist() == [0, 0]
    ab = ac.tensor(b, requires_grad=True)
    x = ac.lu_solve(ab, LU, piv)
    tb = torch.tensor(b, requires_grad=True)
    tx = torch.lu_solve(tb, tLU, tpiv)
    np.testing.assert_allclose(x.detach().numpy(), tx.detach().numpy(), rtol=1e-10)
    np.testing.assert_allclose((ac.tensor(a) @ x).detach().numpy(), b, atol=1e-12)
    x.sum().backward()
    tx.sum().backward()
    np.testing.assert_allclose(ab.grad.numpy(), tb.grad.numpy(), rtol=1e-10)


@pytest.mark.parametrize("some", [True, False])
def test_qr_matches_torch(torch, some):
    a = R.standard_normal((5, 3))
    q, r = ac.qr(ac.tensor(a), some)
    tq, tr = torch.qr(torch.tensor(a), some)
    assert q.shape == tuple(tq.shape) and r.shape == tuple(tr.shape)
    np.testing.assert_allclose((q @ r).numpy(), a, atol=1e-12)
    np.testing.assert_allclose(np.abs(r.numpy()), np.abs(tr.numpy()), atol=1e-12)


@pytest.mark.filterwarnings("ignore:torch.range is deprecated")
@pytest.mark.parametrize(
    "args", [(1, 4), (0, 1, 0.3), (4, 1, -1), (1, 1), (1, 4, 1.5), (0, 0.9, 0.3), (-2, 2, 0.5)]
)
def test_range_includes_the_end_as_torch(torch, args):
    with pytest.warns(UserWarning, match="ac.range is deprecated"):
        ours = ac.range(*args)
    theirs = torch.range(*args)
    assert ours.dtype == np.float32
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-7)


@pytest.mark.filterwarnings("ignore:torch.range is deprecated")
@pytest.mark.filterwarnings("ignore:ac.range is deprecated")
def test_range_dtype_requires_grad_and_errors(torch):
    assert ac.range(1, 4, dtype=ac.int64).tolist() == torch.range(1, 4, dtype=torch.int64).tolist()
    assert ac.range(1, 4, requires_grad=True).requires_grad
    with pytest.raises(RuntimeError, match="inconsistent with step sign"):
        torch.range(4, 1)
    with pytest.raises(ValueError, match="range: upper bound and lower bound inconsistent"):
        ac.range(4, 1)
    with pytest.raises(ValueError, match="range: step must be nonzero"):
        ac.range(0, 1, 0)
    with pytest.raises(TypeError):
        ac.range(5)


# -- randomized low-rank -------------------------------------------------------------------


def _low_rank(m, n, k):
    return R.standard_normal((m, k)) @ R.standard_normal((k, n))


@pytest.mark.parametrize("shape", [(30, 8), (8, 30), (3, 20, 10)])
def test_svd_lowrank_recovers_a_low_rank_matrix_as_torch(torch, shape):
    a = (
        np.stack([_low_rank(*shape[-2:], 3) for _ in range(shape[0])])
        if len(shape) == 3
        else (_low_rank(*shape, 3))
    )
    ac.manual_seed(0)
    U, S, V = ac.svd_lowrank(ac.tensor(a), q=4)
    tU, tS, tV = torch.svd_lowrank(torch.tensor(a), q=4)
    assert U.shape == tuple(tU.shape) and S.shape == tuple(tS.shape) and V.shape == tuple(tV.shape)
    np.testing.assert_allclose(((U * S.unsqueeze(-2)) @ V.mT).numpy(), a, atol=1e-9)
    np.testing.assert_allclose(S.numpy()[..., :3], tS.numpy()[..., :3], rtol=1e-9)
    # the same subspace: |U_oursᵀ U_torch| on the top-3 directions is the identity
    overlap = np.abs(np.swapaxes(U.numpy()[..., :3], -1, -2) @ tU.numpy()[..., :3])
    np.testing.assert_allclose(overlap, np.broadcast_to(np.eye(3), overlap.shape), atol=1e-8)


def test_svd_lowrank_with_m_and_its_gradient():
    a, mshift = _low_rank(12, 6, 2), R.standard_normal((12, 6))
    U, S, V = ac.svd_lowrank(ac.tensor(a + mshift), q=2, M=ac.tensor(mshift))
    np.testing.assert_allclose(((U * S) @ V.mT).numpy(), a, atol=1e-9)
    x = ac.tensor(a, requires_grad=True)
    _, S, _ = ac.svd_lowrank(x, q=2, niter=3)
    S.sum().backward()  # Σσ of a rank-2 matrix: the gradient is U Vᵀ of its thin SVD
    u, s, vt = np.linalg.svd(a)
    np.testing.assert_allclose(x.grad.numpy(), u[:, :2] @ vt[:2], atol=1e-8)


def test_svd_lowrank_approximation_error_is_near_the_best(torch):
    a = R.standard_normal((40, 25))
    s = np.linalg.svd(a, compute_uv=False)
    U, S, V = ac.svd_lowrank(ac.tensor(a), q=10, niter=4)
    err = np.linalg.norm(a - ((U * S) @ V.mT).numpy(), 2)
    tU, tS, tV = torch.svd_lowrank(torch.tensor(a), q=10, niter=4)
    terr = np.linalg.norm(a - ((tU * tS) @ tV.mT).numpy(), 2)
    assert s[10] <= err < 1.5 * s[10] and terr < 1.5 * s[10]


def test_pca_lowrank_finds_the_principal_directions_as_torch(torch):
    x = R.standard_normal((200, 2)) @ np.diag([5.0, 1.0]) @ np.array([[0.6, 0.8], [-0.8, 0.6]])
    x = x + np.array([10.0, -3.0])
    U, S, V = ac.pca_lowrank(ac.tensor(x), q=2)
    tU, tS, tV = torch.pca_lowrank(torch.tensor(x), q=2)
    np.testing.assert_allclose(S.numpy(), tS.numpy(), rtol=1e-9)
    np.testing.assert_allclose(np.abs(V.numpy()), np.abs(tV.numpy()), atol=1e-9)
    centered = x - x.mean(axis=0)
    np.testing.assert_allclose(S.numpy() ** 2 / 199, np.linalg.eigvalsh(np.cov(centered.T))[::-1])


def test_lowrank_errors():
    with pytest.raises(ShapeError, match=r"svd_lowrank: q=9 must be between 1 and min\(m, n\) = 4"):
        ac.svd_lowrank(ac.ones(5, 4), q=9)
    with pytest.raises(ShapeError, match="expected a matrix"):
        ac.pca_lowrank(ac.ones(5))


# -- histogramdd ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bins", "kwargs"),
    [
        ([2, 3], {}),
        (4, {"range": [-1.0, 1.0, -2.0, 2.0]}),
        ([3, 2], {"density": True}),
        (3, {"weight": "w"}),
        (3, {"weight": "w", "density": True, "range": [-3.0, 3.0, -3.0, 3.0]}),
    ],
)
def test_histogramdd_matches_torch_and_numpy(torch, bins, kwargs):
    x = R.standard_normal((50, 2))
    w = R.uniform(0, 1, 50)
    ours_kw = {k: (ac.tensor(w) if v == "w" else v) for k, v in kwargs.items()}
    torch_kw = {k: (torch.tensor(w) if v == "w" else v) for k, v in kwargs.items()}
    hist, edges = ac.histogramdd(ac.tensor(x), bins, **ours_kw)
    thist, tedges = torch.histogramdd(torch.tensor(x), bins, **torch_kw)
    np.testing.assert_allclose(hist.numpy(), thist.numpy(), rtol=1e-12)
    assert len(edges) == len(tedges) == 2 and hist.dtype == np.float64
    for e, te in zip(edges, tedges, strict=True):
        np.testing.assert_allclose(e.numpy(), te.numpy(), rtol=1e-12, atol=1e-15)
    np_kw = {
        "bins": bins,
        "range": None if "range" not in kwargs else np.reshape(kwargs["range"], (2, 2)),
        "weights": w if "weight" in kwargs else None,
        "density": kwargs.get("density", False),
    }
    np_hist, _ = np.histogramdd(x, **np_kw)
    np.testing.assert_allclose(hist.numpy(), np_hist, rtol=1e-12)


def test_histogramdd_with_edge_tensors_and_batched_points(torch):
    x = np.array([[0.0, 1.0], [1.0, 1.0], [2.0, 1.0]], dtype=np.float32)
    e0, e1 = [0.0, 1.0, 3.0], [0.0, 2.0]
    w = [1.0, 2.0, 3.0]
    hist, edges = ac.histogramdd(ac.tensor(x), [ac.tensor(e0), ac.tensor(e1)], weight=ac.tensor(w))
    thist, _ = torch.histogramdd(
        torch.tensor(x), [torch.tensor(e0), torch.tensor(e1)], weight=torch.tensor(w)
    )
    assert hist.tolist() == thist.tolist() == [[1.0], [5.0]] and hist.dtype == np.float32
    batched = R.standard_normal((2, 4, 3))
    assert ac.histogramdd(ac.tensor(batched), 2).hist.shape == (2, 2, 2)


def test_histogramdd_errors(torch):
    with pytest.raises(RuntimeError, match="range should have 4 elements"):
        torch.histogramdd(torch.ones(3, 2), bins=2, range=[0.0, 1.0])
    with pytest.raises(ShapeError, match="range should have 4 elements, but got 2"):
        ac.histogramdd(ac.ones(3, 2), bins=2, range=[0.0, 1.0])
    with pytest.raises(TypeError, match="histogramdd: expected a floating-point input"):
        ac.histogramdd(ac.ones(3, 2, dtype=ac.int64), 2)
    with pytest.raises(ShapeError, match="3 bin counts for 2 dimensions"):
        ac.histogramdd(ac.ones(3, 2), [1, 2, 3])


# -- removed names -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "args"),
    [("matrix_rank", 1), ("solve", 2), ("lstsq", 2), ("eig", 1), ("symeig", 1)],
)
def test_removed_functions_raise_as_torchs(torch, name, args):
    with pytest.raises(RuntimeError, match="deprecated since version 1.9 and is now removed"):
        getattr(torch, name)(*[torch.eye(2)] * args)
    with pytest.raises(RuntimeError, match=f"{name}: this function was deprecated since PyTorch"):
        getattr(ac, name)(*[ac.eye(2)] * args)


@pytest.mark.filterwarnings("ignore:torch.triangular_solve is deprecated")
@pytest.mark.parametrize("upper", [True, False])
@pytest.mark.parametrize("transpose", [True, False])
@pytest.mark.parametrize("unitriangular", [True, False])
def test_triangular_solve_matches_torch(torch, upper, transpose, unitriangular):
    a = R.standard_normal((2, 3, 3)) + 3 * np.eye(3)
    b = R.standard_normal((2, 3, 2))
    oa, ob = ac.tensor(a, requires_grad=True), ac.tensor(b, requires_grad=True)
    ta, tb = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    ours = ac.triangular_solve(ob, oa, upper, transpose, unitriangular)
    theirs = torch.triangular_solve(tb, ta, upper, transpose, unitriangular)
    np.testing.assert_allclose(ours.solution.detach().numpy(), theirs.solution.detach().numpy())
    np.testing.assert_array_equal(ours.cloned_coefficient.detach().numpy(), a)
    ours.solution.sum().backward()
    theirs.solution.sum().backward()
    np.testing.assert_allclose(oa.grad.numpy(), ta.grad.numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ob.grad.numpy(), tb.grad.numpy(), rtol=1e-9, atol=1e-12)
