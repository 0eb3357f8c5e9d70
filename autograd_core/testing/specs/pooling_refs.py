"""Naive NumPy oracles of the pooling ops for their OpSpecs: one Python loop per window,
independent of the ops' strided views (test code, so loops over positions are fine)."""

from __future__ import annotations

import itertools
import math

import numpy as np

__all__ = [
    "as_tuple",
    "out_len",
    "windows",
    "max_pool_ref",
    "avg_pool_ref",
    "unpool_ref",
    "adaptive_max_ref",
]


def as_tuple(v, n):
    return (v,) * n if isinstance(v, int) else tuple(v)


def out_len(n, k, s, p, d, ceil):
    span = n + 2 * p - d * (k - 1) - 1
    o = (-(-span // s) if ceil else span // s) + 1
    return o - 1 if ceil and (o - 1) * s >= n + p else o


def windows(shape, nd, kernel_size, stride, padding, dilation, ceil_mode):
    """(output position, [input positions of its window inside the input]) pairs, the first
    tap first; a naive enumeration independent of the ops' strided views."""
    size = shape[-nd:]
    k = as_tuple(kernel_size, nd)
    s = k if stride is None else as_tuple(stride, nd)
    p, d = as_tuple(padding, nd), as_tuple(dilation, nd)
    outs = [out_len(*a, ceil_mode) for a in zip(size, k, s, p, d)]
    for o in itertools.product(*[range(n) for n in outs]):
        taps = []
        for j in itertools.product(*[range(n) for n in k]):
            pos = tuple(oi * si - pi + ji * di for oi, si, pi, ji, di in zip(o, s, p, j, d))
            if all(0 <= q < n for q, n in zip(pos, size)):
                taps.append(pos)
        yield o, taps, outs


def max_pool_ref(x, dims, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    lead = x.shape[:-dims]
    flat_x = x.reshape((-1, *x.shape[-dims:]))
    values, index = None, None
    for o, taps, outs in windows(x.shape, dims, kernel_size, stride, padding, dilation, ceil_mode):
        if values is None:
            values = np.empty((flat_x.shape[0], *outs), x.dtype)
            index = np.empty((flat_x.shape[0], *outs), np.int64)
        for r in range(flat_x.shape[0]):
            vals = [flat_x[(r, *t)] for t in taps]
            best = int(np.argmax(vals))
            values[(r, *o)] = vals[best]
            index[(r, *o)] = np.ravel_multi_index(taps[best], x.shape[-dims:])
    return values.reshape(lead + values.shape[1:]), index.reshape(lead + index.shape[1:])


def avg_pool_ref(
    x,
    dims,
    kernel_size,
    stride=None,
    padding=0,
    ceil_mode=False,
    count_include_pad=True,
    divisor_override=None,
):
    nd = dims
    size = x.shape[-nd:]
    k, p = as_tuple(kernel_size, nd), as_tuple(padding, nd)
    s = k if stride is None else as_tuple(stride, nd)
    flat_x = x.reshape((-1, *size))
    out = None
    for o, taps, outs in windows(x.shape, nd, kernel_size, stride, padding, 1, ceil_mode):
        if out is None:
            out = np.empty((flat_x.shape[0], *outs), x.dtype)
        if divisor_override:
            div = divisor_override
        elif count_include_pad:
            div = math.prod(
                min(oi * si - pi + ki, n + pi) - (oi * si - pi)
                for oi, si, pi, ki, n in zip(o, s, p, k, size)
            )
        else:
            div = len(taps)
        for r in range(flat_x.shape[0]):
            out[(r, *o)] = sum(flat_x[(r, *t)] for t in taps) / div
    return out.reshape(x.shape[:-nd] + out.shape[1:])


def unpool_ref(x, indices, dims, kernel_size, stride=None, padding=0, output_size=None):
    k, p = as_tuple(kernel_size, dims), as_tuple(padding, dims)
    s = k if stride is None else as_tuple(stride, dims)
    if output_size is None:
        size = tuple((i - 1) * si - 2 * pi + ki for i, si, pi, ki in zip(x.shape[-dims:], s, p, k))
    else:
        size = tuple(output_size)[-dims:]
    rows = int(np.prod(x.shape[:-dims]))
    out = np.zeros((rows, math.prod(size)), x.dtype)
    for r, (v, i) in enumerate(zip(x.reshape(rows, -1), indices.reshape(rows, -1))):
        out[r][i] = v  # a position named twice: the last value (F.max_unpool's assignment)
    return out.reshape(x.shape[:-dims] + size)


def adaptive_max_ref(x, dims, output_size):
    size = x.shape[-dims:]
    outs = as_tuple(output_size, dims)
    outs = tuple(s if o is None else o for o, s in zip(outs, size))
    rows = x.reshape((-1, *size))
    values = np.empty((rows.shape[0], *outs), x.dtype)
    index = np.empty((rows.shape[0], *outs), np.int64)
    for o in itertools.product(*[range(n) for n in outs]):
        ranges = [range(oi * n // m, -(-((oi + 1) * n) // m)) for oi, n, m in zip(o, size, outs)]
        taps = list(itertools.product(*ranges))
        for r in range(rows.shape[0]):
            vals = [rows[(r, *t)] for t in taps]
            best = int(np.argmax(vals))
            values[(r, *o)] = vals[best]
            index[(r, *o)] = np.ravel_multi_index(taps[best], size)
    return values.reshape(x.shape[:-dims] + outs), index.reshape(x.shape[:-dims] + outs)
