"""Causal inference over time: simulators that return their truth, and reference estimators.

Introduced in notebook 13.

Four simulated questions from a ride-sharing service, each returning the data **and** the truth:

- :func:`simulate_pricing`: hourly demand and price, confounded by latent competitor pricing and
  rider sentiment, with an exogenous driver-cost shock that moves price only (an instrument).
- :func:`simulate_impact`: daily rides in a city where a feature launches, with control cities
  that share its market shocks (the CausalImpact design); the counterfactual path is returned.
- :func:`simulate_synthetic_control`: weekly rides in a treated city and donor cities driven by
  common factors, the treated city being a known convex combination of donors.
- :func:`simulate_rollout`: a feature rolled out to markets in waves, the early markets being the
  fast-growing ones; both potential outcomes are returned.

The reference estimators (:func:`fourier_features`, :func:`ols`, :func:`two_stage_least_squares`,
:func:`twfe_estimate`, :func:`synthetic_control_weights`, :func:`rmspe_ratio`) are the closed-form
or optimisation answers the notebook's Bayesian models are checked against.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import optimize

from helpers import _validate as validate
from helpers.seeding import RngLike, make_rng

__all__ = [
    "fourier_features",
    "ols",
    "two_stage_least_squares",
    "twfe_estimate",
    "synthetic_control_weights",
    "rmspe_ratio",
    "PricingSimulation",
    "simulate_pricing",
    "ImpactSimulation",
    "simulate_impact",
    "SyntheticControlSimulation",
    "simulate_synthetic_control",
    "RolloutSimulation",
    "simulate_rollout",
    "rollout_effect",
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


def two_stage_least_squares(
    y: ArrayLike, treatment: ArrayLike, instrument: ArrayLike, controls: ArrayLike = None
) -> tuple[float, float]:
    """The just-identified IV (2SLS) estimate of the treatment's effect, with its standard error.

    Notebook 13 checks its Bayesian IV model against this (section 2); exercise 13-1 computes
    the same number as a ratio of partialled-out covariances.

    Parameters
    ----------
    y, treatment, instrument : array-like, shape (n,)
        Outcome, endogenous treatment and the excluded instrument.
    controls : array-like, shape (n, c), optional
        Exogenous controls (an intercept is always added).

    Returns
    -------
    estimate, se : float
        :math:`\\hat\\beta = (Z^T X)^{-1} Z^T y` for the treatment's coefficient, and its
        homoskedastic standard error :math:`\\sqrt{s^2 [(Z^T X)^{-1} Z^T Z (X^T Z)^{-1}]}`.

    Raises
    ------
    ValueError
        If lengths differ, or the instrument does not move the treatment.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> z, u = rng.standard_normal((2, 20_000))
    >>> x = z + u
    >>> est, se = two_stage_least_squares(-1.0 * x + 2 * u, x, z)
    >>> bool(abs(est + 1.0) < 4 * se)
    True
    """
    y = validate.array(y, "y", ndim=1)
    x = validate.array(treatment, "treatment", ndim=1)
    z = validate.array(instrument, "instrument", ndim=1)
    n = y.size
    if x.size != n or z.size != n:
        raise ValueError(
            f"`y`, `treatment` and `instrument` must have equal lengths; got {n}, {x.size}, "
            f"{z.size}"
        )
    c = np.ones((n, 1))
    if controls is not None:
        extra = validate.matrix(controls, "controls")
        if extra.shape[0] != n:
            raise ValueError(f"`controls` has {extra.shape[0]} rows but `y` has {n}")
        c = np.column_stack([c, extra])
    big_x = np.column_stack([x, c])
    big_z = np.column_stack([z, c])
    zx = big_z.T @ big_x
    if np.linalg.matrix_rank(zx) < zx.shape[0]:
        raise ValueError("`instrument` does not move `treatment` given the controls")
    coef = np.linalg.solve(zx, big_z.T @ y)
    resid = y - big_x @ coef
    s2 = resid @ resid / (n - big_x.shape[1])
    inv = np.linalg.inv(zx)
    cov = s2 * inv @ (big_z.T @ big_z) @ inv.T
    return float(coef[0]), float(np.sqrt(cov[0, 0]))


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


# --------------------------------------------------------------------------------------------
# Confounded pricing
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PricingSimulation:
    """Hourly ride demand and price with their hidden confounders and the true elasticity.

    Attributes
    ----------
    data : pandas.DataFrame
        What the analyst sees: ``hour`` (since the start), ``hour_of_day``, ``weekday``,
        ``log_price``, ``log_rides`` and ``cost_shock`` (the instrument).
    hidden : pandas.DataFrame
        What the analyst does not see: ``competitor`` and ``sentiment`` (unit-variance AR(1)).
    elasticity : float
        The causal effect of log price on log rides (percent change in rides per percent change
        in price).
    naive_limit : float
        The slope of log rides on log price (seasonality controlled) that ordinary least squares
        converges to: the elasticity plus the confounding bias.
    confounding : float
        The strength multiplier of both hidden confounders.
    """

    data: pd.DataFrame
    hidden: pd.DataFrame
    elasticity: float
    naive_limit: float
    confounding: float


#: coefficients of the pricing simulator: (price on competitor, price on sentiment,
#: rides on competitor, rides on sentiment), before the `confounding` multiplier
_PRICE_CONF = (0.15, 0.10)
_RIDES_CONF = (0.25, 0.20)


def simulate_pricing(
    n_days: int = 28,
    *,
    elasticity: float = -1.2,
    confounding: float = 1.0,
    cost_effect: float = 0.15,
    rng: RngLike = None,
) -> PricingSimulation:
    r"""Simulate hourly log rides and log price for a ride-sharing service.

    .. math::

        \log p_t &= 2.3 + 0.4\,d(t) + \pi z_t + k(0.15\,c_t + 0.10\,s_t) + 0.05\,\varepsilon_t \\
        \log q_t &= 6 + d(t) + w(t) + \beta \log p_t + k(0.25\,c_t + 0.20\,s_t)
            + 0.1\,\eta_t

    with :math:`d` a daily and :math:`w` a weekly cycle, :math:`c_t` (competitor price) and
    :math:`s_t` (sentiment) unit-variance AR(1) series with hourly autocorrelation 0.8 and
    0.95, :math:`z_t` an iid standard-Normal driver-cost shock (the instrument),
    :math:`\beta` the elasticity and :math:`k` the confounding strength. Both cycles lie in
    the span of ``fourier_features(hour, 24, 2)`` and ``fourier_features(hour, 168, 1)``.

    Parameters
    ----------
    n_days : int, default 28
        Length in days (24 hours each), >= 2.
    elasticity : float, default -1.2
    confounding : float, default 1
        :math:`k` >= 0; 0 removes the hidden confounding.
    cost_effect : float, default 0.15
        :math:`\pi` > 0, the instrument's effect on log price.
    rng : Generator, int or None

    Returns
    -------
    PricingSimulation

    Raises
    ------
    TypeError, ValueError
        If an argument is of the wrong type or out of range.

    Examples
    --------
    >>> sim = simulate_pricing(rng=0)
    >>> len(sim.data), round(sim.naive_limit - sim.elasticity, 3)
    (672, 1.0)
    """
    n_days = validate.integer(n_days, "n_days", minimum=2)
    elasticity = validate.real(elasticity, "elasticity")
    k = validate.real(confounding, "confounding", nonnegative=True)
    pi = validate.real(cost_effect, "cost_effect", positive=True)
    rng = make_rng(rng)
    hour = np.arange(24 * n_days)
    daily = (
        0.35 * np.sin(2 * np.pi * hour / 24)
        + 0.15 * np.cos(2 * np.pi * hour / 24)
        + 0.10 * np.sin(4 * np.pi * hour / 24)
    )
    weekly = 0.10 * np.cos(2 * np.pi * hour / 168)
    competitor = _ar1(hour.size, 0.8, rng)
    sentiment = _ar1(hour.size, 0.95, rng)
    cost = rng.standard_normal(hour.size)
    eps, eta = rng.standard_normal((2, hour.size))
    log_price = (
        2.3
        + 0.4 * daily
        + pi * cost
        + k * (_PRICE_CONF[0] * competitor + _PRICE_CONF[1] * sentiment)
        + 0.05 * eps
    )
    log_rides = (
        6.0
        + daily
        + weekly
        + elasticity * log_price
        + k * (_RIDES_CONF[0] * competitor + _RIDES_CONF[1] * sentiment)
        + 0.1 * eta
    )
    # OLS limit with the cycles partialled out: beta + Cov(confounding, p) / Var(p | cycles)
    cov = k**2 * (_PRICE_CONF[0] * _RIDES_CONF[0] + _PRICE_CONF[1] * _RIDES_CONF[1])
    var_p = pi**2 + k**2 * (_PRICE_CONF[0] ** 2 + _PRICE_CONF[1] ** 2) + 0.05**2
    data = pd.DataFrame(
        {
            "hour": hour,
            "hour_of_day": hour % 24,
            "weekday": (hour // 24) % 7,
            "log_price": log_price,
            "log_rides": log_rides,
            "cost_shock": cost,
        }
    )
    hidden = pd.DataFrame({"competitor": competitor, "sentiment": sentiment})
    return PricingSimulation(data, hidden, elasticity, elasticity + cov / var_p, k)


# --------------------------------------------------------------------------------------------
# Impact analysis with control series
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImpactSimulation:
    """Daily rides in a treated city and control cities, with the counterfactual.

    Attributes
    ----------
    data : pandas.DataFrame
        Indexed by ``day``; columns ``y`` (treated city, observed), ``x0``, ``x1``, ``x2``
        (control cities), ``weekday``.
    y0 : numpy.ndarray
        The treated city's rides without the launch (the counterfactual path; equal to ``y``
        before the launch).
    effect : numpy.ndarray
        ``y - y0`` on every day (zero before the launch).
    n_pre : int
        Days before the launch (the launch is on day ``n_pre``).
    """

    data: pd.DataFrame
    y0: np.ndarray
    effect: np.ndarray
    n_pre: int

    @property
    def cumulative_effect(self) -> float:
        """The total extra rides over the post-period (thousands)."""
        return float(self.effect[self.n_pre :].sum())


def simulate_impact(
    n_pre: int = 84,
    n_post: int = 28,
    *,
    effect: float = 5.0,
    level_sd: float = 0.03,
    rng: RngLike = None,
) -> ImpactSimulation:
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
    ImpactSimulation

    Raises
    ------
    TypeError, ValueError
        If an argument is of the wrong type or out of range.

    Examples
    --------
    >>> sim = simulate_impact(rng=0)
    >>> sim.data.shape, sim.n_pre, bool(np.all(sim.effect[: sim.n_pre] == 0))
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
    return ImpactSimulation(data, y0, lift, n_pre)


# --------------------------------------------------------------------------------------------
# Synthetic control
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SyntheticControlSimulation:
    """Weekly rides in a treated city and donor cities, with the true weights and effect.

    Attributes
    ----------
    data : pandas.DataFrame
        Indexed by ``week``; column ``treated`` and one column per donor (``d0``, ``d1``, ...).
    weights : numpy.ndarray
        The true convex weights of the donors in the treated city's untreated outcome.
    y0 : numpy.ndarray
        The treated city's counterfactual series.
    effect : numpy.ndarray
        ``treated - y0`` per week (zero before the launch).
    n_pre : int
        Weeks before the launch.
    """

    data: pd.DataFrame
    weights: np.ndarray
    y0: np.ndarray
    effect: np.ndarray
    n_pre: int

    @property
    def att(self) -> float:
        """The average weekly effect in the post-period."""
        return float(self.effect[self.n_pre :].mean())


def simulate_synthetic_control(
    n_donors: int = 6,
    n_pre: int = 52,
    n_post: int = 12,
    *,
    effect: float = 8.0,
    rng: RngLike = None,
) -> SyntheticControlSimulation:
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
    SyntheticControlSimulation

    Raises
    ------
    TypeError, ValueError
        If an argument is of the wrong type or out of range.

    Examples
    --------
    >>> sim = simulate_synthetic_control(rng=0)
    >>> sim.data.shape, float(sim.weights.sum())
    ((64, 7), 1.0)
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
    return SyntheticControlSimulation(data, weights, y0, lift, n_pre)


# --------------------------------------------------------------------------------------------
# Staggered rollout
# --------------------------------------------------------------------------------------------


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


@dataclass(frozen=True)
class RolloutSimulation:
    """A staggered rollout panel with both potential outcomes.

    Attributes
    ----------
    data : pandas.DataFrame
        Long format, one row per market-week: ``market``, ``week``, ``cohort`` (adoption week,
        -1 for never), ``event_time`` (weeks since adoption, negative before, -99 for never),
        ``treated`` (0/1), ``y`` (observed log rides), ``y0`` and ``y1`` (the potential
        outcomes without and with the feature; not observable together).
    growth : numpy.ndarray
        Each market's weekly growth rate (the confounder of adoption order).
    max_effect : float
        The long-run effect passed to :func:`rollout_effect`.
    """

    data: pd.DataFrame
    growth: np.ndarray
    max_effect: float

    @property
    def att(self) -> float:
        """ATT: the mean of ``y1 - y0`` over treated market-weeks."""
        treated = self.data[self.data["treated"] == 1]
        return float((treated["y1"] - treated["y0"]).mean())


def simulate_rollout(
    n_per_cohort: int = 6,
    n_weeks: int = 40,
    adoption_weeks: tuple[int, ...] = (12, 20, 28),
    *,
    max_effect: float = 0.10,
    rng: RngLike = None,
) -> RolloutSimulation:
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
    RolloutSimulation

    Raises
    ------
    TypeError, ValueError
        If an argument is of the wrong type or out of range.

    Examples
    --------
    >>> sim = simulate_rollout(rng=0)
    >>> len(sim.data), sorted(sim.data["cohort"].unique().tolist())
    (960, [-1, 12, 20, 28])
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
            "y0": y0.ravel(),
            "y1": y1.ravel(),
        }
    )
    return RolloutSimulation(data, growth, max_effect)
