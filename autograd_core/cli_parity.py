"""``autograd-core parity``: every op on the CPU and on a device, forward and gradients
compared, with a JSON report."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

import numpy as np

from autograd_core.cli_common import CLIError, table

__all__ = ["add_parser", "cmd_parity"]


def _device_or_error(spec: str) -> Any:
    from autograd_core.device import Device, is_cuda_available
    from autograd_core.errors import DeviceError

    try:
        device = Device(spec)
    except DeviceError as e:
        raise CLIError(str(e)) from None
    if device.type == "cuda" and not is_cuda_available():
        raise CLIError(
            f"parity: no CUDA device for {spec!r} (CuPy is missing or sees no GPU). Run it on a "
            "machine with an NVIDIA GPU and `pip install autograd-core[cuda]`, or set "
            "AUTOGRAD_CORE_FAKE_CUDA=1 to run against the strict CPU stand-in."
        )
    return device


def cmd_parity(args: argparse.Namespace) -> int:
    from autograd_core.testing.parity import run_parity, select_specs

    device = _device_or_error(args.device)
    try:
        specs = select_specs(args.op)
    except ValueError as e:
        raise CLIError(str(e)) from None
    dtype = np.dtype(args.dtype)
    rows = []
    t0 = time.perf_counter()
    cases = [(s, c) for s in specs for c in s.cases()]
    for i, (spec, case) in enumerate(cases):
        rows.append(run_parity(spec, case, device, dtype, seed=args.seed))
        if not args.quiet and not args.json and sys.stderr.isatty():
            print(f"\r{i + 1}/{len(cases)} {spec.name:<24}", end="", file=sys.stderr)
    if not args.quiet and not args.json and sys.stderr.isatty():
        print(file=sys.stderr)
    counts = {k: sum(r.status == k for r in rows) for k in ("pass", "fail", "error", "skip")}
    report = {
        "device": str(device),
        "dtype": dtype.name,
        "seconds": round(time.perf_counter() - t0, 2),
        "counts": counts,
        "rows": [r.as_dict() for r in rows],
    }
    if args.output:
        with open(args.output, "w") as f:
            json.dump(report, f, indent=1)
    if args.json:
        print(json.dumps(report, indent=1))
    else:
        shown = [r for r in rows if r.status in ("fail", "error") or not args.quiet]
        print(
            table(
                [[r.op, r.case, r.status, f"{r.max_abs_err:.2e}", r.message[:60]] for r in shown],
                ["op", "case", "status", "max abs err", "message"],
            )
        )
        print(
            f"{counts['pass']} passed, {counts['fail']} failed, {counts['error']} errors, "
            f"{counts['skip']} skipped ({len(specs)} ops, cpu vs {device}, {dtype.name})"
        )
    return 1 if counts["fail"] or counts["error"] else 0


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "parity",
        help="run every op on the CPU and on a device and compare values and gradients",
        description=(
            "Run each op-database case on the CPU and on --device, and compare the outputs and "
            "the gradients of a random weighted sum of them. Exit 1 when any case differs."
        ),
    )
    p.add_argument("--device", default="cuda", help="the device to compare (default: cuda)")
    p.add_argument("--dtype", choices=["float64", "float32"], default="float64")
    p.add_argument("--op", action="append", metavar="PATTERN", help="ops to run (glob; repeat)")
    p.add_argument("--seed", type=int, default=0, help="seed of the output weights")
    p.add_argument("--output", metavar="FILE.json", help="write the JSON report here")
    p.add_argument("--json", action="store_true", help="print the JSON report")
    p.add_argument("-q", "--quiet", action="store_true", help="print only failures and totals")
    p.set_defaults(func=cmd_parity)
