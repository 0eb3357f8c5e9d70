"""OpSpecs of the pooling ops: max_pool, adaptive_max_pool, max_unpool, avg_pool and
avg_pool_backward (ops/pooling*.py); the naive NumPy oracles are in ``pooling_refs.py``."""

from __future__ import annotations

from autograd_core.ops import pooling, pooling_adaptive, pooling_avg, pooling_unpool
from autograd_core.ops.common import lift
from autograd_core.ops.pooling_avg import AvgPoolBackward
from autograd_core.testing.op_db import OP_DB, Case, OpSpec, distinct_values, noncontig
from autograd_core.testing.specs.pooling_refs import (
    adaptive_max_ref,
    avg_pool_ref,
    max_pool_ref,
    unpool_ref,
)


def _torch():
    import torch

    return torch


_MAX_FNS = {1: pooling.max_pool1d, 2: pooling.max_pool2d, 3: pooling.max_pool3d}
_AVG_FNS = {1: pooling_avg.avg_pool1d, 2: pooling_avg.avg_pool2d, 3: pooling_avg.avg_pool3d}


def _max_pool(x, dims, **kw):
    return tuple(_MAX_FNS[dims](x, return_indices=True, **kw))


def _torch_max_pool(x, dims, **kw):
    fn = getattr(_torch().nn.functional, f"max_pool{dims}d")
    return tuple(fn(x, return_indices=True, **kw))


def _avg_pool(x, dims, **kw):
    return _AVG_FNS[dims](x, **kw)


def _torch_avg_pool(x, dims, **kw):
    return getattr(_torch().nn.functional, f"avg_pool{dims}d")(x, **kw)


def _max_cases(rng):
    def d(*shape):
        return distinct_values(rng, shape, -2.0, 2.0)

    return [
        Case((d(2, 2, 7),), {"dims": 1, "kernel_size": 3, "stride": 2}, "1d k3 s2"),
        Case(
            (d(1, 2, 7),),
            {"dims": 1, "kernel_size": 3, "stride": 2, "ceil_mode": True},
            "1d k3 s2 ceil (the seeds' figure)",
        ),
        Case(
            (d(2, 6),),
            {"dims": 1, "kernel_size": 2, "padding": 1, "dilation": 2},
            "1d unbatched pad dilation",
        ),
        Case((d(2, 2, 4, 4),), {"dims": 2, "kernel_size": 2}, "2d k2"),
        Case(
            (d(1, 2, 5, 6),),
            {"dims": 2, "kernel_size": 3, "stride": 2, "padding": 1},
            "2d k3 s2 p1 (overlapping)",
        ),
        Case(
            (d(1, 1, 5, 7),),
            {
                "dims": 2,
                "kernel_size": (2, 3),
                "stride": (2, 1),
                "padding": (1, 0),
                "dilation": (2, 1),
                "ceil_mode": True,
            },
            "2d mixed tuple args ceil",
        ),
        Case((d(0, 2, 4, 4),), {"dims": 2, "kernel_size": 2}, "2d empty batch"),
        Case(
            (noncontig(d(1, 2, 4, 5)),),
            {"dims": 2, "kernel_size": 2, "stride": 1},
            "2d non-contiguous s1",
        ),
        Case(
            (d(1, 1, 3, 4, 5),),
            {"dims": 3, "kernel_size": 2, "stride": (1, 2, 2), "padding": 1},
            "3d k2 p1",
        ),
    ]


def _avg_cases(rng):
    def u(*shape):
        return rng.uniform(-2.0, 2.0, shape)

    return [
        Case((u(2, 2, 7),), {"dims": 1, "kernel_size": 3, "stride": 2}, "1d k3 s2"),
        Case(
            (u(1, 2, 7),),
            {
                "dims": 1,
                "kernel_size": 3,
                "stride": 2,
                "padding": 1,
                "ceil_mode": True,
                "count_include_pad": False,
            },
            "1d ceil no-pad-count",
        ),
        Case((u(2, 2, 4, 4),), {"dims": 2, "kernel_size": 2}, "2d k2"),
        Case(
            (u(1, 2, 5, 6),),
            {"dims": 2, "kernel_size": 3, "stride": 2, "padding": 1},
            "2d k3 s2 p1 count pad",
        ),
        Case(
            (u(1, 2, 5, 6),),
            {
                "dims": 2,
                "kernel_size": 3,
                "stride": 2,
                "padding": 1,
                "ceil_mode": True,
                "count_include_pad": False,
            },
            "2d ceil",
        ),
        Case(
            (u(2, 5, 5),),
            {"dims": 2, "kernel_size": (2, 3), "stride": 1, "divisor_override": 4},
            "2d unbatched divisor_override",
        ),
        Case((u(0, 2, 4, 4),), {"dims": 2, "kernel_size": 2}, "2d empty batch"),
        Case(
            (noncontig(u(1, 2, 4, 5)),),
            {"dims": 2, "kernel_size": 2, "stride": 1},
            "2d non-contiguous",
        ),
        Case(
            (u(1, 1, 3, 4, 5),),
            {"dims": 3, "kernel_size": 2, "stride": (1, 2, 2), "padding": 1},
            "3d k2 p1",
        ),
    ]


def _avg_backward(
    g,
    in_shape,
    kernel_size,
    stride,
    padding,
    ceil_mode=False,
    count_include_pad=True,
    divisor_override=None,
):
    return AvgPoolBackward.apply(
        lift(g),
        in_shape=in_shape,
        kernel=kernel_size,
        stride=stride,
        padding=padding,
        ceil_mode=ceil_mode,
        count_include_pad=count_include_pad,
        divisor_override=divisor_override,
    )


def _avg_backward_cases(rng):
    return [
        Case(
            (rng.uniform(-1, 1, (2, 2, 4)),),
            {"in_shape": (2, 2, 7), "kernel_size": (3,), "stride": (2,), "padding": (1,)},
            "1d k3 s2 p1",
        ),
        Case(
            (rng.uniform(-1, 1, (1, 2, 3, 4)),),
            {
                "in_shape": (1, 2, 5, 6),
                "kernel_size": (3, 3),
                "stride": (2, 2),
                "padding": (1, 1),
                "ceil_mode": True,
                "count_include_pad": False,
            },
            "2d ceil",
        ),
        Case(
            (rng.uniform(-1, 1, (1, 1, 2, 2, 2)),),
            {
                "in_shape": (1, 1, 3, 4, 4),
                "kernel_size": (2, 2, 2),
                "stride": (1, 2, 2),
                "padding": (0, 0, 0),
                "divisor_override": 3,
            },
            "3d divisor_override",
        ),
    ]


def _torch_avg_backward(
    g,
    in_shape,
    kernel_size,
    stride,
    padding,
    ceil_mode=False,
    count_include_pad=True,
    divisor_override=None,
):
    torch = _torch()
    x = torch.zeros(in_shape, dtype=g.dtype, requires_grad=True)
    fn = getattr(torch.nn.functional, f"avg_pool{len(kernel_size)}d")
    extra = {} if divisor_override is None else {"divisor_override": divisor_override}
    y = fn(x, kernel_size, stride, padding, ceil_mode, count_include_pad, **extra)
    (gx,) = torch.autograd.grad(y, x, g, create_graph=True)
    return gx


def _adaptive_max(x, dims, output_size):
    fn = getattr(pooling_adaptive, f"adaptive_max_pool{dims}d")
    return tuple(fn(x, output_size, return_indices=True))


def _torch_adaptive_max(x, dims, output_size):
    fn = getattr(_torch().nn.functional, f"adaptive_max_pool{dims}d")
    return tuple(fn(x, output_size, return_indices=True))


def _adaptive_cases(rng):
    def d(*shape):
        return distinct_values(rng, shape, -2.0, 2.0)

    return [
        Case((d(2, 2, 7),), {"dims": 1, "output_size": 3}, "1d 7 -> 3 (overlapping)"),
        Case((d(2, 8),), {"dims": 1, "output_size": 4}, "1d unbatched 8 -> 4 (tiling)"),
        Case((d(1, 2, 5, 7),), {"dims": 2, "output_size": (3, 4)}, "2d 5x7 -> 3x4"),
        Case((d(1, 1, 4, 6),), {"dims": 2, "output_size": (None, 1)}, "2d None keeps H"),
        Case((d(0, 2, 4, 4),), {"dims": 2, "output_size": 2}, "2d empty batch"),
        Case((d(1, 2, 3, 5, 4),), {"dims": 3, "output_size": (2, 3, None)}, "3d odd, None keeps W"),
        Case((d(2, 2, 3, 2),), {"dims": 3, "output_size": (3, 4, 3)}, "3d unbatched, out > in"),
    ]


def _unpool(x, indices, dims, **kw):
    return getattr(pooling_unpool, f"max_unpool{dims}d")(x, indices, **kw)


def _torch_unpool(x, indices, dims, **kw):
    return getattr(_torch().nn.functional, f"max_unpool{dims}d")(x, indices, **kw)


def _unpool_cases(rng):
    def pooled(shape, dims, **kw):
        x = distinct_values(rng, shape, -2.0, 2.0)
        values, index = max_pool_ref(x, dims, **kw)
        return values, index

    v1, i1 = pooled((2, 2, 6), 1, kernel_size=2)
    v2, i2 = pooled((1, 2, 4, 6), 2, kernel_size=2)
    v3, i3 = pooled((2, 5, 5), 2, kernel_size=2)
    v4, i4 = pooled((1, 1, 4, 4, 4), 3, kernel_size=2)
    return [
        Case((v1, i1), {"dims": 1, "kernel_size": 2}, "1d k2"),
        Case((v2, i2), {"dims": 2, "kernel_size": 2}, "2d k2"),
        Case(
            (v3, i3),
            {"dims": 2, "kernel_size": 2, "output_size": (5, 5)},
            "2d unbatched output_size",
        ),
        Case((v4, i4), {"dims": 3, "kernel_size": 2}, "3d k2"),
    ]


_TIES = (
    "Ties: the gradient goes to one element per window, the first maximum in row-major window "
    "order, as PyTorch; inputs are drawn distinct so no case sits on a tie."
)

OP_DB += [
    OpSpec(
        "max_pool", _max_pool, _max_cases, ref=max_pool_ref, torch_fn=_torch_max_pool, notes=_TIES
    ),
    OpSpec(
        "adaptive_max_pool",
        _adaptive_max,
        _adaptive_cases,
        ref=adaptive_max_ref,
        torch_fn=_torch_adaptive_max,
        notes=_TIES,
    ),
    OpSpec(
        "max_unpool",
        _unpool,
        _unpool_cases,
        ref=unpool_ref,
        grad_args=(0,),
        torch_fn=None,
        notes="Unique indices: with a repeated position the forward keeps one value (PyTorch's "
        "partial inverse) while the VJP, as PyTorch's, gives every repeat the position's "
        "gradient, which no finite difference reproduces; repeats are checked against "
        "PyTorch in tests/nn/test_pooling_torch.py.",
    ),
    OpSpec("avg_pool", _avg_pool, _avg_cases, ref=avg_pool_ref, torch_fn=_torch_avg_pool),
    OpSpec(
        "avg_pool_backward",
        _avg_backward,
        _avg_backward_cases,
        torch_fn=_torch_avg_backward,
        notes="The transpose of avg_pool (its VJP), checked against PyTorch's gradient.",
    ),
]
