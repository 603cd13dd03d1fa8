"""The exercise machinery: lookup, answer forms, declared context, feedback that teaches, bugs.

:func:`assert_teaches` and :func:`assert_expected_is_right` are shared with the per-notebook
tests (``test_exercises_nbNN.py``), which build the exercises' contexts.
"""

import contextlib
import dataclasses
import io
import re

import numpy as np
import pandas as pd
import pytest

from helpers import check
from helpers import exercises as ex
from helpers.exercises import Answer, Exercise, exercise_ids, get_exercise, nb01

ALL_IDS = [i for nb in (f"{n:02d}" for n in range(1, 15)) for i in exercise_ids(nb)]


def _shown_expected(failed: check.CheckFailed) -> str:
    """The expected value as the feedback prints it, without the tolerance or the relation."""
    shown = failed.expected.split(" \u00b1")[0]
    for prefix in ("inside ", "< ", "> "):
        shown = shown.removeprefix(prefix)
    return shown


def assert_teaches(exercise_id: str, wrong, **context) -> str:
    """A well-formed wrong answer: the first attempt hints without the expected value, the
    second shows it. Returns the second message (which names the failed comparison)."""
    ex.reset_attempts()
    try:
        with pytest.raises(check.AnswerIncorrect) as first:
            check.exercise(exercise_id, wrong, **context)
        text = str(first.value)
        assert f"Hint: {get_exercise(exercise_id).hint}" in text
        failed = ex._LAST[exercise_id]
        if failed.expected is not None:
            shown = _shown_expected(failed)
            assert not re.search(rf"(?<![\w.]){re.escape(shown)}(?![\w.])", text), (
                f"the first attempt shows the expected {shown}: {text}"
            )
        with pytest.raises(check.AnswerIncorrect) as second:
            check.exercise(exercise_id, wrong, **context)
        again = str(second.value)
        if failed.expected is not None:
            assert f"expected {failed.expected}" in again
        return again
    finally:
        ex.reset_attempts()


def _wrong_like(value, spec: Exercise):
    """A well-formed value derived from the right one that no checker may accept."""
    if spec.answer.expects.startswith("one probability"):
        return (float(value) + 0.5) % 1.0  # half the unit interval away, still a probability
    if isinstance(value, (int, np.integer)):
        return int(value) + max(1, abs(int(value)) // 2)
    if dataclasses.is_dataclass(value):  # an estimate: move its mean by many standard errors
        return dataclasses.replace(value, mean=value.mean + 20 * value.se + 0.5 * abs(value.mean))
    if isinstance(value, pd.DataFrame):
        wrong = value.copy()
        numeric = wrong.select_dtypes("number").columns
        wrong[numeric] = wrong[numeric].iloc[::-1].to_numpy()  # rows swapped: the wrong versions
        if wrong.equals(value):
            wrong[numeric] = wrong[numeric] * 1.5 + 0.1
        return wrong
    if isinstance(value, list) and all(isinstance(x, str) for x in value):
        return value[1:] if value else ["no such name"]
    arr = np.asarray(value, dtype=float)
    return arr + 0.5 * np.abs(arr) + 1.0


def assert_expected_is_right(exercise_id: str, wrong=None, **context):
    """The exercise's ``expected(**context)`` passes its own checker, :func:`check.reveal` prints
    it before any answer, and a value derived from it (``wrong``, by default moved well outside
    any tolerance) is rejected. Returns the expected value."""
    spec = get_exercise(exercise_id)
    assert spec.expected is not None, f"exercise {exercise_id} has no expected function"
    ex.reset_attempts()
    try:
        value = spec.expected(**context)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            check.reveal(exercise_id, **context)
        assert f"Expected: {ex.show_value(value)}" in out.getvalue(), out.getvalue()
        assert "worked solution" in out.getvalue()
        ex.reset_attempts()
        with contextlib.redirect_stdout(out):
            check.exercise(exercise_id, value, **context)
        assert f"\u2713 Exercise {exercise_id}: correct" in out.getvalue()
        with pytest.raises(check.AnswerIncorrect):
            check.exercise(
                exercise_id, _wrong_like(value, spec) if wrong is None else wrong, **context
            )
        return value
    finally:
        ex.reset_attempts()


@pytest.fixture(autouse=True)
def _fresh_kernel():
    ex.reset_attempts()
    yield
    ex.reset_attempts()


def test_lookup_by_id():
    assert isinstance(get_exercise("01-1"), Exercise)
    assert exercise_ids("01") == ["01-1", "01-2", "01-3", "01-4"]
    assert len(ALL_IDS) >= 3 * 14


@pytest.mark.parametrize(
    ("bad", "error", "message"),
    [
        (1, TypeError, "`exercise_id` must be a string"),
        ("1-1", ValueError, "`exercise_id` must be 'NN-k'"),
        ("01-99", ValueError, "'01-99', which is not defined"),
        ("98-1", ValueError, "notebook 98, which has none"),
    ],
)
def test_bad_ids(bad, error, message):
    with pytest.raises(error, match=message):
        get_exercise(bad)
    with pytest.raises(error, match=message):
        check.exercise(bad, 1.0)
    with pytest.raises(error, match=message):
        check.reveal(bad)


def test_exercise_ids_rejects_bad_notebook():
    with pytest.raises(ValueError, match="`notebook` must be two digits"):
        exercise_ids("1")
    with pytest.raises(TypeError, match="`notebook` must be a string"):
        exercise_ids(1)


def test_right_answer_passes(capsys):
    assert check.exercise("01-1", 21) is None
    assert check.exercise("01-1", np.int64(21)) is None
    assert check.exercise("01-1", 21.0) is None  # a whole float is a whole number
    assert "Exercise 01-1: correct" in capsys.readouterr().out


def test_feedback_is_an_assertion_error_in_two_kinds():
    assert issubclass(check.ExerciseFeedback, AssertionError)
    assert issubclass(check.AnswerIncorrect, check.ExerciseFeedback)
    assert issubclass(check.AnswerMalformed, check.ExerciseFeedback)
    assert not issubclass(check.AnswerIncorrect, check.AnswerMalformed)
    assert not hasattr(check, "ExerciseIncorrect")


def test_first_wrong_answer_hints_without_the_number_second_shows_it():
    with pytest.raises(check.AnswerIncorrect) as first:
        check.exercise("01-1", 12)
    text = str(first.value)
    assert "01-1: not yet" in text and "orders to staff for" in text
    assert "(yours: 12)" in text and "21" not in text and "Hint: " in text and "quantile" in text
    assert "ppf" not in text  # the recipe is the solution, kept for reveal
    with pytest.raises(check.AnswerIncorrect, match=r"expected 21 \u00b1 0, got 12"):
        check.exercise("01-1", 12)
    assert assert_teaches("01-1", 20)


def test_reveal_prints_solution_and_expected_and_unlocks_the_number(capsys):
    check.reveal("01-4")  # before any answer: the exercise's expected function states it
    out = capsys.readouterr().out
    assert "worked solution" in out and "grid_posterior" in out
    assert "Expected: 0.2204\n" in out
    with pytest.raises(check.AnswerIncorrect, match=r"expected 0\.2204 \u00b1 0\.005"):
        check.exercise("01-4", 0.4069)  # after reveal the first wrong answer shows it at once


def test_reveal_after_a_wrong_answer_shows_it_next_to_yours(capsys):
    with pytest.raises(check.AnswerIncorrect):
        check.exercise("01-2", 0.16)
    check.reveal("01-2")
    out = capsys.readouterr().out
    assert re.search(r"Your last answer: P\(condition \| two positive tests\): expected 0\.78", out)
    assert "got 0.16" in out


def test_reveal_of_a_context_exercise_takes_the_same_context(capsys):
    observed, replicated = np.array([3.0, 5.0]), np.array([[1.0, 6.0], [4.0, 4.0], [3.0, 9.0]])
    check.reveal("04-1", observed=observed, replicated=replicated)
    assert "Expected: 0.6667\n" in capsys.readouterr().out
    check.reveal("04-1")  # without context: the solution, and the keywords that show the value
    out = capsys.readouterr().out
    assert "worked solution" in out and "Expected" not in out
    assert 'check.reveal("04-1", observed=..., replicated=...) with the same values' in out
    with pytest.raises(TypeError, match="unexpected context keyword `idata`"):
        check.reveal("04-1", idata=1)


def test_values_print_with_enough_digits_to_differ():
    with pytest.raises(check.AnswerIncorrect) as info:
        check.exercise("01-2", 0.7787)  # the right value is 0.77866..., tolerance 1e-6
    ex.reset_attempts()
    check.reveal("01-2")
    with pytest.raises(check.AnswerIncorrect) as info:
        check.exercise("01-2", 0.7787)
    match = re.search(r"expected (\S+) \u00b1 \S+, got (\S+)\.", str(info.value))
    assert match and match.group(1) != match.group(2), str(info.value)


def test_unanswered_is_a_reminder_not_an_error(capsys):
    assert check.exercise("01-1", ...) is None
    assert "no answer yet" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("exercise_id", "answer", "message"),
    [
        ("01-1", "21", r"01-1 expects one whole number .*; your answer is a string \('21'\)"),
        ("01-1", 21.5, "21.5, which is not a whole number"),
        ("01-2", 78, "outside"),  # a percentage where a probability is asked for
        ("01-2", True, "a bool"),
        ("01-2", np.array([0.5]), r"take the number out with float"),
        ("01-2", float("nan"), "NaN"),
        ("01-2", pd.DataFrame({"p": [0.5, 0.4]}), "a table \\(DataFrame\\) with 2 rows"),
        (
            "01-3",
            0.2,
            r"the result of mc_estimate\(\.\.\.\) \(of type MCEstimate\); your answer is 0.2",
        ),
        ("07-1", [1.0, 2.0], "07-1 expects 3 numbers .*; your answer has 2"),
        ("07-1", None, "your answer is None"),
    ],
)
def test_malformed_answers_say_what_was_expected_and_got(exercise_id, answer, message):
    with pytest.raises(check.AnswerMalformed, match=message):
        check.exercise(exercise_id, answer)
    assert ex._WRONG[exercise_id] == 0  # a malformed answer is not a wrong attempt


@pytest.mark.parametrize("exercise_id", ALL_IDS)
def test_every_exercise_rejects_a_string_as_malformed(exercise_id):
    spec = get_exercise(exercise_id)
    context = {name: object() for name in spec.context}  # never reached: the form fails first
    with pytest.raises(check.AnswerMalformed, match=rf"Exercise {exercise_id} expects .*a string"):
        check.exercise(exercise_id, "0.5", **context)


@pytest.mark.parametrize("exercise_id", ALL_IDS)
def test_every_exercise_has_an_expected_function(exercise_id):
    assert get_exercise(exercise_id).expected is not None, f"{exercise_id} has no expected"


CONTEXT_FREE = [i for i in ALL_IDS if not get_exercise(i).context]


@pytest.mark.parametrize("exercise_id", CONTEXT_FREE)
def test_expected_passes_reveal_shows_it_and_a_wrong_value_fails(exercise_id):
    assert_expected_is_right(exercise_id)  # exercises with a context: in test_exercises_nbNN


def test_the_expected_check_catches_a_wrong_expected(monkeypatch):
    spec = get_exercise("01-1")
    broken = dataclasses.replace(spec, expected=lambda: 20)  # off by one
    monkeypatch.setitem(nb01.EXERCISES, "01-1", broken)
    with pytest.raises(check.AnswerIncorrect):
        assert_expected_is_right("01-1")


def test_expected_must_take_the_checkers_context():
    spec = get_exercise("04-1")
    with pytest.raises(ValueError, match="`expected` must be a function of the checker's"):
        dataclasses.replace(spec, expected=lambda *, observed: 0.5)


def test_show_value_formats_readably():
    est = nb01._mc_tail_expected()
    assert ex.show_value(est).startswith("MCEstimate(mean=0.1998, se=0.001264, n_draws=100000")
    assert ex.show_value(np.array([1, 2])) == "[1, 2]"
    assert ex.show_value(["a", "b"]) == "['a', 'b']"
    draws = np.column_stack([np.arange(101.0), np.zeros(101)])
    assert ex.show_value(draws) == (
        "an array of shape (101, 2) with column means [50, 0] and column sds [29.3, 0]"
    )
    assert ex.show_value(np.arange(101.0)) == "101 values with mean 50 and sd 29.3"
    assert ex.show_value(np.arange(3.0)) == "[0, 1, 2]"
    table = ex.show_value(pd.DataFrame({"x": [0.123456]}, index=["a"]))
    assert "0.1235" in table and table.startswith("\n")


@pytest.mark.parametrize("exercise_id", ALL_IDS)
def test_every_exercise_has_teaching_feedback(exercise_id):
    spec = get_exercise(exercise_id)
    assert spec.hint != spec.solution
    assert len(spec.hint) > 40 and spec.solution
    assert spec.answer.expects


@pytest.mark.parametrize("exercise_id", ALL_IDS)
def test_every_exercise_refuses_a_context_that_does_not_match(exercise_id):
    spec = get_exercise(exercise_id)
    context = {name: object() for name in spec.context}
    with pytest.raises(TypeError, match=r"unexpected context keyword `typo`"):
        check.exercise(exercise_id, ..., **context, typo=1)
    if spec.context:
        missing = spec.context[0]
        del context[missing]
        with pytest.raises(TypeError, match=rf"missing context keyword `{missing}`"):
            check.exercise(exercise_id, ..., **context)


def _install(monkeypatch, checker, answer=None, expected=lambda: 0.0):
    spec = Exercise(
        checker, answer=answer or Answer.number(), hint="h" * 41, solution="s", expected=expected
    )
    monkeypatch.setitem(nb01.EXERCISES, "01-9", spec)


@pytest.mark.parametrize(
    ("error", "body"),
    [
        (KeyError, lambda answer: {}["missing"]),
        (ZeroDivisionError, lambda answer: 1 / 0),
        (TypeError, lambda answer: sum(answer)),  # a bad internal call: a float is not iterable
        (ValueError, lambda answer: check.close(answer, [1.0, 2.0, 3.0], atol=[1, 2], name="x")),
    ],
)
def test_a_broken_checker_raises_its_own_exception_not_incorrect(monkeypatch, error, body):
    _install(monkeypatch, body)
    with pytest.raises(error) as info:
        check.exercise("01-9", 1.0)
    assert not isinstance(info.value, check.ExerciseFeedback)
    assert ex._WRONG["01-9"] == 0


def test_a_checker_may_raise_malformed_with_context(monkeypatch):
    def needs_five(answer, *, n):
        if answer.size != n:
            raise check.AnswerMalformed(
                f"the answer must hold {n} numbers; yours has {answer.size}"
            )

    _install(monkeypatch, needs_five, Answer.vector(), expected=lambda *, n: np.zeros(n))
    check.exercise("01-9", np.zeros(5), n=5)
    with pytest.raises(
        check.AnswerMalformed, match="Exercise 01-9: the answer must hold 5 numbers"
    ):
        check.exercise("01-9", np.zeros(4), n=5)


def test_exercise_declarations_are_validated():
    def fine(answer, *, idata):
        return None

    def right(*, idata):
        return 0.5

    spec = Exercise(fine, answer=Answer.number(), hint="h", solution="s", expected=right)
    assert spec.context == ("idata",)
    with pytest.raises(TypeError, match="`expected` must be given"):
        Exercise(fine, answer=Answer.number(), hint="h", solution="s")  # no expected: refused
    with pytest.raises(ValueError, match=r"context \['idata'\]; got parameters \['idata'\]"):
        Exercise(fine, answer=Answer.number(), hint="h", solution="s", expected=lambda idata: 0)
    with pytest.raises(ValueError, match="`checker` must be a function of the answer alone"):
        Exercise(lambda answer, idata: None, answer=Answer.number(), hint="h", solution="s")
    with pytest.raises(ValueError, match="`checker` must be"):
        Exercise(lambda answer, **kw: None, answer=Answer.number(), hint="h", solution="s")
    with pytest.raises(TypeError, match="`answer` must be an Answer"):
        Exercise(fine, answer=float, hint="h", solution="s")
    with pytest.raises(ValueError, match="`hint` must be a non-empty string"):
        Exercise(fine, answer=Answer.number(), hint=" ", solution="s")


def test_answer_forms_read_and_reject():
    assert Answer.vector(2).read((1, 2)).tolist() == [1.0, 2.0]
    assert Answer.interval().read([0.1, 0.3]).tolist() == [0.1, 0.3]
    assert Answer.names().read(("a", "b")) == ["a", "b"]
    assert Answer.array((None, 2)).read(np.zeros((4, 2))).shape == (4, 2)
    torch = pytest.importorskip("torch")
    assert Answer.number().read(torch.tensor(0.5)) == 0.5
    assert Answer.vector(2).read(torch.ones(2, requires_grad=True)).tolist() == [1.0, 1.0]


def test_exercise_checks_do_not_print_or_record(tmp_path, monkeypatch, capsys):
    path = tmp_path / "r.jsonl"
    monkeypatch.setenv("COURSE_RECORD", str(path))
    check.exercise("01-1", 21)
    check.reveal("01-1")
    assert "\u2713 orders" not in capsys.readouterr().out
    assert not path.exists()


def test_nb01_reference_answers(rng):
    from scipy import stats

    from helpers.montecarlo import mc_estimate
    from helpers.probability import positive_predictive_value

    check.exercise(
        "01-2", positive_predictive_value(positive_predictive_value(0.01, 0.95, 0.95), 0.95, 0.95)
    )
    assert assert_teaches("01-2", positive_predictive_value(0.01, 0.95, 0.95))  # Bayes once
    x = stats.gamma(2, scale=2).rvs(size=50_000, random_state=rng)
    y = stats.expon(scale=3).rvs(size=50_000, random_state=rng)
    check.exercise("01-3", mc_estimate(x + y > 10))
    assert "Monte Carlo estimate (4 SE)" in assert_teaches("01-3", mc_estimate(x + y > 12))
    check.exercise("01-4", nb01.exact_mixture_tail())
    # flat prior alone: wrong, and rejected by the value check (not, say, a type check)
    message = assert_teaches("01-4", stats.beta(8, 34).sf(0.2))
    assert re.search(r"mixture prior: expected 0\.2204 .* got 0\.4069", message)


def test_mixture_closed_form_matches_a_grid():
    from scipy import stats

    from helpers.probability import grid_posterior

    def prior(t):
        return 0.5 * stats.beta(2, 18).pdf(t) + 0.5

    grid, dens = grid_posterior(7, 40, prior=prior, grid_size=20001)
    assert abs(np.trapezoid(dens[grid > 0.2], grid[grid > 0.2]) - nb01.exact_mixture_tail()) < 1e-3


# Numbers an exercise module defines for its checker and its prompt: the notebook imports them
# (07's EXERCISE_COV) or, where the prompt states them in words, they must appear in the
# notebook's exercises (prompt or solution), so the two cannot drift apart unnoticed. These are
# the model's own settings from the notebook's body rather than the exercises'.
_FROM_THE_BODY = {("04", "VAGUE_SD"), ("05", "MU_SD"), ("14", "MU_SD"), ("14", "TAU_SCALE")}
# the checkers' own simulation sizes and tolerances, and the sample size of an expected answer
_CHECKER_INTERNALS = {
    "CHECK_SEED",
    "CHECK_SIZE",
    "PRELIZ_MASS_RTOL",
    "_MC_TAIL_DRAWS",
    "_THREE_WAY_DRAWS",
    "_CUSTOMER_1_DRAWS",
    "_CUSTOMER_1_SEED",
    "_WORKED_DRAWS",
    "_WORKED_SEED",
}


def _numbers_in(value) -> list[float]:
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, np.ndarray):
        value = value.ravel().tolist()
    if isinstance(value, (list, tuple)):
        return [x for item in value for x in _numbers_in(item)]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [float(value)]
    return []


def _written(x: float) -> set[str]:
    forms = {f"{x:g}", repr(x)}
    if x.is_integer():
        forms |= {str(int(x)), f"{int(x):,}", f"{int(x):_}"}
    return forms


@pytest.mark.parametrize("number", [f"{n:02d}" for n in range(1, 15)])
def test_exercise_constants_appear_in_the_notebook(number):
    import importlib
    import json
    from pathlib import Path

    (path,) = Path(__file__).parents[1].glob(f"notebooks/{number}_*.ipynb")
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    whole = "\n".join("".join(cell["source"]) for cell in cells)
    exercises_part = whole[whole.index("## Exercises") :]
    module = importlib.import_module(f"helpers.exercises.nb{number}")
    source = Path(module.__file__).read_text(encoding="utf-8")
    for name, value in vars(module).items():
        defined_here = re.search(rf"^[A-Z0-9_, ]*\b{name}\b[A-Z0-9_, ]* =", source, re.M)
        if not name.isupper() or name in _CHECKER_INTERNALS or not defined_here:
            continue
        if re.search(rf"import .*\b{name}\b", whole):
            continue  # the notebook reads it from the module: one definition
        text = whole if (number, name) in _FROM_THE_BODY else exercises_part
        for x in _numbers_in(value):
            assert any(
                re.search(rf"(?<![\d.]){re.escape(form)}(?!\d)", text) for form in _written(x)
            ), f"notebook {number} does not state {name} = {x:g} in its exercises"
