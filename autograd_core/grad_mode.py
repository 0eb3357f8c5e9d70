"""Thread-local switches for gradient recording (no_grad, enable_grad, set_grad_enabled,
inference_mode), the per-thread flag of ``detect_anomaly``, and the watch that
``checkpoint`` keeps on the tensors an unrecorded forward reads (``watching_inputs``)."""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Callable, Iterator
from typing import Any, ClassVar, TypeVar

__all__ = [
    "no_grad",
    "enable_grad",
    "set_grad_enabled",
    "is_grad_enabled",
    "inference_mode",
    "is_inference_mode_enabled",
]

F = TypeVar("F", bound=Callable[..., Any])


class _PerThreadFlag:
    """A per-thread bool that every op reads: ``MODE.enabled`` (recording on) and
    ``ANOMALY.enabled`` (``detect_anomaly`` on), in the calling thread.

    A thread-local read costs several times a plain attribute read (~30 ns against ~5, once per
    op), so the object changes class with the number of threads whose flag differs from the
    default: while none does (the usual case) ``enabled`` is a plain class attribute, the
    default; while some do, it reads the calling thread's flag. Writing ``enabled`` sets the
    calling thread's flag and the count, under a lock (``no_grad`` in one thread, or the
    backward sweep switching recording off, never changes what another thread reads). A thread
    that ends with its flag changed (``set_grad_enabled(False)`` never undone) keeps the count
    up: every read then stays a thread-local read, correct and as slow as before.
    """

    __slots__ = ()
    enabled: bool  # (each subclass provides it)
    _state: ClassVar[threading.local]  # the flag of each thread (its class attribute: the default)
    _default: ClassVar[bool]
    _lock: ClassVar[Any]
    _differing: ClassVar[list[int]]  # [threads whose flag is not the default]
    _classes: ClassVar[tuple[type, type]]  # (the class while none differs, the other)

    def __setattr__(self, name: str, value: Any) -> None:
        if name != "enabled":
            raise AttributeError(f"{type(self).__name__} has no attribute {name!r} to set")
        flag, state = bool(value), self._state
        if state.enabled == flag:
            return
        with self._lock:
            state.enabled = flag
            self._differing[0] += 1 if flag != self._default else -1
            object.__setattr__(self, "__class__", self._classes[self._differing[0] > 0])


def _per_thread_flag(name: str, default: bool) -> _PerThreadFlag:
    """A new ``_PerThreadFlag`` whose every thread starts at ``default``."""
    state = type(f"_{name}Flags", (threading.local,), {"enabled": default})()
    shared = {
        "__slots__": (),
        "_state": state,
        "_default": default,
        "_lock": threading.Lock(),
        "_differing": [0],
    }
    usual = type(f"_{name}Usual", (_PerThreadFlag,), {**shared, "enabled": default})
    reads = property(lambda self: state.enabled)
    mixed = type(f"_{name}PerThread", (_PerThreadFlag,), {**shared, "enabled": reads})
    usual._classes = mixed._classes = (usual, mixed)
    return usual()


MODE = _per_thread_flag("Mode", True)
ANOMALY = _per_thread_flag("Anomaly", False)
# On while ``watching_inputs`` runs in the calling thread: every op that records nothing then
# calls ``note_inputs`` (Op.apply, Op.apply_pair, op_forward.link_outputs).
WATCH = _per_thread_flag("Watch", False)


class _Watches(threading.local):
    def __init__(self) -> None:
        self.open: list[dict[int, Any]] = []  # one per watching_inputs block, innermost last


_WATCHES = _Watches()


def note_inputs(inputs: tuple[Any, ...]) -> None:
    """Called by an op that records nothing while ``WATCH`` is on: remember its inputs that
    require grad in every open ``watching_inputs`` block of this thread."""
    for t in inputs:
        if t._requires_grad:
            for seen in _WATCHES.open:
                seen.setdefault(id(t), t)


@contextlib.contextmanager
def watching_inputs() -> Iterator[dict[int, Any]]:
    """Collect, in a dict (id -> Tensor, first use first), the tensors that require grad which
    the ops run inside the block read without recording (under ``no_grad``).

    A tensor made under ``no_grad`` never requires grad, so every tensor found came from
    outside the block: an argument or a parameter closed over. ``checkpoint`` runs its function
    unrecorded inside this block and takes what it finds as the inputs of its node.
    """
    seen: dict[int, Any] = {}
    _WATCHES.open.append(seen)
    WATCH.enabled = True
    try:
        yield seen
    finally:
        _WATCHES.open.remove(seen)
        WATCH.enabled = bool(_WATCHES.open)


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
