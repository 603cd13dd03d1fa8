"""Identifiability in latent variable models: label switching and rotations.

Introduced in notebook 09.

A mixture's components can swap labels between chains, and a factor model's loadings are
identified only up to a rotation. This module undoes the first and measures the second:

* :func:`align_labels` and :func:`relabel_chains` -- the permutation that matches one labelling
  to another (the Hungarian algorithm), applied to every chain;
* :func:`principal_angles` and :func:`subspace_distance` -- how far apart two loading matrices'
  column spaces are, whatever their rotation.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import linalg, optimize

from helpers import _validate as validate

__all__ = [
    "align_labels",
    "relabel_chains",
    "principal_angles",
    "subspace_distance",
]


def align_labels(estimate: ArrayLike, reference: ArrayLike) -> np.ndarray:
    """The relabelling of ``estimate``'s components that best matches ``reference``.

    Solves the assignment problem (Hungarian algorithm, :func:`scipy.optimize.linear_sum_assignment`)
    on squared distances between component summaries, so it stays right when a greedy
    nearest-match would give two components the same label.

    Parameters
    ----------
    estimate, reference : array-like, shape (K,) or (K, d)
        One summary per component (a mean, or a vector of means).

    Returns
    -------
    numpy.ndarray of int, shape (K,)
        A permutation ``perm`` such that ``estimate[perm]`` lines up with ``reference``.

    Raises
    ------
    ValueError
        If the two inputs differ in shape or are not 1-D or 2-D.

    Examples
    --------
    >>> perm = align_labels([5.1, -0.2, 2.0], [0.0, 2.0, 5.0])
    >>> perm.tolist(), [[5.1, -0.2, 2.0][i] for i in perm]
    ([1, 2, 0], [-0.2, 2.0, 5.1])
    """
    est = validate.array(estimate, "estimate", ndim=(1, 2))
    ref = validate.array(reference, "reference", ndim=(1, 2))
    if est.shape != ref.shape:
        raise ValueError(
            f"`estimate` and `reference` must have the same shape; got {est.shape} and {ref.shape}"
        )
    est2, ref2 = est.reshape(est.shape[0], -1), ref.reshape(ref.shape[0], -1)
    cost = ((ref2[:, None, :] - est2[None, :, :]) ** 2).sum(
        axis=-1
    )  # cost[reference k, estimate j]
    _, perm = optimize.linear_sum_assignment(cost)
    return perm.astype(int)


def relabel_chains(
    draws: Mapping[str, Any], *, by: str, reference: ArrayLike
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Undo label switching between MCMC chains by relabelling each chain to a reference.

    Each chain's posterior mean of ``draws[by]`` is aligned to ``reference`` with
    :func:`align_labels`, and the same permutation is applied to every array in ``draws``
    (weights, means and scales must move together). This fixes switching *between* chains,
    the common case; a chain that switches labels *within* itself needs an ordering constraint
    or draw-by-draw relabelling.

    Parameters
    ----------
    draws : mapping of str to array-like, each of shape (chains, draws, K)
        Posterior draws of the component-indexed parameters.
    by : str
        The key whose chain means decide the relabelling (usually the component means).
    reference : array-like, shape (K,)
        The labelling to align to (for example one chain's means, sorted).

    Returns
    -------
    relabelled : dict of str to numpy.ndarray
        The same arrays with components permuted chain by chain.
    perms : numpy.ndarray of int, shape (chains, K)
        The permutation applied to each chain.

    Raises
    ------
    KeyError
        If ``by`` is not in ``draws``.
    ValueError
        If an array is not 3-D or the shapes disagree.

    Examples
    --------
    >>> mu = np.array([[[0.0, 5.0]] * 3, [[5.0, 0.0]] * 3])  # chain 1 has the labels swapped
    >>> out, perms = relabel_chains({"mu": mu}, by="mu", reference=[0.0, 5.0])
    >>> perms.tolist(), out["mu"][1, 0].tolist()
    ([[0, 1], [1, 0]], [0.0, 5.0])
    """
    if by not in draws:
        raise KeyError(f"`by`={by!r} is not one of the keys of `draws`: {sorted(draws)}")
    arrays = {
        name: validate.array(value, f"draws[{name!r}]", ndim=3) for name, value in draws.items()
    }
    shape = arrays[by].shape
    for name, arr in arrays.items():
        if arr.shape != shape:
            raise ValueError(
                f"every array in `draws` must have shape {shape}; `{name}` has {arr.shape}"
            )
    perms = np.array([align_labels(arrays[by][c].mean(axis=0), reference) for c in range(shape[0])])
    relabelled = {
        name: np.stack([arr[c][:, perms[c]] for c in range(shape[0])])
        for name, arr in arrays.items()
    }
    return relabelled, perms


def _basis(value: Any, name: str) -> np.ndarray:
    arr = validate.array(value, name, ndim=(1, 2))
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.shape[1] > arr.shape[0]:
        raise ValueError(
            f"`{name}` must have shape (p, k) with k <= p (columns span the subspace); got {arr.shape}"
        )
    if np.linalg.matrix_rank(arr) < arr.shape[1]:
        raise ValueError(f"`{name}` must have linearly independent columns")
    return arr


def principal_angles(a: ArrayLike, b: ArrayLike, *, degrees: bool = True) -> np.ndarray:
    r"""The principal angles between the column spaces of ``a`` and ``b``, smallest first.

    If :math:`Q_a, Q_b` are orthonormal bases, the cosines of the angles are the singular
    values of :math:`Q_a^\top Q_b`. They do not change when the columns are rotated, rescaled or
    mixed, which is exactly the freedom a factor model's loadings have. Computed by
    :func:`scipy.linalg.subspace_angles` (numerically stable for small angles).

    Parameters
    ----------
    a, b : array-like, shape (p, k_a) and (p, k_b)
        Matrices whose columns span the two subspaces (a 1-D array is one column).
    degrees : bool, default True
        Return degrees (True) or radians (False).

    Returns
    -------
    numpy.ndarray, shape (min(k_a, k_b),)
        Angles in ascending order, in [0, 90] degrees.

    Raises
    ------
    ValueError
        If the row counts differ, or a matrix has more columns than rows or dependent columns.

    References
    ----------
    Bjorck, A. and Golub, G. H. (1973). Numerical methods for computing angles between linear
    subspaces. *Mathematics of Computation*, 27(123), 579-594.

    Examples
    --------
    >>> principal_angles([[1, 0], [0, 1], [0, 0]], [[1, 1], [1, -1], [0, 0]]).round(6)
    array([0., 0.])
    >>> principal_angles([1, 0], [1, 1]).round(6)
    array([45.])
    """
    qa, qb = _basis(a, "a"), _basis(b, "b")
    if qa.shape[0] != qb.shape[0]:
        raise ValueError(
            f"`a` and `b` must have the same number of rows; got {qa.shape[0]} and {qb.shape[0]}"
        )
    angles = np.sort(linalg.subspace_angles(qa, qb))
    return np.degrees(angles) if degrees else angles


def subspace_distance(a: ArrayLike, b: ArrayLike) -> float:
    r"""The distance between two subspaces of equal dimension: the sine of the largest principal angle.

    Equal to :math:`\lVert P_a - P_b \rVert_2`, the spectral norm of the difference of the two
    orthogonal projections; 0 for the same subspace, 1 when some direction of one is orthogonal
    to the other.

    Parameters
    ----------
    a, b : array-like, shape (p, k)
        Matrices whose columns span the two subspaces.

    Returns
    -------
    float
        In [0, 1].

    Raises
    ------
    ValueError
        If the subspaces have different dimensions (see also :func:`principal_angles`).

    Examples
    --------
    >>> round(subspace_distance([[1.0], [0.0]], [[1.0], [1.0]]), 6)
    0.707107
    """
    qa, qb = _basis(a, "a"), _basis(b, "b")
    if qa.shape != qb.shape:
        raise ValueError(
            f"`a` and `b` must span subspaces of the same dimension; got shapes {qa.shape} and {qb.shape}"
        )
    return float(np.sin(np.max(principal_angles(qa, qb, degrees=False))))
