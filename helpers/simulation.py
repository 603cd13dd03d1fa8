"""One result shape for every simulator: the data an analyst sees, and the truth kept aside.

Every ``simulate_*`` function (and ``simulate`` method) in ``helpers`` returns a
:class:`Simulation` with two fields:

- ``data``: what an analyst observes (a pandas DataFrame, or an array where the notebook models
  a matrix, such as a mixture's observations);
- ``truth``: a :class:`Truth`, a read-only record of everything else the simulator knows (its
  parameters, per-unit latent values such as mixture labels, hidden confounders or true effects,
  and design constants not visible in the data such as ``n_pre``).

A check compares an estimate from ``sim.data`` with ``sim.truth.<name>``; each simulator's
docstring lists its truth names. Introduced in notebook 03.
"""

from __future__ import annotations

import keyword
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from helpers import _validate as validate

__all__ = ["Truth", "Simulation"]


def _summary(value: Any) -> str:
    """A short description: arrays and frames by shape, short values by their repr."""
    if isinstance(value, pd.DataFrame):
        return f"DataFrame({value.shape[0]} rows x {value.shape[1]} columns)"
    if isinstance(value, pd.Series):
        return f"Series({value.size} values)"
    if isinstance(value, np.ndarray) and value.ndim > 0:
        return f"array(shape={value.shape}, dtype={value.dtype})"
    if isinstance(value, np.generic):
        value = value.item()
    shown = repr(value)
    return shown if len(shown) <= 40 else f"{type(value).__name__}(...)"


class Truth:
    """A read-only record of named values: what a simulator knows and its data do not show.

    Read a value as an attribute (``truth.elasticity``) or an item (``truth["elasticity"]``);
    iterate over the names; ``dict(truth)`` or ``truth.to_dict()`` gives a plain dictionary.
    Names cannot be added, changed or removed after construction.

    Parameters
    ----------
    **values
        The named values. Names must be Python identifiers that do not start with ``_`` and are
        not ``keys`` or ``to_dict`` (the record's own methods).

    Raises
    ------
    ValueError
        If a name is not usable as an attribute.

    Examples
    --------
    >>> truth = Truth(elasticity=-1.2, n_pre=84)
    >>> truth.elasticity, truth["n_pre"], list(truth), len(truth)
    (-1.2, 84, ['elasticity', 'n_pre'], 2)
    >>> truth
    Truth(elasticity=-1.2, n_pre=84)
    >>> truth.elasticty  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AttributeError: the truth has no 'elasticty'; its names are: elasticity, n_pre...
    """

    __slots__ = ("_values",)
    _RESERVED = frozenset({"keys", "to_dict"})

    def __init__(self, **values: Any) -> None:
        for name in values:
            if (
                not name.isidentifier()
                or keyword.iskeyword(name)
                or name.startswith("_")
                or name in self._RESERVED
            ):
                raise validate.fail_value(
                    name,
                    "a name usable as an attribute (an identifier, not starting with '_', "
                    "not 'keys' or 'to_dict')",
                    repr(name),
                )
        object.__setattr__(self, "_values", dict(values))

    def _known(self) -> str:
        return ", ".join(self._values) or "(none)"

    def __getattr__(self, name: str) -> Any:
        # called only when ordinary lookup fails; `_values` may not exist yet (copy, pickle)
        try:
            values = object.__getattribute__(self, "_values")
        except AttributeError:
            raise AttributeError(name) from None
        try:
            return values[name]
        except KeyError:
            raise AttributeError(
                f"the truth has no {name!r}; its names are: {self._known()}"
            ) from None

    def __getitem__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise KeyError(f"the truth has no {name!r}; its names are: {self._known()}") from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"a Truth is read-only: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"a Truth is read-only: cannot delete {name!r}")

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __contains__(self, name: object) -> bool:
        return name in self._values

    def __dir__(self) -> list[str]:
        return [*super().__dir__(), *self._values]

    def __reduce__(self) -> tuple[Any, ...]:
        return (_truth_from_dict, (dict(self._values),))

    def keys(self) -> list[str]:
        """The names, in the order given (so that ``dict(truth)`` works)."""
        return list(self._values)

    def to_dict(self) -> dict[str, Any]:
        """A plain (shallow) copy as a dictionary."""
        return dict(self._values)

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={_summary(v)}" for k, v in self._values.items())
        return f"Truth({inner})"


def _truth_from_dict(values: dict[str, Any]) -> Truth:
    return Truth(**values)


@dataclass(frozen=True, eq=False)
class Simulation:
    """A simulator's result: the observed ``data`` and the ``truth`` behind them.

    Attributes
    ----------
    data : pandas.DataFrame or numpy.ndarray
        What an analyst observes.
    truth : Truth
        Everything else the simulator knows; its names are listed in the simulator's docstring.

    Raises
    ------
    TypeError
        If ``data`` is not a DataFrame or an array, or ``truth`` is not a :class:`Truth`.

    Examples
    --------
    >>> sim = Simulation(pd.DataFrame({"y": [1.0, 2.0]}), Truth(mean=1.5))
    >>> sim
    Simulation(data=DataFrame(2 rows x 1 columns), truth=Truth(mean=1.5))
    >>> sim.truth.mean
    1.5
    """

    data: pd.DataFrame | np.ndarray
    truth: Truth

    def __post_init__(self) -> None:
        validate.instance(
            self.data, "data", (pd.DataFrame, np.ndarray), "a pandas DataFrame or a numpy array"
        )
        validate.instance(self.truth, "truth", Truth, "a Truth (helpers.simulation.Truth)")

    def __repr__(self) -> str:
        return f"Simulation(data={_summary(self.data)}, truth={self.truth!r})"
