"""The pooling functions of ``nn.functional`` (PyTorch's names and arguments); the ops live in
``autograd_core/ops/pooling*.py``.

Max, average and power-average pooling over fixed windows (``max_pool1d/2d/3d``,
``avg_pool1d/2d/3d``, ``lp_pool1d/2d/3d``), over windows that scale with the input
(``adaptive_max_pool1d/2d/3d``, ``adaptive_avg_pool1d/2d/3d``), global average pooling, and the
scatter that undoes max pooling (``max_unpool1d/2d/3d``).
"""

from __future__ import annotations

from autograd_core.ops.pooling import max_pool1d, max_pool2d, max_pool3d
from autograd_core.ops.pooling_adaptive import (
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    adaptive_avg_pool3d,
    adaptive_max_pool1d,
    adaptive_max_pool2d,
    adaptive_max_pool3d,
    global_avg_pool,
)
from autograd_core.ops.pooling_avg import avg_pool1d, avg_pool2d, avg_pool3d
from autograd_core.ops.pooling_lp import lp_pool1d, lp_pool2d, lp_pool3d
from autograd_core.ops.pooling_unpool import max_unpool1d, max_unpool2d, max_unpool3d

__all__ = [
    "max_pool1d",
    "max_pool2d",
    "max_pool3d",
    "avg_pool1d",
    "avg_pool2d",
    "avg_pool3d",
    "lp_pool1d",
    "lp_pool2d",
    "lp_pool3d",
    "adaptive_max_pool1d",
    "adaptive_max_pool2d",
    "adaptive_max_pool3d",
    "adaptive_avg_pool1d",
    "adaptive_avg_pool2d",
    "adaptive_avg_pool3d",
    "global_avg_pool",
    "max_unpool1d",
    "max_unpool2d",
    "max_unpool3d",
]
