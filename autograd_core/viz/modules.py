"""Module calls in the picture: ``record_modules`` tags each op with the module call that made it,
and the tags (or parameter ownership) group vertices into boxes or dashed clusters."""

from __future__ import annotations

import contextlib
import math
import weakref
from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any

from autograd_core.op import Op
from autograd_core.tensor import Tensor
from autograd_core.viz.collect import Graph
from autograd_core.viz.labels import quote

__all__ = ["record_modules"]

# Module calls that produced each op, filled by ``record_modules``: op → ((path, call, type), ...)
# from the outermost module inward. Weak keys: a tag dies with its op.
_MODULE_TAGS: weakref.WeakKeyDictionary[Op, tuple[tuple[str, int, str], ...]] = (
    weakref.WeakKeyDictionary()
)


def module_info(params: Any) -> tuple[dict[int, str], dict[str, str]]:
    """Parameter owner paths and module types, by ``named_modules()`` (PyTorch semantics)."""
    if params is None or not hasattr(params, "named_modules"):
        return {}, {}
    owners: dict[int, str] = {}
    types: dict[str, str] = {}
    for path, module in params.named_modules():
        types[path] = type(module).__name__
        if hasattr(module, "named_parameters"):
            for name, p in module.named_parameters():
                owner = path if "." not in name else f"{path}.{name.rsplit('.', 1)[0]}".lstrip(".")
                if len(owner) >= len(owners.get(id(p), "")):
                    owners[id(p)] = owner
    return owners, types


def _frames_of_path(path: str, types: Mapping[str, str]) -> tuple[tuple[str, int, str], ...]:
    frames = [("", 0, types.get("", "model"))]
    parts = path.split(".") if path else []
    for n in range(1, len(parts) + 1):
        prefix = ".".join(parts[:n])
        if prefix in types:  # "layers.0" may have no module "layers" above it
            frames.append((prefix, 0, types[prefix]))
    return tuple(frames)


def group_keys(
    g: Graph, depth: int, names: dict[int, str], owners: dict[int, str], types: dict[str, str]
) -> list[tuple | None]:
    """The module call each vertex is collapsed into (None: drawn as itself)."""
    keys: list[tuple | None] = [None] * len(g.verts)
    tagged = any(g.verts[k] in _MODULE_TAGS for k in range(len(g.verts)) if g.is_op(k))
    for k, v in enumerate(g.verts):
        if not g.is_op(k):
            continue
        frames = _MODULE_TAGS.get(v) if tagged else None
        if frames is None and not tagged:
            # No recorded forward: fall back on parameter ownership (ops that use a parameter).
            paths = [owners[id(x)] for x in g.parents[k] if id(x) in owners]
            if paths:
                frames = _frames_of_path(max(paths, key=len), types)
        if frames is not None and len(frames) > 1:
            keys[k] = frames[1 : depth + 1]
    # Leaves used by one module call only (its parameters, its constants) go into its box.
    for k, t in enumerate(g.tensors):
        if g.is_op(k) or k in g.outputs or not g.consumers[k]:
            continue
        if id(t) not in names and (t.requires_grad or math.prod(t.shape) > 1):
            continue  # inputs stay visible; parameters and scalar constants go in the box
        ks = {keys[c] for c in g.consumers[k]}
        if len(ks) == 1:
            keys[k] = ks.pop()
    return keys


def cluster_keys(g: Graph, names: dict[int, str]) -> list[tuple] | None:
    """The module call of each vertex (``()`` outside any), or None when none was recorded."""
    keys: list[tuple] = [()] * len(g.verts)
    found = False
    for k, v in enumerate(g.verts):
        if g.is_op(k):
            frames = _MODULE_TAGS.get(v)
            if frames is not None and len(frames) > 1:
                keys[k] = frames[1:]
                found = True
    if not found:
        return None
    for k, t in enumerate(g.tensors):  # a parameter sits in the one call that uses it
        if not g.is_op(k) and id(t) in names and k not in g.outputs:
            ks = {keys[c] for c in g.consumers[k]}
            if len(ks) == 1:
                keys[k] = ks.pop()
    return keys


def emit_clusters(lines: list[str], buckets: dict[tuple, list[str]]) -> None:
    children: dict[tuple, list[tuple]] = {}
    known: set[tuple] = set()
    for key in buckets:
        for d in range(1, len(key) + 1):
            if key[:d] not in known:
                known.add(key[:d])
                children.setdefault(key[: d - 1], []).append(key[:d])
    counter = [0]

    # Recursion depth is the module nesting depth (a handful), not the graph size.
    def emit(key: tuple) -> None:
        lines.extend(buckets.get(key, ()))
        for child in children.get(key, ()):
            path, call, kind = child[-1]
            counter[0] += 1
            caption = f"{path} ({kind})" + (f" call {call + 1}" if call else "")
            lines.append(f"\tsubgraph cluster_{counter[0]} {{\n")
            lines.append(
                f'\t\tlabel={quote(caption)} style="dashed,rounded" color="#6c8ebf" '
                "fontname=Helvetica fontsize=10\n"
            )
            emit(child)
            lines.append("\t}\n")

    emit(())


def _tensors_in(obj: Any) -> Iterator[Tensor]:
    stack = [obj]
    while stack:
        o = stack.pop()
        if isinstance(o, Tensor):
            yield o
        elif isinstance(o, (list, tuple)):
            stack.extend(o)
        elif isinstance(o, Mapping):
            stack.extend(o.values())


def _tag_new_ops(out: Any, inputs: Any, frames: tuple[tuple[str, int, str], ...]) -> None:
    """Tag every untagged op between the call's inputs and its outputs with ``frames``."""
    boundary = {id(t.node) for t in _tensors_in(inputs) if t.node is not None}
    stack = [t.node for t in _tensors_in(out) if t.node is not None]
    seen = {id(op) for op in stack}
    while stack:
        op = stack.pop()
        if id(op) in boundary or op.inputs is None:
            continue
        if op not in _MODULE_TAGS:
            _MODULE_TAGS[op] = frames
        for x in op.inputs:
            if x.node is not None and id(x.node) not in seen:
                seen.add(id(x.node))
                stack.append(x.node)


@contextlib.contextmanager
def record_modules(model: Any) -> Iterator[Any]:
    """Within this block, remember which module call created each op, for
    ``draw_graph(..., collapse_modules=True)``.

    Every submodule from ``model.named_modules()`` gets its ``forward`` wrapped (an instance
    attribute, removed on exit); after a call returns, the ops between its inputs and outputs
    that no inner module claimed are tagged with the module's path and call number (a weak
    side table, so the ops are not kept alive). A module called many times, like an RNN cell
    unrolled over 100 steps, gives one box per call.

    Args:
        model: any object with PyTorch's ``named_modules()``; each module's ``forward`` is what
            its ``__call__`` runs.

    Example:
        >>> with record_modules(model):                      # doctest: +SKIP
        ...     loss = loss_fn(model(x), y)
        >>> draw_graph(loss, params=model, collapse_modules=True)  # doctest: +SKIP
    """
    if not hasattr(model, "named_modules"):
        raise TypeError(
            f"record_modules: expected a module with named_modules(). Got "
            f"{type(model).__name__}. Pass an nn.Module (or any object with PyTorch's "
            "named_modules())."
        )
    stack: list[tuple[str, int, str]] = []
    calls: Counter[str] = Counter()
    patched: list[tuple[Any, bool, Any]] = []
    seen: set[int] = set()

    def wrap(path: str, module: Any, forward: Any) -> Any:
        kind = type(module).__name__

        def forward_recorded(*args: Any, **kwargs: Any) -> Any:
            call = calls[path]
            calls[path] += 1
            stack.append((path, call, kind))
            try:
                out = forward(*args, **kwargs)
                _tag_new_ops(out, (args, kwargs), tuple(stack))
                return out
            finally:
                stack.pop()

        return forward_recorded

    try:
        for path, module in model.named_modules():
            if id(module) in seen:
                continue
            seen.add(id(module))
            had_own = "forward" in getattr(module, "__dict__", {})
            original = module.forward
            object.__setattr__(module, "forward", wrap(path, module, original))
            patched.append((module, had_own, original))
        yield model
    finally:
        for module, had_own, original in reversed(patched):
            if had_own:
                object.__setattr__(module, "forward", original)
            else:
                with contextlib.suppress(AttributeError, KeyError):
                    del module.__dict__["forward"]
