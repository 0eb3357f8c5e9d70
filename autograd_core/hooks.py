"""The handle that ``Tensor.register_hook`` and the ``nn.Module`` hook registrations return."""

from __future__ import annotations

from typing import Any

__all__ = ["RemovableHandle"]


class RemovableHandle:
    """Returned when a hook is registered; ``handle.remove()`` unregisters the hook.

    ``hooks`` is the list the hook was appended to (a tensor's, a node's or a module's), which
    the caller runs in order. Removing twice is a no-op.

    Example:
        >>> import autograd_core as ac
        >>> x = ac.tensor([1.0, 2.0], requires_grad=True)
        >>> h = x.register_hook(lambda g: g * 10)
        >>> h.remove()
        >>> h.remove()
        >>> x.sum().backward()
        >>> x.grad
        tensor([1., 1.])
    """

    def __init__(self, hooks: list[Any], hook: Any) -> None:
        self._hooks: list[Any] | None = hooks
        self._hook = hook

    def remove(self) -> None:
        """Unregister the hook (a no-op when already removed)."""
        hooks, self._hooks = self._hooks, None
        if hooks is not None and self._hook in hooks:
            hooks.remove(self._hook)
