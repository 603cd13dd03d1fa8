"""Tests for helpers.bnn: the gap data, interval coverage and the PyTorch-backed PyTensor Op."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytensor
import pytensor.tensor as pt
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.bnn import GAP, SPAN, TorchOp, gap_truth, interval_coverage, simulate_gap_data


def test_gap_truth_values():
    x = np.array([-2.0, 0.0, 1.5])
    np.testing.assert_allclose(gap_truth(x), np.sin(1.2 * x) + 0.2 * x, rtol=0, atol=0)


def test_gap_data_leaves_the_gap_empty_and_stays_in_span():
    sim = simulate_gap_data(2000, rng=0)
    x, y = sim.data["x"].to_numpy(), sim.data["y"].to_numpy()
    assert x.shape == y.shape == (2000,)
    np.testing.assert_array_equal(sim.truth.mean, gap_truth(x))
    assert np.all(np.abs(x) >= GAP[1]) and np.all(np.abs(x) <= SPAN[1])
    assert 0.45 < np.mean(x < 0) < 0.55  # both sides, half each


def test_gap_data_noise_sd_is_recovered():
    sim = simulate_gap_data(20_000, noise_sd=0.3, rng=1)
    x, y = sim.data["x"].to_numpy(), sim.data["y"].to_numpy()
    assert sim.truth.noise_sd == 0.3
    residual_sd = np.std(y - gap_truth(x), ddof=1)
    assert abs(residual_sd - 0.3) < 4 * 0.3 / np.sqrt(2 * 20_000)


def test_gap_data_seed_contract():
    a, b = simulate_gap_data(10, rng=3).data, simulate_gap_data(10, rng=3).data
    pd.testing.assert_frame_equal(a, b)
    gen = np.random.default_rng(3)
    c = simulate_gap_data(10, rng=gen).data
    pd.testing.assert_frame_equal(a, c)


@pytest.mark.parametrize(
    ("n", "error"),
    [(0, ValueError), (-1, ValueError), (2.5, TypeError), (True, TypeError), ("3", TypeError)],
)
def test_gap_data_rejects_bad_n(n, error):
    with pytest.raises(error, match="`n` must be an integer"):
        simulate_gap_data(n, rng=0)


@pytest.mark.parametrize(
    ("sd", "error"),
    [(0.0, ValueError), (-1.0, ValueError), (np.inf, ValueError), (np.nan, ValueError)]
    + [(True, TypeError), ("0.1", TypeError)],
)
def test_gap_data_rejects_bad_noise_sd(sd, error):
    with pytest.raises(error, match="`noise_sd` must be a"):
        simulate_gap_data(5, noise_sd=sd, rng=0)


def test_interval_coverage_matches_nominal_for_the_true_distribution():
    rng = np.random.default_rng(0)
    draws = rng.normal(size=(4000, 5000))
    y = rng.normal(size=5000)
    for prob in (0.5, 0.9):
        coverage = interval_coverage(draws, y, prob)
        assert abs(coverage - prob) < 4 * np.sqrt(prob * (1 - prob) / 5000) + 0.01


def test_interval_coverage_counts_by_hand():
    draws = np.tile(np.arange(101.0)[:, None], (1, 3))  # quantiles 5% -> 5, 95% -> 95
    y = np.array([5.0, 50.0, 96.0])
    assert interval_coverage(draws, y, 0.9) == pytest.approx(2 / 3)


@settings(max_examples=30, deadline=None)
@given(prob=st.floats(0.01, 0.99), seed=st.integers(0, 1000))
def test_interval_coverage_is_a_share(prob, seed):
    rng = np.random.default_rng(seed)
    coverage = interval_coverage(rng.normal(size=(50, 20)), rng.normal(size=20), prob)
    assert 0.0 <= coverage <= 1.0


@pytest.mark.parametrize(
    ("prob", "error"),
    [(0.0, ValueError), (1.0, ValueError), (-0.1, ValueError), (1.5, ValueError)]
    + [(True, TypeError), ("0.5", TypeError)],
)
def test_interval_coverage_rejects_bad_prob(prob, error):
    with pytest.raises(error, match="`ci_prob` must be a"):
        interval_coverage(np.zeros((5, 2)), np.zeros(2), prob)


def test_interval_coverage_rejects_bad_shapes():
    with pytest.raises(ValueError, match="`draws` must be a 2-D array"):
        interval_coverage(np.zeros(5), np.zeros(5), 0.5)
    with pytest.raises(ValueError, match=r"`draws` must be an array of shape \(n_draws >= 2, n\)"):
        interval_coverage(np.zeros((1, 5)), np.zeros(5), 0.5)
    with pytest.raises(ValueError, match=r"`y` must be an array of shape \(3,\)"):
        interval_coverage(np.zeros((5, 3)), np.zeros(4), 0.5)


def _curve(theta):
    t = torch.linspace(0, 4, 7, dtype=torch.float64)
    return theta[0] * (1 - torch.exp(-theta[1] * t))


def test_torch_op_value_and_gradient_match_torch():
    theta = pt.dvector("theta")
    op = TorchOp(_curve)
    weights = np.arange(1.0, 8.0)
    loss = (op(theta) * weights).sum()
    fn = pytensor.function([theta], [op(theta), pt.grad(loss, theta)], mode="CVM")
    at = np.array([1.3, 0.7])
    value, grad = fn(at)
    theta_t = torch.tensor(at, requires_grad=True)
    out = _curve(theta_t)
    (expected,) = torch.autograd.grad((out * torch.as_tensor(weights)).sum(), theta_t)
    np.testing.assert_allclose(value, out.detach().numpy(), rtol=0, atol=1e-12)
    np.testing.assert_allclose(grad, expected.numpy(), rtol=0, atol=1e-12)


def test_torch_op_gradient_passes_finite_differences():
    rng = np.random.default_rng(0)
    pytensor.gradient.verify_grad(
        TorchOp(_curve), [np.array([1.3, 0.7])], rng=rng, mode="CVM", eps=1e-7
    )


def test_torch_op_rejects_non_callable():
    with pytest.raises(TypeError, match="`fn` must be callable"):
        TorchOp(3.0)
