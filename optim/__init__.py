"""Optimizers and learning-rate schedules, with PyTorch's names and PyTorch's numbers.

Each optimizer file holds a class that owns parameter groups and state, and a pure kernel
(``sgd_update``, ``adam_update``, ...) that holds the update maths on raw arrays.
"""

from __future__ import annotations

from optim import lr_scheduler
from optim.adadelta import Adadelta, adadelta_update
from optim.adagrad import Adagrad, adagrad_update
from optim.adam import Adam, adam_update
from optim.adamax import Adamax, adamax_update
from optim.adamw import AdamW
from optim.asgd import ASGD, asgd_update
from optim.lbfgs import LBFGS
from optim.nadam import NAdam, nadam_update
from optim.optimizer import Optimizer
from optim.radam import RAdam, radam_update
from optim.rmsprop import RMSprop, rmsprop_update
from optim.rprop import Rprop, rprop_update
from optim.sgd import SGD, sgd_update

__all__ = [
    "Optimizer",
    "SGD",
    "Adagrad",
    "RMSprop",
    "Adadelta",
    "Adam",
    "AdamW",
    "NAdam",
    "Adamax",
    "RAdam",
    "Rprop",
    "ASGD",
    "LBFGS",
    "lr_scheduler",
    "sgd_update",
    "adagrad_update",
    "rmsprop_update",
    "adadelta_update",
    "adam_update",
    "nadam_update",
    "adamax_update",
    "radam_update",
    "rprop_update",
    "asgd_update",
]
