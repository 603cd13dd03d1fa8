"""Small failure probabilities without brute force: FORM and importance sampling.

Introduced in notebook 08.

The first-order reliability method (FORM) finds the design point, the most likely failure in
standard-normal space, and approximates the failure probability from its distance to the
origin; importance sampling centred on that point turns the approximation into an unbiased
estimate with a standard error. Both take a limit state and a SALib ``problem`` as
:mod:`helpers.reliability` describes them.

References
----------
Ditlevsen, O. and Madsen, H. O. (1996). *Structural Reliability Methods*. Wiley.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import optimize, stats

from helpers import _validate as validate
from helpers.reliability import FailureEstimate, failure_probability, inputs_from_quantiles
from helpers.seeding import RngLike, make_rng

__all__ = [
    "FormResult",
    "form",
    "importance_sampling",
]


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
    d = validate.salib_problem(problem, "problem")
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
    n_draws: int,
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
    n_draws : int
        Number of model runs, >= 2.
    rng : Generator, int or None

    Returns
    -------
    FailureEstimate

    Raises
    ------
    ValueError
        If ``center`` has the wrong length or ``n_draws < 2``.

    Examples
    --------
    >>> prob = {"num_vars": 1, "names": ["z"], "dists": ["norm"], "bounds": [[0, 1]]}
    >>> est = importance_sampling(lambda x: 3.0 - x[:, 0], prob, [3.0], 20_000, rng=0)
    >>> abs(est.pf - 0.0013499) < 3 * est.se
    True
    """
    d = validate.salib_problem(problem, "problem")
    validate.function(limit_state, "limit_state")
    c = validate.array(center, "center", shape=(d,))
    n_draws = validate.integer(n_draws, "n_draws", minimum=2)
    u = make_rng(rng).standard_normal((n_draws, d)) + c
    log_ratio = -u @ c + 0.5 * c @ c
    x = inputs_from_quantiles(problem, np.clip(stats.norm.cdf(u), 1e-300, 1 - 1e-16))
    return failure_probability(limit_state(x), weights=np.exp(log_ratio))
