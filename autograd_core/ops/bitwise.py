"""Integer and boolean elementwise ops without gradient: ``bitwise_and``, ``bitwise_or``,
``bitwise_xor``, ``bitwise_not``, ``bitwise_left_shift``, ``bitwise_right_shift``, ``gcd``,
``lcm`` (registered ops, so they run on either device and appear in graphs) and ``isin``.

The shifts are arithmetic (a right shift of a negative integer keeps its sign), as in PyTorch
and NumPy; a shift by the width of the dtype or more gives 0 (−1 for a right shift of a
negative), and so does a negative shift amount (the same in both libraries).

As in PyTorch, the bitwise ops take integer or bool tensors (on bools they are the logical
ops), ``gcd`` and ``lcm`` take integers, operands broadcast and promote as in NumPy, and a
Python int next to a tensor keeps the tensor's dtype.
"""

from __future__ import annotations

from typing import Any

from autograd_core.broadcast import broadcast_shapes
from autograd_core.errors import DTypeError
from autograd_core.op import Op
from autograd_core.ops.common import const, lift, lift_pair
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = [
    "bitwise_and",
    "bitwise_or",
    "bitwise_xor",
    "bitwise_not",
    "bitwise_left_shift",
    "bitwise_right_shift",
    "gcd",
    "lcm",
    "isin",
]


def _check_kinds(api: str, kinds: str, *xs: Tensor) -> None:
    for x in xs:
        if x.dtype.kind not in kinds:
            what = "integer or bool" if "b" in kinds else "integer"
            logical = api.replace("bitwise", "logical") if api.startswith("bitwise") else ""
            hint = f", or use ac.{logical} for a truth-value result" if logical else ""
            raise DTypeError(
                f"{api}: needs {what} tensors, got dtype {x.dtype} (shape {tuple(x.shape)}). "
                f"Convert with .long(){' or .bool()' if 'b' in kinds else ''}{hint}."
            )


def _binary(name: str, fn: str, kinds: str, formula: str, example: str) -> tuple[type[Op], Any]:
    def forward(self: Op, a: Any, b: Any) -> Any:
        return getattr(self.xp, fn)(a, b)

    cls = register_op(name, differentiable=False)(
        type(
            "".join(part.capitalize() for part in name.split("_")),
            (Op,),
            {
                "forward": forward,
                "__doc__": f"Elementwise {formula} (``{fn}``); no gradient, saves nothing.",
                "__module__": __name__,
            },
        )
    )

    def public(input: Any, other: Any) -> Tensor:  # noqa: A002  (PyTorch's names)
        if not isinstance(input, Tensor) and not isinstance(other, Tensor):
            input = lift(input)
        a, b = lift_pair(input, other)
        _check_kinds(name, kinds, a, b)
        broadcast_shapes(tuple(a.shape), tuple(b.shape), op=name)
        return cls.apply(a, b)

    public.__name__ = public.__qualname__ = name
    public.__doc__ = (
        f"Elementwise {formula} of integer{' or bool' if 'b' in kinds else ''} tensors with "
        f"broadcasting, as ``torch.{name}``; no gradient.\n\n"
        f"    Raises:\n        DTypeError: a floating-point operand.\n\n"
        f"    Example:\n        >>> import autograd_core as ac\n        >>> {example}\n"
    )
    return cls, public


BitwiseAnd, bitwise_and = _binary(
    "bitwise_and", "bitwise_and", "iub", "a & b", "ac.bitwise_and(ac.tensor([12, 10]), 6)\n"
    "        tensor([4, 2])",
)  # fmt: skip
BitwiseOr, bitwise_or = _binary(
    "bitwise_or", "bitwise_or", "iub", "a | b", "ac.bitwise_or(ac.tensor([12, 10]), 6)\n"
    "        tensor([14, 14])",
)  # fmt: skip
BitwiseXor, bitwise_xor = _binary(
    "bitwise_xor", "bitwise_xor", "iub", "a ^ b", "ac.bitwise_xor(ac.tensor([12, 10]), 6)\n"
    "        tensor([10, 12])",
)  # fmt: skip
BitwiseLeftShift, bitwise_left_shift = _binary(
    "bitwise_left_shift", "left_shift", "iu", "a << b (a · 2^b, wrapping in a's dtype)",
    "ac.bitwise_left_shift(ac.tensor([1, -3]), 2)\n        tensor([  4, -12])",
)  # fmt: skip
BitwiseRightShift, bitwise_right_shift = _binary(
    "bitwise_right_shift", "right_shift", "iu", "a >> b (⌊a / 2^b⌋)",
    "ac.bitwise_right_shift(ac.tensor([13, -13]), 2)\n        tensor([ 3, -4])",
)  # fmt: skip
Gcd, gcd = _binary(
    "gcd", "gcd", "iu", "greatest common divisor (non-negative; gcd(0, 0) = 0)",
    "ac.gcd(ac.tensor([12, -9, 0]), ac.tensor([18, 6, 0]))\n        tensor([6, 3, 0])",
)  # fmt: skip
Lcm, lcm = _binary(
    "lcm", "lcm", "iu", "least common multiple (non-negative; 0 if either is 0)",
    "ac.lcm(ac.tensor([4, -6, 0]), ac.tensor([6, 4, 5]))\n        tensor([12, 12,  0])",
)  # fmt: skip


@register_op("bitwise_not", differentiable=False)
class BitwiseNot(Op):
    """Elementwise ~x (``invert``: logical not on bools); no gradient, saves nothing."""

    def forward(self, x: Any) -> Any:
        return self.xp.invert(x)


def bitwise_not(input: Any) -> Tensor:  # noqa: A002  (PyTorch's name)
    """Elementwise ~x of an integer or bool tensor (two's complement: ~x = −x − 1; logical
    not on bools), as ``torch.bitwise_not``; no gradient.

    Raises:
        DTypeError: a floating-point tensor.

    Example:
        >>> import autograd_core as ac
        >>> ac.bitwise_not(ac.tensor([0, 5, -1])), ~ac.tensor([True, False])
        (tensor([-1, -6,  0]), tensor([False,  True]))
    """
    x = lift(input)
    _check_kinds("bitwise_not", "iub", x)
    return BitwiseNot.apply(x)


def isin(
    elements: Any,
    test_elements: Any,
    *,
    assume_unique: bool = False,
    invert: bool = False,
) -> Tensor:
    """True where an entry of ``elements`` occurs in ``test_elements`` (either may be a
    number), a bool tensor of ``elements``' shape, as ``torch.isin``; ``invert=True`` gives
    the opposite. ``assume_unique`` is a speed hint (both inputs hold distinct values) that
    gives the same answer when it holds. NaN is in nothing. No gradient.

    Example:
        >>> import autograd_core as ac
        >>> ac.isin(ac.tensor([[1, 2], [3, 4]]), ac.tensor([2, 3]))
        tensor([[False,  True],
                [ True, False]])
    """
    if not isinstance(elements, Tensor) and not isinstance(test_elements, Tensor):
        raise TypeError(
            "isin: pass elements or test_elements as a tensor (the other may be a number)."
        )
    a, b = lift_pair(elements, test_elements)
    xp = a.xp
    found = xp.isin(a.data, b.data, assume_unique=bool(assume_unique), invert=bool(invert))
    return const(xp.asarray(found).reshape(a.shape))
