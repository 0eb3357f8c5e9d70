r"""``Function``: a custom differentiable function written as PyTorch's ``autograd.Function``.

A subclass defines a static ``forward(ctx, *args)`` on Tensors and a static
``backward(ctx, *grad_outputs)`` returning one gradient per argument of ``forward``; ``apply``
calls it. Each subclass gets its own ``Op`` subclass (``FunctionOp``), so a call is one node of
the graph like any built-in op: it is drawn by ``draw_graph``, swept by ``backward``/``grad``,
released after backward unless ``retain_graph``, checked by ``gradcheck``, and, when
``backward`` is written with Tensor operations, differentiated again under
``create_graph=True``. These ops are not entered in the op registry, which holds the named
primitives that each need an ``OpSpec``.

Under the hood ``forward`` runs on constant Tensors that wrap the inputs' arrays, with
recording off (PyTorch runs it under ``no_grad`` too). In ``backward``, ``ctx.saved_tensors``
gives back each saved input as the real input and each saved output as the node's output, so a
``backward`` built from them is recorded when a second derivative is asked for; any other saved
tensor is a constant.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from autograd_core.errors import VJPError
from autograd_core.grad_mode import is_grad_enabled, no_grad
from autograd_core.op import Op
from autograd_core.tensor import Tensor

__all__ = ["Function", "FunctionCtx", "FunctionOp", "once_differentiable"]


class FunctionCtx:
    """The ``ctx`` that ``forward`` and ``backward`` of a ``Function`` share.

    Attributes:
        needs_input_grad: one bool per argument of ``forward``: whether a gradient is wanted
            for it (False for non-Tensor arguments). ``backward`` may return None where False.
        materialize_grads: pass zeros (not None) to ``backward`` for outputs that received no
            gradient; set with ``set_materialize_grads``. Default True, as in PyTorch.

    Any other attribute (``ctx.k = 3``) is kept from ``forward`` to ``backward``; use
    ``save_for_backward`` for Tensors.
    """

    def __init__(self, needs_input_grad: tuple[bool, ...]) -> None:
        self.needs_input_grad = needs_input_grad
        self.materialize_grads = True
        self.to_save: tuple[Tensor | None, ...] = ()
        self.non_differentiable: tuple[Tensor, ...] = ()
        self.resolved: tuple[Tensor | None, ...] | None = None  # saved_tensors in backward
        # what forward saw and returned, to find saved inputs and outputs again in backward
        self.forward_args: list[Any] = []
        self.forward_outputs: tuple[Tensor, ...] = ()

    def save_for_backward(self, *tensors: Tensor | None) -> None:
        """Keep Tensors (inputs, outputs or None) for ``backward``, as ``ctx.saved_tensors``."""
        for i, t in enumerate(tensors):
            if t is not None and not isinstance(t, Tensor):
                raise TypeError(
                    f"save_for_backward: argument {i} is a {type(t).__name__}, not a Tensor. "
                    "Save Tensors (or None) here and other values as attributes: ctx.k = k."
                )
        self.to_save = tensors

    @property
    def saved_tensors(self) -> tuple[Tensor | None, ...]:
        """The tensors given to ``save_for_backward``, readable in ``backward``."""
        if self.resolved is None:
            raise RuntimeError(
                "saved_tensors: the saved tensors are available in backward() only. In "
                "forward(), keep your own reference to the tensors you save."
            )
        return self.resolved

    def mark_non_differentiable(self, *outputs: Tensor) -> None:
        """Declare outputs of ``forward`` that have no gradient (indices, masks): they come
        out of ``apply`` with ``requires_grad=False`` and ``backward`` receives zeros for
        them."""
        self.non_differentiable = outputs

    def set_materialize_grads(self, value: bool) -> None:
        """With False, ``backward`` receives None (not zeros) for outputs without gradient."""
        self.materialize_grads = bool(value)


def once_differentiable(backward: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a ``backward`` that is not itself differentiable (written on arrays, say): asking
    for a second derivative through the function then raises instead of being wrong."""
    backward.once_differentiable = True  # type: ignore[attr-defined]
    return backward


class FunctionOp(Op):
    """The op behind a ``Function`` subclass: ``forward`` on arrays calls the user's forward
    on Tensors, and ``vjp`` (on Tensors: ``array_vjp`` is off) calls the user's backward."""

    save_output = True
    function: ClassVar[type[Function]]
    source_class: ClassVar[type | None] = None  # read by op_origin for error messages

    def forward(self, *arrays: Any, _args: tuple[Any, ...], _needs: tuple[bool, ...]) -> Any:
        ctx = FunctionCtx(_needs)
        wrapped = iter([Tensor._make(a, False, None) for a in arrays])
        args = [next(wrapped) if a is _TENSOR else a for a in _args]
        with no_grad():
            out = self.function.forward(ctx, *args)
        outs = out if isinstance(out, tuple) else (out,)
        for k, t in enumerate(outs):
            if not isinstance(t, Tensor):
                raise TypeError(
                    f"{self.name}.forward returned a {type(t).__name__} as output {k}; it must "
                    "return a Tensor or a tuple of Tensors. Wrap arrays with ac.as_tensor()."
                )
        ctx.forward_args, ctx.forward_outputs = args, outs
        self.saved = ctx
        if isinstance(out, tuple):
            return tuple([t.data for t in outs])
        return out.data

    def vjp(self, *gys: Any) -> tuple[Any, ...]:
        ctx: FunctionCtx | None = self.saved
        if ctx is None or self.inputs is None:
            raise self.freed_error()
        fn = self.function
        if ctx.materialize_grads:
            gys = tuple(
                g if g is not None else Tensor._make(y.xp.zeros_like(y.data), False, None)
                for g, y in zip(gys, ctx.forward_outputs)
            )
        form = next((g for g in gys if g is not None), None)  # a Tensor: the VJP is on Tensors
        if form is None:
            return (None,) * len(self.inputs)
        ctx.resolved = tuple([self._saved_as_graph(t, ctx, form) for t in ctx.to_save])
        try:
            grads = fn.backward(ctx, *gys)
        finally:
            ctx.resolved = None
        return self._grads_per_input(grads, ctx)

    def _saved_as_graph(self, t: Tensor | None, ctx: FunctionCtx, form: Tensor) -> Tensor | None:
        """A saved input as the real input, a saved output as this node's output (both carry
        the graph in a recorded backward; read through ``inputs_as``/``output_as`` as every
        op's VJP reads them); anything else as it was saved."""
        if t is None:
            return None
        inputs = iter(self.inputs_as(form))
        for a in ctx.forward_args:
            if isinstance(a, Tensor):
                real = next(inputs)
                if a is t:
                    return real
        for k, y in enumerate(ctx.forward_outputs):
            if y is t:
                return self.output_as(form, k)
        return t

    def _grads_per_input(self, grads: Any, ctx: FunctionCtx) -> tuple[Any, ...]:
        """Check ``backward``'s result (one gradient per argument of forward) and keep those of
        the Tensor arguments, in order: the op's inputs."""
        name, args = self.name, ctx.forward_args
        if not isinstance(grads, tuple):
            grads = (grads,)
        if len(grads) > len(args) and all(g is None for g in grads[len(args) :]):
            grads = grads[: len(args)]
        if len(grads) != len(args):
            raise VJPError(
                f"{name}.backward returned {len(grads)} gradients for {len(args)} arguments of "
                "forward; return one per argument, None for those without a gradient."
            )
        out = []
        for i, (a, g) in enumerate(zip(args, grads)):
            if not isinstance(a, Tensor):
                if g is not None:
                    raise VJPError(
                        f"{name}.backward returned a gradient for argument {i}, which is a "
                        f"{type(a).__name__}, not a Tensor. Return None at that position."
                    )
                continue
            if g is not None and not isinstance(g, Tensor):
                raise VJPError(
                    f"{name}.backward returned a {type(g).__name__} for argument {i}; return "
                    "Tensors (or None), computed with Tensor operations so that a second "
                    "derivative can be taken (wrap a constant array with ac.as_tensor())."
                )
            if g is not None and g.shape != a.shape:
                raise VJPError(
                    f"{name}.backward returned a gradient of shape {tuple(g.shape)} for "
                    f"argument {i} of shape {tuple(a.shape)}; each gradient must have its "
                    "argument's shape (sum over broadcast axes in backward)."
                )
            out.append(g)
        return tuple(out)


_TENSOR = object()  # marks the positions of Tensor arguments in the template of a call


class Function:
    """Base class of a custom differentiable function (PyTorch's ``torch.autograd.Function``).

    Subclass it with two static methods and call ``apply``:

    - ``forward(ctx, *args)``: compute the outputs from Tensors (and any other arguments);
      return a Tensor or a tuple of Tensors. Save what backward needs with
      ``ctx.save_for_backward(*tensors)`` and other values as ``ctx`` attributes.
    - ``backward(ctx, *grad_outputs)``: one upstream gradient per output in, one gradient per
      argument of ``forward`` out (None for non-Tensors or where
      ``ctx.needs_input_grad[i]`` is False). Written with Tensor operations, it is
      differentiable again (``create_graph=True``, ``gradgradcheck``); otherwise decorate it
      with ``once_differentiable``.

    Example:
        >>> import autograd_core as ac
        >>> class Exp(ac.autograd.Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         y = x.exp()
        ...         ctx.save_for_backward(y)
        ...         return y
        ...
        ...     @staticmethod
        ...     def backward(ctx, gy):
        ...         (y,) = ctx.saved_tensors
        ...         return gy * y
        >>> x = ac.tensor([0.0, 1.0], dtype=ac.float64, requires_grad=True)
        >>> Exp.apply(x).sum().backward()
        >>> x.grad
        tensor([1.        , 2.71828183], dtype=float64)
    """

    op_class: ClassVar[type[FunctionOp]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        once = getattr(cls.backward, "once_differentiable", False)
        cls.op_class = type(
            f"{cls.__name__}Op",
            (FunctionOp,),
            {
                "__module__": cls.__module__,
                "__qualname__": f"{cls.__qualname__}.op_class",
                "name": cls.__name__,
                "double_backward": not once,
                "function": cls,
                "source_class": cls,
            },
        )

    @staticmethod
    def forward(ctx: FunctionCtx, *args: Any) -> Any:
        """Compute the outputs; override in a subclass."""
        raise NotImplementedError("Function subclasses must define a static forward(ctx, ...).")

    @staticmethod
    def backward(ctx: FunctionCtx, *grad_outputs: Any) -> Any:
        """Compute one gradient per argument of forward; override in a subclass."""
        raise NotImplementedError(
            "Function subclasses must define a static backward(ctx, *grad_outputs)."
        )

    @classmethod
    def apply(cls, *args: Any) -> Any:
        """Call the function: one node of the graph with the Tensor arguments as its inputs.
        Returns what ``forward`` returned (a Tensor, or a tuple of Tensors)."""
        if cls is Function:
            raise TypeError("Function.apply: subclass Function and call apply on the subclass.")
        tensors = tuple([a for a in args if isinstance(a, Tensor)])
        recording = is_grad_enabled()
        needs = tuple(isinstance(a, Tensor) and recording and a.requires_grad for a in args)
        template = tuple(_TENSOR if isinstance(a, Tensor) else a for a in args)
        out = cls.op_class.apply(*tensors, _args=template, _needs=needs)
        return _without_grad_where_marked(out)


def _without_grad_where_marked(out: Any) -> Any:
    """Cut the outputs that ``mark_non_differentiable`` named, and non-float outputs, from the
    graph (the node stays: the other outputs still send their gradients through it)."""
    outs = out if isinstance(out, tuple) else (out,)
    node = next((t.node for t in outs if t.node is not None), None)
    if node is None:
        return out
    ctx: FunctionCtx = node.saved
    cut = [
        t.node is not None
        and (
            t.dtype.kind not in "fc"
            or any(m is ctx.forward_outputs[k] for m in ctx.non_differentiable)
        )
        for k, t in enumerate(outs)
    ]
    if not any(cut):
        return out
    outs = tuple(t.detach() if c else t for t, c in zip(outs, cut))
    return outs if isinstance(out, tuple) else outs[0]
