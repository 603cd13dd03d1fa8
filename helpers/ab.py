"""Bayesian A/B(/n) testing with Beta-Binomial posteriors: posteriors, tables, intervals.

Every variant ``k`` has a click rate ``theta_k`` with a Beta prior and a Binomial count of
successes, so its posterior is ``Beta(a + y_k, b + n_k - y_k)``
(:func:`helpers.probability.beta_posterior`). This module builds those posteriors and the
tables a product team reads:

* :func:`posteriors` and :func:`sample_rates` -- the posteriors of all variants, and draws;
* :func:`summarize` and :func:`compare` -- the tables notebooks print;
* :func:`diff_confidence_interval` -- the frequentist interval shown beside the credible one.

The exact decision quantities (P(greater), P(best), expected loss) live in
:mod:`helpers.decisions`.

Introduced in notebook 02. Notebook 05 reuses it for tests run across user segments.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

from helpers import _validate as validate
from helpers.decisions import expected_loss, prob_best, prob_greater
from helpers.probability import beta_posterior
from helpers.seeding import RngLike, make_rng

__all__ = [
    "posteriors",
    "sample_rates",
    "summarize",
    "compare",
    "diff_confidence_interval",
]


# ---------------------------------------------------------------------------------------------
# validation
# ---------------------------------------------------------------------------------------------
def _counts(successes: Any, trials: Any, *, minimum: int = 1) -> tuple[np.ndarray, np.ndarray]:
    s, n = (
        validate.array(successes, "successes", ndim=1, integer=True, nonnegative=True),
        validate.array(trials, "trials", ndim=1, integer=True, nonnegative=True),
    )
    if s.size != n.size:
        raise ValueError(
            f"`successes` and `trials` must have the same length; got {s.size} and {n.size}"
        )
    if s.size < minimum:
        raise ValueError(f"need at least {minimum} variants; got {s.size}")
    for i in range(s.size):
        if s[i] > n[i]:
            raise ValueError(
                f"`successes[{i}]` must be <= `trials[{i}]`; got successes={s[i]}, trials={n[i]}"
            )
    return s, n


def _prior(value: Any, name: str, size: int) -> np.ndarray:
    arr = np.broadcast_to(np.asarray(value, dtype=object), (size,)) if np.ndim(value) == 0 else None
    if arr is None:
        if np.ndim(value) != 1 or len(value) != size:
            raise validate.fail_value(name, f"a number or one number per variant ({size})", value)
        arr = np.asarray(value, dtype=object)
    return np.array([validate.real(v, name, positive=True) for v in arr])


def _names(names: Any, size: int) -> list[str]:
    if names is None:
        return [f"variant {i}" for i in range(size)]
    if isinstance(names, str) or len(names) != size:
        raise ValueError(f"`names` must be a sequence of {size} labels; got {names!r}")
    labels = [str(n) for n in names]
    if len(set(labels)) != size:
        raise ValueError(f"`names` must be distinct; got {labels}")
    return labels


def _reference(reference: Any, size: int) -> int:
    return validate.integer(reference, "reference", minimum=0, maximum=size - 1)


# ---------------------------------------------------------------------------------------------
# sampling and tables
# ---------------------------------------------------------------------------------------------
def posteriors(
    successes: Sequence[int], trials: Sequence[int], *, a: ArrayLike = 1.0, b: ArrayLike = 1.0
) -> list[Any]:
    """Conjugate Beta posteriors for several variants at once.

    Written out in notebook 02, section 2 (the update ``Beta(a + y, b + n - y)`` as a
    two-line function), where it is checked against this function before the notebook
    reuses it.

    Parameters
    ----------
    successes, trials : sequence of int
        One count per variant: non-negative integers with ``successes[k] <= trials[k]``.
    a, b : float or sequence of float, default 1
        The Beta prior, shared by all variants or one value per variant; all > 0.

    Returns
    -------
    list of frozen scipy.stats.beta
        ``Beta(a_k + successes[k], b_k + trials[k] - successes[k])``.

    Raises
    ------
    TypeError
        If a count is not an integer or a prior parameter is not a number.
    ValueError
        If a count is negative, ``successes[k] > trials[k]``, the lengths differ, or a prior
        parameter is not positive.

    Examples
    --------
    >>> [p.args for p in posteriors([3, 5], [10, 12], a=2, b=2)]
    [(5.0, 9.0), (7.0, 9.0)]
    """
    s, n = _counts(successes, trials)
    prior_a, prior_b = _prior(a, "a", s.size), _prior(b, "b", s.size)
    return [beta_posterior(int(s[k]), int(n[k]), a=prior_a[k], b=prior_b[k]) for k in range(s.size)]


def sample_rates(posteriors: Sequence[Any], *, n_draws: int, rng: RngLike = None) -> np.ndarray:
    """Draw the variants' rates from their (independent) Beta posteriors.

    Parameters
    ----------
    posteriors : sequence of frozen scipy.stats.beta
    n_draws : int
        Number of joint draws, >= 2.
    rng : Generator, int or None
        Keyword-only; see :func:`helpers.make_rng`.

    Returns
    -------
    numpy.ndarray
        Shape ``(n_draws, n_variants)``.

    Raises
    ------
    ValueError
        If ``n_draws`` is not an integer >= 2.

    Examples
    --------
    >>> from scipy import stats
    >>> sample_rates([stats.beta(2, 8), stats.beta(3, 7)], n_draws=5, rng=1).shape
    (5, 2)
    """
    params = validate.beta_posteriors(posteriors, minimum=1)
    n_draws = validate.integer(n_draws, "n_draws", minimum=2)
    generator = make_rng(rng)
    return np.column_stack([generator.beta(a, b, size=int(n_draws)) for a, b in params])


def summarize(
    posteriors: Sequence[Any], *, names: Sequence[str] | None = None, ci_prob: float = 0.95
) -> pd.DataFrame:
    """One row per variant: posterior mean, SD, equal-tailed interval, P(best), expected loss.

    Everything is exact (closed form or quadrature).

    Parameters
    ----------
    posteriors : sequence of frozen scipy.stats.beta
        At least two.
    names : sequence of str, optional
        Row labels; ``"variant 0"``, ... by default.
    ci_prob : float, default 0.95
        Probability inside the credible interval.

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    TypeError, ValueError
        For malformed posteriors, names or ci_prob.

    Examples
    --------
    >>> table = summarize(posteriors([40, 52], [1000, 1000]), names=["A", "B"])
    >>> table.columns.tolist()
    ['mean', 'sd', 'low', 'high', 'P(best)', 'expected loss']
    >>> bool(table.loc["B", "P(best)"] > 0.85)
    True
    """
    validate.beta_posteriors(posteriors)
    labels = _names(names, len(posteriors))
    tail = (1 - validate.ci_prob(ci_prob)) / 2
    return pd.DataFrame(
        {
            "mean": [float(p.mean()) for p in posteriors],
            "sd": [float(p.std()) for p in posteriors],
            "low": [float(p.ppf(tail)) for p in posteriors],
            "high": [float(p.isf(tail)) for p in posteriors],
            "P(best)": prob_best(posteriors),
            "expected loss": expected_loss(posteriors),
        },
        index=pd.Index(labels, name="variant"),
    )


def compare(
    posteriors: Sequence[Any],
    *,
    names: Sequence[str] | None = None,
    reference: int = 0,
    ci_prob: float = 0.95,
    n_draws: int = 100_000,
    rng: RngLike = None,
) -> pd.DataFrame:
    """Each variant against a reference: P(better), absolute and relative difference intervals.

    ``P(better)`` and the mean absolute difference are exact; the intervals of the absolute
    difference ``theta_k - theta_ref`` and of the relative lift ``theta_k / theta_ref - 1``
    have no closed form and are read off ``n_draws`` joint posterior draws.

    Parameters
    ----------
    posteriors : sequence of frozen scipy.stats.beta
        At least two.
    names : sequence of str, optional
    reference : int, default 0
        Index of the baseline (the control).
    ci_prob : float, default 0.95
    n_draws : int, default 100_000
        Monte Carlo draws for the intervals.
    rng : Generator, int or None
        Keyword-only; see :func:`helpers.make_rng`.

    Returns
    -------
    pandas.DataFrame
        One row per non-reference variant.

    Raises
    ------
    TypeError, ValueError
        For malformed arguments.

    Examples
    --------
    >>> table = compare(posteriors([40, 52], [1000, 1000]), names=["A", "B"], rng=0)
    >>> table.columns.tolist()
    ['P(better)', 'diff mean', 'diff low', 'diff high', 'lift mean', 'lift low', 'lift high']
    >>> table.index.tolist()
    ['B']
    """
    params = validate.beta_posteriors(posteriors)
    labels = _names(names, len(posteriors))
    ref = _reference(reference, len(posteriors))
    tail = (1 - validate.ci_prob(ci_prob)) / 2
    draws = sample_rates(posteriors, n_draws=n_draws, rng=rng)
    rows = {}
    for k, (a, b) in enumerate(params):
        if k == ref:
            continue
        diff = draws[:, k] - draws[:, ref]
        lift = draws[:, k] / draws[:, ref] - 1
        rows[labels[k]] = {
            "P(better)": prob_greater(posteriors[k], posteriors[ref]),
            "diff mean": a / (a + b) - params[ref][0] / sum(params[ref]),
            "diff low": float(np.quantile(diff, tail)),
            "diff high": float(np.quantile(diff, 1 - tail)),
            "lift mean": float(lift.mean()),
            "lift low": float(np.quantile(lift, tail)),
            "lift high": float(np.quantile(lift, 1 - tail)),
        }
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = f"vs {labels[ref]}"
    return frame


# ---------------------------------------------------------------------------------------------
# the frequentist interval, for comparison
# ---------------------------------------------------------------------------------------------
def diff_confidence_interval(
    successes: Sequence[int],
    trials: Sequence[int],
    *,
    ci_prob: float = 0.95,
    method: str = "newcombe",
) -> tuple[float, float]:
    """Confidence interval for the difference of two proportions, ``p_1 - p_0``.

    Parameters
    ----------
    successes, trials : sequence of two ints
        ``(control, treatment)`` counts.
    ci_prob : float, default 0.95
        Confidence ci_prob in (0, 1).
    method : {"newcombe", "wald"}
        ``"wald"``: :math:`\\hat p_1 - \\hat p_0 \\pm z \\sqrt{\\hat p_0(1-\\hat p_0)/n_0
        + \\hat p_1(1-\\hat p_1)/n_1}`. ``"newcombe"`` (default): Newcombe's hybrid score interval
        built from the two Wilson intervals, which keeps its coverage with small counts.

    Returns
    -------
    (low, high) : tuple of float

    Raises
    ------
    TypeError, ValueError
        For malformed counts, a ci_prob outside (0, 1), an unknown method, or zero trials.

    References
    ----------
    R. G. Newcombe (1998), "Interval estimation for the difference between independent
    proportions: comparison of eleven methods", Statistics in Medicine 17(8), 873-890.

    Examples
    --------
    >>> low, high = diff_confidence_interval([40, 60], [1000, 1000], method="wald")
    >>> round(low, 4), round(high, 4)
    (0.0009, 0.0391)
    """
    s, n = _counts(successes, trials, minimum=2)
    if s.size != 2:
        raise ValueError(f"`successes` and `trials` must hold exactly 2 variants; got {s.size}")
    if np.any(n == 0):
        raise ValueError(f"`trials` must be > 0 for a confidence interval; got {n.tolist()}")
    ci_prob = validate.ci_prob(ci_prob)
    if method not in ("newcombe", "wald"):
        raise ValueError(f"`method` must be 'newcombe' or 'wald'; got {method!r}")
    p = s / n
    diff = float(p[1] - p[0])
    z = float(stats.norm.isf((1 - ci_prob) / 2))
    if method == "wald":
        half = z * float(np.sqrt(np.sum(p * (1 - p) / n)))
        return diff - half, diff + half
    wilson = [
        stats.binomtest(int(s[k]), int(n[k])).proportion_ci(ci_prob, method="wilson")
        for k in range(2)
    ]
    (l0, u0), (l1, u1) = [(w.low, w.high) for w in wilson]
    low = diff - float(np.sqrt((p[1] - l1) ** 2 + (u0 - p[0]) ** 2))
    high = diff + float(np.sqrt((u1 - p[1]) ** 2 + (p[0] - l0) ** 2))
    return low, high
