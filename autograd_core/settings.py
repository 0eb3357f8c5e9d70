"""PyTorch's global switches and small predicates at top level: seeds, thread counts,
determinism, matmul precision, anomaly mode, warn-always, and ``is_nonzero``/``is_signed``/
``typename``-style questions about a tensor.

Several switches steer kernels ours does not have (PyTorch's non-deterministic CUDA kernels,
TF32 matmuls, its intra-op thread pool): ours keeps and reports the value a script sets, so the
script runs, and each docstring says what, if anything, the value changes here.
"""

from __future__ import annotations

import os
import warnings
from typing import Any

import numpy

from autograd_core.grad_mode import ANOMALY
from autograd_core.random import default_generator
from autograd_core.tensor import Tensor

__all__ = [
    "initial_seed",
    "get_num_threads",
    "set_num_threads",
    "get_num_interop_threads",
    "set_num_interop_threads",
    "use_deterministic_algorithms",
    "are_deterministic_algorithms_enabled",
    "is_deterministic_algorithms_warn_only_enabled",
    "set_deterministic_debug_mode",
    "get_deterministic_debug_mode",
    "set_float32_matmul_precision",
    "get_float32_matmul_precision",
    "is_anomaly_enabled",
    "set_anomaly_enabled",
    "is_anomaly_check_nan_enabled",
    "set_warn_always",
    "is_warn_always_enabled",
    "is_nonzero",
    "is_same_size",
    "is_signed",
    "is_complex",
    "is_inference",
    "is_storage",
    "get_device",
    "typename",
]


def _threads_from_environment() -> int:
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        value = os.environ.get(name, "")
        if value.isdigit() and int(value) > 0:
            return int(value)
    return os.cpu_count() or 1


STATE: dict[str, Any] = {
    "num_threads": _threads_from_environment(),
    "num_interop_threads": _threads_from_environment(),
    "deterministic": False,
    "deterministic_warn_only": False,
    "matmul_precision": "highest",
    "warn_always": False,
}


def initial_seed() -> int:
    """The seed of the default generator: the last ``ac.manual_seed``/``ac.seed``, else the
    OS entropy it was seeded from when autograd-core loaded (NumPy's SeedSequence entropy;
    PyTorch starts from a fixed default seed instead).

    Example:
        >>> import autograd_core as ac
        >>> _ = ac.manual_seed(5)
        >>> ac.initial_seed()
        5
    """
    seed = default_generator.initial_seed()
    if seed is None:
        return int(default_generator.rng.bit_generator.seed_seq.entropy)
    return int(seed)


def _positive(name: str, n: Any) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, numpy.integer)) or n <= 0:
        raise ValueError(f"{name} expects a positive integer, got {n!r}.")
    return int(n)


def get_num_threads() -> int:
    """The intra-op thread count last set, else the count from OMP_NUM_THREADS /
    OPENBLAS_NUM_THREADS / MKL_NUM_THREADS, else the CPU count."""
    return STATE["num_threads"]


def set_num_threads(n: int) -> None:
    """Record ``n`` as the intra-op thread count (``get_num_threads`` returns it).

    Ours runs on NumPy, whose BLAS sizes its thread pool when it loads: this does not resize
    it (threadpoolctl is not a dependency). Set OMP_NUM_THREADS before starting Python instead.

    Raises:
        ValueError: ``n`` is not a positive integer (PyTorch raises RuntimeError).
    """
    STATE["num_threads"] = _positive("set_num_threads", n)


def get_num_interop_threads() -> int:
    """The inter-op thread count last set (ours runs ops one after another)."""
    return STATE["num_interop_threads"]


def set_num_interop_threads(n: int) -> None:
    """Record ``n`` as the inter-op thread count; ours has no inter-op pool to resize."""
    STATE["num_interop_threads"] = _positive("set_num_interop_threads", n)


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """Ask for deterministic algorithms, as ``torch.use_deterministic_algorithms``.

    Every op of ours gives the same result for the same inputs on the CPU (NumPy), so none
    raises or warns under it; the flags are kept for ``are_deterministic_algorithms_enabled``
    and the debug mode.

    Raises:
        TypeError: ``mode`` is not a bool.
    """
    if not isinstance(mode, bool):
        raise TypeError(
            f"use_deterministic_algorithms: mode must be a bool, got {type(mode).__name__}."
        )
    STATE["deterministic"] = mode
    STATE["deterministic_warn_only"] = bool(warn_only)


def are_deterministic_algorithms_enabled() -> bool:
    """Whether ``use_deterministic_algorithms(True)`` is in effect."""
    return STATE["deterministic"]


def is_deterministic_algorithms_warn_only_enabled() -> bool:
    """Whether the deterministic mode was set with ``warn_only=True``."""
    return STATE["deterministic_warn_only"]


_DEBUG_MODES = {"default": 0, "warn": 1, "error": 2}


def set_deterministic_debug_mode(debug_mode: str | int) -> None:
    """``"default"``/0 (off), ``"warn"``/1 (deterministic, warn only) or ``"error"``/2
    (deterministic), as ``torch.set_deterministic_debug_mode``.

    Raises:
        ValueError: another name or number (PyTorch raises RuntimeError).
    """
    if isinstance(debug_mode, str):
        if debug_mode not in _DEBUG_MODES:
            raise ValueError(
                "invalid value of debug_mode, expected one of `default`, `warn`, `error`, but "
                f"got {debug_mode}"
            )
        debug_mode = _DEBUG_MODES[debug_mode]
    if debug_mode not in (0, 1, 2):
        raise ValueError(f"invalid value of debug_mode, expected 0, 1, or 2, but got {debug_mode}")
    use_deterministic_algorithms(debug_mode > 0, warn_only=debug_mode == 1)


def get_deterministic_debug_mode() -> int:
    """0, 1 or 2 as ``set_deterministic_debug_mode`` takes them."""
    if not STATE["deterministic"]:
        return 0
    return 1 if STATE["deterministic_warn_only"] else 2


def set_float32_matmul_precision(precision: str) -> None:
    """Record "highest", "high" or "medium" (``torch.set_float32_matmul_precision``). Ours
    always multiplies float32 in float32 ("highest"): the setting is reported, not used.
    Another value warns and changes nothing, as in PyTorch."""
    if precision not in ("highest", "high", "medium"):
        warnings.warn(
            f"{precision} is not one of 'highest', 'high', or 'medium'; the current "
            "set_float32_matmul_precision call has no effect.",
            UserWarning,
            stacklevel=2,
        )
        return
    STATE["matmul_precision"] = precision


def get_float32_matmul_precision() -> str:
    """The value last given to ``set_float32_matmul_precision`` ("highest" at start)."""
    return STATE["matmul_precision"]


def is_anomaly_enabled() -> bool:
    """Whether ``detect_anomaly`` (or ``set_anomaly_enabled(True)``) is on in this thread."""
    return bool(ANOMALY.enabled)


def set_anomaly_enabled(enabled: bool, check_nan: bool = True) -> None:
    """Switch anomaly detection on or off in this thread, as ``detect_anomaly`` does for a
    block. Ours's anomaly mode is the NaN/Inf check itself, so ``check_nan=False`` is refused.

    Differs from PyTorch, whose switch is process-wide; ours is per thread (``detect_anomaly``).

    Raises:
        ValueError: ``enabled`` with ``check_nan=False``.
    """
    if enabled and not check_nan:
        raise ValueError(
            "set_anomaly_enabled: autograd-core's anomaly mode is the NaN/Inf check; "
            "check_nan=False would leave nothing to do. Pass check_nan=True."
        )
    ANOMALY.enabled = bool(enabled)


def is_anomaly_check_nan_enabled() -> bool:
    """Whether anomaly mode checks for NaN: always True here (see ``set_anomaly_enabled``)."""
    return True


def set_warn_always(b: bool) -> None:
    """Record the warn-always flag (``torch.set_warn_always``). Ours's warnings go through
    Python's ``warnings`` module, whose filters decide repeats; use
    ``warnings.simplefilter("always")`` for the same effect."""
    STATE["warn_always"] = bool(b)


def is_warn_always_enabled() -> bool:
    """The flag ``set_warn_always`` last set."""
    return STATE["warn_always"]


def _tensor(name: str, position: str, obj: Any) -> Tensor:
    if not isinstance(obj, Tensor):
        raise TypeError(
            f"{name}(): argument '{position}' must be Tensor, not {type(obj).__name__}."
        )
    return obj


def is_nonzero(input: Tensor) -> bool:  # noqa: A002  (PyTorch's name)
    """Whether the single value of a one-element tensor is not zero (NaN counts as nonzero).

    Raises:
        RuntimeError: a tensor with no values or with more than one.

    Example:
        >>> import autograd_core as ac
        >>> ac.is_nonzero(ac.tensor([[0.5]]))
        True
    """
    x = _tensor("is_nonzero", "input", input)
    if x.numel() != 1:
        how = "no values" if x.numel() == 0 else "more than one value"
        raise RuntimeError(f"Boolean value of Tensor with {how} is ambiguous")
    return bool(x.item() != 0)


def is_same_size(input: Tensor, other: Tensor) -> bool:  # noqa: A002
    """Whether the two tensors have the same shape."""
    a, b = _tensor("is_same_size", "input", input), _tensor("is_same_size", "other", other)
    return tuple(a.shape) == tuple(b.shape)


def is_signed(input: Tensor) -> bool:  # noqa: A002
    """Whether the dtype can hold negative values: floats, complex and signed integers."""
    return _tensor("is_signed", "input", input).dtype.kind in "fci"


def is_complex(input: Tensor) -> bool:  # noqa: A002
    """Whether the dtype is complex."""
    return _tensor("is_complex", "input", input).dtype.kind == "c"


def is_inference(input: Tensor) -> bool:  # noqa: A002
    """False: ours has no separate inference-tensor kind (see ``inference_mode``); PyTorch
    answers True for a tensor made inside ``inference_mode``."""
    _tensor("is_inference", "input", input)
    return False


def get_device(input: Tensor) -> int:  # noqa: A002
    """The CUDA device index of a tensor on a GPU, −1 on the CPU (``torch.get_device``)."""
    from autograd_core.tensor_more import get_device as method

    return method(_tensor("get_device", "input", input))


def is_storage(obj: Any) -> bool:
    """False for every object: ours has no storage objects (a tensor holds an array)."""
    return False


_TYPE_NAMES = {
    "float32": "FloatTensor",
    "float64": "DoubleTensor",
    "float16": "HalfTensor",
    "int64": "LongTensor",
    "int32": "IntTensor",
    "int16": "ShortTensor",
    "int8": "CharTensor",
    "uint8": "ByteTensor",
    "bool": "BoolTensor",
    "complex64": "ComplexFloatTensor",
    "complex128": "ComplexDoubleTensor",
}


def typename(obj: Any) -> str:
    """A readable type name: PyTorch's legacy tensor type names for a tensor under
    ``autograd_core`` (``autograd_core.FloatTensor``, ``autograd_core.cuda.LongTensor`` where
    PyTorch says ``torch.…``), else ``module.QualifiedName`` (no module for builtins).

    Example:
        >>> import autograd_core as ac
        >>> ac.typename(ac.ones(1)), ac.typename(3)
        ('autograd_core.FloatTensor', 'int')
    """
    if isinstance(obj, Tensor):
        where = "autograd_core.cuda" if obj.device.type == "cuda" else "autograd_core"
        return f"{where}.{_TYPE_NAMES.get(str(obj.dtype), str(obj.dtype) + 'Tensor')}"
    module = getattr(obj, "__module__", "") or ""
    qualname = getattr(obj, "__qualname__", None)
    if qualname is None:
        module, qualname = type(obj).__module__, type(obj).__qualname__
    return qualname if module in ("", "builtins") else f"{module}.{qualname}"
