"""Self-checks of notebook 02: reference answers pass, plausible wrong answers fail."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from helpers import check
from helpers.ab import posteriors, summarize
from helpers.decisions import expected_loss, prob_best, prob_greater
from helpers.exercises import exercise_ids, nb02
from tests.test_exercises import assert_expected_is_right, assert_teaches

CLICKS, VISITORS = np.array([386, 304]), np.array([10169, 6733])


def checkout():
    return posteriors(list(nb02.CHECKOUT["successes"]), list(nb02.CHECKOUT["trials"]))


def three_way_posteriors():
    a, b = nb02.THREE_WAY["prior"]
    return posteriors(list(nb02.THREE_WAY["successes"]), list(nb02.THREE_WAY["trials"]), a=a, b=b)


def test_ids():
    assert exercise_ids("02") == ["02-1", "02-2", "02-3", "02-4"]


def test_closed_form_matches_monte_carlo(rng):
    x, y = rng.beta(12, 30, 1_000_000), rng.beta(9.5, 33.2, 1_000_000)
    mc = (x > y).mean()
    assert nb02.prob_greater_closed_form(12, 30, 9.5, 33.2) == pytest.approx(mc, abs=4 * 5e-4)


def test_positive_part_mean_matches_monte_carlo(rng):
    x, y = stats.beta(12, 30), stats.beta(9.5, 33.2)
    draws = np.maximum(x.rvs(1_000_000, random_state=rng) - y.rvs(1_000_000, random_state=rng), 0)
    assert nb02.positive_part_mean(x, y) == pytest.approx(draws.mean(), abs=4 * draws.std() / 1000)


def test_02_1():
    old, new = checkout()
    check.exercise("02-1", prob_greater(new, old))
    assert_teaches("02-1", prob_greater(old, new))  # the wrong way round
    with pytest.raises(check.AnswerMalformed, match=r"expects one probability .*\(a bool\)"):
        check.exercise("02-1", 141 / 2380 > 118 / 2450)  # a yes/no is not a probability


def test_02_2():
    loss = expected_loss(checkout())
    check.exercise("02-2", loss)
    check.exercise("02-2", list(loss))
    message = assert_teaches("02-2", 100 * loss)  # in percentage points
    assert "expected losses [keep old, ship new]" in message
    with pytest.raises(check.AnswerMalformed, match="expects 2 numbers"):
        check.exercise("02-2", loss[1])


def test_02_3():
    def width(m):
        return np.hypot(
            *[
                stats.beta(1 + m * y, 1 + m * (n - y)).std()
                for y, n in zip(CLICKS, VISITORS, strict=True)
            ]
        )

    from scipy import optimize

    growth = optimize.brentq(lambda m: width(m) - width(1) / 2, 1, 100)
    answer = growth * VISITORS.sum()
    check.exercise("02-3", answer, clicks=CLICKS, visitors=VISITORS)
    check.exercise("02-3", round(answer, -2), clicks=CLICKS, visitors=VISITORS)
    message = assert_teaches("02-3", 2 * VISITORS.sum(), clicks=CLICKS, visitors=VISITORS)
    assert "width ratio at the answer: expected 0.5" in message
    expected = assert_expected_is_right("02-3", clicks=CLICKS, visitors=VISITORS)
    assert expected == pytest.approx(answer, rel=1e-6)


def test_02_4_exact_and_monte_carlo_answers_pass(rng):
    names = list(nb02.THREE_WAY["names"])
    posts = three_way_posteriors()
    check.exercise("02-4", summarize(posts, names=names)[["P(best)", "expected loss"]])
    draws = np.column_stack([p.rvs(200_000, random_state=rng) for p in posts])
    mc = pd.DataFrame(
        {
            "P(best)": np.bincount(draws.argmax(axis=1), minlength=3) / draws.shape[0],
            "expected loss": (draws.max(axis=1, keepdims=True) - draws).mean(axis=0),
        },
        index=names,
    )
    check.exercise("02-4", mc.iloc[::-1])  # row order does not matter


def test_02_4_wrong_answers_fail():
    names = list(nb02.THREE_WAY["names"])
    flat = posteriors(list(nb02.THREE_WAY["successes"]), list(nb02.THREE_WAY["trials"]))
    flat_answer = pd.DataFrame(
        {"P(best)": prob_best(flat), "expected loss": expected_loss(flat)}, index=names
    )
    assert_teaches("02-4", flat_answer)  # forgot the informative prior
    with pytest.raises(check.AnswerMalformed, match="expects a DataFrame"):
        check.exercise("02-4", prob_best(three_way_posteriors()))
    with pytest.raises(check.AnswerMalformed, match="one row per version"):
        check.exercise("02-4", flat_answer.rename(index={"reviews": "b"}))
    with pytest.raises(check.AnswerMalformed, match="no column 'expected loss'"):
        check.exercise("02-4", flat_answer[["P(best)"]])
