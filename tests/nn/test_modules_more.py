"""Bilinear (and F.bilinear), UpsamplingNearest2d, UpsamplingBilinear2d and ChannelShuffle (and
F.channel_shuffle): against PyTorch in float64 with copied weights, NumPy references, gradients
of order 1 and 2, default initialisation, state_dict round trips and errors."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
import nn
import nn.functional as F
from autograd_core.errors import ShapeError

# -- Bilinear ---------------------------------------------------------------------------------

BILINEAR_SHAPES = [((5,), 3, 4, 2), ((2, 7), 3, 4, 5), ((), 3, 4, 2), ((0,), 3, 4, 2)]


def _bilinear_inputs(rng, lead, in1, in2, out):
    return (
        rng.standard_normal((*lead, in1)),
        rng.standard_normal((*lead, in2)),
        rng.standard_normal((out, in1, in2)),
        rng.standard_normal(out),
    )


@pytest.mark.parametrize(("lead", "in1", "in2", "out"), BILINEAR_SHAPES)
@pytest.mark.parametrize("with_bias", [True, False])
def test_bilinear_matches_torch_values_and_gradients(torch, rng, lead, in1, in2, out, with_bias):
    arrays = _bilinear_inputs(rng, lead, in1, in2, out)
    if not with_bias:
        arrays = arrays[:3]
    ours = [ac.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    y = F.bilinear(*ours)
    ty = torch.nn.functional.bilinear(*theirs)
    assert y.shape == tuple(ty.shape)
    np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=1e-10, atol=1e-12)
    gy = rng.standard_normal(y.shape)
    grads = ac.grad(y, ours, ac.tensor(gy))
    tgrads = torch.autograd.grad(ty, theirs, torch.tensor(gy))
    for g, tg in zip(grads, tgrads):
        np.testing.assert_allclose(g.data, tg.numpy(), rtol=1e-10, atol=1e-12)


def test_bilinear_matches_an_einsum_reference(rng):
    x1, x2, w, b = _bilinear_inputs(rng, (2, 3), 4, 5, 6)
    y = F.bilinear(ac.tensor(x1), ac.tensor(x2), ac.tensor(w), ac.tensor(b))
    expected = np.einsum("...i,oij,...j->...o", x1, w, x2) + b
    np.testing.assert_allclose(y.data, expected, rtol=1e-12)


@pytest.mark.parametrize(("lead", "in1", "in2", "out"), BILINEAR_SHAPES)
def test_bilinear_gradcheck_first_and_second_order(rng, lead, in1, in2, out):
    inputs = [ac.tensor(a, requires_grad=True) for a in _bilinear_inputs(rng, lead, in1, in2, out)]
    assert ac.gradcheck(F.bilinear, inputs)
    assert ac.gradgradcheck(F.bilinear, inputs)


def test_bilinear_module_matches_torch_with_copied_weights(torch, rng):
    layer, tlayer = nn.Bilinear(3, 4, 5).double(), torch.nn.Bilinear(3, 4, 5).double()
    assert [n for n, _ in layer.named_parameters()] == [n for n, _ in tlayer.named_parameters()]
    assert layer.extra_repr() == tlayer.extra_repr()
    layer.load_state_dict({k: v.numpy() for k, v in tlayer.state_dict().items()})
    x1, x2 = rng.standard_normal((6, 3)), rng.standard_normal((6, 4))
    y, ty = layer(ac.tensor(x1), ac.tensor(x2)), tlayer(torch.tensor(x1), torch.tensor(x2))
    np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=1e-10, atol=1e-12)
    y.sum().backward()
    ty.sum().backward()
    for (name, p), (_, tp) in zip(layer.named_parameters(), tlayer.named_parameters()):
        np.testing.assert_allclose(p.grad.data, tp.grad.numpy(), rtol=1e-10, err_msg=name)


def test_bilinear_state_dict_round_trip_and_no_bias(torch):
    a, b = nn.Bilinear(2, 3, 4), nn.Bilinear(2, 3, 4)
    b.load_state_dict({k: v.data.copy() for k, v in a.state_dict().items()})
    np.testing.assert_array_equal(b.weight.data, a.weight.data)
    plain = nn.Bilinear(2, 3, 4, bias=False)
    assert plain.bias is None and list(plain.state_dict()) == ["weight"]
    assert list(torch.nn.Bilinear(2, 3, 4, bias=False).state_dict()) == ["weight"]


def test_bilinear_default_init_is_uniform_with_bound_one_over_sqrt_in1():
    layer = nn.Bilinear(16, 40, 30, generator=ac.Generator().manual_seed(0))
    bound = 1 / np.sqrt(16)
    w, b = layer.weight.data.astype(np.float64), layer.bias.data
    assert w.shape == (30, 16, 40) and b.shape == (30,)
    assert np.abs(w).max() <= bound and np.abs(b).max() <= bound
    # U(−k, k): mean 0, variance k²/3; 19 200 draws give these within a few standard errors
    assert abs(w.mean()) < 0.01 and abs(w.var() / (bound**2 / 3) - 1) < 0.03


@pytest.mark.parametrize(
    ("shapes", "match"),
    [
        (((2, 3), (3, 4), (5, 3, 4)), "same shape except for the last axis"),
        (((2, 3), (1, 4), (5, 3, 4)), "same shape except for the last axis"),
        (((2, 2), (2, 4), (5, 3, 4)), r"in1_features and in2_features \(3, 4\)"),
        (((2, 3), (2, 5), (5, 3, 4)), r"input2 \(2, 5\)"),
        (((2, 3), (2, 4), (3, 4)), "weight must be 3-D"),
        (((2, 3), (2, 4), (5, 3, 4), (4,)), r"bias must have shape \(out_features,\) = \(5,\)"),
    ],
)
def test_bilinear_shape_errors(shapes, match):
    with pytest.raises(ShapeError, match=f"bilinear: .*{match}"):
        F.bilinear(*[ac.zeros(*s) for s in shapes])


def test_bilinear_constructor_errors(torch):
    with pytest.raises(ValueError, match=r"in1_features must be > 0; got in1_features=0"):
        nn.Bilinear(0, 3, 2)
    with pytest.raises(ValueError, match="in1_features must be > 0"):
        torch.nn.Bilinear(0, 3, 2)
    with pytest.raises(ValueError, match="out_features must be >= 0"):
        nn.Bilinear(2, 3, -1)
    with pytest.raises(TypeError, match=r"in2_features must be an integer; got 2.5"):
        nn.Bilinear(2, 2.5, 1)


# -- UpsamplingNearest2d / UpsamplingBilinear2d ------------------------------------------------

UPSAMPLING = [
    ("UpsamplingNearest2d", {"scale_factor": 2}),
    ("UpsamplingNearest2d", {"size": (5, 7)}),
    ("UpsamplingBilinear2d", {"scale_factor": 2}),
    ("UpsamplingBilinear2d", {"size": (5, 7)}),
    ("UpsamplingBilinear2d", {"scale_factor": (1.5, 3)}),
]


@pytest.mark.parametrize(("name", "kwargs"), UPSAMPLING)
def test_upsampling_matches_torch(torch, rng, name, kwargs):
    x = rng.standard_normal((2, 3, 3, 4))
    layer, tlayer = getattr(nn, name)(**kwargs), getattr(torch.nn, name)(**kwargs)
    xt = ac.tensor(x, requires_grad=True)
    txt = torch.tensor(x, requires_grad=True)
    y, ty = layer(xt), tlayer(txt)
    assert y.shape == tuple(ty.shape)
    np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=1e-10, atol=1e-12)
    gy = rng.standard_normal(y.shape)
    (g,) = ac.grad(y, [xt], ac.tensor(gy))
    (tg,) = torch.autograd.grad(ty, [txt], torch.tensor(gy))
    np.testing.assert_allclose(g.data, tg.numpy(), rtol=1e-10, atol=1e-12)
    assert (layer.mode, layer.align_corners) == (tlayer.mode, tlayer.align_corners)
    assert layer.extra_repr() == tlayer.extra_repr()


@pytest.mark.parametrize(("name", "kwargs"), UPSAMPLING)
def test_upsampling_gradcheck_first_and_second_order(rng, name, kwargs):
    layer = getattr(nn, name)(**kwargs)
    x = ac.tensor(rng.standard_normal((1, 2, 2, 3)), requires_grad=True)
    assert ac.gradcheck(layer, (x,)) and ac.gradgradcheck(layer, (x,))


def test_upsampling_nearest_is_a_repeat(rng):
    x = rng.standard_normal((2, 3, 3, 4))
    y = nn.UpsamplingNearest2d(scale_factor=2)(ac.tensor(x))
    np.testing.assert_array_equal(y.data, x.repeat(2, axis=2).repeat(2, axis=3))
    empty = nn.UpsamplingNearest2d(size=(4, 6))(ac.zeros(0, 3, 2, 3))
    assert empty.shape == (0, 3, 4, 6)


def test_upsampling_bilinear_reproduces_a_bilinear_function():
    # with aligned corners, output (i, j) samples the input grid at (i (H−1)/(H'−1), …), and
    # bilinear interpolation is exact on f(u, v) = 1 + 2u − v + 0.5 uv
    def f(u, v):
        return 1 + 2 * u - v + 0.5 * u * v

    h, w, h2, w2 = 3, 4, 7, 5
    u, v = np.meshgrid(np.arange(h), np.arange(w), indexing="ij")
    y = nn.UpsamplingBilinear2d(size=(h2, w2))(ac.tensor(f(u, v)[None, None]))
    u2, v2 = np.meshgrid(
        np.arange(h2) * (h - 1) / (h2 - 1), np.arange(w2) * (w - 1) / (w2 - 1), indexing="ij"
    )
    np.testing.assert_allclose(y.data[0, 0], f(u2, v2), rtol=1e-12, atol=1e-12)


# -- ChannelShuffle ---------------------------------------------------------------------------

SHUFFLES = [((2, 6, 3, 3), 3), ((2, 6, 5), 2), ((1, 8, 2, 2, 2), 4), ((0, 4, 2), 2), ((3, 5, 1), 1)]


def _shuffle_reference(x, groups):
    n, c, *rest = x.shape
    return x.reshape(n, groups, c // groups, *rest).swapaxes(1, 2).reshape(x.shape)


@pytest.mark.parametrize(("shape", "groups"), SHUFFLES)
def test_channel_shuffle_matches_torch_and_numpy(torch, rng, shape, groups):
    x = rng.standard_normal(shape)
    xt, txt = ac.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    y = nn.ChannelShuffle(groups)(xt)
    ty = torch.nn.ChannelShuffle(groups)(txt)
    np.testing.assert_array_equal(y.data, ty.detach().numpy())
    np.testing.assert_array_equal(y.data, _shuffle_reference(x, groups))
    gy = rng.standard_normal(shape)
    (g,) = ac.grad(y, [xt], ac.tensor(gy))
    (tg,) = torch.autograd.grad(ty, [txt], torch.tensor(gy))
    np.testing.assert_array_equal(g.data, tg.numpy())
    assert nn.ChannelShuffle(groups).extra_repr() == torch.nn.ChannelShuffle(groups).extra_repr()


@pytest.mark.parametrize(("shape", "groups"), SHUFFLES)
def test_channel_shuffle_gradcheck_first_and_second_order(rng, shape, groups):
    x = ac.tensor(rng.standard_normal(shape), requires_grad=True)
    fn = lambda t: F.channel_shuffle(t, groups)  # noqa: E731
    assert ac.gradcheck(fn, (x,)) and ac.gradgradcheck(fn, (x,))


@pytest.mark.parametrize(
    ("shape", "groups", "error", "match"),
    [
        ((2, 6), 2, ShapeError, r"at least 3 dimensions, got shape \(2, 6\)"),
        ((1, 6, 2), 4, ShapeError, r"the 6 channels of shape \(1, 6, 2\) cannot be split into 4"),
        ((1, 6, 2), 0, ValueError, "groups must be a positive integer, got 0"),
        ((1, 6, 2), -2, ValueError, "groups must be a positive integer, got -2"),
        ((1, 6, 2), 2.0, ValueError, "groups must be a positive integer, got 2.0"),
    ],
)
def test_channel_shuffle_errors(torch, shape, groups, error, match):
    with pytest.raises(error, match=f"channel_shuffle: .*{match}"):
        F.channel_shuffle(ac.zeros(*shape), groups)
    if isinstance(groups, int):  # PyTorch refuses the same inputs (with a RuntimeError)
        with pytest.raises(RuntimeError):
            torch.nn.functional.channel_shuffle(torch.zeros(*shape), groups)
