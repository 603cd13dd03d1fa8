"""Instrumental variables: simulators that return their truth, 2SLS and first-stage strength.

Introduced in notebooks 12 and 13.

- :func:`simulate_iv` (notebook 12): stores whose ad spend is confounded by demand, with an
  instrument that moves ads only.
- :func:`simulate_pricing` (notebook 13): hourly demand and price from a ride-sharing service,
  confounded by latent competitor pricing and rider sentiment, with an exogenous driver-cost
  shock that moves price only.
- :func:`first_stage_f` and :func:`two_stage_least_squares`: how strong an instrument is, and the
  closed-form IV estimate the notebooks' Bayesian models are checked against.

Each simulator returns the data **and** the truth.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from helpers import _validate as validate
from helpers.seeding import RngLike, make_rng
from helpers.simulation import Simulation, Truth
from helpers.timeseries import _ar1

__all__ = [
    "two_stage_least_squares",
    "simulate_pricing",
    "simulate_iv",
    "first_stage_f",
]


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
) -> Simulation:
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
    Simulation
        ``data``: what the analyst sees, ``hour`` (since the start), ``hour_of_day``,
        ``weekday``, ``log_price``, ``log_rides`` and ``cost_shock`` (the instrument).
        ``truth``:

        - ``hidden`` (pandas.DataFrame): what the analyst does not see, ``competitor`` and
          ``sentiment`` (unit-variance AR(1));
        - ``elasticity`` (float): the causal effect of log price on log rides (percent change
          in rides per percent change in price);
        - ``naive_limit`` (float): the slope of log rides on log price (seasonality controlled)
          that ordinary least squares converges to, the elasticity plus the confounding bias;
        - ``confounding``, ``cost_effect`` (float): :math:`k` and :math:`\pi`, as passed.

    Raises
    ------
    TypeError, ValueError
        If an argument is of the wrong type or out of range.

    Examples
    --------
    >>> sim = simulate_pricing(rng=0)
    >>> len(sim.data), round(sim.truth.naive_limit - sim.truth.elasticity, 3)
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
    truth = Truth(
        hidden=hidden,
        elasticity=elasticity,
        naive_limit=elasticity + cov / var_p,
        confounding=k,
        cost_effect=pi,
    )
    return Simulation(data, truth)


def simulate_iv(
    n: int,
    *,
    effect: float = 0.5,
    strength: float = 2.0,
    confounding: float = 1.0,
    direct: float = 0.0,
    rng: RngLike = None,
) -> Simulation:
    r"""Simulate stores where region is an instrument for ad exposure.

    .. math::

        R &\sim \text{Bernoulli}(0.5), \quad U \sim N(0, 1) \\
        X &= 3 + \pi R + c\,U + \varepsilon_X, \quad \varepsilon_X \sim N(0, 0.6) \\
        Y &= 5 + \beta X + \kappa R + 1.5\,c\,U + \varepsilon_Y, \quad \varepsilon_Y \sim N(0, 0.8)

    with :math:`\pi` the instrument ``strength``, :math:`c` the ``confounding`` by the hidden
    :math:`U`, :math:`\beta` the ``effect`` and :math:`\kappa` the ``direct`` effect of region on
    sales (which breaks the exclusion restriction when non-zero).

    Parameters
    ----------
    n : int
        Number of stores, >= 2.
    effect, strength, confounding, direct : float
        See above; ``strength`` must be non-zero.
    rng : Generator, int or None

    Returns
    -------
    Simulation
        ``data``: columns ``region`` (0/1), ``ads`` and ``sales``. ``truth``:

        - ``hidden`` (numpy.ndarray): the unmeasured confounder (brand affinity) of each store;
        - ``effect``, ``strength``, ``confounding``, ``direct`` (float): :math:`\beta`,
          :math:`\pi`, :math:`c` and :math:`\kappa`, as passed;
        - ``iv_limit`` (float): what the IV estimate converges to, ``effect + direct /
          strength``.

    Raises
    ------
    ValueError
        If ``n`` < 2 or ``strength`` is 0.

    Examples
    --------
    >>> sim = simulate_iv(200, strength=1.0, direct=0.5, rng=0)
    >>> list(sim.data.columns), sim.truth.iv_limit
    (['region', 'ads', 'sales'], 1.0)
    """
    n = validate.integer(n, "n", minimum=1)
    if n < 2:
        raise ValueError(f"`n` must be >= 2; got {n}")
    effect, strength = validate.real(effect, "effect"), validate.real(strength, "strength")
    confounding, direct = validate.real(confounding, "confounding"), validate.real(direct, "direct")
    if strength == 0:
        raise ValueError("`strength` must be non-zero: a region that moves no ads is no instrument")
    rng = make_rng(rng)
    region = rng.integers(0, 2, size=n)
    hidden = rng.standard_normal(n)
    ads = 3.0 + strength * region + confounding * hidden + rng.normal(0, 0.6, size=n)
    sales = (
        5.0 + effect * ads + direct * region + 1.5 * confounding * hidden + rng.normal(0, 0.8, n)
    )
    data = pd.DataFrame({"region": region, "ads": ads, "sales": sales})
    truth = Truth(
        hidden=hidden,
        effect=effect,
        strength=strength,
        confounding=confounding,
        direct=direct,
        iv_limit=effect + direct / strength,
    )
    return Simulation(data, truth)


def first_stage_f(treatment: ArrayLike, instrument: ArrayLike) -> float:
    r"""The first-stage F statistic of one instrument: is it strong enough to trust?

    Written out in notebook 12, section 5.

    .. math::

        F = \frac{\text{RSS}_0 - \text{RSS}_1}{\text{RSS}_1 / (n - 2)}

    with :math:`\text{RSS}_0` the residual sum of squares of the treatment around its mean and
    :math:`\text{RSS}_1` that of the treatment regressed on the instrument. Staiger and Stock's
    rule of thumb calls :math:`F < 10` weak; Lee et al. (2022) show a 5% t-test needs
    :math:`F > 104.7`.

    Raises
    ------
    ValueError
        If the arrays differ in length, have fewer than 3 entries or the instrument is constant.

    Examples
    --------
    >>> round(first_stage_f([1.0, 2.0, 2.9, 4.2], [0.0, 1.0, 2.0, 3.0]), 6)
    315.0
    """
    t = validate.array(treatment, "treatment", ndim=1, min_size=3)
    r = validate.array(instrument, "instrument", shape=(t.size,))
    if np.ptp(r) == 0:
        raise validate.fail_value(
            "instrument", "a non-constant array (to move the treatment)", "a constant"
        )
    design = np.column_stack([np.ones(t.size), r])
    resid = t - design @ np.linalg.lstsq(design, t, rcond=None)[0]
    rss1, rss0 = resid @ resid, np.sum((t - t.mean()) ** 2)
    return float((rss0 - rss1) / (rss1 / (t.size - 2)))
