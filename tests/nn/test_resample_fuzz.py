"""Differential fuzzing of the resampling functions against torch 2.13: hypothesis draws valid
calls of F.pad (constant/reflect/replicate/circular over 1-3 spatial axes, negative amounts
where torch takes them), F.unfold/F.fold, F.interpolate (every mode: nearest, nearest-exact,
area, linear/bilinear/trilinear, bicubic, antialiased bilinear/bicubic; align_corners both
ways, size or scale_factor, recompute_scale_factor) and F.pixel_shuffle/pixel_unshuffle, with
contiguous/strided/transposed inputs in float32 and float64; values and input gradients must
match (tolerances: tests/nn/fuzz_compare.py). The norms are in test_norm_fuzz.py."""

from __future__ import annotations

import math

import pytest
from fuzz_compare import Arg, compare, dtypes, fuzz_settings, layouts, normal, seeds, slow_settings
from hypothesis import assume, given
from hypothesis import strategies as st

import autograd_core as ac
import nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional


def _shape(draw, nd: int, spatial) -> tuple[int, ...]:
    batch = draw(st.sampled_from([0, 1, 2, None]))
    c = draw(st.integers(1, 3))
    return (c, *spatial) if batch is None else (batch, c, *spatial)


def _circular_ok(n: int, lo: int, hi: int) -> bool:
    m = n - max(-lo, 0) - max(-hi, 0)  # what is left after cropping
    return m >= 1 and max(lo, hi) <= m


@st.composite
def pad_configs(draw):
    mode = draw(st.sampled_from(["constant", "reflect", "replicate", "circular"]))
    nd = draw(st.integers(1, 3))
    spatial = tuple(draw(st.integers(1, 4 if nd == 3 else 6)) for _ in range(nd))
    amounts = []
    for n in reversed(spatial):  # pad lists the last axis first
        lo, hi = draw(st.integers(-n, n)), draw(st.integers(-n, n))
        if mode == "reflect":
            assume(max(lo, hi) < n)
        if mode == "circular":  # torch 2.13 reads uninitialised memory past this
            assume(_circular_ok(n, lo, hi))
        assume(n + lo + hi >= 1)
        amounts += [lo, hi]
    if mode == "constant" and nd > 1 and draw(st.booleans()):
        amounts = amounts[: 2 * draw(st.integers(1, nd))]  # constant: fewer axes than spatial
    kw = {"mode": mode}
    if mode == "constant" and draw(st.booleans()):
        kw["value"] = draw(st.sampled_from([0.0, -1.5, 2.0]))
    return tuple(amounts), kw, _shape(draw, nd, spatial)


def _check_pad(config, seed, dtype, layout):
    amounts, kw, shape = config
    # every output element is one input element (or the constant); a gradient entry sums at
    # most 2 + the padding's reflections of one upstream value per axis
    compare(
        lambda x: F.pad(x, amounts, **kw),
        lambda x: TF.pad(x, amounts, **kw),
        [Arg(normal(seed, shape), layout)],
        dtype=dtype,
        terms=4 ** (len(amounts) // 2),
        gy_seed=seed + 1,
    )


@fuzz_settings(120)
@given(pad_configs(), seeds, dtypes, layouts)
def test_pad_matches_torch_on_drawn_configurations(config, seed, dtype, layout):
    _check_pad(config, seed, dtype, layout)


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
def test_negative_pads_crop_in_every_mode_as_torch(mode):
    # found by test_pad_matches_torch_on_drawn_configurations: ours refused negative amounts
    # outside constant mode; torch 2.13 crops (reflect/replicate pad then crop, circular crops
    # then wraps)
    x = normal(0, (2, 3, 5, 6))
    amounts = (-2, 3, 1, -3)
    compare(
        lambda t: F.pad(t, amounts, mode=mode),
        lambda t: TF.pad(t, amounts, mode=mode),
        [Arg(x)],
    )
    with pytest.raises(ac.ShapeError, match=f"pad: {mode} padding of"):
        F.pad(ac.tensor(x), (-4, -2), mode=mode)  # nothing left of the last axis


def test_circular_wrap_longer_than_the_cropped_block_is_refused():
    # a deliberate difference: torch 2.13 returns uninitialised memory here
    x = ac.tensor(normal(1, (1, 1, 4)))
    with pytest.raises(ac.ShapeError, match=r"pad: circular padding of \(-3, 2\)"):
        F.pad(x, (-3, 2), mode="circular")


@st.composite
def fold_configs(draw):
    """An unfold call and the fold call that sums its columns back."""
    k = tuple(draw(st.integers(1, 3)) for _ in range(2))
    d = tuple(draw(st.integers(1, 2)) for _ in range(2))
    p = tuple(draw(st.integers(0, 2)) for _ in range(2))
    s = tuple(draw(st.integers(1, 3)) for _ in range(2))
    reach = [dd * (kk - 1) + 1 for kk, dd in zip(k, d)]
    spatial = tuple(max(1, r - 2 * pp) + draw(st.integers(0, 4)) for r, pp in zip(reach, p))
    blocks = [(m + 2 * pp - r) // ss + 1 for m, pp, r, ss in zip(spatial, p, reach, s)]
    assume(all(b >= 1 for b in blocks))
    form = draw(st.booleans())
    kw = {
        "kernel_size": k[0] if form and k[0] == k[1] else k,
        "dilation": d[0] if form and d[0] == d[1] else d,
        "padding": p[0] if form and p[0] == p[1] else p,
        "stride": s[0] if form and s[0] == s[1] else s,
    }
    batch = draw(st.sampled_from([0, 1, 2, None]))
    c = draw(st.integers(1, 3))
    image = (c, *spatial) if batch is None else (batch, c, *spatial)
    cols = (c * math.prod(k), math.prod(blocks))
    cols = cols if batch is None else (batch, *cols)
    overlap = math.prod(-(-kk * dd // ss) for kk, dd, ss in zip(k, d, s))
    return kw, image, cols, spatial, overlap


@fuzz_settings(80)
@given(fold_configs(), st.sampled_from(["unfold", "fold"]), seeds, dtypes, layouts)
def test_unfold_and_fold_match_torch_on_drawn_configurations(config, which, seed, dtype, layout):
    kw, image, cols, spatial, overlap = config
    if which == "unfold":
        ours, theirs, shape = (lambda x: F.unfold(x, **kw)), (lambda x: TF.unfold(x, **kw)), image
    else:
        ours = lambda x: F.fold(x, spatial, **kw)  # noqa: E731
        theirs = lambda x: TF.fold(x, spatial, **kw)  # noqa: E731
        shape = cols
    compare(
        ours,
        theirs,
        [Arg(normal(seed, shape), layout)],
        dtype=dtype,
        terms=overlap + 1,  # fold sums the columns that overlap one pixel
        gy_seed=seed + 1,
    )


_LINEAR = {1: "linear", 2: "bilinear", 3: "trilinear"}
INTERPOLATE_FAMILIES = ["nearest", "nearest-exact", "area", "linear", "bicubic", "antialias"]


def _torch_wrong_grad(nd, mode, kw, spatial, out, scaled) -> bool:
    """Where torch 2.13's interpolate backward is not the gradient of its forward (ours is:
    tests/nn/test_interpolate_modes.py pins it against torch's forward taken as a matrix)."""
    aligned = kw.get("align_corners", False)
    if mode == "bicubic" and not kw.get("antialias"):  # backward copies, forward resamples
        return scaled and not aligned and out == spatial
    if kw.get("antialias"):  # forward copies an unchanged axis, backward resamples it
        return scaled and not aligned and any(o == m for o, m in zip(out, spatial))
    if mode == "nearest" and nd != 2:  # backward takes the 2-D kernel's shortcuts
        return scaled and any(o in (m, 2 * m) for o, m in zip(out, spatial))
    return False


@st.composite
def interpolate_configs(draw, family=None):
    """A valid interpolate call of one mode family (any when None): 'nearest', 'nearest-exact',
    'area', 'linear' (linear/bilinear/trilinear), 'bicubic', 'antialias' (bilinear/bicubic)."""
    family = family or draw(st.sampled_from(INTERPOLATE_FAMILIES))
    nd = 2 if family in ("bicubic", "antialias") else draw(st.integers(1, 3))
    spatial = tuple(draw(st.integers(1, 3 if nd == 3 else 6)) for _ in range(nd))
    if family == "antialias":
        mode = draw(st.sampled_from(["bilinear", "bicubic"]))
    else:
        mode = _LINEAR[nd] if family == "linear" else family
    kw: dict = {"mode": mode}
    if family == "antialias":
        kw["antialias"] = True
    if mode not in ("nearest", "nearest-exact", "area"):
        kw["align_corners"] = draw(st.booleans())
    scaled = False
    if draw(st.booleans()):
        size = tuple(draw(st.integers(1, 3 if nd == 3 else 9)) for _ in range(nd))
        kw["size"] = size[0] if len(set(size)) == 1 and draw(st.booleans()) else size
        out = size
    else:
        # 1.3 keeps short axes' lengths and 2.2 doubles some: torch's kernels special-case both
        choices = [0.5, 0.75, 1.0, 1.3, 1.5, 2.0, 2.2, 3.0]
        scales = tuple(draw(st.sampled_from(choices)) for _ in range(nd))
        out = tuple(math.floor(m * sc) for m, sc in zip(spatial, scales))
        assume(all(o >= 1 for o in out))
        kw["scale_factor"] = scales[0] if len(set(scales)) == 1 else scales
        scaled = mode != "area" and not draw(st.booleans())
        if not scaled:
            kw["recompute_scale_factor"] = True
    # an empty batch last: hypothesis shrinks towards the first entry, and an empty input
    # compares nothing but shapes
    batch = draw(st.sampled_from([2, 1, 0]))
    shape = (batch, draw(st.integers(1, 2)), *spatial)
    # K: an output reads at most every input of an axis, an input gradient sums at most every
    # output, plus one for the rounding of the weights
    terms = math.prod(max(m, o) + 1 for m, o in zip(spatial, out))
    wrong_grad = _torch_wrong_grad(nd, mode, kw, spatial, out, scaled)
    # torch 2.13's antialiased forward is wrong there (tests/nn/test_interpolate_modes.py)
    width_one = bool(kw.get("antialias")) and out[1] == 1 and out[0] != spatial[0]
    return kw, shape, terms, wrong_grad, width_one


def _torch_antialias_per_axis(x, kw):
    """torch's antialiased resize one axis at a time, W and then H as the width of the
    transposed plane: torch 2.13's 2-D antialias kernels repeat one row when the output width
    is 1 and the height changes, and are right on each of these steps."""
    base = {k: v for k, v in kw.items() if k not in ("size", "scale_factor")}
    if "size" in kw:
        h, w = (kw["size"],) * 2 if isinstance(kw["size"], int) else kw["size"]
        first, second = {"size": (x.shape[2], w)}, {"size": (1, h)}
    else:
        sh, sw = (
            (kw["scale_factor"],) * 2
            if isinstance(kw["scale_factor"], float)
            else kw["scale_factor"]
        )
        first, second = {"scale_factor": (1.0, sw)}, {"scale_factor": (1.0, sh)}
    y = TF.interpolate(x, **base, **first).transpose(2, 3)
    return TF.interpolate(y, **base, **second).transpose(2, 3)


# one test per mode family: drawn from one pool, the fixed (derandomized) examples spread
# unevenly over the modes (no bilinear call among 160 of them)
@pytest.mark.parametrize("family", INTERPOLATE_FAMILIES)
@fuzz_settings(30)
@given(st.data(), seeds, dtypes, layouts)
def test_interpolate_matches_torch_on_drawn_configurations(family, data, seed, dtype, layout):
    check_interpolate(data.draw(interpolate_configs(family)), seed, dtype, layout)


def check_interpolate(config, seed, dtype, layout):
    """One drawn interpolate call against torch (against torch one axis at a time where its
    antialias kernel is wrong; values only where its backward is)."""
    kw, shape, terms, wrong_grad, width_one = config
    theirs = lambda x: TF.interpolate(x, **kw)  # noqa: E731
    if width_one:
        theirs = lambda x: _torch_antialias_per_axis(x, kw)  # noqa: E731
    compare(
        lambda x: F.interpolate(x, **kw),
        theirs,
        [Arg(normal(seed, shape), layout, grad=not wrong_grad)],
        dtype=dtype,
        terms=terms,
        gy_seed=seed + 1,
        bilinear=kw["mode"] != "bicubic",  # negative weights: the bound scales the result
    )


@st.composite
def shuffle_configs(draw):
    r = draw(st.integers(1, 3))
    lead = draw(st.sampled_from([(), (2,), (1, 2), (0,)]))  # any number of batch axes
    c = draw(st.integers(1, 2))
    h, w = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    if draw(st.booleans()):
        return "pixel_shuffle", r, (*lead, c * r * r, h, w)
    return "pixel_unshuffle", r, (*lead, c, h * r, w * r)


@fuzz_settings(30)
@given(shuffle_configs(), seeds, dtypes, layouts)
def test_pixel_shuffle_matches_torch_on_drawn_configurations(config, seed, dtype, layout):
    name, r, shape = config
    if 0 in shape:
        # torch 2.13 is wrong on empty inputs: pixel_unshuffle returns the input's shape and
        # pixel_shuffle's backward refuses the zero-size gradient; ours keeps the formula
        *lead, c, h, w = shape
        x = ac.zeros(*shape, requires_grad=True)
        y = getattr(F, name)(x, r)
        want = (
            (c // (r * r), h * r, w * r) if name == "pixel_shuffle" else (c * r * r, h // r, w // r)
        )
        assert y.shape == (*lead, *want)
        y.sum().backward()
        assert x.grad.shape == shape
        return
    compare(
        lambda x: getattr(F, name)(x, r),
        lambda x: getattr(TF, name)(x, r),
        [Arg(normal(seed, shape), layout)],
        dtype=dtype,
        gy_seed=seed + 1,
    )


@pytest.mark.slow
@slow_settings(800)
@given(st.data(), seeds, dtypes, layouts)
def test_resampling_matches_torch_many(data, seed, dtype, layout):
    which = data.draw(st.sampled_from(["pad", "fold", "interpolate", "shuffle"]))
    if which == "pad":
        _check_pad(data.draw(pad_configs()), seed, dtype, layout)
    elif which == "fold":
        config = data.draw(fold_configs())
        kind = data.draw(st.sampled_from(["unfold", "fold"]))
        test_unfold_and_fold_match_torch_on_drawn_configurations.hypothesis.inner_test(
            config, kind, seed, dtype, layout
        )
    elif which == "interpolate":
        check_interpolate(data.draw(interpolate_configs()), seed, dtype, layout)
    else:
        test_pixel_shuffle_matches_torch_on_drawn_configurations.hypothesis.inner_test(
            data.draw(shuffle_configs()), seed, dtype, layout
        )
