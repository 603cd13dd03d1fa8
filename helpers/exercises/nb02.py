"""Self-checks for notebook 02 (Bayesian A/B testing).

Each checker recomputes the answer independently of :mod:`helpers.ab` (a closed-form sum, a
different one-dimensional integral, a property of the answer, or a large seeded simulation).
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pandas as pd
from scipy import integrate, optimize, special, stats

from helpers import check
from helpers.check import AnswerMalformed
from helpers.exercises import Answer, Exercise

CHECKOUT = {"successes": (118, 141), "trials": (2450, 2380)}
THREE_WAY = {
    "names": ("control", "covers", "reviews"),
    "successes": (212, 236, 251),
    "trials": (5230, 5105, 5180),
    "prior": (40.0, 960.0),
}


_THREE_WAY_DRAWS = 2_000_000  # the checker's simulation of 02-4


def _flat(successes: int, trials: int) -> tuple[int, int]:
    return 1 + successes, 1 + trials - successes


def prob_greater_closed_form(a1: int, b1: float, a2: float, b2: float) -> float:
    """P(X1 > X2) for X_i ~ Beta(a_i, b_i) with integer ``a1``, as a finite sum.

    The sum (E. Miller, "Formulas for Bayesian A/B testing", 2015) follows from expanding the
    Beta(a1, b1) cdf; it is independent of the quadrature in :mod:`helpers.ab`.
    """
    i = np.arange(int(a1))
    log_terms = (
        special.betaln(a2 + i, b1 + b2)
        - np.log(b1 + i)
        - special.betaln(1 + i, b1)
        - special.betaln(a2, b2)
    )
    return float(np.exp(special.logsumexp(log_terms)))


def positive_part_mean(first: Any, second: Any) -> float:
    """E[max(X1 - X2, 0)] = int P(X1 > t) P(X2 < t) dt, for frozen distributions on [0, 1]."""
    low = min(first.ppf(1e-12), second.ppf(1e-12))
    high = max(first.isf(1e-12), second.isf(1e-12))
    value, _ = integrate.quad(
        lambda t: first.sf(t) * second.cdf(t), low, high, epsabs=1e-13, limit=400
    )
    return float(value)


def _p_checkout_expected() -> float:
    (yc, yt), (nc, nt) = CHECKOUT["successes"], CHECKOUT["trials"]
    return prob_greater_closed_form(*_flat(yt, nt), *_flat(yc, nc))


def _p_checkout(answer: Any) -> None:
    expected = _p_checkout_expected()
    check.close(answer, expected, atol=1e-6, name="P(new button > old button)")


def _checkout_loss_expected() -> np.ndarray:
    (yc, yt), (nc, nt) = CHECKOUT["successes"], CHECKOUT["trials"]
    old, new = stats.beta(*_flat(yc, nc)), stats.beta(*_flat(yt, nt))
    return np.array([positive_part_mean(new, old), positive_part_mean(old, new)])


def _checkout_loss(answer: Any) -> None:
    expected = _checkout_loss_expected()
    check.close(answer, expected, atol=1e-7, name="expected losses [keep old, ship new]")


def _width_ratio(growth: float, clicks: Any, visitors: Any) -> float:
    """The sd of the rates' sum at ``growth`` times today's traffic, over today's sd."""
    y, n = np.asarray(clicks, dtype=float), np.asarray(visitors, dtype=float)

    def sd(m: float) -> float:
        return float(
            np.sqrt(
                sum(
                    stats.beta(1 + m * yk, 1 + m * (nk - yk)).var()
                    for yk, nk in zip(y, n, strict=True)
                )
            )
        )

    return sd(growth) / sd(1.0)


def _visitors_needed_expected(*, clicks: Any, visitors: Any) -> float:
    growth = optimize.brentq(lambda m: _width_ratio(m, clicks, visitors) - 0.5, 1.0, 100.0)
    return float(growth * np.sum(visitors))


def _visitors_needed(answer: Any, *, clicks: Any, visitors: Any) -> None:
    growth = float(answer) / float(np.sum(visitors))
    # the property asked for: the width at the answer is half today's width (to within 1%)
    ratio = _width_ratio(growth, clicks, visitors)
    check.close(ratio, 0.5, atol=0.005, name="width ratio at the answer")


@functools.cache
def _three_way_reference() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """P(best), expected loss and the loss's sd per draw, from the checker's own simulation."""
    a, b = THREE_WAY["prior"]
    generator = np.random.default_rng(20_260_202)  # the checker's own stream, fixed
    size = _THREE_WAY_DRAWS
    draws = np.column_stack(
        [
            generator.beta(a + y, b + n - y, size=size)
            for y, n in zip(THREE_WAY["successes"], THREE_WAY["trials"], strict=True)
        ]
    )
    share = np.bincount(draws.argmax(axis=1), minlength=3) / size
    regret = draws.max(axis=1, keepdims=True) - draws
    return share, regret.mean(axis=0), regret.std(axis=0)


def _three_way_expected() -> pd.DataFrame:
    share, loss, _ = _three_way_reference()
    return pd.DataFrame(
        {"P(best)": share, "expected loss": loss}, index=pd.Index(THREE_WAY["names"])
    )


def _three_way(answer: Any) -> None:
    names = list(THREE_WAY["names"])
    if sorted(map(str, answer.index)) != sorted(names):
        raise AnswerMalformed(
            f"the table must have one row per version, indexed by {names}; "
            f"yours has {list(answer.index)}"
        )
    share, loss, loss_sd = _three_way_reference()
    size = _THREE_WAY_DRAWS
    # 4 standard errors of the checker's simulation plus one of 200,000 learner draws
    per_draw = 1 / size + 1 / 200_000
    got = answer.loc[names]
    check.close(
        got["P(best)"].to_numpy(dtype=float),
        share,
        atol=float(np.max(4 * np.sqrt(share * (1 - share) * per_draw))),
        name="P(best)",
    )
    check.close(
        got["expected loss"].to_numpy(dtype=float),
        loss,
        atol=float(np.max(4 * loss_sd * np.sqrt(per_draw))),
        name="expected loss",
    )


EXERCISES = {
    "02-1": Exercise(
        _p_checkout,
        expected=_p_checkout_expected,
        answer=Answer.probability("P(new button > old button)"),
        hint="Each button's conversion rate gets its own posterior from its own clicks and "
        "visitors; the question is how often the new button's rate beats the old one's, so "
        "order matters.",
        solution="checkout_posteriors = posteriors([118, 141], [2450, 2380]); "
        "prob_greater(checkout_posteriors[1], checkout_posteriors[0]).",
        explanation="The checker used a closed-form sum instead of quadrature and got the same "
        "number.",
    ),
    "02-2": Exercise(
        _checkout_loss,
        expected=_checkout_loss_expected,
        answer=Answer.vector(2, "the expected loss of [keeping the old, shipping the new]"),
        hint="The loss of a choice is how much conversion rate you give up, on average, in the "
        "worlds where the other button is better: one number per choice, as a proportion "
        "(not in percent), the old button's first.",
        solution="expected_loss(checkout_posteriors), which returns [loss of the old, loss of "
        "the new].",
        explanation="The loss of shipping the new button is far below 0.001: ship it. The loss "
        "rule weighs how much you could lose, not only how often you would be wrong.",
    ),
    "02-3": Exercise(
        _visitors_needed,
        expected=_visitors_needed_expected,
        answer=Answer.number("the total number of visitors"),
        hint="Think about how the width of an interval for a difference of rates shrinks as "
        "the traffic grows: not in proportion to the visitors, but more slowly.",
        solution="The width shrinks like 1 / sqrt(visitors): solve width(m) = width(1) / 2 for "
        "the traffic multiplier m (about 4) with optimize.brentq, then multiply by "
        "visitors.sum().",
        explanation="Precision is expensive: each halving of the interval costs four times the "
        "traffic.",
    ),
    "02-4": Exercise(
        _three_way,
        expected=_three_way_expected,
        answer=Answer.table(["P(best)", "expected loss"], "one row per version"),
        hint="With three versions, 'best' means best of all three at once, and the prior is the "
        "informative one of the exercise, not the flat one; the table needs both the "
        "probability of being best and the expected loss of each version.",
        solution="posteriors([212, 236, 251], [5230, 5105, 5180], a=40, b=960), then "
        "summarize(..., names=['control', 'covers', 'reviews'])[['P(best)', 'expected loss']].",
        explanation="With three versions, P(best) splits between the two close leaders; the "
        "expected loss tells you whether the difference between them is worth more testing.",
    ),
}
