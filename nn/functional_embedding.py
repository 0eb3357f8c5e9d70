"""``F.embedding``: rows of a table looked up by integer indices, with PyTorch's ``padding_idx``,
``max_norm`` (renormalise the looked-up rows in place) and ``scale_grad_by_freq``."""

from __future__ import annotations

from typing import Any

import autograd_core as ac
from autograd_core.autograd_function import Function, FunctionCtx
from autograd_core.tensor import Tensor
from autograd_core.version import mark_written
from nn.index_checks import check_index_range, host_indices, poison

__all__ = ["embedding"]


def embedding(
    input: Any,  # noqa: A002  (PyTorch's name)
    weight: Tensor,
    padding_idx: int | None = None,
    max_norm: float | None = None,
    norm_type: float = 2.0,
    scale_grad_by_freq: bool = False,
    sparse: bool = False,
) -> Tensor:
    """Rows of ``weight`` (num_embeddings, dim) selected by integer indices ``input`` of any
    shape (``torch.nn.functional.embedding``); repeated indices accumulate their gradients.

    - ``padding_idx``: lookups of that row give its values but send it no gradient (as in
      PyTorch; ``nn.Embedding`` keeps the row at zero). Negative values count from the end.
    - ``max_norm``: before the lookup, every row that ``input`` names whose ``norm_type``-norm
      exceeds ``max_norm`` is scaled IN PLACE, under no_grad, to norm
      ``max_norm`` (times ``max_norm / (norm + 1e-7)``, PyTorch's formula). The weight is
      changed even when no gradient is taken; rows not looked up are left alone.
    - ``scale_grad_by_freq``: the gradient each row receives is divided by the number of
      times its index appears in ``input``.
    - ``sparse``: only False; there are no sparse gradients here.

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> F.embedding(ac.tensor([[0, 2]]), ac.eye(3)).tolist()
        [[[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]]
        >>> w = ac.tensor([[3.0, 4.0], [0.3, 0.4]])
        >>> F.embedding(ac.tensor([0]), w, max_norm=1.0)  # row 0 had norm 5
        tensor([[0.6, 0.8]])
    """
    if sparse:
        raise NotImplementedError(
            "embedding: sparse=True is not supported (no sparse gradients); pass sparse=False."
        )
    idx = input.data if isinstance(input, Tensor) else weight.xp.asarray(input)
    if idx.dtype.kind not in "iu":
        raise TypeError(
            f"embedding: indices must be integers, got dtype {idx.dtype}. Convert with .long()."
        )
    n = weight.shape[0]
    bad = check_index_range(
        "embedding",
        "indices",
        idx,
        n,
        host_indices(input),
        "Increase num_embeddings or remap the indices.",
    )
    if padding_idx is not None:
        if not -n <= padding_idx < n:
            raise ValueError(
                f"embedding: padding_idx {padding_idx} is out of range for a weight of "
                f"{n} rows; it must be in [-{n}, {n})."
            )
        padding_idx %= n
    if max_norm is not None and bad is None:
        _renorm_rows(weight, idx, float(max_norm), float(norm_type))
    out = weight[idx]
    if bad is not None:  # device indices: the rows of bad ones become NaN (index_checks.py)
        out = out * ac.as_tensor(poison(weight.xp.ones(idx.shape, weight.dtype), bad))[..., None]
    if (padding_idx is not None or scale_grad_by_freq) and out.requires_grad:
        factors = _gradient_factors(idx, n, padding_idx, scale_grad_by_freq)
        out = _ScaledGradient.apply(out, factors.astype(out.dtype)[..., None])
    return out


def _renorm_rows(weight: Tensor, idx: Any, max_norm: float, norm_type: float) -> None:
    """Scale the rows named in ``idx`` whose norm exceeds ``max_norm`` in place (no_grad)."""
    xp = weight.xp
    rows = xp.unique(idx.ravel())
    if rows.size == 0:
        return
    table = weight.data
    picked = table[rows]
    norms = xp.linalg.norm(picked, ord=norm_type, axis=1)
    over = norms > max_norm
    if not bool(over.any()):
        return
    scale = (max_norm / (norms[over] + 1e-7)).astype(table.dtype)
    table[rows[over]] = picked[over] * scale[:, None]
    mark_written(table)


def _gradient_factors(idx: Any, n: int, padding_idx: int | None, by_freq: bool) -> Any:
    """The factor by which each lookup's gradient is multiplied: 0 at padding_idx, else
    1 / (count of its index in idx) with scale_grad_by_freq, else 1."""
    xp = ac.device.get_array_module(idx)
    flat = idx.ravel().astype("int64")
    if by_freq:
        counts = xp.bincount(flat, minlength=n).astype("float64")
        factors = 1.0 / counts[flat]
    else:
        factors = xp.ones(flat.shape, dtype="float64")
    if padding_idx is not None:
        factors = factors * (flat != padding_idx)
    return factors.reshape(idx.shape)


class _ScaledGradient(Function):
    """Identity whose backward multiplies lookup ``k``'s gradient by ``factors[k]``. The
    product is recorded with derivative 1 with respect to the incoming gradient, which is
    PyTorch's double backward of embedding (``embedding_dense_double_backward`` applies no
    scale), so second derivatives match torch's too."""

    @staticmethod
    def forward(ctx: FunctionCtx, out: Tensor, factors: Any) -> Tensor:
        ctx.factors = factors  # type: ignore[attr-defined]
        return out * 1

    @staticmethod
    def backward(ctx: FunctionCtx, gy: Tensor) -> Any:
        f = ac.as_tensor(ctx.factors)  # type: ignore[attr-defined]
        return gy + (gy * (f - 1)).detach(), None
