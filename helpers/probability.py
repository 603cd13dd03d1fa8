"""Probability basics: Bayes' rule, grid and conjugate posteriors.

Introduced in notebook 01; the conjugate Beta posterior is reused by the A/B helpers (notebook 02).
Monte Carlo estimates live in :mod:`helpers.montecarlo`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from helpers import _validate as validate

__all__ = [
    "positive_predictive_value",
    "beta_posterior",
    "grid_posterior",
    "grid_interval",
]


def _successes_trials(successes: int, trials: int) -> tuple[int, int]:
    """Counts ``0 <= successes <= trials``, checked with the package's one template."""
    n = validate.integer(trials, "trials", minimum=0)
    s = validate.integer(successes, "successes", minimum=0)
    if s > n:
        raise validate.fail_value("successes", f"<= `trials` ({n})", s)
    return s, n


def positive_predictive_value(prevalence: float, sensitivity: float, specificity: float) -> float:
    """P(condition | positive test) by Bayes' theorem.

    .. math:: P(D \\mid +) = \\frac{P(+ \\mid D) P(D)}{P(+ \\mid D) P(D) + P(+ \\mid \\neg D) P(\\neg D)}

    Parameters
    ----------
    prevalence : float
        P(D), the base rate, in [0, 1].
    sensitivity : float
        P(+ | D), in [0, 1].
    specificity : float
        P(- | not D), in [0, 1].

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If an argument is outside [0, 1], or no one could test positive.

    Examples
    --------
    >>> round(positive_predictive_value(0.01, 0.99, 0.95), 3)
    0.167
    """
    prior = validate.probability(prevalence, "prevalence")
    sens = validate.probability(sensitivity, "sensitivity")
    spec = validate.probability(specificity, "specificity")
    evidence = sens * prior + (1 - spec) * (1 - prior)
    if evidence == 0:
        raise ValueError("a positive test is impossible with these inputs (P(+) = 0)")
    return sens * prior / evidence


def beta_posterior(successes: int, trials: int, *, a: float = 1.0, b: float = 1.0) -> Any:
    """The conjugate posterior Beta(a + successes, b + trials - successes).

    Parameters
    ----------
    successes, trials : int
        Non-negative counts with ``successes <= trials``.
    a, b : float, default 1
        The Beta prior's parameters, both > 0 (1, 1 is uniform).

    Returns
    -------
    scipy.stats frozen Beta distribution

    Raises
    ------
    ValueError
        If a count is negative, ``successes > trials``, or a prior parameter is not positive.

    Examples
    --------
    >>> float(beta_posterior(3, 10).mean())
    0.3333333333333333
    """
    s, n = _successes_trials(successes, trials)
    a, b = validate.real(a, "a", positive=True), validate.real(b, "b", positive=True)
    return stats.beta(a + s, b + n - s)


def grid_posterior(
    successes: int, trials: int, *, prior: Any = None, grid_size: int = 201
) -> tuple[np.ndarray, np.ndarray]:
    """Grid approximation of the posterior of a proportion under a Binomial likelihood.

    Written out in notebook 01, section 6 (prior x likelihood on a grid, divided by its
    trapezoid-rule area), where it is checked against this function; exercise 01-4 reuses it.

    Parameters
    ----------
    successes, trials : int
        Non-negative counts with ``successes <= trials``.
    prior : callable, optional
        Prior density (need not be normalised) evaluated on the grid; uniform by default.
    grid_size : int, default 201
        Number of grid points on [0, 1], at least 3.

    Returns
    -------
    grid, density : ndarray
        The grid and the posterior density on it (integrates to 1 by the trapezoid rule).

    Raises
    ------
    ValueError
        For bad counts, a grid smaller than 3, or a prior that is negative or zero everywhere.
    TypeError
        If ``prior`` is not callable.

    Examples
    --------
    >>> grid, density = grid_posterior(3, 10, grid_size=1001)
    >>> round(float(np.trapezoid(grid * density, grid)), 3)
    0.333
    """
    s, n = _successes_trials(successes, trials)
    size = validate.integer(grid_size, "grid_size", minimum=3)
    if prior is not None:
        validate.function(prior, "prior")
    grid = np.linspace(0.0, 1.0, size)
    prior_values = np.ones_like(grid) if prior is None else np.asarray(prior(grid), dtype=float)
    if prior_values.shape != grid.shape or np.any(prior_values < 0) or not np.any(prior_values > 0):
        raise ValueError(
            "`prior` must return a non-negative value for every grid point, not all zero"
        )
    unnormalised = stats.binom.pmf(s, n, grid) * prior_values  # likelihood x prior
    area = np.trapezoid(unnormalised, grid)
    if area <= 0:
        raise ValueError("the posterior is zero on the whole grid; widen the prior")
    return grid, unnormalised / area


def grid_interval(
    grid: ArrayLike, density: ArrayLike, ci_prob: float = 0.95
) -> tuple[float, float]:
    """Equal-tailed credible interval read off a density on a grid.

    Parameters
    ----------
    grid : array-like
        Increasing grid points.
    density : array-like
        Density values on the grid (normalised or not).
    ci_prob : float, default 0.95
        Probability inside the interval, in (0, 1).

    Returns
    -------
    (low, high) : tuple of float

    Raises
    ------
    ValueError
        If shapes differ, the grid is not increasing, the density is negative, or ``ci_prob`` is not
        in (0, 1).

    Examples
    --------
    >>> g = np.linspace(0, 1, 2001)
    >>> low, high = grid_interval(g, np.ones_like(g), 0.9)
    >>> round(low, 3), round(high, 3)
    (0.05, 0.95)
    """
    x = validate.array(grid, "grid", ndim=1, min_size=3)
    y = validate.array(density, "density", shape=x.shape)
    if np.any(np.diff(x) <= 0):
        raise validate.fail_value("grid", "strictly increasing", "a step <= 0")
    if np.any(y < 0) or not np.any(y > 0):
        raise ValueError("`density` must be non-negative and not all zero")
    ci_prob = validate.ci_prob(ci_prob)
    cdf = np.concatenate([[0.0], np.cumsum((y[1:] + y[:-1]) / 2 * np.diff(x))])
    cdf /= cdf[-1]
    tail = (1 - ci_prob) / 2
    return float(np.interp(tail, cdf, x)), float(np.interp(1 - tail, cdf, x))
