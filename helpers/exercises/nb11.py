"""Self-checks for notebook 11 (causal models: confounding, do-operator, instruments, sensitivity).

Each checker recomputes the answer independently of the notebook's solution: by a large fresh
simulation, by a different formula, or in closed form.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from helpers import check
from helpers.causal import MarketingSCM, robustness_value
from helpers.exercises import Exercise

CHECK_SIZE = 200_000


def _naive_slope(answer: Any) -> None:
    scm = MarketingSCM()
    data, _ = scm.simulate(CHECK_SIZE, rng=11)
    slope = np.cov(data["ads"], data["sales"])[0, 1] / data["ads"].var()
    # the OLS slope on 200 000 rows has a standard error of about 0.004; allow 4 of them
    check.close(answer, slope, atol=0.016, name="naive slope")


def _wald(answer: Any, *, iv_data: pd.DataFrame) -> None:
    if not isinstance(iv_data, pd.DataFrame) or not {"region", "ads", "sales"} <= set(iv_data):
        raise TypeError(
            "pass the strong-instrument data as iv_data=... (columns region, ads, sales)"
        )
    # the covariance form of the IV estimator equals the Wald ratio for a binary instrument
    cov = np.cov(iv_data[["region", "ads", "sales"]].to_numpy(float).T)
    check.close(answer, cov[0, 2] / cov[0, 1], atol=1e-8, name="Wald estimate")


def _ate(answer: Any) -> None:
    draws = np.asarray(answer, dtype=float)
    if draws.ndim != 1 or draws.size < 1000:
        raise ValueError("`ate_draws` must be a 1-D array of at least 1000 differences")
    se = draws.std(ddof=1) / np.sqrt(draws.size)
    exact = 2.0 * MarketingSCM().total_effect
    check.close(draws.mean(), exact, atol=4 * se, name="ATE of ads 2 -> 4 (4 Monte Carlo SE)")


def _flip_low(answer: Any, *, effect_draws: Any, sd_y: float, sd_x: float) -> None:
    lower_end = float(np.quantile(np.asarray(effect_draws, dtype=float), 0.025))
    # the lower end shifts by the bias, so it reaches 0 where the bias equals it: the robustness
    # value of the lower end, in closed form
    expected = robustness_value(lower_end, sd_outcome_resid=sd_y, sd_treatment_resid=sd_x)
    check.close(answer, expected, atol=1e-6, name="strength at which the 95% interval reaches 0")


EXERCISES = {
    "11-1": Exercise(
        _naive_slope,
        hint=(
            "The naive slope is Cov(X, Y) / Var(X). With Var(Z) = 1, Var(X) = alpha^2 + sigma_X^2 "
            "and the demand path adds gamma * alpha / Var(X) to the total effect."
        ),
        explanation="The bias gamma * alpha / Var(X) is the whole backdoor path, in one number.",
    ),
    "11-2": Exercise(
        _wald,
        hint="Group by region, take the mean ads and sales, and divide the two differences.",
        explanation=(
            "The Wald ratio is the method-of-moments IV estimate; the Bayesian model agrees with "
            "it and adds an interval that widens honestly when the instrument is weak."
        ),
    ),
    "11-3": Exercise(
        _ate,
        hint=(
            "Call poutine.do(pyro_scm, data={'ads': torch.tensor(4.0)})(budget.samples) and the "
            "same with 2.0, and subtract the two arrays."
        ),
        explanation="Under do() every store has the same ads, so demand no longer biases the difference.",
    ),
    "11-4": Exercise(
        _flip_low,
        hint=(
            "Let low = np.quantile(effect_draws, 0.025); solve low - confounder_bias(r, r, "
            "sd_outcome_resid=sd_y, sd_treatment_resid=sd_x) = 0 for r in (0, 1)."
        ),
        explanation="The interval flips long before the estimate itself reaches zero.",
    ),
}
