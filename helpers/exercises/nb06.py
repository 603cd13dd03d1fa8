"""Self-checks for notebook 06 (customer lifetime value).

Each checker recomputes the answer independently of the notebook's solution: P(alive) and the
conditional expectation from the closed forms of Fader, Hardie and Lee (2005) written out here
with SciPy, the 78-week MLE with ``lifetimes`` on a summary the checker builds itself.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
from scipy import special

from helpers import check
from helpers.exercises import Answer, Exercise
from helpers.montecarlo import MCEstimate

QUIET = {"frequency": 4, "recency": 10.0, "T": 38.86}
CUSTOMER_1 = {"frequency": 2, "recency": 30.43, "T": 38.86}
HORIZON_WEEKS = 52.0
THRESHOLD = 65_000.0


def _params(params: Any) -> tuple[float, float, float, float]:
    if not isinstance(params, dict) or not {"r", "alpha", "a", "b"} <= set(params):
        raise TypeError("`params` must be the dict of BG/NBD parameters r, alpha, a, b")
    return tuple(float(params[k]) for k in ("r", "alpha", "a", "b"))  # type: ignore[return-value]


def p_alive(x: float, t_x: float, T: float, params: dict[str, float]) -> float:
    """P(alive | x, t_x, T), eq. (A.10) of Fader, Hardie and Lee (2005), written out."""
    r, alpha, a, b = _params(params)
    if x == 0:
        return 1.0
    return float(1.0 / (1.0 + a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x)))


def conditional_expected_purchases(
    t: float, x: float, t_x: float, T: float, params: dict[str, float]
) -> float:
    """E[X(T, T + t) | x, t_x, T], eq. (10) of Fader, Hardie and Lee (2005), written out."""
    r, alpha, a, b = _params(params)
    hyp = special.hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t))
    numerator = (a + b + x - 1) / (a - 1) * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp)
    denominator = 1 + (x > 0) * a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x)
    return float(numerator / denominator)


def _p_alive_quiet_expected(*, params: Any) -> float:
    return p_alive(QUIET["frequency"], QUIET["recency"], QUIET["T"], params)


def _p_alive_quiet(answer: Any, *, params: Any) -> None:
    expected = _p_alive_quiet_expected(params=params)
    check.close(answer, expected, atol=1e-6, name="P(alive) of the quiet customer")


#: the number of simulated futures of the worked answer to 06-2, and the seed of its spread
_CUSTOMER_1_DRAWS, _CUSTOMER_1_SEED = 100_000, 6_002


def _customer_1_exact(params: Any) -> float:
    return conditional_expected_purchases(
        HORIZON_WEEKS, CUSTOMER_1["frequency"], CUSTOMER_1["recency"], CUSTOMER_1["T"], params
    )


def _customer_1_expected(*, params: Any) -> MCEstimate:
    """What ``mc_estimate`` of simulated futures reports: the exact mean of eq. (10), with the
    standard error of a mean of that many simulated futures."""
    from helpers.clv_cohort import draw_purchases

    r, alpha, a, b = _params(params)
    counts = draw_purchases(
        CUSTOMER_1["frequency"],
        CUSTOMER_1["recency"],
        CUSTOMER_1["T"],
        r=r,
        alpha=alpha,
        a=a,
        b=b,
        n_periods=1,
        period_length=HORIZON_WEEKS,
        n_draws=_CUSTOMER_1_DRAWS,
        rng=_CUSTOMER_1_SEED,
    ).ravel()
    se = float(counts.std(ddof=1) / np.sqrt(counts.size))
    return MCEstimate(mean=_customer_1_exact(params), se=se, n_draws=counts.size)


def _customer_1(answer: Any, *, params: Any) -> None:
    exact = _customer_1_exact(params)
    check.close(answer.mean, exact, atol=4 * answer.se, name="simulated purchases (4 SE)")
    check.holds(
        bool(answer.n_draws >= 10_000),
        name="at least 10,000 simulated futures",
        detail=f"{answer.n_draws}",
    )


def _below_threshold_expected(*, values: Any, se: Any) -> float:
    draws = np.asarray(values, dtype=float)
    if draws.ndim != 1 or draws.size < 100:
        raise ValueError("`values` must be the 1-D array of simulated cohort values")
    return float(np.mean(draws < THRESHOLD))


def _below_threshold(answer: Any, *, values: Any, se: Any) -> None:
    draws = np.asarray(values, dtype=float)
    expected = _below_threshold_expected(values=values, se=se)
    check.close(answer, expected, atol=1e-12, name="P(value < $65,000)")
    expected_se = np.sqrt(expected * (1 - expected) / draws.size)
    check.close(float(se), expected_se, rtol=0.01, atol=1e-12, name="its standard error")


def _p_alive_interval_expected(*, idata: Any) -> np.ndarray:
    post = idata.posterior
    r, alpha, a, b = (np.asarray(post[k], dtype=float).ravel() for k in ("r", "alpha", "a", "b"))
    x, t_x, T = QUIET["frequency"], QUIET["recency"], QUIET["T"]
    # P(alive) of eq. (A.10), one value per posterior draw
    draws = 1.0 / (1.0 + a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x))
    return np.quantile(draws, [0.05, 0.95])


def _p_alive_interval(answer: Any, *, idata: Any) -> None:
    expected = _p_alive_interval_expected(idata=idata)
    check.close(answer, expected, atol=1e-6, name="90% interval of P(alive), quiet customer")


def mle_78_weeks() -> np.ndarray:
    """(r, alpha, a, b) fitted by lifetimes to the 78-week CDNOW summary built from the raw log."""
    return _mle_78_weeks().copy()


@functools.cache
def _mle_78_weeks() -> np.ndarray:
    from lifetimes import BetaGeoFitter
    from lifetimes.utils import summary_data_from_transaction_data

    from helpers.clv import load_cdnow_transactions

    full = summary_data_from_transaction_data(
        load_cdnow_transactions(),
        "customer_id",
        "date",
        observation_period_end="1998-06-30",
        freq="D",
        freq_multiplier=7,
    )
    fit = BetaGeoFitter().fit(full["frequency"], full["recency"], full["T"])
    return fit.params_[["r", "alpha", "a", "b"]].to_numpy()


def _mle_expected() -> np.ndarray:
    return mle_78_weeks()


def _mle(answer: Any) -> None:
    got = answer
    # both optimisers stop near the same maximum; 0.5% covers their stopping rules
    check.close(got, mle_78_weeks(), rtol=0.005, name="78-week MLE (r, alpha, a, b)")


EXERCISES = {
    "06-1": Exercise(
        _p_alive_quiet,
        expected=_p_alive_quiet_expected,
        answer=Answer.probability("P(alive) of the quiet customer"),
        hint="The fitted BG/NBD model gives P(alive) from three numbers per customer: how many "
        "repeat purchases, when the last one was, and how long they have been watched. A long "
        "silence after a busy start should pull it down.",
        solution="bgf.conditional_probability_alive(4, 10.0, 38.86)[0], or eq. (A.10) of "
        "Fader, Hardie and Lee (2005) with the fitted r, alpha, a, b.",
        explanation="Four purchases in ten weeks and then seven months of silence: probably gone.",
    ),
    "06-2": Exercise(
        _customer_1,
        expected=_customer_1_expected,
        answer=Answer.instance(MCEstimate, "the result of mc_estimate(...)"),
        hint="Simulate many possible next years of this one customer under the fitted "
        "parameters (one period of 52 weeks) and estimate the mean number of purchases, with "
        "its Monte Carlo error.",
        solution="draw_purchases(2, 30.43, 38.86, **bgnbd_mle, n_periods=1, "
        "period_length=52.0, n_draws=budget.n_draws, rng=rng); mc_estimate(counts.ravel()).",
        explanation="The simulation reproduces equation (10) of the paper, and also gives the "
        "spread.",
    ),
    "06-3": Exercise(
        _below_threshold,
        expected=_below_threshold_expected,
        answer=Answer.probability("P(cohort value < $65,000)"),
        hint="A probability about the cohort's value is the share of simulated cohort values "
        "on the right side of the line, and its standard error is that of a share.",
        solution="below = mc_estimate(bayes.value < 65_000); below.mean and below.se.",
        explanation="A budget line is a quantile question; the mean alone cannot answer it.",
    ),
    "06-4": Exercise(
        _mle,
        expected=_mle_expected,
        answer=Answer.vector(4, "the maximum-likelihood r, alpha, a, b"),
        hint="Rebuild the customer summary over the full 78 weeks (in weeks, as before), and "
        "maximise the summed BG/NBD log-likelihood over the four positive parameters: optimise "
        "their logarithms so they stay positive.",
        solution="summary_data_from_transaction_data(..., observation_period_end='1998-06-30', "
        "freq='D', freq_multiplier=7); minimise -sum(bgnbd_loglik(..., r=exp(z0), "
        "alpha=exp(z1), a=exp(z2), b=exp(z3))) with Nelder-Mead and tight tolerances; "
        "exponentiate.",
        explanation="Your few lines of likelihood and optimiser reproduce what lifetimes does.",
    ),
    "06-5": Exercise(
        _p_alive_interval,
        expected=_p_alive_interval_expected,
        answer=Answer.interval("the 5% and 95% quantiles of P(alive)"),
        hint="The Bayesian model gives one P(alive) per posterior draw for the quiet customer; "
        "a 90% interval is the pair of quantiles that leaves 5% of those draws on each side.",
        solution="draws = pmm_model.expected_probability_alive(data=quiet); "
        "np.quantile(draws.values.ravel(), [0.05, 0.95]).",
        explanation=(
            "The plug-in P(alive) is one point of this interval: the posterior says how far "
            "the customer's chance of still buying could plausibly be from it."
        ),
    ),
}
