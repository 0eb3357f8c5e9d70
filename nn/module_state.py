"""Module methods that save, load and convert the values of its parameters and buffers.

``state_dict``/``load_state_dict`` read and write them by dotted name (what ``nn.save`` and
checkpoints store); ``to``/``float``/``double``/``cpu``/``cuda`` move or cast them in place.
``Module`` inherits these methods from ``ModuleStateMixin``, which relies only on its
traversal (``named_modules``, ``parameters``, ``buffers``).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from autograd_core import device as _device
from autograd_core.errors import DTypeError, ShapeError
from autograd_core.tensor import Tensor
from autograd_core.version import mark_written
from nn.parameter import is_lazy

if TYPE_CHECKING:
    from nn.module import Module

__all__ = ["IncompatibleKeys", "ModuleStateMixin", "StateDictError", "StateDictShapeError"]


class StateDictError(KeyError, RuntimeError):
    """``load_state_dict(strict=True)`` met missing or unexpected keys. A KeyError (what this
    library raised first) and a RuntimeError (what torch raises), so either ``except`` works."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class StateDictShapeError(ShapeError, RuntimeError):
    """``load_state_dict`` met a value whose shape differs from the member's: a ShapeError
    (a ValueError) as before, and a RuntimeError as torch raises."""


class IncompatibleKeys(NamedTuple):
    """What ``load_state_dict`` did not match: keys the model expected and keys it ignored."""

    missing_keys: list[str]
    unexpected_keys: list[str]


class ModuleStateMixin:
    """The state and conversion methods of :class:`~nn.module.Module`: ``state_dict``,
    ``load_state_dict``, ``to``, ``float``, ``double``, ``cpu`` and ``cuda``."""

    # -- state ---------------------------------------------------------------------------

    # the version of a module's state layout, kept in a state dict's ``_metadata`` as
    # torch keeps it; a class whose layout changed raises it and names in ``_legacy_state``
    # the members an older state dict may lack
    _version = 1

    def _legacy_state(self, version: int | None) -> frozenset[str]:
        """The members a state dict of layout ``version`` (None: a dict without ``_metadata``)
        may lack without their being missing: each keeps its value, as torch fills it in."""
        return frozenset()

    def state_dict(self, prefix: str = "", keep_vars: bool = False) -> OrderedDict[str, Tensor]:
        """Every parameter and persistent buffer by dotted name, as detached Tensors that
        share memory with the module (copy them, or ``nn.save`` them, to keep a snapshot).

        As torch's: each module's parameters, then its persistent buffers, then its children
        in registration order; a child registered under two names (shared) is listed under
        both, and ``prefix`` is put in front of every key as it is (``prefix="enc."``).

        Example:
            >>> import nn
            >>> list(nn.Linear(2, 3).state_dict())
            ['weight', 'bias']
        """
        out: OrderedDict[str, Tensor] = OrderedDict()
        out._metadata = OrderedDict()  # type: ignore[attr-defined]  (torch's, by prefix)
        stack: list[tuple[str, Any]] = [(prefix, self)]
        while stack:
            mod_prefix, m = stack.pop()
            out._metadata[mod_prefix[:-1]] = {"version": m._version}  # type: ignore[attr-defined]
            for k, p in m._parameters.items():
                if p is not None:
                    # a lazy module's UninitializedParameter is returned as it is (PyTorch)
                    out[mod_prefix + k] = p if keep_vars or is_lazy(p) else p.detach()
            for k, b in m._buffers.items():
                if b is not None and k not in m._non_persistent:
                    out[mod_prefix + k] = b if keep_vars else b.detach()
            children = [(f"{mod_prefix}{k}.", c) for k, c in m._modules.items() if c is not None]
            stack.extend(reversed(children))
        return out

    def load_state_dict(
        self, state_dict: Any, strict: bool = True, assign: bool = False
    ) -> IncompatibleKeys:
        """Copy values from ``state_dict`` into this module's parameters and buffers, in place.

        Values may be Tensors or arrays; they are cast to each parameter's dtype and device.
        The parameter objects stay the same, so an optimizer built on them keeps working.
        Keys are matched as torch matches them: a module shared under two names is loaded
        from both keys; below each module's prefix, a key with a dot is unexpected unless
        its first component names a child (so keys under a child set to None are ignored),
        a key without one unless it names a parameter or persistent buffer.

        Args:
            state_dict: a mapping from dotted names to values, as ``state_dict()`` returns.
            strict: raise if a key is missing or unexpected (shapes must match either way).
            assign: instead of copying, make each value the module's member: a Tensor that
                is not a Parameter is wrapped in a new Parameter with the old one's
                ``requires_grad`` (torch's ``assign=True``; the dtype is the value's).

        Returns:
            ``IncompatibleKeys(missing_keys, unexpected_keys)``, in torch's order.

        Raises:
            TypeError: ``state_dict`` is not a mapping (a list of tensors, say).
            StateDictError (a KeyError and a RuntimeError, as torch raises): with
                ``strict=True``, keys are missing or unexpected (all listed, with any shape
                mismatch).
            StateDictShapeError (a ShapeError and a RuntimeError): a value's shape differs
                from the member's (keys and shapes named).

        Unlike torch, nothing is written when an error is raised (torch has copied the
        entries it met before the bad one).
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(
                f"load_state_dict ({type(self).__name__}): expected a mapping from dotted names "
                f"to values, as state_dict() returns; got {type(state_dict).__name__}. For "
                "values listed in the order of state_dict(), pass "
                "dict(zip(model.state_dict(), values))."
            )
        found: list[tuple[Any, str, Tensor, Any]] = []
        missing: list[str] = []
        unexpected: list[str] = []
        meta = getattr(state_dict, "_metadata", None) or {}
        _match(self, dict(state_dict), "", found, missing, unexpected, meta)
        mismatched = []
        for key, _, _, target, value in found:
            if is_lazy(value) and not is_lazy(target):
                value.shape  # noqa: B018  (raises UninitializedError, as PyTorch refuses)
            if is_lazy(target):
                continue
            array = value.data if isinstance(value, Tensor) else value
            shape = tuple(getattr(array, "shape", ()))
            if shape != tuple(target.shape):
                mismatched.append(f"{key!r}: checkpoint {shape} vs model {tuple(target.shape)}")
        if strict and (missing or unexpected):
            extra = f" Shape mismatch for {'; '.join(mismatched)}." if mismatched else ""
            raise StateDictError(
                f"load_state_dict ({type(self).__name__}): keys do not match. Missing: "
                f"{missing}. Unexpected: {unexpected}.{extra} Pass strict=False to load the keys "
                "that match, or check that the checkpoint was made from the same architecture."
            )
        if mismatched:
            raise StateDictShapeError(
                f"load_state_dict ({type(self).__name__}): shape mismatch for "
                f"{'; '.join(mismatched)}. The checkpoint was made from a model with different "
                "layer sizes."
            )
        for _, m, name, target, value in found:
            if is_lazy(target):
                if is_lazy(value):
                    continue
                # a lazy module takes the checkpoint's shapes, then its values
                target.materialize(tuple(getattr(value, "shape", ())))
            if assign:
                _assign(m, name, target, value)
                continue
            array = value.data if isinstance(value, Tensor) else value
            array = _device.to_device(array, target.device)
            target.data[...] = target.xp.asarray(array).astype(target.dtype, copy=False)
            mark_written(target.data)
        return IncompatibleKeys(missing, unexpected)

    # -- conversion ----------------------------------------------------------------------

    def to(self, *args: Any, **kwargs: Any) -> Module:
        """Move parameters and buffers to a device and/or cast floating ones to a dtype, in
        place (the Parameter objects stay the same). ``m.to("cuda")``, ``m.to(ac.float64)``,
        ``m.to(device="cpu", dtype="float32")``. Returns self."""
        import numpy  # dtype parsing only

        device, dtype = _device.parse_to_args(args, kwargs)
        if dtype is not None:
            dtype = numpy.dtype(dtype)
            if dtype.kind != "f":
                raise DTypeError(
                    f"Module.to: only floating dtypes can be given to a module, got {dtype}. "
                    "Parameters must stay floating point to be trained."
                )
        dev = _device.Device(device) if device is not None else None

        def convert(t: Tensor) -> None:
            arr = t.data
            if dev is not None:
                arr = _device.to_device(arr, dev)
            if dtype is not None and arr.dtype.kind == "f":
                arr = arr.astype(dtype)
            t.data = arr
            if t.grad is not None:
                g = t.grad.data
                if dev is not None:
                    g = _device.to_device(g, dev)
                t.grad.data = g.astype(arr.dtype, copy=False)

        for p in self.parameters():
            convert(p)
        for b in self.buffers():
            convert(b)
        return self

    def float(self) -> Module:
        """Cast floating parameters and buffers to float32."""
        return self.to(dtype="float32")

    def double(self) -> Module:
        """Cast floating parameters and buffers to float64."""
        return self.to(dtype="float64")

    def half(self) -> Module:
        """Cast floating parameters and buffers to float16 (``torch.nn.Module.half``); integer
        buffers keep their dtype. Returns self.

        Example:
            >>> import nn
            >>> nn.Linear(2, 1).half().weight.dtype
            dtype('float16')
        """
        return self.to(dtype="float16")

    def type(self, dst_type: Any) -> Module:
        """Cast EVERY parameter and buffer to ``dst_type``, integer and bool buffers included
        (``torch.nn.Module.type``; ``to``/``float``/``half`` cast the floating ones only).
        ``dst_type`` is a dtype or its name. A parameter that requires grad cannot become
        non-floating: that raises RuntimeError before anything is cast. Returns self.

        Example:
            >>> import autograd_core as ac
            >>> import nn
            >>> bn = nn.BatchNorm1d(2).type(ac.float64)
            >>> bn.weight.dtype, bn.num_batches_tracked.dtype
            (dtype('float64'), dtype('float64'))
        """
        import numpy  # dtype parsing only

        try:
            dtype = numpy.dtype(dst_type)
        except TypeError as e:
            raise TypeError(
                f"Module.type: {dst_type!r} is not a dtype; give one such as ac.float64 or "
                "'float32'."
            ) from e
        if dtype.kind not in "fc":
            for name, p in self.named_parameters():
                if p.requires_grad:
                    raise RuntimeError(
                        f"Module.type: parameter {name!r} requires grad and cannot be cast to "
                        f"{dtype}: data set to a tensor that requires gradients must be "
                        "floating point or complex dtype. Call requires_grad_(False) first."
                    )
        for t in [*self.parameters(), *self.buffers()]:
            t.data = t.data.astype(dtype)
            if t.grad is not None:
                t.grad.data = t.grad.data.astype(dtype)
        return self

    def cpu(self) -> Module:
        """Move to the CPU."""
        return self.to("cpu")

    def cuda(self, index: int = 0) -> Module:
        """Move to CUDA device ``index``."""
        return self.to(f"cuda:{index}")


def _match(
    module: Any,
    state_dict: dict[str, Any],
    prefix: str,
    found: list,
    missing: list[str],
    unexpected: list[str],
    meta: Any,
) -> None:
    """Walk the tree as torch's ``load_state_dict`` does: each module's own members by
    ``prefix + name`` (found, missing, or absent from an older layout: ``_legacy_state`` of
    the version ``meta`` records for the prefix), then the keys under ``prefix`` that name
    nothing of it (unexpected), then each child with the keys under its prefix."""
    legacy = module._legacy_state(meta.get(prefix[:-1], {}).get("version"))
    own = [(k, p) for k, p in module._parameters.items() if p is not None]
    own += [
        (k, b)
        for k, b in module._buffers.items()
        if b is not None and k not in module._non_persistent
    ]
    names = {k for k, _ in own}
    for k, target in own:
        if prefix + k in state_dict:
            found.append((prefix + k, module, k, target, state_dict[prefix + k]))
        elif k not in legacy:
            missing.append(prefix + k)
    for key in state_dict:
        if key.startswith(prefix):
            parts = key[len(prefix) :].split(".", 1)
            # a dotted rest must start with a child's name, an undotted one name a member
            if parts[0] not in (module._modules if len(parts) > 1 else names):
                unexpected.append(key)
    for name, child in module._modules.items():
        if child is not None:
            sub = prefix + name + "."
            below = {k: v for k, v in state_dict.items() if k.startswith(sub)}
            _match(child, below, sub, found, missing, unexpected, meta)


def _assign(module: Any, name: str, target: Tensor, value: Any) -> None:
    """``load_state_dict(assign=True)`` for one member: the value itself becomes it."""
    from nn.parameter import Parameter

    if not isinstance(value, Tensor):
        value = Tensor(_device.to_device(value, target.device))
    if isinstance(target, Parameter):
        if isinstance(value, Parameter):
            value.requires_grad = target.requires_grad
        else:
            value = Parameter(value, requires_grad=target.requires_grad)
        module._parameters[name] = value
    else:
        module._buffers[name] = value
