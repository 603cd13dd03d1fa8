"""Narrow filters for third-party warnings the course cannot fix.

Notebooks call :func:`silence_known_warnings` in their setup cell, before importing the
libraries concerned. Each filter matches one message from one module and says why it is
there; anything else, in particular every DeprecationWarning or FutureWarning raised by our own
code, still shows (and fails the tests).

Introduced in notebook 01.
"""

from __future__ import annotations

import warnings

__all__ = ["KNOWN_WARNINGS", "silence_known_warnings"]

#: (message regex, category, module regex, why it cannot be fixed here)
KNOWN_WARNINGS: tuple[tuple[str, type[Warning], str, str], ...] = (
    (
        r"The 'mode.chained_assignment' option is deprecated",
        DeprecationWarning,
        r"lifetimes\.utils",
        "lifetimes 0.11.3 (archived, last release 2020) sets this pandas option at import; the "
        "option has no effect on pandas 3 and lifetimes cannot be patched.",
    ),
    (
        r"PyTensor could not link to a BLAS installation",
        UserWarning,
        r"pytensor\.link\.c\.cmodule",
        "pip-installed PyTensor does not find a system BLAS (its own advice is to install it with "
        "conda); models still compile and sample, only dense linear algebra is slower. "
        "book/setup.md says how to point it at OpenBLAS.",
    ),
    (
        r"QuadPotentialFullAdapt is an experimental feature",
        UserWarning,
        r"pymc\.step_methods\.hmc\.quadpotential",
        "notebooks 07 and 11 use dense mass-matrix adaptation (init='jitter+adapt_full') on "
        "purpose, for correlated posteriors; PyMC flags the feature as experimental.",
    ),
    (
        r"overflow encountered in dot",
        RuntimeWarning,
        r"pymc\.step_methods\.hmc\.quadpotential",
        "early in NUTS tuning a wild proposal can overflow the mass-matrix product; PyMC rejects "
        "that step and adapts. The fits it happens in pass their diagnostics (notebook 04).",
    ),
    (
        r"`torch\.jit\.trace` is deprecated",
        FutureWarning,
        r"torch\.jit\._trace",
        "Pyro 1.9's NUTS(jit_compile=True) traces the potential with torch.jit.trace, which torch "
        "2.14 deprecates; Pyro has no replacement yet and the traced kernel is what makes Pyro's "
        "NUTS fast enough for notebooks 11 and 14.",
    ),
    (
        r"pkg_resources is deprecated as an API",
        UserWarning,
        r"lifetimes\.datasets",
        "lifetimes.datasets imports pkg_resources (setuptools<81 is pinned so that it still "
        "works); the course reads the CDNOW files without it.",
    ),
    (
        r"Importing '(IfElse|ifelse)' from 'pytensor\.ifelse' is deprecated",
        DeprecationWarning,
        r"pymc\.logprob\.mixture",
        "PyMC 6.3.2 imports IfElse from the old pytensor.ifelse path, which PyTensor 3.3 "
        "deprecates (seen when the first import of pymc.logprob.mixture happens inside a test, "
        "e.g. exercise 04-4's checker); PyMC is pinned, so the import cannot be changed here.",
    ),
)


def silence_known_warnings() -> None:
    """Install the narrow filters in :data:`KNOWN_WARNINGS` (and nothing broader).

    Examples
    --------
    >>> silence_known_warnings()
    """
    for message, category, module, _why in KNOWN_WARNINGS:
        warnings.filterwarnings("ignore", message=message, category=category, module=module)
