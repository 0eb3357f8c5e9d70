"""The host workspace of the fused recurrent ops (ops/workspace.py): what it pools, and proof
that a reused block never aliases an array that a caller or a live graph still holds."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
import nn
from autograd_core.ops.recurrent import GRU, LSTM, RNN
from autograd_core.ops.workspace import ALIGN, Workspace, aligned_empty

MODES = ("RNN", "LSTM", "GRU")
OPS = {"RNN": RNN, "LSTM": LSTM, "GRU": GRU}


def test_take_reuses_what_was_given_back():
    ws = Workspace(max_bytes=1 << 20)
    a = ws.take(np, (4, 3), np.float32)
    ws.give(a)
    assert ws.nbytes == a.nbytes
    assert ws.take(np, (4, 3), np.float32) is a
    assert ws.nbytes == 0
    b = ws.take(np, (4, 3), np.float32)  # the pool is empty again: a new array
    assert b is not a


def test_take_keys_on_shape_and_dtype_and_zeroes_on_request():
    ws = Workspace()
    a = ws.take(np, (2, 2), np.float64)
    a[...] = 7.0
    ws.give(a)
    assert ws.take(np, (2, 2), np.float32) is not a
    assert ws.take(np, (4,), np.float64) is not a
    z = ws.take(np, (2, 2), np.float64, zero=True)
    assert z is a and not z.any()


def test_give_skips_views_none_and_arrays_too_big():
    ws = Workspace(max_bytes=64)
    base = np.zeros(8)
    ws.give(base[2:], None, np.zeros(100))
    assert ws.nbytes == 0


def test_blocks_start_on_a_cache_line_and_only_whole_ones_come_back():
    """take's arrays are ``aligned_empty`` views of a private byte buffer; give takes such an
    array back whole, never a part of one nor a view of an ordinary byte array."""
    ws = Workspace()
    shapes = [(3,), (5, 7), (2, 3, 5), (4, 32, 128)]
    arrays = [ws.take(np, s, np.float32) for s in shapes] + [ws.take(np, (3, 3), np.float64)]
    assert all(a.ctypes.data % ALIGN == 0 and a.flags.c_contiguous for a in arrays)
    whole = arrays[1]
    ws.give(whole[1:], whole[:, :2], whole.T, np.zeros(5 * 7 * 4 + ALIGN, np.uint8)[:140])
    assert ws.nbytes == 0
    ws.give(whole)
    assert ws.nbytes == whole.nbytes and ws.take(np, (5, 7), np.float32) is whole
    assert aligned_empty(np, (0, 4), np.float64).shape == (0, 4)


def test_the_least_recently_given_shapes_are_evicted_first():
    ws = Workspace(max_bytes=3 * 80)
    old, a, b = np.zeros(10), np.zeros((2, 5)), np.zeros((5, 2))
    ws.give(old, a, b)
    ws.give(np.zeros((1, 10)))  # over the limit: the oldest shape goes
    assert ws.nbytes == 3 * 80
    assert ws.take(np, (10,), np.float64) is not old
    assert ws.take(np, (2, 5), np.float64) is a
    ws.clear()
    assert ws.nbytes == 0


def _layer_and_input(mode, seed=0):
    layer = getattr(nn, mode)(3, 4, generator=ac.Generator(seed))
    layer.double()
    x = ac.tensor(np.random.default_rng(seed).standard_normal((5, 2, 3)), requires_grad=True)
    return layer, x


def _grads(layer, x):
    return [x.grad.numpy().copy()] + [p.grad.numpy().copy() for p in layer.parameters()]


def _fresh_grads(mode, seed):
    layer, x = _layer_and_input(mode, seed)
    out, _ = layer(x)
    (out * out).sum().backward()
    return _grads(layer, x)


@pytest.mark.parametrize("mode", MODES)
def test_two_graphs_alive_at_once_do_not_share_blocks(mode):
    """Both forwards take their saved blocks before either backward gives any back: each
    backward must see its own forward's gates and states."""
    OPS[mode].workspace.clear()
    (la, xa), (lb, xb) = _layer_and_input(mode, 1), _layer_and_input(mode, 2)
    ya, _ = la(xa)
    yb, _ = lb(xb)
    (yb * yb).sum().backward()
    (ya * ya).sum().backward()
    for got, want in zip(_grads(la, xa), _fresh_grads(mode, 1)):
        np.testing.assert_array_equal(got, want)
    for got, want in zip(_grads(lb, xb), _fresh_grads(mode, 2)):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("mode", MODES)
def test_outputs_and_gradients_survive_later_steps(mode):
    """What left the ops (outputs, x̄, parameter gradients) is never a workspace block: later
    training steps, which reuse the blocks, leave them unchanged."""
    layer, x = _layer_and_input(mode, 3)
    y, _ = layer(x)
    (y * y).sum().backward()
    kept_y, kept = y.data, [x.grad.data] + [p.grad.data for p in layer.parameters()]
    snapshot = [kept_y.copy()] + [g.copy() for g in kept]
    for _ in range(3):
        layer.zero_grad()
        x.grad = None
        y2, _ = layer(x * 0.5)
        (y2 * y2).sum().backward()
    for got, want in zip([kept_y, *kept], snapshot):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("mode", MODES)
def test_retain_graph_keeps_the_saved_blocks_for_a_second_backward(mode):
    layer, x = _layer_and_input(mode, 4)
    y, _ = layer(x)
    loss = (y * y).sum()
    loss.backward(retain_graph=True)
    first = _grads(layer, x)
    # another graph in between takes blocks from the workspace; the retained one keeps its own
    other, xo = _layer_and_input(mode, 5)
    yo, _ = other(xo)
    yo.sum().backward()
    layer.zero_grad()
    x.grad = None
    loss.backward()
    for got, want in zip(_grads(layer, x), first):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("mode", MODES)
def test_double_backward_through_the_layer_matches_a_fresh_one(mode):
    """create_graph unrolls the cells (the saved blocks are not read) and still releases
    them; a gradient penalty's second backward gives the same numbers each time."""
    results = []
    for _ in range(2):
        layer, x = _layer_and_input(mode, 6)
        y, _ = layer(x)
        (gx,) = ac.grad((y * y).sum(), [x], create_graph=True)
        (gx * gx).sum().backward()
        results.append(_grads(layer, x)[1:])
    for a, b in zip(*results):
        np.testing.assert_array_equal(a, b)


def test_a_training_step_reuses_the_blocks_of_the_last_one():
    layer = nn.LSTM(3, 4, generator=ac.Generator(0))
    x = ac.tensor(np.ones((5, 2, 3), np.float32))
    ws = LSTM.workspace

    def step():
        y, _ = layer(x)
        y.sum().backward()
        return {id(a) for arrays in ws._free.values() for a in arrays}

    ws.clear()
    first = step()
    assert ws.nbytes > 0  # the saved blocks came back at release, the scratch before
    assert step() == first == step()  # nothing new was allocated, nothing was lost


def test_empty_workspaces_frees_every_pool_and_reports_the_bytes():
    layer = nn.LSTM(3, 5)
    x = ac.tensor(np.random.default_rng(1).standard_normal((6, 2, 3)).astype(np.float32))
    layer(x)[0].sum().backward()  # the released node gives its saved blocks back
    held = LSTM.workspace.nbytes
    assert held > 0
    other = Workspace()
    other.give(np.empty((8, 8), np.float64))
    freed = ac.empty_workspaces()
    assert freed >= held + 8 * 8 * 8
    assert LSTM.workspace.nbytes == 0 and other.nbytes == 0
    assert ac.empty_workspaces() == 0
