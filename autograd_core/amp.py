"""Mixed precision, as ``torch.amp`` has it: ``autocast`` runs the matrix products in float16
while the parameters stay float32, and ``GradScaler`` scales the loss so that small float16
gradients do not flush to zero.

Under ``autocast``, an op of the *lower-precision list* (matmul, linear, and the convolution and
recurrence ops that call ``cast_lower``) casts its floating inputs to float16 before computing;
an op of the *float32 list* (softmax, log_softmax, cross_entropy, mse_loss, layer_norm,
logsumexp: reductions whose float16 sums lose digits) casts them to float32. The casts are ops,
so the gradient of a float32 parameter used by a float16 matmul comes back float32 (the
"master weights"). Every other op runs in the widest dtype of its inputs (NumPy's promotion,
as PyTorch's autocast does).

Example:
    >>> import autograd_core as ac
    >>> w = ac.ones(3, 2, requires_grad=True)
    >>> with ac.amp.autocast("cpu"):
    ...     y = ac.ones(4, 3) @ w
    >>> y.dtype, w.dtype
    (dtype('float16'), dtype('float32'))
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import numpy

from autograd_core.amp_scaler import GradScaler
from autograd_core.tensor import Tensor

__all__ = ["autocast", "is_autocast_enabled", "cast_lower", "cast_float32", "GradScaler"]

F = TypeVar("F", bound=Callable[..., Any])
_DEVICE_TYPES = ("cpu", "cuda")


class _State(threading.local):
    # per thread, as PyTorch's autocast state: a new thread starts outside autocast
    dtype: numpy.dtype | None = None
    device_type: str | None = None


_STATE = _State()
_active = 0  # threads inside an enabled autocast: ops read this plain global first (cheap)
_lock = threading.Lock()


def is_autocast_enabled(device_type: str | None = None) -> bool:
    """Whether this thread is inside an enabled ``autocast`` (for ``device_type`` if given)."""
    if _STATE.dtype is None:
        return False
    return device_type is None or device_type == _STATE.device_type


class autocast:
    """Run the lower-precision ops of the block in ``dtype`` (float16) on ``device_type``.

    A context manager and a decorator; per thread; nests (an inner ``enabled=False`` turns it
    off for its block). Only tensors on ``device_type`` are cast.

    Args:
        device_type: ``"cuda"`` or ``"cpu"``.
        dtype: the lower precision: float16 (the default). bfloat16 is refused: neither NumPy
            nor CuPy computes in it without an extension.
        enabled: False makes the block run as without autocast.
        cache_enabled: accepted for PyTorch compatibility; casts are not cached.
    """

    def __init__(
        self,
        device_type: str = "cuda",
        dtype: Any = None,
        enabled: bool = True,
        cache_enabled: bool | None = None,
    ) -> None:
        if device_type not in _DEVICE_TYPES:
            raise ValueError(
                f"autocast: device_type must be one of {_DEVICE_TYPES}, got {device_type!r}. "
                "Pass the type only, e.g. autocast('cuda'), not 'cuda:0'."
            )
        if dtype is not None and str(dtype) in ("bfloat16", "torch.bfloat16"):
            raise TypeError(
                "autocast: bfloat16 is not available: NumPy and CuPy have no bfloat16 arithmetic "
                "of their own. Use dtype=ac.float16 (the default) with a GradScaler."
            )
        dt = numpy.dtype(numpy.float16 if dtype is None else dtype)
        if dt != numpy.float16:
            raise TypeError(
                f"autocast: the lower precision must be float16, got {dt}. Leave dtype unset, "
                "or pass dtype=ac.float16."
            )
        self.device_type = device_type
        self.dtype = dt if enabled else None
        self._prev: list[tuple[Any, Any]] = []

    def __enter__(self) -> autocast:
        global _active
        self._prev.append((_STATE.dtype, _STATE.device_type))
        with _lock:
            _active += (self.dtype is not None) - (_STATE.dtype is not None)
        _STATE.dtype, _STATE.device_type = self.dtype, self.device_type
        return self

    def __exit__(self, *exc: object) -> None:
        global _active
        dtype, device_type = self._prev.pop()
        with _lock:
            _active += (dtype is not None) - (_STATE.dtype is not None)
        _STATE.dtype, _STATE.device_type = dtype, device_type

    def __call__(self, fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self:
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


def _cast(ts: tuple[Any, ...], dtype: numpy.dtype) -> tuple[Any, ...]:
    device_type = _STATE.device_type
    out = []
    for t in ts:
        if (
            isinstance(t, Tensor)
            and t.dtype.kind == "f"
            and t.dtype != dtype
            and t.device.type == device_type
        ):
            t = t.to(dtype)  # an op: the gradient is cast back to t's dtype
        out.append(t)
    return tuple(out)


def cast_lower(*ts: Any) -> tuple[Any, ...]:
    """The inputs of an op of the lower-precision list, cast to autocast's dtype when this
    thread is inside an enabled ``autocast`` (else returned as they are)."""
    if not _active or _STATE.dtype is None:
        return ts
    return _cast(ts, _STATE.dtype)


def cast_float32(*ts: Any) -> tuple[Any, ...]:
    """The inputs of an op of the float32 list: float16 inputs cast to float32 inside an
    enabled ``autocast``."""
    if not _active or _STATE.dtype is None:
        return ts
    return tuple(
        t.to(numpy.float32)
        if isinstance(t, Tensor)
        and t.dtype == numpy.float16
        and t.device.type == _STATE.device_type
        else t
        for t in ts
    )
