"""scatter: write ``src`` (or one value) into a copy of x at the positions ``index`` names
along one dim, PyTorch's ``Tensor.scatter``; ``reduce="add"``/``"multiply"`` combine instead of
overwrite. The adjoint pair of the plain scatter is ``gather`` (ops/indexing.py).
"""

from __future__ import annotations

from typing import Any

from autograd_core.errors import DTypeError, GraphError, ShapeError
from autograd_core.grad_mode import MODE
from autograd_core.op import Op
from autograd_core.ops.array_methods import multiply_at
from autograd_core.ops.common import const, lift, normalize_axis
from autograd_core.ops.indexing import (
    Gather,
    along_dim,
    index_array,
    scatter_add,
    scatter_source,
)
from autograd_core.ops.shape import reshape
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = ["scatter"]


@register_op("scatter", array_vjp=True, saves_inputs=False)
class Scatter(Op):
    r"""y = x, then y[i][index[i][j][k]][k] = src[i][j][k] for dim = 1 (any dim likewise);
    ``src`` has the shape of ``index``. Where an index repeats, one of its values is kept
    (the last, here; PyTorch leaves it unspecified).

    VJP: x̄ = scatter(ȳ, dim, index, 0) (ȳ with the overwritten positions zeroed);
    src̄ = gather(ȳ, dim, index). Both are linear in ȳ and recorded again under
    ``create_graph``. Saves nothing; ``index`` is a constant parameter. Does not broadcast.
    """

    def forward(self, x: Any, src: Any, dim: int, index: Any) -> Any:
        out = x.copy()
        out[along_dim(self.xp, index, dim)] = src
        return out

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        gx = gsrc = None
        if self.needs_input_grad[0]:
            zeros = self.xp.zeros(self.params["index"].shape, gy.dtype)
            gx = Scatter.call(gy, zeros, **self.params)
        if self.needs_input_grad[1]:
            gsrc = Gather.call(gy, **self.params)
        return gx, gsrc


def _multiplied(x: Tensor, src: Tensor, dim: int, index: Any) -> Tensor:
    """x with the entries at ``index`` multiplied by ``src`` (no gradient, as in PyTorch)."""
    if MODE.enabled and (x.requires_grad or src.requires_grad):
        raise GraphError(
            "scatter: reduce='multiply' has no gradient (PyTorch has none either), but an input "
            "requires grad. Call it under ac.no_grad() or on detached tensors."
        )
    out = x.data.copy()
    multiply_at(x.xp, out, along_dim(x.xp, index, dim), src.data)
    return const(out)


def scatter(
    input: Tensor,  # noqa: A002  (PyTorch's name)
    dim: int,
    index: Any,
    src: Any = None,
    value: Any = None,
    reduce: str | None = None,
) -> Tensor:
    """A copy of ``input`` with ``src[i][j]`` written at ``[index[i][j]][j]`` (dim 0; any dim
    alike), as ``torch.scatter`` / ``Tensor.scatter``.

    ``src`` is a tensor of ``input``'s dtype with every axis at least as large as ``index``'s
    (only the leading ``index.shape`` block is read), or a number (then every indexed position
    gets that value, cast to ``input``'s dtype); ``value=`` names the number. ``index`` holds
    integers, has ``input``'s number of axes and is no larger than ``input`` on the axes other
    than ``dim``; negative indices count from the end (PyTorch rejects them, as it does in
    ``gather``). A repeated index keeps one of its values (PyTorch leaves which unspecified).
    ``reduce="add"`` adds instead (``scatter_add``, differentiable) and ``"multiply"``
    multiplies (no gradient, as PyTorch).

    Gradient: input̄ = ȳ with the written positions zeroed; src̄ = gather(ȳ, dim, index).

    Example:
        >>> import autograd_core as ac
        >>> ac.zeros(2, 3).scatter(1, ac.tensor([[2, 0]]), ac.tensor([[9.0, 8.0]]))
        tensor([[8., 0., 9.],
                [0., 0., 0.]])
    """
    x = lift(input)
    if src is None and value is None:
        raise TypeError("scatter: pass src (a tensor or a number) or value (a number).")
    if src is not None and value is not None:
        raise TypeError("scatter: pass src or value, not both.")
    if reduce not in (None, "add", "multiply"):
        raise ValueError(f"scatter: reduce must be None, 'add' or 'multiply', got {reduce!r}.")
    idx = index_array("scatter", index, x)
    (d,) = normalize_axis("scatter", int(dim), x.shape, word="dim")
    if isinstance(src, Tensor):
        if src.dtype != x.dtype:
            raise DTypeError(
                f"scatter: src has dtype {src.dtype} but input has dtype {x.dtype}; they must "
                "match. Convert it: src.to(input.dtype)."
            )
    else:
        number = value if src is None else src
        number = number.item() if hasattr(number, "item") else number
        src = const(x.xp.full(idx.shape, number).astype(x.dtype))
    if x.ndim == 0:  # PyTorch treats a 0-d tensor as one entry along dim 0
        if idx.ndim or src.ndim:
            raise ShapeError(
                f"scatter: a 0-d input needs a 0-d index and src, got shapes {tuple(idx.shape)} "
                f"and {tuple(src.shape)}."
            )
        one = scatter(reshape(x, (1,)), 0, idx.reshape(1), reshape(src, (1,)), reduce=reduce)
        return reshape(one, ())
    src = scatter_source("scatter", x, idx, src, d, "input")
    if reduce == "add":
        return scatter_add(x, d, idx, src)
    if reduce == "multiply":
        return _multiplied(x, src, d, idx)
    return Scatter.apply(x, src, dim=d, index=idx)
