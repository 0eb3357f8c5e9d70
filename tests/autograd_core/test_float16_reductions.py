"""Reductions of float16 tensors with more than 65,504 elements (float16's largest value) keep
their value and gradient (issue 13, item 5): each is compared with the same reduction of the
float64 copy. Before the fix, ``mean``'s gradient was 0 (the count was inf in float16),
``var`` was NaN and ``std``'s gradient NaN, ``norm``/``logsumexp`` of ones overflowed, and
``softmax``/``log_softmax`` along such an axis gave 0 / −inf (Σ e^(x − max x) was inf).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import autograd_core as ac

N = 70_000  # > 65,504


def _ones_and_noise(rng: np.random.Generator) -> np.ndarray:
    # values of size 1: any float16 sum or count over N of them overflows
    return (1.0 + 0.5 * rng.standard_normal(N)).astype(np.float16)


CALLS = {
    "mean": lambda x: x.mean(),
    "mean dim": lambda x: x.reshape(N, 1).mean(dim=0),
    "var": lambda x: x.var(),
    "var dim": lambda x: x.reshape(N, 1).var(dim=0, correction=0),
    "std": lambda x: x.std(),
    "norm": lambda x: x.norm(),
    "norm p=1": lambda x: (x / 4).norm(1),
    "norm p=3": lambda x: x.norm(3),
    "logsumexp": lambda x: x.logsumexp(),
    "logsumexp dim": lambda x: x.reshape(N, 1).logsumexp(dim=0),
    "softmax": lambda x: ac.softmax(x, dim=0),
    "log_softmax": lambda x: ac.log_softmax(x.reshape(1, N), dim=1),
}


def _run(name: str, data: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x = ac.tensor(data, requires_grad=True)
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        y = CALLS[name](x)
        gy = np.linspace(0.5, 1.5, y.numel()).reshape(y.shape).astype(data.dtype)
        y.backward(ac.tensor(gy))
    return y.data, x.grad.data


@pytest.mark.parametrize("name", list(CALLS))
def test_float16_reduction_over_more_than_65504_elements_matches_float64(name, rng):
    data = _ones_and_noise(rng)
    y, g = _run(name, data)
    y64, g64 = _run(name, data.astype(np.float64))
    assert y.dtype == np.float16 and g.dtype == np.float16
    assert np.isfinite(y).all() and np.isfinite(g).all()
    # the float64 result rounded to float16, give or take a few float16 ulps (eps = 9.8e-4);
    # the gradients are of size 1/N = 1.4e-5, subnormal in float16 (spacing 6e-8)
    np.testing.assert_allclose(y, y64, rtol=4e-3, atol=6e-8)  # softmax: subnormal values
    # log_softmax's VJP, ȳ − e^y Σ ȳ, reads its float16 output y ≈ −11.2 (spacing 0.008):
    # e^y Σ ȳ ≈ 1 is then off by up to 0.8%, which any float16 log_softmax shares
    atol = 1e-2 if name == "log_softmax" else 2e-7
    np.testing.assert_allclose(g, g64, rtol=2e-2, atol=atol)
    assert (g != 0).mean() > 0.99  # no gradient flushed to 0


def test_float16_mean_gradient_of_ones_is_one_over_n():
    x = ac.tensor(np.ones(N, np.float16), requires_grad=True)
    x.mean().backward()
    np.testing.assert_array_equal(x.grad.data, np.full(N, 1 / N, np.float16))


@pytest.mark.parametrize("name", ["norm", "logsumexp", "var", "softmax"])
def test_float16_reductions_of_constant_ones_do_not_overflow(name):
    x = ac.tensor(np.ones(N, np.float16), requires_grad=True)
    y = CALLS[name](x)
    y.backward(ac.ones(*y.shape, dtype=ac.float16))
    expected = {"norm": np.sqrt(N), "logsumexp": 1 + np.log(N), "var": 0.0, "softmax": 1 / N}
    np.testing.assert_allclose(y.data, expected[name], rtol=2e-3)  # 1/N is subnormal
    assert np.isfinite(x.grad.data).all()


def test_float16_recorded_mean_gradient_is_differentiable_and_right():
    x = ac.tensor(np.ones(N, np.float16), requires_grad=True)
    (g,) = ac.grad((x * x).mean(), [x], create_graph=True)  # 2x / N, recorded
    np.testing.assert_allclose(g.data, np.full(N, 2 / N), rtol=1e-2)
    (gg,) = ac.grad(g.sum(), [x])
    np.testing.assert_allclose(gg.data, np.full(N, 2 / N), rtol=1e-2)


TORCH_CALLS = {
    "mean": lambda x: x.mean(),
    "var": lambda x: x.var(),
    "std": lambda x: x.std(),
    "norm": lambda x: x.norm(),
    "logsumexp": lambda x: x.logsumexp(0),
}


@pytest.mark.parametrize("name", list(TORCH_CALLS))
def test_float16_reductions_match_torch_float16(torch, name, rng):
    # PyTorch accumulates float16 in float32 too: the same value, gradients within one
    # subnormal float16 step (6e-8)
    data = _ones_and_noise(rng)
    y, g = _run(name, data)
    tx = torch.tensor(data, requires_grad=True)
    ty = TORCH_CALLS[name](tx)
    ty.backward(torch.tensor(np.linspace(0.5, 1.5, 1), dtype=torch.float16).reshape(()))
    assert y.item() == ty.item()
    np.testing.assert_allclose(g, tx.grad.numpy(), rtol=2e-3, atol=1.2e-7)
