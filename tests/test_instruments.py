"""Tests of helpers.instruments."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.instruments import (
    first_stage_f,
    simulate_iv,
    simulate_pricing,
    two_stage_least_squares,
)
from helpers.simulation import Simulation
from tests.test_causal import _ols, _ols_slope_se


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


def test_pricing_without_confounding_has_no_bias(rng):
    sim = simulate_pricing(confounding=0.0, rng=rng)
    assert sim.truth.naive_limit == sim.truth.elasticity


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


def test_simulate_iv_shapes_and_truth():
    sim = simulate_iv(100, effect=0.3, strength=1.5, direct=0.3, rng=0)
    assert isinstance(sim, Simulation)
    assert list(sim.data.columns) == ["region", "ads", "sales"]
    assert set(np.unique(sim.data["region"])) <= {0, 1}
    assert sim.truth.iv_limit == pytest.approx(0.5)  # 0.3 + 0.3 / 1.5: exact up to rounding


@pytest.mark.parametrize("direct", [0.0, 0.6])
def test_wald_estimate_converges_to_iv_limit(direct, rng):
    n = 100_000
    sim = simulate_iv(n, strength=2.0, direct=direct, rng=rng)
    r, x, y = (sim.data[c].to_numpy(float) for c in ("region", "ads", "sales"))
    cov = np.cov(np.stack([r, x, y]))
    wald = cov[0, 2] / cov[0, 1]
    # The Wald estimator's standard error is sd(u) sd(R) / (sqrt(n) |Cov(R, X)|) with u the
    # residual y - wald * x (sd(u) = 1.7, sd(R) = 0.5, Cov(R, X) = 0.5: about 0.0054); allow 4.
    resid = y - wald * x
    se = resid.std(ddof=1) * r.std(ddof=1) / (np.sqrt(n) * abs(cov[0, 1]))
    assert wald == pytest.approx(sim.truth.iv_limit, abs=4 * se)
    # The hidden confounder (and a direct effect) inflate the naive slope to
    # effect + (1.5 Var(U) + direct Cov(R, X)) / Var(X), with Var(X) = 4 / 4 + 1 + 0.36 = 2.36
    # and Cov(R, X) = 2 / 4; 4 OLS standard errors around it.
    naive = sim.truth.effect + (1.5 + direct * 0.5) / 2.36
    assert _ols(y, x)[0][1] == pytest.approx(naive, abs=4 * _ols_slope_se(y, x))


def test_simulate_iv_seed_contract():
    a = simulate_iv(30, rng=5).data
    b = simulate_iv(30, rng=np.random.default_rng(5)).data
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"n": 1}, ValueError, "`n` must be >= 2"),
        ({"n": 2.5}, TypeError, "`n` must be an integer"),
        ({"n": 10, "strength": 0.0}, ValueError, "`strength` must be non-zero"),
        ({"n": 10, "effect": "x"}, TypeError, "`effect` must be a real number"),
    ],
)
def test_simulate_iv_rejects_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        simulate_iv(**kwargs, rng=0)


def test_first_stage_f_equals_t_squared_and_r2_form(rng):
    region = rng.integers(0, 2, 300).astype(float)
    ads = 3.0 + 0.5 * region + rng.standard_normal(300)
    f = first_stage_f(ads, region)
    r2 = np.corrcoef(region, ads)[0, 1] ** 2
    assert f == pytest.approx(r2 / (1 - r2) * 298, rel=1e-10)
    design = np.column_stack([np.ones(300), region])
    coef, rss = np.linalg.lstsq(design, ads, rcond=None)[:2]
    se = np.sqrt(rss[0] / 298 * np.linalg.inv(design.T @ design)[1, 1])
    assert f == pytest.approx((coef[1] / se) ** 2, rel=1e-10)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000), st.integers(5, 200))
def test_first_stage_f_is_non_negative(seed, n):
    g = np.random.default_rng(seed)
    instrument = g.standard_normal(n)
    assert first_stage_f(g.standard_normal(n), instrument) >= 0


def test_first_stage_f_validation():
    with pytest.raises(ValueError, match="`treatment` must be an array of at least 3 values"):
        first_stage_f([1.0, 2.0], [0.0, 1.0])
    with pytest.raises(ValueError, match=r"`instrument` must be an array of shape \(3,\)"):
        first_stage_f([1.0, 2.0, 3.0], [0.0, 1.0])
    with pytest.raises(ValueError, match="`instrument` must be a non-constant array"):
        first_stage_f([1.0, 2.0, 3.0], [1.0, 1.0, 1.0])
