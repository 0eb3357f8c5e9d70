"""affine_grid and grid_sample: against PyTorch in float64 (values and gradients of input, grid
and theta at 1e-10) for every mode × padding_mode × align_corners; without torch, the identity
and one-pixel translations against NumPy slices, and gradcheck/gradgradcheck; error paths."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
import nn.functional as F
from autograd_core.errors import ShapeError

TOL = {"rtol": 1e-10, "atol": 1e-12}
MODES = ["bilinear", "nearest", "bicubic"]
PADDINGS = ["zeros", "border", "reflection"]
ALIGNS = [None, False, True]

# PyTorch warns when align_corners is left None and for unit-size grids with align_corners;
# ours follows its results silently, like interpolate
pytestmark = [
    pytest.mark.filterwarnings("ignore:Default grid_sample and affine_grid behavior"),
    pytest.mark.filterwarnings("ignore:Since version 1.3.0, affine_grid behavior"),
]


def _against_torch(torch, rng, ours, theirs, arrays):
    """Values and the gradients to every array of ours(*tensors) and theirs(*torch tensors)."""
    leaves = [ac.tensor(a, requires_grad=True) for a in arrays]
    tleaves = [torch.tensor(a, requires_grad=True) for a in arrays]
    y, ty = ours(*leaves), theirs(*tleaves)
    assert y.shape == tuple(ty.shape)
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), **TOL)
    gy = rng.standard_normal(y.shape)
    grads = ac.grad(y, leaves, ac.tensor(gy))
    tgrads = torch.autograd.grad(ty, tleaves, torch.tensor(gy))
    for g, tg in zip(grads, tgrads):
        np.testing.assert_allclose(g.numpy(), tg.numpy(), **TOL)


@pytest.mark.parametrize("align", ALIGNS)
@pytest.mark.parametrize("padding", PADDINGS)
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("x_shape", "grid_shape"),
    [((2, 3, 4, 5), (2, 3, 6, 2)), ((3, 2, 1, 7), (3, 5, 2, 2)), ((1, 1, 6, 3), (1, 4, 4, 2))],
)
def test_grid_sample_matches_torch(torch, rng, x_shape, grid_shape, mode, padding, align):
    x = rng.standard_normal(x_shape)
    grid = rng.uniform(-1.6, 1.6, grid_shape)  # reaches well outside [-1, 1]
    _against_torch(
        torch,
        rng,
        lambda a, g: F.grid_sample(a, g, mode, padding, align),
        lambda a, g: torch.nn.functional.grid_sample(a, g, mode, padding, align),
        [x, grid],
    )


@pytest.mark.parametrize("align", ALIGNS)
@pytest.mark.parametrize("padding", PADDINGS)
@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
@pytest.mark.parametrize(
    ("x_shape", "grid_shape"),
    [((2, 3, 3, 4, 5), (2, 2, 3, 4, 3)), ((1, 2, 1, 2, 3), (1, 3, 1, 2, 3))],
)
def test_grid_sample_5d_matches_torch(torch, rng, x_shape, grid_shape, mode, padding, align):
    x = rng.standard_normal(x_shape)
    grid = rng.uniform(-1.6, 1.6, grid_shape)
    _against_torch(
        torch,
        rng,
        lambda a, g: F.grid_sample(a, g, mode, padding, align),
        lambda a, g: torch.nn.functional.grid_sample(a, g, mode, padding, align),
        [x, grid],
    )


@pytest.mark.parametrize("align", ALIGNS)
@pytest.mark.parametrize("size", [(2, 3, 4, 5), (1, 2, 1, 3), (3, 1, 6, 1), (2, 1, 2, 3, 4)])
def test_affine_grid_matches_torch(torch, rng, size, align):
    k = len(size) - 2
    theta = rng.standard_normal((size[0], k, k + 1))
    _against_torch(
        torch,
        rng,
        lambda t: F.affine_grid(t, size, align),
        lambda t: torch.nn.functional.affine_grid(t, size, align),
        [theta],
    )


@pytest.mark.parametrize("align", ALIGNS)
@pytest.mark.parametrize("padding", PADDINGS)
@pytest.mark.parametrize("mode", MODES)
def test_spatial_transformer_gradients_match_torch(torch, rng, mode, padding, align):
    x = rng.standard_normal((2, 3, 5, 4))
    theta = rng.standard_normal((2, 2, 3)) * 0.8  # rotations, shears and zooms past the border

    def ours(a, t):
        return F.grid_sample(a, F.affine_grid(t, (2, 3, 6, 7), align), mode, padding, align)

    def theirs(a, t):
        tf = torch.nn.functional
        return tf.grid_sample(a, tf.affine_grid(t, (2, 3, 6, 7), align), mode, padding, align)

    _against_torch(torch, rng, ours, theirs, [x, theta])


def test_grid_sample_empty_batch_and_float32(torch, rng):
    x, grid = rng.standard_normal((0, 2, 3, 4)), rng.uniform(-1, 1, (0, 5, 2, 2))
    _against_torch(
        torch,
        rng,
        lambda a, g: F.grid_sample(a, g, align_corners=False),
        lambda a, g: torch.nn.functional.grid_sample(a, g, align_corners=False),
        [x, grid],
    )
    x32 = rng.standard_normal((1, 2, 3, 4)).astype(np.float32)
    g32 = rng.uniform(-1.2, 1.2, (1, 2, 5, 2)).astype(np.float32)
    y = F.grid_sample(ac.tensor(x32), ac.tensor(g32), padding_mode="reflection")
    ty = torch.nn.functional.grid_sample(
        torch.tensor(x32), torch.tensor(g32), padding_mode="reflection", align_corners=False
    )
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.numpy(), ty.numpy(), rtol=1e-5, atol=1e-6)  # float32 rounding


# -- without torch ---------------------------------------------------------------------------


@pytest.mark.parametrize("align", ALIGNS)
@pytest.mark.parametrize("padding", PADDINGS)
@pytest.mark.parametrize("mode", MODES)
def test_identity_theta_reproduces_input(rng, mode, padding, align):
    x = rng.standard_normal((2, 3, 4, 5))
    theta = ac.tensor(np.tile([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], (2, 1, 1)))
    y = F.grid_sample(ac.tensor(x), F.affine_grid(theta, x.shape, align), mode, padding, align)
    np.testing.assert_allclose(y.numpy(), x, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("mode", MODES)
def test_one_pixel_translation_is_a_shift(rng, mode):
    """Moving the sample points one pixel right (2/W in normalised units without
    align_corners) shifts the image left; the last column is 0 (zeros) or repeats (border, and
    reflection, which mirrors pixel W about the outer edge W − ½ onto W − 1)."""
    x = rng.standard_normal((2, 3, 4, 5))
    w = x.shape[-1]
    theta = ac.tensor(np.tile([[1.0, 0.0, 2.0 / w], [0.0, 1.0, 0.0]], (2, 1, 1)))
    grid = F.affine_grid(theta, x.shape, align_corners=False)
    shifted = x[..., 1:]
    for padding, last in [("zeros", 0 * x[..., -1:]), ("border", x[..., -1:])]:
        y = F.grid_sample(ac.tensor(x), grid, mode, padding, align_corners=False).numpy()
        np.testing.assert_allclose(y, np.concatenate([shifted, last], -1), atol=1e-12)
    y = F.grid_sample(ac.tensor(x), grid, mode, "reflection", align_corners=False).numpy()
    np.testing.assert_allclose(y, np.concatenate([shifted, x[..., -1:]], -1), atol=1e-12)


def test_bilinear_midpoint_and_affine_grid_closed_form():
    x = ac.tensor(np.arange(6.0).reshape(1, 1, 2, 3))
    grid = ac.tensor(
        np.array([[[[0.0, 0.0], [0.5, -1.0]]]])
    )  # centre; halfway between (0, 1) and (0, 2)
    y = F.grid_sample(x, grid, align_corners=True)
    np.testing.assert_allclose(y.numpy(), [[[[2.5, 1.5]]]], atol=1e-15)
    g = F.affine_grid(
        ac.tensor(np.array([[[2.0, 0.0, 0.5], [0.0, 1.0, -1.0]]])), (1, 1, 2, 2), False
    )
    xs, ys = np.array([-0.5, 0.5]), np.array([-0.5, 0.5])
    want = np.stack(np.broadcast_arrays(2 * xs + 0.5, ys[:, None] - 1.0), -1)[None]
    np.testing.assert_allclose(g.numpy(), want, atol=1e-15)


def _grid_off_kinks(rng, shape, spatial, align):
    """Normalised grid points whose pixel coordinates have fractional parts in [0.1, 0.4] or
    [0.6, 0.9] and reach two pixels past each side: away from the integers (bilinear and clip
    kinks), the halves (nearest's jumps; the reflection points −½ and n − ½) and the ends."""
    frac = rng.uniform(0.1, 0.4, shape) + 0.5 * rng.integers(0, 2, shape)
    sizes = np.array(spatial[::-1], dtype=float)  # x runs over the last axis
    pix = rng.integers(-2, np.maximum(sizes + 2, 3).astype(int), shape) + frac
    if align:
        return 2 * pix / np.maximum(sizes - 1, 1) - 1
    return (2 * pix + 1) / sizes - 1


@pytest.mark.parametrize("align", [False, True])
@pytest.mark.parametrize("padding", PADDINGS)
@pytest.mark.parametrize("mode", MODES)
def test_grid_sample_gradcheck_twice(rng, mode, padding, align):
    x = ac.tensor(rng.standard_normal((2, 2, 3, 4)), requires_grad=True)
    grid = ac.tensor(_grid_off_kinks(rng, (2, 2, 3, 2), (3, 4), align), requires_grad=True)

    def fn(a, g):
        return F.grid_sample(a, g, mode, padding, align)

    assert ac.gradcheck(fn, (x, grid))
    assert ac.gradgradcheck(fn, (x, grid))


@pytest.mark.parametrize("padding", PADDINGS)
@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
def test_grid_sample_5d_gradcheck_twice(rng, mode, padding):
    x = ac.tensor(rng.standard_normal((1, 2, 2, 3, 2)), requires_grad=True)
    grid = ac.tensor(_grid_off_kinks(rng, (1, 2, 1, 2, 3), (2, 3, 2), False), requires_grad=True)

    def fn(a, g):
        return F.grid_sample(a, g, mode, padding, align_corners=False)

    assert ac.gradcheck(fn, (x, grid))
    assert ac.gradgradcheck(fn, (x, grid))


@pytest.mark.parametrize("align", ALIGNS)
@pytest.mark.parametrize("padding", PADDINGS)
@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
def test_identity_theta_reproduces_input_5d(rng, mode, padding, align):
    x = rng.standard_normal((2, 2, 3, 4, 5))
    theta = ac.tensor(np.tile(np.eye(3, 4), (2, 1, 1)))
    y = F.grid_sample(ac.tensor(x), F.affine_grid(theta, x.shape, align), mode, padding, align)
    np.testing.assert_allclose(y.numpy(), x, rtol=1e-12, atol=1e-12)


def test_affine_grid_gradcheck_twice(rng):
    theta = ac.tensor(rng.standard_normal((2, 2, 3)), requires_grad=True)
    for align in ALIGNS:
        assert ac.gradcheck(lambda t, a=align: F.affine_grid(t, (2, 1, 3, 4), a), (theta,))
        assert ac.gradgradcheck(lambda t, a=align: F.affine_grid(t, (2, 1, 3, 4), a), (theta,))


# -- errors ----------------------------------------------------------------------------------


def test_grid_sample_errors():
    x, grid = ac.zeros(2, 1, 3, 3), ac.zeros(2, 4, 4, 2)
    with pytest.raises(ShapeError, match=r"grid_sample: expected an input \(N, C, H, W\)"):
        F.grid_sample(ac.zeros(2, 3, 3), grid)
    with pytest.raises(ShapeError, match=r"grid \(N, H_out, W_out, 2\)"):
        F.grid_sample(x, ac.zeros(2, 4, 2))
    with pytest.raises(ShapeError, match=r"\(2, 4, 4, 3\)"):
        F.grid_sample(x, ac.zeros(2, 4, 4, 3))
    with pytest.raises(ShapeError, match="same batch size"):
        F.grid_sample(x, ac.zeros(3, 4, 4, 2))
    with pytest.raises(ValueError, match="mode must be one of .* got 'linear'"):
        F.grid_sample(x, grid, mode="linear")
    with pytest.raises(ValueError, match="padding_mode must be one of .* got 'wrap'"):
        F.grid_sample(x, grid, padding_mode="wrap")
    with pytest.raises(ShapeError, match=r"grid \(N, D_out, H_out, W_out, 3\)"):
        F.grid_sample(ac.zeros(2, 1, 3, 3, 3), ac.zeros(2, 1, 1, 1, 2))
    with pytest.raises(ShapeError, match=r"got shapes \(2, 1, 3, 3\) and \(2, 1, 1, 1, 3\)"):
        F.grid_sample(x, ac.zeros(2, 1, 1, 1, 3))
    with pytest.raises(ValueError, match="mode='bicubic' needs a 4-D input"):
        F.grid_sample(ac.zeros(2, 1, 3, 3, 3), ac.zeros(2, 1, 1, 1, 3), mode="bicubic")
    with pytest.raises(TypeError, match="same dtype"):
        F.grid_sample(x, ac.tensor(np.zeros((2, 4, 4, 2), np.float64)))
    with pytest.raises(ShapeError, match="empty spatial axis"):
        F.grid_sample(ac.zeros(2, 1, 0, 3), grid)


def test_affine_grid_errors():
    theta = ac.zeros(2, 2, 3)
    with pytest.raises(
        ShapeError, match=r"affine_grid: for size \(2, 1, 4, 4\) theta must have shape \(2, 2, 3\)"
    ):
        F.affine_grid(ac.zeros(2, 3, 3), (2, 1, 4, 4))
    with pytest.raises(ShapeError, match=r"theta must have shape \(3, 2, 3\)"):
        F.affine_grid(theta, (3, 1, 4, 4))
    with pytest.raises(ShapeError, match=r"theta must have shape \(2, 3, 4\)"):
        F.affine_grid(theta, (2, 1, 4, 4, 4))
    with pytest.raises(ShapeError, match=r"size must be \(N, C, H, W\)"):
        F.affine_grid(theta, (2, 4, 4))
    with pytest.raises(TypeError, match="floating point"):
        F.affine_grid(ac.tensor(np.zeros((2, 2, 3), np.int64)), (2, 1, 4, 4))
    with pytest.raises(ShapeError, match="positive spatial sizes"):
        F.affine_grid(theta, (2, 1, 0, 4))
