"""Differential fuzz of a Module's state, ours against torch.nn, on random trees
(module_trees.py): torch's float64 weights copied into ours by state_dict → NumPy →
load_state_dict give the same forward outputs (1e-10) and gradients for every leaf layer, in
train and eval mode; zero_grad; load_state_dict's strict=False (missing_keys,
unexpected_keys) equal to torch's, in order, with keys dropped and foreign keys added;
strict=True and shape mismatches raise (a RuntimeError, as torch's) naming every key; a
float32 state loads into float64 members with a cast; assign=True makes the values members.
"""

from __future__ import annotations

import re
from collections import OrderedDict

import numpy as np
import pytest
from fuzz_compare import fuzz_settings, slow_settings  # tests/nn/
from hypothesis import given
from hypothesis import strategies as st
from module_trees import Built, numpy, root_plans, tensor
from test_module_fuzz import pair

import autograd_core as ac
import nn

torch = pytest.importorskip("torch")


def leaf_input(m, rng: np.random.Generator) -> np.ndarray | None:
    kind = type(m).__name__
    if kind == "Linear":
        return rng.standard_normal((2, m.in_features))
    if kind == "Conv1d":
        return rng.standard_normal((2, m.in_channels, 4))
    if kind == "BatchNorm1d":
        return rng.standard_normal((3, m.num_features))
    if kind == "LayerNorm":
        return rng.standard_normal((2, *m.normalized_shape))
    if kind == "Embedding":
        return rng.integers(0, m.num_embeddings, (2, 3))
    if kind == "GRU":
        return rng.standard_normal((4, 2, m.input_size))
    if kind in ("Identity", "Dropout"):
        return rng.standard_normal((2, 3))
    return None


def run_leaves(b: Built, seed: int, training: bool) -> list[np.ndarray]:
    """Every leaf layer's outputs on the same inputs in both trees; backward of their sum
    (weighted) when training."""
    rng = np.random.default_rng(seed)
    outs, total = [], None
    for _, m in b.root.named_modules(remove_duplicate=False):
        x = leaf_input(m, rng)
        if x is None or (training and type(m).__name__ == "Dropout"):
            continue
        x = tensor(b.lib, x)
        y = m(x)
        for part in y if isinstance(y, tuple) else (y,):
            outs.append(numpy(part))
            w = tensor(b.lib, rng.standard_normal(tuple(part.shape)))
            if outs[-1].dtype.kind == "f":
                term = (part * w).sum()
                total = term if total is None else total + term
    if training and total is not None and total.requires_grad:
        total.backward()
    return outs


def grads(b: Built) -> list:
    return [
        (n, None if p.grad is None else numpy(p.grad))
        for n, p in b.root.named_parameters(remove_duplicate=False)
    ]


def torch_state(arrays: OrderedDict) -> OrderedDict:
    return OrderedDict((k, torch.tensor(v)) for k, v in arrays.items())


def outcome(module, state, strict: bool):
    try:
        result = module.load_state_dict(state, strict=strict)
    except Exception as e:
        return e
    return (list(result.missing_keys), list(result.unexpected_keys))


def check_state(plan: tuple, drops: list, extras: list, reshape: int, seed: int) -> None:
    ours, theirs = pair(plan)
    for b in (ours, theirs):
        b.root.double()
    arrays = OrderedDict((k, numpy(v).copy()) for k, v in theirs.root.state_dict().items())
    assert tuple(ours.root.load_state_dict(arrays)) == ([], [])
    got = ours.root.state_dict()
    assert list(got) == list(arrays)
    for k, v in arrays.items():
        assert numpy(got[k]).dtype == v.dtype, k
        np.testing.assert_array_equal(numpy(got[k]), v, err_msg=k)
    for training in (False, True):
        for b in (ours, theirs):
            b.root.train(training)
        a, t = run_leaves(ours, seed, training), run_leaves(theirs, seed, training)
        assert len(a) == len(t)
        for x, y in zip(a, t):
            assert x.dtype == y.dtype
            np.testing.assert_allclose(x, y, rtol=1e-10, atol=1e-10)
    for set_to_none in (None, False, True):
        g = [grads(ours), grads(theirs)]
        assert [n for n, _ in g[0]] == [n for n, _ in g[1]]
        for (n, x), (_, y) in zip(*g):
            assert (x is None) == (y is None), n
            if x is not None:
                np.testing.assert_allclose(x, y, rtol=1e-10, atol=1e-10, err_msg=n)
        if set_to_none is not None:
            for b in (ours, theirs):
                b.root.zero_grad(set_to_none=set_to_none)

    # a damaged state: keys dropped, foreign keys added, maybe a shape changed
    keys = list(arrays)
    broken = OrderedDict(
        (k, v) for i, k in enumerate(keys) if i not in {d % (len(keys) or 1) for d in drops}
    )
    prefixes = ["", *{k.rsplit(".", 1)[0] + "." for k in keys if "." in k}]
    for e in extras:
        broken[prefixes[e % len(prefixes)] + ["zz", "a.zz", "0", "p.weight"][e % 4]] = np.zeros(1)
    if reshape and broken:
        k = list(broken)[reshape % len(broken)]
        broken[k] = np.zeros((*np.shape(broken[k]), 2))
    for strict in (False, True):
        o = outcome(ours.root, broken, strict)
        t = outcome(theirs.root, torch_state(broken), strict)
        if isinstance(t, Exception):
            assert isinstance(o, RuntimeError), (o, t)
            for key in re.findall(r'"([^"]+)"', str(t).split("size mismatch")[0]):
                assert repr(key) in str(o), (key, o)  # every key torch names
        else:
            assert o == t

    # a float32 state into the float64 members: cast on copy; assign=True takes the values
    state32 = OrderedDict(
        (k, v.astype(np.float32) if v.dtype.kind == "f" else v) for k, v in arrays.items()
    )
    ours.root.load_state_dict({k: ac.tensor(v) for k, v in state32.items()})
    theirs.root.load_state_dict(torch_state(state32))
    for b in (ours, theirs):
        assert all(numpy(v).dtype != np.float32 for v in b.root.state_dict().values())
    ours.root.load_state_dict({k: ac.tensor(v) for k, v in state32.items()}, assign=True)
    theirs.root.load_state_dict(torch_state(state32), assign=True)
    views = [
        [
            (n, type(p).__name__, numpy(p).dtype.kind, numpy(p).dtype.itemsize, p.requires_grad)
            for n, p in [*b.root.named_parameters(), *b.root.named_buffers()]
        ]
        for b in (ours, theirs)
    ]
    assert views[0] == views[1]
    for k, v in ours.root.state_dict().items():
        np.testing.assert_array_equal(numpy(v), state32[k], err_msg=k)


drop_lists = st.lists(st.integers(0, 40), max_size=3)
extra_lists = st.lists(st.integers(0, 40), max_size=3)


@fuzz_settings(40)
@given(root_plans(2), drop_lists, extra_lists, st.integers(0, 6), st.integers(0, 2**16))
def test_module_state_matches_torch(plan, drops, extras, reshape, seed):
    check_state(plan, drops, extras, reshape, seed)


@pytest.mark.slow
@slow_settings(400)
@given(root_plans(3), drop_lists, extra_lists, st.integers(0, 6), st.integers(0, 2**16))
def test_module_state_matches_torch_slow(plan, drops, extras, reshape, seed):
    check_state(plan, drops, extras, reshape, seed)


def test_a_state_without_num_batches_tracked_loads_as_torch_loads_it():
    # explore run: every key of a BatchNorm1d dropped; torch does not list num_batches_tracked
    # as missing from a state dict without a version (_metadata), keeping the count, as ours
    # now does; a state dict of version 2 (state_dict()'s) still lists it
    check_state(("Sequential", [("leaf", "BatchNorm1d", 1, 1, False)]), [0, 1, 8], [], 0, 0)
    theirs, ours = torch.nn.BatchNorm1d(3), nn.BatchNorm1d(3)
    for m in (theirs, ours):
        m.num_batches_tracked += 4
    kept = {"running_mean": np.ones(3), "running_var": np.ones(3)}
    got = ours.load_state_dict(kept, strict=False)
    want = theirs.load_state_dict({k: torch.tensor(v) for k, v in kept.items()}, strict=False)
    assert tuple(got) == tuple(want) == (["weight", "bias"], [])
    assert int(ours.num_batches_tracked.item()) == int(theirs.num_batches_tracked) == 4
    state = ours.state_dict()
    del state["num_batches_tracked"]
    assert ours.load_state_dict(state, strict=False).missing_keys == ["num_batches_tracked"]
