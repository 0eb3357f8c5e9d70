"""Runs a call on a device and brings what it gives back to the host: the device tests compare
these lists between "cpu" and the device (the CuPy stand-in with ``--fake-cuda``)."""

from __future__ import annotations

import numpy as np

import autograd_core as ac
from autograd_core.device import to_device


def host(t):
    """The values of the tensor ``t`` as a NumPy array (an explicit copy from its device)."""
    return np.asarray(to_device(t.data, "cpu"))


def outputs_and_grads(call, x, device, loss, allow_unused=False):
    """The outputs of ``call(x_t, device)`` for x_t = ``x`` on ``device`` (requiring grad), then
    the gradients of ``loss(o)`` w.r.t. x_t for every output o that requires grad, all on the
    host. With ``allow_unused``, outputs that do not reach x_t add no gradient."""
    xt = ac.tensor(x, device=device, requires_grad=True)
    outs = call(xt, device)
    outs = list(outs) if isinstance(outs, tuple) else [outs]
    live = [o for o in outs if o.requires_grad]
    grads = ac.grad([loss(o) for o in live], [xt], allow_unused=allow_unused) if live else []
    return [host(o) for o in outs] + [host(g) for g in grads if g is not None]
