"""The JSON index of an ``.npz`` checkpoint: how ``nn.save`` describes nested dicts, lists and
scalars around its arrays, and how ``nn.load`` checks and rebuilds them from untrusted text.

Every node of the index is a JSON scalar (``null``, a bool, a number, a string) or an object
with exactly one tag: ``{"__dict__": [[key, node], ...]}``, ``{"__list__": [node, ...]}``,
``{"__tuple__": [...]}``, ``{"__scalar__": value, "dtype": "<f8"}`` (a NumPy scalar) or
``{"__array__": member, "tensor": bool, "shape": [...], "dtype": "<f4"}`` (an array stored as the
``.npy`` member ``member``). ``decode`` checks every node's type before using it and raises
:class:`CheckpointError` naming the path of the first malformed one.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np  # file format code: arrays are written from the host

from autograd_core.device import is_array, to_device
from autograd_core.tensor import Tensor

__all__ = ["CheckpointError", "ArraySpec", "MAX_DEPTH", "ARRAY_KINDS", "encode", "decode"]

# Nesting of saved containers (a dict in a list in a dict ... counts one per level). Real
# checkpoints nest about six deep (checkpoint → callbacks → name → state → ...); the limit keeps
# decoding far from Python's recursion limit whatever the file says.
MAX_DEPTH = 64

# dtype kinds an array member may have: bool, integers, floats, complex, bytes and str. Object
# (pickle), structured/void and datetime arrays are refused on save and on load.
ARRAY_KINDS = "biufcSU"
_SCALAR_KINDS = "biufU"
_TAGS = ("__array__", "__scalar__", "__dict__", "__list__", "__tuple__")


class CheckpointError(ValueError):
    """A checkpoint file is missing, corrupt, truncated, or not in this format."""


class ArraySpec:
    """What the index says about one array member: its name, shape, dtype and byte size."""

    def __init__(self, member: str, shape: tuple[int, ...], dtype: np.dtype, path: str) -> None:
        self.member = member
        self.shape = shape
        self.dtype = dtype
        self.path = path or "<top level>"
        self.nbytes = math.prod(shape) * dtype.itemsize


def _is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def encode(obj: Any, path: str, arrays: dict[str, np.ndarray], depth: int = 0) -> Any:
    """JSON-able description of ``obj``; arrays are stored aside in ``arrays`` under their key."""
    if depth > MAX_DEPTH:
        raise ValueError(
            f"nn.save: {path!r} is nested more than {MAX_DEPTH} containers deep (or contains "
            "itself). Flatten the structure before saving."
        )
    if isinstance(obj, Tensor) or is_array(obj):
        data = obj.data if isinstance(obj, Tensor) else obj
        host = np.asarray(to_device(data, "cpu"))
        if host.dtype.kind not in ARRAY_KINDS or host.dtype.fields is not None:
            raise TypeError(
                f"nn.save: {path!r} is an array of dtype {host.dtype}, which cannot be saved "
                "without pickle. Save numeric, bool or string arrays."
            )
        key = f"{len(arrays)}:{path}"
        arrays[key] = host
        return {
            "__array__": key,
            "tensor": isinstance(obj, Tensor),
            "shape": list(host.shape),
            "dtype": host.dtype.str,
        }
    if isinstance(obj, np.generic) and obj.dtype.kind in _SCALAR_KINDS:
        return {"__scalar__": obj.item(), "dtype": obj.dtype.str}
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, dict):
        items = []
        for k, v in obj.items():
            if not isinstance(k, (str, int)) or isinstance(k, bool):
                raise TypeError(f"nn.save: dict key {k!r} at {path!r} must be a str or int.")
            items.append([k, encode(v, f"{path}/{k}" if path else str(k), arrays, depth + 1)])
        return {"__dict__": items}
    if isinstance(obj, (list, tuple)):
        kind = "__list__" if isinstance(obj, list) else "__tuple__"
        return {kind: [encode(v, f"{path}/{i}", arrays, depth + 1) for i, v in enumerate(obj)]}
    raise TypeError(
        f"nn.save: cannot save {type(obj).__name__} at {path or 'the top level'!r}. Save "
        "state dicts (model.state_dict(), optimizer.state_dict()) made of tensors, arrays, "
        "numbers, strings, lists and dicts."
    )


def _corrupt(path: str, what: str) -> CheckpointError:
    where = repr(path) if path else "the top level"
    return CheckpointError(
        f"nn.load: the index entry at {where} {what}; the file is corrupt or was not written "
        "by nn.save. Use an earlier checkpoint."
    )


def _dtype(text: Any, kinds: str, path: str) -> np.dtype:
    if not isinstance(text, str) or len(text) > 16:
        raise _corrupt(path, f"has dtype {text!r:.40}, not a dtype string")
    try:
        dtype = np.dtype(text)
    except (TypeError, ValueError, OverflowError, SyntaxError):
        raise _corrupt(path, f"has dtype {text!r}, which NumPy does not know") from None
    if dtype.kind not in kinds or dtype.fields is not None or dtype.itemsize == 0:
        raise _corrupt(path, f"has dtype {text!r}, which a checkpoint may not hold")
    return dtype


def _array_spec(node: dict[str, Any], path: str) -> ArraySpec:
    member, shape = node.get("__array__"), node.get("shape")
    if set(node) != {"__array__", "tensor", "shape", "dtype"}:
        raise _corrupt(path, f"has keys {sorted(node)!r:.80}, not those of an array entry")
    if not isinstance(member, str) or not isinstance(node["tensor"], bool):
        raise _corrupt(path, "names its array member with a non-string or a non-bool flag")
    if not isinstance(shape, list) or not all(_is_int(d) and d >= 0 for d in shape):
        raise _corrupt(path, f"has shape {shape!r:.80}, not a list of non-negative ints")
    if len(shape) > 64:
        raise _corrupt(path, f"has {len(shape)} dimensions (NumPy allows at most 64)")
    return ArraySpec(member, tuple(shape), _dtype(node["dtype"], ARRAY_KINDS, path), path)


def _scalar(node: dict[str, Any], path: str) -> np.generic:
    if set(node) != {"__scalar__", "dtype"}:
        raise _corrupt(path, f"has keys {sorted(node)!r:.80}, not those of a scalar entry")
    dtype, value = _dtype(node["dtype"], _SCALAR_KINDS, path), node["__scalar__"]
    if not isinstance(value, (bool, int, float, str)) or isinstance(value, str) != (
        dtype.kind == "U"
    ):
        raise _corrupt(path, f"holds {value!r:.40} for a scalar of dtype {dtype}")
    try:
        return dtype.type(value)
    except (TypeError, ValueError, OverflowError):
        raise _corrupt(path, f"holds {value!r:.40}, which does not fit dtype {dtype}") from None


def _children(node: dict[str, Any], tag: str, path: str) -> list[tuple[str | int, Any]]:
    """The (key, child) pairs of a dict, list or tuple entry, checked for shape and key type."""
    body = node[tag]
    if not isinstance(body, list):
        raise _corrupt(path, f"has a {type(body).__name__} where its {tag} list should be")
    if tag != "__dict__":
        return list(enumerate(body))
    pairs = []
    for item in body:
        if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], (str, int))):
            raise _corrupt(path, f"has dict item {item!r:.60}, not a [str or int key, value] pair")
        if isinstance(item[0], bool):
            raise _corrupt(path, f"has a bool dict key {item[0]!r}")
        pairs.append((item[0], item[1]))
    return pairs


def decode(node: Any, read: Callable[[ArraySpec], np.ndarray], path: str = "", depth: int = 0):
    """Rebuild what ``encode`` described; ``read(spec)`` returns the array member ``spec``
    names, checked against it. Raises CheckpointError on any malformed node."""
    if depth > MAX_DEPTH:
        raise _corrupt(path, f"is nested more than {MAX_DEPTH} containers deep")
    if node is None or isinstance(node, (bool, int, float, str)):
        return node
    if not isinstance(node, dict):
        raise _corrupt(path, f"is a JSON {type(node).__name__}, not a value or a tagged object")
    tags = [t for t in _TAGS if t in node]
    if len(tags) != 1:
        raise _corrupt(path, f"has keys {sorted(node)!r:.80}; expected exactly one of {_TAGS}")
    tag = tags[0]
    if tag == "__array__":
        spec = _array_spec(node, path)
        arr = read(spec)
        if not node["tensor"]:
            return arr
        if arr.dtype.kind not in "biufc":
            raise _corrupt(path, f"marks a {arr.dtype} array as a Tensor")
        return Tensor(arr)
    if tag == "__scalar__":
        return _scalar(node, path)
    if set(node) != {tag}:
        raise _corrupt(path, f"has keys {sorted(node)!r:.80} besides {tag!r}")
    children = [
        (k, decode(v, read, f"{path}/{k}" if path else str(k), depth + 1))
        for k, v in _children(node, tag, path)
    ]
    if tag == "__dict__":
        return dict(children)
    values = [v for _, v in children]
    return values if tag == "__list__" else tuple(values)
