"""Initialisers that fill a tensor in place (a trailing ``_`` means in place), as in torch.nn.init.

Random values come from a ``Generator`` (the default one unless ``generator=`` is given),
drawn where the tensor lives: NumPy's stream for a CPU tensor, the device's own stream for a
CUDA tensor (no host copy; a seed then gives reproducible weights on each device, but not the
same weights on the CPU and on a GPU, as in PyTorch). A model built on the CPU and moved with
``.to("cuda")`` keeps its CPU weights. Fans follow PyTorch: for a weight of shape
(out, in, *kernel), ``fan_in = in · ∏kernel`` and ``fan_out = out · ∏kernel``.
"""

from __future__ import annotations

import math
from typing import Any

from autograd_core.device import CPU, on_device, to_device
from autograd_core.ops.special import erfc_array
from autograd_core.random import Generator, device_rng, rng_of
from autograd_core.tensor import Tensor
from autograd_core.version import mark_written

__all__ = [
    "calculate_gain",
    "zeros_",
    "ones_",
    "constant_",
    "normal_",
    "trunc_normal_",
    "uniform_",
    "xavier_uniform_",
    "xavier_normal_",
    "kaiming_uniform_",
    "kaiming_normal_",
    "orthogonal_",
    "lecun_uniform_",
    "lecun_normal_",
    "eye_",
]


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended gain g for a nonlinearity, so that activations keep their scale.

    linear/sigmoid/identity: 1; tanh: 5/3; relu: √2; leaky_relu(a): √(2 / (1 + a²)) with
    a = 0.01 by default; selu: 3/4.

    Example:
        >>> import nn
        >>> round(nn.init.calculate_gain("relu"), 4), round(nn.init.calculate_gain("tanh"), 4)
        (1.4142, 1.6667)
    """
    linear = {
        "linear",
        "identity",
        "sigmoid",
        "conv1d",
        "conv2d",
        "conv3d",
        "conv_transpose1d",
        "conv_transpose2d",
        "conv_transpose3d",
    }
    if nonlinearity in linear:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3.0
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        a = 0.01 if param is None else float(param)
        return math.sqrt(2.0 / (1.0 + a * a))
    if nonlinearity == "selu":
        return 3.0 / 4.0
    raise ValueError(
        f"calculate_gain: unsupported nonlinearity {nonlinearity!r}; use one of linear, "
        "sigmoid, tanh, relu, leaky_relu, selu."
    )


def _fans(t: Tensor) -> tuple[int, int]:
    if t.ndim < 2:
        raise ValueError(
            f"init: fan in and fan out need a tensor with at least 2 dimensions, got shape "
            f"{tuple(t.shape)}. Biases are usually initialised with zeros_ or uniform_."
        )
    receptive = math.prod(t.shape[2:]) if t.ndim > 2 else 1
    return t.shape[1] * receptive, t.shape[0] * receptive


def _fill(t: Tensor, host: Any) -> Tensor:
    t.data[...] = to_device(host.astype(t.dtype, copy=False), t.device)
    mark_written(t.data)
    return t


def _draw(t: Tensor, generator: Generator | None, kind: str, a: float, b: float) -> Tensor:
    """Fill ``t`` with U(a, b) (``kind="uniform"``) or N(a, b²) draws made on its device."""
    if t.device.type == "cpu":
        rng = rng_of(generator)
        host = rng.uniform(a, b, t.shape) if kind == "uniform" else rng.normal(a, b, t.shape)
        return _fill(t, host)
    with on_device(t.device):
        g = device_rng(generator, t.device)  # CuPy's Generator: uniform, standard_normal
        draw = g.uniform(a, b, t.shape) if kind == "uniform" else g.standard_normal(t.shape) * b + a
        t.data[...] = draw.astype(t.dtype, copy=False)
    mark_written(t.data)
    return t


def _host_xp() -> Any:
    return CPU.xp


def zeros_(tensor: Tensor) -> Tensor:
    """Fill with 0."""
    tensor.data[...] = 0
    mark_written(tensor.data)
    return tensor


def ones_(tensor: Tensor) -> Tensor:
    """Fill with 1."""
    tensor.data[...] = 1
    mark_written(tensor.data)
    return tensor


def constant_(tensor: Tensor, val: float) -> Tensor:
    """Fill with ``val``."""
    tensor.data[...] = val
    mark_written(tensor.data)
    return tensor


def eye_(tensor: Tensor) -> Tensor:
    """Fill a 2-D tensor with the identity matrix (ones on the diagonal)."""
    if tensor.ndim != 2:
        raise ValueError(f"eye_: needs a 2-D tensor, got shape {tuple(tensor.shape)}.")
    return _fill(tensor, _host_xp().eye(*tensor.shape))


def uniform_(
    tensor: Tensor, a: float = 0.0, b: float = 1.0, generator: Generator | None = None
) -> Tensor:
    """Fill with draws from U(a, b)."""
    return _draw(tensor, generator, "uniform", a, b)


def normal_(
    tensor: Tensor, mean: float = 0.0, std: float = 1.0, generator: Generator | None = None
) -> Tensor:
    """Fill with draws from N(mean, std²)."""
    return _draw(tensor, generator, "normal", mean, std)


def trunc_normal_(
    tensor: Tensor,
    mean: float = 0.0,
    std: float = 1.0,
    a: float = -2.0,
    b: float = 2.0,
    generator: Generator | None = None,
) -> Tensor:
    r"""Fill with draws from N(mean, std²) truncated to [a, b], as ``nn.init.trunc_normal_``
    (a and b are absolute bounds, not multiples of std).

    Exact at any truncation: normal draws outside [a, b] are redrawn while at least 10% of the
    mass lies inside; otherwise every value is drawn by the inverse CDF,
    z = Φ⁻¹(Φ(α) + u·(Φ(β) − Φ(α))) with α, β the bounds in std units, solved by bisection (in
    the lower tail, where Φ keeps its precision). Drawn on the host, like ``orthogonal_``.

    Example:
        >>> import autograd_core as ac, nn
        >>> w = nn.init.trunc_normal_(ac.empty(1000), std=0.02, a=-0.04, b=0.04)
        >>> bool((w.abs() <= 0.04).all())
        True
    """
    if not std > 0:
        raise ValueError(f"trunc_normal_: std must be > 0, got {std!r}.")
    if not a < b:
        raise ValueError(f"trunc_normal_: needs a < b, got a={a!r}, b={b!r}.")
    alpha, beta = (a - mean) / std, (b - mean) / std
    flip = alpha > -beta  # work in the lower tail (mirror the interval when it lies to the right)
    lo, hi = (-beta, -alpha) if flip else (alpha, beta)
    z = _truncated_standard_normal(rng_of(generator), tensor.numel(), lo, hi)
    z = -z if flip else z
    return _fill(tensor, _host_xp().clip(mean + std * z, a, b).reshape(tensor.shape))


def _phi(xp: Any, z: Any) -> Any:
    """The standard normal CDF Φ(z) = erfc(−z/√2)/2 (accurate where it is tiny)."""
    return 0.5 * erfc_array(xp, -xp.asarray(z, dtype=xp.float64) / math.sqrt(2.0))


def _truncated_standard_normal(rng: Any, n: int, lo: float, hi: float) -> Any:
    """n draws of N(0, 1) conditioned on [lo, hi], with lo <= -hi (the lower tail)."""
    xp = _host_xp()
    p_lo, p_hi = float(_phi(xp, lo)), float(_phi(xp, hi))
    if not p_hi > 0:
        raise ValueError(
            f"trunc_normal_: [a, b] lies {-hi:.1f} std or more from the mean, where the normal "
            "mass underflows float64; no value can be drawn there. Bring the mean or the bounds "
            "closer, or use uniform_."
        )
    out = xp.empty(n)
    if p_hi - p_lo >= 0.1:  # rejection: redraw the values that fall outside
        todo = xp.arange(n)
        while todo.size:
            z = rng.standard_normal(todo.size)
            inside = (z >= lo) & (z <= hi)
            out[todo[inside]] = z[inside]
            todo = todo[~inside]
        return out
    target = p_lo + rng.random(n) * (p_hi - p_lo)
    left, right = xp.full(n, lo), xp.full(n, hi)
    for _ in range(64):  # bisection of Φ(z) = target; each step halves [left, right]
        mid = 0.5 * (left + right)
        below = _phi(xp, mid) < target
        left, right = xp.where(below, mid, left), xp.where(below, right, mid)
    return 0.5 * (left + right)


def xavier_uniform_(
    tensor: Tensor, gain: float = 1.0, generator: Generator | None = None
) -> Tensor:
    """Glorot/Xavier uniform: U(−a, a) with a = g · √(6 / (fan_in + fan_out)), so the variance
    is g² · 2 / (fan_in + fan_out).

    Glorot & Bengio, "Understanding the difficulty of training deep feedforward neural
    networks", AISTATS 2010.
    """
    fan_in, fan_out = _fans(tensor)
    a = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(tensor, -a, a, generator)


def xavier_normal_(tensor: Tensor, gain: float = 1.0, generator: Generator | None = None) -> Tensor:
    """Glorot/Xavier normal: N(0, σ²) with σ = g · √(2 / (fan_in + fan_out)) (Glorot & Bengio
    2010)."""
    fan_in, fan_out = _fans(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), generator)


def _kaiming_std(tensor: Tensor, a: float, mode: str, nonlinearity: str) -> float:
    fan_in, fan_out = _fans(tensor)
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"kaiming: mode must be 'fan_in' or 'fan_out', got {mode!r}.")
    fan = fan_in if mode == "fan_in" else fan_out
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def kaiming_uniform_(
    tensor: Tensor,
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator: Generator | None = None,
) -> Tensor:
    """He/Kaiming uniform: U(−b, b) with b = g · √(3 / fan), g = ``calculate_gain(nonlinearity,
    a)`` (√2 for relu), fan = fan_in (keeps forward variance) or fan_out (backward).

    He et al., "Delving Deep into Rectifiers", ICCV 2015.
    """
    bound = math.sqrt(3.0) * _kaiming_std(tensor, a, mode, nonlinearity)
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(
    tensor: Tensor,
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator: Generator | None = None,
) -> Tensor:
    """He/Kaiming normal: N(0, σ²) with σ = g / √fan (He et al. 2015)."""
    return normal_(tensor, 0.0, _kaiming_std(tensor, a, mode, nonlinearity), generator)


def lecun_uniform_(tensor: Tensor, generator: Generator | None = None) -> Tensor:
    """LeCun uniform: U(−b, b) with b = √(3 / fan_in), variance 1/fan_in (LeCun et al.,
    "Efficient BackProp", 1998; the SELU initialisation)."""
    fan_in, _ = _fans(tensor)
    bound = math.sqrt(3.0 / fan_in)
    return uniform_(tensor, -bound, bound, generator)


def lecun_normal_(tensor: Tensor, generator: Generator | None = None) -> Tensor:
    """LeCun normal: N(0, 1/fan_in) (LeCun et al. 1998)."""
    fan_in, _ = _fans(tensor)
    return normal_(tensor, 0.0, 1.0 / math.sqrt(fan_in), generator)


def orthogonal_(tensor: Tensor, gain: float = 1.0, generator: Generator | None = None) -> Tensor:
    """A (semi-)orthogonal matrix times ``gain``: the Q of the QR decomposition of a standard
    normal matrix, with signs fixed by diag(R) so the result is uniformly (Haar) distributed.
    Tensors of more than 2 dimensions are flattened to (shape[0], rest).

    Saxe et al., "Exact solutions to the nonlinear dynamics of learning in deep linear neural
    networks", ICLR 2014.
    """
    if tensor.ndim < 2:
        raise ValueError(
            f"orthogonal_: needs at least 2 dimensions, got shape {tuple(tensor.shape)}."
        )
    rows = tensor.shape[0]
    cols = tensor.numel() // rows if rows else 0
    xp = _host_xp()
    flat = rng_of(generator).standard_normal((rows, cols))
    if rows < cols:
        flat = flat.T
    q, r = xp.linalg.qr(flat)
    q = q * xp.sign(xp.diag(r))
    if rows < cols:
        q = q.T
    return _fill(tensor, (gain * q).reshape(tensor.shape))
