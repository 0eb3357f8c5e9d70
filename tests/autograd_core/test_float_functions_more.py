"""frexp, nextafter, isreal, renorm and mvlgamma against PyTorch: values, dtypes, gradients
(torch's and gradcheck of both orders in float64), the Tensor methods, and the errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd_core as ac
from autograd_core.errors import DTypeError, ShapeError

SPECIALS = [0.0, -0.0, 1.0, -0.75, 8.0, 3.5e-3, 3e4, np.inf, -np.inf, np.nan]


def _assert_like(got, want, torch, rtol=0.0, atol=0.0):
    assert str(got.dtype) == str(want.dtype).removeprefix("torch.")
    assert got.shape == tuple(want.shape)
    np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy(), rtol=rtol, atol=atol)


# -- frexp ---------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
def test_frexp_matches_torch(torch, dtype):
    values = SPECIALS + [np.finfo(dtype).max, np.finfo(dtype).tiny / 4]  # and a subnormal
    x = np.array(values, dtype=dtype)
    mantissa, exponent = ac.frexp(ac.tensor(x))
    want = torch.frexp(torch.tensor(x))
    _assert_like(mantissa, want.mantissa, torch)
    _assert_like(exponent, want.exponent, torch)
    assert str(exponent.dtype) == "int32"
    np.testing.assert_array_equal(np.ldexp(mantissa.numpy(), exponent.numpy()), x)


def test_frexp_returns_a_named_pair_and_is_a_method():
    result = ac.tensor([6.0]).frexp()
    assert result._fields == ("mantissa", "exponent")
    assert result.mantissa.tolist() == [0.75] and result.exponent.tolist() == [3]


def test_frexp_gradient_matches_torch(torch):
    x = np.array([1.5, -3.0, 0.0, 0.3, 1e-310, -np.inf])  # 1e-310: subnormal, slope inf
    ours, theirs = ac.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    (g,) = ac.grad(ac.frexp(ours).mantissa.sum(), ours)
    (tg,) = torch.autograd.grad(torch.frexp(theirs).mantissa.sum(), theirs)
    np.testing.assert_array_equal(g.numpy(), tg.numpy())
    assert not ac.frexp(ours).exponent.requires_grad


def test_frexp_gradcheck(rng):
    # magnitudes u · 2^k, u in [0.55, 0.95]: away from the powers of two, where m jumps
    x = rng.uniform(0.55, 0.95, (3, 4)) * np.exp2(rng.integers(-3, 4, (3, 4)))
    t = ac.tensor(x * np.sign(rng.standard_normal((3, 4))), requires_grad=True)
    assert ac.gradcheck(lambda v: ac.frexp(v).mantissa, (t,))
    assert ac.gradgradcheck(lambda v: ac.frexp(v).mantissa, (t,))


def test_frexp_refuses_integers_as_torch(torch):
    with pytest.raises(RuntimeError, match="floating-point"):
        torch.frexp(torch.tensor([1, 2]))
    with pytest.raises(DTypeError, match="^frexp: only floating-point dtypes .* int64"):
        ac.frexp(ac.tensor([1, 2]))


# -- nextafter -----------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_nextafter_matches_torch(torch, dtype):
    a = np.array(SPECIALS, dtype=dtype)
    for b in (np.inf, -np.inf, 0.0, 1.0, np.nan):
        other = np.full_like(a, b)
        got = ac.nextafter(ac.tensor(a), ac.tensor(other))
        _assert_like(got, torch.nextafter(torch.tensor(a), torch.tensor(other)), torch)


def test_nextafter_broadcasts_and_promotes_as_torch(torch, rng):
    a, b = rng.standard_normal((2, 1, 3)), rng.standard_normal((4, 1))
    _assert_like(
        ac.nextafter(ac.tensor(a), ac.tensor(b)),
        torch.nextafter(torch.tensor(a), torch.tensor(b)),
        torch,
    )
    one32, two64 = np.ones(2, np.float32), np.full(2, 2.0)
    pairs = [(one32, two64), (one32, np.array(2.0))]  # float64 vector; float64 0-d
    for a, b in pairs:
        got = ac.nextafter(ac.tensor(a), ac.tensor(b))
        _assert_like(got, torch.nextafter(torch.tensor(a), torch.tensor(b)), torch)
    assert ac.tensor([1.0]).nextafter(ac.tensor([0.0])).item() == np.nextafter(
        np.float32(1), np.float32(0)
    )


def test_nextafter_gradients_are_torchs(torch, rng):
    a, b = rng.standard_normal((3, 1)), rng.standard_normal(4)
    ours = [ac.tensor(v, requires_grad=True) for v in (a, b)]
    theirs = [torch.tensor(v, requires_grad=True) for v in (a, b)]
    g = rng.standard_normal((3, 4))
    grads = ac.grad(ac.nextafter(*ours), ours, ac.tensor(g))
    tgrads = torch.autograd.grad(torch.nextafter(*theirs), theirs, torch.tensor(g))
    for x, y in zip(grads, tgrads, strict=True):
        np.testing.assert_allclose(x.numpy(), y.numpy(), rtol=1e-12)
    assert ac.gradcheck(ac.nextafter, ours)
    assert ac.gradgradcheck(ac.nextafter, ours)


def test_nextafter_refuses_integers():
    with pytest.raises(DTypeError, match="^nextafter: only floating-point .* int64 and int64"):
        ac.nextafter(ac.tensor([1]), ac.tensor([2]))


# -- isreal --------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["bool", "uint8", "int32", "int64", "float32", "float64"])
def test_isreal_is_true_for_real_dtypes_as_torch(torch, dtype):
    x = np.array(SPECIALS if dtype.startswith("float") else [0, 1, 1], dtype=dtype)
    got = ac.isreal(ac.tensor(x))
    _assert_like(got, torch.isreal(torch.tensor(x)), torch)
    assert got.numpy().all() and not got.requires_grad
    assert ac.tensor(x).isreal().tolist() == got.tolist()


# -- renorm --------------------------------------------------------------------------------

RENORM_CASES = [(2, 0, 1.0), (1, 1, 0.8), (3, -1, 0.5), (0.5, 0, 4.0), (math.inf, 1, 0.9)]


@pytest.mark.parametrize(("p", "dim", "maxnorm"), RENORM_CASES)
@pytest.mark.parametrize("shape", [(4, 3), (2, 3, 4)])
def test_renorm_values_and_gradients_match_torch(torch, rng, p, dim, maxnorm, shape):
    a = rng.standard_normal(shape) * rng.uniform(0.1, 1.5, (shape[0],) + (1,) * (len(shape) - 1))
    x, tx = ac.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    y, ty = ac.renorm(x, p, dim, maxnorm), torch.renorm(tx, p, dim, maxnorm)
    _assert_like(y, ty, torch, rtol=1e-13, atol=1e-15)
    g = rng.standard_normal(shape)
    (gx,) = ac.grad(y, x, ac.tensor(g))
    (tgx,) = torch.autograd.grad(ty, tx, torch.tensor(g))
    np.testing.assert_allclose(gx.numpy(), tgx.numpy(), rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize(("p", "dim", "maxnorm"), RENORM_CASES)
def test_renorm_gradcheck(rng, p, dim, maxnorm):
    a = rng.uniform(0.2, 1.0, (3, 4)) * np.sign(rng.standard_normal((3, 4)))
    a[0] *= 3  # one slice scaled down (at least), one left as it is
    x = ac.tensor(a, requires_grad=True)
    assert ac.gradcheck(lambda t: ac.renorm(t, p, dim, maxnorm), (x,))
    assert ac.gradgradcheck(lambda t: ac.renorm(t, p, dim, maxnorm), (x,))


def test_renorm_uses_torchs_epsilon(torch):
    # the first row (norm 5) is divided by 5 + 1e-7: its norm ends just below maxnorm
    x = np.array([[3.0, 4.0], [0.3, 0.4]])
    y = ac.renorm(ac.tensor(x), 2, 0, 1.0)
    np.testing.assert_array_equal(y.numpy(), torch.renorm(torch.tensor(x), 2, 0, 1.0).numpy())
    np.testing.assert_array_equal(y.numpy()[0], x[0] * (1.0 / (5.0 + 1e-7)))
    np.testing.assert_array_equal(y.numpy()[1], x[1])  # at or below maxnorm: unchanged


def test_renorm_float32_method_and_in_place(torch):
    x = np.array([[3.0, 4.0, 0.0], [1.0, 0.0, 0.0]], dtype=np.float32)
    y = ac.tensor(x).renorm(1, 0, 2.0)
    _assert_like(y, torch.tensor(x).renorm(1, 0, 2.0), torch, rtol=1e-6)
    z = ac.tensor(x)
    z.renorm_(1, 0, 2.0)
    np.testing.assert_array_equal(z.numpy(), y.numpy())


@pytest.mark.parametrize(
    ("x", "p", "maxnorm", "error", "match"),
    [
        (np.ones(3), 2, 1.0, ShapeError, "at least 2 dimensions"),
        (np.ones((2, 2), np.int64), 2, 1.0, DTypeError, "floating-point"),
        (np.ones((2, 2)), 0, 1.0, ValueError, "p must be positive"),
        (np.ones((2, 2)), -1, 1.0, ValueError, "p must be positive"),
        (np.ones((2, 2)), 2, -1.0, ValueError, "maxnorm must be >= 0"),
    ],
)
def test_renorm_refuses_what_torch_refuses(torch, x, p, maxnorm, error, match):
    with pytest.raises(RuntimeError):
        torch.renorm(torch.tensor(x), p, 0, maxnorm)
    with pytest.raises(error, match=f"^renorm: .*{match}"):
        ac.renorm(ac.tensor(x), p, 0, maxnorm)


# -- mvlgamma ------------------------------------------------------------------------------


@pytest.mark.parametrize("p", [1, 2, 3, 5])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_mvlgamma_values_and_gradients_match_torch(torch, rng, p, dtype):
    a = ((p - 1) / 2 + rng.uniform(0.05, 6.0, (3, 4))).astype(dtype)
    x, tx = ac.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    y, ty = ac.mvlgamma(x, p), torch.mvlgamma(tx, p)
    tol = 1e-5 if dtype == "float32" else 1e-12
    _assert_like(y, ty, torch, rtol=tol, atol=tol)
    g = rng.standard_normal((3, 4)).astype(dtype)
    (gx,) = ac.grad(y, x, ac.tensor(g))
    (tgx,) = torch.autograd.grad(ty, tx, torch.tensor(g))
    np.testing.assert_allclose(gx.numpy(), tgx.numpy(), rtol=tol * 10, atol=tol)


def test_mvlgamma_closed_form_and_gradcheck(rng):
    x = ac.tensor(rng.uniform(1.2, 5.0, (2, 3)), requires_grad=True)
    np.testing.assert_allclose(ac.mvlgamma(x, 1).detach().numpy(), ac.lgamma(x).detach().numpy())
    # Γ₂(x) = √π Γ(x) Γ(x − ½)
    want = 0.5 * math.log(math.pi) + ac.lgamma(x) + ac.lgamma(x - 0.5)
    np.testing.assert_allclose(x.mvlgamma(2).detach().numpy(), want.detach().numpy(), rtol=1e-14)
    assert ac.gradcheck(lambda t: ac.mvlgamma(t, 3), (x,))
    assert ac.gradgradcheck(lambda t: ac.mvlgamma(t, 3), (x,))


def test_mvlgamma_of_integers_is_floating_as_torch(torch):
    x = np.array([3, 4, 7])
    _assert_like(ac.mvlgamma(ac.tensor(x), 2), torch.mvlgamma(torch.tensor(x), 2), torch, 1e-6)


def test_mvlgamma_outside_its_domain_gives_torchs_values(torch):
    # PyTorch 2.13 checks nothing for x <= (p - 1)/2: inf at the poles, finite values between
    x = np.array([0.5, 0.9, 1.0, 0.2, -0.3])
    got = ac.mvlgamma(ac.tensor(x), 3)
    want = torch.mvlgamma(torch.tensor(x), 3)
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-12)
    assert np.isinf(got.numpy()[[0, 2]]).all()


def test_mvlgamma_refuses_what_torch_refuses(torch):
    for bad in ((torch.tensor([True]), 1), (torch.tensor([3.0]), 0)):
        with pytest.raises(RuntimeError):
            torch.mvlgamma(*bad)
    with pytest.raises(DTypeError, match="^mvlgamma: the input may not be a bool"):
        ac.mvlgamma(ac.tensor([True]), 1)
    with pytest.raises(ValueError, match="^mvlgamma: p has to be greater than or equal to 1"):
        ac.mvlgamma(ac.tensor([3.0]), 0)
