import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import integrate, stats

from helpers.probability import (
    beta_posterior,
    grid_interval,
    grid_posterior,
    mc_estimate,
    positive_predictive_value,
)


def test_mc_estimate_matches_formula(rng):
    draws = rng.normal(3.0, 2.0, size=10_000)
    est = mc_estimate(draws)
    assert est.mean == pytest.approx(draws.mean())
    assert est.se == pytest.approx(draws.std(ddof=1) / 100)
    assert est.interval()[0] < est.mean < est.interval()[1]


def test_mc_estimate_interval_covers_truth_at_the_nominal_rate(rng):
    covered = np.mean(
        [
            (lambda e: e.interval()[0] <= 2.0 <= e.interval()[1])(
                mc_estimate(rng.exponential(2.0, size=400))
            )
            for _ in range(400)
        ]
    )
    assert 0.90 <= covered <= 0.98


@pytest.mark.parametrize(
    ("values", "message"),
    [([[1.0, 2.0]], "must be 1-D"), ([1.0], "at least 2 draws"), ([1.0, np.inf], "must be finite")],
)
def test_mc_estimate_rejects_bad_input(values, message):
    with pytest.raises(ValueError, match=message):
        mc_estimate(values)


def test_ppv_known_value_and_by_simulation(rng):
    assert positive_predictive_value(0.01, 0.95, 0.95) == pytest.approx(0.0095 / 0.059)
    n = 400_000
    sick = rng.random(n) < 0.1
    pos = np.where(sick, rng.random(n) < 0.8, rng.random(n) < 0.1)
    assert sick[pos].mean() == pytest.approx(positive_predictive_value(0.1, 0.8, 0.9), abs=0.01)


@pytest.mark.parametrize("name", ["prevalence", "sensitivity", "specificity"])
def test_ppv_rejects_non_probabilities(name):
    kwargs = {"prevalence": 0.1, "sensitivity": 0.9, "specificity": 0.9, name: 1.2}
    with pytest.raises(ValueError, match=f"`{name}` must be a probability in \\[0, 1\\]; got 1.2"):
        positive_predictive_value(**kwargs)


def test_ppv_impossible_positive():
    with pytest.raises(ValueError, match="P\\(\\+\\) = 0"):
        positive_predictive_value(0.0, 0.9, 1.0)


@given(st.floats(0.001, 0.999), st.floats(0.01, 1), st.floats(0.01, 0.99))
def test_ppv_is_a_probability_and_grows_with_prevalence(prev, sens, spec):
    ppv = positive_predictive_value(prev, sens, spec)
    assert 0 <= ppv <= 1
    assert positive_predictive_value(min(prev * 1.5, 1.0), sens, spec) >= ppv - 1e-12


def test_beta_posterior_is_conjugate():
    post = beta_posterior(7, 40, a=2, b=3)
    assert post.args == (9, 36)


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "message"),
    [
        ((5, 3), {}, ValueError, "`successes` must be <= `trials`; got successes=5, trials=3"),
        ((-1, 3), {}, ValueError, "`successes` must be a non-negative integer"),
        ((1.5, 3), {}, TypeError, "`successes` must be an integer count"),
        ((1, 3), {"a": 0}, ValueError, "`a` must be a finite number > 0"),
        ((1, 3), {"b": -2}, ValueError, "`b` must be a finite number > 0"),
    ],
)
def test_beta_posterior_validation(args, kwargs, error, message):
    with pytest.raises(error, match=message):
        beta_posterior(*args, **kwargs)


@given(st.integers(0, 60), st.integers(0, 60), st.floats(1, 5), st.floats(1, 5))
def test_grid_matches_conjugate(s, extra, a, b):
    n = s + extra
    grid, dens = grid_posterior(
        s, n, prior=lambda t: stats.beta(a, b).pdf(np.clip(t, 1e-9, 1 - 1e-9)), grid_size=4001
    )
    exact = beta_posterior(s, n, a=a, b=b)
    assert np.trapezoid(grid * dens, grid) == pytest.approx(exact.mean(), abs=2e-3)


def test_grid_posterior_integrates_to_one():
    grid, dens = grid_posterior(3, 10)
    assert integrate.trapezoid(dens, grid) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"grid_size": 2}, ValueError, "`grid_size` must be at least 3"),
        ({"prior": 3}, TypeError, "`prior` must be a callable"),
        ({"prior": lambda t: -t}, ValueError, "`prior` must return a non-negative value"),
        ({"prior": lambda t: np.zeros_like(t)}, ValueError, "not all zero"),
    ],
)
def test_grid_posterior_validation(kwargs, error, message):
    with pytest.raises(error, match=message):
        grid_posterior(3, 10, **kwargs)


def test_grid_interval_matches_beta_quantiles():
    grid, dens = grid_posterior(7, 40, grid_size=4001)
    low, high = grid_interval(grid, dens, 0.9)
    assert (low, high) == pytest.approx(tuple(stats.beta(8, 34).ppf([0.05, 0.95])), abs=1e-3)


@pytest.mark.parametrize(
    ("grid", "density", "mass", "message"),
    [
        ([0, 1], [1, 1], 0.9, "same length >= 3"),
        ([0, 2, 1], [1, 1, 1], 0.9, "strictly increasing"),
        ([0, 1, 2], [1, -1, 1], 0.9, "non-negative"),
        ([0, 1, 2], [1, 1, 1], 1.0, "`mass` must be in \\(0, 1\\)"),
    ],
)
def test_grid_interval_validation(grid, density, mass, message):
    with pytest.raises(ValueError, match=message):
        grid_interval(grid, density, mass)
