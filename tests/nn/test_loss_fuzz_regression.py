"""Differential fuzzing of the regression losses against torch 2.13: mse_loss, l1_loss,
smooth_l1_loss (β, 0 included), huber_loss (δ), poisson_nll_loss (log_input, full, eps) and
gaussian_nll_loss (full, eps, var of the input's shape, one axis short, or with a size-1 axis),
through nn.functional or their nn modules, any shape (empty included), float64 and float32;
values and the gradients of input, target and var must match (tolerances: loss_fuzz_cases.py).

The default examples are derandomized; ``pytest -m slow`` runs many more."""

from __future__ import annotations

import numpy as np
import pytest
from fuzz_compare import Arg, dtypes, fuzz_settings, layouts, seeds, slow_settings
from hypothesis import given
from hypothesis import strategies as st
from loss_fuzz_cases import check_loss

pytest.importorskip("torch")

REDUCTIONS = st.sampled_from(["mean", "sum", "none"])
shapes = st.lists(st.sampled_from([0, 1, 2, 3]), max_size=3).map(tuple)
MODULES = {
    "mse_loss": "MSELoss",
    "l1_loss": "L1Loss",
    "smooth_l1_loss": "SmoothL1Loss",
    "huber_loss": "HuberLoss",
    "poisson_nll_loss": "PoissonNLLLoss",
    "gaussian_nll_loss": "GaussianNLLLoss",
}


def _check_pointwise(seed, shape, name, param, reduction, target_grad, dtype, layout, module):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape) * 2
    t = rng.standard_normal(shape) * 2
    kw = {"reduction": reduction}
    if name == "smooth_l1_loss":
        kw["beta"] = param
    elif name == "huber_loss":
        kw["delta"] = param or 0.5
    check_loss(
        name,
        [Arg(x, layout), Arg(t, grad=target_grad)],
        None if module else kw,
        module=MODULES[name] if module else None,
        module_kw=kw,
        dtype=dtype,
        terms=max(int(np.prod(shape)), 1),
        scale=float(np.abs(x - t).max(initial=1)) ** 2,
    )


pointwise_args = dict(
    seed=seeds,
    shape=shapes,
    name=st.sampled_from(["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss"]),
    param=st.sampled_from([0.0, 0.3, 1.0, 2.5]),
    reduction=REDUCTIONS,
    target_grad=st.booleans(),
    dtype=dtypes,
    layout=layouts,
    module=st.booleans(),
)


@fuzz_settings(30)
@given(**pointwise_args)
def test_pointwise_losses_fuzz(**kw):
    _check_pointwise(**kw)


@pytest.mark.slow
@slow_settings(600)
@given(**pointwise_args)
def test_pointwise_losses_fuzz_slow(**kw):
    _check_pointwise(**kw)


def _check_poisson(
    seed, shape, log_input, full, eps, reduction, target_grad, dtype, layout, module
):
    rng = np.random.default_rng(seed)
    if log_input:
        x = rng.standard_normal(shape) * 3
    else:
        x = rng.random(shape) * 4 * (rng.random(shape) > 0.2)  # rates, some 0
    # counts 0, 1, … and fractions; with ``full`` torch's target gradient is NaN at y = 0
    # (poisson_nll_loss's docstring), so those draws keep y > 0
    t = rng.integers(0, 5, shape) + (rng.random(shape) if target_grad and full else 0.0)
    kw = {"reduction": reduction, "log_input": log_input, "full": full, "eps": eps}
    check_loss(
        "poisson_nll_loss",
        [Arg(x, layout), Arg(t.astype(np.float64), grad=target_grad)],
        None if module else kw,
        module=MODULES["poisson_nll_loss"] if module else None,
        module_kw=kw,
        dtype=dtype,
        terms=max(int(np.prod(shape)), 1),
        scale=float(np.exp(np.abs(x)).max(initial=1)) * 40,
    )


poisson_args = dict(
    seed=seeds,
    shape=shapes,
    log_input=st.booleans(),
    full=st.booleans(),
    eps=st.sampled_from([1e-8, 1e-3, 0.5]),
    reduction=REDUCTIONS,
    target_grad=st.booleans(),
    dtype=dtypes,
    layout=layouts,
    module=st.booleans(),
)


@fuzz_settings(30)
@given(**poisson_args)
def test_poisson_nll_loss_fuzz(**kw):
    _check_poisson(**kw)


@pytest.mark.slow
@slow_settings(600)
@given(**poisson_args)
def test_poisson_nll_loss_fuzz_slow(**kw):
    _check_poisson(**kw)


@st.composite
def gaussian_shapes(draw):
    """(input shape, var shape): equal, one axis short, or one axis of size 1."""
    shape = tuple(draw(st.lists(st.sampled_from([0, 1, 2, 3]), min_size=1, max_size=3)))
    form = draw(st.sampled_from(["same", "short", "one"]))
    if form == "short":
        return shape, shape[:-1]
    if form == "one":
        axis = draw(st.integers(0, len(shape) - 1))
        return shape, shape[:axis] + (1,) + shape[axis + 1 :]
    return shape, shape


def _check_gaussian(seed, shapes, full, eps, reduction, target_grad, dtype, layout, module):
    shape, vshape = shapes
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape)
    t = rng.standard_normal(shape)
    # variances around 1, some below eps (clamped: torch's gradient passes the clamp)
    var = np.where(rng.random(vshape) < 0.2, eps * rng.random(vshape), rng.random(vshape) + 0.1)
    kw = {"reduction": reduction, "full": full, "eps": eps}
    check_loss(
        "gaussian_nll_loss",
        [Arg(x, layout), Arg(t, grad=target_grad), Arg(var)],
        None if module else kw,
        module=MODULES["gaussian_nll_loss"] if module else None,
        module_kw=kw,
        dtype=dtype,
        terms=max(int(np.prod(shape)), 1),
        scale=float(((x - t) ** 2).max(initial=1)) / eps**2,  # d²/v² in v's gradient
    )


gaussian_args = dict(
    seed=seeds,
    shapes=gaussian_shapes(),
    full=st.booleans(),
    eps=st.sampled_from([1e-6, 1e-2]),
    reduction=REDUCTIONS,
    target_grad=st.booleans(),
    dtype=dtypes,
    layout=layouts,
    module=st.booleans(),
)


@fuzz_settings(30)
@given(**gaussian_args)
def test_gaussian_nll_loss_fuzz(**kw):
    _check_gaussian(**kw)


@pytest.mark.slow
@slow_settings(600)
@given(**gaussian_args)
def test_gaussian_nll_loss_fuzz_slow(**kw):
    _check_gaussian(**kw)
