"""The exercise entry points, ``check.exercise`` and ``check.reveal``, and what they raise.

Both outcomes are ``AssertionError`` subclasses, so a failing self-check fails its notebook cell.
Everything here is re-exported by :mod:`helpers.check` (``check.exercise``,
``check.AnswerIncorrect``); the machinery is in :mod:`helpers.exercises`.

Introduced in notebook 01.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ExerciseFeedback", "AnswerIncorrect", "AnswerMalformed", "exercise", "reveal"]


class ExerciseFeedback(AssertionError):
    """An answer did not pass its exercise's self-check."""


class AnswerIncorrect(ExerciseFeedback):
    """The answer has the right form but the wrong value."""


class AnswerMalformed(ExerciseFeedback):
    """The answer has the wrong type, shape or unit (a string, 2 numbers where 3 are asked)."""


def exercise(exercise_id: str, answer: Any, /, **context: Any) -> None:
    """Self-check an answer to exercise ``"NN-k"``: say whether it is right, and if not, why.

    ``answer`` is ``...`` (not answered yet: a reminder is printed) or the learner's answer;
    ``context`` holds the notebook values the exercise declares. The first wrong answer gets a
    hint without the expected value; the second (same kernel) also shows the expected value.
    See :mod:`helpers.exercises`.

    Raises
    ------
    AnswerIncorrect
        When the answer has the right form but is wrong.
    AnswerMalformed
        When the answer is not of the form the exercise asks for (a string, too few numbers).
    TypeError
        If the context keywords differ from the exercise's declaration (the notebook's bug).
    ValueError
        If no exercise has that id.

    Examples
    --------
    >>> from helpers import check
    >>> check.exercise("01-1", 21)
    ✓ Exercise 01-1: correct. The 99% quantile of Poisson(12) is well above the mean of 12.
    """
    from helpers.exercises import judge

    judge(exercise_id, answer, context)


def reveal(exercise_id: str, /, **context: Any) -> None:
    """Print exercise ``"NN-k"``'s worked solution and its expected value.

    The expected value comes from the exercise's own ``expected`` function, before any answer
    too; an exercise that takes a context needs the self-check's context to compute it
    (``reveal("03-2", idata=aware_idata)``), and without it the keywords to pass are printed.
    After a wrong answer, the comparison it failed is shown as well. Later wrong answers show
    the expected value at once.

    Raises
    ------
    ValueError
        If no exercise has that id.
    TypeError
        If ``context`` is given and differs from the exercise's declaration.

    Examples
    --------
    >>> from helpers import check
    >>> check.reveal("01-1")  # doctest: +ELLIPSIS
    Exercise 01-1, worked solution: ...
    Expected: 21
    """
    from helpers.exercises import reveal as _reveal

    _reveal(exercise_id, **context)
