"""Tests of helpers.segments."""

import numpy as np
import pandas as pd
import pytest

from helpers.segments import segment_log_odds, separate_lift_draws, simulate_segments


# --- segments -----------------------------------------------------------------------------
def test_simulate_segments_shapes_and_truth():
    exp = simulate_segments(
        [5000, 500, 50], lift_mean=0.2, lift_sd=0.0, names=["a", "b", "c"], rng=3
    )
    assert exp.data.index.tolist() == ["a", "b", "c"]
    assert exp.data["users_treatment"].tolist() == [5000, 500, 50]
    assert np.allclose(exp.truth.lift, 0.2)
    assert np.all((exp.truth.baseline >= 0.04) & (exp.truth.baseline <= 0.12))
    assert np.all(exp.data["conversions_control"] <= exp.data["users_control"])
    assert (exp.truth.lift_mean, exp.truth.lift_sd) == (0.2, 0.0)


def test_simulate_segments_recovers_rates_in_a_huge_segment():
    exp = simulate_segments([2_000_000, 10], lift_mean=0.3, lift_sd=0.0, rng=0)
    row = exp.data.iloc[0]
    observed = np.log(row.conversions_treatment / (row.users_treatment - row.conversions_treatment))
    observed -= np.log(row.conversions_control / (row.users_control - row.conversions_control))
    assert observed == pytest.approx(0.3, abs=0.03)


def test_simulate_segments_seed_contract():
    a = simulate_segments([100, 200, 300], rng=7)
    b = simulate_segments([100, 200, 300], rng=np.random.default_rng(7))
    pd.testing.assert_frame_equal(a.data, b.data)
    assert np.array_equal(a.truth.lift, b.truth.lift)
    c = simulate_segments([100, 200, 300], rng=8)
    assert not np.array_equal(a.truth.lift, c.truth.lift)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"users": [1.5, 2]}, TypeError, "`users` must be an array of"),
        ({"users": "ab"}, TypeError, "`users` must be an array of"),
        ({"users": [10]}, ValueError, "`users` must be a list of at least two segment sizes"),
        ({"users": [10, 0]}, ValueError, "`users` must be segment sizes >= 1"),
        ({"users": [10, 10], "lift_sd": -0.1}, ValueError, "`lift_sd` must be a number >= 0"),
        ({"users": [10, 10], "lift_mean": np.inf}, ValueError, "`lift_mean` must be a finite"),
        ({"users": [10, 10], "baseline_range": (0.2, 0.1)}, ValueError, "`baseline_range`"),
        ({"users": [10, 10], "names": ["a"]}, ValueError, "`names` must have one name"),
    ],
)
def test_simulate_segments_rejects_bad_input(kwargs, error, message):
    with pytest.raises(error, match=message):
        simulate_segments(**kwargs, rng=0)


def test_separate_lift_draws_match_the_conjugate_posterior(rng):
    data = pd.DataFrame(
        {
            "users_control": [1000],
            "conversions_control": [100],
            "users_treatment": [1000],
            "conversions_treatment": [150],
        }
    )
    draws = separate_lift_draws(data, n_draws=50_000, rng=rng)[:, 0]
    # delta method: var(logit p) ~ 1 / (n p (1 - p)) for each Beta(1 + y, 1 + n - y) posterior
    expected_sd = np.sqrt(
        1 / (1002 * (101 / 1002) * (901 / 1002)) + 1 / (1002 * (151 / 1002) * (851 / 1002))
    )
    assert draws.mean() == pytest.approx(np.log(151 / 851) - np.log(101 / 901), abs=0.01)
    assert draws.std() == pytest.approx(expected_sd, rel=0.03)


def test_separate_lift_draws_seed_contract():
    data = simulate_segments([100, 100], rng=1).data
    assert np.array_equal(
        separate_lift_draws(data, n_draws=10, rng=5), separate_lift_draws(data, n_draws=10, rng=5)
    )


def test_separate_lift_draws_rejects_bad_input():
    data = simulate_segments([100, 100], rng=1).data
    with pytest.raises(TypeError, match="`data` must be a pandas DataFrame"):
        separate_lift_draws(data.to_numpy(), n_draws=10)
    with pytest.raises(ValueError, match="missing \\['users_control'\\]"):
        separate_lift_draws(data.drop(columns="users_control"), n_draws=10)
    with pytest.raises(ValueError, match="`n_draws` must be an integer >= 1"):
        separate_lift_draws(data, n_draws=0)
    with pytest.raises(ValueError, match="`a` must be a number > 0"):
        separate_lift_draws(data, n_draws=10, a=-1.0)
    bad = data.assign(conversions_treatment=data["users_treatment"] + 1)
    with pytest.raises(ValueError, match="0 <= conversions_treatment <= users_treatment"):
        separate_lift_draws(bad, n_draws=10)


def _table(**overrides):
    base = {
        "users_control": [1000, 500],
        "conversions_control": [100, 40],
        "users_treatment": [1000, 500],
        "conversions_treatment": [120, 50],
    }
    base.update(overrides)
    return pd.DataFrame(base, index=["a", "b"])


def test_segment_log_odds_matches_statsmodels():
    from statsmodels.stats.contingency_tables import Table2x2

    out = segment_log_odds(_table())
    assert list(out.index) == ["a", "b"]
    for name, treated, control, users in (("a", 120, 100, 1000), ("b", 50, 40, 500)):
        # rows: treatment, control; columns: converted, not converted
        table = Table2x2(np.array([[treated, users - treated], [control, users - control]]))
        # both are closed forms in a few logs and divisions: they agree to rounding (~1e-15);
        # rel=1e-12 leaves a wide margin for it and nothing for a wrong formula
        assert out.loc[name, "estimate"] == pytest.approx(table.log_oddsratio, rel=1e-12)
        assert out.loc[name, "se"] == pytest.approx(table.log_oddsratio_se, rel=1e-12)


def test_segment_log_odds_covers_truth_in_simulation(rng):
    exp = simulate_segments([20000] * 40, lift_mean=0.1, lift_sd=0.1, rng=rng)
    out = segment_log_odds(exp.data)
    z = (out["estimate"] - exp.truth.lift) / out["se"]
    assert 0.85 < np.mean(np.abs(z) < 1.96) <= 1.0  # about 95% coverage


def test_segment_log_odds_errors():
    with pytest.raises(TypeError, match="`data` must be a pandas DataFrame"):
        segment_log_odds([1, 2])
    with pytest.raises(ValueError, match="missing \\['users_control'\\]"):
        segment_log_odds(_table().drop(columns="users_control"))
    with pytest.raises(ValueError, match="0 < conversions_treatment < users_treatment"):
        segment_log_odds(_table(conversions_treatment=[0, 50]))
