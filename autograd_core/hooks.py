"""The handle that ``Tensor.register_hook`` and the ``nn.Module`` hook registrations return, and
the registry of post-accumulate-grad hooks (``Tensor.register_post_accumulate_grad_hook``)."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

__all__ = ["RemovableHandle", "POST_ACCUMULATE", "post_accumulate_hooks", "add_post_accumulate"]


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

    def __init__(self, hooks: list[Any], hook: Any, on_empty: Callable[[], None] | None = None):
        self._hooks: list[Any] | None = hooks
        self._hook = hook
        self._on_empty = on_empty  # called when removing leaves ``hooks`` empty

    def remove(self) -> None:
        """Unregister the hook (a no-op when already removed)."""
        hooks, self._hooks = self._hooks, None
        if hooks is not None and self._hook in hooks:
            hooks.remove(self._hook)
            if not hooks and self._on_empty is not None:
                self._on_empty()


# Post-accumulate-grad hooks live here, not on the tensor: a Tensor slot would cost every op
# an attribute store for a feature only leaves use, and the sweep needs one cheap question
# before each backward ("is any hook registered at all?": ``if POST_ACCUMULATE``). Keyed by
# id(tensor), with a weak reference that drops the entry when the tensor dies (a dict keyed by
# the tensor itself would keep it alive; a WeakKeyDictionary would compare tensors with ==,
# which is elementwise).
POST_ACCUMULATE: dict[int, tuple[weakref.ref[Any], list[Callable[[Any], None]]]] = {}


def post_accumulate_hooks(t: Any) -> list[Callable[[Any], None]] | None:
    """The post-accumulate-grad hooks of ``t`` in registration order, or None."""
    entry = POST_ACCUMULATE.get(id(t))
    if entry is None or entry[0]() is not t:
        return None
    return entry[1]


def add_post_accumulate(t: Any, hook: Callable[[Any], None]) -> RemovableHandle:
    """Register ``hook`` to run with ``t`` once ``t.grad`` holds a backward pass's gradient."""
    key = id(t)
    hooks = post_accumulate_hooks(t)
    if hooks is None:
        # The registry is bound as a default: a tensor that dies at interpreter exit calls
        # this after the module's globals have been cleared to None.
        def forget(ref: Any, key: int = key, registry: dict[int, Any] = POST_ACCUMULATE) -> None:
            entry = registry.get(key)  # t died: its id may be reused
            if entry is not None and entry[0] is ref:
                del registry[key]

        hooks = []
        POST_ACCUMULATE[key] = (weakref.ref(t, forget), hooks)
    hooks.append(hook)

    def drop_if_unused(
        key: int = key, hooks: list[Any] = hooks, registry: dict[int, Any] = POST_ACCUMULATE
    ) -> None:
        entry = registry.get(key)
        if entry is not None and entry[1] is hooks:
            del registry[key]

    return RemovableHandle(hooks, hook, drop_if_unused)
