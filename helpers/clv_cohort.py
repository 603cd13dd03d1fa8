"""Customer futures by simulation: purchases, spend, discounting and a cohort's value.

Introduced in notebook 06.

Draws of each customer's future purchases (BG/NBD) and spend (Gamma-Gamma) from their
individual predictive distribution, so that a cohort's future value comes out as a
distribution, not only as the expected value lifetimes gives. These are posterior-predictive
*projections* of fitted models (``draw_*``, ``project_cohort``), not simulators of data with a
known truth (those are named ``simulate_*`` and return a :class:`helpers.simulation.Simulation`).
The likelihoods and the data live in :mod:`helpers.clv`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from helpers import _validate as validate
from helpers.clv import (
    WEEKS_PER_MONTH,
    _positive_params,
    _validate_rft,
    posterior_alive_probability,
)
from helpers.seeding import RngLike, make_rng

__all__ = [
    "CohortProjection",
    "draw_purchases",
    "draw_spend",
    "discount_factors",
    "project_cohort",
]


def _sim_params(n_draws: int, **params: Any) -> dict[str, np.ndarray]:
    """Parameters as column vectors of shape (n_draws, 1): one value, or one per simulation."""
    out = {}
    for name, value in _positive_params(**params).items():
        if value.ndim == 0:
            value = np.full(n_draws, float(value))
        if value.shape != (n_draws,):
            raise ValueError(
                f"`{name}` must be a number or have shape (n_draws,) = ({n_draws},); "
                f"got shape {value.shape}"
            )
        out[name] = value[:, None]
    return out


def draw_purchases(
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,
    *,
    r: ArrayLike,
    alpha: ArrayLike,
    a: ArrayLike,
    b: ArrayLike,
    n_periods: int,
    period_length: float,
    n_draws: int,
    rng: RngLike = None,
) -> np.ndarray:
    r"""Draw each customer's future purchases per period from their BG/NBD predictive distribution.

    For every simulation and customer: draw whether they are still active (probability
    :func:`posterior_alive_probability`); if active, draw their purchase rate and dropout
    probability from their individual posterior,
    :math:`\lambda \sim \text{Gamma}(r + x, \alpha + T)` and
    :math:`p \sim \text{Beta}(a, b + x)`; then draw Poisson purchase counts per period and a
    Geometric number :math:`K` of purchases after which they drop out, and keep the purchases up
    to the :math:`K`-th. Inactive customers buy nothing.

    Parameters
    ----------
    frequency, recency, T : array-like, shape (n_customers,)
        Calibration-period summary (time in the same unit as ``period_length``).
    r, alpha, a, b : float or array of shape (n_draws,)
        BG/NBD parameters; an array gives one parameter set per simulation (for example
        posterior draws, which carries parameter uncertainty into the simulation).
    n_periods : int
        Number of future periods (e.g. 12 months).
    period_length : float
        Length of a period in the data's time unit (e.g. 4.345 weeks for a month).
    n_draws : int
        Number of simulated futures.
    rng : Generator, int or None, keyword-only

    Returns
    -------
    numpy.ndarray of int, shape (n_draws, n_customers, n_periods)
        Purchases of each customer in each future period.

    Raises
    ------
    ValueError
        On invalid customer data (see :func:`bgnbd_loglik`), non-positive parameters or
        parameter arrays of the wrong shape, or non-positive sizes.

    Examples
    --------
    >>> counts = draw_purchases([2, 0], [30.43, 0.0], [38.86, 38.86], r=0.243,
    ...                             alpha=4.414, a=0.793, b=2.426, n_periods=12,
    ...                             period_length=4.345, n_draws=5, rng=1)
    >>> counts.shape
    (5, 2, 12)
    """
    x, t_x, t_obs = _validate_rft(frequency, recency, T)
    x, t_x, t_obs = np.atleast_1d(x), np.atleast_1d(t_x), np.atleast_1d(t_obs)
    n_periods = validate.integer(n_periods, "n_periods", minimum=1)
    n_draws = validate.integer(n_draws, "n_draws", minimum=1)
    period_length = validate.real(period_length, "period_length", positive=True)
    rng = make_rng(rng)
    p = _sim_params(n_draws, r=r, alpha=alpha, a=a, b=b)
    p_alive = posterior_alive_probability(
        x, t_x, t_obs, r=p["r"], alpha=p["alpha"], a=p["a"], b=p["b"]
    )
    shape = (n_draws, x.size)
    alive = rng.random(shape) < p_alive
    # individual posterior of an active customer: lambda ~ Gamma(r + x, rate alpha + T)
    lam = rng.gamma(p["r"] + x, 1.0 / (p["alpha"] + t_obs), size=shape)
    # dropout probability ~ Beta(a, b + x); K ~ Geometric(p) purchases until dropout
    drop = rng.beta(p["a"] * np.ones_like(x), p["b"] + x, size=shape)
    k_max = rng.geometric(np.clip(drop, 1e-12, 1.0))
    poisson = rng.poisson(lam[..., None] * period_length, size=(*shape, n_periods))
    made = np.minimum(np.cumsum(poisson, axis=-1), k_max[..., None])
    counts = np.diff(made, axis=-1, prepend=0)
    return np.where(alive[..., None], counts, 0)


def draw_spend(
    counts: ArrayLike,
    frequency: ArrayLike,
    monetary_value: ArrayLike,
    *,
    p: ArrayLike,
    q: ArrayLike,
    v: ArrayLike,
    rng: RngLike = None,
) -> np.ndarray:
    r"""Draw the money spent on simulated purchases from each customer's Gamma-Gamma posterior.

    A customer's mean spend per purchase is :math:`p/\nu`, with
    :math:`\nu \sim \text{Gamma}(q, v)` a priori and
    :math:`\nu \mid x, m_x \sim \text{Gamma}(q + p x, v + x m_x)` after :math:`x` repeat
    purchases averaging :math:`m_x`. Given :math:`\nu`, the total of :math:`n` purchases is
    :math:`\text{Gamma}(p n, \nu)` (zero when :math:`n = 0`).

    Parameters
    ----------
    counts : array-like of int, shape (n_draws, n_customers, n_periods)
        Purchases, as returned by :func:`draw_purchases`.
    frequency, monetary_value : array-like, shape (n_customers,)
        Calibration repeat purchases and their mean value ($; 0 when frequency is 0).
    p, q, v : float or array of shape (n_draws,)
        Gamma-Gamma parameters.
    rng : Generator, int or None, keyword-only

    Returns
    -------
    numpy.ndarray, shape like ``counts``
        Money spent per simulation, customer and period.

    Raises
    ------
    ValueError
        If ``counts`` is not a 3-D array of non-negative integers matching the customers, a
        monetary value is negative or positive where frequency is 0, or a parameter is <= 0.

    Examples
    --------
    >>> spend = draw_spend([[[0, 2]]], [3], [20.0], p=6.25, q=3.74, v=15.44, rng=1)
    >>> float(spend[0, 0, 0]), bool(spend[0, 0, 1] > 0)
    (0.0, True)
    """
    n = validate.array(counts, "counts")
    if n.ndim != 3 or np.any(n < 0) or np.any(n != np.round(n)):
        raise ValueError(
            "`counts` must be a 3-D array (n_draws, n_customers, n_periods) of non-negative "
            f"integers; got shape {n.shape}"
        )
    x = np.atleast_1d(validate.array(frequency, "frequency"))
    m = np.atleast_1d(validate.array(monetary_value, "monetary_value"))
    if x.shape != m.shape or x.shape != (n.shape[1],):
        raise ValueError(
            f"`frequency` and `monetary_value` must have shape (n_customers,) = ({n.shape[1]},); "
            f"got {x.shape} and {m.shape}"
        )
    if np.any(x < 0) or np.any(x != np.round(x)):
        raise ValueError("`frequency` must hold non-negative integers (repeat purchases)")
    if np.any(m < 0) or np.any((x == 0) & (m > 0)):
        raise ValueError("`monetary_value` must be >= 0, and 0 where `frequency` is 0")
    rng = make_rng(rng)
    prm = _sim_params(n.shape[0], p=p, q=q, v=v)
    # individual posterior of the spend rate: nu ~ Gamma(q + p x, rate v + x m_x)
    nu = rng.gamma(prm["q"] + prm["p"] * x, 1.0 / (prm["v"] + x * m))
    # total of n purchases ~ Gamma(p n, rate nu); shape 0 gives exactly 0
    return rng.gamma(prm["p"][..., None] * n, 1.0 / nu[..., None])


def discount_factors(n_periods: int, rate: float) -> np.ndarray:
    r"""Discount factors :math:`(1 + d)^{-k}` for periods :math:`k = 1, \dots, n`.

    Cash from period :math:`k` is valued at the end of that period, the convention of
    ``lifetimes.GammaGammaFitter.customer_lifetime_value``.

    Parameters
    ----------
    n_periods : int
        Number of periods, >= 1.
    rate : float
        Discount rate per period, >= 0 (e.g. 0.01 per month).

    Returns
    -------
    numpy.ndarray, shape (n_periods,)

    Raises
    ------
    ValueError
        If ``n_periods`` is not a positive integer or ``rate`` is negative.

    Examples
    --------
    >>> discount_factors(3, 0.1).round(4).tolist()
    [0.9091, 0.8264, 0.7513]
    """
    n_periods = validate.integer(n_periods, "n_periods", minimum=1)
    rate = validate.real(rate, "rate", nonnegative=True)
    return (1.0 + rate) ** -np.arange(1, n_periods + 1, dtype=float)


@dataclass(frozen=True)
class CohortProjection:
    """Simulated futures of a cohort, aggregated.

    Attributes
    ----------
    purchases, revenue, value : numpy.ndarray, shape (n_draws,)
        The cohort's total purchases, undiscounted revenue ($) and discounted value ($) in each
        simulated future.
    customer_purchases, customer_value : numpy.ndarray, shape (n_customers,)
        Each customer's purchases and discounted value averaged over the simulations.
    """

    purchases: np.ndarray
    revenue: np.ndarray
    value: np.ndarray
    customer_purchases: np.ndarray
    customer_value: np.ndarray

    def interval(self, ci_prob: float = 0.9, *, of: str = "value") -> tuple[float, float]:
        """The central interval holding ``ci_prob`` of the simulated ``of`` (value, revenue, ...).

        Raises
        ------
        ValueError
            If ``ci_prob`` is not in (0, 1) or ``of`` is not a cohort total.
        """
        ci_prob = validate.ci_prob(ci_prob)
        validate.one_of(of, "of", ("purchases", "revenue", "value"))
        low, high = np.quantile(getattr(self, of), [(1 - ci_prob) / 2, (1 + ci_prob) / 2])
        return float(low), float(high)

    def summary(self, ci_prob: float = 0.9) -> pd.DataFrame:
        """Mean, Monte Carlo standard error and central interval of each cohort total."""
        rows = {}
        for of in ("purchases", "revenue", "value"):
            draws = getattr(self, of)
            low, high = self.interval(ci_prob, of=of)
            rows[of] = {
                "mean": draws.mean(),
                "mc_se": draws.std(ddof=1) / np.sqrt(draws.size),
                f"{50 * (1 - ci_prob):g}%": low,
                f"{50 * (1 + ci_prob):g}%": high,
            }
        return pd.DataFrame(rows).T


def project_cohort(
    summary: pd.DataFrame,
    *,
    bgnbd: dict[str, Any],
    gamma_gamma: dict[str, Any],
    n_periods: int = 12,
    period_length: float = WEEKS_PER_MONTH,
    discount_rate: float = 0.01,
    n_draws: int,
    chunk: int = 100,
    rng: RngLike = None,
) -> CohortProjection:
    """Project a cohort's future purchases, revenue and discounted value, customer by customer.

    Runs :func:`draw_purchases` and :func:`draw_spend` in chunks of simulations (to
    bound memory) and sums over customers and periods.

    Parameters
    ----------
    summary : pandas.DataFrame
        Columns ``frequency``, ``recency``, ``T`` and ``monetary_value``, one row per customer.
    bgnbd : dict
        ``{"r", "alpha", "a", "b"}``: numbers, or arrays of shape (n_draws,).
    gamma_gamma : dict
        ``{"p", "q", "v"}``: numbers, or arrays of shape (n_draws,).
    n_periods : int, default 12
    period_length : float, default 4.345
        Weeks per month.
    discount_rate : float, default 0.01
        Per period.
    n_draws : int
    chunk : int, default 100
        Simulations per chunk.
    rng : Generator, int or None, keyword-only

    Returns
    -------
    CohortProjection

    Raises
    ------
    ValueError
        If ``summary`` lacks a column, a parameter dictionary has the wrong keys, or any input
        is invalid for the functions above.
    TypeError
        If ``summary`` is not a DataFrame.

    Examples
    --------
    >>> cust = pd.DataFrame({"frequency": [2, 0], "recency": [30.43, 0.0], "T": [38.86, 38.86],
    ...                      "monetary_value": [22.35, 0.0]})
    >>> sim = project_cohort(cust, bgnbd=dict(r=0.243, alpha=4.414, a=0.793, b=2.426),
    ...                       gamma_gamma=dict(p=6.25, q=3.74, v=15.44), n_draws=200, rng=1)
    >>> sim.value.shape, bool(sim.value.mean() > 0)
    ((200,), True)
    """
    if not isinstance(summary, pd.DataFrame):
        raise TypeError(f"`summary` must be a pandas DataFrame; got {type(summary).__name__}")
    missing = {"frequency", "recency", "T", "monetary_value"} - set(summary.columns)
    if missing:
        raise ValueError(
            f"`summary` must have columns frequency, recency, T, monetary_value; missing {sorted(missing)}"
        )
    if not isinstance(bgnbd, dict) or set(bgnbd) != {"r", "alpha", "a", "b"}:
        raise ValueError("`bgnbd` must be a dict with keys 'r', 'alpha', 'a', 'b'")
    if not isinstance(gamma_gamma, dict) or set(gamma_gamma) != {"p", "q", "v"}:
        raise ValueError("`gamma_gamma` must be a dict with keys 'p', 'q', 'v'")
    n_draws = validate.integer(n_draws, "n_draws", minimum=1)
    chunk = validate.integer(chunk, "chunk", minimum=1)
    for name, val in (*bgnbd.items(), *gamma_gamma.items()):
        if np.ndim(val) and np.shape(val) != (n_draws,):
            raise ValueError(
                f"`{name}` must be a number or have shape (n_draws,) = ({n_draws},); "
                f"got shape {np.shape(val)}"
            )
    rng = make_rng(rng)
    weights = discount_factors(n_periods, validate.real(discount_rate, "discount_rate"))
    x, t_x, t_obs, m = (
        summary[c].to_numpy(float) for c in ("frequency", "recency", "T", "monetary_value")
    )

    def part(params: dict[str, Any], sl: slice) -> dict[str, Any]:
        return {k: (np.asarray(val)[sl] if np.ndim(val) else val) for k, val in params.items()}

    purchases, revenue, value = (np.empty(n_draws) for _ in range(3))
    cust_n, cust_v = np.zeros(x.size), np.zeros(x.size)
    for start in range(0, n_draws, chunk):
        sl = slice(start, min(start + chunk, n_draws))
        size = sl.stop - sl.start
        counts = draw_purchases(
            x,
            t_x,
            t_obs,
            **part(bgnbd, sl),
            n_periods=n_periods,
            period_length=period_length,
            n_draws=size,
            rng=rng,
        )
        spend = draw_spend(counts, x, m, **part(gamma_gamma, sl), rng=rng)
        discounted = spend @ weights  # (size, n_customers)
        purchases[sl] = counts.sum(axis=(1, 2))
        revenue[sl] = spend.sum(axis=(1, 2))
        value[sl] = discounted.sum(axis=1)
        cust_n += counts.sum(axis=(0, 2))
        cust_v += discounted.sum(axis=0)
    return CohortProjection(purchases, revenue, value, cust_n / n_draws, cust_v / n_draws)
