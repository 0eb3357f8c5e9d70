"""PyTorch's legacy top-level linear algebra: chain_matmul, svd (U, S, V) and cholesky, against
PyTorch (values, gradients, warnings, errors) and gradcheck; ac.linalg's svd and cholesky stay
as they were."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import autograd_core as ac
from autograd_core.errors import DTypeError, LinAlgError, ShapeError

# chain_matmul and cholesky warn on every call (PyTorch: once per process)
pytestmark = pytest.mark.filterwarnings("ignore:.*is deprecated:UserWarning")


def _pair(torch, array, requires_grad=True):
    ours = ac.tensor(array, requires_grad=requires_grad)
    theirs = torch.tensor(array, requires_grad=requires_grad)
    return ours, theirs


# -- chain_matmul --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "shapes",
    [
        [(3, 4)],
        [(3, 4), (4, 2)],
        [(2, 5), (5, 3), (3, 4)],
        [(10, 2), (2, 8), (8, 1), (1, 6)],
    ],
    ids=["one", "two", "three", "four"],
)
def test_chain_matmul_values_and_gradients_match_torch(torch, rng, shapes):
    arrays = [rng.standard_normal(s) for s in shapes]
    ours = [ac.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    y, ty = ac.chain_matmul(*ours), torch.chain_matmul(*theirs)
    np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), rtol=1e-12, atol=1e-12)
    g = rng.standard_normal(tuple(ty.shape))
    grads = ac.grad(y, ours, ac.tensor(g))
    tgrads = torch.autograd.grad(ty, theirs, torch.tensor(g))
    for a, b in zip(grads, tgrads, strict=True):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-12, atol=1e-12)


def test_chain_matmul_gradcheck(rng):
    ms = [ac.tensor(rng.standard_normal(s), requires_grad=True) for s in [(2, 3), (3, 4), (4, 2)]]
    assert ac.gradcheck(ac.chain_matmul, ms)
    assert ac.gradgradcheck(ac.chain_matmul, ms)


def test_chain_matmul_of_one_matrix_is_a_copy(rng):
    a = ac.tensor(rng.standard_normal((2, 3)), requires_grad=True)
    y = ac.chain_matmul(a)
    assert y.requires_grad and not np.shares_memory(y.data, a.data)
    np.testing.assert_array_equal(y.detach().numpy(), a.detach().numpy())


def test_chain_matmul_warns_like_torch():
    with pytest.warns(UserWarning, match="deprecated.*linalg.multi_dot"):
        ac.chain_matmul(ac.ones(2, 2), ac.ones(2, 2))


def test_chain_matmul_of_integers_matches_torch(torch):
    a = np.arange(6, dtype=np.int32).reshape(2, 3)
    y = ac.chain_matmul(ac.tensor(a), ac.tensor(a.T))
    ty = torch.chain_matmul(torch.tensor(a), torch.tensor(a.T))
    assert str(y.dtype) == "int32" and ty.dtype == torch.int32
    np.testing.assert_array_equal(y.numpy(), ty.numpy())


def test_chain_matmul_out(rng):
    a, b = rng.standard_normal((2, 3)), rng.standard_normal((3, 2))
    out = ac.zeros(2, 2, dtype=ac.float64)
    assert ac.chain_matmul(ac.tensor(a), ac.tensor(b), out=out) is out
    np.testing.assert_allclose(out.numpy(), a @ b)


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        ((), ShapeError, "one or more matrices"),
        (((3,), (3, 2)), ShapeError, r"matrix 0 has shape \(3,\)"),
        (((2, 3, 4), (2, 4, 3)), ShapeError, "must be 2-D"),
        (((3, 4), (3, 4)), ShapeError, "cannot be multiplied"),
    ],
)
def test_chain_matmul_refuses_what_torch_refuses(torch, args, error, match):
    with pytest.raises(RuntimeError):
        torch.chain_matmul(*[torch.ones(s) for s in args])
    with pytest.raises(error, match=match):
        ac.chain_matmul(*[ac.ones(*s) for s in args])


def test_chain_matmul_refuses_mixed_dtypes(torch):
    with pytest.raises(RuntimeError):
        torch.chain_matmul(torch.ones(2, 2), torch.ones(2, 2, dtype=torch.float64))
    with pytest.raises(DTypeError, match="float32, float64"):
        ac.chain_matmul(ac.ones(2, 2), ac.ones(2, 2, dtype=ac.float64))


# -- svd -----------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(4, 3), (3, 5), (2, 4, 3)])
@pytest.mark.parametrize("some", [True, False])
def test_legacy_svd_matches_torch(torch, rng, shape, some):
    a = rng.standard_normal(shape)
    u, s, v = ac.svd(ac.tensor(a), some=some)
    tu, ts, tv = torch.svd(torch.tensor(a), some=some)
    assert (u.shape, s.shape, v.shape) == (tuple(tu.shape), tuple(ts.shape), tuple(tv.shape))
    np.testing.assert_allclose(s.numpy(), ts.numpy(), rtol=1e-12)
    k = min(shape[-2:])
    # V, not Vh: A = U[..., :k] diag(S) V[..., :k]ᵀ; the columns agree with torch's up to sign
    rebuilt = (u.numpy()[..., :k] * s.numpy()[..., None, :]) @ np.swapaxes(
        v.numpy()[..., :k], -1, -2
    )
    np.testing.assert_allclose(rebuilt, a, atol=1e-12)
    for ours, theirs in ((u, tu), (v, tv)):
        cos = np.sum(ours.numpy()[..., :k] * theirs.numpy()[..., :k], axis=-2)
        np.testing.assert_allclose(np.abs(cos), 1.0, atol=1e-10)


def test_legacy_svd_without_uv_gives_zero_u_and_v_like_torch(torch, rng):
    a = rng.standard_normal((2, 4, 3))
    x = ac.tensor(a, requires_grad=True)
    u, s, v = ac.svd(x, compute_uv=False)
    tu, ts, tv = torch.svd(torch.tensor(a), compute_uv=False)
    for ours, theirs in ((u, tu), (v, tv)):
        assert ours.shape == tuple(theirs.shape) and not ours.requires_grad
        assert not ours.numpy().any() and not theirs.numpy().any()
    np.testing.assert_allclose(s.detach().numpy(), ts.numpy(), rtol=1e-12)
    assert s.requires_grad


def test_legacy_svd_gradients_match_torch(torch, rng):
    a = rng.standard_normal((5, 3))
    x, tx = _pair(torch, a)
    c_u, c_v = rng.standard_normal(5), rng.standard_normal(3)

    def loss(m, u, s, v):  # invariant to the signs of the singular vectors
        return (m.tensor(c_u) @ u**2).sum() + (s**3).sum() + (m.tensor(c_v) @ v**2).sum()

    g = ac.grad(loss(ac, *ac.svd(x)), x)[0]
    tg = torch.autograd.grad(loss(torch, *torch.svd(tx)), tx)[0]
    np.testing.assert_allclose(g.numpy(), tg.numpy(), rtol=1e-9, atol=1e-12)
    g = ac.grad(ac.svd(x, compute_uv=False).S.sum(), x)[0]
    tg = torch.autograd.grad(torch.svd(tx, compute_uv=False).S.sum(), tx)[0]
    np.testing.assert_allclose(g.numpy(), tg.numpy(), rtol=1e-9, atol=1e-12)


def test_legacy_svd_gradcheck(rng):
    x = ac.tensor(rng.standard_normal((4, 3)), requires_grad=True)

    def f(t):
        u, s, v = ac.svd(t)
        return (u**2).sum(0) + s + (v**2).sum(0)

    assert ac.gradcheck(f, (x,))
    assert ac.gradgradcheck(f, (x,))


def test_legacy_svd_does_not_warn_as_torch_does_not(torch):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        torch.svd(torch.eye(2))
        ac.svd(ac.eye(2))
        ac.eye(2).svd()


def test_legacy_names_leave_linalg_alone():
    a = ac.tensor([[3.0, 0.0], [0.0, -4.0]])
    assert ac.svd is not ac.linalg.svd and ac.cholesky is not ac.linalg.cholesky
    assert ac.linalg.svd(a)._fields == ("U", "S", "Vh")
    assert ac.svd(a)._fields == ("U", "S", "V")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # linalg.cholesky is not deprecated
        ac.linalg.cholesky(ac.eye(2))
    with pytest.raises(TypeError):
        ac.linalg.cholesky(ac.eye(2), True)  # upper stays keyword-only there, as in torch


def test_legacy_svd_refuses_integers():
    with pytest.raises(ShapeError, match="svd: needs a float tensor"):
        ac.svd(ac.ones(2, 2, dtype=ac.int64))


# -- cholesky ------------------------------------------------------------------------------


def _spd(rng, shape):
    x = rng.standard_normal(shape)
    return x @ np.swapaxes(x, -1, -2) + np.eye(shape[-1])


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4)])
def test_legacy_cholesky_matches_torch(torch, rng, upper, shape):
    x = rng.standard_normal(shape)
    ours, theirs = _pair(torch, x)

    def factor(m, t):
        a = t @ t.mT + m.eye(shape[-1], dtype=m.float64)
        return m.cholesky(a, upper)

    y, ty = factor(ac, ours), factor(torch, theirs)
    np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), rtol=1e-12, atol=1e-12)
    g = rng.standard_normal(shape)
    np.testing.assert_allclose(
        ac.grad(y, ours, ac.tensor(g))[0].numpy(),
        torch.autograd.grad(ty, theirs, torch.tensor(g))[0].numpy(),
        rtol=1e-9,
        atol=1e-12,
    )


def test_legacy_cholesky_gradcheck(rng):
    x = ac.tensor(rng.standard_normal((3, 3)), requires_grad=True)

    def f(t):
        return ac.cholesky(t @ t.mT + ac.eye(3, dtype=ac.float64), upper=True)

    assert ac.gradcheck(f, (x,))
    assert ac.gradgradcheck(f, (x,))


def test_legacy_cholesky_warns_like_torch_and_is_a_method(rng):
    a = ac.tensor(_spd(rng, (3, 3)))
    with pytest.warns(UserWarning, match=r"deprecated.*linalg\.cholesky"):
        lower = ac.cholesky(a)
    with pytest.warns(UserWarning):
        upper = a.cholesky(upper=True)
    np.testing.assert_allclose(upper.numpy(), lower.numpy().T)
    np.testing.assert_allclose(lower.numpy(), np.linalg.cholesky(a.numpy()))


def test_legacy_cholesky_errors_name_it(torch):
    with pytest.raises(torch.linalg.LinAlgError, match="cholesky"):
        torch.cholesky(-torch.eye(2))
    with pytest.raises(LinAlgError, match=r"^cholesky: .*not positive-definite"):
        ac.cholesky(-ac.eye(2))
    with pytest.raises(ShapeError, match=r"^cholesky: needs square matrices"):
        ac.cholesky(ac.ones(2, 3))
