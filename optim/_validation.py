"""Range checks of optimizer hyperparameters, raising PyTorch's ValueError messages verbatim."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["check_betas", "check_hyper"]

# How PyTorch's messages name a hyperparameter; any other is "<name> value".
_MESSAGE_NAMES = {"lr": "learning rate", "eps": "epsilon value"}


def check_hyper(name: str, value: float, high: float | None = None) -> None:
    """Raise ``ValueError("Invalid <what>: <value>")`` unless 0 ≤ value (≤ high, if given).

    ``<what>`` is "learning rate" for ``lr``, "epsilon value" for ``eps`` and "<name> value"
    otherwise, as in PyTorch. NaN is rejected (the check is ``not 0.0 <= value``).

    Example:
        >>> check_hyper("rho", 1.0, high=1.0)
        >>> check_hyper("eps", -1.0)
        Traceback (most recent call last):
        ...
        ValueError: Invalid epsilon value: -1.0
    """
    if not (0.0 <= value and (high is None or value <= high)):
        what = _MESSAGE_NAMES.get(name, f"{name} value")
        raise ValueError(f"Invalid {what}: {value}")


def check_betas(betas: Sequence[float]) -> None:
    """Raise PyTorch's ValueError unless both decay rates satisfy 0 ≤ β < 1.

    Example:
        >>> check_betas((0.9, 1.0))
        Traceback (most recent call last):
        ...
        ValueError: Invalid beta parameter at index 1: 1.0
    """
    for i in range(2):
        if not 0.0 <= betas[i] < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {betas[i]}")
