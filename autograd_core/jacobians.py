"""The derivative products that ``functional`` and ``func`` share, taken of outputs already
computed from prepared inputs: vector-Jacobian products, Jacobian-vector products (by the
double-VJP trick) and whole Jacobians, by rows or by columns.

Forward-mode products use the double-VJP trick: for g(u) = Jᵀu, which is linear in u,
J v = ∂⟨g(u), v⟩/∂u, so every op's VJP being differentiable is all that is needed. It costs a
forward pass, a backward pass recorded with ``create_graph=True`` and one backward pass of
that recording per product.
"""

from __future__ import annotations

from collections.abc import Sequence

from autograd_core.errors import BackwardError
from autograd_core.graph import grad
from autograd_core.tensor import Tensor

__all__ = ["prepare_inputs", "zeros_for", "vjp_of", "linearized", "jvp_of", "jacobian_of"]


def prepare_inputs(inputs: Sequence[Tensor], keep_graph: bool) -> tuple[Tensor, ...]:
    """Tensors to differentiate with respect to: fresh leaves, or, when ``keep_graph`` and an
    input already requires grad, an identity of it, so that results stay connected to it."""
    if keep_graph:
        return tuple(x + 0 if x.requires_grad else x.detach().requires_grad_() for x in inputs)
    return tuple(x.detach().requires_grad_() for x in inputs)


def zeros_for(
    grads: Sequence[Tensor | None], like: Sequence[Tensor], strict: bool, api: str
) -> tuple[Tensor, ...]:
    """``grads`` with zeros shaped like ``like`` in place of each None (an independent input),
    or a BackwardError for one when ``strict``."""
    from autograd_core.creation import zeros_like

    out = []
    for i, (g, x) in enumerate(zip(grads, like)):
        if g is None:
            if strict:
                raise BackwardError(
                    f"{api}: the output does not depend on input {i} (strict=True). Pass "
                    "strict=False to get zeros for it."
                )
            g = zeros_like(x)
        out.append(g)
    return tuple(out)


def vjp_of(
    outs: Sequence[Tensor],
    xs: Sequence[Tensor],
    vs: Sequence[Tensor] | None,
    *,
    create_graph: bool,
    retain_graph: bool | None = None,
    strict: bool = False,
    api: str = "vjp",
) -> tuple[Tensor, ...]:
    """Σᵢ vᵢᵀ ∂outᵢ/∂x for each x in ``xs`` (``vs`` None: every output has one element and v = 1);
    zeros for an input no output depends on."""
    live = [(o, None if vs is None else vs[i]) for i, o in enumerate(outs) if o.requires_grad]
    if live:
        gs = grad(
            [o for o, _ in live],
            list(xs),
            None if vs is None else [v for _, v in live],
            retain_graph=retain_graph,
            create_graph=create_graph,
            allow_unused=True,
        )
    else:
        gs = (None,) * len(xs)
    return zeros_for(gs, xs, strict, api)


def linearized(
    outs: Sequence[Tensor], xs: Sequence[Tensor]
) -> tuple[tuple[Tensor | None, ...], tuple[Tensor | None, ...]]:
    """``(u, Jᵀu)``: dummy cotangents u (zeros that require grad; None for an output without
    a graph) and the VJP of u with respect to each input, recorded so that it can be
    differentiated in u (None for an input no output depends on)."""
    from autograd_core.creation import zeros_like

    us = tuple(zeros_like(o).requires_grad_() if o.requires_grad else None for o in outs)
    live = [(o, u) for o, u in zip(outs, us) if u is not None]
    if not live:
        return us, (None,) * len(xs)
    gs = grad(
        [o for o, _ in live], list(xs), [u for _, u in live], create_graph=True, allow_unused=True
    )
    return us, gs


def jvp_of(
    outs: Sequence[Tensor],
    xs: Sequence[Tensor],
    vs: Sequence[Tensor | None],
    *,
    create_graph: bool,
    strict: bool = False,
    api: str = "jvp",
    linear: tuple[tuple[Tensor | None, ...], tuple[Tensor | None, ...]] | None = None,
) -> tuple[Tensor, ...]:
    """J v for each output: Σⱼ ∂out/∂xⱼ · vⱼ, by the double-VJP trick (a None vⱼ is a zero
    tangent). Pass ``linear`` (from ``linearized``) to take several products of one
    linearization; it is then kept for the next."""
    from autograd_core.creation import zeros_like

    us, gs = linear if linear is not None else linearized(outs, xs)
    pairs = [(g, v) for g, v in zip(gs, vs) if v is not None and g is not None and g.requires_grad]
    live_us = [u for u in us if u is not None]
    if not pairs or not live_us:
        return tuple(zeros_like(o) for o in outs)
    jv = iter(
        grad(
            [g for g, _ in pairs],
            live_us,
            [v for _, v in pairs],
            retain_graph=create_graph or linear is not None,
            create_graph=create_graph,
            allow_unused=True,
        )
    )
    return zeros_for([next(jv) if u is not None else None for u in us], outs, strict, api)


def jacobian_of(
    outs: Sequence[Tensor],
    xs: Sequence[Tensor],
    *,
    create_graph: bool,
    strict: bool = False,
    api: str = "jacobian",
    by_columns: bool = False,
) -> list[tuple[Tensor, ...]]:
    """``J[i][j]`` = ∂outs[i]/∂xs[j], of shape ``outs[i].shape + xs[j].shape``: one VJP per
    output element (rows, reverse mode), or with ``by_columns`` one JVP per input element
    (forward mode by the double-VJP trick; cheaper when the inputs have fewer elements)."""
    if by_columns:
        return _by_columns(outs, xs, create_graph, strict, api)
    from autograd_core.creation import zeros
    from autograd_core.ops import reshape, stack

    result = []
    for o in outs:
        rows: list[list[Tensor]] = [[] for _ in xs]
        n = o.numel()
        for k in range(n):
            e = zeros(n, dtype=o.dtype, device=o.device)
            e.data[k] = 1
            gs = vjp_of(
                [o],
                xs,
                [reshape(e, o.shape)],
                create_graph=create_graph,
                retain_graph=True,
                strict=strict,
                api=api,
            )
            for j, g in enumerate(gs):
                rows[j].append(g)
        per_input = []
        for j, x in enumerate(xs):
            if n == 0:
                per_input.append(zeros(*(o.shape + x.shape), dtype=x.dtype, device=x.device))
            else:
                per_input.append(reshape(stack(rows[j]), o.shape + x.shape))
        result.append(tuple(per_input))
    return result


def _by_columns(
    outs: Sequence[Tensor], xs: Sequence[Tensor], create_graph: bool, strict: bool, api: str
) -> list[tuple[Tensor, ...]]:
    from autograd_core.creation import zeros
    from autograd_core.ops import reshape, stack

    linear = linearized(outs, xs)
    result: list[list[Tensor]] = [[] for _ in outs]
    for j, x in enumerate(xs):
        n = x.numel()
        columns: list[list[Tensor]] = [[] for _ in outs]
        for k in range(n):
            e = zeros(n, dtype=x.dtype, device=x.device)
            e.data[k] = 1
            vs = [reshape(e, x.shape) if jj == j else None for jj in range(len(xs))]
            jv = jvp_of(
                outs, xs, vs, create_graph=create_graph, strict=strict, api=api, linear=linear
            )
            for i, c in enumerate(jv):
                columns[i].append(c)
        for i, o in enumerate(outs):
            if n == 0:
                result[i].append(zeros(*(o.shape + x.shape), dtype=o.dtype, device=o.device))
            else:
                result[i].append(reshape(stack(columns[i], dim=-1), o.shape + x.shape))
    return [tuple(r) for r in result]
