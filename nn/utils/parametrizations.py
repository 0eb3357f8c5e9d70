"""Weight normalisation and spectral normalisation as parametrizations, as
``torch.nn.utils.parametrizations``: ``weight_norm`` and ``spectral_norm``.

Both register a parametrization (``nn.utils.parametrize``) on a module's weight, so the weight is
recomputed from ``module.parametrizations.weight.original*`` on every access. (PyTorch's
``orthogonal`` is not provided.)
"""

from __future__ import annotations

import autograd_core as ac
from autograd_core.tensor import Tensor
from nn.conv import ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
from nn.functional_distance import normalize
from nn.module import Module
from nn.utils.norm_helpers import (
    check_norm_dim,
    check_power_iterations,
    divided_by_sigma,
    norm_except_dim,
    power_step,
    weight_norm_weight,
    weight_to_matrix,
)
from nn.utils.parametrize import register_parametrization

__all__ = ["weight_norm", "spectral_norm"]


class _WeightNorm(Module):
    """w = g · v / ‖v‖ (norm over every axis but ``dim``; -1: the whole tensor), taking
    (original0 = g, original1 = v); ``right_inverse(w)`` = (‖w‖, w)."""

    def __init__(self, dim: int) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, weight_g: Tensor, weight_v: Tensor) -> Tensor:
        return weight_norm_weight(weight_v, weight_g, self.dim)

    def right_inverse(self, weight: Tensor) -> tuple[Tensor, Tensor]:
        return norm_except_dim(weight, 2, self.dim), weight


def weight_norm(module: Module, name: str = "weight", dim: int | None = 0) -> Module:
    r"""Reparametrise ``module.<name>`` as w = g · v / ‖v‖ (Salimans & Kingma 2016,
    https://arxiv.org/abs/1602.07868), as ``torch.nn.utils.parametrizations.weight_norm``.

    The magnitude g is ``module.parametrizations.<name>.original0`` and the direction v is
    ``original1``; both start from the current weight (v = w, g = ‖w‖), so the module computes
    the same function as before. The norm is over every axis except ``dim`` (g has w's shape
    with size 1 on those axes); ``dim=None`` or ``dim=-1`` take one norm over the whole tensor
    (g has shape ()), as PyTorch. Other negative dims count from the end.

    .. math:: w = g \, \frac{v}{\lVert v \rVert}

    Args:
        module: the module holding the weight.
        name: the name of the weight.
        dim: the axis that keeps its own norm; None or -1 for one norm.

    Returns:
        ``module``, with new parameters original0 and original1 (add them to the optimizer).

    Raises:
        ValueError: no tensor ``name`` on the module. IndexError: ``dim`` out of range.

    Example:
        >>> import nn
        >>> m = nn.utils.parametrizations.weight_norm(nn.Linear(3, 4))
        >>> [(k.split(".")[-1], v.shape) for k, v in m.state_dict().items()]
        [('bias', (4,)), ('original0', (4, 1)), ('original1', (4, 3))]
    """
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(
            f"weight_norm: {type(module).__name__} has no parameter or buffer named {name!r}."
        )
    fn = _WeightNorm(check_norm_dim("weight_norm", weight, dim))
    return register_parametrization(module, name, fn, unsafe=True)


class _SpectralNorm(Module):
    """w / σ(w), σ estimated by power iteration on the weight as a (shape[dim], -1) matrix, with
    the singular-vector estimates kept in the buffers ``_u``, ``_v``."""

    def __init__(self, weight: Tensor, n_power_iterations: int, dim: int, eps: float) -> None:
        super().__init__()
        ndim = weight.ndim
        if isinstance(dim, bool) or not isinstance(dim, int) or not -ndim <= dim < max(ndim, 1):
            raise IndexError(
                f"spectral_norm: dim {dim!r} is out of range for a weight of shape "
                f"{tuple(weight.shape)} (expected an int in [{-ndim}, {ndim - 1}])."
            )
        check_power_iterations(n_power_iterations)
        self.dim = dim % max(ndim, 1)
        self.eps = eps
        if ndim > 1:  # a vector is normalised exactly, with no estimate to keep
            self.n_power_iterations = n_power_iterations
            with ac.no_grad():
                mat = weight_to_matrix(weight.detach(), self.dim)
                h, w = mat.shape
                like = {"dtype": weight.dtype, "device": weight.device}
                self.register_buffer("_u", normalize(ac.randn(h, **like), dim=0, eps=eps))
                self.register_buffer("_v", normalize(ac.randn(w, **like), dim=0, eps=eps))
                self._power_method(mat, 15)  # start from reasonable estimates, as PyTorch

    def _power_method(self, mat: Tensor, n: int) -> None:
        # σ = uᵀ W v for the leading singular vectors u, v; each step refines both estimates
        mat = mat.detach()
        for _ in range(n):
            power_step(self._u, mat, self._v, self.eps)
            power_step(self._v, mat.mT, self._u, self.eps)

    def forward(self, weight: Tensor) -> Tensor:
        if weight.ndim == 1:
            return normalize(weight, dim=0, eps=self.eps)
        mat = weight_to_matrix(weight, self.dim)
        if self.training:
            self._power_method(mat, self.n_power_iterations)
        return divided_by_sigma(weight, mat, self._u, self._v)

    def right_inverse(self, value: Tensor) -> Tensor:
        return value


def spectral_norm(
    module: Module,
    name: str = "weight",
    n_power_iterations: int = 1,
    eps: float = 1e-12,
    dim: int | None = None,
) -> Module:
    r"""Reparametrise ``module.<name>`` as W / σ(W), σ the largest singular value (Miyato et al.
    2018, https://arxiv.org/abs/1802.05957), as ``torch.nn.utils.parametrizations.spectral_norm``.

    W is viewed as a matrix of shape (W.shape[dim], −1). σ ≈ uᵀ W v, with u, v the buffers
    ``module.parametrizations.<name>[0]._u`` / ``._v`` (random, then 15 power iterations at
    registration). In training mode every access runs ``n_power_iterations`` steps
    u ← normalize(W v), v ← normalize(Wᵀ u), updating the buffers, before computing σ; in eval
    mode the stored u, v are used unchanged. Gradients flow through W in uᵀ W v, not through
    u, v. A 1-D weight is divided by its exact 2-norm. The original stays the same Parameter.

    .. math:: W_{SN} = \frac{W}{\sigma(W)}, \quad \sigma(W) \approx u^\top W v

    Args:
        module: the module holding the weight.
        name: the name of the weight.
        n_power_iterations: power-iteration steps per training-mode access (≥ 1).
        eps: the floor of the norms in ``normalize``.
        dim: the axis of the matrix rows; None: 1 for ConvTranspose layers, else 0.

    Returns:
        ``module``.

    Raises:
        ValueError: no tensor ``name``, or ``n_power_iterations`` < 1. IndexError: bad ``dim``.

    Example:
        >>> import autograd_core as ac, nn
        >>> m = nn.Linear(2, 2, bias=False)
        >>> m.weight = nn.Parameter(ac.tensor([[3.0, 0.0], [0.0, -1.5]]))
        >>> m = nn.utils.parametrizations.spectral_norm(m)
        >>> [[round(x, 4) for x in row] for row in m.weight.tolist()]
        [[1.0, 0.0], [0.0, -0.5]]
    """
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(
            f"spectral_norm: {type(module).__name__} has no parameter or buffer named {name!r}."
        )
    if dim is None:
        transposed = (ConvTranspose1d, ConvTranspose2d, ConvTranspose3d)
        dim = 1 if isinstance(module, transposed) else 0
    fn = _SpectralNorm(weight, n_power_iterations, dim, eps)
    return register_parametrization(module, name, fn)
