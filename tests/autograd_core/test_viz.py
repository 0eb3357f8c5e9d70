"""Tests for autograd_core.viz: DOT structure, labels, colours, module boxes, rendering."""

from __future__ import annotations

import gc
import re
import shutil
import sys
import time
import weakref

import numpy as np
import pytest

import autograd_core as ac
from autograd_core.graph import toposort
from autograd_core.viz import (
    BAD_EDGE,
    COLORS,
    GraphvizError,
    draw_backprop_step,
    draw_grad_table,
    draw_graph,
    record_modules,
    write_frames,
)

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz 'dot' not installed")

_NODE = re.compile(r"^\t(\w+) \[label=")
_EDGE = re.compile(r"^\t(\w+) -> (\w+)")


def parse(source: str) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    """Nodes (name → attribute text) and edges (src, dst, attribute text) of our DOT output."""
    nodes, edges = {}, []
    for line in source.splitlines():
        line = line.replace("\t\t", "\t")
        m = _EDGE.match(line)
        if m:
            edges.append((m.group(1), m.group(2), line))
            continue
        m = _NODE.match(line)
        if m:
            nodes[m.group(1)] = line
    return nodes, edges


def f64(data, requires_grad=True, name=None):
    t = ac.tensor(np.asarray(data, dtype=np.float64), requires_grad=requires_grad)
    t.name = name
    return t


def small_net(rng):
    x = f64(rng.standard_normal((2, 3)), requires_grad=False, name="x")
    w = f64(rng.standard_normal((3, 4)))
    b = f64(np.zeros(4))
    loss = (x @ w + b).tanh().sum(axis=1).mean()
    return x, w, b, loss


def count_graph(*outputs):
    """Ops, leaves and edges of the forward graph, counted independently of viz."""
    ops, leaves, edges = set(), set(), 0
    stack = list(outputs)
    seen = set()
    while stack:
        t = stack.pop()
        v = t.node if t.node is not None else t
        if id(v) in seen:
            continue
        seen.add(id(v))
        if t.node is None:
            leaves.add(id(t))
            continue
        ops.add(id(v))
        edges += len(v.inputs)
        stack.extend(v.inputs)
    return len(ops), len(leaves), edges


# -- structure ---------------------------------------------------------------------------------


def test_draw_graph_counts_match_the_graph(rng):
    _, _, _, loss = small_net(rng)
    n_ops, n_leaves, n_edges = count_graph(loss)
    nodes, edges = parse(draw_graph(loss).source)
    # Each op is an op node plus its value node; each leaf one value node.
    assert len(nodes) == 2 * n_ops + n_leaves == 2 * 5 + 3
    # One edge per input of every op, plus op → value.
    assert len(edges) == n_edges + n_ops == 7 + 5


def test_draw_graph_fanout_keeps_one_edge_per_forward_edge():
    x = f64(2.0, name="x")
    y = x * x + x
    nodes, edges = parse(draw_graph(y).source)
    assert len(nodes) == 5
    leaf = next(n for n, a in nodes.items() if "{x " in a)
    into_ops = [e for e in edges if e[0] == leaf]
    assert len(into_ops) == 3  # x feeds mul twice and add once


def test_draw_graph_labels_ops_params_shapes_and_dtypes(rng):
    x, w, b, loss = small_net(rng)
    src = draw_graph(loss, params={"encoder.0.weight": w, "encoder.0.bias": b}).source
    for text in (
        "matmul",
        "tanh",
        "mean",
        "axis=(1,)",
        "(2, 3) float64",
        "(3, 4) float64",
        "encoder.0.weight",
        "encoder.0.bias",
        "{x|",
    ):
        assert text in src, text
    assert "keepdims" not in src  # False params are left out


def test_draw_graph_colours_leaves_params_and_outputs(rng):
    x, w, b, loss = small_net(rng)
    nodes, _ = parse(draw_graph(loss, params={"w": w}).source)
    by_title = {
        re.search(r'label="\{([^|]*)', a).group(1): a
        for a in nodes.values()
        if 'shape="record"' in a
    }
    assert f'fillcolor="{COLORS["param"]}"' in by_title["w u(1)"]
    assert f'fillcolor="{COLORS["leaf"]}"' in next(v for k, v in by_title.items() if "leaf" in k)
    assert f'fillcolor="{COLORS["const"]}"' in by_title["x"]
    out = next(v for k, v in by_title.items() if k.startswith("output"))
    assert f'fillcolor="{COLORS["output"]}"' in out and 'penwidth="2"' in out
    ops = [a for a in nodes.values() if 'shape="ellipse"' in a]
    assert len(ops) == 5 and all(f'fillcolor="{COLORS["op"]}"' in a for a in ops)


def test_draw_graph_has_no_gradients_before_backward(rng):
    _, _, _, loss = small_net(rng)
    assert "grad " not in draw_graph(loss).source


def test_draw_graph_shows_gradients_after_backward(rng):
    _, w, b, loss = small_net(rng)
    loss.backward(retain_graph=True)
    src = draw_graph(loss, params={"w": w, "b": b}).source
    norm = np.linalg.norm(w.grad.numpy())
    assert f"grad (3, 4) norm={norm:.4g}" in src
    assert src.count("grad ") == 7  # every value: 5 op outputs and the two parameters
    assert "grad scalar = 1" in src


def test_draw_graph_takes_gradients_from_a_grad_table(rng):
    _, w, _, loss = small_net(rng)
    table = ac.grad_table(loss)
    src = draw_graph(loss, grad_table=table).source
    assert f"norm={np.linalg.norm(table[w].grad):.4g}" in src
    assert w.grad is None


def test_draw_graph_marks_nan_and_inf_gradients_red():
    x = f64([0.0, 1.0], name="x")
    with np.errstate(all="ignore"):
        y = (x**0.5).sum()
        table = ac.grad_table(y)
    assert not np.isfinite(table[x].grad).all()
    nodes, _ = parse(draw_graph(y, grad_table=table).source)
    bad = [a for a in nodes.values() if "Inf!" in a or "NaN!" in a]
    assert bad, "the infinite gradient is not flagged"
    for a in bad:
        assert f'fillcolor="{COLORS["bad"]}"' in a and f'color="{BAD_EDGE}"' in a
    good = [a for a in nodes.values() if "grad scalar = 1" in a]
    assert good and f'color="{BAD_EDGE}"' not in good[0]


def test_draw_graph_show_saved_and_hide_shapes(rng):
    _, _, _, loss = small_net(rng)
    assert "saved out (2, 4)" in draw_graph(loss, show_saved=True).source  # tanh keeps y
    assert "float64" not in draw_graph(loss, show_shapes=False).source


def test_draw_graph_rankdir_and_title(rng):
    _, _, _, loss = small_net(rng)
    src = draw_graph(loss, rankdir="LR", title="my net").source
    assert "rankdir=LR" in src and "my net" in src


def test_draw_graph_several_outputs():
    x = f64([1.0, 2.0])
    a, b = x.exp(), (x * 2.0).sum()
    nodes, _ = parse(draw_graph(a, b).source)
    assert sum(f'fillcolor="{COLORS["output"]}"' in v for v in nodes.values()) == 2


# -- backward graph B ---------------------------------------------------------------------------


def test_backward_graph_has_one_node_per_node_and_one_reversed_edge_per_edge(rng):
    _, _, _, loss = small_net(rng)
    order = toposort(loss)
    grad_edges = sum(sum(v.needs_input_grad) for v in order if not isinstance(v, ac.Tensor))
    nodes, edges = parse(draw_graph(loss, mode="backward").source)
    assert len(nodes) == len(order) == 7  # x does not require grad: not in B
    assert all(n.startswith("g") for n in nodes)
    assert len(edges) == grad_edges == 6
    assert all(f'color="{COLORS["backward"]}"' not in e[2] for e in edges)
    # Reversed: B's edges leave the output's node and end at the leaves.
    out = next(n for n, a in nodes.items() if "seed: grad_table[u(n)] = 1" in a)
    assert any(e[0] == out for e in edges) and not any(e[1] == out for e in edges)
    assert "grad (3, 4) norm=" in draw_graph(loss, mode="backward").source


def test_overlay_draws_both_graphs(rng):
    _, _, _, loss = small_net(rng)
    nodes, edges = parse(draw_graph(loss, mode="overlay").source)
    assert sum(n.startswith("g") for n in nodes) == 7
    assert sum(n.startswith("t") for n in nodes) == 8
    assert sum('style="dotted"' in e[2] for e in edges) == 7  # u — dL/du links


def test_draw_graph_rejects_bad_arguments(rng):
    _, _, _, loss = small_net(rng)
    with pytest.raises(TypeError, match="draw_graph: output 0 is a ndarray, not a Tensor"):
        draw_graph(np.zeros(3))
    with pytest.raises(ValueError, match="draw_graph: rankdir must be one of"):
        draw_graph(loss, rankdir="XY")
    with pytest.raises(ValueError, match="draw_graph: mode must be one of"):
        draw_graph(loss, mode="sideways")
    with pytest.raises(ValueError, match="max_nodes must be a positive int"):
        draw_graph(loss, max_nodes=0)
    with pytest.raises(TypeError, match="params must be a module"):
        draw_graph(loss, params=[1, 2])


def _labels(dot):
    """The node labels of a drawing (edge labels, the input numbers, left out)."""
    return sorted(t for t in re.findall(r'label="([^"]*)"', dot.source) if not t.startswith(" "))


def test_draw_graph_after_a_plain_backward_draws_the_same_structure(rng):
    """Drawing after loss.backward() is what every torchviz user does: the arrays are freed,
    the structure (ops, edges, shapes, the leaves and their gradients) survives, as grad_fn
    does in PyTorch; the constant x is freed with the arrays, as PyTorch frees it."""
    x, w, b, loss = small_net(rng)
    before = draw_graph(loss, show_grad=False)
    loss.backward()
    after = draw_graph(loss, show_grad=False)
    assert _labels(after) == [t for t in _labels(before) if not t.startswith("{x|")]
    assert "u(7)" in after.source and "(2, 4) float64" in after.source
    assert after.source.count("->") == before.source.count("->") - 1 == 11
    shown = draw_graph(loss, params={"w": w, "b": b})
    norm_w = float(np.linalg.norm(w.grad.data))
    assert f"norm={norm_w:.4g}" in shown.source  # the leaves' .grad after backward
    with pytest.raises(ac.GraphFreedError, match="show_saved.*retain_graph=True"):
        draw_graph(loss, show_saved=True)


def test_draw_graph_after_backward_of_a_multi_output_op(rng):
    x = ac.tensor(rng.standard_normal(6), requires_grad=True)
    a, b, c = ac.split(x, 2)
    y = (b * c).sum()
    before = draw_graph(y, show_grad=False)
    y.backward()
    after = draw_graph(y, show_grad=False)
    assert _labels(after) == _labels(before)
    assert "split" in after.source and after.source.count("(2) float64") == 2  # split, b * c


def test_a_plain_backward_still_frees_every_intermediate_array(rng):
    x, w, b, _ = small_net(rng)
    h = (x @ w + b).tanh()
    probe = weakref.ref(h.data)
    loss = h.sum(axis=1).mean()
    del h
    assert probe() is not None  # the graph holds tanh's input and output
    loss.backward()
    gc.collect()
    assert probe() is None
    assert "tanh" in draw_graph(loss).source


# -- modules ------------------------------------------------------------------------------------


class Lin:
    """A stand-in module with PyTorch's protocol (named_parameters / named_modules / forward)."""

    def __init__(self, n_in, n_out, rng):
        self.weight = f64(rng.standard_normal((n_in, n_out)) * 0.3)
        self.bias = f64(np.zeros(n_out))

    def named_parameters(self):
        yield "weight", self.weight
        yield "bias", self.bias

    def named_modules(self):
        yield "", self

    def forward(self, x):
        return (x @ self.weight + self.bias).tanh()

    def __call__(self, x):
        return self.forward(x)


class Seq:
    def __init__(self, layers):
        self.layers = layers

    def named_modules(self):
        yield "", self
        for i, m in enumerate(self.layers):
            yield f"layers.{i}", m

    def named_parameters(self):
        for i, m in enumerate(self.layers):
            for n, p in m.named_parameters():
                yield f"layers.{i}.{n}", p

    def forward(self, x):
        for m in self.layers:
            x = m(x)
        return x

    def __call__(self, x):
        return self.forward(x)


class RNN:
    """A tanh RNN, a = b + W h + U x (Goodfellow, Bengio & Courville, *Deep Learning*, §10.2),
    unrolled over the steps of its input."""

    def __init__(self, n, rng):
        self.cell = Lin(2 * n, n, rng)

    def named_modules(self):
        yield "", self
        yield "cell", self.cell

    def named_parameters(self):
        for n, p in self.cell.named_parameters():
            yield f"cell.{n}", p

    def forward(self, xs):
        h = ac.zeros(1, xs.shape[2], dtype=ac.float64)
        for t in range(xs.shape[0]):
            h = self.cell(ac.cat([xs[t], h], axis=1))
        return h

    def __call__(self, x):
        return self.forward(x)


def test_record_modules_restores_forward(rng):
    model = Seq([Lin(3, 3, rng)])
    with record_modules(model):
        assert "forward" in vars(model.layers[0])
    assert "forward" not in vars(model.layers[0]) and "forward" not in vars(model)


def test_collapse_modules_mlp_with_10_layers_is_one_box_per_layer(rng):
    model = Seq([Lin(4, 4, rng) for _ in range(10)])
    x = f64(rng.standard_normal((2, 4)), requires_grad=False, name="x")
    with record_modules(model):
        loss = model(x).sum()
    full, _ = parse(draw_graph(loss, params=model).source)
    nodes, edges = parse(draw_graph(loss, params=model, collapse_modules=True).source)
    boxes = {n: a for n, a in nodes.items() if n.startswith("m")}
    assert len(full) == 2 * 31 + 21  # 3 ops per layer and the sum; x and 20 parameters
    assert len(boxes) == 10
    assert all(f'fillcolor="{COLORS["module"]}"' in a for a in boxes.values())
    assert "layers.3 (Lin)" in nodes[sorted(boxes)[6]] or any(
        "layers.3 (Lin)" in a for a in boxes.values()
    )
    assert all("3 ops: matmul, add, tanh" in a for a in boxes.values())
    assert all("weight (4, 4)" in a and "bias (4)" in a for a in boxes.values())
    # x, the 10 boxes, sum and the output: 13 nodes in a chain.
    assert len(nodes) == 13 and len(edges) == 12


def test_collapse_modules_unrolled_rnn_gives_one_box_per_step(rng):
    model = RNN(3, rng)
    xs = f64(rng.standard_normal((100, 1, 3)), requires_grad=False, name="xs")
    with record_modules(model):
        loss = model(xs).sum()
    n_ops, _, _ = count_graph(loss)
    nodes, _ = parse(draw_graph(loss, params=model, collapse_modules=2, max_nodes=None).source)
    cells = [a for n, a in nodes.items() if n.startswith("m") and "cell (Lin)" in a]
    assert len(cells) == 100
    full, _ = parse(draw_graph(loss, params=model, max_nodes=None).source)
    assert len(full) > 2 * n_ops and len(nodes) < len(full) / 2
    top, _ = parse(draw_graph(loss, params=model, collapse_modules=True, max_nodes=None).source)
    assert sum(n.startswith("m") for n in top) == 100  # depth 1 = the model's children


def test_not_collapsed_recorded_modules_are_clusters(rng):
    model = Seq([Lin(3, 3, rng), Lin(3, 2, rng)])
    with record_modules(model):
        loss = model(f64(np.ones((1, 3)), requires_grad=False)).sum()
    src = draw_graph(loss, params=model).source
    assert src.count("subgraph cluster_") == 2
    assert "layers.0 (Lin)" in src and "layers.1 (Lin)" in src


def test_collapse_modules_without_recording_uses_parameter_ownership(rng):
    model = Seq([Lin(3, 3, rng), Lin(3, 2, rng)])
    loss = model(f64(np.ones((1, 3)), requires_grad=False)).sum()
    nodes, _ = parse(draw_graph(loss, params=model, collapse_modules=True).source)
    boxes = [a for n, a in nodes.items() if n.startswith("m")]
    assert len(boxes) == 2 and all("2 ops: matmul, add|" in a for a in boxes)


def test_collapse_modules_with_nn_sequential(rng):
    nn = pytest.importorskip("nn")
    if not hasattr(nn, "Sequential") or not hasattr(nn, "Linear"):
        pytest.skip("nn.Sequential / nn.Linear not available yet")
    model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 2))
    x = ac.tensor(rng.standard_normal((5, 4)).astype(np.float32))
    with record_modules(model):
        loss = model(x).sum()
    src = draw_graph(loss, params=model).source
    assert "0.weight" in src and "2.bias" in src
    nodes, _ = parse(draw_graph(loss, params=model, collapse_modules=True).source)
    boxes = [a for n, a in nodes.items() if n.startswith("m")]
    assert len(boxes) == 3
    assert any("(Linear)" in a for a in boxes) and any("(Tanh)" in a for a in boxes)


# -- large graphs --------------------------------------------------------------------------------


def chain(n):
    x = f64([1.0, 2.0], name="x")
    y = x
    for i in range(n):
        y = y * 1.0001 if i % 2 else y.tanh()
    return y.sum()


def test_max_nodes_summarises_a_large_graph():
    loss = chain(2000)
    nodes, edges = parse(draw_graph(loss, max_nodes=100).source)
    assert len(nodes) <= 100
    assert "more" in nodes and "more nodes not drawn" in nodes["more"]
    assert f'fillcolor="{COLORS["summary"]}"' in nodes["more"]
    assert any(e[0] == "more" for e in edges)
    assert "u(" in nodes["t0"]  # the output is among what is kept


def test_ten_thousand_op_chain_draws_every_node():
    loss = chain(10_000)
    start = time.perf_counter()
    src = draw_graph(loss, max_nodes=None).source
    elapsed = time.perf_counter() - start
    nodes, edges = parse(src)
    # 10,001 ops (5,000 tanh, 5,000 mul, sum), the leaf x and 5,000 constant leaves 1.0001.
    assert len(nodes) == 2 * 10_001 + 1 + 5_000
    assert len(edges) == (5_000 + 2 * 5_000 + 1) + 10_001
    print(f"10,001-op chain: DOT built in {elapsed:.2f} s")


@pytest.mark.slow
@needs_dot
def test_a_ten_thousand_op_chain_renders_from_a_bounded_drawing(tmp_path):
    """Drawing a 10,000-op chain keeps the default max_nodes (300) nodes nearest the output plus
    a summary, which is what keeps dot's layout to seconds (all 25,000 nodes take it minutes);
    both formats render. How long it takes is a benchmark's question, not a test's (a shared
    2-core machine measured 6 s and 38 s for the same PNG)."""
    from autograd_core.cli_viz_render import count_dot

    loss = chain(10_000)
    dot = draw_graph(loss)
    nodes, edges = count_dot(dot.source)
    assert 300 <= nodes <= 310 and edges < 2 * nodes
    for fmt, magic in (("svg", b"<?xml"), ("png", b"\x89PNG")):
        path = dot.write(str(tmp_path / f"c.{fmt}"))
        assert open(path, "rb").read(5).startswith(magic)


# -- rendering ------------------------------------------------------------------------------------


@needs_dot
def test_write_png_svg_pdf(rng, tmp_path):
    _, _, _, loss = small_net(rng)
    dot = draw_graph(loss)
    png = dot.write(str(tmp_path / "g.png"))
    assert open(png, "rb").read(8) == b"\x89PNG\r\n\x1a\n"
    svg = dot.write(str(tmp_path / "g.svg"))
    assert re.search(rb"<svg[^>]*xmlns=\"http://www.w3.org/2000/svg\"", open(svg, "rb").read())
    pdf = dot.write(str(tmp_path / "g.pdf"))
    assert open(pdf, "rb").read(5) == b"%PDF-"
    out = dot.render(str(tmp_path / "r"), format="png")
    assert out.endswith("r.png") and open(out, "rb").read(4) == b"\x89PNG"


def test_write_without_a_format_says_how(rng, tmp_path):
    _, _, _, loss = small_net(rng)
    with pytest.raises(ValueError, match="cannot tell the image format"):
        draw_graph(loss).write(str(tmp_path / "graph"))
    path = draw_graph(loss).write(str(tmp_path / "graph.gv"))
    assert open(path).read().startswith("digraph")


@needs_dot
def test_jupyter_displays_svg_inline(rng):
    _, _, _, loss = small_net(rng)
    bundle = draw_graph(loss)._repr_mimebundle_()
    assert "<svg" in bundle["image/svg+xml"]


def test_missing_dot_gives_install_hint_and_keeps_source(rng, tmp_path, monkeypatch):
    _, _, _, loss = small_net(rng)
    dot = draw_graph(loss)
    monkeypatch.setenv("PATH", str(tmp_path))  # no dot on it
    with pytest.raises(
        GraphvizError, match="'dot' program was not found.*apt-get install graphviz.*graph.source"
    ):
        dot.write(str(tmp_path / "g.png"))
    bundle = dot._repr_mimebundle_()
    assert "apt-get install graphviz" in bundle["text/plain"]
    assert dot.source in bundle["text/plain"]


def test_missing_graphviz_package_gives_install_hint(rng, monkeypatch):
    _, _, _, loss = small_net(rng)
    monkeypatch.setitem(sys.modules, "graphviz", None)
    with pytest.raises(GraphvizError, match="pip install graphviz"):
        draw_graph(loss)


# -- grad table and frames -------------------------------------------------------------------------


def test_draw_grad_table_has_a_row_per_entry():
    x = f64(2.0, name="x")
    table = ac.grad_table(x * x + x)
    src = draw_grad_table(table).source
    assert src.count("<TR>") == len(table) + 1 == 4
    assert "u(3)" in src and "u(1)" in src
    assert re.search(r"(mul|add), (mul|add), (mul|add)", src)
    with pytest.raises(TypeError, match="draw_grad_table: expected the report"):
        draw_grad_table([1, 2])


def test_draw_backprop_step_highlights_current_node_and_edges(rng):
    from autograd_core.steps import backprop_steps

    _, _, _, loss = small_net(rng)
    steps = list(backprop_steps(loss))
    add_step = next(s for s in steps if s.label == "add")
    nodes, edges = parse(draw_backprop_step(loss, steps, add_step.index).source)
    current = [a for a in nodes.values() if f'fillcolor="{COLORS["current"]}"' in a]
    assert len(current) == 2  # the add op and its value
    hot = [e for e in edges if 'penwidth="2.5"' in e[2]]
    assert len(hot) == 2  # add sends VJPs to both of its inputs
    done = [a for a in nodes.values() if f'fillcolor="{COLORS["done"]}"' in a]
    assert len(done) == 2 * (add_step.index - 1)
    with pytest.raises(ValueError, match="step 99 does not exist"):
        draw_backprop_step(loss, steps, 99)


@needs_dot
def test_write_frames_one_png_per_step(rng, tmp_path):
    _, _, _, loss = small_net(rng)
    paths = write_frames(loss, str(tmp_path / "frames"))
    assert len(paths) == 7
    assert all(open(p, "rb").read(4) == b"\x89PNG" for p in paths)
