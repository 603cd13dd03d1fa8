import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import stats

from helpers.latent import (
    membership_probabilities,
    simulate_documents,
    simulate_factors,
    simulate_mixture,
)
from helpers.simulation import Simulation

W = np.array([[1.0, 0.0], [0.8, 0.2], [0.0, 1.0], [0.1, 0.9], [0.5, 0.5]])


def test_simulate_mixture_returns_truth_and_matches_it(rng):
    n = 20_000
    sim = simulate_mixture(n, weights=[0.2, 0.8], means=[-3.0, 4.0], sds=[1.0, 0.5], rng=rng)
    assert isinstance(sim, Simulation)
    assert sim.data.shape == sim.truth.labels.shape == (n,)
    n0, n1 = np.sum(sim.truth.labels == 0), np.sum(sim.truth.labels == 1)
    # 4 binomial standard errors of a share of n labels: 4 * sqrt(0.2 * 0.8 / n) = 0.011
    assert n0 / n == pytest.approx(0.2, abs=4 * np.sqrt(0.2 * 0.8 / n))
    # 4 standard errors of the mean of the ~16,000 draws of component 1: 4 * 0.5 / sqrt(n1)
    assert sim.data[sim.truth.labels == 1].mean() == pytest.approx(4.0, abs=4 * 0.5 / np.sqrt(n1))
    # the sd of n0 Normal draws has standard error sd / sqrt(2 (n0 - 1)) (0.011 for ~4,000)
    assert sim.data[sim.truth.labels == 0].std() == pytest.approx(
        1.0, abs=4 * 1.0 / np.sqrt(2 * (n0 - 1))
    )
    np.testing.assert_array_equal(sim.truth.means, [-3.0, 4.0])


def test_simulate_mixture_seed_contract():
    kwargs = {"weights": [0.5, 0.5], "means": [0, 1], "sds": [1, 1]}
    a = simulate_mixture(50, **kwargs, rng=7)
    b = simulate_mixture(50, **kwargs, rng=np.random.default_rng(7))
    np.testing.assert_array_equal(a.data, b.data)
    np.testing.assert_array_equal(a.truth.labels, b.truth.labels)
    assert not np.array_equal(a.data, simulate_mixture(50, **kwargs, rng=8).data)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"n": 1.5}, TypeError, "`n` must be an integer"),
        ({"n": 0}, ValueError, "`n` must be an integer >= 1"),
        ({"weights": [0.5, 0.6]}, ValueError, "`weights` must be non-negative and sum to 1"),
        ({"weights": [1.5, -0.5]}, ValueError, "`weights` must be non-negative and sum to 1"),
        ({"means": [0.0]}, ValueError, "must be 1-D of the same length"),
        ({"sds": [1.0, 0.0]}, ValueError, "`sds` must be > 0"),
        ({"means": [0.0, np.nan]}, ValueError, "`means` must be an array without NaN"),
        ({"means": [[0.0, 1.0]]}, ValueError, "`means` must be a 1-D array"),
        ({"means": ["a", "b"]}, TypeError, "`means` must be an array of numbers"),
    ],
)
def test_simulate_mixture_validates(kwargs, error, message):
    args = {"n": 10, "weights": [0.5, 0.5], "means": [0.0, 1.0], "sds": [1.0, 1.0], **kwargs}
    n = args.pop("n")
    with pytest.raises(error, match=message):
        simulate_mixture(n, **args, rng=0)


def test_simulate_factors_covariance_matches_model(rng):
    n = 40_000
    sim = simulate_factors(n, loadings=W, noise_sd=0.5, rng=rng)
    assert isinstance(sim, Simulation)
    assert sim.data.shape == (n, 5) and sim.truth.factors.shape == (n, 2)
    expected = W @ W.T + 0.25 * np.eye(5)
    # For Normal rows the sample covariance s_ij has variance (S_ii S_jj + S_ij^2) / (n - 1)
    # (Wishart); allow 4 standard errors per entry (at most 4 * 0.0088 = 0.035 here)
    diag = np.diag(expected)
    se = np.sqrt((np.outer(diag, diag) + expected**2) / (n - 1))
    assert np.all(np.abs(np.cov(sim.data, rowvar=False) - expected) < 4 * se)
    np.testing.assert_array_equal(sim.truth.noise_sd, np.full(5, 0.5))


def test_simulate_factors_seed_contract():
    a = simulate_factors(30, loadings=W, noise_sd=[0.1, 0.2, 0.3, 0.4, 0.5], rng=3)
    b = simulate_factors(30, loadings=W, noise_sd=[0.1, 0.2, 0.3, 0.4, 0.5], rng=3)
    np.testing.assert_array_equal(a.data, b.data)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"loadings": np.ones((2, 2))}, "with 1 <= k < p"),
        ({"loadings": np.ones(5)}, "`loadings` must be a 2-D array"),
        ({"noise_sd": [1.0, 1.0]}, "`noise_sd` must be a number or have length p=5"),
        ({"noise_sd": -1.0}, "`noise_sd` must be > 0"),
        ({"n": -3}, "`n` must be an integer >= 1"),
    ],
)
def test_simulate_factors_validates(kwargs, message):
    args = {"n": 10, "loadings": W, "noise_sd": 0.5, **kwargs}
    n = args.pop("n")
    with pytest.raises(ValueError, match=message):
        simulate_factors(n, **args, rng=0)


def test_membership_matches_bayes_rule_and_batches():
    y = np.array([-1.0, 0.3, 2.0])
    w, mu, sd = np.array([0.3, 0.7]), np.array([0.0, 1.5]), np.array([1.0, 0.6])
    joint = w * stats.norm(mu, sd).pdf(y[:, None])
    # log-scale (helper) and direct (here) evaluations of the same ratio: each probability has
    # relative rounding of a few eps * |log joint| (< 10 here), ~1e-14; rtol 1e-12 covers it
    np.testing.assert_allclose(
        membership_probabilities(y, w, mu, sd), joint / joint.sum(1, keepdims=True), rtol=1e-12
    )
    batched = membership_probabilities(
        y, np.stack([w, w[::-1]]), np.stack([mu, mu]), np.stack([sd, sd])
    )
    assert batched.shape == (2, 3, 2)
    # the same numbers through a broadcast computation: rounding only, as above
    np.testing.assert_allclose(batched[0], membership_probabilities(y, w, mu, sd), rtol=1e-12)


def test_membership_zero_weight_component_gets_zero():
    probs = membership_probabilities([0.0], [1.0, 0.0], [0.0, 0.0], [1.0, 1.0])
    np.testing.assert_array_equal(probs, [[1.0, 0.0]])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (([0.0], [0.5, 0.5], [0.0], [1.0]), "must have the same shape"),
        (([0.0], [0.5, 0.5], [0.0, 1.0], [1.0, -1.0]), "`sds` must be > 0"),
        (([0.0], [0.2, 0.2], [0.0, 1.0], [1.0, 1.0]), "`weights` must be non-negative"),
        (([[0.0]], [0.5, 0.5], [0.0, 1.0], [1.0, 1.0]), r"`y` must be a 1\-D array"),
    ],
)
def test_membership_validates(args, message):
    with pytest.raises(ValueError, match=message):
        membership_probabilities(*args)


@settings(max_examples=50, deadline=None)
@given(
    y=arrays(float, 5, elements=st.floats(-50, 50)),
    mu=arrays(float, 3, elements=st.floats(-10, 10)),
    sd=arrays(float, 3, elements=st.floats(0.05, 10)),
    raw=arrays(float, 3, elements=st.floats(0.01, 1)),
)
def test_membership_rows_are_probabilities(y, mu, sd, raw):
    probs = membership_probabilities(y, raw / raw.sum(), mu, sd)
    assert np.all((probs >= 0) & (probs <= 1))
    # exp(log p_k - logsumexp) carries the log-sum-exp's absolute rounding, eps * |log joint|
    # (up to ~7e5 for y = 50, sd = 0.05), into every p_k; with one rounding per component on
    # top, a row sums to 1 within (K + 1) eps (1 + max_k |log N(y | mu_k, sd_k)|)
    scale = np.abs(stats.norm.logpdf(y[:, None], mu, sd)).max(axis=1)
    tol = (len(mu) + 1) * np.finfo(float).eps * (1 + scale)
    assert np.all(np.abs(probs.sum(axis=1) - 1.0) <= tol)


TOPICS = np.array([[0.6, 0.3, 0.1, 0.0], [0.0, 0.1, 0.3, 0.6]])


def test_simulate_documents_counts_add_up_and_follow_the_model(rng):
    docs = simulate_documents(3000, topics=TOPICS, alpha=0.5, doc_length=20, rng=rng)
    assert docs.data.shape == (3000, 4) and docs.truth.topic_counts.shape == (3000, 2, 4)
    assert np.array_equal(docs.truth.topic_counts.sum(axis=1), docs.data)
    assert np.all(docs.data.sum(axis=1) == 20)
    np.testing.assert_allclose(docs.truth.proportions.sum(axis=1), 1.0)
    # words drawn from topic k follow topic k (60,000 words: 3 binomial SEs is < 0.01)
    by_topic = docs.truth.topic_counts.sum(axis=0)
    np.testing.assert_allclose(by_topic / by_topic.sum(axis=1, keepdims=True), TOPICS, atol=0.01)
    # a document's share of topic-k words estimates its theta_k
    shares = docs.truth.topic_counts.sum(axis=2) / 20
    assert abs(np.mean(shares - docs.truth.proportions)) < 0.01
    np.testing.assert_allclose(docs.truth.proportions.mean(axis=0), [0.5, 0.5], atol=0.03)


def test_simulate_documents_seed_contract():
    a = simulate_documents(5, topics=TOPICS, alpha=1.0, doc_length=8, rng=7)
    b = simulate_documents(5, topics=TOPICS, alpha=1.0, doc_length=8, rng=np.random.default_rng(7))
    assert np.array_equal(a.truth.topic_counts, b.truth.topic_counts) and np.array_equal(
        a.truth.proportions, b.truth.proportions
    )


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"n_docs": 0}, ValueError, "`n_docs` must be an integer >= 1"),
        ({"doc_length": 2.5}, TypeError, "`doc_length` must be an integer"),
        ({"alpha": 0.0}, ValueError, "`alpha` must be a number > 0"),
        ({"alpha": "1"}, TypeError, "`alpha` must be a real number"),
        ({"topics": [[0.5, 0.6]]}, ValueError, "`topics` must be non-negative and sum to 1"),
        ({"topics": [0.5, 0.5]}, ValueError, r"`topics` must be a 2-D array of shape \(K, V\)"),
    ],
)
def test_simulate_documents_validates(kwargs, error, message):
    args = {"n_docs": 3, "topics": TOPICS, "alpha": 0.5, "doc_length": 5} | kwargs
    with pytest.raises(error, match=message):
        simulate_documents(**args, rng=0)
