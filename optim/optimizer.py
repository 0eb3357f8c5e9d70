"""The Optimizer base class: parameter groups, per-parameter state, stepping and checkpoints."""

from __future__ import annotations

import copy
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from autograd_core.device import device_of, get_array_module, to_device
from autograd_core.errors import ShapeError
from autograd_core.grad_mode import enable_grad
from autograd_core.tensor import Tensor
from autograd_core.version import mark_written

__all__ = ["Optimizer", "ParamsT", "required"]

ParamsT = Iterable[Tensor] | Iterable[dict[str, Any]]

# Large NumPy parameters are updated in slices of this many elements, so that the handful of
# temporaries a kernel makes stay in the CPU cache instead of streaming through main memory
# (2-3x faster on a 10M-parameter model). Elementwise kernels give identical bits either way.
_CHUNK = 1 << 18


class _RequiredParameter:
    """Marks a hyperparameter that has no default and must be given by every group."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()


class Optimizer:
    """Base class of all optimizers: owns parameter groups and per-parameter state.

    Parameters are organised in *groups*: each group is a dict with the key ``"params"`` (a list
    of Tensors) and one entry per hyperparameter, so that different parts of a model can use
    different settings. Options missing from a group are filled from ``defaults``. The state of
    each parameter (moment estimates, step counts) lives in ``self.state[param]``, a dict of raw
    arrays on the parameter's device and Python numbers.

    A subclass declares its defaults, validates them, and implements :meth:`_update`, which
    applies one step to one parameter through the subclass's pure array kernel. Updates work on
    ``param.data`` in place and never record graph nodes.

    Args:
        params: an iterable of Tensors, or of dicts defining parameter groups.
        defaults: the default value of every hyperparameter, used for groups that omit it.

    Raises:
        TypeError: ``params`` is a single Tensor, or holds something that is not a Tensor.
        ValueError: ``params`` is empty, a parameter is not a leaf, a parameter is in two
            groups, or a group lacks a required hyperparameter.

    Example:
        >>> import autograd_core as ac
        >>> import optim
        >>> w = ac.tensor([1.0, 2.0], dtype=ac.float64, requires_grad=True)
        >>> b = ac.tensor([0.5], dtype=ac.float64, requires_grad=True)
        >>> opt = optim.SGD([{"params": [w]}, {"params": [b], "lr": 0.5}], lr=0.1)
        >>> [g["lr"] for g in opt.param_groups]
        [0.1, 0.5]
    """

    def __init__(self, params: ParamsT, defaults: dict[str, Any]) -> None:
        self.defaults = dict(defaults)
        self.state: defaultdict[Tensor, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors or "
                f"dicts, but got {type(params).__name__}. Wrap it in a list: [param]."
            )
        groups = list(params)
        if len(groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {group[k]}" for k in sorted(group) if k != "params"]
        lines.append(")")
        return "\n".join(lines)

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters with its own hyperparameters.

        Useful for fine-tuning, where frozen layers are made trainable as training goes on.
        Hyperparameters that the group does not set take the optimizer's defaults.

        Args:
            param_group: a dict with key ``"params"`` (a Tensor or an ordered iterable of
                Tensors) and optionally any hyperparameter of this optimizer.

        Raises:
            TypeError: ``param_group`` is not a dict, ``params`` is a set, or holds a non-Tensor.
            ValueError: see the class docstring.
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, (set, frozenset)):
            raise TypeError(
                "optimizer parameters need to be organized in ordered collections, but the "
                "ordering of tensors in sets will change between runs. Please use a list instead."
            )
        params = list(params)
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(
                    f"optimizer can only optimize Tensors, but one of the params is "
                    f"{type(p).__name__}"
                )
            if not p.is_leaf:
                raise ValueError(
                    "can't optimize a non-leaf Tensor. Optimize the leaf it was computed from, "
                    "or make a new leaf with ac.tensor(t.data, requires_grad=True)."
                )
        group = dict(param_group, params=params)
        for name, default in self.defaults.items():
            if default is required and name not in group:
                raise ValueError(
                    "parameter group didn't specify a value of required optimization "
                    f"parameter {name}"
                )
            group.setdefault(name, default)
        if len({id(p) for p in params}) != len(params):
            warnings.warn(
                "optimizer contains a parameter group with duplicate parameters; each will be "
                "updated once per occurrence",
                stacklevel=3,
            )
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in params):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(group)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of all optimized parameters.

        Args:
            set_to_none: drop the gradients (``p.grad = None``, the default, which saves memory
                and lets the next backward assign instead of accumulate) instead of filling the
                existing gradient arrays with zeros. A parameter whose grad is None is skipped by
                :meth:`step`, whereas a zero gradient still moves it (momentum, weight decay).
        """
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    p.grad.data[...] = 0
                    mark_written(p.grad.data)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient, once.

        Args:
            closure: optional function that clears the gradients, recomputes the loss, calls
                ``backward()`` and returns the loss. It runs with gradient recording enabled.

        Returns:
            The closure's return value, or None without a closure.

        Raises:
            ShapeError: a parameter's gradient does not have the parameter's shape.
        """
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                grad = p.grad.data
                if grad.shape != p.data.shape:
                    raise ShapeError(
                        f"{type(self).__name__}.step: gradient of shape {grad.shape} for a "
                        f"parameter of shape {p.data.shape}. Assign p.grad a tensor of the "
                        "parameter's shape."
                    )
                self._update(p.data, grad, self.state[p], group)
                mark_written(p.data)  # a backward of a graph built before this step now raises
        return loss

    def _update(self, param: Any, grad: Any, state: dict[str, Any], group: dict[str, Any]) -> None:
        """Apply one step to one parameter array in place (implemented by each optimizer)."""
        raise NotImplementedError

    @staticmethod
    def _init_state(state: dict[str, Any], param: Any, *arrays: str | None, **values: Any) -> None:
        """Fill the empty state of a parameter before its first step, in a fixed key order.

        Sets ``state["step"] = 0``, then ``values``, then a zero array of the parameter's shape,
        dtype and device for each name in ``arrays``; a None name (an option that is off, e.g.
        ``"max_exp_avg_sq" if amsgrad else None``) is skipped.
        """
        state["step"] = 0
        state.update(values)
        xp = get_array_module(param)
        for name in arrays:
            if name is not None:
                state[name] = xp.zeros_like(param)

    @staticmethod
    def _run_kernel(
        kernel: Callable[..., None],
        arrays: tuple[Any, ...],
        *,
        chunk: int | None = None,
        **options: Any,
    ) -> None:
        """Call ``kernel(*arrays, **options)``, in cache-sized slices for large NumPy arrays.

        The arrays all have the parameter's shape (None stands for an unused optional array;
        kernels need at least 1-d arrays, so 0-d ones are passed as shape-(1,) views);
        the kernel is elementwise and writes its results into them, so slicing changes the
        speed and never the result. Slicing is used only when every array that the kernel may
        write (all but the gradient, ``arrays[1]``) is C-contiguous, so its flat view aliases it.
        ``chunk`` is the slice length in elements (default ``_CHUNK``).
        """
        chunk = chunk or _CHUNK
        param = arrays[0]
        if param.ndim == 0:
            # Arithmetic on 0-d arrays returns NumPy scalars, which cannot be ``out=`` targets;
            # shape-(1,) views of the same memory can.
            arrays = tuple(None if a is None else a.reshape(1) for a in arrays)
            param = arrays[0]
        if (
            param.size < 2 * chunk
            or get_array_module(param).__name__ != "numpy"
            or not all(a.flags.c_contiguous for a in arrays[:1] + arrays[2:] if a is not None)
        ):
            kernel(*arrays, **options)
            return
        flat = [None if a is None else a.reshape(-1) for a in arrays]
        for start in range(0, param.size, chunk):
            stop = start + chunk
            kernel(*[None if a is None else a[start:stop] for a in flat], **options)

    def state_dict(self) -> dict[str, Any]:
        """Return the optimizer's state as a dict of plain values, for checkpoints.

        Parameters are replaced by their position in the order of ``param_groups``, so the dict
        can be loaded into a new optimizer built over new parameter objects of the same shapes.
        The arrays are copies: later steps do not change a returned state dict.

        Returns:
            ``{"state": {index: {name: value}}, "param_groups": [{..., "params": [indices]}]}``,
            the layout of ``torch.optim.Optimizer.state_dict``.
        """
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            packed = {k: copy.deepcopy(v) for k, v in group.items() if k != "params"}
            for p in group["params"]:
                index.setdefault(id(p), len(index))
            packed["params"] = [index[id(p)] for p in group["params"]]
            groups.append(packed)
        state = {
            index[id(p)]: {k: _copy_value(v) for k, v in s.items()}
            for p, s in self.state.items()
            if s and id(p) in index
        }
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore the state saved by :meth:`state_dict`, so training resumes exactly.

        Hyperparameters are taken from the saved groups. Saved arrays are copied to each
        parameter's device and, when floating point, cast to its dtype.

        Args:
            state_dict: a dict returned by :meth:`state_dict` (possibly after pickling).

        Raises:
            ValueError: the number of groups, or of parameters in a group, differs.
        """
        saved_groups = copy.deepcopy(state_dict["param_groups"])
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                "loaded state dict has a different number of parameter groups "
                f"({len(saved_groups)}) than the optimizer ({len(self.param_groups)})"
            )
        for group, saved in zip(self.param_groups, saved_groups, strict=True):
            if len(group["params"]) != len(saved["params"]):
                raise ValueError(
                    "loaded state dict contains a parameter group that doesn't match the size "
                    f"of optimizer's group ({len(saved['params'])} vs {len(group['params'])} "
                    "parameters)"
                )
        by_index = {
            i: p
            for group, saved in zip(self.param_groups, saved_groups, strict=True)
            for i, p in zip(saved["params"], group["params"], strict=True)
        }
        self.state = defaultdict(dict)
        for i, saved_state in state_dict["state"].items():
            p = by_index[i]
            self.state[p] = {k: _to_param(v, p) for k, v in saved_state.items()}
        for group, saved in zip(self.param_groups, saved_groups, strict=True):
            saved["params"] = group["params"]
        self.param_groups = saved_groups


def _copy_value(value: Any) -> Any:
    """Copy a state value: arrays, and lists of arrays (L-BFGS's history), are copied."""
    if isinstance(value, list):
        return [_copy_value(v) for v in value]
    return value.copy() if hasattr(value, "shape") else value


def _to_param(value: Any, param: Tensor) -> Any:
    """Copy a saved state value next to ``param``: same device, and same dtype if floating.

    Lists (L-BFGS's history of curvature pairs) are converted element by element.
    """
    if isinstance(value, list):
        return [_to_param(v, param) for v in value]
    if not hasattr(value, "shape"):
        return value
    array = to_device(value, device_of(param.data))
    xp = get_array_module(array)
    dtype = param.data.dtype if xp.issubdtype(array.dtype, xp.floating) else array.dtype
    return xp.array(array, dtype=dtype, copy=True)
