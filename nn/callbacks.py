"""Callbacks for ``nn.fit``: the Callback base class, EarlyStopping, ModelCheckpoint,
LambdaCallback, and History (the record ``fit`` returns).

A callback is an object with hooks called by the loop: ``on_train_begin``, ``on_epoch_begin``,
``on_train_batch_begin/end``, ``on_epoch_end`` and ``on_train_end``, each with ``logs`` (a dict
of the metrics so far). To stop training, a callback sets ``self.model.stop_training = True``
(Keras' convention).

A callback that keeps state across epochs (EarlyStopping's patience counter and best value)
returns it from ``state_dict``; checkpoints hold it, and ``fit(..., resume_from=...)`` gives it
back through ``load_state_dict``, so that a resumed run stops where an uninterrupted one would.
"""

from __future__ import annotations

import math
import os
import re
import string
from typing import Any

__all__ = ["Callback", "LambdaCallback", "EarlyStopping", "ModelCheckpoint", "History"]


class Callback:
    """Base class: override the hooks you need. ``fit`` sets ``model``, ``optimizer`` and
    ``params`` (epochs, steps per epoch, verbose, the training DataLoader, and ``metrics``: the
    names each epoch's logs will hold) before training.

    Example:
        >>> import nn
        >>> class PrintLoss(nn.Callback):
        ...     def on_epoch_end(self, epoch, logs=None):
        ...         print(f"epoch {epoch}: loss {logs['loss']:.3f}")
    """

    model: Any = None
    optimizer: Any = None
    params: dict[str, Any]

    def set_context(self, model: Any, optimizer: Any, params: dict[str, Any]) -> None:
        """Called by ``fit`` before training starts."""
        self.model = model
        self.optimizer = optimizer
        self.params = params

    def on_train_begin(self, logs: dict[str, float] | None = None) -> None:
        """Before the first epoch."""

    def on_train_end(self, logs: dict[str, float] | None = None) -> None:
        """After the last epoch (or an early stop)."""

    def on_epoch_begin(self, epoch: int, logs: dict[str, float] | None = None) -> None:
        """Before each epoch (0-based)."""

    def on_epoch_end(self, epoch: int, logs: dict[str, float] | None = None) -> None:
        """After each epoch, with the epoch's training and validation metrics."""

    def on_train_batch_begin(self, batch: int, logs: dict[str, float] | None = None) -> None:
        """Before each training batch."""

    def on_train_batch_end(self, batch: int, logs: dict[str, float] | None = None) -> None:
        """After each training batch, with the running means of the epoch."""

    def state_dict(self) -> dict[str, Any]:
        """What a checkpoint must hold for a resumed ``fit`` to continue as if uninterrupted:
        numbers, strings, arrays, and lists or dicts of them. None by default (no state)."""
        return {}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Take back what ``state_dict`` returned; ``fit`` calls it after ``on_train_begin``
        when resuming from a checkpoint."""


class LambdaCallback(Callback):
    """A callback from plain functions: ``LambdaCallback(on_epoch_end=lambda e, logs: ...)``."""

    def __init__(self, **hooks: Any) -> None:
        allowed = {
            "on_train_begin",
            "on_train_end",
            "on_epoch_begin",
            "on_epoch_end",
            "on_train_batch_begin",
            "on_train_batch_end",
        }
        unknown = set(hooks) - allowed
        if unknown:
            raise TypeError(
                f"LambdaCallback: unknown hooks {sorted(unknown)}; use {sorted(allowed)}."
            )
        for name, fn in hooks.items():
            setattr(self, name, fn)


def _require_logged(api: str, needed: str, params: dict[str, Any], use: str) -> None:
    """A KeyError at the start of ``fit`` if ``needed`` is not among the metrics it will log
    (``params["metrics"]``, set by ``fit``), rather than after a whole epoch."""
    logged = params.get("metrics")
    if logged is None or needed in logged:
        return
    hint = (
        "Pass validation_split or validation_data to fit to get val_* metrics."
        if needed.startswith("val_")
        else "Add it to fit's metrics, or name one that is logged."
    )
    raise KeyError(
        f"{api}: {use} needs the metric {needed!r}, which this fit will not log; it logs "
        f"{sorted(logged)}. {hint}"
    )


def _filepath_fields(filepath: str) -> list[str]:
    """The names a ``str.format`` template uses: ``'ckpt-{epoch:02d}-{val_loss}'`` →
    ``['epoch', 'val_loss']``; a positional field (``{}`` or ``{0}``) raises ValueError."""
    try:
        parsed = list(string.Formatter().parse(filepath))
    except ValueError as e:
        raise ValueError(
            f"ModelCheckpoint: the filepath {filepath!r} is not a valid format template ({e}). "
            "Write a literal brace as '{{' or '}}', and fields as {epoch:02d} or {val_loss:.3f}."
        ) from None
    names = []
    for _, field, _, _ in parsed:
        if field is None:
            continue
        name = re.split(r"[.\[]", field, maxsplit=1)[0]
        if not name or name.isdigit():
            raise ValueError(
                f"ModelCheckpoint: the filepath {filepath!r} has a positional field "
                f"{{{field}}}; fields are named after the epoch or a logged metric. Write e.g. "
                "'ckpt-{epoch:02d}-{val_loss:.3f}.npz'."
            )
        names.append(name)
    return names


def _mode(monitor: str, mode: str) -> str:
    if mode not in ("auto", "min", "max"):
        raise ValueError(f"mode must be 'auto', 'min' or 'max', got {mode!r}.")
    if mode != "auto":
        return mode
    return "max" if any(k in monitor for k in ("acc", "auc", "precision", "recall")) else "min"


def _improved(current: float, best: float, mode: str, min_delta: float) -> bool:
    if mode == "min":
        return current < best - min_delta
    return current > best + min_delta


class EarlyStopping(Callback):
    """Stop training when a monitored metric has stopped improving (the course notes' early
    stopping: keep a validation set, watch its error, stop before it grows).

    Args:
        monitor: the metric to watch (``'val_loss'``, ``'val_accuracy'`` …).
        min_delta: the smallest change that counts as an improvement.
        patience: epochs without improvement before stopping.
        mode: ``'min'``, ``'max'``, or ``'auto'`` (max for accuracies, min otherwise).
        baseline: stop if the metric does not beat this value within ``patience`` epochs.
        restore_best_weights: at the end of training, load the weights of the best epoch.
        start_from_epoch: epochs of warm-up before improvement is tracked.

    Attributes:
        stopped_epoch: the epoch at which training stopped (0 if it did not stop early).
        best: the best value seen; best_epoch: its epoch.
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        min_delta: float = 0.0,
        patience: int = 0,
        mode: str = "auto",
        baseline: float | None = None,
        restore_best_weights: bool = False,
        start_from_epoch: int = 0,
        verbose: int = 0,
    ) -> None:
        self.monitor = monitor
        self.min_delta = abs(min_delta)
        self.patience = patience
        self.mode = _mode(monitor, mode)
        self.baseline = baseline
        self.restore_best_weights = restore_best_weights
        self.start_from_epoch = start_from_epoch
        self.verbose = verbose

    def on_train_begin(self, logs: dict[str, float] | None = None) -> None:
        _require_logged("EarlyStopping", self.monitor, getattr(self, "params", {}), "monitor")
        self.wait = 0
        self.stopped_epoch = 0
        self.best = math.inf if self.mode == "min" else -math.inf
        self.best_epoch = 0
        self.best_weights: dict[str, Any] | None = None

    def on_epoch_end(self, epoch: int, logs: dict[str, float] | None = None) -> None:
        logs = logs or {}
        if self.monitor not in logs:
            raise KeyError(
                f"EarlyStopping: metric {self.monitor!r} is not available; logged metrics are "
                f"{sorted(logs)}. Pass validation_split or validation_data to fit to get "
                "val_* metrics."
            )
        if epoch < self.start_from_epoch:
            return
        current = float(logs[self.monitor])
        self.wait += 1
        if _improved(current, self.best, self.mode, self.min_delta):
            self.best, self.best_epoch = current, epoch
            if self.restore_best_weights:
                self.best_weights = {k: v.data.copy() for k, v in self.model.state_dict().items()}
            if self.baseline is None or _improved(current, self.baseline, self.mode, 0.0):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def state_dict(self) -> dict[str, Any]:
        return {
            "wait": self.wait,
            "stopped_epoch": self.stopped_epoch,
            "best": self.best,
            "best_epoch": self.best_epoch,
            "best_weights": self.best_weights,
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.wait = int(state["wait"])
        self.stopped_epoch = int(state["stopped_epoch"])
        self.best = float(state["best"])
        self.best_epoch = int(state["best_epoch"])
        self.best_weights = state["best_weights"]

    def on_train_end(self, logs: dict[str, float] | None = None) -> None:
        if self.restore_best_weights and self.best_weights is not None:
            self.model.load_state_dict(self.best_weights)
        if self.stopped_epoch and self.verbose:
            print(
                f"Epoch {self.stopped_epoch + 1}: early stopping (best {self.monitor} "
                f"{self.best:.4g} at epoch {self.best_epoch + 1})"
            )


class ModelCheckpoint(Callback):
    """Save a checkpoint (model, optimizer, data-order and random state, epoch, history, and
    the state of the other callbacks) at the end of epochs, atomically, with ``nn.save``;
    ``nn.fit(..., resume_from=path)`` resumes from it exactly. ``fit`` runs ModelCheckpoint
    callbacks after all others at the end of an epoch, so that the state it saves includes
    that epoch's update of every other callback (an EarlyStopping counter, for example).

    Args:
        filepath: the file, possibly with fields from the epoch and logs, like
            ``"ckpt-{epoch:02d}-{val_loss:.3f}.npz"`` (epoch counts from 1).
        monitor: the metric deciding "best" when ``save_best_only``.
        save_best_only: only save when the monitored metric improves.
        mode: ``'min'``, ``'max'`` or ``'auto'``.
        save_freq: save every this many epochs.
    """

    def __init__(
        self,
        filepath: str | os.PathLike[str],
        monitor: str = "val_loss",
        save_best_only: bool = False,
        mode: str = "auto",
        save_freq: int = 1,
        verbose: int = 0,
    ) -> None:
        self.filepath = os.fspath(filepath)
        if self.filepath.lower().endswith(".safetensors"):
            raise ValueError(
                f"ModelCheckpoint: {self.filepath!r} is a .safetensors path, but a training "
                "checkpoint also holds the optimizer, epoch and random state, which safetensors "
                "cannot. Use a .npz path (refused now rather than after the first epoch)."
            )
        self.monitor = monitor
        self.save_best_only = save_best_only
        self.mode = _mode(monitor, mode)
        self.save_freq = save_freq
        self.verbose = verbose
        self.best = math.inf if self.mode == "min" else -math.inf
        self.history: Any = None
        self._fields = _filepath_fields(self.filepath)

    def on_train_begin(self, logs: dict[str, float] | None = None) -> None:
        params = getattr(self, "params", {})
        for name in self._fields:
            if name != "epoch":
                _require_logged("ModelCheckpoint", name, params, f"the filepath {self.filepath!r}")
        if self.save_best_only:
            _require_logged("ModelCheckpoint", self.monitor, params, "monitor (save_best_only)")

    def state_dict(self) -> dict[str, Any]:
        return {"best": self.best} if self.save_best_only else {}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.best = float(state["best"])

    def on_epoch_end(self, epoch: int, logs: dict[str, float] | None = None) -> None:
        from nn.checkpoints import save_checkpoint

        logs = logs or {}
        if (epoch + 1) % self.save_freq:
            return
        if self.save_best_only:
            if self.monitor not in logs:
                raise KeyError(
                    f"ModelCheckpoint: metric {self.monitor!r} is not available; "
                    f"logged metrics are {sorted(logs)}."
                )
            current = float(logs[self.monitor])
            if not _improved(current, self.best, self.mode, 0.0):
                return
            self.best = current
        path = self.filepath.format(epoch=epoch + 1, **logs)
        save_checkpoint(
            path,
            self.model,
            self.optimizer,
            epoch=epoch + 1,
            loader=self.params.get("loader"),
            history=self.params.get("history"),
            callbacks=self.params.get("callbacks"),
        )
        if self.verbose:
            print(f"Epoch {epoch + 1}: saved checkpoint to {path}")


class History(Callback):
    """The per-epoch record returned by ``fit``: ``history.history["val_loss"][e]``.

    Attributes:
        history: metric name → list of per-epoch values.
        epoch: the epoch numbers (0-based) recorded.
    """

    def __init__(self) -> None:
        self.history: dict[str, list[float]] = {}
        self.epoch: list[int] = []

    def on_epoch_end(self, epoch: int, logs: dict[str, float] | None = None) -> None:
        self.epoch.append(epoch)
        for k, v in (logs or {}).items():
            self.history.setdefault(k, []).append(float(v))

    def plot(
        self, path: str | os.PathLike[str] = "history.png", metrics: list[str] | None = None
    ) -> str:
        """Draw each metric (training and ``val_`` curves together) against the epoch and
        write a PNG to ``path`` with matplotlib; returns the path."""
        import matplotlib

        if matplotlib.get_backend().lower() not in (
            "agg",
            "module://matplotlib_inline.backend_inline",
        ):
            matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        names = metrics or [k for k in self.history if not k.startswith("val_")]
        fig, axes = plt.subplots(
            1, max(len(names), 1), figsize=(5 * max(len(names), 1), 3.5), squeeze=False
        )
        epochs = [e + 1 for e in self.epoch]
        for ax, name in zip(axes[0], names):
            ax.plot(epochs, self.history[name], label=name)
            if "val_" + name in self.history:
                ax.plot(epochs, self.history["val_" + name], label="val_" + name)
            ax.set_xlabel("epoch")
            ax.set_ylabel(name)
            ax.legend()
            ax.grid(alpha=0.3)
        fig.tight_layout()
        path = os.fspath(path)
        fig.savefig(path, dpi=100)
        plt.close(fig)
        return path

    def __repr__(self) -> str:
        last = {k: round(v[-1], 4) for k, v in self.history.items() if v}
        return f"History(epochs={len(self.epoch)}, last={last})"
