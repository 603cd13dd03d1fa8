"""Input validation for every public ``helpers`` function: one policy, one message template.

The policy:

- a value of the wrong **type** raises :class:`TypeError` (a string where a number belongs, a
  float where a count belongs, a list where a callable belongs);
- a value of the right type but the wrong **value** raises :class:`ValueError` (a negative count,
  a probability above 1, NaN, an array of the wrong shape);
- every message follows one template, naming the argument, what was expected and what was got::

      `draws` must be an integer >= 1; got 0
      `ci_prob` must be a real number; got str 'high'

Modules import these functions (``from helpers import _validate as validate``) instead of writing their
own. ``bool`` is never accepted as a number: ``True`` as a count or a tolerance is a mistake.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

__all__ = [
    "fail_type",
    "fail_value",
    "integer",
    "real",
    "probability",
    "ci_prob",
    "array",
    "matrix",
    "one_of",
    "text",
    "flag",
    "function",
    "instance",
    "salib_problem",
    "beta_posteriors",
    "effect_data",
]


def _got(value: Any) -> str:
    """How a bad value is shown after ``got``: its type, and its repr when that is short."""
    shown = repr(value)
    if len(shown) > 60:
        return type(value).__name__
    return f"{type(value).__name__} {shown}"


def fail_type(name: str, expected: str, value: Any) -> TypeError:
    """The TypeError of the template: ```name` must be <expected>; got <type value>``."""
    return TypeError(f"`{name}` must be {expected}; got {_got(value)}")


def fail_value(name: str, expected: str, got: Any) -> ValueError:
    """The ValueError of the template; ``got`` is shown as given (a value, a shape, a summary)."""
    return ValueError(
        f"`{name}` must be {expected}; got {got if isinstance(got, str) else repr(got)}"
    )


def integer(
    value: Any, name: str, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    """An integer (not a bool, not a float) within ``[minimum, maximum]``.

    >>> integer(3, "draws", minimum=1)
    3
    >>> integer(0, "draws", minimum=1)
    Traceback (most recent call last):
    ...
    ValueError: `draws` must be an integer >= 1; got 0
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise fail_type(name, "an integer", value)
    value = int(value)
    if minimum is not None and maximum is not None:
        if not minimum <= value <= maximum:
            raise fail_value(name, f"an integer from {minimum} to {maximum}", value)
    elif minimum is not None and value < minimum:
        raise fail_value(name, f"an integer >= {minimum}", value)
    elif maximum is not None and value > maximum:
        raise fail_value(name, f"an integer <= {maximum}", value)
    return value


def real(
    value: Any,
    name: str,
    *,
    positive: bool = False,
    nonnegative: bool = False,
    low: float | None = None,
    high: float | None = None,
    finite: bool = True,
) -> float:
    """A real number (not a bool), finite unless ``finite=False``, optionally bounded.

    ``positive`` means > 0, ``nonnegative`` >= 0; ``low``/``high`` are inclusive bounds.

    >>> real(0.5, "scale", positive=True)
    0.5
    >>> real("1", "scale")
    Traceback (most recent call last):
    ...
    TypeError: `scale` must be a real number; got str '1'
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise fail_type(name, "a real number", value)
    value = float(value)
    if math.isnan(value) or (finite and not math.isfinite(value)):
        raise fail_value(name, "a finite number", value)
    if positive and value <= 0:
        raise fail_value(name, "a number > 0", value)
    if nonnegative and value < 0:
        raise fail_value(name, "a number >= 0", value)
    if low is not None and high is not None and not low <= value <= high:
        raise fail_value(name, f"a number from {low:g} to {high:g}", value)
    if low is not None and high is None and value < low:
        raise fail_value(name, f"a number >= {low:g}", value)
    if high is not None and low is None and value > high:
        raise fail_value(name, f"a number <= {high:g}", value)
    return value


def probability(value: Any, name: str, *, open_interval: bool = False) -> float:
    """A probability in [0, 1] (or (0, 1) when ``open_interval``)."""
    value = real(value, name)
    if open_interval and not 0 < value < 1:
        raise fail_value(name, "a probability strictly between 0 and 1", value)
    if not 0 <= value <= 1:
        raise fail_value(name, "a probability from 0 to 1", value)
    return value


def ci_prob(value: Any, name: str = "ci_prob") -> float:
    """The probability mass of a credible or confidence interval, strictly between 0 and 1."""
    return probability(value, name, open_interval=True)


def array(
    value: Any,
    name: str,
    *,
    ndim: int | tuple[int, ...] | None = None,
    shape: tuple[int | None, ...] | None = None,
    finite: bool = True,
    nonnegative: bool = False,
    positive: bool = False,
    integer: bool = False,
    indicators: bool = False,
    min_size: int = 0,
    dtype: type = float,
) -> np.ndarray:
    """An array of numbers with the given dimensions, shape (``None`` = any length) and values.

    ``integer`` asks for an array of integers (counts): floats, even whole ones, and bools are a
    wrong type. Bools are a wrong type everywhere except with ``indicators=True`` (an array of
    events whose mean is a probability), where they count as 0 and 1. ``finite=False`` lets infinities through (never NaN).

    >>> array([1, 2], "x", ndim=1).tolist()
    [1.0, 2.0]
    >>> array([[1, 2]], "x", ndim=1)
    Traceback (most recent call last):
    ...
    ValueError: `x` must be a 1-D array; got shape (1, 2)
    """
    if isinstance(value, (str, bytes)) or value is None:
        raise fail_type(name, "an array of numbers", value)
    bools = isinstance(value, (list, tuple)) and any(isinstance(e, (bool, np.bool_)) for e in value)
    if bools and not indicators:
        raise fail_type(name, "an array of numbers (not bools)", value)
    expected = "an array of integers" if integer else "an array of numbers"
    try:
        raw = np.asarray(value)
        if integer and raw.size == 0:
            raw = raw.astype(np.int64)
        if indicators and raw.dtype.kind == "b":
            raw = raw.astype(np.int64)
        if raw.dtype.kind == "b" or (integer and raw.dtype.kind not in "iu"):
            raise TypeError(expected)
        arr = raw if integer else raw.astype(dtype)
    except (TypeError, ValueError) as err:
        raise fail_type(name, expected, value) from err
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            dims = " or ".join(f"{d}-D" for d in allowed)
            raise fail_value(name, f"a {dims} array", f"shape {arr.shape}")
    if shape is not None:
        ok = arr.ndim == len(shape) and all(
            s is None or s == a for s, a in zip(shape, arr.shape, strict=False)
        )
        if not ok:
            want = str(tuple("n" if s is None else s for s in shape)).replace("'", "")
            raise fail_value(name, f"an array of shape {want}", f"shape {arr.shape}")
    if arr.size < min_size:
        raise fail_value(name, f"an array of at least {min_size} values", f"{arr.size}")
    if arr.dtype.kind == "f":
        if np.isnan(arr).any():
            raise fail_value(name, "an array without NaN", "NaN")
        if finite and not np.isfinite(arr).all():
            raise fail_value(name, "an array of finite numbers", "inf")
    if nonnegative and (arr < 0).any():
        raise fail_value(name, "an array of numbers >= 0", f"minimum {arr.min():g}")
    if positive and (arr <= 0).any():
        raise fail_value(name, "an array of numbers > 0", f"minimum {arr.min():g}")
    return arr


def matrix(value: Any, name: str, *, min_rows: int = 1, finite: bool = True) -> np.ndarray:
    """A 2-D array of numbers (rows, columns); a 1-D array is taken as one column.

    >>> matrix([1.0, 2.0], "x").shape
    (2, 1)
    """
    arr = array(value, name, ndim=(1, 2), finite=finite)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.shape[0] < min_rows:
        raise fail_value(name, f"a matrix with at least {min_rows} rows", f"shape {arr.shape}")
    return arr


def one_of(value: Any, name: str, options: Iterable[Any]) -> Any:
    """One of a fixed set of options (compared with ``==``)."""
    options = tuple(options)
    if not any(value == option for option in options if type(option) is type(value)):
        listed = ", ".join(repr(o) for o in options)
        if not any(isinstance(value, type(o)) for o in options):
            raise fail_type(name, f"one of {listed}", value)
        raise fail_value(name, f"one of {listed}", repr(value))
    return value


def text(value: Any, name: str, *, nonempty: bool = True) -> str:
    """A string (non-empty unless ``nonempty=False``)."""
    if not isinstance(value, str):
        raise fail_type(name, "a string", value)
    if nonempty and not value.strip():
        raise fail_value(name, "a non-empty string", repr(value))
    return value


def flag(value: Any, name: str) -> bool:
    """A bool (``0``/``1`` are not accepted: they hide a mistaken argument order)."""
    if not isinstance(value, (bool, np.bool_)):
        raise fail_type(name, "True or False", value)
    return bool(value)


def function(value: Any, name: str) -> Callable[..., Any]:
    """A callable."""
    if not callable(value):
        raise fail_type(name, "callable", value)
    return value


def instance(value: Any, name: str, kind: type | tuple[type, ...], expected: str) -> Any:
    """An instance of ``kind``; ``expected`` says it in words ("a pandas DataFrame")."""
    if not isinstance(value, kind):
        raise fail_type(name, expected, value)
    return value


def salib_problem(value: Any, name: str = "problem") -> int:
    """A SALib problem dictionary (keys ``num_vars``, ``names``, ``bounds``); returns ``num_vars``."""
    instance(value, name, dict, "a SALib problem dict")
    missing = {"num_vars", "names", "bounds"} - set(value)
    if missing:
        raise fail_value(
            name, "a SALib problem dict with num_vars, names and bounds", sorted(value)
        )
    return int(value["num_vars"])


def _beta_params(dist: Any, name: str) -> tuple[float, float]:
    """(a, b) of a frozen standard scipy.stats.beta."""
    from scipy import stats

    frozen = isinstance(dist, stats.distributions.rv_frozen)
    if not frozen or getattr(dist.dist, "name", None) != "beta":
        raise fail_type(
            name, "a frozen scipy.stats.beta distribution (as beta_posterior returns)", dist
        )
    params = dict(zip(["a", "b", "loc", "scale"], dist.args, strict=False)) | dict(dist.kwds)
    if params.get("loc", 0) != 0 or params.get("scale", 1) != 1:
        raise fail_value(
            name,
            "a standard Beta on [0, 1] (loc 0, scale 1)",
            f"loc {params.get('loc', 0)}, scale {params.get('scale', 1)}",
        )
    return float(params["a"]), float(params["b"])


def beta_posteriors(
    value: Any, name: str = "posteriors", *, minimum: int = 2
) -> list[tuple[float, float]]:
    """A list of frozen standard Beta distributions, one per variant; returns their (a, b)."""
    from scipy import stats

    if isinstance(value, stats.distributions.rv_frozen) or not isinstance(value, Sequence):
        raise fail_type(name, "a list of frozen Beta distributions, one per variant", value)
    if len(value) < minimum:
        raise fail_value(name, f"a list of at least {minimum} variants", f"{len(value)}")
    return [_beta_params(dist, f"{name}[{i}]") for i, dist in enumerate(value)]


def effect_data(
    outcome: Any, treatment: Any, covariates: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """An effect estimator's inputs: outcome and treatment of one length n, an (n, k) covariate
    matrix, and n >= k + 3 rows."""
    y = array(outcome, "outcome", ndim=1)
    t = array(treatment, "treatment", shape=(y.size,))
    x = matrix(covariates, "covariates")
    if x.shape[0] != y.size:
        raise fail_value(
            "covariates", f"a matrix with one row per outcome ({y.size})", f"shape {x.shape}"
        )
    if y.size < x.shape[1] + 3:
        raise fail_value(
            "outcome", f"an array of at least {x.shape[1] + 3} rows (covariates + 3)", y.size
        )
    return y, t, x
