"""Every op family; importing this package registers all ops (one registry, one entry each)."""

from __future__ import annotations

from autograd_core.ops import (
    activation,
    binary,
    conv,  # noqa: F401  (public in nn.functional, like fold and padding)
    copying,
    decompositions,
    decompositions_eigh,  # noqa: F401  (registers eigh; public in ac.linalg)
    diagonals,
    extrema,
    fold,  # noqa: F401
    indexing,
    join,
    layout,
    linalg,
    logical,
    nn_ops,
    padding,  # noqa: F401
    pooling,
    pooling_adaptive,
    pooling_avg,
    pooling_unpool,
    powers,
    recurrent,
    reduce,
    rounding,
    scan,
    shape,
    softmaxes,
    sorting,
    statistics,
    subscript,
    unary,
    views,
)
from autograd_core.ops.activation import *  # noqa: F403
from autograd_core.ops.binary import *  # noqa: F403
from autograd_core.ops.copying import *  # noqa: F403
from autograd_core.ops.decompositions import *  # noqa: F403
from autograd_core.ops.diagonals import *  # noqa: F403
from autograd_core.ops.extrema import *  # noqa: F403
from autograd_core.ops.indexing import *  # noqa: F403
from autograd_core.ops.join import *  # noqa: F403
from autograd_core.ops.layout import *  # noqa: F403
from autograd_core.ops.linalg import *  # noqa: F403
from autograd_core.ops.logical import *  # noqa: F403
from autograd_core.ops.nn_ops import *  # noqa: F403
from autograd_core.ops.powers import *  # noqa: F403
from autograd_core.ops.recurrent import *  # noqa: F403
from autograd_core.ops.reduce import *  # noqa: F403
from autograd_core.ops.rounding import *  # noqa: F403
from autograd_core.ops.scan import *  # noqa: F403
from autograd_core.ops.shape import *  # noqa: F403
from autograd_core.ops.softmaxes import *  # noqa: F403
from autograd_core.ops.sorting import *  # noqa: F403
from autograd_core.ops.statistics import *  # noqa: F403
from autograd_core.ops.subscript import *  # noqa: F403
from autograd_core.ops.unary import *  # noqa: F403
from autograd_core.ops.views import *  # noqa: F403

_FAMILIES = (
    unary,
    rounding,
    powers,
    activation,
    softmaxes,
    binary,
    reduce,
    extrema,
    sorting,
    statistics,
    scan,
    logical,
    shape,
    subscript,
    layout,
    join,
    copying,
    indexing,
    linalg,
    nn_ops,
    recurrent,
    views,
    diagonals,
    decompositions,
)
__all__ = [name for family in _FAMILIES for name in family.__all__]
# The pooling modules register their ops above; their functions are nn.functional's (F.*)
# names, not ac.* names or Tensor methods, as in PyTorch.
_NN_ONLY = (pooling, pooling_adaptive, pooling_avg, pooling_unpool)
