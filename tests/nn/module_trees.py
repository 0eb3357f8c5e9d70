"""Random module trees built the same way in our nn and in torch.nn, for the differential fuzz
tests of the Module API (test_module_fuzz.py, test_module_fuzz_state.py).

A *plan* is plain data drawn by hypothesis (``plans(depth)``): nested tuples naming leaf layers
(Linear, Conv1d, BatchNorm1d, LayerNorm, Embedding, GRU, Dropout, Identity), containers
(Sequential, ModuleList, ModuleDict) and custom Modules whose ``__init__`` is a list of
operations: parameters and buffers registered by attribute or by ``register_*`` (None ones,
persistent=False ones, integer ones), children added by attribute or ``add_module``, a module
or Parameter built earlier registered again (shared), ``del``, reassignment (None, a plain
tensor, a new Parameter, a module) and ``requires_grad_(False)``. ``build(lib, plan)`` replays
the plan against one library and returns a ``Built``: the root, every module and Parameter in
creation order (so that ids map to the same positions in both trees) and the log of each
operation's outcome (None, or the exception type it raised), which the tests compare.

Import it as the other helpers in tests/ are imported: ``from module_trees import ...``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from hypothesis import strategies as st

import autograd_core as ac

LEAVES = ["Linear", "Conv1d", "BatchNorm1d", "LayerNorm", "Embedding", "GRU", "Dropout", "Identity"]
# "forward" is a class attribute: registering it must fail as torch's hasattr check does
NAMES = ["a", "b", "c", "w", "forward"]


def lib_of(lib: str) -> Any:
    if lib == "ours":
        import nn

        return nn
    import torch

    return torch.nn


def tensor(lib: str, array: np.ndarray) -> Any:
    if lib == "ours":
        return ac.tensor(array)
    import torch

    return torch.tensor(array)


def numpy(t: Any) -> np.ndarray:
    return t.numpy() if isinstance(t, ac.Tensor) else t.detach().numpy()


_CUSTOM: dict[str, type] = {}


def custom_class(lib: str, keeps_eval: bool) -> type:
    """A Module subclass with no forward of its own; with ``keeps_eval`` it overrides
    ``train`` to keep its first child in eval mode (a frozen backbone), which ``train()`` on
    an ancestor must respect (torch's ``train`` calls each child's ``train``)."""
    key = f"{lib}-{keeps_eval}"
    if key not in _CUSTOM:
        base = lib_of(lib).Module

        class Custom(base):  # type: ignore[misc, valid-type]
            def __init__(self) -> None:
                super().__init__()

        class KeepsEval(Custom):
            def train(self, mode: bool = True) -> Any:
                super().train(mode)
                for child in self.children():
                    child.train(False)
                    break
                return self

        _CUSTOM[key] = KeepsEval if keeps_eval else Custom
    return _CUSTOM[key]


# -- plans -------------------------------------------------------------------------------

small = st.integers(1, 3)
names = st.sampled_from(NAMES)


@st.composite
def leaf_plans(draw: Any) -> tuple:
    return ("leaf", draw(st.sampled_from(LEAVES)), draw(small), draw(small), draw(st.booleans()))


def _shape() -> Any:
    return st.lists(st.integers(0, 3), min_size=0, max_size=2).map(tuple)


def _ops(child: Any) -> Any:
    ref = st.integers(0, 50)
    return st.one_of(
        st.tuples(st.just("param"), names, _shape(), st.sampled_from(["attr", "register"])),
        st.tuples(st.just("param_none"), names),
        st.tuples(st.just("buffer"), names, _shape(), st.booleans(), st.booleans()),
        st.tuples(st.just("buffer_none"), names, st.booleans()),
        st.tuples(st.just("child"), names, child, st.sampled_from(["attr", "add_module"])),
        st.tuples(st.just("child_none"), names),
        st.tuples(st.just("share_param"), names, ref),
        st.tuples(st.just("share_module"), names, ref),
        st.tuples(st.just("del"), ref),
        st.tuples(st.just("reassign"), ref, st.sampled_from(["none", "tensor", "param", "module"])),
        st.tuples(st.just("freeze"), ref),
    )


def plans(depth: int = 3) -> Any:
    """A strategy for plans of trees at most ``depth`` levels deep below the root."""
    if depth == 0:
        return leaf_plans()
    child = plans(depth - 1)
    keys = st.sampled_from(["p", "q", "r", "s"])
    return st.one_of(
        leaf_plans(),
        st.tuples(st.just("shared"), st.integers(0, 50)),
        st.tuples(st.just("Sequential"), st.lists(child, max_size=3)),
        st.tuples(st.just("ModuleList"), st.lists(child, max_size=3)),
        st.tuples(st.just("ModuleDict"), st.lists(st.tuples(keys, child), max_size=3)),
        st.tuples(st.just("Custom"), st.booleans(), st.lists(_ops(child), max_size=6)),
    )


def root_plans(depth: int = 3) -> Any:
    """Plans whose root is a container or custom module (a bare leaf tests little)."""
    return plans(depth).filter(lambda p: p[0] not in ("leaf", "shared"))


# -- building ----------------------------------------------------------------------------


@dataclass
class Built:
    lib: str
    root: Any = None
    modules: list = field(default_factory=list)
    params: list = field(default_factory=list)
    log: list = field(default_factory=list)

    def index(self, obj: Any) -> int:
        """The creation position of a module or Parameter (the same object in both trees)."""
        for i, m in enumerate(self.modules):
            if m is obj:
                return i
        for i, p in enumerate(self.params):
            if p is obj:
                return 1000 + i
        return -1


def _leaf(L: Any, kind: str, a: int, b: int, flag: bool) -> Any:
    if kind == "Linear":
        return L.Linear(a, b, bias=flag)
    if kind == "Conv1d":
        return L.Conv1d(a, b, 2, bias=flag)
    if kind == "BatchNorm1d":
        return L.BatchNorm1d(a, affine=flag)
    if kind == "LayerNorm":
        return L.LayerNorm(a, elementwise_affine=flag)
    if kind == "Embedding":
        return L.Embedding(a + 1, b)
    if kind == "GRU":
        return L.GRU(a, b, num_layers=2 if flag else 1, bias=flag)
    if kind == "Dropout":
        return L.Dropout(0.25 * a)
    return L.Identity()


def build(lib: str, plan: tuple, seed: int = 0) -> Built:
    """Replay ``plan`` with library ``lib`` ("ours" or "torch")."""
    out = Built(lib)
    rng = np.random.default_rng(seed)
    out.root = _node(out, plan, rng)
    if out.root is None:
        out.root = lib_of(lib).Sequential()
    return out


def _node(out: Built, plan: tuple, rng: np.random.Generator) -> Any:
    L = lib_of(out.lib)
    tag = plan[0]
    if tag == "shared":
        return out.modules[plan[1] % len(out.modules)] if out.modules else None
    if tag == "leaf":
        m = _leaf(L, *plan[1:])
        for p in m.parameters():
            out.params.append(p)
    elif tag in ("Sequential", "ModuleList"):
        kids = [k for k in (_node(out, c, rng) for c in plan[1]) if k is not None]
        m = L.Sequential(*kids) if tag == "Sequential" else L.ModuleList(kids)
    elif tag == "ModuleDict":
        m = L.ModuleDict()
        for key, c in plan[1]:
            kid = _node(out, c, rng)
            if kid is not None:
                m[key] = kid
    else:
        m = custom_class(out.lib, plan[1])()
        done: list[str] = []
        for op in plan[2]:
            out.log.append(_apply_op(out, m, op, done, rng))
    out.modules.append(m)
    return m


def _apply_op(out: Built, m: Any, op: tuple, done: list[str], rng: np.random.Generator) -> Any:
    """Run one operation of a custom module's plan; returns None or the exception type."""
    L = lib_of(out.lib)
    kind = op[0]
    # draw the random values first so that both libraries consume the generator alike
    values = rng.standard_normal(op[2]).astype(np.float32) if kind in ("param", "buffer") else None
    try:
        if kind == "param":
            p = L.Parameter(tensor(out.lib, values))
            out.params.append(p)
            if op[3] == "attr":
                setattr(m, op[1], p)
            else:
                m.register_parameter(op[1], p)
        elif kind == "param_none":
            m.register_parameter(op[1], None)
        elif kind == "buffer":
            t = tensor(out.lib, values.astype(np.int64) if op[4] else values)
            m.register_buffer(op[1], t, persistent=op[3])
        elif kind == "buffer_none":
            m.register_buffer(op[1], None, persistent=op[2])
        elif kind == "child":
            kid = _node(out, op[2], rng)
            if op[3] == "attr":
                setattr(m, op[1], kid)
            else:
                m.add_module(op[1], kid)
        elif kind == "child_none":
            m.add_module(op[1], None)
        elif kind == "share_param":
            if out.params:
                setattr(m, op[1], out.params[op[2] % len(out.params)])
        elif kind == "share_module":
            if out.modules:
                m.add_module(op[1], out.modules[op[2] % len(out.modules)])
        elif kind in ("del", "reassign", "freeze"):
            if not done:
                return None
            name = done[op[1] % len(done)]
            if kind == "del":
                delattr(m, name)
            elif kind == "freeze":
                getattr(m, name).requires_grad_(False)
            else:
                setattr(m, name, _replacement(out, op[2]))
        if kind not in ("del", "reassign", "freeze") and op[1] not in done:
            done.append(op[1])
        return None
    except Exception as e:  # the tests compare the types the two libraries raised
        return type(e)


def _replacement(out: Built, what: str) -> Any:
    L = lib_of(out.lib)
    if what == "none":
        return None
    if what == "tensor":
        return tensor(out.lib, np.arange(3.0, dtype=np.float32))
    if what == "param":
        p = L.Parameter(tensor(out.lib, np.ones(2, dtype=np.float32)))
        out.params.append(p)
        return p
    m = L.Identity()
    out.modules.append(m)
    return m


def containers(b: Built) -> list[tuple[str, Any]]:
    """(name, module) of every Sequential / ModuleList / ModuleDict, each once, in order."""
    L = lib_of(b.lib)
    kinds = (L.Sequential, L.ModuleList, L.ModuleDict)
    return [(n, m) for n, m in b.root.named_modules() if isinstance(m, kinds)]
