"""Fixed cases for what the linalg differential fuzz tests (test_linalg_fuzz_*.py) found, each
failing on the code before its fix, checked against torch 2.13 or a closed form."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac

torch = pytest.importorskip("torch")


def test_einsum_explicit_output_without_ellipsis_sums_its_dims():
    """'...ij->ij' sums the '...' dims, as torch (ours raised a ShapeError, NumPy's rule)."""
    x = np.random.default_rng(0).standard_normal((4, 2, 3))
    for subscripts, want in [
        ("...ij->ij", x.sum(0)),
        ("...->", x.sum()),
        ("i...->i", x.sum((1, 2))),
    ]:
        t = ac.tensor(x, requires_grad=True)
        y = ac.einsum(subscripts, t)
        np.testing.assert_allclose(y.numpy(), want, rtol=1e-12)
        np.testing.assert_allclose(
            y.numpy(), torch.einsum(subscripts, torch.tensor(x)).numpy(), rtol=1e-12
        )
        y.sum().backward()
        np.testing.assert_array_equal(t.grad.numpy(), np.ones_like(x))


def test_det_gradient_at_singular_matrices_is_the_cofactor_matrix():
    """det of an exactly singular A has the cofactor matrix as gradient (ours raised a
    LinAlgError in backward; torch 2.13 returns zeros). Oracles: the cofactors written out, and
    central differences of det (a polynomial)."""
    cases = {
        (1, 2, 2, 4): [[4.0, -2.0], [-2.0, 1.0]],
        (0, 0, 0, -2): [[-2.0, 0.0], [0.0, 0.0]],
        (0,): [[1.0]],
    }
    for entries, cofactors in cases.items():
        n = int(round(len(entries) ** 0.5))
        a = np.array(entries, dtype=np.float64).reshape(n, n)
        t = ac.tensor(a, requires_grad=True)
        d = ac.linalg.det(t)
        assert d.item() == 0.0
        d.backward()
        np.testing.assert_allclose(t.grad.numpy(), cofactors, atol=1e-12)
    a = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]])  # rank 2, det 0 exactly
    a[2] = 0.0
    t = ac.tensor(np.stack([a, np.eye(3) * 2.0]), requires_grad=True)  # with an invertible one
    ac.linalg.det(t).sum().backward()
    h = 1e-6
    numeric = np.zeros((3, 3))
    for i in range(3):
        for j in range(3):
            e = np.zeros((3, 3))
            e[i, j] = h
            numeric[i, j] = (np.linalg.det(a + e) - np.linalg.det(a - e)) / (2 * h)
    np.testing.assert_allclose(t.grad.numpy()[0], numeric, atol=1e-8)
    np.testing.assert_allclose(t.grad.numpy()[1], np.eye(3) * 4.0, atol=1e-12)


def test_singular_errors_name_the_function_called():
    """linalg.inv and linalg.matrix_power with n < 0 name themselves (they said 'inverse')."""
    singular = ac.tensor([[1.0, 2.0], [2.0, 4.0]])
    with pytest.raises(ac.LinAlgError, match="^linalg.inv: the input is singular"):
        ac.linalg.inv(singular)
    with pytest.raises(ac.LinAlgError, match="^linalg.matrix_power: the input is singular"):
        ac.linalg.matrix_power(singular, -2)


@pytest.mark.parametrize("shape", [(0, 0), (0, 2), (2, 0), (3, 0, 2)])
@pytest.mark.parametrize("ord", [1, 2, float("inf"), "nuc", "fro"])
def test_matrix_norm_of_empty_matrices_is_zero(shape, ord):  # noqa: A002
    """Positive orders of an empty matrix are 0, as torch (ours raised for 1, inf, 2)."""
    x = ac.zeros(shape, dtype=ac.float64, requires_grad=True)
    y = ac.linalg.matrix_norm(x, ord)
    want = torch.linalg.matrix_norm(torch.zeros(shape, dtype=torch.float64), ord)
    assert y.shape == tuple(want.shape)
    np.testing.assert_array_equal(y.numpy(), want.numpy())
    y.sum().backward()
    assert x.grad.shape == shape


@pytest.mark.parametrize("shape, ord", [((0, 0), -1), ((2, 0), -1), ((0, 2), -2), ((0, 0), -2)])
def test_matrix_norm_negative_orders_of_empty_matrices_raise(shape, ord):  # noqa: A002
    """No smallest sum or singular value of an empty matrix: torch raises, ours too, naming
    linalg.matrix_norm (ours raised from amin, or indexed past the end)."""
    with pytest.raises((RuntimeError, IndexError)):
        torch.linalg.matrix_norm(torch.zeros(shape), ord)
    with pytest.raises(ac.ShapeError, match="^linalg.matrix_norm: order -[12] takes the smallest"):
        ac.linalg.matrix_norm(ac.zeros(shape), ord)


@pytest.mark.parametrize(
    "a_shape, b_shape",
    [((3, 3), (3,)), ((2, 3, 3), (2, 3)), ((0, 0, 0), (0, 0)), ((2, 1, 1), (2, 1))],
)
def test_solve_vector_b_with_left_false_raises_as_torch(a_shape, b_shape):
    """X A = B takes no vector B, even for n = 1 (torch raises; ours solved for a row)."""
    a = np.broadcast_to(np.eye(a_shape[-1]) * 2.0, a_shape)
    with pytest.raises(RuntimeError):
        torch.linalg.solve(torch.tensor(a), torch.ones(b_shape, dtype=torch.float64), left=False)
    with pytest.raises(ac.ShapeError, match="^linalg.solve: B of shape .* is a vector"):
        ac.linalg.solve(ac.tensor(a), ac.ones(b_shape, dtype=ac.float64), left=False)


def test_det_refuses_a_recorded_backward_at_a_singular_matrix():
    """The cofactors at a singular A come from an unrecorded SVD: a create_graph backward there
    would give a gradient whose derivative is silently 0 (d²det/dA² is not 0: at [[1, 2],
    [2, 4]], d(cof A)[0, 0]/dA[1, 1] = 1), so it raises; the first-order gradient stays."""
    a = ac.tensor([[1.0, 2.0], [2.0, 4.0]], requires_grad=True)
    (g,) = ac.grad(ac.linalg.det(a), a)
    np.testing.assert_array_equal(g.numpy(), [[4.0, -2.0], [-2.0, 1.0]])
    with pytest.raises(ac.LinAlgError, match=r"det: .*singular.*create_graph=False"):
        ac.grad(ac.linalg.det(a), a, create_graph=True)
