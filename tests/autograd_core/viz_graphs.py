"""Helpers shared by the viz tests: a tiny DOT parser, float64 tensors and a small network."""

from __future__ import annotations

import re
import shutil

import numpy as np
import pytest

import autograd_core as ac

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
