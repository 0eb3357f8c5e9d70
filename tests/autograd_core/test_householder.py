"""geqrf, linalg.householder_product (orgqr) and ormqr: the factorization rebuilds A (a closed
form), Q is orthogonal, values and gradients against torch 2.13 in float64, gradients checked to
second order by finite differences, torch's shape and dtype refusals, and the backward of
geqrf refused as torch refuses it."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac

RNG = np.random.default_rng(7)


def _t(a, requires_grad=False, device="cpu"):
    return ac.tensor(a, dtype=ac.float64, requires_grad=requires_grad, device=device)


@pytest.mark.parametrize("shape", [(5, 3), (3, 3), (3, 5), (2, 4, 3), (1, 1), (0, 2, 2)])
def test_the_reflectors_rebuild_the_matrix(shape, device):
    a = RNG.standard_normal(shape)
    h, tau = ac.geqrf(_t(a, device=device))
    m, n = shape[-2:]
    k = min(m, n)
    # Q (m × m) applied to R (m × n): householder_product needs n ≤ m, ormqr does not
    r = ac.triu(h)[..., :k, :] if m >= n else ac.triu(h)
    rebuilt = ac.ormqr(
        h,
        tau,
        ac.cat([r, ac.zeros(*shape[:-2], m - r.shape[-2], n, dtype=ac.float64, device=device)], -2),
    )
    np.testing.assert_allclose(rebuilt.numpy(), a, atol=1e-12)
    if m >= n:
        q = ac.linalg.householder_product(h, tau)
        np.testing.assert_allclose((q @ r).numpy(), a, atol=1e-12)
        np.testing.assert_allclose(
            (q.mT @ q).numpy(), np.broadcast_to(np.eye(n), q.shape[:-2] + (n, n)), atol=1e-12
        )


def _torch_pair(torch, shape, k):
    a = RNG.standard_normal(shape)
    tau = RNG.uniform(0.2, 1.8, shape[:-2] + (k,))
    return a, tau


@pytest.mark.parametrize(
    ("shape", "k"),
    [((5, 3), 3), ((5, 3), 2), ((4, 4), 4), ((2, 4, 3), 1), ((5, 3), 0), ((0, 0), 0)],
)
def test_householder_product_matches_torch_with_gradients(torch, shape, k):
    a, tau = _torch_pair(torch, shape, k)
    w = RNG.standard_normal(shape)
    ours_a, ours_tau = _t(a, True), _t(tau, True)
    theirs_a, theirs_tau = (torch.tensor(x, requires_grad=True) for x in (a, tau))
    q = ac.linalg.householder_product(ours_a, ours_tau)
    tq = torch.linalg.householder_product(theirs_a, theirs_tau)
    np.testing.assert_allclose(q.numpy(), tq.detach().numpy(), atol=1e-12)
    (q * _t(w)).sum().backward()
    (tq * torch.tensor(w)).sum().backward()
    for ours, theirs in ((ours_a, theirs_a), (ours_tau, theirs_tau)):
        # (no reflector, k = 0: torch leaves both gradients None, ours gives their zeros)
        expected = np.zeros(ours.shape) if k == 0 else theirs.grad.numpy()
        assert (theirs.grad is None) == (k == 0)
        np.testing.assert_allclose(ours.grad.numpy(), expected, atol=1e-10)
    assert ac.orgqr(ours_a, ours_tau).shape == ours_a.orgqr(ours_tau).shape == q.shape


@pytest.mark.parametrize("left", [True, False])
@pytest.mark.parametrize("transpose", [False, True])
@pytest.mark.parametrize(("a_shape", "c_other"), [((4, 3), 2), ((4, 6), 3), ((2, 3, 3), 2)])
def test_ormqr_matches_torch_with_gradients(torch, left, transpose, a_shape, c_other):
    mn = a_shape[-2]
    batch = a_shape[:-2]
    c_shape = batch + ((mn, c_other) if left else (c_other, mn))
    k = min(mn, a_shape[-1])
    a, tau = _torch_pair(torch, a_shape, k)
    c = RNG.standard_normal(c_shape)
    ours = [_t(x, True) for x in (a, tau, c)]
    theirs = [torch.tensor(x, requires_grad=True) for x in (a, tau, c)]
    y = ac.ormqr(*ours, left=left, transpose=transpose)
    ty = torch.ormqr(*theirs, left=left, transpose=transpose)
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), atol=1e-12)
    w = RNG.standard_normal(y.shape)
    (y * _t(w)).sum().backward()
    (ty * torch.tensor(w)).sum().backward()
    for o, t in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(o.grad.numpy(), t.grad.numpy(), atol=1e-10)
    method = ours[0].ormqr(ours[1], ours[2], left, transpose)
    np.testing.assert_array_equal(method.numpy(), y.numpy())


@pytest.mark.parametrize("order", [1, 2])
def test_gradients_pass_finite_differences_to_second_order(order):
    check = ac.gradcheck if order == 1 else ac.gradgradcheck
    a, tau = _t(RNG.standard_normal((2, 4, 3)), True), _t(RNG.uniform(0.2, 1.8, (2, 2)), True)
    assert check(ac.linalg.householder_product, (a, tau))
    c = _t(RNG.standard_normal((2, 3, 4)), True)
    t3 = _t(RNG.uniform(0.2, 1.8, (2, 3)), True)
    assert check(lambda a, t, c: ac.ormqr(a, t, c, left=False, transpose=True), (a, t3, c))


def test_geqrf_matches_torch_and_its_backward_is_refused_as_torch_refuses(torch):
    a = RNG.standard_normal((2, 5, 3))
    h, tau = ac.geqrf(_t(a, True))
    th, ttau = torch.geqrf(torch.tensor(a, requires_grad=True))
    np.testing.assert_allclose(h.numpy(), th.detach().numpy(), atol=1e-12)
    np.testing.assert_allclose(tau.numpy(), ttau.detach().numpy(), atol=1e-12)
    assert h.requires_grad and th.requires_grad
    with pytest.raises(NotImplementedError, match="derivative for 'geqrf' is not implemented"):
        th.sum().backward()
    with pytest.raises(ac.BackwardError, match="geqrf: the derivative .* linalg.qr"):
        (h.sum() + tau.sum()).backward()
    np.testing.assert_array_equal(_t(a).geqrf().a.numpy(), h.numpy())


def _both(torch, f):
    """(ours' error, torch's error) of ``f(lib, make)``: each must raise."""
    errors = []
    for lib, make in ((ac, lambda s, dt=ac.float64: ac.ones(*s, dtype=dt)),
                      (torch, lambda s, dt=torch.float64: torch.ones(*s, dtype=dt))):  # fmt: skip
        with pytest.raises(Exception) as info:
            f(lib, make)
        errors.append(info.value)
    return errors


BAD = [
    (
        "input.shape\\[-2\\] must be greater",
        lambda L, T: L.linalg.householder_product(T((3, 4)), T((2,))),
    ),
    (
        "input.shape\\[-1\\] must be greater",
        lambda L, T: L.linalg.householder_product(T((4, 3)), T((4,))),
    ),
    ("one dimension less", lambda L, T: L.linalg.householder_product(T((4, 3)), T((2, 2)))),
    ("batch dimensions of tau", lambda L, T: L.linalg.householder_product(T((2, 4, 3)), T((3, 2)))),
    ("at least 2 dimensions", lambda L, T: L.linalg.householder_product(T((4,)), T((2,)))),
    ("other.shape\\[-2\\] must be equal", lambda L, T: L.ormqr(T((4, 3)), T((3,)), T((5, 2)))),
    (
        "other.shape\\[-1\\] must be equal",
        lambda L, T: L.ormqr(T((4, 3)), T((3,)), T((2, 5)), left=False),
    ),
    ("tau.shape\\[-1\\] must be equal", lambda L, T: L.ormqr(T((4, 3)), T((2,)), T((4, 2)))),
    ("batch dimensions of tau", lambda L, T: L.ormqr(T((2, 4, 3)), T((3, 3)), T((2, 4, 2)))),
    ("other", lambda L, T: L.ormqr(T((2, 4, 3)), T((2, 3)), T((3, 4, 2)))),
    ("other", lambda L, T: L.ormqr(T((4, 3)), T((3,)), T((2, 4, 2)))),
    ("at least 2 dimensions", lambda L, T: L.geqrf(T((3,)))),
]


@pytest.mark.parametrize(("words", "call"), BAD, ids=[f"{i}" for i in range(len(BAD))])
def test_shapes_torch_refuses_are_refused_naming_the_op_and_shapes(torch, words, call):
    ours, theirs = _both(torch, call)
    assert isinstance(ours, ac.ShapeError), ours
    assert isinstance(theirs, RuntimeError), theirs
    assert str(ours).split(":")[0] in ("linalg.householder_product", "ormqr", "geqrf"), ours
    assert __import__("re").search(words, str(ours)), ours
    assert "(" in str(ours), f"names no shape: {ours}"


def test_mixed_or_integer_dtypes_are_refused(torch):
    a, tau = ac.ones(4, 3, dtype=ac.float64), ac.ones(2, dtype=ac.float32)
    with pytest.raises(
        ac.DTypeError, match="householder_product: expected input and tau .* float64 .* float32"
    ):
        ac.linalg.householder_product(a, tau)
    with pytest.raises(RuntimeError, match="does not match input dtype"):
        torch.linalg.householder_product(torch.ones(4, 3, dtype=torch.float64), torch.ones(2))
    with pytest.raises(ac.DTypeError, match="ormqr: expected input and other"):
        ac.ormqr(a, ac.ones(3, dtype=ac.float64), ac.ones(4, 2, dtype=ac.float32))
    with pytest.raises(ac.DTypeError, match="geqrf: input must be a float tensor; got int64"):
        ac.geqrf(ac.ones(3, 3, dtype=ac.int64))
