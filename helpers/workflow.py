"""Bayesian workflow tools: simulated delivery times and predictive checks.

The pieces of model criticism that ArviZ does not give in one line: a test statistic's
posterior (or prior) predictive p-value with its picture, and the share of predictive draws
outside a plausible range. The LOO comparison table lives in :mod:`helpers.loo`; everything else
(LOO itself, pair plots, R-hat, ESS) comes from ArviZ.

Introduced in notebook 04.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from helpers import _validate as validate
from helpers.seeding import RngLike, make_rng
from helpers.simulation import Simulation, Truth

__all__ = [
    "PPCResult",
    "simulate_deliveries",
    "tail_ratio",
    "ppc_pvalue",
    "share_outside",
    "plot_ppc_statistic",
    "plot_ppc_density",
]


def simulate_deliveries(
    n: int,
    *,
    intercept: float,
    slope: float,
    sigma: float,
    nu: float,
    distance_range: tuple[float, float] = (1.0, 30.0),
    rng: RngLike = None,
) -> Simulation:
    """Simulate delivery times with Student-t noise: ``hours = intercept + slope * km + noise``.

    Parameters
    ----------
    n : int
        Number of deliveries, >= 2.
    intercept : float
        Hours for a delivery at distance zero (handling time).
    slope : float
        Extra hours per km.
    sigma : float
        Scale of the noise, > 0 (hours).
    nu : float
        Degrees of freedom of the Student-t noise, > 0; small values give outliers, and
        ``numpy.inf`` gives Normal noise.
    distance_range : (float, float), default (1, 30)
        Distances are uniform on this range (km), with ``0 <= low < high``.
    rng : Generator, int or None, keyword-only

    Returns
    -------
    Simulation
        ``data``: columns ``distance_km`` and ``hours``. ``truth``: the line and the noise that
        made them, ``intercept``, ``slope``, ``sigma`` and ``nu`` (floats, as passed).

    Raises
    ------
    ValueError
        If ``n`` < 2, ``sigma`` or ``nu`` is not positive, or the range is malformed.
    TypeError
        If a number has the wrong type.

    Examples
    --------
    >>> sim = simulate_deliveries(5, intercept=18, slope=0.8, sigma=3, nu=3, rng=1)
    >>> list(sim.data.columns), len(sim.data)
    (['distance_km', 'hours'], 5)
    >>> sim.truth.slope
    0.8
    """
    n = validate.integer(n, "n", minimum=2)
    intercept, slope = validate.real(intercept, "intercept"), validate.real(slope, "slope")
    sigma = validate.real(sigma, "sigma", positive=True)
    nu = validate.real(nu, "nu", positive=True, finite=False)  # numpy.inf: Normal noise
    low, high = validate.array(distance_range, "distance_range", shape=(2,))
    if not 0 <= low < high:
        raise validate.fail_value(
            "distance_range", "a pair (low, high) with 0 <= low < high", distance_range
        )
    gen = make_rng(rng)
    distance = gen.uniform(low, high, size=int(n))
    noise = gen.standard_normal(int(n)) if np.isinf(nu) else gen.standard_t(float(nu), int(n))
    hours = float(intercept) + float(slope) * distance + sigma * noise
    data = pd.DataFrame({"distance_km": distance, "hours": hours})
    truth = Truth(intercept=float(intercept), slope=float(slope), sigma=sigma, nu=nu)
    return Simulation(data, truth)


def tail_ratio(y: ArrayLike, axis: int = -1) -> np.ndarray:
    """How far the extremes stretch, in units of the typical spread: ``(max - min) / IQR``.

    About 3.9 for 100 Normal draws and much larger when the data have outliers. It does not
    depend on the location or scale of the data, so it judges only their shape. Written out in
    notebook 04, section 3.

    Parameters
    ----------
    y : array-like
        One data set (1-D) or many (the statistic is taken along ``axis``).
    axis : int, default -1

    Returns
    -------
    numpy.ndarray or float

    Raises
    ------
    ValueError
        If fewer than 4 values lie along ``axis`` or the interquartile range is zero.

    Examples
    --------
    >>> float(tail_ratio([1.0, 2.0, 3.0, 4.0, 5.0]))
    2.0
    """
    arr = validate.array(y, "y", ndim=(1, 2, 3))
    axis = validate.integer(axis, "axis", minimum=-arr.ndim, maximum=arr.ndim - 1)
    if arr.shape[axis] < 4:
        raise validate.fail_value(
            "y", "an array of at least 4 values along `axis`", f"shape {arr.shape}"
        )
    q25, q75 = np.percentile(arr, [25, 75], axis=axis)
    iqr = q75 - q25
    if np.any(iqr <= 0):
        raise ValueError("`y` must have a positive interquartile range")
    return (np.max(arr, axis=axis) - np.min(arr, axis=axis)) / iqr


@dataclass(frozen=True)
class PPCResult:
    """A predictive check of one test statistic.

    Attributes
    ----------
    observed : float
        ``T(y)`` for the observed data.
    replicated : numpy.ndarray
        ``T(y_rep)`` for every predictive draw.
    p_value : float
        ``P(T(y_rep) >= T(y))``: near 0 or 1 means the model cannot reproduce this feature.
    """

    observed: float
    replicated: np.ndarray
    p_value: float

    @property
    def extreme(self) -> bool:
        """True when the p-value is below 0.01 or above 0.99."""
        return self.p_value < 0.01 or self.p_value > 0.99


def ppc_pvalue(
    observed: ArrayLike,
    replicated: ArrayLike,
    statistic: Callable[..., Any] = tail_ratio,
) -> PPCResult:
    """Posterior (or prior) predictive p-value of a test statistic.

    Written out in notebook 04, section 3; notebooks 04 and 12 call this one afterwards.

    .. math:: p = P\\big(T(y^{rep}) \\ge T(y) \\mid y\\big)
              \\approx \\frac1S \\sum_{s=1}^S 1\\{T(y^{rep}_s) \\ge T(y)\\}

    Parameters
    ----------
    observed : array-like, shape (n,)
        The data.
    replicated : array-like, shape (..., n)
        Predictive draws; every leading axis (chain, draw) counts as one replicate.
    statistic : callable, default :func:`tail_ratio`
        ``statistic(array, axis=-1)`` returning one number per data set
        (``np.max``, ``np.min``, ``np.std`` ... all work).

    Returns
    -------
    PPCResult

    Raises
    ------
    ValueError
        If the last axis of ``replicated`` does not match ``observed``.
    TypeError
        If ``statistic`` is not callable.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> y_rep = rng.normal(size=(1000, 50))
    >>> res = ppc_pvalue(rng.normal(size=50), y_rep, np.std)
    >>> 0.01 < res.p_value < 0.99
    True

    References
    ----------
    Gelman, Meng and Stern (1996); Gelman et al., *Bayesian Data Analysis*, 3rd ed., ch. 6.
    """
    validate.function(statistic, "statistic")
    y = validate.array(observed, "observed", ndim=1)
    rep = validate.array(replicated, "replicated")
    if rep.ndim < 2 or rep.shape[-1] != y.size:
        raise validate.fail_value(
            "replicated",
            f"an array of shape (..., {y.size}) to match `observed`",
            f"shape {rep.shape}",
        )
    rep = rep.reshape(-1, y.size)
    t_obs = float(np.asarray(statistic(y, axis=-1)))
    t_rep = np.asarray(statistic(rep, axis=-1), dtype=float).ravel()
    return PPCResult(observed=t_obs, replicated=t_rep, p_value=float(np.mean(t_rep >= t_obs)))


def share_outside(draws: ArrayLike, low: float, high: float) -> float:
    """Share of draws outside ``[low, high]``: how much predictive mass is implausible.

    Parameters
    ----------
    draws : array-like
        Prior (or posterior) predictive draws of any shape.
    low, high : float
        The plausible range, ``low < high``.

    Returns
    -------
    float
        In [0, 1].

    Raises
    ------
    ValueError
        If ``low >= high`` or ``draws`` is empty.

    Examples
    --------
    >>> share_outside([-1.0, 0.5, 2.0, 3.0], 0, 2.5)
    0.5
    """
    low, high = validate.real(low, "low", finite=False), validate.real(high, "high", finite=False)
    if not low < high:
        raise validate.fail_value("low", "< `high`", f"low={low!r}, high={high!r}")
    arr = validate.array(draws, "draws", min_size=1)
    return float(np.mean((arr < low) | (arr > high)))


def plot_ppc_statistic(
    result: PPCResult,
    *,
    title: str,
    statistic_label: str,
    ax: Any = None,
) -> Any:
    """Histogram of ``T(y_rep)`` with ``T(y)`` marked and the p-value in the legend.

    Parameters
    ----------
    result : PPCResult
    title : str
    statistic_label : str
        The x-axis label: the statistic and its unit.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    TypeError
        If ``result`` is not a :class:`PPCResult`.

    Examples
    --------
    >>> result = PPCResult(observed=1.0, replicated=np.array([0.5, 1.5, 2.0]), p_value=2 / 3)
    >>> ax = plot_ppc_statistic(result, title="T(y_rep)", statistic_label="T")
    >>> ax.get_title()
    'T(y_rep)'
    """
    validate.instance(result, "result", PPCResult, "a PPCResult (from ppc_pvalue)")
    import matplotlib.pyplot as plt

    from helpers.style import label

    if ax is None:
        _, ax = plt.subplots()
    values = result.replicated
    high = np.quantile(values, 0.99)
    shown = values[values <= max(high, result.observed)]
    ax.hist(shown, bins=40, alpha=0.6, color="C0", label="T(y_rep), replicated data")
    ax.axvline(result.observed, color="C3", lw=2, label=f"T(y) = {result.observed:.3g}, observed")
    ax.plot([], [], " ", label=f"p-value = {result.p_value:.3f}")
    label(ax, title=title, xlabel=statistic_label, ylabel="number of replicates", legend=True)
    return ax


def plot_ppc_density(idata: Any, var: str, *, n_lines: int = 100, ax: Any = None) -> Any:
    """Density of the observed data over those of ``n_lines`` replicated data sets (KDEs).

    The picture of ArviZ's ``plot_ppc_dist``, drawn on a matplotlib ``ax`` so that two models
    can share one figure. The replicates are picked evenly from all posterior predictive draws
    (no randomness); the dashed line is the mean of their densities. Introduced in notebook 03.

    Parameters
    ----------
    idata : xarray.DataTree
        With ``observed_data`` and ``posterior_predictive`` groups holding ``var``.
    var : str
        The observed variable.
    n_lines : int, default 100
        Number of replicated data sets drawn, at least 1 and at most the number of draws.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    ValueError
        If ``var`` is missing from either group, or ``n_lines`` is out of range.
    """
    import matplotlib.pyplot as plt
    from scipy import stats

    for group in ("observed_data", "posterior_predictive"):
        if not hasattr(idata, group) or var not in idata[group]:
            raise ValueError(f"`idata.{group}` must hold {var!r}")
    observed = np.asarray(idata.observed_data[var].values, dtype=float).ravel()
    replicated = np.asarray(idata.posterior_predictive[var].values, dtype=float)
    replicated = replicated.reshape(-1, observed.size)  # one row per y_rep
    n_lines = validate.integer(n_lines, "n_lines", minimum=1, maximum=len(replicated))
    if ax is None:
        _, ax = plt.subplots()
    picked = replicated[np.linspace(0, len(replicated) - 1, n_lines).astype(int)]
    grid = np.linspace(*np.percentile(np.r_[observed, picked.ravel()], [0.1, 99.9]), 200)
    densities = np.array([stats.gaussian_kde(r)(grid) for r in picked])
    ax.plot(grid, densities.T, color="C0", lw=0.7, alpha=0.12)  # one line per y_rep
    ax.plot([], [], color="C0", lw=1, label=f"replicated data y_rep ({n_lines} draws)")
    ax.plot(grid, densities.mean(axis=0), "C1--", lw=1.5, label="mean of the y_rep densities")
    ax.plot(grid, stats.gaussian_kde(observed)(grid), "k", lw=2, label="observed data y")
    ax.legend(loc="upper left", fontsize="small")
    return ax
