"""Checks on what the tensor creators are given: numeric data in rectangular nested sequences,
sizes that are non-negative integers, floating dtypes for continuous samples."""

from __future__ import annotations

import operator
from typing import Any

import numpy

from autograd_core import dtypes
from autograd_core.errors import DTypeError, ShapeError

__all__ = [
    "NUMERIC_KINDS",
    "path_text",
    "is_row",
    "ragged_description",
    "check_numeric",
    "shape_from_size",
    "floating_dtype",
]

NUMERIC_KINDS = "biufc"  # bool, signed and unsigned integers, floats, complex


def path_text(index: tuple[int, ...]) -> str:
    """``data[i][j]`` for the index (i, j) of a nested sequence."""
    return "data" + "".join(f"[{i}]" for i in index)


def is_row(x: Any) -> bool:
    """True for a list, a tuple, or an array or tensor with at least one dimension."""
    return isinstance(x, (list, tuple)) or len(getattr(x, "shape", ())) > 0


def ragged_description(data: Any) -> str | None:
    """Where nested sequences stop being rectangular, in words (None if they are): the first
    two rows of different lengths, or a number next to a row, found level by level."""
    level: list[tuple[tuple[int, ...], Any]] = [((), data)]
    while level:
        rows = [(i, x) for i, x in level if is_row(x)]
        if not rows:
            return None
        if len(rows) != len(level):
            scalar = next(i for i, x in level if not is_row(x))
            return f"{path_text(scalar)} is a number but {path_text(rows[0][0])} is a sequence"
        first, x0 = rows[0]
        for i, x in rows[1:]:
            if len(x) != len(x0):
                a, b = path_text(first), path_text(i)
                return f"{a} has length {len(x0)} but {b} has length {len(x)}"
        level = [((*i, k), y) for i, x in rows for k, y in enumerate(x)]
    return None


def check_numeric(arr: Any, data: Any) -> None:
    """A DTypeError unless ``arr`` (made from ``data``) holds bools, integers, floats or complex
    numbers; strings and objects get their own fix."""
    kind = arr.dtype.kind
    if kind in NUMERIC_KINDS:
        return
    if kind in "US":
        raise DTypeError(
            f"tensor: cannot make a tensor from strings; got dtype {arr.dtype} (shape "
            f"{tuple(arr.shape)}) from {type(data).__name__} data. Convert them to numbers "
            "first, e.g. [float(s) for s in data], or encode labels as integer class indices."
        )
    raise DTypeError(
        f"tensor: dtype {arr.dtype} is not supported (shape {tuple(arr.shape)}, from "
        f"{type(data).__name__} data); tensors hold bool, integer, float or complex numbers. "
        "Convert the data first, e.g. np.asarray(data, dtype=np.float32)."
    )


def shape_from_size(size: tuple[Any, ...], api: str) -> tuple[int, ...]:
    """``size`` (ints, or one tuple/list of ints) as a shape; refuses floats and negatives."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    shape = []
    for s in size:
        try:
            shape.append(operator.index(s))
        except TypeError:
            raise TypeError(
                f"{api}: sizes must be integers; got {s!r} ({type(s).__name__}) in size "
                f"{tuple(size)}. Pass whole numbers, e.g. int(n)."
            ) from None
    if any(n < 0 for n in shape):
        raise ShapeError(
            f"{api}: sizes must be non-negative; got {tuple(shape)}. A dimension of 0 makes an "
            "empty tensor."
        )
    return tuple(shape)


def floating_dtype(dtype: Any, api: str) -> Any:
    """``dtype`` (the default float if None), refused unless floating; ``api`` names the caller."""
    dt = dtypes.get_default_dtype() if dtype is None else numpy.dtype(dtype)
    if dt.kind != "f":
        raise DTypeError(
            f"{api}: samples a continuous distribution, so it needs a floating dtype; got "
            f"{dt}. Pass dtype=ac.float32 (or float64), or use ac.randint for integers."
        )
    return dt
