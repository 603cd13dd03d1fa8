"""Private input conversion shared by the topic modules (not part of the public API)."""

from __future__ import annotations

from typing import Any

import numpy as np


def float_array(value: Any, name: str) -> np.ndarray:
    """Convert ``value`` to a float array, or raise a TypeError naming the argument.

    Shape and finiteness are left to the caller, whose rules differ.

    Examples
    --------
    >>> float_array([1, 2], "x").dtype
    dtype('float64')
    """
    if isinstance(value, (str, bytes)):
        raise TypeError(f"`{name}` must be an array of numbers; got a string")
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError) as err:
        raise TypeError(
            f"`{name}` must be an array of numbers; got {type(value).__name__}"
        ) from err
