"""Thread-local switches for gradient recording (no_grad, enable_grad, set_grad_enabled,
inference_mode) and the per-thread flag of ``detect_anomaly``."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = [
    "no_grad",
    "enable_grad",
    "set_grad_enabled",
    "is_grad_enabled",
    "inference_mode",
    "is_inference_mode_enabled",
]

F = TypeVar("F", bound=Callable[..., Any])


class _Mode(threading.local):
    # Class attributes are the per-thread defaults: every new thread starts with recording on.
    enabled = True


class _ThreadAnomaly(threading.local):
    enabled = False  # every new thread starts outside detect_anomaly


class _AnomalySwitch:
    """``ANOMALY.enabled``: whether ``detect_anomaly`` is on in the calling thread.

    Every op reads it, and a thread-local read costs more than a plain attribute, so the object
    changes class with the number of threads in anomaly mode: with none (the usual case) it is
    a ``_NoThreadAnomalous``, whose ``enabled`` is a plain class attribute, False; with one or
    more it is a ``_SomeThreadAnomalous``, whose ``enabled`` reads the calling thread's flag.
    Writing ``enabled`` sets the calling thread's flag and the count, under a lock.
    """

    __slots__ = ()
    enabled: bool  # (declared for type checkers; each subclass provides it)

    def __setattr__(self, name: str, value: Any) -> None:
        if name != "enabled":
            raise AttributeError(f"ANOMALY has no attribute {name!r} to set")
        _set_thread_anomaly(bool(value))


class _NoThreadAnomalous(_AnomalySwitch):
    __slots__ = ()
    enabled = False


class _SomeThreadAnomalous(_AnomalySwitch):
    __slots__ = ()

    @property
    def enabled(self) -> bool:  # type: ignore[override]
        return _THREAD_ANOMALY.enabled


_THREAD_ANOMALY = _ThreadAnomaly()
_ANOMALY_LOCK = threading.Lock()
_anomalous_threads = 0


def _set_thread_anomaly(flag: bool) -> None:
    global _anomalous_threads
    if _THREAD_ANOMALY.enabled == flag:
        return
    with _ANOMALY_LOCK:
        _THREAD_ANOMALY.enabled = flag
        _anomalous_threads += 1 if flag else -1
        cls = _SomeThreadAnomalous if _anomalous_threads else _NoThreadAnomalous
        object.__setattr__(ANOMALY, "__class__", cls)


MODE = _Mode()
ANOMALY: _AnomalySwitch = _NoThreadAnomalous()


def is_grad_enabled() -> bool:
    """Return whether operations on this thread are recorded for back-propagation."""
    return MODE.enabled


class set_grad_enabled:
    """Turn gradient recording on or off, as a context manager, a decorator or a plain call.

    The switch is per thread, so a ``no_grad`` block in one thread never affects another.

    Example:
        >>> import autograd_core as ac
        >>> x = ac.tensor([1.0], requires_grad=True)
        >>> with ac.set_grad_enabled(False):
        ...     y = x * 2
        >>> y.requires_grad
        False
    """

    def __init__(self, mode: bool) -> None:
        self.prev = MODE.enabled
        self.mode = bool(mode)
        MODE.enabled = self.mode

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        MODE.enabled = self.prev

    def __call__(self, fn: F) -> F:
        mode = self.mode
        MODE.enabled = self.prev  # used as a decorator: the call in __init__ must not stick

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            prev = MODE.enabled
            MODE.enabled = mode
            try:
                return fn(*args, **kwargs)
            finally:
                MODE.enabled = prev

        return wrapper  # type: ignore[return-value]


class _FixedMode:
    mode: bool

    def __new__(cls, func: Any = None) -> Any:
        # ``@no_grad`` without parentheses decorates ``func`` directly (as PyTorch 2.x allows).
        self = super().__new__(cls)
        if func is None:
            return self
        if not callable(func):
            raise TypeError(f"{cls.__name__}() takes no arguments, or the function to decorate.")
        return self(func)

    def __init__(self, func: Any = None) -> None:
        pass

    def __enter__(self) -> None:
        self.prev = MODE.enabled
        MODE.enabled = self.mode

    def __exit__(self, *exc: object) -> None:
        MODE.enabled = self.prev

    def __call__(self, fn: F) -> F:
        mode = self.mode

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            prev = MODE.enabled
            MODE.enabled = mode
            try:
                return fn(*args, **kwargs)
            finally:
                MODE.enabled = prev

        return wrapper  # type: ignore[return-value]


class no_grad(_FixedMode):
    """Context manager and decorator under which no operation is recorded.

    Example:
        >>> import autograd_core as ac
        >>> w = ac.ones(2, requires_grad=True)
        >>> with ac.no_grad():
        ...     (w * 3).requires_grad
        False
    """

    mode = False


class enable_grad(_FixedMode):
    """Context manager and decorator that turns recording back on inside a ``no_grad`` block."""

    mode = True


class _Inference(threading.local):
    enabled = False


INFERENCE = _Inference()


def is_inference_mode_enabled() -> bool:
    """Return whether this thread is inside ``inference_mode()``."""
    return INFERENCE.enabled


class inference_mode:
    """PyTorch's ``inference_mode``: a context manager and decorator under which nothing is
    recorded, for evaluation and serving code.

    Here it is ``no_grad`` plus a flag that ``is_inference_mode_enabled()`` reads: the engine
    has no separate "inference tensor" kind, so tensors made inside can later be used in
    recorded computations (PyTorch refuses that; this engine has nothing to refuse).
    ``inference_mode(False)`` changes nothing, as in PyTorch. Works as ``with
    ac.inference_mode():``, ``@ac.inference_mode()`` and ``@ac.inference_mode``; per thread.

    Args:
        mode: True (default) to switch recording off; False for a no-op.

    Example:
        >>> import autograd_core as ac
        >>> w = ac.ones(2, requires_grad=True)
        >>> with ac.inference_mode():
        ...     (w * 3).requires_grad, ac.is_inference_mode_enabled()
        (False, True)
    """

    def __new__(cls, mode: Any = True) -> Any:
        self = super().__new__(cls)
        if callable(mode):  # ``@inference_mode`` without parentheses
            self.__init__(True)
            return self(mode)
        return self

    def __init__(self, mode: Any = True) -> None:
        if not isinstance(mode, bool):
            raise TypeError(
                f"inference_mode: mode must be True or False, got {mode!r}. Write "
                "`with ac.inference_mode():` or decorate a function with it."
            )
        self.mode = mode

    def __enter__(self) -> None:
        self.prev = (MODE.enabled, INFERENCE.enabled)
        if self.mode:
            MODE.enabled, INFERENCE.enabled = False, True

    def __exit__(self, *exc: object) -> None:
        MODE.enabled, INFERENCE.enabled = self.prev

    def __call__(self, fn: F) -> F:
        mode = self.mode

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with inference_mode(mode):
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]
