"""Self-checks of notebook 04: reference answers pass, plausible wrong answers fail."""

import arviz as az
import numpy as np
import pytest
from scipy import stats

from helpers import check
from helpers.exercises import exercise_ids, nb04
from tests.test_exercises import assert_expected_is_right, assert_teaches


def test_ids():
    assert exercise_ids("04") == ["04-1", "04-2", "04-3", "04-4"]


def test_04_1_min_pvalue(rng):
    observed = rng.normal(10, 1, size=40)
    replicated = rng.normal(10, 3, size=(4, 200, 40))
    right = float(np.mean(replicated.reshape(-1, 40).min(axis=1) >= observed.min()))
    check.exercise("04-1", right, observed=observed, replicated=replicated)
    assert_teaches("04-1", 1 - right, observed=observed, replicated=replicated)
    assert assert_expected_is_right("04-1", observed=observed, replicated=replicated) == right


def test_04_2_closed_form_matches_simulation(rng):
    exact = nb04.exact_week_probability()
    alpha, beta = rng.normal(0, 100, size=(2, 400_000))
    assert abs(np.mean(alpha + 30 * beta > 168) - exact) < 0.004
    assert 0.47 < exact < 0.49


def test_04_2_answers(rng):
    draws = 2000
    alpha, beta = rng.normal(0, 100, size=(2, draws))
    check.exercise("04-2", float(np.mean(alpha + 30 * beta > 168)), draws=draws)
    wrong = float(np.mean(alpha > 168))  # forgot the slope
    assert_teaches("04-2", wrong, draws=draws)
    assert_expected_is_right("04-2", wrong=wrong, draws=draws)


def test_04_3_quadrature_matches_simulation(rng):
    v = rng.normal(0, 3, size=1_000_000)
    x = np.exp(v / 2) * rng.normal(size=v.size)
    assert abs(np.mean(np.abs(x) > 10) - nb04.exact_funnel_wide()) < 0.001


def _funnel_idata(rng, v_shift=0.0):
    v = rng.normal(v_shift, 3, size=(4, 1000))
    x = np.exp(v / 2)[..., None] * rng.normal(size=(4, 1000, 9))
    return az.from_dict({"posterior": {"v": v, "x": x}}, dims={"x": ["group"]})


def test_04_3_answers(rng):
    idata = _funnel_idata(rng)
    right = float((np.abs(idata.posterior["x"].sel(group=0)) > 10).mean())
    check.exercise("04-3", right, idata=idata)
    biased = _funnel_idata(rng, v_shift=2.0)  # draws of v that sit too high, like the centred fit
    wrong = float((np.abs(biased.posterior["x"].sel(group=0)) > 10).mean())
    assert wrong > 2 * nb04.exact_funnel_wide()
    assert_teaches("04-3", wrong, idata=idata)
    assert_expected_is_right("04-3", wrong=wrong, idata=idata)


def test_exact_values_agree_with_scipy():
    sd = 100 * np.sqrt(901)
    assert nb04.exact_week_probability() == pytest.approx(stats.norm.sf(168 / sd))


def test_04_4_closed_form():
    scale = nb04.exact_noise_scale()
    assert stats.halfnorm(scale=scale).cdf(20) == pytest.approx(0.95, abs=1e-12)
    assert scale == pytest.approx(10.2043, abs=1e-4)


def test_04_4_answers():
    import preliz as pz

    elicited = pz.maxent(pz.HalfNormal(), lower=0, upper=20, mass=0.95, plot=False)
    check.exercise("04-4", float(elicited.sigma))
    check.exercise("04-4", nb04.exact_noise_scale())
    wrong = 20 / stats.halfnorm.ppf(0.9)  # 90% instead of 95%
    assert_teaches("04-4", wrong)
    with pytest.raises(check.AnswerIncorrect, match="not yet"):
        check.exercise("04-4", 10.0)  # the hand-argued scale is close, but not the elicited one


def test_04_4_rejects_non_positive():
    with pytest.raises(check.AnswerMalformed, match="04-4: a HalfNormal scale is above 0"):
        check.exercise("04-4", -1.0)
