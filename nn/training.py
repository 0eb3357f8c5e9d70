"""A Keras-style training loop: ``fit``, ``evaluate``, ``predict`` and metrics (``compile``, in
nn/trainer.py, attaches them to a model); ``fit(resume_from=...)`` continues from a checkpoint
of nn/checkpoints.py exactly.

``fit`` is the course notes' workflow (``compile / fit / evaluate`` with ``validation_split``)
written as one function over a PyTorch-style model, loss and optimizer::

    history = nn.fit(model, nn.CrossEntropyLoss(), optim.Adam(model.parameters()),
                     x, y, epochs=20, batch_size=32, validation_split=0.2,
                     metrics=["accuracy"], callbacks=[nn.EarlyStopping(patience=3)])
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from autograd_core.device import to_device
from autograd_core.grad_mode import no_grad
from autograd_core.random import Generator
from autograd_core.tensor import Tensor
from nn.callbacks import Callback, History, ModelCheckpoint
from nn.checkpoints import load_checkpoint, restore_callback_states
from nn.data import DataLoader, TensorDataset, model_device, move_batch
from nn.module import Module
from nn.utils.clip_grad import clip_grad_norm_

__all__ = [
    "fit",
    "evaluate",
    "predict",
    "accuracy",
]


# -- metrics -----------------------------------------------------------------------------------


def accuracy(output: Tensor, target: Any, threshold: float = 0.5) -> float:
    """The fraction of correct predictions. For outputs (N, C) with C > 1 the prediction is the
    argmax (targets are class indices, or one-hot/probabilities whose argmax is taken); for
    (N,) or (N, 1) outputs it is ``output > threshold`` (0.5 for probabilities, 0 for logits).

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.accuracy(ac.tensor([[2.0, 1.0], [0.0, 3.0]]), ac.tensor([0, 0]))
        0.5
    """
    out = output.data
    t = target.data if isinstance(target, Tensor) else target
    xp = output.xp
    t = xp.asarray(t)
    if out.ndim >= 2 and out.shape[1] > 1:
        pred = out.argmax(axis=1)
        if t.ndim == out.ndim and t.dtype.kind == "f" and t.shape[1] == out.shape[1]:
            t = t.argmax(axis=1)
        elif t.size == pred.size:  # (N, 1) class indices, Keras' usual label shape
            t = t.reshape(pred.shape)
    else:
        pred = (
            (out.reshape(out.shape[0], -1)[:, 0] > threshold).astype(xp.int64)
            if out.ndim
            else out > threshold
        )
        t = t.reshape(pred.shape).astype(xp.int64) if t.size == pred.size else t
    return float(to_device((pred == t).mean(), "cpu")) if pred.size else 0.0


def _mae(output: Tensor, target: Any) -> float:
    t = target.data if isinstance(target, Tensor) else target
    return float(to_device(abs(output.data - t.reshape(output.shape)).mean(), "cpu"))


def _mse(output: Tensor, target: Any) -> float:
    t = target.data if isinstance(target, Tensor) else target
    d = output.data - t.reshape(output.shape)
    return float(to_device((d * d).mean(), "cpu"))


def _is_logit_loss(loss_fn: Any) -> bool:
    from nn.losses import BCEWithLogitsLoss
    from nn.losses_functional import binary_cross_entropy_with_logits
    from nn.losses_keras import BinaryCrossentropy

    return (
        isinstance(loss_fn, BCEWithLogitsLoss)
        or loss_fn is binary_cross_entropy_with_logits
        or (isinstance(loss_fn, BinaryCrossentropy) and loss_fn.from_logits)
    )


def _metric_fns(metrics: Sequence[Any] | None, loss_fn: Any) -> dict[str, Callable[..., float]]:
    out: dict[str, Callable[..., float]] = {}
    threshold = 0.0 if _is_logit_loss(loss_fn) else 0.5
    for m in metrics or []:
        if m in ("accuracy", "acc"):
            out["accuracy"] = lambda o, t: accuracy(o, t, threshold)
        elif m in ("mae", "mean_absolute_error"):
            out["mae"] = _mae
        elif m in ("mse", "mean_squared_error"):
            out["mse"] = _mse
        elif callable(m):
            out[getattr(m, "__name__", type(m).__name__)] = m
        else:
            raise ValueError(
                f"fit: unknown metric {m!r}; use 'accuracy', 'mae', 'mse' or a "
                "function (output, target) -> float."
            )
    return out


# -- data --------------------------------------------------------------------------------------


def _as_tensor(a: Any) -> Tensor:
    if isinstance(a, Tensor):
        return a
    import autograd_core as ac

    return ac.tensor(a)


def _split(x: Tensor, y: Tensor, fraction: float) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    if not 0.0 < fraction < 1.0:
        raise ValueError(f"fit: validation_split must be in (0, 1), got {fraction!r}.")
    n = x.shape[0]
    n_val = int(math.ceil(n * fraction)) if n else 0
    cut = n - n_val
    if cut <= 0 or n_val <= 0:
        raise ValueError(
            f"fit: validation_split={fraction} leaves no training or no "
            f"validation samples out of {n}."
        )
    return (Tensor(x.data[:cut]), Tensor(y.data[:cut]), Tensor(x.data[cut:]), Tensor(y.data[cut:]))


def _loader(
    x: Any, y: Any, batch_size: int | None, shuffle: bool, generator: Generator | None, device: Any
) -> DataLoader:
    if isinstance(x, DataLoader):
        return x
    x, y = move_batch((_as_tensor(x), _as_tensor(y)), device)  # once, not once per batch
    if x.shape[0] != y.shape[0]:
        raise ValueError(
            f"fit: x has {x.shape[0]} samples but y has {y.shape[0]}; they must "
            "have the same first dimension."
        )
    return DataLoader(
        TensorDataset(x, y), batch_size=batch_size or 32, shuffle=shuffle, generator=generator
    )


class _Progress:
    """A tqdm bar per epoch (verbose=1), one printed line per epoch (verbose=2), or nothing."""

    def __init__(self, verbose: int, total: int, epoch: int, epochs: int) -> None:
        self.verbose = verbose
        self.bar = None
        self.desc = f"Epoch {epoch + 1}/{epochs}"
        if verbose == 1:
            try:
                from tqdm import tqdm

                self.bar = tqdm(
                    total=total,
                    desc=self.desc,
                    unit="batch",
                    leave=True,
                    file=sys.stdout,
                    dynamic_ncols=True,
                )
            except ImportError:  # pragma: no cover
                self.verbose = 2

    def update(self, logs: dict[str, float]) -> None:
        if self.bar is not None:
            self.bar.update(1)
            self.bar.set_postfix({k: f"{v:.4g}" for k, v in logs.items()}, refresh=False)

    def close(self, logs: dict[str, float]) -> None:
        text = " - ".join(f"{k}: {v:.4g}" for k, v in logs.items())
        if self.bar is not None:
            self.bar.set_postfix({k: f"{v:.4g}" for k, v in logs.items()}, refresh=True)
            self.bar.close()
        elif self.verbose >= 1:
            print(f"{self.desc} - {text}", flush=True)


# -- the loop ----------------------------------------------------------------------------------


def fit(
    model: Module,
    loss_fn: Callable[[Tensor, Any], Tensor],
    optimizer: Any,
    x: Any = None,
    y: Any = None,
    *,
    epochs: int = 1,
    batch_size: int | None = 32,
    validation_split: float = 0.0,
    validation_data: tuple[Any, Any] | None = None,
    metrics: Sequence[Any] | None = None,
    callbacks: Sequence[Callback] | None = None,
    verbose: int = 1,
    shuffle: bool = True,
    generator: Generator | None = None,
    initial_epoch: int = 0,
    penalty: Callable[[Module], Tensor] | None = None,
    resume_from: str | os.PathLike[str] | None = None,
    clip_grad_norm: float | None = None,
) -> History:
    """Train ``model`` for ``epochs`` passes over (x, y) in mini-batches, Keras-style.

    Each step: ``optimizer.zero_grad(); loss = loss_fn(model(xb), yb) [+ penalty(model)];
    loss.backward(); optimizer.step()``. A loss that is NaN or infinite raises
    FloatingPointError before ``backward``, so the weights keep their last finite values. After
    each epoch the validation data (if any) are evaluated in eval mode without gradients, the
    callbacks run, and the epoch's metrics are appended to the returned History.

    Args:
        model, loss_fn, optimizer: what to train, how to score it, how to update it.
        x, y: training inputs and targets (Tensors or arrays), or a DataLoader as ``x``;
            moved to the model's device (x and y once, a DataLoader's batches one by one).
        epochs: the epoch to stop at (counting from 0, so ``initial_epoch=2, epochs=5`` runs
            epochs 3, 4 and 5), as in Keras.
        batch_size: samples per gradient step.
        validation_split: the fraction of (x, y) held out for validation, taken from the
            *end* of the data before any shuffling (Keras' rule).
        validation_data: an explicit (x_val, y_val) pair (overrides validation_split).
        metrics: ``'accuracy'``, ``'mae'``, ``'mse'`` or functions ``(output, target) ->
            float``; reported per epoch, with ``val_`` versions on the validation data.
        callbacks: EarlyStopping, ModelCheckpoint, LambdaCallback or your own Callback.
        verbose: 0 silent, 1 a tqdm progress bar per epoch, 2 one line per epoch.
        shuffle: reshuffle the training data every epoch.
        generator: the random source of the shuffling (saved in checkpoints).
        initial_epoch: the epoch to start from (when resuming).
        penalty: a function of the model added to every batch loss, e.g.
            ``lambda m: nn.l2_penalty(m, 1e-4)``.
        resume_from: a checkpoint written by ModelCheckpoint or save_checkpoint: model,
            optimizer, data order, random state, epoch, history and the callbacks' state
            (pass the same callbacks) are restored first, so the run continues exactly as if
            it had not been interrupted.
        clip_grad_norm: if given, ``nn.utils.clip_grad_norm_(model.parameters(), value)``
            between ``backward`` and ``step`` (the usual guard for recurrent networks).

    Returns:
        History with ``history.history[name]`` per epoch (``loss``, metrics, ``val_*``).
    """
    if validation_data is None and validation_split and not isinstance(x, DataLoader):
        x, y = _as_tensor(x), _as_tensor(y)
        x, y, xv, yv = _split(x, y, validation_split)
        validation_data = (xv, yv)
    device = model_device(model)  # batches go where the model is (Keras' rule)
    loader = _loader(x, y, batch_size, shuffle, generator, device)
    history = History()
    ckpt = None
    if resume_from is not None:
        ckpt = load_checkpoint(resume_from, model, optimizer, loader)
        initial_epoch = int(ckpt.get("epoch", initial_epoch))
        history.history = {k: list(v) for k, v in ckpt.get("history", {}).items()}
        history.epoch = list(range(len(next(iter(history.history.values()), []))))
    metric_fns = _metric_fns(metrics, loss_fn)
    # Checkpoints are written last, once every other callback has seen the epoch (Lightning
    # orders its checkpoint callbacks the same way).
    given = list(callbacks or [])
    saving = [cb for cb in given if isinstance(cb, ModelCheckpoint)]
    cbs: list[Callback] = [history, *(cb for cb in given if cb not in saving), *saving]
    logged = ["loss", *metric_fns]
    params = {
        "epochs": epochs,
        "steps": len(loader),
        "verbose": verbose,
        "loader": loader,
        "history": history,
        "callbacks": cbs,
        # what each epoch's logs will hold, so callbacks can refuse a missing metric up front
        "metrics": logged + ([f"val_{k}" for k in logged] if validation_data is not None else []),
    }
    for cb in cbs:
        cb.set_context(model, optimizer, params)
    model.stop_training = False
    logs: dict[str, float] = {}
    for cb in cbs:
        cb.on_train_begin(logs)
    if ckpt is not None:
        restore_callback_states(cbs, ckpt.get("callbacks", {}))
    for epoch in range(initial_epoch, epochs):
        for cb in cbs:
            cb.on_epoch_begin(epoch, logs)
        model.train()
        progress = _Progress(verbose, len(loader), epoch, epochs)
        sums: dict[str, float] = {"loss": 0.0, **{k: 0.0 for k in metric_fns}}
        seen = 0
        for b, (xb, yb) in enumerate(loader):
            xb, yb = move_batch((xb, yb), device)
            for cb in cbs:
                cb.on_train_batch_begin(b, logs)
            optimizer.zero_grad()
            out = model(xb)
            loss = loss_fn(out, yb)
            if penalty is not None:
                loss = loss + penalty(model)
            value = float(loss.item())
            if not math.isfinite(value):  # before backward and step: the weights stay as they were
                progress.close({"loss": value})
                raise FloatingPointError(
                    f"fit: the loss became {value} at epoch {epoch + 1}, batch {b + 1}; the "
                    "model's weights were left as they were before this batch. Lower the "
                    "learning rate, standardise the inputs (and look for NaN or inf in them), or "
                    "use a loss on logits (BCEWithLogitsLoss, CrossEntropyLoss)."
                )
            loss.backward()
            if clip_grad_norm is not None:
                clip_grad_norm_(model.parameters(), clip_grad_norm)
            optimizer.step()
            n = xb.shape[0]
            seen += n
            sums["loss"] += value * n
            with no_grad():
                for k, fn in metric_fns.items():
                    sums[k] += float(fn(out.detach(), yb)) * n
            logs = {k: v / seen for k, v in sums.items()}
            progress.update(logs)
            for cb in cbs:
                cb.on_train_batch_end(b, logs)
        if validation_data is not None:
            val = evaluate(
                model, loss_fn, *validation_data, batch_size=batch_size, metrics=list(metrics or [])
            )
            logs.update({f"val_{k}": v for k, v in val.items()})
        progress.close(logs)
        for cb in cbs:
            cb.on_epoch_end(epoch, dict(logs))
        if model.stop_training:
            break
    for cb in cbs:
        cb.on_train_end(logs)
    return history


def evaluate(
    model: Module,
    loss_fn: Callable[[Tensor, Any], Tensor],
    x: Any,
    y: Any,
    *,
    batch_size: int | None = 32,
    metrics: Sequence[Any] | None = None,
    verbose: int = 0,
) -> dict[str, float]:
    """The mean loss and metrics of ``model`` on (x, y), in eval mode and without gradients
    (the model's previous mode is restored). Returns ``{"loss": …, "accuracy": …}``."""
    x, y = move_batch((_as_tensor(x), _as_tensor(y)), model_device(model))
    metric_fns = _metric_fns(metrics, loss_fn)
    was_training = model.training
    model.eval()
    sums = {"loss": 0.0, **{k: 0.0 for k in metric_fns}}
    n_total = x.shape[0]
    step = batch_size or n_total or 1
    try:
        with no_grad():
            for start in range(0, n_total, step):
                xb, yb = Tensor(x.data[start : start + step]), Tensor(y.data[start : start + step])
                out = model(xb)
                n = xb.shape[0]
                sums["loss"] += float(loss_fn(out, yb).item()) * n
                for k, fn in metric_fns.items():
                    sums[k] += float(fn(out, yb)) * n
    finally:
        model.train(was_training)
    result = {k: v / max(n_total, 1) for k, v in sums.items()}
    if verbose:
        print(" - ".join(f"{k}: {v:.4g}" for k, v in result.items()))
    return result


def predict(model: Module, x: Any, *, batch_size: int | None = 256) -> Tensor:
    """``model(x)`` in eval mode, without gradients, batch by batch; the outputs concatenated."""
    x = _as_tensor(x)
    was_training = model.training
    model.eval()
    outs = []
    step = batch_size or x.shape[0] or 1
    try:
        with no_grad():
            for start in range(0, x.shape[0], step):
                outs.append(model(Tensor(x.data[start : start + step])).data)
    finally:
        model.train(was_training)
    xp = x.xp
    if not outs:
        return Tensor(xp.zeros((0,), x.dtype))
    return Tensor(xp.concatenate(outs, axis=0))
