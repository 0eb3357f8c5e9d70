"""``draw_graph``: the forward graph G, the backward graph B or both, with module boxes and a
``max_nodes`` summary."""

from __future__ import annotations

from collections import Counter, deque
from typing import TYPE_CHECKING, Any

from autograd_core.errors import GraphFreedError
from autograd_core.grad_table_report import GradTableReport
from autograd_core.tensor import Tensor
from autograd_core.viz.collect import Graph, as_outputs, grads_of, param_names
from autograd_core.viz.labels import BACKWARD_EDGE, emit_edge, emit_node, shape_text
from autograd_core.viz.modules import cluster_keys, emit_clusters, group_keys, module_info
from autograd_core.viz.nodes import Painter, backward_node, box_node, summary_node
from autograd_core.viz.render import new_digraph

if TYPE_CHECKING:
    import graphviz

__all__ = ["draw_graph"]

_RANKDIRS = ("TB", "LR", "BT", "RL")
_MODES = ("forward", "backward", "overlay")


def draw_graph(
    *outputs: Tensor,
    params: Any = None,
    show_grad: bool = True,
    show_shapes: bool = True,
    show_saved: bool = False,
    collapse_modules: bool | int = False,
    max_nodes: int | None = 300,
    rankdir: str = "TB",
    mode: str = "forward",
    grad_table: GradTableReport | None = None,
    title: str | None = None,
) -> graphviz.Digraph:
    """Draw the computational graph that produced ``outputs`` as a ``graphviz.Digraph``.

    Op nodes are grey ellipses labelled with the op and its key attributes (``sum axis=(1,)``).
    Values are records with their shape and dtype: leaves that require grad in green, named
    parameters in darker green, constants in white, outputs in gold. After back-propagation
    (``backward(retain_graph=True)``) or when ``grad_table`` is given, every value also shows
    ∂ℒ/∂u (shape and norm) and NaN/Inf gradients are drawn in red. The result renders with
    ``.render(path, format="png")`` or ``.write("graph.svg")`` and displays inline in Jupyter.

    Args:
        *outputs: the tensors whose graph to draw (or one list of them).
        params: a module (its ``named_parameters()`` name the parameters, e.g.
            ``encoder.0.weight``) or a dict ``{name: tensor}``.
        show_grad: show gradients when known.
        show_shapes: show shape and dtype of each value.
        show_saved: list the arrays each op saved for its VJP.
        collapse_modules: draw each module call as one box; ``True`` collapses the model's
            children, an int ``d`` collapses at depth ``d`` (``2`` shows ``encoder.0``,
            ``encoder.1`` ...). Modules are known from a forward run inside
            ``record_modules(model)``, else from which parameters each op uses.
        max_nodes: above this many drawn nodes, the nodes nearest the outputs are kept and the
            rest is summarised in one box (graphviz's ``dot`` needs minutes for tens of
            thousands of nodes, and nobody can read them). None draws everything.
        rankdir: graphviz layout direction: ``"TB"``, ``"LR"``, ``"BT"`` or ``"RL"``.
        mode: ``"forward"`` (the graph G), ``"backward"`` (the subgraph B of *Deep Learning*
            §6.5: one node ∂ℒ/∂u per node u, one reversed edge per edge) or ``"overlay"``
            (both).
        grad_table: a table from ``ac.grad_table(loss)`` to take gradients from.
        title: a caption for the picture.

    Returns:
        A ``graphviz.Digraph`` (``.source`` holds the DOT text).

    Raises:
        GraphvizError: the graphviz package is missing (rendering without ``dot`` raises it too).
        GraphFreedError: ``show_saved`` on a graph whose arrays backward() released. Without
            it a released graph draws as before backward (op nodes, edges, shapes, the leaves'
            ``.grad``), as PyTorch keeps ``grad_fn`` after backward; only the values of
            intermediate gradients and saved arrays need ``backward(retain_graph=True)``.

    Example:
        >>> import autograd_core as ac
        >>> x = ac.tensor([1.0, 2.0], requires_grad=True)
        >>> dot = draw_graph((x * x).sum())
        >>> dot.source.count("->")  # x feeds mul twice; mul → value, value → sum, sum → value
        5
    """
    api = "draw_graph"
    outs = as_outputs(outputs, api)
    if rankdir not in _RANKDIRS:
        raise ValueError(f"{api}: rankdir must be one of {_RANKDIRS}. Got {rankdir!r}.")
    if mode not in _MODES:
        raise ValueError(f"{api}: mode must be one of {_MODES}. Got {mode!r}.")
    if max_nodes is not None and max_nodes < 1:
        raise ValueError(f"{api}: max_nodes must be a positive int or None. Got {max_nodes!r}.")
    depth = int(collapse_modules)
    if depth and mode != "forward":
        raise ValueError(
            f"{api}: collapse_modules draws the forward graph only; got mode={mode!r}. "
            "Draw the backward graph without collapse_modules."
        )
    dot = new_digraph("autograd_core", rankdir)
    g = Graph(outs, api)
    if show_saved and g.released:
        raise GraphFreedError(
            f"{api}: show_saved lists the arrays each op saved for its VJP, and backward() "
            "already released them. Call backward(retain_graph=True) to draw them, or draw "
            "without show_saved (the structure and the leaves' gradients survive backward)."
        )
    names = param_names(params, api)
    owners, types = module_info(params)
    painter = Painter(
        g,
        names=names,
        grads=grads_of(g, grad_table, show_grad, mode),
        show_shapes=show_shapes,
        show_saved=show_saved,
        rankdir=rankdir,
    )
    keys = group_keys(g, depth, names, owners, types) if depth else [None] * len(g.verts)
    lines: list[str] = []
    paint(lines, painter, keys, mode, max_nodes, types, names)
    if title:
        dot.attr(label=title, labelloc="t", fontname="Helvetica")
    dot.body.extend(lines)
    return dot


def paint(
    lines: list[str],
    p: Painter,
    keys: list[tuple | None],
    mode: str,
    max_nodes: int | None,
    types: dict[str, str],
    names: dict[int, str],
) -> None:
    g = p.g
    n = len(g.verts)
    # Units: a vertex drawn as itself, or a module box (all vertices with one key).
    unit_of: list[int] = [0] * n
    box_of_key: dict[tuple, int] = {}
    box_members: list[list[int]] = []
    for k in range(n):
        key = keys[k]
        if key is None:
            unit_of[k] = k
        else:
            b = box_of_key.get(key)
            if b is None:
                b = box_of_key[key] = len(box_members)
                box_members.append([])
            box_members[b].append(k)
            unit_of[k] = n + b
    kept, present = _keep_units(g, unit_of, max_nodes, mode)
    draw_fwd = mode in ("forward", "overlay")
    draw_bwd = mode in ("backward", "overlay")
    # Not collapsed: module calls recorded by record_modules are drawn as dashed clusters.
    clusters = cluster_keys(g, names) if not box_members and draw_fwd else None
    buckets: dict[tuple, list[str]] = {}
    # Forward nodes.
    for k in range(n):
        if keys[k] is not None or k not in kept:
            continue
        if draw_fwd:
            into = buckets.setdefault(clusters[k], []) if clusters else lines
            label, attrs = p.tensor_node(k)
            emit_node(into, f"t{k}", label, attrs)
            if g.is_op(k):
                label, attrs = p.op_node(k)
                emit_node(into, f"o{k}", label, attrs)
                emit_edge(lines, f"o{k}", f"t{k}")
        if draw_bwd and g.in_sweep(k):
            backward_node(lines, p, k)
            if draw_fwd:
                emit_edge(
                    lines,
                    f"t{k}",
                    f"g{k}",
                    {
                        "style": "dotted",
                        "arrowhead": "none",
                        "constraint": "false",
                        "color": BACKWARD_EDGE,
                    },
                )
    if clusters:
        emit_clusters(lines, buckets)
    for b, members in enumerate(box_members):
        if n + b in kept:
            box_node(lines, p, b, members, keys[members[0]], types, names)
    omitted = [k for k in range(n) if unit_of[k] in present and unit_of[k] not in kept]
    if omitted:
        summary_node(lines, g, omitted)
    # Edges.
    seen: set[tuple[str, str]] = set()
    for parent, child, i, need in g.edges:
        up, uc = unit_of[parent], unit_of[child]
        if uc not in kept or up == uc:
            continue
        if draw_fwd:
            src = f"t{parent}" if up < n else f"m{up - n}"
            if up not in kept:
                src = "more"
            dst = f"o{child}" if uc < n else f"m{uc - n}"
            attrs = {"label": f" {i}"} if len(g.parents[child]) > 1 and uc < n else {}
            if (parent, child, i) in p.hot_edges:
                attrs.update(color=BACKWARD_EDGE, penwidth="2.5")
            if up < n and uc < n and up in kept:
                emit_edge(lines, src, dst, attrs)
            elif (src, dst) not in seen:
                seen.add((src, dst))
                if up < n and up in kept:
                    attrs = {}
                else:
                    attrs = {"label": f" {shape_text(g.tensors[parent].shape)}"}
                emit_edge(lines, src, dst, attrs)
        if draw_bwd and need and up in kept:
            emit_edge(
                lines,
                f"g{child}",
                f"g{parent}",
                {
                    "color": BACKWARD_EDGE,
                    "style": "dashed",
                    "label": f" vjp {i}",
                    "fontcolor": BACKWARD_EDGE,
                },
            )
    # Outputs produced inside a box still get their own (gold) node.
    for k in g.outputs:
        if keys[k] is not None and unit_of[k] in kept and draw_fwd:
            label, attrs = p.tensor_node(k)
            emit_node(lines, f"t{k}", label, attrs)
            emit_edge(lines, f"m{unit_of[k] - n}", f"t{k}")


def _keep_units(
    g: Graph, unit_of: list[int], max_nodes: int | None, mode: str
) -> tuple[set[int], set[int]]:
    """The units to draw: all those present, or the ``max_nodes`` nearest the outputs (BFS)."""
    present = set(unit_of)
    if mode == "backward":
        present = {unit_of[k] for k in range(len(g.verts)) if g.in_sweep(k)}
    # Each op vertex is two nodes (op and value); count what will actually be drawn.
    cost = Counter()
    for k in range(len(g.verts)):
        u = unit_of[k]
        if u < len(g.verts):
            cost[u] = 2 if g.is_op(k) and mode != "backward" else 1
        else:
            cost[u] = 1
    if max_nodes is None or sum(cost[u] for u in present) <= max_nodes:
        return present, present
    kept: set[int] = set()
    total = 0
    queue = deque(unit_of[k] for k in g.outputs)
    seen = set(queue)
    parents: dict[int, list[int]] = {}
    for parent, child, _, _ in g.edges:
        parents.setdefault(child, []).append(parent)
    members: dict[int, list[int]] = {}
    for k, u in enumerate(unit_of):
        members.setdefault(u, []).append(k)
    while queue:
        u = queue.popleft()
        if total + cost[u] > max_nodes - 1:  # one node is left for the summary
            break
        if u in present:
            kept.add(u)
            total += cost[u]
        for k in members[u]:
            for par in parents.get(k, ()):
                pu = unit_of[par]
                if pu not in seen:
                    seen.add(pu)
                    queue.append(pu)
    return kept, present
