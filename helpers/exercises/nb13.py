"""Self-checks for notebook 13 (causal inference over time).

Each checker recomputes the answer independently of the notebook's solution: with the tested
reference estimators in :mod:`helpers.timeseries` (2SLS with the controls in the design, TWFE
with dummy variables) or with another optimiser (SciPy's SLSQP for the synthetic weights).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize

from helpers import check
from helpers.exercises import Answer, Exercise
from helpers.instruments import two_stage_least_squares
from helpers.panel import twfe_estimate
from helpers.simulation import Simulation
from helpers.timeseries import fourier_features


def _iv_by_hand_expected(*, pricing: Simulation) -> float:
    if not isinstance(pricing, Simulation) or "elasticity" not in pricing.truth:
        raise TypeError("pass the pricing simulation as pricing=... (from simulate_pricing)")
    data = pricing.data
    hour = data["hour"].to_numpy()
    controls = np.column_stack([fourier_features(hour, 24, 2), fourier_features(hour, 168, 1)])
    expected, _ = two_stage_least_squares(
        data["log_rides"], data["log_price"], data["cost_shock"], controls
    )
    return float(expected)


def _iv_by_hand(answer: Any, *, pricing: Simulation) -> None:
    value = answer
    expected = _iv_by_hand_expected(pricing=pricing)
    # Frisch-Waugh-Lovell makes the partialled-out ratio equal 2SLS up to rounding
    check.close(value, expected, atol=1e-8, name="IV estimate (2SLS with controls)")


def _lift_probability_expected(*, rides: Any, y0_draws: Any, n_pre: int) -> float:
    y = np.asarray(rides, dtype=float)
    draws = np.asarray(y0_draws, dtype=float)
    if draws.ndim != 2 or draws.shape[1] != y.size:
        raise ValueError("`y0_draws` must be (draws, days) with one column per day of `rides`")
    # lift > 10% <=> observed total > 1.1 x counterfactual total, draw by draw
    observed = y[n_pre:].sum()
    return float(np.mean(observed > 1.1 * draws[:, n_pre:].sum(axis=1)))


def _lift_probability(answer: Any, *, rides: Any, y0_draws: Any, n_pre: int) -> None:
    expected = _lift_probability_expected(rides=rides, y0_draws=y0_draws, n_pre=n_pre)
    check.close(answer, expected, atol=1e-9, name="P(lift > 10%)")


def _simplex_weights(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    j = x.shape[1]
    result = optimize.minimize(
        lambda w: np.sum((y - x @ w) ** 2),
        np.full(j, 1 / j),
        jac=lambda w: -2 * x.T @ (y - x @ w),
        bounds=[(0, 1)] * j,
        constraints=[{"type": "eq", "fun": lambda w: w.sum() - 1, "jac": lambda w: np.ones(j)}],
        method="SLSQP",
        options={"ftol": 1e-14, "maxiter": 1000},
    )
    return result.x


def _placebo_gap_expected(*, treated: Any, donors: Any) -> float:
    y = np.asarray(treated, dtype=float)
    x = np.asarray(donors, dtype=float)
    if x.ndim != 2 or x.shape[0] != y.size or y.size < 52:
        raise ValueError("`treated` (weeks,) and `donors` (weeks, donors) must cover 52 weeks")
    weights = _simplex_weights(y[:40], x[:40])
    return float((y - x @ weights)[40:52].mean())


def _placebo_gap(answer: Any, *, treated: Any, donors: Any) -> None:
    value = answer
    expected = _placebo_gap_expected(treated=treated, donors=donors)
    # two optimisers agree to about 1e-4 in the weights, i.e. 0.01-0.05 in a gap of rides ~100
    check.close(value, expected, atol=0.05, name="placebo gap, weeks 40-51")


def _twfe_expected(*, panel: pd.DataFrame) -> float:
    if not isinstance(panel, pd.DataFrame):
        raise TypeError("pass the rollout panel as panel=... (a DataFrame)")
    expected, _ = twfe_estimate(panel)
    return float(expected)


def _twfe(answer: Any, *, panel: pd.DataFrame) -> None:
    value = answer
    expected = _twfe_expected(panel=panel)
    check.close(value, expected, atol=1e-8, name="TWFE estimate (dummy regression)")


EXERCISES = {
    "13-1": Exercise(
        _iv_by_hand,
        expected=_iv_by_hand_expected,
        answer=Answer.number("the IV estimate of the price elasticity"),
        hint="With one instrument, IV is a ratio: how rides move with the cost shock over how "
        "price moves with it, after removing from all three what the seasonal controls "
        "explain (the same controls for each).",
        solution="X = [1, seasons]; residualise log price, log rides and the cost shock on X "
        "with lstsq; (z_res @ q_res) / (z_res @ p_res).",
        explanation="With one instrument, IV is a ratio: the reduced form over the first stage.",
    ),
    "13-2": Exercise(
        _lift_probability,
        expected=_lift_probability_expected,
        answer=Answer.probability("P(cumulative lift > 10%)"),
        hint="The lift is relative to the counterfactual, and the counterfactual is uncertain: "
        "compute the lift once per posterior draw of the post-launch counterfactual total, "
        "then ask how often it exceeds 10%.",
        solution="counterfactual_total = y0_draws[:, n_pre:].sum(axis=1); "
        "np.mean(cumulative / counterfactual_total > 0.10).",
        explanation=(
            "A probability of a business-relevant threshold is often a better answer than an "
            "interval: it is what the decision needs."
        ),
    ),
    "13-3": Exercise(
        _placebo_gap,
        expected=_placebo_gap_expected,
        answer=Answer.number("the mean placebo gap"),
        hint="Pretend the launch happened earlier: fit the synthetic control's weights only on "
        "the weeks before the fake launch, then look at the gap over the weeks between the "
        "fake and the real launch, where no effect should exist.",
        solution="w = synthetic_control_weights(treated[:40], donors[:40]); (treated - donors "
        "@ w)[40:52].mean().",
        explanation=(
            "A placebo in time checks that the synthetic city keeps tracking when nothing "
            "happens; a gap as large as the effect would have discredited the design."
        ),
    ),
    "13-4": Exercise(
        _twfe,
        expected=_twfe_expected,
        answer=Answer.number("the TWFE estimate"),
        hint="Two-way fixed effects removes market means and week means from both the outcome "
        "and the treatment (adding back the overall mean once); the estimate is then a "
        "regression slope through the origin.",
        solution="v - market mean - week mean + overall mean for y and treated "
        "(groupby(...).transform('mean')); sum(d * y) / sum(d * d).",
        explanation=(
            "Double demeaning is why TWFE compares every treated cell with every other cell, "
            "already-treated ones included: the source of its bias under staggered timing."
        ),
    ),
}
