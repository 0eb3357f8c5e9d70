"""The grad table as one picture, and one picture per step of a back-propagation sweep."""

from __future__ import annotations

import html
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from autograd_core.grad_table_report import GradTableReport
from autograd_core.tensor import Tensor
from autograd_core.viz.collect import Graph, param_names
from autograd_core.viz.draw import paint
from autograd_core.viz.labels import COLORS, grad_text, shape_text
from autograd_core.viz.nodes import Painter
from autograd_core.viz.render import new_digraph

if TYPE_CHECKING:
    import graphviz

    from autograd_core.steps import BackpropStep

__all__ = ["draw_backprop_step", "draw_grad_table", "write_frames"]


def draw_grad_table(table: GradTableReport, params: Any = None) -> graphviz.Digraph:
    """Draw a grad table (``ac.grad_table(loss)``) as one table: a row per node u(j), in the
    order the sweep filled it, with its shape, the children whose contributions were summed and
    the gradient's norm. NaN/Inf rows are red.

    Args:
        table: the report returned by ``ac.grad_table``.
        params: a module or ``{name: tensor}`` to name the parameters.

    Returns:
        A ``graphviz.Digraph`` with a single HTML-table node.
    """
    if not isinstance(table, GradTableReport):
        raise TypeError(
            f"draw_grad_table: expected the report of ac.grad_table(loss). Got "
            f"{type(table).__name__}. Call draw_grad_table(ac.grad_table(loss))."
        )
    names = param_names(params, "draw_grad_table")
    esc = html.escape
    rows = [
        '<TR><TD BGCOLOR="#dddddd"><B>node</B></TD><TD BGCOLOR="#dddddd"><B>op / leaf</B></TD>'
        '<TD BGCOLOR="#dddddd"><B>shape</B></TD><TD BGCOLOR="#dddddd"><B>summed from</B></TD>'
        '<TD BGCOLOR="#dddddd"><B>grad_table[u(j)]</B></TD></TR>'
    ]
    n = len(table)
    for j, e in enumerate(table):
        label = names.get(id(e.vertex), e.label)
        terms = ", ".join(child for child, _ in e.contributions) or "-"
        text, finite = ("-", True) if e.grad is None else grad_text(e.grad)
        color = "" if finite else f' BGCOLOR="{COLORS["bad"]}"'
        font = ('<FONT COLOR="red">', "</FONT>") if not finite else ("", "")
        cells = [f"u({n - j})", label, shape_text(e.shape), terms, text.removeprefix("grad ")]
        rows.append(
            "<TR>"
            + "".join(f'<TD{color} ALIGN="LEFT">{font[0]}{esc(c)}{font[1]}</TD>' for c in cells)
            + "</TR>"
        )
    dot = new_digraph("grad_table", "TB")
    dot.node(
        "table",
        '<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4">'
        + "".join(rows)
        + "</TABLE>>",
        shape="plaintext",
    )
    return dot


def draw_backprop_step(
    loss: Tensor,
    steps: Sequence[BackpropStep],
    k: int,
    *,
    params: Any = None,
    show_shapes: bool = True,
    rankdir: str = "TB",
) -> graphviz.Digraph:
    """Draw the forward graph as it stands after step ``k`` of a back-propagation sweep.

    The node being processed is blue, nodes whose grad_table entry is complete are green and
    show their gradient, partially summed entries say how many terms they have so far, and the
    edges along which this step's VJPs flowed are orange.

    Args:
        loss: the scalar the steps were computed from.
        steps: ``list(backprop_steps(loss))``.
        k: the step number, 1-based (``steps[k - 1]``).
        params: a module or ``{name: tensor}`` to name the parameters.
        show_shapes: show shape and dtype of each value.
        rankdir: graphviz layout direction.
    """
    if not 1 <= k <= len(steps):
        raise ValueError(
            f"draw_backprop_step: step {k} does not exist; the sweep has {len(steps)} steps "
            "numbered from 1. Pass 1 <= k <= len(steps)."
        )
    g = Graph([loss], "draw_backprop_step")
    p = Painter(
        g,
        names=param_names(params, "draw_backprop_step"),
        grads={},
        show_shapes=show_shapes,
        show_saved=False,
        rankdir=rankdir,
    )
    partial: dict[int, int] = {}
    for s in steps[:k]:
        v = g.index.get(id(s.vertex))
        if v is None:
            continue
        if s.upstream is not None:
            p.grads[v] = s.upstream
        p.fill[v] = COLORS["done"]
        partial.pop(v, None)
        for e in s.edges:
            pv = g.index.get(id(e.parent))
            if pv is not None:
                partial[pv] = partial.get(pv, 0) + 1
    current = steps[k - 1]
    cv = g.index[id(current.vertex)]
    p.fill[cv] = COLORS["current"]
    if g.is_op(cv):
        p.extra[cv] = [f"step {k}: pop grad_table[u({current.j})]"]
    for e in current.edges:
        p.hot_edges.add((g.index[id(e.parent)], cv, e.input_index))
    for v, count in partial.items():
        if v != cv:
            p.extra[v] = [f"grad_table: {count} term(s) so far"]
    lines: list[str] = []
    paint(lines, p, [None] * len(g.verts), "forward", None, {}, p.names)
    dot = new_digraph(f"step_{k}", rankdir)
    dot.attr(label=f"step {k}/{len(steps)}: {current.summary()}", labelloc="t")
    dot.body.extend(lines)
    return dot


def write_frames(
    loss: Tensor,
    directory: str,
    *,
    format: str = "png",
    params: Any = None,
    rankdir: str = "TB",
) -> list[str]:
    """Render one picture per back-propagation step (``step_001.png`` ...) into ``directory``.

    Returns:
        The paths written, in step order.
    """
    from autograd_core.steps import backprop_steps

    steps = list(backprop_steps(loss))
    os.makedirs(directory, exist_ok=True)
    paths = []
    width = max(3, len(str(len(steps))))
    for k in range(1, len(steps) + 1):
        dot = draw_backprop_step(loss, steps, k, params=params, rankdir=rankdir)
        path = os.path.join(directory, f"step_{k:0{width}d}.{format}")
        paths.append(dot.write(path))
    return paths
