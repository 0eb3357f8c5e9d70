"""``detect_anomaly``: stop at the first op whose forward or backward produces NaN or Inf."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from autograd_core.grad_mode import ANOMALY

__all__ = ["detect_anomaly"]


class detect_anomaly:
    """Context manager and decorator: every op checks its output (forward) and its input
    gradients (backward) for NaN/Inf and raises ``AnomalyError`` naming the op and the file and
    line where it was created. Slow; for debugging only.

    The switch is per thread, like ``no_grad``: one thread inside ``detect_anomaly`` leaves
    every other thread's ops unchecked (and as fast as before).

    Example:
        >>> import autograd_core as ac
        >>> x = ac.tensor([0.0], requires_grad=True)
        >>> with ac.detect_anomaly():
        ...     try:
        ...         ac.log(x)
        ...     except ac.AnomalyError as e:
        ...         print(str(e).split(":")[0])
        log
    """

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled

    def __enter__(self) -> None:
        self.prev = ANOMALY.enabled
        ANOMALY.enabled = self.enabled

    def __exit__(self, *exc: object) -> None:
        ANOMALY.enabled = self.prev

    def __call__(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with detect_anomaly(self.enabled):
                return fn(*args, **kwargs)

        return wrapper
