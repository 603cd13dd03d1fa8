"""Reference answers to notebook 07's exercises pass; plausible wrong answers fail."""

import numpy as np
import pytest

from helpers import check
from helpers.exercises import exercise_ids, nb07
from helpers.montecarlo import mc_estimate
from helpers.samplers import GaussianTarget, hmc, random_walk_metropolis
from tests.test_exercises import assert_teaches


def test_ids():
    assert exercise_ids("07") == ["07-1", "07-2", "07-3"]


def test_07_1_mean_field_sds():
    right = 1 / np.sqrt(np.diag(np.linalg.inv(nb07.EXERCISE_COV)))
    check.exercise("07-1", right)
    assert_teaches("07-1", np.sqrt(np.diag(nb07.EXERCISE_COV)))  # the marginal sds: wrong
    with pytest.raises(check.AnswerMalformed, match="07-1 expects 3 numbers .* has 2"):
        check.exercise("07-1", right[:2])


def test_07_2_reparameterised_gradient(rng):
    eps = rng.standard_normal(50_000)
    theta = nb07.COS_MU + nb07.COS_SIGMA * eps
    check.exercise("07-2", mc_estimate(-np.sin(theta) * eps))
    # the score-function estimator is unbiased but noisier: its standard error gives it away
    score = np.cos(theta) * (eps**2 - 1) / nb07.COS_SIGMA
    assert "standard error" in assert_teaches("07-2", mc_estimate(score))
    # d/d mu instead of d/d sigma: wrong value
    with pytest.raises(check.AnswerIncorrect, match="gradient estimate"):
        check.exercise("07-2", mc_estimate(-np.sin(theta)))
    with pytest.raises(check.AnswerMalformed, match="MCEstimate"):
        check.exercise("07-2", 0.5)


def test_07_2_exact_value_matches_closed_form():
    mu, sigma = nb07.COS_MU, nb07.COS_SIGMA
    closed = -sigma * np.cos(mu) * np.exp(-(sigma**2) / 2)
    assert nb07.exact_cos_gradient() == pytest.approx(closed, rel=1e-6)


def test_07_3_hmc_on_the_harder_target():
    target = GaussianTarget.correlated(rho=0.99)
    good = hmc(
        target.logp, target.grad, np.zeros(2), n_draws=1000, step_size=0.09, n_steps=25, rng=1
    )
    check.exercise("07-3", good.draws)
    # a random walk of the same length mixes far too slowly
    bad = random_walk_metropolis(target.logp, np.zeros(2), n_draws=1000, step_size=0.2, rng=1)
    assert "effective sample size" in assert_teaches("07-3", bad.draws)
    # draws from the wrong target (rho = 0.5) fail the covariance check
    wrong = GaussianTarget.correlated(rho=0.5)
    other = hmc(wrong.logp, wrong.grad, np.zeros(2), n_draws=1000, step_size=0.2, n_steps=12, rng=1)
    with pytest.raises(check.AnswerIncorrect, match="covariance"):
        check.exercise("07-3", other.draws)
    with pytest.raises(check.AnswerMalformed, match=r"shape \(n, 2\)"):
        check.exercise("07-3", good.draws[:, 0])
