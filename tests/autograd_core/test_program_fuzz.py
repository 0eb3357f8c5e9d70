"""Differential fuzzing of random short programs against torch 2.13 in float64: 3-10 steps over
1-3 leaves (some requiring grad) mixing views (reshape/view, transpose/permute/t/mT, narrow,
select, slices, unsqueeze/squeeze, expand, diagonal, split/chunk/unbind, as_strided, view_as,
flatten, movedim, unfold), in-place ops on non-leaves and on views (add_ ... scatter_, x[k] = v;
the in-place shape methods t_ ... as_strided_ and 16 in-place math methods, drawn in
program_fuzz_more.py), ops that save their inputs or outputs for backward, and the autograd API
(detach/detach_, clone, requires_grad_, retain_grad, scaling hooks, no_grad blocks, backward with
and without retain_graph or an explicit gradient, autograd.grad). The interpreter that runs a
program on both libraries and compares them is program_fuzz.py; fixed cases in
test_program_fuzz_regressions.py.

``AUTOGRAD_CORE_FUZZ_EXPLORE=1`` draws new programs on each run of the slow test;
``AUTOGRAD_CORE_FUZZ_DROP=1`` runs every program with ``op_forward.DROP_BYTES = 0`` (every input
a VJP does not read replaced by a stand-in, as for large arrays).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, note
from hypothesis import strategies as st

import autograd_core.op as op_module
import autograd_core.op_forward as op_forward

pytest.importorskip("torch")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "nn"))
from fuzz_compare import fuzz_settings, slow_settings  # noqa: E402  # tests/nn/
from program_fuzz import run_step, start  # noqa: E402
from program_fuzz_more import (  # noqa: E402
    DROP,
    draw_inplace_math,
    draw_inplace_shape,
    draw_unfold,
)
from program_fuzz_more import array as _array  # noqa: E402
from program_fuzz_more import broadcasts_into as _broadcasts_into  # noqa: E402

LEAF_SHAPES = [(3,), (4,), (2, 3), (3, 2), (2, 2), (2, 3, 2), (1, 3), (2, 1, 3)]


def _weights(draw, shape: tuple) -> np.ndarray:
    return _array(draw, shape, 0.5, 1.5)


def draw_view(draw, x, i: int) -> tuple:
    shape, n = tuple(x.shape), x.ndim
    kinds = ["reshape", "getitem", "unsqueeze", "squeeze", "expand", "flatten", "split", "chunk"]
    if n >= 1:
        kinds += ["narrow", "select", "movedim", "unbind", "unfold"]
    if n >= 2:
        kinds += ["transpose", "permute", "mT", "diagonal"]
    if n <= 2:
        kinds.append("t")
    if x.is_contiguous():
        kinds += ["view"]
        if x.storage_offset() == 0 and x.numel() >= 4:
            kinds.append("as_strided")
    kind = draw(st.sampled_from(kinds))
    if kind == "unfold":
        return draw_unfold(draw, x, i)
    d = draw(st.integers(0, max(n - 1, 0)))
    size = shape[d] if n else 1
    if kind in ("reshape", "view"):
        return ("view", i, kind, draw(st.sampled_from([(-1,), shape[::-1], (1, *shape)])))
    if kind == "getitem":
        if n == 0:
            return ("view", i, "getitem", ())
        start, step = draw(st.integers(0, size)), draw(st.integers(1, 2))
        sl = slice(start, draw(st.integers(start, size + 1)), step)
        return ("view", i, "getitem", sl if d == 0 else (slice(None),) * d + (sl,))
    if kind == "unsqueeze":
        return ("view", i, kind, draw(st.integers(-n - 1, n)))
    if kind == "squeeze":
        return ("view", i, kind, d) if n else ("view", i, "squeeze")
    if kind == "expand":
        grown = tuple(2 if s == 1 and draw(st.booleans()) else s for s in shape)
        return ("view", i, kind, (2, *grown) if draw(st.booleans()) else grown)
    if kind in ("flatten", "t", "mT"):
        return ("view", i, kind)
    if kind in ("split", "chunk"):
        k = draw(st.integers(1, 3))
        return ("view", i, kind, k, d) if n else ("view", i, "flatten")
    if kind == "unbind":
        return ("view", i, kind, d)
    if kind == "narrow":
        start = draw(st.integers(0, size))
        return ("view", i, kind, d, start, draw(st.integers(0, size - start)))
    if kind == "select":
        return (
            ("view", i, kind, d, draw(st.integers(-size, size - 1)))
            if size
            else ("view", i, "flatten")
        )
    if kind == "movedim":
        return ("view", i, kind, d, draw(st.integers(0, n - 1)))
    if kind == "transpose":
        return ("view", i, kind, d, draw(st.integers(-n, n - 1)))
    if kind == "permute":
        return ("view", i, kind, tuple(draw(st.permutations(range(n)))))
    if kind == "diagonal":
        return ("view", i, kind, draw(st.integers(-1, 1)), 0, n - 1)
    # as_strided: windows inside the first numel elements, sometimes overlapping
    numel = x.numel()
    rows, cols = 2, draw(st.integers(1, 2))
    s1 = draw(st.integers(0, 1))
    s0 = draw(st.integers(1, max(1, (numel - 1 - (cols - 1) * s1) // (rows - 1))))
    return ("view", i, kind, (rows, cols), (s0, s1))


def draw_compute(draw, slots, i: int) -> tuple:
    x = slots[i]
    kind = draw(
        st.sampled_from(
            ["exp", "sigmoid", "tanh", "sqrt", "abs", "relu", "mul", "div", "pow", "matmul"]
        )
    )
    if kind == "sqrt" and not bool((x > 0).all()):
        kind = "abs"
    if kind in ("exp", "sigmoid", "tanh", "sqrt", "abs", "relu"):
        return ("unary", i, kind)
    if kind == "pow":
        return (
            "binary",
            i,
            "pow",
            None,
            draw(st.sampled_from([2, 3, 0.5 if bool((x > 0).all()) else 2])),
        )
    if kind == "matmul":
        if x.ndim == 0:
            return ("unary", i, "exp")
        others = [j for j, y in enumerate(slots) if y.ndim == 2 and y.shape[0] == x.shape[-1]]
        if others and draw(st.booleans()):
            return ("binary", i, "matmul", draw(st.sampled_from(others)), None)
        return ("binary", i, "matmul", None, _array(draw, (x.shape[-1], 2)))
    others = [j for j, y in enumerate(slots) if _broadcasts_into(tuple(y.shape), tuple(x.shape))]
    if kind == "div":
        others = [j for j in others if bool((slots[j].abs() > 0.1).all())]
    if others and draw(st.booleans()):
        return ("binary", i, kind, draw(st.sampled_from(others)), None)
    return ("binary", i, kind, None, draw(st.sampled_from([2.0, -0.5, 3.0])))


def draw_inplace(draw, slots, i: int, nograd: bool = False) -> tuple:
    x = slots[i]
    group = draw(st.sampled_from(["first", "first", "shape", "math"]))
    if group == "shape" and not (nograd and x.requires_grad):
        # (not drawn under no_grad on a tensor that requires grad. A non-leaf: ours refuses,
        # torch reshapes and its backward then fails or is wrong (test_inplace_shape.py). A
        # leaf: torch's later backward into it fails on the old shape, ours's new nodes give
        # a gradient of the new shape, and its older nodes refuse (K9; both pinned in
        # test_program_fuzz_regressions.py))
        return draw_inplace_shape(draw, x, i)
    if group != "first":
        return draw_inplace_math(draw, slots, i)
    shape = tuple(x.shape)
    kind = draw(
        st.sampled_from(
            [
                "add_",
                "sub_",
                "mul_",
                "div_",
                "clamp_",
                "relu_",
                "sigmoid_",
                "exp_",
                "tanh_",
                "zero_",
                "fill_",
                "copy_",
                "masked_fill_",
                "index_add_",
                "scatter_",
                "setitem",
                "setitem",
            ]
        )
    )
    fits = [j for j, y in enumerate(slots) if _broadcasts_into(tuple(y.shape), shape)]
    other = ("slot", draw(st.sampled_from(fits))) if fits and draw(st.booleans()) else None
    if kind in ("add_", "sub_", "mul_", "div_", "copy_"):
        if kind == "div_" and other is not None and not bool((slots[other[1]].abs() > 0.1).all()):
            other = None
        return (
            "inplace",
            i,
            kind,
            other if other is not None else draw(st.sampled_from([2.0, -0.5, 1.5])),
        )
    if kind == "clamp_":
        return ("inplace", i, kind, -0.5, draw(st.sampled_from([0.5, 1.0])))
    if kind == "fill_":
        return ("inplace", i, kind, draw(st.sampled_from([0.0, 1.25])))
    if kind == "masked_fill_":
        seed = draw(st.integers(0, 99))
        mask = np.asarray(np.random.default_rng(seed).random(shape) < 0.5)  # (0-d: an array)
        return ("inplace", i, kind, mask, draw(st.sampled_from([0.0, -1.5])))
    if kind in ("index_add_", "scatter_") and x.ndim >= 1 and x.shape[-1] > 0:
        d = draw(st.integers(0, x.ndim - 1))
        size = shape[d]
        if size == 0:
            return ("inplace", i, "zero_")
        if kind == "index_add_":
            index = np.array(draw(st.lists(st.integers(0, size - 1), min_size=1, max_size=3)))
            src_shape = shape[:d] + (len(index),) + shape[d + 1 :]
            return ("inplace", i, kind, d, index, _array(draw, src_shape), 2.0)
        index = np.random.default_rng(draw(st.integers(0, 99))).integers(0, size, shape)
        return ("inplace", i, kind, d, index, -1.0)
    if kind == "setitem" and x.ndim >= 1 and shape[0] > 0:
        key = draw(st.sampled_from([0, slice(0, 1), slice(None, None, 2), -1]))
        target = np.empty(shape)[key].shape
        fits = [j for j, y in enumerate(slots) if _broadcasts_into(tuple(y.shape), target)]
        if fits and draw(st.booleans()):
            return ("inplace", i, "setitem", key, ("slot", draw(st.sampled_from(fits))))
        return ("inplace", i, "setitem", key, draw(st.sampled_from([0.5, -2.0])))
    if kind in ("index_add_", "scatter_", "setitem"):
        kind = "zero_"
    return ("inplace", i, kind)


def draw_autograd(draw, slots, i: int) -> tuple:
    x = slots[i]
    kind = draw(
        st.sampled_from(
            [
                "detach",
                "detach_",
                "clone",
                "requires_grad_",
                "retain_grad",
                "hook",
                "backward",
                "backward",
                "grad",
            ]
        )
    )
    if kind == "detach_" and x._is_view() and x.grad_fn is None:
        # (not drawn: torch refuses detach_ on any view, ours allows it on a view without a
        # node; pinned in test_program_fuzz_regressions.py)
        kind = "clone"
    if kind in ("detach_", "clone"):
        return ("inplace", i, kind)
    if kind == "requires_grad_" and _shares_storage(slots, i):
        # (not drawn: torch's views of a leaf made before requires_grad_() then require grad,
        # each a leaf of its own; ours do not. Pinned in test_program_fuzz_regressions.py)
        kind = "retain_grad"
    if kind == "hook":
        return ("autograd", i, kind, draw(st.sampled_from([2.0, 0.5])))
    if kind in ("backward", "grad"):
        how = draw(st.sampled_from(["sum", "gradient"]))
        return ("autograd", i, kind, _weights(draw, tuple(x.shape)), how, draw(st.booleans()))
    return ("autograd", i, kind)


def _shares_storage(slots, i: int) -> bool:
    ptr = slots[i].untyped_storage().data_ptr()
    return any(k != i and t.untyped_storage().data_ptr() == ptr for k, t in enumerate(slots))


def draw_step(draw, slots) -> tuple:
    i = draw(st.integers(0, len(slots) - 1))
    kind = draw(
        st.sampled_from(
            [
                "view",
                "view",
                "compute",
                "inplace",
                "inplace",
                "inplace",
                "autograd",
                "autograd",
                "nograd",
            ]
        )
    )
    if kind == "nograd":
        # (no view of a tensor that requires grad: torch's requires grad, ours does not,
        # test_program_fuzz_regressions.py pins the difference)
        views = [] if slots[i].requires_grad else ["view"]
        inner = draw(st.sampled_from([*views, "compute", "inplace"]))
        return ("nograd", draw_step_of(draw, inner, slots, i, nograd=True))
    return draw_step_of(draw, kind, slots, i)


def draw_step_of(draw, kind, slots, i, nograd=False):
    if kind == "view":
        return draw_view(draw, slots[i], i)
    if kind == "compute":
        return draw_compute(draw, slots, i)
    if kind == "inplace":
        return draw_inplace(draw, slots, i, nograd)
    return draw_autograd(draw, slots, i)


def check_program(data) -> None:
    """Draw leaves, then 3-10 steps from torch's current state, running each on both sides."""
    n = data.draw(st.integers(1, 3), label="leaves")
    leaves = []
    for _ in range(n):
        shape = data.draw(st.sampled_from(LEAF_SHAPES))
        leaves.append((_array(data.draw, shape), data.draw(st.booleans())))
    if not any(rg for _, rg in leaves):
        leaves[0] = (leaves[0][0], True)
    ours, theirs = start(leaves)
    note(f"leaves = {[(a.tolist(), rg) for a, rg in leaves]}")
    retained: set[int] = set()
    for _ in range(data.draw(st.integers(3, 10), label="steps")):
        step = draw_step(data.draw, theirs.slots)
        note(f"step {step!r}")
        if not run_step(ours, theirs, step, retained):
            break


@pytest.fixture(autouse=DROP)
def _drop_everything(monkeypatch):
    """AUTOGRAD_CORE_FUZZ_DROP=1 (program_fuzz_more.DROP): stand-ins for every input an op made
    that its node's VJP does not read, whatever its size (test_dropped_inputs.py's fixture)."""
    monkeypatch.setattr(op_module, "DROP_BYTES", 0)
    monkeypatch.setattr(op_forward, "DROP_BYTES", 0)


# The kept differences (ours raises a GraphError where torch computes the gradient) are
# accepted by name in program_fuzz.KEPT_REFUSALS and pinned in test_program_fuzz_regressions.py.
@given(st.data())
@fuzz_settings(40)
def test_random_programs_match_torch(data):
    check_program(data)


@pytest.mark.slow
@given(st.data())
@slow_settings(3000)
def test_random_programs_match_torch_slow(data):
    check_program(data)
