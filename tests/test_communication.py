import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.communication import (
    exceedance_curve,
    forecast_extra_conversions,
    plot_exceedance,
    plot_fan_chart,
    probability_statement,
)

# segment_log_odds -----------------------------------------------------------


# exact_summary ----------------------------------------------------------------


# agreement_table --------------------------------------------------------------


# probability_statement ----------------------------------------------------------


def test_probability_statement_wording():
    draws = np.array([1.0, 2.0, 3.0, -1.0])
    assert probability_statement(draws, 0, quantity="the gain", unit="%") == (
        "There is a 75% chance that the gain is above 0%."
    )
    assert probability_statement(draws, 0, quantity="the gain", above=False) == (
        "There is a 25% chance that the gain is below 0."
    )
    assert "less than 1%" in probability_statement(np.zeros(1000), 1, quantity="x")
    assert "more than 99%" in probability_statement(np.ones(1000), 0, quantity="x")


def test_probability_statement_errors():
    with pytest.raises(ValueError, match="`draws` must be an array of at least 1 values"):
        probability_statement([], 0, quantity="x")
    with pytest.raises(TypeError, match="`draws` must be an array of numbers"):
        probability_statement("abc", 0, quantity="x")
    with pytest.raises(TypeError, match="`draws` must be an array of numbers; got dict"):
        probability_statement({"a": 1}, 0, quantity="x")
    with pytest.raises(ValueError, match="`draws` must be an array without NaN"):
        probability_statement([np.nan, 1.0], 0, quantity="x")
    with pytest.raises(TypeError, match="`threshold` must be a real number"):
        probability_statement([1.0], "0", quantity="x")
    with pytest.raises(ValueError, match="`threshold` must be a finite number"):
        probability_statement([1.0], np.inf, quantity="x")
    with pytest.raises(ValueError, match="`quantity` must be a non-empty string"):
        probability_statement([1.0], 0, quantity=" ")


# exceedance_curve -----------------------------------------------------------------


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=50),
    st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=20),
)
def test_exceedance_is_a_probability_and_non_increasing(draws, thresholds):
    grid = np.sort(thresholds)
    prob = exceedance_curve(draws, grid)
    assert np.all((prob >= 0) & (prob <= 1))
    assert np.all(np.diff(prob) <= 0)
    assert np.allclose(prob, [(np.asarray(draws) > t).mean() for t in grid])


def test_exceedance_errors():
    with pytest.raises(ValueError, match=r"`thresholds` must be a 1\-D array"):
        exceedance_curve([1.0], [[1.0]])


def test_plot_exceedance_marks_target():
    ax = plot_exceedance(np.arange(10.0), target=4.5)
    assert "P = 0.50" in ax.get_legend_handles_labels()[1][1]
    with pytest.raises(TypeError, match="`target` must be a real number"):
        plot_exceedance([1.0, 2.0], target="high")
    with pytest.raises(ValueError, match="`target` must be a finite number"):
        plot_exceedance([1.0, 2.0], target=np.nan)


# forecast_extra_conversions ---------------------------------------------------------


def test_forecast_matches_binomial_moments(rng):
    # Rates chosen so the treated rates are known exactly: baseline 0.5 with a log odds ratio
    # of log 3 gives odds 3, rate 0.75; baseline 0.1 (odds 1/9) with log 9 gives odds 1, rate 0.5.
    draws, weeks, users = 4000, 4, np.array([1000, 400])
    lift = np.tile([np.log(3.0), np.log(9.0)], (draws, 1))
    base = np.tile([0.5, 0.1], (draws, 1))
    paths = forecast_extra_conversions(lift, base, users, weeks=weeks, rng=rng)
    assert paths.shape == (draws, weeks)
    # Each week: extra = Binomial(1000, 0.75) - 500 + Binomial(400, 0.5) - 40, so
    # E = 250 + 160 = 410 and Var = 1000 * 0.75 * 0.25 + 400 * 0.5 * 0.5 = 287.5, independent
    # across weeks: after week w the path has mean 410 w and variance 287.5 w.
    w = np.arange(1, weeks + 1)
    mean, var = 410.0 * w, 287.5 * w
    # 4 standard errors of a mean of `draws` paths: 4 * sqrt(var / draws) (2.1 at week 4)
    np.testing.assert_array_less(np.abs(paths.mean(axis=0) - mean), 4 * np.sqrt(var / draws))
    # the sample variance of near-Normal sums has standard error var * sqrt(2 / (draws - 1))
    # (2.2% of var); allow 4 of them: catches one Binomial draw reused for every week
    np.testing.assert_array_less(
        np.abs(paths.var(axis=0, ddof=1) - var), 4 * var * np.sqrt(2 / (draws - 1))
    )


def test_forecast_seed_contract():
    args = (np.full((5, 2), 0.1), np.full((5, 2), 0.05), [100, 100])
    a = forecast_extra_conversions(*args, weeks=3, rng=7)
    again = forecast_extra_conversions(*args, weeks=3, rng=7)
    b = forecast_extra_conversions(*args, weeks=3, rng=np.random.default_rng(7))
    other = forecast_extra_conversions(*args, weeks=3, rng=8)
    assert np.array_equal(a, again)  # same int seed: identical output
    assert np.array_equal(a, b)  # a Generator is accepted (and seeds like its int)
    assert not np.array_equal(a, other)  # a different seed: different output


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"lift_draws": np.zeros((3, 3))},
            r"`baseline_draws` must be an array of shape \(3, 3\), like `lift_draws`",
        ),
        ({"baseline_draws": np.ones((3, 2))}, "strictly between 0 and 1"),
        ({"weekly_users": [10, -1]}, r"`weekly_users` must be non\-negative whole numbers"),
        ({"weekly_users": [10, 1.5]}, r"`weekly_users` must be non\-negative whole numbers"),
        ({"weeks": 0}, "`weeks` must be an integer >= 1"),
    ],
)
def test_forecast_errors(kwargs, message):
    args = {
        "lift_draws": np.zeros((3, 2)),
        "baseline_draws": np.full((3, 2), 0.1),
        "weekly_users": [10, 10],
        "weeks": 2,
    }
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        forecast_extra_conversions(
            args["lift_draws"],
            args["baseline_draws"],
            args["weekly_users"],
            weeks=args["weeks"],
            rng=0,
        )


# plot_fan_chart ----------------------------------------------------------------------------


def test_fan_chart_bands_and_errors():
    ax = plot_fan_chart(
        np.arange(4), np.random.default_rng(0).normal(size=(100, 4)), ci_probs=(0.5, 0.9)
    )
    assert len(ax.collections) == 2
    with pytest.raises(ValueError, match="one column per `x` value"):
        plot_fan_chart([1, 2], np.zeros((5, 3)))
    with pytest.raises(
        ValueError, match="`ci_probs` must be a probability strictly between 0 and 1"
    ):
        plot_fan_chart([1, 2], np.zeros((5, 2)), ci_probs=(0.5, 1.0))
