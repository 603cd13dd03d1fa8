import numpy as np
import pytest
from scipy.optimize import brentq

from helpers import check
from helpers.causal import MarketingSCM, confounder_bias, flip_strength, simulate_iv
from helpers.exercises import exercise_ids


def test_ids():
    assert exercise_ids("11") == ["11-1", "11-2", "11-3", "11-4"]


def test_11_1_naive_slope():
    scm = MarketingSCM()
    check.exercise("11-1", scm.naive_slope)
    with pytest.raises(check.ExerciseIncorrect, match="Hint"):
        check.exercise("11-1", scm.total_effect)  # the causal effect is not the naive slope


def test_11_2_wald():
    data = simulate_iv(400, rng=1).data
    means = data.groupby("region")[["ads", "sales"]].mean()
    wald = (means.loc[1, "sales"] - means.loc[0, "sales"]) / (
        means.loc[1, "ads"] - means.loc[0, "ads"]
    )
    check.exercise("11-2", wald, iv_data=data)
    slope = np.polyfit(data["ads"], data["sales"], 1)[0]
    with pytest.raises(check.ExerciseIncorrect, match="Wald estimate"):
        check.exercise("11-2", slope, iv_data=data)
    with pytest.raises(check.ExerciseIncorrect, match="iv_data"):
        check.exercise("11-2", wald, iv_data=data.values)


def _scm_draws(ads, rng, n):
    scm = MarketingSCM()
    demand = rng.standard_normal(n)
    visits = scm.visits_intercept + scm.visits_on_ads * ads + rng.normal(0, scm.visits_sd, n)
    return (scm.sales_intercept + scm.direct_effect * ads + scm.sales_on_visits * visits
            + scm.sales_on_demand * demand + rng.normal(0, scm.sales_sd, n))  # fmt: skip


def test_11_3_ate(rng):
    n = 20_000
    check.exercise("11-3", _scm_draws(4.0, rng, n) - _scm_draws(2.0, rng, n))
    # conditioning instead of intervening: compare stores that happened to get ~4k vs ~2k
    data, _ = MarketingSCM().simulate(400_000, rng=rng)
    high = data.loc[(data["ads"] - 4).abs() < 0.2, "sales"].to_numpy()[:3000]
    low = data.loc[(data["ads"] - 2).abs() < 0.2, "sales"].to_numpy()[:3000]
    size = min(high.size, low.size)
    with pytest.raises(check.ExerciseIncorrect, match="ATE"):
        check.exercise("11-3", high[:size] - low[:size])
    with pytest.raises(check.ExerciseIncorrect, match="at least 1000"):
        check.exercise("11-3", np.ones(10))


def test_11_4_flip(rng):
    draws = rng.normal(0.5, 0.07, size=4000)
    kw = {"sd_outcome_resid": 1.0, "sd_treatment_resid": 0.8}
    low = np.quantile(draws, 0.025)
    answer = brentq(lambda r: low - confounder_bias(r, r, **kw), 0, 0.999)
    context = {"effect_draws": draws, "sd_y": 1.0, "sd_x": 0.8}
    check.exercise("11-4", answer, **context)
    check.exercise("11-4", flip_strength(draws, column="low", **kw), **context)
    with pytest.raises(check.ExerciseIncorrect, match="95% interval"):
        check.exercise("11-4", flip_strength(draws, column="mean", **kw), **context)
