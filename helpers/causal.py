"""Causal models: structural causal models that return their truth, DAGs, sensitivity sweeps.

Introduced in notebook 12.

Three kinds of tools live here:

- *Simulators* of small linear structural causal models (SCMs) for a marketing question (does ad
  exposure raise sales?). Each returns the data **and** the truth (the causal effect, the noise
  terms, the analytic interventional and observational means), so a notebook can check its
  estimates against it.
- *Graph reading* on a :class:`networkx.DiGraph`: backdoor paths, the backdoor criterion and the
  valid adjustment sets, and a DAG drawing with matplotlib only (no graphviz).
- *Sensitivity analysis* to an unmeasured confounder in the partial-R² parameterisation of
  Cinelli and Hazlett (2020): how far the effect moves as the confounder's strength grows, and the
  strength at which the conclusion flips.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from helpers import _validate as validate
from helpers.seeding import RngLike, make_rng

__all__ = [
    "MarketingSCM",
    "IVSimulation",
    "simulate_iv",
    "marketing_dag",
    "plot_dag",
    "backdoor_paths",
    "is_valid_adjustment",
    "adjustment_sets",
    "confounder_bias",
    "sensitivity_sweep",
    "flip_strength",
    "robustness_value",
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

    def simulate(
        self, n: int, *, rng: RngLike = None, hidden_strength: float = 0.0
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Draw ``n`` store-weeks; return the observed data and the noise terms.

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
        data : pandas.DataFrame
            Columns ``demand``, ``ads``, ``visits``, ``sales``.
        noise : pandas.DataFrame
            The exogenous terms ``e_demand``, ``e_ads``, ``e_visits``, ``e_sales``, ``hidden``:
            the truth a counterfactual is checked against.

        Raises
        ------
        ValueError
            If ``n`` is not a positive integer.

        Examples
        --------
        >>> data, noise = MarketingSCM().simulate(5, rng=0)
        >>> list(data.columns)
        ['demand', 'ads', 'visits', 'sales']
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
        return data, noise

    def counterfactual_sales(
        self, data: pd.DataFrame, noise: pd.DataFrame, ads: float
    ) -> np.ndarray:
        """The true sales each unit would have had, had its ads been ``ads`` (same noise).

        Examples
        --------
        >>> scm = MarketingSCM()
        >>> data, noise = scm.simulate(3, rng=1)
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


@dataclass(frozen=True)
class IVSimulation:
    """Simulated instrument data and the truth behind it.

    Attributes
    ----------
    data : pandas.DataFrame
        Columns ``region`` (0/1), ``ads`` and ``sales``.
    hidden : numpy.ndarray
        The unmeasured confounder (brand affinity) of each store.
    effect : float
        The true causal effect of ads on sales.
    strength : float
        How much region 1 raises ad exposure (the first stage).
    direct : float
        The direct effect of region on sales (0 when the exclusion restriction holds).
    """

    data: pd.DataFrame
    hidden: np.ndarray
    effect: float
    strength: float
    direct: float

    @property
    def iv_limit(self) -> float:
        """What the IV estimate converges to: ``effect + direct / strength``."""
        return self.effect + self.direct / self.strength


def simulate_iv(
    n: int,
    *,
    effect: float = 0.5,
    strength: float = 2.0,
    confounding: float = 1.0,
    direct: float = 0.0,
    rng: RngLike = None,
) -> IVSimulation:
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
    IVSimulation

    Raises
    ------
    ValueError
        If ``n`` < 2 or ``strength`` is 0.

    Examples
    --------
    >>> sim = simulate_iv(200, strength=1.0, direct=0.5, rng=0)
    >>> sim.iv_limit
    1.0
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
    return IVSimulation(data, hidden, effect, strength, direct)


# --------------------------------------------------------------------------------------------
# DAGs
# --------------------------------------------------------------------------------------------

_POSITIONS = {
    "region": (-1.0, 0.0),
    "demand": (1.5, 1.2),
    "ads": (0.0, 0.0),
    "visits": (1.5, -0.9),
    "sales": (3.0, 0.0),
    "press": (1.5, -2.0),
}


def marketing_dag() -> Any:
    """The course's marketing DAG, with drawing positions stored on the nodes.

    ``demand`` confounds ``ads`` and ``sales``; ``visits`` mediates; ``press`` (stores featured
    in the trade press) is a collider of ads and sales; ``region`` moves only ads (an instrument).

    Returns
    -------
    networkx.DiGraph

    Examples
    --------
    >>> sorted(marketing_dag().predecessors("sales"))
    ['ads', 'demand', 'visits']
    """
    import networkx as nx

    dag = nx.DiGraph()
    dag.add_edges_from(
        [
            ("region", "ads"),
            ("demand", "ads"),
            ("demand", "sales"),
            ("ads", "visits"),
            ("visits", "sales"),
            ("ads", "sales"),
            ("ads", "press"),
            ("sales", "press"),
        ]
    )
    for node, pos in _POSITIONS.items():
        dag.nodes[node]["pos"] = pos
    return dag


def _check_dag(dag: Any, nodes: dict[str, Any]) -> None:
    import networkx as nx

    if not isinstance(dag, nx.DiGraph):
        raise TypeError(f"`dag` must be a networkx.DiGraph; got {type(dag).__name__}")
    if not nx.is_directed_acyclic_graph(dag):
        raise ValueError("`dag` must be acyclic; it has a directed cycle")
    for name, node in nodes.items():
        if node not in dag:
            raise ValueError(f"`{name}` must be a node of `dag`; got {node!r}")


def plot_dag(
    dag: Any,
    *,
    ax: Any = None,
    highlight: Iterable[tuple[str, str]] = (),
    hidden: Iterable[str] = (),
    title: str = "Causal DAG",
) -> Any:
    """Draw a DAG with networkx and matplotlib (no graphviz).

    Parameters
    ----------
    dag : networkx.DiGraph
        Node positions are read from the node attribute ``pos``; a layered layout is used for
        nodes without one.
    ax : matplotlib.axes.Axes, optional
    highlight : iterable of (u, v)
        Edges drawn thick, in the course palette's orange-red (C3): a backdoor path, say.
    hidden : iterable of str
        Unobserved nodes, drawn dashed and grey.
    title : str

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    TypeError, ValueError
        If ``dag`` is not an acyclic DiGraph, or a highlighted edge is not in it.

    Examples
    --------
    >>> ax = plot_dag(marketing_dag(), highlight=[("demand", "ads")])
    >>> ax.get_title()
    'Causal DAG'
    """
    import matplotlib.pyplot as plt
    import networkx as nx

    _check_dag(dag, {})
    highlight, hidden = list(highlight), set(hidden)
    for edge in highlight:
        if not dag.has_edge(*edge):
            raise ValueError(f"`highlight` edge {edge!r} is not an edge of `dag`")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    pos = {n: dag.nodes[n].get("pos") for n in dag}
    if any(p is None for p in pos.values()):
        for layer, nodes in enumerate(nx.topological_generations(dag)):
            for i, node in enumerate(sorted(nodes)):
                pos[node] = pos[node] or (float(layer), float(-i))
    plain = [e for e in dag.edges if e not in set(highlight)]
    observed = [n for n in dag if n not in hidden]
    nx.draw_networkx_nodes(dag, pos, nodelist=observed, node_color="#dbe9f6", node_size=2200, ax=ax)
    if hidden:
        nx.draw_networkx_nodes(
            dag, pos, nodelist=sorted(hidden), node_color="#eeeeee", node_size=2200,
            edgecolors="grey", linewidths=1.5, ax=ax,
        )  # fmt: skip
    nx.draw_networkx_labels(dag, pos, font_size=10, ax=ax)
    common = {"arrows": True, "arrowsize": 18, "node_size": 2200, "ax": ax}
    nx.draw_networkx_edges(dag, pos, edgelist=plain, width=1.5, edge_color="0.35", **common)
    if highlight:
        nx.draw_networkx_edges(dag, pos, edgelist=highlight, width=3.5, edge_color="C3", **common)
    ax.set_title(title)
    ax.set_xlabel("arrows point from cause to effect")
    ax.set_ylabel("")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.margins(0.15)
    return ax


def backdoor_paths(dag: Any, treatment: str, outcome: str) -> list[list[str]]:
    """Every path from ``treatment`` to ``outcome`` that starts with an arrow *into* the treatment.

    Written out in notebook 12, section 1.

    Paths ignore edge direction (they may run against arrows) but never repeat a node.

    Parameters
    ----------
    dag : networkx.DiGraph
    treatment, outcome : str
        Nodes of ``dag``.

    Returns
    -------
    list of list of str
        Each path as its sequence of nodes, sorted.

    Raises
    ------
    TypeError, ValueError
        If ``dag`` is not an acyclic DiGraph or a node is missing.

    Examples
    --------
    >>> backdoor_paths(marketing_dag(), "ads", "sales")
    [['ads', 'demand', 'sales']]
    """
    import networkx as nx

    _check_dag(dag, {"treatment": treatment, "outcome": outcome})
    skeleton = dag.to_undirected()
    paths = [
        path
        for path in nx.all_simple_paths(skeleton, treatment, outcome)
        if dag.has_edge(path[1], treatment)
    ]
    return sorted(paths)


def is_valid_adjustment(dag: Any, treatment: str, outcome: str, adjust: Iterable[str]) -> bool:
    """Pearl's backdoor criterion: does adjusting for ``adjust`` identify the causal effect?

    Written out in notebook 12, section 1.

    The set must contain no descendant of the treatment and must block every backdoor path,
    i.e. d-separate treatment and outcome once the treatment's outgoing arrows are removed.

    Raises
    ------
    TypeError, ValueError
        If ``dag`` is not an acyclic DiGraph or a node is missing (including in ``adjust``).

    Examples
    --------
    >>> dag = marketing_dag()
    >>> is_valid_adjustment(dag, "ads", "sales", {"demand"})
    True
    >>> is_valid_adjustment(dag, "ads", "sales", {"demand", "visits"})
    False
    """
    import networkx as nx

    adjust = set(adjust)
    _check_dag(dag, {"treatment": treatment, "outcome": outcome})
    for node in adjust:
        _check_dag(dag, {"adjust": node})
    if {treatment, outcome} & adjust:
        raise ValueError("`adjust` must not contain the treatment or the outcome")
    if adjust & nx.descendants(dag, treatment):
        return False
    cut = dag.copy()
    cut.remove_edges_from(list(dag.out_edges(treatment)))
    return bool(nx.is_d_separator(cut, {treatment}, {outcome}, adjust))


def adjustment_sets(
    dag: Any, treatment: str, outcome: str, *, observed: Iterable[str] | None = None
) -> list[frozenset[str]]:
    """All valid backdoor adjustment sets made of observed nodes (exhaustive; small DAGs).

    Parameters
    ----------
    dag : networkx.DiGraph
    treatment, outcome : str
    observed : iterable of str, optional
        Nodes that are measured; by default every node.

    Returns
    -------
    list of frozenset
        Sorted by size, then alphabetically. Empty when no observed set works.

    Raises
    ------
    TypeError, ValueError
        As :func:`is_valid_adjustment`; also if the DAG has more than 16 candidate nodes.

    Examples
    --------
    >>> [sorted(s) for s in adjustment_sets(marketing_dag(), "ads", "sales")]
    [['demand'], ['demand', 'region']]
    >>> adjustment_sets(marketing_dag(), "ads", "sales", observed=["region", "visits"])
    []
    """
    _check_dag(dag, {"treatment": treatment, "outcome": outcome})
    pool = set(dag) if observed is None else set(observed)
    for node in pool:
        _check_dag(dag, {"observed": node})
    candidates = sorted(pool - {treatment, outcome})
    if len(candidates) > 16:
        raise ValueError(f"`dag` has {len(candidates)} candidate nodes; at most 16 are supported")
    found = [
        frozenset(subset)
        for size in range(len(candidates) + 1)
        for subset in itertools.combinations(candidates, size)
        if is_valid_adjustment(dag, treatment, outcome, subset)
    ]
    return sorted(found, key=lambda s: (len(s), sorted(s)))


# --------------------------------------------------------------------------------------------
# Sensitivity to an unmeasured confounder (Cinelli & Hazlett 2020)
# --------------------------------------------------------------------------------------------


def _r2(value: Any, name: str) -> np.ndarray:
    arr = validate.array(value, name, nonnegative=True)
    if np.any(arr >= 1):
        raise validate.fail_value(name, "a partial R^2 in [0, 1)", value)
    return arr


def confounder_bias(
    r2_outcome: float | np.ndarray,
    r2_treatment: float | np.ndarray,
    *,
    sd_outcome_resid: float,
    sd_treatment_resid: float,
) -> float | np.ndarray:
    r"""The bias an unmeasured confounder of a given strength puts into a regression effect.

    Written out in notebook 12, section 6.

    .. math::

        |\text{bias}| = \sqrt{\frac{R^2_{Y \sim U | X, Z}\, R^2_{X \sim U | Z}}
                                  {1 - R^2_{X \sim U | Z}}}
                        \;\frac{\text{sd}(Y^{\perp X, Z})}{\text{sd}(X^{\perp Z})}

    where :math:`R^2_{Y \sim U | X, Z}` is the share of the outcome's residual variance the
    confounder :math:`U` explains, :math:`R^2_{X \sim U | Z}` the share of the treatment's
    residual variance it explains, and the sd's are those of the residuals of the outcome
    regression and of the treatment regressed on the adjustment set.

    Parameters
    ----------
    r2_outcome, r2_treatment : float or array
        Partial R² values in [0, 1) (broadcast together).
    sd_outcome_resid, sd_treatment_resid : float
        Residual standard deviations, > 0 (keyword-only).

    Returns
    -------
    float or numpy.ndarray
        The absolute bias, in the effect's units.

    Raises
    ------
    ValueError
        If an R² is outside [0, 1) or an sd is not positive.

    References
    ----------
    Cinelli, C. and Hazlett, C. (2020). Making sense of sensitivity: extending omitted variable
    bias. JRSS B 82(1), 39-67.

    Examples
    --------
    >>> confounder_bias(0.0, 0.3, sd_outcome_resid=1.0, sd_treatment_resid=1.0)
    0.0
    >>> round(confounder_bias(0.5, 0.5, sd_outcome_resid=2.0, sd_treatment_resid=1.0), 4)
    1.4142
    """
    ry, rx = _r2(r2_outcome, "r2_outcome"), _r2(r2_treatment, "r2_treatment")
    sy = validate.real(sd_outcome_resid, "sd_outcome_resid", positive=True)
    sx = validate.real(sd_treatment_resid, "sd_treatment_resid", positive=True)
    out = np.sqrt(ry * rx / (1 - rx)) * sy / sx
    return float(out) if out.ndim == 0 else out


def sensitivity_sweep(
    effect_draws: Sequence[float] | np.ndarray,
    strengths: Sequence[float] | np.ndarray,
    *,
    sd_outcome_resid: float,
    sd_treatment_resid: float,
    ci_prob: float = 0.95,
) -> pd.DataFrame:
    """Posterior of the effect corrected for a hidden confounder of growing strength.

    The confounder is assumed to push the estimate *up* (the worrying direction for a positive
    effect) and to explain the same share ``strength`` of the treatment's and the outcome's
    residual variance. Each posterior draw is shifted down by :func:`confounder_bias`.

    Parameters
    ----------
    effect_draws : array-like
        Posterior draws of the effect (1-D, at least 2).
    strengths : array-like
        Partial R² values in [0, 1).
    sd_outcome_resid, sd_treatment_resid : float
        As in :func:`confounder_bias`.
    ci_prob : float, default 0.95
        Mass of the central interval.

    Returns
    -------
    pandas.DataFrame
        Columns ``strength``, ``bias``, ``mean``, ``low``, ``high``.

    Raises
    ------
    ValueError
        If the draws are not 1-D with at least 2 finite values, a strength is outside [0, 1),
        or ``ci_prob`` is not in (0, 1).

    Examples
    --------
    >>> table = sensitivity_sweep([0.9, 1.0, 1.1], [0.0, 0.2], sd_outcome_resid=1.0,
    ...                           sd_treatment_resid=1.0)
    >>> table["mean"].round(3).tolist()
    [1.0, 0.776]
    """
    draws = validate.array(effect_draws, "effect_draws", ndim=1, min_size=2)
    strengths = np.atleast_1d(_r2(strengths, "strengths"))
    ci_prob = validate.ci_prob(ci_prob)
    bias = np.atleast_1d(
        confounder_bias(
            strengths,
            strengths,
            sd_outcome_resid=sd_outcome_resid,
            sd_treatment_resid=sd_treatment_resid,
        )
    )
    tail = (1 - ci_prob) / 2
    low, high = np.quantile(draws, [tail, 1 - tail])
    return pd.DataFrame(
        {
            "strength": strengths,
            "bias": bias,
            "mean": draws.mean() - bias,
            "low": low - bias,
            "high": high - bias,
        }
    )


def flip_strength(
    effect_draws: Sequence[float] | np.ndarray,
    *,
    sd_outcome_resid: float,
    sd_treatment_resid: float,
    column: str = "low",
    ci_prob: float = 0.95,
    tol: float = 1e-10,
) -> float:
    """The smallest confounder strength at which the corrected ``column`` reaches zero.

    Found by bisection on :func:`sensitivity_sweep`. With ``column="mean"`` the estimate itself
    vanishes; with ``column="low"`` (default) the interval starts to include zero, so "ads raise
    sales" is no longer a credible conclusion.

    Returns
    -------
    float
        A partial R² in [0, 1); 0 when the column is already <= 0.

    Raises
    ------
    ValueError
        If ``column`` is not "mean" or "low", or the inputs are invalid (see
        :func:`sensitivity_sweep`).

    Examples
    --------
    >>> r = flip_strength([0.9, 1.0, 1.1], sd_outcome_resid=1.0, sd_treatment_resid=1.0,
    ...                   column="mean")
    >>> round(r, 6) == round(robustness_value(1.0, sd_outcome_resid=1.0, sd_treatment_resid=1.0), 6)
    True
    """
    validate.one_of(column, "column", ("mean", "low"))
    tol = validate.real(tol, "tol", positive=True)
    kwargs = {
        "sd_outcome_resid": sd_outcome_resid,
        "sd_treatment_resid": sd_treatment_resid,
        "ci_prob": ci_prob,
    }

    def value(r: float) -> float:
        return float(sensitivity_sweep(effect_draws, [r], **kwargs)[column].iloc[0])

    if value(0.0) <= 0:
        return 0.0
    lo, hi = 0.0, 1.0 - 1e-15
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if value(mid) > 0 else (lo, mid)
    return 0.5 * (lo + hi)


def robustness_value(
    estimate: float, *, sd_outcome_resid: float, sd_treatment_resid: float
) -> float:
    r"""Closed form of the equal-strength partial R² that brings ``estimate`` to zero.

    With :math:`f = |\hat\beta|\,\text{sd}(X^{\perp Z}) / \text{sd}(Y^{\perp X,Z})`, the bias
    formula of :func:`confounder_bias` at equal strengths :math:`r` equals :math:`|\hat\beta|`
    when :math:`r^2 + f^2 r - f^2 = 0`, so :math:`r = \tfrac12(\sqrt{f^4 + 4f^2} - f^2)`
    (Cinelli and Hazlett's robustness value).

    Raises
    ------
    TypeError, ValueError
        If an argument is not a finite number or an sd is not positive.

    Examples
    --------
    >>> round(robustness_value(1.0, sd_outcome_resid=1.0, sd_treatment_resid=1.0), 4)
    0.618
    """
    estimate = validate.real(estimate, "estimate")
    sy = validate.real(sd_outcome_resid, "sd_outcome_resid", positive=True)
    sx = validate.real(sd_treatment_resid, "sd_treatment_resid", positive=True)
    f2 = (abs(estimate) * sx / sy) ** 2
    return 0.5 * (math.sqrt(f2 * f2 + 4 * f2) - f2)
