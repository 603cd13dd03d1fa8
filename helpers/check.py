"""Checks against known truth, and exercise self-checks.

A notebook proves its own results with one visible line per key number::

    check.close(p_better, exact, atol=3 * mc_se, name="P(T > C)")
    check.inside(true_beta, hdi, name="coefficients")

Each check prints what it compared when it passes and raises :class:`CheckFailed` (an
``AssertionError``) saying what was expected and what was got when it does not. When the
environment variable ``COURSE_RECORD`` names a file, every checked value is also appended to it
as a JSON line, with what it was compared against (expected value and allowed distance, interval,
or bound), so tests can compare two runs of a notebook number by number and ask of every check
whether it could fail (``tests/test_checks_can_fail.py``).

Exercise self-checks go through :func:`exercise` and :func:`reveal`, thin entry points to
:mod:`helpers.exercises`: a wrong answer raises :class:`AnswerIncorrect`, an answer of the wrong
form (a string, two numbers where three are asked for) raises :class:`AnswerMalformed`, both
:class:`ExerciseFeedback` (an ``AssertionError``, so a failing self-check fails its cell);
anything else a checker raises is a bug in the checker or in the notebook's call and propagates.

Introduced in notebook 01.
"""

from __future__ import annotations

import contextvars
import json
import numbers
import os
from typing import Any

import numpy as np

from helpers import _validate as v
from helpers.exercises.feedback import (
    AnswerIncorrect,
    AnswerMalformed,
    ExerciseFeedback,
    exercise,
    reveal,
)

__all__ = [
    "CheckFailed",
    "ExerciseFeedback",
    "AnswerIncorrect",
    "AnswerMalformed",
    "close",
    "inside",
    "less",
    "greater",
    "holds",
    "recovered",
    "record",
    "exercise",
    "reveal",
]

_SILENT: contextvars.ContextVar[bool] = contextvars.ContextVar("_SILENT", default=False)


class CheckFailed(AssertionError):
    """A result disagreed with the truth it was checked against.

    Besides the message, it carries the parts an exercise's feedback shows separately: ``name``
    (what was checked), ``got`` (the checked value, formatted) and ``expected`` (what it was
    compared with, formatted: ``"21 ± 0"``, ``"inside [0.1, 0.3]"``, ``"> 200"``), each ``None``
    when not applicable.
    """

    def __init__(
        self,
        message: str,
        *,
        name: str | None = None,
        got: str | None = None,
        expected: str | None = None,
    ) -> None:
        super().__init__(message)
        self.name, self.got, self.expected = name, got, expected


def _tolerance(value: Any, argument: str) -> float | np.ndarray:
    """A tolerance: one number >= 0, or an array of them (one per element)."""
    if isinstance(value, (str, bytes, bool, np.bool_)):
        raise v.fail_type(argument, "a real number >= 0 or an array of them", value)
    if isinstance(value, numbers.Real):
        return v.real(value, argument, nonnegative=True)
    return v.array(value, argument, nonnegative=True)


def _fmt(arr: np.ndarray, digits: int = 4) -> str:
    if arr.ndim == 0:
        return f"{float(arr):.{digits}g}"
    return np.array2string(
        arr,
        separator=", ",
        threshold=12,
        formatter={"float_kind": lambda x: f"{x:.{digits}g}"},
    )


def _digits(a: Any, b: Any) -> int:
    """Significant digits (4 to 17) at which two different numbers also print differently."""
    a, b = float(a), float(b)
    digits = 4
    while a != b and digits < 17 and f"{a:.{digits}g}" == f"{b:.{digits}g}":
        digits += 1
    return digits


def record(name: str, value: Any, **compared: Any) -> None:
    """Record a key number (for the reproducibility and can-fail tests).

    Nothing happens unless the ``COURSE_RECORD`` environment variable names a file; then one JSON
    line ``{"name": ..., "value": ..., "kind": ...}`` is appended to it. The checks below also
    record what the value was compared with (``expected`` and ``allowed``, ``interval``, or
    ``bound``); a plain call records the value alone (``kind`` "record").

    Parameters
    ----------
    name : str
        What the number is.
    value : number or array-like
        Anything :func:`numpy.asarray` turns into numbers.
    **compared
        Used by the checks: ``kind`` and the numbers the value was compared with.

    Raises
    ------
    ValueError
        If ``name`` is empty.
    """
    name = v.text(name, "name")
    path = os.environ.get("COURSE_RECORD", "")
    if not path or _SILENT.get():
        return
    line: dict[str, Any] = {"name": name, "value": np.asarray(value, dtype=float).tolist()}
    line["kind"] = compared.pop("kind", "record")
    for key, numbers_ in compared.items():
        line[key] = np.asarray(numbers_, dtype=float).tolist()
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(line) + "\n")


def _report(name: str, message: str, value: Any, **compared: Any) -> None:
    record(name, value, **compared)
    if not _SILENT.get():
        print(f"\u2713 {name}: {message}")


def close(actual: Any, expected: Any, *, atol: float = 0.0, rtol: float = 0.0, name: str) -> None:
    """Check that ``actual`` is within ``atol + rtol * |expected|`` of ``expected``.

    Works element-wise on arrays; every element must pass.

    Parameters
    ----------
    actual, expected : number or array-like
        Broadcastable to a common shape.
    atol, rtol : float or array-like, default 0
        Absolute and relative tolerance, >= 0; arrays give each element its own (for example a
        few Monte Carlo standard errors per parameter). State why a tolerance is what it is.
    name : str
        What is checked, shown in the message.

    Raises
    ------
    CheckFailed
        If any element is further away than the tolerance.
    ValueError, TypeError
        If an argument is malformed (NaN, negative tolerance, shapes that do not broadcast).

    Examples
    --------
    >>> close(0.502, 0.5, atol=0.01, name="mean")
    ✓ mean: 0.502 is within 0.01 of 0.5 (off by 0.002)
    """
    name = v.text(name, "name")
    got, want = v.array(actual, "actual", finite=False), v.array(expected, "expected", finite=False)
    atol, rtol = _tolerance(atol, "atol"), _tolerance(rtol, "rtol")
    try:
        got_b, want_b, atol_b, rtol_b = np.broadcast_arrays(got, want, atol, rtol)
    except ValueError as err:
        raise ValueError(
            f"`actual`, `expected`, `atol` and `rtol` must have broadcastable shapes; "
            f"got {got.shape}, {want.shape}, {np.shape(atol)} and {np.shape(rtol)}"
        ) from err
    allowed = atol_b + rtol_b * np.abs(want_b)
    off = np.abs(got_b - want_b)
    if np.all(off <= allowed):
        worst = float(np.max(off)) if off.size else 0.0
        _report(
            name,
            f"{_fmt(got)} is within {_fmt(np.max(allowed))} of {_fmt(want)} (off by {worst:.3g})",
            got,
            kind="close",
            expected=want_b,
            allowed=allowed,
        )
        return
    bad = np.argmax(off - allowed)
    index = tuple(int(i) for i in np.unravel_index(bad, off.shape))
    where = "" if off.ndim == 0 else f" (worst at index {index})"
    # print both with enough digits that they differ where they differ beyond the tolerance
    digits = _digits(want_b.flat[bad], got_b.flat[bad])
    shown_want, shown_got = _fmt(want, digits), _fmt(got, digits)
    expected = f"{shown_want} \u00b1 {_fmt(np.max(allowed))}"
    raise CheckFailed(
        f"\u2717 {name}: expected {expected}, got {shown_got}; "
        f"off by {float(off.flat[bad]):.4g} where {float(allowed.flat[bad]):.4g} is allowed{where}",
        name=name,
        got=shown_got,
        expected=expected,
    )


def inside(value: Any, interval: Any, *, name: str) -> None:
    """Check that ``value`` lies inside ``interval`` (bounds included).

    Parameters
    ----------
    value : number or array-like
        For example the true parameters of a simulation.
    interval : array-like
        ``(low, high)``, or an array whose last axis has length 2 holding one interval per element
        of ``value`` (the shape ArviZ's ``hdi`` returns).
    name : str

    Raises
    ------
    CheckFailed
        If any value lies outside its interval.
    ValueError
        If the interval is not of shape (..., 2) or has low > high.

    Examples
    --------
    >>> inside(1.0, (0.8, 1.3), name="slope")
    ✓ slope: 1 lies inside [0.8, 1.3]
    """
    name = v.text(name, "name")
    got = v.array(value, "value", finite=False)
    bounds = v.array(interval, "interval", finite=False)
    if bounds.ndim == 0 or bounds.shape[-1] != 2:
        raise ValueError(
            f"`interval` must have shape (..., 2) of (low, high); got shape {bounds.shape}"
        )
    low, high = bounds[..., 0], bounds[..., 1]
    if np.any(low > high):
        raise ValueError(f"`interval` must have low <= high; got {_fmt(bounds)}")
    try:
        ok = (got >= low) & (got <= high)
    except ValueError as err:
        raise ValueError(
            f"`value` of shape {got.shape} does not match `interval` of shape {bounds.shape}"
        ) from err
    shown = f"[{_fmt(low)}, {_fmt(high)}]"
    if np.all(ok):
        _report(name, f"{_fmt(got)} lies inside {shown}", got, kind="inside", interval=bounds)
        return
    raise CheckFailed(
        f"\u2717 {name}: expected inside {shown}, got {_fmt(got)}",
        name=name,
        got=_fmt(got),
        expected=f"inside {shown}",
    )


def recovered(truth: Any, posterior: Any, *, name: str, sds: float = 4.0) -> None:
    """Check parameter recovery: the truth lies within ``sds`` posterior SDs of the posterior mean.

    A 94% interval misses the truth in one run out of 17 by design, and a notebook checks many
    parameters: "truth inside the 94% HDI" fails on some seeds and machines however correct the
    fit. Four posterior standard deviations miss a Normal-shaped posterior's truth about once in
    16,000 runs per parameter, which a course run under any seed can rely on.

    Parameters
    ----------
    truth : number or array-like
        The simulated true value(s), shaped like one draw.
    posterior : xarray.DataArray or array-like
        Posterior draws: a DataArray with ``chain`` and ``draw`` (or ``sample``) dimensions, such
        as ``idata.posterior["beta"]``, or an array whose first axis indexes draws.
    name : str
    sds : float, default 4
        How many posterior SDs the truth may be from the posterior mean.

    Raises
    ------
    CheckFailed
        If any element of the truth is further away.
    ValueError, TypeError
        If the draws are fewer than 2, or the shapes do not match.

    Examples
    --------
    >>> draws = np.random.default_rng(0).normal(1.0, 0.1, size=4000)
    >>> recovered(1.0, draws, name="true slope within 4 posterior SDs")
    ✓ true slope within 4 posterior SDs: 0.9985 is within 0.3994 of 1 (off by 0.00151)
    """
    name = v.text(name, "name")
    sds = _tolerance(sds, "sds")
    dims = getattr(posterior, "dims", None)
    if dims is not None:
        sample = [d for d in ("chain", "draw", "sample") if d in dims]
        if not sample:
            raise ValueError(f"`posterior` must have chain/draw or sample dims; got {dims}")
        n = int(np.prod([posterior.sizes[d] for d in sample]))
        if n < 2:
            raise ValueError(f"`posterior` must hold at least 2 draws; got {n}")
        mean = np.asarray(posterior.mean(sample).values, dtype=float)
        sd = np.asarray(posterior.std(sample, ddof=1).values, dtype=float)
    else:
        draws = v.array(posterior, "posterior", finite=False)
        if draws.ndim == 0:
            raise ValueError("`posterior` must hold draws along its first axis; got a scalar")
        n = draws.shape[0]
        if n < 2:
            raise ValueError(f"`posterior` must hold at least 2 draws; got {n}")
        mean, sd = draws.mean(axis=0), draws.std(axis=0, ddof=1)
    close(mean, truth, atol=sds * sd, name=name)


def _compare(a: Any, b: Any, name: str, smaller: bool) -> None:
    name = v.text(name, "name")
    x, y = v.array(a, "a", finite=False), v.array(b, "b", finite=False)
    try:
        ok = np.all(x < y) if smaller else np.all(x > y)
    except ValueError as err:
        raise ValueError(
            f"`a` and `b` must have broadcastable shapes; got {x.shape} and {y.shape}"
        ) from err
    sign = "<" if smaller else ">"
    if ok:
        _report(
            name, f"{_fmt(x)} {sign} {_fmt(y)}", x, kind="less" if smaller else "greater", bound=y
        )
        return
    pairs = np.broadcast_arrays(x, y)
    digits = max(
        (_digits(a, b) for a, b in zip(pairs[0].flat, pairs[1].flat, strict=True)), default=4
    )
    shown_x, shown_y = _fmt(x, digits), _fmt(y, digits)
    raise CheckFailed(
        f"\u2717 {name}: expected {shown_x} {sign} {shown_y}, which does not hold",
        name=name,
        got=shown_x,
        expected=f"{sign} {shown_y}",
    )


def less(a: Any, b: Any, *, name: str) -> None:
    """Check that ``a < b`` (element-wise, all elements).

    Examples
    --------
    >>> less(0.1, 0.2, name="error of the hierarchical model")
    ✓ error of the hierarchical model: 0.1 < 0.2
    """
    _compare(a, b, name, smaller=True)


def greater(a: Any, b: Any, *, name: str) -> None:
    """Check that ``a > b`` (element-wise, all elements).

    Examples
    --------
    >>> greater(3, 2, name="ESS per second")
    ✓ ESS per second: 3 > 2
    """
    _compare(a, b, name, smaller=False)


def holds(condition: Any, *, name: str, detail: str = "") -> None:
    """Check a condition that is not a comparison of numbers.

    Parameters
    ----------
    condition : bool
        A Python or NumPy boolean.
    name : str
    detail : str, optional
        What the condition means, shown either way.

    Raises
    ------
    TypeError
        If ``condition`` is not a boolean (a truthy array or a number is ambiguous).
    CheckFailed
        If the condition is False.

    Examples
    --------
    >>> holds(True, name="flags the funnel", detail="divergences > 0")
    ✓ flags the funnel: divergences > 0
    """
    name = v.text(name, "name")
    v.flag(condition, "condition")
    if condition:
        _report(name, detail or "holds", 1.0, kind="holds")
        return
    raise CheckFailed(f"\u2717 {name}: does not hold{': ' + detail if detail else ''}", name=name)
