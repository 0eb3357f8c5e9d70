"""Devices and array modules: the only file that knows CuPy exists (imported lazily)."""

from __future__ import annotations

import contextlib
import sys
from typing import TYPE_CHECKING, Any, Union

import numpy

from autograd_core.errors import DeviceError

if TYPE_CHECKING:
    Array = Any  # numpy.ndarray | cupy.ndarray

__all__ = [
    "Device",
    "get_array_module",
    "device_of",
    "to_device",
    "require_cuda",
    "is_cuda_available",
    "Shape",
    "parse_to_args",
    "computing_on",
]

Shape = tuple[int, ...]

_cupy: Any = None
_cupy_error: BaseException | None = None
# True once CuPy is imported: until then every array is a NumPy array and no op needs to look.
# Only cupy_loaded() changes it; op.apply reads the attribute itself (cheaper than a call).
CUPY_LOADED = "cupy" in sys.modules


def _import_cupy() -> Any:
    global _cupy, _cupy_error
    if _cupy is None and _cupy_error is None:
        try:
            import cupy  # noqa: PLC0415  (optional dependency, imported on first use)

            _cupy = cupy
            cupy_loaded()
        except Exception as e:  # ImportError, or a CUDA driver error raised at import
            _cupy_error = e
    return _cupy


def is_cuda_available() -> bool:
    """Return True when CuPy imports and at least one CUDA device answers."""
    cp = _import_cupy()
    if cp is None:
        return False
    try:
        return cp.cuda.runtime.getDeviceCount() > 0
    except Exception:
        return False


def require_cuda() -> Any:
    """Return the cupy module, or raise a DeviceError that carries the original import error."""
    cp = _import_cupy()
    if cp is None:
        raise DeviceError(
            f"CUDA was asked for but CuPy is unavailable ({_cupy_error!r}). "
            "Install the extra with `pip install autograd-core[cuda]` on a machine with an "
            "NVIDIA GPU, or use device='cpu'."
        )
    return cp


class Device:
    """Where a tensor's array lives: ``Device("cpu")`` or ``Device("cuda:0")``.

    Attributes:
        type: ``"cpu"`` or ``"cuda"``.
        index: the CUDA device number (0 for the CPU).
    """

    __slots__ = ("type", "index")

    def __init__(self, spec: str | Device = "cpu") -> None:
        if isinstance(spec, Device):
            self.type, self.index = spec.type, spec.index
            return
        if not isinstance(spec, str):
            raise DeviceError(f"Device: expected a string like 'cpu' or 'cuda:0', got {spec!r}.")
        kind, _, idx = spec.partition(":")
        if kind not in ("cpu", "cuda") or (idx and not idx.isdigit()) or (kind == "cpu" and idx):
            raise DeviceError(
                f"Device: unknown device {spec!r}. Use 'cpu', 'cuda' or 'cuda:N' (a GPU is "
                "'cuda': autograd-core runs on NVIDIA GPUs through CuPy)."
            )
        self.type = kind
        self.index = int(idx) if idx else 0

    @property
    def xp(self) -> Any:
        """The array module (numpy or cupy) that computes on this device."""
        return numpy if self.type == "cpu" else require_cuda()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            other = Device(other)
        return isinstance(other, Device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __str__(self) -> str:
        return "cpu" if self.type == "cpu" else f"cuda:{self.index}"

    def __repr__(self) -> str:
        return f"device('{self}')"


CPU = Device("cpu")
DeviceLike = Union[str, Device]


def cupy_loaded() -> bool:
    """True once CuPy is imported (here or by the caller); until then every array is a NumPy
    array. The one place that sets ``CUPY_LOADED``."""
    global CUPY_LOADED
    if not CUPY_LOADED and "cupy" in sys.modules:
        CUPY_LOADED = True
    return CUPY_LOADED


def get_array_module(*arrays: Any) -> Any:
    """Return cupy if any argument is a cupy array, else numpy (Chainer's rule)."""
    if cupy_loaded():
        cp = _import_cupy()
        if cp is not None:
            for a in arrays:
                if isinstance(a, cp.ndarray):
                    return cp
    return numpy


def device_of(array: Any) -> Device:
    """Return the Device an array lives on."""
    if type(array) is numpy.ndarray or not cupy_loaded():
        return CPU
    cp = _import_cupy()
    if cp is not None and isinstance(array, cp.ndarray):
        return Device(f"cuda:{array.device.id}")
    return CPU


def parse_to_args(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, Any]:
    """The (device, dtype) asked for by ``.to(...)`` in any of PyTorch's spellings:
    ``to("cuda")``, ``to(ac.float64)``, ``to(other_tensor)``, ``to(device=..., dtype=...)``.
    Either may be None."""
    kwargs = dict(kwargs)
    device = kwargs.pop("device", None)
    dtype = kwargs.pop("dtype", None)
    if kwargs:
        raise TypeError(f"to: unexpected keyword arguments {sorted(kwargs)}.")
    for a in args:
        if isinstance(a, type):  # a NumPy scalar type (np.float32): its class has .dtype too
            dtype = a
        elif hasattr(a, "device") and hasattr(a, "dtype") and hasattr(a, "data"):  # a Tensor
            device, dtype = a.device, a.dtype
        elif isinstance(a, Device) or (
            isinstance(a, str) and a.partition(":")[0] in ("cpu", "cuda")
        ):
            device = a
        elif isinstance(a, str) and not _names_a_dtype(a):
            raise DeviceError(
                f"to: {a!r} is neither a device nor a dtype. Use 'cuda' (or 'cuda:N') for an "
                "NVIDIA GPU, 'cpu' for the CPU, or a dtype such as ac.float32."
            )
        else:
            dtype = a
    return device, dtype


def _names_a_dtype(name: str) -> bool:
    try:
        numpy.dtype(name)
    except TypeError:
        return False
    return True


def to_device(array: Any, device: DeviceLike) -> Any:
    """Copy ``array`` to ``device`` (no copy when it is already there)."""
    device = Device(device)
    if device.type == "cpu":
        if type(array) is numpy.ndarray:
            return array
        return array.get() if hasattr(array, "get") else numpy.asarray(array)
    cp = require_cuda()
    with cp.cuda.Device(device.index):
        return cp.asarray(array)


def computing_on(*arrays: Any) -> Any:
    """A context in which CuPy computes on the device of ``arrays`` (a no-op on the CPU), so an
    op whose inputs live on ``cuda:1`` launches its kernels there whatever the current device."""
    for a in arrays:
        if type(a) is not numpy.ndarray and cupy_loaded():
            cp = _import_cupy()
            if cp is not None and isinstance(a, cp.ndarray):
                return cp.cuda.Device(a.device.id)
    return contextlib.nullcontext()
