r"""nn.AdaptiveLogSoftmaxWithLoss: the adaptive softmax of Grave, Joulin, Cissé, Grangier & Jégou,
"Efficient softmax approximation for GPUs" (ICML 2017), with PyTorch's arguments, parameter names
and numbers.

The classes, sorted by falling frequency, are split by ``cutoffs`` = [c₁, …, c_K] into a
*shortlist* 0 … c₁ − 1 and K tail *clusters* [c₁, c₂), …, [c_K, n_classes). The head, a Linear
layer, scores the shortlist classes and one entry per cluster (c₁ + K outputs); cluster k has its
own two-layer projection without bias, ``in_features → in_features // div_valueᵏ → size of the
cluster``, so rare classes cost a smaller matrix. For a class y in cluster k,

.. math:: \log p(y \mid x) = \log \operatorname{softmax}(h(x))_{c_1 + k - 1}
          + \log \operatorname{softmax}(t_k(x))_{y - c_k}

and for a shortlist class just the head's term. The loss is the mean of −log p(target | x) over
the batch; only the rows whose targets fall in cluster k go through that cluster's projection.

Built from engine ops (Linear, ``log_softmax``, ``gather``, ``index_select``, ``index_add``,
``cat``), so gradients of every order come from theirs.
"""

from __future__ import annotations

import numbers
from collections import namedtuple
from collections.abc import Sequence
from typing import Any

import numpy as np

import autograd_core as ac
from autograd_core.errors import DTypeError, ShapeError
from autograd_core.random import Generator
from autograd_core.tensor import Tensor
from nn import functional as F
from nn.containers import ModuleList, Sequential
from nn.index_checks import check_index_range
from nn.layers import Linear
from nn.module import Module

__all__ = ["AdaptiveLogSoftmaxWithLoss", "ASMoutput"]

NAME = "AdaptiveLogSoftmaxWithLoss"

ASMoutput = namedtuple("ASMoutput", ["output", "loss"])
ASMoutput.__doc__ = """What ``AdaptiveLogSoftmaxWithLoss.forward`` returns, with PyTorch's field
names: ``output`` (N,) or () the log-probability of each target, ``loss`` the scalar mean of
−output."""


def _checked_cutoffs(cutoffs: Any, n_classes: int) -> list[int]:
    """``cutoffs`` as a list of Python ints, after PyTorch's checks (and a type check)."""
    if isinstance(cutoffs, (str, bytes)) or not isinstance(cutoffs, (Sequence, np.ndarray)):
        raise TypeError(
            f"{NAME}: cutoffs must be a sequence of integers, got {cutoffs!r}. Pass a list, "
            "e.g. cutoffs=[10, 100] for a shortlist of 10 classes and two tail clusters."
        )
    cuts = list(np.asarray(cutoffs).tolist()) if isinstance(cutoffs, np.ndarray) else list(cutoffs)
    if not cuts:
        raise ValueError(
            f"{NAME}: cutoffs should be a sequence of length larger than 0, got {cutoffs!r}. "
            "Pass at least one cutoff, e.g. cutoffs=[n_classes // 2]."
        )
    if any(isinstance(c, bool) or not isinstance(c, numbers.Integral) for c in cuts):
        raise TypeError(
            f"{NAME}: cutoffs must be integers, got {cuts!r}. Pass whole class counts, "
            "e.g. cutoffs=[10, 100]."
        )
    cuts = [int(c) for c in cuts]
    if cuts != sorted(cuts) or len(set(cuts)) != len(cuts) or cuts[0] <= 0 or cuts[-1] >= n_classes:
        raise ValueError(
            f"{NAME}: cutoffs should be a sequence of unique, positive integers sorted in an "
            f"increasing order, where each value is between 1 and n_classes-1 = {n_classes - 1}; "
            f"got {cuts} with n_classes={n_classes}. Sort them, drop repeats and keep them "
            "inside that range."
        )
    return cuts


class AdaptiveLogSoftmaxWithLoss(Module):
    """The adaptive softmax (Grave et al. 2017) as ``torch.nn.AdaptiveLogSoftmaxWithLoss``: a
    head over the shortlist and one entry per tail cluster, and a two-layer projection per
    cluster (see the module docstring for the formula).

    Args:
        in_features: size of each input sample.
        n_classes: number of classes (sort them by falling frequency: class 0 the most common).
        cutoffs: increasing, unique integers in [1, n_classes − 1]; the first is the shortlist
            size, each following one starts a new cluster.
        div_value: cluster k's hidden size is ``int(in_features // div_value ** k)``.
        head_bias: give the head a bias.
        device, dtype: of the parameters.
        generator: the random source of the initial weights (the default generator if None).

    Shape:
        input (N, in_features) with target (N,), or input (in_features,) with target () →
        ``ASMoutput(output, loss)``: output (N,) or (), the log-probability of each target;
        loss a scalar, the mean of −output (NaN for N = 0, as PyTorch).

    Attributes:
        head: ``Linear(in_features, shortlist_size + n_clusters, bias=head_bias)``.
        tail: ``ModuleList`` of ``Sequential(Linear(in_features, hsz, bias=False),
            Linear(hsz, osz, bias=False))``, one per cluster; both initialised as ``nn.Linear``
            (PyTorch's default), so a PyTorch ``state_dict`` (``head.weight``,
            ``tail.0.0.weight``, ``tail.0.1.weight``, …) loads as it is.
        cutoffs: the given cutoffs followed by n_classes; shortlist_size, n_clusters, head_size.

    Deliberate differences from PyTorch: shape and target errors are ``ShapeError``
    (a ValueError) and ``IndexError`` where PyTorch raises RuntimeError; any integer target
    dtype is taken; in_features must be positive and div_value a positive number (PyTorch
    takes 0 features, and on div_value ≤ 0 fails inside Linear or with a ZeroDivisionError);
    ``log_prob`` and ``predict`` also take one unbatched sample (in_features,).
    A target on a GPU is read back to the host, which waits for the device (PyTorch's
    ``nonzero`` waits too): the rows of each cluster must be known to pick them.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> asm = nn.AdaptiveLogSoftmaxWithLoss(8, 10, cutoffs=[4, 7], div_value=2.0)
        >>> out = asm(ac.randn(5, 8), ac.tensor([0, 3, 4, 8, 9]))
        >>> out.output.shape, out.loss.shape, asm.log_prob(ac.randn(5, 8)).shape
        ((5,), (), (5, 10))
    """

    def __init__(
        self,
        in_features: int,
        n_classes: int,
        cutoffs: Sequence[int],
        div_value: float = 4.0,
        head_bias: bool = False,
        device: Any = None,
        dtype: Any = None,
        *,
        generator: Generator | None = None,
    ) -> None:
        super().__init__()
        for name, n in (("in_features", in_features), ("n_classes", n_classes)):
            if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
                raise ValueError(
                    f"{NAME}: {name} must be a positive integer, got {n!r}. Pass e.g. "
                    f"{NAME}(in_features=512, n_classes=10000, cutoffs=[1000, 5000])."
                )
        if (
            isinstance(div_value, bool)
            or not isinstance(div_value, numbers.Real)
            or not (div_value > 0)
        ):
            raise ValueError(
                f"{NAME}: div_value must be a positive number, got {div_value!r}. Cluster k's "
                "hidden size is in_features // div_value**k; the default is 4.0."
            )
        cuts = _checked_cutoffs(cutoffs, int(n_classes))
        self.in_features = int(in_features)
        self.n_classes = int(n_classes)
        self.cutoffs = cuts + [self.n_classes]
        self.div_value = div_value
        self.head_bias = head_bias
        self.shortlist_size = self.cutoffs[0]
        self.n_clusters = len(self.cutoffs) - 1
        self.head_size = self.shortlist_size + self.n_clusters
        kw = {"device": device, "dtype": dtype, "generator": generator}
        self.head = Linear(self.in_features, self.head_size, bias=head_bias, **kw)
        self.tail = ModuleList()
        for i in range(self.n_clusters):
            hsz = int(self.in_features // (self.div_value ** (i + 1)))
            osz = self.cutoffs[i + 1] - self.cutoffs[i]
            self.tail.append(
                Sequential(
                    Linear(self.in_features, hsz, bias=False, **kw),
                    Linear(hsz, osz, bias=False, **kw),
                )
            )

    def reset_parameters(self, generator: Generator | None = None) -> None:
        """Re-draw every Linear as ``nn.Linear`` does (PyTorch's scheme)."""
        self.head.reset_parameters(generator)
        for i2h, h2o in self.tail:
            i2h.reset_parameters(generator)
            h2o.reset_parameters(generator)

    def _check_input(self, x: Any, what: str) -> Tensor:
        x = x if isinstance(x, Tensor) else ac.as_tensor(x)
        if x.dtype.kind != "f":
            raise DTypeError(
                f"{NAME}.{what}: input must be floating point, got dtype {x.dtype}. Convert it, "
                "e.g. x.float() or x.double()."
            )
        if x.ndim not in (1, 2) or x.shape[-1] != self.in_features:
            raise ShapeError(
                f"{NAME}.{what}: input must have shape (N, {self.in_features}) or "
                f"({self.in_features},) (in_features={self.in_features}), got "
                f"{tuple(x.shape)}. Flatten the leading axes into one batch axis."
            )
        return x

    def _host_target(self, target: Any, x: Tensor) -> np.ndarray:
        """The target as a host integer array, after PyTorch's shape checks against ``x``."""
        t = target if isinstance(target, Tensor) else ac.as_tensor(target)
        host = np.asarray(t.data if t.device.type == "cpu" else t.cpu().data)
        if host.dtype.kind not in "iu":
            raise DTypeError(
                f"{NAME}: target must hold integer class indices, got dtype {host.dtype}. "
                "Convert it with .long()."
            )
        if host.ndim == 1:
            if x.ndim != 2 or x.shape[0] != host.shape[0]:
                raise ShapeError(
                    f"{NAME}: a 1-D target (N,) needs a 2-D input (N, in_features) with the same "
                    f"batch size; got input {tuple(x.shape)} and target {tuple(host.shape)}. "
                    "Pass one target per input row."
                )
        elif host.ndim == 0:
            if x.ndim != 1:
                raise ShapeError(
                    f"{NAME}: a 0-D target needs a 1-D input (in_features,); got input "
                    f"{tuple(x.shape)}. Pass a 1-D target (N,) for a batch."
                )
        else:
            raise ShapeError(
                f"{NAME}: 0D or 1D target tensor expected, multi-target not supported; got "
                f"target {tuple(host.shape)}. Flatten it and the input's leading axes."
            )
        check_index_range(
            NAME,
            "target values",
            None,
            self.n_classes,
            host.reshape(-1),
            f"Use classes 0 … {self.n_classes - 1}, or raise n_classes.",
        )
        return host.reshape(-1).astype(np.int64)

    def forward(self, input: Any, target: Any) -> ASMoutput:  # noqa: A002  (PyTorch's name)
        """``ASMoutput(output, loss)``: log p(target | input) per sample and its negated mean.

        Raises:
            DTypeError: a non-floating input or a non-integer target.
            ShapeError: input not (N, in_features) with target (N,) or (in_features,) with ().
            IndexError: a target outside [0, n_classes).
        """
        x = self._check_input(input, "forward")
        t = self._host_target(target, x)
        batched = x.ndim == 2
        x = x if batched else x.reshape(1, self.in_features)
        n = t.shape[0]
        as_index = lambda a: ac.as_tensor(a, device=x.device)  # noqa: E731
        head_col = t.copy()  # the head entry each row reads: its class, or its cluster's entry
        clusters = []
        for i in range(self.n_clusters):
            lo, hi = self.cutoffs[i], self.cutoffs[i + 1]
            rows = np.flatnonzero((t >= lo) & (t < hi))
            head_col[rows] = self.shortlist_size + i
            if rows.size:
                clusters.append((i, rows, t[rows] - lo))
        head_lp = F.log_softmax(self.head(x), dim=1)
        output = head_lp.gather(1, as_index(head_col[:, None])).reshape(n)
        for i, rows, rel in clusters:  # a cluster no target falls in is skipped (no gradient)
            sub = x.index_select(0, as_index(rows))
            lp = F.log_softmax(self.tail[i](sub), dim=1)
            local = lp.gather(1, as_index(rel[:, None])).reshape(rows.size)
            output = output.index_add(0, as_index(rows), local)
        if n:
            loss = (-output).mean()
        else:  # PyTorch's mean over no rows is NaN; NumPy's would also warn
            loss = (-output).sum() * float("nan")
        return ASMoutput(output if batched else output.reshape(()), loss)

    def _full_log_prob(self, x: Tensor, head_out: Tensor) -> Tensor:
        """log p(c | x) for every class c: (N, n_classes) from x (N, in) and the head's scores."""
        head_lp = F.log_softmax(head_out, dim=-1)
        pieces = [head_lp[..., : self.shortlist_size]]
        for i in range(self.n_clusters):
            entry = self.shortlist_size + i
            cluster_lp = F.log_softmax(self.tail[i](x), dim=-1)
            pieces.append(cluster_lp + head_lp[..., entry : entry + 1])
        return ac.cat(pieces, dim=-1)

    def log_prob(self, input: Any) -> Tensor:  # noqa: A002  (PyTorch's name)
        """log p(c | input) for all n_classes classes: (N, in_features) → (N, n_classes), or
        (in_features,) → (n_classes,) (PyTorch takes only the batched form)."""
        x = self._check_input(input, "log_prob")
        return self._full_log_prob(x, self.head(x))

    def predict(self, input: Any) -> Tensor:  # noqa: A002  (PyTorch's name)
        """The most probable class of each sample, int64: (N, in_features) → (N,), or
        (in_features,) → (). Equal to ``log_prob(input).argmax(-1)``; only the rows whose head
        prefers a cluster over every shortlist class go through the tails (a shortlist class
        that beats every cluster's entry beats every class in it)."""
        x = self._check_input(input, "predict")
        with ac.no_grad():
            xb = x if x.ndim == 2 else x.reshape(1, self.in_features)
            head_out = self.head(xb)
            best = head_out.argmax(dim=1).data.copy()
            host_best = best if xb.device.type == "cpu" else ac.as_tensor(best).cpu().data
            rows = np.flatnonzero(host_best >= self.shortlist_size)
            if rows.size:
                idx = ac.as_tensor(rows, device=xb.device)
                full = self._full_log_prob(xb.index_select(0, idx), head_out.index_select(0, idx))
                best[idx.data] = full.argmax(dim=1).data
            out = ac.as_tensor(best.astype(np.int64, copy=False))
        return out if x.ndim == 2 else out.reshape(())

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, n_classes={self.n_classes}, "
            f"cutoffs={self.cutoffs[:-1]}, div_value={self.div_value}, "
            f"head_bias={self.head_bias}"
        )
