"""Linear algebra: matmul with NumPy's rules for 1-D, 2-D and broadcast batched operands, and
einsum (explicit and implicit output, repeated indices, broadcast ellipsis)."""

from __future__ import annotations

import string
from typing import Any

from autograd_core.amp import cast_lower
from autograd_core.errors import ShapeError
from autograd_core.op import Op
from autograd_core.ops.common import lift, lift_pair, reads_the_other
from autograd_core.ops.shape import Permute, reshape
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = ["matmul", "einsum"]


@register_op("matmul", broadcasts=True, array_vjp=True)
class MatMul(Op):
    r"""C = A @ B with ``numpy.matmul`` semantics.

    VJP: Ā = C̄ Bᵀ, B̄ = Aᵀ C̄ on the last two axes; batch axes that were broadcast are summed
    by the engine (``broadcasts=True``). A 1-D A is treated as a row (1, k) and a 1-D B as a
    column (k, 1), and the added axis is removed from the gradient again. Two 2-D operands (every
    linear layer) take a direct path without reshapes. Saves both inputs.
    """

    fresh_grads = True
    reads_inputs = staticmethod(reads_the_other)

    def forward(self, a: Any, b: Any) -> Any:
        return a @ b

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        a, b = self.inputs_as(gy)
        need_a, need_b = self.needs_input_grad
        a_nd, b_nd = a.ndim, b.ndim
        if a_nd == 2 and b_nd == 2:  # the common case, without reshapes
            return (gy @ b.T if need_a else None), (a.T @ gy if need_b else None)
        a2 = a.reshape((1, a.shape[0])) if a_nd == 1 else a
        b2 = b.reshape((b.shape[0], 1)) if b_nd == 1 else b
        out_shape = gy.shape
        if a_nd == 1:
            out_shape = out_shape[:-1] + (1,) + out_shape[-1:] if b_nd > 1 else (1, 1)
        if b_nd == 1:
            out_shape = out_shape + (1,) if a_nd > 1 else (1, 1)
        gy2 = gy.reshape(out_shape)
        ga = gb = None
        if need_a:
            ga = gy2 @ _matrix_transpose(b2)
            if a_nd == 1:
                ga = ga.reshape(ga.shape[:-2] + (ga.shape[-1],))
        if need_b:
            gb = _matrix_transpose(a2) @ gy2
            if b_nd == 1:
                gb = gb.reshape(gb.shape[:-1])
        return ga, gb


def _matrix_transpose(x: Any) -> Any:
    """x (an array or a Tensor, at least 2-D) with its last two axes swapped."""
    nd = x.ndim
    if nd == 2:
        return x.T
    return Permute.call(x, dims=(*range(nd - 2), nd - 1, nd - 2))


def matmul(a: Any, b: Any) -> Tensor:
    """Matrix product with NumPy's rules (1-D operands, broadcast batch axes).

    Example:
        >>> import autograd_core as ac
        >>> (ac.ones(2, 3) @ ac.ones(3)).shape
        (2,)
    """
    a, b = cast_lower(*lift_pair(a, b))  # float16 under amp.autocast
    if a.ndim == 0 or b.ndim == 0:
        raise ShapeError(
            f"matmul: both operands need at least one dimension; got shapes {tuple(a.shape)} "
            f"and {tuple(b.shape)}. Use mul (*) to scale by a scalar."
        )
    if a.shape[-1] != b.shape[0 if b.ndim == 1 else -2]:
        raise ShapeError(
            f"matmul: inner dimensions differ for shapes {tuple(a.shape)} @ {tuple(b.shape)} "
            f"({a.shape[-1]} vs {b.shape[0 if b.ndim == 1 else -2]}). Transpose one operand "
            "(x.T) or check the layer sizes."
        )
    return MatMul.apply(a, b)


@register_op("einsum", array_vjp=True)
class Einsum(Op):
    r"""y = einsum(``subscripts``, x₁, …, xₙ): Einstein summation over letters.

    The op itself takes canonical subscripts from ``einsum()``: an explicit output, no
    ellipsis, and no broadcasting (every letter has one size). A letter may repeat within an
    operand (``'ii->i'`` reads the diagonal).

    VJP for operand k: an einsum of ȳ with the other operands whose output is operand k's
    subscripts: x̄ₖ = einsum(out, s₁, …, (no sₖ), … -> sₖ)(ȳ, x₁, …, (no xₖ), …). Two fix-ups
    keep that well formed:

    - a letter repeated in sₖ (a diagonal) is scattered back onto the diagonal: its second
      occurrence gets a fresh letter c′ and an identity ``eye(n)`` with subscripts ``cc′``
      joins the operands;
    - a letter found only in sₖ (summed out of xₖ alone) is broadcast back by a ``ones(n)``
      operand.

    The eye and ones operands are constants. The VJP is itself an ``Einsum`` (recorded in a
    recorded backward), so it is differentiable to any order; in a plain backward NumPy's
    einsum may return a view of ȳ (a transpose, a diagonal). Saves nothing beyond the inputs
    (the parents). Does not broadcast (``einsum()`` removes broadcast size-1 axes with a reshape
    first).
    """

    def forward(self, *xs: Any, subscripts: str) -> Any:
        return self.xp.einsum(subscripts, *xs, optimize=len(xs) > 1)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        lhs, out = self.params["subscripts"].split("->")
        specs = lhs.split(",")
        fresh = [c for c in string.ascii_letters if c not in lhs]
        xs = self.inputs_as(gy)
        grads: list[Any] = []
        for k, x in enumerate(xs):
            if not self.needs_input_grad[k]:
                grads.append(None)
                continue
            others = [j for j in range(len(specs)) if j != k]
            operands = [gy] + [xs[j] for j in others]
            in_specs = [out] + [specs[j] for j in others]
            target, seen, extra = "", set(), []
            for c, n in zip(specs[k], x.shape):
                if c in seen:  # a repeated letter: put the gradient on the diagonal
                    f = fresh[len(extra)] if len(extra) < len(fresh) else _no_letters(specs)
                    extra.append((c + f, self.xp.eye(n, dtype=gy.dtype)))
                    target += f
                else:
                    seen.add(c)
                    target += c
            present = "".join(in_specs) + "".join(sp for sp, _ in extra)
            for c, n in zip(specs[k], x.shape):
                if c not in present:  # summed out of x alone: broadcast back with ones
                    extra.append((c, self.xp.ones(n, dtype=gy.dtype)))
                    present += c
            operands += [a for _, a in extra]
            in_specs += [sp for sp, _ in extra]
            grads.append(Einsum.call(*operands, subscripts=",".join(in_specs) + "->" + target))
        return tuple(grads)


def _no_letters(specs: list[str]) -> str:
    raise ShapeError(
        f"einsum: the gradient needs a free letter but all 52 are in use ({','.join(specs)}). "
        "Use fewer distinct letters."
    )


def _shapes(operands: list[Tensor]) -> str:
    return ", ".join(str(tuple(t.shape)) for t in operands)


def _parse(subscripts: str, operands: list[Tensor]) -> tuple[list[str], str]:
    """Subscripts with the ellipsis written out as letters and an explicit output."""
    s = subscripts.replace(" ", "")
    bad = sorted(set(s) - set(string.ascii_letters + ",.->"))
    if bad or s.count("->") > 1:
        raise ValueError(
            f"einsum: invalid subscripts {subscripts!r}"
            + (f" (characters {bad} are not allowed)" if bad else " (more than one '->')")
            + ". Use letters, ',', '...' and one '->', e.g. 'ij,jk->ik'."
        )
    lhs, out = s.split("->") if "->" in s else (s, None)
    specs = lhs.split(",")
    if len(specs) != len(operands):
        raise ShapeError(
            f"einsum: subscripts {subscripts!r} name {len(specs)} operand(s) but "
            f"{len(operands)} were given (shapes {_shapes(operands)}). Give one comma-separated "
            "term per operand."
        )
    if any(sp.replace("...", "", 1).count(".") for sp in specs + [out or ""]):
        raise ValueError(
            f"einsum: {subscripts!r} has a '.' outside a single '...' per term. Write '...' "
            "at most once in each operand and in the output."
        )
    fresh = iter(c for c in string.ascii_letters if c not in s)
    ell_dims = []
    for k, (sp, t) in enumerate(zip(specs, operands)):
        letters = len(sp.replace("...", ""))
        dims = t.ndim - letters
        if dims < 0 or (dims > 0 and "..." not in sp):
            raise ShapeError(
                f"einsum: operand {k} has {t.ndim} dimension(s) but its subscripts {sp!r} name "
                f"{letters}. Operand shapes: {_shapes(operands)}. Use one letter per dimension "
                "or '...' for the leading ones."
            )
        ell_dims.append(dims if "..." in sp else 0)
    n_ell = max(ell_dims, default=0)
    ell = "".join(next(fresh) for _ in range(n_ell))
    specs = [sp.replace("...", ell[n_ell - d :]) for sp, d in zip(specs, ell_dims)]
    if out is None:  # NumPy's implicit output: ellipsis, then letters seen once, sorted
        joined = "".join(specs)
        out = ell + "".join(sorted(c for c in set(joined) if joined.count(c) == 1 and c not in ell))
    else:  # an explicit output without '...' sums the ellipsis dims, as torch (NumPy raises)
        out = out.replace("...", ell)
    for c in out:
        if out.count(c) > 1 or c not in "".join(specs):
            problem = "repeats" if out.count(c) > 1 else "is in no operand of"
            raise ShapeError(
                f"einsum: output letter {c!r} {problem} {subscripts!r}. Each output letter must "
                "appear once in the output and in at least one operand."
            )
    return specs, out


def einsum(subscripts: str, *operands: Any) -> Tensor:
    """Einstein summation, ``numpy.einsum`` / ``torch.einsum`` semantics (differentiable).

    Supports an explicit output (``'ij,jk->ik'``) or NumPy's implicit one (``'ij,jk'``: the
    letters seen once, sorted), repeated letters in one operand (``'ii->i'``, ``'ii->'``), and
    ``'...'`` for broadcast leading dimensions (summed where an explicit output has no
    ``'...'``, as torch; NumPy raises there). Size-1 dimensions broadcast against other
    operands. Operands may also be given as one list.

    Raises:
        ShapeError: wrong number of operands or dimensions, sizes that differ for one letter,
            or an output letter that no operand has.
        ValueError: characters other than letters, ',', '...' and '->'.

    Example:
        >>> import autograd_core as ac
        >>> a, b = ac.ones(2, 3), ac.ones(3, 4)
        >>> ac.einsum("ij,jk->ik", a, b).shape, ac.einsum("ii", ac.eye(3))
        ((2, 4), tensor(3.))
    """
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    ops = [lift(t) for t in operands]
    specs, out = _parse(subscripts, ops)
    sizes: dict[str, int] = {}
    for k, (sp, t) in enumerate(zip(specs, ops)):
        for c in set(sp):
            dims = {n for ch, n in zip(sp, t.shape) if ch == c}
            if len(dims) > 1:
                raise ShapeError(
                    f"einsum: operand {k} repeats letter {c!r} over dimensions of sizes "
                    f"{sorted(dims)} (shape {tuple(t.shape)}). A repeated letter takes a "
                    "diagonal, which needs equal sizes."
                )
        for c, n in zip(sp, t.shape):
            if c in sizes and n != sizes[c] and 1 not in (n, sizes[c]):
                raise ShapeError(
                    f"einsum: letter {c!r} has size {sizes[c]} and {n} (operand {k}) in "
                    f"{subscripts!r}. Operand shapes: {_shapes(ops)}. Sizes of one letter "
                    "must match (or be 1 to broadcast)."
                )
            sizes[c] = n if c not in sizes or sizes[c] == 1 else sizes[c]
    # Broadcasting: drop size-1 axes whose letter is larger elsewhere, so the op sees one size
    # per letter (the reshape's VJP restores the axis, and the einsum VJP sums over it).
    for k, (sp, t) in enumerate(zip(specs, ops)):
        keep = [i for i, c in enumerate(sp) if not (t.shape[i] == 1 and sizes[c] > 1)]
        if len(keep) < len(sp):
            specs[k] = "".join(sp[i] for i in keep)
            ops[k] = reshape(t, tuple(t.shape[i] for i in keep))
    return Einsum.apply(*ops, subscripts=",".join(specs) + "->" + out)
