"""``ParametrizationList``: the parametrizations of one tensor and its stored original(s), as
``torch.nn.utils.parametrize.ParametrizationList``, with the helpers that store values in the
originals in place and check that a parametrization keeps the shape and dtype.

Used by ``nn.utils.parametrize`` (which documents the whole mechanism).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import autograd_core as ac
from autograd_core.errors import ShapeError
from autograd_core.tensor import Tensor
from autograd_core.version import mark_written
from nn.containers import ModuleList
from nn.module import Module, Parameter

__all__ = ["ParametrizationList", "set_in_place", "register_tensor", "check_same"]


def set_in_place(dest: Tensor, src: Tensor) -> None:
    """Give ``dest`` the value of ``src`` keeping ``dest``'s identity (PyTorch uses ``set_``).
    The values are copied, so ``dest`` never aliases the caller's tensor; only an ``unsafe``
    parametrization can change the shape, and then the array is replaced."""
    if tuple(dest.shape) == tuple(src.shape):
        dest.data[...] = src.data
        mark_written(dest.data)
    else:
        dest.data = src.data.copy()


def register_tensor(module: Module, name: str, value: Tensor) -> None:
    if isinstance(value, Parameter):
        module.register_parameter(name, value)
    else:
        module.register_buffer(name, value)


def check_same(where: str, what: str, before: Tensor, after: Tensor) -> None:
    if after.dtype != before.dtype:
        raise ValueError(
            f"{where}: {what} may not change the dtype of the tensor unless unsafe=True. "
            f"Unparametrized dtype: {before.dtype}; parametrized dtype: {after.dtype}."
        )
    if tuple(after.shape) != tuple(before.shape):
        raise ShapeError(
            f"{where}: {what} may not change the shape of the tensor unless unsafe=True. "
            f"Unparametrized shape: {tuple(before.shape)}; parametrized shape: "
            f"{tuple(after.shape)}. Pass unsafe=True if the change is intended."
        )


class ParametrizationList(ModuleList):
    """The parametrizations of one tensor, in registration order, and its stored original(s)
    (``torch.nn.utils.parametrize.ParametrizationList``). Calling it evaluates
    ``Pₙ(…P₂(P₁(original)))``; ``right_inverse(value)`` stores ``P₁⁻¹(…Pₙ⁻¹(value))``.

    Created by :func:`register_parametrization`; not meant to be built by hand.

    Attributes:
        original: the stored tensor, when the first ``right_inverse`` returns one tensor.
        original0, original1, …: the stored tensors when it returns a sequence.
        is_tensor: whether there is one stored tensor. ``ntensors``: how many.
        unsafe: whether shape and dtype checks are skipped.
    """

    def __init__(self, modules: Sequence[Module], original: Tensor, unsafe: bool = False) -> None:
        if len(modules) == 0:
            raise ValueError("ParametrizationList: needs one or more parametrization modules.")
        super().__init__(modules)
        self.unsafe = unsafe
        with ac.no_grad():
            new: Any = original
            for m in reversed(list(self)):
                if hasattr(m, "right_inverse"):
                    try:
                        new = m.right_inverse(new)
                    except NotImplementedError:
                        pass  # no inverse: the original is stored unchanged, as PyTorch
        if not isinstance(new, (Tensor, Sequence)):
            raise ValueError(
                "register_parametrization: 'right_inverse' must return a Tensor or a sequence of "
                f"Tensors (list, tuple); got {type(new).__name__}."
            )
        self.is_tensor = isinstance(new, Tensor)
        self.ntensors = 1 if self.is_tensor else len(new)
        if self.is_tensor:
            if new.dtype != original.dtype:
                raise ValueError(
                    "register_parametrization: when 'right_inverse' returns one tensor it may not "
                    f"change the dtype. Original dtype: {original.dtype}; right_inverse(original) "
                    f"dtype: {new.dtype}."
                )
            with ac.no_grad():
                set_in_place(original, new)
            register_tensor(self, "original", original)
        else:
            for i, value in enumerate(new):
                if not isinstance(value, Tensor):
                    raise ValueError(
                        "register_parametrization: 'right_inverse' must return a Tensor or a "
                        f"sequence of Tensors; element {i} is a {type(value).__name__}."
                    )
                # A fresh copy (PyTorch may alias the old parameter); the caller adds these
                # new parameters to its optimizer, as PyTorch documents.
                stored = value.detach().clone()
                if isinstance(original, Parameter):
                    stored = Parameter(stored, requires_grad=original.requires_grad)
                register_tensor(self, f"original{i}", stored)
        if not self.unsafe:
            z = self()
            if not isinstance(z, Tensor):
                raise ValueError(
                    f"register_parametrization: a parametrization must return a Tensor; got "
                    f"{type(z).__name__}."
                )
            check_same("register_parametrization", "a parametrization", original, z)

    def originals(self) -> list[Tensor]:
        """The stored tensor(s), in order (``[original]`` or ``[original0, original1, …]``)."""
        if self.is_tensor:
            return [self.original]
        return [getattr(self, f"original{i}") for i in range(self.ntensors)]

    def right_inverse(self, value: Tensor) -> None:
        """Store ``value`` through the inverses, last parametrization first, in place.

        Raises:
            RuntimeError: a parametrization has no ``right_inverse``.
            ValueError: the result is not a tensor (or a sequence of ``ntensors``), or its
                dtype differs from the stored one.
        """
        with ac.no_grad():
            for m in reversed(list(self)):
                if not hasattr(m, "right_inverse"):
                    raise RuntimeError(
                        f"parametrization {type(m).__name__} does not implement right_inverse, "
                        "so a value cannot be assigned to the parametrized tensor. Define "
                        "right_inverse(self, value), or assign to the original(s) in "
                        "module.parametrizations instead."
                    )
                value = m.right_inverse(value)
            values = [value] if self.is_tensor else value
            if not isinstance(values, Sequence) or len(values) != self.ntensors:
                raise ValueError(
                    f"right_inverse: expected {'a tensor' if self.is_tensor else 'a sequence'} "
                    f"of {self.ntensors} tensor(s), got {type(value).__name__}."
                )
            for i, (target, new) in enumerate(zip(self.originals(), values)):
                if not isinstance(new, Tensor):
                    raise ValueError(
                        f"right_inverse: element {i} is a {type(new).__name__}, not a Tensor."
                    )
                if new.dtype != target.dtype:
                    raise ValueError(
                        f"right_inverse: tensor {i} has dtype {new.dtype} but the stored "
                        f"original has dtype {target.dtype}."
                    )
                set_in_place(target, new)

    def forward(self) -> Tensor:  # type: ignore[override]
        first, *rest = list(self)
        x = first(*self.originals())
        for m in rest:
            x = m(x)
        return x
