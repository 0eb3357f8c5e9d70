"""interpolate/upsample, pixel_shuffle/unshuffle and channel dropout: against PyTorch in float64
(values and gradients at 1e-10) and, for dropout, against its definition."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
import nn
import nn.functional as F

TOL = {"rtol": 1e-10, "atol": 1e-12}


def _check(torch, ours, theirs, x, rng):
    xa, xt = ac.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    y, ty = ours(xa), theirs(xt)
    assert y.shape == tuple(ty.shape)
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), **TOL)
    gy = rng.standard_normal(y.shape)
    (gx,) = ac.grad(y, xa, ac.tensor(gy))
    (tg,) = torch.autograd.grad(ty, xt, torch.tensor(gy))
    np.testing.assert_allclose(gx.numpy(), tg.numpy(), **TOL)


SIZES = [
    {"size": (8, 11)},
    {"size": (3, 4)},
    {"size": (10, 14)},  # exactly twice
    {"scale_factor": 2},
    {"scale_factor": (1.5, 0.7)},
    {"scale_factor": 1.7, "recompute_scale_factor": True},
    {"size": (1, 1)},
]


@pytest.mark.parametrize("kwargs", SIZES, ids=str)
@pytest.mark.parametrize(
    ("mode", "align"), [("nearest", None), ("bilinear", False), ("bilinear", True)]
)
def test_interpolate_2d_matches_torch(torch, rng, kwargs, mode, align):
    x = rng.standard_normal((2, 3, 5, 7))
    _check(
        torch,
        lambda t: F.interpolate(t, mode=mode, align_corners=align, **kwargs),
        lambda t: torch.nn.functional.interpolate(t, mode=mode, align_corners=align, **kwargs),
        x,
        rng,
    )


@pytest.mark.parametrize(
    ("shape", "mode", "kwargs"),
    [
        ((2, 3, 6), "linear", {"size": 13}),
        ((2, 3, 6), "linear", {"scale_factor": 0.5, "align_corners": True}),
        ((2, 3, 6), "nearest", {"scale_factor": 2.5}),
        ((1, 2, 3, 4, 5), "trilinear", {"scale_factor": (2, 1.5, 0.6), "align_corners": True}),
        ((1, 2, 3, 4, 5), "trilinear", {"size": (4, 4, 7)}),
        ((1, 2, 3, 4, 5), "nearest", {"size": (6, 3, 9)}),
    ],
    ids=str,
)
def test_interpolate_1d_and_3d_match_torch(torch, rng, shape, mode, kwargs):
    x = rng.standard_normal(shape)
    _check(
        torch,
        lambda t: F.interpolate(t, mode=mode, **kwargs),
        lambda t: torch.nn.functional.interpolate(t, mode=mode, **kwargs),
        x,
        rng,
    )


def test_upsample_module_and_helpers_match_torch(torch, rng):
    x = rng.standard_normal((2, 3, 4, 5))
    for ours, theirs in [
        (nn.Upsample(scale_factor=2), torch.nn.Upsample(scale_factor=2)),
        (
            nn.Upsample(size=(7, 3), mode="bilinear", align_corners=True),
            torch.nn.Upsample(size=(7, 3), mode="bilinear", align_corners=True),
        ),
        (lambda t: F.upsample_bilinear(t, (6, 6)), torch.nn.UpsamplingBilinear2d((6, 6))),
        (lambda t: F.upsample_nearest(t, scale_factor=3), torch.nn.UpsamplingNearest2d(None, 3)),
    ]:
        _check(torch, ours, theirs, x, rng)


def test_linear_interpolation_second_derivative_flows(rng):
    x = ac.tensor(rng.standard_normal((1, 1, 3, 3)), requires_grad=True)
    y = F.interpolate(x, size=(5, 4), mode="bilinear")
    (gx,) = ac.grad((y**2).sum(), x, create_graph=True)
    (ggx,) = ac.grad(gx.sum(), x)
    w = F.interpolate(ac.ones(1, 1, 3, 3), size=(5, 4), mode="bilinear")
    # ∂/∂x Σ ∂(Σ y²)/∂x = 2 Aᵀ A 1: computed through the same linear map
    (expected,) = ac.grad(F.interpolate(x, size=(5, 4), mode="bilinear"), x, 2 * w)
    np.testing.assert_allclose(ggx.numpy(), expected.numpy(), rtol=1e-12)


@pytest.mark.parametrize(
    ("shape", "r"), [((2, 8, 3, 4), 2), ((9, 2, 2), 3), ((2, 2, 4, 1, 1), 2)], ids=str
)
def test_pixel_shuffle_and_unshuffle_match_torch(torch, rng, shape, r):
    x = rng.standard_normal(shape)
    _check(
        torch,
        lambda t: F.pixel_shuffle(t, r),
        lambda t: torch.nn.functional.pixel_shuffle(t, r),
        x,
        rng,
    )
    y = F.pixel_shuffle(ac.tensor(x), r).numpy()
    _check(torch, nn.PixelUnshuffle(r), torch.nn.PixelUnshuffle(r), y, rng)
    np.testing.assert_array_equal(F.pixel_unshuffle(ac.tensor(y), r).numpy(), x)
    _check(torch, nn.PixelShuffle(r), torch.nn.PixelShuffle(r), x, rng)


@pytest.mark.parametrize(
    ("fn", "layer", "shape"),
    [
        (F.dropout1d, nn.Dropout1d, (40, 50, 6)),
        (F.dropout2d, nn.Dropout2d, (40, 50, 3, 2)),
        (F.dropout3d, nn.Dropout3d, (40, 50, 2, 2, 2)),
        (F.dropout2d, nn.Dropout2d, (50, 3, 4)),  # unbatched (C, H, W)
    ],
    ids=lambda v: getattr(v, "__name__", str(v)),
)
def test_channel_dropout_zeroes_whole_channels_at_rate_p(fn, layer, shape):
    p = 0.3
    x = ac.ones(*shape, dtype=ac.float64, requires_grad=True)
    y = fn(x, p, generator=ac.Generator(0))
    spatial = {"dropout1d": 1, "dropout2d": 2, "dropout3d": 3}[fn.__name__]
    if len(shape) == spatial + 1:
        spatial = len(shape) - 1
    per_channel = y.numpy().reshape(*shape[: len(shape) - spatial], -1)
    assert np.all(per_channel.min(-1) == per_channel.max(-1))  # a channel is dropped whole
    assert set(np.unique(per_channel)) == {0.0, 1 / (1 - p)}
    dropped = np.mean(per_channel[..., 0] == 0)
    n = per_channel[..., 0].size
    assert abs(dropped - p) < 4 * np.sqrt(p * (1 - p) / n)  # four standard deviations
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), y.numpy())  # d(x·m)/dx = m
    module = layer(p)
    module.eval()
    assert module(x) is x
    np.testing.assert_array_equal(fn(x, 1.0).numpy(), 0.0)


def test_resampling_errors_say_what_to_change():
    with pytest.raises(ValueError, match=r"interpolate: pass exactly one of size and scale_factor"):
        F.interpolate(ac.ones(1, 1, 4), size=2, scale_factor=2)
    with pytest.raises(
        ValueError,
        match=r"interpolate: mode 'bilinear' does not fit an input "
        r"with 1 spatial axes",
    ):
        F.interpolate(ac.ones(1, 1, 4), size=8, mode="bilinear")
    with pytest.raises(ValueError, match=r"interpolate: align_corners can only be set"):
        F.interpolate(ac.ones(1, 1, 4), size=8, align_corners=True)
    with pytest.raises(ac.ShapeError, match=r"interpolate: expected an \(N, C, \*spatial\)"):
        F.interpolate(ac.ones(4), size=8)
    with pytest.raises(ac.ShapeError, match=r"interpolate: output size \(0,\) does not fit"):
        F.interpolate(ac.ones(1, 1, 4), scale_factor=0.1)
    with pytest.raises(ac.ShapeError, match=r"pixel_shuffle: needs an input .* multiple of r²"):
        F.pixel_shuffle(ac.ones(1, 3, 2, 2), 2)
    with pytest.raises(ac.ShapeError, match=r"pixel_unshuffle: needs .* multiples of r"):
        F.pixel_unshuffle(ac.ones(1, 1, 3, 4), 2)
    with pytest.raises(ac.ShapeError, match=r"dropout2d: expected a 3-D \(C, \*\) or 4-D"):
        F.dropout2d(ac.ones(2, 3), 0.5)
    with pytest.raises(ValueError, match=r"Dropout1d: probability p must be in \[0, 1\]"):
        nn.Dropout1d(1.5)
