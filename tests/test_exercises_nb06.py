"""Notebook 06 exercise checkers: the reference answers pass, plausible wrong answers fail."""

from __future__ import annotations

import numpy as np
import pytest

from helpers import check
from helpers.clv_cohort import draw_purchases
from helpers.exercises import exercise_ids, nb06
from helpers.montecarlo import mc_estimate
from tests.test_exercises import assert_expected_is_right, assert_teaches

MLE = {"r": 0.2426, "alpha": 4.4136, "a": 0.7929, "b": 2.4259}


def test_ids():
    assert exercise_ids("06") == ["06-1", "06-2", "06-3", "06-4", "06-5"]


def test_closed_forms_match_lifetimes():
    import pandas as pd
    from lifetimes import BetaGeoFitter

    fitter = BetaGeoFitter()
    fitter.params_ = pd.Series(MLE)
    for x, t_x in [(0, 0.0), (1, 5.0), (4, 10.0), (10, 38.0)]:
        assert nb06.p_alive(x, t_x, 38.86, MLE) == pytest.approx(
            float(fitter.conditional_probability_alive(x, t_x, 38.86)[0]), rel=1e-10
        )
        assert nb06.conditional_expected_purchases(52.0, x, t_x, 38.86, MLE) == pytest.approx(
            float(fitter.conditional_expected_number_of_purchases_up_to_time(52.0, x, t_x, 38.86)),
            rel=1e-10,
        )


def test_p_alive_quiet():
    right = nb06.p_alive(4, 10.0, 38.86, MLE)
    check.exercise("06-1", right, params=MLE)
    assert_teaches("06-1", 1.0 - right, params=MLE)  # P(dead) instead of P(alive)
    assert assert_expected_is_right("06-1", params=MLE) == right
    with pytest.raises(TypeError, match="dict of BG/NBD parameters"):
        check.exercise("06-1", right, params=[0.2, 4.0, 0.8, 2.4])


def test_customer_1_simulation(rng):
    counts = draw_purchases(
        2, 30.43, 38.86, **MLE, n_periods=1, period_length=52.0, n_draws=20_000, rng=rng
    )
    check.exercise("06-2", mc_estimate(counts.ravel()), params=MLE)
    wrong = draw_purchases(  # a 39-week horizon instead of 52
        2, 30.43, 38.86, **MLE, n_periods=1, period_length=39.0, n_draws=20_000, rng=rng
    )
    assert "4 SE" in assert_teaches("06-2", mc_estimate(wrong.ravel()), params=MLE)
    expected = assert_expected_is_right("06-2", wrong=mc_estimate(wrong.ravel()), params=MLE)
    # its standard error is that of the learner's estimate, scaled to its number of draws
    assert expected.se * np.sqrt(expected.n_draws) == pytest.approx(counts.std(ddof=1), rel=0.05)
    with pytest.raises(check.AnswerMalformed, match="MCEstimate"):
        check.exercise("06-2", 1.56, params=MLE)
    with pytest.raises(check.AnswerIncorrect, match="at least 10,000"):
        check.exercise("06-2", mc_estimate(counts.ravel()[:500]), params=MLE)


def test_below_threshold(rng):
    values = rng.normal(71_000, 5_000, size=2_000)
    est = mc_estimate(values < 65_000)
    check.exercise("06-3", est.mean, values=values, se=est.se)
    wrong = float(np.mean(values > 65_000))
    assert "P(value < $65,000)" in assert_teaches("06-3", wrong, values=values, se=est.se)
    assert assert_expected_is_right("06-3", values=values, se=est.se) == est.mean
    with pytest.raises(check.AnswerIncorrect, match="its standard error"):
        check.exercise("06-3", est.mean, values=values, se=est.se * 10)
    with pytest.raises(ValueError, match="1-D array"):
        check.exercise("06-3", est.mean, values=values[:10], se=est.se)


def test_own_mle_reference_answer():
    from lifetimes.utils import summary_data_from_transaction_data
    from scipy import optimize

    from helpers.clv import bgnbd_loglik, load_cdnow_transactions

    full = summary_data_from_transaction_data(
        load_cdnow_transactions(),
        "customer_id",
        "date",
        observation_period_end="1998-06-30",
        freq="D",
        freq_multiplier=7,
    )

    def nll(z):
        r, alpha, a, b = np.exp(z)
        return -bgnbd_loglik(
            full["frequency"], full["recency"], full["T"], r=r, alpha=alpha, a=a, b=b
        ).sum()

    fit = optimize.minimize(
        nll,
        np.zeros(4),
        method="Nelder-Mead",
        options={"xatol": 1e-8, "fatol": 1e-8, "maxiter": 10_000},
    )
    check.exercise("06-4", np.exp(fit.x))


def test_own_mle_wrong_answers():
    calibration_mle = np.array(list(MLE.values()))  # fitted to 39 weeks, not 78
    assert "78-week MLE" in assert_teaches("06-4", calibration_mle)
    with pytest.raises(check.AnswerMalformed, match="expects 4 numbers .* has 3"):
        check.exercise("06-4", calibration_mle[:3])


def _posterior(rng, draws=200):
    import arviz as az

    scale = np.array([0.012, 0.38, 0.2, 0.9])  # about the CDNOW posterior sds
    values = np.array(list(MLE.values())) * np.exp(
        scale / np.array(list(MLE.values())) * rng.normal(size=(2, draws, 4))
    )
    return az.from_dict(
        {"posterior": dict(zip(["r", "alpha", "a", "b"], np.moveaxis(values, -1, 0), strict=True))}
    )


def test_p_alive_interval(rng):
    from helpers.clv import posterior_alive_probability

    idata = _posterior(rng)
    post = idata.posterior
    per_draw = posterior_alive_probability(
        4, 10.0, 38.86, **{k: np.asarray(post[k]).ravel() for k in ("r", "alpha", "a", "b")}
    )
    right = np.quantile(per_draw, [0.05, 0.95])
    check.exercise("06-5", right, idata=idata)
    wrong = np.quantile(per_draw, [0.025, 0.975])  # 95%
    assert "90% interval of P(alive)" in assert_teaches("06-5", wrong, idata=idata)
    assert_expected_is_right("06-5", wrong=wrong, idata=idata)
    with pytest.raises(check.AnswerIncorrect, match="90% interval of P\\(alive\\)"):
        plug_in = nb06.p_alive(4, 10.0, 38.86, MLE)
        check.exercise("06-5", [plug_in, plug_in], idata=idata)  # no uncertainty
    with pytest.raises(check.AnswerMalformed, match="two numbers, low then high"):
        check.exercise("06-5", right[:1], idata=idata)
    with pytest.raises(check.AnswerMalformed, match="low end .* is above your high end"):
        check.exercise("06-5", right[::-1], idata=idata)
