"""Parameter: the Tensor that a Module registers as trainable when it is assigned to it.

Also the message shown when a non-leaf Tensor (the output of an op) is registered as a
parameter, which ``Module.__setattr__`` and ``Module.register_parameter`` both raise.
"""

from __future__ import annotations

from typing import Any

from autograd_core.errors import UninitializedError
from autograd_core.tensor import Tensor

__all__ = ["Parameter", "UninitializedParameter", "is_lazy"]


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


class UninitializedParameter(Parameter):
    """A parameter whose shape is not known yet: the parameters of a lazy module
    (``nn.LazyLinear``, ``nn.LazyConv2d``, …) until their first forward (PyTorch's
    ``torch.nn.UninitializedParameter``).

    It holds an empty placeholder of the dtype and device the parameter will have, so that
    ``module.to(...)`` before the first forward applies; it is listed by ``parameters()`` (an
    optimizer may be built on it: ``materialize`` keeps the object and makes it a
    ``Parameter``), and ``state_dict()`` returns it as it is. Its shape, size and element count
    raise ``UninitializedError``, as do operations through them.

    Example:
        >>> import nn
        >>> p = nn.UninitializedParameter()
        >>> p
        <UninitializedParameter>
        >>> p.materialize((2, 3))
        >>> type(p).__name__, p.shape
        ('Parameter', (2, 3))
    """

    __slots__ = ()

    def __init__(self, requires_grad: bool = True, device: Any = None, dtype: Any = None) -> None:
        import autograd_core as ac

        super().__init__(ac.empty(0, dtype=dtype, device=device), requires_grad=requires_grad)

    def _refuse(self, what: str) -> UninitializedError:
        return UninitializedError(
            f"UninitializedParameter: cannot read the {what} of a parameter whose shape is not "
            "known yet (a lazy module's parameter before its first forward; or a state_dict of "
            "an uninitialised module loaded into an initialised one). Call the module on an "
            "input first, e.g. model(x), then read its parameters."
        )

    @property
    def shape(self) -> tuple[int, ...]:  # type: ignore[override]
        raise self._refuse("shape")

    @property
    def ndim(self) -> int:  # type: ignore[override]
        raise self._refuse("number of dimensions")

    def size(self, dim: int | None = None) -> Any:
        raise self._refuse("size")

    def dim(self) -> int:
        raise self._refuse("number of dimensions")

    def numel(self) -> int:
        raise self._refuse("number of elements")

    def materialize(self, shape: Any, device: Any = None, dtype: Any = None) -> None:
        """Give the parameter ``shape`` (zero-filled; the module's ``reset_parameters`` then
        initialises it) on ``device`` with ``dtype`` (default: the placeholder's), and turn
        it into a ``Parameter`` in place: the object stays the same."""
        import autograd_core as ac

        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        data = ac.zeros(
            *shape,
            dtype=self.data.dtype if dtype is None else dtype,
            device=self.device if device is None else device,
        ).data
        self.__class__ = Parameter  # (the same slots: a Parameter from now on)
        self.data = data

    def __repr__(self) -> str:
        return "<UninitializedParameter>"


def is_lazy(p: Any) -> bool:
    """Whether ``p`` is an ``UninitializedParameter``."""
    return isinstance(p, UninitializedParameter)
