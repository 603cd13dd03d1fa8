"""Seeds and random number generators, normalised in one place.

The course uses one seed, :data:`SEED`: :data:`DEFAULT_SEED` unless the environment variable
``COURSE_SEED`` names another non-negative integer, which then changes every notebook's data,
samplers, SVI and Monte Carlo at once (``make test-seeds`` runs the course under several). It is
read here and nowhere else. Every stochastic helper takes a keyword-only ``rng``
that may be a :class:`numpy.random.Generator`, an integer seed or None (a fresh, unseeded
generator), and turns it into a Generator with :func:`make_rng`.

Introduced in notebook 01.
"""

from __future__ import annotations

import numbers
import os

import numpy as np

from helpers import _validate as validate

__all__ = [
    "SEED",
    "DEFAULT_SEED",
    "RngLike",
    "make_rng",
    "child_seed",
    "seed_from_env",
    "seed_torch",
]

#: The seed when ``COURSE_SEED`` is unset: the one the published site and the notes were run with.
DEFAULT_SEED: int = 20_261_121


def seed_from_env(environ: dict[str, str] | None = None) -> int:
    """The course seed: ``COURSE_SEED`` when set (a non-negative integer), else the default.

    Parameters
    ----------
    environ : mapping, optional
        Where to read ``COURSE_SEED``; by default ``os.environ``.

    Returns
    -------
    int

    Raises
    ------
    ValueError
        If ``COURSE_SEED`` is set to something other than a non-negative integer.

    Examples
    --------
    >>> seed_from_env({})
    20261121
    >>> seed_from_env({"COURSE_SEED": "7"})
    7
    """
    raw = (os.environ if environ is None else environ).get("COURSE_SEED", "").strip()
    if not raw:
        return DEFAULT_SEED
    if not raw.isdigit():
        raise ValueError(
            f"environment variable `COURSE_SEED` must be a non-negative integer; got {raw!r}"
        )
    return int(raw)


#: The course's one seed (``COURSE_SEED`` or :data:`DEFAULT_SEED`), read once at import.
SEED: int = seed_from_env()

RngLike = np.random.Generator | int | None


def make_rng(rng: RngLike = SEED) -> np.random.Generator:
    """Return a :class:`numpy.random.Generator` from a Generator, a seed or None.

    Parameters
    ----------
    rng : Generator, int or None, default SEED
        A Generator is returned unchanged (so draws continue its stream); a non-negative integer
        seeds a new one; None gives an unseeded one.

    Returns
    -------
    numpy.random.Generator

    Raises
    ------
    TypeError
        If ``rng`` is of another type (a float, a string, a legacy ``RandomState``).
    ValueError
        If ``rng`` is a negative integer.

    Examples
    --------
    >>> make_rng(0).integers(10, size=3).tolist() == make_rng(0).integers(10, size=3).tolist()
    True
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None:
        return np.random.default_rng()
    if isinstance(rng, bool) or not isinstance(rng, numbers.Integral):
        raise validate.fail_type("rng", "a numpy.random.Generator, an int seed or None", rng)
    return np.random.default_rng(validate.integer(rng, "rng", minimum=0))


def child_seed(rng: RngLike = SEED) -> int:
    """Draw an integer seed from ``rng`` for libraries that want an int (Pyro, SALib).

    Parameters
    ----------
    rng : Generator, int or None, default SEED

    Returns
    -------
    int
        A seed in ``[0, 2**31 - 1)``.

    Examples
    --------
    >>> child_seed(1) == child_seed(1)
    True
    """
    return int(make_rng(rng).integers(0, 2**31 - 1))


def seed_torch(seed: int = SEED) -> None:
    """Seed PyTorch and Pyro (and Python's ``random``, which Pyro also uses).

    Parameters
    ----------
    seed : int, default SEED
        A non-negative integer.

    Raises
    ------
    ValueError
        If ``seed`` is not a non-negative integer.
    """
    seed = validate.integer(seed, "seed", minimum=0)
    import pyro  # imported here: torch is heavy and only the Pyro notebooks need it

    pyro.set_rng_seed(int(seed))
