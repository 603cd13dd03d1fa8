"""Self-checks for notebook 03 (Bayesian linear regression, measurement error, prediction).

Each checker recomputes the answer independently of the notebook's solution: from the counts
in closed form, from the posterior draws the notebook passes in, or by numerical integration.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import stats

from helpers import check
from helpers.exercises import Answer, Exercise

FLAGGED, MESSAGES = 12, 80
BURST_THRESHOLD = 0.04
FEW_MESSAGES = 50
NEW_ACCOUNT = np.array([0.0, 0.0, 1.5, 0.0])  # centrality, response_time, burstiness, reciprocity
NEW_MESSAGES, AT_LEAST = 50, 18


def _se_expected() -> float:
    smoothed = stats.beta(FLAGGED + 1, MESSAGES - FLAGGED + 1).mean()  # (k + 1) / (n + 2)
    return float(np.sqrt(smoothed * (1 - smoothed) / MESSAGES))


def _se(answer: Any) -> None:
    expected = _se_expected()
    check.close(answer, expected, rtol=1e-6, name="standard error of 12 of 80")


def _p_burst_expected(*, idata: Any) -> float:
    draws = idata.posterior["beta"].sel(feature="burstiness").values.ravel()
    return np.count_nonzero(draws > BURST_THRESHOLD) / draws.size


def _p_burst(answer: Any, *, idata: Any) -> None:
    expected = _p_burst_expected(idata=idata)
    check.close(answer, expected, atol=1e-9, name="P(beta_burstiness > 0.04)")


def _coverage_few_expected(*, table: Any, rows: Any) -> float:
    few = rows["messages"].to_numpy() < FEW_MESSAGES
    y = rows["share"].to_numpy()[few]
    low, high = table.iloc[:, 1].to_numpy()[few], table.iloc[:, 2].to_numpy()[few]
    return np.count_nonzero((low <= y) & (y <= high)) / few.sum()


def _coverage_few(answer: Any, *, table: Any, rows: Any) -> None:
    expected = _coverage_few_expected(table=table, rows=rows)
    check.close(answer, expected, atol=1e-9, name="naive coverage, < 50 messages")


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


def _p_18_expected(*, idata: Any) -> float:
    return exact_tail_probability(idata)


def _p_18(answer: Any, *, idata: Any) -> None:
    expected = exact_tail_probability(idata)
    draws = idata.posterior.sizes["chain"] * idata.posterior.sizes["draw"]
    mc_se = np.sqrt(expected * (1 - expected) / draws)
    check.close(answer, expected, atol=4 * mc_se, name="P(18 or more of 50 flagged)")


EXERCISES = {
    "03-1": Exercise(
        _se,
        expected=_se_expected,
        answer=Answer.number("the standard error of the smoothed share"),
        hint="The standard error of a share from n messages shrinks with n; use the smoothed "
        "share (one pseudo-flag and one pseudo-clean message added), and divide by the "
        "messages actually seen.",
        solution="p = (12 + 1) / (80 + 2); np.sqrt(p * (1 - p) / 80).",
        explanation="About 0.04: a share from 80 messages is uncertain by several percentage "
        "points.",
    ),
    "03-2": Exercise(
        _p_burst,
        expected=_p_burst_expected,
        answer=Answer.probability("P(beta_burstiness > 0.04 | data)"),
        hint="A posterior probability is the share of posterior draws in which the statement "
        "holds: use the burstiness coefficient's draws from the measurement-aware model, all "
        "chains together.",
        solution='float((aware_idata.posterior["beta"].sel(feature="burstiness") > 0.04).mean()).',
        explanation="A posterior probability is just the share of posterior draws where it holds.",
    ),
    "03-3": Exercise(
        _coverage_few,
        expected=_coverage_few_expected,
        answer=Answer.probability("the coverage of the naive intervals for small accounts"),
        hint="Coverage is the share of held-out accounts whose true share lies inside their "
        "interval; restrict both the accounts and their intervals to those with few messages.",
        solution='few = holdout["messages"] < 50; interval_coverage(holdout["share"][few], '
        'naive_holdout["2.5%"][few], naive_holdout["97.5%"][few]).',
        explanation="Far below 95%: one noise level for everyone is too small for the noisiest "
        "rows.",
    ),
    "03-4": Exercise(
        _p_18,
        expected=_p_18_expected,
        answer=Answer.probability("P(18 or more of 50 messages flagged)"),
        hint="Carry every source of uncertainty: for each posterior draw, the new account's "
        "share (the regression line plus its own scatter), then a Binomial count of 50 "
        "messages; the probability is over all of that, not a plug-in of the posterior mean.",
        solution="post = az.extract(aware_idata, var_names=['alpha', 'beta', 'sigma']); theta = "
        "alpha + x_new @ beta + rng.normal(0, sigma); k = rng.binomial(50, np.clip(theta, "
        "0.001, 0.999)); np.mean(k >= 18).",
        explanation=(
            "Simulating the generative story per posterior draw carries every source of "
            "uncertainty (parameters, account scatter, binomial counting) into the answer."
        ),
    ),
}
