"""DOT nodes of a drawing: values, ops, backward-graph nodes, module boxes and the summary box."""

from __future__ import annotations

from collections import Counter
from typing import Any

from autograd_core.viz.collect import Graph
from autograd_core.viz.labels import (
    BACKWARD_EDGE,
    BAD_EDGE,
    COLORS,
    emit_node,
    grad_text,
    host,
    op_caption,
    record,
    shape_text,
)

__all__: list[str] = []


class Painter:
    """Turns a ``Graph`` into DOT statements, with optional module boxes and truncation."""

    def __init__(
        self,
        g: Graph,
        *,
        names: dict[int, str],
        grads: dict[int, Any],
        show_shapes: bool,
        show_saved: bool,
        rankdir: str,
    ) -> None:
        self.g = g
        self.names = names
        self.grads = grads
        self.show_shapes = show_shapes
        self.show_saved = show_saved
        self.rankdir = rankdir
        self.extra: dict[int, list[str]] = {}  # frames: per-vertex extra label lines
        self.fill: dict[int, str] = {}  # frames: per-vertex fill colour override
        self.hot_edges: set[tuple[int, int, int]] = set()  # frames: highlighted edges
        self.j = g.numbering()

    def tensor_node(self, k: int) -> tuple[str, dict[str, str]]:
        g, t = self.g, self.g.tensors[k]
        is_out = k in g.outputs
        uj = f"u({self.j[k]})" if k in self.j else ""
        if g.is_op(k):
            title, fill = (t.name or ("output" if is_out else "")), COLORS["tensor"]
            title = f"{title} {uj}".strip()
        else:
            pname = self.names.get(id(t))
            if pname is not None:
                title, fill = pname, COLORS["param"]
            elif t.requires_grad:
                title, fill = t.name or "leaf", COLORS["leaf"]
            else:
                title, fill = t.name or "const", COLORS["const"]
            title = f"{title} {uj}".strip()
        if is_out:
            fill = COLORS["output"]
        fields = [title]
        if self.show_shapes:
            fields.append(f"{shape_text(t.shape)} {t.dtype}")
        if (
            t.data is not None
            and t.data.size == 1
            and (is_out or not g.is_op(k))
            and t.dtype.kind in "fiub"
        ):
            fields.append(f"value {float(host(t.data).reshape(-1)[0]):.4g}")
        attrs = {"shape": "record", "style": "filled", "fillcolor": fill}
        if k in self.grads:
            text, finite = grad_text(self.grads[k])
            fields.append(text)
            if not finite:
                attrs.update(fillcolor=COLORS["bad"], color=BAD_EDGE, fontcolor=BAD_EDGE)
        fields.extend(self.extra.get(k, ()))
        if k in self.fill:
            attrs["fillcolor"] = self.fill[k]
        if is_out:
            attrs["penwidth"] = "2"
        return record(fields, self.rankdir), attrs

    def op_node(self, k: int) -> tuple[str, dict[str, str]]:
        op = self.g.verts[k]
        label = op_caption(op)
        if self.show_saved:
            saved = []
            if getattr(op, "out", None) is not None:
                saved.append(f"saved out {shape_text(op.out.shape)}")
            s = getattr(op, "saved", None)
            for a in s if isinstance(s, (tuple, list)) else ([] if s is None else [s]):
                if hasattr(a, "shape"):
                    saved.append(f"saved {shape_text(a.shape)} {getattr(a, 'dtype', '')}")
            label = "\\n".join([label, *saved])
        attrs = {"shape": "ellipse", "style": "filled", "fillcolor": COLORS["op"]}
        if k in self.fill:
            attrs["fillcolor"] = self.fill[k]
        return label, attrs


def backward_node(lines: list[str], p: Painter, k: int) -> None:
    g = p.g
    what = g.verts[k].label if g.is_op(k) else (p.names.get(id(g.tensors[k])) or "leaf")
    fields = [f"dL/du({p.j.get(k, '?')}) ({what})"]
    if g.is_op(k):
        fields.append(f"vjp: {g.verts[k].label}")
    attrs = {
        "shape": "record",
        "style": "filled,dashed",
        "fillcolor": COLORS["backward"],
        "color": BACKWARD_EDGE,
    }
    if k in p.grads:
        text, finite = grad_text(p.grads[k])
        fields.append(text)
        if not finite:
            attrs.update(fillcolor=COLORS["bad"], color=BAD_EDGE, fontcolor=BAD_EDGE)
    elif p.show_shapes:
        fields.append(shape_text(g.tensors[k].shape))
    if k in g.outputs:
        fields.append("seed: grad_table[u(n)] = 1")
    emit_node(lines, f"g{k}", record(fields, p.rankdir), attrs)


def box_node(
    lines: list[str],
    p: Painter,
    b: int,
    members: list[int],
    key: tuple | None,
    types: dict[str, str],
    names: dict[int, str],
) -> None:
    g = p.g
    path, call, kind = key[-1] if key else ("?", 0, "module")
    ops = Counter(g.verts[k].label for k in reversed(members) if g.is_op(k))  # forward order
    header = f"{path or kind} ({kind})" + (f" call {call + 1}" if call else "")
    fields = [
        header,
        f"{sum(ops.values())} ops: "
        + ", ".join(f"{name}x{c}" if c > 1 else name for name, c in ops.most_common(4))
        + (" ..." if len(ops) > 4 else ""),
    ]
    bad = False
    for k in members:
        t = g.tensors[k]
        if g.is_op(k) or id(t) not in names:
            continue
        line = names[id(t)] + (f" {shape_text(t.shape)}" if p.show_shapes else "")
        if k in p.grads:
            text, finite = grad_text(p.grads[k])
            line += " " + text
            bad = bad or not finite
        fields.append(line)
    attrs = {"shape": "record", "style": "filled,rounded", "fillcolor": COLORS["module"]}
    if bad:
        attrs.update(fillcolor=COLORS["bad"], color=BAD_EDGE, fontcolor=BAD_EDGE)
    emit_node(lines, f"m{b}", record(fields, p.rankdir), attrs)


def summary_node(lines: list[str], g: Graph, omitted: list[int]) -> None:
    ops = Counter(g.verts[k].label for k in omitted if g.is_op(k))
    leaves = sum(1 for k in omitted if not g.is_op(k))
    top = ", ".join(f"{name}x{c}" for name, c in ops.most_common(5))
    label = (
        f"... {len(omitted)} more nodes not drawn\\n{sum(ops.values())} ops ({top}), "
        f"{leaves} leaves\\nraise max_nodes or use collapse_modules"
    )
    emit_node(
        lines,
        "more",
        label,
        {"shape": "box", "style": "filled,dashed", "fillcolor": COLORS["summary"]},
    )
