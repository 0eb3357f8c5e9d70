"""Handles returned by ``Module.register_forward_hook`` and ``register_forward_pre_hook``."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any


class _Handle:
    """Removes a hook from the module's hook registry."""

    _next_id = 0

    def __init__(self, hooks: OrderedDict[int, Any], hook: Callable[..., Any]) -> None:
        self.id = _Handle._next_id
        _Handle._next_id += 1
        self._hooks = hooks
        hooks[self.id] = hook

    def remove(self) -> None:
        """Unregister the hook."""
        self._hooks.pop(self.id, None)
