"""Self-checks for notebook 14 (PyMC and Pyro side by side, communicating uncertainty).

Each checker recomputes the answer exactly from the data the notebook passes in (the markets'
log odds ratios and standard errors) with the quadrature posterior of notebook 05, and allows a
few Monte Carlo standard errors estimated from the learner's own draws.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from helpers import check
from helpers.check import AnswerMalformed
from helpers.exercises import Answer, Exercise
from helpers.hierarchical import HierarchicalQuadrature, normal_hierarchical_posterior

#: The priors of the notebook's model: mu ~ Normal(0, 0.3), tau ~ HalfCauchy(0.1).
MU_SD, TAU_SCALE = 0.3, 0.1


def exact_posterior(log_odds: Any) -> HierarchicalQuadrature:
    """The exact posterior of the notebook's model for a table of estimates and standard errors.

    Raises
    ------
    TypeError
        If ``log_odds`` is not a DataFrame with columns ``estimate`` and ``se``.
    """
    if not isinstance(log_odds, pd.DataFrame) or not {"estimate", "se"} <= set(log_odds.columns):
        raise TypeError("pass the `log_odds` table (columns estimate and se) as context")
    return normal_hierarchical_posterior(
        log_odds["estimate"].to_numpy(), log_odds["se"].to_numpy(), mu_sd=MU_SD, tau_scale=TAU_SCALE
    )


def _draws(idata: Any, name: str) -> np.ndarray:
    if not hasattr(idata, "posterior") or name not in idata.posterior:
        raise TypeError(f"pass a fit (DataTree) whose posterior has `{name}` as context")
    return np.asarray(idata.posterior[name].values)


def _indicator_mcse(indicator: np.ndarray) -> float:
    import arviz as az

    return max(float(np.asarray(az.mcse(indicator.astype(float), method="mean")).ravel()[0]), 1e-3)


def _p_mu_above_expected(*, idata: Any, log_odds: Any) -> float:
    _draws(idata, "mu")  # the same context as the checker's, or its TypeError
    post = exact_posterior(log_odds)
    return float(post.weights @ stats.norm.sf(0.05, post.mu_mean, np.sqrt(post.mu_var)))


def _p_mu_above(answer: Any, *, idata: Any, log_odds: Any) -> None:
    exact = _p_mu_above_expected(idata=idata, log_odds=log_odds)
    mcse = _indicator_mcse(_draws(idata, "mu") > 0.05)
    check.close(answer, exact, atol=4 * mcse, name="P(mu > 0.05 | y)")


def _confident_markets_expected(*, idata: Any, log_odds: Any) -> list[str]:
    """The markets whose exact P(theta > 0 | y) is at least 0.9, in the table's order."""
    _draws(idata, "theta")  # the same context as the checker's, or its TypeError
    post = exact_posterior(log_odds)
    names = [str(n) for n in log_odds.index]
    return [name for k, name in enumerate(names) if post.prob_theta_above(k, 0.0) >= 0.9]


def _confident_markets(answer: Any, *, idata: Any, log_odds: Any) -> None:
    post = exact_posterior(log_odds)
    theta = _draws(idata, "theta")
    names = [str(n) for n in log_odds.index]
    if theta.shape[-1] != len(names):
        raise TypeError("pass the Pyro NUTS fit (theta by market) as context")
    unknown = sorted(set(answer) - set(names))
    if unknown:
        raise AnswerMalformed(f"your answer names {unknown}, which are not markets of {names}")
    for k, name in enumerate(names):
        prob = post.prob_theta_above(k, 0.0)
        margin = 4 * _indicator_mcse(theta[..., k] > 0)
        if prob >= 0.9 + margin:
            check.holds(name in answer, name=f"{name} is confident", detail=f"P = {prob:.3f}")
        elif prob < 0.9 - margin:
            check.holds(
                name not in answer, name=f"{name} is not confident", detail=f"P = {prob:.3f}"
            )
    order = [n for n in names if n in answer]
    check.holds(list(answer) == order, name="markets in the order of `markets`")


def _p_new_above_expected(*, idata: Any, log_odds: Any) -> float:
    for name in ("mu", "tau"):
        _draws(idata, name)  # the same context as the checker's, or its TypeError
    return float(exact_posterior(log_odds).prob_new_above(0.05))


def _p_new_above(answer: Any, *, idata: Any, log_odds: Any) -> None:
    import arviz as az

    mu, tau = _draws(idata, "mu"), _draws(idata, "tau")
    # the learner averages 1{mu + tau z > 0.05}; given (mu, tau) its mean is q below
    q = stats.norm.sf((0.05 - mu) / tau)
    ess = float(np.asarray(az.ess(q, method="mean")).ravel()[0])
    mcse = np.sqrt(q.var() / ess + np.mean(q * (1 - q)) / q.size)
    exact = exact_posterior(log_odds).prob_new_above(0.05)
    check.close(answer, exact, atol=4 * max(float(mcse), 1e-3), name="P(theta_new > 0.05 | y)")


def _p_max_expected(*, observed: Any, replicated: Any) -> float:
    y = np.asarray(observed, dtype=float)
    rep = np.asarray(replicated, dtype=float)
    if y.ndim != 1 or rep.shape[-1] != y.size:
        raise TypeError("pass the observed estimates and the replicates (draw, market)")
    return float(np.mean(rep.reshape(-1, y.size).max(axis=1) >= y.max()))


def _p_max(answer: Any, *, observed: Any, replicated: Any) -> None:
    expected = _p_max_expected(observed=observed, replicated=replicated)
    check.close(answer, expected, atol=1e-12, name="P(max y_rep >= max y)")


EXERCISES = {
    "14-1": Exercise(
        _p_mu_above,
        expected=_p_mu_above_expected,
        answer=Answer.probability("P(mu > 0.05 | y)"),
        hint="A posterior probability is the share of posterior draws where the statement "
        "holds: here about the population mean lift and a threshold of 5%, not zero.",
        solution="float((pymc_idata.posterior['mu'] > 0.05).mean()).",
        explanation="Compare it with P(mu > 0): likely positive is not the same as likely "
        "worth a 5% gain.",
    ),
    "14-2": Exercise(
        _confident_markets,
        expected=_confident_markets_expected,
        answer=Answer.names("the markets with P(theta > 0) >= 0.9"),
        hint="Compute each market's own probability of a positive lift from the Pyro fit's "
        "draws of its theta, keep those at or above 0.9, and list them in the order of "
        "`markets`.",
        solution="p = (pyro_idata.posterior['theta'] > 0).mean(('chain', 'draw')); [m for m in "
        "markets if float(p.sel(market=m)) >= 0.9].",
        explanation="Only large markets, or markets whose own data point the same way as the "
        "population, clear the bar; small markets inherit the population's uncertainty.",
    ),
    "14-3": Exercise(
        _p_new_above,
        expected=_p_new_above_expected,
        answer=Answer.probability("P(theta_new > 0.05 | y)"),
        hint="A new market is drawn from the population: for each posterior draw add the "
        "between-market spread to mu before comparing with 5%; it is not P(mu > 0.05).",
        solution="theta_new = mu_draws + tau_draws * rng.standard_normal(n); "
        "float((theta_new > 0.05).mean()).",
        explanation="A new market carries the between-market spread tau on top of the "
        "uncertainty in mu, so its probability is pulled toward one half.",
    ),
    "14-4": Exercise(
        _p_max,
        expected=_p_max_expected,
        answer=Answer.probability("P(max y_rep >= max y)"),
        hint="A posterior predictive p-value for the largest market estimate: compare each "
        "replicated data set's maximum over markets with the observed maximum, in the "
        "direction 'replicated at least as large'.",
        solution="float(np.mean(pyro_y_rep.max(axis=1) >= y_obs.max())).",
        explanation="A value far from 0 and 1 says the model replicates the largest estimate. "
        "The maximum of eight noisy estimates is selected for its luck, so it overstates the "
        "lift of the market that holds it (the winner's curse), which pooling corrects.",
    ),
}
