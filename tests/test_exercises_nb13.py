import numpy as np
import pytest

from helpers import check
from helpers.exercises import exercise_ids
from helpers.instruments import simulate_pricing
from helpers.panel import simulate_rollout, simulate_synthetic_control, synthetic_control_weights
from helpers.timeseries import fourier_features, ols
from tests.test_exercises import assert_expected_is_right, assert_teaches


def test_ids():
    assert exercise_ids("13") == ["13-1", "13-2", "13-3", "13-4"]


def test_13_1_iv_by_hand():
    pricing = simulate_pricing(rng=1)
    d = pricing.data
    f = np.column_stack(
        [np.ones(len(d)), fourier_features(d["hour"], 24, 2), fourier_features(d["hour"], 168, 1)]
    )

    def resid(v):
        v = np.asarray(v, dtype=float)
        return v - f @ np.linalg.lstsq(f, v, rcond=None)[0]

    p, q, z = resid(d["log_price"]), resid(d["log_rides"]), resid(d["cost_shock"])
    check.exercise("13-1", (z @ q) / (z @ p), pricing=pricing)
    naive = ols(d["log_rides"], np.column_stack([f, d["log_price"]]))[0][-1]
    assert "2SLS" in assert_teaches("13-1", naive, pricing=pricing)
    expected = assert_expected_is_right("13-1", wrong=naive, pricing=pricing)
    assert expected == pytest.approx((z @ q) / (z @ p), abs=1e-8)
    with pytest.raises(TypeError, match="from simulate_pricing"):
        check.exercise("13-1", -1.2, pricing=d)
    with pytest.raises(check.AnswerMalformed, match="expects one number"):
        check.exercise("13-1", [1.0, 2.0], pricing=pricing)


def test_13_2_lift_probability(rng):
    n_pre, n = 10, 14
    rides = np.r_[np.full(n_pre, 40.0), np.full(n - n_pre, 44.0)]
    y0_draws = rng.normal(40.0, 1.0, size=(2000, n))
    cumulative = (rides[n_pre:] - y0_draws[:, n_pre:]).sum(axis=1)
    answer = np.mean(cumulative / y0_draws[:, n_pre:].sum(axis=1) > 0.10)
    context = {"rides": rides, "y0_draws": y0_draws, "n_pre": n_pre}
    check.exercise("13-2", answer, **context)
    wrong = np.mean(cumulative > 0)  # P(effect > 0) instead
    assert "lift" in assert_teaches("13-2", wrong, **context)
    assert assert_expected_is_right("13-2", wrong=wrong, **context) == answer
    with pytest.raises(ValueError, match="one column per day"):
        check.exercise("13-2", answer, rides=rides, y0_draws=y0_draws[:, :5], n_pre=n_pre)


def test_13_3_placebo_gap():
    sim = simulate_synthetic_control(rng=2)
    treated = sim.data["treated"].to_numpy()
    donors = sim.data.drop(columns="treated").to_numpy()
    w = synthetic_control_weights(treated[:40], donors[:40])
    answer = (treated - donors @ w)[40:52].mean()
    check.exercise("13-3", answer, treated=treated, donors=donors)
    # weights fitted on the whole pre-period answer another question
    w52 = synthetic_control_weights(treated[:52], donors[:52])
    off = (treated - donors @ w52)[52:].mean()  # the real effect, not a placebo
    assert "placebo gap" in assert_teaches("13-3", off, treated=treated, donors=donors)
    expected = assert_expected_is_right("13-3", wrong=off, treated=treated, donors=donors)
    assert expected == pytest.approx(answer, abs=0.05)
    with pytest.raises(ValueError, match="52 weeks"):
        check.exercise("13-3", answer, treated=treated[:30], donors=donors[:30])


def test_13_4_twfe_by_hand():
    panel = simulate_rollout(rng=3).data

    def demean(column):
        v = panel[column]
        return (
            v
            - panel.groupby("market")[column].transform("mean")
            - panel.groupby("week")[column].transform("mean")
            + v.mean()
        ).to_numpy()

    y, d = demean("y"), demean("treated")
    check.exercise("13-4", (d @ y) / (d @ d), panel=panel)
    assert "TWFE" in assert_teaches("13-4", simulate_rollout(rng=3).truth.att, panel=panel)
    expected = assert_expected_is_right(
        "13-4", wrong=simulate_rollout(rng=3).truth.att, panel=panel
    )
    assert expected == pytest.approx((d @ y) / (d @ d), abs=1e-8)
    with pytest.raises(TypeError, match="DataFrame"):
        check.exercise("13-4", 0.2, panel=panel.to_numpy())
