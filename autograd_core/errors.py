"""The typed errors of autograd-core; each also subclasses the builtin a caller would expect."""

from __future__ import annotations

__all__ = [
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
    "UninitializedError",
    "LinAlgError",
]


class AutogradError(Exception):
    """Base class of every error raised by autograd-core."""


class ShapeError(AutogradError, ValueError):
    """Incompatible shapes, for example operands that do not broadcast."""


class IndexingError(ShapeError, IndexError):
    """A subscript ``x[key]`` that does not fit x: an index out of range, too many indices, a
    bool mask of the wrong shape, a non-positive slice step or a float index. An ``IndexError``
    (as PyTorch and Python raise) and a ``ShapeError`` (as autograd-core raised before)."""


class DTypeError(AutogradError, TypeError):
    """A dtype that the operation cannot take, such as a gradient on an integer tensor."""


class DeviceError(AutogradError, RuntimeError):
    """Inputs on different devices, or a CUDA device asked for where CuPy is unavailable."""


class GraphError(AutogradError, RuntimeError):
    """A use of a tensor that the recorded graph cannot allow: switching ``requires_grad`` off a
    non-leaf, a hook on a tensor no gradient reaches, an in-place write into a recorded graph."""


class BackwardError(AutogradError, RuntimeError):
    """Back-propagation cannot start or cannot reach what was asked for."""


class GraphFreedError(BackwardError):
    """A second backward through a graph whose saved arrays were already released."""


class VJPError(AutogradError, RuntimeError):
    """An op's VJP returned the wrong number, shape or kind of gradients (a bug in the op)."""


class AnomalyError(AutogradError, FloatingPointError):
    """Under ``detect_anomaly()``, an op produced NaN or Inf."""


class GradcheckError(AutogradError, AssertionError):
    """Analytic and numeric gradients disagree."""


class LinAlgError(AutogradError, ValueError):
    """A matrix the decomposition cannot take: singular for an inverse or a solve, not positive
    definite for a Cholesky factor (``torch.linalg.LinAlgError``)."""


class UninitializedError(AutogradError, RuntimeError):
    """A lazy module's parameter used before the module's first forward gave it a shape."""
