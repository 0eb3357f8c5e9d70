"""Differential fuzzing of pooling against torch 2.13: hypothesis draws valid configurations of
max_pool1d-3d (dilation, ceil_mode, return_indices), avg_pool1d-3d (count_include_pad,
divisor_override), lp_pool1d-3d (p = ±∞ and NaN windows included), adaptive avg/max pooling
1d-3d and max_unpool1d-3d, with batch 0, 1
or more, unbatched inputs, the smallest input that gives one output, contiguous/strided/
transposed inputs, float32 and float64; values, indices and input gradients must match
(tolerances: tests/nn/fuzz_compare.py)."""

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


def _out(m: int, k: int, s: int, p: int, d: int, ceil: bool) -> int:
    """PyTorch's pooling output size along one axis."""
    span = m + 2 * p - d * (k - 1) - 1
    n = (span + (s - 1 if ceil else 0)) // s + 1
    if ceil and (n - 1) * s >= m + p:  # the last window must start inside the input
        n -= 1
    return n


def _tuple_or_int(draw, values):
    return values[0] if len(set(values)) == 1 and draw(st.booleans()) else values


def _input_shape(draw, nd, spatial):
    batch = draw(st.sampled_from([0, 1, 2, None]))
    c = draw(st.integers(1, 3))
    return (c, *spatial) if batch is None else (batch, c, *spatial)


@st.composite
def window_configs(draw, kind: str):
    """kind 'max' (with dilation) or 'avg' (with count_include_pad and divisor_override)."""
    nd = draw(st.integers(1, 3))
    k = tuple(draw(st.integers(1, 3)) for _ in range(nd))
    s = tuple(draw(st.integers(1, 3)) for _ in range(nd))
    d = tuple(draw(st.integers(1, 2)) for _ in range(nd)) if kind == "max" else (1,) * nd
    # PyTorch: padding at most half the kernel (avg_pool, max_pool)
    p = tuple(draw(st.integers(0, kk // 2)) for kk in k)
    ceil = draw(st.booleans())
    reach = [dl * (kk - 1) + 1 for kk, dl in zip(k, d)]
    lowest = [max(1, r - 2 * pp) for r, pp in zip(reach, p)]
    spatial = tuple(lo + draw(st.integers(0, 2 if nd == 3 else 4)) for lo in lowest)
    out = [_out(*a, ceil) for a in zip(spatial, k, s, p, d)]
    assume(all(o >= 1 for o in out))
    if kind == "avg" and nd == 3:
        # PyTorch's avg_pool3d alone also refuses an input smaller than the kernel ("input
        # image smaller than kernel size") where padding still gives an output; avg_pool1d/2d
        # and ours follow the output-size rule at every rank
        assume(all(m >= kk for m, kk in zip(spatial, k)))
    kw = {"kernel_size": _tuple_or_int(draw, k), "padding": _tuple_or_int(draw, p)}
    kw["stride"] = None if draw(st.booleans()) and s == k else _tuple_or_int(draw, s)
    kw["ceil_mode"] = ceil
    if kind == "max":
        kw["dilation"] = _tuple_or_int(draw, d)
        kw["return_indices"] = draw(st.booleans())
    else:
        kw["count_include_pad"] = draw(st.booleans())
        if nd > 1 and draw(st.booleans()):  # avg_pool1d has no divisor_override
            kw["divisor_override"] = draw(st.integers(1, 5))
    if kw["stride"] is None:
        s = k
    return nd, kw, _input_shape(draw, nd, spatial), math.prod(k)


def _check_window(kind, config, seed, dtype, layout):
    nd, kw, shape, window = config
    name = f"{kind}_pool{nd}d"
    # max pooling: the forward picks an element (exact); its gradient adds at most
    # ∏k·(windows that overlap) upstream values, at most ∏k² terms of size ≤ max|gy|
    compare(
        lambda x: _no_input_index(ac, getattr(F, name)(x, **kw)),
        lambda x: _no_input_index(torch, _torch_window(name, x, kw)),
        [Arg(normal(seed, shape), layout)],
        dtype=dtype,
        terms=window * window,
        gy_seed=seed + 1,
        bilinear=kind == "avg",
    )


def _no_input_index(lib, out):
    """max pooling's (values, indices) with the index of a window that holds no input entry
    (value −∞ from padding alone; the drawn inputs are finite) set to −1 on both sides: there
    is no entry to name, and torch 2.13's index for it depends on the input's memory layout
    (max_pool3d of a (2, 2, 1, 1) input, kernel (1, 1, 2), padding (0, 0, 1), dilation
    (1, 1, 2): [1, 2, 1, 2] contiguous, [1, 1, 1, 1] channels-last)."""
    if not isinstance(out, tuple):
        return out
    y, index = out
    return y, lib.where(lib.isneginf(y), -1, index)


def _torch_window(name, x, kw):
    """torch's pooling, except that a max-pooling window holding no input entry (only
    padding, its taps stepped over the input by the dilation) passes no gradient: its −∞ is a
    constant. PyTorch sends that window's ȳ to its reported index, which is outside the plane
    (dropped) or, when the overshoot is along a trailing axis, another entry of the plane: a
    gradient on an input the output does not depend on (torch 2.13; see
    test_max_pool_window_over_padding_only_has_no_gradient)."""
    out = getattr(TF, name)(x, **kw)
    if not name.startswith("max"):
        return out
    y, rest = (out[0], out[1:]) if isinstance(out, tuple) else (out, ())
    y = torch.where(torch.isfinite(y), y, y.detach())
    return (y, *rest) if rest else y


@fuzz_settings(50)
@given(window_configs("max"), seeds, dtypes, layouts)
def test_max_pool_matches_torch_on_drawn_configurations(config, seed, dtype, layout):
    _check_window("max", config, seed, dtype, layout)


@fuzz_settings(50)
@given(window_configs("avg"), seeds, dtypes, layouts)
def test_avg_pool_matches_torch_on_drawn_configurations(config, seed, dtype, layout):
    _check_window("avg", config, seed, dtype, layout)


@pytest.mark.slow
@slow_settings(1000)
@given(st.sampled_from(["max", "avg"]), st.data(), seeds, dtypes, layouts)
def test_window_pools_match_torch_many(kind, data, seed, dtype, layout):
    _check_window(kind, data.draw(window_configs(kind)), seed, dtype, layout)


@pytest.mark.parametrize("layout", ["contiguous", "transposed"])
def test_max_pool_window_with_no_input_entry_in_every_layout(layout):
    """The slow fuzz's find: a 3-d window over padding alone, on a transposed input, where
    torch's reported index follows the memory layout (_no_input_index). Values and gradients
    still match torch's."""
    kw = {"kernel_size": (1, 1, 2), "padding": (0, 0, 1), "stride": (1, 1, 1),
          "ceil_mode": False, "dilation": (1, 1, 2), "return_indices": True}  # fmt: skip
    _check_window("max", (3, kw, (2, 2, 1, 1), 2), 0, "float64", layout)


@st.composite
def lp_configs(draw):
    nd = draw(st.integers(1, 3))
    k = tuple(draw(st.integers(1, 2 if nd == 3 else 3)) for _ in range(nd))
    s = tuple(draw(st.integers(1, 3)) for _ in range(nd))
    ceil = draw(st.booleans())
    spatial = tuple(kk + draw(st.integers(0, 2 if nd == 3 else 4)) for kk in k)
    assume(all(_out(m, kk, st_, 0, 1, ceil) >= 1 for m, kk, st_ in zip(spatial, k, s)))
    if nd == 1:  # torch 2.13's lp_pool1d multiplies by kernel_size: a tuple raises TypeError
        kw = {"kernel_size": k[0], "stride": _tuple_or_int(draw, s)}
    else:
        kw = {"kernel_size": _tuple_or_int(draw, k), "stride": _tuple_or_int(draw, s)}
    kw["ceil_mode"] = ceil
    p = draw(st.sampled_from([1, 2, 3, 1.5, math.inf, -math.inf]))
    return nd, p, kw, _input_shape(draw, nd, spatial)


@fuzz_settings(30)
@given(lp_configs(), seeds, layouts)
def test_lp_pool_matches_torch_on_drawn_configurations(config, seed, layout):
    # float64 only: the gradient divides by the pooled value, whose relative float32 error
    # has no useful bound near zero
    # p = 3: a window with Σx³ < 0 has no real cube root, p = 1.5: a negative entry has no
    # real power; NaN in both (value and gradient), and no warning from ours
    nd, p, kw, shape = config
    compare(
        lambda x: getattr(F, f"lp_pool{nd}d")(x, p, **kw),
        lambda x: getattr(TF, f"lp_pool{nd}d")(x, p, **kw),
        [Arg(normal(seed, shape), layout)],
        gy_seed=seed + 1,
    )


@st.composite
def adaptive_configs(draw):
    nd = draw(st.integers(1, 3))
    spatial = tuple(draw(st.integers(1, 4 if nd == 3 else 7)) for _ in range(nd))
    out = tuple(draw(st.integers(0, m + 2)) for m in spatial)  # 0: an empty output, as torch
    output_size = out[0] if nd == 1 or (len(set(out)) == 1 and draw(st.booleans())) else out
    if nd > 1 and draw(st.booleans()):  # None keeps that axis's input size
        keep = draw(st.integers(0, nd - 1))
        output_size = tuple(None if i == keep else o for i, o in enumerate(out))
        out = tuple(spatial[i] if i == keep else o for i, o in enumerate(out))
    return (
        nd,
        output_size,
        _input_shape(draw, nd, spatial),
        max(-(-m // max(o, 1)) + 1 for m, o in zip(spatial, out)) ** nd,
    )


@fuzz_settings(40)
@given(adaptive_configs(), st.sampled_from(["avg", "max"]), st.booleans(), seeds, dtypes, layouts)
def test_adaptive_pools_match_torch_on_drawn_configurations(
    config, kind, indices, seed, dtype, layout
):
    nd, output_size, shape, window = config
    name = f"adaptive_{kind}_pool{nd}d"
    kw = {"return_indices": indices} if kind == "max" else {}
    want = getattr(TF, name)(torch.tensor(normal(seed, shape)), output_size, **kw)
    if 0 in (want[0] if kw.get("return_indices") else want).shape[-nd:]:
        _empty_adaptive_output_matches_torch(name, output_size, shape, kw, want)
        return
    compare(
        lambda x: getattr(F, name)(x, output_size, **kw),
        lambda x: getattr(TF, name)(x, output_size, **kw),
        [Arg(normal(seed, shape), layout)],
        dtype=dtype,
        terms=window * window,
        gy_seed=seed + 1,
        bilinear=kind == "avg",
    )


def _empty_adaptive_output_matches_torch(name, output_size, shape, kw, want):
    """An output size of 0 gives an empty output (torch's forward too); torch's backward then
    raises ("Expected grad_output to have non-zero size"), ours gives x a zero gradient."""
    x = ac.tensor(normal(0, shape), requires_grad=True)
    got = getattr(F, name)(x, output_size, **kw)
    for g, w in zip(*((got, want) if kw.get("return_indices") else ((got,), (want,)))):
        assert g.shape == tuple(w.shape) and g.dtype == w.numpy().dtype
    (got[0] if kw.get("return_indices") else got).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.zeros(shape))


@pytest.mark.slow
@slow_settings(600)
@given(st.data(), seeds, dtypes, layouts)
def test_lp_and_adaptive_pools_match_torch_many(data, seed, dtype, layout):
    if data.draw(st.booleans()):
        test_lp_pool_matches_torch_on_drawn_configurations.hypothesis.inner_test(
            data.draw(lp_configs()), seed, layout
        )
    else:
        config = data.draw(adaptive_configs())
        kind, indices = data.draw(st.sampled_from(["avg", "max"])), data.draw(st.booleans())
        test_adaptive_pools_match_torch_on_drawn_configurations.hypothesis.inner_test(
            config, kind, indices, seed, dtype, layout
        )


@st.composite
def unpool_configs(draw):
    """Windows that overlap (stride < kernel) or not: overlapping ones can name one index
    twice, and the test then unpools the pooled values themselves, which agree at a repeat
    (for other values PyTorch leaves the result undefined)."""
    nd = draw(st.integers(1, 3))
    k = tuple(draw(st.integers(1, 3)) for _ in range(nd))
    s = tuple(draw(st.integers(1, kk + 1)) for kk in k)
    p = tuple(draw(st.integers(0, kk // 2)) for kk in k)
    spatial = tuple(max(1, kk - 2 * pp) + draw(st.integers(0, 4)) for kk, pp in zip(k, p))
    pooled = [_out(m, kk, st_, pp, 1, False) for m, kk, st_, pp in zip(spatial, k, s, p)]
    assume(all(o >= 1 for o in pooled))
    default = [(o - 1) * st_ - 2 * pp + kk for o, st_, pp, kk in zip(pooled, s, p, k)]
    extra = [draw(st.integers(0, st_ - 1)) for st_ in s]
    size = None
    if draw(st.booleans()):
        size = [dft + e for dft, e in zip(default, extra)]
    kw = {"kernel_size": _tuple_or_int(draw, k), "stride": _tuple_or_int(draw, s)}
    kw["padding"] = _tuple_or_int(draw, p)
    return nd, kw, size, _input_shape(draw, nd, spatial)


@fuzz_settings(40)
@given(unpool_configs(), seeds, dtypes, layouts)
def test_max_unpool_matches_torch_on_drawn_configurations(config, seed, dtype, layout):
    nd, kw, size, shape = config
    x = torch.tensor(normal(seed, shape))
    pooled, idx = getattr(TF, f"max_pool{nd}d")(x, **kw, return_indices=True)
    index = idx.numpy()
    # the flat indices must fit the output plane: PyTorch drops the values that do not (when
    # the default size is 0 along an axis); ours refuses them (test_unpool_into_an_empty_plane)
    plane = size or [
        (o - 1) * st_ - 2 * pp + kk
        for o, st_, pp, kk in zip(
            pooled.shape[-nd:],
            _per(kw["stride"], nd),
            _per(kw["padding"], nd),
            _per(kw["kernel_size"], nd),
        )
    ]
    assume(index.size == 0 or (min(plane) > 0 and index.max() < math.prod(plane)))
    name = f"max_unpool{nd}d"
    per_plane = np.sort(index.reshape(*index.shape[:-nd], math.prod(index.shape[-nd:])), axis=-1)
    repeats = bool(np.any(np.diff(per_plane, axis=-1) == 0))
    values = pooled.numpy() if repeats else normal(seed + 1, pooled.shape)
    compare(
        lambda y: getattr(F, name)(y, ac.tensor(index), **kw, output_size=size),
        lambda y: getattr(TF, name)(y, idx, **kw, output_size=size),
        [Arg(values, layout)],
        dtype=dtype,
        gy_seed=seed + 2,
        bilinear=False,
    )


def _per(v, nd):
    return (v,) * nd if isinstance(v, int) else tuple(v)


def test_max_pool_window_over_padding_only_has_no_gradient():
    # found by test_max_pool_matches_torch_on_drawn_configurations: the first window of width 2,
    # dilation 2 and padding 1 holds only the padding at −1 and +1 of a 1-entry axis. Our
    # backward raised IndexError (its index, 1 as PyTorch reports, is outside the plane).
    x = ac.tensor([[[0.5]]], dtype=ac.float64, requires_grad=True)
    y, i = F.max_pool1d(x, 2, stride=1, padding=1, dilation=2, return_indices=True)
    tx = torch.tensor([[[0.5]]], dtype=torch.float64)
    ty, ti = TF.max_pool1d(tx, 2, stride=1, padding=1, dilation=2, return_indices=True)
    np.testing.assert_array_equal(y.numpy(), ty.numpy())  # −∞
    np.testing.assert_array_equal(i.numpy(), ti.numpy())
    y.backward(ac.ones(*y.shape, dtype=ac.float64))
    np.testing.assert_array_equal(x.grad.numpy(), [[[0.0]]])
    # along the last of two axes the overshoot lands on the next row: PyTorch's gradient then
    # reaches x[1, 0] although y does not depend on it; ours is zero there
    x2 = ac.tensor(normal(0, (1, 1, 2, 1)), requires_grad=True)
    y2 = F.max_pool2d(x2, (1, 2), stride=1, padding=(0, 1), dilation=(1, 2))
    assert np.all(np.isneginf(y2.numpy()))
    y2.backward(ac.tensor(normal(1, y2.shape)))
    np.testing.assert_array_equal(x2.grad.numpy(), np.zeros((1, 1, 2, 1)))
    # windows that start in the padding but reach the input route their gradient as before
    x3 = ac.tensor(normal(2, (2, 3, 5)), requires_grad=True)
    t3 = torch.tensor(normal(2, (2, 3, 5)), requires_grad=True)
    kw = {"kernel_size": 2, "stride": 3, "padding": 1, "dilation": 3}
    gy = normal(3, F.max_pool1d(x3, **kw).shape)
    F.max_pool1d(x3, **kw).backward(ac.tensor(gy))
    _torch_window("max_pool1d", t3, kw).backward(torch.tensor(gy))
    np.testing.assert_allclose(x3.grad.numpy(), t3.grad.numpy(), rtol=1e-12)


def test_max_pool_window_over_padding_only_on_a_device(device):
    # the device path computes the empty-window mask without asking the host
    x = ac.tensor(normal(5, (2, 1, 3, 1)), requires_grad=True, device=device)
    y = F.max_pool2d(x, (2, 2), stride=(2, 1), padding=(1, 1), dilation=(1, 2))
    y.backward(ac.ones(*y.shape, dtype=ac.float64, device=device))
    t = torch.tensor(normal(5, (2, 1, 3, 1)), requires_grad=True)
    kw = {"kernel_size": (2, 2), "stride": (2, 1), "padding": (1, 1), "dilation": (1, 2)}
    _torch_window("max_pool2d", t, kw).backward(torch.ones(tuple(y.shape), dtype=torch.float64))
    np.testing.assert_array_equal(y.to("cpu").numpy(), TF.max_pool2d(t, **kw).detach().numpy())
    np.testing.assert_array_equal(x.grad.to("cpu").numpy(), t.grad.numpy())


def test_max_pool_window_over_padding_only_gradgradcheck():
    x = ac.tensor(normal(4, (1, 2, 2, 1)), requires_grad=True)

    def f(t):
        return F.max_pool2d(t, (1, 2), stride=1, padding=(0, 1), dilation=(1, 2)).exp()

    assert ac.gradcheck(f, (x,))
    assert ac.gradgradcheck(f, (x,))


def test_unpool_into_an_empty_plane():
    # a deliberate difference: with kernel 2, stride 2, padding 1 over one entry the default
    # output plane has size 0; PyTorch returns an empty tensor and drops the value, ours
    # refuses the index that does not fit
    y, i = TF.max_pool1d(torch.ones(1, 1, 1), 2, 2, 1, return_indices=True)
    assert TF.max_unpool1d(y, i, 2, 2, 1).shape == (1, 1, 0)
    with pytest.raises(ac.ShapeError, match=r"max_unpool1d: indices range from 0 to 0"):
        F.max_unpool1d(ac.tensor(y.numpy()), ac.tensor(i.numpy()), 2, 2, 1)
