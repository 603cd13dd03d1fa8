"""Comparing fits: accuracy against a reference, sampling efficiency and wall time. Introduced in notebook 05.

Every comparison of fits in the course is one of three tables, and all three take the wall time
the same way, as ``seconds={name: s}`` with the same keys as the fits (measured with
:class:`Stopwatch`):

- :func:`ess_per_second_table`: MCMC fits by divergences, R-hat and bulk ESS per second
  (notebook 05, centred against non-centred);
- :func:`compare_methods`: approximate posteriors (ADVI, SVI) against reference draws, by mean
  error and SD ratio (notebook 07);
- :func:`agreement_table`: posterior means from several libraries against an exact reference
  (notebook 14).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from helpers import _validate as validate

__all__ = ["Stopwatch", "ess_per_second_table", "compare_methods", "agreement_table"]


def _same_keys(fits: Any, name: str, seconds: Any) -> None:
    """The fits and their times: two mappings with the same, non-empty keys."""
    validate.instance(fits, name, Mapping, "a mapping from fit name to fit")
    validate.instance(seconds, "seconds", Mapping, "a mapping from fit name to seconds")
    if not fits:
        raise validate.fail_value(name, "a mapping with at least one fit", "an empty one")
    if set(fits) != set(seconds):
        raise validate.fail_value("seconds", f"keyed like `{name}` {sorted(fits)}", sorted(seconds))


class Stopwatch:
    """Wall-clock time of a block: ``with Stopwatch() as clock: ...``; then ``clock.seconds``.

    Examples
    --------
    >>> with Stopwatch() as clock:
    ...     _ = sum(range(1000))
    >>> clock.seconds >= 0
    True
    """

    def __init__(self) -> None:
        self.seconds: float = float("nan")
        self._start: float | None = None

    def __enter__(self) -> Stopwatch:
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._start is None:
            raise RuntimeError("Stopwatch must be used as a context manager (`with Stopwatch()`)")
        self.seconds = time.perf_counter() - self._start


def ess_per_second_table(
    idatas: Mapping[str, Any],
    *,
    seconds: Mapping[str, float],
    var_names: list[str] | None = None,
) -> pd.DataFrame:
    """Compare MCMC fits by divergences, bulk ESS and bulk ESS per second of wall clock.

    The ESS of a fit is its worst parameter's (the minimum over ``var_names``): a fit is only as
    useful as its least-explored direction.

    Parameters
    ----------
    idatas : mapping of str to xarray.DataTree
        The fits, by name.
    seconds : mapping of str to float
        Wall-clock seconds each fit took (same keys, > 0).
    var_names : list of str, optional
        Parameters to take the ESS over; by default all in the posterior.

    Returns
    -------
    pandas.DataFrame
        One row per fit: ``divergences``, ``max R-hat``, ``min bulk ESS``, ``seconds``,
        ``bulk ESS / s``; and, when the sampler recorded its own ``sampling_time`` (PyMC does;
        it leaves out compilation and process start-up), ``sampler seconds`` and
        ``bulk ESS / sampler s``.

    Raises
    ------
    TypeError
        If ``idatas`` or ``seconds`` is not a mapping, or a value has no posterior group.
    ValueError
        If the keys differ, the mapping is empty, or a time is not > 0.
    """
    import arviz as az

    _same_keys(idatas, "idatas", seconds)
    rows = {}
    for name, idata in idatas.items():
        if not hasattr(idata, "posterior"):
            raise validate.fail_type(
                f"idatas[{name!r}]", "a fit (DataTree) with a posterior", idata
            )
        secs = validate.real(seconds[name], f"seconds[{name!r}]", positive=True)
        ess = az.ess(idata, var_names=var_names, method="bulk")
        rhat = az.rhat(idata, var_names=var_names)
        ess_min = min(float(np.min(ess[v].values)) for v in ess.data_vars)
        rhat_max = max(float(np.max(rhat[v].values)) for v in rhat.data_vars)
        stats_group = getattr(idata, "sample_stats", None)
        div = 0
        if stats_group is not None and "diverging" in stats_group:
            div = int(stats_group["diverging"].values.sum())
        row = {
            "divergences": div,
            "max R-hat": rhat_max,
            "min bulk ESS": ess_min,
            "seconds": secs,
            "bulk ESS / s": ess_min / secs,
        }
        sampler = idata.posterior.attrs.get("sampling_time")
        if sampler is not None:
            row["sampler seconds"] = float(sampler)
            row["bulk ESS / sampler s"] = ess_min / max(float(sampler), 1e-9)
        rows[name] = row
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("fit")


def compare_methods(
    reference: ArrayLike, candidates: Mapping[str, Any], *, seconds: Mapping[str, float]
) -> pd.DataFrame:
    """Compare approximate posteriors with a reference posterior, one row per method.

    Parameters
    ----------
    reference : array-like, shape (n, d)
        Draws from the reference posterior (for example NUTS).
    candidates : mapping of str to array-like
        For each method its draws, shape (m, d). Include the reference itself to show its time.
    seconds : mapping of str to float
        Wall time of each method (same keys as ``candidates``, >= 0).

    Returns
    -------
    pandas.DataFrame
        Indexed by method, with columns ``time (s)``, ``max |mean error| / sd`` (the largest
        error in a posterior mean, in reference posterior SDs), ``min sd ratio`` and
        ``max sd ratio`` (posterior SD divided by the reference SD; 1 is perfect, below 1 means
        overconfident).

    Raises
    ------
    ValueError
        If shapes disagree, a time is negative or there are no candidates.
    TypeError
        If ``candidates`` or ``seconds`` is not a mapping.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> ref = rng.normal(size=(4000, 2))
    >>> half = 0.5 * rng.normal(size=(4000, 2))
    >>> table = compare_methods(ref, {"half": half}, seconds={"half": 1.0})
    >>> round(float(table.loc["half", "max sd ratio"]), 1)
    0.5
    """
    ref = validate.array(reference, "reference", ndim=2)
    if ref.shape[0] < 2:
        raise validate.fail_value("reference", "draws of shape (n >= 2, d)", f"shape {ref.shape}")
    _same_keys(candidates, "candidates", seconds)
    ref_mean, ref_sd = ref.mean(axis=0), ref.std(axis=0, ddof=1)
    rows = {}
    for method, entry in candidates.items():
        draws = validate.array(entry, f"candidates[{method!r}]", shape=(None, ref.shape[1]))
        if draws.shape[0] < 2:
            raise validate.fail_value(
                f"candidates[{method!r}]", "draws of shape (m >= 2, d)", f"shape {draws.shape}"
            )
        secs = validate.real(seconds[method], f"seconds[{method!r}]", nonnegative=True)
        ratio = draws.std(axis=0, ddof=1) / ref_sd
        rows[method] = {
            "time (s)": secs,
            "max |mean error| / sd": float(np.max(np.abs(draws.mean(axis=0) - ref_mean) / ref_sd)),
            "min sd ratio": float(ratio.min()),
            "max sd ratio": float(ratio.max()),
        }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "method"
    return table


def agreement_table(
    means: Mapping[str, pd.Series], reference: pd.DataFrame, *, seconds: Mapping[str, float]
) -> pd.DataFrame:
    """One table of posterior means from several fits, their errors and their wall times.

    Errors are in units of the reference posterior standard deviation, the scale on which a
    difference matters to a decision: 0.1 means "a tenth of the posterior spread".

    Parameters
    ----------
    means : mapping of str to pandas.Series
        Posterior means from each fit, indexed by parameter like ``reference``.
    reference : pandas.DataFrame
        With columns ``mean`` and ``sd`` (for example from :func:`exact_summary`).
    seconds : mapping of str to float
        Wall time of each fit (same keys as ``means``, > 0).

    Returns
    -------
    pandas.DataFrame
        One row per parameter (plus a last row ``wall time (s)``): the reference mean and sd, each
        fit's mean and its error ``(mean - reference) / sd``.

    Raises
    ------
    TypeError
        If the arguments are of the wrong type.
    ValueError
        If keys or parameters do not match, or a time is not > 0.

    Examples
    --------
    >>> ref = pd.DataFrame({"mean": [0.0, 1.0], "sd": [1.0, 0.5]}, index=["a", "b"])
    >>> fit = pd.Series([0.1, 1.0], index=["a", "b"])
    >>> agreement_table({"fit": fit}, ref, seconds={"fit": 2.0})["fit error (sd)"].tolist()
    [0.1, 0.0, nan]
    """
    _same_keys(means, "means", seconds)
    validate.instance(reference, "reference", pd.DataFrame, "a DataFrame with columns mean, sd")
    if not {"mean", "sd"} <= set(reference.columns):
        raise validate.fail_value("reference", "a DataFrame with columns mean, sd", list(reference))
    table = reference[["mean", "sd"]].rename(
        columns={"mean": "reference mean", "sd": "reference sd"}
    )
    for name, series in means.items():
        if not isinstance(series, pd.Series) or set(series.index) != set(reference.index):
            raise validate.fail_value(
                f"means[{name!r}]", "a Series indexed like `reference`", series
            )
        secs = seconds[name]
        validate.real(secs, f"seconds[{name!r}]", positive=True)
        table[f"{name} mean"] = series.reindex(reference.index).astype(float)
        table[f"{name} error (sd)"] = (table[f"{name} mean"] - table["reference mean"]) / table[
            "reference sd"
        ]
    timing = pd.DataFrame(
        {f"{name} mean": [float(seconds[name])] for name in means}, index=["wall time (s)"]
    )
    return pd.concat([table, timing]).rename_axis("parameter")
