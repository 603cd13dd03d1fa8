"""A simulated experiment across user segments: the data, no-pooling draws and log odds.

:func:`simulate_segments` runs one A/B test in each of several user segments whose true lifts
come from a common population (it returns the data **and** the truth);
:func:`separate_lift_draws` gives each segment's lift posterior on its own (no pooling), the
baseline a hierarchical model is compared with; :func:`segment_log_odds` turns the segment counts
into log odds ratios with standard errors (so one hierarchical model can be written identically
in PyMC and Pyro).

Introduced in notebook 05; notebook 14 reuses it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import special

from helpers import _validate as validate
from helpers.seeding import RngLike, make_rng
from helpers.simulation import Simulation, Truth

__all__ = [
    "simulate_segments",
    "separate_lift_draws",
    "segment_log_odds",
]


def simulate_segments(
    users: Sequence[int],
    *,
    lift_mean: float = 0.1,
    lift_sd: float = 0.1,
    baseline_range: tuple[float, float] = (0.04, 0.12),
    names: Sequence[str] | None = None,
    rng: RngLike = None,
) -> Simulation:
    """Simulate an A/B test in segments of unequal size with different true lifts.

    Each segment ``k`` gets a control conversion rate ``p_k ~ Uniform(baseline_range)`` and a
    lift on the log-odds scale ``delta_k ~ Normal(lift_mean, lift_sd)``; its treatment rate is
    ``logistic(logit(p_k) + delta_k)``. Each arm of segment ``k`` has ``users[k]`` users, and
    conversions are Binomial.

    Parameters
    ----------
    users : sequence of int
        Users per arm in each segment (>= 1 each, at least two segments).
    lift_mean : float, default 0.1
        Population mean of the log odds ratios.
    lift_sd : float, default 0.1
        Population standard deviation of the log odds ratios (>= 0).
    baseline_range : (float, float), default (0.04, 0.12)
        Range of control conversion rates, inside (0, 1).
    names : sequence of str, optional
        Segment names; by default ``"S1"``, ``"S2"``, ...
    rng : Generator, int or None, keyword-only

    Returns
    -------
    Simulation
        ``data``: one row per segment (index ``segment``): ``users_control``,
        ``conversions_control``, ``users_treatment``, ``conversions_treatment`` (what an analyst
        would see). ``truth``:

        - ``lift`` (numpy.ndarray): each segment's true lift as a log odds ratio (treatment vs
          control);
        - ``baseline`` (numpy.ndarray): each segment's true control conversion rate;
        - ``lift_mean``, ``lift_sd`` (float): the population the segment lifts were drawn from,
          ``Normal(lift_mean, lift_sd)``.

    Raises
    ------
    TypeError
        If ``users`` holds non-integers.
    ValueError
        If fewer than two segments, a size < 1, ``lift_sd < 0``, a bad ``baseline_range`` or
        ``names`` of the wrong length.

    Examples
    --------
    >>> exp = simulate_segments([1000, 100], rng=0)
    >>> exp.data.columns.tolist()
    ['users_control', 'conversions_control', 'users_treatment', 'conversions_treatment']
    >>> exp.truth.lift.shape, exp.truth.lift_mean
    ((2,), 0.1)
    """
    sizes = validate.array(users, "users", ndim=1, integer=True).tolist()
    if len(sizes) < 2:
        raise validate.fail_value("users", "a list of at least two segment sizes", len(sizes))
    if min(sizes) < 1:
        raise validate.fail_value("users", "segment sizes >= 1", sizes)
    lift_mean = validate.real(lift_mean, "lift_mean")
    lift_sd = validate.real(lift_sd, "lift_sd", nonnegative=True)
    low, high = validate.array(baseline_range, "baseline_range", shape=(2,))
    if not 0 < low <= high < 1:
        raise validate.fail_value(
            "baseline_range", "a pair (low, high) with 0 < low <= high < 1", baseline_range
        )
    k = len(sizes)
    labels = [f"S{i + 1}" for i in range(k)] if names is None else [str(n) for n in names]
    if len(labels) != k:
        raise ValueError(f"`names` must have one name per segment ({k}); got {len(labels)}")
    gen = make_rng(rng)
    baseline = gen.uniform(low, high, size=k)
    lift = gen.normal(lift_mean, lift_sd, size=k)
    treated = special.expit(special.logit(baseline) + lift)
    n = np.asarray(sizes, dtype=np.int64)
    data = pd.DataFrame(
        {
            "users_control": n,
            "conversions_control": gen.binomial(n, baseline),
            "users_treatment": n,
            "conversions_treatment": gen.binomial(n, treated),
        },
        index=pd.Index(labels, name="segment"),
    )
    truth = Truth(lift=lift, baseline=baseline, lift_mean=float(lift_mean), lift_sd=float(lift_sd))
    return Simulation(data, truth)


def separate_lift_draws(
    data: pd.DataFrame, *, n_draws: int, a: float = 1.0, b: float = 1.0, rng: RngLike = None
) -> np.ndarray:
    """Posterior draws of each segment's log odds ratio, every segment analysed on its own.

    Each arm of each segment gets its own conjugate ``Beta(a + conversions, b + failures)``
    posterior (notebook 02's model); the draws of ``logit(p_treatment) - logit(p_control)``
    are returned. No information is shared between segments: this is "no pooling". The two
    arms are drawn in the order control, treatment, each as one ``(n_draws, segments)`` array.

    Written out in notebook 05, section 7.

    Parameters
    ----------
    data : pandas.DataFrame
        With the columns :func:`simulate_segments` produces.
    n_draws : int
        Number of draws per segment (>= 1).
    a, b : float, default 1
        Beta prior parameters (> 0).
    rng : Generator, int or None, keyword-only

    Returns
    -------
    numpy.ndarray, shape (n_draws, segments)

    Raises
    ------
    TypeError
        If ``data`` is not a DataFrame.
    ValueError
        If a column is missing, counts are inconsistent, or ``n_draws``, ``a``, ``b`` are invalid.

    Examples
    --------
    >>> exp = simulate_segments([5000, 50], rng=1)
    >>> lifts = separate_lift_draws(exp.data, n_draws=2000, rng=2)
    >>> lifts.shape
    (2000, 2)
    >>> bool(lifts[:, 1].std() > lifts[:, 0].std())  # the small segment is far less certain
    True
    """
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"`data` must be a pandas DataFrame; got {type(data).__name__}")
    columns = ["users_control", "conversions_control", "users_treatment", "conversions_treatment"]
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise ValueError(f"`data` must have the columns {columns}; missing {missing}")
    n_draws = validate.integer(n_draws, "n_draws", minimum=1)
    a, b = validate.real(a, "a", positive=True), validate.real(b, "b", positive=True)
    gen = make_rng(rng)
    log_odds = []
    for arm in ("control", "treatment"):
        n = data[f"users_{arm}"].to_numpy(dtype=float)
        y = data[f"conversions_{arm}"].to_numpy(dtype=float)
        if np.any(y < 0) or np.any(y > n):
            raise ValueError(f"`data` must have 0 <= conversions_{arm} <= users_{arm}")
        p = gen.beta(a + y, b + n - y, size=(n_draws, len(data)))
        log_odds.append(special.logit(p))
    return log_odds[1] - log_odds[0]


_COLUMNS = ["users_control", "conversions_control", "users_treatment", "conversions_treatment"]


def segment_log_odds(data: pd.DataFrame) -> pd.DataFrame:
    """Each segment's log odds ratio (treatment vs control) and its standard error.

    The estimate is ``logit(c_T / n_T) - logit(c_C / n_C)``; its standard error is Woolf's
    ``sqrt(1/c_T + 1/(n_T - c_T) + 1/c_C + 1/(n_C - c_C))``, the delta-method approximation that
    meta-analyses of 2x2 tables use (Woolf, 1955).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per segment with the columns of :func:`helpers.segments.simulate_segments`.

    Returns
    -------
    pandas.DataFrame
        Same index, columns ``estimate`` and ``se``.

    Raises
    ------
    TypeError
        If ``data`` is not a DataFrame.
    ValueError
        If a column is missing, or a cell has no conversions or no non-conversions (the log
        odds would be infinite).

    Examples
    --------
    >>> table = pd.DataFrame({"users_control": [1000], "conversions_control": [100],
    ...                       "users_treatment": [1000], "conversions_treatment": [120]})
    >>> segment_log_odds(table).round(3).iloc[0].tolist()
    [0.205, 0.143]
    """
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"`data` must be a pandas DataFrame; got {type(data).__name__}")
    missing = [c for c in _COLUMNS if c not in data.columns]
    if missing:
        raise ValueError(f"`data` must have the columns {_COLUMNS}; missing {missing}")
    parts = {}
    for arm in ("control", "treatment"):
        n = data[f"users_{arm}"].to_numpy(dtype=float)
        c = data[f"conversions_{arm}"].to_numpy(dtype=float)
        if np.any(c <= 0) or np.any(c >= n):
            raise ValueError(
                f"`data` must have 0 < conversions_{arm} < users_{arm} in every row "
                "(otherwise the log odds are infinite)"
            )
        parts[arm] = (special.logit(c / n), 1 / c + 1 / (n - c))
    estimate = parts["treatment"][0] - parts["control"][0]
    se = np.sqrt(parts["treatment"][1] + parts["control"][1])
    return pd.DataFrame({"estimate": estimate, "se": se}, index=data.index)
