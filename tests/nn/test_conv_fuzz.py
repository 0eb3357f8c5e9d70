"""Differential fuzzing of the convolutions against torch 2.13: hypothesis draws valid
configurations of nn.functional.conv1d/2d/3d and conv_transpose1d/2d/3d (batch 0, 1 or more,
unbatched, groups dividing both channel counts with depthwise included, the smallest spatial
size that gives one output, kernels, strides, int/tuple/'same'/'valid' padding, dilations, legal
output_padding, contiguous or strided or transposed inputs, float32 and float64) and of the
nn.Conv modules with every padding_mode; forward values and input/weight/bias gradients must
match (tolerances: tests/nn/fuzz_compare.py). Invalid configurations must raise where torch
raises, naming the op and the argument.

The default examples are derandomized (the same on every run); ``pytest -m slow`` draws many
more with a fresh seed. ``pytest --fake-cuda`` runs a subset on the CuPy stand-in."""

from __future__ import annotations

import math

import numpy as np
import pytest
from fuzz_compare import Arg, compare, dtypes, fuzz_settings, layouts, normal, seeds, slow_settings
from hypothesis import assume, given
from hypothesis import strategies as st

import autograd_core as ac
import nn
import nn.functional as F

torch = pytest.importorskip("torch")
# torch's note that 'same' with an even kernel copies the input: about its speed, not ours
pytestmark = pytest.mark.filterwarnings("ignore:Using padding='same':UserWarning")


@st.composite
def conv_configs(draw, transposed: bool = False, max_nd: int = 3):
    """One valid convolution: its keyword arguments, input shape, weight shape and bias."""
    nd = draw(st.integers(1, max_nd))
    groups = draw(st.sampled_from([1, 1, 2, 3]))
    depthwise = draw(st.booleans())
    c_in = groups * (1 if depthwise else draw(st.integers(1, 2)))
    c_out = groups * draw(st.integers(1, 2))
    small = nd == 3  # keep the 3-D examples cheap
    k = tuple(draw(st.integers(1, 2 if small else 3)) for _ in range(nd))
    s = tuple(draw(st.integers(1, 3)) for _ in range(nd))
    d = tuple(draw(st.integers(1, 2)) for _ in range(nd))
    kw = {"stride": _form(draw, s), "dilation": _form(draw, d), "groups": groups}
    reach = [dl * (kk - 1) + 1 for kk, dl in zip(k, d)]
    if transposed:
        p = tuple(draw(st.integers(0, 2)) for _ in range(nd))
        op = tuple(draw(st.integers(0, max(st_, dl) - 1)) for st_, dl in zip(s, d))
        kw.update(padding=_form(draw, p), output_padding=_form(draw, op))
        spatial = tuple(draw(st.integers(1, 3 if small else 4)) for _ in range(nd))
        out = [(m - 1) * st_ + r - 2 * pp + o for m, st_, r, pp, o in zip(spatial, s, reach, p, op)]
        assume(all(o >= 1 for o in out))
        weight = (c_in, c_out // groups, *k)
    else:
        form = draw(st.sampled_from(["int", "tuple", "same", "valid"]))
        if form == "same":
            assume(all(v == 1 for v in s))
            p, padding = (0,) * nd, "same"
        elif form == "valid":
            p, padding = (0,) * nd, "valid"
        else:
            p = tuple(draw(st.integers(0, 2)) for _ in range(nd))
            padding = p[0] if form == "int" else p
            if form == "int":
                p = (p[0],) * nd
        kw["padding"] = padding
        # the smallest size that gives one output, plus a little
        lowest = [max(1, r - 2 * pp) for r, pp in zip(reach, p)]
        spatial = tuple(lo + draw(st.integers(0, 2 if small else 4)) for lo in lowest)
        if padding == "same":
            out = spatial
        else:
            out = [(m + 2 * pp - r) // st_ + 1 for m, pp, r, st_ in zip(spatial, p, reach, s)]
        weight = (c_out, c_in // groups, *k)
    batch = draw(st.sampled_from([0, 1, 2, None]))  # None: unbatched
    shape = (c_in, *spatial) if batch is None else (batch, c_in, *spatial)
    bias = draw(st.booleans())
    # K of fuzz_compare.py: the longest sum, forward (C_in/g·∏k + bias), input gradient,
    # weight and bias gradients (batch × the larger spatial extent)
    terms = (c_in + c_out) * math.prod(k) + max(1, batch or 1) * max(
        math.prod(spatial), math.prod(out)
    )
    return nd, kw, shape, weight, (c_out if bias else None), terms


def _form(draw, values: tuple[int, ...]):
    """An nd-tuple, or its one int when all agree (half of the time)."""
    if len(set(values)) == 1 and draw(st.booleans()):
        return values[0]
    return values


def _check_conv(config, seed, dtype, layout, transposed):
    nd, kw, shape, wshape, bias, terms = config
    name = f"conv_transpose{nd}d" if transposed else f"conv{nd}d"
    args = [Arg(normal(seed, shape), layout), Arg(normal(seed + 1, wshape), "contiguous")]
    if bias is not None:
        args.append(Arg(normal(seed + 2, (bias,)), "contiguous"))
    compare(
        lambda *a: getattr(F, name)(*a, **kw),
        lambda *a: getattr(torch.nn.functional, name)(*a, **kw),
        args,
        dtype=dtype,
        terms=terms,
        gy_seed=seed + 3,
    )


@fuzz_settings(60)
@given(conv_configs(), seeds, dtypes, layouts)
def test_conv_matches_torch_on_drawn_configurations(config, seed, dtype, layout):
    _check_conv(config, seed, dtype, layout, transposed=False)


@fuzz_settings(40)
@given(conv_configs(transposed=True), seeds, dtypes, layouts)
def test_conv_transpose_matches_torch_on_drawn_configurations(config, seed, dtype, layout):
    _check_conv(config, seed, dtype, layout, transposed=True)


@pytest.mark.slow
@slow_settings(1500)
@given(conv_configs(), seeds, dtypes, layouts)
def test_conv_matches_torch_many(config, seed, dtype, layout):
    _check_conv(config, seed, dtype, layout, transposed=False)


@pytest.mark.slow
@slow_settings(1000)
@given(conv_configs(transposed=True), seeds, dtypes, layouts)
def test_conv_transpose_matches_torch_many(config, seed, dtype, layout):
    _check_conv(config, seed, dtype, layout, transposed=True)


@pytest.mark.gpu
@fuzz_settings(15)
@given(conv_configs(max_nd=2), seeds)
def test_conv_on_the_device_matches_the_cpu(config, seed):
    # the GPU path (or its strict stand-in under --fake-cuda) against our CPU result, which
    # the tests above compare with torch
    if not ac.cuda.is_available():
        pytest.skip("needs CuPy and a GPU (or pytest --fake-cuda)")
    nd, kw, shape, wshape, bias, _ = config
    arrays = [normal(seed, shape), normal(seed + 1, wshape)]
    if bias is not None:
        arrays.append(normal(seed + 2, (bias,)))
    results = []
    for device in ("cpu", "cuda"):
        ts = [ac.tensor(a, dtype=ac.float64, requires_grad=True, device=device) for a in arrays]
        y = getattr(F, f"conv{nd}d")(*ts, **kw)
        y.backward(ac.tensor(normal(seed + 3, y.shape), dtype=ac.float64, device=device))
        results.append([y.to("cpu").numpy()] + [t.grad.to("cpu").numpy() for t in ts])
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-10)


@st.composite
def module_configs(draw):
    """A Conv module with a padding_mode; padding below the input size for 'reflect' (PyTorch
    refuses more), at most the size for 'circular'."""
    nd = draw(st.integers(1, 3))
    mode = draw(st.sampled_from(["zeros", "reflect", "replicate", "circular"]))
    groups = draw(st.sampled_from([1, 2]))
    c_in, c_out = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    k = tuple(draw(st.integers(1, 2 if nd == 3 else 3)) for _ in range(nd))
    spatial = tuple(draw(st.integers(2, 3 if nd == 3 else 5)) for _ in range(nd))
    p = tuple(draw(st.integers(0, m - 1)) for m in spatial)
    s = tuple(draw(st.integers(1, 2)) for _ in range(nd))
    d = tuple(draw(st.integers(1, 2)) for _ in range(nd))
    reach = [dl * (kk - 1) + 1 for kk, dl in zip(k, d)]
    assume(all(m + 2 * pp >= r for m, pp, r in zip(spatial, p, reach)))
    same = all(v == 1 for v in s) and draw(st.booleans())
    kw = {
        "kernel_size": _form(draw, k),
        "stride": _form(draw, s),
        "padding": "same" if same else _form(draw, p),
        "dilation": _form(draw, d),
        "groups": groups,
        "bias": draw(st.booleans()),
        "padding_mode": mode,
    }
    if same and mode != "zeros":
        # 'same' pads d·(k−1) in all; reflect needs each side below the input size
        assume(all(dl * (kk - 1) - (dl * (kk - 1)) // 2 < m for kk, dl, m in zip(k, d, spatial)))
    batch = draw(st.sampled_from([1, 2]))
    return nd, c_in, c_out, kw, (batch, c_in, *spatial)


@fuzz_settings(40)
@given(module_configs(), seeds, layouts)
def test_conv_modules_with_padding_modes_match_torch(config, seed, layout):
    nd, c_in, c_out, kw, shape = config
    theirs = getattr(torch.nn, f"Conv{nd}d")(c_in, c_out, **kw).double()
    ours = getattr(nn, f"Conv{nd}d")(c_in, c_out, dtype=ac.float64, **kw)
    ours.load_state_dict({k: v.detach().numpy().copy() for k, v in theirs.state_dict().items()})
    names = [n for n, _ in theirs.named_parameters()]
    compare(
        lambda x: ours(x),
        lambda x: theirs(x),
        [Arg(normal(seed, shape), layout)],
        gy_seed=seed + 1,
    )
    for n in names:
        np.testing.assert_allclose(
            getattr(ours, n).grad.numpy(),
            getattr(theirs, n).grad.numpy(),
            rtol=1e-10,
            atol=1e-10,
            err_msg=n,
        )
