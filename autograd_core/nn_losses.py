"""The losses PyTorch also exposes at top level (``torch.kl_div``, ``torch.ctc_loss`` …), with
torch's top-level signatures: ``reduction`` is an int (0 none, 1 mean, 2 sum), as in ATen, and
there are no ``size_average``/``reduce`` arguments. The work is ``nn.functional``'s, imported on
first call (see ``nn_functions.py``).

An omitted ``reduction`` is 0 (none), as torch 2.13 behaves: ATen's schemas declare
``reduction=Mean`` (1), but torch's Python binding of these functions reduces by none when the
argument is left out (``torch.kl_div(a, b)`` has a's shape). Ours follows what torch does.
"""

from __future__ import annotations

from typing import Any

from autograd_core.nn_functions import functional
from autograd_core.tensor import Tensor

__all__ = [
    "kl_div",
    "margin_ranking_loss",
    "hinge_embedding_loss",
    "cosine_embedding_loss",
    "triplet_margin_loss",
    "poisson_nll_loss",
    "binary_cross_entropy_with_logits",
    "ctc_loss",
]

REDUCTIONS = ("none", "mean", "sum")


def reduction_name(op: str, reduction: Any) -> str:
    """The ``nn.functional`` name of torch's integer reduction code.

    Differs from PyTorch, which accepts any int (a code above 2 reduces as ``"sum"`` in some
    kernels): ours raises.

    Raises:
        TypeError: a string or other non-int (PyTorch's top level takes ints only).
        ValueError: an int other than 0, 1 or 2.
    """
    if isinstance(reduction, bool) or not isinstance(reduction, int):
        raise TypeError(
            f"{op}: reduction must be an int (0 none, 1 mean, 2 sum) at top level, got "
            f"{reduction!r}. Use nn.functional.{op} for the names."
        )
    if reduction not in (0, 1, 2):
        raise ValueError(f"{op}: reduction must be 0 (none), 1 (mean) or 2 (sum), got {reduction}.")
    return REDUCTIONS[reduction]


def kl_div(input: Tensor, target: Any, reduction: int = 0, *, log_target: bool = False) -> Tensor:  # noqa: A002
    """``F.kl_div`` with an int reduction (omitted: 0, none; see the module docstring); 1 is the
    elementwise mean (not ``batchmean``).

    Example:
        >>> import autograd_core as ac
        >>> ac.kl_div(ac.tensor([0.0, 0.0]), ac.tensor([1.0, 1.0]), 2)
        tensor(0.)
    """
    red = reduction_name("kl_div", reduction)
    return functional().kl_div(input, target, reduction=red, log_target=log_target)


def margin_ranking_loss(
    input1: Tensor, input2: Tensor, target: Any, margin: float = 0.0, reduction: int = 0
) -> Tensor:
    """``F.margin_ranking_loss``: max(0, −y (x1 − x2) + margin)."""
    red = reduction_name("margin_ranking_loss", reduction)
    return functional().margin_ranking_loss(input1, input2, target, margin, reduction=red)


def hinge_embedding_loss(
    input: Tensor,  # noqa: A002
    target: Any,
    margin: float = 1.0,
    reduction: int = 0,
) -> Tensor:
    """``F.hinge_embedding_loss``: x where y = 1, max(0, margin − x) where y = −1."""
    red = reduction_name("hinge_embedding_loss", reduction)
    return functional().hinge_embedding_loss(input, target, margin, reduction=red)


def cosine_embedding_loss(
    input1: Tensor, input2: Tensor, target: Any, margin: float = 0.0, reduction: int = 0
) -> Tensor:
    """``F.cosine_embedding_loss``: 1 − cos where y = 1, max(0, cos − margin) where y = −1."""
    red = reduction_name("cosine_embedding_loss", reduction)
    return functional().cosine_embedding_loss(input1, input2, target, margin, reduction=red)


def triplet_margin_loss(
    anchor: Any,
    positive: Any,
    negative: Any,
    margin: float = 1.0,
    p: float = 2.0,
    eps: float = 1e-06,
    swap: bool = False,
    reduction: int = 0,
) -> Tensor:
    """``F.triplet_margin_loss``: max(d(a, p) − d(a, n) + margin, 0)."""
    red = reduction_name("triplet_margin_loss", reduction)
    return functional().triplet_margin_loss(
        anchor, positive, negative, margin, p, eps, swap, reduction=red
    )


def poisson_nll_loss(
    input: Tensor,  # noqa: A002
    target: Any,
    log_input: bool,
    full: bool,
    eps: float,
    reduction: int,
) -> Tensor:
    """``F.poisson_nll_loss`` (torch's top-level form: every argument required)."""
    red = reduction_name("poisson_nll_loss", reduction)
    return functional().poisson_nll_loss(
        input, target, log_input=log_input, full=full, eps=eps, reduction=red
    )


def binary_cross_entropy_with_logits(
    input: Tensor,  # noqa: A002
    target: Any,
    weight: Any = None,
    pos_weight: Any = None,
    reduction: int = 0,
) -> Tensor:
    """``F.binary_cross_entropy_with_logits`` (torch's top-level order: weight, pos_weight,
    then the int reduction)."""
    red = reduction_name("binary_cross_entropy_with_logits", reduction)
    return functional().binary_cross_entropy_with_logits(
        input, target, weight, reduction=red, pos_weight=pos_weight
    )


def ctc_loss(
    log_probs: Tensor,
    targets: Any,
    input_lengths: Any,
    target_lengths: Any,
    blank: int = 0,
    reduction: int = 0,
    zero_infinity: bool = False,
) -> Tensor:
    """``F.ctc_loss`` with an int reduction (1: each loss divided by its target length, then
    the mean over the batch; omitted: 0, one loss per sequence).

    The gradient with respect to ``log_probs`` is the true one; PyTorch's native CTC backward
    returns the gradient with respect to the logits before a log_softmax instead, so the two
    agree only once back-propagated through that log_softmax.
    """
    red = reduction_name("ctc_loss", reduction)
    return functional().ctc_loss(
        log_probs, targets, input_lengths, target_lengths, blank, red, zero_infinity
    )
