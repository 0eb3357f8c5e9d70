"""OpSpecs per op family; importing this package fills ``OP_DB``."""

from autograd_core.testing.specs import (  # noqa: F401
    activation,
    binary,
    conv,
    copying,
    decompositions,
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
