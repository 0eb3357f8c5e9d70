"""The ``autograd-core`` command: gradcheck, ops, demo, viz, trace, parity.

Errors in the command itself (a bad spec, an import failure, shapes that do not fit) print one
line and exit with status 2; a failed gradient check exits with status 1.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

from autograd_core.cli_common import CLIError, Parser, nonneg_int, table

__all__ = ["main"]


def cmd_ops(args: argparse.Namespace) -> int:
    from autograd_core.registry import OP_REGISTRY
    from autograd_core.testing import OP_DB

    specs = {s.name: s for s in OP_DB}
    rows = []
    for name in sorted(OP_REGISTRY):
        cls = OP_REGISTRY[name]
        spec = specs.get(name)
        grad_args = (
            "-"
            if not cls.differentiable
            else (
                "all"
                if spec is None or spec.grad_args is None
                else ",".join(map(str, spec.grad_args))
            )
        )
        rows.append(
            [
                name,
                "yes" if cls.broadcasts else "no",
                "yes" if cls.differentiable else "no",
                "yes" if cls.double_backward else "no",
                grad_args,
                len(spec.cases()) if spec else 0,
            ]
        )
    if args.json:
        keys = ["op", "broadcasts", "differentiable", "double_backward", "grad_args", "cases"]
        print(json.dumps([dict(zip(keys, r)) for r in rows], indent=1))
    else:
        print(
            table(
                rows,
                [
                    "op",
                    "broadcasts",
                    "differentiable",
                    "double backward",
                    "differentiable args",
                    "test cases",
                ],
            )
        )
        print(f"{len(rows)} ops")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from autograd_core.demo import run_demo

    return run_demo(epochs=args.epochs, graph_path=args.graph, seed=args.seed)


def build_parser() -> argparse.ArgumentParser:
    from autograd_core import cli_gradcheck, cli_parity, cli_viz

    p = Parser(
        prog="autograd-core",
        description="A readable autodiff engine: check gradients, list ops, draw graphs.",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    cli_gradcheck.add_parser(sub)

    o = sub.add_parser("ops", help="list every registered op and its properties")
    o.add_argument("--json", action="store_true")
    o.set_defaults(func=cmd_ops)

    d = sub.add_parser("demo", help="train a tiny MLP on XOR with raw tensors")
    d.add_argument("--epochs", type=nonneg_int, default=2000)
    d.add_argument("--graph", default="xor_graph.png", help="where to draw the graph ('' = no)")
    d.add_argument("--seed", type=nonneg_int, default=0)
    d.set_defaults(func=cmd_demo)

    cli_viz.add_parsers(sub)
    cli_parity.add_parser(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        status = int(args.func(args) or 0)
        sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
        return status
    except CLIError as e:
        print(f"autograd-core: error: {e}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader stopped early (`| head -1`). Point stdout at devnull so that the flush at
        # exit cannot fail again (the recipe in Python's `signal` documentation).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        print("autograd-core: error: output closed early (broken pipe)", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
