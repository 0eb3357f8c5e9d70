"""Differential fuzzing of nn.RNN / nn.LSTM / nn.GRU and their cells against PyTorch in float64:
random valid configurations (rnn_fuzz_cases.py) compared on outputs, final states, input
gradients and every parameter gradient under random upstream gradients, to 1e-10.

The default runs draw a fixed set of examples (``derandomize``); ``pytest -m slow`` draws many
more, also fixed (``make fuzz`` draws new ones each run: tests/nn/fuzz_compare.py's EXPLORE).
A failure prints its ``Case``: keep it below as a regression test.
"""

from __future__ import annotations

import numpy as np
import pytest
from fuzz_compare import EXPLORE  # tests/nn/
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rnn_fuzz_cases import (  # tests/nn/
    MODES,
    Case,
    assert_same,
    cases,
    cell_arrays,
    cell_as_layer,
    cell_cases,
    layer_inputs,
    make_cells,
    make_pair,
    run_cell,
    run_layer,
    wide_cases,
)

import autograd_core as ac

torch = pytest.importorskip("torch")

QUICK = settings(
    max_examples=40,
    derandomize=True,  # the same examples on every run
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
LONG = settings(
    max_examples=1500,
    derandomize=not EXPLORE,  # fixed in `make test-slow`, new draws under `make fuzz`
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def check_layer(case: Case, device: str = "cpu") -> None:
    ours, theirs = make_pair(case, torch, device)
    arrays = layer_inputs(case)
    got = run_layer(case, ours, arrays, ac, device)
    want = run_layer(case, theirs, arrays, torch)
    assert_same(got, want, str(case))


def check_cells(case) -> None:
    """The cell step by step against PyTorch's cell, and against our fused layer."""
    ours, theirs = make_cells(case, torch)
    arrays = cell_arrays(case)
    got = run_cell(case, ours, arrays, ac)
    assert_same(got, run_cell(case, theirs, arrays, torch), f"{case} vs torch")
    assert_same(got, cell_as_layer(case, arrays, ours), f"{case} vs fused layer")


@pytest.mark.parametrize("mode", MODES)
@QUICK
@given(data=st.data())
def test_layers_match_torch(mode, data):
    check_layer(data.draw(cases([mode]), label="case"))


@pytest.mark.slow
@LONG
@given(case=cases())
def test_layers_match_torch_many(case):
    check_layer(case)


@pytest.mark.slow
@settings(LONG, max_examples=300)
@given(case=wide_cases())
def test_wide_layers_match_torch_many(case):
    """Batch 16…48 and hidden 64…160: the step GEMMs cut in column blocks or not."""
    check_layer(case)


@pytest.mark.parametrize("mode", MODES)
@settings(QUICK, max_examples=12)
@given(data=st.data())
def test_cells_step_by_step_match_torch_and_the_fused_layer(mode, data):
    check_cells(data.draw(cell_cases([mode]), label="case"))


@pytest.mark.slow
@LONG
@given(case=cell_cases())
def test_cells_step_by_step_match_torch_and_the_fused_layer_many(case):
    check_cells(case)


@pytest.mark.gpu
@settings(QUICK, max_examples=30)
@given(case=cases(max_steps=20))
def test_layers_on_the_device_match_torch(case):
    """The same comparison with our layer on "cuda" (the strict stand-in under --fake-cuda)."""
    if not ac.cuda.is_available():
        pytest.skip("needs CuPy and a GPU (or pytest --fake-cuda)")
    check_layer(case, "cuda")


def _split_case(mode, hidden, proj, layout, lengths=None, layers=1, seed=0, steps=9):
    return Case(mode, 3, hidden, proj, layers, True, False, True, 0.0, 32, steps, True, layout,
                lengths, seed)  # fmt: skip


_rng = np.random.default_rng(11)
SPLIT = [
    _split_case("GRU", 128, 0, "packed_any", tuple(_rng.integers(1, 10, 32).tolist())),
    _split_case("RNN_TANH", 96, 0, "padded", seed=1),
    _split_case("LSTM", 128, 96, "packed_sorted", tuple([9] * 5 + [7] * 24 + [1] * 3), seed=2),
    _split_case("LSTM", 96, 0, "padded", layers=2, seed=3),
]


@pytest.mark.parametrize("case", SPLIT, ids=[f"{c.mode}-H{c.hidden}-p{c.proj}" for c in SPLIT])
def test_step_gemms_cut_in_two_match_torch(case):
    """At batch 32 the step GEMMs of these sizes are cut into two column blocks
    (recurrent_gates.column_parts); fixed draws, since they are slower."""
    from autograd_core.ops.recurrent_gates import column_parts

    P = case.proj or case.hidden
    assert 2 in (column_parts(np, 32, P, case.hidden), column_parts(np, 32, case.hidden, P))
    check_layer(case)
