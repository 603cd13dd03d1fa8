"""Does a causal estimate survive its assumptions failing? Refuters and sensitivity analysis.

Introduced in notebook 12 (sections 8-10).

- *Refuters* in the spirit of DoWhy's (Sharma and Kiciman 2020): placebo treatment, random common
  cause, data subsets and a simulated unobserved common cause of set strength. DoWhy itself is not
  in the course's lock: it pins an older SciPy than the rest of the course needs.
- *Sensitivity analysis* to an unmeasured confounder in the partial-R² parameterisation of
  Cinelli and Hazlett (2020): how far the effect moves as the confounder's strength grows, and the
  strength at which the conclusion flips.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from helpers import _validate as validate
from helpers.causal_estimators import Estimator, ols_effect
from helpers.seeding import RngLike, make_rng

__all__ = [
    "confounder_bias",
    "sensitivity_sweep",
    "flip_strength",
    "robustness_value",
    "placebo_treatment",
    "random_common_cause",
    "data_subset",
    "unobserved_common_cause",
]


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


def _reruns(n_draws: Any, once: Callable[[], float]) -> np.ndarray:
    """The estimates of ``n_draws`` reruns of a refuter; ``once()`` makes one."""
    return np.array([once() for _ in range(validate.integer(n_draws, "n_draws", minimum=1))])


def placebo_treatment(
    outcome: ArrayLike,
    treatment: ArrayLike,
    covariates: ArrayLike,
    *,
    estimator: Estimator = ols_effect,
    n_draws: int = 100,
    rng: RngLike = None,
) -> np.ndarray:
    """Re-estimate with the treatment randomly permuted: the effect should vanish.

    Written out in notebook 12, section 8. Each simulation draws ``rng.permutation(n)``.

    Examples
    --------
    >>> g = np.random.default_rng(0); z = g.normal(size=300); t = z + g.normal(size=300)
    >>> est = placebo_treatment(t + z + g.normal(size=300), t, z, rng=1)
    >>> bool(abs(est.mean()) < 4 * est.std() / np.sqrt(est.size))
    True
    """
    y, t, x = validate.effect_data(outcome, treatment, covariates)
    rng = make_rng(rng)
    return _reruns(n_draws, lambda: estimator(y, t[rng.permutation(len(t))], x))


def random_common_cause(
    outcome: ArrayLike,
    treatment: ArrayLike,
    covariates: ArrayLike,
    *,
    estimator: Estimator = ols_effect,
    n_draws: int = 100,
    rng: RngLike = None,
) -> np.ndarray:
    """Re-estimate with an extra, independent standard-Normal covariate: nothing should move.

    Written out in notebook 12, section 8. Each simulation draws ``rng.standard_normal(n)``.

    Examples
    --------
    >>> g = np.random.default_rng(0); z = g.normal(size=300); t = z + g.normal(size=300)
    >>> y = 0.5 * t + z + g.normal(size=300)
    >>> moved = random_common_cause(y, t, z, rng=1) - ols_effect(y, t, z)
    >>> bool(np.abs(moved).max() < 0.05)
    True
    """
    y, t, x = validate.effect_data(outcome, treatment, covariates)
    rng = make_rng(rng)
    return _reruns(
        n_draws, lambda: estimator(y, t, np.column_stack([x, rng.standard_normal(len(y))]))
    )


def data_subset(
    outcome: ArrayLike,
    treatment: ArrayLike,
    covariates: ArrayLike,
    *,
    fraction: float = 0.8,
    estimator: Estimator = ols_effect,
    n_draws: int = 100,
    rng: RngLike = None,
) -> np.ndarray:
    """Re-estimate on random subsets (without replacement) of a ``fraction`` of the rows.

    Written out in notebook 12, section 8. Each simulation draws
    ``rng.choice(n, size=round(fraction * n), replace=False)``.

    Raises
    ------
    ValueError
        If ``fraction`` is not in (0, 1).

    Examples
    --------
    >>> g = np.random.default_rng(0); z = g.normal(size=300); t = z + g.normal(size=300)
    >>> data_subset(t + z, t, z, fraction=0.5, n_draws=3, rng=1).round(6)
    array([1., 1., 1.])
    """
    y, t, x = validate.effect_data(outcome, treatment, covariates)
    fraction = validate.real(fraction, "fraction")
    if not 0 < fraction < 1:
        raise validate.fail_value("fraction", "a number strictly between 0 and 1", fraction)
    size = round(fraction * len(y))
    rng = make_rng(rng)

    def once() -> float:
        rows = rng.choice(len(y), size=size, replace=False)
        return estimator(y[rows], t[rows], x[rows])

    return _reruns(n_draws, once)


def unobserved_common_cause(
    outcome: ArrayLike,
    treatment: ArrayLike,
    covariates: ArrayLike,
    *,
    effect_on_treatment: float,
    effect_on_outcome: float,
    estimator: Estimator = ols_effect,
    n_draws: int = 100,
    rng: RngLike = None,
) -> np.ndarray:
    r"""Add a simulated unobserved confounder of set strength and re-estimate.

    Written out in notebook 12, section 8. Each simulation draws :math:`U \sim N(0, 1)`
    (``rng.standard_normal(n)``) and re-estimates on :math:`T + k_T U` and :math:`Y + k_Y U`.
    For least squares the estimate moves to about
    :math:`(\hat\beta V + k_T k_Y) / (V + k_T^2)`, with :math:`V` the residual variance of the
    treatment given the covariates.

    Examples
    --------
    >>> g = np.random.default_rng(0); z = g.normal(size=300); t = z + g.normal(size=300)
    >>> est = unobserved_common_cause(0.5 * t + z, t, z, effect_on_treatment=1.0,
    ...                               effect_on_outcome=0.0, n_draws=20, rng=1)
    >>> bool(abs(est.mean() - 0.5 * 1 / (1 + 1)) < 0.05)  # attenuated: V = 1, k_T = 1
    True
    """
    y, t, x = validate.effect_data(outcome, treatment, covariates)
    k_t = validate.real(effect_on_treatment, "effect_on_treatment")
    k_y = validate.real(effect_on_outcome, "effect_on_outcome")
    rng = make_rng(rng)

    def once() -> float:
        u = rng.standard_normal(len(y))
        return estimator(y + k_y * u, t + k_t * u, x)

    return _reruns(n_draws, once)
