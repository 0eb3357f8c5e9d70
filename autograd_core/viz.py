"""Drawing computational graphs with graphviz: the forward graph G, the backward graph B, the grad
table, module boxes, and frames of a back-propagation sweep.

The pictures follow ``seeds/002_*.txt`` ("back-propagation"): the forward graph G has a node per
value u(i) and an edge u(j) → u(i) per parent; the backward graph B has one node per node of G
(holding ∂ℒ/∂u(i)) and one edge per edge of G, reversed (the vector-Jacobian product along it).
Prior art: micrograd's ``draw_dot`` (values and gradients), torchviz's ``make_dot`` (backward graph
only), Keras ``plot_model`` (layers with shapes) and Chainer's ``computational_graph``.

graphviz (the Python package) is imported only when a picture is made; rendering also needs the
``dot`` program, and a clear error says how to install either.
"""

from __future__ import annotations

import contextlib
import html
import importlib
import math
import os
import weakref
from collections import Counter, deque
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy

from autograd_core import device as _device
from autograd_core.errors import AutogradError, GraphFreedError
from autograd_core.graph import GradTableReport
from autograd_core.graph import grad_table as _grad_table
from autograd_core.graph import toposort as _toposort
from autograd_core.op import Op
from autograd_core.tensor import Tensor

if TYPE_CHECKING:
    import graphviz

    from autograd_core.steps import BackpropStep

__all__ = [
    "COLORS",
    "GraphvizError",
    "draw_backprop_step",
    "draw_grad_table",
    "draw_graph",
    "record_modules",
    "write_frames",
]

#: Fill colours of the pictures (tests and the README legend refer to these names).
COLORS: dict[str, str] = {
    "op": "#e8e8e8",  # an op node: grey ellipse
    "tensor": "#ffffff",  # an intermediate value
    "leaf": "#d6ecd2",  # a leaf that requires grad
    "param": "#a8d8a0",  # a named parameter
    "const": "#f7f7f7",  # a leaf that does not require grad (data, constants)
    "output": "#ffd98e",  # an output of the drawing
    "bad": "#ffb3b3",  # a NaN or Inf gradient (outline and text in BAD_EDGE red)
    "backward": "#fdd0a2",  # a node of the backward graph B
    "module": "#dae8fc",  # a collapsed module
    "summary": "#f0f0f0",  # the "N more nodes" box of a truncated drawing
    "current": "#9ecae1",  # the node being processed in a back-propagation frame
    "done": "#c7e9c0",  # a node whose grad_table entry is complete in a frame
}
BAD_EDGE = "red"
BACKWARD_EDGE = "#e6550d"
_RANKDIRS = ("TB", "LR", "BT", "RL")
_MODES = ("forward", "backward", "overlay")
_INSTALL_DOT = (
    "Install it with 'sudo apt-get install graphviz' (Debian/Ubuntu), 'brew install graphviz' "
    "(macOS) or 'conda install -c conda-forge graphviz'"
)

# Module calls that produced each op, filled by ``record_modules``: op → ((path, call, type), ...)
# from the outermost module inward. Weak keys: a tag dies with its op.
_MODULE_TAGS: weakref.WeakKeyDictionary[Op, tuple[tuple[str, int, str], ...]] = (
    weakref.WeakKeyDictionary()
)


class GraphvizError(AutogradError, RuntimeError):
    """The graphviz Python package or the ``dot`` program is missing."""


# -- graphviz, imported lazily -----------------------------------------------------------------

_DIGRAPH_CLASS: Any = None


def _graphviz() -> Any:
    try:
        return importlib.import_module("graphviz")
    except ImportError as e:
        raise GraphvizError(
            f"draw_graph: the graphviz Python package is not installed ({e}). "
            "Install it with 'pip install graphviz'; rendering also needs the dot program. "
            f"{_INSTALL_DOT}."
        ) from e


def _dot_missing(what: str) -> GraphvizError:
    return GraphvizError(
        f"{what}: the graphviz 'dot' program was not found on PATH, so the graph cannot be "
        f"rendered. {_INSTALL_DOT}. The DOT source is still available as graph.source "
        "(paste it into any graphviz viewer)."
    )


def _digraph_class() -> Any:
    """A ``graphviz.Digraph`` whose rendering errors say how to install ``dot``."""
    global _DIGRAPH_CLASS
    gv = _graphviz()
    if _DIGRAPH_CLASS is not None and issubclass(_DIGRAPH_CLASS, gv.Digraph):
        return _DIGRAPH_CLASS

    class Digraph(gv.Digraph):
        """graphviz.Digraph with install hints when ``dot`` is missing, and ``save(path)``."""

        def render(self, *args: Any, **kwargs: Any) -> Any:
            try:
                return super().render(*args, **kwargs)
            except gv.ExecutableNotFound as e:
                raise _dot_missing("render") from e

        def pipe(self, *args: Any, **kwargs: Any) -> Any:
            try:
                return super().pipe(*args, **kwargs)
            except gv.ExecutableNotFound as e:
                raise _dot_missing("pipe") from e

        def write(self, path: str, format: str | None = None) -> str:
            """Render to exactly ``path`` (``graph.png``, ``net.svg``, ``g.pdf``); the format
            comes from the suffix unless given. A ``.gv``/``.dot`` path gets the DOT source."""
            suffix = (format or os.path.splitext(path)[1].lstrip(".")).lower()
            if suffix in ("gv", "dot"):
                with open(path, "w", encoding="utf-8") as f:
                    f.write(self.source)
                return path
            if suffix not in gv.FORMATS:
                raise ValueError(
                    f"write: cannot tell the image format of {path!r}. Use a suffix such as "
                    ".png, .svg or .pdf, or pass format='png'."
                )
            return self.render(outfile=path, format=suffix, cleanup=True)

        def _repr_mimebundle_(self, include: Any = None, exclude: Any = None, **kw: Any) -> Any:
            try:
                return super()._repr_mimebundle_(include, exclude, **kw)
            except GraphvizError as e:  # show the message and the source instead of a traceback
                return {"text/plain": f"{e}\n\n{self.source}"}

    _DIGRAPH_CLASS = Digraph
    return Digraph


def _new_digraph(name: str, rankdir: str) -> Any:
    g = _digraph_class()(name=name)
    g.attr(rankdir=rankdir)
    g.attr("node", fontname="Helvetica", fontsize="11")
    g.attr("edge", fontname="Helvetica", fontsize="9")
    return g


# -- formatting --------------------------------------------------------------------------------


def _host(arr: Any) -> numpy.ndarray:
    return arr if isinstance(arr, numpy.ndarray) else _device.to_device(arr, "cpu")


def _shape_text(shape: Sequence[int]) -> str:
    return "scalar" if len(shape) == 0 else "(" + ", ".join(str(d) for d in shape) + ")"


def _grad_text(g: Any) -> tuple[str, bool]:
    """``"grad (2, 3) norm=1.25"`` and whether the gradient is finite."""
    a = _host(g)
    finite = True
    if a.dtype.kind in "fc":
        finite = bool(numpy.isfinite(a).all())
    if not finite:
        bad = "NaN" if bool(numpy.isnan(a).any()) else "Inf"
        return f"grad {_shape_text(a.shape)} {bad}!", False
    if a.size == 1:
        return f"grad {_shape_text(a.shape)} = {float(a.reshape(-1)[0]):.4g}", True
    norm = math.sqrt(float(numpy.sum(numpy.abs(a.astype(numpy.float64)) ** 2)))
    return f"grad {_shape_text(a.shape)} norm={norm:.4g}", True


def _param_text(value: Any) -> str:
    if isinstance(value, numpy.ndarray) or hasattr(value, "__cuda_array_interface__"):
        return f"array{_shape_text(value.shape)}"
    if isinstance(value, slice):
        parts = ["" if v is None else str(v) for v in (value.start, value.stop, value.step)]
        text = ":".join(parts).rstrip(":") or ":"
    else:
        text = repr(value)
    return text if len(text) <= 24 else text[:21] + "..."


def op_caption(op: Op) -> str:
    """The op's label and its key attributes (``sum\\naxis=(1,)``); None/False params omitted."""
    params = getattr(op, "params", None) or {}
    shown = [
        f"{k}={_param_text(v)}"
        for k, v in params.items()
        if v is not None and v is not False and not k.startswith("_")
    ]
    return "\\n".join([op.label, *shown])


def _rec(text: str) -> str:
    """Escape one field of a graphviz record label."""
    out = text
    for ch in "{}|<>":
        out = out.replace(ch, "\\" + ch)
    return out


def _record(fields: list[str], rankdir: str) -> str:
    body = "|".join(_rec(f) for f in fields if f)
    return "{" + body + "}" if rankdir in ("TB", "BT") else body


# -- collecting the graph ----------------------------------------------------------------------


class _Graph:
    """The vertices (op nodes and leaf tensors) reachable from some outputs, and the edges.

    ``verts[k]`` is an Op or a leaf Tensor; ``tensors[k]`` a Tensor holding u(k) (the op's output
    as seen by a consumer); ``edges`` are ``(parent k, child k, input index, needs grad)``.
    """

    def __init__(self, outputs: Sequence[Tensor], api: str) -> None:
        self.verts: list[Any] = []
        self.tensors: list[Tensor] = []
        self.index: dict[int, int] = {}
        self.edges: list[tuple[int, int, int, bool]] = []
        self.consumers: list[list[int]] = []
        self.outputs: list[int] = []
        stack: list[int] = []
        for t in outputs:
            k = self._add(t, stack)
            self.tensors[k] = t  # prefer the user's own output tensor (its name)
            if k not in self.outputs:
                self.outputs.append(k)
        # An explicit stack, never recursion: a 100,000-op chain draws like a 3-op one.
        while stack:
            k = stack.pop()
            op = self.verts[k]
            if op.inputs is None:
                raise GraphFreedError(
                    f"{api}: the graph of {op.label} was released by backward(), so there is "
                    "nothing left to draw. Draw before backward(), call "
                    "backward(retain_graph=True), or use ac.grad_table(loss), which keeps the "
                    "graph and gives the gradients to draw."
                )
            for i, (x, need) in enumerate(zip(op.inputs, op.needs_input_grad)):
                p = self._add(x, stack)
                self.edges.append((p, k, i, bool(need)))
                self.consumers[p].append(k)

    def _add(self, t: Tensor, stack: list[int]) -> int:
        v = t.node if t.node is not None else t
        k = self.index.get(id(v))
        if k is None:
            k = len(self.verts)
            self.index[id(v)] = k
            self.verts.append(v)
            self.tensors.append(t)
            self.consumers.append([])
            if t.node is not None:
                stack.append(k)
        return k

    def numbering(self) -> dict[int, int]:
        """The seeds' index j of each vertex in the sweep: u(n) is the output, u(1) the last
        leaf back-propagation reaches (the order of ``graph.toposort``)."""
        outs = [self.tensors[k] for k in self.outputs]
        order = _toposort(*outs)
        return {self.index[id(v)]: len(order) - i for i, v in enumerate(order)}

    def is_op(self, k: int) -> bool:
        return isinstance(self.verts[k], Op)

    def in_sweep(self, k: int) -> bool:
        """Whether back-propagation visits u(k): every op node, and leaves requiring grad."""
        return self.is_op(k) or self.tensors[k].requires_grad


def _as_outputs(outputs: Sequence[Any], api: str) -> list[Tensor]:
    if len(outputs) == 1 and isinstance(outputs[0], (list, tuple)):
        outputs = tuple(outputs[0])
    if not outputs:
        raise TypeError(f"{api}: needs at least one output tensor to draw. Got none.")
    for i, t in enumerate(outputs):
        if not isinstance(t, Tensor):
            raise TypeError(
                f"{api}: output {i} is a {type(t).__name__}, not a Tensor. Pass the tensors "
                "whose graph you want drawn, e.g. draw_graph(loss)."
            )
    return list(outputs)


def _param_names(params: Any, api: str) -> dict[int, str]:
    if params is None:
        return {}
    if hasattr(params, "named_parameters"):
        items = list(params.named_parameters())
    elif isinstance(params, Mapping):
        items = list(params.items())
    else:
        raise TypeError(
            f"{api}: params must be a module (with named_parameters()) or a dict of name → "
            f"Tensor. Got {type(params).__name__}. Pass params=model or params=dict(...)."
        )
    return {id(p): name for name, p in items}


def _module_info(params: Any) -> tuple[dict[int, str], dict[str, str]]:
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


def _grads_of(
    g: _Graph, table: GradTableReport | None, show_grad: bool, mode: str
) -> dict[int, Any]:
    """∂ℒ/∂u(k) per vertex: from the given grad table, else computed when back-propagation was
    run (a leaf has ``.grad``) or the backward graph is drawn, else the leaves' ``.grad``."""
    if not show_grad:
        return {}
    if table is None and len(g.outputs) == 1:
        out = g.tensors[g.outputs[0]]
        ran = any(t.grad is not None for k, t in enumerate(g.tensors) if not g.is_op(k))
        if out.requires_grad and out.data.size == 1 and (ran or mode != "forward"):
            table = _grad_table(out)
    grads: dict[int, Any] = {}
    if table is not None:
        for e in table:
            k = g.index.get(id(e.vertex))
            if k is not None and e.grad is not None:
                grads[k] = e.grad
    else:
        for k, t in enumerate(g.tensors):
            if not g.is_op(k) and t.grad is not None:
                grads[k] = t.grad.data
    return grads


# -- drawing -----------------------------------------------------------------------------------


class _Painter:
    """Turns a ``_Graph`` into DOT statements, with optional module boxes and truncation."""

    def __init__(
        self,
        g: _Graph,
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
            fields.append(f"{_shape_text(t.shape)} {t.dtype}")
        if t.data.size == 1 and (is_out or not g.is_op(k)) and t.dtype.kind in "fiub":
            fields.append(f"value {float(_host(t.data).reshape(-1)[0]):.4g}")
        attrs = {"shape": "record", "style": "filled", "fillcolor": fill}
        if k in self.grads:
            text, finite = _grad_text(self.grads[k])
            fields.append(text)
            if not finite:
                attrs.update(fillcolor=COLORS["bad"], color=BAD_EDGE, fontcolor=BAD_EDGE)
        fields.extend(self.extra.get(k, ()))
        if k in self.fill:
            attrs["fillcolor"] = self.fill[k]
        if is_out:
            attrs["penwidth"] = "2"
        return _record(fields, self.rankdir), attrs

    def op_node(self, k: int) -> tuple[str, dict[str, str]]:
        op = self.g.verts[k]
        label = op_caption(op)
        if self.show_saved:
            saved = []
            if getattr(op, "out", None) is not None:
                saved.append(f"saved out {_shape_text(op.out.shape)}")
            s = getattr(op, "saved", None)
            for a in s if isinstance(s, (tuple, list)) else ([] if s is None else [s]):
                if hasattr(a, "shape"):
                    saved.append(f"saved {_shape_text(a.shape)} {getattr(a, 'dtype', '')}")
            label = "\\n".join([label, *saved])
        attrs = {"shape": "ellipse", "style": "filled", "fillcolor": COLORS["op"]}
        if k in self.fill:
            attrs["fillcolor"] = self.fill[k]
        return label, attrs


def _emit_node(lines: list[str], name: str, label: str, attrs: dict[str, str]) -> None:
    parts = [f"label={_quote(label)}"] + [f"{a}={_quote(v)}" for a, v in attrs.items()]
    lines.append(f"\t{name} [{' '.join(parts)}]\n")


def _emit_edge(lines: list[str], a: str, b: str, attrs: dict[str, str] | None = None) -> None:
    if attrs:
        lines.append(f"\t{a} -> {b} [{' '.join(f'{k}={_quote(v)}' for k, v in attrs.items())}]\n")
    else:
        lines.append(f"\t{a} -> {b}\n")


def _quote(text: str) -> str:
    if text.startswith("<") and text.endswith(">"):  # an HTML-like label
        return text
    # Keep graphviz escapes (\n, \l, record \{) and escape only the double quote.
    return '"' + text.replace('"', '\\"') + '"'


def _group_keys(
    g: _Graph, depth: int, names: dict[int, str], owners: dict[int, str], types: dict[str, str]
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
            paths = [owners[id(x)] for x in v.inputs if id(x) in owners]
            if paths:
                frames = _frames_of_path(max(paths, key=len), types)
        if frames is not None and len(frames) > 1:
            keys[k] = frames[1 : depth + 1]
    # Leaves used by one module call only (its parameters, its constants) go into its box.
    for k, t in enumerate(g.tensors):
        if g.is_op(k) or k in g.outputs or not g.consumers[k]:
            continue
        if id(t) not in names and (t.requires_grad or t.data.size > 1):
            continue  # inputs stay visible; parameters and scalar constants go in the box
        ks = {keys[c] for c in g.consumers[k]}
        if len(ks) == 1:
            keys[k] = ks.pop()
    return keys


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
        mode: ``"forward"`` (the graph G), ``"backward"`` (the subgraph B of seeds/002: one node
            ∂ℒ/∂u per node u, one reversed edge per edge) or ``"overlay"`` (both).
        grad_table: a table from ``ac.grad_table(loss)`` to take gradients from.
        title: a caption for the picture.

    Returns:
        A ``graphviz.Digraph`` (``.source`` holds the DOT text).

    Raises:
        GraphvizError: the graphviz package is missing (rendering without ``dot`` raises it too).
        GraphFreedError: backward() already released this graph.

    Example:
        >>> import autograd_core as ac
        >>> x = ac.tensor([1.0, 2.0], requires_grad=True)
        >>> dot = draw_graph((x * x).sum())
        >>> dot.source.count("->")  # x feeds mul twice; mul → value, value → sum, sum → value
        5
    """
    api = "draw_graph"
    outs = _as_outputs(outputs, api)
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
    dot = _new_digraph("autograd_core", rankdir)
    g = _Graph(outs, api)
    names = _param_names(params, api)
    owners, types = _module_info(params)
    painter = _Painter(
        g,
        names=names,
        grads=_grads_of(g, grad_table, show_grad, mode),
        show_shapes=show_shapes,
        show_saved=show_saved,
        rankdir=rankdir,
    )
    keys = _group_keys(g, depth, names, owners, types) if depth else [None] * len(g.verts)
    lines: list[str] = []
    _paint(lines, painter, keys, mode, max_nodes, types, names)
    if title:
        dot.attr(label=title, labelloc="t", fontname="Helvetica")
    dot.body.extend(lines)
    return dot


def _paint(
    lines: list[str],
    p: _Painter,
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
    clusters = _cluster_keys(g, names) if not box_members and draw_fwd else None
    buckets: dict[tuple, list[str]] = {}
    # Forward nodes.
    for k in range(n):
        if keys[k] is not None or k not in kept:
            continue
        if draw_fwd:
            into = buckets.setdefault(clusters[k], []) if clusters else lines
            label, attrs = p.tensor_node(k)
            _emit_node(into, f"t{k}", label, attrs)
            if g.is_op(k):
                label, attrs = p.op_node(k)
                _emit_node(into, f"o{k}", label, attrs)
                _emit_edge(lines, f"o{k}", f"t{k}")
        if draw_bwd and g.in_sweep(k):
            _backward_node(lines, p, k)
            if draw_fwd:
                _emit_edge(
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
        _emit_clusters(lines, buckets)
    for b, members in enumerate(box_members):
        if n + b in kept:
            _box_node(lines, p, b, members, keys[members[0]], types, names)
    omitted = [k for k in range(n) if unit_of[k] in present and unit_of[k] not in kept]
    if omitted:
        _summary_node(lines, g, omitted)
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
            attrs = {"label": f" {i}"} if len(g.verts[child].inputs) > 1 and uc < n else {}
            if (parent, child, i) in p.hot_edges:
                attrs.update(color=BACKWARD_EDGE, penwidth="2.5")
            if up < n and uc < n and up in kept:
                _emit_edge(lines, src, dst, attrs)
            elif (src, dst) not in seen:
                seen.add((src, dst))
                if up < n and up in kept:
                    attrs = {}
                else:
                    attrs = {"label": f" {_shape_text(g.tensors[parent].shape)}"}
                _emit_edge(lines, src, dst, attrs)
        if draw_bwd and need and up in kept:
            _emit_edge(
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
            _emit_node(lines, f"t{k}", label, attrs)
            _emit_edge(lines, f"m{unit_of[k] - n}", f"t{k}")


def _cluster_keys(g: _Graph, names: dict[int, str]) -> list[tuple] | None:
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


def _emit_clusters(lines: list[str], buckets: dict[tuple, list[str]]) -> None:
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
                f'\t\tlabel={_quote(caption)} style="dashed,rounded" color="#6c8ebf" '
                "fontname=Helvetica fontsize=10\n"
            )
            emit(child)
            lines.append("\t}\n")

    emit(())


def _keep_units(
    g: _Graph, unit_of: list[int], max_nodes: int | None, mode: str
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


def _backward_node(lines: list[str], p: _Painter, k: int) -> None:
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
        text, finite = _grad_text(p.grads[k])
        fields.append(text)
        if not finite:
            attrs.update(fillcolor=COLORS["bad"], color=BAD_EDGE, fontcolor=BAD_EDGE)
    elif p.show_shapes:
        fields.append(_shape_text(g.tensors[k].shape))
    if k in g.outputs:
        fields.append("seed: grad_table[u(n)] = 1")
    _emit_node(lines, f"g{k}", _record(fields, p.rankdir), attrs)


def _box_node(
    lines: list[str],
    p: _Painter,
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
        line = names[id(t)] + (f" {_shape_text(t.shape)}" if p.show_shapes else "")
        if k in p.grads:
            text, finite = _grad_text(p.grads[k])
            line += " " + text
            bad = bad or not finite
        fields.append(line)
    attrs = {"shape": "record", "style": "filled,rounded", "fillcolor": COLORS["module"]}
    if bad:
        attrs.update(fillcolor=COLORS["bad"], color=BAD_EDGE, fontcolor=BAD_EDGE)
    _emit_node(lines, f"m{b}", _record(fields, p.rankdir), attrs)


def _summary_node(lines: list[str], g: _Graph, omitted: list[int]) -> None:
    ops = Counter(g.verts[k].label for k in omitted if g.is_op(k))
    leaves = sum(1 for k in omitted if not g.is_op(k))
    top = ", ".join(f"{name}x{c}" for name, c in ops.most_common(5))
    label = (
        f"... {len(omitted)} more nodes not drawn\\n{sum(ops.values())} ops ({top}), "
        f"{leaves} leaves\\nraise max_nodes or use collapse_modules"
    )
    _emit_node(
        lines,
        "more",
        label,
        {"shape": "box", "style": "filled,dashed", "fillcolor": COLORS["summary"]},
    )


# -- the grad table and back-propagation frames ------------------------------------------------


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
    names = _param_names(params, "draw_grad_table")
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
        text, finite = ("-", True) if e.grad is None else _grad_text(e.grad)
        color = "" if finite else f' BGCOLOR="{COLORS["bad"]}"'
        font = ('<FONT COLOR="red">', "</FONT>") if not finite else ("", "")
        cells = [f"u({n - j})", label, _shape_text(e.shape), terms, text.removeprefix("grad ")]
        rows.append(
            "<TR>"
            + "".join(f'<TD{color} ALIGN="LEFT">{font[0]}{esc(c)}{font[1]}</TD>' for c in cells)
            + "</TR>"
        )
    dot = _new_digraph("grad_table", "TB")
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
    g = _Graph([loss], "draw_backprop_step")
    p = _Painter(
        g,
        names=_param_names(params, "draw_backprop_step"),
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
    _paint(lines, p, [None] * len(g.verts), "forward", None, {}, p.names)
    dot = _new_digraph(f"step_{k}", rankdir)
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


# -- modules -----------------------------------------------------------------------------------


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
