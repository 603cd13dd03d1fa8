import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.timeseries import (
    ImpactSimulation,
    PricingSimulation,
    RolloutSimulation,
    SyntheticControlSimulation,
    fourier_features,
    ols,
    rmspe_ratio,
    rollout_effect,
    simulate_impact,
    simulate_pricing,
    simulate_rollout,
    simulate_synthetic_control,
    synthetic_control_weights,
    twfe_estimate,
    two_stage_least_squares,
)

# ---------------------------------------------------------------- fourier_features


def test_fourier_features_values_and_shape():
    f = fourier_features(np.arange(48), period=24, order=2)
    assert f.shape == (48, 4)
    np.testing.assert_allclose(f[6], [1.0, 0.0, 0.0, -1.0], atol=1e-12)  # quarter period
    np.testing.assert_allclose(f[:24], f[24:], atol=1e-12)  # periodic
    np.testing.assert_allclose(f[:, 0] ** 2 + f[:, 1] ** 2, 1.0, rtol=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"period": 0, "order": 1}, ValueError, "`period` must be a number > 0"),
        ({"period": 24, "order": 0}, ValueError, "`order` must be an integer >= 1"),
        ({"period": 24, "order": 1.5}, TypeError, "`order` must be an integer"),
        ({"period": "day", "order": 1}, TypeError, "`period` must be a real number"),
    ],
)
def test_fourier_features_rejects_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        fourier_features(np.arange(5), **kwargs)


def test_fourier_features_rejects_bad_time():
    with pytest.raises(ValueError, match=r"`t` must be a 1\-D array"):
        fourier_features(np.zeros((2, 2)), period=24, order=1)
    with pytest.raises(TypeError, match="`t` must be an array of numbers"):
        fourier_features("abc", period=24, order=1)
    with pytest.raises(ValueError, match="`t` must be an array without NaN"):
        fourier_features([0.0, np.nan], period=24, order=1)


# ---------------------------------------------------------------- ols


def test_ols_matches_lstsq_and_textbook_se(rng):
    x = np.column_stack([np.ones(200), rng.normal(size=(200, 2))])
    y = x @ [1.0, 2.0, -0.5] + rng.normal(0, 0.3, 200)
    coef, se = ols(y, x)
    np.testing.assert_allclose(coef, np.linalg.lstsq(x, y, rcond=None)[0], rtol=1e-10)
    resid = y - x @ coef
    s2 = resid @ resid / (200 - 3)
    np.testing.assert_allclose(se, np.sqrt(s2 * np.diag(np.linalg.inv(x.T @ x))), rtol=1e-10)


def test_ols_rejects_bad_designs():
    x = np.column_stack([np.ones(5), np.arange(5.0)])
    with pytest.raises(ValueError, match="`y` has 4 rows but `design` has 5"):
        ols(np.ones(4), x)
    with pytest.raises(ValueError, match="more rows than columns"):
        ols(np.ones(2), x[:2])
    with pytest.raises(ValueError, match="full column rank"):
        ols(np.arange(5.0), np.column_stack([x, 2 * x[:, 1]]))
    with pytest.raises(ValueError, match=r"`design` must be a 1\-D or 2\-D array"):
        ols(np.ones(5), np.ones((5, 2, 1)))


# ---------------------------------------------------------------- 2SLS


def test_two_stage_least_squares_recovers_effect_under_confounding(rng):
    n = 50_000
    z, u, c = rng.standard_normal((3, n))
    x = 0.8 * z + u + 0.5 * c
    y = -1.0 * x + 2.0 * u + 0.3 * c + rng.standard_normal(n)
    est, se = two_stage_least_squares(y, x, z, c)
    # 4 standard errors: fails about once in 16,000 seeds
    assert abs(est + 1.0) < 4 * se
    naive = ols(y, np.column_stack([np.ones(n), x, c]))[0][1]
    assert naive > -1.0 + 0.5  # confounding by u biases OLS upwards by 2 Var(u) / Var(x | c)


def test_two_stage_least_squares_equals_wald_for_binary_instrument(rng):
    z = rng.integers(0, 2, 400).astype(float)
    x = z + rng.standard_normal(400)
    y = 0.5 * x + rng.standard_normal(400)
    est, _ = two_stage_least_squares(y, x, z)
    wald = (y[z == 1].mean() - y[z == 0].mean()) / (x[z == 1].mean() - x[z == 0].mean())
    assert est == pytest.approx(wald, rel=1e-10)


def test_two_stage_least_squares_rejects_bad_input():
    with pytest.raises(ValueError, match="equal lengths"):
        two_stage_least_squares(np.ones(5), np.ones(4), np.ones(5))
    with pytest.raises(ValueError, match="`controls` has 3 rows"):
        two_stage_least_squares(np.arange(5.0), np.arange(5.0), np.arange(5.0), np.ones(3))
    with pytest.raises(ValueError, match="does not move"):
        two_stage_least_squares(np.arange(5.0), np.arange(5.0) ** 2, np.ones(5))


# ---------------------------------------------------------------- TWFE


def test_twfe_is_unbiased_with_parallel_trends_and_constant_effect(rng):
    units, times = 30, 12
    frame = pd.DataFrame(
        {"market": np.repeat(np.arange(units), times), "week": np.tile(np.arange(times), units)}
    )
    adopt = np.repeat(rng.choice([4, 8, 99], units), times)
    frame["treated"] = (frame["week"] >= adopt).astype(int)
    frame["y"] = (
        np.repeat(rng.normal(size=units), times)
        + 0.1 * frame["week"]
        + 0.5 * frame["treated"]
        + rng.normal(0, 0.1, len(frame))
    )
    est, se = twfe_estimate(frame)
    assert abs(est - 0.5) < 4 * se


def test_twfe_rejects_bad_panels():
    with pytest.raises(TypeError, match="pandas DataFrame"):
        twfe_estimate(np.ones((3, 3)))
    with pytest.raises(ValueError, match="lacks the columns"):
        twfe_estimate(pd.DataFrame({"y": [1.0]}))
    bad = pd.DataFrame({"y": [1.0, 2], "market": [0, 1], "week": [0, 0], "treated": [0, 2]})
    with pytest.raises(ValueError, match="0/1"):
        twfe_estimate(bad)


# ---------------------------------------------------------------- synthetic control


def test_synthetic_control_weights_recover_exact_combination(rng):
    donors = rng.normal(size=(40, 5)).cumsum(axis=0)
    true = np.array([0.1, 0.0, 0.6, 0.3, 0.0])
    w = synthetic_control_weights(donors @ true, donors)
    np.testing.assert_allclose(w, true, atol=1e-6)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000))
def test_synthetic_control_weights_lie_on_the_simplex(seed):
    gen = np.random.default_rng(seed)
    w = synthetic_control_weights(gen.normal(size=20), gen.normal(size=(20, 4)))
    assert np.all(w >= 0) and w.sum() == pytest.approx(1.0, abs=1e-12)


def test_synthetic_control_weights_reject_bad_shapes():
    with pytest.raises(ValueError, match="`donors` has 3 rows"):
        synthetic_control_weights(np.ones(4), np.ones((3, 2)))
    with pytest.raises(ValueError, match="at least 2 columns"):
        synthetic_control_weights(np.ones(4), np.ones((4, 1)))


def test_rmspe_ratio_values_and_errors():
    assert rmspe_ratio([1.0, -1.0, 2.0, 2.0], n_pre=2) == pytest.approx(2.0)
    with pytest.raises(ValueError, match="`n_pre` must be < len"):
        rmspe_ratio([1.0, 2.0], n_pre=2)
    with pytest.raises(ValueError, match="exactly zero"):
        rmspe_ratio([0.0, 0.0, 1.0], n_pre=2)
    with pytest.raises(TypeError, match="`n_pre` must be an integer"):
        rmspe_ratio([1.0, 2.0], n_pre=1.0)


# ---------------------------------------------------------------- simulators


def test_pricing_truth_and_bias_formula(rng):
    sim = simulate_pricing(n_days=280, rng=rng)
    assert isinstance(sim, PricingSimulation)
    assert sim.elasticity == -1.2
    # default coefficients: bias = (0.25*0.15 + 0.2*0.1) / (0.15^2 + 0.15^2 + 0.1^2 + 0.05^2) = 1
    assert sim.naive_limit == pytest.approx(-0.2, abs=1e-12)
    d = sim.data
    hour = d["hour"].to_numpy()
    f = np.column_stack([fourier_features(hour, 24, 2), fourier_features(hour, 168, 1)])
    naive = ols(d["log_rides"], np.column_stack([np.ones(len(d)), d["log_price"], f]))[0][1]
    # 6,720 hours of autocorrelated confounders: the naive slope's sampling sd is about 0.03
    # (simulated over seeds); 0.15 is five of them
    assert naive == pytest.approx(sim.naive_limit, abs=0.15)
    est, se = two_stage_least_squares(d["log_rides"], d["log_price"], d["cost_shock"], f)
    assert abs(est - sim.elasticity) < 4 * se


def test_pricing_without_confounding_has_no_bias(rng):
    sim = simulate_pricing(confounding=0.0, rng=rng)
    assert sim.naive_limit == sim.elasticity


def test_pricing_seed_contract():
    a, b = simulate_pricing(rng=3), simulate_pricing(rng=np.random.default_rng(3))
    pd.testing.assert_frame_equal(a.data, b.data)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n_days": 1}, ValueError, "`n_days` must be an integer >= 2"),
        ({"confounding": -1.0}, ValueError, "`confounding` must be a number >= 0"),
        ({"cost_effect": 0.0}, ValueError, "`cost_effect` must be a number > 0"),
        ({"elasticity": float("nan")}, ValueError, "`elasticity` must be a finite number"),
        ({"elasticity": True}, TypeError, "`elasticity` must be a real number"),
    ],
)
def test_pricing_rejects_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        simulate_pricing(**kwargs)


def test_impact_counterfactual_and_effect(rng):
    sim = simulate_impact(rng=rng)
    assert isinstance(sim, ImpactSimulation)
    np.testing.assert_allclose(sim.data["y"].to_numpy() - sim.y0, sim.effect, atol=1e-12)
    ramp = 5.0 * (1 - np.exp(-(np.arange(28) + 1) / 5))
    assert sim.cumulative_effect == pytest.approx(ramp.sum(), rel=1e-12)
    assert np.all(sim.effect[: sim.n_pre] == 0)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_pre": 7}, "`n_pre` must be an integer >= 14"),
        ({"n_post": 0}, "`n_post` must be an integer >= 1"),
        ({"level_sd": -0.1}, "`level_sd` must be a number >= 0"),
    ],
)
def test_impact_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        simulate_impact(**kwargs)


def test_synthetic_control_simulation_truth(rng):
    sim = simulate_synthetic_control(rng=rng)
    assert isinstance(sim, SyntheticControlSimulation)
    np.testing.assert_allclose(sim.data["treated"] - sim.y0, sim.effect, atol=1e-12)
    assert sim.att == pytest.approx(sim.effect[sim.n_pre :].mean())
    assert np.all(sim.weights >= 0) and sim.weights.sum() == pytest.approx(1.0)
    # the treated series is close to the true combination of donors (noise of both, sd ~1.1)
    gap = sim.y0 - sim.data.drop(columns="treated").to_numpy() @ sim.weights
    assert np.std(gap) < 2.0


def test_synthetic_control_simulation_rejects_bad_arguments():
    with pytest.raises(ValueError, match="`n_donors` must be an integer >= 3"):
        simulate_synthetic_control(n_donors=2)
    with pytest.raises(ValueError, match="`n_pre` must be an integer >= 4"):
        simulate_synthetic_control(n_pre=3)


def test_rollout_potential_outcomes_and_att(rng):
    sim = simulate_rollout(rng=rng)
    assert isinstance(sim, RolloutSimulation)
    d = sim.data
    np.testing.assert_allclose(d["y"], np.where(d["treated"] == 1, d["y1"], d["y0"]), atol=1e-12)
    treated = d[d["treated"] == 1]
    expected = rollout_effect(treated["event_time"].to_numpy()).mean()
    assert sim.att == pytest.approx(expected, rel=1e-12)
    assert (d.loc[d["cohort"] < 0, "treated"] == 0).all()
    # adoption order follows growth: earlier cohorts grow faster on average
    by_cohort = pd.Series(sim.growth).groupby(d.groupby("market")["cohort"].first()).mean()
    assert by_cohort[12] > by_cohort[20] > by_cohort[28] > by_cohort[-1]


def test_rollout_twfe_is_biased_upwards(rng):
    # the notebook's claim: with adoption order following growth, TWFE overstates the ATT
    for _ in range(5):
        sim = simulate_rollout(rng=rng)
        est, se = twfe_estimate(sim.data)
        assert est - 2 * se > sim.att


def test_rollout_effect_values_and_errors():
    np.testing.assert_allclose(rollout_effect([-5, 0, 2]), [0, 0.1 * (1 - np.exp(-1 / 3)),
                               0.1 * (1 - np.exp(-1))], rtol=1e-12)  # fmt: skip
    with pytest.raises(ValueError, match="`max_effect` must be a finite number"):
        rollout_effect([0], max_effect=float("inf"))


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n_per_cohort": 0}, ValueError, "`n_per_cohort` must be an integer >= 1"),
        ({"adoption_weeks": ()}, ValueError, "`adoption_weeks` must be an array of at least 1"),
        ({"adoption_weeks": (20, 12)}, ValueError, "must increase"),
        ({"adoption_weeks": (12, 40)}, ValueError, "below n_weeks=40"),
        ({"adoption_weeks": (1,)}, ValueError, "`adoption_weeks` must be an integer >= 2"),
    ],
)
def test_rollout_rejects_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        simulate_rollout(**kwargs)
