"""The ``autograd-core`` command: gradcheck, ops, demo, viz, trace.

Errors in the command itself (a bad spec, an import failure, shapes that do not fit) print one
line and exit with status 2; a failed gradient check exits with status 1.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import sys
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from autograd_core.cli_common import CLIError, load_object, parse_shape

__all__ = ["main"]


def _table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    lines = [fmt.format(*header), fmt.format(*("-" * w for w in widths))]
    lines += [fmt.format(*map(str, r)) for r in rows]
    return "\n".join(lines)


def _select_specs(patterns: list[str] | None) -> list[Any]:
    from autograd_core.testing import OP_DB

    if not patterns:
        return list(OP_DB)
    chosen = [s for s in OP_DB if any(fnmatch.fnmatchcase(s.name, p) for p in patterns)]
    unmatched = [p for p in patterns if not any(fnmatch.fnmatchcase(s.name, p) for s in OP_DB)]
    if unmatched:
        raise CLIError(
            f"no op matches {', '.join(repr(p) for p in unmatched)}; "
            "run `autograd-core ops` to list them"
        )
    return chosen


def _gradcheck_ops(args: argparse.Namespace) -> list[Any]:
    from autograd_core.testing.run import run_case

    dtype = np.dtype(args.dtype)
    orders = [args.order] if args.order else [1, 2]
    rows = []
    for spec in _select_specs(args.op):
        for case in spec.cases(seed=args.seed):
            for order in orders:
                row = run_case(
                    spec,
                    case,
                    order,
                    dtype=dtype,
                    eps=args.eps,
                    atol=args.atol,
                    rtol=args.rtol,
                    fast=True if args.fast else None,
                    seed=args.seed,
                )
                rows.append(row)
                if args.verbose and row.status not in ("pass", "skip"):
                    print(row.message, file=sys.stderr)
    return rows


def _random_inputs(shapes: list[tuple[int, ...]], seed: int, dtype: Any) -> list[Any]:
    import autograd_core as ac

    rng = np.random.default_rng(seed)
    return [ac.tensor(rng.standard_normal(s).astype(dtype), requires_grad=True) for s in shapes]


def _load_inputs(path: str, dtype: Any) -> list[Any]:
    import autograd_core as ac

    try:
        with np.load(path, allow_pickle=False) as data:
            keys = sorted(data.files, key=lambda k: (len(k), k))
            return [ac.tensor(data[k].astype(dtype), requires_grad=True) for k in keys]
    except (OSError, ValueError) as e:
        raise CLIError(f"cannot read inputs from {path!r}: {e}") from e


def _check_row(
    name: str, case: str, order: int, fn: Any, inputs: list[Any], args: argparse.Namespace
) -> Any:
    from autograd_core.gradcheck import check_gradients, second_order_function
    from autograd_core.testing.run import CaseResult

    row = CaseResult(name, case, order, "pass")
    try:
        if order == 2:
            fn, inputs = second_order_function(fn, inputs, None, args.seed)
        res = check_gradients(
            fn,
            inputs,
            eps=args.eps or 1e-6,
            atol=args.atol or 1e-5,
            rtol=args.rtol or 1e-3,
            fast_mode=args.fast,
            seed=args.seed,
            name=name,
        )
    except Exception as e:
        row.status, row.message = "error", f"{name}: {type(e).__name__}: {e}"
        return row
    row.max_abs_err, row.max_rel_err = res.max_abs_err, res.max_rel_err
    if not res.ok:
        row.status, row.message = "fail", res.message
    return row


def _gradcheck_fn(args: argparse.Namespace) -> list[Any]:
    fn = load_object(args.fn)
    if not callable(fn):
        raise CLIError(f"{args.fn} is not callable")
    dtype = np.dtype(args.dtype)
    if args.input:
        inputs = _load_inputs(args.input, dtype)
    elif args.shape:
        inputs = _random_inputs([parse_shape(s) for s in args.shape], args.seed, dtype)
    else:
        raise CLIError("--fn needs --shape (one per input) or --input FILE.npz")
    try:
        out = fn(*inputs)
    except Exception as e:
        shapes = ", ".join(str(tuple(t.shape)) for t in inputs)
        raise CLIError(
            f"{args.fn} failed on inputs of shape {shapes}: {type(e).__name__}: {e}"
        ) from e
    from autograd_core.tensor import Tensor

    if not isinstance(out, (Tensor, tuple, list)):
        raise CLIError(f"{args.fn} returned {type(out).__name__}, not a Tensor")
    orders = [args.order] if args.order else [1, 2]
    case = ", ".join(str(tuple(t.shape)) for t in inputs)
    return [_check_row(args.fn, case, o, fn, inputs, args) for o in orders]


def _gradcheck_model(args: argparse.Namespace) -> list[Any]:
    import autograd_core as ac

    factory = load_object(args.model)
    try:
        model = factory() if callable(factory) and not hasattr(factory, "parameters") else factory
    except Exception as e:
        raise CLIError(f"{args.model}() failed: {type(e).__name__}: {e}") from e
    if not hasattr(model, "named_parameters"):
        raise CLIError(f"{args.model} did not give a module (no named_parameters())")
    if not args.input_shape:
        raise CLIError("--model needs --input-shape, e.g. --input-shape 8,784")
    if hasattr(model, "to"):
        model = model.to(ac.float64)
    if hasattr(model, "eval") and not args.train_mode:
        model.eval()  # dropout off: the function must be deterministic to be checked
    params = list(model.named_parameters())
    x = _random_inputs([parse_shape(args.input_shape)], args.seed, np.float64)[0]
    loss_fn = load_object(args.loss) if args.loss else (lambda out: out.sum())
    try:  # one trial forward, so that an input that does not fit is one clear line
        loss = loss_fn(model(x))
    except Exception as e:
        raise CLIError(
            f"{args.model} failed on an input of shape {tuple(x.shape)}: {type(e).__name__}: {e}"
        ) from e
    if getattr(loss, "numel", lambda: 0)() != 1:
        raise CLIError(
            f"the loss must be a scalar; got shape {tuple(getattr(loss, 'shape', ()))}. "
            "Pass --loss MODULE:FUNC returning a one-element tensor."
        )
    fixed_x = x.detach()
    orders = [args.order] if args.order else [1]
    rows = [
        _check_row("input", str(tuple(x.shape)), o, lambda t: loss_fn(model(t)), [x], args)
        for o in orders
    ]
    for name, p in params:
        # gradcheck perturbs p's array in place, so the model sees each perturbation.
        rows += [
            _check_row(name, str(tuple(p.shape)), o, lambda t: loss_fn(model(fixed_x)), [p], args)
            for o in orders
        ]
    return rows


def _import_modules(names: list[str] | None) -> None:
    for name in names or ():
        load_object(f"{name}:__name__")


def _check_modes(args: argparse.Namespace) -> None:
    """Refuse options that belong to another mode instead of silently ignoring them."""
    chosen = [m for m in ("op", "fn", "model") if getattr(args, m)]
    if len(chosen) > 1:
        raise CLIError(f"choose one of --op, --fn, --model (got {', '.join(chosen)})")
    if (args.shape or args.input) and not args.fn:
        raise CLIError("--shape and --input give the inputs of --fn; pass --fn MODULE:FUNC")
    if (args.input_shape or args.loss or args.train_mode) and not args.model:
        raise CLIError("--input-shape, --loss and --train-mode apply to --model MODULE:FACTORY")


def cmd_gradcheck(args: argparse.Namespace) -> int:
    _check_modes(args)
    _import_modules(args.imports)
    start = time.perf_counter()
    if args.fn:
        rows = _gradcheck_fn(args)
    elif args.model:
        rows = _gradcheck_model(args)
    else:
        rows = _gradcheck_ops(args)
    elapsed = time.perf_counter() - start
    passed = sum(r.status in ("pass", "skip") for r in rows)
    failed = len(rows) - passed
    if args.json:
        print(
            json.dumps(
                {
                    "results": [r.__dict__ for r in rows],
                    "passed": passed,
                    "failed": failed,
                    "seconds": round(elapsed, 2),
                },
                indent=1,
            )
        )
    else:
        show = (
            rows
            if args.verbose or not args.quiet
            else [r for r in rows if r.status in ("fail", "error")]
        )
        if show:
            print(
                _table(
                    [
                        [
                            r.op,
                            r.case,
                            r.order,
                            f"{r.max_abs_err:.2e}",
                            f"{r.max_rel_err:.2e}",
                            r.status,
                        ]
                        for r in show
                    ],
                    ["op", "case", "order", "max|abs err|", "max rel err", "status"],
                )
            )
        for r in rows:
            if r.status in ("fail", "error"):
                print(f"FAILED {r.op} [{r.case}] order {r.order}: {r.message}")
        print(f"{passed} passed, {failed} failed in {elapsed:.1f}s")
    return 1 if failed else 0


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
            _table(
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
    p = argparse.ArgumentParser(
        prog="autograd-core",
        description="A readable autodiff engine: check gradients, list ops, draw graphs.",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    g = sub.add_parser("gradcheck", help="numeric vs analytic gradients for ops, functions, models")
    g.add_argument(
        "--op",
        action="append",
        metavar="NAME",
        help="op name or glob pattern (repeatable); default: every registered op",
    )
    g.add_argument(
        "--import",
        dest="imports",
        action="append",
        metavar="MODULE",
        help="import a module first, e.g. one that registers your own ops and "
        "appends their OpSpecs to autograd_core.testing.OP_DB (repeatable)",
    )
    g.add_argument("--fn", metavar="MODULE:FUNC", help="check your own function")
    g.add_argument(
        "--shape",
        action="append",
        metavar="D1,D2",
        help="shape of one random float64 input of --fn (repeat per input)",
    )
    g.add_argument("--input", metavar="FILE.npz", help="inputs for --fn (arrays in key order)")
    g.add_argument("--model", metavar="MODULE:FACTORY", help="check a model's parameters")
    g.add_argument("--input-shape", metavar="N,D", help="input shape for --model")
    g.add_argument(
        "--loss",
        metavar="MODULE:FUNC",
        help="scalar loss of the model output (default: sum of outputs)",
    )
    g.add_argument("--train-mode", action="store_true", help="keep the model in train mode")
    g.add_argument("--order", type=int, choices=[1, 2], help="only first or second order")
    g.add_argument("--dtype", default="float64", choices=["float64", "float32"])
    g.add_argument("--seed", type=int, default=0)
    g.add_argument("--eps", type=float, default=None)
    g.add_argument("--atol", type=float, default=None)
    g.add_argument("--rtol", type=float, default=None)
    g.add_argument("--fast", action="store_true", help="random-direction checks only")
    g.add_argument("--json", action="store_true", help="machine-readable results")
    g.add_argument("-q", "--quiet", action="store_true", help="print only failures and totals")
    g.add_argument("-v", "--verbose", action="store_true", help="print every failure message")
    g.set_defaults(func=cmd_gradcheck)

    o = sub.add_parser("ops", help="list every registered op and its properties")
    o.add_argument("--json", action="store_true")
    o.set_defaults(func=cmd_ops)

    d = sub.add_parser("demo", help="train a tiny MLP on XOR with raw tensors")
    d.add_argument("--epochs", type=int, default=2000)
    d.add_argument("--graph", default="xor_graph.png", help="where to draw the graph ('' = no)")
    d.add_argument("--seed", type=int, default=0)
    d.set_defaults(func=cmd_demo)

    from autograd_core import cli_viz

    cli_viz.add_parsers(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except CLIError as e:
        print(f"autograd-core: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
