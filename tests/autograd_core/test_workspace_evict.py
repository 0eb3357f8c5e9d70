"""A Workspace evicts past max_bytes after some shapes were taken out empty."""

import numpy as np

from autograd_core.ops.workspace import Workspace


def test_eviction_after_a_shape_was_taken_out_empty():
    ws = Workspace(max_bytes=3 * 800)
    a = ws.take(np, (100,), np.float64)
    ws.give(a)
    assert ws.take(np, (100,), np.float64) is a  # (100,) is now empty in the pool
    ws.give(*[ws.take(np, (100 + i,), np.float64) for i in range(1, 4)])  # over max_bytes
    assert ws.nbytes <= ws.max_bytes
