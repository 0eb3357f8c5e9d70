"""OpSpecs per op family; importing this package fills ``OP_DB``."""

from autograd_core.testing.specs import (  # noqa: F401
    activation,
    activation_more,
    binary,
    conv,
    copying,
    diagonals,
    extrema,
    indexing,
    join,
    linalg,
    logical,
    nn_ops,
    pooling,
    recurrent,
    reduce,
    scan,
    shape,
    sorting,
    statistics,
    unary,
)
