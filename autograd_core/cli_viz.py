"""The ``viz`` and ``trace`` subcommands: draw a graph to an image, print back-propagation steps.

``autograd-core viz --fn mypkg.mod:f --shape 3,4 -o graph.png [--backward] [--grad]``,
``autograd-core viz --model mypkg.models:make_net --input-shape 1,784 -o net.svg
[--collapse-modules]`` and ``autograd-core viz --example mlp|xor`` (no user code);
``autograd-core trace`` prints the numbered steps of the grad-table back-propagation algorithm
(Goodfellow, Bengio & Courville, *Deep Learning* (2016), §6.5; also the course notes'
back-propagation chapter) for a small expression and can write one picture per step.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from autograd_core.cli_common import CLIError, load_object, parse_shape

__all__ = ["add_parsers", "example_model"]

_EXAMPLES = ("xor", "mlp")
_TRACE_EXAMPLES = ("neuron", "fanout", "xor")


# -- built-in examples (no user code, no dependency on nn) -----------------------------------


class Dense:
    """y = act(x W + b): a stand-in layer with PyTorch's module protocol, so the examples draw
    module boxes without importing nn."""

    def __init__(
        self, n_in: int, n_out: int, act: str | None, rng: np.random.Generator, dtype: Any
    ) -> None:
        import autograd_core as ac

        bound = 1.0 / np.sqrt(n_in)
        self.weight = ac.tensor(
            rng.uniform(-bound, bound, (n_in, n_out)).astype(dtype), requires_grad=True
        )
        self.bias = ac.tensor(
            rng.uniform(-bound, bound, (n_out,)).astype(dtype), requires_grad=True
        )
        self.act = act

    def named_parameters(self) -> Iterator[tuple[str, Any]]:
        yield "weight", self.weight
        yield "bias", self.bias

    def named_modules(self) -> Iterator[tuple[str, Any]]:
        yield "", self

    def forward(self, x: Any) -> Any:
        y = x @ self.weight + self.bias
        return getattr(y, self.act)() if self.act else y

    def __call__(self, x: Any) -> Any:
        return self.forward(x)


class Net:
    """Named layers applied in order (a stand-in for nn.Sequential with named children)."""

    def __init__(self, layers: dict[str, Dense]) -> None:
        self.layers = layers

    def named_modules(self) -> Iterator[tuple[str, Any]]:
        yield "", self
        yield from self.layers.items()

    def named_parameters(self) -> Iterator[tuple[str, Any]]:
        for name, layer in self.layers.items():
            for pname, p in layer.named_parameters():
                yield f"{name}.{pname}", p

    def forward(self, x: Any) -> Any:
        for layer in self.layers.values():
            x = layer(x)
        return x

    def __call__(self, x: Any) -> Any:
        return self.forward(x)


def example_model(name: str, seed: int = 0) -> tuple[Any, Any, Any, str]:
    """A built-in example: ``(model, inputs, targets, description)``.

    ``xor``: the 2-2-1 tanh network on the four XOR points (the XOR example of Goodfellow,
    Bengio & Courville, *Deep Learning* (2016), §6.1); ``mlp``: a 16-32-32-10 ReLU MLP on a
    batch of 8. The model has ``named_parameters()`` and ``named_modules()``.
    """
    import autograd_core as ac

    rng = np.random.default_rng(seed)
    dtype = np.float64
    if name == "xor":
        model = Net(
            {
                "hidden": Dense(2, 2, "tanh", rng, dtype),
                "output": Dense(2, 1, "sigmoid", rng, dtype),
            }
        )
        x = ac.tensor(np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=dtype))
        y = ac.tensor(np.array([[0], [1], [1], [0]], dtype=dtype))
        x.name, y.name = "x", "target"
        return model, x, y, "XOR: h = tanh(x W1 + b1), y_hat = sigmoid(h W2 + b2), MSE loss"
    if name == "mlp":
        model = Net(
            {
                "fc1": Dense(16, 32, "relu", rng, dtype),
                "fc2": Dense(32, 32, "relu", rng, dtype),
                "fc3": Dense(32, 10, None, rng, dtype),
            }
        )
        x = ac.tensor(rng.standard_normal((8, 16)).astype(dtype))
        y = ac.tensor(rng.standard_normal((8, 10)).astype(dtype))
        x.name, y.name = "x", "target"
        return model, x, y, "MLP 16-32-32-10 (ReLU), MSE loss on a batch of 8"
    raise CLIError(f"unknown example {name!r}; choose one of {', '.join(_EXAMPLES)}")


def _mse(pred: Any, target: Any) -> Any:
    d = pred - target
    loss = (d * d).mean()
    loss.name = "loss"
    return loss


# -- viz ---------------------------------------------------------------------------------------


def _build_viz_graph(args: argparse.Namespace) -> tuple[list[Any], Any, str, bool]:
    """Run what the arguments name: ``(outputs, params, title, is_example)``."""
    import autograd_core as ac
    from autograd_core.viz import record_modules

    if args.example:
        model, x, y, title = example_model(args.example, args.seed)
        with record_modules(model):
            out = model(x)
        return [_mse(out, y)], model, title, True
    dtype = np.dtype(args.dtype)
    rng = np.random.default_rng(args.seed)
    if args.fn:
        fn = load_object(args.fn)
        if not callable(fn):
            raise CLIError(f"{args.fn} is not callable")
        if not args.shape:
            raise CLIError("--fn needs --shape (one per argument), e.g. --shape 3,4")
        shapes = [parse_shape(s) for s in args.shape]
        inputs = []
        for i, s in enumerate(shapes):
            t = ac.tensor(rng.standard_normal(s).astype(dtype), requires_grad=True)
            t.name = f"x{i}" if len(shapes) > 1 else "x"
            inputs.append(t)
        try:
            out = fn(*inputs)
        except Exception as e:  # user code: report it as one line
            raise CLIError(
                f"{args.fn} failed on inputs of shape {shapes}: {type(e).__name__}: {e}"
            ) from e
        return _outputs(out, args.fn), None, f"{args.fn}{tuple(shapes)}", False
    factory = load_object(args.model)
    try:
        model = factory if hasattr(factory, "named_modules") else factory()
    except Exception as e:
        raise CLIError(f"{args.model}() failed: {type(e).__name__}: {e}") from e
    if not hasattr(model, "named_parameters"):
        raise CLIError(f"{args.model} did not give a module (no named_parameters())")
    if not args.input_shape:
        raise CLIError("--model needs --input-shape, e.g. --input-shape 1,784")
    shape = parse_shape(args.input_shape)
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
            f"{args.model} forward failed on input of shape {shape}: {type(e).__name__}: {e}"
        ) from e
    return _outputs(out, args.model), model, f"{type(model).__name__} on input {shape}", False


def _outputs(out: Any, what: str) -> list[Any]:
    from autograd_core.tensor import Tensor

    outs = list(out) if isinstance(out, (tuple, list)) else [out]
    if not outs or not all(isinstance(t, Tensor) for t in outs):
        raise CLIError(f"{what} returned {type(out).__name__}, not a Tensor (or tuple of them)")
    return outs


def _scalar_loss(outs: list[Any]) -> Any:
    """The scalar to back-propagate from: the output itself, or the sum of all outputs."""
    if len(outs) == 1 and outs[0].data.size == 1:
        return outs[0]
    total = None
    for t in outs:
        s = t.sum() if t.data.size != 1 else t
        total = s if total is None else total + s
    total.name = "sum(outputs)"
    return total


def _run_viz(args: argparse.Namespace) -> int:
    import autograd_core as ac
    from autograd_core.viz import GraphvizError, draw_graph

    outs, params, title, is_example = _build_viz_graph(args)
    mode = "overlay" if args.overlay else ("backward" if args.backward else "forward")
    show_grad = args.grad if args.grad is not None else is_example
    table = None
    if show_grad or mode != "forward":
        if not any(t.requires_grad for t in outs):
            raise CLIError(
                "the output does not require grad, so there is no backward graph; "
                "make sure the inputs or parameters require grad"
            )
        loss = _scalar_loss(outs)
        outs = [loss]
        table = ac.grad_table(loss) if show_grad else None
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
    if args.output is None:
        sys.stdout.write(dot.source)
        return 0
    nodes, edges = _count(dot.source)
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


def _count(source: str) -> tuple[int, int]:
    edges = sum(1 for line in source.splitlines() if " -> " in line)
    nodes = sum(
        1
        for line in source.splitlines()
        if line.startswith("\t") and " -> " not in line and "[label=" in line
    )
    return nodes, edges


# -- trace -------------------------------------------------------------------------------------


def _trace_example(name: str, seed: int) -> tuple[Any, str, Any]:
    import autograd_core as ac

    f64 = ac.float64
    if name == "neuron":
        x1, x2, w1, w2, b = (
            ac.tensor(v, dtype=f64, requires_grad=True)
            for v in (2.0, 0.0, -3.0, 1.0, 6.8813735870195432)
        )
        for t, n in zip((x1, x2, w1, w2, b), ("x1", "x2", "w1", "w2", "b")):
            t.name = n
        out = (x1 * w1 + x2 * w2 + b).tanh()
        return out, "o = tanh(x1*w1 + x2*w2 + b) at x1=2, x2=0, w1=-3, w2=1, b=6.8814", None
    if name == "fanout":
        x = ac.tensor(2.0, dtype=f64, requires_grad=True)
        x.name = "x"
        return x * x + x, "f = x*x + x at x=2 (x feeds three edges: the grads are summed)", None
    model, x, y, title = example_model("xor", seed)
    return _mse(model(x), y), title, model


def _run_trace(args: argparse.Namespace) -> int:
    import autograd_core as ac
    from autograd_core.steps import format_steps
    from autograd_core.viz import GraphvizError, write_frames

    params = None
    if args.fn:
        fn = load_object(args.fn)
        shapes = [parse_shape(s) for s in (args.shape or ["()"])]
        rng = np.random.default_rng(args.seed)
        inputs = []
        for i, s in enumerate(shapes):
            t = ac.tensor(rng.standard_normal(s), dtype=ac.float64, requires_grad=True)
            t.name = f"x{i}" if len(shapes) > 1 else "x"
            inputs.append(t)
        try:
            out = fn(*inputs)
        except Exception as e:
            raise CLIError(
                f"{args.fn} failed on inputs of shape {shapes}: {type(e).__name__}: {e}"
            ) from e
        loss, title = _scalar_loss(_outputs(out, args.fn)), f"{args.fn}{tuple(shapes)}"
    else:
        loss, title, params = _trace_example(args.example, args.seed)
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
        print(f"\nwrote {len(paths)} frames to {args.frames}/ ({os.path.basename(paths[0])} ...)")
    return 0


# -- registration ------------------------------------------------------------------------------


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
    src.add_argument("--example", choices=_EXAMPLES, help="a built-in example (no user code)")
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
        type=int,
        default=300,
        help="summarise graphs larger than this (0: no limit; default 300)",
    )
    p.add_argument("--rankdir", choices=("TB", "LR", "BT", "RL"), default="TB")
    p.add_argument("--show-saved", action="store_true", help="list the arrays each op saved")
    p.add_argument("--no-shapes", action="store_true", help="hide shapes and dtypes")
    p.add_argument("--no-title", action="store_true", help="no caption on the picture")
    p.add_argument("--dtype", default="float32", choices=("float32", "float64"))
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(func=_guard(_run_viz))

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
        choices=_TRACE_EXAMPLES,
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
    t.add_argument("--decimals", type=int, default=4, help="significant digits shown")
    t.add_argument("--frames", metavar="DIR", help="also write one picture per step into DIR")
    t.add_argument("--format", default="png", help="format of the frames (png, svg, pdf)")
    t.add_argument("--seed", type=int, default=0)
    t.set_defaults(func=_guard(_run_trace))
