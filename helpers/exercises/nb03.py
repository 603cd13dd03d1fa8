"""Self-checks for notebook 03 (Bayesian linear regression, measurement error, prediction).

Each checker recomputes the answer independently of the notebook's solution: from the counts
in closed form, from the posterior draws the notebook passes in, or by numerical integration.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import stats

from helpers import check
from helpers.exercises import Exercise

FLAGGED, MESSAGES = 12, 80
BURST_THRESHOLD = 0.04
FEW_MESSAGES = 50
NEW_ACCOUNT = np.array([0.0, 0.0, 1.5, 0.0])  # centrality, response_time, burstiness, reciprocity
NEW_MESSAGES, AT_LEAST = 50, 18


def _number(answer: Any) -> float:
    if isinstance(answer, bool) or not np.isscalar(answer) and np.ndim(answer) != 0:
        raise TypeError(f"the answer must be a single number; got {type(answer).__name__}")
    return float(answer)


def _se(answer: Any) -> None:
    smoothed = stats.beta(FLAGGED + 1, MESSAGES - FLAGGED + 1).mean()  # (k + 1) / (n + 2)
    expected = np.sqrt(smoothed * (1 - smoothed) / MESSAGES)
    check.close(_number(answer), expected, rtol=1e-6, name="standard error of 12 of 80")


def _p_burst(answer: Any, *, idata: Any) -> None:
    draws = idata.posterior["beta"].sel(feature="burstiness").values.ravel()
    expected = np.count_nonzero(draws > BURST_THRESHOLD) / draws.size
    check.close(_number(answer), expected, atol=1e-9, name="P(beta_burstiness > 0.04)")


def _coverage_few(answer: Any, *, table: Any, rows: Any) -> None:
    few = rows["messages"].to_numpy() < FEW_MESSAGES
    y = rows["share"].to_numpy()[few]
    low, high = table.iloc[:, 1].to_numpy()[few], table.iloc[:, 2].to_numpy()[few]
    expected = np.count_nonzero((low <= y) & (y <= high)) / few.sum()
    check.close(_number(answer), expected, atol=1e-9, name="naive coverage, < 50 messages")


def exact_tail_probability(idata: Any, *, nodes: int = 60) -> float:
    """P(k >= 18 of 50) for the exercise's new account, averaged over posterior draws.

    For each draw, the account's true share is Normal(alpha + x'beta, sigma); the Binomial tail
    is integrated over it by Gauss-Hermite quadrature instead of simulated.
    """
    post = idata.posterior
    alpha = post["alpha"].values.ravel()
    beta = post["beta"].values.reshape(-1, post["beta"].shape[-1])
    sigma = post["sigma"].values.ravel()
    z, w = np.polynomial.hermite_e.hermegauss(nodes)  # probabilists' Hermite: weight exp(-z^2/2)
    theta = (alpha + beta @ NEW_ACCOUNT)[:, None] + sigma[:, None] * z[None, :]
    tail = stats.binom.sf(AT_LEAST - 1, NEW_MESSAGES, np.clip(theta, 0.001, 0.999))
    return float(np.mean(tail @ (w / w.sum())))


def _p_18(answer: Any, *, idata: Any) -> None:
    expected = exact_tail_probability(idata)
    draws = idata.posterior.sizes["chain"] * idata.posterior.sizes["draw"]
    mc_se = np.sqrt(expected * (1 - expected) / draws)
    check.close(_number(answer), expected, atol=4 * mc_se, name="P(18 or more of 50 flagged)")


EXERCISES = {
    "03-1": Exercise(
        _se,
        hint="Smoothed share p = (12 + 1) / (80 + 2); then sqrt(p * (1 - p) / 80), with n = 80.",
        explanation="About 0.04: a share from 80 messages is uncertain by several percentage points.",
    ),
    "03-2": Exercise(
        _p_burst,
        hint=(
            'Select the draws with idata.posterior["beta"].sel(feature="burstiness") and take '
            "the mean of (draws > 0.04) over all chains and draws."
        ),
        explanation="A posterior probability is just the share of posterior draws where it holds.",
    ),
    "03-3": Exercise(
        _coverage_few,
        hint=(
            'Mask the held-out rows with holdout["messages"] < 50 and pass the masked share, '
            '"2.5%" and "97.5%" columns to interval_coverage.'
        ),
        explanation="Far below 95%: one noise level for everyone is too small for the noisiest rows.",
    ),
    "03-4": Exercise(
        _p_18,
        hint=(
            "Stack the posterior (chain, draw) into samples; per sample draw theta = alpha + "
            "x @ beta + rng.normal(0, sigma), clip it, then k = rng.binomial(50, theta); "
            "the answer is the mean of k >= 18."
        ),
        explanation=(
            "Simulating the generative story per posterior draw carries every source of "
            "uncertainty (parameters, account scatter, binomial counting) into the answer."
        ),
    ),
}
