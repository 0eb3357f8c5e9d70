"""scatter_reduce as a ``fn(module, x, src)`` for ``torch_compare.compare_with_torch``, shared by
test_index_utils.py (the parity table) and test_scatter_reduce.py (ties, zeros, gradchecks)."""

from __future__ import annotations


def scatter_reduce_fn(reduce, include_self, dim, index):
    """``fn(m, x, src) = m.scatter_reduce(x, dim, m.tensor(index), src, reduce, ...)``, the same
    call on autograd_core and on torch (``m`` is the module)."""

    def fn(m, x, src):
        return m.scatter_reduce(x, dim, m.tensor(index), src, reduce, include_self=include_self)

    return fn
