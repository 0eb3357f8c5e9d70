"""PyTorch's second names for existing functions: ``absolute`` (abs), ``greater``,
``greater_equal``, ``less``, ``less_equal``, ``not_equal`` (gt, ge, lt, le, ne), ``igamma`` and
``igammac`` (``ac.special.gammainc``/``gammaincc``), and ``conj_physical``.

Each alias is the same function object as the name it stands for, so it has the same gradient
and errors; they become Tensor methods like every public op (``x.greater(y)``).
"""

from __future__ import annotations

from typing import Any

from autograd_core.ops.binary import ge, gt, le, lt, ne
from autograd_core.ops.common import const, lift
from autograd_core.ops.special_gamma_inc import gammainc, gammaincc
from autograd_core.ops.unary import abs as _abs
from autograd_core.tensor import Tensor

__all__ = [
    "absolute",
    "greater",
    "greater_equal",
    "less",
    "less_equal",
    "not_equal",
    "igamma",
    "igammac",
    "conj_physical",
]

absolute = _abs
greater = gt
greater_equal = ge
less = lt
less_equal = le
not_equal = ne
igamma = gammainc
igammac = gammaincc


def conj_physical(input: Any) -> Tensor:  # noqa: A002  (PyTorch's name)
    """The complex conjugate as a new tensor (``torch.conj_physical``): a real, integer or
    bool tensor is returned itself, as in PyTorch; a complex one gives the conjugated values
    (complex tensors never require grad here).

    Example:
        >>> import autograd_core as ac
        >>> ac.conj_physical(ac.tensor([1 + 2j, 3 - 1j]))
        tensor([1.-2.j, 3.+1.j], dtype=complex128)
    """
    x = lift(input)
    if x.dtype.kind == "c":
        return const(x.xp.conj(x.data))
    return x
