import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from helpers.probability import (
    beta_posterior,
    grid_interval,
    grid_posterior,
    positive_predictive_value,
)


def test_ppv_known_value_and_by_simulation(rng):
    assert positive_predictive_value(0.01, 0.95, 0.95) == pytest.approx(0.0095 / 0.059)
    n = 400_000
    sick = rng.random(n) < 0.1
    pos = np.where(sick, rng.random(n) < 0.8, rng.random(n) < 0.1)
    # the simulated PPV is a share among the ~68,000 positives: allow 4 of its binomial standard
    # errors, 4 * sqrt(ppv (1 - ppv) / n_pos) = 0.0077
    ppv = positive_predictive_value(0.1, 0.8, 0.9)
    assert sick[pos].mean() == pytest.approx(ppv, abs=4 * np.sqrt(ppv * (1 - ppv) / pos.sum()))


@pytest.mark.parametrize("name", ["prevalence", "sensitivity", "specificity"])
def test_ppv_rejects_non_probabilities(name):
    kwargs = {"prevalence": 0.1, "sensitivity": 0.9, "specificity": 0.9, name: 1.2}
    with pytest.raises(ValueError, match=f"`{name}` must be a probability from 0 to 1; got 1.2"):
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
        ((5, 3), {}, ValueError, r"`successes` must be <= `trials` \(3\); got 5"),
        ((-1, 3), {}, ValueError, "`successes` must be an integer >= 0"),
        ((1.5, 3), {}, TypeError, "`successes` must be an integer"),
        ((1, 3), {"a": 0}, ValueError, "`a` must be a number > 0"),
        ((1, 3), {"b": -2}, ValueError, "`b` must be a number > 0"),
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


def _max_abs_second_derivative_of_beta_pdf(a, b):
    """max |p''| of the Beta(a, b) density on (0, 1), from its closed-form second derivative."""
    t = np.linspace(0.0, 1.0, 200_001)[1:-1]
    pdf = stats.beta(a, b).pdf(t)
    score = (a - 1) / t - (b - 1) / (1 - t)
    return float(np.max(np.abs(pdf * (score**2 - (a - 1) / t**2 - (b - 1) / (1 - t) ** 2))))


@pytest.mark.parametrize(
    ("successes", "trials", "prior", "exact", "grid_size"),
    [
        (3, 10, None, stats.beta(4, 8), 201),  # uniform prior: posterior Beta(1 + 3, 1 + 7)
        (0, 5, None, stats.beta(1, 6), 201),  # non-zero density at the grid's end
        # an unnormalised Beta(2, 5) kernel as prior: posterior Beta(2 + 7, 5 + 33)
        (7, 40, lambda t: t * (1 - t) ** 4, stats.beta(9, 38), 1001),
    ],
)
def test_grid_posterior_is_the_exact_beta_density_pointwise(
    successes, trials, prior, exact, grid_size
):
    grid, dens = grid_posterior(successes, trials, prior=prior, grid_size=grid_size)
    truth = exact.pdf(grid)
    # The grid density is likelihood x prior divided by its trapezoid-rule area, so it differs
    # from the exact pdf only by the factor Z / Z_trap. The composite trapezoid rule on [0, 1]
    # with spacing h has relative error at most h^2 max|p''| / 12 for the normalised density p
    # (about 4e-4 and 2e-4 here); a wrong likelihood, a prior left out or a sum-based
    # normalisation is off by percents.
    h = 1.0 / (grid_size - 1)
    bound = h**2 * _max_abs_second_derivative_of_beta_pdf(*exact.args) / 12
    np.testing.assert_allclose(dens, truth, rtol=bound / (1 - bound), atol=0)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"grid_size": 2}, ValueError, "`grid_size` must be an integer >= 3"),
        ({"prior": 3}, TypeError, "`prior` must be callable"),
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
        ([0, 1], [1, 1], 0.9, "`grid` must be an array of at least 3 values"),
        ([0, 2, 1], [1, 1, 1], 0.9, "strictly increasing"),
        ([0, 1, 2], [1, -1, 1], 0.9, "non-negative"),
        ([0, 1, 2], [1, 1, 1], 1.0, "`ci_prob` must be a probability strictly between 0 and 1"),
    ],
)
def test_grid_interval_validation(grid, density, mass, message):
    with pytest.raises(ValueError, match=message):
        grid_interval(grid, density, mass)
