"""Runs one random short program of views, in-place ops and autograd calls on ours and on torch
in lockstep (test_program_fuzz.py draws them): each step is drawn from the state torch is in
(shapes, values, which tensors require grad), applied to both libraries, and then every tensor
of the program, every leaf's ``.grad``, every retained gradient and every hook's call count is
compared. A step after which torch raised must raise in ours too (any of our typed errors), and
one that torch runs must run in ours, except for the kept differences named in
``KEPT_REFUSALS`` (ours raises a GraphError where torch computes); the program stops at the
first step that raises.

A program lives in ``slots``: one (ours, torch) pair of tensors per value it made, leaves first.
A step is a plain tuple ``(kind, slot, arguments...)`` so that a failing program prints as
something one can paste into a regression test.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import program_fuzz_more as more
import torch

import autograd_core as ac
from autograd_core import version

RTOL, ATOL = 1e-10, 1e-12


@dataclass
class Lib:
    """What the interpreter needs from one library, spelled as that library spells it."""

    name: str
    mod: Any
    no_grad: Any
    grad: Any
    errors: tuple[type[BaseException], ...]

    def tensor(self, array: Any, requires_grad: bool = False) -> Any:
        a = np.asarray(array)
        if a.dtype == np.float64:
            return self.mod.tensor(a, dtype=self.mod.float64, requires_grad=requires_grad)
        return self.mod.tensor(a)


OURS = Lib("ours", ac, ac.no_grad, ac.grad, (ac.errors.AutogradError,))
TORCH = Lib("torch", torch, torch.no_grad, torch.autograd.grad, (Exception,))


def numpy_of(t: Any) -> np.ndarray:
    return np.array(t.detach().numpy())


@dataclass
class Hook:
    """A gradient hook that scales by ``scale`` and counts its calls with a gradient. (torch
    also calls a hook on one output of a multi-output node (split's pieces) with None when only
    other outputs got gradients: a ``g * 2`` hook raises there. Ours calls hooks only with a
    gradient, a kept difference; the None calls are not counted.)"""

    scale: float
    calls: int = 0

    def __call__(self, g: Any) -> Any:
        if g is None:
            return None
        self.calls += 1
        return g * self.scale


@dataclass
class Side:
    """One library's half of the program's state."""

    lib: Lib
    slots: list[Any] = field(default_factory=list)
    hooks: list[Hook] = field(default_factory=list)
    grads: list[Any] = field(default_factory=list)  # the last autograd.grad answer
    swept: bool = False  # whether a backward or grad ran (K5 needs one)


def _binary(lib: Lib, s: Side, step: tuple) -> Any:
    _, i, op, j, c = step
    x = s.slots[i]
    y = c if j is None else s.slots[j]
    if op == "mul":
        return x * y
    if op == "div":
        return x / y
    if op == "pow":
        return x**c
    if op == "matmul":
        return x @ (lib.tensor(np.asarray(c)) if j is None else y)
    raise AssertionError(op)


_UNARY = {"exp", "sigmoid", "tanh", "sqrt", "abs", "neg", "relu"}
_INPLACE_UNARY = {"relu_", "sigmoid_", "exp_", "tanh_", "zero_", "detach_", "clone"}


def _view(lib: Lib, s: Side, step: tuple) -> Any:
    _, i, op, *a = step
    x = s.slots[i]
    if op == "getitem":
        return x[a[0]]
    if op == "view_as":
        return x.view_as(s.slots[a[0]])
    if op in ("t", "mT", "flatten"):
        return x.t() if op == "t" else x.mT if op == "mT" else x.flatten()
    if op == "as_strided":
        return lib.mod.as_strided(x, *a)
    if op in ("split", "chunk", "unbind"):
        return list(getattr(x, op)(*a))
    return getattr(x, op)(*a)


def _inplace(lib: Lib, s: Side, step: tuple) -> Any:
    _, i, op, *a = step
    x = s.slots[i]
    a = [s.slots[v[1]] if isinstance(v, tuple) and v[:1] == ("slot",) else v for v in a]
    a = [lib.tensor(v) if isinstance(v, np.ndarray) else v for v in a]
    if op == "setitem":
        x[a[0]] = a[1]
    elif op in ("add_", "sub_", "mul_", "div_", "clamp_", "fill_", "copy_", "masked_fill_"):
        getattr(x, op)(*a)
    elif op == "index_add_":
        x.index_add_(a[0], a[1], a[2], alpha=a[3])
    elif op == "scatter_":
        x.scatter_(a[0], a[1], value=a[2])
    elif op in more.METHODS:
        more.run_method(x, op, a)
    elif op in _INPLACE_UNARY:
        if op == "clone":
            return x.clone()
        getattr(x, op)()
    else:
        raise AssertionError(op)
    return None


def _autograd(lib: Lib, s: Side, step: tuple) -> Any:
    _, i, op, *a = step
    x = s.slots[i]
    if op == "detach":
        return x.detach()
    if op == "requires_grad_":
        x.requires_grad_()
    elif op == "retain_grad":
        x.retain_grad()
    elif op == "hook":
        hook = Hook(a[0])
        s.hooks.append(hook)
        x.register_hook(hook)
    elif op in ("backward", "grad"):
        weights, how, retain = a
        w = lib.tensor(weights)
        if how == "gradient":
            out, seed = x, w
        else:
            out, seed = (x * w).sum(), None
        s.swept = True
        if op == "backward":
            out.backward(seed, retain_graph=retain)
        else:
            leaves = [t for t in s.slots if t.is_leaf and t.requires_grad]
            s.grads = list(lib.grad([out], leaves, seed, retain_graph=retain, allow_unused=True))
    else:
        raise AssertionError(op)
    return None


def execute(s: Side, step: tuple) -> None:
    """Apply ``step`` to one side; new tensors are appended to its slots."""
    lib = s.lib
    kind = step[0]
    if kind == "nograd":
        with lib.no_grad():
            return execute(s, step[1])
    if kind == "unary":
        _, i, op = step
        x = s.slots[i]
        new = lib.mod.relu(x) if op == "relu" else getattr(x, op)()
    elif kind == "binary":
        new = _binary(lib, s, step)
    elif kind == "view":
        new = _view(lib, s, step)
    elif kind == "inplace":
        new = _inplace(lib, s, step)
    elif kind == "autograd":
        new = _autograd(lib, s, step)
    else:
        raise AssertionError(kind)
    if new is not None:
        s.slots.extend(new if isinstance(new, list) else [new])
    return None


class Mismatch(AssertionError):
    pass


# -- kept differences, accepted here by name and nowhere else --------------------------------
# Each is "ours raises a GraphError where torch computes a (correct) gradient": ours refuses a
# gradient it cannot compute as torch, it never computes a different one. Each is pinned by a
# fixed case in test_program_fuzz_regressions.py (test_kept_*). The program ends there. An
# error is told by its ``reason`` (autograd_core.errors.REASONS), set where it is raised, not by
# its words, so that a refusal raised elsewhere with like words is not taken for one of these.
KEPT_REFUSALS = {
    # K1: a tensor without a node on memory that a recorded in-place op wrote after it was made
    # (a view taken before its base joined the graph, another view of a base written through
    # one view): torch makes it a non-leaf (AsStrided of the base's CopySlices), and so does
    # ours when the view is read (inplace_views.regenerated). Left: the tensors no base can be
    # found for (a view made under no_grad, which torch refuses to describe too), where ours
    # refuses to use it with grad on (version.refuse_stale); until then compare() accepts its
    # leaf flags (``_stale``). (The base itself joins the graph, as in torch.)
    "K1 stale tensor without a node": "stale-tensor",
    # (K2, an op that saved nothing whose input a later in-place op rebound, is closed: its
    # gradient reaches the old value's node, as torch's saved edge: version.mark_rebound)
    # K3: a view with a node taken before its memory was written in place (through its base or
    # another view), then read: torch regenerates its grad_fn, and so does ours now, as the
    # op that reads it runs (inplace_views.regenerated). Left: the cases that cannot be
    # regenerated (a base that is itself stale), where ours refuses at backward
    "K3 stale node": "stale-node",
    # K4: an in-place write into overlapping elements that are not zero-stride (as_strided
    # windows): torch writes an order-dependent result, ours refuses (inplace_views.py)
    "K4 overlapping elements": "overlapping-elements",
    # K5: a second backward without retain_graph through nodes that saved nothing (clone):
    # torch runs it, ours refuses every released node (a GraphFreedError, which has no reason)
    "K5 second backward": None,
    # K6: an operand that partly overlaps the elements written, where torch cannot tell (both
    # not dense: x[:, 1:] = x[:, :-1]) and writes an order-dependent result; ours refuses as
    # torch does when it can tell (inplace_views.refuse_partial_overlap)
    "K6 partial overlap": "partial-overlap",
    # K7: an index assignment into an expanded tensor whose indexed part does not overlap
    # (x.expand(2, 3)[0] = v): torch writes x through it, ours's expanded arrays are read-only
    "K7 write into an expanded tensor": "expanded-write",
    # K8: sigmoid's input written in place before backward: torch's VJP reads only the output,
    # ours also reads x in a recorded backward (σ(−x) without the cancellation of 1 − y)
    "K8 sigmoid reads its input": "input-modified",
    # K9: a leaf that requires grad reshaped in place under no_grad (x.t_(), squeeze_ ...)
    # after a node used it: torch's gradient then fails on the shape, or fills .grad with the
    # old shape or misaligned with x's elements; ours refuses (inplace_shape.py)
    "K9 leaf reshaped under no_grad": "leaf-reshaped",
    # K10: a write into a view of a tensor that as_strided_ has since made smaller than the
    # view: torch writes it and then fails every backward through it ("setStorage: ... out
    # of bounds for storage"); ours refuses the write (inplace_views.view_base)
    "K10 base no longer holds the view": "view-outside-base",
}


def kept_refusal(error: BaseException) -> str | None:
    """The name of the kept difference that ``error`` (ours) is, or None."""
    if isinstance(error, ac.errors.GraphFreedError):
        return "K5 second backward"
    reason = getattr(error, "reason", None)
    if not isinstance(error, ac.GraphError) or reason is None:
        return None
    if reason == "input-modified" and not str(error).startswith("sigmoid: input 0 "):
        return None  # (K8 is sigmoid's alone: every other op reads as torch's does)
    return next((k for k, r in KEPT_REFUSALS.items() if r == reason), None)


def _stale(ours: Any, theirs: Any) -> bool:
    """K1 before the tensor is used: ours a leaf that does not require grad and that
    version.stale_leaf names, torch a non-leaf that requires grad."""
    return (ours.requires_grad, ours.is_leaf, theirs.requires_grad, theirs.is_leaf) == (
        False,
        True,
        True,
        False,
    ) and version.stale_leaf(ours) > 0


def _same(what: str, a: Any, b: Any) -> None:
    if (a is None) != (b is None):
        raise Mismatch(
            f"{what}: ours {'None' if a is None else 'a tensor'}, torch "
            f"{'None' if b is None else 'a tensor'}"
        )
    if a is None:
        return
    x, y = numpy_of(a), numpy_of(b)
    if x.shape != y.shape:
        raise Mismatch(f"{what}: shape ours {x.shape}, torch {y.shape}")
    np.testing.assert_allclose(x, y, rtol=RTOL, atol=ATOL, equal_nan=True, err_msg=what)


# torch's refusals to say whether a view is a leaf after its base was written in place: one of
# several views an op returned (split, unbind), or a view made under no_grad and its base
# written with grad on. Ours refuses such a view too (an in-place op on it; K1 for a recorded
# use), but the program ends there, unchecked beyond that step.
TORCH_UNDESCRIBED = (
    "This view is the output of a function that returns multiple views",
    "A view was created in no_grad mode and its base or another view of its base has been",
)


def compare(ours: Side, theirs: Side, retained: set[int]) -> bool:
    """Everything the two sides can be asked: values, flags, gradients, hook counts. False
    when torch refuses to describe a tensor (``TORCH_UNDESCRIBED``): the program ends."""
    assert len(ours.slots) == len(theirs.slots), "different number of slots"
    for k, (a, b) in enumerate(zip(ours.slots, theirs.slots, strict=True)):
        _same(f"slot {k} value", a, b)
        try:
            their_flags = (b.requires_grad, b.is_leaf)
        except RuntimeError as e:
            if any(words in str(e) for words in TORCH_UNDESCRIBED):
                return False
            raise
        if (a.requires_grad, a.is_leaf) != their_flags and not _stale(a, b):
            raise Mismatch(
                f"slot {k}: (requires_grad, is_leaf) ours "
                f"{(a.requires_grad, a.is_leaf)}, torch {(b.requires_grad, b.is_leaf)}"
            )
        if b.is_leaf or k in retained:
            _same(f"slot {k} .grad", a.grad, b.grad)
    assert [h.calls for h in ours.hooks] == [h.calls for h in theirs.hooks], (
        f"hook calls ours {[h.calls for h in ours.hooks]}, torch {[h.calls for h in theirs.hooks]}"
    )
    assert len(ours.grads) == len(theirs.grads)
    for k, (a, b) in enumerate(zip(ours.grads, theirs.grads, strict=True)):
        _same(f"autograd.grad result {k}", a, b)
    return True


def run_step(ours: Side, theirs: Side, step: tuple, retained: set[int]) -> bool:
    """Apply ``step`` to both sides and compare; False when both raised (the program ends)."""
    if more.rounding_apart(ours, theirs, step, numpy_of):
        return False
    outcome = []
    for s in (ours, theirs):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                execute(s, step)
            outcome.append(None)
        except s.lib.errors as e:
            outcome.append(e)
    a, b = outcome
    if b is not None and a is None:
        if "INTERNAL ASSERT FAILED" in str(b):  # (torch's own bug: no answer to compare with)
            return False
        raise Mismatch(f"torch raised, ours did not, at {step}: {type(b).__name__}: {b}")
    if a is not None and b is None:
        kept = kept_refusal(a)
        if kept and (ours.swept or not kept.startswith("K5")):  # (K5 after a backward only)
            return False
        raise Mismatch(f"ours raised, torch did not, at {step}: {type(a).__name__}: {a}")
    if a is not None:
        return False
    if step[0] == "autograd" and step[2] == "retain_grad" and not theirs.slots[step[1]].is_leaf:
        retained.add(step[1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return compare(ours, theirs, retained)


def start(leaves: list[tuple[np.ndarray, bool]]) -> tuple[Side, Side]:
    """Both sides with the same float64 leaves (array, requires_grad)."""
    sides = Side(OURS), Side(TORCH)
    for s in sides:
        s.slots = [s.lib.tensor(a, rg) for a, rg in leaves]
    return sides


def run_program(leaves: list[tuple[np.ndarray, bool]], steps: list[tuple]) -> None:
    """Run a fixed program (the regression tests' form)."""
    ours, theirs = start(leaves)
    retained: set[int] = set()
    for step in steps:
        if not run_step(ours, theirs, step, retained):
            return
