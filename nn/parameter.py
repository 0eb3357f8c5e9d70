"""Parameter: the Tensor that a Module registers as trainable when it is assigned to it.

Also the message shown when a non-leaf Tensor (the output of an op) is registered as a
parameter, which ``Module.__setattr__`` and ``Module.register_parameter`` both raise.
"""

from __future__ import annotations

from typing import Any

from autograd_core.tensor import Tensor

__all__ = ["Parameter"]


class Parameter(Tensor):
    """A Tensor that a Module registers as trainable when it is assigned as an attribute.

    A Parameter is always a leaf that requires grad (unless ``requires_grad=False``); optimizers
    update its ``.data`` in place.

    Args:
        data: a Tensor or array-like; a Tensor's array is shared, not copied.
        requires_grad: whether the parameter is trained.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> w = nn.Parameter(ac.zeros(2, 3))
        >>> w.requires_grad, w.is_leaf, w.shape
        (True, True, (2, 3))
    """

    __slots__ = ()

    def __init__(self, data: Any = None, requires_grad: bool = True) -> None:
        if data is None:
            data = []
        if isinstance(data, Tensor):
            data = data.data
        super().__init__(data, requires_grad=requires_grad)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()


def nonleaf_message(where: str, name: str, value: Tensor) -> str:
    return (
        f"{where}: cannot register {name!r} as a parameter: it is the output of "
        f"{value.node.label if value.node else 'an op'} (a non-leaf tensor, shape "
        f"{tuple(value.shape)}), so an optimizer could not update it. Make a leaf parameter "
        f"from its value: self.{name} = nn.Parameter(t.detach())."
    )
