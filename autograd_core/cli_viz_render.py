"""The ``viz`` and ``trace`` handlers: draw the built graph as DOT or an image, or print the
back-propagation steps and write one picture per step."""

from __future__ import annotations

import argparse
import os
import sys

from autograd_core.cli_common import CLIError
from autograd_core.cli_viz_load import build_trace_loss, build_viz_graph, scalar_loss

__all__ = ["run_viz", "run_trace", "count_dot"]


def run_viz(args: argparse.Namespace) -> int:
    """``autograd-core viz``: print the DOT source, or write the image that ``-o`` names."""
    import autograd_core as ac
    from autograd_core.viz import GraphvizError, draw_graph

    mode = "overlay" if args.overlay else ("backward" if args.backward else "forward")
    if args.collapse_modules and mode != "forward":
        raise CLIError(
            f"--collapse-modules draws the forward graph only; it cannot be combined with "
            f"--{mode}. Drop one of the two"
        )
    outs, params, title, is_example = build_viz_graph(args)
    show_grad = args.grad if args.grad is not None else is_example
    table = None
    if show_grad or mode != "forward":
        if not any(t.requires_grad for t in outs):
            raise CLIError(
                "the output does not require grad, so there is no backward graph; "
                "make sure the inputs or parameters require grad"
            )
        loss = scalar_loss(outs)
        outs = [loss]
        table = ac.grad_table(loss) if show_grad else None
    try:
        dot = draw_graph(
            *outs,
            params=params,
            show_grad=show_grad,
            show_shapes=not args.no_shapes,
            show_saved=args.show_saved,
            collapse_modules=args.collapse_modules,
            max_nodes=args.max_nodes or None,
            rankdir=args.rankdir,
            mode=mode,
            grad_table=table,
            title=None if args.no_title else title,
        )
    except ValueError as e:  # an option draw_graph refuses: one line, not a traceback
        raise CLIError(str(e)) from e
    if args.output is None:
        sys.stdout.write(dot.source)
        return 0
    nodes, edges = count_dot(dot.source)
    try:
        path = dot.write(args.output, format=args.format)
    except GraphvizError as e:
        src = os.path.splitext(args.output)[0] + ".gv"
        with open(src, "w", encoding="utf-8") as f:
            f.write(dot.source)
        print(f"autograd-core: error: {e} The DOT source was written to {src}.", file=sys.stderr)
        return 1
    except ValueError as e:
        raise CLIError(str(e)) from e
    print(f"wrote {path} ({nodes} nodes, {edges} edges)")
    return 0


def count_dot(source: str) -> tuple[int, int]:
    """``(nodes, edges)`` in DOT source written by ``draw_graph``."""
    edges = sum(1 for line in source.splitlines() if " -> " in line)
    nodes = sum(
        1
        for line in source.splitlines()
        if line.startswith("\t") and " -> " not in line and "[label=" in line
    )
    return nodes, edges


def run_trace(args: argparse.Namespace) -> int:
    """``autograd-core trace``: print the grad-table steps, and write frames with ``--frames``."""
    from autograd_core.steps import format_steps
    from autograd_core.viz import GraphvizError, write_frames

    if args.frames and os.path.exists(args.frames) and not os.path.isdir(args.frames):
        raise CLIError(
            f"--frames {args.frames!r} is an existing file; frames go into a directory. "
            "Pass a new or existing directory"
        )
    loss, title, params = build_trace_loss(args)
    if not loss.requires_grad:
        raise CLIError("the expression does not require grad: there is nothing to trace")
    print(f"Expression: {title}\n")
    print(format_steps(loss, decimals=args.decimals, params=params))
    if args.frames:
        try:
            paths = write_frames(loss, args.frames, format=args.format, params=params)
        except GraphvizError as e:
            print(f"autograd-core: error: {e}", file=sys.stderr)
            return 1
        except OSError as e:
            raise CLIError(f"cannot write frames into {args.frames!r}: {e}") from e
        print(f"\nwrote {len(paths)} frames to {args.frames}/ ({os.path.basename(paths[0])} ...)")
    return 0
