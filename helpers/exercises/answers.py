"""The forms an exercise answer can be asked in, and how a learner's value is read.

An :class:`Answer` turns the learner's value into what the checker compares (a float, an array,
the object itself) or says, in words a learner can act on, why the value is not of that form;
:func:`helpers.check.exercise` raises that as :class:`~helpers.check.AnswerMalformed`.

Introduced in notebook 01.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["Answer"]


class _Malformed(Exception):
    """Raised by an :class:`Answer` reader; the text says what the answer is instead."""


def _show(value: Any) -> str:
    """The learner's value in words: its kind and, when short, itself."""
    if isinstance(value, str):
        shown = value if len(value) <= 30 else value[:27] + "..."
        return f"a string ({shown!r})"
    if isinstance(value, (bool, np.bool_)):
        return f"{value} (a bool)"
    if value is None:
        return "None"
    kind = type(value).__name__
    if kind == "DataFrame":
        return f"a table (DataFrame) with {value.shape[0]} rows and columns {list(value.columns)}"
    if kind in ("Series", "DataArray", "Tensor") or isinstance(value, np.ndarray):
        return f"a {kind} of shape {tuple(value.shape)}"
    if isinstance(value, (list, tuple)):
        return f"a {kind} of {len(value)} item{'s' if len(value) != 1 else ''}"
    if isinstance(value, dict):
        return f"a dict with keys {list(value)}"
    if isinstance(value, numbers.Number):
        return repr(value)
    return f"a {kind}"


def _numbers(value: Any) -> np.ndarray:
    """``value`` as a float array, or :class:`_Malformed` saying why it is not numbers."""
    if isinstance(value, (str, bytes, dict, bool, np.bool_)) or value is None:
        raise _Malformed(f"your answer is {_show(value)}")
    if type(value).__name__ == "DataFrame":
        raise _Malformed(f"your answer is {_show(value)}")
    try:
        if hasattr(value, "detach"):  # a torch tensor
            value = value.detach().cpu().numpy()
        arr = np.asarray(value, dtype=float)
    except Exception:  # noqa: BLE001 - any failure to read numbers is the answer's form
        raise _Malformed(f"your answer is {_show(value)}, which is not numbers") from None
    if np.isnan(arr).any():
        raise _Malformed("your answer contains NaN (not a number): a step before it failed")
    if not np.isfinite(arr).all():
        raise _Malformed("your answer contains an infinite value")
    return arr


def _as_one(value: Any) -> float:
    arr = _numbers(value)
    if arr.ndim != 0:
        raise _Malformed(
            f"your answer is {_show(value)}"
            + ("; take the number out with float(...)" if arr.size == 1 else "")
        )
    return float(arr)


@dataclass(frozen=True)
class Answer:
    """The form an exercise's answer must have, and how to read it.

    Build one with the class methods; ``expects`` is the learner-facing description.
    """

    expects: str
    read: Callable[[Any], Any] = field(repr=False)

    @staticmethod
    def _say(what: str, meaning: str) -> str:
        return f"{what} ({meaning})" if meaning else what

    @classmethod
    def number(
        cls, meaning: str = "", *, low: float | None = None, high: float | None = None
    ) -> Answer:
        """One real number, optionally within ``[low, high]`` (outside is a unit mistake)."""

        def read(value: Any) -> float:
            x = _as_one(value)
            if (low is not None and x < low) or (high is not None and x > high):
                raise _Malformed(f"your answer is {x:g}, outside [{low}, {high}]")
            return x

        return cls(cls._say("one number", meaning), read)

    @classmethod
    def probability(cls, meaning: str = "") -> Answer:
        """One probability, a proportion from 0 to 1 (not a percentage)."""
        base = cls.number(low=0.0, high=1.0).read
        return cls(cls._say("one probability from 0 to 1", meaning), base)

    @classmethod
    def integer(cls, meaning: str = "") -> Answer:
        """One whole number (an int, or a float with nothing after the point)."""

        def read(value: Any) -> int:
            x = _as_one(value)
            if not float(x).is_integer():
                raise _Malformed(f"your answer is {x:g}, which is not a whole number")
            return int(x)

        return cls(cls._say("one whole number", meaning), read)

    @classmethod
    def vector(cls, size: int | None = None, meaning: str = "") -> Answer:
        """A 1-D sequence of numbers, of length ``size`` (any length >= 1 when ``None``)."""
        what = "a 1-D array of numbers" if size is None else f"{size} numbers"

        def read(value: Any) -> np.ndarray:
            arr = _numbers(value)
            if arr.ndim != 1:
                raise _Malformed(f"your answer is {_show(value)}")
            if (size is not None and arr.size != size) or arr.size == 0:
                raise _Malformed(f"your answer has {arr.size}")
            return arr

        return cls(cls._say(what, meaning), read)

    @classmethod
    def interval(cls, meaning: str = "") -> Answer:
        """Two numbers ``(low, high)`` with low <= high."""
        pair = cls.vector(2).read

        def read(value: Any) -> np.ndarray:
            arr = pair(value)
            if arr[0] > arr[1]:
                raise _Malformed(f"your low end {arr[0]:g} is above your high end {arr[1]:g}")
            return arr

        return cls(cls._say("an interval: two numbers, low then high", meaning), read)

    @classmethod
    def array(cls, shape: tuple[int | None, ...], meaning: str = "") -> Answer:
        """An array of numbers of ``shape`` (``None`` = any length on that axis)."""
        want = "(" + ", ".join("n" if s is None else str(s) for s in shape) + ")"

        def read(value: Any) -> np.ndarray:
            arr = _numbers(value)
            fits = arr.ndim == len(shape) and all(
                s is None or s == a for s, a in zip(shape, arr.shape, strict=False)
            )
            if not fits:
                raise _Malformed(f"your answer has shape {arr.shape}")
            return arr

        return cls(cls._say(f"an array of shape {want}", meaning), read)

    @classmethod
    def table(cls, columns: Iterable[str], meaning: str = "") -> Answer:
        """A pandas DataFrame with (at least) these columns."""
        needed = list(columns)

        def read(value: Any) -> Any:
            if type(value).__name__ != "DataFrame":
                raise _Malformed(f"your answer is {_show(value)}")
            missing = [c for c in needed if c not in value.columns]
            if missing:
                raise _Malformed(f"your table has no column {', '.join(map(repr, missing))}")
            return value

        return cls(cls._say(f"a DataFrame with columns {needed}", meaning), read)

    @classmethod
    def instance(cls, kind: type, meaning: str) -> Answer:
        """An object of class ``kind`` (``meaning`` says where it comes from)."""

        def read(value: Any) -> Any:
            if not isinstance(value, kind):
                raise _Malformed(f"your answer is {_show(value)}")
            return value

        return cls(f"{meaning} (of type {kind.__name__})", read)

    @classmethod
    def names(cls, meaning: str = "") -> Answer:
        """A list (or tuple) of strings, possibly empty."""

        def read(value: Any) -> list[str]:
            if not isinstance(value, (list, tuple)) or not all(isinstance(x, str) for x in value):
                raise _Malformed(f"your answer is {_show(value)}")
            return list(value)

        return cls(cls._say("a list of names (strings)", meaning), read)
