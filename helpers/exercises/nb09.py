"""Self-checks for notebook 09 (mixtures, label switching, enumeration, factor analysis).

Each checker recomputes the answer independently of the notebook's solution, from the context
the notebook passes in (the data, the posterior draws, the matrices compared).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import linalg, stats

from helpers import check
from helpers.check import AnswerMalformed
from helpers.exercises import Answer, Exercise

#: The new user of exercise 09-2: median session of 20 minutes, on the log scale.
NEW_SESSION_MINUTES = 20.0

#: Exercise 09-5: a review is "mixed" when no topic has this share or more.
MIXED_BELOW = 0.6


def _angles_expected(*, a: Any, b: Any) -> np.ndarray:
    return np.sort(np.degrees(linalg.subspace_angles(np.asarray(a), np.asarray(b))))


def _angles(answer: Any, *, a: Any, b: Any) -> None:
    expected = _angles_expected(a=a, b=b)
    got = np.sort(answer)
    if got.shape != expected.shape:
        raise AnswerMalformed(
            f"the answer must hold {expected.size} angles (one per dimension); yours has {got.size}"
        )
    check.close(got, expected, atol=1e-3, name="principal angles (degrees)")


def _p_binge_expected(*, idata: Any) -> float:
    import arviz as az

    post = az.extract(idata, var_names=["w", "mu", "sigma"])  # draws stacked on a last `sample` dim
    w, mu, sigma = (post[name].values for name in ("w", "mu", "sigma"))  # (K, S)
    y_new = np.log(NEW_SESSION_MINUTES)
    joint = w * stats.norm(mu, sigma).pdf(y_new)
    return float(np.mean(joint[-1] / joint.sum(axis=0)))


def _p_binge(answer: Any, *, idata: Any) -> None:
    expected = _p_binge_expected(idata=idata)
    check.close(answer, expected, atol=1e-6, name="P(binge | 20-minute sessions)")


def _ppca_fit(x: Any) -> tuple[np.ndarray, np.ndarray]:
    """The PPCA maximum-likelihood directions (2, p) and their variances beyond the noise."""
    from sklearn.decomposition import PCA

    pca = PCA(n_components=2).fit(np.asarray(x, dtype=float))
    return pca.components_, pca.explained_variance_ - pca.noise_variance_


def _ppca_expected(*, x: Any) -> np.ndarray:
    components, lam = _ppca_fit(x)
    return components.T * np.sqrt(lam)  # one of the fits; any rotation of it is right too


def _ppca(answer: Any, *, x: Any) -> None:
    w = answer
    data = np.asarray(x, dtype=float)
    if w.shape[0] != data.shape[1]:
        raise AnswerMalformed(
            f"the loading matrix needs one row per variable ({data.shape[1]}); "
            f"yours has {w.shape[0]}"
        )
    components, lam = _ppca_fit(data)
    expected = (components.T * lam) @ components  # W W^T is rotation-free
    check.close(
        w @ w.T, expected, atol=1e-6, rtol=1e-6, name="W W^T of the PPCA maximum-likelihood fit"
    )


def _best_k_expected(*, x: Any) -> int:
    from sklearn.decomposition import FactorAnalysis
    from sklearn.model_selection import cross_val_score

    data = np.asarray(x, dtype=float)
    scores = [
        cross_val_score(FactorAnalysis(n_components=k), data, cv=5).mean() for k in range(1, 5)
    ]
    return int(np.argmax(scores)) + 1


def _best_k(answer: Any, *, x: Any) -> None:
    expected = _best_k_expected(x=x)
    check.close(
        answer, expected, atol=0, name="number of traits with the best held-out log-likelihood"
    )


def _p_mixed_expected(*, theta_draws: Any) -> np.ndarray:
    draws = np.asarray(theta_draws, dtype=float)
    if draws.ndim != 3:
        raise ValueError(f"`theta_draws` must have shape (draw, review, topic); got {draws.shape}")
    # the largest share of each draw does not depend on the topics' order
    return np.mean(draws.max(axis=2) < MIXED_BELOW, axis=0)


def _p_mixed(answer: Any, *, theta_draws: Any) -> None:
    expected = _p_mixed_expected(theta_draws=theta_draws)
    draws = np.asarray(theta_draws, dtype=float)
    got = answer
    if got.shape != (draws.shape[1],):
        raise AnswerMalformed(
            f"the answer must hold one probability per review ({draws.shape[1]}); "
            f"yours has {got.size}"
        )
    check.close(got, expected, atol=1e-12, name="P(largest topic share < 0.6) per review")


EXERCISES = {
    "09-1": Exercise(
        _angles,
        expected=_angles_expected,
        answer=Answer.vector(None, "the principal angles in degrees"),
        hint="Principal angles compare the spaces two matrices span, not their columns: give "
        "each space an orthonormal basis first; the cosines of the angles are then the "
        "singular values of one basis projected on the other. Answer in degrees.",
        solution="q_a = np.linalg.qr(a)[0], q_b = np.linalg.qr(b)[0]; cosines = "
        "np.linalg.svd(q_a.T @ q_b, compute_uv=False); np.degrees(np.arccos(np.clip(cosines, "
        "-1, 1))).",
        explanation="scipy's subspace_angles does the same, robust for tiny angles.",
    ),
    "09-2": Exercise(
        _p_binge,
        expected=_p_binge_expected,
        answer=Answer.probability("P(binge | 20-minute sessions)"),
        hint="Membership is Bayes' theorem per posterior draw: each segment's weight times its "
        "density at the new session length (on the log scale the model uses), normalised over "
        "the segments; then average over draws rather than plugging in posterior means.",
        solution="draws = az.extract(ordered_idata, var_names=['w', 'mu', 'sigma']); "
        "membership_probabilities(np.array([np.log(20.0)]), w.T, mu.T, sigma.T)[:, 0, 2]"
        ".mean().",
        explanation="Averaging over draws carries parameter uncertainty into it.",
    ),
    "09-3": Exercise(
        _ppca,
        expected=_ppca_expected,
        answer=Answer.array((None, 2), "the loading matrix, one row per observed variable"),
        hint="Probabilistic PCA's maximum-likelihood fit comes from the eigen-decomposition of "
        "the sample covariance: the noise variance is what the discarded directions explain "
        "on average, and each kept direction's loading is scaled by what it explains beyond "
        "that noise.",
        solution="Eigen-decompose np.cov(x, rowvar=False), largest first; sigma2 = mean of the "
        "6 smallest eigenvalues; W = U_2 * np.sqrt(lambda_2 - sigma2) with U_2, lambda_2 the "
        "top two.",
        explanation="The check compares W W^T, which no rotation of W changes.",
    ),
    "09-4": Exercise(
        _best_k,
        expected=_best_k_expected,
        answer=Answer.integer("the number of traits"),
        hint="Judge each number of traits by how well it predicts data it was not fitted to "
        "(held-out log-likelihood, cross-validated), not by the fit to the training data, "
        "which always improves with more traits.",
        solution="For k in 1..4, cross_val_score(FactorAnalysis(n_components=k), x, cv=5)"
        ".mean(); take the k with the largest.",
        explanation="Held-out likelihood rewards traits that generalise, not noise.",
    ),
    "09-5": Exercise(
        _p_mixed,
        expected=_p_mixed_expected,
        answer=Answer.vector(None, "one probability per review"),
        hint="'Mixed' is a statement about one draw of a review's topic shares (its largest "
        "share is below 0.6); its probability is how often that holds across the posterior "
        "draws, one number per review, not a verdict from the posterior mean.",
        solution="np.mean(theta_draws.max(axis=2) < 0.6, axis=0).",
        explanation=(
            "A probability per review, not a yes/no from the posterior mean: a review whose mean "
            "largest share is 0.62 can still be mixed with high probability."
        ),
    ),
}
