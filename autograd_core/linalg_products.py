"""``ac.linalg`` products with PyTorch's names and semantics: ``matrix_power`` and
``multi_dot`` (cheapest parenthesisation), composites of matmul and inv (``cross`` is in
``ops/cross_product.py``)."""

from __future__ import annotations

import operator
from collections.abc import Sequence

from autograd_core.device import get_array_module
from autograd_core.errors import DTypeError, ShapeError
from autograd_core.ops.binary import where
from autograd_core.ops.common import lift
from autograd_core.ops.decompositions import check_square, invert
from autograd_core.tensor import Tensor

__all__ = ["matrix_power", "multi_dot", "check_one_dtype"]


def matrix_power(a: Tensor, n: int) -> Tensor:
    """Aⁿ for each square matrix and integer n (``torch.linalg.matrix_power``): by repeated
    squaring (about 2 log₂|n| products); n < 0 gives (A⁻¹)^|n| (A must be invertible), n = 0
    the identity, which like torch's depends on A with a zero gradient.

    Example:
        >>> import autograd_core as ac
        >>> ac.linalg.matrix_power(ac.tensor([[1.0, 1.0], [0.0, 1.0]]), 3)
        tensor([[1., 3.],
                [0., 1.]])
    """
    a = lift(a)
    check_square("linalg.matrix_power", a)
    if isinstance(n, bool) or not isinstance(n, int):
        try:
            n = operator.index(n)  # (NumPy integers too)
        except TypeError:
            raise TypeError(
                f"linalg.matrix_power: n must be an int, got {n!r} ({type(n).__name__}). Pass "
                "an integer power (for real powers of a symmetric A use ac.linalg.eigh)."
            ) from None
    xp = get_array_module(a.data)
    if n == 0:  # the identity, attached to A with a zero gradient
        eye = xp.broadcast_to(xp.eye(a.shape[-1], dtype=a.dtype), a.shape)
        return where(xp.ones(a.shape, dtype=bool), eye, a)
    base = invert("linalg.matrix_power", a) if n < 0 else a
    n = abs(n)
    result = None
    while n:
        if n & 1:
            result = base if result is None else result @ base
        n >>= 1
        if n:
            base = base @ base
    return result


def _chain_order(dims: list[int]) -> list[list[int]]:
    """split[i][j]: where the cheapest product of matrices i..j splits, for matrices of shapes
    (dims[i], dims[i + 1]) (the textbook O(N³) dynamic programme over scalar multiplications)."""
    count = len(dims) - 1
    cost = [[0] * count for _ in range(count)]
    split = [[0] * count for _ in range(count)]
    for length in range(1, count):
        for i in range(count - length):
            j = i + length
            cost[i][j], split[i][j] = min(
                (cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1], k)
                for k in range(i, j)
            )
    return split


def check_one_dtype(op: str, tensors: Sequence[Tensor], noun: str = "tensors") -> None:
    """Refuse ``tensors`` of more than one dtype, naming ``op`` and the dtypes seen: PyTorch's
    matrix chains (``linalg.multi_dot``, ``chain_matmul``) do not promote, unlike ``matmul``."""
    if len({t.dtype for t in tensors}) > 1:
        raise DTypeError(
            f"{op}: all {noun} must have the same dtype (as in PyTorch); got "
            f"{', '.join(str(t.dtype) for t in tensors)}. Convert them to one dtype first, "
            "e.g. with .double()."
        )


def multi_dot(tensors: Sequence[Tensor]) -> Tensor:
    """A₁ A₂ ⋯ A_N in the cheapest parenthesisation (fewest scalar multiplications), as
    ``torch.linalg.multi_dot``: every tensor 2-D, except that the first may be 1-D (a row
    vector) and the last 1-D (a column vector); those dims are dropped from the result. All
    must have one dtype (as PyTorch; ``matmul`` would promote).

    Raises:
        ShapeError: fewer than two tensors, a tensor of the wrong rank, or inner sizes that
            differ.
        DTypeError: tensors of different dtypes.

    Example:
        >>> import autograd_core as ac
        >>> ac.linalg.multi_dot([ac.tensor([1.0, 2.0]), ac.eye(2), ac.tensor([3.0, 4.0])])
        tensor(11.)
    """
    ts = [lift(t) for t in tensors]
    if len(ts) < 2:
        raise ShapeError(
            f"linalg.multi_dot: expected at least 2 tensors but got {len(ts)}. For one, use it "
            "as is; for two, a @ b."
        )
    for i, t in enumerate(ts):
        ends = i in (0, len(ts) - 1)
        if t.ndim != 2 and not (ends and t.ndim == 1):
            which = "first" if i == 0 else "last" if i == len(ts) - 1 else f"tensor {i}"
            need = "1-D or 2-D" if ends else "2-D"
            raise ShapeError(
                f"linalg.multi_dot: the {which} tensor must be {need}; got shape "
                f"{tuple(t.shape)}. Only the first and last may be vectors."
            )
    check_one_dtype("linalg.multi_dot", ts)
    row, col = ts[0].ndim == 1, ts[-1].ndim == 1
    ms = [ts[0].unsqueeze(0) if row else ts[0], *ts[1:-1], ts[-1].unsqueeze(-1) if col else ts[-1]]
    for i in range(len(ms) - 1):
        if ms[i].shape[1] != ms[i + 1].shape[0]:
            raise ShapeError(
                f"linalg.multi_dot: tensors {i} and {i + 1} with shapes {tuple(ts[i].shape)} and "
                f"{tuple(ts[i + 1].shape)} cannot be multiplied. Make the inner sizes equal."
            )
    split = _chain_order([m.shape[0] for m in ms] + [ms[-1].shape[1]])

    def product(i: int, j: int) -> Tensor:
        if i == j:
            return ms[i]
        k = split[i][j]
        return product(i, k) @ product(k + 1, j)

    out = product(0, len(ms) - 1)
    if row:
        out = out.squeeze(0)
    return out.squeeze(-1) if col else out
