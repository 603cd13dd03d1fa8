"""Exercise self-checks: one module per notebook (``nb01``, ``nb02``, ...), and the machinery.

Each module holds a dictionary ``EXERCISES`` from an id such as ``"02-1"`` to an
:class:`Exercise`, and the constants its prompt and its checker share (a notebook reads them from
here rather than repeating the numbers). Notebooks call :func:`helpers.check.exercise` and
:func:`helpers.check.reveal`, which come here.

An exercise declares three things:

- the form of the answer, as an :class:`Answer` (``Answer.number()``, ``Answer.vector(3)``,
  ``Answer.table(columns=...)``, ...): an answer of another form gets
  :class:`~helpers.check.AnswerMalformed` saying what was expected and what was got, and the
  checker never sees it;
- the context it needs, as the checker's keyword-only parameters (``def _sds(answer, *, cov)``):
  a call with other keywords is the notebook's bug and raises :class:`TypeError` naming them;
- feedback that teaches: a ``hint`` that points at the idea (which quantity, which
  distribution, which direction) without the number or the recipe, a worked ``solution`` shown
  only by :func:`reveal`, and an ``explanation`` shown when the answer is right;
- the right answer, as an ``expected`` function of the same keyword-only context
  (``def _sds_expected(*, cov)``) returning the value a learner would pass: :func:`reveal`
  prints it, before any answer too, and the tests feed it to the checker.

A checker recomputes the right answer independently (from the same seeded data or from the
context) and compares with the ``helpers.check`` functions, whose :class:`~helpers.check.CheckFailed`
becomes :class:`~helpers.check.AnswerIncorrect`. Anything else it raises propagates unchanged:
a ``KeyError`` or ``TypeError`` inside a checker is a bug to fix, not the learner's mistake.

The first wrong answer to an exercise shows the hint without the expected value; the second
(in the same kernel), and every one after :func:`reveal`, also shows the expected value.

Introduced in notebook 01.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import numbers
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from helpers import _validate as v
from helpers.exercises.answers import Answer, _Malformed
from helpers.exercises.feedback import AnswerIncorrect, AnswerMalformed

if TYPE_CHECKING:
    from helpers.check import CheckFailed

__all__ = [
    "Answer",
    "Exercise",
    "get_exercise",
    "exercise_ids",
    "judge",
    "reveal",
    "reset_attempts",
    "show_value",
]

_ID = re.compile(r"^(\d{2})-(\d+)$")


@dataclass(frozen=True)
class Exercise:
    """One exercise's self-check.

    Parameters
    ----------
    checker : callable
        ``checker(answer, *, name, ...)``: the answer as :attr:`answer` read it, plus the context
        as keyword-only parameters (their names are the exercise's declared context). Returns
        nothing when the answer is right; a failed ``helpers.check`` comparison makes it wrong.
    answer : Answer
        The form the answer must have.
    hint : str
        Shown after a wrong answer: the idea to think about, without the number or the recipe.
    solution : str
        The worked way to the answer, shown by :func:`reveal`.
    explanation : str, optional
        Shown when the answer is right: why it is right, or what to notice.
    expected : callable
        ``expected(*, name, ...)``: the right answer (the value a learner would pass), computed
        from the module's shared constants and the same keyword-only context as ``checker``,
        independently of the notebook's solution cell. :func:`reveal` prints it. Required
        (keyword-only in practice: it follows the optional ``explanation``).
    """

    checker: Callable[..., None]
    answer: Answer
    hint: str
    solution: str
    explanation: str = ""
    expected: Callable[..., Any] | None = None

    def __post_init__(self) -> None:
        v.function(self.checker, "checker")
        v.instance(self.answer, "answer", Answer, "an Answer (Answer.number(), ...)")
        v.text(self.hint, "hint")
        v.text(self.solution, "solution")
        v.text(self.explanation, "explanation", nonempty=False)
        params = list(inspect.signature(self.checker).parameters.values())
        kinds = [p.kind for p in params if p.kind is not inspect.Parameter.KEYWORD_ONLY]
        plain = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
        if len(kinds) != 1 or kinds[0] not in plain:
            raise v.fail_value(
                "checker",
                "a function of the answer alone plus keyword-only context, "
                "like `def check(answer, *, idata)`",
                f"parameters {[str(p) for p in params]}",
            )
        if self.expected is None:
            raise TypeError(
                "`expected` must be given: a function of the checker's context returning the "
                "right answer, which reveal() prints"
            )
        v.function(self.expected, "expected")
        takes = list(inspect.signature(self.expected).parameters.values())
        if any(p.kind is not p.KEYWORD_ONLY for p in takes) or tuple(
            p.name for p in takes
        ) != tuple(self.context):
            raise v.fail_value(
                "expected",
                f"a function of the checker's keyword-only context {list(self.context)}",
                f"parameters {[str(p) for p in takes]}",
            )

    @property
    def context(self) -> tuple[str, ...]:
        """The context keywords the checker takes (its keyword-only parameters)."""
        params = inspect.signature(self.checker).parameters.values()
        return tuple(p.name for p in params if p.kind is p.KEYWORD_ONLY)


def _module(notebook: str) -> Any:
    try:
        return importlib.import_module(f"helpers.exercises.nb{notebook}")
    except ModuleNotFoundError as err:
        if err.name != f"helpers.exercises.nb{notebook}":
            raise
        raise v.fail_value(
            "exercise_id", "the id of a defined exercise", f"notebook {notebook}, which has none"
        ) from None


def get_exercise(exercise_id: str) -> Exercise:
    """Return the :class:`Exercise` with id ``"NN-k"``.

    Raises
    ------
    TypeError
        If ``exercise_id`` is not a string.
    ValueError
        If the id is malformed or unknown.

    Examples
    --------
    >>> get_exercise("01-1").context
    ()
    """
    v.text(exercise_id, "exercise_id")
    match = _ID.match(exercise_id)
    if not match:
        raise v.fail_value("exercise_id", "'NN-k' (e.g. '02-1')", repr(exercise_id))
    exercises: dict[str, Exercise] = _module(match.group(1)).EXERCISES
    if exercise_id not in exercises:
        raise v.fail_value(
            "exercise_id", f"one of {sorted(exercises)}", f"{exercise_id!r}, which is not defined"
        )
    return exercises[exercise_id]


def exercise_ids(notebook: str) -> list[str]:
    """The exercise ids defined for a notebook number such as ``"01"``.

    Raises
    ------
    TypeError
        If ``notebook`` is not a string.
    ValueError
        If ``notebook`` is not two digits or has no exercises.
    """
    v.text(notebook, "notebook")
    if not re.fullmatch(r"\d{2}", notebook):
        raise v.fail_value("notebook", "two digits such as '01'", repr(notebook))
    return sorted(_module(notebook).EXERCISES)


# What this kernel has seen: wrong answers per exercise, which were revealed, and the last
# failed comparison of each (for reveal).
_WRONG: Counter[str] = Counter()
_REVEALED: set[str] = set()
_LAST: dict[str, CheckFailed] = {}


def reset_attempts() -> None:
    """Forget every attempt and reveal (as a fresh kernel would)."""
    _WRONG.clear()
    _REVEALED.clear()
    _LAST.clear()


def _check_context(exercise_id: str, spec: Exercise, context: dict[str, Any]) -> None:
    declared = spec.context
    unexpected = [k for k in context if k not in declared]
    missing = [k for k in declared if k not in context]
    if unexpected or missing:
        parts = []
        if missing:
            parts.append("missing context keyword " + ", ".join(f"`{k}`" for k in missing))
        if unexpected:
            parts.append("unexpected context keyword " + ", ".join(f"`{k}`" for k in unexpected))
        takes = ", ".join(f"{k}=..." for k in declared) or "no context"
        raise TypeError(
            f"check.exercise({exercise_id!r}, ...): {'; '.join(parts)}; "
            f"exercise {exercise_id} takes {takes}"
        )


def _revealed_line(err: CheckFailed) -> str:
    if err.expected is not None:
        return f"{err.name}: expected {err.expected}, got {err.got}"
    return str(err).lstrip("\u2717 ")


def judge(exercise_id: str, answer: Any, context: dict[str, Any]) -> None:
    """Check ``answer`` to ``exercise_id`` with ``context``; see :func:`helpers.check.exercise`."""
    from helpers.check import _SILENT, CheckFailed

    spec = get_exercise(exercise_id)
    _check_context(exercise_id, spec, context)
    if answer is Ellipsis:
        print(
            f"Exercise {exercise_id}: no answer yet. Replace the `...` above with your answer "
            "and run both cells again."
        )
        return
    try:
        value = spec.answer.read(answer)
    except _Malformed as why:
        raise AnswerMalformed(
            f"Exercise {exercise_id} expects {spec.answer.expects}; {why}."
        ) from None
    token = _SILENT.set(True)
    try:
        spec.checker(value, **context)
    except CheckFailed as err:
        failed = err
    except AnswerMalformed as err:  # a form the checker could only judge with the context
        raise AnswerMalformed(f"Exercise {exercise_id}: {err}.") from None
    else:
        failed = None
    finally:
        _SILENT.reset(token)
    if failed is None:
        print(f"\u2713 Exercise {exercise_id}: correct. {spec.explanation}".rstrip())
        return
    _WRONG[exercise_id] += 1
    _LAST[exercise_id] = failed
    if _WRONG[exercise_id] >= 2 or exercise_id in _REVEALED:
        raise AnswerIncorrect(
            f"Exercise {exercise_id}: not yet. {_revealed_line(failed)}.\n"
            f"Hint: {spec.hint}\n"
            f'check.reveal("{exercise_id}") shows a worked solution.'
        ) from None
    yours = f" (yours: {failed.got})" if failed.got is not None else ""
    verdict = "does not hold" if failed.expected is None else "is off"
    raise AnswerIncorrect(
        f"Exercise {exercise_id}: not yet: {failed.name or 'the check'} {verdict}{yours}.\n"
        f"Hint: {spec.hint}\n"
        "Change your answer and run both cells again; a second wrong answer shows the expected "
        f'value, and check.reveal("{exercise_id}") shows it with a worked solution.'
    ) from None


def show_value(value: Any) -> str:
    """An expected value, readably: numbers at ``check``'s 4 significant digits, arrays and
    tables compactly, an estimate object by its fields.

    Examples
    --------
    >>> show_value(0.123456789), show_value([1.0, 2.5]), show_value(21)
    ('0.1235', '[1, 2.5]', '21')
    """
    from helpers.check import _fmt

    if isinstance(value, (bool, np.bool_, str)) or value is None:
        return repr(value)
    if type(value).__name__ == "DataFrame":
        return "\n" + value.to_string(max_rows=12, float_format=lambda x: f"{x:.4g}")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = ", ".join(
            f"{f.name}={show_value(getattr(value, f.name))}" for f in dataclasses.fields(value)
        )
        return f"{type(value).__name__}({fields})"
    if isinstance(value, (list, tuple)) and all(isinstance(x, str) for x in value):
        return repr(list(value))
    if isinstance(value, numbers.Integral) or (
        isinstance(value, np.ndarray) and value.dtype.kind in "iu"
    ):
        return str(np.asarray(value).tolist()) if np.ndim(value) else str(int(value))
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return repr(value)
    if arr.ndim == 1 and arr.size > 50:  # draws: what they must look like, not themselves
        return f"{arr.size} values with mean {_fmt(arr.mean())} and sd {_fmt(arr.std(ddof=1))}"
    if arr.ndim == 2 and arr.shape[0] > 50:
        return (
            f"an array of shape {arr.shape} with column means {_fmt(arr.mean(axis=0))} "
            f"and column sds {_fmt(arr.std(axis=0, ddof=1))}"
        )
    return _fmt(arr)


def reveal(exercise_id: str, /, **context: Any) -> None:
    """Print the worked solution and the expected value; see :func:`helpers.check.reveal`."""
    spec = get_exercise(exercise_id)
    if context:
        _check_context(exercise_id, spec, context)
    _REVEALED.add(exercise_id)
    lines = [f"Exercise {exercise_id}, worked solution: {spec.solution}"]
    if spec.explanation:
        lines.append(spec.explanation)
    if len(context) == len(spec.context):
        lines.append(f"Expected: {show_value(spec.expected(**context))}")
    else:
        keywords = ", ".join(f"{k}=..." for k in spec.context)
        lines.append(
            f'For the expected value, pass the self-check\'s context: check.reveal("{exercise_id}", '
            f"{keywords}) with the same values as in the self-check cell."
        )
    if exercise_id in _LAST:
        lines.append(f"Your last answer: {_revealed_line(_LAST[exercise_id])}.")
    print("\n".join(lines))
