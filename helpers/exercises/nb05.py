"""Self-checks for notebook 05 (hierarchical models, eight schools, lifts by segment).

Each checker recomputes the answer independently of the notebook's solution: closed forms for
pooling, the exact quadrature posterior of the eight-schools model for probabilities, with
tolerances of a few Monte Carlo standard errors estimated from the learner's own draws.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import special, stats

from helpers import check
from helpers.exercises import Exercise
from helpers.hierarchical import (
    EIGHT_SCHOOLS_EFFECTS,
    EIGHT_SCHOOLS_SE,
    SegmentExperiment,
    normal_hierarchical_posterior,
)

#: The priors of the notebook's eight-schools model: mu ~ Normal(0, 20), tau ~ HalfCauchy(5).
MU_SD, TAU_SCALE = 20.0, 5.0


def exact_posterior() -> Any:
    """The exact (quadrature) posterior of the notebook's eight-schools model."""
    return normal_hierarchical_posterior(
        EIGHT_SCHOOLS_EFFECTS, EIGHT_SCHOOLS_SE, mu_sd=MU_SD, tau_scale=TAU_SCALE
    )


def _pooled_without_a(answer: Any) -> None:
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        raise TypeError("the answer must be a tuple (estimate, se)")
    y = np.array(EIGHT_SCHOOLS_EFFECTS[1:])
    precision = 1 / np.array(EIGHT_SCHOOLS_SE[1:]) ** 2
    check.close(answer[0], np.sum(precision * y) / np.sum(precision), atol=1e-6, name="estimate")
    check.close(answer[1], np.sqrt(1 / np.sum(precision)), atol=1e-6, name="standard error")


def _complete_rmse(answer: Any, experiment: Any) -> None:
    if not isinstance(experiment, SegmentExperiment):
        raise TypeError("pass the SegmentExperiment from simulate_segments as context")
    data = experiment.data
    rate = {
        arm: data[f"conversions_{arm}"].sum() / data[f"users_{arm}"].sum()
        for arm in ("control", "treatment")
    }
    pooled = special.logit(rate["treatment"]) - special.logit(rate["control"])
    expected = np.sqrt(np.mean((pooled - experiment.true_lift) ** 2))
    check.close(answer, expected, atol=1e-6, name="complete-pooling RMSE")


def _draws(idata: Any, name: str) -> np.ndarray:
    if not hasattr(idata, "posterior") or name not in idata.posterior:
        raise TypeError(f"pass the non-centered fit (with `{name}`) as context")
    return np.asarray(idata.posterior[name].values)


def _p_a_above_10(answer: Any, idata: Any) -> None:
    import arviz as az

    indicator = (_draws(idata, "theta")[..., 0] > 10).astype(float)  # (chain, draw)
    mcse = float(np.asarray(az.mcse(indicator, method="mean")).ravel()[0])
    exact = exact_posterior().prob_theta_above(0, 10.0)
    check.close(answer, exact, atol=4 * max(mcse, 1e-3), name="P(theta_A > 10 | y)")


def _p_new_positive(answer: Any, idata: Any) -> None:
    import arviz as az

    mu, tau = _draws(idata, "mu"), _draws(idata, "tau")
    # the learner's estimate averages 1{mu + tau z > 0}; given (mu, tau) its mean is q below
    q = stats.norm.cdf(mu / tau)
    ess = float(np.asarray(az.ess(q, method="mean")).ravel()[0])
    mcse = np.sqrt(q.var() / ess + np.mean(q * (1 - q)) / q.size)
    exact = exact_posterior().prob_new_above(0.0)
    check.close(answer, exact, atol=4 * max(float(mcse), 1e-3), name="P(theta_new > 0 | y)")


EXERCISES = {
    "05-1": Exercise(
        _pooled_without_a,
        hint="Drop the first element of y and sigma and call precision_weighted_mean on the rest.",
        explanation="Without school A the pooled effect drops by about a point and a half: A is "
        "the most extreme school but also one of the noisiest, so it carries little weight.",
    ),
    "05-2": Exercise(
        _complete_rmse,
        hint="Sum users and conversions over markets for each arm, take logit of each pooled "
        "rate, subtract, then compare that one number with every market's true lift.",
        explanation="Complete pooling ignores real differences between markets; the hierarchical "
        "model learns how much pooling the data support.",
    ),
    "05-3": Exercise(
        _p_a_above_10,
        hint="Select theta for school A from the non-centered posterior and average the "
        "indicator (theta_A > 10) over chains and draws.",
        explanation="No pooling would put this probability above 0.85 (28 points, se 15); "
        "partial pooling says it is much less likely.",
    ),
    "05-4": Exercise(
        _p_new_positive,
        hint="Flatten the draws of mu and tau, draw one standard normal z per draw with rng, and "
        "average (mu + tau * z > 0).",
        explanation="A new school's effect carries the between-school spread tau on top of the "
        "uncertainty in mu, so it is less certainly positive than the average effect.",
    ),
}
