"""Tests of helpers.deep on tiny inputs: shapes, validation, a loss that decreases, seeds."""

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
    VAE,
    default_device,
    elbo_per_digit,
    fit_flow,
    independent_pixels_loglik,
    load_digits_data,
    make_decoder,
    make_encoder,
    make_moons_data,
    scale_pixels,
    spline_flow,
    train_vae,
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


@pytest.mark.parametrize("bad", [0, 1, 1.5, -0.1, True, "0.2"])
def test_digits_rejects_bad_fraction(bad):
    with pytest.raises(ValueError, match="`test_fraction` must be"):
        load_digits_data(bad)


def test_default_device_is_cpu_without_cuda():
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert default_device().type == expected


def test_scale_pixels():
    assert torch.equal(scale_pixels(torch.tensor([[0.0, 16.0]])), torch.tensor([[0.0, 1.0]]))
    with pytest.raises(TypeError, match="`x` must be a torch.Tensor"):
        scale_pixels(np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"`x` must have shape \(n, d\)"):
        scale_pixels(torch.zeros(3))


# --- networks and the VAE ------------------------------------------------------------------------


def test_encoder_and_decoder_shapes():
    loc, scale = make_encoder(64, 3, 8)(torch.rand(7, 64))
    assert loc.shape == scale.shape == (7, 3) and bool((scale > 0).all())
    assert make_decoder(3, 64, 8)(torch.zeros(7, 3)).shape == (7, 64)


@pytest.mark.parametrize("factory", [make_encoder, make_decoder])
@pytest.mark.parametrize(
    ("kwargs", "name"), [({"hidden": 0}, "hidden"), ({"latent_dim": 1.5}, "latent_dim")]
)
def test_networks_reject_bad_sizes(factory, kwargs, name):
    with pytest.raises(ValueError, match=f"`{name}` must be a positive integer"):
        factory(**kwargs)


def test_vae_encode_decode_and_parameter_count():
    vae = VAE(hidden=8, device="cpu")
    loc, scale = vae.encode(torch.full((4, 64), 8.0))
    assert loc.shape == (4, 2) and bool((scale > 0).all())
    decoded = vae.decode(torch.zeros(4, 2))
    assert decoded.shape == (4, 64) and bool(((decoded >= 0) & (decoded <= PIXEL_MAX)).all())
    assert vae.n_parameters() == (64 * 8 + 8) + (8 * 8 + 8) + 2 * (8 * 2 + 2)
    with pytest.raises(ValueError, match=r"`z` must have shape \(n, 2\)"):
        vae.decode(torch.zeros(4, 3))


def test_elbo_per_digit_matches_pyro_trace_elbo(digits):
    from pyro.infer import Trace_ELBO

    seed_torch(0)
    vae = VAE(hidden=16, device="cpu")
    x = digits.x_test[:50]
    ours = elbo_per_digit(vae, x, num_samples=200)
    pyro_loss = Trace_ELBO(num_particles=200, vectorize_particles=True, max_plate_nesting=1).loss(
        vae.model, vae.guide, x
    )
    # both are Monte Carlo estimates of the same ELBO; compare within a few standard errors
    single = torch.stack([elbo_per_digit(vae, x) for _ in range(30)]).sum(dim=1)
    se = float(single.std()) / np.sqrt(200)
    assert ours.shape == (50,)
    assert abs(float(ours.sum()) + pyro_loss) < 5 * se * np.sqrt(2)


def test_elbo_per_digit_validates(digits):
    vae = VAE(hidden=8, device="cpu")
    with pytest.raises(TypeError, match="`vae` must be a helpers.deep.VAE"):
        elbo_per_digit(object(), digits.x_test)
    with pytest.raises(ValueError, match="`num_samples` must be a positive integer"):
        elbo_per_digit(vae, digits.x_test, num_samples=0)


def test_training_improves_the_held_out_elbo(digits):
    seed_torch(1)
    vae = VAE(hidden=32, device="cpu")
    history = train_vae(vae, digits.x_train[:300], digits.x_test[:60], epochs=4, lr=5e-3, rng=1)
    assert len(history.train_elbo) == 4 and len(history.test_elbo) == 5
    assert history.test_elbo[-1] > history.test_elbo[0] + 20
    assert history.train_elbo[-1] > history.train_elbo[0]
    assert history.seconds > 0


def test_training_is_reproducible(digits):
    runs = []
    for _ in range(2):
        seed_torch(3)
        vae = VAE(hidden=16, device="cpu")
        runs.append(train_vae(vae, digits.x_train[:128], digits.x_test[:32], epochs=2, rng=3))
    assert runs[0].train_elbo == runs[1].train_elbo and runs[0].test_elbo == runs[1].test_elbo


def test_training_with_a_progress_bar(digits, capsys):
    seed_torch(0)
    vae = VAE(hidden=8, device="cpu")
    train_vae(vae, digits.x_train[:64], digits.x_test[:16], epochs=1, rng=0, progressbar=True)
    assert "VAE epochs" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"epochs": 0}, ValueError, "`epochs` must be a positive integer"),
        ({"epochs": 1, "batch_size": -1}, ValueError, "`batch_size` must be a positive integer"),
        ({"epochs": 1, "lr": 0.0}, ValueError, "`lr` must be a positive number"),
        ({"epochs": 1, "lr": float("inf")}, ValueError, "`lr` must be finite"),
    ],
)
def test_train_vae_validates(digits, kwargs, error, message):
    vae = VAE(hidden=8, device="cpu")
    with pytest.raises(error, match=message):
        train_vae(vae, digits.x_train[:8], digits.x_test[:8], **kwargs)


def test_train_vae_validates_inputs(digits):
    vae = VAE(hidden=8, device="cpu")
    with pytest.raises(TypeError, match="`vae` must be a helpers.deep.VAE"):
        train_vae(None, digits.x_train, digits.x_test, epochs=1)
    with pytest.raises(ValueError, match=r"`x_test` must have shape \(n, 64\)"):
        train_vae(vae, digits.x_train, digits.x_test[:, :10], epochs=1)
    with pytest.raises(TypeError, match="`x_train` must be a torch.Tensor"):
        train_vae(vae, digits.x_train.numpy(), digits.x_test, epochs=1)


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
        (np.zeros(3), np.zeros((1, 3)), "`x_train` must be 2-D"),
        (np.zeros((2, 3)), np.full((1, 3), 17.0), r"`x_test` must hold pixel counts in 0..16"),
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
    with pytest.raises(ValueError, match="`n` must be a positive integer"):
        make_moons_data(0)
    with pytest.raises(ValueError, match="`noise` must be a positive number"):
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
    with pytest.raises(ValueError, match=r"`points` must have shape \(n, 2\)"):
        two_moons_logpdf(np.zeros((3, 3)))
    with pytest.raises(ValueError, match="`grid_size` must be a positive integer"):
        two_moons_logpdf(np.zeros((3, 2)), grid_size=0)


def test_spline_flow_shapes_and_validation():
    flow, modules = spline_flow(2, layers=3, hidden=8)
    assert len(modules) == 3 and len(flow.transforms) == 6
    assert flow.sample(torch.Size([4])).shape == (4, 2)
    with pytest.raises(ValueError, match="`input_dim` must be >= 2"):
        spline_flow(1)
    with pytest.raises(ValueError, match="`bound` must be a positive number"):
        spline_flow(2, bound=-1.0)


def test_flow_fit_decreases_the_loss_and_is_reproducible():
    data = make_moons_data(300, rng=0)
    fits = []
    for _ in range(2):
        seed_torch(0)
        flow, modules = spline_flow(2, layers=1, hidden=8)
        fits.append(fit_flow(flow, modules, data, steps=40))
    assert fits[0].loss[-1] < fits[0].loss[0] - 0.2
    assert fits[0].loss == fits[1].loss
    logp = fits[0].log_prob(data[:5])
    assert logp.shape == (5,) and np.all(np.isfinite(logp))


def test_fit_flow_validates():
    flow, modules = spline_flow(2, layers=1, hidden=4)
    with pytest.raises(ValueError, match=r"`x_train` must have shape \(n, d\)"):
        fit_flow(flow, modules, np.zeros(5), steps=1)
    with pytest.raises(ValueError, match="`steps` must be a positive integer"):
        fit_flow(flow, modules, np.zeros((5, 2)), steps=0)
