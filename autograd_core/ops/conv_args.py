"""Argument checking of the convolution functions: PyTorch's forms of stride, padding,
dilation and groups turned into per-axis tuples, and the errors a user meets when they do not
fit the input."""

from __future__ import annotations

import numbers
from typing import Any

from autograd_core.errors import DTypeError, ShapeError
from autograd_core.tensor import Tensor

__all__ = ["per_axis", "check_operands", "conv_pads", "transpose_pads", "check_output"]


def per_axis(op: str, name: str, value: Any, nd: int, minimum: int) -> tuple[int, ...]:
    """``value`` (an int or a sequence of ``nd`` ints, each ≥ ``minimum``) as an nd-tuple."""
    items = (value,) * nd if isinstance(value, numbers.Integral) else value
    try:
        items = tuple(items)
    except TypeError:
        items = ()
    if len(items) != nd or not all(
        isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in items
    ):
        raise ShapeError(
            f"{op}: {name} must be an int or a tuple of {nd} ints; got {value!r}. "
            f"Pass e.g. {name}=1 or {name}={(1,) * nd}."
        )
    if any(v < minimum for v in items):
        raise ShapeError(
            f"{op}: {name} must be >= {minimum} on every axis; got {value!r}. "
            f"Pass {name} values of at least {minimum}."
        )
    return tuple(int(v) for v in items)


def check_operands(
    op: str, x: Tensor, weight: Tensor, bias: Tensor | None, nd: int, groups: int, transposed: bool
) -> None:
    """Ranks, channel counts, groups and dtypes of a convolution's operands."""
    if weight.ndim != nd + 2:
        axes = (
            "in_channels, out_channels/groups" if transposed else "out_channels, in_channels/groups"
        )
        raise ShapeError(
            f"{op}: weight must have {nd + 2} dimensions ({axes}, kernel…); got shape "
            f"{tuple(weight.shape)}. Pass a {nd + 2}-D weight."
        )
    if x.ndim != nd + 2:
        raise ShapeError(
            f"{op}: input must have {nd + 2} dimensions (batch, channels, {nd} spatial) or "
            f"{nd + 1} (unbatched); got shape {tuple(x.shape)}. Reshape the input "
            "(x.unsqueeze(0) adds a batch axis)."
        )
    if isinstance(groups, bool) or not isinstance(groups, numbers.Integral) or groups < 1:
        raise ShapeError(f"{op}: groups must be a positive int; got {groups!r}. Pass groups=1.")
    c_in = x.shape[1]
    if transposed:
        expected_in, per_group_out = weight.shape[0], weight.shape[1]
        if c_in != expected_in or c_in % groups:
            raise ShapeError(
                f"{op}: input of shape {tuple(x.shape)} has {c_in} channels but weight of "
                f"shape {tuple(weight.shape)} expects in_channels={expected_in} (weight.shape[0]"
                f"), divisible by groups={groups}. Check the layer's in_channels."
            )
        c_out = per_group_out * groups
    else:
        c_out = weight.shape[0]
        if c_in % groups or c_out % groups or weight.shape[1] != c_in // groups:
            raise ShapeError(
                f"{op}: input of shape {tuple(x.shape)} ({c_in} channels) does not fit weight of "
                f"shape {tuple(weight.shape)} with groups={groups}: need in_channels and "
                f"out_channels divisible by groups and weight.shape[1] == in_channels/groups "
                f"= {c_in / groups:g}. Check in_channels, out_channels and groups."
            )
    if bias is not None and tuple(bias.shape) != (c_out,):
        raise ShapeError(
            f"{op}: bias of shape {tuple(bias.shape)} does not fit {c_out} output channels; "
            f"expected ({c_out},). Pass a bias with one entry per output channel, or None."
        )
    dtypes = {t.dtype for t in (x, weight, bias) if t is not None}
    if len(dtypes) > 1 or next(iter(dtypes)).kind != "f":
        shown = ", ".join(str(t.dtype) for t in (x, weight, bias) if t is not None)
        raise DTypeError(
            f"{op}: input, weight and bias must share one floating dtype; got {shown}. Convert "
            "them with .float() or .double()."
        )


def conv_pads(
    op: str,
    padding: Any,
    nd: int,
    kernel: tuple[int, ...],
    stride: tuple[int, ...],
    dilation: tuple[int, ...],
) -> tuple[tuple[int, int], ...]:
    """(lo, hi) per axis from PyTorch's ``padding``: an int, a tuple, ``'valid'`` or ``'same'``
    (which pads d·(k−1) in all, the odd element after, as PyTorch does)."""
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * nd
        if padding == "same":
            if any(s != 1 for s in stride):
                raise ShapeError(
                    f"{op}: padding='same' needs stride 1; got stride={stride}. Pass an explicit "
                    "padding for a strided convolution."
                )
            total = [d * (k - 1) for k, d in zip(kernel, dilation)]
            return tuple((t // 2, t - t // 2) for t in total)
        raise ShapeError(
            f"{op}: padding must be an int, a tuple of {nd} ints, 'valid' or 'same'; got "
            f"{padding!r}. Pass e.g. padding=1 or padding='same'."
        )
    return tuple((p, p) for p in per_axis(op, "padding", padding, nd, 0))


def transpose_pads(
    op: str,
    padding: Any,
    output_padding: Any,
    nd: int,
    stride: tuple[int, ...],
    dilation: tuple[int, ...],
) -> tuple[tuple[int, int], ...]:
    """(lo, hi) = (padding, padding − output_padding) per axis of a transposed convolution:
    output_padding adds elements at the end (negative hi), as PyTorch does."""
    pad = per_axis(op, "padding", padding, nd, 0)
    extra = per_axis(op, "output_padding", output_padding, nd, 0)
    for e, s, d in zip(extra, stride, dilation):
        if e >= max(s, d):
            raise ShapeError(
                f"{op}: output_padding must be smaller than stride or dilation; got "
                f"output_padding={extra}, stride={stride}, dilation={dilation}. Lower "
                "output_padding (it only picks among the output sizes a stride allows)."
            )
    return tuple((p, p - e) for p, e in zip(pad, extra))


def check_output(
    op: str,
    shape: tuple[int, ...],
    kernel: tuple[int, ...],
    stride: tuple[int, ...],
    pads: tuple[tuple[int, int], ...],
    dilation: tuple[int, ...],
    out: tuple[int, ...],
    transposed: bool = False,
) -> None:
    """Refuse a non-positive output size, naming everything that made it."""
    bad = [i for i, o in enumerate(out) if o < 1]
    if not bad:
        return
    i = bad[0]
    padding = tuple(lo for lo, _ in pads)
    fix = (
        "Pass a smaller padding, or a larger input"
        if transposed
        else "Pass a larger padding, a smaller kernel_size or dilation, or a larger input"
    )
    raise ShapeError(
        f"{op}: the output would have spatial size {out} (axis {i} is {out[i]}) for input "
        f"shape {shape}, kernel {kernel}, stride {stride}, padding {padding}, dilation "
        f"{dilation}. {fix} (input length + 2·padding must be at least "
        "dilation·(kernel − 1) + 1)."
        if not transposed
        else f"{op}: the output would have spatial size {out} (axis {i} is {out[i]}) for input "
        f"shape {shape}, kernel {kernel}, stride {stride}, padding {padding}, dilation "
        f"{dilation}. {fix}."
    )
