"""Tests of helpers.clv: data loading, likelihoods against lifetimes, the simulators."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.clv import (
    CohortSimulation,
    bgnbd_loglik,
    discount_factors,
    gamma_gamma_loglik,
    load_cdnow_published_summary,
    load_cdnow_transactions,
    posterior_alive_probability,
    simulate_cohort,
    simulate_purchases,
    simulate_spend,
)

MLE = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
# a second BG/NBD parameter set, far enough from MLE to tell their predictions apart
OTHER = {**MLE, "r": 2.0}
GG = {"p": 6.25, "q": 3.74, "v": 15.44}


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    return load_cdnow_published_summary()


# --- data -------------------------------------------------------------------------------------


# Customer 6's lines of lifetimes/datasets/CDNOW_sample.txt, copied by hand: date, CDs, dollars
CUSTOMER_6 = [
    ("1997-01-01", 1, 35.99),
    ("1997-01-11", 1, 32.99),
    ("1997-03-15", 4, 77.96),
    ("1997-04-16", 3, 59.30),
    ("1997-04-24", 2, 134.98),
    ("1997-06-23", 1, 91.92),
    ("1997-07-22", 3, 47.08),
    ("1997-07-26", 2, 71.96),
    ("1997-10-25", 3, 78.47),
    ("1997-12-06", 3, 83.47),
    ("1998-01-18", 4, 84.46),
    ("1998-02-15", 4, 123.96),
    ("1998-02-21", 2, 32.98),
    ("1998-02-26", 2, 23.06),
    ("1998-05-10", 1, 72.99),
    ("1998-06-20", 3, 55.47),
]


def test_transactions_hold_the_raw_log_and_match_the_published_summary(cdnow):
    tx = load_cdnow_transactions()
    assert list(tx.columns) == ["customer_id", "date", "cds", "dollars"]
    # the 1/10 sample of Fader, Hardie and Lee (2005): 6,919 purchases by 2,357 customers
    assert len(tx) == 6919 and tx["customer_id"].nunique() == 2357
    assert tx["date"].max() == pd.Timestamp("1998-06-30")
    mine = tx[tx["customer_id"] == 6]
    assert mine["date"].dt.strftime("%Y-%m-%d").tolist() == [d for d, _, _ in CUSTOMER_6]
    assert mine["cds"].tolist() == [c for _, c, _ in CUSTOMER_6]
    assert mine["dollars"].tolist() == [m for _, _, m in CUSTOMER_6]  # parsed exactly
    # By hand, for the calibration period 1997-01-01 .. 1997-09-30: 7 repeat purchases (the
    # first purchase does not count), the last on 07-26, 206 days after the first; the period
    # is 272 days long; the repeat purchases average 516.19 / 7 dollars.
    row = cdnow.loc[6]
    assert row["frequency"] == 7
    # the published file rounds to 2 decimals: half a unit in the last place, 0.005
    assert row["recency"] == pytest.approx(206 / 7, abs=0.005)
    assert row["T"] == pytest.approx(272 / 7, abs=0.005)
    assert row["monetary_value"] == pytest.approx(516.19 / 7, abs=0.005)


def test_summary_from_log_reproduces_published(cdnow):
    from lifetimes.utils import summary_data_from_transaction_data

    built = summary_data_from_transaction_data(
        load_cdnow_transactions(),
        "customer_id",
        "date",
        monetary_value_col="dollars",
        observation_period_end="1997-09-30",
        freq="D",
        freq_multiplier=7,
    ).sort_index()
    assert built.index.equals(cdnow.index)
    np.testing.assert_array_equal(built["frequency"], cdnow["frequency"])
    np.testing.assert_allclose(
        built[["recency", "T", "monetary_value"]], cdnow.iloc[:, 1:], atol=0.0051
    )


# --- BG/NBD likelihood ------------------------------------------------------------------------


def test_loglik_matches_lifetimes_and_published(cdnow):
    from lifetimes import BetaGeoFitter

    x, t_x, t = (cdnow[c].to_numpy() for c in ("frequency", "recency", "T"))
    ours = bgnbd_loglik(x, t_x, t, **MLE)
    theirs = -len(x) * BetaGeoFitter._negative_log_likelihood(
        np.log(list(MLE.values())), x, t_x, t, np.ones(len(x)), 0.0
    )
    assert ours.shape == (2357,)
    assert ours.sum() == pytest.approx(theirs, rel=1e-12)
    assert ours.sum() == pytest.approx(-9582.4, abs=0.1)  # Fader, Hardie and Lee (2005)


def test_loglik_as_pytensor_graph_matches_numpy(cdnow):
    import pytensor
    import pytensor.tensor as pt

    x, t_x, t = (cdnow[c].to_numpy()[:50] for c in ("frequency", "recency", "T"))
    r, alpha, a, b = (pt.dscalar(k) for k in MLE)
    total = bgnbd_loglik(x, t_x, t, r=r, alpha=alpha, a=a, b=b).sum()
    grad = pytensor.grad(total, [r, alpha, a, b])
    f = pytensor.function([r, alpha, a, b], [total, *grad])
    value, *gradient = f(*MLE.values())
    assert value == pytest.approx(bgnbd_loglik(x, t_x, t, **MLE).sum(), rel=1e-10)
    # gradient against central differences of the NumPy version
    for i, k in enumerate(MLE):
        h = 1e-6
        up, down = dict(MLE), dict(MLE)
        up[k] += h
        down[k] -= h
        numeric = (bgnbd_loglik(x, t_x, t, **up).sum() - bgnbd_loglik(x, t_x, t, **down).sum()) / (
            2 * h
        )
        assert gradient[i] == pytest.approx(numeric, rel=1e-4)


def test_zero_repeat_term_is_the_nbd_zero_probability():
    # for x = 0 the likelihood is P(no repeat purchase by T) = (alpha / (alpha + T))^r
    t = 10.0
    ll0 = bgnbd_loglik(0, 0.0, t, **MLE)
    assert float(ll0) == pytest.approx(MLE["r"] * np.log(MLE["alpha"] / (MLE["alpha"] + t)))


@settings(max_examples=60, deadline=None)
@given(
    x=st.integers(0, 40),
    frac=st.floats(0.0, 1.0),
    t=st.floats(0.5, 200.0),
    r=st.floats(0.05, 5.0),
    alpha=st.floats(0.1, 50.0),
    a=st.floats(0.05, 5.0),
    b=st.floats(0.05, 10.0),
)
def test_loglik_finite_on_valid_input(x, frac, t, r, alpha, a, b):
    t_x = 0.0 if x == 0 else frac * t
    ll = float(bgnbd_loglik(x, t_x, t, r=r, alpha=alpha, a=a, b=b))
    assert np.isfinite(ll)
    if x == 0:  # then it is a probability, not a density in t_x
        assert ll <= 1e-12


@settings(max_examples=60, deadline=None)
@given(
    x=st.integers(0, 40),
    frac=st.floats(0.0, 1.0),
    t=st.floats(0.5, 200.0),
    r=st.floats(0.05, 5.0),
    alpha=st.floats(0.1, 50.0),
    a=st.floats(0.05, 5.0),
    b=st.floats(0.05, 10.0),
)
def test_p_alive_is_a_probability_and_matches_lifetimes(x, frac, t, r, alpha, a, b):
    from lifetimes import BetaGeoFitter

    t_x = 0.0 if x == 0 else frac * t
    ours = float(posterior_alive_probability(x, t_x, t, r=r, alpha=alpha, a=a, b=b))
    fitter = BetaGeoFitter()
    fitter.params_ = pd.Series({"r": r, "alpha": alpha, "a": a, "b": b})
    theirs = float(fitter.conditional_probability_alive(x, t_x, t)[0])
    assert 0.0 <= ours <= 1.0
    assert ours == pytest.approx(theirs, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"frequency": [-1]}, ValueError, "`frequency` must hold non-negative integers"),
        ({"frequency": [1.5]}, ValueError, "`frequency` must hold non-negative integers"),
        ({"recency": [-1.0]}, ValueError, "`recency` must be >= 0"),
        ({"recency": [50.0]}, ValueError, r"`recency` must be <= `T`; got recency=50.0 > T=38.86"),
        ({"T": [0.0]}, ValueError, "`T` must be > 0"),
        ({"frequency": [0], "recency": [3.0]}, ValueError, "`recency` must be 0 for customers"),
        (
            {"frequency": [1, 2], "recency": [1.0, 2.0, 3.0]},
            ValueError,
            "must have matching shapes",
        ),
        ({"frequency": "abc"}, TypeError, "`frequency` must be an array of numbers"),
        ({"frequency": [object()]}, TypeError, "`frequency` must be an array of numbers"),
        ({"T": [np.nan]}, ValueError, "`T` must be an array without NaN"),
        ({"r": -1.0}, ValueError, "`r` must be > 0"),
        ({"b": 0.0}, ValueError, "`b` must be > 0"),
        ({"alpha": True}, TypeError, "`alpha` must be a positive number; got bool"),
    ],
)
def test_loglik_validation(kwargs, error, message):
    args = {"frequency": [2], "recency": [30.0], "T": [38.86], **MLE}
    args.update(kwargs)
    with pytest.raises(error, match=message):
        bgnbd_loglik(args.pop("frequency"), args.pop("recency"), args.pop("T"), **args)


def test_p_alive_validates():
    with pytest.raises(ValueError, match="`recency` must be <= `T`"):
        posterior_alive_probability(1, 40.0, 30.0, **MLE)


# --- Gamma-Gamma likelihood -------------------------------------------------------------------


def test_gamma_gamma_loglik_matches_lifetimes(cdnow):
    from lifetimes import GammaGammaFitter

    rep = cdnow[cdnow["frequency"] > 0]
    x, m = rep["frequency"].to_numpy(), rep["monetary_value"].to_numpy()
    ours = gamma_gamma_loglik(x, m, **GG).sum()
    theirs = -len(x) * GammaGammaFitter._negative_log_likelihood(
        np.log(list(GG.values())), x, m, np.ones(len(x)), 0.0
    )
    assert ours == pytest.approx(theirs, rel=1e-12)


def test_gamma_gamma_density_integrates_to_one():
    from scipy import integrate

    for x in (1, 3):
        total, _ = integrate.quad(
            lambda m, x=x: np.exp(gamma_gamma_loglik([x], [m], **GG)[0]), 1e-9, np.inf, limit=200
        )
        assert total == pytest.approx(1.0, abs=1e-6)


@pytest.mark.parametrize(
    ("x", "m", "params", "error", "message"),
    [
        ([0], [10.0], GG, ValueError, "`frequency` must hold integers >= 1"),
        ([1], [0.0], GG, ValueError, "`monetary_value` must be > 0"),
        ([1, 2], [10.0], GG, ValueError, "must have the same shape"),
        ([1], [10.0], {**GG, "q": -1.0}, ValueError, "`q` must be > 0"),
    ],
)
def test_gamma_gamma_validation(x, m, params, error, message):
    with pytest.raises(error, match=message):
        gamma_gamma_loglik(x, m, **params)


# --- simulators -------------------------------------------------------------------------------


def test_simulated_purchases_match_conditional_expectation(rng):
    from lifetimes import BetaGeoFitter

    fitter = BetaGeoFitter()
    fitter.params_ = pd.Series(MLE)
    x, t_x, t = np.array([0, 1, 2, 8]), np.array([0.0, 5.0, 30.43, 20.0]), np.full(4, 38.86)
    counts = simulate_purchases(
        x, t_x, t, **MLE, n_periods=4, period_length=13.0, n_sims=40_000, rng=rng
    )
    assert counts.shape == (40_000, 4, 4) and counts.dtype.kind == "i" and counts.min() >= 0
    total = counts.sum(axis=2)
    exact = fitter.conditional_expected_number_of_purchases_up_to_time(52.0, x, t_x, t)
    se = total.std(axis=0, ddof=1) / np.sqrt(total.shape[0])
    np.testing.assert_array_less(np.abs(total.mean(axis=0) - exact), 4 * se)


def test_simulated_alive_share_matches_p_alive(rng):
    # P(any purchase in a long horizon) <= P(alive); with a very long horizon they nearly agree
    counts = simulate_purchases(
        [8], [5.0], [38.86], **MLE, n_periods=1, period_length=1e4, n_sims=20_000, rng=rng
    )
    p_alive = float(posterior_alive_probability(8, 5.0, 38.86, **MLE))
    share = (counts[:, 0, 0] > 0).mean()
    assert share == pytest.approx(p_alive, abs=4 * np.sqrt(p_alive * (1 - p_alive) / 20_000))


def test_simulate_purchases_seed_contract():
    kw = dict(**MLE, n_periods=3, period_length=4.345, n_sims=50)
    first = simulate_purchases([1, 3], [10.0, 20.0], [38.86, 38.86], rng=7, **kw)
    again = simulate_purchases(
        [1, 3], [10.0, 20.0], [38.86, 38.86], rng=np.random.default_rng(7), **kw
    )
    np.testing.assert_array_equal(first, again)


def _alternating_draws(n_sims):
    """Parameter draws that alternate between MLE (even simulations) and OTHER (odd ones)."""
    even = np.arange(n_sims) % 2 == 0
    return {k: np.where(even, MLE[k], OTHER[k]) for k in MLE}


def test_simulate_purchases_uses_each_simulations_own_parameters(rng):
    from lifetimes import BetaGeoFitter

    n_sims = 40_000
    counts = simulate_purchases(
        [1],
        [10.0],
        [38.86],
        **_alternating_draws(n_sims),
        n_periods=2,
        period_length=13.0,
        n_sims=n_sims,
        rng=rng,
    )
    assert counts.shape == (n_sims, 1, 2)
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
        ({"r": np.ones(3)}, r"`r` must be a number or have shape \(n_sims,\) = \(5,\)"),
    ],
)
def test_simulate_purchases_validation(kwargs, message):
    args = dict(**MLE, n_periods=2, period_length=4.0, n_sims=5)
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        simulate_purchases([1], [10.0], [38.86], rng=1, **args)


def test_simulate_purchases_rejects_non_numeric_period():
    with pytest.raises(TypeError, match="`period_length` must be a real number"):
        simulate_purchases([1], [1.0], [2.0], **MLE, n_periods=1, period_length="4", n_sims=1)


def test_simulated_spend_mean_matches_gamma_gamma(rng):
    from lifetimes import GammaGammaFitter

    fitter = GammaGammaFitter()
    fitter.params_ = pd.Series(GG)
    x, m = np.array([0, 1, 5]), np.array([0.0, 12.0, 40.0])
    counts = np.ones((60_000, 3, 1), dtype=int)
    spend = simulate_spend(counts, x, m, **GG, rng=rng)[..., 0]
    exact = fitter.conditional_expected_average_profit(x, m)
    se = spend.std(axis=0, ddof=1) / np.sqrt(spend.shape[0])
    np.testing.assert_array_less(np.abs(spend.mean(axis=0) - exact), 4 * se)
    assert np.all(simulate_spend(np.zeros((2, 3, 1), dtype=int), x, m, **GG, rng=rng) == 0)


def test_simulate_spend_seed_contract():
    counts = np.array([[[1, 2], [0, 3]]])
    first = simulate_spend(counts, [1, 2], [10.0, 20.0], **GG, rng=3)
    again = simulate_spend(counts, [1, 2], [10.0, 20.0], **GG, rng=np.random.default_rng(3))
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
def test_simulate_spend_validation(counts, x, m, message):
    with pytest.raises(ValueError, match=message):
        simulate_spend(counts, x, m, **GG, rng=1)


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


def test_cohort_mean_matches_lifetimes_clv(small_cohort, rng):
    c = small_cohort
    sim = simulate_cohort(c, bgnbd=MLE, gamma_gamma=GG, n_sims=40_000, chunk=10_000, rng=rng)
    se = sim.value.std(ddof=1) / np.sqrt(sim.value.size)
    assert abs(sim.value.mean() - _lifetimes_cohort_clv(c, MLE)) < 4 * se
    assert np.all(sim.value <= sim.revenue + 1e-9)
    np.testing.assert_allclose(sim.customer_value.sum(), sim.value.mean(), rtol=1e-9)


def test_cohort_seed_contract_and_chunking(small_cohort):
    a = simulate_cohort(small_cohort, bgnbd=MLE, gamma_gamma=GG, n_sims=30, chunk=7, rng=5)
    b = simulate_cohort(
        small_cohort, bgnbd=MLE, gamma_gamma=GG, n_sims=30, chunk=7, rng=np.random.default_rng(5)
    )
    np.testing.assert_array_equal(a.value, b.value)
    assert isinstance(a, CohortSimulation) and a.purchases.shape == (30,)


def test_cohort_interval_and_summary(small_cohort):
    sim = simulate_cohort(small_cohort, bgnbd=MLE, gamma_gamma=GG, n_sims=500, rng=2)
    low, high = sim.interval(0.9)
    assert low <= np.median(sim.value) <= high
    table = sim.summary(0.9)
    assert list(table.index) == ["purchases", "revenue", "value"]
    assert list(table.columns) == ["mean", "mc_se", "5%", "95%"]


def test_cohort_uses_each_simulations_own_parameters(small_cohort, rng):
    n_sims = 40_000
    # a chunk size that does not divide n_sims, nor keep chunk starts even
    sim = simulate_cohort(
        small_cohort,
        bgnbd=_alternating_draws(n_sims),
        gamma_gamma=GG,
        n_sims=n_sims,
        chunk=9_999,
        rng=rng,
    )
    assert sim.value.shape == (n_sims,)
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
            r"`r` must be a number or have shape \(n_sims,\) = \(10,\)",
        ),
        ({"chunk": 0}, ValueError, "`chunk` must be an integer >= 1"),
    ],
)
def test_cohort_validation(small_cohort, kwargs, error, message):
    args = {"summary": small_cohort, "bgnbd": MLE, "gamma_gamma": GG, "n_sims": 10}
    args.update(kwargs)
    with pytest.raises(error, match=message):
        simulate_cohort(args.pop("summary"), **args, rng=1)


@pytest.mark.parametrize(
    ("mass", "of", "message"),
    [
        (1.0, "value", "`ci_prob` must be a probability strictly between 0 and 1"),
        (0.9, "profit", "`of` must be one of 'purchases', 'revenue', 'value'"),
    ],
)
def test_interval_validation(small_cohort, mass, of, message):
    sim = simulate_cohort(small_cohort, bgnbd=MLE, gamma_gamma=GG, n_sims=10, rng=1)
    with pytest.raises(ValueError, match=message):
        sim.interval(mass, of=of)
