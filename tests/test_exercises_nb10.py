"""The notebook 10 self-checks accept the reference answers and reject plausible wrong ones."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from helpers import check, seed_torch
from helpers.deep import VAE, fit_flow, load_digits_data, make_moons_data, spline_flow, train_vae
from helpers.exercises import exercise_ids, nb10


@pytest.fixture(scope="module")
def trained():
    data = load_digits_data(rng=0, device="cpu")
    seed_torch(0)
    vae = VAE(hidden=32, device="cpu")
    train_vae(vae, data.x_train[:400], data.x_test[:80], epochs=3, rng=0)
    small = type(data)(data.x_train[:400], data.x_test[:80], data.y_train[:400], data.y_test[:80])
    return vae, small


@pytest.fixture(scope="module")
def flow_fit():
    seed_torch(0)
    flow, modules = spline_flow(2, layers=1, hidden=8)
    return fit_flow(flow, modules, make_moons_data(200, rng=0), steps=20)


def test_ids():
    assert exercise_ids("10") == ["10-1", "10-2", "10-3", "10-4"]


def test_10_1(trained):
    vae, data = trained
    check.exercise("10-1", 2 * 2 * 480, vae=vae, data=data)
    with pytest.raises(check.ExerciseIncorrect, match="Hint"):
        check.exercise("10-1", 2 * 2 * 400, vae=vae, data=data)  # training digits only


def _closed_form_kl(vae, data, variance_for_sd=False):
    mu, sd = vae.encode(data.x_test)
    s2 = sd if variance_for_sd else sd**2
    return (0.5 * (mu**2 + s2 - 1 - torch.log(s2)).sum(dim=1)).mean().item()


def test_10_2(trained):
    vae, data = trained
    check.exercise("10-2", _closed_form_kl(vae, data), vae=vae, data=data)
    with pytest.raises(
        check.ExerciseIncorrect, match=r"average KL\(q\(z\|x\) \|\| p\(z\)\): expected .* got "
    ):
        check.exercise("10-2", _closed_form_kl(vae, data, variance_for_sd=True), vae=vae, data=data)


def test_10_3(flow_fit):
    points = make_moons_data(30, rng=1)
    flow = flow_fit.flow
    with torch.no_grad():
        y = torch.as_tensor(points, dtype=torch.float32)
        log_det = torch.zeros(len(points))
        for transform in reversed(flow.transforms):
            x = transform.inv(y)
            log_det += transform.log_abs_det_jacobian(x, y)
            y = x
        right = (flow.base_dist.log_prob(y) - log_det).numpy()
        wrong = flow.base_dist.log_prob(y).numpy()  # Jacobian forgotten
    flow.clear_cache()
    check.exercise("10-3", right, flow_fit=flow_fit, points=points)
    with pytest.raises(
        check.ExerciseIncorrect, match="log-densities by change of variables: expected .* got "
    ):
        check.exercise("10-3", wrong, flow_fit=flow_fit, points=points)
    with pytest.raises(check.ExerciseIncorrect, match="must be a ndarray"):
        check.exercise("10-3", right.tolist(), flow_fit=flow_fit, points=points)
    with pytest.raises(check.ExerciseIncorrect, match="expected 30 log-densities"):
        check.exercise("10-3", right[:10], flow_fit=flow_fit, points=points)


def test_10_4(trained):
    vae, data = trained
    state = torch.get_rng_state()
    answer = nb10.importance_weighted_bound(vae, data.x_test, num_samples=64, seed=123).mean()
    check.exercise("10-4", float(answer), vae=vae, data=data)
    assert torch.equal(state, torch.get_rng_state())  # the checker leaves torch's stream alone
    elbo = nb10.importance_weighted_bound(vae, data.x_test, num_samples=1, seed=7).mean()
    with pytest.raises(check.ExerciseIncorrect, match="importance-weighted bound"):
        check.exercise("10-4", float(elbo), vae=vae, data=data)


def test_iw_bound_rises_with_k(trained):
    vae, data = trained
    bounds = [
        nb10.importance_weighted_bound(vae, data.x_test, num_samples=k, seed=0).mean()
        for k in (1, 16, 256)
    ]
    assert bounds[0] < bounds[1] < bounds[2]
    assert np.isfinite(bounds).all()
