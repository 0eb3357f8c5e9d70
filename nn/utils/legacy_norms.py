"""The hooks-based weight and spectral normalisation of older PyTorch scripts:
``nn.utils.weight_norm`` / ``remove_weight_norm`` and ``nn.utils.spectral_norm`` /
``remove_spectral_norm``, with PyTorch's parameter names (``weight_g``, ``weight_v``;
``weight_orig``, ``weight_u``, ``weight_v``).

Each registers a forward pre-hook that recomputes ``module.weight`` (a plain, non-leaf
attribute) from the stored tensors before every forward. New code should prefer
``nn.utils.parametrizations``, which recomputes the weight on every access instead.
"""

from __future__ import annotations

import warnings
from typing import Any

import autograd_core as ac
from autograd_core.tensor import Tensor
from nn.conv import ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
from nn.functional_distance import normalize
from nn.module import Module, Parameter
from nn.utils.norm_helpers import (
    check_norm_dim,
    check_power_iterations,
    divided_by_sigma,
    norm_except_dim,
    power_step,
    weight_norm_weight,
    weight_to_matrix,
)

__all__ = [
    "WeightNorm",
    "weight_norm",
    "remove_weight_norm",
    "SpectralNorm",
    "spectral_norm",
    "remove_spectral_norm",
]


def _parameter(where: str, module: Module, name: str) -> Parameter:
    weight = module._parameters.get(name)
    if weight is None:
        raise ValueError(
            f"{where}: {type(module).__name__} has no parameter named {name!r}. Its "
            f"parameters: {[k for k, p in module._parameters.items() if p is not None]}."
        )
    return weight


def _refuse_twice(where: str, module: Module, kind: type, name: str) -> None:
    for hook in module._forward_pre_hooks:
        if isinstance(hook, kind) and hook.name == name:
            raise RuntimeError(
                f"{where}: cannot register two {where} hooks on the same parameter {name!r} of "
                f"{type(module).__name__}. Call remove_{where}(module, {name!r}) first."
            )


def _find_hook(where: str, module: Module, kind: type, name: str) -> Any:
    for hook in module._forward_pre_hooks:
        if isinstance(hook, kind) and hook.name == name:
            return hook
    raise ValueError(f"remove_{where}: {where} of {name!r} not found in {type(module).__name__}.")


class WeightNorm:
    """The forward pre-hook of :func:`weight_norm`: sets ``module.<name>`` = g · v / ‖v‖ from
    the parameters ``<name>_g`` and ``<name>_v``."""

    def __init__(self, name: str, dim: int) -> None:
        self.name = name
        self.dim = dim

    def compute_weight(self, module: Module) -> Tensor:
        """g · v / ‖v‖ from the module's current ``<name>_g`` and ``<name>_v``."""
        g = getattr(module, self.name + "_g")
        v = getattr(module, self.name + "_v")
        return weight_norm_weight(v, g, self.dim)

    def remove(self, module: Module) -> None:
        """Put back a plain Parameter ``<name>`` holding the current weight."""
        weight = self.compute_weight(module)
        delattr(module, self.name)
        del module._parameters[self.name + "_g"]
        del module._parameters[self.name + "_v"]
        setattr(module, self.name, Parameter(weight.detach()))

    def __call__(self, module: Module, inputs: Any) -> None:
        setattr(module, self.name, self.compute_weight(module))


def weight_norm(module: Module, name: str = "weight", dim: int | None = 0) -> Module:
    r"""Weight normalisation through a forward pre-hook (``torch.nn.utils.weight_norm``,
    deprecated there in favour of ``nn.utils.parametrizations.weight_norm``, which this
    warns about as PyTorch does).

    The parameter ``<name>`` is replaced by ``<name>_g`` = ‖w‖ (norm over every axis except
    ``dim``; None or -1: the whole tensor) and ``<name>_v`` = w, and before every forward
    ``module.<name>`` = g · v / ‖v‖ is recomputed as a plain attribute.

    Raises:
        ValueError: no parameter ``name``. RuntimeError: already weight-normalised.
        IndexError: ``dim`` out of range.

    Example:
        >>> import warnings, nn
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore", FutureWarning)
        ...     m = nn.utils.weight_norm(nn.Linear(3, 4))
        >>> list(m.state_dict())
        ['bias', 'weight_g', 'weight_v']
    """
    warnings.warn(
        "nn.utils.weight_norm is deprecated in favor of nn.utils.parametrizations.weight_norm.",
        FutureWarning,
        stacklevel=2,
    )
    _refuse_twice("weight_norm", module, WeightNorm, name)
    weight = _parameter("weight_norm", module, name)
    fn = WeightNorm(name, check_norm_dim("weight_norm", weight, dim))
    del module._parameters[name]
    with ac.no_grad():
        g = norm_except_dim(weight, 2, fn.dim)
    module.register_parameter(name + "_g", Parameter(g))
    module.register_parameter(name + "_v", Parameter(weight.detach()))
    setattr(module, name, fn.compute_weight(module))
    module.register_forward_pre_hook(fn)
    return module


def remove_weight_norm(module: Module, name: str = "weight") -> Module:
    """Undo :func:`weight_norm`: ``<name>`` becomes a plain Parameter again, holding the
    current g · v / ‖v‖ (``torch.nn.utils.remove_weight_norm``).

    Raises:
        ValueError: ``name`` is not weight-normalised.
    """
    hook = _find_hook("weight_norm", module, WeightNorm, name)
    hook.remove(module)
    module._forward_pre_hooks.remove(hook)
    return module


class SpectralNorm:
    """The forward pre-hook of :func:`spectral_norm`: sets ``module.<name>`` = W / σ from
    ``<name>_orig`` and the buffers ``<name>_u``, ``<name>_v``."""

    def __init__(self, name: str, n_power_iterations: int, dim: int, eps: float) -> None:
        check_power_iterations(n_power_iterations)
        self.name = name
        self.n_power_iterations = n_power_iterations
        self.dim = dim
        self.eps = eps

    def compute_weight(self, module: Module, do_power_iteration: bool) -> Tensor:
        """W / (uᵀ W v), after ``n_power_iterations`` in-place updates of the buffers
        v ← normalize(Wᵀ u), u ← normalize(W v) when ``do_power_iteration``."""
        weight = getattr(module, self.name + "_orig")
        u = getattr(module, self.name + "_u")
        v = getattr(module, self.name + "_v")
        mat = weight_to_matrix(weight, self.dim)
        if do_power_iteration:
            detached = mat.detach()
            for _ in range(self.n_power_iterations):
                power_step(v, detached.mT, u, self.eps)
                power_step(u, detached, v, self.eps)
        return divided_by_sigma(weight, mat, u, v)

    def remove(self, module: Module) -> None:
        """Put back a plain Parameter ``<name>`` holding W / σ with the stored u, v."""
        with ac.no_grad():
            weight = self.compute_weight(module, do_power_iteration=False)
        delattr(module, self.name)
        delattr(module, self.name + "_u")
        delattr(module, self.name + "_v")
        delattr(module, self.name + "_orig")
        module.register_parameter(self.name, Parameter(weight.detach()))

    def __call__(self, module: Module, inputs: Any) -> None:
        setattr(module, self.name, self.compute_weight(module, module.training))


def spectral_norm(
    module: Module,
    name: str = "weight",
    n_power_iterations: int = 1,
    eps: float = 1e-12,
    dim: int | None = None,
) -> Module:
    r"""Spectral normalisation through a forward pre-hook (``torch.nn.utils.spectral_norm``).

    The parameter ``<name>`` moves to ``<name>_orig`` (the same Parameter object) and the
    buffers ``<name>_u`` (W.shape[dim]) and ``<name>_v`` (the rest flattened) hold random unit
    vectors. Before every forward ``module.<name>`` = W / (uᵀ W v) is recomputed, after
    ``n_power_iterations`` steps v ← normalize(Wᵀ u), u ← normalize(W v) in training mode only.
    Until the first forward, ``module.<name>`` is the raw weight (detached), as PyTorch.

    Args:
        dim: the axis of the matrix rows; None: 1 for ConvTranspose layers, else 0.

    Raises:
        ValueError: no parameter ``name``, or ``n_power_iterations`` < 1.
        RuntimeError: already spectrally normalised. IndexError: ``dim`` out of range.

    Example:
        >>> import nn
        >>> list(nn.utils.spectral_norm(nn.Linear(3, 4)).state_dict())
        ['bias', 'weight_orig', 'weight_u', 'weight_v']
    """
    _refuse_twice("spectral_norm", module, SpectralNorm, name)
    weight = _parameter("spectral_norm", module, name)
    if dim is None:
        transposed = (ConvTranspose1d, ConvTranspose2d, ConvTranspose3d)
        dim = 1 if isinstance(module, transposed) else 0
    if isinstance(dim, bool) or not isinstance(dim, int) or not -weight.ndim <= dim < weight.ndim:
        raise IndexError(
            f"spectral_norm: dim {dim!r} is out of range for a weight of shape "
            f"{tuple(weight.shape)} (expected an int in [{-weight.ndim}, {weight.ndim - 1}])."
        )
    fn = SpectralNorm(name, n_power_iterations, dim % weight.ndim, eps)
    with ac.no_grad():
        h, w = weight_to_matrix(weight.detach(), fn.dim).shape
        like = {"dtype": weight.dtype, "device": weight.device}
        u = normalize(ac.randn(h, **like), dim=0, eps=eps)
        v = normalize(ac.randn(w, **like), dim=0, eps=eps)
    delattr(module, name)
    module.register_parameter(name + "_orig", weight)
    setattr(module, name, weight.detach())
    module.register_buffer(name + "_u", u)
    module.register_buffer(name + "_v", v)
    module.register_forward_pre_hook(fn)
    return module


def remove_spectral_norm(module: Module, name: str = "weight") -> Module:
    """Undo :func:`spectral_norm`: ``<name>`` becomes a plain Parameter holding W / σ computed
    with the stored u, v (``torch.nn.utils.remove_spectral_norm``).

    Raises:
        ValueError: ``name`` is not spectrally normalised.
    """
    hook = _find_hook("spectral_norm", module, SpectralNorm, name)
    hook.remove(module)
    module._forward_pre_hooks.remove(hook)
    return module
