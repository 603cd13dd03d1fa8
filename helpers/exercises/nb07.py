"""Self-checks for notebook 07 (HMC, mean-field VI, the reparameterisation trick).

Each checker recomputes the answer independently of the notebook's solution: by a different
formula, by quadrature, or from the known moments of the target.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import integrate, stats

from helpers import check
from helpers.exercises import Answer, Exercise
from helpers.montecarlo import MCEstimate, moments_with_mcse
from helpers.samplers import GaussianTarget

EXERCISE_COV = np.array([[1.0, 0.8, 0.3], [0.8, 2.0, 0.5], [0.3, 0.5, 0.5]])
COS_MU, COS_SIGMA = 0.5, 0.8
RHO_HARD = 0.99
MIN_ESS = 200.0


def mean_field_sds_by_conditioning(cov: np.ndarray) -> np.ndarray:
    """sd of each coordinate given all others, from the Schur complement (no matrix inverse)."""
    cov = np.asarray(cov, dtype=float)
    sds = []
    for i in range(cov.shape[0]):
        rest = [j for j in range(cov.shape[0]) if j != i]
        s_ir = cov[i, rest]
        conditional_var = cov[i, i] - s_ir @ np.linalg.solve(cov[np.ix_(rest, rest)], s_ir)
        sds.append(np.sqrt(conditional_var))
    return np.array(sds)


def _mean_field_expected() -> np.ndarray:
    return mean_field_sds_by_conditioning(EXERCISE_COV)


def _mean_field(answer: Any) -> None:
    check.close(answer, _mean_field_expected(), atol=1e-6, name="mean-field sds")


def exact_cos_gradient(mu: float = COS_MU, sigma: float = COS_SIGMA) -> float:
    """d/d sigma E[cos(theta)], theta ~ Normal(mu, sigma), by differentiating a quadrature."""

    def expectation(s: float) -> float:
        value, _ = integrate.quad(lambda t: np.cos(t) * stats.norm(mu, s).pdf(t), -np.inf, np.inf)
        return value

    h = 1e-4
    return (expectation(sigma + h) - expectation(sigma - h)) / (2 * h)


def reparam_cos_sd(mu: float = COS_MU, sigma: float = COS_SIGMA) -> float:
    """Per-draw sd of the pathwise gradient -sin(mu + sigma eps) eps, by quadrature."""

    def moment(power: int) -> float:
        value, _ = integrate.quad(
            lambda e: (-np.sin(mu + sigma * e) * e) ** power * stats.norm.pdf(e), -np.inf, np.inf
        )
        return value

    return float(np.sqrt(moment(2) - moment(1) ** 2))


#: the number of draws of the worked answers to 07-2 and 07-3, and the seed of 07-3's draws
_WORKED_DRAWS, _WORKED_SEED = 100_000, 7_003


def _cos_gradient_expected() -> MCEstimate:
    """What ``mc_estimate`` of pathwise gradients reports: the exact gradient and its SE."""
    se = reparam_cos_sd() / np.sqrt(_WORKED_DRAWS)
    return MCEstimate(mean=float(exact_cos_gradient()), se=float(se), n_draws=_WORKED_DRAWS)


def _cos_gradient(answer: Any) -> None:
    exact = exact_cos_gradient()
    check.close(answer.mean, exact, atol=4 * answer.se, name="gradient estimate (4 SE)")
    expected_se = reparam_cos_sd() / np.sqrt(answer.n_draws)
    check.close(answer.se, expected_se, rtol=0.1, name="its standard error (reparameterised)")


def _hmc_hard_expected() -> np.ndarray:
    """Draws a perfect sampler would return: independent, exactly from the target."""
    truth = GaussianTarget.correlated(rho=RHO_HARD)
    z = np.random.default_rng(_WORKED_SEED).standard_normal((_WORKED_DRAWS // 50, 2))
    return truth.mean + z @ np.linalg.cholesky(truth.cov).T


def _hmc_hard(answer: Any) -> None:
    import arviz as az

    draws = answer
    ess = np.array([float(az.ess(draws[None, :, i])) for i in range(2)])
    check.greater(ess, MIN_ESS, name="effective sample size")
    truth = GaussianTarget.correlated(rho=RHO_HARD)
    mean, mean_se, cov, cov_se = moments_with_mcse(draws, truth.mean)
    check.close(mean, truth.mean, atol=4 * mean_se.max(), name="mean")
    check.close(cov, truth.cov, atol=4 * cov_se.max(), name="covariance")


EXERCISES = {
    "07-1": Exercise(
        _mean_field,
        expected=_mean_field_expected,
        answer=Answer.vector(3, "one mean-field sd per coordinate"),
        hint="Mean-field VI on a Gaussian matches the target's precision (inverse covariance), "
        "not its covariance: each sd is that of one coordinate with the others held fixed, so "
        "it is smaller than the marginal sd.",
        solution="1 / np.sqrt(np.diag(np.linalg.inv(exercise_cov))).",
        explanation="These are the conditional sds of each parameter given the others; the "
        "checker computed them by conditioning (Schur complements) instead of inverting.",
    ),
    "07-2": Exercise(
        _cos_gradient,
        expected=_cos_gradient_expected,
        answer=Answer.instance(MCEstimate, "the result of mc_estimate(...)"),
        hint="Write theta as mu + sigma * eps with eps standard normal, so the randomness no "
        "longer depends on sigma; then differentiate cos(theta) with respect to sigma (chain "
        "rule) inside the average.",
        solution="eps = rng.standard_normal(n); theta = 0.5 + 0.8 * eps; "
        "mc_estimate(-np.sin(theta) * eps).",
        explanation="The exact value is -sigma cos(mu) exp(-sigma^2 / 2); the checker found it "
        "by differentiating a numerical integral.",
    ),
    "07-3": Exercise(
        _hmc_hard,
        expected=_hmc_hard_expected,
        answer=Answer.array((None, 2), "the HMC draws, one row per draw"),
        hint="The step size must resolve the target's narrowest direction (its sd is "
        "sqrt(1 - rho)), and a trajectory (steps x step size) must be long enough to cross "
        "its widest direction; a stronger correlation shrinks the first and not the second.",
        solution="helpers.samplers.hmc(target_99.logp, target_99.grad, np.zeros(2), n_draws=..., "
        "step_size=0.09, n_steps=25, rng=rng): the narrow sd is 0.1, so the step stays well "
        "below 0.2, and 0.09 x 25 is about 2 for the wide sd of 1.41.",
        explanation="With rho = 0.99 the target is 14 times longer than wide: HMC still works, "
        "but needs about twice as many gradients per draw as at rho = 0.95.",
    ),
}
