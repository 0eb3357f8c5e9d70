"""The tensor maths shared by both forms of weight and spectral normalisation (the
parametrizations in ``nn.utils.parametrizations`` and the legacy hooks in ``nn.utils``):
``norm_except_dim``, ``weight_norm_weight`` (w = g · v / ‖v‖), ``weight_to_matrix`` and
one power-iteration step. All are composites of differentiable ops; none is a new primitive.
"""

from __future__ import annotations

import autograd_core as ac
from autograd_core.tensor import Tensor
from autograd_core.version import mark_written
from nn.functional_distance import normalize

__all__ = [
    "divided_by_sigma",
    "check_power_iterations",
    "check_norm_dim",
    "norm_except_dim",
    "weight_norm_weight",
    "weight_to_matrix",
    "power_step",
]


def check_power_iterations(n_power_iterations: int) -> None:
    """Refuse a spectral norm's ``n_power_iterations`` unless it is a positive int."""
    if isinstance(n_power_iterations, bool) or not isinstance(n_power_iterations, int):
        raise TypeError(
            "spectral_norm: n_power_iterations must be an int, got "
            f"{type(n_power_iterations).__name__}."
        )
    if n_power_iterations <= 0:
        raise ValueError(
            "spectral_norm: n_power_iterations must be positive, got "
            f"{n_power_iterations}. Use 1 (the default) for one step per training forward."
        )


def check_norm_dim(where: str, weight: Tensor, dim: int | None) -> int:
    """``dim`` as weight normalisation reads it: None and -1 mean "the whole tensor" (returned
    as -1, PyTorch's convention), any other negative dim counts from the end.

    Raises:
        TypeError: ``dim`` is not an int or None. IndexError: it is out of range.
    """
    if dim is None:
        return -1
    if isinstance(dim, bool) or not isinstance(dim, int):
        raise TypeError(f"{where}: dim must be an int or None, got {type(dim).__name__}.")
    if dim == -1:
        return -1
    if not -weight.ndim <= dim < weight.ndim:
        raise IndexError(
            f"{where}: dim {dim} is out of range for a weight of shape {tuple(weight.shape)} "
            f"(expected a dim in [{-weight.ndim}, {weight.ndim - 1}], or None / -1 for one norm "
            "over the whole tensor)."
        )
    return dim % weight.ndim


def norm_except_dim(v: Tensor, pow: float = 2, dim: int = 0) -> Tensor:  # noqa: A002
    """‖v‖ₚ over every axis except ``dim``, kept as size-1 axes (``torch.norm_except_dim``):
    shape (1, …, v.shape[dim], …, 1); ``dim = -1`` gives the norm of the whole tensor, shape ().

    Example:
        >>> import autograd_core as ac
        >>> from nn.utils.norm_helpers import norm_except_dim
        >>> norm_except_dim(ac.tensor([[3.0, 4.0], [6.0, 8.0]]), 2, 0)
        tensor([[ 5.],
                [10.]])
    """
    if dim == -1:
        return ac.linalg.vector_norm(v, ord=pow)
    keep = tuple(n if axis == dim else 1 for axis, n in enumerate(v.shape))
    rows = v.movedim(dim, 0).reshape(v.shape[dim], -1)
    return ac.linalg.vector_norm(rows, ord=pow, dim=1).reshape(keep)


def weight_norm_weight(v: Tensor, g: Tensor, dim: int) -> Tensor:
    r"""w = g · v / ‖v‖, the norm taken over every axis except ``dim`` (all axes when -1)
    (``torch._weight_norm``). Gradients reach g and v through ordinary ops:
    ḡ = Σ w̄ ⊙ v / ‖v‖ and v̄ = (g/‖v‖)(w̄ − v · Σ(w̄ ⊙ v)/‖v‖²), sums over the normed axes.

    .. math:: w = g \, \frac{v}{\lVert v \rVert}
    """
    return v * (g / norm_except_dim(v, 2, dim))


def weight_to_matrix(weight: Tensor, dim: int) -> Tensor:
    """``weight`` with axis ``dim`` moved to the front and the rest flattened: (shape[dim], -1)."""
    if dim != 0:
        weight = weight.movedim(dim, 0)
    return weight.reshape(weight.shape[0], -1)


def power_step(target: Tensor, matrix: Tensor, vec: Tensor, eps: float) -> None:
    """One half step of the power iteration, in place and without a graph:
    target ← normalize(matrix · vec) (``F.normalize(torch.mv(matrix, vec), out=target)``)."""
    with ac.no_grad():
        target.data[...] = normalize(ac.mv(matrix, vec), dim=0, eps=eps).data
    mark_written(target.data)


def divided_by_sigma(weight: Tensor, matrix: Tensor, u: Tensor, v: Tensor) -> Tensor:
    """W / σ with σ = uᵀ W v (``matrix`` is W as a matrix), read from copies of u and v, so that
    the next in-place power step does not touch what backward reads; the gradient flows
    through W only."""
    u, v = u.detach().clone(), v.detach().clone()
    return weight / ac.vdot(u, ac.mv(matrix, v))
