"""Invalid loss calls, drawn by hypothesis: wherever torch 2.13 raises (a target of the wrong
dtype or shape, a class index out of range, a negative or misshapen variance, a batch that does
not match), ours must raise too, with a message naming the function and the problem (a word
for it: shape, dtype, range, …). Ours may refuse more than torch does (a silent broadcast of
mse_loss's input and target, for example); that direction is not tested here."""

from __future__ import annotations

import numpy as np
import pytest
from fuzz_compare import fuzz_settings, seeds
from hypothesis import given
from hypothesis import strategies as st

import autograd_core as ac
import nn.functional as F

torch = pytest.importorskip("torch")

# the problem's words, one of which the message must hold
SHAPE = ("shape", "size", "axes", "broadcast", "dimension", "per class")
DTYPE = ("dtype", "integer", "long", "float")
RANGE = ("range", "[0,", "between", "classes", "negative")


def _case(kind: str, rng: np.random.Generator):
    """(function name, args as NumPy arrays, keyword arguments, the problem's words)."""
    n, c = int(rng.integers(1, 4)), int(rng.integers(2, 5))
    x = rng.standard_normal((n, c))
    idx = rng.integers(0, c, n)
    other = n + int(rng.integers(1, 3))
    if kind == "ce_float_index_shape":  # a float target of the wrong shape
        return "cross_entropy", [x, rng.random((n, c + 1))], {}, SHAPE
    if kind == "ce_batch":
        return "cross_entropy", [x, rng.integers(0, c, other)], {}, SHAPE
    if kind == "ce_range":
        bad = idx.copy()
        bad[0] = c + int(rng.integers(0, 3)) if rng.random() < 0.5 else -1 - int(rng.integers(1, 3))
        return "cross_entropy", [x, bad], {}, RANGE
    if kind == "ce_weight":
        return "cross_entropy", [x, idx], {"weight": rng.random(c + 1)}, SHAPE
    if kind == "ce_kdim_target":
        return (
            "cross_entropy",
            [rng.standard_normal((n, c, 2)), rng.integers(0, c, (n, 3))],
            {},
            SHAPE,
        )
    if kind == "nll_float_target":
        return "nll_loss", [x, idx.astype(np.float64)], {}, DTYPE
    if kind == "nll_batch":
        return "nll_loss", [x, rng.integers(0, c, other)], {}, SHAPE
    if kind == "nll_range":
        bad = idx.copy()
        bad[-1] = c
        return "nll_loss", [x, bad], {}, RANGE
    if kind == "bce_shape":
        return "binary_cross_entropy", [rng.random((n, c)), rng.random((n, c + 1))], {}, SHAPE
    if kind == "bce_range":
        return "binary_cross_entropy", [rng.random((n, c)) + 1.5, rng.random((n, c))], {}, RANGE
    if kind == "bcel_shape":
        return "binary_cross_entropy_with_logits", [x, rng.random((other, c))], {}, SHAPE
    if kind == "gnll_negative_var":
        var = rng.random((n, c))
        var[0, 0] = -0.5
        return "gaussian_nll_loss", [x, x + 1, var], {}, RANGE
    if kind == "gnll_var_shape":
        return "gaussian_nll_loss", [x, x + 1, rng.random((n, c + 1))], {}, SHAPE
    if kind == "gnll_var_two_axes":  # two axes differ from the input's: torch refuses
        x3 = rng.standard_normal((n, c, 2))
        return "gaussian_nll_loss", [x3, x3, rng.random((1, 1, 2))], {}, SHAPE
    if kind == "multi_margin_float":
        return "multi_margin_loss", [x, idx.astype(np.float64)], {}, DTYPE
    if kind == "multi_margin_range":
        bad = idx.copy()
        bad[0] = c
        return "multi_margin_loss", [x, bad], {}, RANGE
    if kind == "multilabel_margin_shape":
        return "multilabel_margin_loss", [x, rng.integers(-1, c, (n, c + 1))], {}, SHAPE
    if kind == "margin_ranking_axes":
        return "margin_ranking_loss", [x, x, np.ones(n)], {}, SHAPE
    if kind == "cosine_shape":
        return "cosine_embedding_loss", [x, x, np.ones((n, 2))], {}, SHAPE
    if kind == "triplet_axes":
        return "triplet_margin_loss", [x, x, x[0]], {}, SHAPE
    raise AssertionError(kind)


KINDS = [
    "ce_float_index_shape", "ce_batch", "ce_range", "ce_weight", "ce_kdim_target",
    "nll_float_target", "nll_batch", "nll_range", "bce_shape", "bce_range", "bcel_shape",
    "gnll_negative_var", "gnll_var_shape", "gnll_var_two_axes", "multi_margin_float",
    "multi_margin_range", "multilabel_margin_shape", "margin_ranking_axes", "cosine_shape",
    "triplet_axes",
]  # fmt: skip


def _torch_arg(a):
    return torch.tensor(a) if isinstance(a, np.ndarray) else a


@fuzz_settings(60)
@given(kind=st.sampled_from(KINDS), seed=seeds)
def test_invalid_losses_raise_where_torch_raises(kind, seed):
    name, args, kw, words = _case(kind, np.random.default_rng(seed))
    try:
        getattr(torch.nn.functional, name)(
            *map(_torch_arg, args), **{k: _torch_arg(v) for k, v in kw.items()}
        )
    except (RuntimeError, ValueError, IndexError, TypeError):
        pass
    else:
        pytest.fail(f"torch accepts the case {kind}: not an invalid input")
    with pytest.raises((ValueError, TypeError, IndexError)) as info:  # ShapeError is a ValueError
        getattr(F, name)(*[ac.tensor(a) for a in args], **{k: ac.tensor(v) for k, v in kw.items()})
    message = str(info.value)
    assert name in message, message
    assert any(w in message.lower() for w in words), message
