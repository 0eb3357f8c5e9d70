"""Tests for autograd_core.viz: DOT structure, labels, colours, module boxes, rendering."""

from __future__ import annotations

import gc
import re
import weakref

import numpy as np
import pytest
from viz_graphs import f64, parse, small_net  # tests/autograd_core/viz_graphs.py

import autograd_core as ac
from autograd_core.graph import toposort
from autograd_core.viz import (
    BAD_EDGE,
    COLORS,
    draw_graph,
    record_modules,
)


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
