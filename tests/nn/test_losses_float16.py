"""Losses with ``reduction='mean'`` (and ``kl_div``'s ``'batchmean'``) over more than 65,504
float16 items keep their value and gradient (issue 13, item 5): each is compared with the
same loss of the float64 copies. Before the fix the mean's count (or weight sum, or float16
sum of the item losses) was inf, so the loss and its gradient were 0 or NaN.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import autograd_core as ac
import nn.functional as F

N = 70_000  # > 65,504, float16's largest value


def _data(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Inputs already rounded to float16, so that both runs see the same values."""
    d = {
        "x": rng.standard_normal(N),
        "y": rng.standard_normal(N),
        "var": rng.uniform(0.5, 2.0, N),
        "p": rng.uniform(0.05, 0.95, N),
        "t01": (rng.uniform(size=N) < 0.5).astype(np.float64),
        "z": rng.standard_normal((N, 3)),
        "q": rng.dirichlet(np.ones(3), N),
    }
    d = {k: v.astype(np.float16).astype(np.float64) for k, v in d.items()}
    return d | {"idx": rng.integers(0, 3, N)}


def _ce_weighted(a, d):
    return F.cross_entropy(a(d["z"]), ac.tensor(d["idx"]), weight=a(np.array([1.0, 2.0, 0.5])))


LOSSES = {
    "mse_loss": lambda a, d: F.mse_loss(a(d["x"]), a(d["y"])),
    "l1_loss": lambda a, d: F.l1_loss(a(d["x"]), a(d["y"])),
    "huber_loss": lambda a, d: F.huber_loss(a(d["x"]), a(d["y"]), delta=0.5),
    "smooth_l1_loss": lambda a, d: F.smooth_l1_loss(a(d["x"]), a(d["y"]), beta=0.5),
    "gaussian_nll_loss": lambda a, d: F.gaussian_nll_loss(a(d["x"]), a(d["y"]), a(d["var"])),
    "binary_cross_entropy": lambda a, d: F.binary_cross_entropy(a(d["p"]), a(d["t01"])),
    "binary_cross_entropy_with_logits": (
        lambda a, d: F.binary_cross_entropy_with_logits(a(d["x"]), a(d["t01"]))
    ),
    "cross_entropy indices": lambda a, d: F.cross_entropy(a(d["z"]), ac.tensor(d["idx"])),
    "cross_entropy weighted": _ce_weighted,
    "cross_entropy probabilities": lambda a, d: F.cross_entropy(a(d["z"]), a(d["q"])),
    "nll_loss": lambda a, d: F.nll_loss(F.log_softmax(a(d["z"]), dim=1), ac.tensor(d["idx"])),
    "kl_div mean": lambda a, d: F.kl_div(F.log_softmax(a(d["z"]), dim=1), a(d["q"])),
    "kl_div batchmean": (
        lambda a, d: F.kl_div(F.log_softmax(a(d["z"]), dim=1), a(d["q"]), reduction="batchmean")
    ),
}


def _run(name: str, d: dict[str, np.ndarray], dtype: type) -> tuple[float, np.ndarray]:
    """The loss and the gradient of the first (differentiable) input, in ``dtype``."""
    made: list[ac.Tensor] = []

    def a(v: np.ndarray) -> ac.Tensor:
        t = ac.tensor(v.astype(dtype), requires_grad=not made)
        made.append(t)
        return t

    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        loss = LOSSES[name](a, d)
        loss.backward()
    assert loss.dtype == dtype
    return loss.item(), made[0].grad.data


@pytest.mark.parametrize("name", list(LOSSES))
def test_float16_mean_loss_over_more_than_65504_items_matches_float64(name, rng):
    d = _data(rng)
    loss, g = _run(name, d, np.float16)
    loss64, g64 = _run(name, d, np.float64)
    assert np.isfinite(loss) and np.isfinite(g).all()
    assert loss == pytest.approx(loss64, rel=5e-3)
    # gradients of size 1/N (1.4e-5) are subnormal in float16 (spacing 6e-8)
    np.testing.assert_allclose(g, g64.astype(np.float32), rtol=3e-2, atol=3e-7)
    assert np.abs(g).max() > 0
