"""Training checkpoints: everything ``nn.fit`` needs to resume a run exactly (model, optimizer,
data order, random state, epoch, history and callback state), written atomically by
``nn.save`` and read back without executing code."""

from __future__ import annotations

import os
from typing import Any

from autograd_core import random as _random
from nn.callbacks import callback_states
from nn.data import DataLoader
from nn.module import Module
from nn.serialization import load, save

__all__ = ["save_checkpoint", "load_checkpoint"]


def save_checkpoint(
    path: str | os.PathLike[str],
    model: Module,
    optimizer: Any = None,
    *,
    epoch: int = 0,
    loader: DataLoader | None = None,
    history: Any = None,
    callbacks: Any = None,
    extra: dict[str, Any] | None = None,
) -> None:
    """Write everything needed to resume training exactly: model and optimizer state, the
    epoch, the DataLoader's shuffling state, the default random generator (dropout), the
    history so far, and the state of ``callbacks`` (``Callback.state_dict``). Written
    atomically with ``nn.save``."""
    ckpt: dict[str, Any] = {
        "model": model.state_dict(),
        "epoch": int(epoch),
        "rng": _random.default_generator.get_state(),
    }
    if optimizer is not None:
        ckpt["optimizer"] = optimizer.state_dict()
    if loader is not None:
        ckpt["loader"] = loader.state_dict()
    if history is not None:
        ckpt["history"] = dict(history.history)
    if callbacks:
        ckpt["callbacks"] = callback_states(callbacks)
    if extra:
        ckpt["extra"] = extra
    save(ckpt, path)


def load_checkpoint(
    path: str | os.PathLike[str],
    model: Module,
    optimizer: Any = None,
    loader: DataLoader | None = None,
) -> dict[str, Any]:
    """Restore what ``save_checkpoint`` wrote into ``model``, ``optimizer`` and ``loader`` (and
    the default random generator); returns the checkpoint dict (``ckpt["epoch"]`` …)."""
    ckpt = load(path)
    model.load_state_dict(ckpt["model"])
    if optimizer is not None and "optimizer" in ckpt:
        optimizer.load_state_dict(ckpt["optimizer"])
    if loader is not None and "loader" in ckpt:
        loader.load_state_dict(ckpt["loader"])
    if "rng" in ckpt:
        _random.default_generator.set_state(ckpt["rng"])
    return ckpt
