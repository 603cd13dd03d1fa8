"""Customer lifetime value: the CDNOW data, the BG/NBD likelihood and simulated futures.

The fitting and the closed-form expectations come from ``lifetimes``; this module adds what
``lifetimes`` does not offer: the BG/NBD log-likelihood as a vectorised function that works on
NumPy arrays *and* on PyTensor variables (so it can be a custom likelihood in PyMC), and a
simulator that draws each customer's future purchases and spend from their individual
predictive distribution, so that a cohort's future value comes out as a distribution.

Introduced in notebook 06.

References
----------
.. [1] Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005). "Counting your customers" the easy
   way: an alternative to the Pareto/NBD model. Marketing Science, 24(2), 275-284.
.. [2] Fader, P. S. and Hardie, B. G. S. (2013). The Gamma-Gamma model of monetary value.
   http://www.brucehardie.com/notes/025/
"""

from __future__ import annotations

import importlib.resources
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import special

from helpers import _validate as validate
from helpers.seeding import RngLike, make_rng

__all__ = [
    "CohortSimulation",
    "load_cdnow_transactions",
    "load_cdnow_published_summary",
    "bgnbd_loglik",
    "gamma_gamma_loglik",
    "posterior_alive_probability",
    "simulate_purchases",
    "simulate_spend",
    "discount_factors",
    "simulate_cohort",
]

#: Weeks per month, the factor ``lifetimes`` uses when time is measured in weeks.
WEEKS_PER_MONTH = 4.345


def _data_file(name: str) -> Any:
    return importlib.resources.files("lifetimes") / "datasets" / name


def load_cdnow_transactions() -> pd.DataFrame:
    """Read the CDNOW 1/10 sample transaction log that ships inside ``lifetimes``.

    The file holds every purchase made until the end of June 1998 by the 2,357 customers of the
    1/10 sample of the cohort who first bought at CDNOW in the first quarter of 1997
    (the data of Fader, Hardie and Lee, 2005). Nothing is downloaded.

    Returns
    -------
    pandas.DataFrame
        One row per transaction with columns ``customer_id`` (1 to 2357), ``date``
        (datetime64), ``cds`` (number of CDs bought) and ``dollars`` (amount spent, $).

    Examples
    --------
    >>> tx = load_cdnow_transactions()
    >>> tx["customer_id"].nunique(), str(tx["date"].min().date())
    (2357, '1997-01-01')
    """
    with importlib.resources.as_file(_data_file("CDNOW_sample.txt")) as path:
        raw = pd.read_csv(
            path,
            sep=r"\s+",
            header=None,
            names=["master_id", "customer_id", "date", "cds", "dollars"],
            dtype={"master_id": str, "customer_id": int, "date": str, "cds": int},
        )
    raw["date"] = pd.to_datetime(raw["date"], format="%Y%m%d")
    return raw[["customer_id", "date", "cds", "dollars"]]


def load_cdnow_published_summary() -> pd.DataFrame:
    """Read the published calibration-period summary of the CDNOW sample (shipped with lifetimes).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``customer_id``, with ``frequency`` (repeat purchases), ``recency`` and ``T``
        (weeks, rounded to 2 decimals) and ``monetary_value`` (mean repeat spend, $), for the
        39-week calibration period ending 1997-09-30.

    Examples
    --------
    >>> load_cdnow_published_summary().shape
    (2357, 4)
    """
    with importlib.resources.as_file(
        _data_file("cdnow_customers_summary_with_transactions.csv")
    ) as path:
        frame = pd.read_csv(path)
    frame.columns = ["customer_id", "frequency", "recency", "T", "monetary_value"]
    return frame.set_index("customer_id").astype(float)


def _validate_rft(frequency: Any, recency: Any, T: Any) -> tuple[np.ndarray, ...]:
    x, t_x, t_obs = (
        validate.array(frequency, "frequency"),
        validate.array(recency, "recency"),
        validate.array(T, "T"),
    )
    try:
        x, t_x, t_obs = np.broadcast_arrays(x, t_x, t_obs)
    except ValueError as err:
        raise ValueError(
            f"`frequency`, `recency` and `T` must have matching shapes; got {x.shape}, "
            f"{t_x.shape} and {t_obs.shape}"
        ) from err
    if np.any(x < 0) or np.any(x != np.round(x)):
        raise ValueError("`frequency` must hold non-negative integers (repeat purchases)")
    if np.any(t_x < 0):
        raise ValueError("`recency` must be >= 0 (time from first to last purchase)")
    if np.any(t_obs <= 0):
        raise ValueError("`T` must be > 0 (time since the first purchase)")
    if np.any(t_x > t_obs):
        i = int(np.argmax((t_x > t_obs).ravel()))
        raise ValueError(
            f"`recency` must be <= `T`; got recency={t_x.ravel()[i]} > T={t_obs.ravel()[i]}"
        )
    if np.any((x == 0) & (t_x > 0)):
        raise ValueError("`recency` must be 0 for customers with `frequency` 0")
    return x, t_x, t_obs


def _is_tensor(value: Any) -> bool:
    return type(value).__module__.split(".")[0] == "pytensor"


def _positive_params(**params: Any) -> dict[str, Any]:
    """Validate numeric parameters (scalars or arrays > 0); pass PyTensor variables through."""
    out: dict[str, Any] = {}
    for name, value in params.items():
        if _is_tensor(value):
            out[name] = value
            continue
        if isinstance(value, bool):
            raise TypeError(f"`{name}` must be a positive number; got bool")
        arr = validate.array(value, name)
        if np.any(arr <= 0):
            raise ValueError(f"`{name}` must be > 0; got {value!r}")
        out[name] = arr
    return out


def bgnbd_loglik(
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,
    *,
    r: ArrayLike,
    alpha: ArrayLike,
    a: ArrayLike,
    b: ArrayLike,
) -> Any:
    r"""Per-customer BG/NBD log-likelihood, for NumPy arrays or PyTensor variables.

    For a customer with :math:`x` repeat purchases, the last at :math:`t_x`, observed for
    :math:`T` time units since the first purchase (Fader, Hardie and Lee, 2005, eq. 6):

    .. math::

        L = \frac{B(a, b + x)}{B(a, b)} \frac{\Gamma(r + x)\,\alpha^r}{\Gamma(r)\,(\alpha + T)^{r + x}}
          + \mathbb{1}[x > 0] \frac{B(a + 1, b + x - 1)}{B(a, b)}
            \frac{\Gamma(r + x)\,\alpha^r}{\Gamma(r)\,(\alpha + t_x)^{r + x}}

    The first term is "still active at T", the second "dropped out right after the last
    purchase". The sum is taken on the log scale with ``logaddexp`` for stability.

    Written out in notebook 06, section 2.

    Parameters
    ----------
    frequency, recency, T : array-like
        Repeat purchases :math:`x`, recency :math:`t_x` and age :math:`T` of each customer
        (data, always NumPy).
    r, alpha : float, array or PyTensor variable
        Shape and rate of the Gamma distribution of purchase rates :math:`\lambda`.
    a, b : float, array or PyTensor variable
        Parameters of the Beta distribution of dropout probabilities :math:`p`.

    Returns
    -------
    numpy.ndarray or pytensor.tensor.TensorVariable
        The log-likelihood of each customer (sum it for the total). A PyTensor graph when any
        parameter is a PyTensor variable, so the function can sit inside a PyMC model.

    Raises
    ------
    ValueError
        If frequency is negative or not an integer, recency is negative or exceeds T, T is not
        positive, a customer with frequency 0 has recency > 0, or a numeric parameter is <= 0.
    TypeError
        If an argument is not numeric.

    Examples
    --------
    >>> ll = bgnbd_loglik([2, 0], [30.43, 0.0], [38.86, 38.86],
    ...                   r=0.243, alpha=4.414, a=0.793, b=2.426)
    >>> ll.round(3).tolist()
    [-9.459, -0.555]
    """
    x, t_x, t_obs = _validate_rft(frequency, recency, T)
    params = _positive_params(r=r, alpha=alpha, a=a, b=b)
    r, alpha, a, b = params["r"], params["alpha"], params["a"], params["b"]
    if any(_is_tensor(v) for v in params.values()):
        import pytensor.tensor as pt

        gammaln, log, logaddexp, where = pt.gammaln, pt.log, pt.logaddexp, pt.switch
    else:
        gammaln, log, logaddexp, where = special.gammaln, np.log, np.logaddexp, np.where
    # common factor Gamma(r + x) alpha^r / Gamma(r) and B(a, b + x) / B(a, b)
    common = gammaln(r + x) - gammaln(r) + r * log(alpha)
    beta_term = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    active = -(r + x) * log(alpha + t_obs)
    # B(a + 1, b + x - 1) / B(a, b + x) = a / (b + x - 1); only used when x > 0
    dropped = log(a) - log(b + np.maximum(x, 1) - 1) - (r + x) * log(alpha + t_x)
    return common + beta_term + where(x > 0, logaddexp(active, dropped), active)


def gamma_gamma_loglik(
    frequency: ArrayLike, monetary_value: ArrayLike, *, p: ArrayLike, q: ArrayLike, v: ArrayLike
) -> Any:
    r"""Per-customer Gamma-Gamma log-likelihood of mean spend, for NumPy or PyTensor parameters.

    Each transaction value is :math:`\text{Gamma}(p, \nu)` and the customer's :math:`\nu` is
    :math:`\text{Gamma}(q, v)`; the mean :math:`m_x` of :math:`x` transactions then has density
    (Fader and Hardie, 2013, eq. 1a)

    .. math::

        f(m_x \mid p, q, v, x) = \frac{\Gamma(p x + q)}{\Gamma(p x)\,\Gamma(q)}
        \frac{v^q\, m_x^{p x - 1}\, x^{p x}}{(v + x m_x)^{p x + q}}

    Parameters
    ----------
    frequency : array-like of int
        Repeat purchases, all >= 1 (the model is fitted on repeat buyers only).
    monetary_value : array-like
        Mean value of those purchases ($), all > 0.
    p, q, v : float, array or PyTensor variable
        Gamma-Gamma parameters.

    Returns
    -------
    numpy.ndarray or pytensor.tensor.TensorVariable

    Raises
    ------
    ValueError
        If a frequency is not a positive integer, a monetary value is not positive, the shapes
        differ, or a numeric parameter is <= 0.
    TypeError
        If an argument is not numeric.

    Examples
    --------
    >>> gamma_gamma_loglik([1, 4], [11.77, 30.0], p=6.25, q=3.74, v=15.44).round(3).tolist()
    [-3.738, -3.789]
    """
    x = np.atleast_1d(validate.array(frequency, "frequency"))
    m = np.atleast_1d(validate.array(monetary_value, "monetary_value"))
    if x.shape != m.shape:
        raise ValueError(
            f"`frequency` and `monetary_value` must have the same shape; got {x.shape} and {m.shape}"
        )
    if np.any(x < 1) or np.any(x != np.round(x)):
        raise ValueError("`frequency` must hold integers >= 1 (fit the model on repeat buyers)")
    if np.any(m <= 0):
        raise ValueError("`monetary_value` must be > 0 for every repeat buyer")
    prm = _positive_params(p=p, q=q, v=v)
    p, q, v = prm["p"], prm["q"], prm["v"]
    if any(_is_tensor(val) for val in prm.values()):
        import pytensor.tensor as pt

        gammaln, log = pt.gammaln, pt.log
    else:
        gammaln, log = special.gammaln, np.log
    px = p * x
    return (
        gammaln(px + q)
        - gammaln(px)
        - gammaln(q)
        + q * log(v)
        + (px - 1) * np.log(m)
        + px * np.log(x)
        - (px + q) * log(v + x * m)
    )


def posterior_alive_probability(
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,
    *,
    r: ArrayLike,
    alpha: ArrayLike,
    a: ArrayLike,
    b: ArrayLike,
) -> np.ndarray:
    r"""P(a customer is still active at T | their history), under the BG/NBD.

    .. math::

        P(\text{alive}) = \left[1 + \mathbb{1}[x > 0] \frac{a}{b + x - 1}
        \left(\frac{\alpha + T}{\alpha + t_x}\right)^{r + x}\right]^{-1}

    Parameters
    ----------
    frequency, recency, T : array-like
    r, alpha, a, b : float or array
        BG/NBD parameters (arrays broadcast against the customers).

    Returns
    -------
    numpy.ndarray
        Probabilities in [0, 1].

    Raises
    ------
    ValueError, TypeError
        As for :func:`bgnbd_loglik`.

    Examples
    --------
    >>> posterior_alive_probability([0, 2], [0.0, 30.43], [38.86, 38.86],
    ...                             r=0.243, alpha=4.414, a=0.793, b=2.426).round(3).tolist()
    [1.0, 0.727]
    """
    x, t_x, t_obs = _validate_rft(frequency, recency, T)
    p = _positive_params(r=r, alpha=alpha, a=a, b=b)
    log_odds_dead = np.log(p["a"]) - np.log(p["b"] + np.maximum(x, 1) - 1)
    log_odds_dead = log_odds_dead + (p["r"] + x) * np.log((p["alpha"] + t_obs) / (p["alpha"] + t_x))
    return np.where(x > 0, special.expit(-log_odds_dead), 1.0)


def _sim_params(n_sims: int, **params: Any) -> dict[str, np.ndarray]:
    """Parameters as column vectors of shape (n_sims, 1): one value, or one per simulation."""
    out = {}
    for name, value in _positive_params(**params).items():
        if value.ndim == 0:
            value = np.full(n_sims, float(value))
        if value.shape != (n_sims,):
            raise ValueError(
                f"`{name}` must be a number or have shape (n_sims,) = ({n_sims},); "
                f"got shape {value.shape}"
            )
        out[name] = value[:, None]
    return out


def simulate_purchases(
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
    n_sims: int,
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
    r, alpha, a, b : float or array of shape (n_sims,)
        BG/NBD parameters; an array gives one parameter set per simulation (for example
        posterior draws, which carries parameter uncertainty into the simulation).
    n_periods : int
        Number of future periods (e.g. 12 months).
    period_length : float
        Length of a period in the data's time unit (e.g. 4.345 weeks for a month).
    n_sims : int
        Number of simulated futures.
    rng : Generator, int or None, keyword-only

    Returns
    -------
    numpy.ndarray of int, shape (n_sims, n_customers, n_periods)
        Purchases of each customer in each future period.

    Raises
    ------
    ValueError
        On invalid customer data (see :func:`bgnbd_loglik`), non-positive parameters or
        parameter arrays of the wrong shape, or non-positive sizes.

    Examples
    --------
    >>> counts = simulate_purchases([2, 0], [30.43, 0.0], [38.86, 38.86], r=0.243,
    ...                             alpha=4.414, a=0.793, b=2.426, n_periods=12,
    ...                             period_length=4.345, n_sims=5, rng=1)
    >>> counts.shape
    (5, 2, 12)
    """
    x, t_x, t_obs = _validate_rft(frequency, recency, T)
    x, t_x, t_obs = np.atleast_1d(x), np.atleast_1d(t_x), np.atleast_1d(t_obs)
    n_periods = validate.integer(n_periods, "n_periods", minimum=1)
    n_sims = validate.integer(n_sims, "n_sims", minimum=1)
    period_length = validate.real(period_length, "period_length", positive=True)
    rng = make_rng(rng)
    p = _sim_params(n_sims, r=r, alpha=alpha, a=a, b=b)
    p_alive = posterior_alive_probability(
        x, t_x, t_obs, r=p["r"], alpha=p["alpha"], a=p["a"], b=p["b"]
    )
    shape = (n_sims, x.size)
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


def simulate_spend(
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
    counts : array-like of int, shape (n_sims, n_customers, n_periods)
        Purchases, as returned by :func:`simulate_purchases`.
    frequency, monetary_value : array-like, shape (n_customers,)
        Calibration repeat purchases and their mean value ($; 0 when frequency is 0).
    p, q, v : float or array of shape (n_sims,)
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
    >>> spend = simulate_spend([[[0, 2]]], [3], [20.0], p=6.25, q=3.74, v=15.44, rng=1)
    >>> float(spend[0, 0, 0]), bool(spend[0, 0, 1] > 0)
    (0.0, True)
    """
    n = validate.array(counts, "counts")
    if n.ndim != 3 or np.any(n < 0) or np.any(n != np.round(n)):
        raise ValueError(
            "`counts` must be a 3-D array (n_sims, n_customers, n_periods) of non-negative "
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
class CohortSimulation:
    """Simulated futures of a cohort, aggregated.

    Attributes
    ----------
    purchases, revenue, value : numpy.ndarray, shape (n_sims,)
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


def simulate_cohort(
    summary: pd.DataFrame,
    *,
    bgnbd: dict[str, Any],
    gamma_gamma: dict[str, Any],
    n_periods: int = 12,
    period_length: float = WEEKS_PER_MONTH,
    discount_rate: float = 0.01,
    n_sims: int,
    chunk: int = 100,
    rng: RngLike = None,
) -> CohortSimulation:
    """Simulate a cohort's future purchases, revenue and discounted value, customer by customer.

    Runs :func:`simulate_purchases` and :func:`simulate_spend` in chunks of simulations (to
    bound memory) and sums over customers and periods.

    Parameters
    ----------
    summary : pandas.DataFrame
        Columns ``frequency``, ``recency``, ``T`` and ``monetary_value``, one row per customer.
    bgnbd : dict
        ``{"r", "alpha", "a", "b"}``: numbers, or arrays of shape (n_sims,).
    gamma_gamma : dict
        ``{"p", "q", "v"}``: numbers, or arrays of shape (n_sims,).
    n_periods : int, default 12
    period_length : float, default 4.345
        Weeks per month.
    discount_rate : float, default 0.01
        Per period.
    n_sims : int
    chunk : int, default 100
        Simulations per chunk.
    rng : Generator, int or None, keyword-only

    Returns
    -------
    CohortSimulation

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
    >>> sim = simulate_cohort(cust, bgnbd=dict(r=0.243, alpha=4.414, a=0.793, b=2.426),
    ...                       gamma_gamma=dict(p=6.25, q=3.74, v=15.44), n_sims=200, rng=1)
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
    n_sims = validate.integer(n_sims, "n_sims", minimum=1)
    chunk = validate.integer(chunk, "chunk", minimum=1)
    for name, val in (*bgnbd.items(), *gamma_gamma.items()):
        if np.ndim(val) and np.shape(val) != (n_sims,):
            raise ValueError(
                f"`{name}` must be a number or have shape (n_sims,) = ({n_sims},); "
                f"got shape {np.shape(val)}"
            )
    rng = make_rng(rng)
    weights = discount_factors(n_periods, validate.real(discount_rate, "discount_rate"))
    x, t_x, t_obs, m = (
        summary[c].to_numpy(float) for c in ("frequency", "recency", "T", "monetary_value")
    )

    def part(params: dict[str, Any], sl: slice) -> dict[str, Any]:
        return {k: (np.asarray(val)[sl] if np.ndim(val) else val) for k, val in params.items()}

    purchases, revenue, value = (np.empty(n_sims) for _ in range(3))
    cust_n, cust_v = np.zeros(x.size), np.zeros(x.size)
    for start in range(0, n_sims, chunk):
        sl = slice(start, min(start + chunk, n_sims))
        size = sl.stop - sl.start
        counts = simulate_purchases(
            x,
            t_x,
            t_obs,
            **part(bgnbd, sl),
            n_periods=n_periods,
            period_length=period_length,
            n_sims=size,
            rng=rng,
        )
        spend = simulate_spend(counts, x, m, **part(gamma_gamma, sl), rng=rng)
        discounted = spend @ weights  # (size, n_customers)
        purchases[sl] = counts.sum(axis=(1, 2))
        revenue[sl] = spend.sum(axis=(1, 2))
        value[sl] = discounted.sum(axis=1)
        cust_n += counts.sum(axis=(0, 2))
        cust_v += discounted.sum(axis=0)
    return CohortSimulation(purchases, revenue, value, cust_n / n_sims, cust_v / n_sims)
