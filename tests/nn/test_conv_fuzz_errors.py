"""Invalid configurations drawn by hypothesis: a valid convolution or pooling call with one
argument broken (groups that do not divide the channels, an input too small for one output,
stride or dilation 0, negative padding, output_padding not below stride or dilation, 'same'
with a stride, pooling padding above half the kernel). Where torch 2.13 raises, ours must raise
a typed error whose message names the op and the offending argument."""

from __future__ import annotations

import numpy as np
import pytest
from fuzz_compare import fuzz_settings
from hypothesis import given
from hypothesis import strategies as st
from test_conv_fuzz import conv_configs
from test_pool_fuzz import window_configs

import autograd_core as ac
import nn.functional as F

torch = pytest.importorskip("torch")

# the broken argument and the words our message must contain for it
CONV_BREAKS = {
    "groups": "groups",
    "small_input": "output",
    "stride": "stride",
    "dilation": "dilation",
    "padding": "padding",
    "output_padding": "output_padding",
    "same_strided": "stride",
}
POOL_BREAKS = {
    "small_input": "output size",
    "stride": "stride",
    "padding": "padding",
    "kernel_size": "kernel_size",
}


def _both_raise(ours, theirs, op: str, words: str, empty: bool) -> None:
    """Where torch raises, ours raises. Where torch accepts, ours accepts too unless the input
    is empty: torch 2.13 skips some argument checks (dilation 0, output_padding too large) for
    an empty batch, where ours checks the arguments alone."""
    try:
        theirs()
    except (RuntimeError, ValueError) as e:
        torch_error = e
    else:
        torch_error = None
    if torch_error is None:
        if not empty:
            ours()
        return
    with pytest.raises((ac.ShapeError, ac.DTypeError, ValueError)) as info:
        ours()
    message = str(info.value)
    assert message.startswith(f"{op}:"), message
    assert words in message, (words, message)


def _broken(draw, nd, kw, shape, weight, transposed):
    kind = draw(st.sampled_from(sorted(CONV_BREAKS)))
    kw, shape, weight = dict(kw), list(shape), list(weight)
    axis = draw(st.integers(0, nd - 1))
    if kind == "groups":
        kw["groups"] = kw["groups"] + draw(st.integers(1, 3))
    elif kind == "small_input":
        kw["stride"], kw["dilation"] = 1, 1
        kw["padding"] = 0
        if transposed:
            kw["output_padding"] = 0
            kw["padding"] = weight[2 + axis] + shape[-nd + axis]  # cuts away all of it
        else:
            weight[2 + axis] = shape[-nd + axis] + draw(st.integers(1, 2))
    elif kind in ("stride", "dilation"):
        kw[kind] = tuple(0 if i == axis else 1 for i in range(nd))
    elif kind == "padding":
        kw["padding"] = tuple(-1 if i == axis else 0 for i in range(nd))
    elif kind == "output_padding":
        if not transposed:
            return None
        kw["stride"], kw["dilation"] = 1, 1
        kw["output_padding"] = tuple(1 if i == axis else 0 for i in range(nd))
    elif kind == "same_strided":
        if transposed:
            return None
        kw["padding"], kw["stride"] = "same", 2
    return kind, kw, shape, weight


@fuzz_settings(60)
@given(st.booleans(), st.data())
def test_invalid_convolutions_raise_where_torch_raises(transposed, data):
    nd, kw, shape, weight, bias, _ = data.draw(conv_configs(transposed=transposed))
    broken = _broken(data.draw, nd, kw, shape, weight, transposed)
    if broken is None:
        return
    kind, kw, shape, weight = broken
    name = f"conv_transpose{nd}d" if transposed else f"conv{nd}d"
    x, w = np.ones(shape), np.ones(weight)
    b = None if bias is None else np.ones(bias)
    _both_raise(
        lambda: getattr(F, name)(
            ac.tensor(x), ac.tensor(w), None if b is None else ac.tensor(b), **kw
        ),
        lambda: getattr(torch.nn.functional, name)(
            torch.tensor(x), torch.tensor(w), None if b is None else torch.tensor(b), **kw
        ),
        name,
        CONV_BREAKS[kind],
        x.size == 0,
    )


@fuzz_settings(60)
@given(st.sampled_from(["max", "avg"]), st.data())
def test_invalid_pools_raise_where_torch_raises(kind, data):
    nd, kw, shape, _ = data.draw(window_configs(kind))
    kw = dict(kw)
    broken = data.draw(st.sampled_from(sorted(POOL_BREAKS)))
    axis = data.draw(st.integers(0, nd - 1))
    k = kw["kernel_size"]
    k = (k,) * nd if isinstance(k, int) else tuple(k)
    if broken == "small_input":
        kw.update(padding=0, ceil_mode=False, kernel_size=k)
        kw["kernel_size"] = tuple(shape[-nd + i] + 1 if i == axis else kk for i, kk in enumerate(k))
        kw.pop("dilation", None)
    elif broken == "stride":
        kw["stride"] = tuple(0 if i == axis else 1 for i in range(nd))
    elif broken == "padding":
        kw["padding"] = tuple(kk // 2 + 1 if i == axis else 0 for i, kk in enumerate(k))
    else:
        kw["kernel_size"] = tuple(0 if i == axis else kk for i, kk in enumerate(k))
    name = f"{kind}_pool{nd}d"
    x = np.ones(shape)
    _both_raise(
        lambda: getattr(F, name)(ac.tensor(x), **kw),
        lambda: getattr(torch.nn.functional, name)(torch.tensor(x), **kw),
        name,
        POOL_BREAKS[broken],
        x.size == 0,
    )
