"""Structural reliability and variance-based sensitivity analysis. Introduced in notebook 08.

A corroding steel bracket (a cantilever flat bar) is the running example: its safety margin is
yield strength minus bending stress, with six uncertain inputs described as a SALib ``problem``
dictionary (SALib's own non-uniform distributions), so that the same description drives plain
Monte Carlo, FORM, importance sampling and Sobol' (Saltelli) sampling. The helpers here estimate
a failure probability with its standard error, find the FORM design point, run SALib's Sobol'
analysis with a seed that is never ignored, and turn SALib's results into tidy tables and bar
charts. The Ishigami function's analytic indices validate the Sobol' machinery.

References
----------
Ditlevsen, O. and Madsen, H. O. (1996). *Structural Reliability Methods*. Wiley.
Saltelli, A. et al. (2008). *Global Sensitivity Analysis: The Primer*. Wiley.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import optimize, stats

from helpers import _validate as validate
from helpers.montecarlo import ProbabilityEstimate, probability_estimate
from helpers.seeding import RngLike, make_rng

__all__ = [
    "BRACKET_UNITS",
    "FailureEstimate",
    "FormResult",
    "bending_stress",
    "bracket_margin",
    "bracket_problem",
    "failure_probability",
    "form",
    "importance_sampling",
    "inputs_from_quantiles",
    "ishigami_indices",
    "plot_sobol",
    "power_of_two",
    "run_sobol",
    "sample_inputs",
    "second_order_table",
    "sobol_table",
]

#: Units of the bracket's inputs, in the order of ``bracket_problem()["names"]``.
BRACKET_UNITS: dict[str, str] = {
    "load": "kN",
    "strength": "MPa",
    "length": "mm",
    "width": "mm",
    "height": "mm",
    "wear": "mm",
}


def bracket_problem() -> dict[str, Any]:
    """The bracket's six uncertain inputs as a SALib problem (a new dictionary on each call).

    ============  ========================================  ==============================
    name          distribution (SALib ``dists``/``bounds``)  meaning
    ============  ========================================  ==============================
    ``load``      lognormal, median 1.1 kN, log-sd 0.2       tip load, service-life maximum
    ``strength``  lognormal, median 300 MPa, log-sd 0.08     yield strength of the steel
    ``length``    normal(300, 1) mm                          lever arm
    ``width``     normal(40, 0.4) mm                         bar width
    ``height``    normal(20, 0.3) mm                         bar depth as rolled
    ``wear``      Weibull(shape 1.5, scale 1.8) mm           depth lost to corrosion
    ============  ========================================  ==============================

    SALib may add keys (such as ``groups``) to a problem it analyses, hence a fresh copy.

    Returns
    -------
    dict
        ``num_vars``, ``names``, ``dists`` and ``bounds`` as SALib expects them.

    Examples
    --------
    >>> bracket_problem()["names"]
    ['load', 'strength', 'length', 'width', 'height', 'wear']
    """
    return {
        "num_vars": 6,
        "names": ["load", "strength", "length", "width", "height", "wear"],
        "dists": ["lognorm", "lognorm", "norm", "norm", "norm", "weibull"],
        "bounds": [
            [float(np.log(1.1)), 0.2],
            [float(np.log(300.0)), 0.08],
            [300.0, 1.0],
            [40.0, 0.4],
            [20.0, 0.3],
            [1.5, 1.8],
        ],
    }


def _problem(problem: Any) -> int:
    if not isinstance(problem, dict):
        raise TypeError(f"`problem` must be a SALib problem dict; got {type(problem).__name__}")
    for key in ("num_vars", "names", "bounds"):
        if key not in problem:
            raise ValueError(f"`problem` must have the key {key!r}; got keys {sorted(problem)}")
    return int(problem["num_vars"])


def bending_stress(
    load: ArrayLike, length: ArrayLike, width: ArrayLike, height: ArrayLike, wear: ArrayLike = 0.0
) -> np.ndarray:
    """Maximum bending stress at the root of a rectangular cantilever, in MPa.

    Written out in notebook 08, section 1 (as ``stress``), and checked there against
    :func:`bracket_margin`, which calls this function.

    .. math:: \\sigma = \\frac{M}{W} = \\frac{6\\,P\\,L}{b\\,(h - w)^2}

    with the tip load :math:`P` (kN, converted to N), the lever arm :math:`L`, the width
    :math:`b`, the depth :math:`h` and the depth :math:`w` lost to wear, all in mm.

    Parameters
    ----------
    load : array-like
        Tip load in kN.
    length, width, height, wear : array-like
        In mm; broadcast together with ``load``.

    Returns
    -------
    numpy.ndarray
        The stress in MPa (N/mm^2); ``inf`` where wear has consumed the whole depth.

    Raises
    ------
    ValueError
        If a load, length, width or height is negative, or a wear depth is negative.

    Examples
    --------
    >>> float(bending_stress(1.0, 300.0, 40.0, 20.0))
    112.5
    """
    arrays = {
        name: validate.array(value, name, nonnegative=True)
        for name, value in (
            ("load", load),
            ("length", length),
            ("width", width),
            ("height", height),
            ("wear", wear),
        )
    }
    p, ell, b, h, w = np.broadcast_arrays(*arrays.values())
    depth = h - w
    moment = 1000.0 * p * ell  # N mm
    modulus = b * np.where(depth > 0, depth, 1.0) ** 2 / 6.0  # mm^3
    return np.where(depth > 0, moment / modulus, np.inf)


def bracket_margin(x: ArrayLike) -> np.ndarray:
    """Safety margin g = strength - stress (MPa) of the bracket; g < 0 means failure.

    The limit state is written out in notebook 08, section 1 (as ``margin``), and checked
    against this function on the notebook's Monte Carlo sample in section 3, before FORM,
    importance sampling and SALib reuse it.

    Parameters
    ----------
    x : array-like, shape (n, 6)
        Rows of inputs in the order of :func:`bracket_problem` (load, strength, length, width,
        height, wear).

    Returns
    -------
    numpy.ndarray, shape (n,)

    Raises
    ------
    ValueError
        If ``x`` does not have 6 columns.

    Examples
    --------
    >>> float(bracket_margin([[1.0, 300.0, 300.0, 40.0, 20.0, 0.0]])[0])
    187.5
    """
    arr = validate.array(x, "x", shape=(None, 6), finite=False)
    load, strength, length, width, height, wear = arr.T
    return strength - bending_stress(load, length, width, height, wear)


def inputs_from_quantiles(problem: dict[str, Any], q: ArrayLike) -> np.ndarray:
    """Map probability levels in (0, 1) to input values through each input's quantile function.

    This is SALib's own transformation (``SALib.util.scale_samples``), so values agree exactly
    with what SALib's samplers produce.

    Parameters
    ----------
    problem : dict
        A SALib problem.
    q : array-like, shape (n, num_vars)
        Probability levels strictly between 0 and 1.

    Returns
    -------
    numpy.ndarray, shape (n, num_vars)

    Raises
    ------
    ValueError
        If ``q`` has the wrong shape or a level outside (0, 1).

    Examples
    --------
    >>> inputs_from_quantiles(bracket_problem(), [[0.5] * 6])[0, 2]
    np.float64(300.0)
    """
    from SALib.util import scale_samples

    d = _problem(problem)
    levels = validate.array(q, "q", shape=(None, d))
    if np.any(levels <= 0) or np.any(levels >= 1):
        raise validate.fail_value(
            "q", "probability levels strictly between 0 and 1", "values outside"
        )
    return scale_samples(levels, problem)


def sample_inputs(problem: dict[str, Any], n: int, *, rng: RngLike = None) -> np.ndarray:
    """Draw ``n`` independent rows of inputs from a SALib problem's distributions.

    Parameters
    ----------
    problem : dict
    n : int
        Number of rows, >= 1.
    rng : Generator, int or None
        Normalised with :func:`helpers.make_rng`.

    Returns
    -------
    numpy.ndarray, shape (n, num_vars)

    Examples
    --------
    >>> sample_inputs(bracket_problem(), 4, rng=0).shape
    (4, 6)
    """
    d = _problem(problem)
    n = validate.integer(n, "n", minimum=1)
    levels = make_rng(rng).random((n, d))
    # a uniform draw of exactly 0 (probability 2**-53) would map to an infinite quantile
    levels = np.clip(levels, np.finfo(float).tiny, 1 - np.finfo(float).eps)
    return inputs_from_quantiles(problem, levels)


@dataclass(frozen=True)
class FailureEstimate(ProbabilityEstimate):
    """A failure probability estimated by simulation (:class:`helpers.montecarlo.ProbabilityEstimate`).

    Attributes
    ----------
    mean : float
        The estimate of P(g < 0), also available as ``pf``.
    se : float
        Its Monte Carlo standard error.
    n : int
        The number of model runs.
    """

    @property
    def pf(self) -> float:
        """The estimated failure probability (the same number as ``mean``)."""
        return self.mean

    @property
    def beta(self) -> float:
        """The reliability index, ``-Phi^{-1}(pf)`` (``inf`` when no failure was seen)."""
        return float(-stats.norm.ppf(self.pf)) if self.pf > 0 else float("inf")

    @property
    def cov(self) -> float:
        """The coefficient of variation ``se / pf`` (``inf`` when no failure was seen)."""
        return self.se / self.pf if self.pf > 0 else float("inf")


def failure_probability(margin: ArrayLike, *, weights: ArrayLike = None) -> FailureEstimate:
    """Estimate P(g < 0) from simulated margins, with its standard error.

    .. math:: \\hat p_f = \\frac1N \\sum_i w_i\\, 1[g_i < 0], \\qquad
        \\operatorname{se} = \\frac{\\operatorname{sd}(w_i\\, 1[g_i < 0])}{\\sqrt N}

    Plain Monte Carlo has all weights :math:`w_i = 1`, so that
    :math:`\\operatorname{se} \\approx \\sqrt{p_f (1 - p_f) / N}`; importance sampling passes
    the likelihood ratios of its draws.

    Parameters
    ----------
    margin : array-like, 1-D
        Values of the limit state g; failure is ``g < 0``.
    weights : array-like, optional
        Importance weights, one per margin, finite and >= 0.

    Returns
    -------
    FailureEstimate

    Raises
    ------
    ValueError
        If ``margin`` is not 1-D with at least 2 values or holds NaN, or ``weights`` does not
        match it or is negative or not finite.

    Examples
    --------
    >>> est = failure_probability([-1.0, 2.0, 3.0, 4.0])
    >>> est.pf, round(est.se, 3)
    (0.25, 0.25)
    """
    g = validate.array(margin, "margin", ndim=1, min_size=2, finite=False)
    est = probability_estimate(g < 0, weights=weights)
    return FailureEstimate(mean=est.mean, se=est.se, n=est.n)


@dataclass(frozen=True)
class FormResult:
    """The first-order reliability method's answer.

    Attributes
    ----------
    beta : float
        Distance from the origin to the design point in standard normal space.
    pf : float
        ``Phi(-beta)``, FORM's approximation of the failure probability.
    u_star : numpy.ndarray
        The design point (most probable failure point) in standard normal space.
    x_star : numpy.ndarray
        The design point in physical units.
    alpha : numpy.ndarray
        Unit vector towards the design point; ``alpha**2`` are FORM's importance factors.
    """

    beta: float
    pf: float
    u_star: np.ndarray
    x_star: np.ndarray
    alpha: np.ndarray


def form(
    limit_state: Callable[[np.ndarray], np.ndarray],
    problem: dict[str, Any],
    *,
    start: ArrayLike = None,
) -> FormResult:
    """First-order reliability method: the most probable failure point in standard normal space.

    Each input is written as :math:`x_i = F_i^{-1}(\\Phi(u_i))` with independent standard normal
    :math:`u_i`; FORM solves :math:`\\min \\lVert u \\rVert` subject to :math:`g(x(u)) = 0`
    (here with SciPy's SLSQP) and approximates :math:`p_f \\approx \\Phi(-\\beta)` with
    :math:`\\beta = \\lVert u^* \\rVert` (Hasofer and Lind, 1974).

    Parameters
    ----------
    limit_state : callable
        ``g(x)`` for ``x`` of shape (n, num_vars), returning shape (n,).
    problem : dict
        The SALib problem describing the inputs.
    start : array-like, optional
        Starting point in standard normal space (default: the origin nudged off it).

    Returns
    -------
    FormResult

    Raises
    ------
    ValueError
        If ``start`` has the wrong length, the origin already fails, or the search does not
        converge to a point on the limit state.

    Examples
    --------
    >>> res = form(lambda x: 3.0 - x[:, 0] - x[:, 1],
    ...            {"num_vars": 2, "names": ["a", "b"], "dists": ["norm", "norm"],
    ...             "bounds": [[0, 1], [0, 1]]})
    >>> round(res.beta, 4)  # exact: 3 / sqrt(2)
    2.1213
    """
    d = _problem(problem)
    validate.function(limit_state, "limit_state")
    u0 = np.full(d, 0.1) if start is None else validate.array(start, "start", shape=(d,))

    def g_u(u: np.ndarray) -> float:
        return float(limit_state(inputs_from_quantiles(problem, stats.norm.cdf(u)[None, :]))[0])

    if g_u(np.zeros(d)) <= 0:
        raise ValueError("the median point already fails (g <= 0): FORM needs a safe origin")
    result = optimize.minimize(
        lambda u: float(u @ u),
        u0,
        jac=lambda u: 2 * u,
        constraints=[{"type": "eq", "fun": g_u}],
        method="SLSQP",
        options={"maxiter": 500, "ftol": 1e-12},
    )
    u_star = np.asarray(result.x, dtype=float)
    scale = abs(g_u(np.zeros(d)))
    if not result.success or abs(g_u(u_star)) > 1e-6 * scale:
        raise ValueError(f"FORM did not converge to the limit state: {result.message}")
    beta = float(np.linalg.norm(u_star))
    return FormResult(
        beta=beta,
        pf=float(stats.norm.sf(beta)),
        u_star=u_star,
        x_star=inputs_from_quantiles(problem, stats.norm.cdf(u_star)[None, :])[0],
        alpha=u_star / beta,
    )


def importance_sampling(
    limit_state: Callable[[np.ndarray], np.ndarray],
    problem: dict[str, Any],
    center: ArrayLike,
    n: int,
    *,
    rng: RngLike = None,
) -> FailureEstimate:
    """Failure probability by importance sampling around a point in standard normal space.

    Draws :math:`u \\sim N(c, I)` (usually :math:`c = u^*`, the FORM design point), so about
    half of the draws fail, and weights each by the likelihood ratio
    :math:`\\varphi(u)/\\varphi(u - c) = \\exp(-c^\\top u + \\lVert c \\rVert^2 / 2)`. The
    estimate is unbiased whatever the centre; a good centre makes its standard error small.

    Parameters
    ----------
    limit_state : callable
        ``g(x)`` for ``x`` of shape (n, num_vars).
    problem : dict
    center : array-like, shape (num_vars,)
    n : int
        Number of model runs, >= 2.
    rng : Generator, int or None

    Returns
    -------
    FailureEstimate

    Raises
    ------
    ValueError
        If ``center`` has the wrong length or ``n < 2``.

    Examples
    --------
    >>> prob = {"num_vars": 1, "names": ["z"], "dists": ["norm"], "bounds": [[0, 1]]}
    >>> est = importance_sampling(lambda x: 3.0 - x[:, 0], prob, [3.0], 20_000, rng=0)
    >>> abs(est.pf - 0.0013499) < 3 * est.se
    True
    """
    d = _problem(problem)
    validate.function(limit_state, "limit_state")
    c = validate.array(center, "center", shape=(d,))
    n = validate.integer(n, "n", minimum=2)
    u = make_rng(rng).standard_normal((n, d)) + c
    log_ratio = -u @ c + 0.5 * c @ c
    x = inputs_from_quantiles(problem, np.clip(stats.norm.cdf(u), 1e-300, 1 - 1e-16))
    return failure_probability(limit_state(x), weights=np.exp(log_ratio))


def ishigami_indices(a: float = 7.0, b: float = 0.1) -> pd.DataFrame:
    """Analytic Sobol' indices of the Ishigami function on :math:`[-\\pi, \\pi]^3`.

    .. math:: f(x) = \\sin x_1 + a \\sin^2 x_2 + b\\, x_3^4 \\sin x_1

    Its variance splits as :math:`V_1 = \\tfrac12 (1 + b\\pi^4/5)^2`, :math:`V_2 = a^2/8`,
    :math:`V_{13} = 8 b^2 \\pi^8 / 225`, with all other terms zero (Ishigami and Homma, 1990).

    Parameters
    ----------
    a, b : float
        The function's constants (7 and 0.1 in the literature).

    Returns
    -------
    pandas.DataFrame
        Index ``x1, x2, x3``; columns ``S1`` and ``ST``; the one non-zero second-order index,
        :math:`S_{13}`, is in ``.attrs["S13"]``.

    Raises
    ------
    TypeError
        If ``a`` or ``b`` is not a real number.

    Examples
    --------
    >>> ishigami_indices().round(4)
            S1      ST
    x1  0.3139  0.5576
    x2  0.4424  0.4424
    x3  0.0000  0.2437
    """
    a, b = validate.real(a, "a"), validate.real(b, "b")
    pi = np.pi
    v1 = 0.5 * (1 + b * pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = 8 * b**2 * pi**8 / 225
    total = v1 + v2 + v13
    table = pd.DataFrame(
        {"S1": [v1 / total, v2 / total, 0.0], "ST": [(v1 + v13) / total, v2 / total, v13 / total]},
        index=["x1", "x2", "x3"],
    )
    table.attrs["S13"] = v13 / total
    return table


def power_of_two(n: int) -> int:
    """The largest power of two not above ``n`` (Sobol' sequences balance only at powers of 2).

    Raises
    ------
    ValueError
        If ``n < 1``.

    Examples
    --------
    >>> power_of_two(20_000), power_of_two(1024)
    (16384, 1024)
    """
    n = validate.integer(n, "n", minimum=1)
    return 1 << (n.bit_length() - 1)


def run_sobol(
    problem: dict[str, Any],
    model: Callable[[np.ndarray], np.ndarray],
    n: int,
    *,
    rng: RngLike = None,
    second_order: bool = True,
    num_resamples: int = 200,
) -> Any:
    """Saltelli sampling, model runs and Sobol' analysis with SALib, seeded end to end.

    SALib's ``analyze`` treats a seed of 0 as "no seed" (``if seed:``) and then falls back on
    NumPy's global random state; the seeds drawn here are therefore never 0.

    Parameters
    ----------
    problem : dict
        A SALib problem (a copy is analysed, so the caller's dict is not modified).
    model : callable
        Maps inputs of shape (m, num_vars) to outputs of shape (m,).
    n : int
        Base sample size, a power of two; the model runs ``n * (2 D + 2)`` times with
        second-order indices, ``n * (D + 2)`` without.
    rng : Generator, int or None
    second_order : bool, default True
    num_resamples : int, default 200
        Bootstrap resamples for the confidence intervals.

    Returns
    -------
    SALib.util.ResultDict
        ``S1``, ``S1_conf``, ``ST``, ``ST_conf`` (and ``S2``, ``S2_conf``), with ``n_runs``
        added.

    Raises
    ------
    ValueError
        If ``n`` is not a power of two.

    Examples
    --------
    >>> from SALib.test_functions import Ishigami
    >>> prob = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}
    >>> si = run_sobol(prob, Ishigami.evaluate, 1024, rng=1)
    >>> si["n_runs"], bool(abs(si["S1"][1] - 0.4424) < 0.05)
    (8192, True)
    """
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    _problem(problem)
    n = validate.integer(n, "n", minimum=2)
    validate.function(model, "model")
    num_resamples = validate.integer(num_resamples, "num_resamples", minimum=1)
    if n & (n - 1):
        raise ValueError(f"`n` must be a power of two; got {n} (try power_of_two(n))")
    generator = make_rng(rng)
    sample_seed, analyze_seed = (int(s) for s in generator.integers(1, 2**31 - 1, size=2))
    local = {key: value for key, value in problem.items() if key != "groups"}
    x = sobol_sample.sample(local, n, calc_second_order=second_order, seed=sample_seed)
    y = np.asarray(model(x), dtype=float)
    if y.shape != (x.shape[0],):
        raise ValueError(f"`model` must return shape ({x.shape[0]},); got {y.shape}")
    result = sobol_analyze.analyze(
        local,
        y,
        calc_second_order=second_order,
        num_resamples=num_resamples,
        seed=analyze_seed,
    )
    result["n_runs"] = int(x.shape[0])
    return result


def sobol_table(result: Any, problem: dict[str, Any]) -> pd.DataFrame:
    """SALib's first- and total-order indices as a tidy table, one row per input.

    Parameters
    ----------
    result : mapping
        What ``SALib.analyze.sobol.analyze`` (or :func:`run_sobol`) returns.
    problem : dict

    Returns
    -------
    pandas.DataFrame
        Index: input names; columns ``S1``, ``S1_conf``, ``ST``, ``ST_conf`` (the conf columns
        are half-widths of 95% bootstrap intervals) and ``interaction`` (``ST - S1``).

    Raises
    ------
    ValueError
        If ``result`` lacks a key or its length differs from the number of inputs.

    Examples
    --------
    >>> prob = {"num_vars": 2, "names": ["a", "b"], "bounds": [[0, 1], [0, 1]]}
    >>> res = {"S1": [0.6, 0.3], "S1_conf": [0.1, 0.1], "ST": [0.7, 0.4], "ST_conf": [0.1, 0.1]}
    >>> sobol_table(res, prob)["interaction"].round(2).tolist()
    [0.1, 0.1]
    """
    d = _problem(problem)
    columns = {}
    for key in ("S1", "S1_conf", "ST", "ST_conf"):
        if key not in result:
            raise ValueError(f"`result` must have the key {key!r} (from SALib's sobol.analyze)")
        values = np.asarray(result[key], dtype=float)
        if values.shape != (d,):
            raise ValueError(f"`result[{key!r}]` must have length {d}; got shape {values.shape}")
        columns[key] = values
    table = pd.DataFrame(columns, index=pd.Index(problem["names"], name="input"))
    table["interaction"] = table["ST"] - table["S1"]
    return table


def second_order_table(result: Any, problem: dict[str, Any]) -> pd.DataFrame:
    """SALib's second-order indices as a long table, one row per pair of inputs.

    Returns
    -------
    pandas.DataFrame
        Columns ``pair``, ``S2``, ``S2_conf``, sorted by ``S2`` (largest first).

    Raises
    ------
    ValueError
        If ``result`` has no ``S2`` (it was analysed without second-order indices).

    Examples
    --------
    >>> prob = {"num_vars": 2, "names": ["a", "b"], "bounds": [[0, 1], [0, 1]]}
    >>> res = {"S2": [[np.nan, 0.2], [np.nan, np.nan]], "S2_conf": [[np.nan, 0.05], [np.nan] * 2]}
    >>> second_order_table(res, prob)
        pair   S2  S2_conf
    0  a x b  0.2     0.05
    """
    d = _problem(problem)
    if "S2" not in result or "S2_conf" not in result:
        raise ValueError("`result` has no 'S2': analyse with calc_second_order=True")
    s2 = np.asarray(result["S2"], dtype=float)
    conf = np.asarray(result["S2_conf"], dtype=float)
    if s2.shape != (d, d):
        raise ValueError(f"`result['S2']` must have shape ({d}, {d}); got {s2.shape}")
    names = problem["names"]
    rows = [
        {"pair": f"{names[i]} x {names[j]}", "S2": s2[i, j], "S2_conf": conf[i, j]}
        for i in range(d)
        for j in range(i + 1, d)
    ]
    return pd.DataFrame(rows).sort_values("S2", ascending=False, ignore_index=True)


def plot_sobol(table: pd.DataFrame, *, ax: Any = None, title: str) -> Any:
    """Bar chart of first- and total-order indices with their 95% intervals.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`sobol_table`.
    ax : matplotlib.axes.Axes, optional
    title : str

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If ``table`` lacks the columns of :func:`sobol_table`.

    Examples
    --------
    >>> table = pd.DataFrame(
    ...     {"S1": [0.3, 0.4], "S1_conf": [0.05, 0.05], "ST": [0.5, 0.4], "ST_conf": [0.05, 0.05]},
    ...     index=pd.Index(["x1", "x2"], name="input"),
    ... )
    >>> len(plot_sobol(table, title="Sobol indices").patches)
    4
    """
    import matplotlib.pyplot as plt

    from helpers.style import label

    missing = {"S1", "S1_conf", "ST", "ST_conf"} - set(table.columns)
    if missing:
        raise ValueError(f"`table` must come from sobol_table; missing columns {sorted(missing)}")
    if ax is None:
        _, ax = plt.subplots()
    pos = np.arange(len(table))
    ax.bar(pos - 0.2, table["S1"], 0.4, yerr=table["S1_conf"], capsize=3, label="first order S1")
    ax.bar(pos + 0.2, table["ST"], 0.4, yerr=table["ST_conf"], capsize=3, label="total order ST")
    ax.set_xticks(pos, [str(name) for name in table.index])
    ax.axhline(0, color="black", lw=0.8)
    return label(
        ax, title=title, xlabel="uncertain input", ylabel="share of output variance", legend=True
    )
