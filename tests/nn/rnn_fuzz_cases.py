"""Random valid configurations of nn.RNN / nn.LSTM / nn.GRU and their cells, and the runners that
put one through our layer and through PyTorch's with the same weights, input and upstream
gradients (used by test_rnn_fuzz.py).

A ``Case`` is a plain value: hypothesis prints it when a comparison fails, and a test can be
written from it (``run_layer(Case(...), ...)``) to keep the failure as a regression test.
"""

from __future__ import annotations

import dataclasses
import warnings
from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st

import autograd_core as ac
import nn
from nn.utils.rnn import pack_padded_sequence, pack_sequence, pad_packed_sequence

TOL = 1e-10
MODES = ["RNN_TANH", "RNN_RELU", "LSTM", "GRU"]
LAYOUTS = ["padded", "unbatched", "packed_sorted", "packed_any", "list_sorted", "list_any"]


@dataclass(frozen=True)
class Case:
    """One layer configuration and its input: ``layout`` is how the input is given (a padded
    batch, one unbatched sequence, ``pack_padded_sequence`` with sorted or unsorted lengths,
    ``pack_sequence`` of a list with enforce_sorted True (sorted lengths) or False)."""

    mode: str
    n_in: int
    hidden: int
    proj: int
    layers: int
    bi: bool
    batch_first: bool
    bias: bool
    dropout: float
    batch: int
    steps: int
    given: bool
    layout: str
    lengths: tuple[int, ...] | None
    seed: int

    @property
    def packed(self) -> bool:
        return self.layout.startswith(("packed", "list"))

    @property
    def enforce_sorted(self) -> bool:
        """Packed with ``enforce_sorted=True`` (and lengths drawn in decreasing order)."""
        return self.layout.endswith("_sorted")


@st.composite
def cases(draw, modes=tuple(MODES), max_steps: int = 40, max_hidden: int = 6) -> Case:
    """A random valid configuration of one of ``modes``; lengths of packed input are drawn
    from 1…T, or from {1, T} only (one run in four), sorted in decreasing order where the
    layout asks for it."""
    mode = draw(st.sampled_from(modes))
    hidden = draw(st.integers(1, max_hidden))
    proj = draw(st.integers(0, hidden - 1)) if mode == "LSTM" and hidden > 1 else 0
    layers = draw(st.integers(1, 3))
    layout = draw(st.sampled_from(LAYOUTS))
    batch = 1 if layout == "unbatched" else draw(st.integers(1, 6))
    steps = draw(st.integers(1, max_steps))
    lengths = None
    if layout.startswith(("packed", "list")):
        ends = draw(st.integers(0, 3)) == 0
        pool = st.sampled_from([1, steps]) if ends else st.integers(1, steps)
        lengths = draw(st.lists(pool, min_size=batch, max_size=batch))
        if layout.endswith("_sorted"):
            lengths = sorted(lengths, reverse=True)
        lengths = tuple(lengths)
    return Case(
        mode=mode,
        n_in=draw(st.integers(1, 5)),
        hidden=hidden,
        proj=proj,
        layers=layers,
        bi=draw(st.booleans()),
        batch_first=draw(st.booleans()),
        bias=draw(st.booleans()),
        # 0.5 runs in eval mode; 1.0 in training mode, where dropout zeroes every layer's
        # output but the last's in both (the draws of a mask cannot be compared)
        dropout=draw(st.sampled_from([0.0, 0.0, 0.5, 1.0])),
        batch=batch,
        steps=steps,
        given=draw(st.booleans()),
        layout=layout,
        lengths=lengths,
        seed=draw(st.integers(0, 2**32 - 1)),
    )


@st.composite
def wide_cases(draw) -> Case:
    """A case at the sizes where the step GEMMs may be cut in column blocks
    (recurrent_gates.column_parts): batch 16…48, hidden 64…160 (LSTM: with or without proj),
    T ≤ 20, at most two layers; packed lengths from 1…T with the longest equal to T."""
    case = draw(cases(max_steps=20, max_hidden=2))
    hidden, proj = draw(
        st.sampled_from([(64, 0), (96, 0), (96, 64), (128, 0), (128, 96), (160, 0)])
    )
    batch = 1 if case.layout == "unbatched" else draw(st.sampled_from([16, 32, 33, 48]))
    lengths = None
    if case.packed:
        lengths = [case.steps] + draw(
            st.lists(st.integers(1, case.steps), min_size=batch - 1, max_size=batch - 1)
        )
        if case.enforce_sorted:
            lengths.sort(reverse=True)
        else:
            lengths = draw(st.permutations(lengths))
        lengths = tuple(lengths)
    return dataclasses.replace(
        case,
        hidden=hidden,
        proj=proj if case.mode == "LSTM" else 0,
        batch=batch,
        lengths=lengths,
        layers=min(case.layers, 2),
    )


def make_pair(case: Case, torch, device: str = "cpu"):
    """Our layer (on ``device``) and PyTorch's, in float64 with our weights copied into it; in
    eval mode when 0 < ``dropout`` < 1 (dropout is then off in both), in training mode at 1."""
    kw = {
        "num_layers": case.layers,
        "bias": case.bias,
        "batch_first": case.batch_first,
        "dropout": case.dropout,
        "bidirectional": case.bi,
    }
    if case.mode.startswith("RNN"):
        kw["nonlinearity"] = case.mode[4:].lower()
    if case.proj:
        kw["proj_size"] = case.proj
    name = "RNN" if case.mode.startswith("RNN") else case.mode
    ours = getattr(nn, name)(case.n_in, case.hidden, dtype=ac.float64, **kw)
    with warnings.catch_warnings():  # PyTorch warns about dropout with one layer
        warnings.simplefilter("ignore", UserWarning)
        theirs = getattr(torch.nn, name)(case.n_in, case.hidden, dtype=torch.float64, **kw)
    copy_weights(ours, theirs, torch)
    if 0 < case.dropout < 1:
        ours.eval()
        theirs.eval()
    return ours.to(device), theirs


def copy_weights(ours, theirs, torch, names: dict[str, str] | None = None) -> None:
    """Copy our parameters into ``theirs`` (``names`` maps our names to theirs; else equal)."""
    mine = dict(ours.named_parameters())
    names = names or {n: n for n in mine}
    assert sorted(names.values()) == sorted(n for n, _ in theirs.named_parameters())
    with torch.no_grad():
        for n, t in names.items():
            getattr(theirs, t).copy_(torch.tensor(mine[n].cpu().numpy()))


def layer_inputs(case: Case) -> dict:
    """The arrays of a case: x (its layout's shape, or a list for ``list_*``), the initial
    states (or None), and upstream gradients for the output and each final state."""
    rng = np.random.default_rng(case.seed)
    D, P, H = 1 + case.bi, case.proj or case.hidden, case.hidden
    T, B = case.steps, case.batch
    if case.layout == "unbatched":
        x = rng.standard_normal((T, case.n_in))
    elif case.layout.startswith("list"):
        x = [rng.standard_normal((n, case.n_in)) for n in case.lengths]
    else:
        x = rng.standard_normal((B, T, case.n_in) if case.batch_first else (T, B, case.n_in))
    lead = (case.layers * D,) if case.layout == "unbatched" else (case.layers * D, B)
    sizes = [P, H] if case.mode == "LSTM" else [P]
    states = [rng.standard_normal((*lead, s)) for s in sizes] if case.given else None
    t_out = max(case.lengths) if case.packed else T
    out_shape = (B, t_out) if case.batch_first and case.layout != "unbatched" else (t_out, B)
    out_shape = (T,) if case.layout == "unbatched" else out_shape
    gy = rng.standard_normal((*out_shape, D * P))
    gs = [rng.standard_normal((*lead, s)) for s in sizes]
    return {"x": x, "states": states, "gy": gy, "gs": gs}


def run_layer(case: Case, module, arrays: dict, lib, device: str = "cpu"):
    """Forward and backward of ``module`` (ours with ``lib`` = autograd_core, or PyTorch's):
    returns (padded output, [final states], [grads of the inputs, then of the given initial
    states], {parameter name: grad})."""
    ours = lib is ac
    put = (lambda a, **kw: ac.tensor(a, device=device, **kw)) if ours else lib.tensor
    utils = nn.utils.rnn if ours else lib.nn.utils.rnn
    xs = arrays["x"] if isinstance(arrays["x"], list) else [arrays["x"]]
    leaves = [put(a, requires_grad=True) for a in xs]
    if case.layout.startswith("list"):
        pack = pack_sequence if ours else utils.pack_sequence
        inp = pack(list(leaves), enforce_sorted=case.enforce_sorted)
    elif case.packed:
        pack = pack_padded_sequence if ours else utils.pack_padded_sequence
        lengths = list(case.lengths)
        inp = pack(leaves[0], lengths, case.batch_first, enforce_sorted=case.enforce_sorted)
    else:
        inp = leaves[0]
    hx = None
    if arrays["states"] is not None:
        leaves += [put(s, requires_grad=True) for s in arrays["states"]]
        hx = tuple(leaves[-2:]) if case.mode == "LSTM" else leaves[-1]
    y, states = module(inp, hx)
    if case.packed:
        y = (pad_packed_sequence if ours else utils.pad_packed_sequence)(
            y, batch_first=case.batch_first
        )[0]
    states = states if isinstance(states, tuple) else (states,)
    loss = (y * put(arrays["gy"])).sum()
    for s, g in zip(states, arrays["gs"], strict=True):
        loss = loss + (s * put(g)).sum()
    loss.backward()
    host = (lambda t: t.cpu().numpy()) if ours else (lambda t: t.detach().numpy())
    grads = {n: host(p.grad) for n, p in module.named_parameters()}
    return host(y), [host(s) for s in states], [host(a.grad) for a in leaves], grads


def assert_same(got, want, label: str = "", names: dict[str, str] | None = None) -> None:
    """Compare two ``run_layer``-shaped results to ``TOL`` (``names``: our parameter name →
    theirs, where the two modules name them differently)."""
    close = np.testing.assert_allclose
    assert got[0].shape == want[0].shape, f"{label} output shape {got[0].shape} {want[0].shape}"
    close(got[0], want[0], rtol=0, atol=TOL, err_msg=f"{label} output")
    for k, (a, b) in enumerate(zip(got[1], want[1], strict=True)):
        close(a, b, rtol=0, atol=TOL, err_msg=f"{label} final state {k}")
    for k, (a, b) in enumerate(zip(got[2], want[2], strict=True)):
        close(a, b, rtol=0, atol=TOL, err_msg=f"{label} input grad {k}")
    names = names or {n: n for n in got[3]}
    assert sorted(names.values()) == sorted(want[3]), f"{label} parameters differ"
    for n, t in names.items():
        close(got[3][n], want[3][t], rtol=0, atol=TOL, err_msg=f"{label} grad of {n}")


@dataclass(frozen=True)
class CellCase:
    """A cell run step by step over ``steps`` steps (``batch`` 0: unbatched input)."""

    mode: str
    n_in: int
    hidden: int
    bias: bool
    batch: int
    steps: int
    given: bool
    seed: int


@st.composite
def cell_cases(draw, modes=tuple(MODES), max_steps: int = 40) -> CellCase:
    return CellCase(
        mode=draw(st.sampled_from(modes)),
        n_in=draw(st.integers(1, 5)),
        hidden=draw(st.integers(1, 6)),
        bias=draw(st.booleans()),
        batch=draw(st.integers(0, 6)),
        steps=draw(st.integers(1, max_steps)),
        given=draw(st.booleans()),
        seed=draw(st.integers(0, 2**32 - 1)),
    )


def make_cells(case: CellCase, torch):
    """Our cell, PyTorch's cell and PyTorch's one-layer fused layer, with our cell's weights."""
    name = {"LSTM": "LSTMCell", "GRU": "GRUCell"}.get(case.mode, "RNNCell")
    kw = {"bias": case.bias}
    if case.mode.startswith("RNN"):
        kw["nonlinearity"] = case.mode[4:].lower()
    ours = getattr(nn, name)(case.n_in, case.hidden, dtype=ac.float64, **kw)
    theirs = getattr(torch.nn, name)(case.n_in, case.hidden, dtype=torch.float64, **kw)
    copy_weights(ours, theirs, torch)
    return ours, theirs


def cell_arrays(case: CellCase) -> dict:
    """x (T, B, n_in) (unbatched: (T, n_in)), initial states (B, H) or None, and upstream
    gradients for the stacked outputs (T, B, H) and the final states (B, H)."""
    rng = np.random.default_rng(case.seed)
    lead = (case.batch,) if case.batch else ()
    T, H = case.steps, case.hidden
    n = 2 if case.mode == "LSTM" else 1
    return {
        "x": rng.standard_normal((T, *lead, case.n_in)),
        "states": [rng.standard_normal((*lead, H)) for _ in range(n)] if case.given else None,
        "gy": rng.standard_normal((T, *lead, H)),
        "gs": [rng.standard_normal((*lead, H)) for _ in range(n)],
    }


def run_cell(case: CellCase, cell, arrays: dict, lib):
    """Run ``cell`` over the steps of ``arrays["x"]`` one at a time; returns the same tuple as
    ``run_layer``: (stacked outputs, [final states], [x grad, initial state grads],
    {parameter name: grad})."""
    ours = lib is ac
    x = lib.tensor(arrays["x"], requires_grad=True)
    leaves, state = [x], None
    if arrays["states"] is not None:
        leaves += [lib.tensor(s, requires_grad=True) for s in arrays["states"]]
        state = tuple(leaves[1:]) if case.mode == "LSTM" else leaves[1]
    outs = []
    for t in range(case.steps):
        state = cell(x[t], state)
        outs.append(state[0] if case.mode == "LSTM" else state)
    y = lib.stack(outs, 0)
    finals = state if case.mode == "LSTM" else (state,)
    loss = (y * lib.tensor(arrays["gy"])).sum()
    for s, g in zip(finals, arrays["gs"], strict=True):
        loss = loss + (s * lib.tensor(g)).sum()
    loss.backward()
    host = (lambda t: t.numpy()) if ours else (lambda t: t.detach().numpy())
    grads = {n: host(p.grad) for n, p in cell.named_parameters()}
    return host(y), [host(s) for s in finals], [host(a.grad) for a in leaves], grads


def cell_as_layer(case: CellCase, arrays: dict, ours_cell):
    """Our one-layer fused layer with the cell's weights, run on the same arrays (its final
    states of shape (1, B, H) given and returned as the cell's (B, H)); parameter names as
    the cell's."""
    name = "RNN" if case.mode.startswith("RNN") else case.mode
    kw = {"bias": case.bias}
    if case.mode.startswith("RNN"):
        kw["nonlinearity"] = case.mode[4:].lower()
    layer = getattr(nn, name)(case.n_in, case.hidden, dtype=ac.float64, **kw)
    cell_params = dict(ours_cell.named_parameters())
    with ac.no_grad():
        for n, p in layer.named_parameters():
            p.copy_(cell_params[n.removesuffix("_l0")])
    lift = (lambda a: a[None]) if arrays["states"] is not None else None
    layer_arrays = {
        "x": arrays["x"],
        "states": [lift(s) for s in arrays["states"]] if lift else None,
        "gy": arrays["gy"],
        "gs": [g[None] for g in arrays["gs"]],
    }
    layout = "padded" if case.batch else "unbatched"
    lcase = Case(case.mode, case.n_in, case.hidden, 0, 1, False, False, case.bias, 0.0,
                 case.batch or 1, case.steps, case.given, layout, None, case.seed)  # fmt: skip
    y, states, gx, grads = run_layer(lcase, layer, layer_arrays, ac)
    grads = {n.removesuffix("_l0"): g for n, g in grads.items()}
    return y, [s[0] for s in states], gx[:1] + [g[0] for g in gx[1:]], grads
