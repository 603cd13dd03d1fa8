"""Tests of helpers.causal_refutation."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.causal_refutation import (
    confounder_bias,
    data_subset,
    flip_strength,
    placebo_treatment,
    robustness_value,
    sensitivity_sweep,
    unobserved_common_cause,
)
from tests.test_causal_estimators import _linear_data


@settings(max_examples=50, deadline=None)
@given(
    r=st.floats(0, 0.95),
    r2=st.floats(0, 0.95),
    sy=st.floats(0.1, 10),
    sx=st.floats(0.1, 10),
)
def test_bias_properties(r, r2, sy, sx):
    b = confounder_bias(r, r2, sd_outcome_resid=sy, sd_treatment_resid=sx)
    assert np.isfinite(b) and b >= 0
    assert confounder_bias(min(r + 0.04, 0.99), r2, sd_outcome_resid=sy, sd_treatment_resid=sx) >= b
    # doubling sd_outcome_resid doubles the bias exactly; default rel=1e-6 only absorbs rounding
    assert confounder_bias(r, r2, sd_outcome_resid=2 * sy, sd_treatment_resid=sx) == pytest.approx(
        2 * b
    )


@settings(max_examples=30, deadline=None)
@given(estimate=st.floats(0.01, 5), sy=st.floats(0.1, 5), sx=st.floats(0.1, 5))
def test_robustness_value_zeroes_the_estimate(estimate, sy, sx):
    r = robustness_value(estimate, sd_outcome_resid=sy, sd_treatment_resid=sx)
    assert 0 < r < 1
    # With f = estimate sx / sy, r = (sqrt(f^4 + 4 f^2) - f^2) / 2 subtracts two numbers of size
    # f^2, losing ~eps f^2 absolutely; near r = 1 the bias ~ (1 - r)^(-1/2), with 1 - r ~ 1/f^2,
    # magnifies that by f^2 / 2. So the round trip is exact to about eps (few + f^4 / 2):
    # eps (8 + f^4) bounds it (up to 8e-7 at f = 250, 2e-15 at f = 1).
    f = estimate * sx / sy
    tol = np.finfo(float).eps * (8 + f**4)
    assert confounder_bias(r, r, sd_outcome_resid=sy, sd_treatment_resid=sx) == pytest.approx(
        estimate, rel=tol
    )


def test_sweep_and_flip(rng):
    draws = rng.normal(0.5, 0.07, size=4000)
    table = sensitivity_sweep(
        draws, np.linspace(0, 0.5, 11), sd_outcome_resid=1.0, sd_treatment_resid=0.8
    )
    assert list(table.columns) == ["strength", "bias", "mean", "low", "high"]
    assert np.all(np.diff(table["mean"]) < 0) and np.all(table["low"] <= table["high"])
    kw = {"sd_outcome_resid": 1.0, "sd_treatment_resid": 0.8}
    low, mean = flip_strength(draws, column="low", **kw), flip_strength(draws, column="mean", **kw)
    assert 0 < low < mean < 1
    # flip_strength bisects until the bracket is narrower than its tol=1e-10 and returns the
    # midpoint, so it is within 5e-11 of the exact root, robustness_value (f = 0.4 here, so
    # rounding in either is ~1e-16)
    assert mean == pytest.approx(robustness_value(draws.mean(), **kw), abs=1e-10)
    assert flip_strength(-draws, **kw) == 0.0


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: confounder_bias(1.0, 0.1, sd_outcome_resid=1.0, sd_treatment_resid=1.0),
            r"`r2_outcome` must be a partial R\^2 in \[0, 1\)",
        ),
        (
            lambda: confounder_bias(0.1, -0.1, sd_outcome_resid=1.0, sd_treatment_resid=1.0),
            "`r2_treatment` must be an array of numbers >= 0",
        ),
        (
            lambda: confounder_bias(0.1, 0.1, sd_outcome_resid=0.0, sd_treatment_resid=1.0),
            "`sd_outcome_resid` must be",
        ),
        (
            lambda: sensitivity_sweep([1.0], [0.1], sd_outcome_resid=1.0, sd_treatment_resid=1.0),
            "`effect_draws` must be an array of at least 2 values",
        ),
        (
            lambda: sensitivity_sweep(
                [1.0, 2.0], [0.1], sd_outcome_resid=1.0, sd_treatment_resid=1.0, ci_prob=1.0
            ),
            "`ci_prob` must be a probability strictly between",
        ),
        (
            lambda: sensitivity_sweep(
                [1.0, 2.0], [1.5], sd_outcome_resid=1.0, sd_treatment_resid=1.0
            ),
            r"`strengths` must be a partial R\^2 in \[0, 1\)",
        ),
        (
            lambda: flip_strength(
                [1.0, 2.0], sd_outcome_resid=1.0, sd_treatment_resid=1.0, column="high"
            ),
            "`column` must be",
        ),
        (
            lambda: robustness_value(float("nan"), sd_outcome_resid=1.0, sd_treatment_resid=1.0),
            "`estimate` must be a finite",
        ),
    ],
)
def test_sensitivity_rejects_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_data_subset_spread_follows_sampling_theory(rng):
    y, t, z = _linear_data(rng, n=1000)
    design = np.column_stack([np.ones(len(y)), t, z])
    resid = y - design @ np.linalg.lstsq(design, y, rcond=None)[0]
    se = np.sqrt(resid @ resid / (len(y) - 3) * np.linalg.inv(design.T @ design)[1, 1])
    est = data_subset(y, t, z, fraction=0.5, n_draws=400, rng=3)
    # 4 Monte Carlo SEs of an SD from 400 draws is about 14%
    assert est.std() == pytest.approx(se * np.sqrt(0.5 / 0.5), rel=0.15)


def test_data_subset_validation(rng):
    y, t, z = _linear_data(rng, n=50)
    for bad in (0.0, 1.0, 1.5):
        with pytest.raises(
            ValueError, match="`fraction` must be a number strictly between 0 and 1; got"
        ):
            data_subset(y, t, z, fraction=bad)
    with pytest.raises(ValueError, match="`n_draws` must be an integer >= 1"):
        data_subset(y, t, z, n_draws=0)


def test_unobserved_common_cause_validation(rng):
    y, t, z = _linear_data(rng, n=50)
    with pytest.raises(TypeError, match="`effect_on_treatment` must be a real number"):
        unobserved_common_cause(y, t, z, effect_on_treatment="x", effect_on_outcome=1.0)


def test_refuters_accept_a_custom_estimator(rng):
    y, t, z = _linear_data(rng, n=60)

    def difference_in_means(y, t, x):
        return float(y[t > np.median(t)].mean() - y[t <= np.median(t)].mean())

    out = placebo_treatment(y, t, z, estimator=difference_in_means, n_draws=4, rng=0)
    assert out.shape == (4,)
