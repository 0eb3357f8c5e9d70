"""Every op family; importing this package registers all ops (one registry, one entry each)."""

from __future__ import annotations

from autograd_core.ops import (
    activation,
    activation_more,
    arithmetic,
    binary,
    bitwise,
    closeness,
    combinatorics,
    constructions,
    conv,  # noqa: F401  (public in nn.functional, like fold and padding)
    copying,
    counting,
    covariance,
    cross_product,
    ctc,
    decompositions,
    decompositions_eigh,  # noqa: F401  (registers eigh; public in ac.linalg)
    decompositions_lu,  # noqa: F401  (registers lu_factor; public in ac.linalg)
    decompositions_svd,  # noqa: F401  (registers svd and qr; public in ac.linalg)
    diagonals,
    differences,
    distances,
    division,
    elementwise_more,
    exp_log,
    extrema,
    floating_point,
    fold,  # noqa: F401
    hyperbolic,
    index_reductions,
    index_utils,
    indexing,
    join,
    layout,
    linalg,
    logical,
    matrix_exp,  # noqa: F401  (registers matrix_exp; public in ac.linalg)
    mixing,
    nan_reductions,
    nn_ops,
    order_stats,
    padding,  # noqa: F401
    piecewise,
    placing,
    pooling,
    pooling_adaptive,
    pooling_avg,
    pooling_lp,
    pooling_unpool,
    powers,
    products,
    products_outer,
    quantiles,
    recurrent,
    reduce,
    renormalize,
    rounding,
    scan,
    scan_extrema,
    scatter_reductions,
    scattering,
    searching,
    shape,
    softmaxes,
    sorting,
    special_functions,
    special_gamma_inc,  # noqa: F401  (registers gammainc, gammaincc; public in ac.special)
    special_more,  # noqa: F401  (registers erfcx, ndtri, …; public in ac.special)
    special_zeta,  # noqa: F401  (registers zeta; public in ac.special)
    stacking,
    statistics,
    strided,
    subscript,
    torch_aliases,
    trigonometric,
    unary,
    views,
    windows,
)
from autograd_core.ops.activation import *  # noqa: F403
from autograd_core.ops.arithmetic import *  # noqa: F403
from autograd_core.ops.binary import *  # noqa: F403
from autograd_core.ops.bitwise import *  # noqa: F403
from autograd_core.ops.closeness import *  # noqa: F403
from autograd_core.ops.combinatorics import *  # noqa: F403
from autograd_core.ops.constructions import *  # noqa: F403
from autograd_core.ops.copying import *  # noqa: F403
from autograd_core.ops.counting import *  # noqa: F403
from autograd_core.ops.covariance import *  # noqa: F403
from autograd_core.ops.cross_product import *  # noqa: F403
from autograd_core.ops.decompositions import *  # noqa: F403
from autograd_core.ops.diagonals import *  # noqa: F403
from autograd_core.ops.differences import *  # noqa: F403
from autograd_core.ops.distances import *  # noqa: F403
from autograd_core.ops.division import *  # noqa: F403
from autograd_core.ops.elementwise_more import *  # noqa: F403
from autograd_core.ops.exp_log import *  # noqa: F403
from autograd_core.ops.extrema import *  # noqa: F403
from autograd_core.ops.floating_point import *  # noqa: F403
from autograd_core.ops.hyperbolic import *  # noqa: F403
from autograd_core.ops.index_reductions import *  # noqa: F403
from autograd_core.ops.index_utils import *  # noqa: F403
from autograd_core.ops.indexing import *  # noqa: F403
from autograd_core.ops.join import *  # noqa: F403
from autograd_core.ops.layout import *  # noqa: F403
from autograd_core.ops.linalg import *  # noqa: F403
from autograd_core.ops.logical import *  # noqa: F403
from autograd_core.ops.mixing import *  # noqa: F403
from autograd_core.ops.nan_reductions import *  # noqa: F403
from autograd_core.ops.nn_ops import *  # noqa: F403
from autograd_core.ops.order_stats import *  # noqa: F403
from autograd_core.ops.piecewise import *  # noqa: F403
from autograd_core.ops.placing import *  # noqa: F403
from autograd_core.ops.powers import *  # noqa: F403
from autograd_core.ops.products import *  # noqa: F403
from autograd_core.ops.products_outer import *  # noqa: F403
from autograd_core.ops.quantiles import *  # noqa: F403
from autograd_core.ops.recurrent import *  # noqa: F403
from autograd_core.ops.reduce import *  # noqa: F403
from autograd_core.ops.renormalize import *  # noqa: F403
from autograd_core.ops.rounding import *  # noqa: F403
from autograd_core.ops.scan import *  # noqa: F403
from autograd_core.ops.scan_extrema import *  # noqa: F403
from autograd_core.ops.scatter_reductions import *  # noqa: F403
from autograd_core.ops.scattering import *  # noqa: F403
from autograd_core.ops.searching import *  # noqa: F403
from autograd_core.ops.shape import *  # noqa: F403
from autograd_core.ops.softmaxes import *  # noqa: F403
from autograd_core.ops.sorting import *  # noqa: F403
from autograd_core.ops.special_functions import *  # noqa: F403
from autograd_core.ops.stacking import *  # noqa: F403
from autograd_core.ops.statistics import *  # noqa: F403
from autograd_core.ops.strided import *  # noqa: F403
from autograd_core.ops.subscript import *  # noqa: F403
from autograd_core.ops.torch_aliases import *  # noqa: F403
from autograd_core.ops.trigonometric import *  # noqa: F403
from autograd_core.ops.unary import *  # noqa: F403
from autograd_core.ops.views import *  # noqa: F403
from autograd_core.ops.windows import *  # noqa: F403

_FAMILIES = (
    unary,
    rounding,
    powers,
    activation,
    softmaxes,
    binary,
    arithmetic,
    division,
    reduce,
    extrema,
    sorting,
    searching,
    counting,
    order_stats,
    quantiles,
    statistics,
    renormalize,
    covariance,
    nan_reductions,
    scan,
    scan_extrema,
    differences,
    logical,
    bitwise,
    closeness,
    shape,
    subscript,
    layout,
    join,
    copying,
    indexing,
    index_utils,
    placing,
    scattering,
    scatter_reductions,
    index_reductions,
    stacking,
    combinatorics,
    linalg,
    nn_ops,
    recurrent,
    views,
    strided,
    diagonals,
    elementwise_more,
    floating_point,
    mixing,
    products,
    products_outer,
    constructions,
    distances,
    decompositions,
    cross_product,
    trigonometric,
    hyperbolic,
    exp_log,
    piecewise,
    special_functions,
    torch_aliases,
    windows,
)
__all__ = [name for family in _FAMILIES for name in family.__all__]
# The pooling modules (and ctc) register their ops above; their functions are nn.functional's
# (F.*) names or serve them, not ac.* names or Tensor methods, as in PyTorch.
_NN_ONLY = (
    activation_more,
    ctc,
    pooling,
    pooling_adaptive,
    pooling_avg,
    pooling_lp,
    pooling_unpool,
)
