"""Error messages of the shape, join and indexing ops (cat, stack, split, chunk, flatten,
squeeze, unsqueeze, pad, flip, repeat, gather, index_select, index_add, scatter_add,
take_along_axis): each names the op, the shapes seen and a fix."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac

# -- error messages name the op, the shapes and a fix ---------------------------------------


def test_cat_shape_mismatch_message():
    with pytest.raises(
        ac.ShapeError,
        match=r"cat: input 1 has shape \(2, 4\), which does not "
        r"match input 0's shape \(3, 3\) outside dim 0\. Shapes: \(3, 3\), "
        r"\(2, 4\)\. Make every axis",
    ):
        ac.cat([ac.ones(3, 3), ac.ones(2, 4)])
    with pytest.raises(
        ac.ShapeError,
        match=r"cat: input 1 has shape \(3,\).*Shapes: \(3, 3\), "
        r"\(3,\)",
    ):
        ac.cat([ac.ones(3, 3), ac.ones(3)], dim=1)
    with pytest.raises(ac.ShapeError, match=r"cat: input 0 is 0-d.*Use stack"):
        ac.cat([ac.tensor(1.0), ac.tensor(2.0)])
    with pytest.raises(ac.ShapeError, match=r"cat: expected a non-empty list.*length 0"):
        ac.cat([])
    with pytest.raises(
        ac.ShapeError,
        match=r"cat: dim 2 is out of range for inputs of shape "
        r"\(3, 3\); valid dims are -2 to 1",
    ):
        ac.cat([ac.ones(3, 3)], dim=2)


def test_stack_shape_mismatch_message():
    with pytest.raises(
        ac.ShapeError,
        match=r"stack: input 2 has shape \(3, 2\) but input 0 has "
        r"shape \(2, 3\); stack needs inputs of one shape\. Shapes: \(2, 3\), "
        r"\(2, 3\), \(3, 2\)\. Use cat",
    ):
        ac.stack([ac.ones(2, 3), ac.ones(2, 3), ac.ones(3, 2)])
    with pytest.raises(ac.ShapeError, match=r"stack: dim 3 is out of range .* -3 to 2"):
        ac.stack([ac.ones(2, 3)], dim=3)


def test_split_and_chunk_messages():
    x = ac.ones(2, 5)
    with pytest.raises(
        ac.ShapeError,
        match=r"split: sections \[1, 2\] sum to 3, but dim 1 of "
        r"shape \(2, 5\) has size 5",
    ):
        x.split([1, 2], dim=1)
    with pytest.raises(ac.ShapeError, match=r"split: split size 0 cannot split dim 0 of size 2"):
        x.split(0)
    with pytest.raises(ac.ShapeError, match=r"split: cannot split a 0-d tensor"):
        ac.split(ac.tensor(1.0), 1)
    with pytest.raises(ac.ShapeError, match=r"chunk: chunks must be at least 1, got 0"):
        x.chunk(0)


def test_shape_alias_messages():
    x = ac.ones(2, 3)
    with pytest.raises(
        ac.ShapeError,
        match=r"flatten: dim 2 is out of range for a tensor of "
        r"shape \(2, 3\); valid dims are -2 to 1",
    ):
        x.flatten(2)
    with pytest.raises(ac.ShapeError, match=r"flatten: start_dim 1 comes after end_dim 0"):
        x.flatten(1, 0)
    with pytest.raises(ac.ShapeError, match=r"squeeze: dim -3 is out of range .* \(2, 3\)"):
        x.squeeze(-3)
    with pytest.raises(ac.ShapeError, match=r"squeeze: dim \(0, -2\) names an axis twice"):
        x.squeeze((0, -2))
    with pytest.raises(
        ac.ShapeError,
        match=r"unsqueeze: dim 3 is out of range .* valid dims "
        r"are -3 to 2",
    ):
        x.unsqueeze(3)


def test_pad_flip_repeat_messages():
    x = ac.ones(2, 3)
    with pytest.raises(
        ac.ShapeError,
        match=r"pad: got 3 widths \(1, 1, 1\) for a tensor of "
        r"shape \(2, 3\); pass an even number",
    ):
        x.pad((1, 1, 1))
    with pytest.raises(ac.ShapeError, match=r"pad: got 6 widths .* at most 2 \* 2"):
        x.pad((1,) * 6)
    with pytest.raises(
        ac.ShapeError,
        match=r"pad: widths \(-2, -2\) on axis 1 of a tensor of "
        r"shape \(2, 3\) would give size -1",
    ):
        x.pad((-2, -2))
    with pytest.raises(ac.ShapeError, match=r"flip: axis 2 is out of range"):
        x.flip(2)
    with pytest.raises(ac.ShapeError, match=r"flip: axis \(0, -2\) repeats an axis"):
        x.flip((0, -2))
    with pytest.raises(
        ac.ShapeError,
        match=r"repeat: got 1 repetition counts \(2,\) for a "
        r"tensor of shape \(2, 3\); pass at least 2.*or use tile",
    ):
        x.repeat(2)
    with pytest.raises(ac.ShapeError, match=r"repeat: repetitions \(2, -1\) .* negative"):
        x.repeat(2, -1)


def test_indexing_messages():
    x = ac.ones(3, 4)
    with pytest.raises(
        ac.ShapeError,
        match=r"gather: index of shape \(3,\) does not fit x of "
        r"shape \(3, 4\) along dim 1",
    ):
        ac.gather(x, 1, [0, 1, 2])
    with pytest.raises(
        ac.ShapeError,
        match=r"gather: index values from 0 to 4 are out of range "
        r"for dim 1 of size 4 \(tensor of shape \(3, 4\)\)",
    ):
        ac.gather(x, 1, [[0, 4]])
    with pytest.raises(
        ac.DTypeError,
        match=r"index_select: index must hold integers, got dtype "
        r"float64.*index\.long\(\)",
    ):
        ac.index_select(x, 0, np.array([0.0, 1.0]))
    with pytest.raises(
        ac.ShapeError,
        match=r"index_select: dim 2 is out of range for a tensor "
        r"of shape \(3, 4\); valid dims are -2 to 1",
    ):
        ac.index_select(x, 2, [0])
    with pytest.raises(
        ac.ShapeError,
        match=r"index_select: index must be 0-d or 1-D, got shape "
        r"\(1, 1\)",
    ):
        ac.index_select(x, 0, [[0]])
    with pytest.raises(
        ac.ShapeError,
        match=r"index_add: source has shape \(2, 3\), but x of "
        r"shape \(3, 4\) with 2 indices along dim 0 needs \(2, 4\)",
    ):
        ac.index_add(x, 0, [0, 1], ac.ones(2, 3))
    with pytest.raises(
        ac.ShapeError,
        match=r"scatter_add: index of shape \(2, 3\) is larger "
        r"than src of shape \(2, 2\)",
    ):
        ac.scatter_add(x, 0, np.zeros((2, 3), np.int64), ac.ones(2, 2))
    with pytest.raises(
        ac.ShapeError,
        match=r"take_along_axis: indices of shape \(2,\) and x of "
        r"shape \(3, 4\) need the same number of axes",
    ):
        ac.take_along_axis(x, [0, 1], axis=0)
