"""Elementwise binary ops with NumPy broadcasting: add, sub, mul, div, pow, maximum, minimum,
where, and the comparisons (which have no gradient). The public add, sub and div (with
``alpha`` and ``rounding_mode``) are in arithmetic.py.

Every differentiable op here is registered with ``broadcasts=True``: its VJP returns gradients of
the broadcast output shape, and the engine reduces each to its input's shape with ``sum_to``.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy

from autograd_core.dtypes import get_default_dtype
from autograd_core.errors import DTypeError
from autograd_core.op import Op
from autograd_core.ops.common import (
    lift,
    lift_pair,
    reads_the_other,
    refuse_complex,
    refuse_wrapped_comparison,
    write_out,
)
from autograd_core.ops.searching import nonzero
from autograd_core.ops.unary import Log
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = [
    "mul",
    "pow",
    "maximum",
    "minimum",
    "where",
    "eq",
    "ne",
    "lt",
    "le",
    "gt",
    "ge",
    "logical_and",
    "logical_or",
    "logical_xor",
    "logical_not",
]


@register_op("add", broadcasts=True, array_vjp=True, saves_inputs=False)
class Add(Op):
    r"""z = a + b. VJP: ā = z̄, b̄ = z̄ (each summed over its broadcast axes). Saves nothing."""

    def forward(self, a: Any, b: Any) -> Any:
        return a + b

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        return gy, gy


@register_op("sub", broadcasts=True, array_vjp=True, saves_inputs=False)
class Sub(Op):
    r"""z = a − b. VJP: ā = z̄, b̄ = −z̄. Saves nothing."""

    def forward(self, a: Any, b: Any) -> Any:
        return a - b

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        return gy, (-gy if self.needs_input_grad[1] else None)


@register_op("mul", broadcasts=True, array_vjp=True)
class Mul(Op):
    r"""z = a · b. VJP: ā = z̄ · b, b̄ = z̄ · a. Saves both inputs (as the parents)."""

    fresh_grads = True

    def forward(self, a: Any, b: Any) -> Any:
        return a * b

    reads_inputs = staticmethod(reads_the_other)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        a, b = self.inputs_as(gy)
        need_a, need_b = self.needs_input_grad
        return (gy * b if need_a else None), (gy * a if need_b else None)


@register_op("div", broadcasts=True, array_vjp=True)
class Div(Op):
    r"""z = a / b. VJP: ā = z̄ / b, b̄ = −z̄ · ((a / b) / b), PyTorch's order (b² would
    overflow for |b| > 1.8e19 in float32, 256 in float16). Saves both inputs (as the parents).

    Two bool or integer operands divide into the default float dtype, as PyTorch's true
    division (NumPy's would give float64). Division by zero, inf / inf and overflow give ±inf
    and NaN without NumPy's warnings, as from PyTorch."""

    fresh_grads = True

    def forward(self, a: Any, b: Any) -> Any:
        with numpy.errstate(divide="ignore", invalid="ignore", over="ignore"):
            if a.dtype.kind in "biu" and getattr(b, "dtype", a.dtype).kind in "biu":
                return self.xp.true_divide(a, b, dtype=get_default_dtype())
            return a / b

    @staticmethod
    def reads_inputs(needs: tuple[bool, bool]) -> tuple[int, ...]:
        """ā reads b, b̄ reads a and b (x / c with a constant c: x may be written)."""
        return (0, 1) if needs[1] else (1,)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        a, b = self.inputs_as(gy)
        need_a, need_b = self.needs_input_grad
        with numpy.errstate(divide="ignore", invalid="ignore", over="ignore"):
            ga = gy / b if need_a else None
            gb = -gy * ((a / b) / b) if need_b else None
        return ga, gb


@register_op("pow", broadcasts=True, array_vjp=True)
class Pow(Op):
    r"""z = a ** b. VJP: ā = z̄ · b · a^(b−1), b̄ = z̄ · z · log a.

    As PyTorch: ā is 0 where b = 0 (z is the constant 1 there, even at a = 0); b̄ is 0 where
    a = 0 and b ≥ 0 (the limit of z · log a there), and z · log a
    elsewhere, so NaN where a < 0 (log a is not real, even for an integer b) and −∞·z̄ where
    a = 0 and b < 0. NaN and ±∞ come without NumPy's "invalid value" or "divide by zero"
    warnings, as from PyTorch. Saves both inputs (as the parents); z = a ** b is recomputed
    for b̄ (only when b needs a gradient, so ``x ** 2`` keeps no extra array alive).
    """

    fresh_grads = True

    def forward(self, a: Any, b: Any) -> Any:
        if numpy.geterr()["over"] != "warn":  # a caller's errstate decides
            with numpy.errstate(invalid="ignore", divide="ignore"):  # (-1) ** 0.5, 0 ** -1
                return a**b
        overflowed: list[str] = []
        with numpy.errstate(  # (-1) ** 0.5, 0 ** -1 quiet; overflow: see _warn_new_overflow
            invalid="ignore", divide="ignore", over="call", call=lambda *_: overflowed.append("")
        ):
            z = a**b
        if overflowed:
            _warn_new_overflow(a, b, z)
        return z

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        a, b = self.inputs_as(gy)
        need_a, need_b = self.needs_input_grad
        with numpy.errstate(invalid="ignore", divide="ignore", over="ignore"):
            ga = None
            if need_a:
                ga = gy * (b * a ** (b - 1))
                b_zero = self.inputs[1].data == 0  # ā = 0 there, as PyTorch (not 0 · a⁻¹)
                if self.xp is not numpy or b_zero.any():
                    ga = Where.call(b_zero, 0.0, ga)
            gb = None
            if need_b:
                a0, b0 = self.inputs[0].data, self.inputs[1].data
                flat = (a0 == 0) & (b0 >= 0)  # a constant mask: z · log a → 0 there
                gb = gy * Where.call(flat, 0.0, a**b * Log.call(a))
        return ga, gb


def _warn_new_overflow(a: Any, b: Any, z: Any) -> None:
    """NumPy's "overflow encountered in power", only where a finite a and a finite b gave an
    infinity: 1e308 ** inf and 2 ** inf are inf without a warning (an input was already
    infinite; PyTorch's pow never warns), 10.0 ** 400 still warns (the project's rule: an op
    warns when its own arithmetic makes an infinity or a NaN). Runs only after NumPy flagged
    an overflow, so the common path pays nothing."""
    with numpy.errstate(invalid="ignore"):
        new = numpy.isinf(z) & numpy.isfinite(a) & numpy.isfinite(b)
    if new.any():
        warnings.warn("overflow encountered in power", RuntimeWarning, stacklevel=3)


@register_op("maximum", broadcasts=True, array_vjp=True)
class Maximum(Op):
    r"""z = max(a, b) elementwise. VJP: the gradient goes to the larger input; on a tie it is
    split equally (½ each), which keeps max(a, a) = a exact (PyTorch's rule); where a or b is
    NaN both receive the gradient (PyTorch's). Saves both inputs
    (as the parents); the weights are recomputed from them as constants."""

    fresh_grads = True

    def forward(self, a: Any, b: Any) -> Any:
        return self.xp.maximum(a, b)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        a, b = self.inputs[0].data, self.inputs[1].data
        return _select_grads(self, gy, a > b, a < b, a == b)


@register_op("minimum", broadcasts=True, array_vjp=True)
class Minimum(Op):
    r"""z = min(a, b) elementwise. VJP: to the smaller input; ties split ½–½. Saves both inputs
    (as the parents); the weights are recomputed from them as constants."""

    fresh_grads = True

    def forward(self, a: Any, b: Any) -> Any:
        return self.xp.minimum(a, b)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        a, b = self.inputs[0].data, self.inputs[1].data
        return _select_grads(self, gy, a < b, a > b, a == b)


def _select_grads(op: Op, gy: Any, a_wins: Any, b_wins: Any, tie: Any) -> tuple[Any, ...]:
    """ā = z̄ · ([b does not win] − ½ [tie]), b̄ = z̄ · ([a does not win] − ½ [tie]), constant
    weights: 1 to the winner, ½ each on a tie, and 1 to both where a or b is NaN (no
    comparison holds there; PyTorch's rule, which sends z̄ on to the NaN's source)."""
    dtype = gy.dtype
    half = tie.astype(dtype) * 0.5
    need_a, need_b = op.needs_input_grad
    ga = gy * ((~b_wins).astype(dtype) - half) if need_a else None
    gb = gy * ((~a_wins).astype(dtype) - half) if need_b else None
    return ga, gb


@register_op("where", broadcasts=True, array_vjp=True)
class Where(Op):
    r"""z = cond ? a : b elementwise. VJP: ā = z̄ where cond, else 0; b̄ = z̄ where not cond.
    The condition has no gradient. Saves the condition (as the parent); reads no value of a
    or b, so either may be written in place before backward (``x.copy_(y)`` where x views y).
    """

    fresh_grads = True
    reads_inputs = staticmethod(lambda needs: (0,))

    def forward(self, cond: Any, a: Any, b: Any) -> Any:
        return self.xp.where(cond, a, b)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        cond = self.inputs[0].data
        _, need_a, need_b = self.needs_input_grad
        zero = self.xp.zeros((), gy.dtype)
        ga = Where.call(cond, gy, zero) if need_a else None
        gb = Where.call(cond, zero, gy) if need_b else None
        return None, ga, gb


def zero_grad(xp: Any, gy: Any) -> Any:
    """Zeros of ȳ's shape and dtype in ȳ's form, the VJP of a piecewise-constant input (sign,
    copysign's sign operand, nextafter's direction): where(False, ȳ, 0) is a new array of
    zeros in a plain backward and a recorded where in a recorded one (its own gradient is 0).
    Unlike ȳ · 0 it stays 0 where ȳ is inf or NaN (PyTorch gives zeros there too)."""
    return Where.call(xp.zeros((), bool), gy, xp.zeros((), gy.dtype))


def mul(input: Any, other: Any, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """input · other elementwise with broadcasting (``torch.mul``; alias ``multiply``);
    ``out=`` stores the result in an existing tensor (not while recording gradients).
    add, sub and div, with their ``alpha`` and ``rounding_mode``, are in arithmetic.py."""
    return write_out("mul", Mul.apply_pair(*lift_pair(input, other)), out)


def pow(a: Any, b: Any) -> Tensor:  # noqa: A001  (the NumPy/PyTorch name)
    """a ** b with broadcasting; either side may be a Python number.

    Example:
        >>> import autograd_core as ac
        >>> ac.pow(ac.tensor([2.0, 3.0]), 2)
        tensor([4., 9.])

    An integer base with a negative integer exponent is refused (the result is not an
    integer), as in NumPy; PyTorch refuses a negative Python int exponent but computes a
    truncated one for a tensor exponent (2 ** tensor([-1]) is 0 there). A bool tensor to a
    Python bool power stays bool (x ** True is x, x ** False all true), and two bool tensors
    are refused, as in PyTorch (NumPy would give int8).
    """
    exponent = b
    negative = isinstance(b, (int, numpy.integer)) and not isinstance(b, bool) and b < 0
    if negative and isinstance(a, Tensor) and a.dtype.kind in "biu":
        b = lift(int(b))  # (checked before lift_pair would wrap it into a's dtype: uint8 −3 is 253)
        a = lift_pair(a, 0)[0]  # (bool: int64, as a Python int makes it)
    else:
        a, b = lift_pair(a, b)
    if a.dtype.kind == "b" and b.dtype.kind == "b":
        if isinstance(exponent, (bool, numpy.bool_)):
            return logical_or(a, logical_not(b))
        raise DTypeError(
            f"pow: not defined for two bool tensors (as in PyTorch); got shapes "
            f"{tuple(a.shape)} and {tuple(b.shape)}. Convert one first: x.long() ** y."
        )
    if a.dtype.kind in "iu" and b.dtype.kind in "iu" and b.numel() and bool((b.data < 0).any()):
        raise DTypeError(
            f"pow: integers to negative integer powers are not allowed (the result is not an "
            f"integer); got base dtype {a.dtype} and exponent dtype {b.dtype} with values down "
            f"to {int(b.data.min())}. Convert the base to floating point first, e.g. "
            "x.float() ** -1."
        )
    return Pow.apply(a, b)


def maximum(a: Any, b: Any) -> Tensor:
    """Elementwise maximum with broadcasting (ties split the gradient ½–½); complex operands
    are refused (as PyTorch)."""
    a, b = lift_pair(a, b)
    refuse_complex("maximum", a, b)
    return Maximum.apply_pair(a, b)


def minimum(a: Any, b: Any) -> Tensor:
    """Elementwise minimum with broadcasting (ties split the gradient ½–½); complex operands
    are refused (as PyTorch)."""
    a, b = lift_pair(a, b)
    refuse_complex("minimum", a, b)
    return Minimum.apply_pair(a, b)


_ABSENT = object()


def where(cond: Any, a: Any = _ABSENT, b: Any = _ABSENT) -> Any:
    """``a`` where ``cond`` is true, else ``b``, with broadcasting over all three.

    With ``cond`` alone, ``torch.where(cond)``: ``nonzero(cond, as_tuple=True)``, a tuple of
    int64 index tensors, one per axis.

    Example:
        >>> import autograd_core as ac
        >>> x = ac.tensor([-1.0, 2.0])
        >>> ac.where(x > 0, x, 0.0)
        tensor([0., 2.])
    """
    if a is _ABSENT and b is _ABSENT:
        return nonzero(cond, as_tuple=True)
    if a is _ABSENT or b is _ABSENT:
        raise TypeError(
            "where: pass cond alone (the indices where it is true) or cond, a and b (a where "
            "cond is true, else b); got cond and only one of a and b."
        )
    if isinstance(a, Tensor) or isinstance(b, Tensor):
        a, b = lift_pair(a, b)  # (PyTorch's promotion: where(c, int_tensor, 0.5) is float32)
    else:
        a, b = lift(a), lift(b)
    cond = lift(cond)
    if cond.dtype.kind != "b":
        raise DTypeError(
            f"where: the condition must be a bool tensor, got dtype {cond.dtype} (shape "
            f"{tuple(cond.shape)}), as in PyTorch. Pass a comparison (x > 0) or convert it: "
            "cond.bool() (true where nonzero)."
        )
    return Where.apply(cond, a, b)


def _comparison(name: str, fn: str, ordering: bool = False) -> tuple[type[Op], Any]:
    def forward(self: Op, a: Any, b: Any) -> Any:
        return getattr(self.xp, fn)(a, b)

    cls = register_op(name, differentiable=False)(
        type(
            name.capitalize(),
            (Op,),
            {
                "forward": forward,
                "__doc__": f"Elementwise ``{fn}`` returning a bool tensor; no gradient.",
                "__module__": __name__,
            },
        )
    )

    def public(a: Any, b: Any) -> Tensor:
        if not name.startswith("logical"):
            refuse_wrapped_comparison(name, a, b)
        a, b = lift_pair(a, b)
        if ordering:  # (as PyTorch: complex numbers have no order)
            refuse_complex(name, a, b)
        return cls.apply_pair(a, b)

    public.__name__ = name
    public.__doc__ = f"Elementwise ``{fn}(a, b)`` with broadcasting; a bool tensor, no gradient."
    return cls, public


Eq, eq = _comparison("eq", "equal")
Ne, ne = _comparison("ne", "not_equal")
Lt, lt = _comparison("lt", "less", ordering=True)
Le, le = _comparison("le", "less_equal", ordering=True)
Gt, gt = _comparison("gt", "greater", ordering=True)
Ge, ge = _comparison("ge", "greater_equal", ordering=True)
LogicalAnd, logical_and = _comparison("logical_and", "logical_and")
LogicalOr, logical_or = _comparison("logical_or", "logical_or")
LogicalXor, logical_xor = _comparison("logical_xor", "logical_xor")


@register_op("logical_not", differentiable=False)
class LogicalNot(Op):
    """Elementwise logical not; no gradient."""

    def forward(self, a: Any) -> Any:
        return self.xp.logical_not(a)


def logical_not(a: Tensor) -> Tensor:
    """Elementwise logical not (``~t``)."""
    return LogicalNot.apply(lift(a))
