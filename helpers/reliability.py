"""Structural reliability: a limit state, its uncertain inputs, and plain Monte Carlo.

Introduced in notebook 08.

A corroding steel bracket (a cantilever flat bar) is the running example: its safety margin is
yield strength minus bending stress, with six uncertain inputs described as a SALib ``problem``
dictionary (SALib's own non-uniform distributions), so that the same description drives plain
Monte Carlo, FORM, importance sampling and Sobol' (Saltelli) sampling. The helpers here describe
the problem and estimate a failure probability with its standard error; FORM and importance
sampling live in :mod:`helpers.rare_events`, the Sobol' analysis in :mod:`helpers.sensitivity`.

References
----------
Ditlevsen, O. and Madsen, H. O. (1996). *Structural Reliability Methods*. Wiley.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from helpers import _validate as validate
from helpers.montecarlo import ProbabilityEstimate, probability_estimate
from helpers.seeding import RngLike, make_rng

__all__ = [
    "BRACKET_UNITS",
    "FailureEstimate",
    "bending_stress",
    "bracket_margin",
    "bracket_problem",
    "failure_probability",
    "inputs_from_quantiles",
    "sample_inputs",
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

    d = validate.salib_problem(problem, "problem")
    levels = validate.array(q, "q", shape=(None, d))
    if np.any(levels <= 0) or np.any(levels >= 1):
        raise validate.fail_value(
            "q", "probability levels strictly between 0 and 1", "values outside"
        )
    return scale_samples(levels, problem)


def sample_inputs(problem: dict[str, Any], n_draws: int, *, rng: RngLike = None) -> np.ndarray:
    """Draw ``n_draws`` independent rows of inputs from a SALib problem's distributions.

    Parameters
    ----------
    problem : dict
    n_draws : int
        Number of rows, >= 1.
    rng : Generator, int or None
        Normalised with :func:`helpers.make_rng`.

    Returns
    -------
    numpy.ndarray, shape (n_draws, num_vars)

    Examples
    --------
    >>> sample_inputs(bracket_problem(), 4, rng=0).shape
    (4, 6)
    """
    d = validate.salib_problem(problem, "problem")
    n_draws = validate.integer(n_draws, "n_draws", minimum=1)
    levels = make_rng(rng).random((n_draws, d))
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
    n_draws : int
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
    return FailureEstimate(mean=est.mean, se=est.se, n_draws=est.n_draws)
