"""Differential fuzzing of the normalisation functions against torch 2.13: hypothesis draws
F.batch_norm (training and eval, with and without running statistics, with and without the
affine weight and bias), F.group_norm and F.instance_norm calls over 0-3 spatial axes, with
contiguous/strided/transposed inputs in float32 and float64; values, the gradients of the input,
weight and bias, and the updated running statistics must match (tolerances:
tests/nn/fuzz_compare.py; the norms are not bilinear, so float32 is held to the output's scale).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from fuzz_compare import Arg, compare, dtypes, fuzz_settings, layouts, normal, seeds, slow_settings
from hypothesis import assume, given
from hypothesis import strategies as st

import autograd_core as ac
import nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional


def _stats(lib: str, arrays, dtype: str):
    """Fresh running-statistics tensors for one call (None entries stay None)."""
    if lib == "ours":
        return [None if a is None else ac.tensor(a, dtype=getattr(ac, dtype)) for a in arrays]
    return [None if a is None else torch.tensor(a, dtype=torch.float64) for a in arrays]


@st.composite
def norm_configs(draw):
    kind = draw(st.sampled_from(["batch", "group", "instance"]))
    nd = draw(st.integers(0 if kind == "batch" else 1, 3))
    spatial = tuple(draw(st.integers(1, 3 if nd == 3 else 4)) for _ in range(nd))
    groups = draw(st.integers(1, 3))
    c = groups * draw(st.integers(1, 2)) if kind == "group" else draw(st.integers(1, 3))
    n = draw(st.integers(1, 3))
    training = kind != "batch" or draw(st.booleans())
    stats = draw(st.booleans()) if kind != "batch" or training else True
    per_channel = n * math.prod(spatial) if kind == "batch" else math.prod(spatial)
    if kind == "group":
        per_channel = c // groups * math.prod(spatial)
    if training:
        assume(per_channel > 1)  # torch: "Expected more than 1 value per channel"
    return {
        "kind": kind,
        "shape": (n, c, *spatial),
        "groups": groups,
        "training": training,
        "stats": stats and kind != "group",
        "affine": draw(st.booleans()),
        "momentum": draw(st.sampled_from([0.1, 0.5, 1.0])),
        "eps": draw(st.sampled_from([1e-5, 1e-3])),
        "terms": per_channel,
    }


def _call(lib, cfg, dtype, running, x, *affine):
    fn = F if lib == "ours" else TF
    if lib == "torch":  # torch 2.13 mixes up some strided layouts (see the test below)
        x = x.contiguous()
    w, b = affine if affine else (None, None)
    eps = cfg["eps"]
    if cfg["kind"] == "group":
        return fn.group_norm(x, cfg["groups"], w, b, eps=eps)
    mean, var = _stats(lib, running, dtype) if cfg["stats"] else (None, None)
    if cfg["kind"] == "batch":
        y = fn.batch_norm(x, mean, var, w, b, cfg["training"], cfg["momentum"], eps)
    else:
        y = fn.instance_norm(x, mean, var, w, b, True, cfg["momentum"], eps)
    _call.updated[lib] = (mean, var)
    return y


_call.updated = {}


def _check_norm(cfg, seed, dtype, layout):
    shape = cfg["shape"]
    c = shape[1]
    rng = np.random.default_rng(seed + 7)
    running = [rng.standard_normal(c), rng.uniform(0.5, 2.0, c)]
    x = normal(seed, shape) * 2.0 + 0.5
    args = [Arg(x, layout)]
    w = np.ones(c)
    if cfg["affine"]:
        w = rng.standard_normal(c)
        args += [Arg(w), Arg(rng.standard_normal(c))]
    # float32: each of the K terms of an output or gradient entry is at most
    # max|ȳ|·max|w|·(1 + |x̂|)/σ with |x̂| ≤ √K, σ the smallest standard deviation of a
    # normalised group (the gradient of a 2-element group is 0 up to cancellation of such terms)
    axes = {"batch": (0, *range(2, len(shape))), "instance": tuple(range(2, len(shape)))}
    if cfg["kind"] == "group":
        grouped = x.reshape(shape[0], cfg["groups"], -1)
        sigma = np.sqrt(grouped.var(axis=2) + cfg["eps"]).min()
    else:
        sigma = np.sqrt(x.var(axis=axes[cfg["kind"]]) + cfg["eps"]).min()
    k = cfg["terms"]
    scale = 5.0 * max(1.0, np.abs(w).max()) * (1 + math.sqrt(k)) * max(1.0, 1 / sigma)
    _call.updated.clear()
    out = compare(
        lambda *v: _call("ours", cfg, dtype, running, *v),
        lambda *v: _call("torch", cfg, dtype, running, *v),
        args,
        dtype=dtype,
        terms=cfg["terms"] + 4,
        gy_seed=seed + 1,
        bilinear=False,
        float32_scale=scale,
    )
    assert out[0].shape == shape
    if cfg["stats"] and cfg["kind"] != "group":
        # float64 runs compare the running statistics at 1e-10, float32 at a few ulps · K
        tol = 1e-10 if dtype == "float64" else 8 * cfg["terms"] * 2.0**-24
        for ours, theirs in zip(_call.updated["ours"], _call.updated["torch"]):
            np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=tol, atol=tol)


@fuzz_settings(80)
@given(norm_configs(), seeds, dtypes, layouts)
def test_norms_match_torch_on_drawn_configurations(config, seed, dtype, layout):
    _check_norm(config, seed, dtype, layout)


@pytest.mark.slow
@slow_settings(800)
@given(norm_configs(), seeds, dtypes, layouts)
def test_norms_match_torch_many(config, seed, dtype, layout):
    _check_norm(config, seed, dtype, layout)


def test_eval_batch_norm_gradient_on_an_ambiguous_layout():
    # found by test_norms_match_torch_many: a (1, 2, 1, 2) view of a (2, 2, 1, 1) array, strides
    # (1, 1, 1, 2), which torch 2.13 also reads as channels-last; its eval-mode batch_norm
    # backward then sends ȳ to the wrong entries. Ours matches torch on the contiguous copy and
    # the closed form x̄ = ȳ / √(running_var + eps).
    base = normal(0, (2, 2, 1, 1))
    mean, var = np.array([0.1, 0.2]), np.array([1.5, 0.7])
    gy = normal(1, (1, 2, 1, 2))
    b = ac.tensor(base, requires_grad=True)
    F.batch_norm(b.transpose(0, 3), ac.tensor(mean), ac.tensor(var)).backward(ac.tensor(gy))
    want = np.transpose(gy / np.sqrt(var + 1e-5).reshape(1, 2, 1, 1), (3, 1, 2, 0))
    np.testing.assert_allclose(b.grad.numpy(), want, rtol=1e-12)
    t = torch.tensor(base, requires_grad=True)
    y = TF.batch_norm(t.transpose(0, 3).contiguous(), torch.tensor(mean), torch.tensor(var))
    y.backward(torch.tensor(gy))
    np.testing.assert_allclose(b.grad.numpy(), t.grad.numpy(), rtol=1e-12)
