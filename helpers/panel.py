"""Panel designs for causal effects over time: synthetic control, staggered rollouts, TWFE.

Introduced in notebook 13.

Two simulated questions from a ride-sharing service, each returning the data **and** the truth:

- :func:`simulate_synthetic_control`: weekly rides in a treated city and donor cities driven by
  common factors, the treated city being a known convex combination of donors.
- :func:`simulate_rollout`: a feature rolled out to markets in waves, the early markets being the
  fast-growing ones; both potential outcomes are returned.

The reference estimators (:func:`twfe_estimate`, :func:`synthetic_control_weights`,
:func:`rmspe_ratio`) are the closed-form or optimisation answers the notebook's Bayesian models
are checked against.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import optimize

from helpers import _validate as validate
from helpers.seeding import RngLike, make_rng
from helpers.simulation import Simulation, Truth
from helpers.timeseries import ols

__all__ = [
    "twfe_estimate",
    "synthetic_control_weights",
    "rmspe_ratio",
    "simulate_synthetic_control",
    "simulate_rollout",
    "rollout_effect",
]


def twfe_estimate(
    panel: pd.DataFrame, *, outcome: str = "y", unit: str = "market", time: str = "week"
) -> tuple[float, float]:
    """The two-way fixed-effects estimate: outcome on unit and time dummies and the treatment.

    Exercise 13-4 computes it by double demeaning.

    Parameters
    ----------
    panel : pandas.DataFrame
        Long format with columns ``outcome``, ``unit``, ``time`` and ``treated`` (0/1).
    outcome, unit, time : str
        Column names.

    Returns
    -------
    estimate, se : float
        The coefficient of ``treated`` and its classical standard error.

    Raises
    ------
    TypeError
        If ``panel`` is not a DataFrame.
    ValueError
        If a column is missing or ``treated`` is not 0/1.

    Examples
    --------
    >>> sim = simulate_rollout(rng=0)
    >>> est, se = twfe_estimate(sim.data)
    >>> bool(se > 0)
    True
    """
    if not isinstance(panel, pd.DataFrame):
        raise TypeError(f"`panel` must be a pandas DataFrame; got {type(panel).__name__}")
    missing = {outcome, unit, time, "treated"} - set(panel.columns)
    if missing:
        raise ValueError(f"`panel` lacks the columns {sorted(missing)}")
    treated = panel["treated"].to_numpy()
    if not np.isin(treated, (0, 1)).all():
        raise ValueError("`panel['treated']` must hold 0/1 values")
    units = pd.get_dummies(panel[unit], drop_first=True, dtype=float).to_numpy()
    times = pd.get_dummies(panel[time], drop_first=True, dtype=float).to_numpy()
    design = np.column_stack([treated.astype(float), np.ones(len(panel)), units, times])
    coef, se = ols(panel[outcome].to_numpy(float), design)
    return float(coef[0]), float(se[0])


def synthetic_control_weights(treated: ArrayLike, donors: ArrayLike) -> np.ndarray:
    """Donor weights on the simplex that best reproduce the treated series (least squares).

    Parameters
    ----------
    treated : array-like, shape (t,)
        The treated unit's pre-period outcomes.
    donors : array-like, shape (t, j)
        The donor units' pre-period outcomes, one column per donor (j >= 2).

    Returns
    -------
    numpy.ndarray, shape (j,)
        Non-negative weights summing to one that minimise ``||treated - donors @ w||``.

    Raises
    ------
    ValueError
        If the shapes disagree or there are fewer than two donors.

    References
    ----------
    Abadie, Diamond and Hainmueller (2010), J. Am. Stat. Assoc. 105, 493-505.

    Examples
    --------
    >>> donors = np.column_stack([np.arange(10.0), np.ones(10), np.arange(10.0) ** 0.5])
    >>> synthetic_control_weights(donors @ [0.2, 0.5, 0.3], donors).round(4).tolist()
    [0.2, 0.5, 0.3]
    """
    y = validate.array(treated, "treated", ndim=1)
    x = validate.matrix(donors, "donors")
    if x.shape[0] != y.size:
        raise ValueError(f"`donors` has {x.shape[0]} rows but `treated` has {y.size}")
    j = x.shape[1]
    if j < 2:
        raise ValueError(f"`donors` must have at least 2 columns; got {j}")
    # sum-to-one as a heavily weighted extra row makes this a non-negative least squares
    # problem, which scipy solves exactly (active set), with no tuning of an optimiser
    scale = 1e4 * (1.0 + np.abs(x).max())
    a = np.vstack([x, scale * np.ones((1, j))])
    b = np.concatenate([y, [scale]])
    w, _ = optimize.nnls(a, b, maxiter=50 * j)
    return w / w.sum()


def rmspe_ratio(gap: ArrayLike, n_pre: int) -> float:
    """Post-period over pre-period root mean squared prediction error of a gap series.

    Parameters
    ----------
    gap : array-like, shape (t,)
        Observed minus synthetic outcome, pre-period first.
    n_pre : int
        Length of the pre-period, 1 <= n_pre < t.

    Returns
    -------
    float
        :math:`\\sqrt{\\overline{gap^2}_{post}} / \\sqrt{\\overline{gap^2}_{pre}}`.

    Raises
    ------
    ValueError
        If ``n_pre`` leaves no pre or no post period, or the pre-period fit is exact.

    Examples
    --------
    >>> rmspe_ratio([1.0, -1.0, 3.0, -3.0], n_pre=2)
    3.0
    """
    g = validate.array(gap, "gap", ndim=1)
    n_pre = validate.integer(n_pre, "n_pre", minimum=1)
    if n_pre >= g.size:
        raise ValueError(f"`n_pre` must be < len(gap) = {g.size}; got {n_pre}")
    pre = math.sqrt(float(np.mean(g[:n_pre] ** 2)))
    if pre == 0:
        raise ValueError("the pre-period gap is exactly zero; the ratio is undefined")
    return math.sqrt(float(np.mean(g[n_pre:] ** 2))) / pre


def simulate_synthetic_control(
    n_donors: int = 6,
    n_pre: int = 52,
    n_post: int = 12,
    *,
    effect: float = 8.0,
    rng: RngLike = None,
) -> Simulation:
    r"""Simulate weekly rides (thousands) in a treated city and ``n_donors`` donor cities.

    Each donor follows a two-factor model :math:`y_{jt} = \alpha_j + \lambda_{j1} F_{1t} +
    \lambda_{j2} F_{2t} + N(0, 1)` (a random-walk market trend and a yearly cycle); the treated
    city's untreated outcome is the convex combination :math:`\sum_j w_j (\alpha_j +
    \lambda_j^T F_t) + N(0, 1)` of the first three donors' signals, with weights 0.5, 0.3,
    0.2. The launch adds ``effect`` times a ramp :math:`1 - e^{-(k+1)/2}` in post week
    :math:`k`.

    Parameters
    ----------
    n_donors : int, default 6
        >= 3.
    n_pre, n_post : int
        Weeks before (>= 4) and after (>= 1) the launch.
    effect : float, default 8
    rng : Generator, int or None

    Returns
    -------
    Simulation
        ``data``: indexed by ``week``; column ``treated`` and one column per donor (``d0``,
        ``d1``, ...). ``truth``:

        - ``weights`` (numpy.ndarray): the true convex weights of the donors in the treated
          city's untreated outcome;
        - ``y0`` (numpy.ndarray): the treated city's counterfactual series;
        - ``effect`` (numpy.ndarray): ``treated - y0`` per week (zero before the launch);
        - ``att`` (float): the average weekly effect in the post-period;
        - ``n_pre`` (int): weeks before the launch.

    Raises
    ------
    TypeError, ValueError
        If an argument is of the wrong type or out of range.

    Examples
    --------
    >>> sim = simulate_synthetic_control(rng=0)
    >>> sim.data.shape, float(sim.truth.weights.sum()), sim.truth.n_pre
    ((64, 7), 1.0, 52)
    """
    n_donors = validate.integer(n_donors, "n_donors", minimum=3)
    n_pre = validate.integer(n_pre, "n_pre", minimum=4)
    n_post = validate.integer(n_post, "n_post", minimum=1)
    effect = validate.real(effect, "effect")
    rng = make_rng(rng)
    n = n_pre + n_post
    week = np.arange(n)
    factors = np.column_stack([np.cumsum(rng.normal(0, 1.0, n)), 5 * np.sin(2 * np.pi * week / 52)])
    alpha = rng.uniform(80, 120, n_donors)
    loadings = rng.uniform(0.2, 1.8, (n_donors, 2))
    signal = alpha + factors @ loadings.T  # (weeks, donors)
    donors = signal + rng.normal(0, 1.0, (n, n_donors))
    weights = np.zeros(n_donors)
    weights[:3] = [0.5, 0.3, 0.2]
    y0 = signal @ weights + rng.normal(0, 1.0, n)
    lift = np.zeros(n)
    lift[n_pre:] = effect * (1 - np.exp(-(np.arange(n_post) + 1) / 2))
    columns = {"treated": y0 + lift} | {f"d{j}": donors[:, j] for j in range(n_donors)}
    data = pd.DataFrame(columns, index=pd.Index(week, name="week"))
    truth = Truth(weights=weights, y0=y0, effect=lift, att=float(lift[n_pre:].mean()), n_pre=n_pre)
    return Simulation(data, truth)


def rollout_effect(event_time: ArrayLike, *, max_effect: float = 0.10) -> np.ndarray:
    r"""The true effect on log rides ``e`` weeks after adoption: :math:`\tau(1 - e^{-(e+1)/3})`.

    Zero for ``e < 0`` (before adoption).

    Parameters
    ----------
    event_time : array-like
        Weeks since adoption (negative before).
    max_effect : float, default 0.10
        :math:`\tau`, the long-run effect (0.10 is about +10% rides).

    Returns
    -------
    numpy.ndarray

    Raises
    ------
    TypeError, ValueError
        If ``event_time`` is not numeric or ``max_effect`` is not finite.

    Examples
    --------
    >>> rollout_effect([-1, 0, 100]).round(4).tolist()
    [0.0, 0.0283, 0.1]
    """
    e = validate.array(event_time, "event_time", ndim=1)
    max_effect = validate.real(max_effect, "max_effect")
    return np.where(e >= 0, max_effect * (1 - np.exp(-(e + 1) / 3)), 0.0)


def simulate_rollout(
    n_per_cohort: int = 6,
    n_weeks: int = 40,
    adoption_weeks: tuple[int, ...] = (12, 20, 28),
    *,
    max_effect: float = 0.10,
    rng: RngLike = None,
) -> Simulation:
    r"""Simulate weekly log rides in markets that adopt a feature in waves, plus never-adopters.

    .. math::

        y_{it}(0) = \alpha_i + \gamma_t + \theta_i (t - \bar t) + N(0, 0.01), \qquad
        y_{it}(1) = y_{it}(0) + \tau(t - g_i)

    with market growth :math:`\theta_i \sim N(\bar\theta_{c(i)}, 0.002)`, the cohort means
    falling from 0.03 (first wave) to 0.005 (never adopters): the markets that adopt first are
    the fast-growing ones. :math:`\gamma_t` is a common weekly shock, :math:`g_i` the adoption
    week and :math:`\tau` :func:`rollout_effect`.

    Parameters
    ----------
    n_per_cohort : int, default 6
        Markets per cohort (each adoption wave and the never-adopters), >= 1.
    n_weeks : int, default 40
    adoption_weeks : tuple of int, default (12, 20, 28)
        Increasing adoption weeks, each in [2, n_weeks - 1].
    max_effect : float, default 0.10
    rng : Generator, int or None

    Returns
    -------
    Simulation
        ``data``: long format, one row per market-week: ``market``, ``week``, ``cohort``
        (adoption week, -1 for never), ``event_time`` (weeks since adoption, negative before,
        -99 for never), ``treated`` (0/1) and ``y`` (observed log rides). ``truth``:

        - ``y0``, ``y1`` (numpy.ndarray, one value per row of ``data``): the potential outcomes
          without and with the feature (never observable together);
        - ``att`` (float): the mean of ``y1 - y0`` over treated market-weeks;
        - ``growth`` (numpy.ndarray): each market's weekly growth rate (the confounder of
          adoption order);
        - ``max_effect`` (float): the long-run effect passed to :func:`rollout_effect`.

    Raises
    ------
    TypeError, ValueError
        If an argument is of the wrong type or out of range.

    Examples
    --------
    >>> sim = simulate_rollout(rng=0)
    >>> len(sim.data), sorted(sim.data["cohort"].unique().tolist())
    (960, [-1, 12, 20, 28])
    >>> sim.truth.y0.shape, round(sim.truth.max_effect, 2)
    ((960,), 0.1)
    """
    n_per_cohort = validate.integer(n_per_cohort, "n_per_cohort", minimum=1)
    n_weeks = validate.integer(n_weeks, "n_weeks", minimum=4)
    max_effect = validate.real(max_effect, "max_effect")
    weeks = validate.array(adoption_weeks, "adoption_weeks", ndim=1, min_size=1, integer=True)
    weeks = [validate.integer(g, "adoption_weeks", minimum=2) for g in weeks]
    if any(b <= a for a, b in zip(weeks, weeks[1:], strict=False)) or weeks[-1] >= n_weeks:
        raise ValueError(
            f"`adoption_weeks` must increase and stay below n_weeks={n_weeks}; got {weeks}"
        )
    rng = make_rng(rng)
    cohorts = [*weeks, -1]
    growth_means = np.linspace(0.03, 0.005, len(cohorts))
    cohort = np.repeat(cohorts, n_per_cohort)
    n_markets = cohort.size
    growth = np.repeat(growth_means, n_per_cohort) + rng.normal(0, 0.002, n_markets)
    alpha = rng.normal(6.0, 0.5, n_markets)
    week = np.arange(n_weeks)
    gamma = 0.03 * np.sin(2 * np.pi * week / 52) + rng.normal(0, 0.01, n_weeks)
    y0 = (
        alpha[:, None]
        + gamma[None, :]
        + growth[:, None] * (week - week.mean())[None, :]
        + rng.normal(0, 0.01, (n_markets, n_weeks))
    )
    event = np.where(cohort[:, None] >= 0, week[None, :] - cohort[:, None], -99)
    tau = rollout_effect(event.ravel(), max_effect=max_effect).reshape(event.shape)
    treated = ((cohort[:, None] >= 0) & (event >= 0)).astype(int)
    y1 = y0 + tau
    data = pd.DataFrame(
        {
            "market": np.repeat(np.arange(n_markets), n_weeks),
            "week": np.tile(week, n_markets),
            "cohort": np.repeat(cohort, n_weeks),
            "event_time": event.ravel(),
            "treated": treated.ravel(),
            "y": np.where(treated == 1, y1, y0).ravel(),
        }
    )
    is_treated = treated.ravel() == 1
    att = float((y1.ravel() - y0.ravel())[is_treated].mean())
    truth = Truth(y0=y0.ravel(), y1=y1.ravel(), att=att, growth=growth, max_effect=max_effect)
    return Simulation(data, truth)
