"""The operators of the stand-in's device array (``x + y``, ``x += y`` ...): each goes through
the stand-in's ufunc of the same name, so host operands are refused as by CuPy's operators
(``cupy/_core/core.pyx``: ``__add__`` calls ``cupy.add``; ``_should_use_rop``)."""

from __future__ import annotations

from typing import Any

__all__ = ["ufunc", "binary", "inplace", "triple"]


def ufunc(name: str) -> Any:
    """The stand-in's ufunc ``name`` (``cupy.add`` ...)."""
    from autograd_core.testing import fake_cupy  # noqa: PLC0415  (the module imports this one)

    return getattr(fake_cupy, name)


def binary(name: str, reflected: bool = False) -> Any:
    def method(self: Any, other: Any) -> Any:
        # core.pyx::_should_use_rop: defer to an operand that opts out of ufuncs
        if getattr(other, "__array_ufunc__", False) is None:
            return NotImplemented
        f = ufunc(name)
        return f(other, self) if reflected else f(self, other)

    method.__name__ = f"__{'r' if reflected else ''}{name}__"
    return method


def inplace(name: str) -> Any:
    def method(self: Any, other: Any) -> Any:
        return ufunc(name)(self, other, out=self)

    return method


def triple(name: str) -> tuple[Any, Any, Any]:
    """``__op__``, ``__rop__`` and ``__iop__`` for the ufunc ``name``."""
    return binary(name), binary(name, True), inplace(name)
