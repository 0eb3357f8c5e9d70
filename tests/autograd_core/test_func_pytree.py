"""The pytrees of autograd_core.func: flatten/unflatten round trips and prefix broadcasting."""

from __future__ import annotations

from collections import OrderedDict, namedtuple

import pytest

from autograd_core.func.pytree import broadcast_prefix, tree_flatten, tree_map, tree_unflatten

Pair = namedtuple("Pair", "left right")


def test_round_trip_keeps_every_container_type():
    tree = {"a": [1, (2, None)], "b": Pair(3, OrderedDict(z=4, y=5)), "c": ()}
    leaves, spec = tree_flatten(tree)
    assert leaves == [1, 2, 3, 4, 5]
    back = tree_unflatten(leaves, spec)
    assert back == tree
    assert type(back["b"]) is Pair and type(back["b"].right) is OrderedDict
    assert list(back["b"].right) == ["z", "y"]
    assert tree_map(lambda v: v * 10, tree)["b"].right["y"] == 50
    assert repr(spec) == "{'a': [*, (*, None)], 'b': Pair(*, {'z': *, 'y': *}), 'c': ()}"


def test_specs_compare_by_structure():
    assert tree_flatten((1, [2]))[1] == tree_flatten((5, [6]))[1]
    assert tree_flatten((1, [2]))[1] != tree_flatten((1, (2,)))[1]
    assert tree_flatten({"a": 1})[1] != tree_flatten({"b": 1})[1]


def test_unflatten_refuses_the_wrong_number_of_leaves():
    _, spec = tree_flatten((1, 2))
    with pytest.raises(ValueError, match="holds 2 leaves but 3 were given"):
        tree_unflatten([1, 2, 3], spec)


def test_broadcast_prefix():
    _, spec = tree_flatten(({"w": 1, "b": 2}, [3, 4], 5))
    assert broadcast_prefix(0, spec) == [0] * 5
    assert broadcast_prefix((None, 1, 0), spec) == [None, None, 1, 1, 0]
    assert broadcast_prefix(({"b": 0, "w": None}, [1, 2], None), spec) == [None, 0, 1, 2, None]
    assert broadcast_prefix((0, 1), spec) is None
    assert broadcast_prefix((0, (1, 2), 0), spec) is None  # a tuple where the tree has a list
    assert broadcast_prefix(({"w": 0}, 1, 0), spec) is None
