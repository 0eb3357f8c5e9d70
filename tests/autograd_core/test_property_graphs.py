"""Property test: random small graphs of registered ops, forward against the NumPy references of
the op database and gradients against float64 central differences of that NumPy graph (and,
with torch installed, both against PyTorch).

The ops are taken from ``OP_DB`` by what their samples look like: every differentiable op with
a NumPy reference whose sample cases take float arrays and return one float array. Elementwise
ops (one or two arrays in, their broadcast shape out, no keyword arguments) take any values
whose shapes broadcast; the others (reductions, softmax, matmul, norms ...) take values of
exactly the shapes of one of their sample cases, with that case's keyword arguments. An op's
domain is read from its samples too: the widest interval its sample values fill without a gap
(log: [0.2, 3]; reciprocal: the positive branch of |x| ∈ [0.5, 2]). A value that leaves an
op's domain enters it through ``mid + half · tanh(v)``, itself part of the graph.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import autograd_core as ac
from autograd_core.testing.op_db import OP_DB, OpSpec

SHAPES = [(), (3,), (2, 1), (2, 3)]  # any two broadcast together
TIE_MARGIN = 1e-2  # maximum/minimum switch where the operands tie: keep them apart
PROPERTY = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,  # the same 60 graphs on every run: `make test` stays deterministic
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _domain(values: np.ndarray) -> tuple[float, float]:
    """The widest gap-free interval filled by the sample values of one argument."""
    v = np.sort(values)
    gap = 10 * (v[-1] - v[0]) / len(v)  # far wider than the spacing of uniform samples
    breaks = np.flatnonzero(np.diff(v) > gap)
    starts = np.concatenate([[0], breaks + 1])
    ends = np.concatenate([breaks, [len(v) - 1]])
    k = int(np.argmax(v[ends] - v[starts]))
    return float(v[starts[k]]), float(v[ends[k]])


@dataclass
class Candidate:
    """An op the programs may use: its spec, the domain of each argument, and either None
    (elementwise: any shapes that broadcast) or the (kwargs, argument shapes) of its sample
    cases (reductions, softmax, matmul ...: only values of exactly those shapes go in)."""

    spec: OpSpec
    domains: tuple[tuple[float, float], ...]
    templates: list[tuple[dict[str, Any], tuple[tuple[int, ...], ...]]] | None


def _usable(spec: OpSpec, case: Any) -> bool:
    """Float arrays in (nothing else positional), one float array out, from the reference."""
    if not all(isinstance(a, np.ndarray) and a.dtype.kind == "f" for a in case.args):
        return False
    try:
        with np.errstate(all="ignore"):
            out = spec.ref(*case.args, **case.kwargs)
    except (ValueError, TypeError):
        return False
    return isinstance(out, np.ndarray | np.floating) and np.asarray(out).dtype.kind == "f"


def _is_elementwise(spec: OpSpec, cases: list[Any]) -> bool:
    for c in cases:
        if c.kwargs or len(c.args) not in (1, 2):
            return False
        try:  # (matmul's shapes do not broadcast)
            shape = np.broadcast_shapes(*[a.shape for a in c.args])
        except ValueError:
            return False
        if np.shape(spec.ref(*c.args)) != shape:
            return False
    return len({len(c.args) for c in cases}) == 1


@functools.cache
def _candidate_ops() -> dict[str, Candidate]:
    """The differentiable ops of the op database with a NumPy reference whose sample cases
    take float arrays and return one float array."""
    found = {}
    for spec in OP_DB:
        if not spec.differentiable or spec.ref is None or spec.grad_args is not None:
            continue
        cases = spec.cases(0)
        if not cases or not all(_usable(spec, c) for c in cases):
            continue
        arity = len(cases[0].args)
        if any(len(c.args) != arity for c in cases):
            continue
        samples = [np.concatenate([c.args[i].ravel() for c in cases]) for i in range(arity)]
        if any(s.size == 0 for s in samples):
            continue
        domains = tuple(_domain(s) for s in samples)
        if _is_elementwise(spec, cases):
            found[spec.name] = Candidate(spec, domains, None)
            continue
        # (a case whose output is empty, diagonal past the matrix's end, would feed an empty
        # value to the next step)
        templates = [
            (dict(c.kwargs), tuple(a.shape for a in c.args))
            for c in cases
            if all(0 < a.size <= 24 for a in c.args) and np.size(spec.ref(*c.args, **c.kwargs))
        ]
        if templates:
            found[spec.name] = Candidate(spec, domains, templates)
    return found


@dataclass
class Step:
    """One op of a program: its name and, per argument, the value it reads (``("leaf", i)`` or
    ``("step", j)``) and the interval that value is squashed into (None: used as it is)."""

    op: str
    sources: list[tuple[str, int]]
    squash: list[tuple[float, float] | None]
    kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass
class Program:
    """A random graph: leaf values, steps, and one weight array per step for the loss
    ℒ = Σⱼ Σ wⱼ ⊙ valueⱼ (so every step reaches the loss)."""

    leaves: list[np.ndarray] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    weights: list[np.ndarray] = field(default_factory=list)

    def run(self, leaves: list[Any], backend: Any) -> tuple[list[Any], Any]:
        """The value of every step and the loss, computed with the NumPy references
        (``"numpy"``), this project (``"ours"``) or PyTorch (the torch module)."""
        ops = _candidate_ops()
        values: dict[str, list[Any]] = {"leaf": list(leaves), "step": []}
        loss = 0.0
        for step, w in zip(self.steps, self.weights):
            spec, kw = ops[step.op].spec, step.kwargs
            args = [
                _squash(values[kind][i], box, backend)
                for (kind, i), box in zip(step.sources, step.squash)
            ]
            if backend == "numpy":
                y = np.asarray(spec.ref(*args, **kw), dtype=np.float64)
            elif backend == "ours":
                y = spec.op(*args, **kw)
            else:
                y = spec.torch_fn(*args, **kw)
            values["step"].append(y)
            loss = loss + (y * _const(w, backend)).sum()
        return values["step"], loss


def _squash(v: Any, box: tuple[float, float] | None, backend: Any) -> Any:
    if box is None:
        return v
    lo, hi = box
    mid, half = (lo + hi) / 2, 0.98 * (hi - lo) / 2
    if backend == "numpy":
        return mid + half * np.tanh(v)
    return mid + half * v.tanh()


def _const(w: np.ndarray, backend: Any) -> Any:
    if backend == "numpy":
        return w
    if backend == "ours":
        return ac.tensor(w, dtype=ac.float64)
    return backend.tensor(w, dtype=backend.float64)


def _broadcasts(*shapes: tuple[int, ...]) -> bool:
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        return False
    return True


def _fits(shape: tuple[int, ...], wanted: tuple[int, ...] | None, others: list[Any]) -> bool:
    """Whether a value of ``shape`` may be the next argument: exactly the shape of the chosen
    sample case for a non-elementwise op, else broadcasting with the arguments so far."""
    return shape == wanted if wanted is not None else _broadcasts(shape, *others)


@st.composite
def programs(draw: st.DrawFn) -> Program:
    ops = _candidate_ops()
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1), label="seed"))
    prog = Program()
    for _ in range(draw(st.integers(1, 3), label="leaves")):
        prog.leaves.append(rng.uniform(-2.0, 2.0, draw(st.sampled_from(SHAPES))))
    outputs: list[np.ndarray] = []

    def value(src: tuple[str, int]) -> np.ndarray:
        return prog.leaves[src[1]] if src[0] == "leaf" else outputs[src[1]]

    for _ in range(draw(st.integers(1, 6), label="steps")):
        name = draw(st.sampled_from(sorted(ops)))
        cand = ops[name]
        spec = cand.spec
        kwargs: dict[str, Any] = {}
        if cand.templates is None:
            shapes: list[tuple[int, ...] | None] = [None] * len(cand.domains)
        else:
            kwargs, fixed = draw(st.sampled_from(cand.templates), label="case")
            shapes = list(fixed)
        sources: list[tuple[str, int]] = []
        squash, args = [], []
        for (lo, hi), shape in zip(cand.domains, shapes):
            # an earlier value that fits (each at most once: one value in both arguments of
            # maximum would tie), or a new leaf drawn inside the domain
            known = [("leaf", i) for i in range(len(prog.leaves))]
            known += [("step", j) for j in range(len(outputs))]
            others = [a.shape for a in args]
            fits = [s for s in known if s not in sources and _fits(value(s).shape, shape, others)]
            src = draw(st.sampled_from([*fits, None]), label="source")
            if src is None:
                if shape is None:
                    shape = draw(st.sampled_from([s for s in SHAPES if _broadcasts(s, *others)]))
                prog.leaves.append(rng.uniform(lo, hi, shape))
                src = ("leaf", len(prog.leaves) - 1)
            v = value(src)
            box = None if lo <= v.min() and v.max() <= hi else (lo, hi)
            sources.append(src)
            squash.append(box)
            args.append(_squash(v, box, "numpy"))
        for a in args:  # declared kinks (relu at 0) are kept out of reach of the check
            for kink in spec.kinks:
                assume(np.all(np.abs(a - kink) > spec.kink_margin))
        if cand.templates is None and len(args) == 2:
            assume(np.all(np.abs(args[0] - args[1]) > TIE_MARGIN))
        try:
            with np.errstate(all="ignore"):
                y = np.asarray(spec.ref(*args, **kwargs), dtype=np.float64)
        except (ValueError, OverflowError):  # math.lgamma(-1.0): "math domain error"
            assume(False)
        assume(np.all(np.isfinite(y)) and np.abs(y).max(initial=0) < 1e4)
        prog.steps.append(Step(name, sources, squash, kwargs))
        prog.weights.append(rng.uniform(-1.0, 1.0, y.shape))
        outputs.append(y)
    return prog


def _numeric_grads(prog: Program, eps: float = 1e-6) -> list[np.ndarray]:
    """Central differences of the NumPy program's loss in each leaf element."""
    grads = []
    for i, x in enumerate(prog.leaves):
        g = np.zeros_like(x)
        for idx in np.ndindex(x.shape):
            hi = [a.copy() for a in prog.leaves]
            lo = [a.copy() for a in prog.leaves]
            hi[i][idx] += eps
            lo[i][idx] -= eps
            g[idx] = (prog.run(hi, "numpy")[1] - prog.run(lo, "numpy")[1]) / (2 * eps)
        grads.append(g)
    return grads


def test_the_property_test_covers_the_elementwise_ops():
    ops = _candidate_ops()
    assert {"add", "mul", "div", "pow", "maximum", "exp", "log", "tanh", "relu"} <= set(ops)
    assert {"sum", "matmul", "softmax"} <= set(ops)
    assert ops["add"].templates is None and ops["sum"].templates
    assert ops["log"].domains[0][0] > 0  # log's domain read from its samples
    assert ops["reciprocal"].domains[0][0] > 0  # one branch, not across the pole


def _check_against_numpy(prog: Program) -> None:
    leaves = [ac.tensor(x, dtype=ac.float64, requires_grad=True) for x in prog.leaves]
    values, loss = prog.run(leaves, "ours")
    ref_values, _ = prog.run(prog.leaves, "numpy")
    for ours, ref in zip(values, ref_values):
        assert ours.dtype == ac.float64
        np.testing.assert_allclose(ours.data, ref, rtol=1e-10, atol=1e-12)
    grads = ac.grad(loss, leaves, allow_unused=True)
    for g, num, x in zip(grads, _numeric_grads(prog), prog.leaves):
        got = np.zeros_like(x) if g is None else g.data
        np.testing.assert_allclose(got, num, rtol=1e-4, atol=1e-6)


@PROPERTY
@given(prog=programs())
def test_random_graphs_match_numpy_references_and_numeric_gradients(prog):
    _check_against_numpy(prog)


@PROPERTY
@given(prog=programs())
def test_random_graphs_match_torch(torch, prog):
    assume(all(_candidate_ops()[s.op].spec.torch_fn is not None for s in prog.steps))
    _check_against_torch(prog, torch)


def _check_against_torch(prog: Program, torch: Any) -> None:
    leaves = [ac.tensor(x, dtype=ac.float64, requires_grad=True) for x in prog.leaves]
    tleaves = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in prog.leaves]
    values, loss = prog.run(leaves, "ours")
    tvalues, tloss = prog.run(tleaves, torch)
    for ours, theirs in zip(values, tvalues):
        np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-10, atol=1e-12)
    grads = ac.grad(loss, leaves, allow_unused=True)
    tgrads = torch.autograd.grad(tloss, tleaves, allow_unused=True)
    for g, tg, x in zip(grads, tgrads, prog.leaves):
        got = np.zeros_like(x) if g is None else g.data
        want = np.zeros_like(x) if tg is None else tg.numpy()
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


@pytest.mark.slow
@settings(
    max_examples=1000,
    # the same graphs every run in `make test-slow` (CI), so that a failure is the code's, not
    # the draw's; new ones with AUTOGRAD_CORE_FUZZ_EXPLORE set (`make fuzz`-style exploring)
    derandomize=not os.environ.get("AUTOGRAD_CORE_FUZZ_EXPLORE"),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(prog=programs())
def test_random_graphs_many_examples(request, prog):
    """The NumPy property over 1,000 random graphs, with ``pytest -m slow``."""
    if "slow" not in (request.config.getoption("markexpr") or ""):
        pytest.skip("1,000 random graphs: use `pytest -m slow` (make test-slow)")
    _check_against_numpy(prog)
