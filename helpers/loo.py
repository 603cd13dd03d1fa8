"""Leave-one-out cross-validation: a comparison table and pointwise values with Pareto k.

Introduced in notebook 04.

ArviZ computes PSIS-LOO; this module reports it the way the course reads it: a comparison
table that counts the observations whose Pareto k exceeds the diagnostic threshold
(:data:`helpers.diagnostics.PARETO_K_MAX`) instead of only warning about them, and the pointwise
elpd and k of one fit.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from helpers.diagnostics import PARETO_K_MAX

__all__ = [
    "compare_loo",
    "loo_pointwise",
]


# ArviZ 0.23 warns once per call when a Pareto k is large. compare_loo reports every k in its
# table, so the warning repeats what the learner is shown; the filter matches that one message.
_PARETO_WARNING = r"Estimated shape parameter of Pareto distribution is greater than"


def compare_loo(models: Mapping[str, Any]) -> pd.DataFrame:
    """Compare models by PSIS-LOO and add the Pareto k summary of each.

    A thin wrapper of :func:`arviz.compare` and :func:`arviz.loo`: the table is ArviZ's
    (``elpd``, ``p``, ``elpd_diff``, ``dse``, ``weight``, ...), with two added columns, ``max_k``
    and ``n_high_k`` (observations with k > 0.7, whose LOO estimate is unreliable). ArviZ 1
    returns k = NaN for a point too extreme to fit; it counts as high and makes ``max_k`` inf.

    Parameters
    ----------
    models : mapping of str to xarray.DataTree
        At least two fits with ``log_likelihood`` groups for the same observations.

    Returns
    -------
    pandas.DataFrame
        Ranked best first.

    Raises
    ------
    ValueError
        If fewer than two models are given, or one has no log-likelihood group.

    References
    ----------
    Vehtari, Gelman and Gabry (2017), Practical Bayesian model evaluation using leave-one-out
    cross-validation and WAIC. Statistics and Computing 27, 1413-1432.
    """
    import arviz as az

    if not isinstance(models, Mapping) or len(models) < 2:
        raise ValueError("`models` must be a mapping of at least two names to fits (DataTree)")
    for name, idata in models.items():
        if not hasattr(idata, "log_likelihood"):
            raise ValueError(f"`models[{name!r}]` has no log_likelihood group")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=_PARETO_WARNING, category=UserWarning)
        # ArviZ 1 rounds the table by default (elpd to the precision its SE allows): keep numbers
        table = az.compare(dict(models), round_to="none")
    ks = {name: loo_pointwise(idata)["pareto_k"].to_numpy() for name, idata in models.items()}
    table["max_k"] = [
        float("inf") if np.isnan(ks[name]).any() else float(np.max(ks[name]))
        for name in table.index
    ]
    table["n_high_k"] = [
        int(np.sum(ks[name] > PARETO_K_MAX) + np.sum(np.isnan(ks[name]))) for name in table.index
    ]
    return table


def loo_pointwise(idata: Any) -> pd.DataFrame:
    """PSIS-LOO term and Pareto k of every observation, one row each.

    A thin wrapper of ``arviz.loo(idata, pointwise=True)`` that returns a table and does not
    repeat ArviZ's high-k warning (the ``pareto_k`` column is the diagnostic).

    Parameters
    ----------
    idata : xarray.DataTree
        With a ``log_likelihood`` group holding one observed variable.

    Returns
    -------
    pandas.DataFrame
        Columns ``elpd_loo_i`` (the estimate of ``log p(y_i | y_-i)``) and ``pareto_k`` (NaN
        where ArviZ 1 could not fit the tail: an extreme point, worse than any k > 0.7).

    Raises
    ------
    ValueError
        If ``idata`` has no log-likelihood group.
    """
    import arviz as az

    if not hasattr(idata, "log_likelihood"):
        raise ValueError(
            "`idata` must have a log_likelihood group (call pm.compute_log_likelihood(idata))"
        )
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=_PARETO_WARNING, category=UserWarning)
        result = az.loo(idata, pointwise=True)
    return pd.DataFrame(
        {
            "elpd_loo_i": np.asarray(result.elpd_i.values).ravel(),
            "pareto_k": np.asarray(result.pareto_k.values).ravel(),
        }
    )
