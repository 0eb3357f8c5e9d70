r"""Normalisation and channel dropout in ``nn.functional``: ``layer_norm``, ``batch_norm`` (any
rank), ``group_norm``, ``instance_norm`` and ``dropout1d/2d/3d``.

Each normalisation computes (x − μ) / √(σ² + ε) · γ + β with the biased variance σ² over a
different set of entries: the last axes of one sample (layer norm), one channel over the batch
(batch norm), a group of channels of one sample (group norm, Wu & He, 2018,
https://arxiv.org/abs/1803.08494), one channel of one sample (instance norm, Ulyanov et al.,
2016, https://arxiv.org/abs/1607.08022). They are composed from recorded ops, so second
derivatives work.
"""

from __future__ import annotations

import autograd_core as ac
from autograd_core.errors import ShapeError
from autograd_core.inplace import apply_in_place
from autograd_core.random import Generator, rng_of
from autograd_core.tensor import Tensor

__all__ = [
    "layer_norm",
    "batch_norm",
    "group_norm",
    "instance_norm",
    "dropout1d",
    "dropout2d",
    "dropout3d",
]


def _check_momentum(op: str, momentum: object) -> None:
    """F.batch_norm / F.instance_norm take a number (PyTorch raises a TypeError for None: the
    modules turn ``momentum=None`` into a number before calling them)."""
    if momentum is None:
        raise TypeError(
            f"{op}: momentum must be a number, got None. The modules' momentum=None "
            "(cumulative average) is turned into 1/num_batches_tracked by BatchNorm; pass "
            "that factor here."
        )


def _channel_shape(x: Tensor) -> tuple[int, ...]:
    """(1, C, 1, …): a per-channel vector broadcast against an (N, C, *) input."""
    return (1, x.shape[1]) + (1,) * (x.ndim - 2)


def group_norm(
    input: Tensor,
    num_groups: int,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """Normalise each group of C/G channels of each sample of an (N, C, *) input over the
    group's channels and spatial positions, then scale and shift per channel, as
    ``F.group_norm``.

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> y = F.group_norm(ac.arange(8.0).reshape(1, 4, 2), 2)
        >>> [round(v, 4) for v in y[0, :2].reshape(-1).tolist()]
        [-1.3416, -0.4472, 0.4472, 1.3416]
    """
    if input.ndim < 2 or num_groups < 1 or input.shape[1] % num_groups:
        raise ShapeError(
            f"group_norm: {num_groups!r} groups do not divide the channels of an input of shape "
            f"{tuple(input.shape)} (expected (N, C, *) with C a multiple of num_groups). Pick "
            "num_groups among the divisors of C."
        )
    n = input.shape[0]
    grouped = (
        input.reshape((n, num_groups, -1)) if input.numel() else input.reshape((n, num_groups, 0))
    )
    mu = grouped.mean(axis=2, keepdims=True)
    centered = grouped - mu
    var = (centered * centered).mean(axis=2, keepdims=True)
    y = (centered * (var + eps) ** -0.5).reshape(input.shape)
    if weight is not None:
        y = y * weight.reshape(_channel_shape(input))
    if bias is not None:
        y = y + bias.reshape(_channel_shape(input))
    return y


def instance_norm(
    input: Tensor,
    running_mean: Tensor | None = None,
    running_var: Tensor | None = None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    use_input_stats: bool = True,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """Normalise each channel of each sample of an (N, C, *spatial) input over its spatial
    positions, as ``F.instance_norm``.

    With ``use_input_stats`` (the default) the per-instance statistics are used and, if
    running statistics are given, they move towards the batch average of the per-instance mean
    and unbiased variance (``r ← (1 − momentum) r + momentum · stat``, PyTorch's rule);
    otherwise the running statistics normalise.

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> F.instance_norm(ac.tensor([[[1.0, 3.0]]]), eps=0.0)
        tensor([[[-1.,  1.]]])
    """
    _check_momentum("instance_norm", momentum)
    if input.ndim < 3:
        raise ShapeError(
            f"instance_norm: expected an (N, C, *spatial) input, got shape {tuple(input.shape)}. "
            "Add a batch axis (x.unsqueeze(0)) for one sample."
        )
    axes = tuple(range(2, input.ndim))
    if use_input_stats:
        count = input.numel() // max(input.shape[0] * input.shape[1], 1)
        if count <= 1:
            raise ValueError(
                f"instance_norm: expected more than 1 spatial element per channel, got input "
                f"shape {tuple(input.shape)}. Use a larger input or batch_norm."
            )
        mu = input.mean(axis=axes, keepdims=True)
        centered = input - mu
        var = (centered * centered).mean(axis=axes, keepdims=True)
        if running_mean is not None and running_var is not None:
            flat_mu = mu.data.reshape(input.shape[:2]).mean(axis=0)
            flat_var = var.data.reshape(input.shape[:2]).mean(axis=0) * (count / (count - 1))
            running_mean.data[...] = (1 - momentum) * running_mean.data + momentum * flat_mu
            running_var.data[...] = (1 - momentum) * running_var.data + momentum * flat_var
    else:
        if running_mean is None or running_var is None:
            raise ValueError(
                "instance_norm: use_input_stats=False needs running_mean and running_var. "
                "Pass them, or use the input statistics."
            )
        mu = ac.as_tensor(running_mean.data.reshape(_channel_shape(input)))
        var = ac.as_tensor(running_var.data.reshape(_channel_shape(input)))
        centered = input - mu
    y = centered * (var + eps) ** -0.5
    if weight is not None:
        y = y * weight.reshape(_channel_shape(input))
    if bias is not None:
        y = y + bias.reshape(_channel_shape(input))
    return y


def _channel_dropout(
    op: str,
    x: Tensor,
    p: float,
    training: bool,
    generator: Generator | None,
    spatial: int,
    inplace: bool = False,
) -> Tensor:
    """Zero whole channels: one Bernoulli(1 − p) draw per (sample, channel), scaled by
    1/(1 − p), broadcast over the ``spatial`` trailing axes; x itself when not training or
    p = 0, and written into x with ``inplace`` (``autograd_core.inplace.apply_in_place``)."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"{op}: probability p must be in [0, 1], got {p!r}.")
    if x.ndim not in (spatial + 1, spatial + 2):
        raise ShapeError(
            f"{op}: expected a {spatial + 1}-D (C, *) or {spatial + 2}-D (N, C, *) input, got "
            f"shape {tuple(x.shape)}. Reshape it so the channel axis comes before {spatial} "
            "spatial axes."
        )
    if not training or p == 0.0:
        return x
    if inplace:
        redraw = lambda t: _channel_dropout(op, t, p, training, generator, spatial)  # noqa: E731
        return apply_in_place(f"{op}_", x, redraw)
    if p == 1.0:
        return x * 0.0
    channels = tuple(x.shape[: x.ndim - spatial])
    keep = rng_of(generator).random(channels) >= p  # drawn on the host, like F.dropout
    mask = x.xp.asarray(keep, dtype=x.dtype) * (1.0 / (1.0 - p))
    mask = mask.astype(x.dtype, copy=False).reshape(channels + (1,) * spatial)
    return x * ac.as_tensor(mask)


def dropout1d(
    input: Tensor,
    p: float = 0.5,
    training: bool = True,
    inplace: bool = False,
    generator: Generator | None = None,
) -> Tensor:
    """Channel dropout for (N, C, L) or (C, L) inputs: each channel of each sample is zeroed
    with probability p (whole, as adjacent positions are correlated), the rest scaled by
    1/(1 − p), as ``F.dropout1d``. Identity when not training; ``inplace=True`` writes the
    result into ``input``.

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> y = F.dropout1d(ac.ones(2, 50, 3), 0.5, generator=ac.Generator(0))
        >>> bool(((y == 0).all(axis=2) | (y == 2).all(axis=2)).all().item())
        True
    """
    return _channel_dropout("dropout1d", input, p, training, generator, 1, inplace)


def dropout2d(
    input: Tensor,
    p: float = 0.5,
    training: bool = True,
    inplace: bool = False,
    generator: Generator | None = None,
) -> Tensor:
    """Channel dropout for (N, C, H, W) or (C, H, W) inputs (Tompson et al., 2015), as
    ``F.dropout2d`` (see ``dropout1d``).

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> F.dropout2d(ac.ones(1, 2, 2, 2), 0.5, training=False).sum().item()
        8.0
    """
    return _channel_dropout("dropout2d", input, p, training, generator, 2, inplace)


def dropout3d(
    input: Tensor,
    p: float = 0.5,
    training: bool = True,
    inplace: bool = False,
    generator: Generator | None = None,
) -> Tensor:
    """Channel dropout for (N, C, D, H, W) or (C, D, H, W) inputs, as ``F.dropout3d`` (see
    ``dropout1d``).

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> F.dropout3d(ac.ones(1, 2, 1, 2, 2), 1.0).sum().item()
        0.0
    """
    return _channel_dropout("dropout3d", input, p, training, generator, 3, inplace)


def layer_norm(
    input: Tensor,
    normalized_shape: tuple[int, ...],
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """(x − mean) / √(var + ε) · γ + β over the last ``len(normalized_shape)`` axes (biased
    variance, as PyTorch)."""
    (input,) = ac.amp.cast_float32(input)  # float32 under amp.autocast
    k = len(normalized_shape)
    if tuple(input.shape[input.ndim - k :]) != tuple(normalized_shape):
        raise ShapeError(
            f"layer_norm: input of shape {tuple(input.shape)} does not end with normalized_shape "
            f"{tuple(normalized_shape)}."
        )
    axes = tuple(range(input.ndim - k, input.ndim))
    mu = input.mean(axis=axes, keepdims=True)
    centered = input - mu
    var = (centered * centered).mean(axis=axes, keepdims=True)
    y = centered * (var + eps) ** -0.5
    if weight is not None:
        y = y * weight
    if bias is not None:
        y = y + bias
    return y


def batch_norm(
    input: Tensor,
    running_mean: Tensor | None,
    running_var: Tensor | None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """Batch normalisation over axis 1 of (N, C, *) inputs of any rank: (N, C), (N, C, L),
    (N, C, H, W), (N, C, D, H, W) ...

    In training the batch mean and biased variance over every axis but 1 normalise x, and the
    running statistics are updated in place: ``r ← (1 − momentum) r + momentum · stat`` with
    the unbiased variance (PyTorch's rule). In evaluation the running statistics are used.
    """
    _check_momentum("batch_norm", momentum)
    if input.ndim < 2:
        raise ShapeError(
            f"batch_norm: expected an (N, C, *) input with at least 2 axes, got shape "
            f"{tuple(input.shape)}. Add the batch axis (x.reshape(1, -1))."
        )
    axes = (0, *range(2, input.ndim))
    shape = (1, input.shape[1]) + (1,) * (input.ndim - 2)
    if training or running_mean is None:
        count = input.numel() // max(input.shape[1], 1)
        if count <= 1:
            raise ShapeError(  # a ValueError, as PyTorch raises
                f"batch_norm: expected more than 1 value per channel when training, got input "
                f"shape {tuple(input.shape)}. Use a larger batch or call model.eval()."
            )
        mu = input.mean(axis=axes, keepdims=True)
        centered = input - mu
        var = (centered * centered).mean(axis=axes, keepdims=True)
        if training and running_mean is not None:
            bm = mu.data.reshape(-1)
            bv = var.data.reshape(-1) * (count / (count - 1))
            running_mean.data[...] = (1 - momentum) * running_mean.data + momentum * bm
            running_var.data[...] = (1 - momentum) * running_var.data + momentum * bv
    else:
        mu = ac.as_tensor(running_mean.data.reshape(shape))
        var = ac.as_tensor(running_var.data.reshape(shape))
        centered = input - mu
    y = centered * (var + eps) ** -0.5
    if weight is not None:
        y = y * weight.reshape(shape)
    if bias is not None:
        y = y + bias.reshape(shape)
    return y
