"""Variance-based sensitivity analysis: Sobol' indices with SALib. Introduced in notebook 08.

The bracket of :mod:`helpers.reliability` is described as a SALib ``problem`` dictionary; the
helpers here run SALib's Sobol' (Saltelli) analysis of any model of such a problem with a seed
that is never ignored, and turn SALib's results into tidy tables and bar charts. The Ishigami
function's analytic indices validate the machinery.

References
----------
Saltelli, A. et al. (2008). *Global Sensitivity Analysis: The Primer*. Wiley.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from helpers import _validate as validate
from helpers.seeding import RngLike, make_rng

__all__ = [
    "ishigami_indices",
    "power_of_two",
    "run_sobol",
    "sobol_table",
    "second_order_table",
    "plot_sobol",
]


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
    n_draws: int,
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
    n_draws : int
        The base sample size, SALib's ``N`` (the meaning is SALib's: rows of each of the two
        independent Sobol' matrices), a power of two; the model runs ``n_draws * (2 D + 2)``
        times with second-order indices, ``n_draws * (D + 2)`` without.
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
        If ``n_draws`` is not a power of two.

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

    validate.salib_problem(problem, "problem")
    n_draws = validate.integer(n_draws, "n_draws", minimum=2)
    validate.function(model, "model")
    num_resamples = validate.integer(num_resamples, "num_resamples", minimum=1)
    if n_draws & (n_draws - 1):
        raise ValueError(
            f"`n_draws` must be a power of two; got {n_draws} (try power_of_two({n_draws}))"
        )
    generator = make_rng(rng)
    sample_seed, analyze_seed = (int(s) for s in generator.integers(1, 2**31 - 1, size=2))
    local = {key: value for key, value in problem.items() if key != "groups"}
    x = sobol_sample.sample(local, n_draws, calc_second_order=second_order, seed=sample_seed)
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
    d = validate.salib_problem(problem, "problem")
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
    d = validate.salib_problem(problem, "problem")
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
