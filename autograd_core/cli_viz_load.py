"""What ``viz`` and ``trace`` run: a user's function on random inputs, a user's model on a random
batch, or a built-in example, turned into the outputs to draw or the scalar to trace.

User code is loaded with ``cli_common.load_object``; any exception it raises becomes a one-line
``CLIError`` that names the function and the input shapes.
"""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np

from autograd_core.cli_common import CLIError, load_object, parse_shape
from autograd_core.cli_viz_examples import example_loss, example_model, trace_example

__all__ = ["build_viz_graph", "build_trace_loss", "outputs_of", "scalar_loss"]


def build_viz_graph(args: argparse.Namespace) -> tuple[list[Any], Any, str, bool]:
    """Run what the ``viz`` arguments name: ``(outputs, params, title, is_example)``."""
    from autograd_core.viz import record_modules

    if args.example:
        model, x, y, title = example_model(args.example, args.seed)
        with record_modules(model):
            out = model(x)
        return [example_loss(out, y)], model, title, True
    dtype = np.dtype(args.dtype)
    rng = np.random.default_rng(args.seed)
    if args.fn:
        fn = load_object(args.fn)
        if not callable(fn):
            raise CLIError(f"{args.fn} is not callable")
        if not args.shape:
            raise CLIError("--fn needs --shape (one per argument), e.g. --shape 3,4")
        shapes = [parse_shape(s) for s in args.shape]
        outs, title = _run_fn(args.fn, fn, shapes, rng, dtype)
        return outs, None, title, False
    return _run_model(args.model, args.input_shape, rng, dtype)


def build_trace_loss(args: argparse.Namespace) -> tuple[Any, str, Any]:
    """Run what the ``trace`` arguments name: ``(scalar loss, title, params or None)``."""
    if not args.fn:
        return trace_example(args.example, args.seed)
    fn = load_object(args.fn)
    shapes = [parse_shape(s) for s in (args.shape or ["()"])]
    rng = np.random.default_rng(args.seed)
    outs, title = _run_fn(args.fn, fn, shapes, rng, np.dtype(np.float64))
    return scalar_loss(outs), title, None


def _run_fn(
    spec: str, fn: Any, shapes: list[tuple[int, ...]], rng: np.random.Generator, dtype: Any
) -> tuple[list[Any], str]:
    """Call a user function on random inputs named x (or x0, x1, …): ``(outputs, title)``."""
    import autograd_core as ac

    inputs = []
    for i, s in enumerate(shapes):
        t = ac.tensor(rng.standard_normal(s).astype(dtype), requires_grad=True)
        t.name = f"x{i}" if len(shapes) > 1 else "x"
        inputs.append(t)
    try:
        out = fn(*inputs)
    except Exception as e:  # user code: report it as one line
        raise CLIError(f"{spec} failed on inputs of shape {shapes}: {type(e).__name__}: {e}") from e
    return outputs_of(out, spec), f"{spec}{tuple(shapes)}"


def _run_model(
    spec: str, input_shape: str | None, rng: np.random.Generator, dtype: Any
) -> tuple[list[Any], Any, str, bool]:
    """Build a user model from its factory and run it on a random batch named ``input``."""
    import autograd_core as ac
    from autograd_core.viz import record_modules

    factory = load_object(spec)
    try:
        model = factory if hasattr(factory, "named_modules") else factory()
    except Exception as e:
        raise CLIError(f"{spec}() failed: {type(e).__name__}: {e}") from e
    if not hasattr(model, "named_parameters"):
        raise CLIError(f"{spec} did not give a module (no named_parameters())")
    if not input_shape:
        raise CLIError("--model needs --input-shape, e.g. --input-shape 1,784")
    shape = parse_shape(input_shape)
    x = ac.tensor(rng.standard_normal(shape).astype(dtype))
    x.name = "input"
    try:
        if hasattr(model, "named_modules"):
            with record_modules(model):
                out = model(x)
        else:
            out = model(x)
    except Exception as e:
        raise CLIError(
            f"{spec} forward failed on input of shape {shape}: {type(e).__name__}: {e}"
        ) from e
    return outputs_of(out, spec), model, f"{type(model).__name__} on input {shape}", False


def outputs_of(out: Any, what: str) -> list[Any]:
    """A function's result as a non-empty list of Tensors, or a CLIError naming ``what``."""
    from autograd_core.tensor import Tensor

    outs = list(out) if isinstance(out, (tuple, list)) else [out]
    if not outs or not all(isinstance(t, Tensor) for t in outs):
        raise CLIError(f"{what} returned {type(out).__name__}, not a Tensor (or tuple of them)")
    return outs


def scalar_loss(outs: list[Any]) -> Any:
    """The scalar to back-propagate from: the output itself, or the sum of all outputs."""
    if len(outs) == 1 and outs[0].data.size == 1:
        return outs[0]
    total = None
    for t in outs:
        s = t.sum() if t.data.size != 1 else t
        total = s if total is None else total + s
    total.name = "sum(outputs)"
    return total
