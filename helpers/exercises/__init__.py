"""Reference checks for the exercises, one module per notebook (``nb01``, ``nb02``, ...).

Each module holds a dictionary ``EXERCISES`` from an id such as ``"02-1"`` to an
:class:`Exercise`. Notebooks never call these directly; they call :func:`helpers.check.exercise`,
which finds the module from the id's notebook number. Checkers recompute the right answer
independently (from the same seeded data or from the inputs passed as context) rather than
comparing against a stored number.

Introduced in notebook 01.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["Exercise", "get_exercise", "exercise_ids"]

_ID = re.compile(r"^(\d{2})-(\d+)$")


@dataclass(frozen=True)
class Exercise:
    """One exercise's self-check.

    Parameters
    ----------
    checker : callable
        ``checker(answer, **context)`` returns nothing when the answer is right and raises
        :class:`helpers.check.CheckFailed` (through the ``helpers.check`` functions) when it is not.
    hint : str
        Shown when the answer is wrong.
    explanation : str, optional
        Shown when the answer is right: why it is right, or what to notice.
    """

    checker: Callable[..., None]
    hint: str
    explanation: str = ""


def _module(notebook: str) -> Any:
    try:
        return importlib.import_module(f"helpers.exercises.nb{notebook}")
    except ModuleNotFoundError as err:
        if err.name != f"helpers.exercises.nb{notebook}":
            raise
        raise ValueError(f"no exercises are defined for notebook {notebook}") from None


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
    >>> get_exercise("01-1").hint != ""
    True
    """
    if not isinstance(exercise_id, str):
        raise TypeError(
            f"`exercise_id` must be a string like '02-1'; got {type(exercise_id).__name__}"
        )
    match = _ID.match(exercise_id)
    if not match:
        raise ValueError(f"`exercise_id` must look like 'NN-k' (e.g. '02-1'); got {exercise_id!r}")
    exercises: dict[str, Exercise] = _module(match.group(1)).EXERCISES
    if exercise_id not in exercises:
        raise ValueError(
            f"`exercise_id` {exercise_id!r} is not defined; notebook {match.group(1)} has {sorted(exercises)}"
        )
    return exercises[exercise_id]


def exercise_ids(notebook: str) -> list[str]:
    """The exercise ids defined for a notebook number such as ``"01"``.

    Raises
    ------
    ValueError
        If ``notebook`` is not two digits or has no exercises.
    """
    if not isinstance(notebook, str) or not re.fullmatch(r"\d{2}", notebook):
        raise ValueError(f"`notebook` must be two digits such as '01'; got {notebook!r}")
    return sorted(_module(notebook).EXERCISES)
