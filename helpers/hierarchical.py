"""Hierarchical models: eight schools, exact quadrature, segment A/B tests, shrinkage.

Introduced in notebook 05.

The eight-schools data are the coaching-effect estimates of Rubin (1981), as tabulated in
Gelman et al. (2013, section 5.5). The quadrature in :func:`normal_hierarchical_posterior`
integrates the normal hierarchical model exactly over its one awkward dimension (the
population scale ``tau``), which gives reference answers to check MCMC against.
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
from helpers.seeding import RngLike, make_rng

__all__ = [
    "EIGHT_SCHOOLS_EFFECTS",
    "EIGHT_SCHOOLS_SE",
    "eight_schools",
    "precision_weighted_mean",
    "HierarchicalQuadrature",
    "normal_hierarchical_posterior",
    "SegmentExperiment",
    "simulate_segments",
    "separate_lift_draws",
    "plot_shrinkage",
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


@dataclass(frozen=True)
class SegmentExperiment:
    """A simulated A/B test run in several user segments, with the truth kept aside.

    Attributes
    ----------
    data : pandas.DataFrame
        One row per segment: ``users_control``, ``conversions_control``, ``users_treatment``,
        ``conversions_treatment`` (what an analyst would see).
    true_lift : numpy.ndarray
        Each segment's true lift as a log odds ratio (treatment vs control).
    true_baseline : numpy.ndarray
        Each segment's true control conversion rate.
    lift_mean, lift_sd : float
        The population the segment lifts were drawn from: ``Normal(lift_mean, lift_sd)``.
    """

    data: pd.DataFrame
    true_lift: np.ndarray
    true_baseline: np.ndarray
    lift_mean: float
    lift_sd: float


def simulate_segments(
    users: Sequence[int],
    *,
    lift_mean: float = 0.1,
    lift_sd: float = 0.1,
    baseline_range: tuple[float, float] = (0.04, 0.12),
    names: Sequence[str] | None = None,
    rng: RngLike = None,
) -> SegmentExperiment:
    """Simulate an A/B test in segments of unequal size with different true lifts.

    Each segment ``k`` gets a control conversion rate ``p_k ~ Uniform(baseline_range)`` and a
    lift on the log-odds scale ``delta_k ~ Normal(lift_mean, lift_sd)``; its treatment rate is
    ``logistic(logit(p_k) + delta_k)``. Each arm of segment ``k`` has ``users[k]`` users, and
    conversions are Binomial.

    Parameters
    ----------
    users : sequence of int
        Users per arm in each segment (>= 1 each, at least two segments).
    lift_mean : float, default 0.1
        Population mean of the log odds ratios.
    lift_sd : float, default 0.1
        Population standard deviation of the log odds ratios (>= 0).
    baseline_range : (float, float), default (0.04, 0.12)
        Range of control conversion rates, inside (0, 1).
    names : sequence of str, optional
        Segment names; by default ``"S1"``, ``"S2"``, ...
    rng : Generator, int or None, keyword-only

    Returns
    -------
    SegmentExperiment

    Raises
    ------
    TypeError
        If ``users`` holds non-integers.
    ValueError
        If fewer than two segments, a size < 1, ``lift_sd < 0``, a bad ``baseline_range`` or
        ``names`` of the wrong length.

    Examples
    --------
    >>> exp = simulate_segments([1000, 100], rng=0)
    >>> exp.data.columns.tolist()
    ['users_control', 'conversions_control', 'users_treatment', 'conversions_treatment']
    >>> exp.true_lift.shape
    (2,)
    """
    sizes = validate.array(users, "users", ndim=1, integer=True).tolist()
    if len(sizes) < 2:
        raise validate.fail_value("users", "a list of at least two segment sizes", len(sizes))
    if min(sizes) < 1:
        raise validate.fail_value("users", "segment sizes >= 1", sizes)
    lift_mean = validate.real(lift_mean, "lift_mean")
    lift_sd = validate.real(lift_sd, "lift_sd", nonnegative=True)
    low, high = validate.array(baseline_range, "baseline_range", shape=(2,))
    if not 0 < low <= high < 1:
        raise validate.fail_value(
            "baseline_range", "a pair (low, high) with 0 < low <= high < 1", baseline_range
        )
    k = len(sizes)
    labels = [f"S{i + 1}" for i in range(k)] if names is None else [str(n) for n in names]
    if len(labels) != k:
        raise ValueError(f"`names` must have one name per segment ({k}); got {len(labels)}")
    gen = make_rng(rng)
    baseline = gen.uniform(low, high, size=k)
    lift = gen.normal(lift_mean, lift_sd, size=k)
    treated = special.expit(special.logit(baseline) + lift)
    n = np.asarray(sizes, dtype=np.int64)
    data = pd.DataFrame(
        {
            "users_control": n,
            "conversions_control": gen.binomial(n, baseline),
            "users_treatment": n,
            "conversions_treatment": gen.binomial(n, treated),
        },
        index=pd.Index(labels, name="segment"),
    )
    return SegmentExperiment(data, lift, baseline, float(lift_mean), float(lift_sd))


def separate_lift_draws(
    data: pd.DataFrame, *, draws: int, a: float = 1.0, b: float = 1.0, rng: RngLike = None
) -> np.ndarray:
    """Posterior draws of each segment's log odds ratio, every segment analysed on its own.

    Each arm of each segment gets its own conjugate ``Beta(a + conversions, b + failures)``
    posterior (notebook 02's model); the draws of ``logit(p_treatment) - logit(p_control)``
    are returned. No information is shared between segments: this is "no pooling". The two
    arms are drawn in the order control, treatment, each as one ``(draws, segments)`` array.

    Written out in notebook 05, section 7.

    Parameters
    ----------
    data : pandas.DataFrame
        With the columns :func:`simulate_segments` produces.
    draws : int
        Number of draws per segment (>= 1).
    a, b : float, default 1
        Beta prior parameters (> 0).
    rng : Generator, int or None, keyword-only

    Returns
    -------
    numpy.ndarray, shape (draws, segments)

    Raises
    ------
    TypeError
        If ``data`` is not a DataFrame.
    ValueError
        If a column is missing, counts are inconsistent, or ``draws``, ``a``, ``b`` are invalid.

    Examples
    --------
    >>> exp = simulate_segments([5000, 50], rng=1)
    >>> lifts = separate_lift_draws(exp.data, draws=2000, rng=2)
    >>> lifts.shape
    (2000, 2)
    >>> bool(lifts[:, 1].std() > lifts[:, 0].std())  # the small segment is far less certain
    True
    """
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"`data` must be a pandas DataFrame; got {type(data).__name__}")
    columns = ["users_control", "conversions_control", "users_treatment", "conversions_treatment"]
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise ValueError(f"`data` must have the columns {columns}; missing {missing}")
    draws = validate.integer(draws, "draws", minimum=1)
    a, b = validate.real(a, "a", positive=True), validate.real(b, "b", positive=True)
    gen = make_rng(rng)
    log_odds = []
    for arm in ("control", "treatment"):
        n = data[f"users_{arm}"].to_numpy(dtype=float)
        y = data[f"conversions_{arm}"].to_numpy(dtype=float)
        if np.any(y < 0) or np.any(y > n):
            raise ValueError(f"`data` must have 0 <= conversions_{arm} <= users_{arm}")
        p = gen.beta(a + y, b + n - y, size=(draws, len(data)))
        log_odds.append(special.logit(p))
    return log_odds[1] - log_odds[0]


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
