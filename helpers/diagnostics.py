"""MCMC diagnostics in one call: R-hat, ESS (bulk and tail), divergences, BFMI, Pareto k.

Built on ArviZ; nothing is re-implemented. Notebooks call :func:`diagnose` after every fit and
print its report; checks call ``report.raise_if_bad()`` (healthy fits) or inspect
``report.problems`` (fits that are broken on purpose).

Introduced in notebook 03; notebook 04 is about what each diagnostic catches.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from helpers import _validate as validate

__all__ = ["PARETO_K_MAX", "Thresholds", "DiagnosticsReport", "DiagnosticsError", "diagnose"]


class DiagnosticsError(AssertionError):
    """A fit failed its diagnostics."""


#: Largest acceptable PSIS-LOO Pareto k: above it the importance-sampling estimate of an
#: observation's leave-one-out term is unreliable (Vehtari et al., 2024). The one threshold of the
#: package: ``Thresholds`` and ``workflow.compare_loo`` both use it.
PARETO_K_MAX: float = 0.7


@dataclass(frozen=True)
class Thresholds:
    """The lines a healthy fit stays on the right side of.

    Parameters
    ----------
    rhat_max : float, default 1.01
        Largest acceptable rank-normalised split R-hat (Vehtari et al., 2021) once the fit has
        many effective draws.
    rhat_noise : float, default 16
        Allowance for R-hat's own sampling noise, which shrinks as 1/ESS: a parameter passes when
        ``R-hat - 1 <= max(rhat_max - 1, rhat_noise / max(ESS, ess_per_chain * chains))``, where
        ESS is the smaller of bulk and tail ESS (ArviZ's R-hat is the larger of the bulk and the
        folded-tail R-hat, so the noisier of the two sets it). For chains
        that have converged, the 99.99th percentile of R-hat - 1 over 4 chains is about 16 / ESS
        (simulated AR(1) chains with bulk ESS from 90 to 1600; tests/test_diagnostics.py repeats
        the simulation), so 1.01 alone flags healthy fast-budget fits (4 x 400 draws, ESS 400 to
        600: R-hat 1.01 to 1.03 is noise there, not disagreement) on some seeds and not others.
        The ESS in the allowance is never taken below the ESS gate, so the allowance is at most
        16 / 400 = 0.04 and chains that disagree (R-hat 1.1 and more) are always flagged; with
        ESS >= 1600 (the full budget) the gate is 1.01 again.
    ess_per_chain : float, default 100
        Smallest acceptable bulk and tail ESS per chain (so 400 for four chains).
    max_divergences : int, default 0
        Divergent transitions tolerated.
    bfmi_min : float, default 0.3
        Smallest acceptable energy Bayesian fraction of missing information per chain.
    pareto_k_max : float, default PARETO_K_MAX (0.7)
        Largest acceptable PSIS-LOO Pareto k (only when LOO is computed).
    """

    rhat_max: float = 1.01
    rhat_noise: float = 16.0
    ess_per_chain: float = 100.0
    max_divergences: int = 0
    bfmi_min: float = 0.3
    pareto_k_max: float = PARETO_K_MAX

    def __post_init__(self) -> None:
        for name in ("rhat_noise", "ess_per_chain", "bfmi_min", "pareto_k_max"):
            validate.real(getattr(self, name), name, positive=True)
        validate.real(self.rhat_max, "rhat_max", low=1)
        validate.integer(self.max_divergences, "max_divergences", minimum=0)


@dataclass
class DiagnosticsReport:
    """What :func:`diagnose` found.

    Attributes
    ----------
    rhat_max, ess_bulk_min, ess_tail_min : float
        Worst values over all checked parameters.
    rhat_limit : float
        The R-hat gate at the parameter nearest to (or furthest over) its gate: 1.01, or more
        where the ESS is small enough for R-hat's own noise to reach 1.01 (:class:`Thresholds`).
    divergences : int
        Number of divergent transitions over all chains (0 when not recorded).
    bfmi_min : float or None
        Smallest per-chain BFMI (None when the sampler records no energy).
    pareto_k_max : float or None
        Largest Pareto k (None unless ``loo=True``); ``inf`` when ArviZ returned NaN for a point
        too extreme to fit.
    chains, draws : int
    thresholds : Thresholds
    problems : list of str
        One sentence per failed diagnostic; empty for a healthy fit.
    per_parameter : pandas.DataFrame
        R-hat and ESS for every parameter element.
    """

    rhat_max: float
    rhat_limit: float
    ess_bulk_min: float
    ess_tail_min: float
    divergences: int
    bfmi_min: float | None
    pareto_k_max: float | None
    chains: int
    draws: int
    thresholds: Thresholds
    problems: list[str] = field(default_factory=list)
    per_parameter: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def ok(self) -> bool:
        """True when every diagnostic passed."""
        return not self.problems

    def table(self) -> pd.DataFrame:
        """One row per diagnostic: value, threshold and verdict."""
        t = self.thresholds
        ess_min = t.ess_per_chain * self.chains
        rows = [
            (
                "max R-hat",
                self.rhat_max,
                f"<= {self.rhat_limit:.3f}",
                bool((self.per_parameter["r_hat"] <= self.per_parameter["r_hat_limit"]).all())
                if "r_hat_limit" in self.per_parameter
                else self.rhat_max <= self.rhat_limit,
            ),
            ("min bulk ESS", self.ess_bulk_min, f">= {ess_min:.0f}", self.ess_bulk_min >= ess_min),
            ("min tail ESS", self.ess_tail_min, f">= {ess_min:.0f}", self.ess_tail_min >= ess_min),
            (
                "divergences",
                self.divergences,
                f"<= {t.max_divergences}",
                self.divergences <= t.max_divergences,
            ),
        ]
        if self.bfmi_min is not None:
            rows.append(
                ("min BFMI", self.bfmi_min, f">= {t.bfmi_min}", self.bfmi_min >= t.bfmi_min)
            )
        if self.pareto_k_max is not None:
            rows.append(
                (
                    "max Pareto k",
                    self.pareto_k_max,
                    f"<= {t.pareto_k_max}",
                    self.pareto_k_max <= t.pareto_k_max,
                )
            )
        frame = pd.DataFrame(rows, columns=["diagnostic", "value", "threshold", "ok"])
        return frame.set_index("diagnostic")

    def __str__(self) -> str:
        verdict = "healthy" if self.ok else "PROBLEMS: " + "; ".join(self.problems)
        return (
            f"{self.chains} chains x {self.draws} draws: R-hat <= {self.rhat_max:.3f} "
            f"(gate {self.rhat_limit:.3f}), "
            f"bulk ESS >= {self.ess_bulk_min:.0f}, tail ESS >= {self.ess_tail_min:.0f}, "
            f"{self.divergences} divergences -> {verdict}"
        )

    def raise_if_bad(self) -> None:
        """Raise :class:`DiagnosticsError` listing every problem, if there is any."""
        if self.problems:
            raise DiagnosticsError("diagnostics failed: " + "; ".join(self.problems))


def diagnose(
    idata: Any,
    *,
    var_names: list[str] | None = None,
    thresholds: Thresholds | None = None,
    loo: bool = False,
) -> DiagnosticsReport:
    """Check an MCMC fit against :class:`Thresholds` and report every problem.

    Parameters
    ----------
    idata : xarray.DataTree
        A PyMC 6 / ArviZ 1 fit, with a ``posterior`` group (and ``sample_stats`` for divergences and BFMI;
        ``log_likelihood`` when ``loo=True``).
    var_names : list of str, optional
        Parameters to check; by default all in the posterior.
    thresholds : Thresholds, optional
        By default ``Thresholds()``.
    loo : bool, default False
        Also compute PSIS-LOO and check the Pareto k values.

    Returns
    -------
    DiagnosticsReport

    Raises
    ------
    TypeError
        If ``idata`` has no posterior group, or ``thresholds`` is of the wrong type.
    ValueError
        If the posterior has fewer than 2 chains (R-hat needs several), or ``loo=True`` without
        a log-likelihood group.
    """
    import arviz as az

    if not hasattr(idata, "posterior"):
        raise TypeError(
            f"`idata` must be an ArviZ DataTree with a posterior group; got {type(idata).__name__}"
        )
    if thresholds is None:
        thresholds = Thresholds()
    elif not isinstance(thresholds, Thresholds):
        raise TypeError(f"`thresholds` must be a Thresholds; got {type(thresholds).__name__}")
    post = idata.posterior
    chains, draws = int(post.sizes["chain"]), int(post.sizes["draw"])
    if chains < 2:
        raise ValueError(f"`idata` must hold at least 2 chains for R-hat; got {chains}")

    rhat = az.rhat(idata, var_names=var_names)
    ess_bulk = az.ess(idata, var_names=var_names, method="bulk")
    ess_tail = az.ess(idata, var_names=var_names, method="tail")
    rows = []
    for name in rhat.data_vars:
        r = np.atleast_1d(rhat[name].values).ravel()
        b = np.atleast_1d(ess_bulk[name].values).ravel()
        t = np.atleast_1d(ess_tail[name].values).ravel()
        for i in range(r.size):
            label = name if r.size == 1 else f"{name}[{i}]"
            rows.append((label, r[i], b[i], t[i]))
    per = pd.DataFrame(rows, columns=["parameter", "r_hat", "ess_bulk", "ess_tail"]).set_index(
        "parameter"
    )
    # R-hat's own noise shrinks as 1/ESS; ArviZ's R-hat is the larger of the bulk and the folded
    # (tail) R-hat, so the smaller ESS sets it. Never below the ESS gate (Thresholds).
    ess = np.minimum(per["ess_bulk"].to_numpy(), per["ess_tail"].to_numpy())
    ess_floor = np.maximum(ess, thresholds.ess_per_chain * chains)
    per["r_hat_limit"] = np.maximum(thresholds.rhat_max, 1 + thresholds.rhat_noise / ess_floor)

    stats = getattr(idata, "sample_stats", None)
    divergences = 0
    bfmi_min = None
    if stats is not None and "diverging" in stats:
        divergences = int(stats["diverging"].values.sum())
    if stats is not None and "energy" in stats:
        bfmi_min = float(np.min(az.bfmi(idata)["energy"].values))

    pareto_k_max = None
    n_high_k = 0
    if loo:
        if not hasattr(idata, "log_likelihood"):
            raise ValueError("`loo=True` needs a log_likelihood group in `idata`")
        # ArviZ warns when a k is large; the report says so itself (a problem naming the count).
        with warnings.catch_warnings():
            warnings.filterwarnings(
                "ignore",
                message="Estimated shape parameter of Pareto distribution",
                category=UserWarning,
            )
            ks = np.asarray(az.loo(idata, pointwise=True).pareto_k.values, dtype=float).ravel()
        # ArviZ 1 gives k = NaN (no warning) where a point is so extreme that the Pareto fit
        # fails; that is the worst case, not a missing value, so it counts as infinitely bad.
        n_high_k = int(np.sum(ks > thresholds.pareto_k_max) + np.sum(np.isnan(ks)))
        pareto_k_max = float("inf") if np.isnan(ks).any() else float(np.max(ks))

    report = DiagnosticsReport(
        rhat_max=float(per["r_hat"].max()),
        rhat_limit=float(
            per["r_hat_limit"].iloc[int(np.argmax(per["r_hat"] - per["r_hat_limit"]))]
        ),
        ess_bulk_min=float(per["ess_bulk"].min()),
        ess_tail_min=float(per["ess_tail"].min()),
        divergences=divergences,
        bfmi_min=bfmi_min,
        pareto_k_max=pareto_k_max,
        chains=chains,
        draws=draws,
        thresholds=thresholds,
        per_parameter=per,
    )
    ess_min = thresholds.ess_per_chain * chains
    over = per["r_hat"] - per["r_hat_limit"]
    if (over > 0).any():
        worst = over.idxmax()
        report.problems.append(
            f"R-hat {per.loc[worst, 'r_hat']:.3f} > {per.loc[worst, 'r_hat_limit']:.3f} "
            f"(worst: {worst}): chains disagree"
        )
    if report.ess_bulk_min < ess_min:
        report.problems.append(f"bulk ESS {report.ess_bulk_min:.0f} < {ess_min:.0f}")
    if report.ess_tail_min < ess_min:
        report.problems.append(f"tail ESS {report.ess_tail_min:.0f} < {ess_min:.0f}")
    if divergences > thresholds.max_divergences:
        report.problems.append(f"{divergences} divergent transitions")
    if bfmi_min is not None and bfmi_min < thresholds.bfmi_min:
        report.problems.append(f"BFMI {bfmi_min:.2f} < {thresholds.bfmi_min}")
    if pareto_k_max is not None and pareto_k_max > thresholds.pareto_k_max:
        report.problems.append(
            f"Pareto k {pareto_k_max:.2f} > {thresholds.pareto_k_max} "
            f"({n_high_k} observation{'s' if n_high_k != 1 else ''}): LOO unreliable there"
        )
    return report
