"""Each update kernel against its algorithm written out independently here (PyTorch's
documented pseudocode), over three steps in float64, with and without its options."""

from __future__ import annotations

import numpy as np
import pytest

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
