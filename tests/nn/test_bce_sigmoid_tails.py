"""``nn.BCELoss()(nn.Sigmoid()(x), t)`` in the tails, as a user meets it (issue 13, item 4):
loss and gradient against the closed form and PyTorch in float32 and float64. Before the fix,
x = −20 gave loss 100 and gradient 0 in float32 (σ flushed to 0); PyTorch gives 20 and −1.
Also the small losses of ``BCEWithLogitsLoss`` at confident right answers (log1p).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import autograd_core as ac
import nn

XS = [-20.0, -50.0, -100.0, 20.0]
DTYPES = ["float32", "float64"]


def _sig(v: float) -> float:
    return 1 / (1 + math.exp(-v)) if v >= 0 else math.exp(v) / (1 + math.exp(v))


def _softplus(v: float) -> float:
    """log(1 + eᵛ) without overflow."""
    return max(v, 0.0) + math.log1p(math.exp(-abs(v)))


def _ours(x: float, t: float, dtype: str) -> tuple[float, float]:
    xt = ac.tensor(np.array([x], dtype), requires_grad=True)
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        loss = nn.BCELoss()(nn.Sigmoid()(xt), ac.tensor(np.array([t], dtype)))
        loss.backward()
    assert loss.dtype == dtype and xt.grad.dtype == dtype
    return loss.item(), xt.grad.item()


def _expected(x: float, t: float, dtype: str) -> tuple[float, float]:
    """The closed form: −log σ(x) = softplus(−x) for t = 1, softplus(x) for t = 0, clamped at
    100 with gradient 0 where clamped (and, in float32, where σ(x) or 1 − σ(x) is not a
    normal number, see ``_clamped_log``)."""
    loss, grad = (_softplus(-x), -_sig(-x)) if t == 1 else (_softplus(x), _sig(x))
    p = _sig(x) if t == 1 else 1 - float(np.asarray(_sig(x), dtype))  # what the log sees
    if loss >= 100 or p < np.finfo(dtype).tiny:
        return min(loss, 100.0) if p > 0 else 100.0, 0.0
    return loss, grad


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("t", [1.0, 0.0])
@pytest.mark.parametrize("x", XS)
def test_bce_of_sigmoid_matches_the_closed_form_in_the_tails(x, t, dtype):
    loss, grad = _ours(x, t, dtype)
    want_loss, want_grad = _expected(x, t, dtype)
    # float32 σ(−100) is the subnormal 3.78e-44 (27 × 2⁻¹⁴⁹): its log is −99.98, not −100
    tol = 0.02 if (dtype == "float32" and x == -100 and t == 1) else 0
    assert loss == pytest.approx(want_loss, rel=1e-6, abs=max(tol, 1e-7))
    assert grad == pytest.approx(want_grad, rel=1e-6, abs=1e-30)


def test_bce_of_sigmoid_at_minus_20_float32_is_20_with_gradient_minus_1():
    loss, grad = _ours(-20.0, 1.0, "float32")
    assert loss == pytest.approx(20.0, rel=1e-6)
    assert grad == pytest.approx(-1.0, rel=1e-6)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("t", [1.0, 0.0])
@pytest.mark.parametrize("x", XS)
def test_bce_of_sigmoid_matches_torch_in_the_tails(torch, x, t, dtype):
    loss, grad = _ours(x, t, dtype)
    tx = torch.tensor([x], dtype=getattr(torch, dtype), requires_grad=True)
    tl = torch.nn.BCELoss()(torch.nn.Sigmoid()(tx), torch.tensor([t], dtype=tx.dtype))
    tl.backward()
    tol = 0.02 if (dtype == "float32" and x == -100 and t == 1) else 1e-7  # see above
    assert loss == pytest.approx(tl.item(), rel=1e-6, abs=tol)
    if x == -50 and t == 1:
        # The one deliberate difference: PyTorch's BCE backward divides by
        # max(p (1 − p), 1e-12), so its gradient at σ(x) < 1e-12 vanishes (−1.9e-10 here);
        # ours is the derivative of the loss it returns, 50: −σ(50) = −1.
        assert abs(tx.grad.item()) < 1e-9 and grad == pytest.approx(-1.0, rel=1e-6)
        return
    assert grad == pytest.approx(tx.grad.item(), rel=1e-6, abs=1e-8)


def test_bce_gradient_is_finite_where_float32_probabilities_are_subnormal():
    # σ(x) for x in (−103, −87) is subnormal in float32: 1/p would overflow to inf
    x = ac.tensor(np.linspace(-110, -80, 61, dtype=np.float32), requires_grad=True)
    loss = nn.BCELoss(reduction="sum")(nn.Sigmoid()(x), ac.ones(61))
    loss.backward()
    assert np.isfinite(loss.item()) and np.isfinite(x.grad.data).all()
    assert (loss.item() / 61) <= 100


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("x", [20.0, 40.0])
def test_bce_with_logits_keeps_the_small_loss_of_a_confident_right_answer(x, dtype):
    # −log σ(x) = log1p(e⁻ˣ) ≈ e⁻ˣ; log(1 + e⁻ˣ) rounded it to 0 (float32 at 20, both at 40)
    xt = ac.tensor(np.array([x], dtype), requires_grad=True)
    loss = nn.BCEWithLogitsLoss()(xt, ac.tensor(np.array([1.0], dtype)))
    loss.backward()
    assert loss.item() == pytest.approx(math.exp(-x), rel=1e-6, abs=0)
    assert xt.grad.item() == pytest.approx(-math.exp(-x), rel=1e-6, abs=0)


@pytest.mark.parametrize("dtype", DTYPES)
def test_bce_with_logits_small_losses_match_torch(torch, dtype):
    x = np.array([20.0, 40.0, -20.0, 3.0], dtype)
    t = np.array([1.0, 1.0, 1.0, 0.0], dtype)
    xt = ac.tensor(x, requires_grad=True)
    loss = nn.BCEWithLogitsLoss(reduction="none")(xt, ac.tensor(t))
    tl = torch.nn.functional.binary_cross_entropy_with_logits(
        torch.tensor(x), torch.tensor(t), reduction="none"
    )
    np.testing.assert_allclose(loss.data, tl.numpy(), rtol=1e-6, atol=0)
