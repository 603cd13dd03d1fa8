"""The notebook 10 self-checks accept the reference answers and reject plausible wrong ones."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from helpers import check, seed_torch
from helpers.deep import PIXEL_MAX, load_digits_data, make_moons_data
from helpers.exercises import exercise_ids, nb10
from tests.test_exercises import assert_expected_is_right, assert_teaches


class _Encoder(torch.nn.Module):
    """The notebook's encoder, small: pixel counts -> (mean, sd) of q(z | x)."""

    def __init__(self, hidden=16):
        super().__init__()
        self.body = torch.nn.Sequential(torch.nn.Linear(64, hidden), torch.nn.ReLU())
        self.loc, self.raw_scale = torch.nn.Linear(hidden, 2), torch.nn.Linear(hidden, 2)

    def forward(self, x):
        h = self.body(x / PIXEL_MAX)
        return self.loc(h), torch.nn.functional.softplus(self.raw_scale(h)) + 1e-4


@pytest.fixture(scope="module")
def trained():
    """A small VAE after a few SVI steps, and the data cut to 400 + 80 digits."""
    import pyro
    import pyro.distributions as dist
    from pyro.infer import SVI, Trace_ELBO

    data = load_digits_data(rng=0, device="cpu")
    small = type(data)(data.x_train[:400], data.x_test[:80], data.y_train[:400], data.y_test[:80])
    seed_torch(0)
    encoder = _Encoder()
    decoder = torch.nn.Sequential(torch.nn.Linear(2, 32), torch.nn.ReLU(), torch.nn.Linear(32, 64))

    def model(x):
        pyro.module("decoder", decoder)
        with pyro.plate("digits", x.shape[0]):
            z = pyro.sample("z", dist.Normal(x.new_zeros(2), 1.0).to_event(1))
            pyro.sample("x", dist.Binomial(PIXEL_MAX, logits=decoder(z)).to_event(1), obs=x)

    def guide(x):
        pyro.module("encoder", encoder)
        with pyro.plate("digits", x.shape[0]):
            loc, scale = encoder(x)
            pyro.sample("z", dist.Normal(loc, scale).to_event(1))

    pyro.clear_param_store()
    svi = SVI(model, guide, pyro.optim.Adam({"lr": 1e-2}), loss=Trace_ELBO())
    for _ in range(3):  # three epochs of mini-batches of 50
        for batch in torch.arange(400).split(50):
            svi.step(small.x_train[batch])
    return encoder, decoder, small


@pytest.fixture(scope="module")
def flow():
    """A one-layer spline flow fitted for 20 steps to 200 moons."""
    import pyro.distributions as dist
    import pyro.distributions.transforms as T

    seed_torch(0)
    coupling = T.spline_coupling(2, count_bins=16, bound=4.0, hidden_dims=[8, 8])
    base = dist.Normal(torch.zeros(2), torch.ones(2)).to_event(1)
    flow = dist.TransformedDistribution(base, [coupling, T.Permute(torch.tensor([1, 0]))])
    optimizer = torch.optim.Adam(coupling.parameters(), lr=1e-2)
    x = torch.as_tensor(make_moons_data(200, rng=0), dtype=torch.float32)
    for _ in range(20):
        optimizer.zero_grad()
        loss = -flow.log_prob(x).mean()
        loss.backward()
        optimizer.step()
        flow.clear_cache()
    return flow


def test_ids():
    assert exercise_ids("10") == ["10-1", "10-2", "10-3", "10-4", "10-5"]


def test_10_1(trained):
    _, _, data = trained
    check.exercise("10-1", 2 * 2 * 480, latent_dim=2, data=data)
    assert_teaches("10-1", 2 * 2 * 400, latent_dim=2, data=data)  # training digits only
    assert assert_expected_is_right("10-1", latent_dim=2, data=data) == 2 * 2 * 480


def _closed_form_kl(encoder, data, variance_for_sd=False):
    with torch.no_grad():
        mu, sd = encoder(data.x_test)
    s2 = sd if variance_for_sd else sd**2
    return (0.5 * (mu**2 + s2 - 1 - torch.log(s2)).sum(dim=1)).mean().item()


def test_10_2(trained):
    encoder, _, data = trained
    check.exercise("10-2", _closed_form_kl(encoder, data), encoder=encoder, data=data)
    wrong = _closed_form_kl(encoder, data, variance_for_sd=True)
    message = assert_teaches("10-2", wrong, encoder=encoder, data=data)
    assert "average KL(q(z|x) || p(z)): expected" in message
    assert_expected_is_right("10-2", wrong=wrong, encoder=encoder, data=data)


def test_10_3(flow):
    points = make_moons_data(30, rng=1)
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
    check.exercise("10-3", right, flow=flow, points=points)
    message = assert_teaches("10-3", wrong, flow=flow, points=points)
    assert "log-densities by change of variables: expected" in message
    assert_expected_is_right("10-3", wrong=wrong, flow=flow, points=points)
    check.exercise("10-3", right.tolist(), flow=flow, points=points)  # a list is as good
    with pytest.raises(check.AnswerMalformed, match=r"one log-density per point \(30\)"):
        check.exercise("10-3", right[:10], flow=flow, points=points)


def test_10_4(trained):
    encoder, decoder, data = trained
    nets = {"encoder": encoder, "decoder": decoder}
    state = torch.get_rng_state()
    answer = nb10.importance_weighted_bound(
        encoder, decoder, data.x_test, n_draws=64, seed=123
    ).mean()
    check.exercise("10-4", float(answer), **nets, data=data)
    assert torch.equal(state, torch.get_rng_state())  # the checker leaves torch's stream alone
    elbo = nb10.importance_weighted_bound(encoder, decoder, data.x_test, n_draws=1, seed=7).mean()
    assert "importance-weighted bound" in assert_teaches("10-4", float(elbo), **nets, data=data)
    assert_expected_is_right("10-4", wrong=float(elbo), **nets, data=data)


def test_iw_bound_rises_with_k(trained):
    encoder, decoder, data = trained
    bounds = [
        nb10.importance_weighted_bound(encoder, decoder, data.x_test, n_draws=k, seed=0).mean()
        for k in (1, 16, 256)
    ]
    assert bounds[0] < bounds[1] < bounds[2]
    assert np.isfinite(bounds).all()


def test_10_5():
    rng = np.random.default_rng(0)
    is_faulty = np.r_[np.zeros(200), np.ones(100)]
    score = rng.normal(size=300) + 1.5 * is_faulty
    threshold = np.quantile(score[is_faulty == 1], 0.1)
    right = np.mean(score[is_faulty == 0] >= threshold)
    context = {"score": score, "is_faulty": is_faulty}
    check.exercise("10-5", right, **context)
    flagged_all = np.mean(score >= threshold)  # averaged over every scan
    assert "false-alarm rate: expected" in assert_teaches("10-5", flagged_all, **context)
    assert assert_expected_is_right("10-5", wrong=flagged_all, **context) == right
    with pytest.raises(check.AnswerIncorrect, match="Hint"):
        check.exercise("10-5", 1 - right, **context)  # share of clean scans not flagged
