"""Training checkpoints: everything ``nn.fit`` needs to resume a run exactly (model, optimizer,
data order, random state, epoch, history and callback state), written atomically by
``nn.save`` and read back without executing code."""

from __future__ import annotations

import os
from typing import Any

from autograd_core import random as _random
from nn.callbacks import Callback, History
from nn.data import DataLoader
from nn.module import Module
from nn.serialization import DEFAULT_MAX_BYTES, CheckpointError, load, save

__all__ = ["save_checkpoint", "load_checkpoint", "callback_states", "restore_callback_states"]


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
    atomically with ``nn.save`` as ``.npz`` (a ``.safetensors`` file holds tensors only).

    Raises:
        ValueError: ``path`` ends in ``.safetensors``.
    """
    if os.fspath(path).lower().endswith(".safetensors"):
        raise ValueError(
            f"save_checkpoint: {os.fspath(path)!r} is a .safetensors path, but a training "
            "checkpoint also holds the optimizer, epoch and random state, which safetensors "
            "cannot. Use a .npz path, or nn.save(model.state_dict(), path) for weights alone."
        )
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
    *,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
) -> dict[str, Any]:
    """Restore what ``save_checkpoint`` wrote into ``model``, ``optimizer`` and ``loader`` (and
    the default random generator); returns the checkpoint dict (``ckpt["epoch"]`` …).
    ``max_bytes`` caps what the file may hold, as in ``nn.load``.

    Raises:
        CheckpointError: the file is corrupt, or is not a training checkpoint (no ``"model"``).
    """
    ckpt = load(path, max_bytes=max_bytes)
    if not isinstance(ckpt, dict) or not isinstance(ckpt.get("model"), dict):
        keys = sorted(map(str, ckpt))[:8] if isinstance(ckpt, dict) else type(ckpt).__name__
        raise CheckpointError(
            f"load_checkpoint: {os.fspath(path)!r} is not a training checkpoint: it holds "
            f"{keys}, not a 'model' state dict. Write one with save_checkpoint or "
            "ModelCheckpoint; for a file of weights alone, call "
            "model.load_state_dict(nn.load(path))."
        )
    model.load_state_dict(ckpt["model"])
    if optimizer is not None and "optimizer" in ckpt:
        optimizer.load_state_dict(ckpt["optimizer"])
    if loader is not None and "loader" in ckpt:
        loader.load_state_dict(ckpt["loader"])
    if "rng" in ckpt:
        try:
            _random.default_generator.set_state(ckpt["rng"])
        except (TypeError, ValueError, KeyError) as e:
            raise CheckpointError(
                f"load_checkpoint: {os.fspath(path)!r}: the saved random state is malformed "
                f"({type(e).__name__}: {e}); the file is corrupt. Use an earlier checkpoint."
            ) from e
    return ckpt


def callback_states(callbacks: Any) -> dict[str, dict[str, Any]]:
    """The non-empty ``state_dict`` of each callback, keyed by class name (``"EarlyStopping"``;
    a second callback of the same class is ``"EarlyStopping#2"``). History is left out: the
    checkpoint holds it under its own key."""
    return {
        key: state
        for key, cb in _keyed(callbacks)
        if not isinstance(cb, History) and (state := cb.state_dict())
    }


def restore_callback_states(callbacks: Any, states: dict[str, dict[str, Any]]) -> None:
    """Give each callback its state from a checkpoint (matched by ``callback_states``' keys).
    Warns about states no callback takes and callbacks with state that the checkpoint lacks:
    those start fresh, so the resumed run may differ from an uninterrupted one."""
    import warnings

    keyed = dict(_keyed(callbacks))
    for key, state in states.items():
        if key in keyed:
            keyed[key].load_state_dict(state)
    unused = sorted(set(states) - set(keyed))
    fresh = sorted(key for key, cb in keyed.items() if key not in states and cb.state_dict())
    if unused or fresh:
        warnings.warn(
            "fit(resume_from=...): "
            + (
                f"the checkpoint holds state for {unused}, which no callback passed to fit takes; "
                if unused
                else ""
            )
            + (f"{fresh} find no state in the checkpoint and start fresh; " if fresh else "")
            + "pass the same callbacks as the interrupted run to resume it exactly.",
            stacklevel=3,
        )


def _keyed(callbacks: Any) -> list[tuple[str, Callback]]:
    seen: dict[str, int] = {}
    out = []
    for cb in callbacks or ():
        name = type(cb).__name__
        seen[name] = seen.get(name, 0) + 1
        out.append((name if seen[name] == 1 else f"{name}#{seen[name]}", cb))
    return out
