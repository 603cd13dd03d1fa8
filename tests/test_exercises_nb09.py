import arviz as az
import numpy as np
import pytest
from scipy import linalg

from helpers import check
from helpers.exercises import exercise_ids
from helpers.exercises.nb09 import NEW_SESSION_MINUTES
from helpers.latent import membership_probabilities, simulate_factors
from tests.test_exercises import assert_expected_is_right, assert_teaches

LOADINGS = np.array([[0.9, 0.0], [0.7, 0.1], [0.9, 0.2], [0.1, 0.9], [0.2, 0.8], [0.5, 0.4]])


def test_ids():
    assert exercise_ids("09") == ["09-1", "09-2", "09-3", "09-4", "09-5"]


def test_09_1_principal_angles(rng):
    a, b = LOADINGS, LOADINGS + 0.1 * rng.normal(size=LOADINGS.shape)
    right = np.sort(np.degrees(linalg.subspace_angles(a, b)))
    check.exercise("09-1", right, a=a, b=b)
    radians = np.radians(right)  # radians, not degrees
    assert "principal angles" in assert_teaches("09-1", radians, a=a, b=b)
    assert_expected_is_right("09-1", wrong=radians, a=a, b=b)
    with pytest.raises(check.AnswerMalformed, match="must hold 2 angles"):
        check.exercise("09-1", right[:1], a=a, b=b)


def _idata(rng):
    chains, draws = 2, 50
    w = rng.dirichlet([35, 45, 20], size=(chains, draws))
    mu = np.array([0.5, 2.0, 3.3]) + 0.05 * rng.normal(size=(chains, draws, 3))
    sigma = np.array([0.35, 0.45, 0.4]) * np.exp(0.05 * rng.normal(size=(chains, draws, 3)))
    return az.from_dict(
        {"posterior": {"w": w, "mu": mu, "sigma": sigma}},
        dims={k: ["segment"] for k in ("w", "mu", "sigma")},
    )


def test_09_2_membership_of_a_new_user(rng):
    idata = _idata(rng)
    flat = az.extract(idata)
    probs = membership_probabilities(
        np.array([np.log(NEW_SESSION_MINUTES)]),
        flat["w"].values.T,
        flat["mu"].values.T,
        flat["sigma"].values.T,
    )
    check.exercise("09-2", float(probs[:, 0, 2].mean()), idata=idata)
    wrong = float(probs[:, 0, 1].mean())  # the lesson segment
    assert "binge" in assert_teaches("09-2", wrong, idata=idata)
    assert assert_expected_is_right("09-2", wrong=wrong, idata=idata) == pytest.approx(
        float(probs[:, 0, 2].mean()), abs=1e-12
    )


def test_09_3_ppca_closed_form(rng):
    x = simulate_factors(400, loadings=LOADINGS, noise_sd=0.5, rng=rng).data
    lam, vec = np.linalg.eigh(np.cov(x, rowvar=False))
    lam, vec = lam[::-1], vec[:, ::-1]
    sigma2 = lam[2:].mean()
    right = vec[:, :2] * np.sqrt(lam[:2] - sigma2)
    theta = 0.7
    rotation = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    check.exercise("09-3", right @ rotation, x=x)  # any rotation is equally right
    wrong = vec[:, :2] * np.sqrt(lam[:2])  # forgot to subtract sigma^2
    assert "W W^T" in assert_teaches("09-3", wrong, x=x)
    assert_expected_is_right("09-3", wrong=wrong, x=x)
    with pytest.raises(check.AnswerMalformed, match=r"shape \(n, 2\)"):
        check.exercise("09-3", right[:, :1], x=x)
    with pytest.raises(check.AnswerMalformed, match="one row per variable"):
        check.exercise("09-3", right[:3], x=x)


def test_09_4_number_of_traits(rng):
    x = simulate_factors(600, loadings=LOADINGS, noise_sd=0.4, rng=rng).data
    check.exercise("09-4", 2, x=x)
    assert "number of traits" in assert_teaches("09-4", 1, x=x)
    assert assert_expected_is_right("09-4", wrong=1, x=x) == 2


def test_09_5_reviews_without_a_dominant_topic(rng):
    theta_draws = rng.dirichlet([2.0, 1.0, 1.0], size=(300, 20))  # (draw, review, topic)
    right = np.mean(theta_draws.max(axis=2) < 0.6, axis=0)
    check.exercise("09-5", right, theta_draws=theta_draws)
    check.exercise("09-5", right, theta_draws=theta_draws[:, :, ::-1])  # any topic order
    with pytest.raises(check.AnswerIncorrect, match="largest topic share"):
        mean_only = (theta_draws.mean(axis=0).max(axis=1) < 0.6).astype(float)
        check.exercise("09-5", mean_only, theta_draws=theta_draws)  # no uncertainty
    # the dominant ones
    assert "largest topic share" in assert_teaches("09-5", 1 - right, theta_draws=theta_draws)
    expected = assert_expected_is_right("09-5", wrong=1 - right, theta_draws=theta_draws)
    np.testing.assert_array_equal(expected, right)
    with pytest.raises(check.AnswerMalformed, match="one probability per review"):
        check.exercise("09-5", right[:5], theta_draws=theta_draws)
