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
from helpers.exercises import Exercise
from helpers.timeseries import (
    PricingSimulation,
    fourier_features,
    twfe_estimate,
    two_stage_least_squares,
)


def _number(answer: Any, what: str) -> float:
    if isinstance(answer, bool) or np.ndim(answer) != 0:
        raise TypeError(f"`{what}` must be a single number")
    try:
        return float(answer)
    except (TypeError, ValueError) as err:
        raise TypeError(f"`{what}` must be a single number") from err


def _iv_by_hand(answer: Any, *, pricing: PricingSimulation) -> None:
    if not isinstance(pricing, PricingSimulation):
        raise TypeError("pass the pricing simulation as pricing=... (a PricingSimulation)")
    value = _number(answer, "iv_by_hand")
    data = pricing.data
    hour = data["hour"].to_numpy()
    controls = np.column_stack([fourier_features(hour, 24, 2), fourier_features(hour, 168, 1)])
    expected, _ = two_stage_least_squares(
        data["log_rides"], data["log_price"], data["cost_shock"], controls
    )
    # Frisch-Waugh-Lovell makes the partialled-out ratio equal 2SLS up to rounding
    check.close(value, expected, atol=1e-8, name="IV estimate (2SLS with controls)")


def _lift_probability(answer: Any, *, rides: Any, y0_draws: Any, n_pre: int) -> None:
    value = _number(answer, "p_lift_above_10")
    y = np.asarray(rides, dtype=float)
    draws = np.asarray(y0_draws, dtype=float)
    if draws.ndim != 2 or draws.shape[1] != y.size:
        raise ValueError("`y0_draws` must be (draws, days) with one column per day of `rides`")
    # lift > 10% <=> observed total > 1.1 x counterfactual total, draw by draw
    observed = y[n_pre:].sum()
    expected = float(np.mean(observed > 1.1 * draws[:, n_pre:].sum(axis=1)))
    check.close(value, expected, atol=1e-9, name="P(lift > 10%)")


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


def _placebo_gap(answer: Any, *, treated: Any, donors: Any) -> None:
    value = _number(answer, "placebo_gap")
    y = np.asarray(treated, dtype=float)
    x = np.asarray(donors, dtype=float)
    if x.ndim != 2 or x.shape[0] != y.size or y.size < 52:
        raise ValueError("`treated` (weeks,) and `donors` (weeks, donors) must cover 52 weeks")
    weights = _simplex_weights(y[:40], x[:40])
    expected = float((y - x @ weights)[40:52].mean())
    # two optimisers agree to about 1e-4 in the weights, i.e. 0.01-0.05 in a gap of rides ~100
    check.close(value, expected, atol=0.05, name="placebo gap, weeks 40-51")


def _twfe(answer: Any, *, panel: pd.DataFrame) -> None:
    if not isinstance(panel, pd.DataFrame):
        raise TypeError("pass the rollout panel as panel=... (a DataFrame)")
    value = _number(answer, "twfe_by_hand")
    expected, _ = twfe_estimate(panel)
    check.close(value, expected, atol=1e-8, name="TWFE estimate (dummy regression)")


EXERCISES = {
    "13-1": Exercise(
        _iv_by_hand,
        hint=(
            "Use one design [1, seasonal features] for all three regressions, take residuals "
            "v - X @ lstsq(X, v), then divide z_res @ q_res by z_res @ p_res."
        ),
        explanation="With one instrument, IV is a ratio: the reduced form over the first stage.",
    ),
    "13-2": Exercise(
        _lift_probability,
        hint=(
            "For each draw: lift = cumulative effect / y0_draws[:, n_pre:].sum(axis=1); "
            "the probability is the share of draws with lift > 0.10."
        ),
        explanation=(
            "A probability of a business-relevant threshold is often a better answer than an "
            "interval: it is what the decision needs."
        ),
    ),
    "13-3": Exercise(
        _placebo_gap,
        hint=(
            "synthetic_control_weights(treated[:40], donors[:40]); the gap is "
            "treated - donors @ weights; average it over weeks 40 to 51 (index 40:52)."
        ),
        explanation=(
            "A placebo in time checks that the synthetic city keeps tracking when nothing "
            "happens; a gap as large as the effect would have discredited the design."
        ),
    ),
    "13-4": Exercise(
        _twfe,
        hint=(
            "For y and treated: v - mean by market - mean by week + overall mean "
            "(groupby(...).transform('mean')); then sum(d * y) / sum(d * d)."
        ),
        explanation=(
            "Double demeaning is why TWFE compares every treated cell with every other cell, "
            "already-treated ones included: the source of its bias under staggered timing."
        ),
    ),
}
