"""Self-checks for notebook 01 (distributions, Monte Carlo, Bayes' theorem, grid posteriors).

Each checker recomputes the answer independently of the notebook's solution.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import integrate, special, stats

from helpers import check
from helpers.exercises import Exercise
from helpers.probability import MCEstimate, positive_predictive_value

ORDERS_RATE = 12.0
STAFFING_LEVEL = 0.99
PREVALENCE, SENSITIVITY, SPECIFICITY = 0.01, 0.95, 0.95
SUCCESSES, TRIALS = 7, 40
MIXTURE = ((0.5, 2.0, 18.0), (0.5, 1.0, 1.0))  # (weight, a, b) of each Beta component
THRESHOLD = 0.2


def _staffing(answer: Any) -> None:
    expected = int(stats.poisson(ORDERS_RATE).ppf(STAFFING_LEVEL))
    check.close(answer, expected, atol=0, name="orders to staff for")


def _two_positives(answer: Any) -> None:
    after_one = positive_predictive_value(PREVALENCE, SENSITIVITY, SPECIFICITY)
    expected = positive_predictive_value(after_one, SENSITIVITY, SPECIFICITY)
    check.close(answer, expected, atol=1e-6, name="P(condition | two positive tests)")


def exact_tail_of_sum() -> float:
    """P(X + Y > 10) for X ~ Gamma(2, scale 2), Y ~ Exponential(scale 3), by quadrature."""

    def integrand(x: float) -> float:
        return stats.gamma(2, scale=2).pdf(x) * stats.expon(scale=3).sf(10 - x)

    inside_part, _ = integrate.quad(integrand, 0, 10)
    return float(inside_part + stats.gamma(2, scale=2).sf(10))


def _mc_tail(answer: Any) -> None:
    if not isinstance(answer, MCEstimate):
        raise TypeError("the answer must be the MCEstimate that mc_estimate(...) returns")
    exact = exact_tail_of_sum()
    check.close(answer.mean, exact, atol=4 * answer.se, name="Monte Carlo estimate (4 SE)")
    expected_se = np.sqrt(exact * (1 - exact) / answer.n)
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
        hint="You want the smallest k with P(orders <= k) >= 0.99: that is a quantile, the ppf.",
        explanation="The 99% quantile of Poisson(12) is well above the mean of 12.",
    ),
    "01-2": Exercise(
        _two_positives,
        hint="The posterior after the first test is the prior for the second: apply Bayes twice.",
        explanation="A second independent positive raises the probability far more than the first did.",
    ),
    "01-3": Exercise(
        _mc_tail,
        hint="Draw X and Y with rng, form the indicator (x + y > 10) and pass it to mc_estimate.",
        explanation="The error bar you report is what the check used as its tolerance.",
    ),
    "01-4": Exercise(
        _mixture_prior,
        hint=(
            "Evaluate the mixture prior density on the grid (0.5 * Beta(2, 18).pdf + 0.5 * 1), "
            "pass it as prior= to grid_posterior, and integrate the density above 0.2."
        ),
        explanation="A mixture of Beta priors is still conjugate: the checker used that closed form.",
    ),
}
