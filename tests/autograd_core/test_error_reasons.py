"""``reason`` of the refusals of memory changed in place (autograd_core.errors.REASONS): each
raised where it belongs, with the name code can tell it by, and kept through pickling; the
program fuzz accepts its kept differences by these names (program_fuzz.kept_refusal)."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

import autograd_core as ac
from autograd_core.errors import REASONS

X = np.array([1.0, 2.0, 3.0, 4.0])


def _leaf() -> ac.Tensor:
    return ac.tensor(X, requires_grad=True)


def _stale_tensor() -> None:
    b, w = ac.zeros(4, dtype=ac.float64), _leaf()
    with ac.no_grad():
        v = b.reshape(-1)
    b.add_(w)
    v * 2


def _stale_node() -> None:
    y = _leaf() * 2
    a, _ = y.split(2)  # (one of several views: not regenerated, and torch refuses it too)
    y.mul_(3)
    (a * a).sum().backward()


def _input_modified() -> None:
    y = _leaf() * 2
    z = y * y
    y.add_(1)
    z.sum().backward()


def _output_modified() -> None:
    y = _leaf().exp()
    with ac.no_grad():
        y.add_(1)
    y.sum().backward()


def _leaf_reshaped() -> None:
    x = ac.tensor(X.reshape(2, 2), requires_grad=True)
    y = x.exp()
    with ac.no_grad():
        x.t_()
    y.sum().backward()


def _overlapping_elements() -> None:
    ac.as_strided(ac.zeros(4, dtype=ac.float64), (2, 2), (1, 1)).add_(1.0)


def _partial_overlap() -> None:
    x = ac.zeros(2, 4, dtype=ac.float64)
    x[:, 1:] = x[:, :-1]


def _expanded_write() -> None:
    ac.zeros(3, dtype=ac.float64).expand(2, 3)[0] = ac.ones(3, dtype=ac.float64)


def _view_outside_base() -> None:
    y = _leaf().exp()
    v = y.reshape(-1)
    y.as_strided_((2, 1), (1, 0))
    v.add_(2.0)


PROGRAMS = {
    "stale-tensor": _stale_tensor,
    "stale-node": _stale_node,
    "input-modified": _input_modified,
    "output-modified": _output_modified,
    "leaf-reshaped": _leaf_reshaped,
    "overlapping-elements": _overlapping_elements,
    "partial-overlap": _partial_overlap,
    "expanded-write": _expanded_write,
    "view-outside-base": _view_outside_base,
}


def test_every_reason_has_a_program_here():
    assert set(PROGRAMS) == set(REASONS)


@pytest.mark.parametrize("reason", sorted(PROGRAMS))
def test_each_refusal_carries_its_reason_through_pickling(reason):
    with pytest.raises(ac.GraphError) as info:
        PROGRAMS[reason]()
    assert info.value.reason == reason, str(info.value)
    again = pickle.loads(pickle.dumps(info.value))
    assert (type(again), again.reason, str(again)) == (ac.GraphError, reason, str(info.value))


def test_errors_without_a_reason_say_none():
    with pytest.raises(ac.ShapeError) as info:
        ac.ones(2, 3) + ac.ones(4)
    assert info.value.reason is None
    x = _leaf()
    y = (x * 2).sum()
    y.backward()
    with pytest.raises(ac.errors.GraphFreedError) as freed:
        y.backward()
    assert freed.value.reason is None


def test_an_unknown_reason_is_refused_naming_the_known_ones():
    with pytest.raises(ValueError, match=r"GraphError: unknown reason 'stale'.*'stale-node'"):
        ac.GraphError("text", reason="stale")
