"""Differential fuzzing of the margin and embedding losses against torch 2.13:
margin_ranking_loss, hinge_embedding_loss, soft_margin_loss, multilabel_soft_margin_loss
(weight), multilabel_margin_loss, multi_margin_loss (p, margin, weight), cosine_embedding_loss,
triplet_margin_loss (p, eps, swap) and triplet_margin_with_distance_loss, through nn.functional
or their nn modules, batch 0, 1 or more and unbatched, float64 and float32; values and the
gradients of every float input must match (tolerances: loss_fuzz_cases.py). Random normal
points lie off the hinges' kinks with probability 1, where the conventions differ.

The default examples are derandomized; ``pytest -m slow`` runs many more."""

from __future__ import annotations

import numpy as np
import pytest
from fuzz_compare import Arg, dtypes, fuzz_settings, layouts, seeds, slow_settings
from hypothesis import assume, given
from hypothesis import strategies as st
from loss_fuzz_cases import check_loss, spiky

pytest.importorskip("torch")

REDUCTIONS = st.sampled_from(["mean", "sum", "none"])
batches = st.sampled_from([0, 1, 3, None])  # None: unbatched


def _signs(rng, shape):
    return np.where(rng.random(shape) < 0.5, -1.0, 1.0)


def _check_pairwise(seed, name, batch, margin, reduction, big, dtype, layout, module):
    """The losses of one or two score tensors and a ±1 target."""
    rng = np.random.default_rng(seed)
    shape = () if batch is None else (batch,)
    x1 = spiky(rng, shape, big)
    kw = {"reduction": reduction}
    if name == "margin_ranking_loss":
        args = [Arg(x1, layout), Arg(spiky(rng, shape, big)), _signs(rng, shape)]
        kw["margin"] = margin
        mod = "MarginRankingLoss"
    elif name == "hinge_embedding_loss":
        args = [Arg(x1, layout), _signs(rng, shape)]
        kw["margin"] = margin
        mod = "HingeEmbeddingLoss"
    else:  # soft_margin_loss: log1p(exp(−y x)) overflows past 709, in torch as in ours
        args = [Arg(np.clip(x1, -30, 30), layout), Arg(_signs(rng, shape), grad=False)]
        mod = "SoftMarginLoss"
    check_loss(
        name,
        args,
        None if module else kw,
        module=mod if module else None,
        module_kw=kw,
        dtype=dtype,
        terms=max(int(np.prod(shape)), 1),
        scale=2 * (1 + np.abs(x1).max(initial=0) + abs(margin)),
    )


pairwise_args = dict(
    seed=seeds,
    name=st.sampled_from(["margin_ranking_loss", "hinge_embedding_loss", "soft_margin_loss"]),
    batch=batches,
    margin=st.sampled_from([0.0, 0.5, 1.0, -0.3]),
    reduction=REDUCTIONS,
    big=st.sampled_from([0, 30]),
    dtype=dtypes,
    layout=layouts,
    module=st.booleans(),
)


@fuzz_settings(30)
@given(**pairwise_args)
def test_pairwise_margin_losses_fuzz(**kw):
    _check_pairwise(**kw)


@pytest.mark.slow
@slow_settings(600)
@given(**pairwise_args)
def test_pairwise_margin_losses_fuzz_slow(**kw):
    _check_pairwise(**kw)


def _check_multiclass(
    seed, name, batch, c, p, margin, weighted, reduction, big, dtype, layout, module
):
    """The losses of (N, C) or (C,) scores: multi-class, multi-label hinge and logistic."""
    # torch's mean of an empty batch of these two is uninitialised memory; ours is NaN
    # (pinned in test_losses_multi_margin.py)
    assume(not (batch == 0 and reduction == "mean" and name != "multilabel_soft_margin_loss"))
    rng = np.random.default_rng(seed)
    shape = (c,) if batch is None else (batch, c)
    x = spiky(rng, shape, big)
    n = 1 if batch is None else batch
    kw = {"reduction": reduction}
    mkw = dict(kw)
    if name == "multi_margin_loss":
        idx = rng.integers(0, c, size=() if batch is None else (batch,))
        if batch is None and rng.random() < 0.5:
            idx = idx.reshape(1)  # torch takes a 0-d or a (1,) target for a (C,) input
        target = idx.astype(np.int64)
        kw.update(p=p, margin=margin)
        mkw = dict(kw)
        mod = "MultiMarginLoss"
    elif name == "multilabel_margin_loss":
        # each row: some distinct classes, then -1, then anything (ignored after the -1)
        rows = []
        for _ in range(n):
            k = int(rng.integers(0, c + 1))
            row = np.concatenate([rng.permutation(c)[:k], rng.integers(-1, c, size=c - k)])
            if k < c:
                row[k] = -1
            rows.append(row)
        target = np.array(rows, dtype=np.int64).reshape(shape)
        mod = "MultiLabelMarginLoss"
    else:
        target = Arg((rng.random(shape) < 0.5).astype(np.float64), grad=False)
        mod = "MultiLabelSoftMarginLoss"
    if weighted and name != "multilabel_margin_loss":
        kw["weight"] = rng.random(c) * (rng.random(c) > 0.2)
        mkw = dict(kw)
    check_loss(
        name,
        [Arg(x, layout), target],
        None if module else kw,
        module=mod if module else None,
        module_kw=mkw,
        dtype=dtype,
        terms=max(n * c * c, 1),
        scale=(2 + 2 * np.abs(x).max(initial=0) + abs(margin)) ** p,
    )


multiclass_args = dict(
    seed=seeds,
    name=st.sampled_from(
        ["multi_margin_loss", "multilabel_margin_loss", "multilabel_soft_margin_loss"]
    ),
    batch=batches,
    c=st.integers(1, 4),
    p=st.sampled_from([1, 2]),
    margin=st.sampled_from([1.0, 0.0, 0.7, -0.5]),
    weighted=st.booleans(),
    reduction=REDUCTIONS,
    big=st.sampled_from([0, 30]),
    dtype=dtypes,
    layout=layouts,
    module=st.booleans(),
)


@fuzz_settings(40)
@given(**multiclass_args)
def test_multiclass_margin_losses_fuzz(**kw):
    _check_multiclass(**kw)


@pytest.mark.slow
@slow_settings(800)
@given(**multiclass_args)
def test_multiclass_margin_losses_fuzz_slow(**kw):
    _check_multiclass(**kw)


def _check_embedding(seed, name, batch, d, margin, p, eps, swap, reduction, dtype, layout, module):
    """cosine_embedding_loss and the triplet losses of (N, D) or (D,) embeddings."""
    rng = np.random.default_rng(seed)
    shape = (d,) if batch is None else (batch, d)
    xs = [rng.standard_normal(shape) for _ in range(3)]
    kw = {"reduction": reduction, "margin": margin}
    if name == "cosine_embedding_loss":
        y = _signs(rng, () if batch is None else (batch,))
        args = [Arg(xs[0], layout), Arg(xs[1]), y]
        kw["margin"] = margin / 2  # in [−1, 1]
        mod = "CosineEmbeddingLoss"
    else:
        args = [Arg(xs[0], layout), Arg(xs[1]), Arg(xs[2])]
        kw.update(swap=swap)
        if name == "triplet_margin_loss":
            kw.update(p=p, eps=eps)
            mod = "TripletMarginLoss"
        else:  # the default distance: pairwise_distance
            mod = "TripletMarginWithDistanceLoss"
    check_loss(
        name,
        args,
        None if module else kw,
        module=mod if module else None,
        module_kw=kw,
        dtype=dtype,
        terms=max((batch or 1) * d * 4, 1),
        scale=8 * (1 + max(np.abs(x).max(initial=0) for x in xs) + margin) * d,
    )


embedding_args = dict(
    seed=seeds,
    name=st.sampled_from(
        ["cosine_embedding_loss", "triplet_margin_loss", "triplet_margin_with_distance_loss"]
    ),
    batch=batches,
    d=st.integers(1, 4),
    margin=st.sampled_from([1.0, 0.2, 1.5]),
    p=st.sampled_from([1.0, 2.0, 3.0, 1.5]),
    eps=st.sampled_from([1e-6, 0.0, 0.1]),
    swap=st.booleans(),
    reduction=REDUCTIONS,
    dtype=dtypes,
    layout=layouts,
    module=st.booleans(),
)


@fuzz_settings(40)
@given(**embedding_args)
def test_embedding_losses_fuzz(**kw):
    _check_embedding(**kw)


@pytest.mark.slow
@slow_settings(800)
@given(**embedding_args)
def test_embedding_losses_fuzz_slow(**kw):
    _check_embedding(**kw)
