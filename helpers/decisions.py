"""Decisions from Beta posteriors, exactly: P(greater), P(best) and expected loss.

Every variant ``k`` of an A/B(/n) test has a click rate ``theta_k`` with a Beta posterior
(:func:`helpers.probability.beta_posterior`, :func:`helpers.ab.posteriors`). This module answers
the decision questions a product team asks of those posteriors exactly, by one-dimensional
quadrature (no sampling):

* :func:`prob_greater` -- P(theta_1 > theta_2);
* :func:`prob_best` -- P(variant k has the highest rate), for two or more variants;
* :func:`expected_loss` -- E[max_j theta_j - theta_k], the rate given up by shipping k.

Introduced in notebook 02. Notebook 05 reuses it for tests run across user segments.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import integrate, special

from helpers import _validate as validate

__all__ = [
    "prob_greater",
    "prob_best",
    "expected_loss",
]


_TAIL = 1e-15  # probability mass of X left out at each end of the integration range


# ---------------------------------------------------------------------------------------------
# exact quantities by quadrature
# ---------------------------------------------------------------------------------------------
def _half(a: float, b: float, others: list[tuple[float, float]], upper: bool) -> float:
    """One half of int f_X(x) prod_j F_j(x) dx, split at the median of X ~ Beta(a, b).

    The upper half is integrated in t = 1 - x, where X's density is the Beta(b, a) density of t
    and F_j(1 - t) = 1 - I_t(b_j, a_j): both stay accurate even when x is within 1e-16 of 1.
    """
    if upper:
        a, b = b, a
        others = [(bj, aj) for aj, bj in others]
    log_norm = special.betaln(a, b)
    start = max(float(special.betaincinv(a, b, _TAIL)), np.finfo(float).tiny)
    stop = float(special.betaincinv(a, b, 0.5))
    cdf = special.betaincc if upper else special.betainc

    def integrand(x: float) -> float:
        value = np.exp((a - 1) * np.log(x) + (b - 1) * np.log1p(-x) - log_norm)
        for aj, bj in others:
            value *= cdf(aj, bj, x)
        return float(value)

    # the other variants' cdfs change fastest around their means: tell quad where they are;
    # a point within a hair of an end would make a sub-interval of rounding-error width
    # (identical Beta(186.0625, 186.0625)s put the mean 1e-16 below the median: quad warned)
    margin = 1e-9 * (stop - start)
    means = (aj / (aj + bj) for aj, bj in others)
    points = sorted(m for m in means if start + margin < m < stop - margin)
    value, _ = integrate.quad(
        integrand, start, stop, points=points or None, epsabs=1e-13, epsrel=1e-10, limit=400
    )
    return value


def _prob_top(a: float, b: float, others: list[tuple[float, float]]) -> float:
    """P(X > Y_j for all j) = int f_X(x) prod_j F_{Y_j}(x) dx, X ~ Beta(a, b), by quadrature."""
    total = _half(a, b, others, upper=False) + _half(a, b, others, upper=True)
    return float(min(max(total, 0.0), 1.0))


def prob_greater(first: Any, second: Any) -> float:
    """Exact probability that a Beta-distributed rate exceeds another, P(theta_1 > theta_2).

    .. math:: P(\\theta_1 > \\theta_2) = \\int_0^1 f_1(x)\\, F_2(x)\\, dx

    where :math:`f_1` is the density of the first Beta and :math:`F_2` the cdf of the second
    (the two rates are independent a posteriori). Computed by adaptive quadrature, not sampling.

    Parameters
    ----------
    first, second : frozen scipy.stats.beta
        For example the posteriors of treatment and control from
        :func:`helpers.probability.beta_posterior`.

    Returns
    -------
    float
        A probability in [0, 1].

    Raises
    ------
    TypeError
        If an argument is not a frozen Beta distribution.

    Examples
    --------
    >>> from helpers.probability import beta_posterior
    >>> round(prob_greater(beta_posterior(60, 1000), beta_posterior(45, 1000)), 3)
    0.933
    """
    (a1, b1), (a2, b2) = validate.beta_posteriors([first, second])
    return _prob_top(a1, b1, [(a2, b2)])


def prob_best(posteriors: Sequence[Any]) -> np.ndarray:
    """Exact probability that each variant has the highest rate.

    .. math:: P(\\theta_k = \\max_j \\theta_j) = \\int_0^1 f_k(x) \\prod_{j \\ne k} F_j(x)\\, dx

    Parameters
    ----------
    posteriors : sequence of frozen scipy.stats.beta
        At least two, one per variant.

    Returns
    -------
    numpy.ndarray
        One probability per variant; they sum to 1.

    Raises
    ------
    TypeError
        If ``posteriors`` is not a sequence of frozen Beta distributions.
    ValueError
        If it holds fewer than two.

    Examples
    --------
    >>> from scipy import stats
    >>> prob_best([stats.beta(2, 2), stats.beta(2, 2), stats.beta(2, 2)]).round(4).tolist()
    [0.3333, 0.3333, 0.3333]
    """
    params = validate.beta_posteriors(posteriors)
    return np.array(
        [_prob_top(a, b, params[:k] + params[k + 1 :]) for k, (a, b) in enumerate(params)]
    )


def _expected_max(params: list[tuple[float, float]]) -> float:
    # E[max] = sum_k E[theta_k 1{theta_k is max}] and x f_k(x) = mean_k * Beta(a_k + 1, b_k) pdf
    total = 0.0
    for k, (a, b) in enumerate(params):
        total += a / (a + b) * _prob_top(a + 1, b, params[:k] + params[k + 1 :])
    return total


def expected_loss(posteriors: Sequence[Any]) -> np.ndarray:
    """Exact expected loss of shipping each variant: E[max_j theta_j - theta_k].

    The loss of shipping ``k`` is the rate we give up if another variant is in fact better
    (zero if ``k`` is the best). Its posterior expectation uses
    :math:`E[\\max_j \\theta_j] = \\sum_k \\bar\\theta_k \\int f_k^+(x) \\prod_{j\\ne k} F_j(x)\\,dx`,
    where :math:`f_k^+` is the Beta(:math:`a_k + 1, b_k`) density, so every term is one
    quadrature. For two variants the loss of shipping A is :math:`E[\\max(\\theta_B - \\theta_A, 0)]`.

    Parameters
    ----------
    posteriors : sequence of frozen scipy.stats.beta
        At least two, one per variant.

    Returns
    -------
    numpy.ndarray
        One expected loss per variant, in units of the rate (>= 0).

    Raises
    ------
    TypeError, ValueError
        As :func:`prob_best`.

    References
    ----------
    C. Stucchio (2015), "Bayesian A/B testing at VWO", technical report.

    Examples
    --------
    >>> from scipy import stats
    >>> loss = expected_loss([stats.beta(1, 1), stats.beta(1, 1)])
    >>> loss.round(6).tolist()  # E[max(U1, U2)] - E[U1] = 2/3 - 1/2
    [0.166667, 0.166667]
    """
    params = validate.beta_posteriors(posteriors)
    top = _expected_max(params)
    means = np.array([a / (a + b) for a, b in params])
    return np.maximum(top - means, 0.0)
