"""Hierarchical models: eight schools, exact quadrature, shrinkage.

Introduced in notebook 05.

The eight-schools data are the coaching-effect estimates of Rubin (1981), as tabulated in
Gelman et al. (2013, section 5.5). The quadrature in :func:`normal_hierarchical_posterior`
integrates the normal hierarchical model exactly over its one awkward dimension (the
population scale ``tau``), which gives reference answers to check MCMC against, and
:func:`exact_summary` tabulates them per group (notebook 14 sets several fits against it). The
simulated experiment across user segments lives in :mod:`helpers.segments`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import special, stats

from helpers import _validate as validate

__all__ = [
    "EIGHT_SCHOOLS_EFFECTS",
    "EIGHT_SCHOOLS_SE",
    "eight_schools",
    "precision_weighted_mean",
    "HierarchicalQuadrature",
    "normal_hierarchical_posterior",
    "plot_shrinkage",
    "exact_summary",
]

#: Estimated coaching effects (SAT-V points) in the eight schools (Rubin, 1981).
EIGHT_SCHOOLS_EFFECTS: tuple[float, ...] = (28.0, 8.0, -3.0, 7.0, -1.0, 1.0, 18.0, 12.0)
#: Their standard errors (Rubin, 1981).
EIGHT_SCHOOLS_SE: tuple[float, ...] = (15.0, 10.0, 16.0, 11.0, 9.0, 11.0, 10.0, 18.0)


def _pair(y: Any, sigma: Any) -> tuple[np.ndarray, np.ndarray]:
    y_arr = validate.array(y, "y", ndim=1, min_size=1)
    s_arr = validate.array(sigma, "sigma", ndim=1, min_size=1, positive=True)
    if y_arr.shape != s_arr.shape:
        raise ValueError(
            f"`y` and `sigma` must have the same length; got {y_arr.size} and {s_arr.size}"
        )
    return y_arr, s_arr


def eight_schools() -> pd.DataFrame:
    """The eight-schools data as a table: one row per school, effect and standard error.

    Returns
    -------
    pandas.DataFrame
        Index ``school`` (A to H), columns ``effect`` and ``se`` (SAT-V points).

    References
    ----------
    Rubin, D. B. (1981). Estimation in parallel randomized experiments. *Journal of Educational
    Statistics*, 6(4), 377-401.

    Examples
    --------
    >>> eight_schools().loc["A"].tolist()
    [28.0, 15.0]
    """
    index = pd.Index(list("ABCDEFGH"), name="school")
    return pd.DataFrame(
        {"effect": EIGHT_SCHOOLS_EFFECTS, "se": EIGHT_SCHOOLS_SE}, index=index, dtype=float
    )


def precision_weighted_mean(y: ArrayLike, sigma: ArrayLike) -> tuple[float, float]:
    """Complete pooling: the precision-weighted mean of estimates and its standard error.

    If every group measures the same effect ``mu`` with known standard errors ``sigma_j``, the
    posterior of ``mu`` under a flat prior is Normal with mean
    ``sum(y_j / sigma_j**2) / sum(1 / sigma_j**2)`` and variance ``1 / sum(1 / sigma_j**2)``.

    Parameters
    ----------
    y : array-like, 1-D
        Estimates, one per group.
    sigma : array-like, 1-D
        Their standard errors, all > 0.

    Returns
    -------
    (float, float)
        The pooled estimate and its standard error.

    Raises
    ------
    TypeError
        If an argument is not numeric.
    ValueError
        If the arrays are empty, not 1-D, non-finite, of different lengths, or ``sigma <= 0``.

    Examples
    --------
    >>> est, se = precision_weighted_mean(EIGHT_SCHOOLS_EFFECTS, EIGHT_SCHOOLS_SE)
    >>> round(est, 2), round(se, 2)
    (7.69, 4.07)
    """
    y_arr, s_arr = _pair(y, sigma)
    precision = 1.0 / s_arr**2
    return float(np.sum(precision * y_arr) / np.sum(precision)), float(
        np.sqrt(1.0 / np.sum(precision))
    )


@dataclass(frozen=True)
class HierarchicalQuadrature:
    """The exact posterior of the normal hierarchical model, on a grid over ``tau``.

    Conditional on ``tau`` everything is Normal, so the posterior is a weighted mixture of
    Normals, one per grid point.

    Attributes
    ----------
    tau : numpy.ndarray, shape (G,)
        Grid of population standard deviations.
    weights : numpy.ndarray, shape (G,)
        Posterior probabilities of the grid points (they sum to 1).
    mu_mean, mu_var : numpy.ndarray, shape (G,)
        Mean and variance of ``mu | tau, y``.
    theta_mean, theta_var : numpy.ndarray, shape (G, J)
        Mean and variance of ``theta_j | tau, y`` (``mu`` integrated out).
    """

    tau: np.ndarray
    weights: np.ndarray
    mu_mean: np.ndarray
    mu_var: np.ndarray
    theta_mean: np.ndarray
    theta_var: np.ndarray

    def mean(self, name: str) -> Any:
        """Posterior mean of ``"mu"``, ``"tau"`` or ``"theta"`` (an array over groups).

        Raises
        ------
        ValueError
            If ``name`` is none of these.
        """
        if name == "mu":
            return float(self.weights @ self.mu_mean)
        if name == "tau":
            return float(self.weights @ self.tau)
        if name == "theta":
            return self.weights @ self.theta_mean
        raise ValueError(f"`name` must be 'mu', 'tau' or 'theta'; got {name!r}")

    def prob_theta_above(self, group: int, threshold: float) -> float:
        """``P(theta_group > threshold | y)``.

        Raises
        ------
        ValueError
            If ``group`` is not a valid index.
        """
        groups = self.theta_mean.shape[1]
        group = validate.integer(group, "group", minimum=0, maximum=groups - 1)
        sd = np.sqrt(self.theta_var[:, group])
        prob = self.weights @ stats.norm.sf(threshold, self.theta_mean[:, group], sd)
        return float(np.clip(prob, 0.0, 1.0))  # clip rounding error in the weighted sum

    def prob_new_above(self, threshold: float) -> float:
        """``P(theta_new > threshold | y)`` for a new group from the same population."""
        sd = np.sqrt(self.mu_var + self.tau**2)
        return float(np.clip(self.weights @ stats.norm.sf(threshold, self.mu_mean, sd), 0.0, 1.0))


def normal_hierarchical_posterior(
    y: ArrayLike,
    sigma: ArrayLike,
    *,
    mu_sd: float = 20.0,
    tau_scale: float = 5.0,
    grid_size: int = 4000,
) -> HierarchicalQuadrature:
    """Exact posterior of ``y_j ~ N(theta_j, sigma_j)``, ``theta_j ~ N(mu, tau)`` by quadrature.

    Priors: ``mu ~ Normal(0, mu_sd)`` and ``tau ~ HalfCauchy(tau_scale)``. Integrating out
    ``theta`` and ``mu`` analytically leaves ``p(y | tau)``, a multivariate Normal with
    covariance ``diag(sigma**2 + tau**2) + mu_sd**2``; the one remaining dimension is
    integrated on a grid. With ``tau = tau_scale * tan(pi * u / 2)`` the half-Cauchy prior is
    uniform in ``u``, so a midpoint grid in ``u`` covers the heavy tail (Gelman et al., 2013,
    section 5.4).

    Parameters
    ----------
    y, sigma : array-like, 1-D
        Group estimates and their known standard errors (> 0).
    mu_sd : float, default 20
        Prior standard deviation of ``mu`` (> 0).
    tau_scale : float, default 5
        Prior scale of ``tau`` (> 0).
    grid_size : int, default 4000
        Number of grid points (>= 100).

    Returns
    -------
    HierarchicalQuadrature

    Raises
    ------
    TypeError, ValueError
        If the data or the prior scales are malformed, or ``grid_size`` is not an integer >= 100.

    Examples
    --------
    With the priors of the classic PyMC and Stan example, ``mu ~ Normal(0, 5)``, the posterior
    means are the familiar 4.4 and 3.6:

    >>> post = normal_hierarchical_posterior(EIGHT_SCHOOLS_EFFECTS, EIGHT_SCHOOLS_SE, mu_sd=5)
    >>> round(post.mean("mu"), 1), round(post.mean("tau"), 1)
    (4.4, 3.6)
    """
    y_arr, s_arr = _pair(y, sigma)
    mu_sd = validate.real(mu_sd, "mu_sd", positive=True)
    tau_scale = validate.real(tau_scale, "tau_scale", positive=True)
    grid_size = validate.integer(grid_size, "grid_size", minimum=100)
    u = (np.arange(grid_size) + 0.5) / grid_size
    tau = tau_scale * np.tan(np.pi * u / 2)
    var = s_arr**2 + tau[:, None] ** 2  # (G, J): Var(y_j | mu, tau)
    # mu | tau, y: combine the prior N(0, mu_sd) with the J "measurements" y_j of variance var
    precision = 1.0 / mu_sd**2 + np.sum(1.0 / var, axis=1)
    mu_var = 1.0 / precision
    mu_mean = mu_var * np.sum(y_arr / var, axis=1)
    # log p(y | tau) = log MVN(y; 0, D + mu_sd^2 11'), via the matrix determinant lemma
    log_det = np.sum(np.log(var), axis=1) + np.log(mu_sd**2 * precision)
    quad = np.sum(y_arr**2 / var, axis=1) - mu_mean**2 * precision
    log_like = -0.5 * (log_det + quad)
    weights = np.exp(log_like - special.logsumexp(log_like))
    # theta_j | mu, tau, y = (1 - w_j) y_j + w_j mu with w_j = sigma_j^2 / (sigma_j^2 + tau^2)
    shrink = s_arr**2 / var
    theta_mean = (1 - shrink) * y_arr + shrink * mu_mean[:, None]
    theta_var = s_arr**2 * tau[:, None] ** 2 / var + shrink**2 * mu_var[:, None]
    return HierarchicalQuadrature(tau, weights, mu_mean, mu_var, theta_mean, theta_var)


def plot_shrinkage(
    separate: ArrayLike,
    pooled: ArrayLike,
    *,
    complete: float | None = None,
    labels: Sequence[str] | None = None,
    sizes: ArrayLike = None,
    ax: Any = None,
) -> Any:
    """Draw how partial pooling moves each group's estimate from its own toward the pool.

    Parameters
    ----------
    separate : array-like, 1-D
        No-pooling estimates (left column).
    pooled : array-like, 1-D
        Partial-pooling estimates (right column), same length.
    complete : float, optional
        The complete-pooling estimate, drawn as a dashed line.
    labels : sequence of str, optional
        Group names written next to the left points.
    sizes : array-like, optional
        Marker sizes per group (e.g. proportional to precision).
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If the inputs have different lengths.

    Examples
    --------
    >>> ax = plot_shrinkage([28, 8, -3], [9, 7, 6], complete=7.7, labels=["A", "B", "C"])
    >>> ax.get_xticks().tolist()
    [0.0, 1.0]
    """
    import matplotlib.pyplot as plt

    left = validate.array(separate, "separate", ndim=1, min_size=1)
    right = validate.array(pooled, "pooled", ndim=1, min_size=1)
    if left.shape != right.shape:
        raise ValueError(
            f"`separate` and `pooled` must have the same length; got {left.size} and {right.size}"
        )
    names = [str(i) for i in range(left.size)] if labels is None else [str(x) for x in labels]
    if len(names) != left.size:
        raise ValueError(f"`labels` must have {left.size} entries; got {len(names)}")
    marker = (
        np.full(left.size, 40.0)
        if sizes is None
        else validate.array(sizes, "sizes", ndim=1, min_size=1, positive=True)
    )
    if marker.shape != left.shape:
        raise ValueError(f"`sizes` must have {left.size} entries; got {marker.size}")
    if ax is None:
        _, ax = plt.subplots()
    for i in range(left.size):
        ax.plot([0, 1], [left[i], right[i]], color="0.5", lw=1, zorder=1)
        ax.annotate(
            names[i],
            (0, left[i]),
            xytext=(-8, 0),
            textcoords="offset points",
            ha="right",
            va="center",
            fontsize=9,
        )
    ax.scatter(np.zeros(left.size), left, s=marker, color="C0", zorder=2, label="no pooling")
    ax.scatter(np.ones(right.size), right, s=marker, color="C1", zorder=2, label="partial pooling")
    if complete is not None:
        ax.axhline(
            validate.real(complete, "complete"), color="C2", ls="--", label="complete pooling"
        )
    ax.set_xticks([0.0, 1.0], ["no pooling", "partial pooling"])
    ax.set_xlim(-0.4, 1.2)
    return ax


def exact_summary(posterior: Any, labels: Sequence[str]) -> pd.DataFrame:
    """Posterior means and standard deviations of ``mu``, ``tau`` and each ``theta`` exactly.

    Parameters
    ----------
    posterior : helpers.hierarchical.HierarchicalQuadrature
        From :func:`helpers.hierarchical.normal_hierarchical_posterior`. Each grid point carries
        a Normal for ``mu`` and each ``theta``, so their moments are those of a mixture:
        ``Var = sum_g w_g (v_g + m_g**2) - (sum_g w_g m_g)**2``.
    labels : sequence of str
        Group names, one per ``theta``.

    Returns
    -------
    pandas.DataFrame
        Index ``mu``, ``tau``, ``theta[<label>]``...; columns ``mean`` and ``sd``.

    Raises
    ------
    TypeError
        If ``posterior`` lacks the quadrature fields.
    ValueError
        If ``labels`` does not have one entry per group.

    Examples
    --------
    >>> from helpers.hierarchical import EIGHT_SCHOOLS_EFFECTS, EIGHT_SCHOOLS_SE
    >>> from helpers.hierarchical import normal_hierarchical_posterior
    >>> post = normal_hierarchical_posterior(EIGHT_SCHOOLS_EFFECTS, EIGHT_SCHOOLS_SE, mu_sd=5)
    >>> exact_summary(post, list("ABCDEFGH")).loc["mu", "mean"].round(1)
    np.float64(4.4)
    """
    fields = ("weights", "tau", "mu_mean", "mu_var", "theta_mean", "theta_var")
    if not all(hasattr(posterior, f) for f in fields):
        raise TypeError("`posterior` must be a HierarchicalQuadrature")
    names = [str(x) for x in labels]
    groups = posterior.theta_mean.shape[1]
    if len(names) != groups:
        raise ValueError(f"`labels` must have {groups} entries (one per group); got {len(names)}")
    w = posterior.weights

    def moments(mean: np.ndarray, var: np.ndarray) -> tuple[Any, Any]:
        first = w @ mean
        return first, np.sqrt(np.maximum(w @ (var + mean**2) - first**2, 0.0))

    rows = {"mu": moments(posterior.mu_mean, posterior.mu_var)}
    rows["tau"] = moments(posterior.tau, np.zeros_like(posterior.tau))
    theta_mean, theta_sd = moments(posterior.theta_mean, posterior.theta_var)
    for j, name in enumerate(names):
        rows[f"theta[{name}]"] = (theta_mean[j], theta_sd[j])
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=["mean", "sd"], dtype=float)
    return frame.rename_axis("parameter")
