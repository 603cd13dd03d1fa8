"""Causal estimators and the simulators they are checked on: adjusted OLS and double ML.

Introduced in notebook 12 (sections 5 and 7-10).

- *Simulators* that return their truth: a binary campaign with a heterogeneous effect (its
  potential outcomes :math:`Y(0), Y(1)` for every unit) and a store SCM whose demand confounds
  ads and sales *non-linearly* (where a linear adjustment is biased).
- *Estimators*: the adjusted least-squares effect and double machine learning by cross-fitted
  partialling-out (Chernozhukov et al. 2018).

The first-stage F statistic of an instrument lives in :mod:`helpers.instruments`; the refuters in
:mod:`helpers.causal_refutation`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from helpers import _validate as validate
from helpers.seeding import RngLike, make_rng
from helpers.simulation import Simulation, Truth

__all__ = [
    "simulate_campaign",
    "NonlinearSCM",
    "ols_effect",
    "DMLResult",
    "dml_partialling_out",
]

Estimator = Callable[[np.ndarray, np.ndarray, np.ndarray], float]


# --------------------------------------------------------------------------------------------
# Simulators
# --------------------------------------------------------------------------------------------


def simulate_campaign(
    n: int,
    *,
    base_effect: float = 1.0,
    effect_on_demand: float = 0.5,
    targeting: float = 1.5,
    rng: RngLike = None,
) -> Simulation:
    r"""Simulate a campaign targeted at high-demand stores, whose effect grows with demand.

    .. math::

        Z \sim N(0, 1), \quad T \sim \text{Bernoulli}(\text{logit}^{-1}(k Z)), \quad
        Y(t) = 10 + \tau(Z)\, t + 2 Z + \varepsilon, \quad \tau(z) = \tau_0 + \tau_1 z

    with :math:`\varepsilon \sim N(0, 1)` shared by both potential outcomes, :math:`k` the
    ``targeting``, :math:`\tau_0` the ``base_effect`` and :math:`\tau_1` the
    ``effect_on_demand``. The CATE is :math:`\tau(z)`; the ATE is :math:`\tau_0` in the
    population; the ATT is larger when :math:`k, \tau_1 > 0`.

    Returns
    -------
    Simulation
        ``data``: columns ``demand``, ``campaign`` (0/1) and ``sales`` (the observed outcome).
        ``truth``:

        - ``y0``, ``y1`` (numpy.ndarray): each store's sales without and with the campaign
          (same noise), :math:`Y(0), Y(1)`;
        - ``ate`` (float): the sample average treatment effect, the mean of
          :math:`Y(1) - Y(0)`;
        - ``att`` (float): the sample average effect on the treated (stores that got the
          campaign);
        - ``base_effect``, ``effect_on_demand``, ``targeting`` (float): as passed.

    Raises
    ------
    ValueError
        If ``n`` < 10.

    Examples
    --------
    >>> sim = simulate_campaign(2000, rng=0)
    >>> list(sim.data.columns)
    ['demand', 'campaign', 'sales']
    >>> sim.truth.att > sim.truth.ate
    True
    """
    n = validate.integer(n, "n", minimum=10)
    tau0, tau1 = (
        validate.real(base_effect, "base_effect"),
        validate.real(effect_on_demand, "effect_on_demand"),
    )
    k = validate.real(targeting, "targeting")
    rng = make_rng(rng)
    demand = rng.standard_normal(n)
    campaign = (rng.random(n) < 1 / (1 + np.exp(-k * demand))).astype(int)
    noise = rng.standard_normal(n)
    y0 = 10 + 2 * demand + noise
    y1 = y0 + tau0 + tau1 * demand
    sales = np.where(campaign == 1, y1, y0)
    data = pd.DataFrame({"demand": demand, "campaign": campaign, "sales": sales})
    effect = y1 - y0
    truth = Truth(
        y0=y0,
        y1=y1,
        ate=float(np.mean(effect)),
        att=float(np.mean(effect[campaign == 1])),
        base_effect=tau0,
        effect_on_demand=tau1,
        targeting=k,
    )
    return Simulation(data, truth)


@dataclass(frozen=True)
class NonlinearSCM:
    r"""Stores whose demand drives ads and sales non-linearly; the ads effect is linear.

    .. math::

        Z &= \varepsilon_Z, \quad X = a_X + \alpha_1 Z + \alpha_2 Z^2 + \varepsilon_X, \\
        Y &= a_Y + \theta X + \gamma_1 Z + \gamma_2 Z^2 + \varepsilon_Y

    Parameters are the attributes; :math:`\theta` (``effect``) is the causal effect of ads.
    A regression that adjusts for :math:`Z` only linearly misses :math:`Z^2`, which drives
    both ads and sales, and is biased.
    """

    ads_intercept: float = 4.0
    ads_on_demand: float = 1.0
    ads_on_demand_sq: float = 0.7
    ads_sd: float = 0.8
    sales_intercept: float = 10.0
    effect: float = 0.5
    sales_on_demand: float = 2.0
    sales_on_demand_sq: float = 1.0
    sales_sd: float = 0.5

    def simulate(self, n: int, *, rng: RngLike = None) -> Simulation:
        """Draw ``n`` stores; return the data and, as truth, the noise terms.

        Returns
        -------
        Simulation
            ``data``: columns ``demand``, ``ads``, ``sales``. ``truth``: ``noise`` (pandas
            DataFrame of the exogenous terms ``e_demand``, ``e_ads``, ``e_sales``, which
            :meth:`counterfactual_sales` uses) and ``effect`` (float, the causal effect of ads).

        Examples
        --------
        >>> sim = NonlinearSCM().simulate(4, rng=0)
        >>> list(sim.data.columns), list(sim.truth.noise.columns), sim.truth.effect
        (['demand', 'ads', 'sales'], ['e_demand', 'e_ads', 'e_sales'], 0.5)
        """
        n = validate.integer(n, "n", minimum=1)
        rng = make_rng(rng)
        e = rng.standard_normal((3, n))
        noise = pd.DataFrame(
            {"e_demand": e[0], "e_ads": self.ads_sd * e[1], "e_sales": self.sales_sd * e[2]}
        )
        z = e[0]
        ads = (
            self.ads_intercept
            + self.ads_on_demand * z
            + self.ads_on_demand_sq * z**2
            + noise["e_ads"].to_numpy()
        )
        sales = self.sales_mean(ads, z) + noise["e_sales"].to_numpy()
        data = pd.DataFrame({"demand": z, "ads": ads, "sales": sales})
        return Simulation(data, Truth(noise=noise, effect=self.effect))

    def sales_mean(self, ads: Any, demand: Any) -> np.ndarray:
        """The structural sales equation without its noise, :math:`E[Y \\mid do(X), Z]`."""
        ads, z = np.asarray(ads, dtype=float), np.asarray(demand, dtype=float)
        return (
            self.sales_intercept
            + self.effect * ads
            + self.sales_on_demand * z
            + self.sales_on_demand_sq * z**2
        )

    def do_mean(self, ads: float | np.ndarray) -> float | np.ndarray:
        """:math:`E[Y \\mid do(X = x)] = a_Y + \\theta x + \\gamma_2` (as E[Z]=0, E[Z^2]=1).

        Examples
        --------
        >>> NonlinearSCM().do_mean(4.0)
        13.0
        """
        out = self.sales_intercept + self.effect * np.asarray(ads, dtype=float)
        out = out + self.sales_on_demand_sq
        return float(out) if np.ndim(out) == 0 else out

    def counterfactual_sales(
        self, data: pd.DataFrame, noise: pd.DataFrame, ads: float | np.ndarray
    ) -> np.ndarray:
        """Each unit's sales had its ads been ``ads``, with its own demand and noise."""
        return self.sales_mean(ads, data["demand"].to_numpy()) + noise["e_sales"].to_numpy()


# --------------------------------------------------------------------------------------------
# Estimators
# --------------------------------------------------------------------------------------------


def ols_effect(outcome: ArrayLike, treatment: ArrayLike, covariates: ArrayLike) -> float:
    """The coefficient of ``treatment`` in least squares of ``outcome`` on [1, treatment, X].

    With weak priors and this much data it is the Bayesian adjusted posterior mean up to Monte
    Carlo error (notebook 12, section 8), and it is fast enough to re-run hundreds of times.

    Examples
    --------
    >>> z = np.arange(10.0); t = z % 3; y = 2 * t + z
    >>> round(ols_effect(y, t, z), 10)
    2.0
    """
    y, t, x = validate.effect_data(outcome, treatment, covariates)
    design = np.column_stack([np.ones(len(y)), t, x])
    return float(np.linalg.lstsq(design, y, rcond=None)[0][1])


@dataclass(frozen=True)
class DMLResult:
    """A double-ML estimate: ``estimate``, its standard error ``se`` and the residuals."""

    estimate: float
    se: float
    outcome_resid: np.ndarray
    treatment_resid: np.ndarray


def dml_partialling_out(
    outcome: ArrayLike,
    treatment: ArrayLike,
    covariates: ArrayLike,
    *,
    model_outcome: Any,
    model_treatment: Any,
    n_folds: int = 5,
    rng: RngLike = None,
) -> DMLResult:
    r"""Double machine learning for a partially linear model, by cross-fitted partialling-out.

    Written out in notebook 12, section 9.

    For :math:`Y = \theta T + g(X) + \varepsilon`, :math:`T = m(X) + v`: split the rows into
    ``n_folds`` folds (a random permutation from ``rng``, cut with ``numpy.array_split``); for
    each fold fit copies of ``model_outcome`` (for :math:`\ell(X) = E[Y \mid X]`) and
    ``model_treatment`` (for :math:`m(X)`) on the other folds and predict the fold. With the
    out-of-fold residuals :math:`\tilde Y, \tilde T`,

    .. math::

        \hat\theta = \frac{\sum_i \tilde T_i \tilde Y_i}{\sum_i \tilde T_i^2}, \qquad
        \widehat{\text{se}} = \frac{\sqrt{\tfrac1n \sum_i \tilde T_i^2
        (\tilde Y_i - \hat\theta \tilde T_i)^2}}{\sqrt{n}\, \tfrac1n \sum_i \tilde T_i^2}.

    Parameters
    ----------
    outcome, treatment : array-like, 1-D
    covariates : array-like, 1-D or 2-D
    model_outcome, model_treatment : scikit-learn regressors
        Cloned (with :func:`sklearn.base.clone`) for every fold; fix their ``random_state``
        for a reproducible result.
    n_folds : int, default 5
        At least 2.
    rng : Generator, int or None
        Randomness of the fold split (keyword-only).

    Returns
    -------
    DMLResult

    References
    ----------
    Chernozhukov, V. et al. (2018). Double/debiased machine learning for treatment and
    structural parameters. The Econometrics Journal 21(1), C1-C68.

    Examples
    --------
    >>> from sklearn.linear_model import LinearRegression
    >>> g = np.random.default_rng(0); x = g.normal(size=500); t = x + g.normal(size=500)
    >>> y = 2 * t + 3 * x + g.normal(size=500)
    >>> fit = dml_partialling_out(y, t, x, model_outcome=LinearRegression(),
    ...                           model_treatment=LinearRegression(), rng=0)
    >>> abs(fit.estimate - 2) < 4 * fit.se
    True
    """
    from sklearn.base import clone

    y, t, x = validate.effect_data(outcome, treatment, covariates)
    n_folds = validate.integer(n_folds, "n_folds", minimum=2)
    if n_folds > len(y) // 2:
        raise ValueError(f"`n_folds` must be <= n / 2 = {len(y) // 2}; got {n_folds}")
    folds = np.array_split(make_rng(rng).permutation(len(y)), n_folds)
    y_resid, t_resid = np.empty_like(y), np.empty_like(t)
    for fold in folds:
        train = np.setdiff1d(np.arange(len(y)), fold)
        fit_y = clone(model_outcome).fit(x[train], y[train])
        fit_t = clone(model_treatment).fit(x[train], t[train])
        y_resid[fold] = y[fold] - fit_y.predict(x[fold])
        t_resid[fold] = t[fold] - fit_t.predict(x[fold])
    theta = float(t_resid @ y_resid / (t_resid @ t_resid))
    psi = t_resid * (y_resid - theta * t_resid)  # the score of each row
    jacobian = np.mean(t_resid**2)
    se = float(np.sqrt(np.mean(psi**2)) / jacobian / np.sqrt(len(y)))
    return DMLResult(theta, se, y_resid, t_resid)


# --------------------------------------------------------------------------------------------
# Refuters
# --------------------------------------------------------------------------------------------
