"""Norm layers' ``bias=`` (keyword-only) and ``momentum=None`` options and their extra_repr,
against PyTorch and a closed form (the cumulative average of the batch statistics)."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
import nn
import nn.functional as F

torch = pytest.importorskip("torch")

SHAPES = {
    "BatchNorm1d": (4, 3, 5),
    "BatchNorm2d": (4, 3, 2, 2),
    "BatchNorm3d": (2, 3, 2, 2, 2),
    "InstanceNorm1d": (4, 3, 5),
    "InstanceNorm2d": (4, 3, 2, 3),
    "InstanceNorm3d": (2, 3, 2, 2, 2),
}
OPTIONS = [
    {},
    {"momentum": None},
    {"bias": False},
    {"affine": False, "bias": False},
    {"momentum": None, "bias": False, "track_running_stats": True},
    {"affine": True, "track_running_stats": False, "eps": 1e-3},
]


def _pair(name, args, kw):
    return getattr(nn, name)(*args, **kw), getattr(torch.nn, name)(*args, **kw)


@pytest.mark.parametrize("name", sorted(SHAPES))
@pytest.mark.parametrize("kw", OPTIONS, ids=str)
def test_batch_and_instance_norm_options_match_torch(name, kw):
    if name.startswith("Instance") and kw.get("bias") is False and "affine" not in kw:
        kw = {**kw, "affine": True}
    ours, theirs = _pair(name, (3,), kw)
    assert ours.extra_repr() == theirs.extra_repr()
    assert list(ours.state_dict()) == list(theirs.state_dict())
    rng = np.random.default_rng(0)
    for step in range(4):
        if step == 3:
            ours.eval()
            theirs.eval()
        x = (rng.standard_normal(SHAPES[name]) * (step + 1) + step).astype(np.float32)
        y = ours(ac.tensor(x))
        np.testing.assert_allclose(
            y.numpy(), theirs(torch.tensor(x)).detach().numpy(), rtol=1e-4, atol=1e-5
        )
    for key, value in theirs.state_dict().items():
        np.testing.assert_allclose(
            ours.state_dict()[key].numpy(), value.numpy(), rtol=1e-5, atol=1e-6, err_msg=key
        )


def test_batch_norm_momentum_none_is_the_cumulative_average():
    bn = nn.BatchNorm1d(2, momentum=None, dtype=ac.float64)
    rng = np.random.default_rng(1)
    batches = [rng.standard_normal((6, 2)) * (k + 1) + k for k in range(5)]
    for b in batches:
        bn(ac.tensor(b))
    means = np.mean([b.mean(axis=0) for b in batches], axis=0)
    variances = np.mean([b.var(axis=0, ddof=1) for b in batches], axis=0)
    np.testing.assert_allclose(bn.running_mean.numpy(), means, rtol=1e-12)
    # the starting variance 1 counts with weight 0: the first step's factor is 1/1
    np.testing.assert_allclose(bn.running_var.numpy(), variances, rtol=1e-12)
    assert int(bn.num_batches_tracked.item()) == 5


def test_instance_norm_momentum_none_keeps_running_stats():
    m = nn.InstanceNorm1d(2, momentum=None, track_running_stats=True)
    m(ac.tensor(np.random.default_rng(2).standard_normal((3, 2, 4))))
    np.testing.assert_array_equal(m.running_mean.numpy(), [0.0, 0.0])
    np.testing.assert_array_equal(m.running_var.numpy(), [1.0, 1.0])


@pytest.mark.parametrize("affine", [True, False])
@pytest.mark.parametrize("bias", [True, False])
def test_group_norm_bias(affine, bias):
    ours, theirs = _pair("GroupNorm", (2, 4), {"affine": affine, "bias": bias})
    assert ours.extra_repr() == theirs.extra_repr()
    assert list(ours.state_dict()) == list(theirs.state_dict())
    with torch.no_grad():
        for p in theirs.parameters():
            p.uniform_(0.5, 1.5)
    ours.load_state_dict({k: ac.tensor(v.numpy()) for k, v in theirs.state_dict().items()})
    x = np.random.default_rng(3).standard_normal((3, 4, 5)).astype(np.float32)
    np.testing.assert_allclose(
        ours(ac.tensor(x)).numpy(), theirs(torch.tensor(x)).detach().numpy(), rtol=1e-4, atol=1e-5
    )


@pytest.mark.parametrize("kw", [{}, {"bias": False}, {"elementwise_affine": False}], ids=str)
def test_layer_norm_extra_repr(kw):
    ours, theirs = _pair("LayerNorm", ((2, 3),), kw)
    assert ours.extra_repr() == theirs.extra_repr()
    assert list(ours.state_dict()) == list(theirs.state_dict())


@pytest.mark.parametrize("fn", ["batch_norm", "instance_norm"])
def test_functional_momentum_none_is_a_type_error_as_torch(fn):
    x = np.ones((2, 2, 3), np.float32)
    with pytest.raises(TypeError):
        getattr(torch.nn.functional, fn)(
            torch.tensor(x), torch.zeros(2), torch.ones(2), momentum=None
        )
    with pytest.raises(TypeError, match="momentum"):
        kw = {"training": True} if fn == "batch_norm" else {}
        getattr(F, fn)(ac.tensor(x), ac.zeros(2), ac.ones(2), momentum=None, **kw)


def test_functional_batch_norm_momentum_factor():
    x = np.random.default_rng(4).standard_normal((5, 3))
    rm, rv = ac.zeros(3, dtype=ac.float64), ac.ones(3, dtype=ac.float64)
    trm, trv = torch.zeros(3, dtype=torch.float64), torch.ones(3, dtype=torch.float64)
    F.batch_norm(ac.tensor(x), rm, rv, training=True, momentum=0.3)
    torch.nn.functional.batch_norm(torch.tensor(x), trm, trv, training=True, momentum=0.3)
    np.testing.assert_allclose(rm.numpy(), trm.numpy(), rtol=1e-12)
    np.testing.assert_allclose(rv.numpy(), trv.numpy(), rtol=1e-12)
