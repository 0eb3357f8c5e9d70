"""Testing utilities shipped with the package: the op database and the case runner, shared by
the pytest suite and the ``autograd-core gradcheck`` command."""

from __future__ import annotations

from autograd_core.testing.op_db import OP_DB, Case, OpSpec, get_spec

__all__ = ["OP_DB", "OpSpec", "Case", "get_spec"]
