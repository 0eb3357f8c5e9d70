"""Fixed cases found by the program fuzz (test_program_fuzz.py), each against torch 2.13 through
the same interpreter (program_fuzz.run_program) or against a closed form, and the differences
from torch that are kept, pinned.
"""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac

torch = pytest.importorskip("torch")

from program_fuzz import run_program  # noqa: E402

X = np.array([1.0, 2.0, 3.0, 4.0])
W = np.array([1.0, 0.5, 2.0, 1.5])


def test_in_place_on_a_view_of_a_non_leaf_changes_the_base_and_its_gradient():
    # y = 2x; y[:2] *= 3; was: y unchanged and x.grad = 2 everywhere, silently
    run_program(
        [(X, True)],
        [
            ("binary", 0, "mul", None, 2.0),
            ("view", 1, "getitem", slice(0, 2)),
            ("inplace", 2, "mul_", 3.0),
            ("autograd", 1, "backward", W, "sum", False),
        ],
    )


def test_in_place_on_a_base_is_seen_by_its_earlier_views():
    run_program(
        [(X, True)],
        [
            ("binary", 0, "mul", None, 2.0),
            ("view", 1, "getitem", slice(1, 3)),
            ("inplace", 1, "add_", 1.0),
        ],
    )


def test_a_saved_output_written_in_place_refuses_backward():
    # exp saves its output; was: its gradient silently used the new values
    run_program(
        [(X, True)],
        [
            ("unary", 0, "exp"),
            ("inplace", 1, "add_", 1.0),
            ("autograd", 1, "backward", W, "sum", False),
        ],
    )
    x = ac.tensor(X, requires_grad=True)
    y = x.sigmoid()
    with ac.no_grad():
        y.mul_(2)  # not recorded, but written: same refusal
    with pytest.raises(ac.GraphError, match="sigmoid: output 0 .* modified by an in-place"):
        y.sum().backward()


def test_refusals_torch_makes_too():
    # in place on an expanded view, on a view of a leaf that requires grad, on one of unbind's
    # views; retain_grad on a tensor that does not require grad; detach_ on a view
    for steps in (
        [
            ("binary", 0, "mul", None, 2.0),
            ("view", 1, "expand", (2, 4)),
            ("inplace", 2, "add_", 1.0),
        ],
        [("view", 0, "getitem", slice(0, 2)), ("inplace", 1, "mul_", 2.0)],
        [
            ("binary", 0, "mul", None, 2.0),
            ("view", 1, "view", (2, 2)),
            ("view", 2, "unbind", 0),
            ("inplace", 3, "mul_", 2.0),
        ],
        [("autograd", 0, "retain_grad")],
        [
            ("binary", 0, "mul", None, 2.0),
            ("view", 1, "getitem", slice(0, 2)),
            ("inplace", 2, "detach_"),
        ],
    ):
        leaves = [(X, not steps[0][2] == "retain_grad")]
        run_program(leaves, [*steps, ("autograd", 0, "backward", W, "sum", False)])


def test_the_in_place_forms_added():
    for op in ("relu_", "sigmoid_", "exp_", "tanh_"):
        run_program(
            [(X - 2.5, True)],
            [
                ("binary", 0, "mul", None, 2.0),
                ("inplace", 1, op),
                ("autograd", 1, "backward", W, "sum", False),
            ],
        )
    run_program(
        [(X.reshape(2, 2), True), (np.array([[0.5, -1.0]]), True)],
        [
            ("binary", 0, "mul", None, 2.0),
            ("inplace", 2, "index_add_", 0, np.array([1]), ("slot", 1), 2.0),
            ("autograd", 2, "backward", W.reshape(2, 2), "sum", False),
        ],
    )


def test_views_that_move_nothing_are_still_new_views():
    # reshape to the same shape, an identity permute or expand: new non-leaf views as torch
    # (was: x itself, a leaf); flatten of a 1-D tensor is x itself in both
    for step in (
        ("view", 0, "reshape", (4,)),
        ("view", 0, "permute", (0,)),
        ("view", 0, "expand", (4,)),
        ("view", 0, "flatten"),
    ):
        run_program([(X, True)], [step])


def test_one_element_of_a_tensor_is_a_view():
    # x[i] was a copy: an in-place op on it did not reach x
    run_program([(X, False)], [("view", 0, "getitem", 2), ("inplace", 1, "mul_", 3.0)])
    x = ac.tensor(X)
    x[1].fill_(7.0)
    assert x.tolist() == [1.0, 7.0, 3.0, 4.0]


# -- kept differences -------------------------------------------------------------------------


def test_kept_a_view_made_under_no_grad_does_not_require_grad():
    # torch's view of a tensor that requires grad, made under no_grad, requires grad (a leaf);
    # ours follows no_grad's rule: nothing made under it requires grad
    x = ac.tensor(X, requires_grad=True)
    with ac.no_grad():
        v = x[:2]
    assert not v.requires_grad and v.is_leaf


def test_kept_consumers_of_a_rebound_or_rewritten_tensor_refuse_to_back_propagate():
    # torch back-propagates through an op that saved nothing (y + 1) and through a view taken
    # before its base was written in place; ours refuses both with a GraphError naming the op
    # (the view's values do follow the base, as torch)
    x = ac.tensor(X, requires_grad=True)
    y = x * 2
    z = y + 1
    y.mul_(3)
    with pytest.raises(ac.GraphError, match="add: input 0 .* modified by an in-place"):
        z.sum().backward()
    y = x * 2
    v = y[:2]
    y.mul_(3)
    np.testing.assert_array_equal(v.data, 6 * X[:2])
    with pytest.raises(ac.GraphError, match="shares its memory"):
        v.sum().backward()
