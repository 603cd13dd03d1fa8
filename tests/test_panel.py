"""Tests of helpers.panel."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.panel import (
    rmspe_ratio,
    rollout_effect,
    simulate_rollout,
    simulate_synthetic_control,
    synthetic_control_weights,
    twfe_estimate,
)
from helpers.simulation import Simulation


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


def test_synthetic_control_simulation_truth(rng):
    sim = simulate_synthetic_control(rng=rng)
    assert isinstance(sim, Simulation)
    np.testing.assert_allclose(sim.data["treated"] - sim.truth.y0, sim.truth.effect, atol=1e-12)
    assert sim.truth.att == pytest.approx(sim.truth.effect[sim.truth.n_pre :].mean())
    assert np.all(sim.truth.weights >= 0) and sim.truth.weights.sum() == pytest.approx(1.0)
    # the treated series is close to the true combination of donors (noise of both, sd ~1.1)
    gap = sim.truth.y0 - sim.data.drop(columns="treated").to_numpy() @ sim.truth.weights
    assert np.std(gap) < 2.0


def test_synthetic_control_simulation_rejects_bad_arguments():
    with pytest.raises(ValueError, match="`n_donors` must be an integer >= 3"):
        simulate_synthetic_control(n_donors=2)
    with pytest.raises(ValueError, match="`n_pre` must be an integer >= 4"):
        simulate_synthetic_control(n_pre=3)


def test_rollout_potential_outcomes_and_att(rng):
    sim = simulate_rollout(rng=rng)
    assert isinstance(sim, Simulation)
    d = sim.data
    np.testing.assert_allclose(
        d["y"], np.where(d["treated"] == 1, sim.truth.y1, sim.truth.y0), atol=1e-12
    )
    treated = d[d["treated"] == 1]
    expected = rollout_effect(treated["event_time"].to_numpy()).mean()
    assert sim.truth.att == pytest.approx(expected, rel=1e-12)
    assert (d.loc[d["cohort"] < 0, "treated"] == 0).all()
    # adoption order follows growth: earlier cohorts grow faster on average
    by_cohort = pd.Series(sim.truth.growth).groupby(d.groupby("market")["cohort"].first()).mean()
    assert by_cohort[12] > by_cohort[20] > by_cohort[28] > by_cohort[-1]


def test_rollout_twfe_is_biased_upwards(rng):
    # the notebook's claim: with adoption order following growth, TWFE overstates the ATT
    for _ in range(5):
        sim = simulate_rollout(rng=rng)
        est, se = twfe_estimate(sim.data)
        assert est - 2 * se > sim.truth.att


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
