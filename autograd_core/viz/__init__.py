"""Drawing computational graphs with graphviz: the forward graph G, the backward graph B, the grad
table, module boxes, and frames of a back-propagation sweep.

The pictures follow back-propagation as Goodfellow, Bengio & Courville, *Deep Learning* (2016),
§6.5 states it (also the course notes' back-propagation chapter): the forward graph G has a node per
value u(i) and an edge u(j) → u(i) per parent; the backward graph B has one node per node of G
(holding ∂ℒ/∂u(i)) and one edge per edge of G, reversed (the vector-Jacobian product along it).
Prior art: micrograd's ``draw_dot`` (values and gradients), torchviz's ``make_dot`` (backward graph
only), Keras ``plot_model`` (layers with shapes) and Chainer's ``computational_graph``.

graphviz (the Python package) is imported only when a picture is made; rendering also needs the
``dot`` program, and a clear error says how to install either.
"""

from __future__ import annotations

from autograd_core.viz.draw import draw_graph
from autograd_core.viz.frames import draw_backprop_step, draw_grad_table, write_frames
from autograd_core.viz.labels import BACKWARD_EDGE as BACKWARD_EDGE
from autograd_core.viz.labels import BAD_EDGE as BAD_EDGE
from autograd_core.viz.labels import COLORS
from autograd_core.viz.labels import op_caption as op_caption
from autograd_core.viz.modules import record_modules
from autograd_core.viz.render import GraphvizError

# BAD_EDGE, BACKWARD_EDGE and op_caption are importable too (the tests use BAD_EDGE), but as before
# the split they are not in __all__.
__all__ = [
    "COLORS",
    "GraphvizError",
    "draw_backprop_step",
    "draw_grad_table",
    "draw_graph",
    "record_modules",
    "write_frames",
]
