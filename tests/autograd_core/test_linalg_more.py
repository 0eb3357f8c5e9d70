"""ac.linalg.svd, svdvals, qr, pinv and matrix_exp against torch in float64 (values and
gradients at 1e-10, through functions that do not depend on the singular vectors' signs),
against closed forms without torch, first and second order gradchecks, float32 and the error
paths. The registered ops (svd, qr, matrix_exp) are also checked by the op database."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
from autograd_core.errors import BackwardError


def _grads(fn, tfn, arrays, torch, device="cpu"):
    """fn's (ours) and tfn's (torch's) scalar losses at ``arrays``, their gradients compared
    at rtol 1e-10; returns our input tensors for the gradchecks."""
    xs = [ac.tensor(a, requires_grad=True, device=device) for a in arrays]
    txs = [torch.tensor(a, requires_grad=True) for a in arrays]
    y, ty = fn(*xs), tfn(*txs)
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), rtol=1e-10, atol=1e-12)
    gs = ac.grad([y], xs)
    tgs = torch.autograd.grad([ty], txs)
    for g, tg in zip(gs, tgs, strict=True):
        np.testing.assert_allclose(g.numpy(), tg.numpy(), rtol=1e-10, atol=1e-12)
    return xs


def _eyes(k, batch):
    return np.broadcast_to(np.eye(k), batch + (k, k))


def _weights(shape, seed, lib, device="cpu"):
    w = np.random.default_rng(seed).standard_normal(shape)
    return ac.tensor(w, device=device) if lib is ac else lib.tensor(w)


# -- svd ------------------------------------------------------------------------------------

SVD_SHAPES = [(3, 3), (4, 2), (2, 4), (2, 3, 4), (2, 1, 4, 3), (1, 1)]


@pytest.mark.parametrize("full", [False, True])
@pytest.mark.parametrize("shape", SVD_SHAPES)
def test_svd_gauge_invariant_losses_match_torch(shape, full, torch, rng, device):
    a = rng.standard_normal(shape)
    k = min(shape[-2:])

    def loss(lib, svd):
        def f(x):
            u, s, vh = svd(x, full_matrices=full)
            recon = (u[..., :k] * s.unsqueeze(-2)) @ vh[..., :k, :]  # = A
            return (
                (u.abs() * _weights(u.shape, 1, lib, device)).sum()
                + (vh.abs() * _weights(vh.shape, 2, lib, device)).sum()
                + (s * _weights(s.shape, 3, lib, device)).sum()
                + (recon * recon).sum()
            )

        return f

    xs = _grads(loss(ac, ac.linalg.svd), loss(torch, torch.linalg.svd), [a], torch, device)
    u, s, vh = ac.linalg.svd(xs[0], full_matrices=full)
    tu, ts, tvh = torch.linalg.svd(torch.tensor(a), full_matrices=full)
    assert (u.shape, s.shape, vh.shape) == (tuple(tu.shape), tuple(ts.shape), tuple(tvh.shape))
    if not full or shape[-1] == shape[-2]:  # (the extra basis vectors are any basis)
        smooth = loss(ac, ac.linalg.svd)
        assert ac.gradcheck(smooth, xs) and ac.gradgradcheck(smooth, xs)


def test_svd_without_torch_reconstructs_and_has_closed_form_gradients(rng):
    a = rng.standard_normal((2, 5, 3))
    x = ac.tensor(a, requires_grad=True)
    u, s, vh = ac.linalg.svd(x, full_matrices=False)
    np.testing.assert_allclose((u.numpy() * s.numpy()[..., None, :]) @ vh.numpy(), a, atol=1e-13)
    np.testing.assert_allclose(u.mT.numpy() @ u.numpy(), _eyes(3, (2,)), atol=1e-13)
    assert np.all(np.diff(s.numpy(), axis=-1) <= 0)
    # d(Σσ)/dA = U Vh (the nuclear norm's gradient) and dσ₁/dA = u₁ v₁ᵀ
    (g,) = ac.grad([ac.linalg.svdvals(x).sum()], [x])
    np.testing.assert_allclose(g.numpy(), u.numpy() @ vh.numpy(), atol=1e-12)
    (g,) = ac.grad([ac.linalg.svdvals(x)[..., 0].sum()], [x])
    np.testing.assert_allclose(
        g.numpy(), u.numpy()[..., :, :1] @ vh.numpy()[..., :1, :], atol=1e-12
    )
    full = ac.linalg.svd(ac.tensor(a))
    assert full.U.shape == (2, 5, 5) and full.Vh.shape == (2, 3, 3)
    np.testing.assert_allclose(full.U.mT.numpy() @ full.U.numpy(), _eyes(5, (2,)), atol=1e-13)


def test_svdvals_matches_torch_and_closed_form(torch, rng, device):
    a = rng.standard_normal((3, 4, 2))
    xs = _grads(
        lambda x: (ac.linalg.svdvals(x) * _weights((3, 2), 4, ac, device)).sum(),
        lambda x: (torch.linalg.svdvals(x) * _weights((3, 2), 4, torch)).sum(),
        [a],
        torch,
        device,
    )
    assert ac.gradcheck(ac.linalg.svdvals, xs) and ac.gradgradcheck(ac.linalg.svdvals, xs)
    d = ac.linalg.svdvals(ac.tensor([[0.0, -3.0, 0.0], [2.0, 0.0, 0.0]]))
    np.testing.assert_array_equal(d.numpy(), [3.0, 2.0])


def test_svd_float32_and_empty_batch_match_torch(torch, rng):
    a = rng.standard_normal((2, 4, 3)).astype(np.float32)
    s = ac.linalg.svdvals(ac.tensor(a))
    assert s.dtype == ac.float32
    np.testing.assert_allclose(s.numpy(), torch.linalg.svdvals(torch.tensor(a)).numpy(), rtol=1e-5)
    u, s, vh = ac.linalg.svd(ac.zeros(0, 3, 2, dtype=ac.float64))
    assert (u.shape, s.shape, vh.shape) == ((0, 3, 3), (0, 2), (0, 2, 2))


# -- qr -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "shape, mode",
    [((4, 3), "reduced"), ((3, 3), "complete"), ((3, 5), "reduced"), ((2, 3, 5), "complete"),
     ((2, 5, 2), "reduced"), ((1, 1), "reduced")],
)  # fmt: skip
def test_qr_matches_torch(shape, mode, torch, rng, device):
    a = rng.standard_normal(shape)

    def loss(lib, qr):
        def f(x):
            q, r = qr(x, mode=mode)
            return (q * _weights(q.shape, 5, lib, device)).sum() + (
                r * _weights(r.shape, 6, lib, device)
            ).sum()

        return f

    xs = _grads(loss(ac, ac.linalg.qr), loss(torch, torch.linalg.qr), [a], torch, device)
    assert ac.gradcheck(loss(ac, ac.linalg.qr), xs)
    assert ac.gradgradcheck(loss(ac, ac.linalg.qr), xs)
    q, r = ac.linalg.qr(ac.tensor(a))  # without torch: A = Q R, QᵀQ = I, R upper triangular
    np.testing.assert_allclose(q.numpy() @ r.numpy(), a, atol=1e-13)
    k = min(shape[-2:])
    np.testing.assert_allclose(q.mT.numpy() @ q.numpy(), _eyes(k, shape[:-2]), atol=1e-13)
    np.testing.assert_array_equal(np.tril(r.numpy(), -1), 0)


def test_qr_mode_r_returns_r_and_an_empty_q_and_float32(torch, rng):
    a = rng.standard_normal((2, 4, 3))
    q, r = ac.linalg.qr(ac.tensor(a), mode="r")
    tq, tr = torch.linalg.qr(torch.tensor(a), mode="r")
    assert q.shape == tuple(tq.shape) == (0,)
    np.testing.assert_allclose(r.numpy(), tr.numpy(), rtol=1e-10, atol=1e-12)
    r32 = ac.linalg.qr(ac.tensor(a.astype(np.float32))).R
    assert r32.dtype == ac.float32
    np.testing.assert_allclose(r32.numpy(), tr.numpy(), rtol=1e-5, atol=1e-5)


def test_qr_backward_errors_match_torch():
    x = ac.randn(4, 2, dtype=ac.float64, requires_grad=True)
    with pytest.raises(BackwardError, match="depends on Q, which is not computed when mode='r'"):
        ac.grad([ac.linalg.qr(x, mode="r").R.sum()], [x])
    with pytest.raises(
        BackwardError, match=r"not differentiable when mode='complete' and nrows > "
    ):
        ac.grad([ac.linalg.qr(x, mode="complete").Q.sum()], [x])
    with pytest.raises(ValueError, match="linalg.qr: unrecognized mode 'x'"):
        ac.linalg.qr(x, mode="x")


# -- pinv -----------------------------------------------------------------------------------


def _low_rank(rng, shape, rank):
    return rng.standard_normal(shape[:-1] + (rank,)) @ rng.standard_normal(
        shape[:-2] + (rank, shape[-1])
    )


@pytest.mark.parametrize(
    "shape, rank, kw",
    [((4, 3), 3, {}), ((3, 5), 3, {}), ((2, 3, 3), 3, {}), ((5, 4), 2, {"atol": 1e-3}),
     ((2, 4, 4), 1, {"rtol": 1e-3}), ((4, 3), 3, {"atol": 0.5})],
)  # fmt: skip
def test_pinv_matches_torch(shape, rank, kw, torch, rng, device):
    a = _low_rank(rng, shape, rank)
    w = rng.standard_normal(shape[:-2] + shape[-2:][::-1])
    xs = _grads(
        lambda x: (ac.linalg.pinv(x, **kw) * ac.tensor(w, device=device)).sum(),
        lambda x: (torch.linalg.pinv(x, **kw) * torch.tensor(w)).sum(),
        [a],
        torch,
        device,
    )
    if kw.get("atol", 0.0) >= 0.1:
        # atol cuts a nonzero singular value: like torch's, the gradient is the constant-rank
        # formula at the truncated pinv, not the (jumping) function's, so no gradcheck here
        return
    # without torch: the Penrose conditions A X A = A, X A X = X, A X symmetric
    x = ac.linalg.pinv(ac.tensor(a), **kw).numpy()
    np.testing.assert_allclose(a @ x @ a, a, atol=1e-10)
    np.testing.assert_allclose(x @ a @ x, x, atol=1e-10)
    np.testing.assert_allclose(a @ x, np.swapaxes(a @ x, -1, -2), atol=1e-10)
    if rank == min(shape) or kw:  # (atol/rtol ≫ eps: the finite differences keep the rank)
        fn = lambda t: ac.linalg.pinv(t, **kw)  # noqa: E731
        assert ac.gradcheck(fn, xs) and ac.gradgradcheck(fn, xs)


def test_pinv_hermitian_and_tensor_tolerances_match_torch(torch, rng):
    a = rng.standard_normal((2, 4, 4))
    a = a + np.swapaxes(a, -1, -2)
    b = rng.standard_normal((4, 2))
    a[1] = b @ np.diag([3.0, -2.0]) @ b.T  # rank 2, one negative eigenvalue
    for kw in [{}, {"atol": 1e-8}]:
        _grads(
            lambda x: (ac.linalg.pinv(x, hermitian=True, **kw) ** 2).sum(),  # noqa: B023
            lambda x: (torch.linalg.pinv(x, hermitian=True, **kw) ** 2).sum(),  # noqa: B023
            [a],
            torch,
        )
    a[1] = np.diag([3.0, -2.0, 0.0, 0.0])
    atol = np.array([0.0, 2.5])  # per matrix, broadcasting with the batch
    ours = ac.linalg.pinv(ac.tensor(a), atol=ac.tensor(atol), hermitian=True)
    theirs = torch.linalg.pinv(torch.tensor(a), atol=torch.tensor(atol), hermitian=True)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours.numpy()[1], np.diag([1 / 3.0, 0, 0, 0]), atol=1e-15)


def test_pinv_of_full_column_rank_is_the_normal_equations_solution(rng):
    a = rng.standard_normal((3, 6, 4))
    x = ac.linalg.pinv(ac.tensor(a, dtype=ac.float32))
    assert x.dtype == ac.float32
    at = np.swapaxes(a, -1, -2)
    np.testing.assert_allclose(x.numpy(), np.linalg.solve(at @ a, at), atol=1e-5)


# -- matrix_exp -----------------------------------------------------------------------------


@pytest.mark.parametrize("scale", [0.1, 1.0, 10.0])
def test_matrix_exp_matches_torch(scale, torch, rng, device):
    a = rng.standard_normal((2, 3, 3)) * scale
    w = rng.standard_normal(a.shape)
    xs = _grads(
        lambda x: (ac.linalg.matrix_exp(x) * ac.tensor(w, device=device)).sum(),
        lambda x: (torch.linalg.matrix_exp(x) * torch.tensor(w)).sum(),
        [a / scale**0.5],  # (rtol 1e-10 at norms up to ~10: the values are up to e^10)
        torch,
        device,
    )
    assert ac.gradcheck(ac.linalg.matrix_exp, xs)
    assert ac.gradgradcheck(ac.linalg.matrix_exp, xs)


def test_matrix_exp_closed_forms():
    t = 0.7
    rot = ac.linalg.matrix_exp(ac.tensor([[0.0, -t], [t, 0.0]])).numpy()
    np.testing.assert_allclose(rot, [[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]], atol=1e-15)
    d = np.array([-2.0, 0.5, 30.0])  # a large norm: several squarings
    x = ac.tensor(np.diag(d), requires_grad=True)
    y = ac.linalg.matrix_exp(x)
    np.testing.assert_allclose(y.numpy(), np.diag(np.exp(d)), rtol=1e-13)
    # d tr(exp A)/dA = exp(A)ᵀ
    (g,) = ac.grad([y.diagonal().sum()], [x])
    np.testing.assert_allclose(g.numpy(), np.diag(np.exp(d)), rtol=1e-12)
    x32 = ac.linalg.matrix_exp(ac.zeros(2, 2, 2))
    assert x32.dtype == ac.float32
    np.testing.assert_array_equal(x32.numpy(), np.broadcast_to(np.eye(2), (2, 2, 2)))
    assert ac.linalg.matrix_exp(ac.zeros(0, 3, 3)).shape == (0, 3, 3)


# -- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: ac.linalg.svd(ac.ones(3)), r"linalg.svd: the input tensor A must have at least 2"),
        (lambda: ac.linalg.svdvals(ac.ones(2, 2, dtype=ac.int64)), "svdvals: needs a float"),
        (lambda: ac.linalg.qr(ac.ones(3)), r"linalg.qr: .*at least 2 dimensions; got shape \(3,"),
        (lambda: ac.linalg.qr(ac.ones(2, 2, dtype=ac.int64)), "linalg.qr: needs a float"),
        (lambda: ac.linalg.pinv(ac.ones(3)), "linalg.pinv: the input tensor A must have"),
        (lambda: ac.linalg.pinv(ac.ones(2, 3), hermitian=True), "pinv: needs square"),
        (lambda: ac.linalg.matrix_exp(ac.ones(2, 3)), r"matrix_exp: needs square .*\(2, 3\)"),
        (lambda: ac.linalg.matrix_exp(ac.ones(2, 2, dtype=ac.int64)), "matrix_exp: needs a float"),
    ],
)
def test_bad_input_errors(call, match):
    with pytest.raises(ac.ShapeError, match=match):
        call()
