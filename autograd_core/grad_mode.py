"""Thread-local switches for gradient recording: no_grad, enable_grad, set_grad_enabled,
inference_mode."""

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


class _Anomaly:
    # detect_anomaly is a process-wide debugging switch; a plain object is cheaper to read on
    # every op than a thread-local.
    enabled = False


MODE = _Mode()
ANOMALY = _Anomaly()


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
