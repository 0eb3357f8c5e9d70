"""Loss functions in functional form (``nn.functional.mse_loss`` …), with PyTorch's arguments.

Every loss takes ``reduction='mean' | 'sum' | 'none'`` and is written with engine ops, so it is
differentiable twice. Those that have them in torch also take torch's deprecated
``size_average`` and ``reduce`` flags, in torch's positions (``losses_common.legacy_reduction``).

The regression losses live in ``nn/losses_regression.py``, the classification losses
(cross-entropy, NLL, KL) in ``nn/losses_classification.py``, the margin, triplet, multi-label
and CTC losses in ``nn/losses_margin.py``, ``nn/losses_triplet.py``, ``nn/losses_multilabel.py``
and ``nn/losses_ctc.py``, and the argument handling they share in ``nn/losses_common.py``; this
module gathers them for ``nn.functional``.
"""

from __future__ import annotations

from nn.losses_classification import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    kl_div,
    nll_loss,
)
from nn.losses_ctc import ctc_loss
from nn.losses_margin import (
    cosine_embedding_loss,
    hinge_embedding_loss,
    margin_ranking_loss,
    soft_margin_loss,
)
from nn.losses_multilabel import (
    multi_margin_loss,
    multilabel_margin_loss,
    multilabel_soft_margin_loss,
)
from nn.losses_regression import (
    gaussian_nll_loss,
    huber_loss,
    l1_loss,
    mse_loss,
    poisson_nll_loss,
    smooth_l1_loss,
)
from nn.losses_triplet import triplet_margin_loss, triplet_margin_with_distance_loss

__all__ = [
    "mse_loss",
    "l1_loss",
    "huber_loss",
    "smooth_l1_loss",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "nll_loss",
    "gaussian_nll_loss",
    "kl_div",
    "margin_ranking_loss",
    "hinge_embedding_loss",
    "soft_margin_loss",
    "cosine_embedding_loss",
    "poisson_nll_loss",
    "triplet_margin_loss",
    "triplet_margin_with_distance_loss",
    "multilabel_soft_margin_loss",
    "multi_margin_loss",
    "multilabel_margin_loss",
    "ctc_loss",
]
