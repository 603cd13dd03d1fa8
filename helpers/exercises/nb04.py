"""Self-checks for notebook 04 (workflow and model criticism).

Each checker recomputes the answer independently of the notebook's solution: directly from the
draws passed as context, in closed form, or by quadrature.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import integrate, stats

from helpers import check
from helpers.check import AnswerMalformed
from helpers.exercises import Answer, Exercise

WEEK_HOURS = 24 * 7
VAGUE_SD = 100.0  # alpha ~ Normal(0, 100), beta ~ Normal(0, 100) in the notebook
DISTANCE_KM = 30.0
FUNNEL_V_SD = 3.0
WIDE = 10.0
NOISE_UPPER, NOISE_MASS = 20.0, 0.95  # the expert: sigma below 20 hours, 95% sure
#: PreliZ's maxent warns when the mass it reaches is more than 0.01% (relative) off the request
PRELIZ_MASS_RTOL = 1e-4


def _p_min_expected(*, observed: Any, replicated: Any) -> float:
    y = np.asarray(observed, dtype=float)
    rep = np.asarray(replicated, dtype=float).reshape(-1, y.size)
    return float(np.mean(rep.min(axis=1) >= y.min()))


def _p_min(answer: Any, *, observed: Any, replicated: Any) -> None:
    expected = _p_min_expected(observed=observed, replicated=replicated)
    check.close(answer, expected, atol=1e-12, name="P(min y_rep >= min y)")


def exact_week_probability() -> float:
    """P(alpha + 30 beta > 168) for independent alpha, beta ~ Normal(0, 100)."""
    sd = VAGUE_SD * np.sqrt(1 + DISTANCE_KM**2)
    return float(stats.norm(0, sd).sf(WEEK_HOURS))


def _p_week_expected(*, draws: int) -> float:
    return exact_week_probability()


def _p_week(answer: Any, *, draws: int) -> None:
    exact = exact_week_probability()
    se = np.sqrt(exact * (1 - exact) / draws)
    check.close(answer, exact, atol=4 * se, name="P(expected 30 km time > 1 week), vague prior")


def exact_funnel_wide(threshold: float = WIDE, v_sd: float = FUNNEL_V_SD) -> float:
    """P(|x| > threshold) in Neal's funnel: integral of N(v; 0, v_sd) 2 Phi(-threshold e^{-v/2})."""

    def integrand(v: float) -> float:
        return float(stats.norm(0, v_sd).pdf(v) * 2 * stats.norm.sf(threshold * np.exp(-v / 2)))

    value, _ = integrate.quad(integrand, -12 * v_sd, 12 * v_sd, limit=200)
    return float(value)


def _p_wide_expected(*, idata: Any) -> float:
    return exact_funnel_wide()


def _p_wide(answer: Any, *, idata: Any) -> None:
    import arviz as az

    exact = exact_funnel_wide()
    indicator = (np.abs(idata.posterior["x"].isel(group=0).values) > WIDE).astype(float)
    ess = float(az.ess(indicator))
    se = np.sqrt(exact * (1 - exact) / ess)
    check.close(answer, exact, atol=4 * se, name="P(|x_0| > 10) in the funnel (4 SE)")


def exact_noise_scale(upper: float = NOISE_UPPER, mass: float = NOISE_MASS) -> float:
    """The HalfNormal scale with ``mass`` in [0, upper], in closed form: upper / Phi^-1((1 + mass) / 2)."""
    return float(upper / stats.halfnorm.ppf(mass))


def _noise_scale_expected() -> float:
    return exact_noise_scale()


def _noise_scale(answer: Any) -> None:
    scale = answer
    if not scale > 0:
        raise AnswerMalformed(f"a HalfNormal scale is above 0; yours is {scale:g}")
    mass = float(stats.halfnorm(scale=scale).cdf(NOISE_UPPER))
    check.close(
        mass, NOISE_MASS, atol=PRELIZ_MASS_RTOL * NOISE_MASS, name="P(sigma <= 20), elicited"
    )


EXERCISES = {
    "04-1": Exercise(
        _p_min,
        expected=_p_min_expected,
        answer=Answer.probability("P(min y_rep >= min y)"),
        hint="A posterior predictive p-value compares one statistic of each replicated data set "
        "with the same statistic of the observed data; here the statistic is the minimum, and "
        "the direction is 'replicated at least as large as observed'.",
        solution="ppc_pvalue(hours, normal_y_rep, np.min).p_value, or np.mean of "
        "(normal_y_rep.min(axis=-1) >= hours.min()).",
        explanation=(
            "The p-value is (almost) 0, extreme at the other end: with its inflated sigma the "
            "Normal model replicates delivery times far below anything observed, even negative."
        ),
    ),
    "04-2": Exercise(
        _p_week,
        expected=_p_week_expected,
        answer=Answer.probability("P(alpha + 30 beta > 168 h) under the vague prior"),
        hint="Use the vague prior's draws (prior, not posterior): the expected time for a 30 km "
        "delivery is the intercept plus 30 times the slope, and a week is 168 hours.",
        solution="vague = prior_draws['vague'].prior; np.mean(vague['alpha'] + 30 * "
        "vague['beta'] > 168). In closed form, alpha + 30 beta ~ Normal(0, 100 * sqrt(1 + "
        "30**2)).",
        explanation="Nearly half of the vague prior's 30 km deliveries are expected to take "
        "over a week.",
    ),
    "04-3": Exercise(
        _p_wide,
        expected=_p_wide_expected,
        answer=Answer.probability("P(|x_0| > 10) in the funnel"),
        hint="Trust the fit that explores the whole funnel, including its narrow neck; the "
        "event is about the size of the first group's effect in either direction.",
        solution="float((np.abs(noncentered_idata.posterior['x'].sel(group=0)) > 10).mean()). "
        "Given v, P(|x| > 10) = 2 * Phi(-10 / exp(v / 2)).",
        explanation=(
            "Large effects come from large v. The centred sampler never reaches the neck "
            "(small v), so its draws of v sit too high and it over-states how often effects "
            "are large."
        ),
    ),
    "04-4": Exercise(
        _noise_scale,
        expected=_noise_scale_expected,
        answer=Answer.number("the HalfNormal scale sigma"),
        hint="Translate the expert's sentence into a lower end, an upper end and the probability "
        "mass between them, and let PreliZ find the HalfNormal that puts that mass there; the "
        "answer is its scale.",
        solution="pz.maxent(pz.HalfNormal(), lower=0, upper=20, mass=0.95, plot=False).sigma.",
        explanation=(
            "The scale is about 10.2 hours: the expert's sentence says almost exactly what the "
            "HalfNormal(10) argued for in section 2 says."
        ),
    ),
}
