"""Tests of helpers.montecarlo: Monte Carlo estimates, their standard errors and draws matrices."""

import arviz as az
import numpy as np
import pytest
from scipy import stats

from helpers.montecarlo import (
    MCEstimate,
    ProbabilityEstimate,
    draws_matrix,
    mc_estimate,
    moments_with_mcse,
    probability_estimate,
)


def test_mc_estimate_matches_the_generating_distribution(rng):
    # N(3, 2) draws: the true mean is 3 and the true standard error of a mean of n draws is
    # sigma / sqrt(n) = 2 / 100, whatever formula mc_estimate uses internally.
    n, mu, sigma = 10_000, 3.0, 2.0
    est = mc_estimate(rng.normal(mu, sigma, size=n))
    true_se = sigma / np.sqrt(n)
    assert est.n_draws == n
    # 4 standard errors of a Monte Carlo mean with n draws: 4 * sigma / sqrt(n) = 0.08
    assert abs(est.mean - mu) < 4 * true_se
    # se is sd_hat / sqrt(n); for Normal draws sd_hat has relative standard error
    # 1 / sqrt(2 (n - 1)) (0.7% here), so se must match sigma / sqrt(n) within 4 of those (2.8%).
    # A missing sqrt(n), a variance for an sd or a 1/n scaling would all be off by far more.
    rel_sd_error = 1 / np.sqrt(2 * (n - 1))
    assert est.se == pytest.approx(true_se, rel=4 * rel_sd_error)
    low, high = est.interval()
    assert high - low == pytest.approx(2 * 1.96 * true_se, rel=4 * rel_sd_error)


def test_mc_estimate_interval_covers_truth_at_the_nominal_rate(rng):
    reps = 400
    covered = np.mean(
        [
            (lambda e: e.interval()[0] <= 2.0 <= e.interval()[1])(
                mc_estimate(rng.exponential(2.0, size=400))
            )
            for _ in range(reps)
        ]
    )
    # The coverage of `reps` independent intervals is a Binomial share with standard error
    # sqrt(0.95 * 0.05 / reps) = 0.011; allow 4 of them around the nominal 95% (the skewness of
    # the exponential moves a two-sided interval's coverage only by O(1/n) = O(0.0025)).
    assert abs(covered - 0.95) <= 4 * np.sqrt(0.95 * 0.05 / reps)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ([[1.0, 2.0]], r"`values` must be a 1\-D array"),
        ([1.0], "`values` must be an array of at least 2 values"),
        ([1.0, np.inf], "`values` must be an array of finite numbers"),
    ],
)
def test_mc_estimate_rejects_bad_input(values, message):
    with pytest.raises(ValueError, match=message):
        mc_estimate(values)


def test_moments_with_mcse_iid_and_chains(rng):
    x = rng.normal(size=(4, 2000, 2))
    mean, mean_se, cov, cov_se = moments_with_mcse(x, [0.0, 0.0])
    np.testing.assert_allclose(mean_se, 1 / np.sqrt(8000), rtol=0.15)
    np.testing.assert_allclose(cov_se[0, 0], np.sqrt(2 / 8000), rtol=0.15)
    assert np.all(np.abs(cov - np.eye(2)) < 4 * cov_se)


@pytest.mark.parametrize(
    ("draws", "center", "message"),
    [
        (
            np.zeros((3, 2)),
            [0.0, 0.0],
            r"`draws` must be of shape \(n >= 4, d\) or \(chains, n >= 4, d\)",
        ),
        (np.full((10, 2), np.nan), [0.0, 0.0], "`draws` must be an array without NaN"),
        (np.zeros((10, 2)), [0.0], r"`center` must be an array of shape \(2,\)"),
    ],
)
def test_moments_with_mcse_rejects_bad_input(draws, center, message):
    with pytest.raises(ValueError, match=message):
        moments_with_mcse(draws, center)


def test_draws_matrix_order_and_shape():
    idata = az.from_dict(
        {"posterior": {"a": np.arange(6.0).reshape(2, 3), "b": np.ones((2, 3, 2))}}
    )
    out = draws_matrix(idata, ["a", "b"])
    assert out.shape == (6, 3)
    np.testing.assert_array_equal(out[:, 0], np.arange(6.0))


@pytest.mark.parametrize(
    ("idata", "names", "error", "message"),
    [
        (np.zeros(3), ["a"], TypeError, "`draws` must be a DataTree with a posterior group"),
        (None, [], ValueError, "`var_names` must be a non-empty list of names"),
        (
            None,
            ["zzz"],
            ValueError,
            r"`var_names` must be names in the posterior \['a'\]; got 'zzz'",
        ),
    ],
)
def test_draws_matrix_rejects_bad_input(idata, names, error, message):
    if idata is None:
        idata = az.from_dict({"posterior": {"a": np.zeros((2, 3))}})
    with pytest.raises(error, match=message):
        draws_matrix(idata, names)


def test_interval_uses_the_normal_quantile_of_ci_prob():
    est = MCEstimate(mean=0.0, se=1.0, n_draws=10)
    low, high = est.interval(0.9)
    assert high == pytest.approx(stats.norm.ppf(0.95)) and low == pytest.approx(-high)
    with pytest.raises(ValueError, match="`ci_prob` must be a probability strictly between"):
        est.interval(1.0)


def test_probability_estimate_is_the_binomial_share_and_se(rng):
    events = rng.random(10_000) < 0.3
    est = probability_estimate(events)
    assert est.mean == events.mean()
    # the sd of 0/1 draws with ddof=1 is sqrt(p (1 - p) n / (n - 1))
    p, n = events.mean(), events.size
    assert est.se == pytest.approx(np.sqrt(p * (1 - p) / (n - 1)))
    assert isinstance(est, ProbabilityEstimate) and est.interval()[0] >= 0


def test_probability_estimate_weights_and_clipping():
    est = probability_estimate([True, False, False, False], weights=[2.0, 1.0, 1.0, 1.0])
    assert est.mean == 0.5
    assert ProbabilityEstimate(mean=0.99, se=0.1, n_draws=10).interval()[1] == 1.0
    with pytest.raises(ValueError, match="`events` must be an array of booleans"):
        probability_estimate([0.5, 1.0])
    with pytest.raises(ValueError, match=r"`weights` must be an array of shape \(2,\)"):
        probability_estimate([True, False], weights=[1.0])


def test_draws_matrix_from_a_data_array_and_an_array():
    idata = az.from_dict({"posterior_predictive": {"y": np.arange(12.0).reshape(2, 3, 2)}})
    out = draws_matrix(idata.posterior_predictive["y"])
    assert out.shape == (6, 2)
    np.testing.assert_array_equal(out[:, 0], np.arange(0.0, 12.0, 2.0))
    assert draws_matrix(np.ones((4, 3))).shape == (4, 3)
    with pytest.raises(ValueError, match="`draws` must be a 2-D array"):
        draws_matrix(np.ones(3))
