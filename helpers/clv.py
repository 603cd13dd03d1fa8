"""Customer lifetime value: the CDNOW data, the BG/NBD likelihood and simulated futures.

The fitting and the closed-form expectations come from ``lifetimes``; this module adds what
``lifetimes`` does not offer: the BG/NBD log-likelihood as a vectorised function that works on
NumPy arrays *and* on PyTensor variables (so it can be a custom likelihood in PyMC), the
Gamma-Gamma log-likelihood and the probability that a customer is still alive. Simulated futures
(a cohort's value as a distribution) live in :mod:`helpers.clv_cohort`.

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
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import special

from helpers import _validate as validate

__all__ = [
    "load_cdnow_transactions",
    "load_cdnow_published_summary",
    "bgnbd_loglik",
    "gamma_gamma_loglik",
    "posterior_alive_probability",
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
