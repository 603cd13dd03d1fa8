"""Self-checks for notebook 10 (variational autoencoders and normalizing flows in Pyro).

Each checker recomputes the answer independently of the notebook's solution, from the networks
and the flow the notebook writes out and passes in (``encoder(x)`` returns the mean and sd of
q(z | x) for pixel counts x, ``decoder(z)`` the logits of the pixels): a count from the data's
shape, the KL term with ``torch.distributions.kl_divergence``, the flow's density with
``log_prob``, the importance-weighted bound with its own draws (under a forked, fixed torch
seed, so checking never changes the notebook's random stream), and a false-alarm rate from
the scores and labels.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from helpers import check
from helpers.exercises import Exercise

#: Importance samples per digit in exercise 10-4.
IW_SAMPLES = 64


def _expect(value: Any, kind: type, what: str) -> None:
    if not isinstance(value, kind):
        raise TypeError(f"{what} must be a {kind.__name__}; got {type(value).__name__}")


def _local_parameters(answer: Any, *, latent_dim: int, data: Any) -> None:
    n_digits = int(data.x_train.shape[0] + data.x_test.shape[0])
    expected = 2 * int(latent_dim) * n_digits
    check.close(answer, expected, atol=0, name="per-digit variational parameters")


def _mean_kl(answer: Any, *, encoder: Any, data: Any) -> None:
    import torch
    from torch.distributions import Normal, kl_divergence

    with torch.no_grad():
        loc, scale = encoder(data.x_test)
    expected = kl_divergence(Normal(loc, scale), Normal(0.0, 1.0)).sum(-1).mean().item()
    check.close(answer, expected, atol=1e-3, rtol=1e-4, name="average KL(q(z|x) || p(z))")


def _log_density(answer: Any, *, flow: Any, points: Any) -> None:
    import torch

    _expect(answer, np.ndarray, "the answer")
    with torch.no_grad():
        x = torch.as_tensor(np.asarray(points), dtype=torch.float32)
        expected = flow.log_prob(x).numpy().astype(float)
    flow.clear_cache()
    if answer.shape != expected.shape:
        raise ValueError(f"expected {expected.shape[0]} log-densities; got shape {answer.shape}")
    check.close(answer, expected, atol=1e-3, name="log-densities by change of variables")


def importance_weighted_bound(
    encoder: Any, decoder: Any, x: Any, *, num_samples: int, seed: int
) -> np.ndarray:
    """Per-digit importance-weighted bound L_K, written out with ``torch.distributions``.

    Draws come from a forked torch generator seeded with ``seed``; the caller's random stream is
    left untouched.
    """
    import torch
    from torch.distributions import Binomial, Independent, Normal

    from helpers.deep import PIXEL_MAX

    devices = [] if x.device.type == "cpu" else [x.device]
    with torch.random.fork_rng(devices=devices), torch.no_grad():
        torch.manual_seed(seed)
        loc, scale = encoder(x)
        q = Independent(Normal(loc, scale), 1)
        z = q.rsample((num_samples,))
        prior = Independent(Normal(torch.zeros_like(loc), torch.ones_like(scale)), 1)
        logits = decoder(z)
        likelihood = Independent(Binomial(PIXEL_MAX, logits=logits), 1)
        log_w = prior.log_prob(z) + likelihood.log_prob(x) - q.log_prob(z)
        bound = torch.logsumexp(log_w, dim=0) - np.log(num_samples)
    return bound.cpu().numpy().astype(float)


def _iw_bound(answer: Any, *, encoder: Any, decoder: Any, data: Any) -> None:
    x = data.x_test
    first = importance_weighted_bound(encoder, decoder, x, num_samples=IW_SAMPLES, seed=1)
    second = importance_weighted_bound(encoder, decoder, x, num_samples=IW_SAMPLES, seed=2)
    n = len(first)
    sd_one = np.std(first - second, ddof=1) / np.sqrt(2)  # Monte Carlo sd of one digit's estimate
    # the answer's mean and the checker's two-run mean each carry Monte Carlo error
    se = sd_one * np.sqrt(1 / n + 1 / (2 * n))
    expected = float(np.mean((first + second) / 2))
    check.close(answer, expected, atol=4 * se, name=f"importance-weighted bound, K={IW_SAMPLES}")


def _false_alarms(answer: Any, *, score: Any, is_faulty: Any) -> None:
    score, is_faulty = np.asarray(score, dtype=float), np.asarray(is_faulty)
    threshold = np.quantile(score[is_faulty == 1], 0.1)
    clean = score[is_faulty == 0]
    expected = float(np.mean(clean >= threshold))
    # another quantile convention moves the threshold past at most a scan or two
    check.close(answer, expected, atol=2 / len(clean), name="false-alarm rate")


EXERCISES = {
    "10-1": Exercise(
        _local_parameters,
        hint="A mean and a standard deviation for each latent coordinate, for each of the "
        "training and held-out digits together.",
        explanation="The count grows with the data; the encoder's does not.",
    ),
    "10-2": Exercise(
        _mean_kl,
        hint="Apply the formula to every coordinate, sum the two coordinates of a digit, then "
        "average over digits; use the sd (scale), not the variance, for s.",
        explanation="The KL term is the 'rate': the nats of information in the code.",
    ),
    "10-3": Exercise(
        _log_density,
        hint="Go backwards: y = x; for each transform from last to first, x_before = t.inv(y), "
        "subtract t.log_abs_det_jacobian(x_before, y); end with base_dist.log_prob.",
        explanation="This is exactly what TransformedDistribution.log_prob does.",
    ),
    "10-4": Exercise(
        _iw_bound,
        hint="log_w has shape (K, n): log p(z) + log p(x | z) - log q(z | x) for each draw; "
        "L_K = logsumexp over the K draws minus log K, then average over digits.",
        explanation="The bound rises above the ELBO, towards log p(x), as K grows.",
    ),
    "10-5": Exercise(
        _false_alarms,
        hint="Flag with score >= threshold, then average the flags over the clean scans only "
        "(is_faulty == 0), not over all scans or the faulty ones.",
        explanation="One point of the ROC curve: its x at a true-positive rate of 90%.",
    ),
}
