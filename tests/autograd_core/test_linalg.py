"""ac.linalg and the top-level inverse/det/logdet/slogdet against torch: values and gradients in
float64 (1e-10), float32 values, first and second order gradchecks on every device, and the
error messages. The registered ops themselves are checked by the op database."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac


def _square(rng, shape):
    return rng.standard_normal(shape) + shape[-1] * np.eye(shape[-1])


def _spd(rng, shape):
    a = rng.standard_normal(shape)
    return a @ np.swapaxes(a, -1, -2) + shape[-1] * np.eye(shape[-1])


def _compare(fn, tfn, arrays, torch, rng, device="cpu"):
    """Values and gradients of ``fn`` (ours) and ``tfn`` (torch's) in float64 at rtol 1e-10."""
    xs = [ac.tensor(a, requires_grad=True, device=device) for a in arrays]
    txs = [torch.tensor(a, requires_grad=True) for a in arrays]
    y, ty = fn(*xs), tfn(*txs)
    assert y.shape == tuple(ty.shape) and y.dtype == ac.float64
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), rtol=1e-10, atol=1e-12)
    w = rng.standard_normal(y.shape)
    gs = ac.grad([y], xs, [ac.tensor(w, device=device)])
    tgs = torch.autograd.grad([ty], txs, [torch.tensor(w)])
    for g, tg in zip(gs, tgs, strict=True):
        np.testing.assert_allclose(g.numpy(), tg.numpy(), rtol=1e-10, atol=1e-12)
    return xs


def _triangular_cases():
    return [
        (upper, left, unit, a_shape, b_shape)
        for upper in (False, True)
        for left in (True, False)
        for unit in (False, True)
        for a_shape, b_shape in [((3, 3), (3, 2)), ((2, 3, 3), (1, 3, 3))]
    ]


@pytest.mark.parametrize("upper, left, unit, a_shape, b_shape", _triangular_cases())
def test_solve_triangular_matches_torch(upper, left, unit, a_shape, b_shape, torch, rng, device):
    a = _square(rng, a_shape)
    b = rng.standard_normal(b_shape if left else b_shape[:-2] + b_shape[-2:][::-1])
    kw = {"upper": upper, "left": left, "unitriangular": unit}

    def ours(a, b):
        return ac.linalg.solve_triangular(a, b, **kw)

    xs = _compare(
        ours, lambda a, b: torch.linalg.solve_triangular(a, b, **kw), [a, b], torch, rng, device
    )
    assert ac.gradcheck(ours, xs) and ac.gradgradcheck(ours, xs)


@pytest.mark.parametrize(
    "a_shape, b_shape, left",
    [
        ((3, 3), (3,), True),
        ((2, 3, 3), (2, 3), True),
        ((3, 3), (2, 3), False),
        ((3, 3), (4, 3, 2), True),
    ],
)
def test_solve_vectors_and_right_side_match_torch(a_shape, b_shape, left, torch, rng, device):
    a, b = _square(rng, a_shape), rng.standard_normal(b_shape)

    def ours(a, b):
        return ac.linalg.solve(a, b, left=left)

    xs = _compare(
        ours, lambda a, b: torch.linalg.solve(a, b, left=left), [a, b], torch, rng, device
    )
    assert ac.gradcheck(ours, xs) and ac.gradgradcheck(ours, xs)


@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4), (1, 1)])
def test_det_logdet_inverse_and_methods_match_torch(shape, torch, rng, device):
    a = _spd(rng, shape)  # logdet needs det > 0
    for fn, tfn in [
        (ac.det, torch.det),
        (ac.logdet, torch.logdet),
        (ac.inverse, torch.inverse),
        (lambda x: x.det(), lambda x: x.det()),
        (lambda x: x.inverse(), lambda x: x.inverse()),
        (lambda x: x.logdet(), lambda x: x.logdet()),
        (lambda x: ac.linalg.det(x), torch.linalg.det),
        (lambda x: ac.linalg.slogdet(x).logabsdet, lambda x: torch.linalg.slogdet(x).logabsdet),
    ]:
        xs = _compare(fn, tfn, [a], torch, rng, device)
        assert ac.gradcheck(fn, xs) and ac.gradgradcheck(fn, xs)


def test_logdet_is_nan_for_negative_and_minus_inf_for_zero_det(torch):
    a = np.array([[[-2.0, 0.0], [0.0, 3.0]], [[1.0, 2.0], [2.0, 4.0]], [[2.0, 0.0], [0.0, 3.0]]])
    np.testing.assert_array_equal(
        ac.logdet(ac.tensor(a)).numpy(), torch.logdet(torch.tensor(a)).numpy()
    )
    sign, logabs = ac.slogdet(ac.tensor(a))
    tsign, tlogabs = torch.slogdet(torch.tensor(a))
    np.testing.assert_array_equal(sign.numpy(), tsign.numpy())
    np.testing.assert_allclose(logabs.numpy(), tlogabs.numpy(), rtol=1e-12)
    np.testing.assert_allclose(
        ac.det(ac.tensor(a)).numpy(), torch.det(torch.tensor(a)).numpy(), atol=1e-15
    )


@pytest.mark.parametrize("upper", [False, True])
def test_cholesky_upper_and_symmetric_gradient_match_torch(upper, torch, rng, device):
    a = _spd(rng, (2, 3, 3))

    def ours(x):
        return ac.linalg.cholesky(x, upper=upper)

    _compare(ours, lambda x: torch.linalg.cholesky(x, upper=upper), [a], torch, rng, device)

    def sym(x):  # the factor reads one triangle: check it through a symmetric input
        return ac.linalg.cholesky((x + x.mT) * 0.5, upper=upper)

    x = ac.tensor(a, requires_grad=True, device=device)
    assert ac.gradcheck(sym, [x]) and ac.gradgradcheck(sym, [x])


@pytest.mark.parametrize(
    "fn, tfn, make",
    [
        ("inv", "inv", _square),
        ("det", "det", _square),
        ("cholesky", "cholesky", _spd),
    ],
)
def test_float32_and_empty_batches_match_torch(fn, tfn, make, torch, rng):
    for shape in [(2, 3, 3), (0, 3, 3), (1, 1)]:
        a = make(rng, shape).astype(np.float32)
        y = getattr(ac.linalg, fn)(ac.tensor(a))
        ty = getattr(torch.linalg, tfn)(torch.tensor(a))
        assert y.dtype == ac.float32 and y.shape == tuple(ty.shape)
        np.testing.assert_allclose(y.numpy(), ty.numpy(), rtol=1e-5, atol=1e-5)


def test_non_contiguous_input_matches_torch(torch, rng):
    a = _square(rng, (4, 4)).T  # a transposed view
    np.testing.assert_allclose(
        ac.linalg.inv(ac.tensor(a)[::1]).numpy(), np.linalg.inv(a), rtol=1e-12
    )
    x = ac.tensor(np.asfortranarray(a))
    np.testing.assert_allclose(ac.det(x).numpy(), torch.det(torch.tensor(a)).numpy(), rtol=1e-12)


def test_not_positive_definite_names_the_batch_index_and_minor():
    a = np.stack([np.eye(3), np.diag([1.0, -1.0, 1.0])])
    with pytest.raises(
        ac.LinAlgError,
        match=r"cholesky: .*definite at batch index \(1,\) \(the leading minor of order 2",
    ):
        ac.linalg.cholesky(ac.tensor(a))
    with pytest.raises(ac.LinAlgError, match="leading minor of order 1"):
        ac.linalg.cholesky(ac.tensor([[-1.0]]))


def test_singular_matrices_raise_linalg_error():
    singular = ac.tensor([[1.0, 2.0], [2.0, 4.0]])
    with pytest.raises(ac.LinAlgError, match="^linalg.inv: the input is singular"):
        ac.linalg.inv(singular)
    with pytest.raises(ac.LinAlgError, match="^inverse: the input is singular"):
        ac.inverse(singular)
    with pytest.raises(ac.LinAlgError, match="linalg.solve: A is singular"):
        ac.linalg.solve(singular, ac.ones(2, 1))
    assert ac.linalg.LinAlgError is ac.LinAlgError


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: ac.linalg.inv(ac.ones(2, 3)), r"linalg.inv: needs square matrices .*\(2, 3\)"),
        (lambda: ac.det(ac.ones(3)), r"det: needs square matrices .*\(3,\)"),
        (lambda: ac.logdet(ac.ones(2, 3)), "logdet: needs square"),
        (lambda: ac.slogdet(ac.ones(2, 3)), "slogdet: needs square"),
        (lambda: ac.linalg.cholesky(ac.ones(2, 3)), "linalg.cholesky: needs square"),
        (
            lambda: ac.linalg.solve(ac.eye(3), ac.ones(2, 1)),
            r"linalg.solve: B's rows must match A's size 3",
        ),
        (lambda: ac.linalg.solve(ac.eye(3), ac.ones(2, 4), left=False), r"B's columns must match"),
        (
            lambda: ac.linalg.solve(ac.eye(3).expand(2, 3, 3), ac.ones(4, 3, 1)),
            r"linalg.solve: the batch dims of A \(2, 3, 3\) and B \(4, 3, 1\) do not broadcast",
        ),
        (
            lambda: ac.linalg.solve_triangular(ac.eye(3), ac.ones(3), upper=True),
            r"solve_triangular: B needs at least 2 dims .*unsqueeze",
        ),
        (lambda: ac.inverse(ac.tensor([[1, 0], [0, 1]])), "inverse: needs a float tensor"),
    ],
)
def test_bad_input_errors(call, match):
    with pytest.raises(ac.ShapeError, match=match):
        call()


@pytest.mark.parametrize("uplo", ["L", "U"])
def test_eigh_and_eigvalsh_match_torch(uplo, torch, rng, device):
    a = rng.standard_normal((2, 4, 4))
    a = a + np.swapaxes(a, -1, -2) + np.triu(rng.standard_normal((4, 4)), 1)  # a stray triangle
    gw, gv = rng.standard_normal((2, 4)), rng.standard_normal((2, 4, 4))

    def loss(w, v, tensor):  # sign-free in V
        return (w * tensor(gw)).sum() + (v * v * tensor(gv)).sum()

    x = ac.tensor(a, requires_grad=True, device=device)
    tx = torch.tensor(a, requires_grad=True)
    w, v = ac.linalg.eigh(x, UPLO=uplo)
    tw, tv = torch.linalg.eigh(tx, UPLO=uplo)
    np.testing.assert_allclose(w.numpy(), tw.detach().numpy(), rtol=1e-10)
    np.testing.assert_allclose(np.abs(v.numpy()), np.abs(tv.detach().numpy()), atol=1e-12)
    (g,) = ac.grad([loss(w, v, lambda g: ac.tensor(g, device=device))], [x])
    (tg,) = torch.autograd.grad([loss(tw, tv, torch.tensor)], [tx])
    np.testing.assert_allclose(g.numpy(), tg.numpy(), rtol=1e-10, atol=1e-12)
    wv = ac.linalg.eigvalsh(x, UPLO=uplo)
    np.testing.assert_array_equal(wv.numpy(), w.numpy())
    (g,) = ac.grad([(wv * ac.tensor(gw, device=device)).sum()], [x])
    (tg,) = torch.autograd.grad(
        [(torch.linalg.eigvalsh(tx, UPLO=uplo) * torch.tensor(gw)).sum()], [tx]
    )
    np.testing.assert_allclose(g.numpy(), tg.numpy(), rtol=1e-10, atol=1e-12)

    def sym_vals(t):
        return ac.linalg.eigvalsh((t + t.mT) * 0.5, UPLO=uplo)

    assert ac.gradcheck(sym_vals, [x]) and ac.gradgradcheck(sym_vals, [x])


def test_eigh_float32_and_errors(torch, rng):
    a = rng.standard_normal((3, 3)).astype(np.float32)
    a = a + a.T
    w = ac.linalg.eigvalsh(ac.tensor(a))
    assert w.dtype == ac.float32
    np.testing.assert_allclose(w.numpy(), torch.linalg.eigvalsh(torch.tensor(a)).numpy(), rtol=1e-5)
    with pytest.raises(ac.ShapeError, match="linalg.eigh: UPLO must be 'L' or 'U'; got 'X'"):
        ac.linalg.eigh(ac.tensor(a), UPLO="X")
    with pytest.raises(ac.ShapeError, match=r"linalg.eigvalsh: needs square matrices .*\(2, 3\)"):
        ac.linalg.eigvalsh(ac.ones(2, 3))
