"""Communicating a posterior: probability statements, exceedance curves and forecast fans.

Introduced in notebook 14.

Translating draws into what a stakeholder reads: a probability statement with its Monte Carlo
error, a curve of exceedance probabilities, and a fan chart of a forecast of extra conversions.
Segment log odds live in :mod:`helpers.segments`, the exact reference summary in
:mod:`helpers.hierarchical`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from helpers import _validate as validate
from helpers.seeding import RngLike, make_rng

__all__ = [
    "probability_statement",
    "exceedance_curve",
    "plot_exceedance",
    "forecast_extra_conversions",
    "plot_fan_chart",
]


def probability_statement(
    draws: ArrayLike, threshold: float, *, quantity: str, above: bool = True, unit: str = ""
) -> str:
    """Turn posterior draws into one sentence a stakeholder can act on.

    The probability is rounded to whole percent and never reported as 0% or 100%: a finite
    number of draws cannot establish certainty, so those become "less than 1%" and "more than
    99%".

    Parameters
    ----------
    draws : array-like, 1-D
        Posterior draws of the quantity.
    threshold : float
        The value the statement is about (a target, a break-even point, zero).
    quantity : str
        What the draws are, in the reader's words ("the lift in Germany").
    above : bool, default True
        Talk about ``P(quantity > threshold)``; False for ``P(quantity < threshold)``.
    unit : str, optional
        Appended to the threshold ("%", " conversions").

    Returns
    -------
    str

    Raises
    ------
    TypeError, ValueError
        If the draws are not a non-empty finite 1-D array, the threshold is not a finite
        number, or ``quantity`` is empty.

    Examples
    --------
    >>> probability_statement([0.1, 0.2, -0.1, 0.3], 0, quantity="the lift")
    'There is a 75% chance that the lift is above 0.'
    >>> probability_statement([1.0] * 500, 0, quantity="the lift")
    'There is a more than 99% chance that the lift is above 0.'
    """
    arr = validate.array(draws, "draws", ndim=1, min_size=1)
    threshold = validate.real(threshold, "threshold")
    validate.text(quantity, "quantity")
    prob = float(np.mean(arr > threshold if above else arr < threshold))
    if prob > 0.99:
        chance = "more than 99%"
    elif prob < 0.01:
        chance = "less than 1%"
    else:
        chance = f"{round(100 * prob)}%"
    direction = "above" if above else "below"
    return f"There is a {chance} chance that {quantity} is {direction} {threshold:g}{unit}."


def exceedance_curve(draws: ArrayLike, thresholds: ArrayLike) -> np.ndarray:
    """``P(X > t)`` for each threshold ``t``, estimated from draws of ``X``.

    Written out in notebook 14, section 6.

    Parameters
    ----------
    draws : array-like, 1-D
    thresholds : array-like, 1-D

    Returns
    -------
    numpy.ndarray
        One probability per threshold, non-increasing in ``t`` when thresholds are sorted.

    Raises
    ------
    TypeError, ValueError
        If either input is not a non-empty finite 1-D numeric array.

    Examples
    --------
    >>> exceedance_curve([1, 2, 3, 4], [0, 2.5, 5]).tolist()
    [1.0, 0.5, 0.0]
    """
    arr = np.sort(validate.array(draws, "draws", ndim=1, min_size=1))
    grid = validate.array(thresholds, "thresholds", ndim=1, min_size=1)
    return 1.0 - np.searchsorted(arr, grid, side="right") / arr.size


def plot_exceedance(
    draws: ArrayLike, *, target: float | None = None, thresholds: ArrayLike = None, ax: Any = None
) -> Any:
    """Plot the probability of exceeding each value, marking a target if given.

    Parameters
    ----------
    draws : array-like, 1-D
    target : float, optional
        Drawn as a vertical line with its exceedance probability in the legend.
    thresholds : array-like, optional
        Where to evaluate the curve; by default 200 points spanning the draws.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    TypeError, ValueError
        If the draws or thresholds are malformed, or ``target`` is not finite.

    Examples
    --------
    >>> ax = plot_exceedance([1.0, 2.0, 3.0], target=2.5)
    >>> bool(ax.get_ylim()[1] >= 1)
    True
    """
    import matplotlib.pyplot as plt

    arr = validate.array(draws, "draws", ndim=1, min_size=1)
    grid = (
        np.linspace(arr.min(), arr.max(), 200)
        if thresholds is None
        else validate.array(thresholds, "thresholds", ndim=1, min_size=1)
    )
    if ax is None:
        _, ax = plt.subplots()
    ax.plot(grid, exceedance_curve(arr, grid), color="C0", label="P(value > x)")
    if target is not None:
        target = validate.real(target, "target")
        prob = float(exceedance_curve(arr, [target])[0])
        ax.axvline(target, color="C3", ls="--", label=f"target {target:g}: P = {prob:.2f}")
    ax.set_ylim(0, 1.02)
    return ax


def forecast_extra_conversions(
    lift_draws: ArrayLike,
    baseline_draws: ArrayLike,
    weekly_users: ArrayLike,
    *,
    weeks: int,
    rng: RngLike = None,
) -> np.ndarray:
    """Simulate the cumulative extra conversions of rolling a change out, week by week.

    For each posterior draw ``s``, segment ``k`` and week, conversions after the roll-out are
    ``Binomial(u_k, logistic(logit(b_sk) + delta_sk))`` and the extra conversions are those
    minus the ``u_k * b_sk`` expected without it. Summing over segments and accumulating over
    weeks gives one forecast path per draw: parameter uncertainty (the draws) and week-to-week
    noise (the Binomial) both enter.

    Parameters
    ----------
    lift_draws : array-like, shape (draws, segments)
        Posterior draws of each segment's lift (log odds ratio).
    baseline_draws : array-like, shape (draws, segments)
        Draws of each segment's conversion rate without the change, in (0, 1).
    weekly_users : array-like, shape (segments,)
        Users per week in each segment (>= 0).
    weeks : int
        Forecast horizon (>= 1).
    rng : Generator, int or None, keyword-only

    Returns
    -------
    numpy.ndarray, shape (draws, weeks)
        Cumulative extra conversions at the end of each week.

    Raises
    ------
    TypeError, ValueError
        If shapes disagree, rates are outside (0, 1), users are negative or ``weeks < 1``.

    Examples
    --------
    >>> paths = forecast_extra_conversions(np.full((4, 2), 0.1), np.full((4, 2), 0.05),
    ...                                    [1000, 500], weeks=3, rng=0)
    >>> paths.shape
    (4, 3)
    """
    lift = validate.array(lift_draws, "lift_draws", ndim=2, min_size=1)
    base = validate.array(baseline_draws, "baseline_draws", ndim=2, min_size=1)
    users = validate.array(weekly_users, "weekly_users", ndim=1, min_size=1)
    if base.shape != lift.shape:
        raise validate.fail_value(
            "baseline_draws",
            f"an array of shape {lift.shape}, like `lift_draws`",
            f"shape {base.shape}",
        )
    if users.size != lift.shape[1]:
        raise validate.fail_value(
            "weekly_users", f"one entry per segment ({lift.shape[1]})", f"{users.size} entries"
        )
    if np.any(base <= 0) or np.any(base >= 1):
        raise validate.fail_value(
            "baseline_draws", "probabilities strictly between 0 and 1", "values outside"
        )
    if np.any(users < 0) or np.any(users != np.round(users)):
        raise validate.fail_value("weekly_users", "non-negative whole numbers", users)
    weeks = validate.integer(weeks, "weeks", minimum=1)
    gen = make_rng(rng)
    treated = special.expit(special.logit(base) + lift)  # (draws, segments)
    n = users.astype(np.int64)
    conversions = gen.binomial(n, treated[:, None, :], size=(lift.shape[0], weeks, users.size))
    extra = (conversions - n * base[:, None, :]).sum(axis=2)
    return np.cumsum(extra, axis=1)


def plot_fan_chart(
    x: ArrayLike,
    draws: ArrayLike,
    *,
    ci_probs: Sequence[float] = (0.5, 0.8, 0.95),
    color: str = "C0",
    ax: Any = None,
) -> Any:
    """Draw a fan chart: nested central intervals of forecast draws, and their median.

    Parameters
    ----------
    x : array-like, shape (T,)
        Horizon (for example weeks).
    draws : array-like, shape (S, T)
        Forecast paths, one row per draw.
    ci_probs : sequence of float, default (0.5, 0.8, 0.95)
        Central interval probabilities, each in (0, 1).
    color : str, default "C0"
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    TypeError, ValueError
        If shapes disagree or a level is outside (0, 1).

    Examples
    --------
    >>> ax = plot_fan_chart([1, 2, 3], np.arange(30.0).reshape(10, 3))
    >>> len(ax.collections)
    3
    """
    import matplotlib.pyplot as plt

    grid = validate.array(x, "x", ndim=1, min_size=1)
    paths = validate.array(draws, "draws", ndim=2, min_size=1)
    if paths.shape[1] != grid.size:
        raise ValueError(
            f"`draws` must have one column per `x` value ({grid.size}); got shape {paths.shape}"
        )
    probs = sorted(
        validate.ci_prob(p, "ci_probs")
        for p in validate.array(ci_probs, "ci_probs", ndim=1, min_size=1)
    )
    if ax is None:
        _, ax = plt.subplots()
    for p in reversed(probs):
        low, high = np.quantile(paths, [(1 - p) / 2, (1 + p) / 2], axis=0)
        ax.fill_between(
            grid, low, high, color=color, alpha=0.2 + 0.5 * (1 - p), lw=0, label=f"{p:.0%} interval"
        )
    ax.plot(grid, np.median(paths, axis=0), color=color, lw=2, label="median")
    return ax
