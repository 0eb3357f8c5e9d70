"""autograd-core: a readable reverse-mode automatic-differentiation engine on NumPy and CuPy.

The public API follows PyTorch's names (``tensor``, ``no_grad``, ``grad``) so that a PyTorch user
guesses right; ``grad_table`` exposes the back-propagation algorithm of the course notes.
"""

from __future__ import annotations

import importlib
from typing import Any

from autograd_core import device, grad_fn, heap, ops, tensor_extras
from autograd_core.broadcast import broadcast_shapes
from autograd_core.creation import (
    arange,
    as_tensor,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    logspace,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randn,
    randn_like,
    tensor,
    zeros,
    zeros_like,
)
from autograd_core.default_device import get_default_device, set_default_device
from autograd_core.device import Device
from autograd_core.dtype_info import (
    can_cast,
    finfo,
    iinfo,
    is_floating_point,
    is_tensor,
    promote_types,
    result_type,
)

# ac.bool, ac.float, ac.int: re-exported (``x as x``) but not in __all__ (see there).
from autograd_core.dtypes import bool as bool
from autograd_core.dtypes import (
    bool_,
    cdouble,
    cfloat,
    complex64,
    complex128,
    double,
    float16,
    float32,
    float64,
    get_default_dtype,
    half,
    int8,
    int16,
    int32,
    int64,
    long,
    set_default_dtype,
    short,
    uint8,
)
from autograd_core.dtypes import float as float
from autograd_core.dtypes import int as int
from autograd_core.errors import (
    AnomalyError,
    AutogradError,
    BackwardError,
    DeviceError,
    DTypeError,
    GradcheckError,
    GraphError,
    GraphFreedError,
    IndexingError,
    LinAlgError,
    ShapeError,
    VJPError,
)
from autograd_core.grad_mode import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)
from autograd_core.grad_table_report import grad_table
from autograd_core.graph import backward, grad
from autograd_core.inplace_math import INPLACE_FUNCTIONS
from autograd_core.methods import attach_methods
from autograd_core.ops import *  # noqa: F403
from autograd_core.ops.workspace import empty_workspaces
from autograd_core.random import Generator, get_rng_state, manual_seed, seed, set_rng_state
from autograd_core.random_distributions import binomial, normal, poisson, randint_like
from autograd_core.random_sampling import bernoulli, multinomial, randperm
from autograd_core.registry import OP_REGISTRY, get_op, list_ops, register_op
from autograd_core.tensor import Tensor

heap.configure()  # glibc keeps a training step's freed arrays for the next (heap.py)
attach_methods()
globals().update(INPLACE_FUNCTIONS)  # ac.abs_(x), ac.zero_(x): torch.abs_, torch.zero_
tensor_extras.attach_absent_names()
grad_fn.attach()

from autograd_core import (  # noqa: E402
    accelerator,
    aliases,
    amp,
    autograd,
    cuda,
    func,
    functional,
    linalg,
    nn_functions,
    nn_losses,
    nn_pooling,
    settings,
    special,
    torch_creation,
    torch_numerics,
    utils,
    view_copies,
    windows,
)
from autograd_core.amp import autocast  # noqa: E402  (torch.autocast is torch.amp.autocast)
from autograd_core.anomaly import detect_anomaly  # noqa: E402
from autograd_core.func import vmap  # noqa: E402  (torch.vmap)
from autograd_core.gradcheck import gradcheck, gradgradcheck  # noqa: E402
from autograd_core.linalg import matrix_exp, matrix_power  # noqa: E402  (torch's names too)
from autograd_core.linalg_ex import cholesky_inverse, cholesky_solve  # noqa: E402  (torch's)
from autograd_core.linalg_householder import geqrf, orgqr, ormqr  # noqa: E402  (torch's)
from autograd_core.linalg_legacy import chain_matmul, cholesky, svd  # noqa: E402  (legacy names)
from autograd_core.linalg_lu import lu_unpack  # noqa: E402  (torch.lu_unpack)
from autograd_core.nn_functions import *  # noqa: E402, F403  (torch.conv2d, torch.dropout, …)
from autograd_core.nn_losses import *  # noqa: E402, F403  (torch.kl_div, torch.ctc_loss, …)
from autograd_core.nn_pooling import *  # noqa: E402, F403  (torch.max_pool2d, torch.grid_sampler)
from autograd_core.print_options import get_printoptions, set_printoptions  # noqa: E402
from autograd_core.recurrent_torch import (  # noqa: E402  (torch's top-level forms)
    gru_cell,
    lstm_cell,
    rnn_relu,
    rnn_relu_cell,
    rnn_tanh,
    rnn_tanh_cell,
)
from autograd_core.settings import *  # noqa: E402, F403  (initial_seed, is_nonzero, …)
from autograd_core.steps import backprop_steps  # noqa: E402
from autograd_core.torch_creation import *  # noqa: E402, F403  (atleast_1d, asarray, fill, …)
from autograd_core.torch_numerics import *  # noqa: E402, F403  (trapz, svd_lowrank, lu, …)
from autograd_core.torch_numerics import range as range  # noqa: E402  (not in __all__)
from autograd_core.view_copies import *  # noqa: E402, F403  (view_copy, select_copy, …)
from autograd_core.viz import draw_grad_table, draw_graph, record_modules  # noqa: E402
from autograd_core.windows import *  # noqa: E402, F403  (hann_window, kaiser_window, …)


def pinverse(input: Any, rcond: float = 1e-15, hermitian: bool = False) -> Tensor:  # noqa: A002
    """``torch.pinverse``: ``linalg.pinv`` with singular values below rcond · σ_max cut."""
    return linalg.pinv(input, rtol=rcond, hermitian=hermitian)


def numel(input: Any) -> int:  # noqa: A002  (PyTorch's name)
    """The number of elements of ``input`` (``torch.numel``)."""
    return as_tensor(input).numel()


aliases.install()  # autograd_core.nn / .optim resolve lazily; ac.device("cpu") builds a Device

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    # ``from autograd_core import nn`` and ``ac.optim``: the top-level packages, imported on
    # first use (they import autograd_core, so they cannot be imported while it loads).
    if name in ("nn", "optim"):
        return importlib.import_module(f"autograd_core.{name}")
    # ``ac.save`` / ``ac.load`` as ``torch.save`` / ``torch.load``: nn's safe checkpoint format
    # (atomic writes, no code executed on load), found on first use for the same reason
    if name in ("save", "load"):
        return getattr(importlib.import_module("nn.serialization"), name)
    raise AttributeError(f"module 'autograd_core' has no attribute {name!r}")


__all__ = [
    "matrix_exp",
    "matrix_power",
    "chain_matmul",
    "svd",
    "cholesky",
    "lu_unpack",
    "cholesky_solve",
    "cholesky_inverse",
    "geqrf",
    "orgqr",
    "ormqr",
    "rnn_tanh_cell",
    "rnn_relu_cell",
    "lstm_cell",
    "gru_cell",
    "rnn_tanh",
    "rnn_relu",
    "pinverse",
    "numel",
    "Tensor",
    "tensor",
    "as_tensor",
    "from_numpy",
    "zeros",
    "ones",
    "full",
    "empty",
    "arange",
    "linspace",
    "logspace",
    "eye",
    "rand",
    "randn",
    "randint",
    "randint_like",
    "normal",
    "poisson",
    "binomial",
    "randperm",
    "multinomial",
    "bernoulli",
    "zeros_like",
    "ones_like",
    "full_like",
    "empty_like",
    "rand_like",
    "randn_like",
    "Device",
    "device",
    "set_default_device",
    "get_default_device",
    "empty_workspaces",
    "accelerator",
    "amp",
    "Generator",
    "manual_seed",
    "seed",
    "get_rng_state",
    "set_rng_state",
    "finfo",
    "iinfo",
    "is_tensor",
    "is_floating_point",
    "promote_types",
    "result_type",
    "can_cast",
    "autocast",
    "float16",
    "float32",
    "float64",
    "complex64",
    "complex128",
    "cfloat",
    "cdouble",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "bool_",
    # ac.float, ac.int and ac.bool exist but stay out of __all__: `from autograd_core import *`
    # must not shadow Python's float(), int() and bool() (PyTorch's __all__ does shadow them).
    "double",
    "half",
    "long",
    "short",
    "set_default_dtype",
    "get_default_dtype",
    "no_grad",
    "enable_grad",
    "set_grad_enabled",
    "is_grad_enabled",
    "inference_mode",
    "is_inference_mode_enabled",
    "backward",
    "grad",
    "grad_table",
    "detect_anomaly",
    "gradcheck",
    "gradgradcheck",
    "draw_graph",
    "draw_grad_table",
    "record_modules",
    "backprop_steps",
    "functional",
    "func",
    "vmap",
    "autograd",
    "cuda",
    "linalg",
    "special",
    "utils",
    "broadcast_shapes",
    "OP_REGISTRY",
    "register_op",
    "get_op",
    "list_ops",
    "AutogradError",
    "ShapeError",
    "IndexingError",
    "DTypeError",
    "DeviceError",
    "GraphError",
    "BackwardError",
    "GraphFreedError",
    "VJPError",
    "AnomalyError",
    "GradcheckError",
    "LinAlgError",
    *ops.__all__,
    *nn_functions.__all__,
    *nn_losses.__all__,
    *nn_pooling.__all__,
    *torch_creation.__all__,
    *view_copies.__all__,
    *torch_numerics.__all__,
    *settings.__all__,
    "set_printoptions",
    "get_printoptions",
    *windows.__all__,
]
