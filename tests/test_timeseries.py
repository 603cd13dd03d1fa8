import numpy as np
import pytest

from helpers.instruments import simulate_pricing, two_stage_least_squares
from helpers.simulation import Simulation
from helpers.timeseries import fourier_features, ols, simulate_impact

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


# ---------------------------------------------------------------- TWFE


# ---------------------------------------------------------------- synthetic control


# ---------------------------------------------------------------- simulators


def test_pricing_truth_and_bias_formula(rng):
    sim = simulate_pricing(n_days=280, rng=rng)
    assert isinstance(sim, Simulation)
    assert sim.truth.elasticity == -1.2
    # default coefficients: bias = (0.25*0.15 + 0.2*0.1) / (0.15^2 + 0.15^2 + 0.1^2 + 0.05^2) = 1
    assert sim.truth.naive_limit == pytest.approx(-0.2, abs=1e-12)
    d = sim.data
    hour = d["hour"].to_numpy()
    f = np.column_stack([fourier_features(hour, 24, 2), fourier_features(hour, 168, 1)])
    naive = ols(d["log_rides"], np.column_stack([np.ones(len(d)), d["log_price"], f]))[0][1]
    # 6,720 hours of autocorrelated confounders: the naive slope's sampling sd is about 0.03
    # (simulated over seeds); 0.15 is five of them
    assert naive == pytest.approx(sim.truth.naive_limit, abs=0.15)
    est, se = two_stage_least_squares(d["log_rides"], d["log_price"], d["cost_shock"], f)
    assert abs(est - sim.truth.elasticity) < 4 * se


def test_impact_counterfactual_and_effect(rng):
    sim = simulate_impact(rng=rng)
    assert isinstance(sim, Simulation)
    np.testing.assert_allclose(
        sim.data["y"].to_numpy() - sim.truth.y0, sim.truth.effect, atol=1e-12
    )
    ramp = 5.0 * (1 - np.exp(-(np.arange(28) + 1) / 5))
    assert sim.truth.cumulative_effect == pytest.approx(ramp.sum(), rel=1e-12)
    assert np.all(sim.truth.effect[: sim.truth.n_pre] == 0)


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
