"""A model's parameters as one flat vector and back (``parameters_to_vector`` /
``vector_to_parameters``), as torch.nn.utils."""

from __future__ import annotations

from collections.abc import Iterable

import autograd_core as ac
from autograd_core.errors import DeviceError, ShapeError
from autograd_core.tensor import Tensor

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def _same_device(name: str, params: list[Tensor]) -> None:
    devices = {str(p.device) for p in params}
    if len(devices) > 1:
        raise DeviceError(
            f"{name}: the parameters are on different devices ({sorted(devices)}); move the "
            "model to one device first (model.to(device))."
        )


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    """All parameters flattened (row-major) and concatenated into one 1-D tensor, in the
    order given: ``cat([p.reshape(-1) for p in parameters])``. Differentiable (the gradient
    flows back to each parameter).

    Example:
        >>> import autograd_core as ac, nn
        >>> nn.utils.parameters_to_vector([ac.ones(2, 2), ac.zeros(1)])
        tensor([1., 1., 1., 1., 0.])
    """
    params = list(parameters)
    _same_device("parameters_to_vector", params)
    return ac.cat([p.reshape(-1) for p in params])


def vector_to_parameters(vec: Tensor, parameters: Iterable[Tensor]) -> None:
    """Point each parameter's data at its slice of the 1-D ``vec`` (the inverse of
    ``parameters_to_vector``), as torch.nn.utils: ``p.data = vec[k:k + p.numel()].view_as(p)``.

    As in PyTorch, the parameters then share memory with ``vec`` and take its dtype, and no
    gradient is recorded.

    Raises:
        TypeError: ``vec`` not a Tensor.
        ShapeError: ``vec`` not 1-D, or its length not the total number of entries.

    Example:
        >>> import autograd_core as ac, nn
        >>> w = ac.zeros(2, 2)
        >>> nn.utils.vector_to_parameters(ac.arange(4.0), [w])
        >>> w
        tensor([[0., 1.],
                [2., 3.]])
    """
    if not isinstance(vec, Tensor):
        raise TypeError(f"vector_to_parameters: vec must be a Tensor, got {type(vec).__name__}.")
    params = list(parameters)
    _same_device("vector_to_parameters", [vec, *params])
    total = sum(p.numel() for p in params)
    if vec.ndim != 1 or vec.numel() != total:
        raise ShapeError(
            f"vector_to_parameters: vec has shape {tuple(vec.shape)} but the parameters hold "
            f"{total} entries; pass a 1-D vec of length {total} (from parameters_to_vector)."
        )
    start = 0
    for p in params:
        n = p.numel()
        p.data = vec.data[start : start + n].reshape(p.shape)
        start += n
