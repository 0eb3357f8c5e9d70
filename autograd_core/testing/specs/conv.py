"""OpSpecs of the convolution ops (ops/conv.py), edge padding (ops/padding.py) and
unfold / fold (ops/fold.py), with a direct NumPy oracle: one einsum per kernel offset, no
im2col."""

from __future__ import annotations

from itertools import product

import numpy as np

from autograd_core.ops.conv import ConvWeight
from autograd_core.ops.conv_functions import (
    conv1d,
    conv2d,
    conv3d,
    conv_transpose1d,
    conv_transpose2d,
    conv_transpose3d,
)
from autograd_core.ops.fold import fold, unfold
from autograd_core.ops.padding import pad
from autograd_core.testing.op_db import OP_DB, Case, OpSpec, noncontig

# -- oracles ------------------------------------------------------------------------------


def _nd(v, nd):
    return (v,) * nd if isinstance(v, int) else tuple(v)


def _window(xpad, offset, out, stride, dilation):
    """xpad[:, :, κ·d + o·s] for every output position o (one kernel offset κ)."""
    return xpad[
        (
            slice(None),
            slice(None),
            *[
                slice(k * d, k * d + (o - 1) * s + 1, s)
                for k, o, s, d in zip(offset, out, stride, dilation)
            ],
        )
    ]


def conv_ref(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    """Cross-correlation by its definition: y = Σ_κ W[:, :, κ] · x_p[:, :, o·s + κ·d]."""
    nd = w.ndim - 2
    s, d, k = _nd(stride, nd), _nd(dilation, nd), w.shape[2:]
    if padding == "same":
        pads = [(dd * (kk - 1) // 2, dd * (kk - 1) - dd * (kk - 1) // 2) for kk, dd in zip(k, d)]
    else:
        pads = [(p, p) for p in _nd(0 if padding == "valid" else padding, nd)]
    xpad = np.pad(x, [(0, 0), (0, 0), *pads])
    out = [(n - dd * (kk - 1) - 1) // ss + 1 for n, kk, ss, dd in zip(xpad.shape[2:], k, s, d)]
    cg, og = x.shape[1] // groups, w.shape[0] // groups
    y = np.zeros((x.shape[0], w.shape[0], *out), x.dtype)
    for offset in product(*[range(kk) for kk in k]):
        win = _window(xpad, offset, out, s, d)
        for g in range(groups):
            wk = w[(slice(g * og, (g + 1) * og), slice(None), *offset)]
            y[:, g * og : (g + 1) * og] += np.einsum(
                "nc...,oc->no...", win[:, g * cg : (g + 1) * cg], wk
            )
    return y if b is None else y + b.reshape((-1,) + (1,) * nd)


def conv_transpose_ref(x, w, b=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """Scatter every input element's kernel-weighted copy, then crop padding and append
    output_padding zeros."""
    nd = w.ndim - 2
    s, d, k = _nd(stride, nd), _nd(dilation, nd), w.shape[2:]
    p, e = _nd(padding, nd), _nd(output_padding, nd)
    n, cin = x.shape[:2]
    ig, cg = cin // groups, w.shape[1]
    inn = x.shape[2:]
    full = [(m - 1) * ss + dd * (kk - 1) + 1 + ee for m, ss, dd, kk, ee in zip(inn, s, d, k, e)]
    z = np.zeros((n, cg * groups, *full), x.dtype)
    for offset in product(*[range(kk) for kk in k]):
        for g in range(groups):
            wk = w[(slice(g * ig, (g + 1) * ig), slice(None), *offset)]
            part = np.einsum("ni...,ic->nc...", x[:, g * ig : (g + 1) * ig], wk)
            dst = _window(z[:, g * cg : (g + 1) * cg], offset, inn, s, d)
            dst += part
    z = z[(slice(None), slice(None), *[slice(pp, m - pp) for pp, m in zip(p, full)])]
    return z if b is None else z + b.reshape((-1,) + (1,) * nd)


def _conv(x, w, b=None, **kw):
    return (conv1d, conv2d, conv3d)[w.ndim - 3](x, w, b, **kw)


def _conv_transpose(x, w, b=None, **kw):
    return (conv_transpose1d, conv_transpose2d, conv_transpose3d)[w.ndim - 3](x, w, b, **kw)


def _torch_conv(x, w, b=None, **kw):
    import torch.nn.functional as F

    return (F.conv1d, F.conv2d, F.conv3d)[w.ndim - 3](x, w, b, **kw)


def _torch_conv_transpose(x, w, b=None, **kw):
    import torch.nn.functional as F

    return (F.conv_transpose1d, F.conv_transpose2d, F.conv_transpose3d)[w.ndim - 3](x, w, b, **kw)


# -- samples: small, so that the second-order checks stay cheap ------------------------------


def _conv_cases(rng):
    r = rng.standard_normal
    return [
        Case((r((2, 2, 5, 4)), r((3, 2, 3, 2)), r((3,))), {}, "2-d, bias"),
        Case((r((1, 2, 6, 5)), r((2, 2, 2, 3))), {"stride": 2, "padding": 1}, "stride 2 pad 1"),
        Case(
            (r((1, 1, 7, 6)), r((1, 1, 3, 2))), {"stride": (2, 3), "padding": (1, 0)}, "odd sizes"
        ),
        Case(
            (r((1, 2, 7, 5)), r((2, 2, 2, 2))),
            {"dilation": (2, 1), "padding": "same"},
            "same, dilated",
        ),
        Case((r((1, 4, 4, 4)), r((4, 2, 2, 2)), r((4,))), {"groups": 2}, "groups 2"),
        Case((r((2, 3, 4, 3)), r((6, 1, 2, 2))), {"groups": 3, "padding": "valid"}, "depthwise x2"),
        Case((r((0, 2, 4, 4)), r((3, 2, 2, 2)), r((3,))), {"padding": 1}, "empty batch"),
        Case(
            (r((2, 3, 7)), r((2, 3, 3)), r((2,))),
            {"stride": 2, "dilation": 2},
            "1-d strided dilated",
        ),
        Case(
            (r((1, 2, 3, 4, 3)), r((2, 1, 2, 2, 2))),
            {"groups": 2, "padding": (1, 0, 1)},
            "3-d groups",
        ),
        Case((noncontig(r((1, 2, 4, 5))), r((2, 3, 2, 2)).swapaxes(0, 1)), {}, "non-contiguous"),
        Case((r((2, 3, 5, 4)), r((4, 3, 1, 1)), r((4,))), {}, "1x1"),
        Case((r((2, 4, 3)), r((6, 2, 1))), {"groups": 2}, "1x1 groups 2, 1-d"),
        Case((r((0, 4, 3, 2)), r((6, 2, 1, 1))), {"groups": 2}, "1x1 empty batch"),
        Case((r((2, 3, 4, 5)), r((3, 1, 2, 2))), {"stride": 2, "groups": 3}, "tiling k2 s2"),
    ]


def _conv_transpose_cases(rng):
    r = rng.standard_normal
    return [
        Case((r((2, 3, 3, 4)), r((3, 2, 2, 3)), r((2,))), {}, "2-d, bias"),
        Case(
            (r((1, 2, 3, 3)), r((2, 2, 3, 3))),
            {"stride": 2, "padding": 1, "output_padding": 1},
            "stride 2 output_padding",
        ),
        Case((r((1, 2, 3, 2)), r((2, 1, 2, 3))), {"stride": (1, 2), "dilation": (2, 1)}, "dilated"),
        Case((r((1, 4, 2, 3)), r((4, 1, 2, 2)), r((2,))), {"groups": 2, "stride": 2}, "groups 2"),
        Case((r((0, 2, 3, 3)), r((2, 3, 2, 2))), {}, "empty batch"),
        Case((r((2, 2, 4)), r((2, 3, 3))), {"stride": 3, "padding": 2, "output_padding": 2}, "1-d"),
        Case((r((1, 2, 2, 2, 2)), r((2, 1, 2, 1, 2))), {"stride": 2}, "3-d"),
        Case((r((2, 2, 3, 2)), r((2, 3, 2, 3)), r((3,))), {"stride": (2, 3)}, "tiling k = s"),
        Case((noncontig(r((1, 2, 3, 3))), r((2, 2, 2, 2))), {"padding": 1}, "non-contiguous"),
        Case((r((2, 4, 3, 2)), r((4, 3, 1, 1)), r((6,))), {"groups": 2}, "1x1 groups 2"),
    ]


def _conv_weight(x, g, **kw):
    return ConvWeight.apply(x, g, **kw)


def _conv_weight_cases(rng):
    r = rng.standard_normal
    one = {"stride": (1, 1), "dilation": (1, 1), "groups": 1, "pads": ((0, 0), (0, 0))}
    return [
        Case((r((2, 2, 4, 4)), r((2, 3, 3, 2))), {**one, "kernel": (2, 3)}, "2-d"),
        Case(
            (r((1, 4, 5, 4)), r((1, 2, 3, 3))),
            {
                "kernel": (2, 2),
                "stride": (2, 2),
                "dilation": (1, 1),
                "groups": 2,
                "pads": ((1, 0), (1, 1)),
            },
            "stride 2, groups 2, pads",
        ),
        Case(
            (r((1, 1, 6)), r((1, 2, 2))),
            {"kernel": (2,), "stride": (2,), "dilation": (2,), "groups": 1, "pads": ((0, -1),)},
            "1-d dilated, cropped",
        ),
        Case((r((2, 4, 3, 2)), r((2, 6, 3, 2))), {**one, "kernel": (1, 1), "groups": 2}, "1x1"),
    ]


def _conv_weight_ref(x, g, kernel, stride, dilation, groups, pads):
    xpad = np.pad(x, [(0, 0), (0, 0), *[(max(lo, 0), max(hi, 0)) for lo, hi in pads]])
    xpad = xpad[
        (
            slice(None),
            slice(None),
            *[slice(None, n + min(hi, 0)) for n, (_, hi) in zip(xpad.shape[2:], pads)],
        )
    ]
    out = g.shape[2:]
    cg, og = x.shape[1] // groups, g.shape[1] // groups
    gw = np.zeros((g.shape[1], cg, *kernel), x.dtype)
    for offset in product(*[range(k) for k in kernel]):
        win = _window(xpad, offset, out, stride, dilation)
        for j in range(groups):
            gj = g[:, j * og : (j + 1) * og].reshape(g.shape[0], og, -1)
            xj = win[:, j * cg : (j + 1) * cg].reshape(x.shape[0], cg, -1)
            gw[(slice(j * og, (j + 1) * og), slice(None), *offset)] = np.einsum(
                "nop,ncp->oc", gj, xj
            )
    return gw


def _pad_cases(rng):
    r = rng.standard_normal
    cases = []
    for mode in ("reflect", "replicate", "circular"):
        cases += [
            Case((r((2, 3, 4)), (2, 1)), {"mode": mode}, f"{mode} last axis"),
            Case((r((1, 2, 3, 4)), (1, 2, 2, 0)), {"mode": mode}, f"{mode} two axes"),
        ]
    cases += [
        Case((r((1, 1, 2, 3, 3)), (1, 1, 0, 2, 1, 0)), {"mode": "replicate"}, "3 axes replicate"),
        Case((r((0, 2, 3)), (1, 1)), {"mode": "circular"}, "empty batch"),
        Case((noncontig(r((2, 3, 4))), (3, 3)), {"mode": "reflect"}, "non-contiguous"),
        Case((r((1, 2, 5, 6)), (-1, 3, 2, -3)), {"mode": "reflect"}, "reflect crops"),
        Case((r((2, 1, 5)), (-6, 2)), {"mode": "replicate"}, "replicate crops past the input"),
        Case((r((1, 2, 4, 6)), (-2, 3, 1, -1)), {"mode": "circular"}, "circular crops, wraps"),
    ]
    return cases


_NP_MODES = {"reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def _np_padded_index(n, lo, hi, mode):
    """The input index of each output position, from np.pad; negative amounts crop (after
    padding for reflect/replicate, before for circular: torch 2.13's order)."""
    src = np.arange(n)
    if mode == "circular":
        src = src[max(-lo, 0) : n - max(-hi, 0)]
        return np.pad(src, (max(lo, 0), max(hi, 0)), mode="wrap")
    full = np.pad(src, (max(lo, 0), max(hi, 0)), mode=_NP_MODES[mode])
    return full[max(-lo, 0) : full.size - max(-hi, 0)]


def _pad_ref(x, amounts, mode):
    for k in range(len(amounts) // 2):
        axis = x.ndim - 1 - k
        idx = _np_padded_index(x.shape[axis], amounts[2 * k], amounts[2 * k + 1], mode)
        x = np.take(x, idx, axis=axis)
    return x


def _pad_backward(g, pads, mode):
    from autograd_core.ops.padding import PadEdgesBackward

    return PadEdgesBackward.apply(g, pads=pads, mode=mode)


def _pad_backward_cases(rng):
    r = rng.standard_normal
    return [
        Case((r((2, 6)),), {"pads": ((2, 1),), "mode": "reflect"}, "reflect"),
        Case((r((1, 4, 5)),), {"pads": ((1, 1), (2, 0)), "mode": "replicate"}, "replicate"),
        Case((r((2, 7)),), {"pads": ((3, 2),), "mode": "circular"}, "circular"),
        Case((r((2, 7)),), {"pads": ((-1, 3),), "mode": "reflect"}, "reflect crops"),
        Case((r((3, 4)),), {"pads": ((2, -4),), "mode": "circular"}, "circular crops"),
        Case((r((2, 2)),), {"pads": ((-3, 4),), "mode": "replicate"}, "replicate crops past"),
    ]


def _pad_backward_ref(g, pads, mode):
    # x̄ = Pᵀ ȳ with P the padding matrix of one axis, built explicitly
    for k, (lo, hi) in enumerate(pads):
        axis = g.ndim - len(pads) + k
        n = g.shape[axis] - lo - hi
        full = _np_padded_index(n, lo, hi, mode)
        p = np.zeros((full.size, n))
        p[np.arange(full.size), full] = 1.0
        g = np.moveaxis(np.tensordot(g, p, axes=([axis], [0])), -1, axis)
    return g


def _unfold_cases(rng):
    r = rng.standard_normal
    return [
        Case((r((2, 2, 4, 4)),), {"kernel_size": 2}, "k2"),
        Case(
            (r((1, 2, 5, 4)),),
            {"kernel_size": (2, 3), "dilation": (2, 1), "padding": 1, "stride": (2, 1)},
            "all arguments",
        ),
        Case((r((0, 1, 3, 3)),), {"kernel_size": 2}, "empty batch"),
        Case(
            (noncontig(r((1, 2, 3, 4))),),
            {"kernel_size": (2, 2), "stride": 2},
            "non-contiguous, odd",
        ),
    ]


def _unfold_ref(x, kernel_size, dilation=1, padding=0, stride=1):
    k, d, p, s = _nd(kernel_size, 2), _nd(dilation, 2), _nd(padding, 2), _nd(stride, 2)
    xpad = np.pad(x, [(0, 0), (0, 0), (p[0], p[0]), (p[1], p[1])])
    out = [(n - dd * (kk - 1) - 1) // ss + 1 for n, kk, ss, dd in zip(xpad.shape[2:], k, s, d)]
    blocks = [_window(xpad, off, out, s, d) for off in product(range(k[0]), range(k[1]))]
    cols = np.stack(blocks, axis=2)  # (N, C, k·k, O1, O2)
    return cols.reshape(x.shape[0], x.shape[1] * k[0] * k[1], out[0] * out[1])


def _fold_cases(rng):
    r = rng.standard_normal
    return [
        Case((r((2, 4, 9)),), {"output_size": (4, 4), "kernel_size": 2}, "k2 overlapping"),
        Case(
            (r((1, 12, 6)),),
            {
                "output_size": (5, 4),
                "kernel_size": (2, 3),
                "padding": 1,
                "stride": (2, 1),
                "dilation": (1, 2),
            },
            "all arguments",
        ),
        Case((r((0, 4, 4)),), {"output_size": (3, 3), "kernel_size": 2}, "empty batch"),
    ]


def _fold_ref(cols, output_size, kernel_size, dilation=1, padding=0, stride=1):
    k, d, p, s = _nd(kernel_size, 2), _nd(dilation, 2), _nd(padding, 2), _nd(stride, 2)
    size = [m + 2 * pp for m, pp in zip(output_size, p)]
    out = [(n - dd * (kk - 1) - 1) // ss + 1 for n, kk, ss, dd in zip(size, k, s, d)]
    n = cols.shape[0]
    blocks = cols.reshape(n, cols.shape[1] // (k[0] * k[1]), k[0] * k[1], *out)
    x = np.zeros((n, blocks.shape[1], *size), cols.dtype)
    for j, off in enumerate(product(range(k[0]), range(k[1]))):
        dst = _window(x, off, out, s, d)
        dst += blocks[:, :, j]
    return x[:, :, p[0] : size[0] - p[0], p[1] : size[1] - p[1]]


OP_DB += [
    OpSpec(
        "conv",
        _conv,
        _conv_cases,
        ref=conv_ref,
        torch_fn=_torch_conv,
        notes="x̄ = conv_transpose(ȳ, W), W̄ = conv_weight(x, ȳ), b̄ = Σ ȳ.",
    ),
    OpSpec(
        "conv_transpose",
        _conv_transpose,
        _conv_transpose_cases,
        ref=conv_transpose_ref,
        torch_fn=_torch_conv_transpose,
        notes="ḡ = conv(z̄, W), W̄ = conv_weight(z̄, g), b̄ = Σ z̄.",
    ),
    OpSpec(
        "conv_weight",
        _conv_weight,
        _conv_weight_cases,
        ref=_conv_weight_ref,
        notes="The weight gradient of conv as an op of its own (called by the VJPs).",
    ),
    OpSpec(
        "pad_edges",
        pad,
        _pad_cases,
        ref=_pad_ref,
        torch_fn=lambda x, amounts, mode: __import__("torch").nn.functional.pad(
            x, amounts, mode=mode
        ),
    ),
    OpSpec("pad_edges_backward", _pad_backward, _pad_backward_cases, ref=_pad_backward_ref),
    OpSpec(
        "unfold",
        unfold,
        _unfold_cases,
        ref=_unfold_ref,
        torch_fn=lambda x, **kw: __import__("torch").nn.functional.unfold(x, **kw),
    ),
    OpSpec(
        "fold",
        fold,
        _fold_cases,
        ref=_fold_ref,
        torch_fn=lambda x, **kw: __import__("torch").nn.functional.fold(x, **kw),
    ),
]
