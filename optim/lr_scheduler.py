"""Learning-rate schedules that rewrite ``group["lr"]`` of an optimizer once per epoch or step.

Every schedule is imported from here, as in PyTorch (``optim.lr_scheduler.StepLR``). The
classes live in ``optim.lr_scheduler_base`` (``LRScheduler``), ``optim.lr_simple_schedules``
(``LambdaLR``, ``StepLR``, ``MultiStepLR``, ``ExponentialLR``), ``optim.lr_curve_schedules``
(``CosineAnnealingLR``, ``LinearLR``, ``InverseTimeLR``), ``optim.lr_factor_schedules``
(``MultiplicativeLR``, ``ConstantLR``, ``PolynomialLR``), ``optim.lr_cyclic`` (``CyclicLR``,
``CosineAnnealingWarmRestarts``), ``optim.lr_one_cycle`` (``OneCycleLR``),
``optim.lr_plateau`` (``ReduceLROnPlateau``) and ``optim.lr_combinators``
(``SequentialLR``, ``ChainedScheduler``).
"""

from __future__ import annotations

from optim.lr_combinators import ChainedScheduler, SequentialLR
from optim.lr_curve_schedules import CosineAnnealingLR, InverseTimeLR, LinearLR
from optim.lr_cyclic import CosineAnnealingWarmRestarts, CyclicLR
from optim.lr_factor_schedules import ConstantLR, MultiplicativeLR, PolynomialLR
from optim.lr_one_cycle import OneCycleLR
from optim.lr_plateau import ReduceLROnPlateau
from optim.lr_scheduler_base import LRScheduler
from optim.lr_simple_schedules import ExponentialLR, LambdaLR, MultiStepLR, StepLR

__all__ = [
    "LRScheduler",
    "LambdaLR",
    "StepLR",
    "MultiStepLR",
    "ExponentialLR",
    "CosineAnnealingLR",
    "LinearLR",
    "InverseTimeLR",
    "OneCycleLR",
    "ReduceLROnPlateau",
    "MultiplicativeLR",
    "ConstantLR",
    "PolynomialLR",
    "CyclicLR",
    "CosineAnnealingWarmRestarts",
    "SequentialLR",
    "ChainedScheduler",
]
