"""Causal inference over time: seasonal features, least squares and a simulated launch.

Introduced in notebook 13.

- :func:`simulate_impact`: daily rides in a city where a feature launches, with control cities
  that share its market shocks (the CausalImpact design); it returns the data **and** the
  counterfactual path.
- :func:`fourier_features` and :func:`ols`: the seasonal design and the closed-form fit the
  notebook's Bayesian models are checked against.

Instrumental variables (the pricing question) live in :mod:`helpers.instruments`; panel designs
(synthetic control, staggered rollouts, TWFE) in :mod:`helpers.panel`.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from helpers import _validate as validate
from helpers.seeding import RngLike, make_rng
from helpers.simulation import Simulation, Truth

__all__ = [
    "fourier_features",
    "ols",
    "simulate_impact",
]


def _ar1(n: int, phi: float, rng: np.random.Generator) -> np.ndarray:
    """A stationary AR(1) series with unit marginal variance."""
    out = np.empty(n)
    out[0] = rng.standard_normal()
    scale = math.sqrt(1 - phi**2)
    shocks = rng.standard_normal(n)
    for t in range(1, n):
        out[t] = phi * out[t - 1] + scale * shocks[t]
    return out


# --------------------------------------------------------------------------------------------
# Reference estimators
# --------------------------------------------------------------------------------------------


def fourier_features(t: ArrayLike, period: float, order: int) -> np.ndarray:
    r"""Seasonal Fourier columns :math:`\sin(2\pi k t / P), \cos(2\pi k t / P)`, k = 1..order.

    Written out in notebook 13, section 2 (``seasonal_features``), and checked against this.

    Parameters
    ----------
    t : array-like
        Time points (for example hours since the start).
    period : float
        The period :math:`P` in the units of ``t`` (24 for a daily cycle of hourly data).
    order : int
        Number of harmonics, >= 1.

    Returns
    -------
    numpy.ndarray
        Shape ``(len(t), 2 * order)``: the sine and cosine of harmonic 1, then of harmonic 2, ...

    Raises
    ------
    ValueError
        If ``period`` <= 0, ``order`` < 1 or ``t`` is not 1-D.

    Examples
    --------
    >>> fourier_features([0, 6], period=24, order=1).round(6)
    array([[0., 1.],
           [1., 0.]])
    """
    t = validate.array(t, "t", ndim=1)
    period = validate.real(period, "period", positive=True)
    order = validate.integer(order, "order", minimum=1)
    angle = 2 * np.pi * np.outer(t, np.arange(1, order + 1)) / period
    out = np.empty((t.size, 2 * order))
    out[:, 0::2], out[:, 1::2] = np.sin(angle), np.cos(angle)
    return out


def ols(y: ArrayLike, design: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Least squares with classical standard errors.

    Parameters
    ----------
    y : array-like, shape (n,)
    design : array-like, shape (n, k)
        The design matrix, intercept included if wanted; full column rank, n > k.

    Returns
    -------
    coef, se : numpy.ndarray
        Coefficients and their standard errors :math:`\\sqrt{s^2 [(X^T X)^{-1}]_{jj}}`.

    Raises
    ------
    ValueError
        If the shapes disagree, n <= k or the design is rank deficient.

    Examples
    --------
    >>> x = np.arange(5.0)
    >>> coef, se = ols(1 + 2 * x, np.column_stack([np.ones(5), x]))
    >>> coef.round(6).tolist(), bool(se.max() < 1e-6)
    ([1.0, 2.0], True)
    """
    y = validate.array(y, "y", ndim=1)
    x = validate.matrix(design, "design")
    n, k = x.shape
    if y.size != n:
        raise ValueError(f"`y` has {y.size} rows but `design` has {n}")
    if n <= k:
        raise ValueError(f"`design` needs more rows than columns; got shape {x.shape}")
    if np.linalg.matrix_rank(x) < k:
        raise ValueError("`design` must have full column rank (a column is collinear)")
    coef, *_ = np.linalg.lstsq(x, y, rcond=None)
    resid = y - x @ coef
    s2 = resid @ resid / (n - k)
    se = np.sqrt(s2 * np.diag(np.linalg.inv(x.T @ x)))
    return coef, se


# --------------------------------------------------------------------------------------------
# Confounded pricing
# --------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------
# Impact analysis with control series
# --------------------------------------------------------------------------------------------


def simulate_impact(
    n_pre: int = 84,
    n_post: int = 28,
    *,
    effect: float = 5.0,
    level_sd: float = 0.03,
    rng: RngLike = None,
) -> Simulation:
    r"""Simulate a city's daily rides (thousands) before and after a launch, and 3 control cities.

    .. math::

        f_t &= f_{t-1} + N(0, 0.3), \qquad x_{jt} = a_j + b_j (f_t + w_t) + g_{jt} + N(0, 0.3) \\
        y^0_t &= \mu_t + s_t + 0.6 x_{0t} + 0.4 x_{1t} + 0.3 x_{2t} + N(0, 0.4),
            \qquad \mu_t = \mu_{t-1} + N(0, \sigma_\mu)

    with :math:`g_{jt}` each control city's own random walk (steps N(0, 0.2)), :math:`w` and
    :math:`s` fixed weekly patterns, and the launch adding
    :math:`\text{effect}\,(1 - e^{-(k+1)/5})` on post-period day :math:`k` (a ramp-up).

    Parameters
    ----------
    n_pre, n_post : int
        Days before (>= 14) and after (>= 1) the launch.
    effect : float, default 5
        The long-run daily lift (thousand rides).
    level_sd : float, default 0.03
        :math:`\sigma_\mu` >= 0, the daily drift of the treated city's own level.
    rng : Generator, int or None

    Returns
    -------
    Simulation
        ``data``: indexed by ``day``; columns ``y`` (treated city, observed), ``x0``, ``x1``,
        ``x2`` (control cities), ``weekday``. ``truth``:

        - ``y0`` (numpy.ndarray): the treated city's rides without the launch (the
          counterfactual path; equal to ``y`` before the launch);
        - ``effect`` (numpy.ndarray): ``y - y0`` on every day (zero before the launch);
        - ``cumulative_effect`` (float): the total extra rides over the post-period
          (thousands);
        - ``n_pre`` (int): days before the launch (the launch is on day ``n_pre``).

    Raises
    ------
    TypeError, ValueError
        If an argument is of the wrong type or out of range.

    Examples
    --------
    >>> sim = simulate_impact(rng=0)
    >>> sim.data.shape, sim.truth.n_pre, bool(np.all(sim.truth.effect[: sim.truth.n_pre] == 0))
    ((112, 5), 84, True)
    """
    n_pre = validate.integer(n_pre, "n_pre", minimum=14)
    n_post = validate.integer(n_post, "n_post", minimum=1)
    effect = validate.real(effect, "effect")
    level_sd = validate.real(level_sd, "level_sd", nonnegative=True)
    rng = make_rng(rng)
    n = n_pre + n_post
    day = np.arange(n)
    weekday = day % 7
    week_market = np.array([-1.0, -0.8, -0.5, 0.0, 0.6, 1.2, 0.5])[weekday]
    week_own = np.array([0.3, 0.0, -0.2, -0.3, 0.0, 0.4, -0.2])[weekday]
    factor = np.cumsum(rng.normal(0, 0.3, n))
    own = np.cumsum(rng.normal(0, 0.2, (n, 3)), axis=0)  # each control city's own drift
    a, b = np.array([20.0, 25.0, 15.0]), np.array([1.0, 0.8, 1.2])
    controls = a + b * (factor + week_market)[:, None] + own + rng.normal(0, 0.3, (n, 3))
    level = 5.0 + np.cumsum(rng.normal(0, level_sd, n))
    y0 = level + week_own + controls @ np.array([0.6, 0.4, 0.3]) + rng.normal(0, 0.4, n)
    lift = np.zeros(n)
    lift[n_pre:] = effect * (1 - np.exp(-(np.arange(n_post) + 1) / 5))
    data = pd.DataFrame(
        {
            "y": y0 + lift,
            "x0": controls[:, 0],
            "x1": controls[:, 1],
            "x2": controls[:, 2],
            "weekday": weekday,
        },
        index=pd.Index(day, name="day"),
    )
    truth = Truth(y0=y0, effect=lift, cumulative_effect=float(lift[n_pre:].sum()), n_pre=n_pre)
    return Simulation(data, truth)


# --------------------------------------------------------------------------------------------
# Synthetic control
# --------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------
# Staggered rollout
# --------------------------------------------------------------------------------------------
