import numpy as np
import pandas as pd
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.regression import (
    DEFAULT_COEFFICIENTS,
    interval_coverage,
    plot_intervals,
    prediction_table,
    share_standard_error,
    simulate_shares,
)

# ---- share_standard_error


def test_share_standard_error_known_values():
    # closed forms evaluated in floating point: the default tolerances (rel 1e-6, rtol 1e-7)
    # only absorb rounding (~1e-16)
    p = 13 / 82
    assert float(share_standard_error(12, 80)) == pytest.approx(np.sqrt(p * (1 - p) / 80))
    assert float(share_standard_error(0, 20)) > 0  # smoothing keeps it positive
    np.testing.assert_allclose(
        share_standard_error([0, 5], 10), np.sqrt([1 / 12 * 11 / 12 / 10, 0.5 * 0.5 / 10])
    )


@pytest.mark.parametrize(
    ("flagged", "messages", "message"),
    [
        (1.5, 10, "`flagged` must be whole numbers"),
        (1, 0, "`messages` must be >= 1"),
        (-1, 10, "`flagged` must be an array of numbers >= 0"),
        (11, 10, "`flagged` must be <= `messages`"),
        ([1, 2, 3], [10, 10], "must have broadcastable shapes"),
        (1, np.nan, "`messages` must be an array without NaN"),
    ],
)
def test_share_standard_error_rejects_bad_counts(flagged, messages, message):
    with pytest.raises(ValueError, match=message):
        share_standard_error(flagged, messages)


@given(st.integers(1, 10_000), st.data())
def test_share_standard_error_bounded_and_shrinks_with_n(n, data):
    k = data.draw(st.integers(0, n))
    se = float(share_standard_error(k, n))
    # p(1-p) <= 1/4; 1e-12 absorbs rounding in the square root (~1e-17 at these sizes)
    assert 0 < se <= 0.5 / np.sqrt(n) + 1e-12
    # the same share measured on four times as many messages has about half the error
    assert float(share_standard_error(4 * k, 4 * n)) < se


# ---- simulate_shares


def test_simulate_shares_shapes_and_truth():
    sim = simulate_shares(50, rng=1)
    assert sim.data.shape == (50, 8)
    assert sim.truth.features == list(DEFAULT_COEFFICIENTS)
    assert sim.truth.coefficients.to_dict() == DEFAULT_COEFFICIENTS
    assert (sim.truth.intercept, sim.truth.sigma) == (0.25, 0.025)
    d = sim.data
    assert d["messages"].between(20, 2000).all()
    assert (d["flagged"] <= d["messages"]).all()
    # the same arithmetic on the same counts: equal up to rounding (~1e-16), well inside rtol 1e-12
    np.testing.assert_allclose(d["share"], d["flagged"] / d["messages"], rtol=1e-12)
    np.testing.assert_allclose(
        d["se"], share_standard_error(d["flagged"], d["messages"]), rtol=1e-12
    )
    assert sim.truth.share.between(0.001, 0.999).all()


def test_simulate_shares_seed_contract():
    a, b = simulate_shares(30, rng=7), simulate_shares(30, rng=7)
    pd.testing.assert_frame_equal(a.data, b.data)
    c = simulate_shares(30, rng=np.random.default_rng(7))
    pd.testing.assert_frame_equal(a.data, c.data)
    assert not simulate_shares(30, rng=8).data.equals(a.data)


def test_simulate_shares_recovers_truth_by_regression():
    """With sigma = 0 and many messages, least squares on the true shares is exact."""
    sim = simulate_shares(200, sigma=0.0, messages=(5000, 5000), rng=3)
    x = np.column_stack([np.ones(200), sim.data[sim.truth.features]])
    coef = np.linalg.lstsq(x, sim.truth.share, rcond=None)[0]
    truth = np.array([0.25, *DEFAULT_COEFFICIENTS.values()])
    # A consistent least-squares system is solved to a relative error of a few eps * cond(X)
    # (cond ~ 1.8 here): 10 * eps * cond * |beta| ~ 1e-15
    tol = 10 * np.finfo(float).eps * np.linalg.cond(x) * np.linalg.norm(truth)
    np.testing.assert_allclose(coef, truth, rtol=0, atol=tol)
    # measured shares scatter around the truth by about their standard error: z has sd 1 (the
    # smoothed se differs from the exact binomial one by O(1/n) = 2e-4 at 5000 messages), and a
    # sample sd of 200 values has relative standard error 1 / sqrt(2 * 199) = 0.05; allow 4
    z = (sim.data["share"] - sim.truth.share) / sim.data["se"]
    assert abs(z.std() - 1) < 4 / np.sqrt(2 * (len(z) - 1))


def test_simulate_shares_feature_correlation():
    n, rho = 20_000, 0.5
    sim = simulate_shares(n, correlation=rho, rng=2)
    corr = sim.data[sim.truth.features].corr().to_numpy()
    # a sample correlation of n bivariate Normal pairs has standard error (1 - rho^2) / sqrt(n)
    # = 0.0053; allow 4 (0.021)
    np.testing.assert_allclose(
        corr[np.triu_indices(4, 1)], rho, rtol=0, atol=4 * (1 - rho**2) / np.sqrt(n)
    )


def test_simulate_shares_custom_coefficients():
    sim = simulate_shares(10, coefficients={"a": 0.1}, rng=0)
    assert sim.truth.features == ["a"]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"n_accounts": 0}, ValueError, "`n_accounts` must be an integer >= 1"),
        ({"n_accounts": 2.0}, TypeError, "`n_accounts` must be an integer"),
        (
            {"intercept": 1.2},
            ValueError,
            r"`intercept` must be a share strictly between 0 and 1; got 1.2",
        ),
        ({"intercept": "a"}, TypeError, "`intercept` must be a real number"),
        ({"intercept": np.inf}, ValueError, "`intercept` must be a finite number"),
        ({"sigma": -0.1}, ValueError, "`sigma` must be a number >= 0; got -0.1"),
        ({"coefficients": [0.1]}, TypeError, "`coefficients` must be a mapping"),
        ({"coefficients": {}}, ValueError, "`coefficients` must name at least one feature"),
        ({"messages": 5}, ValueError, r"`messages` must be an array of shape \(2,\)"),
        (
            {"messages": (50, 10)},
            ValueError,
            r"`messages` must be a pair \(low, high\) with 1 <= low <= high",
        ),
        (
            {"messages": (0, 10)},
            ValueError,
            r"`messages` must be a pair \(low, high\) with 1 <= low <= high",
        ),
        ({"correlation": -0.5}, ValueError, r"`correlation` must lie in \(-0.333, 1\)"),
        ({"correlation": 1.0}, ValueError, "`correlation` must lie in"),
    ],
)
def test_simulate_shares_rejects_bad_arguments(kwargs, error, message):
    args = {"n_accounts": 10, **kwargs}
    with pytest.raises(error, match=message):
        simulate_shares(**args, rng=0)


# ---- prediction_table


def test_prediction_table_numpy(rng):
    from scipy import stats

    n, mu, sd = 40_000, np.array([0.0, 10.0]), np.array([1.0, 2.0])
    draws = rng.normal(mu, sd, size=(n, 2))
    table = prediction_table(draws, index=["a", "b"])
    assert list(table.columns) == ["mean", "2.5%", "97.5%"]
    # 4 standard errors of a mean of n draws: 4 * sd / sqrt(n) = 0.02 and 0.04
    assert np.all(np.abs(table["mean"] - mu) < 4 * sd / np.sqrt(n))
    # A sample q-quantile has standard error sqrt(q (1 - q) / n) / density at the quantile:
    # 0.0134 * sd here; allow 4 (0.053 and 0.107)
    z = stats.norm.ppf(0.975)
    quantile_se = np.sqrt(0.975 * 0.025 / n) / (stats.norm.pdf(z) / sd)
    assert np.all(np.abs(table["97.5%"] - (mu + z * sd)) < 4 * quantile_se)
    assert list(prediction_table(draws, ci_prob=0.9).columns) == ["mean", "5%", "95%"]


def test_prediction_table_xarray_uses_coordinates(rng):
    values = rng.normal(size=(2, 50, 3))
    da = xr.DataArray(values, dims=("chain", "draw", "account"), coords={"account": [7, 8, 9]})
    table = prediction_table(da)
    assert list(table.index) == [7, 8, 9] and table.index.name == "account"
    # the same 100 numbers averaged, perhaps in another order: summation rounding is at most
    # 100 * eps * max|value|
    tol = 100 * np.finfo(float).eps * np.abs(values).max()
    np.testing.assert_allclose(table["mean"], values.reshape(100, 3).mean(axis=0), rtol=0, atol=tol)


@pytest.mark.parametrize(
    ("draws", "kwargs", "error", "message"),
    [
        (np.zeros(5), {}, ValueError, "`draws` must be a 2-D array"),
        (np.zeros((1, 3)), {}, ValueError, "at least 2 samples"),
        (np.full((3, 2), np.nan), {}, ValueError, "`draws` must be an array without NaN"),
        (
            np.zeros((3, 2)),
            {"ci_prob": 1.0},
            ValueError,
            "`ci_prob` must be a probability strictly between",
        ),
        (np.zeros((3, 2)), {"ci_prob": "x"}, TypeError, "`ci_prob` must be a real number"),
        (np.zeros((3, 2)), {"index": [1]}, ValueError, "`index` must have 2 labels"),
    ],
)
def test_prediction_table_rejects_bad_input(draws, kwargs, error, message):
    with pytest.raises(error, match=message):
        prediction_table(draws, **kwargs)


def test_prediction_table_rejects_extra_dims():
    da = xr.DataArray(np.zeros((2, 3, 4, 5)), dims=("chain", "draw", "a", "b"))
    with pytest.raises(ValueError, match="exactly one dimension besides chain and draw"):
        prediction_table(da)


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 2**32 - 1), st.floats(0.5, 0.99))
def test_prediction_table_interval_contains_its_mass(seed, prob):
    draws = np.random.default_rng(seed).normal(size=(400, 3))
    table = prediction_table(draws, ci_prob=prob)
    low, high = table.iloc[:, 1].to_numpy(), table.iloc[:, 2].to_numpy()
    assert np.all(low <= table["mean"]) and np.all(table["mean"] <= high)
    inside = ((draws >= low) & (draws <= high)).mean(axis=0)
    # np.quantile interpolates between order statistics at positions (n - 1) q, so the count of
    # draws at or below the upper end is within (h, h + 1] and the count below the lower end
    # within [l, l + 1): the share inside is (n - 1) prob / n within 1 / n, i.e. within
    # (1 + prob) / n = 0.005 of prob for n = 400
    n = draws.shape[0]
    assert np.all(np.abs(inside - prob) <= (1 + prob) / n + 1e-12)


# ---- interval_coverage


def test_interval_coverage_known_and_nominal(rng):
    from scipy import stats

    assert interval_coverage([1, 2, 3], [0, 2, 4], [1, 2, 5]) == pytest.approx(2 / 3)  # exact
    n = 20_000
    y = rng.normal(size=n)
    truth = 2 * stats.norm.cdf(1.96) - 1  # 0.950004
    # a coverage share of n draws has binomial standard error sqrt(p (1 - p) / n) = 0.0015;
    # allow 4 (0.0062)
    assert interval_coverage(y, np.full(n, -1.96), np.full(n, 1.96)) == pytest.approx(
        truth, abs=4 * np.sqrt(truth * (1 - truth) / n)
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (([], [], []), "`observed` must be"),
        (([[1.0]], [0.0], [2.0]), "`observed` must be"),
        (([1.0], [np.nan], [2.0]), "`lower` must be an array without NaN"),
        (([1.0, 2.0], [0.0], [2.0]), "must have the same length"),
        (([1.0], [3.0], [2.0]), "`lower` must be <= `upper`"),
    ],
)
def test_interval_coverage_rejects_bad_input(args, message):
    with pytest.raises(ValueError, match=message):
        interval_coverage(*args)


@given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=50), st.floats(0, 1e6))
def test_interval_coverage_is_a_share_and_grows_with_width(values, half):
    y = np.array(values)
    narrow = interval_coverage(y, np.full(y.size, -half), np.full(y.size, half))
    wide = interval_coverage(y, np.full(y.size, -2 * half - 1), np.full(y.size, 2 * half + 1))
    assert 0 <= narrow <= wide <= 1


# ---- plot_intervals


def test_plot_intervals_draws_and_returns_axes(rng):
    import matplotlib.pyplot as plt

    table = prediction_table(rng.normal(size=(200, 4)))
    ax = plot_intervals(table, observed=[0.0, 0.1, 5.0, -0.2])
    assert ax is plt.gca()
    _, ax2 = plt.subplots()
    assert plot_intervals(table, ax=ax2) is ax2
    outside = [line for line in ax.get_lines() if line.get_color() == "C3"]
    assert len(outside) == 1 and len(outside[0].get_xdata()) == 1


def test_plot_intervals_rejects_bad_input(rng):
    table = prediction_table(rng.normal(size=(20, 2)))
    with pytest.raises(ValueError, match="`table` must be a DataFrame from prediction_table"):
        plot_intervals(table[["mean"]])
    with pytest.raises(ValueError, match=r"`observed` must be an array of shape \(2,\)"):
        plot_intervals(table, observed=[1.0])
