"""Monte Carlo estimates and their standard errors, one type for the whole course. Introduced in notebook 01.

Every simulation in the course reports an average of draws together with its Monte Carlo
standard error: an expectation (:func:`mc_estimate`, notebook 01), a probability as the share of
events, possibly importance-weighted (:func:`probability_estimate`, notebooks 01 and 08), or the
moments of correlated MCMC draws (:func:`moments_with_mcse`, notebook 07). All of them share
:class:`MCEstimate` and its normal-approximation interval; :func:`draws_matrix` turns posterior
draws of any shape into the (samples, columns) matrix these functions and the fit comparisons
take.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from helpers import _validate as validate

__all__ = [
    "MCEstimate",
    "mc_estimate",
    "ProbabilityEstimate",
    "probability_estimate",
    "moments_with_mcse",
    "draws_matrix",
]


@dataclass(frozen=True)
class MCEstimate:
    """A Monte Carlo estimate of an expectation and its standard error.

    Attributes
    ----------
    mean : float
        The sample mean, the estimate of E[f(X)].
    se : float
        Its standard error, ``sd / sqrt(n_draws)``: it shrinks like ``1 / sqrt(n_draws)``.
    n_draws : int
        The number of draws.
    """

    mean: float
    se: float
    n_draws: int

    def interval(self, ci_prob: float = 0.95) -> tuple[float, float]:
        """The normal-approximation interval ``mean +/- z * se`` holding ``ci_prob``.

        ``z`` is the standard Normal quantile at ``(1 + ci_prob) / 2`` (1.96 for 0.95).

        >>> low, high = MCEstimate(mean=1.0, se=0.5, n_draws=100).interval(0.95)
        >>> round(low, 3), round(high, 3)
        (0.02, 1.98)
        """
        z = float(stats.norm.ppf((1 + validate.ci_prob(ci_prob)) / 2))
        return (self.mean - z * self.se, self.mean + z * self.se)


def mc_estimate(values: ArrayLike) -> MCEstimate:
    """Estimate an expectation from Monte Carlo draws, with its standard error.

    Written out in notebook 01, section 2.

    Parameters
    ----------
    values : array-like of float, 1-D
        Draws of f(X); booleans estimate a probability.

    Returns
    -------
    MCEstimate

    Raises
    ------
    ValueError
        If ``values`` is not 1-D, has fewer than two draws, or holds NaN or infinity.

    Examples
    --------
    >>> est = mc_estimate([0.0, 1.0, 1.0, 0.0])
    >>> est.mean, round(est.se, 3)
    (0.5, 0.289)
    """
    arr = validate.array(values, "values", ndim=1, min_size=2, indicators=True)
    return MCEstimate(
        mean=float(arr.mean()), se=float(arr.std(ddof=1) / np.sqrt(arr.size)), n_draws=int(arr.size)
    )


@dataclass(frozen=True)
class ProbabilityEstimate(MCEstimate):
    """An estimated probability: the (weighted) share of events, with its standard error.

    Its interval is clipped to [0, 1], where a probability lives.
    """

    def interval(self, ci_prob: float = 0.95) -> tuple[float, float]:
        """The normal-approximation interval, clipped to [0, 1].

        >>> ProbabilityEstimate(mean=0.01, se=0.01, n_draws=100).interval()[0]
        0.0
        """
        low, high = super().interval(ci_prob)
        return (max(0.0, low), min(1.0, high))


def probability_estimate(events: ArrayLike, *, weights: ArrayLike = None) -> ProbabilityEstimate:
    r"""Estimate P(event) from simulated events, optionally importance-weighted.

    .. math:: \hat p = \frac1N \sum_i w_i\, 1[E_i], \qquad
        \operatorname{se} = \frac{\operatorname{sd}(w_i\, 1[E_i])}{\sqrt N}

    Plain Monte Carlo has all weights :math:`w_i = 1`, so that
    :math:`\operatorname{se} \approx \sqrt{p (1 - p) / N}` (the binomial standard error);
    importance sampling passes the likelihood ratios of its draws.

    Parameters
    ----------
    events : array-like of bool, 1-D
        Whether the event happened in each simulated run (at least 2 runs).
    weights : array-like, optional
        Importance weights, one per run, finite and >= 0.

    Returns
    -------
    ProbabilityEstimate

    Examples
    --------
    >>> est = probability_estimate([True, False, False, False])
    >>> est.mean, round(est.se, 3)
    (0.25, 0.25)
    """
    hits = validate.array(events, "events", ndim=1, min_size=2, indicators=True)
    if np.any((hits != 0) & (hits != 1)):
        raise validate.fail_value("events", "an array of booleans (or 0 and 1)", "other values")
    terms = hits.astype(float)
    if weights is not None:
        terms = terms * validate.array(weights, "weights", shape=hits.shape, nonnegative=True)
    return ProbabilityEstimate(
        mean=float(terms.mean()),
        se=float(terms.std(ddof=1) / np.sqrt(terms.size)),
        n_draws=terms.size,
    )


def moments_with_mcse(
    draws: ArrayLike, center: ArrayLike
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Means and covariances of MCMC draws with their Monte Carlo standard errors.

    The covariance is taken about a known ``center`` (the true mean when checking a sampler),
    ``C_ij = mean((x_i - c_i)(x_j - c_j))``, so every entry is a plain average and its MCSE comes
    from ArviZ's autocorrelation-aware estimate (:func:`arviz.mcse`). Introduced in notebook 07.

    Parameters
    ----------
    draws : array-like, shape (n, d) or (chains, n, d)
        One chain, or several chains of equal length; n >= 4.
    center : array-like, shape (d,)

    Returns
    -------
    mean, mean_mcse : numpy.ndarray, shape (d,)
    cov, cov_mcse : numpy.ndarray, shape (d, d)

    Raises
    ------
    ValueError
        If the shapes are wrong or the draws are not finite.

    Examples
    --------
    >>> x = np.random.default_rng(0).normal(size=(4000, 2))
    >>> mean, mean_se, cov, cov_se = moments_with_mcse(x, [0.0, 0.0])
    >>> bool(np.all(np.abs(cov - np.eye(2)) < 4 * cov_se))
    True
    """
    import arviz as az

    x = validate.array(draws, "draws", ndim=(2, 3))
    if x.ndim == 2:
        x = x[None, ...]
    if x.shape[1] < 4:
        raise validate.fail_value(
            "draws", "of shape (n >= 4, d) or (chains, n >= 4, d)", f"shape {np.shape(draws)}"
        )
    c = validate.array(center, "center", shape=(x.shape[2],))

    def se(values: np.ndarray) -> float:
        return float(np.asarray(az.mcse(values)).ravel()[0])

    d = x.shape[2]
    z = x - c
    mean = x.mean(axis=(0, 1))
    mean_se = np.array([se(x[..., i]) for i in range(d)])
    cov = np.einsum("cni,cnj->ij", z, z) / (x.shape[0] * x.shape[1])
    cov_se = np.array([[se(z[..., i] * z[..., j]) for j in range(d)] for i in range(d)])
    return mean, mean_se, cov, cov_se


def draws_matrix(draws: Any, var_names: Sequence[str] | None = None) -> np.ndarray:
    """Posterior (or predictive) draws as one (samples, columns) matrix, chains stacked.

    Three inputs, one output:

    - a fit (``xarray.DataTree`` with a posterior group) and ``var_names``: the named variables,
      in order, vector variables contributing one column per element (notebook 07);
    - an ``xarray.DataArray`` with ``chain`` and ``draw`` dimensions and one more (as
      ``idata.posterior_predictive["y"]``): one column per entry of that dimension (notebook 03);
    - a 2-D array, already (samples, columns): returned as floats.

    Raises
    ------
    TypeError
        If ``var_names`` is given and ``draws`` has no posterior group.
    ValueError
        If ``var_names`` is empty or names a missing variable, or the draws have the wrong shape.

    Examples
    --------
    >>> import arviz as az
    >>> idata = az.from_dict({"posterior": {"a": np.zeros((2, 5)), "b": np.ones((2, 5, 3))}})
    >>> draws_matrix(idata, ["a", "b"]).shape
    (10, 4)
    >>> draws_matrix(idata.posterior["b"]).shape
    (10, 3)
    """
    if var_names is not None:
        if not hasattr(draws, "posterior"):
            raise validate.fail_type("draws", "a DataTree with a posterior group", draws)
        if isinstance(var_names, str) or not var_names:
            raise validate.fail_value("var_names", "a non-empty list of names", var_names)
        post = draws.posterior
        columns = []
        for name in var_names:
            if name not in post:
                raise validate.fail_value(
                    "var_names", f"names in the posterior {list(post)}", repr(name)
                )
            values = np.asarray(post[name].values, dtype=float)
            columns.append(values.reshape(values.shape[0] * values.shape[1], -1))
        return np.concatenate(columns, axis=1)
    dims = getattr(draws, "dims", None)
    if dims is not None and {"chain", "draw"} <= set(dims):
        other = [d for d in dims if d not in ("chain", "draw")]
        if len(other) != 1:
            raise validate.fail_value(
                "draws", "an array with exactly one dimension besides chain and draw", dims
            )
        stacked = draws.stack(sample=("chain", "draw")).transpose("sample", *other)
        return np.asarray(stacked, dtype=float)
    return validate.array(draws, "draws", ndim=2)
