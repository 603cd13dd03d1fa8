"""Self-checks for notebook 08 (reliability, FORM, Sobol' indices).

Each checker recomputes the answer independently of the notebook's solution: from the formula
for the Monte Carlo error, by a large crude Monte Carlo run, or from simulated moments.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from helpers import check
from helpers.exercises import Answer, Exercise
from helpers.reliability import (
    FailureEstimate,
    bending_stress,
    bracket_margin,
    bracket_problem,
    failure_probability,
    sample_inputs,
)

TARGET_COV = 0.05
COATED_WEAR_SCALE = 0.9
CHECK_SEED = 808


def _runs_needed_expected(*, mc: Any) -> float:
    if not isinstance(mc, FailureEstimate):
        raise TypeError("pass the notebook's Monte Carlo estimate as mc=mc")
    # cov = se / pf = sqrt((1 - pf) / (N pf))  =>  N = (1 - pf) / (pf cov^2)
    return (1 - mc.pf) / (mc.pf * TARGET_COV**2)


def _runs_needed(answer: Any, *, mc: Any) -> None:
    expected = _runs_needed_expected(mc=mc)
    check.close(answer, expected, rtol=0.01, name="runs for a 5% coefficient of variation")


def coated_problem() -> dict[str, Any]:
    """The bracket problem with the corrosion loss's Weibull scale halved (exercise 08-2)."""
    problem = bracket_problem()
    problem["bounds"][problem["names"].index("wear")] = [1.5, COATED_WEAR_SCALE]
    return problem


@functools.cache
def coated_reference(n_draws: int = 4_000_000) -> FailureEstimate:
    """Crude Monte Carlo failure probability of the coated bracket, in chunks to save memory.

    Computed once per process and size (the checker and :func:`check.reveal` both need it)."""
    rng = np.random.default_rng(CHECK_SEED)
    chunks = [
        bracket_margin(sample_inputs(coated_problem(), n_draws // 4, rng=rng)) < 0 for _ in range(4)
    ]
    return failure_probability(np.where(np.concatenate(chunks), -1.0, 1.0))


def _coated_expected() -> FailureEstimate:
    """The reference run itself: any estimate within its error of this p_f is right."""
    return coated_reference()


def _coated(answer: Any) -> None:
    reference = coated_reference()
    check.close(
        answer.pf,
        reference.pf,
        atol=4 * np.hypot(answer.se, reference.se),
        name="coated p_f vs a large crude Monte Carlo run (4 combined SE)",
    )


@functools.cache
def load_index_by_simulation(n_draws: int = 2_000_000) -> float:
    """S1 of the load on the margin from simulated moments (exercise 08-3's reference).

    E[g | P] = E[R] - c P with c = E[6000 L / (b (h - w)^2)], so S1 = c^2 Var(P) / Var(g); c and
    Var(g) are estimated from two million independent draws (relative error about 0.1%), not
    from the closed forms the exercise asks for.
    """
    x = sample_inputs(bracket_problem(), n_draws, rng=CHECK_SEED)
    load, _, length, width, height, wear = x.T
    c = bending_stress(np.ones(n_draws), length, width, height, wear).mean()  # stress per kN
    return float(c**2 * np.var(load) / bracket_margin(x).var())


def _load_index_expected() -> float:
    return load_index_by_simulation()


def _load_index(answer: Any) -> None:
    # 0.01 is several times the reference's own simulation error, and far below the gap to
    # plausible mistakes (a forgotten E[(h - w)^-2] factor or Var(sigma) left out)
    check.close(answer, load_index_by_simulation(), atol=0.01, name="S1 of the load (margin)")


EXERCISES = {
    "08-1": Exercise(
        _runs_needed,
        expected=_runs_needed_expected,
        answer=Answer.number("the number of runs"),
        hint="The coefficient of variation of a crude Monte Carlo failure probability is its "
        "standard error divided by p_f; write the standard error of a share for N runs, set "
        "that ratio to the target and solve for N. Rarer failures need more runs.",
        solution="se / pf = sqrt((1 - pf) / (N pf)) = 0.05, so N = (1 - mc.pf) / (mc.pf * "
        "0.05**2).",
        explanation="Rare events are expensive: the runs needed grow like 1 / p_f.",
    ),
    "08-2": Exercise(
        _coated,
        expected=_coated_expected,
        answer=Answer.instance(FailureEstimate, "the result of importance_sampling(...)"),
        hint="Change only the corrosion loss's distribution in a copy of the problem, find the "
        "new design point of that problem, and centre importance sampling there (the old "
        "design point belongs to the old problem).",
        solution="coated_problem = bracket_problem(); set its 'wear' bounds to [1.5, 0.9]; "
        "coated_form = form(bracket_margin, coated_problem); importance_sampling("
        "bracket_margin, coated_problem, coated_form.u_star, n_is, rng=rng).",
        explanation=(
            "Halving the corrosion scale raises beta by about 0.9: the largest lever in the "
            "recommendation, quantified."
        ),
    ),
    "08-3": Exercise(
        _load_index,
        expected=_load_index_expected,
        answer=Answer.number("the first-order Sobol' index of the load"),
        hint="The margin is linear in the load for fixed geometry, so the load's first-order "
        "index is (its coefficient's mean)^2 times Var(load), over Var(margin); the hard part "
        "is the moments of the geometry factor and of the stress, which need expectations "
        "over each input's distribution, not values at their means.",
        solution="c = 6000 E[L] E[1/b] E[(h - w)^-2]; S1 = c^2 Var(P) / Var(g) with Var(g) = "
        "Var(R) + Var(sigma); E[1/b], E[b^-2] with width_d.expect, E[(h - w)^-k] by "
        "integrating the depth's expectation over the wear density, lognormal moments with "
        ".moment(2) and .var().",
        explanation=(
            "SALib's estimate should agree within its interval: an analytic case for the "
            "engineering model itself."
        ),
    ),
}
