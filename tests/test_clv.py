"""Tests of helpers.clv: data loading, likelihoods against lifetimes, the simulators."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.clv import (
    bgnbd_loglik,
    gamma_gamma_loglik,
    load_cdnow_published_summary,
    load_cdnow_transactions,
    posterior_alive_probability,
)
from helpers.clv_cohort import (
    draw_purchases,
)

MLE = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
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


def test_simulated_alive_share_matches_p_alive(rng):
    # P(any purchase in a long horizon) <= P(alive); with a very long horizon they nearly agree
    counts = draw_purchases(
        [8], [5.0], [38.86], **MLE, n_periods=1, period_length=1e4, n_draws=20_000, rng=rng
    )
    p_alive = float(posterior_alive_probability(8, 5.0, 38.86, **MLE))
    share = (counts[:, 0, 0] > 0).mean()
    assert share == pytest.approx(p_alive, abs=4 * np.sqrt(p_alive * (1 - p_alive) / 20_000))
