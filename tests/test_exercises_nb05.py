import numpy as np
import pytest

from helpers import check
from helpers.exercises import exercise_ids, nb05
from helpers.hierarchical import EIGHT_SCHOOLS_EFFECTS, EIGHT_SCHOOLS_SE
from helpers.segments import simulate_segments
from tests.test_exercises import assert_expected_is_right, assert_teaches


def _posterior_draws(rng, draws=1000):
    """Exact posterior draws of (mu, tau, theta) from the quadrature, shaped like a 4-chain fit."""
    import arviz as az

    post = nb05.exact_posterior()
    idx = rng.choice(post.tau.size, size=4 * draws, p=post.weights)
    tau = post.tau[idx]
    mu = rng.normal(post.mu_mean[idx], np.sqrt(post.mu_var[idx]))
    y, s = np.array(EIGHT_SCHOOLS_EFFECTS), np.array(EIGHT_SCHOOLS_SE)
    prec = 1 / s**2 + 1 / tau[:, None] ** 2
    theta = rng.normal((y / s**2 + mu[:, None] / tau[:, None] ** 2) / prec, np.sqrt(1 / prec))
    return az.from_dict(
        {
            "posterior": {
                "mu": mu.reshape(4, draws),
                "tau": tau.reshape(4, draws),
                "theta": theta.reshape(4, draws, 8),
            }
        },
    )


def test_ids():
    assert exercise_ids("05") == ["05-1", "05-2", "05-3", "05-4"]


def test_05_1():
    from helpers.hierarchical import precision_weighted_mean

    check.exercise("05-1", precision_weighted_mean(EIGHT_SCHOOLS_EFFECTS[1:], EIGHT_SCHOOLS_SE[1:]))
    assert_teaches("05-1", precision_weighted_mean(EIGHT_SCHOOLS_EFFECTS, EIGHT_SCHOOLS_SE))
    with pytest.raises(check.AnswerMalformed, match="expects 2 numbers"):
        check.exercise("05-1", 6.07)


def test_05_2():
    from scipy import special

    exp = simulate_segments([5000, 1000, 100], rng=4)
    d = exp.data.sum()
    pooled = special.logit(d.conversions_treatment / d.users_treatment) - special.logit(
        d.conversions_control / d.users_control
    )
    check.exercise("05-2", float(np.sqrt(np.mean((pooled - exp.truth.lift) ** 2))), experiment=exp)
    truth = exp.truth  # the hidden truth: the learner's data do not show it
    wrong = float(np.sqrt(np.mean((truth.lift_mean - truth.lift) ** 2)))
    assert "complete-pooling RMSE" in assert_teaches("05-2", wrong, experiment=exp)
    assert_expected_is_right("05-2", wrong=wrong, experiment=exp)
    # the wrong context is the notebook's bug, not the learner's: it propagates as is
    with pytest.raises(TypeError, match="Simulation from simulate_segments"):
        check.exercise("05-2", 0.1, experiment=exp.data)


def test_05_3_reference_passes_and_no_pooling_answer_fails(rng):
    idata = _posterior_draws(rng)
    answer = float((idata.posterior["theta"][..., 0] > 10).mean())
    check.exercise("05-3", answer, idata=idata)
    from scipy import stats

    assert "theta_A > 10" in assert_teaches("05-3", float(stats.norm.sf(10, 28, 15)), idata=idata)
    assert_expected_is_right("05-3", wrong=float(stats.norm.sf(10, 28, 15)), idata=idata)
    with pytest.raises(TypeError, match="non-centered fit"):
        check.exercise("05-3", answer, idata=None)


def test_05_4_reference_passes_and_mu_alone_fails(rng):
    idata = _posterior_draws(rng)
    mu = idata.posterior["mu"].values.ravel()
    tau = idata.posterior["tau"].values.ravel()
    answer = float((mu + tau * rng.standard_normal(mu.size) > 0).mean())
    check.exercise("05-4", answer, idata=idata)
    assert "theta_new > 0" in assert_teaches("05-4", float((mu > 0).mean()), idata=idata)
    assert_expected_is_right("05-4", wrong=float((mu > 0).mean()), idata=idata)
