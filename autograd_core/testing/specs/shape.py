"""OpSpecs of the shape ops."""

from __future__ import annotations

import numpy as np

import autograd_core as ac
from autograd_core.device import Device
from autograd_core.ops.shape import ToDevice
from autograd_core.ops.subscript import GetItemGrad
from autograd_core.testing.op_db import OP_DB, Case, OpSpec, noncontig


def _reshape_cases(rng):
    return [
        Case((rng.standard_normal((2, 3, 4)), (6, 4)), {}, "(2,3,4) -> (6,4)"),
        Case((rng.standard_normal((2, 3)), (-1,)), {}, "flatten with -1"),
        Case((rng.standard_normal(()), (1, 1)), {}, "0-d -> (1,1)"),
        Case((rng.standard_normal((0, 3)), (3, 0)), {}, "empty"),
        Case((noncontig(rng.standard_normal((3, 4))), (4, 3)), {}, "non-contiguous"),
    ]


def _permute_cases(rng):
    return [
        Case((rng.standard_normal((2, 3, 4)), (2, 0, 1)), {}, "(2,0,1)"),
        Case((rng.standard_normal((2, 3)), (-1, 0)), {}, "negative"),
        Case((rng.standard_normal((1, 3, 1)), (1, 2, 0)), {}, "size-1 axes"),
    ]


def _broadcast_cases(rng):
    return [
        Case((rng.standard_normal((3, 1)), (2, 3, 4)), {}, "(3,1) -> (2,3,4)"),
        Case((rng.standard_normal(()), (2, 2)), {}, "0-d -> (2,2)"),
        Case((rng.standard_normal((4,)), (0, 4)), {}, "-> zero-size"),
    ]


def _getitem_cases(rng):
    x = rng.standard_normal((4, 5))
    return [
        Case((x, (1,)), {}, "int"),
        Case((x, (slice(None), slice(None, None, 2))), {}, "strided slice"),
        Case((x, (None, Ellipsis, -1)), {}, "None, ..., -1"),
        Case((x, (np.array([0, 2, 0, 3]),)), {}, "repeated int array"),
        Case((x, (x > 0,)), {}, "bool mask"),
        Case((x, (np.array([[0, 1], [1, 1]]), np.array([2, 2]))), {}, "two int arrays"),
        Case((rng.standard_normal(()), ()), {}, "0-d, empty index"),
    ]


def _getitem_grad_cases(rng):
    idx = (np.array([0, 2, 0]),)
    return [
        Case((rng.standard_normal((3, 5)),), {"index": idx, "shape": (4, 5)}, "repeated rows"),
        Case(
            (rng.standard_normal((4, 2)),),
            {"index": (slice(None), slice(1, 3)), "shape": (4, 5)},
            "slice",
        ),
    ]


def _astype_cases(rng):
    return [
        Case((rng.standard_normal((3, 4)),), {"dtype": np.float32}, "float64 -> float32 -> x"),
        Case((rng.standard_normal(()),), {"dtype": np.float64}, "0-d"),
    ]


def _roundtrip(x, dtype):
    # cast and cast back, so that float64 gradcheck stays meaningful for a float32 cast
    return ac.astype(ac.astype(x, dtype), x.dtype)


OP_DB += [
    OpSpec("reshape", ac.reshape, _reshape_cases, ref=lambda x, shape: x.reshape(shape)),
    OpSpec("permute", ac.permute, _permute_cases, ref=lambda x, dims: x.transpose(dims)),
    OpSpec("broadcast_to", ac.broadcast_to, _broadcast_cases, ref=np.broadcast_to),
    OpSpec("getitem", ac.getitem, _getitem_cases, ref=lambda x, i: x[i]),
    OpSpec(
        "getitem_grad",
        lambda g, index, shape: GetItemGrad.apply(g, index=index, shape=shape),
        _getitem_grad_cases,
    ),
    OpSpec(
        "astype",
        _roundtrip,
        _astype_cases,
        atol=1e-3,
        rtol=1e-3,
        eps=1e-3,
        notes="checked as a float32 round trip; float32 rounding sets the tolerance",
    ),
    OpSpec(
        "to_device",
        lambda x: ToDevice.apply(x, device=Device("cpu")),
        lambda rng: [Case((rng.standard_normal((2, 3)),), {}, "cpu -> cpu")],
        notes="the op applied directly (the public function returns x itself for its own "
        "device), so a CPU-only machine checks its VJP by a cpu -> cpu move; the GPU suite "
        "checks cpu <-> cuda",
    ),
]


def torch_functional():
    """``torch.nn.functional``, imported only when the torch oracle runs."""
    import torch.nn.functional

    return torch.nn.functional


def _pad_ref(x, pad, value=0.0):
    # NumPy oracle for PyTorch's width order (last axis first); negative widths crop.
    widths = [(0, 0)] * x.ndim
    for k in range(len(pad) // 2):
        widths[x.ndim - 1 - k] = (pad[2 * k], pad[2 * k + 1])
    crop = tuple(slice(max(-b, 0), n - max(-a, 0)) for (b, a), n in zip(widths, x.shape))
    grow = [(max(b, 0), max(a, 0)) for b, a in widths]
    return np.pad(x[crop], grow, mode="constant", constant_values=value)


def _pad_cases(rng):
    return [
        Case((rng.standard_normal((3, 4)), (1, 2)), {}, "last axis"),
        Case((rng.standard_normal((2, 3, 4)), (0, 1, 2, 0)), {"value": 1.5}, "two axes, value"),
        Case((rng.standard_normal((3, 5)), (-1, 2, 1, -2)), {}, "negative widths crop"),
        Case((rng.standard_normal((1, 1)), (1, 1, 1, 1)), {}, "size-1 axes"),
        Case((rng.standard_normal((0, 3)), (1, 0, 2, 1)), {}, "zero-size axis"),
        Case((noncontig(rng.standard_normal((3, 4))), (2, 1)), {}, "non-contiguous"),
    ]


def _flip_cases(rng):
    return [
        Case((rng.standard_normal((5,)), 0), {}, "vector"),
        Case((rng.standard_normal((2, 3, 4)), (0, -1)), {}, "two axes, negative"),
        Case((rng.standard_normal((1, 3)), (0, 1)), {}, "size-1 axis"),
        Case((rng.standard_normal((0, 3)), (1,)), {}, "zero-size"),
        Case((rng.standard_normal(()), ()), {}, "0-d"),
        Case((noncontig(rng.standard_normal((3, 4))), -2), {}, "non-contiguous"),
    ]


def _repeat_cases(rng):
    return [
        Case((rng.standard_normal((3,)), 2), {}, "vector x2"),
        Case((rng.standard_normal((2, 3)), 2, 1, 3), {}, "new leading axis"),
        Case((rng.standard_normal(()), 2, 3), {}, "0-d -> (2,3)"),
        Case((rng.standard_normal((1, 1)), 3, 2), {}, "size-1 axes"),
        Case((rng.standard_normal((2, 3)), 0, 2), {}, "zero repetitions"),
        Case((rng.standard_normal((0, 3)), 2, 2), {}, "zero-size input"),
        Case((noncontig(rng.standard_normal((2, 3))), 2, 2), {}, "non-contiguous"),
    ]


OP_DB += [
    OpSpec(
        "pad",
        ac.pad,
        _pad_cases,
        ref=_pad_ref,
        torch_fn=lambda x, pad, value=0.0: torch_functional().pad(x, pad, value=value),
    ),
    OpSpec(
        "flip",
        ac.flip,
        _flip_cases,
        ref=lambda x, dims: np.flip(x, dims),
        torch_fn=lambda x, dims: x.flip(dims),
    ),
    OpSpec(
        "repeat",
        ac.repeat,
        _repeat_cases,
        ref=lambda x, *reps: np.tile(x, reps),
        torch_fn=lambda x, *reps: x.repeat(*reps),
        notes="tile (NumPy semantics) is the same op with its counts padded by leading 1s",
    ),
]
