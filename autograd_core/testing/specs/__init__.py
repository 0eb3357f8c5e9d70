"""OpSpecs per op family; importing this package fills ``OP_DB``."""

from autograd_core.testing.specs import binary, linalg, reduce, shape, unary  # noqa: F401
