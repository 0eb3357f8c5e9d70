"""The ``viz`` and ``trace`` subcommands: draw a graph to an image, print back-propagation steps.

``autograd-core viz --fn mypkg.mod:f --shape 3,4 -o graph.png [--backward] [--grad]``,
``autograd-core viz --model mypkg.models:make_net --input-shape 1,784 -o net.svg
[--collapse-modules]`` and ``autograd-core viz --example mlp|xor`` (no user code);
``autograd-core trace`` prints the numbered steps of the grad-table back-propagation algorithm
(Goodfellow, Bengio & Courville, *Deep Learning* (2016), §6.5; also the course notes'
back-propagation chapter) for a small expression and can write one picture per step.

The command-line arguments are declared here; the built-in examples are in
``cli_viz_examples.py``, the loading and running of user code in ``cli_viz_load.py``, and the
drawing and printing in ``cli_viz_render.py``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from autograd_core.cli_common import CLIError, nonneg_int, positive_int
from autograd_core.cli_viz_examples import EXAMPLES, TRACE_EXAMPLES, example_model
from autograd_core.cli_viz_render import run_trace, run_viz

__all__ = ["add_parsers", "example_model"]


def _guard(handler: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except CLIError as e:
            print(f"autograd-core: error: {e}", file=sys.stderr)
            return 2

    run.__name__ = handler.__name__
    return run


def _depth(text: str) -> int:
    try:
        d = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a depth such as 1 or 2, got {text!r}") from None
    if d < 1:
        raise argparse.ArgumentTypeError(f"the depth must be at least 1, got {d}")
    return d


def add_parsers(subparsers: argparse._SubParsersAction) -> None:
    """Register the viz and trace subcommands on the main parser."""
    p = subparsers.add_parser(
        "viz",
        help="draw a computational graph (forward, backward, with gradients) to an image",
        description="Draw the graph of a function, a model or a built-in example with graphviz. "
        "The image format comes from the suffix of -o (png, svg, pdf); without -o the DOT "
        "source is printed.",
    )
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--fn", metavar="MODULE:FUNC", help="a function of tensors, e.g. mypkg.mod:f")
    src.add_argument(
        "--model",
        metavar="MODULE:FACTORY",
        help="a function returning a module (or a module), e.g. mypkg.models:make_net",
    )
    src.add_argument("--example", choices=EXAMPLES, help="a built-in example (no user code)")
    p.add_argument(
        "--shape",
        action="append",
        metavar="D1,D2",
        help="shape of one input of --fn (repeat for each argument)",
    )
    p.add_argument("--input-shape", metavar="D1,D2", help="shape of the input of --model")
    p.add_argument("-o", "--output", metavar="PATH", help="image to write (graph.png, net.svg)")
    p.add_argument("--format", help="image format when -o has no usable suffix (png, svg, pdf)")
    p.add_argument(
        "--backward",
        action="store_true",
        help="draw the backward graph B (one node per node, edges reversed)",
    )
    p.add_argument("--overlay", action="store_true", help="draw the forward and backward graphs")
    p.add_argument(
        "--grad",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show each value's gradient (default: on for --example, off otherwise)",
    )
    p.add_argument(
        "--collapse-modules",
        nargs="?",
        const=1,
        default=0,
        type=_depth,
        metavar="DEPTH",
        help="draw each module call as one box (at DEPTH, default 1)",
    )
    p.add_argument(
        "--max-nodes",
        type=nonneg_int,
        default=300,
        help="summarise graphs larger than this (0: no limit; default 300)",
    )
    p.add_argument("--rankdir", choices=("TB", "LR", "BT", "RL"), default="TB")
    p.add_argument("--show-saved", action="store_true", help="list the arrays each op saved")
    p.add_argument("--no-shapes", action="store_true", help="hide shapes and dtypes")
    p.add_argument("--no-title", action="store_true", help="no caption on the picture")
    p.add_argument("--dtype", default="float32", choices=("float32", "float64"))
    p.add_argument("--seed", type=nonneg_int, default=0)
    p.set_defaults(func=_guard(run_viz))

    t = subparsers.add_parser(
        "trace",
        help="print back-propagation step by step, as the numbered grad-table algorithm",
        description="Run back-propagation on a small expression and print each step of the "
        "grad-table algorithm (Goodfellow, Bengio & Courville, Deep Learning, 2016, section "
        "6.5): the node, the upstream gradient, each vector-Jacobian product and the entry it "
        "was added to.",
    )
    tsrc = t.add_mutually_exclusive_group()
    tsrc.add_argument(
        "--example",
        choices=TRACE_EXAMPLES,
        default="neuron",
        help="a built-in expression (default: neuron)",
    )
    tsrc.add_argument("--fn", metavar="MODULE:FUNC", help="a function of tensors to trace")
    t.add_argument(
        "--shape",
        action="append",
        metavar="D1,D2",
        help="shape of one input of --fn (repeat; default a scalar)",
    )
    t.add_argument(
        "--decimals", type=positive_int, default=4, help="significant digits shown (>= 1)"
    )
    t.add_argument("--frames", metavar="DIR", help="also write one picture per step into DIR")
    t.add_argument("--format", default="png", help="format of the frames (png, svg, pdf)")
    t.add_argument("--seed", type=nonneg_int, default=0)
    t.set_defaults(func=_guard(run_trace))
