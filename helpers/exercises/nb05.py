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
from helpers.exercises import Answer, Exercise
from helpers.hierarchical import (
    EIGHT_SCHOOLS_EFFECTS,
    EIGHT_SCHOOLS_SE,
    normal_hierarchical_posterior,
)
from helpers.simulation import Simulation

#: The priors of the notebook's eight-schools model: mu ~ Normal(0, 20), tau ~ HalfCauchy(5).
MU_SD, TAU_SCALE = 20.0, 5.0


def exact_posterior() -> Any:
    """The exact (quadrature) posterior of the notebook's eight-schools model."""
    return normal_hierarchical_posterior(
        EIGHT_SCHOOLS_EFFECTS, EIGHT_SCHOOLS_SE, mu_sd=MU_SD, tau_scale=TAU_SCALE
    )


def _pooled_without_a_expected() -> np.ndarray:
    y = np.array(EIGHT_SCHOOLS_EFFECTS[1:])
    precision = 1 / np.array(EIGHT_SCHOOLS_SE[1:]) ** 2
    return np.array([np.sum(precision * y) / np.sum(precision), np.sqrt(1 / np.sum(precision))])


def _pooled_without_a(answer: Any) -> None:
    estimate, se = _pooled_without_a_expected()
    check.close(answer[0], estimate, atol=1e-6, name="estimate")
    check.close(answer[1], se, atol=1e-6, name="standard error")


def _complete_rmse_expected(*, experiment: Any) -> float:
    if not isinstance(experiment, Simulation) or "lift" not in experiment.truth:
        raise TypeError("pass the Simulation from simulate_segments as context")
    data = experiment.data
    rate = {
        arm: data[f"conversions_{arm}"].sum() / data[f"users_{arm}"].sum()
        for arm in ("control", "treatment")
    }
    pooled = special.logit(rate["treatment"]) - special.logit(rate["control"])
    return float(np.sqrt(np.mean((pooled - experiment.truth.lift) ** 2)))


def _complete_rmse(answer: Any, *, experiment: Any) -> None:
    expected = _complete_rmse_expected(experiment=experiment)
    check.close(answer, expected, atol=1e-6, name="complete-pooling RMSE")


def _draws(idata: Any, name: str) -> np.ndarray:
    if not hasattr(idata, "posterior") or name not in idata.posterior:
        raise TypeError(f"pass the non-centered fit (with `{name}`) as context")
    return np.asarray(idata.posterior[name].values)


def _p_a_above_10_expected(*, idata: Any) -> float:
    _draws(idata, "theta")  # the same context as the checker's, or its TypeError
    return float(exact_posterior().prob_theta_above(0, 10.0))


def _p_a_above_10(answer: Any, *, idata: Any) -> None:
    import arviz as az

    indicator = (_draws(idata, "theta")[..., 0] > 10).astype(float)  # (chain, draw)
    mcse = float(np.asarray(az.mcse(indicator, method="mean")).ravel()[0])
    exact = exact_posterior().prob_theta_above(0, 10.0)
    check.close(answer, exact, atol=4 * max(mcse, 1e-3), name="P(theta_A > 10 | y)")


def _p_new_positive_expected(*, idata: Any) -> float:
    for name in ("mu", "tau"):
        _draws(idata, name)  # the same context as the checker's, or its TypeError
    return float(exact_posterior().prob_new_above(0.0))


def _p_new_positive(answer: Any, *, idata: Any) -> None:
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
        expected=_pooled_without_a_expected,
        answer=Answer.vector(2, "the pooled estimate and its standard error"),
        hint="Complete pooling weights each school by its precision (one over its squared "
        "standard error); leave school A out of both the effects and their standard errors.",
        solution="precision_weighted_mean(y[1:], sigma[1:]).",
        explanation="Without school A the pooled effect drops by about a point and a half: A is "
        "the most extreme school but also one of the noisiest, so it carries little weight.",
    ),
    "05-2": Exercise(
        _complete_rmse,
        expected=_complete_rmse_expected,
        answer=Answer.number("the RMSE of complete pooling"),
        hint="Complete pooling ignores the markets: one lift for everyone, from the conversions "
        "and users summed over all markets per arm, on the log-odds scale; its error is then "
        "measured against every market's true lift.",
        solution="totals = segments.sum(); lift = logit(conversions_treatment / "
        "users_treatment) - logit(conversions_control / users_control) from the totals; "
        "np.sqrt(np.mean((lift - experiment.truth.lift) ** 2)).",
        explanation="Complete pooling ignores real differences between markets; the "
        "hierarchical model learns how much pooling the data support.",
    ),
    "05-3": Exercise(
        _p_a_above_10,
        expected=_p_a_above_10_expected,
        answer=Answer.probability("P(theta_A > 10 | y)"),
        hint="Use the partially pooled posterior of school A's own effect (not the raw estimate "
        "of 28, and not the average effect mu), from the fit that samples well.",
        solution="float((noncentered_idata.posterior['theta'].sel(school='A') > 10).mean()).",
        explanation="No pooling would put this probability above 0.85 (28 points, se 15); "
        "partial pooling says it is much less likely.",
    ),
    "05-4": Exercise(
        _p_new_positive,
        expected=_p_new_positive_expected,
        answer=Answer.probability("P(theta_new > 0 | y)"),
        hint="A new school is not the average school: its effect is drawn from the population "
        "distribution, so for each posterior draw add the between-school spread to mu before "
        "asking whether it is positive.",
        solution="mu and tau draws flattened; theta_new = mu + tau * rng.standard_normal(n); "
        "float((theta_new > 0).mean()).",
        explanation="A new school's effect carries the between-school spread tau on top of the "
        "uncertainty in mu, so it is less certainly positive than the average effect.",
    ),
}
