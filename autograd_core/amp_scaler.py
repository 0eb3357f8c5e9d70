"""Dynamic loss scaling for float16 training: ``GradScaler``, with ``torch.amp.GradScaler``'s
methods, defaults and update rule."""

from __future__ import annotations

import math
from typing import Any

__all__ = ["GradScaler"]

_READY, _UNSCALED, _STEPPED = "ready", "unscaled", "stepped"


class GradScaler:
    """Scale the loss up before backward so that float16 gradients do not underflow, unscale
    the gradients before the optimizer step, and skip the step when they hold inf or NaN.

    The scale starts at ``init_scale``; after a step whose gradients held inf/NaN it is
    multiplied by ``backoff_factor`` (and the step skipped), after ``growth_interval``
    consecutive clean steps by ``growth_factor`` (when the result stays finite).

    The usual loop (PyTorch's)::

        scaler = ac.amp.GradScaler()
        for x, y in loader:
            opt.zero_grad()
            with ac.amp.autocast("cuda"):
                loss = loss_fn(model(x), y)
            scaler.scale(loss).backward()
            scaler.unscale_(opt)          # optional: to clip the true gradients
            scaler.step(opt)              # skipped if a gradient is inf/NaN
            scaler.update()

    The scale lives on the host; finding inf/NaN runs on the gradients' device, and the one
    value brought back per step is that flag (``step`` must know it to skip; PyTorch syncs
    there too).

    Example:
        >>> import autograd_core as ac, optim
        >>> w = ac.ones(2, requires_grad=True)
        >>> opt = optim.SGD([w], lr=0.1)
        >>> scaler = ac.amp.GradScaler(init_scale=4.0)
        >>> scaler.scale((w * w).sum()).backward()
        >>> w.grad                                    # 4 × the true gradient
        tensor([8., 8.])
        >>> scaler.step(opt); scaler.update(); w      # unscaled, then stepped
        tensor([0.8, 0.8], requires_grad=True)
    """

    def __init__(
        self,
        device: str = "cuda",
        init_scale: float = 2.0**16,
        growth_factor: float = 2.0,
        backoff_factor: float = 0.5,
        growth_interval: int = 2000,
        enabled: bool = True,
    ) -> None:
        if not growth_factor > 1.0:
            raise ValueError(f"GradScaler: growth_factor must be > 1, got {growth_factor!r}.")
        if not 0.0 < backoff_factor < 1.0:
            raise ValueError(
                f"GradScaler: backoff_factor must be in (0, 1), got {backoff_factor!r}."
            )
        if int(growth_interval) != growth_interval or growth_interval < 1:
            raise ValueError(
                f"GradScaler: growth_interval must be a positive int, got {growth_interval!r}."
            )
        if not (math.isfinite(init_scale) and init_scale > 0):
            raise ValueError(f"GradScaler: init_scale must be finite and > 0, got {init_scale}.")
        self.device = device
        self._enabled = bool(enabled)
        self._scale = float(init_scale)
        self._growth_factor = float(growth_factor)
        self._backoff_factor = float(backoff_factor)
        self._growth_interval = int(growth_interval)
        self._growth_tracker = 0
        self._per_optimizer: dict[int, dict[str, Any]] = {}

    # -- the loop ----------------------------------------------------------------------------

    def scale(self, outputs: Any) -> Any:
        """``outputs`` times the current scale (a tensor, or a list/tuple of them)."""
        if not self._enabled:
            return outputs
        if isinstance(outputs, (list, tuple)):
            return type(outputs)(self.scale(o) for o in outputs)
        return outputs * self._scale

    def unscale_(self, optimizer: Any) -> None:
        """Divide ``optimizer``'s gradients by the scale, in place, and note whether any holds
        inf/NaN. At most once per optimizer between two ``update()`` calls."""
        if not self._enabled:
            return
        state = self._state(optimizer)
        if state["stage"] == _UNSCALED:
            raise RuntimeError(
                "GradScaler.unscale_: already called on this optimizer since the last update(). "
                "Call it once per step, before step()."
            )
        if state["stage"] == _STEPPED:
            raise RuntimeError(
                "GradScaler.unscale_: called after step(). Unscale before step(), then update()."
            )
        inv = 1.0 / self._scale
        flags = []
        for group in optimizer.param_groups:
            for p in group["params"]:
                g = p.grad
                if g is None:
                    continue
                if g.dtype.kind == "f" and g.dtype.itemsize < 4:
                    raise ValueError(
                        "GradScaler.unscale_: a gradient is float16; keep the parameters float32 "
                        "(autocast casts them per op) so that gradients come back float32. "
                        f"Parameter shape {tuple(p.shape)}."
                    )
                a = g.data
                a *= inv  # in place: the gradient array is the optimizer's to read
                flags.append(~g.xp.isfinite(a).all())
        state["found_inf"] = flags
        state["stage"] = _UNSCALED

    def step(self, optimizer: Any, *args: Any, **kwargs: Any) -> Any:
        """Unscale (unless ``unscale_`` already did), then ``optimizer.step()`` unless a
        gradient holds inf/NaN. Returns what ``optimizer.step`` returned, or None if skipped."""
        if not self._enabled:
            return optimizer.step(*args, **kwargs)
        if "closure" in kwargs or args:
            raise RuntimeError(
                "GradScaler.step: a closure is not supported with an enabled GradScaler "
                "(PyTorch's rule). Compute the loss before step()."
            )
        state = self._state(optimizer)
        if state["stage"] == _STEPPED:
            raise RuntimeError(
                "GradScaler.step: already called since the last update(). Call update() "
                "once per iteration, after step()."
            )
        if state["stage"] == _READY:
            self.unscale_(optimizer)
        state["skipped"] = _any_true(state["found_inf"])  # the one device → host value
        state["stage"] = _STEPPED
        if state["skipped"]:
            return None
        return optimizer.step()

    def update(self, new_scale: float | None = None) -> None:
        """Adjust the scale after the step(s) of this iteration (module docstring's rule), or
        set it to ``new_scale``."""
        if not self._enabled:
            return
        if new_scale is not None:
            if not (math.isfinite(float(new_scale)) and float(new_scale) > 0):
                raise ValueError(f"GradScaler.update: new_scale must be > 0, got {new_scale}.")
            self._scale = float(new_scale)
        else:
            stepped = [s for s in self._per_optimizer.values() if s["stage"] == _STEPPED]
            if not stepped:
                raise RuntimeError(
                    "GradScaler.update: no step() was taken since the last update(). Call "
                    "scaler.step(optimizer) first."
                )
            if any(s["skipped"] for s in stepped):
                self._scale *= self._backoff_factor
                self._growth_tracker = 0
            else:
                self._growth_tracker += 1
                if self._growth_tracker == self._growth_interval:
                    grown = self._scale * self._growth_factor
                    if math.isfinite(grown):
                        self._scale = grown
                    self._growth_tracker = 0
        self._per_optimizer.clear()

    # -- state -------------------------------------------------------------------------------

    def _state(self, optimizer: Any) -> dict[str, Any]:
        return self._per_optimizer.setdefault(
            id(optimizer), {"stage": _READY, "found_inf": [], "skipped": False}
        )

    def is_enabled(self) -> bool:
        return self._enabled

    def get_scale(self) -> float:
        """The current scale (1.0 when disabled)."""
        return self._scale if self._enabled else 1.0

    def get_growth_factor(self) -> float:
        return self._growth_factor

    def get_backoff_factor(self) -> float:
        return self._backoff_factor

    def get_growth_interval(self) -> int:
        return self._growth_interval

    def state_dict(self) -> dict[str, Any]:
        """The scale and its bookkeeping, with PyTorch's keys (empty when disabled)."""
        if not self._enabled:
            return {}
        return {
            "scale": self._scale,
            "growth_factor": self._growth_factor,
            "backoff_factor": self._backoff_factor,
            "growth_interval": self._growth_interval,
            "_growth_tracker": self._growth_tracker,
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        if not self._enabled:
            return
        if not state:
            raise RuntimeError(
                "GradScaler.load_state_dict: the state is empty (saved from a disabled scaler)."
            )
        self._scale = float(state["scale"])
        self._growth_factor = float(state["growth_factor"])
        self._backoff_factor = float(state["backoff_factor"])
        self._growth_interval = int(state["growth_interval"])
        self._growth_tracker = int(state["_growth_tracker"])


def _any_true(flags: list[Any]) -> bool:
    """Whether any of the 0-d boolean arrays is True, with one explicit transfer to the host
    (``.item()``) when they live on a GPU."""
    if not flags:
        return False
    xp_any = flags[0]
    for f in flags[1:]:
        xp_any = xp_any | f
    return bool(xp_any.item())
