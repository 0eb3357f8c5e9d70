r"""Activation (gradient) checkpointing, as ``torch.utils.checkpoint``: compute traded for memory.

``checkpoint(function, *args)`` runs ``function`` without recording a graph and keeps only what
running it again needs: the function, its arguments and the random-number state. Its outputs
are the outputs of one node of the graph. When back-propagation reaches that node, its VJP runs
``function`` again with recording on and back-propagates through this recomputation, with a
nested ``ac.grad`` (the engine's sweep is re-entrant: a VJP may run a sweep of its own). The
activations inside ``function`` are thus held only while its own backward runs, not from the
forward pass to the backward pass: a chain of n layers cut into k checkpoints keeps about k
activations between the passes instead of n, for one more forward pass (Chen, Xu, Zhang &
Guestrin, *Training Deep Nets with Sublinear Memory Cost*, 2016, arXiv:1604.06174).

The node's inputs are the tensors that require grad which ``function`` read: its arguments, and
also the parameters it closes over (a module's weights), found by watching the ops of the
unrecorded run (``grad_mode.watching_inputs``). ``loss.backward()`` therefore fills their
``.grad`` and ``ac.grad(loss, params)`` returns their gradients. During the recomputation these
inputs stand as leaves (their history is cut for the nested sweep, then put back), so the
nested sweep stops at them and the outer sweep carries their gradients on.

``use_reentrant``: PyTorch has two implementations. The reentrant one (True) runs a backward
inside the backward, so ``torch.autograd.grad`` cannot go through it and parameters get no
gradient when no argument requires grad; the non-reentrant one (False) keeps activations
through saved-tensor hooks and has neither limit. Here a single implementation serves all three
values: it is re-entrant in the engine's sense and has the features of PyTorch's non-reentrant
variant (``ac.grad``, closed-over parameters, keyword arguments, arguments that need no
gradient, nested checkpoints, and ``create_graph=True`` for second derivatives). None, the
default, gives no warning: PyTorch warns because there the choice changes the behaviour.

``preserve_rng_state=True`` marks the default generator's streams before the first run (the
CPU's, and that of every device a tensor argument lives on, as PyTorch saves the CUDA states of
the arguments' devices), returns them to the marks for the recomputation, then puts back where
they were, so dropout draws the same mask twice. On the CPU the mark is the exact state, and the
stream goes on as without checkpointing. A CuPy generator's state cannot be copied, so a device
stream is restarted from a seed drawn from it (``Generator.mark_stream``): the masks still agree
between the two runs, but the device draws differ from those of the same code without
checkpointing, and each mark copies one number from the device. A ``generator=`` passed to the
function is not replayed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from autograd_core.autograd_function import Function, FunctionCtx
from autograd_core.device import CPU, Device
from autograd_core.errors import BackwardError
from autograd_core.grad_mode import enable_grad, is_grad_enabled, no_grad, watching_inputs
from autograd_core.graph import as_leaves, grad
from autograd_core.random import default_generator
from autograd_core.tensor import Tensor

__all__ = ["checkpoint", "checkpoint_sequential"]


class _Run:
    """What the recomputation needs, handed from ``checkpoint`` to the node's ``ctx``."""

    def __init__(self, function: Callable[..., Any], args: tuple[Any, ...], kwargs: dict) -> None:
        self.function, self.args, self.kwargs = function, args, kwargs
        self.rng_marks: dict[Device, Any] | None = None  # streams' marks before the first run
        self.inputs: tuple[Tensor, ...] = ()  # the node's inputs, in order
        self.outputs: list[Tensor] = []  # the tensors among the outputs, until the node takes them
        self.kinds: list[tuple[tuple[int, ...], Any]] = []  # their (shape, dtype)


class _Handle:
    """The argument that carries a ``_Run`` into ``CheckpointFunction.forward``, which empties
    it: a node keeps its call's non-Tensor arguments after backward, and the run holds the
    arguments of ``function``, which must be freed with the rest of the node."""

    def __init__(self, run: _Run) -> None:
        self.run: _Run | None = run

    def __repr__(self) -> str:
        return "<checkpointed run>"


class CheckpointFunction(Function):
    """The node of one ``checkpoint`` call: its forward hands out the outputs computed without
    recording; its backward recomputes them with recording on and back-propagates."""

    @staticmethod
    def forward(ctx: FunctionCtx, handle: _Handle, *inputs: Tensor) -> tuple[Tensor, ...]:
        run = handle.run
        assert run is not None  # (a handle is used once, by the checkpoint call that made it)
        handle.run = None
        ctx.set_materialize_grads(False)  # None, not zeros, for outputs without gradient
        ctx.run = run  # type: ignore[attr-defined]
        outputs, run.outputs = run.outputs, []
        return tuple(outputs)

    @staticmethod
    def backward(ctx: FunctionCtx, *gys: Tensor | None) -> tuple[Tensor | None, ...]:
        run: _Run = ctx.run  # type: ignore[attr-defined]
        needs = ctx.needs_input_grad[1:]
        # the sweep records VJPs (and so this recomputation's backward) only for create_graph
        create_graph = is_grad_enabled()
        wanted = [t for t, need in zip(run.inputs, needs) if need]
        with as_leaves(wanted):
            with _rng_replayed(run.rng_marks), enable_grad():
                outs = _tensors_in(run.function(*run.args, **run.kwargs))
            roots, seeds = _roots(run, outs, gys)
            if roots and wanted:
                grads = grad(roots, wanted, seeds, create_graph=create_graph, allow_unused=True)
            else:
                grads = (None,) * len(wanted)
        found = iter(grads)
        return (None, *[next(found) if need else None for need in needs])


def checkpoint(
    function: Callable[..., Any],
    *args: Any,
    use_reentrant: bool | None = None,
    preserve_rng_state: bool = True,
    **kwargs: Any,
) -> Any:
    r"""Call ``function(*args, **kwargs)`` without keeping its activations for backward: they
    are recomputed when back-propagation reaches the call (``torch.utils.checkpoint``).

    The outputs and all gradients are those of the plain call, ℒ's gradient through
    y = function(x; θ) being x̄ = ȳ ∂y/∂x and θ̄ = ȳ ∂y/∂θ, computed on a second run of
    ``function``. Tensors that require grad among the arguments and those ``function`` closes
    over (parameters) receive gradients, through ``backward()`` and ``ac.grad`` alike.
    Outputs may be a Tensor or any tuple/list/dict of Tensors and other values; other values
    pass through. Under ``no_grad`` the function is simply called. See the module docstring
    for ``use_reentrant`` and for what ``preserve_rng_state`` replays.

    Args:
        function: the computation to checkpoint. It must compute the same outputs when it runs
            again (the default generator's CPU stream is replayed; other global state is not).
        *args: its positional arguments.
        use_reentrant: accepted for PyTorch compatibility; True, False and None all select this
            engine's one implementation.
        preserve_rng_state: replay the random streams in the recomputation (dropout): the CPU's
            and those of the tensor arguments' devices.
        **kwargs: its keyword arguments.

    Returns:
        What ``function`` returns, its Tensors attached to the graph.

    Raises:
        TypeError: ``function`` is not callable, or a flag is not a bool.
        BackwardError: (in backward) the recomputation returned other outputs than the first
            run.

    Example:
        >>> import autograd_core as ac
        >>> from autograd_core.utils.checkpoint import checkpoint
        >>> w = ac.tensor([2.0, 3.0], requires_grad=True)
        >>> x = ac.tensor([0.5, -1.0], requires_grad=True)
        >>> y = checkpoint(lambda x: (x * w).tanh(), x)  # nothing inside is kept
        >>> y.sum().backward()  # runs the lambda again, recording, and back-propagates
        >>> x.grad.allclose(w * (1 - y**2)), w.grad.allclose(x * (1 - y**2))
        (True, True)
    """
    _check_flags("checkpoint", function, use_reentrant, preserve_rng_state)
    if not is_grad_enabled():  # nothing will be recorded: nothing to recompute
        return function(*args, **kwargs)
    run = _Run(function, args, kwargs)
    if preserve_rng_state:
        devices = {CPU, *(a.device for a in (*args, *kwargs.values()) if isinstance(a, Tensor))}
        run.rng_marks = {d: default_generator.mark_stream(d) for d in devices}
    with no_grad(), watching_inputs() as seen:
        result = function(*args, **kwargs)
    leaves = _tensors_in(result)
    # the arguments, what the ops read, and tensors returned as they came in (a Tensor that
    # requires grad cannot be made under no_grad): a returned one passes its gradient on
    given = [a for a in args if isinstance(a, Tensor)]
    passed = [t for t in leaves if t.requires_grad]
    inputs = tuple({id(t): t for t in [*given, *seen.values(), *passed]}.values())
    if not leaves or not any(t.requires_grad for t in inputs):
        return result
    run.inputs, run.outputs = inputs, leaves
    run.kinds = [(t.shape, t.dtype) for t in leaves]
    attached = CheckpointFunction.apply(_Handle(run), *inputs)
    return _rebuild(result, iter(attached))


def checkpoint_sequential(
    functions: Any,
    segments: int,
    input: Any,  # noqa: A002  (PyTorch's name)
    use_reentrant: bool | None = None,
    **kwargs: Any,
) -> Any:
    """Run ``functions`` (an ``nn.Sequential`` or a list of callables) one after the other on
    ``input``, checkpointing them in ``segments`` groups (``torch.utils.checkpoint``'s).

    The functions are cut into ``segments`` runs of ``len(functions) // segments``; each run
    but the last is one ``checkpoint`` call, and the last run (with the remainder) is called
    plainly, since its activations are needed right away by backward, as in PyTorch.

    Args:
        functions: an ``nn.Sequential`` or a sequence of one-argument callables.
        segments: how many groups, from 1 to the number of functions.
        input: the input of the first function.
        use_reentrant: as in ``checkpoint``.
        **kwargs: only ``preserve_rng_state`` (default True), as in ``checkpoint``.

    Returns:
        The output of the last function.

    Raises:
        ValueError: ``segments`` out of range, or an unknown keyword argument.
        TypeError: ``segments`` not an int, or an element of ``functions`` not callable.

    Example:
        >>> import autograd_core as ac
        >>> from autograd_core.utils.checkpoint import checkpoint_sequential
        >>> x = ac.tensor([0.5], requires_grad=True)
        >>> y = checkpoint_sequential([ac.exp, ac.sin, ac.exp], 2, x)
        >>> y.backward()
        >>> x.grad.allclose(y * ac.cos(ac.exp(x)) * ac.exp(x))
        True
    """
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs:
        raise ValueError(
            f"checkpoint_sequential: unexpected keyword arguments {sorted(kwargs)}; only "
            "preserve_rng_state is accepted (pass the functions' own arguments by wrapping "
            "them, e.g. functools.partial)."
        )
    funcs = list(functions)
    if isinstance(segments, bool) or not isinstance(segments, int):
        raise TypeError(
            f"checkpoint_sequential: segments must be an int, got {type(segments).__name__}."
        )
    if not 1 <= segments <= len(funcs):
        raise ValueError(
            f"checkpoint_sequential: segments must be between 1 and the number of functions "
            f"({len(funcs)}), got {segments}."
        )
    for i, f in enumerate(funcs):
        if not callable(f):
            raise TypeError(
                f"checkpoint_sequential: functions[{i}] is a {type(f).__name__}, not callable."
            )
    size = len(funcs) // segments
    for start in range(0, size * (segments - 1), size):
        input = checkpoint(
            _in_order(funcs[start : start + size]),
            input,
            use_reentrant=use_reentrant,
            preserve_rng_state=preserve,
        )
    return _in_order(funcs[size * (segments - 1) :])(input)


def _in_order(funcs: Sequence[Callable[[Any], Any]]) -> Callable[[Any], Any]:
    def run(x: Any) -> Any:
        for f in funcs:
            x = f(x)
        return x

    return run


def _check_flags(api: str, function: Any, use_reentrant: Any, preserve_rng_state: Any) -> None:
    if not callable(function):
        raise TypeError(
            f"{api}: function must be callable, got a {type(function).__name__}. Pass the "
            "function first and its arguments after it: checkpoint(f, x)."
        )
    if use_reentrant is not None and not isinstance(use_reentrant, bool):
        raise TypeError(f"{api}: use_reentrant must be True, False or None, got {use_reentrant!r}.")
    if not isinstance(preserve_rng_state, bool):
        raise TypeError(
            f"{api}: preserve_rng_state must be True or False, got {preserve_rng_state!r}."
        )


def _tensors_in(value: Any) -> list[Tensor]:
    """The Tensors in ``value`` (itself, or inside tuples, lists and dicts), in order."""
    if isinstance(value, Tensor):
        return [value]
    if isinstance(value, (tuple, list)):
        return [t for v in value for t in _tensors_in(v)]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _tensors_in(v)]
    return []


def _rebuild(value: Any, attached: Iterator[Tensor]) -> Any:
    """``value`` with its Tensors replaced, in ``_tensors_in``'s order, by ``attached``."""
    if isinstance(value, Tensor):
        return next(attached)
    if isinstance(value, (tuple, list)):
        items = [_rebuild(v, attached) for v in value]
        if hasattr(value, "_fields"):  # a namedtuple
            return type(value)(*items)
        return type(value)(items)
    if isinstance(value, dict):
        return type(value)((k, _rebuild(v, attached)) for k, v in value.items())
    return value


def _roots(
    run: _Run, outs: list[Tensor], gys: tuple[Tensor | None, ...]
) -> tuple[list[Tensor], list[Tensor]]:
    """The recomputed outputs to back-propagate from and their gradients: those that received
    one and depend on an input; the recomputation must match the first run."""
    kinds = [(t.shape, t.dtype) for t in outs]
    if kinds != run.kinds:
        raise BackwardError(
            "checkpoint: the recomputation in backward returned other tensors than the first "
            f"run: (shape, dtype) {_shown(kinds)} instead of {_shown(run.kinds)}. The function "
            "must compute the same outputs each time it is called: keep it free of global "
            "state that changes between the forward and the backward pass."
        )
    pairs = [(y, g) for y, g in zip(outs, gys) if g is not None and y.requires_grad]
    return [y for y, _ in pairs], [g for _, g in pairs]


def _shown(kinds: list[tuple[tuple[int, ...], Any]]) -> str:
    return "[" + ", ".join(f"({tuple(s)}, {d})" for s, d in kinds) + "]"


@contextlib.contextmanager
def _rng_replayed(marks: dict[Device, Any] | None) -> Iterator[None]:
    """Return each stream in ``marks`` (if not None) to its mark inside the block, and put it
    back after the block where it was before."""
    if marks is None:
        yield
        return
    now = {d: default_generator.mark_stream(d) for d in marks}
    for d, mark in marks.items():
        default_generator.replay_stream(d, mark)
    try:
        yield
    finally:
        for d, mark in now.items():
            default_generator.replay_stream(d, mark)
