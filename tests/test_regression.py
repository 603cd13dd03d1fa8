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
    p = 13 / 82
    assert float(share_standard_error(12, 80)) == pytest.approx(np.sqrt(p * (1 - p) / 80))
    assert float(share_standard_error(0, 20)) > 0  # smoothing keeps it positive
    np.testing.assert_allclose(
        share_standard_error([0, 5], 10), np.sqrt([1 / 12 * 11 / 12 / 10, 0.5 * 0.5 / 10])
    )


@pytest.mark.parametrize(
    ("flagged", "messages", "message"),
    [
        (1.5, 10, "`flagged` must hold whole numbers"),
        (1, 0, "`messages` must be >= 1"),
        (-1, 10, "`flagged` must be >= 0"),
        (11, 10, "`flagged` must be <= `messages`"),
        ([1, 2, 3], [10, 10], "must have broadcastable shapes"),
        (1, np.nan, "`messages` must hold whole numbers"),
    ],
)
def test_share_standard_error_rejects_bad_counts(flagged, messages, message):
    with pytest.raises(ValueError, match=message):
        share_standard_error(flagged, messages)


@given(st.integers(1, 10_000), st.data())
def test_share_standard_error_bounded_and_shrinks_with_n(n, data):
    k = data.draw(st.integers(0, n))
    se = float(share_standard_error(k, n))
    assert 0 < se <= 0.5 / np.sqrt(n) + 1e-12  # p(1-p) <= 1/4
    # the same share measured on four times as many messages has about half the error
    assert float(share_standard_error(4 * k, 4 * n)) < se


# ---- simulate_shares


def test_simulate_shares_shapes_and_truth():
    sim = simulate_shares(50, rng=1)
    assert sim.data.shape == (50, 8)
    assert sim.features == list(DEFAULT_COEFFICIENTS)
    assert sim.coefficients.to_dict() == DEFAULT_COEFFICIENTS
    assert (sim.intercept, sim.sigma) == (0.25, 0.025)
    d = sim.data
    assert d["messages"].between(20, 2000).all()
    assert (d["flagged"] <= d["messages"]).all()
    np.testing.assert_allclose(d["share"], d["flagged"] / d["messages"])
    np.testing.assert_allclose(d["se"], share_standard_error(d["flagged"], d["messages"]))
    assert sim.true_share.between(0.001, 0.999).all()


def test_simulate_shares_seed_contract():
    a, b = simulate_shares(30, rng=7), simulate_shares(30, rng=7)
    pd.testing.assert_frame_equal(a.data, b.data)
    c = simulate_shares(30, rng=np.random.default_rng(7))
    pd.testing.assert_frame_equal(a.data, c.data)
    assert not simulate_shares(30, rng=8).data.equals(a.data)


def test_simulate_shares_recovers_truth_by_regression():
    """With sigma = 0 and many messages, least squares on the true shares is exact."""
    sim = simulate_shares(200, sigma=0.0, messages=(5000, 5000), rng=3)
    x = np.column_stack([np.ones(200), sim.data[sim.features]])
    coef = np.linalg.lstsq(x, sim.true_share, rcond=None)[0]
    np.testing.assert_allclose(coef, [0.25, *DEFAULT_COEFFICIENTS.values()], atol=1e-12)
    # measured shares scatter around the truth by about their standard error
    z = (sim.data["share"] - sim.true_share) / sim.data["se"]
    assert 0.8 < z.std() < 1.2


def test_simulate_shares_feature_correlation():
    sim = simulate_shares(20_000, correlation=0.5, rng=2)
    corr = sim.data[sim.features].corr().to_numpy()
    assert np.allclose(corr[np.triu_indices(4, 1)], 0.5, atol=0.03)


def test_simulate_shares_custom_coefficients():
    sim = simulate_shares(10, coefficients={"a": 0.1}, rng=0)
    assert sim.features == ["a"]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"n_accounts": 0}, ValueError, "`n_accounts` must be a positive integer"),
        ({"n_accounts": 2.0}, TypeError, "`n_accounts` must be an integer"),
        ({"intercept": 1.2}, ValueError, r"`intercept` must be a share in \(0, 1\)"),
        ({"intercept": "a"}, TypeError, "`intercept` must be a real number"),
        ({"intercept": np.inf}, ValueError, "`intercept` must be finite"),
        ({"sigma": -0.1}, ValueError, "`sigma` must be >= 0"),
        ({"coefficients": [0.1]}, TypeError, "`coefficients` must be a mapping"),
        ({"coefficients": {}}, ValueError, "`coefficients` must name at least one feature"),
        ({"messages": 5}, TypeError, r"`messages` must be a pair \(low, high\)"),
        ({"messages": (50, 10)}, ValueError, "`messages` must have low <= high"),
        ({"messages": (0, 10)}, ValueError, r"`messages\[0\]` must be a positive integer"),
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
    draws = rng.normal([0.0, 10.0], [1.0, 2.0], size=(40_000, 2))
    table = prediction_table(draws, index=["a", "b"])
    assert list(table.columns) == ["mean", "2.5%", "97.5%"]
    np.testing.assert_allclose(table["mean"], [0, 10], atol=0.05)
    np.testing.assert_allclose(table["97.5%"], [1.96, 10 + 3.92], atol=0.06)
    assert list(prediction_table(draws, prob=0.9).columns) == ["mean", "5%", "95%"]


def test_prediction_table_xarray_uses_coordinates(rng):
    values = rng.normal(size=(2, 50, 3))
    da = xr.DataArray(values, dims=("chain", "draw", "account"), coords={"account": [7, 8, 9]})
    table = prediction_table(da)
    assert list(table.index) == [7, 8, 9] and table.index.name == "account"
    np.testing.assert_allclose(table["mean"], values.reshape(100, 3).mean(axis=0))


@pytest.mark.parametrize(
    ("draws", "kwargs", "error", "message"),
    [
        (np.zeros(5), {}, ValueError, "`draws` must be 2-D"),
        (np.zeros((1, 3)), {}, ValueError, "at least 2 samples"),
        (np.full((3, 2), np.nan), {}, ValueError, "`draws` must be finite"),
        (np.zeros((3, 2)), {"prob": 1.0}, ValueError, r"`prob` must be in \(0, 1\)"),
        (np.zeros((3, 2)), {"prob": "x"}, TypeError, "`prob` must be a real number"),
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
    table = prediction_table(draws, prob=prob)
    low, high = table.iloc[:, 1].to_numpy(), table.iloc[:, 2].to_numpy()
    assert np.all(low <= table["mean"]) and np.all(table["mean"] <= high)
    inside = ((draws >= low) & (draws <= high)).mean(axis=0)
    assert np.all(np.abs(inside - prob) <= 0.01)


# ---- interval_coverage


def test_interval_coverage_known_and_nominal(rng):
    assert interval_coverage([1, 2, 3], [0, 2, 4], [1, 2, 5]) == pytest.approx(2 / 3)
    y = rng.normal(size=20_000)
    assert interval_coverage(y, np.full(y.size, -1.96), np.full(y.size, 1.96)) == pytest.approx(
        0.95, abs=0.01
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (([], [], []), "`observed` must be a non-empty 1-D array"),
        (([[1.0]], [0.0], [2.0]), "`observed` must be a non-empty 1-D array"),
        (([1.0], [np.nan], [2.0]), "`lower` must not contain NaN"),
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
    with pytest.raises(ValueError, match="`observed` must have 2 values"):
        plot_intervals(table, observed=[1.0])
