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

__all__ = ["IncompatibleKeys", "ModuleStateMixin"]


class IncompatibleKeys(NamedTuple):
    """What ``load_state_dict`` did not match: keys the model expected and keys it ignored."""

    missing_keys: list[str]
    unexpected_keys: list[str]


class ModuleStateMixin:
    """The state and conversion methods of :class:`~nn.module.Module`: ``state_dict``,
    ``load_state_dict``, ``to``, ``float``, ``double``, ``cpu`` and ``cuda``."""

    # -- state ---------------------------------------------------------------------------

    def state_dict(self, prefix: str = "", keep_vars: bool = False) -> OrderedDict[str, Tensor]:
        """Every parameter and persistent buffer by dotted name, as detached Tensors that
        share memory with the module (copy them, or ``nn.save`` them, to keep a snapshot).

        Example:
            >>> import nn
            >>> list(nn.Linear(2, 3).state_dict())
            ['weight', 'bias']
        """
        out: OrderedDict[str, Tensor] = OrderedDict()
        for mod_prefix, m in self.named_modules(prefix=prefix.rstrip(".")):
            for k, p in m._parameters.items():
                if p is not None:
                    key = f"{mod_prefix}.{k}" if mod_prefix else k
                    # a lazy module's UninitializedParameter is returned as it is (PyTorch)
                    out[key] = p if keep_vars or is_lazy(p) else p.detach()
            for k, b in m._buffers.items():
                if b is not None and k not in m._non_persistent:
                    key = f"{mod_prefix}.{k}" if mod_prefix else k
                    out[key] = b if keep_vars else b.detach()
        return out

    def load_state_dict(self, state_dict: Any, strict: bool = True) -> IncompatibleKeys:
        """Copy values from ``state_dict`` into this module's parameters and buffers, in place.

        Values may be Tensors or arrays; they are cast to each parameter's dtype and device.
        The parameter objects stay the same, so an optimizer built on them keeps working.

        Args:
            state_dict: a mapping from dotted names to values, as ``state_dict()`` returns.
            strict: raise if a key is missing or unexpected (shapes must match either way).

        Returns:
            ``IncompatibleKeys(missing_keys, unexpected_keys)``.

        Raises:
            TypeError: ``state_dict`` is not a mapping (a list of tensors, say).
            KeyError: with ``strict=True``, keys are missing or unexpected (both listed).
            ShapeError: a value's shape differs from the parameter's (key and shapes named).
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(
                f"load_state_dict ({type(self).__name__}): expected a mapping from dotted names "
                f"to values, as state_dict() returns; got {type(state_dict).__name__}. For "
                "values listed in the order of state_dict(), pass "
                "dict(zip(model.state_dict(), values))."
            )
        own = self.state_dict(keep_vars=True)
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        if strict and (missing or unexpected):
            raise KeyError(
                f"load_state_dict ({type(self).__name__}): keys do not match. Missing: "
                f"{missing}. Unexpected: {unexpected}. Pass strict=False to load the keys that "
                "match, or check that the checkpoint was made from the same architecture."
            )
        mismatched = []
        for k, target in own.items():
            if k not in state_dict:
                continue
            value = state_dict[k]
            if is_lazy(value) and not is_lazy(target):
                value.shape  # noqa: B018  (raises UninitializedError, as PyTorch refuses)
            if is_lazy(target):
                if not is_lazy(value):  # a lazy module takes the checkpoint's shapes
                    target.materialize(tuple(getattr(value, "shape", ())))
                continue
            array = value.data if isinstance(value, Tensor) else value
            shape = tuple(getattr(array, "shape", ()))
            if shape != tuple(target.shape):
                mismatched.append(f"{k!r}: checkpoint {shape} vs model {tuple(target.shape)}")
        if mismatched:
            raise ShapeError(
                f"load_state_dict ({type(self).__name__}): shape mismatch for "
                f"{'; '.join(mismatched)}. The checkpoint was made from a model with different "
                "layer sizes."
            )
        for k, target in own.items():
            if k in state_dict and not is_lazy(target):
                value = state_dict[k]
                array = value.data if isinstance(value, Tensor) else value
                array = _device.to_device(array, target.device)
                xp = target.xp
                target.data[...] = xp.asarray(array).astype(target.dtype, copy=False)
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
