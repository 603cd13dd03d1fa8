"""Regression on measured proportions: a simulator, prediction tables and interval coverage.

Each row of the data is an account whose *share* of flagged messages was measured from its own
number of messages, so every row carries its own standard error. The simulator draws such data
with known coefficients; :func:`prediction_table` summarises posterior predictive draws per row;
:func:`interval_coverage` measures how often predictive intervals contain what was observed.

Introduced in notebook 03.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from helpers import _validate as validate
from helpers.montecarlo import draws_matrix
from helpers.seeding import RngLike, make_rng
from helpers.simulation import Simulation, Truth

__all__ = [
    "DEFAULT_COEFFICIENTS",
    "share_standard_error",
    "simulate_shares",
    "prediction_table",
    "interval_coverage",
    "plot_intervals",
]

#: True effects (change in the flagged share per standard deviation of each feature).
DEFAULT_COEFFICIENTS: dict[str, float] = {
    "centrality": 0.03,
    "response_time": -0.02,
    "burstiness": 0.04,
    "reciprocity": -0.015,
}


def share_standard_error(flagged: ArrayLike, messages: ArrayLike) -> np.ndarray:
    """Standard error of a measured share ``flagged / messages``.

    Uses the binomial formula :math:`\\sqrt{\\tilde p (1 - \\tilde p) / n}` with the smoothed
    share :math:`\\tilde p = (k + 1) / (n + 2)` (one flagged and one clean message added), so
    that an account with 0 of 20 messages flagged does not get a standard error of exactly 0.

    Parameters
    ----------
    flagged : int or array-like of int
        Flagged messages :math:`k`, with ``0 <= flagged <= messages``.
    messages : int or array-like of int
        Messages read :math:`n >= 1`; broadcast against ``flagged``.

    Returns
    -------
    numpy.ndarray of float
        One standard error per row (a 0-d array for scalar input).

    Raises
    ------
    ValueError
        If a count is not a whole number, ``messages < 1``, ``flagged < 0`` or
        ``flagged > messages``.

    Examples
    --------
    >>> round(float(share_standard_error(0, 20)), 4)
    0.0466
    >>> share_standard_error([10, 100], [100, 1000]).round(4).tolist()
    [0.031, 0.0095]
    """
    k = validate.array(flagged, "flagged", nonnegative=True)
    n = validate.array(messages, "messages")
    for arr, name in ((k, "flagged"), (n, "messages")):
        if np.any(arr != np.round(arr)):
            raise validate.fail_value(name, "whole numbers", arr)
    if np.any(n < 1):
        raise ValueError(f"`messages` must be >= 1; got {n!r}")
    if np.any(k < 0):
        raise ValueError(f"`flagged` must be >= 0; got {k!r}")
    try:
        k, n = np.broadcast_arrays(k, n)
    except ValueError as err:
        raise ValueError(
            f"`flagged` and `messages` must have broadcastable shapes; got {k.shape} and {n.shape}"
        ) from err
    if np.any(k > n):
        raise ValueError("`flagged` must be <= `messages` in every row")
    smoothed = (k + 1) / (n + 2)
    return np.sqrt(smoothed * (1 - smoothed) / n)


def simulate_shares(
    n_accounts: int,
    *,
    intercept: float = 0.25,
    coefficients: Mapping[str, float] | None = None,
    sigma: float = 0.025,
    messages: tuple[int, int] = (20, 2000),
    correlation: float = 0.3,
    rng: RngLike = None,
) -> Simulation:
    """Simulate accounts whose flagged share is linear in standardised behavioural features.

    The generative story, for account :math:`i`:

    .. math::

        x_i &\\sim \\text{Normal}(0, R) \\quad\\text{(features, unit variance, correlation } \\rho)\\\\
        \\theta_i &= \\alpha + x_i^\\top \\beta + \\varepsilon_i, \\quad
            \\varepsilon_i \\sim \\text{Normal}(0, \\sigma)\\\\
        n_i &\\sim \\text{LogUniform}(n_\\min, n_\\max), \\quad
        k_i \\sim \\text{Binomial}(n_i, \\theta_i)

    and the measured share is :math:`y_i = k_i / n_i` with standard error from
    :func:`share_standard_error`. True shares are clipped to ``[0.001, 0.999]`` (with the
    defaults this almost never binds).

    Parameters
    ----------
    n_accounts : int
        Number of rows, >= 1.
    intercept : float, default 0.25
        :math:`\\alpha`, in (0, 1).
    coefficients : mapping of str to float, optional
        :math:`\\beta` by feature name; defaults to :data:`DEFAULT_COEFFICIENTS`.
    sigma : float, default 0.025
        :math:`\\sigma >= 0`, the scatter of true shares around the line.
    messages : (int, int), default (20, 2000)
        Smallest and largest number of messages per account, ``1 <= low <= high``.
    correlation : float, default 0.3
        Correlation :math:`\\rho` between every pair of features; must keep the correlation
        matrix positive definite, i.e. lie in ``(-1 / (p - 1), 1)`` for ``p`` features.
    rng : Generator, int or None, keyword-only

    Returns
    -------
    Simulation
        ``data``: one row per account (index ``account``): the standardised features,
        ``messages`` read, ``flagged`` messages, the measured ``share`` and its standard error
        ``se``. ``truth``:

        - ``share`` (pandas.Series): each account's true share before measurement noise (what
          an infinite number of its messages would show);
        - ``intercept`` (float): the true share of an account with every feature at its average;
        - ``coefficients`` (pandas.Series): the true change in share per standard deviation of
          each feature;
        - ``sigma`` (float): the true scatter of accounts' shares around the regression line;
        - ``features`` (list of str): the feature columns of ``data``, in order.

    Raises
    ------
    ValueError
        If a size, probability, scale or correlation is out of range, or ``coefficients`` is
        empty.
    TypeError
        If an argument has the wrong type.

    Examples
    --------
    >>> sim = simulate_shares(5, rng=1)
    >>> list(sim.data.columns)
    ['centrality', 'response_time', 'burstiness', 'reciprocity', 'messages', 'flagged', 'share', 'se']
    >>> bool(((sim.data.share >= 0) & (sim.data.share <= 1)).all())
    True
    >>> sim.truth.intercept
    0.25
    """
    n = validate.integer(n_accounts, "n_accounts", minimum=1)
    alpha = validate.real(intercept, "intercept")
    if not 0 < alpha < 1:
        raise validate.fail_value("intercept", "a share strictly between 0 and 1", alpha)
    scale = validate.real(sigma, "sigma", nonnegative=True)
    if coefficients is not None and not isinstance(coefficients, Mapping):
        raise TypeError(
            f"`coefficients` must be a mapping of feature name to effect; got {type(coefficients).__name__}"
        )
    coefs = dict(DEFAULT_COEFFICIENTS if coefficients is None else coefficients)
    if not coefs:
        raise ValueError("`coefficients` must name at least one feature")
    beta = pd.Series({str(k): validate.real(v, f"coefficients[{k!r}]") for k, v in coefs.items()})
    low, high = (int(m) for m in validate.array(messages, "messages", shape=(2,), integer=True))
    if not 1 <= low <= high:
        raise validate.fail_value("messages", "a pair (low, high) with 1 <= low <= high", messages)
    rho = validate.real(correlation, "correlation")
    p = len(beta)
    if not (p == 1 or -1 / (p - 1) < rho < 1):
        raise ValueError(
            f"`correlation` must lie in ({-1 / (p - 1):.3g}, 1) for {p} features; got {rho}"
        )
    gen = make_rng(rng)

    corr = np.full((p, p), rho)
    np.fill_diagonal(corr, 1.0)
    x = gen.multivariate_normal(np.zeros(p), corr, size=n, method="cholesky")
    theta = alpha + x @ beta.to_numpy() + gen.normal(0.0, scale, size=n)
    theta = np.clip(theta, 0.001, 0.999)
    m = np.floor(np.exp(gen.uniform(np.log(low), np.log(high + 1), size=n))).astype(int)
    m = np.clip(m, low, high)
    k = gen.binomial(m, theta)

    index = pd.RangeIndex(n, name="account")
    data = pd.DataFrame(x, columns=beta.index, index=index)
    data["messages"] = m
    data["flagged"] = k
    data["share"] = k / m
    data["se"] = share_standard_error(k, m)
    truth = Truth(
        share=pd.Series(theta, index=index, name="share"),
        intercept=alpha,
        coefficients=beta.rename("coefficient"),
        sigma=scale,
        features=list(beta.index),
    )
    return Simulation(data, truth)


def prediction_table(draws: ArrayLike, *, ci_prob: float = 0.95, index: Any = None) -> pd.DataFrame:
    """Summarise predictive draws per row: mean and the central ``ci_prob`` interval.

    Parameters
    ----------
    draws : array-like of shape (samples, rows), or xarray.DataArray
        Posterior predictive draws; a DataArray with ``chain`` and ``draw`` dimensions (as in
        ``idata.posterior_predictive["y"]``) is stacked, and its remaining dimension's
        coordinates become the index.
    ci_prob : float, default 0.95
        Mass of the equal-tailed interval, in (0, 1).
    index : array-like, optional
        Row labels (overrides the DataArray's coordinates).

    Returns
    -------
    pandas.DataFrame
        Columns ``mean``, ``"2.5%"`` and ``"97.5%"`` (named after ``ci_prob``), one row per column of
        ``draws``.

    Raises
    ------
    ValueError
        If ``draws`` is not 2-D, has fewer than 2 samples or non-finite values, ``ci_prob`` is
        outside (0, 1), or ``index`` has the wrong length.
    TypeError
        If ``ci_prob`` is not a number.

    Examples
    --------
    >>> draws = np.column_stack([np.linspace(0, 1, 101), np.linspace(10, 20, 101)])
    >>> prediction_table(draws, index=["a", "b"]).round(2)
       mean   2.5%  97.5%
    a   0.5   0.03   0.98
    b  15.0  10.25  19.75
    """
    level = validate.ci_prob(ci_prob)
    matrix = draws_matrix(draws)
    if matrix.shape[0] < 2:
        raise ValueError(f"`draws` must hold at least 2 samples per row; got {matrix.shape[0]}")
    if not np.all(np.isfinite(matrix)):
        raise ValueError("`draws` must be finite (no NaN or infinity)")
    if index is None and getattr(draws, "dims", None) is not None:
        other = [d for d in draws.dims if d not in ("chain", "draw")]
        index = pd.Index(draws[other[0]].values, name=other[0])
    if index is not None and len(index) != matrix.shape[1]:
        raise ValueError(f"`index` must have {matrix.shape[1]} labels; got {len(index)}")
    tail = (1 - level) / 2
    low_name, high_name = f"{100 * tail:.3g}%", f"{100 * (1 - tail):.3g}%"
    low, high = np.quantile(matrix, [tail, 1 - tail], axis=0)
    return pd.DataFrame(
        {"mean": matrix.mean(axis=0), low_name: low, high_name: high},
        index=index,
    )


def interval_coverage(observed: ArrayLike, lower: ArrayLike, upper: ArrayLike) -> float:
    """The share of observations that fall inside their intervals (bounds included).

    Written out in notebook 03, section 7.

    A calibrated 95% predictive interval covers about 95% of new observations; much less means
    the intervals are too narrow (over-confident), much more that they are too wide.

    Parameters
    ----------
    observed, lower, upper : array-like of float, 1-D, same length
        One observation and one interval per row, with ``lower <= upper``.

    Returns
    -------
    float
        In [0, 1].

    Raises
    ------
    ValueError
        If the arrays are not 1-D of one non-zero length, hold NaN, or some ``lower > upper``.

    Examples
    --------
    >>> interval_coverage([1.0, 2.0, 5.0, 0.0], [0, 0, 0, 0], [2, 2, 2, 2])
    0.75
    """
    arrays = []
    for value, name in ((observed, "observed"), (lower, "lower"), (upper, "upper")):
        arrays.append(validate.array(value, name, ndim=1, min_size=1, finite=False))
    y, lo, hi = arrays
    if not y.size == lo.size == hi.size:
        raise ValueError(
            f"`observed`, `lower` and `upper` must have the same length; got {y.size}, {lo.size}, {hi.size}"
        )
    if np.any(lo > hi):
        raise ValueError("`lower` must be <= `upper` in every row")
    return float(np.mean((y >= lo) & (y <= hi)))


def plot_intervals(
    table: pd.DataFrame,
    *,
    observed: ArrayLike = None,
    ax: Any = None,
    label: str = "95% predictive interval",
) -> Any:
    """Draw one row per account: the predictive mean and interval, and optionally what was seen.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`prediction_table`: a ``mean`` column and two interval columns after it.
    observed : array-like, optional
        One observed value per row, drawn as a cross (red when outside its interval).
    ax : matplotlib.axes.Axes, optional
        Drawn on a new figure's axes when None.
    label : str
        Legend label of the interval bars.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If ``table`` lacks the columns, or ``observed`` has the wrong length.
    """
    if not isinstance(table, pd.DataFrame) or "mean" not in table or table.shape[1] < 3:
        raise ValueError(
            "`table` must be a DataFrame from prediction_table (mean and two interval columns)"
        )
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots()
    low, high = table.iloc[:, 1].to_numpy(), table.iloc[:, 2].to_numpy()
    mean = table["mean"].to_numpy()
    pos = np.arange(len(table))
    ax.errorbar(
        pos, mean, yerr=[mean - low, high - mean], fmt="o", ms=3, capsize=2, alpha=0.7, label=label
    )
    if observed is not None:
        y = validate.array(observed, "observed", shape=(len(table),))
        out = (y < low) | (y > high)
        ax.plot(pos[~out], y[~out], "x", color="k", label="observed (inside)")
        ax.plot(pos[out], y[out], "x", color="C3", ms=8, mew=2, label="observed (outside)")
    return ax
