"""The run budget: how much computation a notebook may spend.

Every notebook takes its draws, tuning steps, chains, optimisation steps, epochs and Monte Carlo
draw counts (``n_draws``) from one :class:`Budget`, so that a single switch (the
``COURSE_FAST`` environment variable) moves the whole course between the fast setting used by
CI and the full setting used by learners and the published site.

Introduced in notebook 01.
"""

from __future__ import annotations

import logging
import os
from dataclasses import asdict, dataclass
from typing import Any

from helpers import _validate as validate

__all__ = ["Budget", "get_budget", "is_fast"]

#: NUTS implementations ``pm.sample(nuts_sampler=...)`` accepts.
NUTS_SAMPLERS = ("pymc", "nutpie", "numpyro", "blackjax")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


def _env_flag(name: str) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ValueError(
        f"environment variable `{name}` must be one of {sorted(_TRUE | _FALSE)}; got {raw!r}"
    )


def _env_cores() -> int | None:
    """``COURSE_CORES``: how many processes PyMC may sample chains in (unset: the mode's default)."""
    raw = os.environ.get("COURSE_CORES", "").strip()
    if not raw:
        return None
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(
            f"environment variable `COURSE_CORES` must be a positive integer; got {raw!r}"
        )
    return int(raw)


def is_fast() -> bool:
    """Return True when the fast (CI) budget is selected with ``COURSE_FAST=1``.

    Raises
    ------
    ValueError
        If ``COURSE_FAST`` holds something other than a yes/no value.

    Examples
    --------
    >>> isinstance(is_fast(), bool)
    True
    """
    return _env_flag("COURSE_FAST")


@dataclass(frozen=True)
class Budget:
    """How much computation a notebook may spend.

    Parameters
    ----------
    fast : bool
        True for the CI setting, False for the full setting.
    draws, tune, chains, cores : int
        Arguments for ``pm.sample``, under ``pm.sample``'s own names (``draws`` is per chain):
        :meth:`sample_kwargs` passes them through unchanged.
    svi_steps : int
        Optimisation steps for variational inference (ADVI, SVI).
    epochs : int
        Passes over the data for neural models (notebook 10).
    n_draws : int
        The default number of random draws of a Monte Carlo computation: the course's one
        name for a sample count (``helpers`` functions take it as ``n_draws=``).
    fraction : float
        The share of a full-mode size that :meth:`scaled` keeps in fast mode.
    progressbar : bool
        Whether samplers and training loops show progress bars.
    nuts_sampler : str, default "pymc"
        The NUTS implementation ``pm.sample`` uses. PyMC 6 silently switches to nutpie whenever
        nutpie is importable (other draws for the same seed, several seconds of extra compilation
        per process, and ``max_treedepth=`` raising), so the course names its sampler instead of
        letting the installed packages decide.
    """

    fast: bool
    draws: int
    tune: int
    chains: int
    cores: int
    svi_steps: int
    epochs: int
    n_draws: int
    fraction: float
    progressbar: bool
    nuts_sampler: str = "pymc"

    def __post_init__(self) -> None:
        for name in ("draws", "tune", "chains", "cores", "svi_steps", "epochs", "n_draws"):
            validate.integer(getattr(self, name), name, minimum=1)
        if not 0 < validate.real(self.fraction, "fraction") <= 1:
            raise validate.fail_value("fraction", "a number > 0 and <= 1", self.fraction)
        validate.one_of(self.nuts_sampler, "nuts_sampler", NUTS_SAMPLERS)

    @property
    def mode(self) -> str:
        """``"fast"`` or ``"full"``."""
        return "fast" if self.fast else "full"

    def sample_kwargs(self, **overrides: Any) -> dict[str, Any]:
        """Keyword arguments for ``pm.sample`` (draws, tune, chains, cores, progressbar, nuts_sampler).

        Parameters
        ----------
        **overrides
            Entries that replace the defaults, for example ``target_accept=0.95``.

        Examples
        --------
        >>> kwargs = get_budget(fast=True).sample_kwargs(target_accept=0.9)
        >>> kwargs["target_accept"], kwargs["chains"], kwargs["nuts_sampler"]
        (0.9, 4, 'pymc')
        """
        kwargs: dict[str, Any] = {
            "draws": self.draws,
            "tune": self.tune,
            "chains": self.chains,
            "cores": self.cores,
            "progressbar": self.progressbar,
            "nuts_sampler": self.nuts_sampler,
        }
        kwargs.update(overrides)
        return kwargs

    def scaled(self, full: int, *, minimum: int = 1) -> int:
        """Scale a full-mode size down to the fast budget.

        Parameters
        ----------
        full : int
            The size used in full mode.
        minimum : int, default 1
            The smallest size returned in fast mode.

        Returns
        -------
        int
            ``full`` in full mode; ``max(minimum, round(full * fraction))`` in fast mode.

        Raises
        ------
        TypeError, ValueError
            If ``full`` or ``minimum`` is not an integer >= 1.

        Examples
        --------
        >>> get_budget(fast=True).scaled(100_000)
        20000
        >>> get_budget(fast=False).scaled(100_000)
        100000
        """
        full = validate.integer(full, "full", minimum=1)
        minimum = validate.integer(minimum, "minimum", minimum=1)
        if not self.fast:
            return full
        return max(minimum, round(full * self.fraction))

    def describe(self) -> str:
        """Two lines a notebook prints so readers know which budget and seed ran."""
        from helpers.seeding import SEED

        # two short lines: they read on the site without wrapping
        return (
            f"{self.mode} budget: {self.draws} draws x {self.chains} chains "
            f"(tune {self.tune}), NUTS: {self.nuts_sampler}, seed {SEED}\n"
            f"{self.svi_steps} SVI steps, {self.epochs} epochs, "
            f"{self.n_draws:,} Monte Carlo draws"
        )

    def as_dict(self) -> dict[str, Any]:
        """The budget as a plain dictionary."""
        return asdict(self)


def get_budget(fast: bool | None = None) -> Budget:
    """Return the run budget.

    Parameters
    ----------
    fast : bool, optional
        Force the fast (True) or full (False) budget. By default it is read from the
        ``COURSE_FAST`` environment variable. Progress bars are off in fast mode and whenever
        ``COURSE_QUIET=1`` (the site build sets it); under ``COURSE_QUIET=1`` PyMC's sampler
        log lines ("Initializing NUTS", "Sampling 4 chains") are also left out, while its
        warnings (divergences, R-hat) still show. ``COURSE_CORES=N`` caps the processes PyMC
        samples chains in (the full budget's 2 by default); the parallel site build sets it so
        that notebooks running side by side do not each start a process per core. The draws do
        not depend on it: every chain has its own seed.

    Returns
    -------
    Budget

    Raises
    ------
    TypeError
        If ``fast`` is neither a bool nor None.
    ValueError
        If ``COURSE_FAST`` or ``COURSE_QUIET`` is not a yes/no value, or ``COURSE_CORES`` is
        not a positive integer.

    Examples
    --------
    >>> get_budget(fast=True).draws < get_budget(fast=False).draws
    True
    """
    if fast is None:
        fast = is_fast()
    elif not isinstance(fast, bool):
        raise TypeError(f"`fast` must be a bool or None; got {type(fast).__name__}")
    quiet = _env_flag("COURSE_QUIET")
    cores = _env_cores()
    if quiet:
        # the site shows results, not sampler logs; warnings and errors still reach the page
        logging.getLogger("pymc").setLevel(logging.WARNING)
    if fast:
        # cores=1: in fast mode the tests already run two notebooks at once on the two cores, and
        # starting sampler worker processes costs more than sampling a small model's short chains.
        return Budget(
            fast=True,
            draws=400,
            tune=400,
            chains=4,
            cores=1,
            svi_steps=1500,
            epochs=15,
            n_draws=20_000,
            fraction=0.2,
            progressbar=False,
        )
    return Budget(
        fast=False,
        draws=1000,
        tune=1000,
        chains=4,
        cores=2 if cores is None else min(2, cores),
        svi_steps=5000,
        epochs=60,
        n_draws=100_000,
        fraction=1.0,
        progressbar=not quiet,
    )
