"""Each update kernel against its algorithm written out independently here (PyTorch's
documented pseudocode), over three steps in float64, with and without its options; the SGD,
Adam and Adagrad kernels' textbook steps."""

from __future__ import annotations

import numpy as np
import pytest

import optim
from optim.adadelta import adadelta_update
from optim.adamax import adamax_update
from optim.nadam import nadam_update
from optim.rmsprop import rmsprop_update

RNG = np.random.default_rng(7)
GRADS = [RNG.standard_normal(5) for _ in range(3)]
THETA0 = RNG.standard_normal(5)


@pytest.mark.parametrize("centered", [False, True])
@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_rmsprop_kernel(centered, momentum):
    lr, alpha, eps, wd = 0.01, 0.9, 1e-8, 0.1
    p, v, b, ga = THETA0.copy(), np.zeros(5), np.zeros(5), np.zeros(5)
    theta, v_ref, b_ref, g_ref = THETA0.copy(), np.zeros(5), np.zeros(5), np.zeros(5)
    for g in GRADS:
        rmsprop_update(
            p,
            g,
            v,
            b if momentum else None,
            ga if centered else None,
            lr=lr,
            alpha=alpha,
            eps=eps,
            weight_decay=wd,
            momentum=momentum,
            centered=centered,
        )
        gt = g + wd * theta
        v_ref = alpha * v_ref + (1 - alpha) * gt**2
        v_tilde = v_ref
        if centered:
            g_ref = alpha * g_ref + (1 - alpha) * gt
            v_tilde = v_ref - g_ref**2
        if momentum:
            b_ref = momentum * b_ref + gt / (np.sqrt(v_tilde) + eps)
            theta = theta - lr * b_ref
        else:
            theta = theta - lr * gt / (np.sqrt(v_tilde) + eps)
    np.testing.assert_allclose(p, theta, rtol=1e-12)
    np.testing.assert_allclose(v, v_ref, rtol=1e-12)


def test_adadelta_kernel():
    lr, rho, eps, wd = 1.0, 0.9, 1e-6, 0.05
    p, v, u = THETA0.copy(), np.zeros(5), np.zeros(5)
    theta, v_ref, u_ref = THETA0.copy(), np.zeros(5), np.zeros(5)
    for g in GRADS:
        adadelta_update(p, g, v, u, lr=lr, rho=rho, eps=eps, weight_decay=wd)
        gt = g + wd * theta
        v_ref = rho * v_ref + (1 - rho) * gt**2
        delta = np.sqrt(u_ref + eps) / np.sqrt(v_ref + eps) * gt
        u_ref = rho * u_ref + (1 - rho) * delta**2
        theta = theta - lr * delta
    np.testing.assert_allclose(p, theta, rtol=1e-12)
    np.testing.assert_allclose(u, u_ref, rtol=1e-12)


def test_adamax_kernel():
    lr, b1, b2, eps = 0.002, 0.9, 0.999, 1e-8
    p, m, u = THETA0.copy(), np.zeros(5), np.zeros(5)
    theta, m_ref, u_ref = THETA0.copy(), np.zeros(5), np.zeros(5)
    for t, g in enumerate(GRADS, start=1):
        adamax_update(p, g, m, u, step=t, lr=lr, beta1=b1, beta2=b2, eps=eps, maximize=True)
        gt = -g  # maximize
        m_ref = b1 * m_ref + (1 - b1) * gt
        u_ref = np.maximum(b2 * u_ref, np.abs(gt) + eps)
        theta = theta - lr * m_ref / ((1 - b1**t) * u_ref)
    np.testing.assert_allclose(p, theta, rtol=1e-12)
    np.testing.assert_allclose(u, u_ref, rtol=1e-12)


@pytest.mark.parametrize("decoupled", [False, True])
def test_nadam_kernel(decoupled):
    lr, b1, b2, eps, wd, psi = 0.002, 0.9, 0.999, 1e-8, 0.01, 4e-3
    p, m, v = THETA0.copy(), np.zeros(5), np.zeros(5)
    theta, m_ref, v_ref = THETA0.copy(), np.zeros(5), np.zeros(5)

    def mu(t):
        return b1 * (1 - 0.5 * 0.96 ** (t * psi))

    prod = 1.0
    for t, g in enumerate(GRADS, start=1):
        prod_t = prod * mu(t)
        nadam_update(
            p,
            g,
            m,
            v,
            step=t,
            mu_product=prod_t,
            lr=lr,
            beta1=b1,
            beta2=b2,
            eps=eps,
            weight_decay=wd,
            momentum_decay=psi,
            decoupled_weight_decay=decoupled,
        )
        if decoupled:
            theta = theta * (1 - lr * wd)
            gt = g
        else:
            gt = g + wd * theta
        m_ref = b1 * m_ref + (1 - b1) * gt
        v_ref = b2 * v_ref + (1 - b2) * gt**2
        denom = np.sqrt(v_ref / (1 - b2**t)) + eps
        theta = (
            theta
            - lr * (1 - mu(t)) / (1 - prod_t) * gt / denom
            - lr * mu(t + 1) / (1 - prod_t * mu(t + 1)) * m_ref / denom
        )
        prod = prod_t
    np.testing.assert_allclose(p, theta, rtol=1e-12)


def test_sgd_kernel_textbook_step() -> None:
    p, g, buf = np.array([1.0, -1.0]), np.array([0.5, 2.0]), np.array([1.0, 1.0])
    optim.sgd_update(p, g, buf, lr=0.1, momentum=0.9, dampening=0.5)
    np.testing.assert_allclose(buf, 0.9 * 1.0 + 0.5 * np.array([0.5, 2.0]), rtol=1e-15)
    np.testing.assert_allclose(p, np.array([1.0, -1.0]) - 0.1 * buf, rtol=1e-15)


def test_adam_kernel_textbook_step() -> None:
    p, g = np.array([1.0, -1.0]), np.array([0.5, 2.0])
    m, v = np.array([0.1, 0.2]), np.array([0.3, 0.4])
    t, lr, b1, b2, eps = 4, 0.01, 0.9, 0.999, 1e-8
    m_new, v_new = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g**2
    expected = p - lr * (m_new / (1 - b1**t)) / (np.sqrt(v_new / (1 - b2**t)) + eps)
    optim.adam_update(p, g, m, v, step=t, lr=lr, beta1=b1, beta2=b2, eps=eps)
    np.testing.assert_allclose(p, expected, rtol=1e-14)


def test_adagrad_kernel_is_the_course_rule() -> None:
    """w ← w − η g / (√G + ε) with G the running sum of squared gradients (seed 000)."""
    p, s = np.array([1.0, 2.0]), np.zeros(2)
    grads = [np.array([1.0, -2.0]), np.array([3.0, 0.5])]
    expected, total = p.copy(), np.zeros(2)
    for t, g in enumerate(grads, start=1):
        total = total + g * g
        expected = expected - 0.1 * g / (np.sqrt(total) + 1e-10)
        optim.adagrad_update(p, g, s, step=t, lr=0.1)
    np.testing.assert_allclose(p, expected, rtol=1e-15)


def test_sgd_kernel_needs_buffer_with_momentum() -> None:
    with pytest.raises(ValueError, match="momentum != 0 needs a momentum_buffer"):
        optim.sgd_update(np.zeros(1), np.zeros(1), lr=0.1, momentum=0.9)
