"""Tests for autograd_core.viz on large graphs, rendering to files and Jupyter, the grad table
and the frames of a back-propagation animation."""

from __future__ import annotations

import re
import sys
import time

import pytest
from viz_graphs import f64, needs_dot, parse, small_net  # tests/autograd_core/viz_graphs.py

import autograd_core as ac
from autograd_core.viz import (
    COLORS,
    GraphvizError,
    draw_backprop_step,
    draw_grad_table,
    draw_graph,
    write_frames,
)

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
