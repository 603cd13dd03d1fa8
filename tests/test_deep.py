"""Tests of helpers.deep: the digits split, the per-datum ELBO, the baselines and two moons."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from helpers import seed_torch
from helpers.deep import (
    PIXEL_MAX,
    default_device,
    elbo_per_digit,
    independent_pixels_loglik,
    load_digits_data,
    make_moons_data,
    two_moons_logpdf,
)


@pytest.fixture(scope="module")
def digits():
    return load_digits_data(rng=0, device="cpu")


# --- data ---------------------------------------------------------------------------------------


def test_digits_split_shapes_and_range(digits):
    assert digits.x_train.shape == (1437, 64) and digits.x_test.shape == (360, 64)
    assert digits.x_train.dtype == torch.float32
    assert float(digits.x_train.min()) == 0.0 and float(digits.x_train.max()) == PIXEL_MAX
    assert set(np.unique(digits.y_test)) == set(range(10))
    assert digits.n_pixels == 64


def test_digits_split_is_stratified(digits):
    share = np.bincount(digits.y_test) / len(digits.y_test)
    assert np.all(np.abs(share - 0.1) < 0.01)


def test_digits_split_seed_contract():
    a, b = load_digits_data(rng=5, device="cpu"), load_digits_data(rng=5, device="cpu")
    c = load_digits_data(rng=np.random.default_rng(6), device="cpu")
    assert torch.equal(a.x_test, b.x_test) and np.array_equal(a.y_test, b.y_test)
    assert not torch.equal(a.x_test, c.x_test)


@pytest.mark.parametrize(
    ("bad", "error"),
    [(0, ValueError), (1, ValueError), (1.5, ValueError), (-0.1, ValueError)]
    + [(True, TypeError), ("0.2", TypeError)],
)
def test_digits_rejects_bad_fraction(bad, error):
    with pytest.raises(error, match="`test_fraction` must be"):
        load_digits_data(bad)


def test_default_device_is_cpu_without_cuda():
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert default_device().type == expected


# --- the per-datum ELBO ----------------------------------------------------------------------------


def _conjugate(x_col=0):
    """z ~ N(0, 1), x | z ~ N(z, 1), and the exact posterior q(z | x) = N(x / 2, 1 / 2)."""
    import pyro
    import pyro.distributions as dist

    def model(x):
        with pyro.plate("rows", x.shape[0]):
            z = pyro.sample("z", dist.Normal(0.0, 1.0))
            pyro.sample("x", dist.Normal(z, 1.0), obs=x[:, x_col])

    def guide(x):
        with pyro.plate("rows", x.shape[0]):
            pyro.sample("z", dist.Normal(x[:, x_col] / 2, 0.5**0.5))

    return model, guide


def test_elbo_per_digit_is_log_evidence_when_the_guide_is_the_posterior(rng):
    # with q(z | x) = p(z | x), log p(x, z) - log q(z | x) = log p(x) for every draw of z
    from scipy import stats

    model, guide = _conjugate()
    x = torch.as_tensor(rng.normal(0, 2, size=(40, 1)), dtype=torch.float64)
    exact = stats.norm(0, np.sqrt(2)).logpdf(x[:, 0].numpy())
    for n_draws in (1, 3):
        ours = elbo_per_digit(model, guide, x, n_draws=n_draws)
        assert ours.shape == (40,)
        np.testing.assert_allclose(ours.numpy(), exact, rtol=1e-10, atol=1e-12)


def _tiny_vae(hidden=16):
    """A small VAE for pixel counts, written as notebook 10 writes it."""
    import pyro
    import pyro.distributions as dist
    from torch import nn

    encoder = nn.Sequential(nn.Linear(64, hidden), nn.ReLU(), nn.Linear(hidden, 4))
    decoder = nn.Sequential(nn.Linear(2, hidden), nn.ReLU(), nn.Linear(hidden, 64))

    def model(x):
        pyro.module("decoder", decoder)
        with pyro.plate("digits", x.shape[0]):
            z = pyro.sample("z", dist.Normal(x.new_zeros(2), 1.0).to_event(1))
            likelihood = dist.Binomial(PIXEL_MAX, logits=decoder(z)).to_event(1)
            pyro.sample("x", likelihood, obs=x)

    def guide(x):
        pyro.module("encoder", encoder)
        with pyro.plate("digits", x.shape[0]):
            out = encoder(x / PIXEL_MAX)
            loc, scale = out[:, :2], nn.functional.softplus(out[:, 2:]) + 1e-4
            pyro.sample("z", dist.Normal(loc, scale).to_event(1))

    return model, guide


def test_elbo_per_digit_matches_pyro_trace_elbo(digits):
    from pyro.infer import Trace_ELBO

    seed_torch(0)
    model, guide = _tiny_vae()
    x = digits.x_test[:50]
    ours = elbo_per_digit(model, guide, x, n_draws=200)
    pyro_loss = Trace_ELBO(num_particles=200, vectorize_particles=True, max_plate_nesting=1).loss(
        model, guide, x
    )
    # both are Monte Carlo estimates of the same ELBO; compare within a few standard errors
    single = torch.stack([elbo_per_digit(model, guide, x) for _ in range(30)]).sum(dim=1)
    se = float(single.std()) / np.sqrt(200)
    assert ours.shape == (50,)
    assert abs(float(ours.sum()) + pyro_loss) < 5 * se * np.sqrt(2)


def test_elbo_per_digit_equals_the_pinned_trace_elbo(digits):
    # with the guide's draw fixed by replay, Trace_ELBO is deterministic: the sum of our
    # per-digit values must equal it to float32 rounding
    from pyro import poutine
    from pyro.infer import Trace_ELBO

    seed_torch(1)
    model, guide = _tiny_vae()
    x = digits.x_test[:20]
    guide_trace = poutine.trace(guide).get_trace(x)
    pinned = poutine.replay(guide, trace=guide_trace)
    ours = elbo_per_digit(model, pinned, x)
    assert float(ours.sum()) == pytest.approx(-Trace_ELBO().loss(model, pinned, x), rel=1e-6)


def test_elbo_per_digit_seed_contract(digits):
    model, guide = _tiny_vae()
    seed_torch(4)
    first = elbo_per_digit(model, guide, digits.x_test[:10])
    seed_torch(4)
    assert torch.equal(first, elbo_per_digit(model, guide, digits.x_test[:10]))


def test_elbo_per_digit_validates(digits):
    import pyro
    import pyro.distributions as dist

    model, guide = _tiny_vae(hidden=8)
    with pytest.raises(TypeError, match="`x` must be a torch.Tensor"):
        elbo_per_digit(model, guide, digits.x_test.numpy())
    with pytest.raises(ValueError, match=r"`x` must be a tensor of shape \(n, d\) with n >= 1"):
        elbo_per_digit(model, guide, digits.x_test[0])
    with pytest.raises(ValueError, match="`n_draws` must be an integer >= 1"):
        elbo_per_digit(model, guide, digits.x_test, n_draws=0)

    def global_model(x):  # a latent outside the plate cannot be split by row
        shift = pyro.sample("shift", dist.Normal(0.0, 1.0))
        with pyro.plate("rows", x.shape[0]):
            pyro.sample("x", dist.Normal(shift, 1.0), obs=x[:, 0])

    def global_guide(x):
        pyro.sample("shift", dist.Normal(0.0, 1.0))

    with pytest.raises(ValueError, match="site 'shift' has log-density of shape"):
        elbo_per_digit(global_model, global_guide, torch.zeros(3, 1))


# --- the independent-pixel baseline ---------------------------------------------------------------


def test_independent_pixels_is_a_normalised_distribution_over_digits():
    # Summed over all 17^2 possible two-pixel test digits, a log-likelihood must give
    # probability 1, whatever p the training digits imply: this fails for a missing binomial
    # coefficient or a density that is not a pmf. 289 positive terms, each with relative
    # rounding error of a few eps, sum to 1 within 1e-12.
    from scipy.special import logsumexp

    counts = np.arange(PIXEL_MAX + 1, dtype=float)
    every_digit = np.stack(np.meshgrid(counts, counts), axis=-1).reshape(-1, 2)
    train = np.array([[0.0, 16.0], [3.0, 5.0], [16.0, 7.0]])
    assert logsumexp(independent_pixels_loglik(train, every_digit)) == pytest.approx(0, abs=1e-12)


def test_independent_pixels_recovers_the_true_binomial_likelihood(rng):
    """Training digits drawn from known Binomial(16, p_j) pixels: the held-out log-likelihood
    must approach the true one, log Binomial(x; 16, p_true), as the training set grows."""
    from scipy import stats

    n, p_true = 20_000, np.array([0.1, 0.5, 0.85])
    train = rng.binomial(PIXEL_MAX, p_true, size=(n, 3)).astype(float)
    test = np.array([[2.0, 8.0, 14.0], [0.0, 16.0, 13.0], [5.0, 3.0, 16.0]])
    got = independent_pixels_loglik(train, test)
    truth = stats.binom(PIXEL_MAX, p_true).logpmf(test).sum(axis=1)
    # Each p_hat_j is a share of 16 n Bernoulli trials: standard error
    # sqrt(p (1 - p) / (16 n)), plus a bias of at most 0.5 / (16 n + 1) from the half-count
    # shrinkage. To first order the log-likelihood moves by the score
    # x / p - (16 - x) / (1 - p) times that error; allow 4 standard errors plus the bias.
    score = test / p_true - (PIXEL_MAX - test) / (1 - p_true)
    se = np.sqrt(np.sum(score**2 * p_true * (1 - p_true) / (PIXEL_MAX * n), axis=1))
    bias = np.sum(np.abs(score), axis=1) * 0.5 / (PIXEL_MAX * n + 1)
    np.testing.assert_array_less(np.abs(got - truth), 4 * se + bias)


@settings(max_examples=30, deadline=None)
@given(
    arrays(np.int64, (5, 3), elements=st.integers(0, 16)),
    arrays(np.int64, (4, 3), elements=st.integers(0, 16)),
)
def test_independent_pixels_is_a_finite_log_probability(train, test):
    out = independent_pixels_loglik(train, test)
    assert out.shape == (4,) and np.all(np.isfinite(out)) and np.all(out <= 0)


@pytest.mark.parametrize(
    ("train", "test", "message"),
    [
        (np.zeros(3), np.zeros((1, 3)), r"`x_train` must be a 2\-D array"),
        (np.zeros((2, 3)), np.full((1, 3), 17.0), r"`x_test` must be pixel counts in 0\.\.16"),
        (np.zeros((2, 3)), np.zeros((1, 2)), "the same number of columns"),
    ],
)
def test_independent_pixels_validates(train, test, message):
    with pytest.raises(ValueError, match=message):
        independent_pixels_loglik(train, test)


# --- two moons and the flow ------------------------------------------------------------------------


def test_moons_seed_contract():
    assert np.array_equal(make_moons_data(50, rng=1), make_moons_data(50, rng=1))
    assert not np.array_equal(make_moons_data(50, rng=1), make_moons_data(50, rng=2))
    with pytest.raises(ValueError, match="`n` must be an integer >= 1"):
        make_moons_data(0)
    with pytest.raises(ValueError, match="`noise` must be a number > 0"):
        make_moons_data(10, noise=0)


def test_two_moons_density_integrates_to_one():
    g1, g2 = np.meshgrid(np.linspace(-2, 3, 251), np.linspace(-1.5, 2, 176))
    logp = two_moons_logpdf(np.column_stack([g1.ravel(), g2.ravel()]), grid_size=500)
    mass = np.exp(logp).sum() * (5 / 250) * (3.5 / 175)
    assert mass == pytest.approx(1.0, abs=2e-3)


def test_two_moons_density_matches_a_histogram_of_make_moons():
    points = make_moons_data(200_000, rng=0)
    inside = (np.abs(points[:, 0]) < 0.1) & (np.abs(points[:, 1] - 1.0) < 0.1)
    g1, g2 = np.meshgrid(np.linspace(-0.095, 0.095, 20), np.linspace(0.905, 1.095, 20))
    expected = np.exp(two_moons_logpdf(np.column_stack([g1.ravel(), g2.ravel()]))).mean() * 0.04
    se = np.sqrt(expected * (1 - expected) / len(points))
    assert abs(inside.mean() - expected) < 4 * se + 1e-3 * expected


@settings(max_examples=25, deadline=None)
@given(arrays(np.float64, (6, 2), elements=st.floats(-5, 5)))
def test_two_moons_logpdf_is_finite_and_symmetric(points):
    logp = two_moons_logpdf(points)
    assert np.all(np.isfinite(logp))
    # point symmetry about (0.5, 0.25) swaps the two moons
    mirrored = two_moons_logpdf(np.array([1.0, 0.5]) - points)
    np.testing.assert_allclose(logp, mirrored, atol=1e-6)


def test_two_moons_logpdf_validates():
    with pytest.raises(ValueError, match=r"`points` must be an array of shape \(n, 2\)"):
        two_moons_logpdf(np.zeros((3, 3)))
    with pytest.raises(ValueError, match="`grid_size` must be an integer >= 1"):
        two_moons_logpdf(np.zeros((3, 2)), grid_size=0)
