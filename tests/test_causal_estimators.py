import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression

from helpers.causal_estimators import (
    DMLResult,
    NonlinearSCM,
    dml_partialling_out,
    ols_effect,
    simulate_campaign,
)
from helpers.causal_refutation import (
    placebo_treatment,
    random_common_cause,
    unobserved_common_cause,
)
from helpers.simulation import Simulation


def _linear_data(rng, n=400, effect=0.5):
    z = rng.standard_normal(n)
    t = 1.0 + z + rng.standard_normal(n)
    y = 2.0 + effect * t + 1.5 * z + rng.standard_normal(n)
    return y, t, z


# ---------------------------------------------------------------- simulators


def test_campaign_potential_outcomes(rng):
    sim = simulate_campaign(5000, base_effect=1.0, effect_on_demand=0.5, rng=rng)
    assert isinstance(sim, Simulation)
    data = sim.data
    assert list(data.columns) == ["demand", "campaign", "sales"]
    treated = data["campaign"].to_numpy() == 1
    # the observed outcome is the potential outcome of the treatment received
    np.testing.assert_allclose(data["sales"], np.where(treated, sim.truth.y1, sim.truth.y0))
    # unit effects are exactly tau(z) = 1 + 0.5 z
    np.testing.assert_allclose(sim.truth.y1 - sim.truth.y0, 1.0 + 0.5 * data["demand"], atol=1e-12)
    assert sim.truth.ate == pytest.approx(np.mean(1.0 + 0.5 * data["demand"]))
    # targeting: treated stores have higher demand, so the ATT exceeds the ATE
    assert data.loc[treated, "demand"].mean() > data.loc[~treated, "demand"].mean()
    assert sim.truth.att > sim.truth.ate + 0.1


def test_campaign_seed_contract():
    a, b = simulate_campaign(50, rng=3), simulate_campaign(50, rng=3)
    pd.testing.assert_frame_equal(a.data, b.data)
    c = simulate_campaign(50, rng=np.random.default_rng(3))
    pd.testing.assert_frame_equal(a.data, c.data)


def test_campaign_validation():
    with pytest.raises(ValueError, match="`n` must be an integer >= 10"):
        simulate_campaign(5)
    with pytest.raises(TypeError, match="`targeting` must be a real number"):
        simulate_campaign(20, targeting="high")
    with pytest.raises(ValueError, match="`base_effect` must be a finite number"):
        simulate_campaign(20, base_effect=np.inf)


def test_nonlinear_scm_equations_and_truth(rng):
    scm = NonlinearSCM()
    sim = scm.simulate(300, rng=rng)
    data, noise = sim.data, sim.truth.noise
    z = data["demand"].to_numpy()
    np.testing.assert_allclose(z, noise["e_demand"])
    ads = 4.0 + z + 0.7 * z**2 + noise["e_ads"].to_numpy()
    np.testing.assert_allclose(data["ads"], ads, atol=1e-12)
    sales = 10.0 + 0.5 * ads + 2.0 * z + z**2 + noise["e_sales"].to_numpy()
    np.testing.assert_allclose(data["sales"], sales, atol=1e-12)
    # a counterfactual with the observed ads reproduces the data
    np.testing.assert_allclose(scm.counterfactual_sales(data, noise, data["ads"]), sales)
    np.testing.assert_allclose(
        scm.counterfactual_sales(data, noise, data["ads"] + 1.0), sales + 0.5, atol=1e-12
    )


def test_nonlinear_scm_do_mean_matches_simulation(rng):
    scm = NonlinearSCM()
    z = rng.standard_normal(400_000)
    sales = scm.sales_mean(6.0, z) + rng.normal(0, scm.sales_sd, z.size)
    se = sales.std() / np.sqrt(z.size)
    assert abs(sales.mean() - scm.do_mean(6.0)) < 4 * se
    np.testing.assert_allclose(scm.do_mean(np.array([4.0, 6.0])), [13.0, 14.0])


def test_nonlinear_scm_biases_a_linear_adjustment():
    data = NonlinearSCM().simulate(20_000, rng=2).data
    y, t, z = data["sales"], data["ads"], data["demand"]
    assert ols_effect(y, t, z) > 1.0  # the Z^2 path is left open
    assert ols_effect(y, t, np.column_stack([z, z**2])) == pytest.approx(0.5, abs=0.02)


def test_nonlinear_scm_validation():
    with pytest.raises(ValueError, match="`n` must be an integer >= 1"):
        NonlinearSCM().simulate(0)


# ---------------------------------------------------------------- estimators


def test_ols_effect_matches_lstsq(rng):
    y, t, z = _linear_data(rng)
    design = np.column_stack([np.ones(len(y)), t, z])
    expected = np.linalg.lstsq(design, y, rcond=None)[0][1]
    assert ols_effect(y, t, z) == pytest.approx(expected, abs=1e-12)
    assert ols_effect(y, t, z[:, None]) == pytest.approx(expected, abs=1e-12)


def test_arrays_validation(rng):
    y, t, z = _linear_data(rng, n=20)
    with pytest.raises(ValueError, match=r"`treatment` must be an array of shape \(19,\)"):
        ols_effect(y[:-1], t, z)
    with pytest.raises(ValueError, match=r"`outcome` must be a 1\-D array"):
        ols_effect(y[:, None], t, z)
    with pytest.raises(
        ValueError, match=r"`outcome` must be an array of at least 4 rows \(covariates \+ 3\)"
    ):
        ols_effect(y[:3], t[:3], z[:3])
    bad = y.copy()
    bad[0] = np.nan
    with pytest.raises(ValueError, match="`outcome` must be an array without NaN"):
        ols_effect(bad, t, z)


def test_dml_with_linear_nuisances_recovers_effect(rng):
    y, t, z = _linear_data(rng, n=2000)
    fit = dml_partialling_out(
        y, t, z, model_outcome=LinearRegression(), model_treatment=LinearRegression(), rng=1
    )
    assert isinstance(fit, DMLResult)
    assert abs(fit.estimate - 0.5) < 4 * fit.se
    # with linear nuisances the se is close to the classical OLS se
    design = np.column_stack([np.ones(len(y)), t, z])
    resid = y - design @ np.linalg.lstsq(design, y, rcond=None)[0]
    ols_se = np.sqrt(resid @ resid / (len(y) - 3) * np.linalg.inv(design.T @ design)[1, 1])
    assert fit.se == pytest.approx(ols_se, rel=0.15)
    # the residuals are out-of-fold: their regression gives the estimate
    r_t, r_y = fit.treatment_resid, fit.outcome_resid
    assert fit.estimate == pytest.approx(r_t @ r_y / (r_t @ r_t), abs=1e-12)


def test_dml_with_boosting_beats_linear_adjustment_on_nonlinear_confounding():
    from sklearn.ensemble import GradientBoostingRegressor

    data = NonlinearSCM().simulate(600, rng=4).data
    booster = GradientBoostingRegressor(max_depth=2, random_state=0)
    fit = dml_partialling_out(
        data["sales"], data["ads"], data["demand"],
        model_outcome=booster, model_treatment=booster, rng=0,
    )  # fmt: skip
    assert abs(fit.estimate - 0.5) < 4 * fit.se
    assert abs(ols_effect(data["sales"], data["ads"], data["demand"]) - 0.5) > 10 * fit.se


def test_dml_seed_contract_and_validation(rng):
    y, t, z = _linear_data(rng, n=100)
    kw = {"model_outcome": LinearRegression(), "model_treatment": LinearRegression()}
    a = dml_partialling_out(y, t, z, rng=5, **kw)
    b = dml_partialling_out(y, t, z, rng=np.random.default_rng(5), **kw)
    assert (a.estimate, a.se) == (b.estimate, b.se)
    with pytest.raises(ValueError, match="`n_folds` must be an integer >= 2"):
        dml_partialling_out(y, t, z, n_folds=1, **kw)
    with pytest.raises(ValueError, match="`n_folds` must be <= n / 2"):
        dml_partialling_out(y, t, z, n_folds=60, **kw)


# ---------------------------------------------------------------- refuters


def test_placebo_centres_on_zero(rng):
    y, t, z = _linear_data(rng)
    est = placebo_treatment(y, t, z, n_draws=200, rng=1)
    assert est.shape == (200,)
    assert abs(est.mean()) < 4 * est.std() / np.sqrt(est.size)
    assert np.abs(est).max() < ols_effect(y, t, z)


def test_placebo_uses_permutations_in_order(rng):
    y, t, z = _linear_data(rng, n=50)
    g = np.random.default_rng(9)
    expected = [ols_effect(y, t[g.permutation(50)], z) for _ in range(3)]
    np.testing.assert_allclose(placebo_treatment(y, t, z, n_draws=3, rng=9), expected)


def test_random_common_cause_barely_moves(rng):
    y, t, z = _linear_data(rng)
    moved = random_common_cause(y, t, z, n_draws=50, rng=2) - ols_effect(y, t, z)
    assert np.abs(moved).max() < 0.05


def test_unobserved_common_cause_moves_as_predicted(rng):
    y, t, z = _linear_data(rng, n=1000)
    est = ols_effect(y, t, z)
    design = np.column_stack([np.ones(len(y)), z])
    v = np.var(t - design @ np.linalg.lstsq(design, t, rcond=None)[0])
    moved = unobserved_common_cause(
        y, t, z, effect_on_treatment=0.8, effect_on_outcome=1.0, n_draws=500, rng=4
    )
    predicted = (est * v + 0.8) / (v + 0.64)
    assert moved.mean() == pytest.approx(predicted, abs=4 * moved.std() / np.sqrt(500) + 0.01)
    # no confounder: nothing moves
    same = unobserved_common_cause(
        y, t, z, effect_on_treatment=0.0, effect_on_outcome=0.0, n_draws=2, rng=4
    )
    np.testing.assert_allclose(same, est, atol=1e-12)
