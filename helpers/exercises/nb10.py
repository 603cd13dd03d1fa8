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
from helpers.check import AnswerMalformed
from helpers.exercises import Answer, Exercise

#: Importance samples per digit in exercise 10-4.
IW_SAMPLES = 64


def _local_parameters_expected(*, latent_dim: int, data: Any) -> int:
    n_digits = int(data.x_train.shape[0] + data.x_test.shape[0])
    return 2 * int(latent_dim) * n_digits


def _local_parameters(answer: Any, *, latent_dim: int, data: Any) -> None:
    expected = _local_parameters_expected(latent_dim=latent_dim, data=data)
    check.close(answer, expected, atol=0, name="per-digit variational parameters")


def _mean_kl_expected(*, encoder: Any, data: Any) -> float:
    import torch
    from torch.distributions import Normal, kl_divergence

    with torch.no_grad():
        loc, scale = encoder(data.x_test)
    return float(kl_divergence(Normal(loc, scale), Normal(0.0, 1.0)).sum(-1).mean().item())


def _mean_kl(answer: Any, *, encoder: Any, data: Any) -> None:
    expected = _mean_kl_expected(encoder=encoder, data=data)
    check.close(answer, expected, atol=1e-3, rtol=1e-4, name="average KL(q(z|x) || p(z))")


def _log_density_expected(*, flow: Any, points: Any) -> np.ndarray:
    import torch

    with torch.no_grad():
        x = torch.as_tensor(np.asarray(points), dtype=torch.float32)
        expected = flow.log_prob(x).numpy().astype(float)
    flow.clear_cache()
    return expected


def _log_density(answer: Any, *, flow: Any, points: Any) -> None:
    expected = _log_density_expected(flow=flow, points=points)
    if answer.shape != expected.shape:
        raise AnswerMalformed(
            f"the answer must hold one log-density per point ({expected.shape[0]}); "
            f"yours has {answer.size}"
        )
    check.close(answer, expected, atol=1e-3, name="log-densities by change of variables")


def importance_weighted_bound(
    encoder: Any, decoder: Any, x: Any, *, n_draws: int, seed: int
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
        z = q.rsample((n_draws,))
        prior = Independent(Normal(torch.zeros_like(loc), torch.ones_like(scale)), 1)
        logits = decoder(z)
        likelihood = Independent(Binomial(PIXEL_MAX, logits=logits), 1)
        log_w = prior.log_prob(z) + likelihood.log_prob(x) - q.log_prob(z)
        bound = torch.logsumexp(log_w, dim=0) - np.log(n_draws)
    return bound.cpu().numpy().astype(float)


def _iw_runs(encoder: Any, decoder: Any, data: Any) -> tuple[np.ndarray, np.ndarray]:
    """Two independent runs of the per-digit bound (fixed seeds 1 and 2)."""
    x = data.x_test
    first = importance_weighted_bound(encoder, decoder, x, n_draws=IW_SAMPLES, seed=1)
    second = importance_weighted_bound(encoder, decoder, x, n_draws=IW_SAMPLES, seed=2)
    return first, second


def _iw_bound_expected(*, encoder: Any, decoder: Any, data: Any) -> float:
    first, second = _iw_runs(encoder, decoder, data)
    return float(np.mean((first + second) / 2))


def _iw_bound(answer: Any, *, encoder: Any, decoder: Any, data: Any) -> None:
    first, second = _iw_runs(encoder, decoder, data)
    n = len(first)
    sd_one = np.std(first - second, ddof=1) / np.sqrt(2)  # Monte Carlo sd of one digit's estimate
    # the answer's mean and the checker's two-run mean each carry Monte Carlo error
    se = sd_one * np.sqrt(1 / n + 1 / (2 * n))
    expected = float(np.mean((first + second) / 2))
    check.close(answer, expected, atol=4 * se, name=f"importance-weighted bound, K={IW_SAMPLES}")


def _false_alarms_expected(*, score: Any, is_faulty: Any) -> float:
    score, is_faulty = np.asarray(score, dtype=float), np.asarray(is_faulty)
    threshold = np.quantile(score[is_faulty == 1], 0.1)
    return float(np.mean(score[is_faulty == 0] >= threshold))


def _false_alarms(answer: Any, *, score: Any, is_faulty: Any) -> None:
    expected = _false_alarms_expected(score=score, is_faulty=is_faulty)
    clean = np.asarray(score)[np.asarray(is_faulty) == 0]
    # another quantile convention moves the threshold past at most a scan or two
    check.close(answer, expected, atol=2 / len(clean), name="false-alarm rate")


EXERCISES = {
    "10-1": Exercise(
        _local_parameters,
        expected=_local_parameters_expected,
        answer=Answer.integer("the number of per-digit variational parameters"),
        hint="Without an encoder, every digit needs its own approximate posterior: count what "
        "one digit's diagonal Gaussian over the latent space needs, then how many digits there "
        "are (training and held-out together).",
        solution="2 * latent_dim * (n_train + n_test): a mean and an sd per latent coordinate "
        "per digit.",
        explanation="The count grows with the data; the encoder's does not.",
    ),
    "10-2": Exercise(
        _mean_kl,
        expected=_mean_kl_expected,
        answer=Answer.number("the average KL per held-out digit, in nats"),
        hint="The KL between a diagonal Gaussian and the standard normal is a sum over latent "
        "coordinates of a closed form in each coordinate's mean and sd (mind: sd, not "
        "variance); average it over the held-out digits.",
        solution="mu, sd = encoder(data.x_test); (0.5 * (mu**2 + sd**2 - 1 - 2 * "
        "torch.log(sd))).sum(dim=1).mean().item().",
        explanation="The KL term is the 'rate': the nats of information in the code.",
    ),
    "10-3": Exercise(
        _log_density,
        expected=_log_density_expected,
        answer=Answer.vector(None, "one log-density per point"),
        hint="Change of variables runs backwards through the flow: invert each transform from "
        "the last to the first, collect the log-determinants of their Jacobians on the way, "
        "and evaluate the base distribution at the end; each transform's volume change is "
        "subtracted.",
        solution="y = points; for t in reversed(flow.transforms): x = t.inv(y); total += "
        "t.log_abs_det_jacobian(x, y); y = x. Then flow.base_dist.log_prob(y) - total.",
        explanation="This is exactly what TransformedDistribution.log_prob does.",
    ),
    "10-4": Exercise(
        _iw_bound,
        expected=_iw_bound_expected,
        answer=Answer.number("the importance-weighted bound L_64, nats per digit"),
        hint="Each of the K draws from the encoder gives an importance weight p(x, z) / q(z | "
        "x); the bound is the log of their average (computed stably on the log scale), per "
        "digit, then averaged over digits. It should come out above the ELBO.",
        solution="log_w = log p(z) + log p(x | z) - log q(z | x) for K = 64 draws, shape (K, "
        "n); torch.logsumexp(log_w, dim=0) - np.log(K); mean over digits.",
        explanation="The bound rises above the ELBO, towards log p(x), as K grows.",
    ),
    "10-5": Exercise(
        _false_alarms,
        expected=_false_alarms_expected,
        answer=Answer.probability("the false-alarm rate"),
        hint="First set the threshold from the faulty scans alone (the score that 90% of "
        "faults reach); a false alarm is a clean scan at or above it, so the rate is over the "
        "clean scans only.",
        solution="threshold = np.quantile(vae_score[is_faulty == 1], 0.1); "
        "(vae_score >= threshold)[is_faulty == 0].mean().",
        explanation="One point of the ROC curve: its x at a true-positive rate of 90%.",
    ),
}
