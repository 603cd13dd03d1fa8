"""The practitioner's playbook: segment log odds, exact references and communicating uncertainty.

Introduced in notebook 14.

Three small jobs that come up whenever a posterior leaves the notebook: turning segment counts
into log odds ratios with standard errors (so one hierarchical model can be written identically
in PyMC and Pyro), summarising an exact reference posterior (which
:func:`helpers.compare.agreement_table` sets several fits against), and translating draws into what a stakeholder reads: a probability statement, a
curve of exceedance probabilities and a fan chart of a forecast.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import special

from helpers import _validate as validate
from helpers.seeding import RngLike, make_rng

__all__ = [
    "segment_log_odds",
    "exact_summary",
    "probability_statement",
    "exceedance_curve",
    "plot_exceedance",
    "forecast_extra_conversions",
    "plot_fan_chart",
]

_COLUMNS = ["users_control", "conversions_control", "users_treatment", "conversions_treatment"]


def segment_log_odds(data: pd.DataFrame) -> pd.DataFrame:
    """Each segment's log odds ratio (treatment vs control) and its standard error.

    The estimate is ``logit(c_T / n_T) - logit(c_C / n_C)``; its standard error is Woolf's
    ``sqrt(1/c_T + 1/(n_T - c_T) + 1/c_C + 1/(n_C - c_C))``, the delta-method approximation that
    meta-analyses of 2x2 tables use (Woolf, 1955).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per segment with the columns of :func:`helpers.hierarchical.simulate_segments`.

    Returns
    -------
    pandas.DataFrame
        Same index, columns ``estimate`` and ``se``.

    Raises
    ------
    TypeError
        If ``data`` is not a DataFrame.
    ValueError
        If a column is missing, or a cell has no conversions or no non-conversions (the log
        odds would be infinite).

    Examples
    --------
    >>> table = pd.DataFrame({"users_control": [1000], "conversions_control": [100],
    ...                       "users_treatment": [1000], "conversions_treatment": [120]})
    >>> segment_log_odds(table).round(3).iloc[0].tolist()
    [0.205, 0.143]
    """
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"`data` must be a pandas DataFrame; got {type(data).__name__}")
    missing = [c for c in _COLUMNS if c not in data.columns]
    if missing:
        raise ValueError(f"`data` must have the columns {_COLUMNS}; missing {missing}")
    parts = {}
    for arm in ("control", "treatment"):
        n = data[f"users_{arm}"].to_numpy(dtype=float)
        c = data[f"conversions_{arm}"].to_numpy(dtype=float)
        if np.any(c <= 0) or np.any(c >= n):
            raise ValueError(
                f"`data` must have 0 < conversions_{arm} < users_{arm} in every row "
                "(otherwise the log odds are infinite)"
            )
        parts[arm] = (special.logit(c / n), 1 / c + 1 / (n - c))
    estimate = parts["treatment"][0] - parts["control"][0]
    se = np.sqrt(parts["treatment"][1] + parts["control"][1])
    return pd.DataFrame({"estimate": estimate, "se": se}, index=data.index)


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
