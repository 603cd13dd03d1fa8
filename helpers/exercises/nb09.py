"""Self-checks for notebook 09 (mixtures, label switching, enumeration, factor analysis).

Each checker recomputes the answer independently of the notebook's solution, from the context
the notebook passes in (the data, the posterior draws, the matrices compared).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import linalg, stats

from helpers import check
from helpers.exercises import Exercise

#: The new user of exercise 09-2: median session of 20 minutes, on the log scale.
NEW_SESSION_MINUTES = 20.0

#: Exercise 09-5: a review is "mixed" when no topic has this share or more.
MIXED_BELOW = 0.6


def _angles(answer: Any, *, a: Any, b: Any) -> None:
    expected = np.sort(np.degrees(linalg.subspace_angles(np.asarray(a), np.asarray(b))))
    got = np.sort(np.asarray(answer, dtype=float).ravel())
    if got.shape != expected.shape:
        raise ValueError(f"expected {expected.size} angles (one per dimension); got {got.size}")
    check.close(got, expected, atol=1e-3, name="principal angles (degrees)")


def _p_binge(answer: Any, *, idata: Any) -> None:
    import arviz as az

    post = az.extract(idata, var_names=["w", "mu", "sigma"])  # draws stacked on a last `sample` dim
    w, mu, sigma = (post[name].values for name in ("w", "mu", "sigma"))  # (K, S)
    y_new = np.log(NEW_SESSION_MINUTES)
    joint = w * stats.norm(mu, sigma).pdf(y_new)
    expected = float(np.mean(joint[-1] / joint.sum(axis=0)))
    check.close(answer, expected, atol=1e-6, name="P(binge | 20-minute sessions)")


def _ppca(answer: Any, *, x: Any) -> None:
    from sklearn.decomposition import PCA

    w = np.asarray(answer, dtype=float)
    data = np.asarray(x, dtype=float)
    if w.shape != (data.shape[1], 2):
        raise ValueError(f"expected a ({data.shape[1]}, 2) loading matrix; got shape {w.shape}")
    pca = PCA(n_components=2).fit(data)
    lam = pca.explained_variance_ - pca.noise_variance_
    expected = (pca.components_.T * lam) @ pca.components_  # W W^T is rotation-free
    check.close(
        w @ w.T, expected, atol=1e-6, rtol=1e-6, name="W W^T of the PPCA maximum-likelihood fit"
    )


def _best_k(answer: Any, *, x: Any) -> None:
    from sklearn.decomposition import FactorAnalysis
    from sklearn.model_selection import cross_val_score

    data = np.asarray(x, dtype=float)
    scores = [
        cross_val_score(FactorAnalysis(n_components=k), data, cv=5).mean() for k in range(1, 5)
    ]
    expected = int(np.argmax(scores)) + 1
    check.close(
        int(answer), expected, atol=0, name="number of traits with the best held-out log-likelihood"
    )


def _p_mixed(answer: Any, *, theta_draws: Any) -> None:
    draws = np.asarray(theta_draws, dtype=float)
    if draws.ndim != 3:
        raise ValueError(f"`theta_draws` must have shape (draw, review, topic); got {draws.shape}")
    got = np.asarray(answer, dtype=float)
    if got.shape != (draws.shape[1],):
        raise ValueError(
            f"expected one probability per review ({draws.shape[1]}); got shape {got.shape}"
        )
    # the largest share of each draw does not depend on the topics' order
    expected = np.mean(draws.max(axis=2) < MIXED_BELOW, axis=0)
    check.close(got, expected, atol=1e-12, name="P(largest topic share < 0.6) per review")


EXERCISES = {
    "09-1": Exercise(
        _angles,
        hint=(
            "Orthonormalise each matrix with np.linalg.qr (keep Q), take the singular values of "
            "Qa.T @ Qb with np.linalg.svd, clip them to [-1, 1], apply np.arccos and convert to degrees."
        ),
        explanation="scipy's subspace_angles does the same, robust for tiny angles.",
    ),
    "09-2": Exercise(
        _p_binge,
        hint=(
            "For every posterior draw compute w_k * Normal(log 20 | mu_k, sigma_k) for the three segments, "
            "normalise over k, keep the binge column, and average over all draws (all chains)."
        ),
        explanation="Averaging over draws carries parameter uncertainty into it.",
    ),
    "09-3": Exercise(
        _ppca,
        hint=(
            "Eigen-decompose S = np.cov(x, rowvar=False); sigma^2 is the mean of the 6 smallest eigenvalues; "
            "W = U_2 diag(sqrt(lambda_1 - sigma^2), sqrt(lambda_2 - sigma^2)) with U_2 the top-2 eigenvectors."
        ),
        explanation="The check compares W W^T, which no rotation of W changes.",
    ),
    "09-4": Exercise(
        _best_k,
        hint=(
            "For k in 1..4, cross_val_score(FactorAnalysis(n_components=k), x, cv=5) returns held-out "
            "average log-likelihoods; take the k with the largest mean."
        ),
        explanation="Held-out likelihood rewards traits that generalise, not noise.",
    ),
    "09-5": Exercise(
        _p_mixed,
        hint=(
            "For every draw take the largest of the three topic shares (theta_draws.max(axis=2)), "
            "compare it with 0.6, and average the result over the draws (axis=0)."
        ),
        explanation=(
            "A probability per review, not a yes/no from the posterior mean: a review whose mean "
            "largest share is 0.62 can still be mixed with high probability."
        ),
    ),
}
