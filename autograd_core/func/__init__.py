"""Function transforms with ``torch.func``'s names and semantics: ``grad``, ``grad_and_value``,
``vjp``, ``jvp``, ``jacrev``, ``jacfwd``, ``hessian``, ``vmap`` and ``functional_call``.

Each takes a function and returns a new one, and they compose: ``grad(grad(f))``,
``jacrev(jacrev(f))``, and per-sample gradients as
``vmap(grad(loss), in_dims=(None, 0, 0))(params, x, y)`` with
``functional_call(model, params, (x,))`` inside ``loss``. Arguments and results may be tuples,
lists and dicts of tensors. Where the implementation differs from PyTorch's (forward mode by
the double-VJP trick, vmap as a loop over samples) each docstring says so; the values are
PyTorch's.

Example:
    >>> import autograd_core as ac
    >>> from autograd_core.func import grad, vmap
    >>> x = ac.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> vmap(grad(lambda row: (row ** 2).sum()))(x)
    tensor([[2., 4.],
            [6., 8.]])
"""

from __future__ import annotations

from autograd_core.func.batching import vmap
from autograd_core.func.jacobian_transforms import hessian, jacfwd, jacrev
from autograd_core.func.module_call import functional_call
from autograd_core.func.transforms import grad, grad_and_value, jvp, vjp

__all__ = [
    "grad",
    "grad_and_value",
    "vjp",
    "jvp",
    "jacrev",
    "jacfwd",
    "hessian",
    "vmap",
    "functional_call",
]
