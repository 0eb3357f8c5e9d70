"""Matrix and vector products with PyTorch's names: ``mm``, ``bmm``, ``mv``, ``dot``, ``vdot``,
``inner``, ``tensordot``, the scaled sums ``addmm``, ``addmv``, ``addbmm``, ``baddbmm`` and
their elementwise kin ``addcmul`` and ``addcdiv``.

All are compositions of recorded ops (``matmul``, ``einsum``, ``mul``, ``where``), so their
gradients, second derivatives and device handling are those ops'; they hold what ``matmul`` /
``einsum`` hold (both operands) and nothing more. What this file adds is PyTorch's checks:
the ranks, sizes and dtypes each name accepts, refused with a typed error naming the shapes.
"""

from __future__ import annotations

from typing import Any

from autograd_core.broadcast import broadcast_shapes
from autograd_core.device import get_array_module
from autograd_core.errors import DTypeError, ShapeError
from autograd_core.ops.binary import where
from autograd_core.ops.common import lift
from autograd_core.ops.linalg import einsum, matmul
from autograd_core.ops.shape import broadcast_to
from autograd_core.tensor import Tensor

__all__ = [
    "addbmm",
    "addcdiv",
    "addcmul",
    "addmm",
    "addmv",
    "baddbmm",
    "bmm",
    "dot",
    "inner",
    "mm",
    "mv",
    "tensordot",
    "vdot",
]

_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _shape(t: Tensor) -> tuple[int, ...]:
    return tuple(t.shape)


def _operands(name: str, a: Any, b: Any, ranks: tuple[int, int]) -> tuple[Tensor, Tensor]:
    """``a`` and ``b`` as Tensors of the given ranks and one dtype, as PyTorch demands."""
    a, b = lift(a), lift(b, a) if not isinstance(b, Tensor) else b
    if (a.ndim, b.ndim) != ranks:
        want = {1: "1-D", 2: "2-D", 3: "3-D"}
        raise ShapeError(
            f"{name}: needs {want[ranks[0]]} and {want[ranks[1]]} operands; got shapes "
            f"{_shape(a)} and {_shape(b)}. Use matmul for other ranks."
        )
    if a.dtype != b.dtype:
        raise DTypeError(
            f"{name}: both operands need one dtype; got {a.dtype} and {b.dtype}. "
            "Convert one with .to(dtype)."
        )
    return a, b


def _inner_sizes(name: str, a: Tensor, b: Tensor, ka: int, kb: int) -> None:
    if a.shape[ka] != b.shape[kb]:
        raise ShapeError(
            f"{name}: the contracted sizes differ ({a.shape[ka]} vs {b.shape[kb]}) for shapes "
            f"{_shape(a)} and {_shape(b)}. Transpose an operand or check the sizes."
        )


def bmm(input: Tensor, mat2: Tensor) -> Tensor:
    """Batched matrix product of (b, n, m) and (b, m, p) into (b, n, p), as ``torch.bmm``
    (no broadcasting of the batch axis).

    Example:
        >>> import autograd_core as ac
        >>> ac.bmm(ac.ones(2, 3, 4), ac.ones(2, 4, 5)).shape
        (2, 3, 5)
    """
    a, b = _batches("bmm", input, mat2)
    return matmul(a, b)


def mm(input: Tensor, mat2: Tensor) -> Tensor:
    """Matrix product of (n, m) and (m, p) into (n, p), as ``torch.mm``: both operands 2-D
    and of one dtype, no broadcasting (use ``matmul`` for that).

    Example:
        >>> import autograd_core as ac
        >>> ac.mm(ac.ones(2, 3), ac.ones(3, 4)).shape
        (2, 4)
    """
    a, b = _operands("mm", input, mat2, (2, 2))
    _inner_sizes("mm", a, b, 1, 0)
    return matmul(a, b)


def mv(input: Tensor, vec: Tensor) -> Tensor:
    """Matrix-vector product of (n, m) and (m,) into (n,), as ``torch.mv``.

    Example:
        >>> import autograd_core as ac
        >>> ac.mv(ac.ones(2, 3), ac.tensor([1.0, 2.0, 3.0]))
        tensor([6., 6.])
    """
    a, v = _operands("mv", input, vec, (2, 1))
    _inner_sizes("mv", a, v, 1, 0)
    return matmul(a, v)


def dot(input: Tensor, tensor: Tensor) -> Tensor:
    """The dot product Σᵢ aᵢ bᵢ of two vectors of one size, a 0-d Tensor (``torch.dot``).

    Example:
        >>> import autograd_core as ac
        >>> ac.dot(ac.tensor([1.0, 2.0]), ac.tensor([3.0, 4.0]))
        tensor(11.)
    """
    a, b = _operands("dot", input, tensor, (1, 1))
    _inner_sizes("dot", a, b, 0, 0)
    return matmul(a, b)


def vdot(input: Tensor, other: Tensor) -> Tensor:
    """Σᵢ conj(aᵢ) bᵢ of two vectors (``torch.vdot``); for the real dtypes here, ``dot``.

    Example:
        >>> import autograd_core as ac
        >>> ac.vdot(ac.tensor([1.0, 2.0]), ac.tensor([3.0, 4.0]))
        tensor(11.)
    """
    a, b = _operands("vdot", input, other, (1, 1))
    _inner_sizes("vdot", a, b, 0, 0)
    return matmul(a, b)


def inner(input: Tensor, other: Tensor) -> Tensor:
    """Sum over the last axis of both operands, shape a.shape[:-1] + b.shape[:-1]
    (``torch.inner``); a 0-d operand scales the other.

    Example:
        >>> import autograd_core as ac
        >>> ac.inner(ac.ones(2, 3), ac.ones(4, 3)).shape
        (2, 4)
    """
    a = lift(input)
    b = lift(other, a) if not isinstance(other, Tensor) else other
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    _inner_sizes("inner", a, b, -1, -1)
    return tensordot(a, b, dims=([a.ndim - 1], [b.ndim - 1]))


def _tensordot_dims(a: Tensor, b: Tensor, dims: Any) -> tuple[list[int], list[int]]:
    """The contracted axes of ``a`` and ``b`` (non-negative) from ``tensordot``'s ``dims``."""
    if isinstance(dims, int):
        if dims < 0 or dims > min(a.ndim, b.ndim):
            raise ShapeError(
                f"tensordot: dims={dims} must lie in [0, {min(a.ndim, b.ndim)}] for shapes "
                f"{_shape(a)} and {_shape(b)}. Pass a smaller count or a pair of axis lists."
            )
        return list(range(a.ndim - dims, a.ndim)), list(range(dims))
    try:
        da, db = dims
        da = [da] if isinstance(da, int) else list(da)
        db = [db] if isinstance(db, int) else list(db)
    except (TypeError, ValueError):
        raise TypeError(
            f"tensordot: dims must be an int or a pair of axis lists; got {dims!r}. "
            "Write dims=([1], [0])."
        ) from None
    if len(da) != len(db):
        raise ShapeError(
            f"tensordot: dims name {len(da)} axes of a and {len(db)} of b ({dims!r}). "
            "Name one axis of b for each axis of a."
        )
    for axes, t in ((da, a), (db, b)):
        for k, d in enumerate(axes):
            if not -t.ndim <= d < t.ndim:
                raise ShapeError(
                    f"tensordot: axis {d} is out of range for shape {_shape(t)}. "
                    f"Use axes in [{-t.ndim}, {t.ndim - 1}]."
                )
            axes[k] = d % t.ndim
        if len(set(axes)) != len(axes):
            raise ShapeError(f"tensordot: repeated axis in {axes} for shape {_shape(t)}.")
    return da, db


def tensordot(a: Tensor, b: Tensor, dims: Any = 2) -> Tensor:
    """Contract axes of ``a`` with axes of ``b`` (``torch.tensordot``): ``dims=k`` pairs the
    last k axes of a with the first k of b; ``dims=([i, …], [j, …])`` names the pairs. The
    result has a's free axes, then b's.

    Example:
        >>> import autograd_core as ac
        >>> ac.tensordot(ac.ones(2, 3, 4), ac.ones(3, 4, 5)).shape
        (2, 5)
        >>> ac.tensordot(ac.ones(2, 3), ac.ones(3, 2), dims=([0], [1])).shape
        (3, 3)
    """
    a = lift(a)
    b = lift(b, a) if not isinstance(b, Tensor) else b
    da, db = _tensordot_dims(a, b, dims)
    if a.ndim + b.ndim - len(da) > len(_LETTERS):
        raise ShapeError(f"tensordot: too many axes ({a.ndim} + {b.ndim}); at most 52.")
    sa = list(_LETTERS[: a.ndim])
    sb = list(_LETTERS[a.ndim : a.ndim + b.ndim])
    for i, j in zip(da, db):
        if a.shape[i] != b.shape[j]:
            raise ShapeError(
                f"tensordot: contracted axes {i} of a and {j} of b have sizes {a.shape[i]} and "
                f"{b.shape[j]} (shapes {_shape(a)} and {_shape(b)}). Pair axes of one size."
            )
        sb[j] = sa[i]
    out = [c for k, c in enumerate(sa) if k not in da] + [
        c for k, c in enumerate(sb) if k not in db
    ]
    return einsum(f"{''.join(sa)},{''.join(sb)}->{''.join(out)}", a, b)


def _scaled_sum(name: str, input: Any, product: Tensor, beta: float, alpha: float) -> Tensor:
    """β·input + α·product, with ``input`` broadcast to the product's shape; β = 0 ignores
    ``input``'s values (NaN and inf included), as PyTorch does, and gives it a zero gradient."""
    x = lift(input, product) if not isinstance(input, Tensor) else input
    try:
        shape = broadcast_shapes(_shape(x), _shape(product))
    except ValueError:
        shape = None
    if shape != _shape(product):
        raise ShapeError(
            f"{name}: input of shape {_shape(x)} does not broadcast to the product's shape "
            f"{_shape(product)}. Pass an input of that shape or one that expands to it."
        )
    if x.dtype != product.dtype:
        raise DTypeError(
            f"{name}: input is {x.dtype} but the product is {product.dtype}. "
            "Convert the input with .to(dtype)."
        )
    scaled = product if alpha == 1 else product * alpha
    if beta == 0:  # a False of x's device: x's values never read, its gradient exact zeros
        never = get_array_module(x.data).zeros((), dtype=bool)
        return scaled + where(never, x, 0.0)
    return scaled + (x if beta == 1 else x * beta)


def addmm(
    input: Tensor, mat1: Tensor, mat2: Tensor, *, beta: float = 1, alpha: float = 1
) -> Tensor:
    """β·input + α·(mat1 @ mat2) for matrices (``torch.addmm``); ``input`` broadcasts to
    (n, p), and β = 0 ignores its values.

    Example:
        >>> import autograd_core as ac
        >>> ac.addmm(ac.ones(2), ac.ones(2, 3), ac.ones(3, 2), alpha=2)
        tensor([[7., 7.],
                [7., 7.]])
    """
    a, b = _operands("addmm", mat1, mat2, (2, 2))
    _inner_sizes("addmm", a, b, 1, 0)
    return _scaled_sum("addmm", input, matmul(a, b), beta, alpha)


def addmv(input: Tensor, mat: Tensor, vec: Tensor, *, beta: float = 1, alpha: float = 1) -> Tensor:
    """β·input + α·(mat @ vec) (``torch.addmv``); ``input`` broadcasts to (n,).

    Example:
        >>> import autograd_core as ac
        >>> ac.addmv(ac.tensor(1.0), ac.ones(2, 3), ac.ones(3), beta=0.5)
        tensor([3.5, 3.5])
    """
    a, v = _operands("addmv", mat, vec, (2, 1))
    _inner_sizes("addmv", a, v, 1, 0)
    return _scaled_sum("addmv", input, matmul(a, v), beta, alpha)


def baddbmm(
    input: Tensor, batch1: Tensor, batch2: Tensor, *, beta: float = 1, alpha: float = 1
) -> Tensor:
    """β·input + α·bmm(batch1, batch2) (``torch.baddbmm``); ``input`` broadcasts to (b, n, p).

    Example:
        >>> import autograd_core as ac
        >>> ac.baddbmm(ac.zeros(1, 3, 5), ac.ones(2, 3, 4), ac.ones(2, 4, 5)).shape
        (2, 3, 5)
    """
    a, b = _batches("baddbmm", batch1, batch2)
    return _scaled_sum("baddbmm", input, matmul(a, b), beta, alpha)


def addbmm(
    input: Tensor, batch1: Tensor, batch2: Tensor, *, beta: float = 1, alpha: float = 1
) -> Tensor:
    """β·input + α·Σ_b batch1[b] @ batch2[b] (``torch.addbmm``): the batch of products summed
    into one (n, p) matrix, which ``input`` broadcasts to.

    Example:
        >>> import autograd_core as ac
        >>> ac.addbmm(ac.zeros(3, 5), ac.ones(2, 3, 4), ac.ones(2, 4, 5))[0, 0]
        tensor(8.)
    """
    a, b = _batches("addbmm", batch1, batch2)
    return _scaled_sum("addbmm", input, einsum("bij,bjk->ik", a, b), beta, alpha)


def _batches(name: str, batch1: Any, batch2: Any) -> tuple[Tensor, Tensor]:
    """The two batches as Tensors, checked: 3-D, one batch size, matching inner sizes."""
    a, b = _operands(name, batch1, batch2, (3, 3))
    if a.shape[0] != b.shape[0]:
        raise ShapeError(
            f"{name}: batch sizes differ ({a.shape[0]} vs {b.shape[0]}) for shapes "
            f"{_shape(a)} and {_shape(b)}. Give both batches one size."
        )
    _inner_sizes(name, a, b, 2, 1)
    return a, b


def _empty_broadcast(a: Tensor, t1: Tensor, t2: Tensor) -> tuple[Tensor, Tensor]:
    """t1 and t2, broadcast to the result's shape when it is empty. Otherwise the product of a
    0-d t1 and t2 would receive the empty sum 0 as its gradient and pass 0 · t2 on, NaN where
    t2 is infinite; an empty result has all-zero gradients (as PyTorch's addcmul)."""
    shape = broadcast_shapes(tuple(a.shape), tuple(t1.shape), tuple(t2.shape), op="addcmul")
    if 0 not in shape or (tuple(t1.shape) == shape and tuple(t2.shape) == shape):
        return t1, t2
    return broadcast_to(t1, shape), broadcast_to(t2, shape)


def addcmul(input: Any, tensor1: Any, tensor2: Any, *, value: float = 1) -> Tensor:
    """input + value · tensor1 · tensor2, elementwise with broadcasting, as ``torch.addcmul``.

    Gradients: input̄ = ȳ, tensor1̄ = value · ȳ · tensor2, tensor2̄ = value · ȳ · tensor1 (each
    summed to its operand's shape); a composition of ``mul`` and ``add``. The result's dtype
    is the three tensors' promotion (``value`` takes no part: uint8 input and bool factors
    give uint8); three bool tensors are refused, as in PyTorch.

    Example:
        >>> import autograd_core as ac
        >>> ac.addcmul(ac.ones(2), ac.tensor([1.0, 2.0]), ac.tensor([3.0, 4.0]), value=0.5)
        tensor([2.5, 5. ])
    """
    a = lift(input)
    t1, t2 = _empty_broadcast(a, lift(tensor1, a), lift(tensor2, a))
    product = t1 * t2
    if product.dtype.kind == "b":  # value takes no part in the promotion (as PyTorch)
        if a.dtype.kind == "b":
            raise DTypeError(
                f"addcmul: not defined when input, tensor1 and tensor2 are all bool (as in "
                f"PyTorch); got shapes {_shape(a)}, {_shape(product)}. Convert first: "
                "input.long()."
            )
        if a.dtype.kind in "iu":  # uint8 input, bool factors: uint8 (value · bool is int64)
            product = product.to(a.dtype)
    return a + (product if value == 1 else value * product)


def addcdiv(input: Any, tensor1: Any, tensor2: Any, *, value: float = 1) -> Tensor:
    """input + value · tensor1 / tensor2, elementwise with broadcasting, as ``torch.addcdiv``.

    Gradients: input̄ = ȳ, tensor1̄ = value · ȳ / tensor2, tensor2̄ = −value · ȳ · tensor1 /
    tensor2² (each summed to its operand's shape); a composition of ``div``, ``mul`` and ``add``.

    Raises:
        DTypeError: tensor1 and tensor2 both integer (PyTorch no longer allows integer
            division here; convert one to floating point).

    Example:
        >>> import autograd_core as ac
        >>> ac.addcdiv(ac.ones(2), ac.tensor([1.0, 2.0]), ac.tensor([4.0, 4.0]), value=2)
        tensor([1.5, 2. ])
    """
    a = lift(input)
    t1, t2 = _empty_broadcast(a, lift(tensor1, a), lift(tensor2, a))
    if t1.dtype.kind in "iub" and t2.dtype.kind in "iub":
        raise DTypeError(
            f"addcdiv: integer division is not supported (tensor1 {t1.dtype}, tensor2 "
            f"{t2.dtype}), as in PyTorch. Convert one to floating point, e.g. tensor1.double(), "
            "or compute input + value * torch.div(tensor1, tensor2, rounding_mode='trunc')."
        )
    quotient = t1 / t2
    return a + (quotient if value == 1 else value * quotient)
