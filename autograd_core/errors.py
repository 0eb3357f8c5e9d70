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
    "REASONS",
]

# The ``reason`` of a GraphError raised where a program uses memory that an in-place operation
# changed: a name that stays when the message's words change, for code (and the program fuzz
# of tests/) that tells these refusals apart. Those marked "(PyTorch computes)" are refusals
# where PyTorch goes on and computes; the others PyTorch refuses too.
REASONS = {
    "stale-tensor": "a tensor without a node on memory that a recorded in-place op changed "
    "after it was made, whose base cannot be found (PyTorch makes it a non-leaf; ours does "
    "so for a view whose base it finds)",
    "stale-node": "a tensor with a node whose memory a recorded in-place op changed after the "
    "node was made, that no new node can describe (a view among several an op returned, as "
    "PyTorch refuses too; a view that an op reads is otherwise given one, as PyTorch "
    "regenerates a view's grad_fn)",
    "input-modified": "an input that the op reads for its gradient, changed in place after "
    "the op used it",
    "output-modified": "an output that the op reads for its gradient, changed in place",
    "leaf-reshaped": "a leaf reshaped in place under no_grad after an op used it (PyTorch "
    "computes a gradient of the old shape, or fails on the shape)",
    "overlapping-elements": "an in-place write into elements that share one memory location "
    "(PyTorch computes an order-dependent result unless they are zero-stride)",
    "partial-overlap": "an operand that shares some memory with the tensor written in place "
    "(PyTorch computes when it cannot tell)",
    "expanded-write": "an index assignment into an expanded tensor (PyTorch computes when the "
    "indexed part does not overlap)",
    "view-outside-base": "a write into a view of a tensor that as_strided_ made smaller than "
    "the view (PyTorch writes it, then fails every backward through it)",
}


class AutogradError(Exception):
    """Base class of every error raised by autograd-core. ``reason`` is None, or one of
    ``REASONS`` (``GraphError(message, reason="stale-node")``)."""

    reason: str | None = None

    def __init__(self, *args: object, reason: str | None = None) -> None:
        super().__init__(*args)
        if reason is not None:
            if reason not in REASONS:
                raise ValueError(
                    f"{type(self).__name__}: unknown reason {reason!r}: one of {sorted(REASONS)}"
                )
            self.reason = reason


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
