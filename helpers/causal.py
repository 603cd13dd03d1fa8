"""Structural causal models: a simulated marketing question that returns its truth.

Introduced in notebook 12.

A small linear structural causal model (SCM) for a marketing question (does ad exposure raise
sales?). It returns the data **and** the truth (the causal effect, the noise terms, the analytic
interventional and observational means), so a notebook can check its estimates against it.

Reading the graph (backdoor paths, adjustment sets, the DAG drawing) lives in
:mod:`helpers.causal_graphs`; the estimators in :mod:`helpers.causal_estimators` and
:mod:`helpers.instruments`; refuters and sensitivity analysis in :mod:`helpers.causal_refutation`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from helpers import _validate as validate
from helpers.seeding import RngLike, make_rng
from helpers.simulation import Simulation, Truth

__all__ = [
    "MarketingSCM",
]


# --------------------------------------------------------------------------------------------
# A structural causal model for ads -> sales, confounded by demand
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MarketingSCM:
    r"""A linear-Gaussian SCM: market demand confounds ad exposure and sales.

    .. math::

        Z &= \varepsilon_Z, &\varepsilon_Z &\sim N(0, 1) \\
        X &= a_X + \alpha Z + \varepsilon_X, &\varepsilon_X &\sim N(0, \sigma_X) \\
        M &= a_M + \mu X + \varepsilon_M, &\varepsilon_M &\sim N(0, \sigma_M) \\
        Y &= a_Y + \delta X + \lambda M + \gamma Z + \varepsilon_Y,
            &\varepsilon_Y &\sim N(0, \sigma_Y)

    with :math:`Z` demand (standardised index), :math:`X` ad exposure (thousand impressions per
    store-week), :math:`M` site visits (thousands, a mediator) and :math:`Y` sales (thousand $).
    The total causal effect of ads on sales is :math:`\delta + \lambda\mu`.

    Parameters
    ----------
    ads_intercept, ads_on_demand, ads_sd : float
        :math:`a_X`, :math:`\alpha`, :math:`\sigma_X` (``ads_sd`` > 0).
    visits_intercept, visits_on_ads, visits_sd : float
        :math:`a_M`, :math:`\mu`, :math:`\sigma_M` (``visits_sd`` > 0).
    sales_intercept, direct_effect, sales_on_visits, sales_on_demand, sales_sd : float
        :math:`a_Y`, :math:`\delta`, :math:`\lambda`, :math:`\gamma`, :math:`\sigma_Y`.

    Examples
    --------
    >>> scm = MarketingSCM()
    >>> round(scm.total_effect, 3)
    0.5
    >>> round(scm.do_mean(4.0) - scm.do_mean(3.0), 3)
    0.5
    """

    ads_intercept: float = 5.0
    ads_on_demand: float = 1.0
    ads_sd: float = 0.8
    visits_intercept: float = 1.0
    visits_on_ads: float = 0.8
    visits_sd: float = 0.5
    sales_intercept: float = 10.0
    direct_effect: float = 0.1
    sales_on_visits: float = 0.5
    sales_on_demand: float = 2.0
    sales_sd: float = 1.0

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            validate.real(value, name, positive=name.endswith("_sd"))

    @property
    def total_effect(self) -> float:
        """The causal effect of one more unit of ads on sales, through every path."""
        return self.direct_effect + self.sales_on_visits * self.visits_on_ads

    @property
    def naive_slope(self) -> float:
        """The slope of sales on ads alone that an unadjusted regression converges to."""
        var_x = self.ads_on_demand**2 + self.ads_sd**2
        return self.total_effect + self.sales_on_demand * self.ads_on_demand / var_x

    def do_mean(self, ads: float | np.ndarray) -> float | np.ndarray:
        """:math:`E[Y \\mid do(X = x)]`: the mean sales when ads are *set* to ``ads``."""
        ads = np.asarray(ads, dtype=float)
        out = (
            self.sales_intercept
            + self.sales_on_visits * self.visits_intercept
            + self.total_effect * ads
        )
        return float(out) if out.ndim == 0 else out

    def observational_mean(self, ads: float | np.ndarray) -> float | np.ndarray:
        """:math:`E[Y \\mid X = x]`: the mean sales among stores that *happen* to get ``ads``."""
        ads = np.asarray(ads, dtype=float)
        var_x = self.ads_on_demand**2 + self.ads_sd**2
        demand_given_ads = self.ads_on_demand * (ads - self.ads_intercept) / var_x
        out = self.do_mean(ads) + self.sales_on_demand * demand_given_ads
        return float(out) if np.ndim(out) == 0 else out

    def simulate(self, n: int, *, rng: RngLike = None, hidden_strength: float = 0.0) -> Simulation:
        """Draw ``n`` store-weeks; return the observed data and, as truth, the noise terms.

        Its structural equations are written out in notebook 12, section 2.

        Parameters
        ----------
        n : int
            Number of store-weeks, >= 1.
        rng : Generator, int or None
            Randomness (keyword-only).
        hidden_strength : float, default 0
            Coefficient of an extra, *unmeasured* standard-Normal confounder ``hidden`` in both
            the ads and the sales equation (returned with the noise, not with the data).

        Returns
        -------
        Simulation
            ``data``: columns ``demand``, ``ads``, ``visits``, ``sales``. ``truth``:

            - ``noise`` (pandas.DataFrame): the exogenous terms ``e_demand``, ``e_ads``,
              ``e_visits``, ``e_sales`` and ``hidden``, the truth a counterfactual is checked
              against (:meth:`counterfactual_sales`);
            - ``total_effect`` (float): the causal effect of one more unit of ads on sales;
            - ``hidden_strength`` (float): as passed.

        Raises
        ------
        ValueError
            If ``n`` is not a positive integer.

        Examples
        --------
        >>> sim = MarketingSCM().simulate(5, rng=0)
        >>> list(sim.data.columns)
        ['demand', 'ads', 'visits', 'sales']
        >>> round(sim.truth.total_effect, 3)
        0.5
        """
        n = validate.integer(n, "n", minimum=1)
        hidden_strength = validate.real(hidden_strength, "hidden_strength")
        rng = make_rng(rng)
        e = rng.standard_normal((5, n))
        noise = pd.DataFrame(
            {
                "e_demand": e[0],
                "e_ads": self.ads_sd * e[1],
                "e_visits": self.visits_sd * e[2],
                "e_sales": self.sales_sd * e[3],
                "hidden": e[4],
            }
        )
        demand = noise["e_demand"].to_numpy()
        hidden = hidden_strength * noise["hidden"].to_numpy()
        ads = self.ads_intercept + self.ads_on_demand * demand + noise["e_ads"].to_numpy() + hidden
        visits = self.visits_intercept + self.visits_on_ads * ads + noise["e_visits"].to_numpy()
        sales = (
            self.sales_intercept
            + self.direct_effect * ads
            + self.sales_on_visits * visits
            + self.sales_on_demand * demand
            + noise["e_sales"].to_numpy()
            + hidden
        )
        data = pd.DataFrame({"demand": demand, "ads": ads, "visits": visits, "sales": sales})
        truth = Truth(noise=noise, total_effect=self.total_effect, hidden_strength=hidden_strength)
        return Simulation(data, truth)

    def counterfactual_sales(
        self, data: pd.DataFrame, noise: pd.DataFrame, ads: float
    ) -> np.ndarray:
        """The true sales each unit would have had, had its ads been ``ads`` (same noise).

        Examples
        --------
        >>> scm = MarketingSCM()
        >>> sim = scm.simulate(3, rng=1)
        >>> data, noise = sim.data, sim.truth.noise
        >>> bool(np.allclose(scm.counterfactual_sales(data, noise, 2.0),
        ...                  data["sales"] + scm.total_effect * (2.0 - data["ads"])))
        True
        """
        ads = validate.real(ads, "ads")
        visits = self.visits_intercept + self.visits_on_ads * ads + noise["e_visits"].to_numpy()
        return (
            self.sales_intercept
            + self.direct_effect * ads
            + self.sales_on_visits * visits
            + self.sales_on_demand * data["demand"].to_numpy()
            + noise["e_sales"].to_numpy()
        )


# --------------------------------------------------------------------------------------------
# Instrumental variables: region shifts ad exposure, hidden affinity confounds
# --------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------
# DAGs
# --------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------
# Sensitivity to an unmeasured confounder (Cinelli & Hazlett 2020)
# --------------------------------------------------------------------------------------------
