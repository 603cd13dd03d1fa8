"""Tests of helpers.identifiability."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from helpers.identifiability import (
    align_labels,
    principal_angles,
    relabel_chains,
    subspace_distance,
)

matrices = arrays(float, (6, 2), elements=st.floats(-3, 3))


@settings(max_examples=50, deadline=None)
@given(st.permutations(list(range(5))), arrays(float, (5, 2), elements=st.floats(-5, 5)))
def test_align_labels_undoes_a_permutation(perm, noise):
    reference = np.arange(5, dtype=float)[:, None] * np.array([10.0, -10.0])
    estimate = reference[list(perm)] + 0.1 * noise
    found = align_labels(estimate, reference)
    # the right permutation leaves only the noise, |0.1 * noise| <= 0.5 (plus rounding of
    # additions of size 40, ~1e-14); a wrong one is off by >= 10 - 1 = 9 in some entry
    np.testing.assert_allclose(estimate[found], reference, rtol=0, atol=0.5 + 1e-12)


def test_align_labels_beats_greedy_matching():
    # greedy nearest-match would send both estimates 0.9 and 1.2 to reference 1.0
    perm = align_labels([1.2, 0.9], [0.0, 1.0])
    assert perm.tolist() == [1, 0]


def test_align_labels_validates():
    with pytest.raises(ValueError, match="must have the same shape"):
        align_labels([0.0, 1.0], [0.0, 1.0, 2.0])


def test_relabel_chains_fixes_switching(rng):
    base = rng.normal(size=(100, 3)) * 0.1 + np.array([0.0, 2.0, 5.0])
    mu = np.stack([base, base[:, [2, 0, 1]]])
    w = np.stack([np.tile([0.2, 0.3, 0.5], (100, 1)), np.tile([0.5, 0.2, 0.3], (100, 1))])
    out, perms = relabel_chains({"mu": mu, "w": w}, by="mu", reference=[0.0, 2.0, 5.0])
    np.testing.assert_array_equal(out["mu"][1], base)
    np.testing.assert_array_equal(out["w"][1], w[0])
    assert perms.tolist() == [[0, 1, 2], [1, 2, 0]]


def test_relabel_chains_validates():
    mu = np.zeros((2, 4, 3))
    with pytest.raises(KeyError, match="`by`='mu' is not one of the keys"):
        relabel_chains({"w": mu}, by="mu", reference=[0, 1, 2])
    with pytest.raises(ValueError, match="must have shape"):
        relabel_chains({"mu": mu, "w": np.zeros((2, 4, 2))}, by="mu", reference=[0, 1, 2])
    with pytest.raises(ValueError, match=r"`draws\['mu'\]` must be a 3\-D array"):
        relabel_chains({"mu": np.zeros((4, 3))}, by="mu", reference=[0, 1, 2])


def test_principal_angles_known_values():
    # Exact angles of well-conditioned 2- and 3-vectors: only a few roundings of size eps,
    # so rtol 1e-12 (and atol 1e-12 for the exact 0) leaves a wide margin
    np.testing.assert_allclose(principal_angles([1.0, 0.0], [1.0, 1.0]), [45.0], rtol=1e-12)
    e = np.eye(3)
    np.testing.assert_allclose(
        principal_angles(e[:, :2], e[:, [0, 2]]), [0.0, 90.0], rtol=1e-12, atol=1e-12
    )
    np.testing.assert_allclose(
        principal_angles([1.0, 0.0], [0.0, 1.0], degrees=False), [np.pi / 2], rtol=1e-12
    )


@settings(max_examples=50, deadline=None)
@given(matrices, matrices, st.floats(0, 2 * np.pi), st.floats(0.2, 5))
def test_subspace_distance_properties(a, b, theta, scale):
    if np.linalg.matrix_rank(a, tol=1e-3) < 2 or np.linalg.matrix_rank(b, tol=1e-3) < 2:
        return
    rot = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]]) * scale
    d = subspace_distance(a, b)
    assert 0.0 <= d <= 1.0 + 1e-12  # 1e-12: rounding of a sine
    # Rounding errors of size eps ||A|| move the column space of A by about eps * cond(A)
    # (Wedin's theorem), and Householder QR / SVD on p x k matrices add ~p k eps each: so two
    # computed distances of these 6 x 2 bases agree within 2 p k eps cond = 24 eps cond
    # (at most ~5e-11 here, as the rank filter keeps cond below ~1e4)
    tol = 2 * 6 * 2 * np.finfo(float).eps * max(np.linalg.cond(a), np.linalg.cond(b))
    assert d == pytest.approx(subspace_distance(b, a), abs=tol)  # symmetric
    assert subspace_distance(a, a @ rot) == pytest.approx(0.0, abs=tol)  # rotation-invariant
    assert subspace_distance(a @ rot, b) == pytest.approx(d, abs=tol)


def test_subspace_distance_equals_projection_norm(rng):
    a, b = rng.normal(size=(7, 3)), rng.normal(size=(7, 3))
    qa, qb = np.linalg.qr(a)[0], np.linalg.qr(b)[0]
    expected = np.linalg.norm(qa @ qa.T - qb @ qb.T, 2)
    # two algorithms on 7 x 3 bases, each accurate to ~p k eps cond (as above): 2 p k eps cond
    tol = 2 * 7 * 3 * np.finfo(float).eps * max(np.linalg.cond(a), np.linalg.cond(b))
    assert subspace_distance(a, b) == pytest.approx(expected, rel=tol)


@pytest.mark.parametrize(
    ("a", "b", "message"),
    [
        (np.ones((3, 1)), np.ones((4, 1)), "same number of rows"),
        (np.ones((2, 3)), np.ones((2, 3)), "with k <= p"),
        (np.ones((3, 2)), np.eye(3)[:, :2], "linearly independent columns"),
    ],
)
def test_principal_angles_validates(a, b, message):
    with pytest.raises(ValueError, match=message):
        principal_angles(a, b)


def test_subspace_distance_needs_equal_dimensions():
    with pytest.raises(ValueError, match="same dimension"):
        subspace_distance(np.eye(3)[:, :1], np.eye(3)[:, :2])
