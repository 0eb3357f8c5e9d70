"""``autograd-core gradcheck``: numeric against analytic gradients for the op database, a
user's function (``--fn``) or a model's parameters (``--model``).

In float64 (the reference) each op uses its own step and tolerances; ``--dtype float32``
scales them for float32's precision by the rule in ``gradcheck_settings.py`` (step u^(1/3),
tolerances 100·u^(2/3), u the machine epsilon). A dense check of a large input shows a
progress bar and suggests ``--fast``.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
import warnings
from typing import Any

import numpy as np

from autograd_core.cli_common import (
    CLIError,
    check_device,
    load_object,
    nonneg_float,
    nonneg_int,
    parse_shape,
    positive_float,
    table,
)

__all__ = ["add_parser", "cmd_gradcheck", "DENSE_HINT"]

# input + output elements above which a dense check (2 evaluations per input element, one
# backward pass per output element) shows progress and suggests --fast
DENSE_HINT = 5000


def _select_specs(patterns: list[str] | None) -> list[Any]:
    from autograd_core.testing.parity import select_specs

    try:
        return select_specs(patterns)
    except ValueError as e:
        raise CLIError(str(e)) from None


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
                    device=args.device,
                )
                rows.append(row)
                if args.verbose and row.status not in ("pass", "skip"):
                    print(row.message, file=sys.stderr)
    return rows


def _random_inputs(
    shapes: list[tuple[int, ...]], seed: int, dtype: Any, device: str = "cpu"
) -> list[Any]:
    import autograd_core as ac

    rng = np.random.default_rng(seed)
    draws = [rng.standard_normal(s).astype(dtype) for s in shapes]
    return [ac.tensor(a, device=device, requires_grad=True) for a in draws]


def _load_inputs(path: str, dtype: Any, device: str = "cpu") -> list[Any]:
    import autograd_core as ac

    try:
        with np.load(path, allow_pickle=False) as data:
            keys = sorted(data.files, key=lambda k: (len(k), k))
            arrays = [data[k].astype(dtype) for k in keys]
            return [ac.tensor(a, device=device, requires_grad=True) for a in arrays]
    except (OSError, ValueError) as e:
        raise CLIError(f"cannot read inputs from {path!r}: {e}") from e


def _dense_hint(name: str, case: str, fn: Any, inputs: list[Any], fast: bool) -> bool:
    """For a dense check of many elements: say so on stderr, suggest --fast, and return True
    (show progress bars)."""
    from autograd_core.grad_mode import no_grad

    if fast:
        return False
    cols = sum(t.numel() for t in inputs if getattr(t, "requires_grad", False))
    with no_grad():
        out = fn(*inputs)
    outs = out if isinstance(out, (tuple, list)) else [out]
    rows = sum(o.numel() for o in outs if hasattr(o, "numel"))
    if cols + rows <= DENSE_HINT:
        return False
    print(
        f"autograd-core: note: a dense check of {name} [{case}] takes {2 * cols:,} evaluations "
        f"of the function and {2 * rows:,} backward passes; --fast checks one random "
        "direction instead (two evaluations and one backward pass per input).",
        file=sys.stderr,
    )
    return True


def _check_row(
    name: str, case: str, order: int, fn: Any, inputs: list[Any], args: argparse.Namespace
) -> Any:
    from autograd_core.gradcheck import check_gradients, second_order_function
    from autograd_core.testing.run import CaseResult

    row = CaseResult(name, case, order, "pass")
    try:
        if order == 2:
            fn, inputs = second_order_function(fn, inputs, None, args.seed)
        progress = _dense_hint(name, case, fn, inputs, args.fast)
        res = check_gradients(
            fn,
            inputs,
            eps=args.eps,
            atol=args.atol,
            rtol=args.rtol,
            fast_mode=args.fast,
            seed=args.seed,
            allow_nan=args.allow_nan,
            progress=progress,
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
    import autograd_core as ac

    fn = load_object(args.fn)
    if not callable(fn):
        raise CLIError(f"{args.fn} is not callable")
    dtype = np.dtype(args.dtype)
    ac.manual_seed(args.seed)  # for a function that draws random numbers itself
    if args.input:
        inputs = _load_inputs(args.input, dtype, args.device)
    elif args.shape:
        shapes = [parse_shape(s) for s in args.shape]
        inputs = _random_inputs(shapes, args.seed, dtype, args.device)
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
    dtype = np.dtype(args.dtype)
    ac.manual_seed(args.seed)  # the factory's initial weights come from the global generator
    try:
        model = factory() if callable(factory) and not hasattr(factory, "parameters") else factory
    except Exception as e:
        raise CLIError(f"{args.model}() failed: {type(e).__name__}: {e}") from e
    if not hasattr(model, "named_parameters"):
        raise CLIError(f"{args.model} did not give a module (no named_parameters())")
    if not args.input_shape:
        raise CLIError("--model needs --input-shape, e.g. --input-shape 8,784")
    if hasattr(model, "to"):
        model = model.to(dtype).to(args.device)
    if hasattr(model, "eval") and not args.train_mode:
        model.eval()  # dropout off: the function must be deterministic to be checked
    params = list(model.named_parameters())
    x = _random_inputs([parse_shape(args.input_shape)], args.seed, dtype, args.device)[0]
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
    chosen = [m for m in ("all", "op", "fn", "model") if getattr(args, m)]
    if len(chosen) > 1:
        raise CLIError(f"choose one of --all, --op, --fn, --model (got {', '.join(chosen)})")
    if (args.shape or args.input) and not args.fn:
        raise CLIError("--shape and --input give the inputs of --fn; pass --fn MODULE:FUNC")
    if (args.input_shape or args.loss or args.train_mode) and not args.model:
        raise CLIError("--input-shape, --loss and --train-mode apply to --model MODULE:FACTORY")


def _json_row(row: Any) -> dict[str, Any]:
    """A result row for ``--json``: an infinite error is written as a string, not as the
    ``Infinity`` that strict JSON readers refuse."""
    return {
        k: v if not isinstance(v, float) or math.isfinite(v) else str(v)
        for k, v in vars(row).items()
    }


def cmd_gradcheck(args: argparse.Namespace) -> int:
    """Run the checks the arguments select, print the table (or JSON) and the totals; exit
    status 1 when any check failed."""
    _check_modes(args)
    check_device(args.device)
    _import_modules(args.imports)
    start = time.perf_counter()
    with warnings.catch_warnings():
        if args.dtype != "float64":  # one note here instead of a warning per check
            warnings.filterwarnings("ignore", message=r"gradcheck .* not float64")
            print(
                f"autograd-core: note: checking in {args.dtype} with a step and tolerances "
                "chosen for its precision (see --help); float64 is the reference.",
                file=sys.stderr,
            )
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
                    "results": [_json_row(r) for r in rows],
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
                table(
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


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register the gradcheck subcommand on the main parser."""
    g = subparsers.add_parser(
        "gradcheck", help="numeric vs analytic gradients for ops, functions, models"
    )
    g.add_argument("--all", action="store_true", help="every op in the op database (the default)")
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
        help="shape of one random input of --fn (repeat per input)",
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
    g.add_argument(
        "--dtype",
        default="float64",
        choices=["float64", "float32"],
        help="float64 is the reference; float32 uses a step u^(1/3) and tolerances 100*u^(2/3) "
        "(u = machine epsilon: 4.9e-3 and 2.4e-3) unless --eps/--atol/--rtol are given",
    )
    g.add_argument(
        "--seed",
        type=nonneg_int,
        default=0,
        help="seeds the random inputs, the model built by --model and fast-mode directions",
    )
    g.add_argument("--eps", type=positive_float, help="finite-difference step (> 0)")
    g.add_argument("--atol", type=nonneg_float, help="absolute tolerance (>= 0)")
    g.add_argument("--rtol", type=nonneg_float, help="relative tolerance (>= 0)")
    g.add_argument(
        "--allow-nan",
        action="store_true",
        help="accept elements where the analytic and numeric derivatives are both NaN",
    )
    g.add_argument(
        "--device",
        default="cpu",
        help="where the checks run: cpu (default), cuda or cuda:N (CuPy and a GPU, or the CPU "
        "stand-in with AUTOGRAD_CORE_FAKE_CUDA=1)",
    )
    g.add_argument("--fast", action="store_true", help="random-direction checks only")
    g.add_argument("--json", action="store_true", help="machine-readable results")
    g.add_argument("-q", "--quiet", action="store_true", help="print only failures and totals")
    g.add_argument("-v", "--verbose", action="store_true", help="print every failure message")
    g.set_defaults(func=cmd_gradcheck)
