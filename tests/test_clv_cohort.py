"""Tests of helpers.clv_cohort."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.clv_cohort import (
    CohortProjection,
    discount_factors,
    draw_purchases,
    draw_spend,
    project_cohort,
)
from tests.test_clv import GG, MLE

# a second BG/NBD parameter set, far enough from MLE to tell their predictions apart
OTHER = {**MLE, "r": 2.0}


def _alternating_draws(n_draws):
    """Parameter draws that alternate between MLE (even simulations) and OTHER (odd ones)."""
    even = np.arange(n_draws) % 2 == 0
    return {k: np.where(even, MLE[k], OTHER[k]) for k in MLE}


@pytest.fixture(scope="module")
def small_cohort() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "frequency": [0, 1, 2, 6],
            "recency": [0.0, 10.0, 30.43, 35.0],
            "T": [38.86, 38.86, 38.86, 36.0],
            "monetary_value": [0.0, 15.0, 22.35, 40.0],
        }
    )


def _lifetimes_cohort_clv(cohort, bgnbd):
    """lifetimes' own 12-month discounted CLV of the cohort, summed, at fixed parameters."""
    from lifetimes import BetaGeoFitter, GammaGammaFitter

    bgf, ggf = BetaGeoFitter(), GammaGammaFitter()
    bgf.params_, ggf.params_ = pd.Series(bgnbd), pd.Series(GG)
    bgf.predict = bgf.conditional_expected_number_of_purchases_up_to_time  # as fit() sets it
    return ggf.customer_lifetime_value(
        bgf,
        cohort["frequency"],
        cohort["recency"],
        cohort["T"],
        cohort["monetary_value"],
        time=12,
        discount_rate=0.01,
        freq="W",
    ).sum()


def test_simulated_purchases_match_conditional_expectation(rng):
    from lifetimes import BetaGeoFitter

    fitter = BetaGeoFitter()
    fitter.params_ = pd.Series(MLE)
    x, t_x, t = np.array([0, 1, 2, 8]), np.array([0.0, 5.0, 30.43, 20.0]), np.full(4, 38.86)
    counts = draw_purchases(
        x, t_x, t, **MLE, n_periods=4, period_length=13.0, n_draws=40_000, rng=rng
    )
    assert counts.shape == (40_000, 4, 4) and counts.dtype.kind == "i" and counts.min() >= 0
    total = counts.sum(axis=2)
    exact = fitter.conditional_expected_number_of_purchases_up_to_time(52.0, x, t_x, t)
    se = total.std(axis=0, ddof=1) / np.sqrt(total.shape[0])
    np.testing.assert_array_less(np.abs(total.mean(axis=0) - exact), 4 * se)


def test_draw_purchases_seed_contract():
    kw = dict(**MLE, n_periods=3, period_length=4.345, n_draws=50)
    first = draw_purchases([1, 3], [10.0, 20.0], [38.86, 38.86], rng=7, **kw)
    again = draw_purchases([1, 3], [10.0, 20.0], [38.86, 38.86], rng=np.random.default_rng(7), **kw)
    np.testing.assert_array_equal(first, again)


def test_draw_purchases_uses_each_simulations_own_parameters(rng):
    from lifetimes import BetaGeoFitter

    n_draws = 40_000
    counts = draw_purchases(
        [1],
        [10.0],
        [38.86],
        **_alternating_draws(n_draws),
        n_periods=2,
        period_length=13.0,
        n_draws=n_draws,
        rng=rng,
    )
    assert counts.shape == (n_draws, 1, 2)
    total = counts.sum(axis=(1, 2))
    halves = []
    for params, sims in ((MLE, total[0::2]), (OTHER, total[1::2])):
        fitter = BetaGeoFitter()
        fitter.params_ = pd.Series(params)
        exact = float(
            fitter.conditional_expected_number_of_purchases_up_to_time(26.0, 1, 10.0, 38.86)
        )
        # 4 standard errors of a mean of 20,000 simulated totals (about 4 * 0.005)
        se = sims.std(ddof=1) / np.sqrt(sims.size)
        assert abs(sims.mean() - exact) < 4 * se
        halves.append((exact, se))
    # the two parameter sets predict 0.29 and 0.15 purchases, ~30 standard errors apart: using
    # one set for every simulation, or mixing them up, fails the checks above
    (exact_a, se_a), (exact_b, se_b) = halves
    assert abs(exact_a - exact_b) > 8 * (se_a + se_b)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_periods": 0}, "`n_periods` must be an integer >= 1"),
        ({"period_length": -1.0}, "`period_length` must be a number > 0"),
        ({"r": np.ones(3)}, r"`r` must be a number or have shape \(n_draws,\) = \(5,\)"),
    ],
)
def test_draw_purchases_validation(kwargs, message):
    args = dict(**MLE, n_periods=2, period_length=4.0, n_draws=5)
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        draw_purchases([1], [10.0], [38.86], rng=1, **args)


def test_draw_purchases_rejects_non_numeric_period():
    with pytest.raises(TypeError, match="`period_length` must be a real number"):
        draw_purchases([1], [1.0], [2.0], **MLE, n_periods=1, period_length="4", n_draws=1)


def test_simulated_spend_mean_matches_gamma_gamma(rng):
    from lifetimes import GammaGammaFitter

    fitter = GammaGammaFitter()
    fitter.params_ = pd.Series(GG)
    x, m = np.array([0, 1, 5]), np.array([0.0, 12.0, 40.0])
    counts = np.ones((60_000, 3, 1), dtype=int)
    spend = draw_spend(counts, x, m, **GG, rng=rng)[..., 0]
    exact = fitter.conditional_expected_average_profit(x, m)
    se = spend.std(axis=0, ddof=1) / np.sqrt(spend.shape[0])
    np.testing.assert_array_less(np.abs(spend.mean(axis=0) - exact), 4 * se)
    assert np.all(draw_spend(np.zeros((2, 3, 1), dtype=int), x, m, **GG, rng=rng) == 0)


def test_draw_spend_seed_contract():
    counts = np.array([[[1, 2], [0, 3]]])
    first = draw_spend(counts, [1, 2], [10.0, 20.0], **GG, rng=3)
    again = draw_spend(counts, [1, 2], [10.0, 20.0], **GG, rng=np.random.default_rng(3))
    np.testing.assert_array_equal(first, again)


@pytest.mark.parametrize(
    ("counts", "x", "m", "message"),
    [
        ([[1, 2]], [1], [10.0], "`counts` must be a 3-D array"),
        ([[[-1]]], [1], [10.0], "`counts` must be a 3-D array"),
        ([[[1]]], [1, 2], [10.0, 5.0], r"must have shape \(n_customers,\) = \(1,\)"),
        ([[[1]]], [0], [10.0], "`monetary_value` must be >= 0, and 0 where `frequency` is 0"),
        ([[[1]]], [-1], [0.0], "`frequency` must hold non-negative integers"),
    ],
)
def test_draw_spend_validation(counts, x, m, message):
    with pytest.raises(ValueError, match=message):
        draw_spend(counts, x, m, **GG, rng=1)


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 40), rate=st.floats(0.0, 0.5))
def test_discount_factors_decrease_from_at_most_one(n, rate):
    f = discount_factors(n, rate)
    assert f.shape == (n,) and np.all(f <= 1.0) and np.all(f > 0)
    assert np.all(np.diff(f) <= 0)


@pytest.mark.parametrize(
    ("n", "rate", "message"),
    [
        (0, 0.1, "`n_periods` must be an integer >= 1"),
        (3, -0.1, "`rate` must be a"),
        (3, np.inf, "`rate` must be a"),
    ],
)
def test_discount_factors_validation(n, rate, message):
    with pytest.raises(ValueError, match=message):
        discount_factors(n, rate)


def test_cohort_mean_matches_lifetimes_clv(small_cohort, rng):
    c = small_cohort
    sim = project_cohort(c, bgnbd=MLE, gamma_gamma=GG, n_draws=40_000, chunk=10_000, rng=rng)
    se = sim.value.std(ddof=1) / np.sqrt(sim.value.size)
    assert abs(sim.value.mean() - _lifetimes_cohort_clv(c, MLE)) < 4 * se
    assert np.all(sim.value <= sim.revenue + 1e-9)
    np.testing.assert_allclose(sim.customer_value.sum(), sim.value.mean(), rtol=1e-9)


def test_cohort_seed_contract_and_chunking(small_cohort):
    a = project_cohort(small_cohort, bgnbd=MLE, gamma_gamma=GG, n_draws=30, chunk=7, rng=5)
    b = project_cohort(
        small_cohort, bgnbd=MLE, gamma_gamma=GG, n_draws=30, chunk=7, rng=np.random.default_rng(5)
    )
    np.testing.assert_array_equal(a.value, b.value)
    assert isinstance(a, CohortProjection) and a.purchases.shape == (30,)


def test_cohort_interval_and_summary(small_cohort):
    sim = project_cohort(small_cohort, bgnbd=MLE, gamma_gamma=GG, n_draws=500, rng=2)
    low, high = sim.interval(0.9)
    assert low <= np.median(sim.value) <= high
    table = sim.summary(0.9)
    assert list(table.index) == ["purchases", "revenue", "value"]
    assert list(table.columns) == ["mean", "mc_se", "5%", "95%"]


def test_cohort_uses_each_simulations_own_parameters(small_cohort, rng):
    n_draws = 40_000
    # a chunk size that does not divide n_draws, nor keep chunk starts even
    sim = project_cohort(
        small_cohort,
        bgnbd=_alternating_draws(n_draws),
        gamma_gamma=GG,
        n_draws=n_draws,
        chunk=9_999,
        rng=rng,
    )
    assert sim.value.shape == (n_draws,)
    c = small_cohort
    halves = []
    for params, values in ((MLE, sim.value[0::2]), (OTHER, sim.value[1::2])):
        exact = _lifetimes_cohort_clv(c, params)
        # 4 standard errors of a mean of 20,000 simulated cohort values (about 4 * 1.3 dollars)
        se = values.std(ddof=1) / np.sqrt(values.size)
        assert abs(values.mean() - exact) < 4 * se
        halves.append((exact, se))
    (exact_a, se_a), (exact_b, se_b) = halves
    assert abs(exact_a - exact_b) > 8 * (se_a + se_b)  # the check above can tell them apart


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"summary": "table"}, TypeError, "`summary` must be a pandas DataFrame"),
        (
            {"summary": pd.DataFrame({"frequency": [1]})},
            ValueError,
            "missing \\['T', 'monetary_value', 'recency'\\]",
        ),
        ({"bgnbd": {"r": 1.0}}, ValueError, "`bgnbd` must be a dict with keys"),
        ({"gamma_gamma": {"p": 1.0}}, ValueError, "`gamma_gamma` must be a dict with keys"),
        (
            {"bgnbd": {**MLE, "r": np.ones(3)}},
            ValueError,
            r"`r` must be a number or have shape \(n_draws,\) = \(10,\)",
        ),
        ({"chunk": 0}, ValueError, "`chunk` must be an integer >= 1"),
    ],
)
def test_cohort_validation(small_cohort, kwargs, error, message):
    args = {"summary": small_cohort, "bgnbd": MLE, "gamma_gamma": GG, "n_draws": 10}
    args.update(kwargs)
    with pytest.raises(error, match=message):
        project_cohort(args.pop("summary"), **args, rng=1)


@pytest.mark.parametrize(
    ("mass", "of", "message"),
    [
        (1.0, "value", "`ci_prob` must be a probability strictly between 0 and 1"),
        (0.9, "profit", "`of` must be one of 'purchases', 'revenue', 'value'"),
    ],
)
def test_interval_validation(small_cohort, mass, of, message):
    sim = project_cohort(small_cohort, bgnbd=MLE, gamma_gamma=GG, n_draws=10, rng=1)
    with pytest.raises(ValueError, match=message):
        sim.interval(mass, of=of)
