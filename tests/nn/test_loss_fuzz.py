"""Differential fuzzing of the classification losses against torch 2.13: hypothesis draws valid
configurations of cross_entropy (class indices and probabilities, weight with zeros,
ignore_index with some or all items ignored, label smoothing, (N, C), (N, C, d1, …) and (C,)
inputs, batch 0, 1 or more), nll_loss, binary_cross_entropy (+weight),
binary_cross_entropy_with_logits (weight and pos_weight broadcast) and kl_div (log_target,
batchmean), each through nn.functional or its nn module, with logits up to ±30 or ±1e4 where
torch stays finite, in float64 and float32; values and the gradients of the input (and of the
target where torch differentiates it) must match (tolerances: loss_fuzz_cases.py).

The default examples are derandomized; ``pytest -m slow`` runs many more, and
``AUTOGRAD_CORE_FUZZ_EXPLORE=1`` draws fresh ones (``make fuzz``)."""

from __future__ import annotations

import numpy as np
import pytest
from fuzz_compare import Arg, dtypes, fuzz_settings, layouts, seeds, slow_settings
from hypothesis import given
from hypothesis import strategies as st
from loss_fuzz_cases import check_loss, spiky

pytest.importorskip("torch")
# torch's note that kl_div's 'mean' will change meaning: about torch's future, not ours
pytestmark = pytest.mark.filterwarnings("ignore:reduction. 'mean' divides:UserWarning")

REDUCTIONS = st.sampled_from(["mean", "sum", "none"])


@st.composite
def class_shapes(draw):
    """(input shape, item shape): (N, C), (N, C, d1, …) or (C,) with item shape ()."""
    c = draw(st.integers(1, 4))
    if draw(st.integers(0, 5)) == 0:
        return (c,), ()
    n = draw(st.sampled_from([0, 1, 3]))
    extra = tuple(draw(st.lists(st.integers(1, 3), max_size=2)))
    return (n, c, *extra), (n, *extra)


def _class_weight(rng, c):
    """Positive weights with some zeros."""
    return rng.random(c) * (rng.random(c) > 0.3)


def _index_targets(rng, c, item_shape, ignore_index, ignored):
    """Class indices; 'some' or 'all' of them replaced by ignore_index."""
    idx = rng.integers(0, c, size=item_shape).astype(np.int64)
    if ignored == "some":
        idx = np.where(rng.random(item_shape) < 0.3, ignore_index, idx)
    elif ignored == "all":
        idx = np.full(item_shape, ignore_index, dtype=np.int64)
    return idx


def _as_module_kw(kw, names):
    """The keyword arguments split into the module's constructor's and the call's (none)."""
    return {k: v for k, v in kw.items() if k in names}


def _check_cross_entropy(
    seed, shapes, probs, weighted, ignore, ignored, smooth, reduction, big, dtype, layout, module
):
    (shape, item_shape) = shapes
    rng = np.random.default_rng(seed)
    c = shape[0] if len(shape) == 1 else shape[1]
    x = spiky(rng, shape, big)
    kw = {"reduction": reduction}
    w = _class_weight(rng, c) if weighted else None
    if w is not None:
        kw["weight"] = w
    if smooth:
        kw["label_smoothing"] = float(rng.random())
    if probs:
        t = rng.random(shape)
        t = t / np.maximum(t.sum(axis=0 if len(shape) == 1 else 1, keepdims=True), 1e-300)
        target = Arg(t, grad=False)  # torch has no gradient for probability targets
        n_items = int(np.prod(item_shape))
    else:
        ignore_index = -100 if ignore == "default" else int(rng.integers(0, c))
        if ignore != "default":
            kw["ignore_index"] = ignore_index
        target = _index_targets(rng, c, item_shape, ignore_index, ignored)
        n_items = target.size
    # float32: every item's loss is a log-sum-exp of logits up to |x| (weighted); the mean
    # divides by Σw, which can be small
    wmax = 1.0 if w is None else max(float(w.max()), 1e-3)
    scale = (
        (1 + np.abs(x).max(initial=0))
        * wmax
        / (max(float(w.sum()), 1e-3) if w is not None and reduction == "mean" else 1)
    )
    names = ("weight", "ignore_index", "reduction", "label_smoothing")
    check_loss(
        "cross_entropy",
        [Arg(x, layout), target],
        None if module else kw,
        module="CrossEntropyLoss" if module else None,
        module_kw=_as_module_kw(kw, names),
        dtype=dtype,
        terms=max(n_items * c, 1),
        scale=scale,
    )


ce_args = dict(
    seed=seeds,
    shapes=class_shapes(),
    probs=st.booleans(),
    weighted=st.booleans(),
    ignore=st.sampled_from(["default", "class"]),
    ignored=st.sampled_from(["none", "some", "all"]),
    smooth=st.booleans(),
    reduction=REDUCTIONS,
    big=st.sampled_from([0, 30, 1e4]),
    dtype=dtypes,
    layout=layouts,
    module=st.booleans(),
)


@fuzz_settings(60)
@given(**ce_args)
def test_cross_entropy_fuzz(**kw):
    _check_cross_entropy(**kw)


@pytest.mark.slow
@slow_settings(1500)
@given(**ce_args)
def test_cross_entropy_fuzz_slow(**kw):
    _check_cross_entropy(**kw)


def _check_nll(seed, shapes, weighted, ignore, ignored, reduction, dtype, layout, module):
    shape, item_shape = shapes
    rng = np.random.default_rng(seed)
    c = shape[0] if len(shape) == 1 else shape[1]
    x = rng.standard_normal(shape) * 3
    kw = {"reduction": reduction}
    w = _class_weight(rng, c) if weighted else None
    if w is not None:
        kw["weight"] = w
    ignore_index = -100 if ignore == "default" else int(rng.integers(0, c))
    if ignore != "default":
        kw["ignore_index"] = ignore_index
    target = _index_targets(rng, c, item_shape, ignore_index, ignored)
    denom = max(float(w.sum()), 1e-3) if w is not None and reduction == "mean" else 1
    check_loss(
        "nll_loss",
        [Arg(x, layout), target],
        None if module else kw,
        module="NLLLoss" if module else None,
        module_kw=kw,
        dtype=dtype,
        terms=max(target.size, 1),
        scale=float(np.abs(x).max(initial=1)) / denom,
        # torch's nll_loss2d backward refuses a strided input ("grad_input must be
        # contiguous", torch 2.13), so torch gets a copy of the view
        torch_contiguous=len(shape) == 4,
    )


nll_args = dict(
    seed=seeds,
    shapes=class_shapes(),
    weighted=st.booleans(),
    ignore=st.sampled_from(["default", "class"]),
    ignored=st.sampled_from(["none", "some", "all"]),
    reduction=REDUCTIONS,
    dtype=dtypes,
    layout=layouts,
    module=st.booleans(),
)


@fuzz_settings(40)
@given(**nll_args)
def test_nll_loss_fuzz(**kw):
    _check_nll(**kw)


@pytest.mark.slow
@slow_settings(800)
@given(**nll_args)
def test_nll_loss_fuzz_slow(**kw):
    _check_nll(**kw)


@st.composite
def any_shapes(draw):
    return tuple(draw(st.lists(st.sampled_from([0, 1, 2, 3]), max_size=3)))


def _broadcast_weight(rng, shape, form):
    """A weight for ``shape``: its own shape, the last axis only, or a single value."""
    if form == "full":
        return rng.random(shape) * (rng.random(shape) > 0.2)
    if form == "last" and shape:
        return rng.random(shape[-1:]) * 2
    return np.asarray(rng.random() + 0.5)


def _check_bce(
    seed, shape, logits, weight, pos_weight, big, target_grad, reduction, dtype, layout, module
):
    rng = np.random.default_rng(seed)
    x = spiky(rng, shape, big)
    t = rng.random(shape) * (rng.random(shape) > 0.2)
    kw = {"reduction": reduction}
    if weight != "none":
        kw["weight"] = np.asarray(_broadcast_weight(rng, shape, weight))
    if logits:
        name, mod = "binary_cross_entropy_with_logits", "BCEWithLogitsLoss"
        if pos_weight != "none":
            kw["pos_weight"] = np.asarray(_broadcast_weight(rng, shape, pos_weight) * 3)
        scale = 4 * (1 + np.abs(x).max(initial=0))
    else:
        # probabilities away from 0 and 1: where p (1 − p) < 1e-12 torch's gradient is its
        # clamp's (documented in binary_cross_entropy), and float32 p rounds to 1 for |x| > 17
        x = 1 / (1 + np.exp(-np.clip(x, -8, 8)))
        name, mod = "binary_cross_entropy", "BCELoss"
        scale = 4 * 3e3  # 1/(1 − p) for |x| ≤ 8
    check_loss(
        name,
        [Arg(x, layout), Arg(t, grad=target_grad)],
        None if module else kw,
        module=mod if module else None,
        module_kw=kw,
        dtype=dtype,
        terms=max(int(np.prod(shape)), 1),
        scale=scale,
    )


bce_args = dict(
    seed=seeds,
    shape=any_shapes(),
    logits=st.booleans(),
    weight=st.sampled_from(["none", "full", "last", "scalar"]),
    pos_weight=st.sampled_from(["none", "last", "scalar", "full"]),
    big=st.sampled_from([0, 30, 1e4]),
    target_grad=st.booleans(),
    reduction=REDUCTIONS,
    dtype=dtypes,
    layout=layouts,
    module=st.booleans(),
)


@fuzz_settings(50)
@given(**bce_args)
def test_binary_cross_entropy_fuzz(**kw):
    _check_bce(**kw)


@pytest.mark.slow
@slow_settings(1000)
@given(**bce_args)
def test_binary_cross_entropy_fuzz_slow(**kw):
    _check_bce(**kw)


def _check_kl(seed, shape, log_target, reduction, target_grad, dtype, layout, module):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape) * 3
    if log_target:
        t = rng.standard_normal(shape) * 2
    elif target_grad:
        # torch's target gradient at p = 0 is NaN (from xlogy); ours is finite (kl_div's
        # docstring, test_kl_div_target_gradient_at_zero), so zeros are drawn without it
        t = rng.random(shape) + 1e-3
    else:
        t = rng.random(shape) * (rng.random(shape) > 0.3)  # zeros: 0 · log 0 = 0
    kw = {"reduction": reduction, "log_target": log_target}
    check_loss(
        "kl_div",
        [Arg(x, layout), Arg(t, grad=target_grad)],
        None if module else kw,
        module="KLDivLoss" if module else None,
        module_kw=kw,
        dtype=dtype,
        terms=max(int(np.prod(shape)), 1),
        scale=40.0,  # e^{|t|} (|t| + |x|) for the log targets drawn
    )


kl_args = dict(
    seed=seeds,
    shape=any_shapes(),
    log_target=st.booleans(),
    reduction=st.sampled_from(["mean", "sum", "none", "batchmean"]),
    target_grad=st.booleans(),
    dtype=dtypes,
    layout=layouts,
    module=st.booleans(),
)


@fuzz_settings(30)
@given(**kl_args)
def test_kl_div_fuzz(**kw):
    _check_kl(**kw)


@pytest.mark.slow
@slow_settings(600)
@given(**kl_args)
def test_kl_div_fuzz_slow(**kw):
    _check_kl(**kw)
