"""Self-checks for notebook 01 (distributions, Monte Carlo, Bayes' theorem, grid posteriors).

Each checker recomputes the answer independently of the notebook's solution.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import integrate, special, stats

from helpers import check
from helpers.exercises import Answer, Exercise
from helpers.montecarlo import MCEstimate
from helpers.probability import positive_predictive_value

ORDERS_RATE = 12.0
STAFFING_LEVEL = 0.99
PREVALENCE, SENSITIVITY, SPECIFICITY = 0.01, 0.95, 0.95
SUCCESSES, TRIALS = 7, 40
MIXTURE = ((0.5, 2.0, 18.0), (0.5, 1.0, 1.0))  # (weight, a, b) of each Beta component
THRESHOLD = 0.2


def _staffing_expected() -> int:
    return int(stats.poisson(ORDERS_RATE).ppf(STAFFING_LEVEL))


def _staffing(answer: Any) -> None:
    check.close(answer, _staffing_expected(), atol=0, name="orders to staff for")


def _two_positives_expected() -> float:
    after_one = positive_predictive_value(PREVALENCE, SENSITIVITY, SPECIFICITY)
    return float(positive_predictive_value(after_one, SENSITIVITY, SPECIFICITY))


def _two_positives(answer: Any) -> None:
    expected = _two_positives_expected()
    check.close(answer, expected, atol=1e-6, name="P(condition | two positive tests)")


def exact_tail_of_sum() -> float:
    """P(X + Y > 10) for X ~ Gamma(2, scale 2), Y ~ Exponential(scale 3), by quadrature."""

    def integrand(x: float) -> float:
        return stats.gamma(2, scale=2).pdf(x) * stats.expon(scale=3).sf(10 - x)

    inside_part, _ = integrate.quad(integrand, 0, 10)
    return float(inside_part + stats.gamma(2, scale=2).sf(10))


#: the number of draws the worked answer to 01-3 reports (any large sample passes)
_MC_TAIL_DRAWS = 100_000


def _mc_tail_expected() -> MCEstimate:
    """What ``mc_estimate`` reports on average: the exact tail and its binomial standard error."""
    exact = exact_tail_of_sum()
    se = float(np.sqrt(exact * (1 - exact) / _MC_TAIL_DRAWS))
    return MCEstimate(mean=exact, se=se, n_draws=_MC_TAIL_DRAWS)


def _mc_tail(answer: Any) -> None:
    exact = exact_tail_of_sum()
    check.close(answer.mean, exact, atol=4 * answer.se, name="Monte Carlo estimate (4 SE)")
    expected_se = np.sqrt(exact * (1 - exact) / answer.n_draws)
    check.close(answer.se, expected_se, rtol=0.1, name="its standard error")


def exact_mixture_tail() -> float:
    """P(rate > 0.2 | 7 of 40) under the two-component Beta mixture prior, in closed form."""
    s, f = SUCCESSES, TRIALS - SUCCESSES
    log_w = np.array(
        [np.log(w) + special.betaln(a + s, b + f) - special.betaln(a, b) for w, a, b in MIXTURE]
    )
    post_w = np.exp(log_w - special.logsumexp(log_w))
    tails = [stats.beta(a + s, b + f).sf(THRESHOLD) for _, a, b in MIXTURE]
    return float(np.dot(post_w, tails))


def _mixture_prior(answer: Any) -> None:
    check.close(
        answer, exact_mixture_tail(), atol=0.005, name="P(rate > 0.2) under the mixture prior"
    )


EXERCISES = {
    "01-1": Exercise(
        _staffing,
        expected=_staffing_expected,
        answer=Answer.integer("the number of orders to staff for"),
        hint="You want the smallest number of orders k that covers 99% of hours: a quantile of "
        "the daily orders' distribution, not its mean plus a guess.",
        solution="stats.poisson(12).ppf(0.99): the smallest k with P(orders <= k) >= 0.99.",
        explanation="The 99% quantile of Poisson(12) is well above the mean of 12.",
    ),
    "01-2": Exercise(
        _two_positives,
        expected=_two_positives_expected,
        answer=Answer.probability("P(condition | two positive tests)"),
        hint="After the first positive test your belief is no longer the 1% prevalence: what "
        "you believe after one test is what you start from for the second.",
        solution="Apply Bayes twice: after_one = positive_predictive_value(0.01, 0.95, 0.95), "
        "then positive_predictive_value(after_one, 0.95, 0.95).",
        explanation="A second independent positive raises the probability far more than the "
        "first did.",
    ),
    "01-3": Exercise(
        _mc_tail,
        expected=_mc_tail_expected,
        answer=Answer.instance(MCEstimate, "the result of mc_estimate(...)"),
        hint="A probability is the mean of an indicator: simulate both delivery times, and "
        "estimate how often their sum exceeds 10, with its Monte Carlo error.",
        solution="x = stats.gamma(2, scale=2).rvs(size=n, random_state=rng); y = "
        "stats.expon(scale=3).rvs(size=n, random_state=rng); mc_estimate(x + y > 10).",
        explanation="The error bar you report is what the check used as its tolerance.",
    ),
    "01-4": Exercise(
        _mixture_prior,
        expected=exact_mixture_tail,
        answer=Answer.probability("P(rate > 0.2 | 7 of 40) under the mixture prior"),
        hint="The grid posterior takes any prior density: the prior here is the average of two "
        "Beta densities, and the answer is the posterior mass above 0.2, not the flat prior's.",
        solution="prior(t) = 0.5 * stats.beta(2, 18).pdf(t) + 0.5 * stats.beta(1, 1).pdf(t); "
        "grid, density = grid_posterior(7, 40, prior=prior); integrate the density above 0.2 "
        "with np.trapezoid.",
        explanation="A mixture of Beta priors is still conjugate: the checker used that closed "
        "form.",
    ),
}
