import numpy as np
import pytest
from scipy.optimize import brentq

from helpers import check
from helpers.causal import MarketingSCM
from helpers.causal_estimators import NonlinearSCM, ols_effect, simulate_campaign
from helpers.causal_refutation import confounder_bias, flip_strength
from helpers.exercises import exercise_ids
from helpers.instruments import simulate_iv
from tests.test_exercises import assert_expected_is_right, assert_teaches


def test_ids():
    assert exercise_ids("12") == [f"12-{k}" for k in range(1, 10)]


def test_11_1_naive_slope():
    scm = MarketingSCM()
    check.exercise("12-1", scm.naive_slope)
    assert_teaches("12-1", scm.total_effect)  # the causal effect is not the naive slope


def test_11_2_wald():
    data = simulate_iv(400, rng=1).data
    means = data.groupby("region")[["ads", "sales"]].mean()
    wald = (means.loc[1, "sales"] - means.loc[0, "sales"]) / (
        means.loc[1, "ads"] - means.loc[0, "ads"]
    )
    check.exercise("12-2", wald, iv_data=data)
    slope = np.polyfit(data["ads"], data["sales"], 1)[0]
    assert "Wald estimate" in assert_teaches("12-2", slope, iv_data=data)
    assert assert_expected_is_right("12-2", wrong=slope, iv_data=data) == pytest.approx(wald)
    with pytest.raises(TypeError, match="iv_data"):
        check.exercise("12-2", wald, iv_data=data.values)


def _scm_draws(ads, rng, n):
    scm = MarketingSCM()
    demand = rng.standard_normal(n)
    visits = scm.visits_intercept + scm.visits_on_ads * ads + rng.normal(0, scm.visits_sd, n)
    return (scm.sales_intercept + scm.direct_effect * ads + scm.sales_on_visits * visits
            + scm.sales_on_demand * demand + rng.normal(0, scm.sales_sd, n))  # fmt: skip


def test_11_3_ate(rng):
    n = 20_000
    check.exercise("12-3", _scm_draws(4.0, rng, n) - _scm_draws(2.0, rng, n))
    # conditioning instead of intervening: compare stores that happened to get ~4k vs ~2k
    data = MarketingSCM().simulate(400_000, rng=rng).data
    high = data.loc[(data["ads"] - 4).abs() < 0.2, "sales"].to_numpy()[:3000]
    low = data.loc[(data["ads"] - 2).abs() < 0.2, "sales"].to_numpy()[:3000]
    size = min(high.size, low.size)
    assert "ATE" in assert_teaches("12-3", high[:size] - low[:size])
    with pytest.raises(check.AnswerIncorrect, match="at least 1000"):
        check.exercise("12-3", np.ones(10))


def test_11_4_flip(rng):
    draws = rng.normal(0.5, 0.07, size=4000)
    kw = {"sd_outcome_resid": 1.0, "sd_treatment_resid": 0.8}
    low = np.quantile(draws, 0.025)
    answer = brentq(lambda r: low - confounder_bias(r, r, **kw), 0, 0.999)
    context = {"effect_draws": draws, "sd_y": 1.0, "sd_x": 0.8}
    check.exercise("12-4", answer, **context)
    check.exercise("12-4", flip_strength(draws, column="low", **kw), **context)
    wrong = flip_strength(draws, column="mean", **kw)
    assert "95% interval" in assert_teaches("12-4", wrong, **context)
    assert assert_expected_is_right("12-4", wrong=wrong, **context) == pytest.approx(answer)


def _campaign_fit(data):
    t, z = data["campaign"].to_numpy(float), data["demand"].to_numpy(float)
    design = np.column_stack([np.ones(len(t)), t, t * z, z])
    return np.linalg.lstsq(design, data["sales"].to_numpy(float), rcond=None)[0], t, z


def test_11_5_atu(rng):
    data = simulate_campaign(400, rng=2).data
    coef, t, z = _campaign_fit(data)
    # posterior-like draws: a Normal around the least-squares ATU
    atu = coef[1] + coef[2] * z[t == 0].mean()
    check.exercise("12-5", rng.normal(atu, 0.1, 4000), campaign_data=data)
    att = coef[1] + coef[2] * z[t == 1].mean()  # the wrong population
    assert "ATU" in assert_teaches("12-5", rng.normal(att, 0.1, 4000), campaign_data=data)
    wrong = rng.normal(att, 0.1, 4000)
    expected = assert_expected_is_right("12-5", wrong=wrong, campaign_data=data)
    assert expected.mean() == pytest.approx(atu, abs=4 * expected.std() / np.sqrt(expected.size))
    with pytest.raises(check.AnswerMalformed, match="one value per posterior draw"):
        check.exercise("12-5", atu, campaign_data=data)
    with pytest.raises(TypeError, match="campaign_data"):
        check.exercise("12-5", rng.normal(atu, 0.1, 4000), campaign_data=data.values)


def test_11_6_first_stage_f():
    data = simulate_iv(400, strength=0.4, rng=3).data
    design = np.column_stack([np.ones(400), data["region"]])
    coef, rss = np.linalg.lstsq(design, data["ads"].to_numpy(), rcond=None)[:2]
    se = np.sqrt(rss[0] / 398 * np.linalg.inv(design.T @ design)[1, 1])
    check.exercise("12-6", (coef[1] / se) ** 2, iv_data=data)
    assert "first-stage F" in assert_teaches("12-6", coef[1] / se, iv_data=data)  # t, not t^2
    expected = assert_expected_is_right("12-6", wrong=coef[1] / se, iv_data=data)
    assert expected == pytest.approx((coef[1] / se) ** 2)
    with pytest.raises(TypeError, match="iv_data"):
        check.exercise("12-6", 1.0, iv_data=data.values)


def test_11_7_hidden_move():
    data = MarketingSCM().simulate(300, rng=4).data
    y, t, z = data["sales"].to_numpy(), data["ads"].to_numpy(), data[["demand"]].to_numpy()
    resid = (
        t
        - np.column_stack([np.ones(300), z])
        @ np.linalg.lstsq(np.column_stack([np.ones(300), z]), t, rcond=None)[0]
    )
    v = resid.var()
    est = ols_effect(y, t, z)
    context = {"sales": y, "ads": t, "covariates": z}
    check.exercise("12-7", (est * v + 1.0) / (v + 0.25), **context)
    assert "hidden confounder" in assert_teaches("12-7", est, **context)  # no move at all
    assert_expected_is_right("12-7", wrong=est, **context)


def test_11_8_fwl():
    data = NonlinearSCM().simulate(500, rng=5).data
    data["demand_sq"] = data["demand"] ** 2
    basis = np.column_stack([np.ones(500), data[["demand", "demand_sq"]]])

    def resid(v):
        return v - basis @ np.linalg.lstsq(basis, v, rcond=None)[0]

    r_y, r_x = resid(data["sales"].to_numpy()), resid(data["ads"].to_numpy())
    check.exercise("12-8", r_x @ r_y / (r_x @ r_x), nl_data=data)
    linear = ols_effect(data["sales"], data["ads"], data["demand"])  # Z^2 left out
    assert "OLS coefficient" in assert_teaches("12-8", linear, nl_data=data)
    expected = assert_expected_is_right("12-8", wrong=linear, nl_data=data)
    assert expected == pytest.approx(r_x @ r_y / (r_x @ r_x))
    with pytest.raises(TypeError, match="nl_data"):
        check.exercise("12-8", 0.5, nl_data=data.values)


def test_11_9_deep_counterfactual():
    scm = NonlinearSCM()
    sim = scm.simulate(100, rng=6)
    data, noise = sim.data, sim.truth.noise
    worst = int(np.argmax(np.abs(noise["e_sales"])))
    unit, unit_noise = data.iloc[[worst]], noise.iloc[[worst]]
    truth = scm.counterfactual_sales(unit, unit_noise, unit["ads"].to_numpy() - 1.0)[0]
    context = {"unit": unit, "noise": unit_noise, "resid_sd": 0.5}
    assert abs(unit_noise["e_sales"].iloc[0]) > 2 * 0.5  # the noise a mean prediction loses
    check.exercise("12-9", truth + 0.6, **context)  # within twice the residual SD
    mean_only = scm.sales_mean(unit["ads"].to_numpy() - 1.0, unit["demand"].to_numpy())[0]
    # no abduction: loses the noise
    assert "counterfactual sales" in assert_teaches("12-9", mean_only, **context)
    assert assert_expected_is_right("12-9", wrong=mean_only, **context) == truth
    with pytest.raises(TypeError, match="one-row DataFrame"):
        check.exercise("12-9", truth, unit=data, noise=noise, resid_sd=0.5)
